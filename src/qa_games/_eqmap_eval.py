"""A symbolic equilibrium map evaluated at many points: sweep-like outcome arrays.

The vectorised half of :mod:`qa_games.eqmap`: :meth:`EquilibriumMap.evaluate` returns a
:class:`MapEvaluation` holding, for every region and point, whether the region's
condition holds and its probabilities and payoffs; from these, the number of distinct
equilibria, the pure-equilibrium flags and the selected equilibrium follow without a
Python loop over points. Selection follows :func:`qa_games.selection.select`
(Harsanyi and Selten 1988): a unique equilibrium; else the payoff-dominant one; else,
in 2x2 games, the risk-dominant one of two pure equilibria; else none.

>>> from qa_games.eqmap import equilibrium_map
>>> from qa_games.model import load_model
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
    (as :class:`~qa_games.batch.BatchSolution` names them; meaningless where it
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
                out[(slice(None), *r.pure_profile)] = self.holds[k]
        return out

    def selected(self, rule: str = "payoff_dominance") -> np.ndarray:
        """Index of the selected region at each point, -1 for none, as
        :func:`qa_games.selection.select` decides: a unique equilibrium; else (unless
        ``rule == "all"``) the payoff-dominant one (``"payoff_dominance"``); else, in
        2x2 games, the risk-dominant one of exactly two pure equilibria; else none."""
        from .selection import check_rule

        check_rule(rule)
        count = self.distinct.sum(axis=0)
        out = np.where(count == 1, np.argmax(self.distinct, axis=0), -1)
        if rule == "all":
            return out
        todo = np.flatnonzero(count > 1)  # only points with a choice to make
        d = self.distinct[:, todo]
        pr, pc = self.payoff_row[:, todo], self.payoff_col[:, todo]
        pick = np.full(len(todo), -1)
        if rule == "payoff_dominance":
            win = d.copy()
            for k, q in itertools.permutations(range(len(self.regions)), 2):
                win[k] &= ~d[q] | ((pr[k] >= pr[q] - self.tol) & (pc[k] >= pc[q] - self.tol))
            pick = np.where(win.sum(axis=0) == 1, np.argmax(win, axis=0), -1)
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
                pick = np.where(both & (first > second), k, pick)
                pick = np.where(both & (second > first), q, pick)
        out[todo] = pick
        return out

    def columns(self, *, rule: str = "payoff_dominance") -> dict[str, np.ndarray]:
        """Sweep-like columns: ``n_equilibria``, ``degenerate``, ``pure[r,c]`` per pure
        profile, ``selected`` (region label or ""), ``selected.<player strategy>``
        probabilities (NaN when none is selected)."""
        out: dict[str, np.ndarray] = {"n_equilibria": self.n_equilibria,
                                      "degenerate": self.degenerate}
        pe = self.pure_equilibrium
        for i, r in enumerate(self.strategies[0]):
            for j, c in enumerate(self.strategies[1]):
                out[f"pure[{r},{c}]"] = pe[:, i, j]
        sel = self.selected(rule)
        labels = np.array([r.label for r in self.regions] + [""], dtype=object)
        out["selected"] = labels[sel]
        idx = np.arange(len(self))
        for side, arr in ((0, self.row), (1, self.col)):
            for k, s in enumerate(self.strategies[side]):
                name = f"selected.{'row' if side == 0 else 'col'}[{s}]"
                out[name] = np.where(sel >= 0, arr[sel, idx, k], np.nan)
        return out
