"""The records every solver returns: one Nash equilibrium, and what a solver found.

:class:`Equilibrium` holds each player's mixed strategy and expected payoff (floats,
and exact Fractions when the game is exact); :class:`Solution` the game, the method, the
equilibria and what is guaranteed about them (pygambit's ``NashComputationResult``
habit). :func:`qa_games.solvers.solve.solve` and the n-player solver both return them.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..games.normal_form import Game

__all__ = ["Equilibrium", "Solution", "ExactProfile"]

ExactProfile = tuple[tuple[Fraction, ...], ...]


@dataclass(frozen=True)
class Equilibrium:
    """One Nash equilibrium: each player's mixed strategy and expected payoff.

    ``exact`` and ``exact_payoffs`` hold Fractions when the game is exact, else None.

    >>> eq = Equilibrium(((1.0, 0.0), (0.5, 0.5)), None, (1.0, 2.0))
    >>> eq.is_pure, eq.pure_profile, eq.support
    (False, None, ((0,), (0, 1)))
    """

    profile: tuple[tuple[float, ...], ...]
    exact: ExactProfile | None
    payoffs: tuple[float, ...]
    exact_payoffs: tuple[Fraction, ...] | None = None

    @property
    def support(self) -> tuple[tuple[int, ...], ...]:
        """Each player's strategies played with positive probability."""
        probs: tuple[tuple[Fraction | float, ...], ...] = (
            self.exact if self.exact is not None else self.profile)
        return tuple(tuple(k for k, p in enumerate(s) if p > 0) for s in probs)

    @property
    def is_pure(self) -> bool:
        return all(len(s) == 1 for s in self.support)

    @property
    def pure_profile(self) -> tuple[int, ...] | None:
        """The strategy indices when every player plays one strategy, else None."""
        return tuple(s[0] for s in self.support) if self.is_pure else None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "profile": [list(s) for s in self.profile],
            "exact": None if self.exact is None else [[str(p) for p in s] for s in self.exact],
            "payoffs": list(self.payoffs),
        }


@dataclass(frozen=True, eq=False)
class Solution:
    """What :func:`solve` found (pygambit's ``NashComputationResult`` habit).

    ``complete`` is True when ``equilibria`` is guaranteed to hold every equilibrium
    (nondegenerate game) or every extreme equilibrium (degenerate game).
    ``missed_by_method`` lists the indices of equilibria that a nashpy method did not
    find (they were added by the exact kernel); ``note`` says what was done.
    """

    game: Game
    method: str
    exact: bool
    degenerate: bool
    equilibria: tuple[Equilibrium, ...]
    complete: bool
    note: str = ""
    missed_by_method: tuple[int, ...] = ()

    def __len__(self) -> int:
        return len(self.equilibria)

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON contract of ``qa-games solve --json``."""
        return {
            "players": list(self.game.players),
            "strategies": [list(s) for s in self.game.strategies],
            "degenerate": (self.degenerate if self.game.n_players <= 2 or self.degenerate
                           else "not checked"),
            "equilibria": [eq.to_json_dict() for eq in self.equilibria],
        }
