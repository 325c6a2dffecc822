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
import signal
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import GameError, ParameterError, SolverError, UnsupportedGameError
from ..games.limits import MAX_ENUMERATION, enumeration_cost
from ..games.normal_form import Game
from . import vertex_kernel
from .nashpy_bridge import NASHPY_METHODS, exactify, nashpy_candidates
from .pure import bimatrix_regret, pure_equilibria
from .records import Equilibrium, ExactProfile, Solution
from .vertex_enumeration import extreme_equilibria

__all__ = ["Equilibrium", "Solution", "solve", "METHODS"]

METHODS = ("auto", "vertex-exact", "pure", "vertex", "support", "lemke-howson")

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


class _OutOfTime(Exception):
    pass


# After the budget the timer keeps ticking every _RETICK seconds until the block exits: an
# exception raised by a signal handler is lost when the handler happens to run inside a
# garbage-collector callback or a __del__ (Hypothesis, for one, installs a gc callback),
# and the next tick raises it again.
_RETICK = 0.05
_LONGEST = 1e8  # seconds: setitimer overflows far beyond this


@contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Raise _OutOfTime in the block after ``seconds`` of wall time (main thread only)."""
    if seconds is None:
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        raise ParameterError("max_seconds needs the main thread (it uses a timer signal)")

    def alarm(signum: int, frame: Any) -> None:
        if vertex_kernel.DEFER[0]:  # compiled code running: it polls this flag
            vertex_kernel.EXPIRED[0] = True
            return
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, alarm)
    # a budget beyond the timer's range (about 3 years here) is one that never runs out
    signal.setitimer(signal.ITIMER_REAL, min(seconds, _LONGEST), _RETICK)
    try:
        yield
    finally:
        while True:  # a tick landing here is caught, and the timer stopped all the same
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                break
            except _OutOfTime:
                continue
        vertex_kernel.EXPIRED[0] = False
        signal.signal(signal.SIGALRM, previous)


def _too_large(game: Game, cost: int) -> UnsupportedGameError:
    dims = "x".join(map(str, game.shape))
    return UnsupportedGameError(
        f"a {dims} game is too large to enumerate every equilibrium exactly (estimated "
        f"cost {cost:.3g}, limit {MAX_ENUMERATION:.3g}): use method=\"lemke-howson\" for "
        f"equilibria found by Lemke-Howson paths (--method lemke-howson), or give the "
        f"enumeration a time budget with max_seconds (--max-seconds)")


def solve(game: Game, *, method: str = "auto", tol: float = 1e-9,
          max_seconds: float | None = None) -> Solution:
    """Nash equilibria of ``game``; see the module docstring for the guarantees.

    Methods: ``"auto"`` / ``"vertex-exact"`` (exact vertex enumeration, the reference);
    ``"pure"`` (pure equilibria only, any number of players); ``"vertex"``,
    ``"support"``, ``"lemke-howson"`` (nashpy's algorithms, 2 players). A nashpy
    method's float candidates are exactified (supports, exact indifference system,
    exact zero-regret check); non-equilibria and non-extreme points are dropped, and
    the exact enumeration completes the set, so the result equals ``"auto"``'s;
    ``missed_by_method`` and ``note`` say what nashpy missed. For n > 2 players
    ``"auto"`` returns every isolated equilibrium, certified (support enumeration,
    :func:`qa_games.solvers.nplayer.solve_nplayer`; ``complete=False`` with a note when a
    continuum is found), ``"pure"`` the pure ones only; other methods raise
    :class:`UnsupportedGameError`. A 1-player game's equilibria are its maximisers.
    ``tol`` is the absolute float tolerance (times the payoff scale for checks).

    Before an exact enumeration starts its cost is estimated
    (:func:`~qa_games.games.limits.enumeration_cost`); beyond
    :data:`~qa_games.games.limits.MAX_ENUMERATION` it is refused with an
    :class:`UnsupportedGameError` naming the size, unless ``max_seconds`` gives it a
    time budget (then it stops with that error when the budget is spent).
    ``method="lemke-howson"`` on such a game returns the equilibria its paths reach
    (exactified and verified), with ``complete=False``.

    ``degenerate`` means the same in every route: True only when proved. The enumerating
    routes decide it; the pure-only and Lemke-Howson-only routes look for a witness (a
    pure strategy or an equilibrium strategy with more pure best replies than its
    support size) and otherwise report False with :attr:`Solution.degeneracy`
    ``"not checked"`` (``"degenerate": "not checked"`` in the JSON).

    >>> solve(Game.from_arrays([[0, 0], [0, 0]], [[0, 0], [0, 0]])).degenerate
    True
    """
    _check_args(game, method, tol)
    n = game.n_players
    if n == 1:
        return _solve_one(game, method, tol)
    if n > 2 and method == "auto":  # every isolated equilibrium, certified
        from .nplayer import solve_nplayer

        return solve_nplayer(game, tol=tol)
    if n > 2 or method == "pure":
        if method not in ("auto", "pure"):
            raise UnsupportedGameError(
                f"method={method!r} does not support {n}-player games; use 'auto' "
                f"(every isolated equilibrium, certified) or 'pure' (pure ones only)")
        return _solve_pure(game, method, tol)
    if max_seconds is not None and (isinstance(max_seconds, bool) or not isinstance(
            max_seconds, (int, float)) or not math.isfinite(max_seconds) or max_seconds <= 0):
        raise ParameterError(f"max_seconds={max_seconds!r} must be a finite positive number")
    a, b = ([list(r) for r in arr] for arr in game.as_exact().payoffs)
    cost = enumeration_cost(*game.shape)
    if cost > MAX_ENUMERATION and max_seconds is None:
        if method == "lemke-howson":
            return _lemke_howson_only(game, a, b, tol)
        raise _too_large(game, cost)
    try:
        with _deadline(max_seconds):
            found, degenerate = extreme_equilibria(a, b)
    except (_OutOfTime, vertex_kernel.Expired):
        dims = "x".join(map(str, game.shape))
        raise UnsupportedGameError(
            f"the exact enumeration of the {dims} game did not finish within "
            f"max_seconds={max_seconds:g}; use method=\"lemke-howson\" for equilibria "
            "found by Lemke-Howson paths") from None
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


def _lemke_howson_only(game: Game, a: list, b: list, tol: float) -> Solution:
    """The equilibria the Lemke-Howson paths reach (one per starting label), exactified
    and verified: for games too large to enumerate."""
    af, bf = (np.asarray(arr, dtype=float) for arr in game.payoffs)
    cands, n_warn, error = nashpy_candidates(af, bf, "lemke-howson")
    found = []
    for x, y in cands:
        exact = exactify(a, b, x, y, tol=max(tol, 1e-12))
        if exact is not None:
            found.append(exact)
    profiles = _order(found)
    dims = "x".join(map(str, game.shape))
    degenerate = _pure_tie(game) or any(_best_reply_witness(a, b, p) for p in profiles)
    note = (f"Lemke-Howson from each of the {sum(game.shape)} labels: {len(profiles)} "
            f"distinct equilibria (not all: the {dims} game is too large to enumerate); "
            + ("degenerate (a strategy with more pure best replies than its support size)"
               if degenerate else "degeneracy not checked beyond the pure strategies and the "
               "equilibria found (no strategy among them has more pure best replies than "
               "its support size)"))
    if error:
        note += f"; {error}"
    if not profiles:
        raise SolverError(f"Lemke-Howson found no equilibrium of the {dims} game that "
                          f"verifies exactly ({error or f'{len(cands)} candidates'})")
    equilibria = tuple(_make(game, p, tol=tol, bimatrix=(a, b)) for p in profiles)
    return Solution(game, "lemke-howson", game.exact, degenerate, equilibria, False, note)


def _best_reply_witness(a: list, b: list, profile: ExactProfile) -> bool:
    """Whether an exact equilibrium ``(x, y)`` of the bimatrix game ``(a, b)`` shows the
    game degenerate: ``y`` has more pure best replies than its support size, or ``x``
    has (von Stengel 2002, Definition 3.2: in a nondegenerate game no mixed strategy
    with support size k has more than k pure best replies)."""
    x, y = profile
    rows = [sum((aij * yj for aij, yj in zip(r, y, strict=True) if yj), Fraction(0))
            for r in a]
    cols = [sum((b[i][j] * xi for i, xi in enumerate(x) if xi), Fraction(0))
            for j in range(len(y))]
    support_x = sum(1 for v in x if v)
    support_y = sum(1 for v in y if v)
    best_rows = sum(1 for u in rows if u == max(rows))
    best_cols = sum(1 for v in cols if v == max(cols))
    return best_rows > support_y or best_cols > support_x


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
    degenerate = _pure_tie(game)
    if game.n_players > 2:
        note += f"; mixed equilibria of {game.n_players}-player games are not computed"
    note += ("; degenerate (a pure profile of the others leaves a player two best "
             "responses)" if degenerate else
             "; degeneracy not checked beyond pure profiles (no tied best response "
             "to a pure profile)")
    return Solution(game, method, game.exact, degenerate, tuple(equilibria), False, note)


def _pure_tie(game: Game) -> bool:
    """Does some pure profile of the others leave a player two best responses (a
    support of size 1 with more than 1 pure best response: degenerate, as for two
    players)? Decided exactly on the payoffs (binary values for floats)."""
    for i, arr in enumerate(game.payoffs):
        best = arr.max(axis=i, keepdims=True)
        if ((arr == best).sum(axis=i) > 1).any():
            return True
    return False


def _solve_one(game: Game, method: str, tol: float) -> Solution:
    if method not in ("auto", "pure", "vertex-exact"):
        raise UnsupportedGameError(f"method={method!r} needs 2 players; a 1-player game "
                                   "is solved by 'auto' (its maximisers)")
    sol = _solve_pure(game, method, tol)
    many = len(sol.equilibria) > 1
    note = "the maximisers (a 1-player game)" + ("; tied, so every mixture of them is "
                                                 "optimal too" if many else "")
    return Solution(game, method, game.exact, many, sol.equilibria, True, note)
