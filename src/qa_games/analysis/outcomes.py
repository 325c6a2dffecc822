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

__all__ = ["Outcomes", "outcome_spec", "evaluate_chunk", "chunk_columns", "ROWS"]

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
    raw = _raw(spec, columns)
    k = len(raw.n)
    params = {n: np.asarray(v, dtype=float) for n, v in columns.items()}
    flags = {f"eq_{name}": raw.pure[_column_index(prof)] for name, prof in spec.profiles}
    if spec.rows == "points":
        has = raw.sel >= 0
        at = np.where(has, raw.sel, 0)
        probs = [np.where(has[:, None], p[np.arange(k), at] if p.shape[1] else np.nan, np.nan)
                 for p in raw.probs]
        pays = (np.where(has[:, None], raw.pays[np.arange(k), at], np.nan)
                if raw.pays.shape[1] else np.full((k, spec.game.n_players), np.nan))
        labels, _ = _labels(spec, probs)
        labels = np.where(has, labels, UNDECIDED).astype(object)
        data = {**params, "n_equilibria": raw.n, "degenerate": raw.degenerate, **flags,
                "selected": has, "selected_by": _BY[raw.by],
                **_prob_columns(spec, probs, pays), "label": labels}
        return data
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
