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

from ..games import display
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

    def __repr__(self) -> str:
        probs = self.exact if self.exact is not None else self.profile
        pays = self.exact_payoffs if self.exact_payoffs is not None else self.payoffs
        shown = "; ".join("[" + ", ".join(display.number(p) for p in s) + "]" for s in probs)
        return display.short(f"Equilibrium({shown}; payoffs "
                             f"{', '.join(display.number(u) for u in pays)})")

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

    @property
    def degeneracy(self) -> str:
        """``"degenerate"``, ``"nondegenerate"`` or ``"not checked"``: ``degenerate`` is
        True in every route only when proved (a witness: a strategy with more pure best
        replies than its support size, or a degenerate vertex); False is a proof of
        nondegeneracy only when the route enumerated every equilibrium (``complete``) --
        the pure-only and Lemke-Howson-only routes then say ``"not checked"`` (as
        ``to_json_dict`` does).

        >>> from qa_games import solve
        >>> pd = Game.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
        >>> solve(pd).degeneracy, solve(pd, method="pure").degeneracy
        ('nondegenerate', 'not checked')
        """
        if self.degenerate:
            return "degenerate"
        return "nondegenerate" if self.complete else "not checked"

    def to_frame(self, *, exact: bool = False) -> Any:
        """One row per equilibrium: ``profile`` (the pure profile's strategy names, or
        ``mixed``), ``p_<player>_<strategy>`` probabilities and ``u_<player>`` payoffs
        (the column names of sweeps); floats, or exact Fractions with ``exact=True``
        (float games have no exact values: floats then).

        >>> from qa_games import solve
        >>> g = Game.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
        >>> solve(g).to_frame(exact=True).iloc[0].to_dict()
        {'profile': 'mixed', 'p_1_1': Fraction(1, 2), 'p_1_2': Fraction(1, 2), 'p_2_1': Fraction(1, 2), 'p_2_2': Fraction(1, 2), 'u_1': Fraction(0, 1), 'u_2': Fraction(0, 1)}
        """  # noqa: E501 (the doctest shows a whole row)
        import pandas as pd

        g = self.game
        cols = [f"p_{pl}_{st}" for pl, sts in zip(g.players, g.strategies, strict=True)
                for st in sts]
        recs = []
        for eq in self.equilibria:
            use = exact and eq.exact is not None
            probs = eq.exact if use and eq.exact is not None else eq.profile
            pays = eq.exact_payoffs if use and eq.exact_payoffs is not None else eq.payoffs
            pure = eq.pure_profile
            rec: dict[str, Any] = {"profile": "mixed" if pure is None else
                                   ", ".join(g.profile_names(pure))}
            rec.update(zip(cols, (p for s in probs for p in s), strict=True))
            rec.update({f"u_{pl}": u for pl, u in zip(g.players, pays, strict=True)})
            recs.append(rec)
        return pd.DataFrame(recs, columns=["profile", *cols, *(f"u_{p}" for p in g.players)])

    def __repr__(self) -> str:
        g = self.game
        dims = "x".join(str(m) for m in g.shape)
        flags = ", ".join(f for f, on in (("exact", self.exact), ("degenerate", self.degenerate),
                                          ("complete", self.complete)) if on)
        eqs = "; ".join("mixed" if (pp := eq.pure_profile) is None else
                        "(" + ", ".join(g.profile_names(pp)) + ")" for eq in self.equilibria)
        title = f" of {display.short(g.title, 48)!r}" if g.title else ""
        return display.short(f"<Solution: {len(self.equilibria)} equilibria{title} ({dims}, "
                             f"{flags or 'float'}): {eqs or 'none'}>")

    def _repr_html_(self) -> str:
        """Notebook display: the equilibria with strategy names and exact values."""
        g = self.game
        rows = []
        for k, eq in enumerate(self.equilibria):
            probs = eq.exact if eq.exact is not None else eq.profile
            pays = eq.exact_payoffs if eq.exact_payoffs is not None else eq.payoffs
            pure = eq.pure_profile
            mixes = [" + ".join(f"{display.number(p)} {st}" for p, st in zip(s, sts, strict=True)
                                if p != 0)
                     for s, sts in zip(probs, g.strategies, strict=True)]
            rows.append([k, "mixed" if pure is None else ", ".join(g.profile_names(pure)),
                         *mixes, *pays])
        flag = "degeneracy not checked" if self.degeneracy == "not checked" else self.degeneracy
        note = (f"method {self.method}; {'exact' if self.exact else 'float'}; {flag}; "
                f"{'complete' if self.complete else 'not guaranteed complete'}"
                + (f"; {self.note}" if self.note else ""))
        title = f"{len(self.equilibria)} Nash equilibria" + (f" of {g.title}" if g.title else "")
        return display.section(title, display.html_table(
            ["#", "profile", *g.players, *(f"u_{p}" for p in g.players)], rows), note=note)

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON contract of ``qa-games solve --json``."""
        return {
            "players": list(self.game.players),
            "strategies": [list(s) for s in self.game.strategies],
            # a route that does not enumerate (pure only, Lemke-Howson only) proves
            # degeneracy by a witness but cannot prove its absence
            "degenerate": (self.degenerate if self.degeneracy != "not checked"
                           else "not checked"),
            "equilibria": [eq.to_json_dict() for eq in self.equilibria],
        }
