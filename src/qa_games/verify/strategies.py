"""Hypothesis strategies for property-testing models (as ``pint.testing`` ships for pint).

:func:`parameter_values` draws exact parameter values (``fractions.Fraction``)
inside each parameter's domain, satisfying the model's constraints and, when
given, a region (a condition over parameters and derived quantities). Values mix
round grid points (domain ends, halves, tenths: where theories have their
boundaries, and where counterexamples shrink to) with arbitrary fractions.
Equality constraints that fix a sum (``w_1 + w_2 + ... == 1``) are met by drawing
a point of the simplex. :func:`games` draws the numeric games of a model.

Drawing inside a region instead of rejecting (issue 14): candidate points are drawn
in bulk from that mixture (numpy, seeded), screened in floats against the domains,
the constraints and the region with a tolerance (so no exactly valid point is screened
out), and kept as a pool; Hypothesis then draws one index into the pool per point,
and the point is decided exactly (Fractions) before it is returned -- an index whose
point fails is passed over for the next. Small indices hold the roundest points, so
counterexamples shrink towards them.

>>> from hypothesis import given, settings
>>> from qa_games import load_model
>>> m = load_model("cha_quasi_alliance")
>>> @settings(max_examples=20, database=None)
... @given(parameter_values(m, region="Delta_A > 0", fixed={"phi": "0.2"}))
... def check(values):
...     assert m.evaluate("Delta_A", values) > 0 and values["phi"] == Fraction(1, 5)
>>> check()
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import sympy
from hypothesis import reject
from hypothesis import strategies as st

from ..errors import ParameterError
from ..games.exact_eval import exact_function, substitute
from ..games.memo import PerObject

__all__ = ["parameter_values", "games", "satisfies", "exact_function", "UNBOUNDED_SPAN"]

UNBOUNDED_SPAN = Fraction(20)  # how far past a finite bound an unbounded domain is drawn
_RANDOM_TRIES = 3000
_POOL_SIZE = 2048  # screened candidate points kept per (model, fixed values, region, seed)
_POOL_BATCH = 4096  # candidates drawn and screened at a time ...
_POOL_BATCHES = 16  # ... at most this many times (65,536 candidates)
_POOL_WALK = 64  # pool points tried, from the drawn index on, before rejection sampling
_SCREEN_TOL = 1e-9  # relative tolerance of the float screen (exact values decide)


def _bounds(domain: Any) -> tuple[Fraction, Fraction]:
    lo, hi = domain.lower, domain.upper
    if lo is None and hi is None:
        return -UNBOUNDED_SPAN, UNBOUNDED_SPAN
    if lo is None:
        return hi - UNBOUNDED_SPAN, hi
    if hi is None:
        return lo, lo + UNBOUNDED_SPAN
    return lo, hi


class _Grid:
    """One parameter's candidate values ``lo + (hi - lo) * k / den``, built once each.

    The points lie in ``[lo, hi]`` by construction, so whether the domain contains one
    is decided on ``k`` alone: only an open, finite end can exclude it (``k = 0`` or
    ``k = den``). Same values, same decisions as building the Fraction and calling
    ``domain.contains`` every time (issue 14: that was most of ``verify``'s time).
    """

    def __init__(self, parameter: Any) -> None:
        domain = parameter.domain
        self.lo, self.hi = _bounds(domain)
        self.span = self.hi - self.lo
        self.lo_out = domain.lower is not None and not domain.lower_closed
        self.hi_out = domain.upper is not None and not domain.upper_closed
        self._tables: dict[int, list[Fraction | None]] = {}

    def inside(self, k: int, den: int) -> bool:
        if self.span == 0:  # every point is both ends
            return not (self.lo_out or self.hi_out)
        return not ((k == 0 and self.lo_out) or (k == den and self.hi_out))

    def table(self, den: int) -> list[Fraction | None]:
        """``lo + span * k / den`` for ``k = 0..den`` (the ends as ``lo`` and ``hi``), None
        where the domain excludes the point; built once, in integers (``lo = a/b``,
        ``span = c/d``: the value is ``(a d den + c b k) / (b d den)``)."""
        out = self._tables.get(den)
        if out is None:
            a, b = self.lo.numerator, self.lo.denominator
            c, d = self.span.numerator, self.span.denominator
            base, step, under = a * d * den, c * b, b * d * den
            out = [None if not self.inside(k, den) else
                   self.lo if k == 0 else self.hi if k == den else
                   Fraction(base + step * k, under) for k in range(den + 1)]
            self._tables[den] = out
        return out


@lru_cache(maxsize=1024)
def _grid(parameter: Any) -> _Grid:
    return _Grid(parameter)


@lru_cache(maxsize=1024)
def value_strategy(parameter: Any) -> st.SearchStrategy[Fraction]:
    """Exact values in a parameter's domain: its ends (where theories have their
    boundaries), round grid points (twentieths of the range: they shrink well) and
    finer fractions (thousandths). One integer draw each, so drawing is cheap."""
    grid = _grid(parameter)
    ends, twentieths, thousandths = grid.table(1), grid.table(20), grid.table(1000)
    table: list[Fraction] = []
    for k in range(3003):
        mode, n = k % 3, k // 3
        x = ends[n % 2] if mode == 0 else twentieths[n % 21] if mode == 1 else thousandths[n]
        table.append(parameter.default if x is None else x)

    return st.integers(0, 3002).map(table.__getitem__)


def _subs(model: Any, values: Mapping[str, Fraction]) -> dict[sympy.Symbol, sympy.Rational]:
    return {sympy.Symbol(k, real=True): sympy.Rational(v.numerator, v.denominator)
            for k, v in values.items()}


def model_parameters(model: Any) -> tuple[Any, ...]:
    """The parameters of a normal-form model (``model.game``) or a sequential one."""
    game = getattr(model, "game", None)
    return tuple(game.parameters if game is not None else model.parameters)


def model_constraints(model: Any) -> tuple[Any, ...]:
    """The constraints among the parameters of a normal-form or a sequential model."""
    game = getattr(model, "game", None)
    return tuple(game.constraints if game is not None else model.constraints)


def satisfies(model: Any, condition: Any, values: Mapping[str, Fraction]) -> bool:
    """Whether ``condition`` (sympy, or text over the model's names) holds exactly at
    ``values``; False where it is undefined (a zero denominator)."""
    if isinstance(condition, str):
        condition = model.condition(condition, where=f"{model.name}: region")
    fast = exact_function(condition)
    if fast is not None:
        try:
            return bool(fast(values))
        except ZeroDivisionError:
            return False
    try:
        out = substitute(condition, _subs(model, values))
        if out not in (sympy.true, sympy.false):
            out = sympy.simplify(out)
        return out is sympy.true
    except (TypeError, ZeroDivisionError, ValueError):
        return False


class _Checks:
    """A model's constraints, decided exactly at Fraction values, read once per model."""

    def __init__(self, model: Any) -> None:
        self.params = model_parameters(model)
        self.domains = [(p.name, p.domain) for p in self.params]
        self.sums = _find_sum_constraints(model)
        self.summed = {n for names, _ in self.sums for n in names}
        self.constraints = [_condition_function(model, rel) for rel in model_constraints(model)]


_CHECKS: PerObject[_Checks] = PerObject()


def _checks(model: Any) -> _Checks:
    return _CHECKS.get(model, None, lambda: _Checks(model))


def _condition_function(model: Any, condition: Any) -> Callable[[Mapping[str, Fraction]], bool]:
    """``lambda values: satisfies(model, condition, values)``, compiled once."""
    if isinstance(condition, str):
        condition = model.condition(condition, where=f"{model.name}: region")
    fast = exact_function(condition)
    if fast is None:
        return lambda values: satisfies(model, condition, values)

    def check(values: Mapping[str, Fraction]) -> bool:
        try:
            return bool(fast(values))
        except ZeroDivisionError:
            return False
    return check


def _sum_constraints(model: Any) -> list[tuple[list[str], Fraction]]:
    """Equality constraints of the form ``p_1 + ... + p_k == const``."""
    return _checks(model).sums


def _find_sum_constraints(model: Any) -> list[tuple[list[str], Fraction]]:
    found = []
    for rel in model_constraints(model):
        if not isinstance(rel, sympy.Eq):
            continue
        expr = sympy.expand(rel.lhs - rel.rhs)
        const = -expr.subs({s: 0 for s in expr.free_symbols})
        terms = sympy.expand(expr + const)
        names = sorted(str(s) for s in terms.free_symbols)
        if names and terms == sum(sympy.Symbol(n, real=True) for n in names) and const.is_Rational:
            found.append((names, Fraction(int(const.p), int(const.q))))
    return found


def _valid(model: Any, values: Mapping[str, Fraction], *,
           inside: Any = ()) -> bool:
    """Inside every domain and every model constraint (exactly). ``inside``: names whose
    values are known to lie in their domains (drawn from them), not checked again."""
    checks = _checks(model)
    for name, domain in checks.domains:
        if name not in inside and not domain.contains(values[name]):
            return False
    for check in checks.constraints:
        if not check(values):
            return False
    return True


@lru_cache(maxsize=1024)
def _random_tables(parameter: Any) -> tuple[list, list, list]:
    grid = _grid(parameter)
    return grid.table(1), grid.table(20), grid.table(1000)


def _plain_random(rnd: Any) -> random.Random:
    """A plain ``random.Random`` continuing the stream of Hypothesis' ``st.randoms(
    use_true_random=True)`` (which forwards every call through its own wrapper): the
    same numbers, without the wrapper's cost per call."""
    out = random.Random()
    out.setstate(rnd.getstate())
    return out


def _random_value(rnd: Any, parameter: Any) -> Fraction:
    return _random_from(rnd, _random_tables(parameter), parameter.default)


def _random_from(rnd: Any, tables: tuple[list, list, list], default: Fraction) -> Fraction:
    ends, twentieths, thousandths = tables
    random, randint = rnd.random, rnd.randint
    for _ in range(20):
        u = random()
        if u < 0.1:
            x = ends[0] if random() < 0.5 else ends[1]
        elif u < 0.5:
            x = twentieths[randint(0, 20)]
        else:
            x = thousandths[randint(0, 1000)]
        if x is not None:
            return x
    return default


class _Region:
    """A region with a short repr (Hypothesis prints strategy arguments)."""

    def __init__(self, condition: Any) -> None:
        self.condition = condition

    def __repr__(self) -> str:
        return "<region>"


def _fill_sums(model: Any, values: dict[str, Fraction], fixed: Mapping[str, Fraction],
               weights_of: Callable[[int], list[int]]) -> None:
    for names, total in _sum_constraints(model):
        free = [n for n in names if n not in fixed]
        rest = total - sum(values[n] for n in names if n in fixed)
        if not free:
            continue
        weights = weights_of(len(free))
        if sum(weights) == 0:
            weights[-1] = 1
        for n, w in zip(free, weights, strict=True):
            values[n] = rest * Fraction(w, sum(weights))


@lru_cache(maxsize=1024)
def _screen(expr: Any, names: tuple[str, ...]
            ) -> Callable[[list[np.ndarray]], np.ndarray] | None:
    """A float screen of a condition: a function of the parameter columns (in ``names``'
    order) giving False only where the condition certainly fails (each comparison
    relaxed by a relative tolerance; NaN kept); None where it cannot be screened."""
    if expr is sympy.true or expr is True:
        return lambda cols: np.ones(len(cols[0]), dtype=bool)
    if expr is sympy.false or expr is False:
        return lambda cols: np.zeros(len(cols[0]), dtype=bool)
    if isinstance(expr, (sympy.And, sympy.Or)):
        parts = [_screen(a, names) for a in expr.args]
        if isinstance(expr, sympy.And):
            kept = [f for f in parts if f is not None]  # an unscreenable part: keep all
            return lambda cols: np.logical_and.reduce([f(cols) for f in kept]) if kept \
                else np.ones(len(cols[0]), dtype=bool)
        if any(f is None for f in parts):
            return None
        return lambda cols: np.logical_or.reduce([f(cols) for f in parts])  # type: ignore[misc]
    if not isinstance(expr, sympy.core.relational.Relational) or isinstance(expr, sympy.Ne):
        return None
    from ..games.vectorize import lambdify_safe

    symbols = [sympy.Symbol(n, real=True) for n in names]
    try:
        both = lambdify_safe(symbols, [expr.lhs, expr.rhs])
    except Exception:  # noqa: BLE001 -- a screen is an optimisation; the exact check decides
        return None
    strict_sign = {sympy.StrictGreaterThan: 1, sympy.GreaterThan: 1,
                   sympy.StrictLessThan: -1, sympy.LessThan: -1, sympy.Equality: 0}
    sign = strict_sign.get(type(expr))
    if sign is None:
        return None

    def screen(cols: list[np.ndarray]) -> np.ndarray:
        n = len(cols[0])
        try:
            with np.errstate(all="ignore"):
                lhs, rhs = (np.broadcast_to(np.asarray(v, dtype=float), (n,))
                            for v in both(*cols))
                d = lhs - rhs
                tol = _SCREEN_TOL * (1 + np.abs(lhs) + np.abs(rhs))
                ok = d >= -tol if sign > 0 else d <= tol if sign < 0 else np.abs(d) <= tol
                return ok | np.isnan(d)
        except Exception:  # noqa: BLE001 -- as above: no screen, the exact check decides
            return np.ones(n, dtype=bool)
    return screen


@dataclass
class _Pool:
    """Screened candidate points of one (model, fixed values, region, seed), as indices
    into each free parameter's grid values and the weights of each sum constraint; each
    point is decided exactly the first time it is drawn."""

    params: list[str]
    fixed: dict[str, Fraction]
    values: dict[str, list[Fraction]]  # a free parameter's grid values
    codes: dict[str, np.ndarray]  # per point, the index of its value
    sums: list[tuple[list[str], Fraction, np.ndarray]]  # free names, rest, weights
    verdicts: list[bool | None]  # (the pool holds no reference to its model: the cache
    # of pools is weakly keyed by the model)

    def __len__(self) -> int:
        return len(self.verdicts)

    def point(self, i: int) -> dict[str, Fraction]:
        values = dict(self.fixed)
        for name, vals in self.values.items():
            values[name] = vals[int(self.codes[name][i])]
        for names, rest, weights in self.sums:
            w = [int(x) for x in weights[i]]
            total = sum(w)
            for n, x in zip(names, w, strict=True):
                values[n] = rest * Fraction(x, total)
        return {p: values[p] for p in self.params}

    def valid(self, i: int, good: Callable[[dict[str, Fraction]], bool]
              ) -> dict[str, Fraction] | None:
        """Point ``i`` if ``good`` (the exact check) accepts it, decided once."""
        values = self.point(i)
        if self.verdicts[i] is None:
            self.verdicts[i] = good(values)
        return values if self.verdicts[i] else None


@lru_cache(maxsize=1024)
def _grid_values(parameter: Any) -> tuple[list[Fraction], np.ndarray, list[np.ndarray]]:
    """A parameter's grid values inside its domain (ends, twentieths, thousandths), as
    Fractions and floats, and the indices of each of the three kinds (the thousandths
    hold every grid point, so they are empty only when the domain holds none of them:
    then the default stands in)."""
    vals: list[Fraction] = []
    by_mode = []
    for table in _random_tables(parameter):
        kept = [x for x in table if x is not None]
        by_mode.append(np.arange(len(vals), len(vals) + len(kept), dtype=np.int64))
        vals.extend(kept)
    if not len(by_mode[2]):
        vals, by_mode = [parameter.default], [by_mode[0][:0], by_mode[0][:0], np.zeros(1, np.int64)]
    return vals, np.array([float(v) for v in vals]), by_mode


def _grid_choices(parameter: Any, rng: np.random.Generator, n: int
                  ) -> tuple[list[Fraction], np.ndarray, np.ndarray]:
    """``n`` draws of a parameter from the sampler's mixture (ends 10%, twentieths 40%,
    thousandths 50%; a mode whose points the domain excludes gives its share to the
    thousandths): its value list, each draw's index into it, and its roundness (0 for an
    end, 1 for a twentieth, 2 otherwise)."""
    vals, _, by_mode = _grid_values(parameter)
    u = rng.random(n)
    mode = np.where(u < 0.1, 0, np.where(u < 0.5, 1, 2))
    for m in (0, 1):
        if len(by_mode[m]) == 0:
            mode[mode == m] = 2
    codes = np.empty(n, np.int64)
    for m in range(3):
        sel = mode == m
        if sel.any():
            codes[sel] = by_mode[m][rng.integers(0, len(by_mode[m]), int(sel.sum()))]
    return vals, codes, mode


_POOLS: PerObject[_Pool] = PerObject()


def _pool(model: Any, fixed: dict[str, Fraction], region: Any, seed: int) -> _Pool:
    key = (tuple(sorted(fixed.items())), None if region is None else region.condition, seed)
    return _POOLS.get(model, key, lambda: _build_pool(model, fixed, region, seed))


def _build_pool(model: Any, fixed: dict[str, Fraction], region: Any, seed: int) -> _Pool:
    params = model_parameters(model)
    names = [p.name for p in params]
    checks = _checks(model)
    screens = [_screen(rel, tuple(names)) for rel in model_constraints(model)]
    if region is not None:
        screens.append(_screen(region.condition, tuple(names)))
    kept = [f for f in screens if f is not None]
    domains = [(names.index(n), d) for n, d in checks.domains if n in checks.summed]
    rng = np.random.default_rng([seed, 0x51A7])
    free = [p for p in params if p.name not in fixed and p.name not in checks.summed]
    groups = []
    for group, total in checks.sums:
        frees = [n for n in group if n not in fixed]
        if frees:
            groups.append((frees, total - sum(fixed[n] for n in group if n in fixed)))
    chunks: list[tuple[dict[str, np.ndarray], list[np.ndarray], np.ndarray]] = []
    values: dict[str, list[Fraction]] = {}
    count = 0
    for _ in range(_POOL_BATCHES):
        n = _POOL_BATCH
        cols: dict[str, np.ndarray] = {k: np.full(n, float(v)) for k, v in fixed.items()}
        codes, score = {}, np.zeros(n, np.int64)
        for p in free:
            vals, code, roundness = _grid_choices(p, rng, n)
            values[p.name] = vals
            codes[p.name] = code
            cols[p.name] = _grid_values(p)[1][code]
            score += roundness
        weights = []
        for frees, rest in groups:
            w = rng.integers(0, 11, (n, len(frees)))
            w[w.sum(axis=1) == 0, -1] = 1
            weights.append(w)
            share = w / w.sum(axis=1, keepdims=True) * float(rest)
            for k, nm in enumerate(frees):
                cols[nm] = share[:, k]
        for nm in names:
            cols.setdefault(nm, np.zeros(n))
        ordered = [cols[nm] for nm in names]
        ok = np.ones(n, dtype=bool)
        for k, d in domains:
            lo, hi = _bounds(d)
            x, tol = ordered[k], _SCREEN_TOL * (1 + abs(float(lo)) + abs(float(hi)))
            ok &= (x >= float(lo) - tol) & (x <= float(hi) + tol)
        for f in kept:
            ok &= f(ordered)
        sel = np.flatnonzero(ok)[:_POOL_SIZE - count]
        chunks.append(({k: c[sel] for k, c in codes.items()}, [w[sel] for w in weights],
                       score[sel]))
        count += len(sel)
        if count >= _POOL_SIZE:
            break
    score = np.concatenate([c[2] for c in chunks])
    order = np.argsort(score, kind="stable")  # the roundest points first
    all_codes = {p.name: np.concatenate([c[0][p.name] for c in chunks])[order] for p in free}
    sums = [(frees, rest, np.concatenate([c[1][k] for c in chunks])[order])
            for k, (frees, rest) in enumerate(groups)]
    return _Pool(names, dict(fixed), {p.name: values[p.name] for p in free}, all_codes,
                 sums, [None] * len(order))


#: ``st.randoms(use_true_random=True)``, built once (a strategy is not free to build).
RANDOMS = st.randoms(use_true_random=True)


@lru_cache(maxsize=1024)
def _indices(size: int) -> st.SearchStrategy[int]:
    """``st.integers(0, size - 1)``, built once per size (it is drawn once per point):
    the same draws as building it every time."""
    return st.integers(0, size - 1)


@st.composite
def _values(draw: Any, model: Any, fixed: dict[str, Fraction], region: Any,
            seed: int) -> dict[str, Fraction]:
    params = model_parameters(model)
    in_region = None if region is None else _condition_function(model, region.condition)
    # drawn values lie in their domains by construction; fixed ones were checked; the
    # values a sum constraint sets are checked
    drawn = frozenset(p.name for p in params) - _checks(model).summed

    def good(values: dict[str, Fraction]) -> bool:
        return _valid(model, values, inside=drawn) and (in_region is None or in_region(values))

    pool = _pool(model, fixed, region, seed)
    if len(pool):
        start = draw(_indices(len(pool)))
        for k in range(min(_POOL_WALK, len(pool))):
            values = pool.valid((start + k) % len(pool), good)
            if values is not None:
                return values
    # The screen could not model the region (or passed points that fail exactly):
    # rejection sampling from a seed Hypothesis draws (reproducible).
    rnd = _plain_random(draw(RANDOMS))
    tables = [(p.name, _random_tables(p), p.default) for p in params if p.name not in fixed]
    for _ in range(_RANDOM_TRIES):
        values = dict(fixed)
        for name, table, default in tables:
            values[name] = _random_from(rnd, table, default)
        values = {p.name: values[p.name] for p in params}
        _fill_sums(model, values, fixed, lambda k: [rnd.randint(0, 10) for _ in range(k)])
        if good(values):
            return values
    reject()


def parameter_values(model: Any, *, fixed: Mapping[str, Any] | None = None,
                     region: Any = None, seed: int = 0
                     ) -> st.SearchStrategy[dict[str, Fraction]]:
    """A strategy of complete, valid parameter assignments of ``model`` (name -> Fraction).

    ``fixed`` pins some parameters (checked against their domains); ``region`` (text or
    a sympy condition) keeps only points where it holds. Points outside the domains or
    the model's constraints are never drawn. ``seed`` seeds the pool of candidate
    points (Hypothesis' own seed chooses among them).
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError(f"seed={seed!r} must be an integer >= 0")
    pinned = {name: model.parameter(name).check(v) for name, v in (fixed or {}).items()}
    if isinstance(region, str):
        region = model.condition(region, where=f"{model.name}: region")
    params = model_parameters(model)
    if all(p.name in pinned for p in params):  # nothing to draw: one point, or none
        values = {p.name: pinned[p.name] for p in params}
        ok = _valid(model, values) and (region is None or satisfies(model, region, values))
        return st.just(values) if ok else st.nothing()
    return _values(model, pinned, None if region is None else _Region(region), seed)


def games(model: Any, *, fixed: Mapping[str, Any] | None = None,
          region: Any = None) -> st.SearchStrategy[Any]:
    """A strategy of numeric games ``model.at(values)`` for values drawn as above.

    >>> from qa_games import load_model
    >>> games(load_model("cha_quasi_alliance")).example().shape  # doctest: +SKIP
    (2, 2)
    """
    return parameter_values(model, fixed=fixed, region=region).map(model.at)
