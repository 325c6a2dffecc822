"""A symbolic equilibrium map evaluated at many points: sweep-like outcome arrays.

The vectorised half of :mod:`qa_games.solvers.eqmap`: :meth:`EquilibriumMap.evaluate` returns a
:class:`MapEvaluation` holding, for every region and point, whether the region's
condition holds and its probabilities and payoffs; from these, the number of distinct
equilibria, the pure-equilibrium flags and the selected equilibrium follow without a
Python loop over points. Selection follows :func:`qa_games.solvers.selection.select`
(Harsanyi and Selten 1988): a unique equilibrium; else the payoff-dominant one; else,
in 2x2 games, the risk-dominant one of two pure equilibria; else none.

>>> from qa_games.solvers.eqmap import equilibrium_map
>>> from qa_games import load_model
>>> ev = equilibrium_map(load_model("cha_quasi_alliance")).evaluate({"c": [0.1, 0.9]})
>>> ev.n_equilibria.tolist(), [ev.regions[k].label for k in ev.selected()]
([3, 1], ['(cooperate, cooperate)', '(distance, distance)'])
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

__all__ = ["MapEvaluation"]


@dataclass(frozen=True, eq=False)
class MapEvaluation:
    """An :class:`EquilibriumMap` evaluated at ``N`` points.

    ``holds[r, g]``: region r gives an equilibrium at point g, with probabilities
    ``row[r, g]``, ``col[r, g]`` and payoffs ``payoff_row[r, g]``, ``payoff_col[r, g]``
    (as :class:`~qa_games.solvers.batch.BatchSolution` names them; meaningless where it
    does not hold); ``degenerate[g]``: regions touch at g (see :meth:`EquilibriumMap.at`).
    """

    regions: tuple[Any, ...]  # the map's Region s
    strategies: tuple[tuple[str, ...], ...]
    holds: np.ndarray
    row: np.ndarray
    col: np.ndarray
    payoff_row: np.ndarray
    payoff_col: np.ndarray
    degenerate: np.ndarray
    tol: float = 1e-9
    players: tuple[str, ...] = ("1", "2")
    model: Any = None

    def __len__(self) -> int:
        return self.holds.shape[1]

    @cached_property
    def distinct(self) -> np.ndarray:
        """``holds``, minus regions repeating an earlier region's profile at the point."""
        out = self.holds.copy()
        # Two regions give one profile only where one has a zero probability on its
        # support, i.e. on a boundary: only degenerate points need the comparison.
        at = np.flatnonzero(self.degenerate)
        for k, q in itertools.combinations(range(len(self.regions)), 2):
            same = (np.abs(self.row[k, at] - self.row[q, at]).max(axis=-1) <= 1e-7) & \
                   (np.abs(self.col[k, at] - self.col[q, at]).max(axis=-1) <= 1e-7)
            out[q, at] &= ~(out[k, at] & same)
        return out

    @property
    def n_equilibria(self) -> np.ndarray:
        """The number of distinct equilibria at each point."""
        return self.distinct.sum(axis=0)

    @property
    def pure_equilibrium(self) -> np.ndarray:
        """``(N, m, n)``: is the pure profile (i, j) an equilibrium at the point."""
        m, n = (len(s) for s in self.strategies)
        out = np.zeros((len(self), m, n), dtype=bool)
        for k, r in enumerate(self.regions):
            if r.pure_profile is not None:
                ix = (slice(None), *r.pure_profile)  # a named tuple index: mypy misreads [(a, *b)]
                out[ix] = self.holds[k]
        return out

    def selected(self, rule: str = "payoff_dominance") -> np.ndarray:
        """Index of the selected region at each point, -1 for none, as
        :func:`qa_games.solvers.selection.select` decides: a unique equilibrium; else (unless
        ``rule == "all"``) the payoff-dominant one (``"payoff_dominance"``); else, in
        2x2 games, the risk-dominant one of exactly two pure equilibria; else none."""
        return self._selection(rule)[0]

    def _selection(self, rule: str) -> tuple[np.ndarray, np.ndarray]:
        """``(index, by)``: by is 0 none, 1 unique, 2 payoff dominance, 3 risk dominance."""
        from .selection import check_rule

        check_rule(rule)
        count = self.distinct.sum(axis=0)
        out = np.where(count == 1, np.argmax(self.distinct, axis=0), -1)
        by = np.where(count == 1, 1, 0)
        if rule == "all":
            return out, by
        todo = np.flatnonzero(count > 1)  # only points with a choice to make
        d = self.distinct[:, todo]
        pr, pc = self.payoff_row[:, todo], self.payoff_col[:, todo]
        pick = np.full(len(todo), -1)
        if rule == "payoff_dominance":
            win = d.copy()
            for k, q in itertools.permutations(range(len(self.regions)), 2):
                win[k] &= ~d[q] | ((pr[k] >= pr[q] - self.tol) & (pc[k] >= pc[q] - self.tol))
            pick = np.where(win.sum(axis=0) == 1, np.argmax(win, axis=0), -1)
        how = np.where(pick >= 0, 2, 0)
        if tuple(len(s) for s in self.strategies) == (2, 2):
            pure = {r.pure_profile: k for k, r in enumerate(self.regions) if r.pure_profile}
            n_pure = sum(d[k] for k in pure.values())  # risk dominance: two pure equilibria
            A = {ij: pr[k] for ij, k in pure.items()}
            B = {ij: pc[k] for ij, k in pure.items()}
            for (i, j), (i2, j2) in (((0, 0), (1, 1)), ((0, 1), (1, 0))):
                k, q = pure[(i, j)], pure[(i2, j2)]
                first = (A[(i, j)] - A[(i2, j)]) * (B[(i, j)] - B[(i, j2)])
                second = (A[(i2, j2)] - A[(i, j2)]) * (B[(i2, j2)] - B[(i2, j)])
                both = (pick < 0) & (n_pure == 2) & d[k] & d[q]
                how = np.where(both & (first != second), 3, how)
                pick = np.where(both & (first > second), k, pick)
                pick = np.where(both & (second > first), q, pick)
        out[todo], by[todo] = pick, how
        return out, by

    def columns(self, *, rule: str | None = None) -> dict[str, np.ndarray]:
        """The outcome columns of a sweep's ``"points"`` table (:mod:`qa_games.analysis.outcomes`),
        so the symbolic route can be compared with :func:`qa_games.sweep.sweep` column
        by column: ``n_equilibria``, ``degenerate`` (here: regions touch), ``eq_<name>``
        per named profile of the model (``eq_<row>_<col>`` per pure profile without a
        model), ``selected``, ``selected_by``, ``p_<player>_<strategy>``, ``u_<player>``,
        ``label`` (with a model), and ``region``: the selected region's label.
        ``rule`` defaults to the model's selection rule, else payoff dominance."""
        model = self.model
        rule = rule or (model.selection if model is not None else "payoff_dominance")
        out: dict[str, np.ndarray] = {"n_equilibria": self.n_equilibria,
                                      "degenerate": self.degenerate}
        pe = self.pure_equilibrium
        named = dict(model.profiles) if model is not None else {
            f"{r}_{c}": (i, j) for i, r in enumerate(self.strategies[0])
            for j, c in enumerate(self.strategies[1])}
        for name, prof in named.items():
            ix = (slice(None), *prof)
            out[f"eq_{name}"] = pe[ix]
        sel, by = self._selection(rule)
        has, at, idx = sel >= 0, np.maximum(sel, 0), np.arange(len(self))
        out["selected"] = has
        out["selected_by"] = np.array(["none", "unique", "payoff_dominance",
                                       "risk_dominance"], dtype=object)[by]
        for p, arr in enumerate((self.row, self.col)):
            for k, s in enumerate(self.strategies[p]):
                out[f"p_{self.players[p]}_{s}"] = np.where(has, arr[at, idx, k], np.nan)
        for p, arr in enumerate((self.payoff_row, self.payoff_col)):
            out[f"u_{self.players[p]}"] = np.where(has, arr[at, idx], np.nan)
        if model is not None:
            table = np.array([model.label_of(r.pure_profile) for r in self.regions]
                             + ["undecided"], dtype=object)  # nothing selected
            out["label"] = table[sel]
        out["region"] = np.array([r.label for r in self.regions] + [""], dtype=object)[sel]
        return out
