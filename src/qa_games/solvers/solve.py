"""Nash equilibria of a numeric game: every extreme equilibrium of a 2-player game, exactly.

A mixed profile ``sigma`` is a Nash equilibrium when every player's regret ``max_t
u_i(t, sigma_-i) - u_i(sigma)`` is zero (Nash 1951). For two players the equilibria are
the completely labelled vertex pairs of the best-response polytopes (von Stengel 2002;
Nisan et al. 2007, sec. 3.5); :mod:`qa_games.solvers.vertex_enumeration` enumerates them
in rational arithmetic. For a **nondegenerate** game these are all the equilibria; for a
**degenerate** one (a mixed strategy with support size k has more than k pure best
responses) the equilibria form polytopes whose *vertices* are returned: exactly the set
Gambit's ``enummixed_solve(game, rational=True)`` reports, each equilibrium once.

Exact games (Fraction payoffs) give exact results, each re-verified as zero regret in
exact arithmetic. A float game is solved *as the exact game its binary floats denote*
(:meth:`Game.as_exact`); its equilibria are reported as floats only (``exact=None``),
verified again in floats with ``tol``. Ties that floats broke (0.1 + 0.2 vs 0.3) are
therefore broken in the result too: pass exact payoffs when ties matter.

>>> pd = Game.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
>>> sol = solve(pd)
>>> [eq.pure_profile for eq in sol.equilibria], sol.degenerate, sol.complete
([(1, 1)], False, True)
>>> solve(Game.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])).equilibria[0].exact
((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import GameError, ParameterError, SolverError, UnsupportedGameError
from ..games import display
from ..games.normal_form import Game
from .nashpy_bridge import NASHPY_METHODS, exactify, nashpy_candidates
from .pure import bimatrix_regret, pure_equilibria
from .vertex_enumeration import extreme_equilibria

__all__ = ["Equilibrium", "Solution", "solve", "METHODS"]

METHODS = ("auto", "vertex-exact", "pure", "vertex", "support", "lemke-howson")

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

    def to_frame(self, *, exact: bool = False) -> Any:
        """One row per equilibrium: ``profile`` (the pure profile's strategy names, or
        ``mixed``), ``p_<player>_<strategy>`` probabilities and ``u_<player>`` payoffs
        (the column names of sweeps); floats, or exact Fractions with ``exact=True``
        (float games have no exact values: floats then).

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
        note = (f"method {self.method}; {'exact' if self.exact else 'float'}; "
                f"{'degenerate' if self.degenerate else 'nondegenerate'}; "
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
            "degenerate": self.degenerate,
            "equilibria": [eq.to_json_dict() for eq in self.equilibria],
        }


def _make(game: Game, exact: ExactProfile, *, tol: float,
          bimatrix: tuple[list, list] | None = None) -> Equilibrium:
    """An Equilibrium from an exact profile of ``game.as_exact()``, verified.
    ``bimatrix``: the exact payoffs as nested lists (2 players)."""
    if bimatrix is not None:
        r1, r2, u1, u2 = bimatrix_regret(bimatrix[0], bimatrix[1], exact[0], exact[1])
        regrets, pays = (r1, r2), (u1, u2)
    else:  # pure profiles only
        eg = game.as_exact()
        idx = tuple(s.index(Fraction(1)) for s in exact)
        pays = tuple(arr[idx] for arr in eg.payoffs)
        regrets = tuple(arr[idx[:i] + (slice(None),) + idx[i + 1:]].max() - arr[idx]
                        for i, arr in enumerate(eg.payoffs))
    if any(r != 0 for r in regrets):
        raise SolverError(f"profile {exact} has exact regrets {[str(r) for r in regrets]}, "
                          f"not zero: the solver is wrong")
    profile = tuple(tuple(float(p) for p in s) for s in exact)
    if not game.exact:
        _check_float(game, profile, tol=tol)
        return Equilibrium(profile, None, tuple(float(u) for u in pays), None)
    return Equilibrium(profile, exact, tuple(float(u) for u in pays), tuple(pays))


def _check_float(game: Game, profile: tuple[tuple[float, ...], ...], *, tol: float) -> None:
    """Regret of every player <= tol * payoff scale, in float arithmetic."""
    scale = max(1.0, *(float(np.max(np.abs(a))) for a in game.payoffs))
    for i, arr in enumerate(game.payoffs):
        # contract every other player's axis, keep player i's
        w = np.asarray(arr, dtype=float)
        for k in reversed(range(len(profile))):
            if k != i:
                w = np.tensordot(w, np.asarray(profile[k]), axes=([k], [0]))
        regret = float(w.max() - np.dot(w, profile[i]))
        if regret > tol * scale:
            raise SolverError(f"equilibrium {profile}: regret {regret:.3g} of player "
                              f"{game.players[i]} exceeds tol={tol} x scale {scale:.3g}")


def _order(profiles: Sequence[ExactProfile]) -> list[ExactProfile]:
    """Deduplicated, in decreasing lexicographic order (first strategies first)."""
    return sorted(set(profiles), key=lambda p: tuple(-v for s in p for v in s))


def _one_hot(idx: tuple[int, ...], shape: tuple[int, ...]) -> ExactProfile:
    return tuple(tuple(Fraction(int(k == i)) for k in range(m))
                 for i, m in zip(idx, shape, strict=True))


def _check_args(game: Any, method: str, tol: float) -> None:
    if not isinstance(game, Game):
        raise GameError(f"game={game!r} must be a qa_games Game (use SymbolicGame.at())")
    if method not in METHODS:
        raise ParameterError(f"method={method!r} is not one of {', '.join(METHODS)}")
    if not isinstance(tol, (int, float)) or not math.isfinite(tol) or tol < 0:
        raise ParameterError(f"tol={tol!r} must be a finite number >= 0")


def solve(game: Game, *, method: str = "auto", tol: float = 1e-9) -> Solution:
    """Nash equilibria of ``game``; see the module docstring for the guarantees.

    Methods: ``"auto"`` / ``"vertex-exact"`` (exact vertex enumeration, the reference);
    ``"pure"`` (pure equilibria only, any number of players); ``"vertex"``,
    ``"support"``, ``"lemke-howson"`` (nashpy's algorithms, 2 players). A nashpy
    method's float candidates are exactified (supports, exact indifference system,
    exact zero-regret check); non-equilibria and non-extreme points are dropped, and
    the exact enumeration completes the set, so the result equals ``"auto"``'s;
    ``missed_by_method`` and ``note`` say what nashpy missed. For n > 2 players only
    pure equilibria are computed (``complete=False``); other methods raise
    :class:`UnsupportedGameError`. A 1-player game's equilibria are its maximisers.
    ``tol`` is the absolute float tolerance (times the payoff scale for checks).

    >>> solve(Game.from_arrays([[0, 0], [0, 0]], [[0, 0], [0, 0]])).degenerate
    True
    """
    _check_args(game, method, tol)
    n = game.n_players
    if n == 1:
        return _solve_one(game, method, tol)
    if n > 2 or method == "pure":
        if method not in ("auto", "pure"):
            raise UnsupportedGameError(
                f"method={method!r} does not support {n}-player games; use 'pure' or "
                f"'auto' (pure equilibria only)")
        return _solve_pure(game, method, tol)
    a, b = ([list(r) for r in arr] for arr in game.as_exact().payoffs)
    found, degenerate = extreme_equilibria(a, b)
    profiles = _order(found)
    note = ("all extreme equilibria (vertices of the equilibrium components); "
            "the game is degenerate" if degenerate else "all equilibria (nondegenerate game)")
    missed: tuple[int, ...] = ()
    if method in NASHPY_METHODS:
        missed, extra = _cross_check(game, a, b, profiles, method, tol)
        note += "; " + extra
    if not game.exact:
        note += "; solved exactly as the binary-float game, reported as floats"
    equilibria = tuple(_make(game, p, tol=tol, bimatrix=(a, b)) for p in profiles)
    return Solution(game, method, game.exact, degenerate, equilibria, True, note, missed)


def _cross_check(game: Game, a: list, b: list, profiles: list[ExactProfile], method: str,
                 tol: float) -> tuple[tuple[int, ...], str]:
    af, bf = (np.asarray(arr, dtype=float) for arr in game.payoffs)
    cands, n_warn, error = nashpy_candidates(af, bf, method)
    reference = set(profiles)
    confirmed: set[ExactProfile] = set()
    spurious = interior = 0
    for x, y in cands:
        exact = exactify(a, b, x, y, tol=max(tol, 1e-12))
        if exact is None:
            spurious += 1
        elif exact in reference:
            confirmed.add(exact)
        else:
            interior += 1
    missed = tuple(k for k, p in enumerate(profiles) if p not in confirmed)
    parts = [f"nashpy {method}: {len(cands)} candidates, {len(confirmed)} confirmed exactly, "
             f"{len(missed)} missed (added by the exact kernel)"]
    if spurious:
        parts.append(f"{spurious} not exactifiable to an equilibrium (dropped)")
    if interior:
        parts.append(f"{interior} non-extreme (dropped)")
    if n_warn:
        parts.append(f"{n_warn} nashpy warnings caught")
    if error:
        parts.append(f"nashpy failed: {error}")
    return missed, ", ".join(parts)


def _solve_pure(game: Game, method: str, tol: float) -> Solution:
    found = pure_equilibria(game.payoffs) if game.exact else \
        pure_equilibria(game.payoffs, tol=tol * max(1.0, *(float(np.max(np.abs(p)))
                                                           for p in game.payoffs)))
    profiles = _order([_one_hot(idx, game.shape) for idx in found])
    equilibria = []
    for p in profiles:
        if game.exact:
            equilibria.append(_make(game, p, tol=tol))
        else:  # a tolerance tie need not be an exact equilibrium of the binary game
            _check_float(game, tuple(tuple(float(v) for v in s) for s in p), tol=tol)
            idx = tuple(s.index(Fraction(1)) for s in p)
            equilibria.append(Equilibrium(tuple(tuple(float(v) for v in s) for s in p), None,
                                          tuple(float(arr[idx]) for arr in game.payoffs)))
    note = "pure equilibria only"
    if game.n_players > 2:
        note += (f"; mixed equilibria of {game.n_players}-player games are not computed; "
                 "degeneracy is not checked")
    return Solution(game, method, game.exact, False, tuple(equilibria), False, note)


def _solve_one(game: Game, method: str, tol: float) -> Solution:
    if method not in ("auto", "pure", "vertex-exact"):
        raise UnsupportedGameError(f"method={method!r} needs 2 players; a 1-player game "
                                   "is solved by 'auto' (its maximisers)")
    sol = _solve_pure(game, method, tol)
    many = len(sol.equilibria) > 1
    note = "the maximisers (a 1-player game)" + ("; tied, so every mixture of them is "
                                                 "optimal too" if many else "")
    return Solution(game, method, game.exact, many, sol.equilibria, True, note)
