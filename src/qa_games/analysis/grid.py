"""Grids of parameter points for comparative statics.

A sweep evaluates a model at every point of a :class:`Grid`: a table of parameter
values, one column per varied parameter, one row per point. Grids are built from

- explicit value lists (``[0, 0.5, 1]`` or the text ``"0, 0.5, 1"``);
- ranges ``"lo:hi:n"``: ``n`` equally spaced values from ``lo`` to ``hi`` inclusive,
  computed exactly in rationals and rounded once to floats (so ``0:1:101`` gives
  ``0.07``, not ``0.07000000000000001``);
- the Cartesian product of several such axes (:func:`product`, the first parameter
  varying slowest, as :func:`itertools.product`);
- seeded random samples over a box (:func:`latin_hypercube`: McKay, Beckman and
  Conover 1979, "A comparison of three methods for selecting values of input
  variables in the analysis of output from a computer code", *Technometrics* 21(2);
  via :class:`scipy.stats.qmc.LatinHypercube`).

A grid only holds numbers; the sweep checks names and domains against its model.

>>> g = product({"c": "0:1:3", "t": [1, 2]})
>>> g.size, g.names, g.column("c").tolist(), g.column("t").tolist()
(6, ('c', 't'), [0.0, 0.0, 0.5, 0.5, 1.0, 1.0], [1.0, 2.0, 1.0, 2.0, 1.0, 2.0])
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..games.parameter import Interval, to_fraction

__all__ = ["Grid", "parse_values", "product", "latin_hypercube", "points", "as_grid",
           "MAX_POINTS"]

#: Largest number of points a grid may hold (a guard against typos like ``0:1:1e9``).
MAX_POINTS = 50_000_000


@dataclass(frozen=True, eq=False)
class Grid:
    """Parameter points: ``columns[name][k]`` is parameter ``name`` at point ``k``.

    ``kind`` is ``"product"`` (then ``axes`` holds each parameter's values, in
    order), ``"latin_hypercube"`` (``seed`` set) or ``"points"``. ``spec`` is a
    JSON-able description used to recognise the same grid again (checkpoints).
    """

    names: tuple[str, ...]
    columns: Mapping[str, np.ndarray]
    kind: str = "points"
    axes: Mapping[str, np.ndarray] | None = None
    seed: int | None = None
    spec: Any = None

    @property
    def size(self) -> int:
        """The number of points."""
        return int(len(self.columns[self.names[0]])) if self.names else 0

    def __len__(self) -> int:
        return self.size

    def column(self, name: str) -> np.ndarray:
        """The values of parameter ``name`` at every point."""
        try:
            return self.columns[name]
        except KeyError:
            raise ParameterError(f"the grid has no parameter {name!r} "
                                 f"(it varies {', '.join(self.names)})") from None

    def chunk(self, start: int, stop: int) -> dict[str, np.ndarray]:
        """The columns of points ``start:stop``."""
        return {n: self.columns[n][start:stop] for n in self.names}

    def digest(self) -> str:
        """A SHA-256 of the names and the exact bytes of every column."""
        h = hashlib.sha256()
        h.update(json.dumps([self.kind, list(self.names), self.seed]).encode())
        for n in self.names:
            h.update(n.encode() + b"\0" + np.ascontiguousarray(self.columns[n]).tobytes())
        return h.hexdigest()

    def __repr__(self) -> str:
        return f"<Grid {self.kind} of {self.size} points over {', '.join(self.names)}>"


def _check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.isidentifier():
        raise ParameterError(f"parameter name {name!r} must be an identifier such as 'c'")
    return name


def _frac(text: str, name: str, what: str) -> Fraction:
    try:
        return to_fraction(text, name=f"{name} {what}")
    except ParameterError as exc:
        raise ParameterError(f"{exc} (in the range {name}=lo:hi:n)") from None


def _float(x: Fraction, name: str, text: str) -> float:
    try:
        return float(x)
    except OverflowError:
        raise ParameterError(f"{name}={text[:40]} is beyond the range of floats "
                             "(about 1.8e308)") from None


def parse_values(spec: Any, *, name: str = "value") -> np.ndarray:
    """The float values a one-parameter specification denotes.

    ``spec``: ``"lo:hi:n"`` (``n`` values, both ends included), ``"a, b, c"``, a
    single number, or a sequence of numbers. Empty or non-finite values are errors.

    >>> parse_values("0:1:5", name="c").tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    >>> parse_values("0.1, 1/3", name="c").tolist()
    [0.1, 0.3333333333333333]
    >>> parse_values("1:0:0", name="c")
    Traceback (most recent call last):
    ...
    qa_games.errors.ParameterError: c=1:0:0: n=0 must be a whole number >= 1
    """
    if isinstance(spec, str):
        text = spec.strip()
        if text.count(":") == 2:
            lo_t, hi_t, n_t = (p.strip() for p in text.split(":"))
            try:
                n = int(n_t)
            except ValueError:
                n = -1
            if n < 1:
                raise ParameterError(f"{name}={text}: n={n_t} must be a whole number >= 1")
            if n > MAX_POINTS:
                raise ParameterError(f"{name}={text}: n={n} exceeds {MAX_POINTS} points")
            lo, hi = _frac(lo_t, name, "lo"), _frac(hi_t, name, "hi")
            if n == 1 and lo != hi:
                raise ParameterError(f"{name}={text}: n=1 needs lo == hi (use n >= 2 for a "
                                     "range)")
            if hi < lo:
                raise ParameterError(f"{name}={text}: hi={hi_t} is below lo={lo_t}")
            _float(lo, name, lo_t)
            _float(hi, name, hi_t)
            if n == 1:
                return np.array([float(lo)])
            step = (hi - lo) / (n - 1)
            return np.array([float(lo + k * step) for k in range(n)])
        if ":" in text:
            raise ParameterError(f"{name}={text!r}: a range is written lo:hi:n, e.g. 0:1:101")
        parts = [p.strip() for p in text.split(",")]
        if not text or any(not p for p in parts):
            raise ParameterError(f"{name}={spec!r}: expected lo:hi:n or a list a, b, c "
                                 "(no empty values)")
        return np.array([_float(to_fraction(p, name=name), name, p) for p in parts])
    if isinstance(spec, (int, float, Fraction)) and not isinstance(spec, bool):
        spec = [spec]
    try:
        arr = np.asarray(spec, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={spec!r}: expected numbers, lo:hi:n or a list") from None
    if arr.ndim != 1:
        raise ParameterError(f"{name}: expected a 1-d list of values, got shape {arr.shape}")
    if arr.size == 0:
        raise ParameterError(f"{name}: the list of values is empty (a sweep needs >= 1 value)")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name}: values must be finite numbers, got {arr.tolist()}")
    return arr


def _spec_json(spec: Any) -> Any:
    if isinstance(spec, str):
        return spec
    return [repr(float(x)) for x in np.atleast_1d(np.asarray(spec, dtype=float))]


def product(axes: Mapping[str, Any]) -> Grid:
    """The Cartesian product of one value specification per parameter.

    >>> product({"c": [0, 1], "t": "1:3:3"}).size
    6
    """
    if not axes:
        raise ParameterError("a grid needs at least one parameter to vary")
    values = {_check_name(n): parse_values(s, name=n) for n, s in axes.items()}
    total = math.prod(len(v) for v in values.values())
    if total > MAX_POINTS:
        raise ParameterError(f"the grid has {total} points, more than {MAX_POINTS}")
    names = tuple(values)
    mesh = np.meshgrid(*values.values(), indexing="ij")
    columns = {n: np.ascontiguousarray(m.ravel()) for n, m in zip(names, mesh, strict=True)}
    for a in [*columns.values(), *values.values()]:
        a.setflags(write=False)
    spec = {"product": {n: _spec_json(s) for n, s in axes.items()}}
    return Grid(names, columns, "product", values, None, spec)


def points(columns: Mapping[str, Any]) -> Grid:
    """Explicit points: equal-length value lists, point ``k`` taking the ``k``-th of each.

    >>> points({"c": [0, 0.5], "t": [1, 2]}).size
    2
    """
    if not columns:
        raise ParameterError("a grid needs at least one parameter to vary")
    cols = {_check_name(n): parse_values(v, name=n) for n, v in columns.items()}
    sizes = {n: len(v) for n, v in cols.items()}
    if len(set(sizes.values())) != 1:
        raise ParameterError(f"points: every parameter needs the same number of values, "
                             f"got {sizes}")
    for a in cols.values():
        a.setflags(write=False)
    return Grid(tuple(cols), cols, "points", None, None,
                {"points": {n: _spec_json(v) for n, v in cols.items()}})


def _bounds(name: str, box: Any, domain: Interval | None) -> tuple[float, float]:
    if box is None:
        if domain is None or domain.lower is None or domain.upper is None:
            raise ParameterError(f"{name}: give bounds (lo, hi) for a random sample; its "
                                 f"domain {domain} is not a bounded interval")
        return float(domain.lower), float(domain.upper)
    if isinstance(box, str):
        box = box.split(":")
    if len(box) != 2:
        raise ParameterError(f"{name}={box!r}: bounds must be (lo, hi)")
    lo, hi = (float(to_fraction(b, name=name)) for b in box)
    if not lo <= hi:
        raise ParameterError(f"{name}: bounds ({lo}, {hi}) need lo <= hi")
    return lo, hi


def latin_hypercube(box: Mapping[str, Any] | Sequence[str], n: int, *, seed: int,
                    model: Any = None) -> Grid:
    """``n`` seeded Latin-hypercube points in a box.

    ``box`` maps each parameter to ``(lo, hi)`` (or ``"lo:hi"``), or to None to use
    its domain in ``model``; a list of names means "each over its domain". Points
    in each stratum are uniform; open domain ends are kept open by nudging a sample
    that lands exactly on them.

    >>> g = latin_hypercube({"c": (0, 1), "t": (0, 10)}, 4, seed=1)
    >>> g.size, sorted(int(4 * x) for x in g.column("c"))
    (4, [0, 1, 2, 3])
    """
    from scipy.stats import qmc

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= MAX_POINTS:
        raise ParameterError(f"n={n!r} must be a whole number from 1 to {MAX_POINTS}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ParameterError(f"seed={seed!r} must be an integer (every random draw takes one)")
    if not isinstance(box, Mapping):
        box = {name: None for name in box}
    if not box:
        raise ParameterError("a grid needs at least one parameter to vary")
    bounds = {}
    for name, b in box.items():
        _check_name(name)
        domain = model.parameter(name).domain if model is not None else None
        bounds[name] = _bounds(name, b, domain)
    unit = qmc.LatinHypercube(d=len(bounds), seed=np.random.default_rng(int(seed))).random(int(n))
    cols = {}
    for k, (name, (lo, hi)) in enumerate(bounds.items()):
        col = lo + unit[:, k] * (hi - lo)
        domain = model.parameter(name).domain if model is not None else None
        if domain is not None and domain.lower is not None and not domain.lower_closed:
            col = np.where(col <= float(domain.lower), np.nextafter(float(domain.lower), np.inf),
                           col)
        col.setflags(write=False)
        cols[name] = col
    spec = {"latin_hypercube": {n: list(b) for n, b in bounds.items()}, "n": int(n),
            "seed": int(seed)}
    return Grid(tuple(cols), cols, "latin_hypercube", None, int(seed), spec)


def as_grid(grid: Any) -> Grid:
    """A :class:`Grid` from a Grid or a mapping ``{name: values}`` (their product)."""
    if isinstance(grid, Grid):
        if grid.size == 0:
            raise ParameterError("the grid is empty: a sweep needs at least one point")
        return grid
    if isinstance(grid, Mapping):
        return product(grid)
    raise ParameterError(f"grid={grid!r} must be a Grid or a mapping name -> values "
                         "(e.g. {'c': '0:1:101'})")
