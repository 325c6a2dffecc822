"""The outcome columns of a sweep, for one chunk of parameter points.

For each point the model's game is solved and summarised as the design's
"outcomes a sweep can report": the number of equilibria, whether the game is
degenerate, whether each named pure profile is an equilibrium, the equilibrium the
selection rule picks (:mod:`qa_games.solvers.selection`: a unique equilibrium; else payoff
dominance; else risk dominance of two strict pure equilibria in a 2x2 game; else
none, ``selected`` False), each player's probability of each strategy in it, the
expected payoffs, and the theory's label (``Model.label_of`` of the selected pure
profile, ``otherwise`` when the selected equilibrium is mixed, and ``undecided`` when
the rule selects nothing: such a point is no prediction of the theory).

Two-player games are solved as a stack by :func:`qa_games.solvers.batch.solve_batch` and the
selection is vectorised. A point goes to the exact reference path instead --
``solve(game.at(values))`` and ``select`` on the exact solution, exactly what a
user computing it by hand gets -- whenever floats cannot be trusted to agree with
it: a degenerate or near-degenerate game (the batch solver's suspects, and any game
in which a player's payoffs against a pure strategy tie within ``tol``), or a
selection decided by a margin within ``tol`` (a near tie of payoffs or of the
risk-dominance products; differences within about a thousand ulps of the payoff
scale are rounding noise of exact ties and count as ties). Games of more than two
players use the exact path at
every point (pure equilibria only, as :func:`qa_games.solvers.solve.solve`).

An :class:`Outcomes` holds only picklable data (the symbolic game, not the Model),
so a chunk can run on a Dask worker; the columns are a pure function of it and of
the chunk's values, which makes every engine give the same table.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from ..games.normal_form import SymbolicGame
from ..solvers.selection import UNDECIDED, _payoff_dominant, check_rule, select

__all__ = ["Outcomes", "outcome_spec", "evaluate_chunk", "chunk_columns", "PointTable",
           "fused_points", "ROWS"]

ROWS = ("points", "equilibria")
_NOISE = 1024 * np.finfo(float).eps
_BY = np.array(["none", "unique", "payoff_dominance", "risk_dominance"], dtype=object)


@dataclass(frozen=True)
class Outcomes:
    """What to compute at each point (picklable: the symbolic game and plain data)."""

    game: SymbolicGame
    profiles: tuple[tuple[str, tuple[int, ...]], ...]
    labels: tuple[tuple[str, tuple[int, ...]], ...]
    otherwise: str
    rule: str
    rows: str = "points"
    fixed: tuple[tuple[str, Fraction], ...] = ()
    tol: float = 1e-9

    def label_of(self, pure: tuple[int, ...] | None) -> str:
        """As :meth:`qa_games.modelfiles.normal_form.Model.label_of`."""
        if pure is not None:
            for label, prof in self.labels:
                if prof == tuple(pure):
                    return label
        return self.otherwise


def outcome_spec(model: Any, *, rule: str, rows: str = "points",
                 fixed: Mapping[str, Fraction] | None = None, tol: float = 1e-9) -> Outcomes:
    """The :class:`Outcomes` of ``model`` (checked rule and rows)."""
    from ..errors import ParameterError

    check_rule(rule)
    if rows not in ROWS:
        raise ParameterError(f"rows={rows!r} is not one of {', '.join(ROWS)}")
    profiles = tuple((n, tuple(p)) for n, p in model.profiles.items())
    labels = tuple((lab, tuple(model.profiles[p])) for lab, p in model.labels)
    return Outcomes(model.game, profiles, labels, model.otherwise, rule, rows,
                    tuple((fixed or {}).items()), tol)


@dataclass
class _Raw:
    """Per point: equilibria as padded arrays, and the selected one (-1: none)."""

    n: np.ndarray  # (k,) int
    degenerate: np.ndarray  # (k,) bool
    pure: np.ndarray  # (k, *shape) bool
    probs: list[np.ndarray]  # per player (k, E, m_i)
    pays: np.ndarray  # (k, E, players)
    sel: np.ndarray  # (k,) int
    by: np.ndarray  # (k,) int code into _BY

    def grow(self, E: int) -> None:
        extra = E - self.pays.shape[1]
        if extra > 0:
            self.probs = [np.concatenate([p, np.full((p.shape[0], extra, p.shape[2]), np.nan)],
                                         axis=1) for p in self.probs]
            self.pays = np.concatenate(
                [self.pays, np.full((self.pays.shape[0], extra, self.pays.shape[2]), np.nan)],
                axis=1)


def _empty(k: int, game: SymbolicGame) -> _Raw:
    return _Raw(np.zeros(k, dtype=np.int64), np.zeros(k, dtype=bool),
                np.zeros((k, *game.shape), dtype=bool),
                [np.full((k, 0, m), np.nan) for m in game.shape],
                np.full((k, 0, game.n_players), np.nan),
                np.full(k, -1, dtype=np.int64), np.zeros(k, dtype=np.int64))


def _exact_point(spec: Outcomes, raw: _Raw, g: int, values: dict[str, Any]) -> None:
    """Solve point ``g`` exactly (the reference) and write it into ``raw``."""
    from ..solvers.solve import solve

    game = spec.game.at(values)
    sol = solve(game)
    eqs = sol.equilibria
    raw.grow(len(eqs))
    raw.n[g] = len(eqs)
    raw.degenerate[g] = sol.degenerate
    raw.pure[g] = False
    for p in raw.probs:
        p[g] = np.nan
    raw.pays[g] = np.nan
    for e, eq in enumerate(eqs):
        if eq.pure_profile is not None:
            ix = (g, *eq.pure_profile)  # a named tuple index: mypy misreads [(a, *b)]
            raw.pure[ix] = True
        for i, s in enumerate(eq.profile):
            raw.probs[i][g, e] = s
        raw.pays[g, e] = eq.payoffs
    chosen = select(sol, spec.rule, tol=spec.tol)
    raw.sel[g], raw.by[g] = -1, 0
    if chosen is not None:
        raw.sel[g] = next(e for e, eq in enumerate(eqs) if eq is chosen)
        if len(eqs) == 1:
            raw.by[g] = 1
        elif spec.rule == "payoff_dominance" and _payoff_dominant(list(eqs), spec.tol) is not None:
            raw.by[g] = 2
        else:
            raw.by[g] = 3


def _index_of(row: np.ndarray, col: np.ndarray, i: int, j: int) -> np.ndarray:
    """Per game, the index of the equilibrium that is the pure profile (i, j)."""
    hit = (row[:, :, i] > 0.5) & (col[:, :, j] > 0.5)
    return np.argmax(hit, axis=1)


def _abs_max(A: np.ndarray) -> np.ndarray:
    """``np.abs(A).max(axis=(1, 2))`` by elementwise steps (numpy reduces short axes
    slowly; these run on every point of a sweep)."""
    flat = A.reshape(len(A), -1)
    out = np.abs(flat[:, 0])
    for c in range(1, flat.shape[1]):
        np.maximum(out, np.abs(flat[:, c]), out=out)
    return out


def _payoff_scale(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``max(1, |A|, |B|)`` per game."""
    return np.maximum(1.0, np.maximum(_abs_max(A), _abs_max(B)))


def _near_ties(A: np.ndarray, B: np.ndarray, tol: float,
               scale: np.ndarray | None = None) -> np.ndarray:
    """Games in which a player's payoffs against some pure strategy of the other are tied
    up to ``tol`` (times the payoff scale): degenerate, or possibly degenerate in exact
    arithmetic though not in floats (``0.25 * (1 - 0.2)`` is not ``0.2``)."""
    eps = tol * (_payoff_scale(A, B) if scale is None else scale)
    out = np.zeros(len(A), dtype=bool)
    m, n = A.shape[1:]
    for i in range(m):
        for i2 in range(i + 1, m):
            for j in range(n):
                out |= np.abs(A[:, i, j] - A[:, i2, j]) <= eps
    for j in range(n):
        for j2 in range(j + 1, n):
            for i in range(m):
                out |= np.abs(B[:, i, j] - B[:, i, j2]) <= eps
    return out


def _batch(spec: Outcomes, values: dict[str, np.ndarray], k: int) -> tuple[_Raw, np.ndarray]:
    """Two players: the vectorised path. Returns the raw outcomes and the points that
    need the exact path."""
    from ..games.vectorize import payoff_arrays
    from ..solvers.batch import solve_batch

    A, B = payoff_arrays(spec, values)
    with warnings.catch_warnings():  # suspects are re-solved exactly below
        warnings.simplefilter("ignore", RuntimeWarning)
        sol = solve_batch(A, B, exact_fallback=False, tol=spec.tol)
    n = np.asarray(sol.n_equilibria, dtype=np.int64).copy()
    E = sol.row.shape[1]
    pays = np.stack([sol.payoff_row, sol.payoff_col], axis=-1)
    raw = _Raw(n, np.zeros(k, dtype=bool), np.array(sol.pure_equilibrium, dtype=bool),
               [np.array(sol.row), np.array(sol.col)], pays,
               np.full(k, -1, dtype=np.int64), np.zeros(k, dtype=np.int64))
    tol = spec.tol
    scale = _payoff_scale(A, B)
    need = np.array(sol.suspect, dtype=bool) | _near_ties(A, B, tol, scale)
    raw.sel[n == 1], raw.by[n == 1] = 0, 1
    multi = n > 1
    if spec.rule == "all" or not multi.any():
        return raw, need | (n == 0)
    valid = np.arange(E)[None, :] < n[:, None]
    # Differences within a few ulps of the payoff scale are rounding noise of exact ties
    # (e.g. an indifferent player's payoff computed two ways): ties, as in exact arithmetic.
    noise = _NOISE * scale
    if spec.rule == "payoff_dominance":
        # elementwise over the (few) equilibrium pairs and players: numpy reduces short
        # axes slowly, and this runs on every point of a sweep
        P = pays.shape[2]
        n_win = np.zeros(k, dtype=np.intp)
        first_win = np.full(k, -1, dtype=np.int64)
        close_any = np.zeros(k, dtype=bool)
        with np.errstate(invalid="ignore"):
            for e in range(E):
                win = valid[:, e].copy()
                for f in range(E):
                    if f == e:
                        continue
                    geq = ~valid[:, f]
                    ge_all = np.ones(k, dtype=bool)
                    close = np.zeros(k, dtype=bool)
                    for p in range(P):
                        d = pays[:, e, p] - pays[:, f, p]
                        ge_all &= d >= -tol
                        ad = np.abs(d)
                        close |= (ad <= tol) & (ad > noise)
                    win &= geq | ge_all
                    close_any |= close & valid[:, e] & valid[:, f]
                n_win += win
                first_win = np.where(win & (first_win < 0), e, first_win)
        one = multi & (n_win == 1)
        raw.sel[one], raw.by[one] = first_win[one], 2
        need |= multi & close_any
    rest = multi & (raw.sel < 0)
    if sol.shape == (2, 2) and rest.any():
        pe = raw.pure
        npure = pe.sum(axis=(1, 2))
        for (i, j), (i2, j2) in (((0, 0), (1, 1)), ((0, 1), (1, 0))):
            both = rest & (npure == 2) & pe[:, i, j] & pe[:, i2, j2]
            if not both.any():
                continue
            first = (A[:, i, j] - A[:, i2, j]) * (B[:, i, j] - B[:, i, j2])
            second = (A[:, i2, j2] - A[:, i, j2]) * (B[:, i2, j2] - B[:, i2, j])
            diff = first - second
            scale = np.maximum(1.0, np.maximum(np.abs(first), np.abs(second)))
            need |= both & (np.abs(diff) <= tol * scale) & (np.abs(diff) > _NOISE * scale)
            clear = np.abs(diff) > _NOISE * scale  # else an exact tie: nothing selected
            for win, (a, b) in ((clear & (diff > 0), (i, j)), (clear & (diff < 0), (i2, j2))):
                pick = both & win
                raw.sel[pick] = _index_of(raw.probs[0], raw.probs[1], a, b)[pick]
                raw.by[pick] = 3
    return raw, need


def _point_values(spec: Outcomes, values: dict[str, np.ndarray], g: int) -> dict[str, Any]:
    out: dict[str, Any] = dict(spec.fixed)
    out.update({name: float(col[g]) for name, col in values.items()})
    return out


def _raw(spec: Outcomes, columns: Mapping[str, np.ndarray]) -> _Raw:
    values = {n: np.asarray(v, dtype=float) for n, v in columns.items()}
    k = len(next(iter(values.values())))
    batch_values = {**{n: np.full(k, float(v)) for n, v in spec.fixed if n not in values},
                    **values}
    if spec.game.n_players == 2:
        raw, need = _batch(spec, batch_values, k)
    else:
        raw, need = _empty(k, spec.game), np.ones(k, dtype=bool)
    for g in np.flatnonzero(need):
        _exact_point(spec, raw, int(g), _point_values(spec, values, int(g)))
    return raw


def _pure_of(probs: list[np.ndarray], tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``probs`` (each (r, m_i)): is it pure, and its strategy indices (the
    first largest probability; NaN counts as -1). Elementwise over the strategies."""
    r = len(probs[0])
    idx = np.empty((r, len(probs)), dtype=np.intp)
    pure = np.ones(r, dtype=bool)
    for i, p in enumerate(probs):
        best = np.where(np.isnan(p[:, 0]), -1.0, p[:, 0])
        arg = np.zeros(r, dtype=np.intp)
        for t in range(1, p.shape[1]):
            v = np.where(np.isnan(p[:, t]), -1.0, p[:, t])
            better = v > best
            arg[better] = t
            np.maximum(best, v, out=best)
        idx[:, i] = arg
        pure &= best >= 1 - tol
    return pure, idx


def _labels(spec: Outcomes, probs: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The label of each mixed profile (rows of ``probs``), and its named profile."""
    pure, idx = _pure_of(probs, spec.tol)
    shape = spec.game.shape
    flat = np.ravel_multi_index(tuple(idx.T), shape)
    table = np.array([spec.label_of(p) for p in np.ndindex(*shape)], dtype=object)
    names = {tuple(p): n for n, p in reversed(spec.profiles)}
    pnames = np.array([names.get(p, "unnamed") for p in np.ndindex(*shape)], dtype=object)
    labels = np.where(pure, table[flat], spec.otherwise).astype(object)
    return labels, np.where(pure, pnames[flat], "mixed").astype(object)


def _prob_columns(spec: Outcomes, probs: list[np.ndarray], pays: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {}
    game = spec.game
    for i, player in enumerate(game.players):
        for s, strat in enumerate(game.strategies[i]):
            out[f"p_{player}_{strat}"] = probs[i][:, s]
    for i, player in enumerate(game.players):
        out[f"u_{player}"] = pays[:, i]
    return out


def _column_index(prof: tuple[int, ...]) -> tuple[Any, ...]:
    """``[:, *prof]`` as a named index tuple (mypy misreads ``x[(a, *b)]`` as 3.11 syntax)."""
    return (slice(None), *prof)


def evaluate_chunk(spec: Outcomes, columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """The table rows of one chunk: parameters (``columns``) then outcome columns."""
    return pd.DataFrame(chunk_columns(spec, columns))


def chunk_columns(spec: Outcomes, columns: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """:func:`evaluate_chunk`'s columns as numpy arrays (for joining many chunks once)."""
    if fused_points(spec):
        k = len(next(iter(columns.values())))
        table = PointTable(spec, tuple(columns), k)
        table.fill(columns, 0)
        return table.arrays()
    raw = _raw(spec, columns)
    params = {n: np.asarray(v, dtype=float) for n, v in columns.items()}
    if spec.rows == "points":
        return {**params, **_point_outcomes(spec, raw)}
    flags = {f"eq_{name}": raw.pure[_column_index(prof)] for name, prof in spec.profiles}
    g, e = np.nonzero(np.arange(raw.pays.shape[1])[None, :] < raw.n[:, None])
    probs = [p[g, e] for p in raw.probs]
    labels, pnames = _labels(spec, probs)
    data = {**{n: v[g] for n, v in params.items()}, "equilibrium": e.astype(np.int64),
            "n_equilibria": raw.n[g], "degenerate": raw.degenerate[g],
            **{n: f[g] for n, f in flags.items()}, "profile": pnames,
            "selected": raw.sel[g] == e,
            "selected_by": np.where(raw.sel[g] == e, _BY[raw.by[g]], "none").astype(object),
            **_prob_columns(spec, probs, raw.pays[g, e]), "label": labels}
    return data


def _point_outcomes(spec: Outcomes, raw: _Raw) -> dict[str, np.ndarray]:
    """The outcome columns of a ``"points"`` table from the raw outcomes."""
    k = len(raw.n)
    flags = {f"eq_{name}": raw.pure[_column_index(prof)] for name, prof in spec.profiles}
    has = raw.sel >= 0
    at = np.where(has, raw.sel, 0)
    probs = [np.where(has[:, None], p[np.arange(k), at], np.nan) if p.shape[1]
             else np.full((k, p.shape[2]), np.nan) for p in raw.probs]  # no equilibrium
    pays = (np.where(has[:, None], raw.pays[np.arange(k), at], np.nan)
            if raw.pays.shape[1] else np.full((k, spec.game.n_players), np.nan))
    labels, _ = _labels(spec, probs)
    labels = np.where(has, labels, UNDECIDED).astype(object)
    return {"n_equilibria": raw.n, "degenerate": raw.degenerate, **flags,
            "selected": has, "selected_by": _BY[raw.by],
            **_prob_columns(spec, probs, pays), "label": labels}


# -- two-player 2x2 games, one row per point: the fused kernel --------------------------------

#: Points per call of the fused kernel: its ``(k,)`` temporaries stay in cache.
FUSED_STEP = 16_384


def fused_points(spec: Outcomes) -> bool:
    """Whether :class:`PointTable` computes this table (2x2 games, one row per point)."""
    return spec.rows == "points" and spec.game.n_players == 2 and spec.game.shape == (2, 2)


def _string_column(values: np.ndarray) -> Any:
    """An object array of str (made here from a few label strings) as the column pandas
    infers from it, without pandas' per-element inference and validation when that
    column is a python-backed ``str`` array (pandas 3); else the array itself."""
    dtype = pd.Series(np.array(["x"], dtype=object)).dtype
    if not (isinstance(dtype, pd.StringDtype) and dtype.storage == "python"):
        return values
    make = getattr(pd.arrays.StringArray, "_simple_new", None)  # no validation pass
    if make is not None:
        try:
            probe = make(np.array(["x"], dtype=object), dtype)
        except Exception:  # another pandas: the public constructor below
            probe = None
        if probe is not None and probe.dtype == dtype and probe[0] == "x":
            return make(values, dtype)
    return pd.arrays.StringArray(values, dtype=dtype)


class PointTable:
    """The ``"points"`` table of a 2x2 sweep, preallocated for ``total`` points and
    filled block by block (:meth:`fill`) by :mod:`qa_games.analysis.fused_2x2`, with the
    exact path (:func:`_exact_point`) at the points the batched path would send there:
    the same columns, to the bit, as :func:`_raw` and :func:`_point_outcomes`.

    >>> from qa_games import load_model
    >>> m = load_model("cha_quasi_alliance")
    >>> t = PointTable(outcome_spec(m, rule=m.selection), ("c",), 2)
    >>> t.fill({"c": np.array([0.2, 0.9])}, 0)
    >>> t.frame()[["c", "n_equilibria", "label"]].to_dict("list")
    {'c': [0.2, 0.9], 'n_equilibria': [3, 1], 'label': ['cooperation', 'friction']}
    """

    def __init__(self, spec: Outcomes, names: tuple[str, ...], total: int) -> None:
        from . import fused_2x2

        self.spec = spec
        self.total = total
        self.params = {n: np.empty(total) for n in names}
        self.cols = fused_2x2.empty_columns(total)
        self.degenerate = np.zeros(total, dtype=bool)
        self.label = np.empty(total, dtype=np.int8)
        names_ = [spec.label_of(p) for p in ((0, 0), (0, 1), (1, 0), (1, 1))]
        self.label_names: list[str] = list(dict.fromkeys(names_ + [spec.otherwise,
                                                                    UNDECIDED]))
        self._code = {lab: c for c, lab in enumerate(self.label_names)}
        self._pure_code = np.array([self._code[x] for x in names_], dtype=np.int8)
        # by selected candidate + 1: none, (0, 0), (0, 1), mixed, (1, 0), (1, 1)
        self._by_candidate = np.array([self._code[UNDECIDED], *self._pure_code[:2],
                                       self._code[spec.otherwise], *self._pure_code[2:]],
                                      dtype=np.int8)

    def fill(self, columns: Mapping[str, np.ndarray], start: int) -> None:
        """Compute points ``start:start + k`` from their parameter ``columns``. One call is
        one block of the batched path (its rule for points where no candidate passed the
        float tests counts the block)."""
        from ..games.vectorize import payoff_blocks
        from . import fused_2x2

        spec = self.spec
        values = {n: np.asarray(v, dtype=float) for n, v in columns.items()}
        k = len(next(iter(values.values())))
        batch_values = {**{n: np.full(k, float(v)) for n, v in spec.fixed if n not in values},
                        **values}
        need = np.empty(k, dtype=bool)
        zero = np.empty(k, dtype=bool)
        multi = False
        c = self.cols
        for a, b, pays in payoff_blocks(spec, batch_values, FUSED_STEP):
            r = fused_2x2.fill(pays, spec.tol, spec.rule, c, slice(start + a, start + b))
            need[a:b], zero[a:b] = r.need, r.zero
            multi |= r.multi
        if spec.rule == "all" or not multi:
            need |= zero
        sl = slice(start, start + k)
        for n, v in values.items():
            self.params[n][sl] = v
        self.degenerate[sl] = False
        sel = c["sel"][sl]
        self.label[sl] = self._by_candidate[sel + 1]
        mixed = start + np.flatnonzero(sel == 2)
        if len(mixed):  # _pure_of: a mixed equilibrium within tol of a pure profile
            r0, r1, c0, c1 = (c[key][mixed] for key in ("r0", "r1", "c0", "c1"))
            pure = (np.maximum(r0, r1) >= 1 - spec.tol) & (np.maximum(c0, c1) >= 1 - spec.tol)
            ij = 2 * (r1 > r0) + (c1 > c0)
            self.label[mixed] = np.where(pure, self._pure_code[ij],
                                         self._code[spec.otherwise])
        idx = np.flatnonzero(need)
        if len(idx):
            self._exact(values, idx, start)

    def _exact(self, values: dict[str, np.ndarray], idx: np.ndarray, start: int) -> None:
        spec = self.spec
        raw = _empty(len(idx), spec.game)
        for r, g in enumerate(idx):
            _exact_point(spec, raw, r, _point_values(spec, values, int(g)))
        out = _point_outcomes(spec, raw)
        at = start + idx
        c = self.cols
        c["n"][at] = raw.n
        self.degenerate[at] = raw.degenerate
        for key, (i, j) in (("f00", (0, 0)), ("f01", (0, 1)), ("f10", (1, 0)),
                            ("f11", (1, 1))):
            c[key][at] = raw.pure[:, i, j]
        c["sel"][at] = np.where(raw.sel >= 0, 0, -1)
        c["by"][at] = raw.by
        game = spec.game
        for key, col in zip(("r0", "r1", "c0", "c1", "u_r", "u_c"),
                            [f"p_{game.players[0]}_{s}" for s in game.strategies[0]]
                            + [f"p_{game.players[1]}_{s}" for s in game.strategies[1]]
                            + [f"u_{p}" for p in game.players], strict=True):
            c[key][at] = out[col]
        self.label[at] = [self._code[x] for x in out["label"]]

    def arrays(self, *, strings: bool = False) -> dict[str, Any]:
        """The table's columns in :func:`chunk_columns`' order (labels as object arrays of
        str, or as pandas string arrays with ``strings``)."""
        spec, game, c = self.spec, self.spec.game, self.cols
        flag: dict[tuple[int, ...], np.ndarray] = {
            (0, 0): c["f00"], (0, 1): c["f01"], (1, 0): c["f10"], (1, 1): c["f11"]}
        seen: set[tuple[int, ...]] = set()
        flags = {}
        for name, prof in spec.profiles:
            flags[f"eq_{name}"] = flag[prof].copy() if prof in seen else flag[prof]
            seen.add(prof)
        by = _BY[c["by"]]
        label = np.array(self.label_names, dtype=object)[self.label]
        if strings:
            by, label = _string_column(by), _string_column(label)
        probs = dict(zip([f"p_{game.players[0]}_{s}" for s in game.strategies[0]]
                         + [f"p_{game.players[1]}_{s}" for s in game.strategies[1]],
                         (c["r0"], c["r1"], c["c0"], c["c1"]), strict=True))
        return {**self.params, "n_equilibria": c["n"], "degenerate": self.degenerate,
                **flags, "selected": c["sel"] >= 0, "selected_by": by, **probs,
                f"u_{game.players[0]}": c["u_r"], f"u_{game.players[1]}": c["u_c"],
                "label": label}

    def frame(self) -> pd.DataFrame:
        """The table (built once, without copying the columns)."""
        return pd.DataFrame(self.arrays(strings=True), copy=False)
