"""Every isolated Nash equilibrium of an n-player normal-form game, exactly and certified.

**Support enumeration** (Dickhaut & Kaplan 1991; McKelvey & McLennan 1996, sec. 6;
Porter, Nudelman & Shoham 2008; Gambit's ``enumpoly``). For a support profile
``S = (S_1, ..., S_n)``, a mixed profile ``sigma`` with ``supp sigma_i = S_i`` is a Nash
equilibrium iff, for every player ``i`` (``s0`` the first strategy of ``S_i``)::

    u_i(s, sigma_-i) = u_i(s0, sigma_-i)   for s in S_i        (indifference)
    sum_s sigma_i(s) = 1,  sigma_i(s) > 0  for s in S_i
    u_i(k, sigma_-i) <= u_i(s0, sigma_-i)  for k not in S_i     (no profitable deviation)

The equations are multilinear polynomials in the other players' probabilities, with
rational coefficients (the game is exact; a float game is solved as the exact game its
binary floats denote). For each support profile not excluded by conditional dominance
(a strategy weakly dominated on ``S_-i`` is never a best reply to a profile of full
support on ``S_-i``), linear equations are solved by exact elimination; otherwise the
equations' **Groebner basis** (Buchberger 1965; Cox, Little & O'Shea, *Ideals,
Varieties, and Algorithms*, ch. 2-3; computed by FLINT through python-flint, converted
to lex order by FGLM in sympy) decides:

* ``{1}``: no solution;
* **zero-dimensional**: finitely many solutions. A lex basis in *shape position*
  (Gianni & Mora 1989; a random separating linear form ``t`` when a coordinate does not
  separate, the radical taken by Seidenberg's lemma when needed) gives every solution
  as ``x_j = r_j(t)`` at a root of ``h(t)``. Each irreducible factor ``f`` of ``h`` is
  the minimal polynomial of ``t``; its real roots are isolated by rational intervals
  (Sturm). A linear factor gives a **rational** equilibrium, checked by exact regret; a
  higher-degree one an **algebraic** equilibrium (:class:`AlgebraicEquilibrium`), whose
  positivity and zero regret are proved in ``Q(alpha)`` (:mod:`._algebraic`);
* **positive-dimensional**: z3's complete nonlinear real arithmetic (nlsat; Jovanovic &
  de Moura 2012) decides whether any equilibrium has this support. If none, nothing is
  missed; if some, the support holds a **continuum** (or a positive-dimensional variety
  the inequalities may cut to points): it is flagged in ``note`` with a sample point,
  and ``complete`` is False. The isolated equilibria of the other supports are reported.

Every reported equilibrium is re-checked by :func:`certify`, which does not use the
Groebner basis. With all support systems zero-dimensional or empty the equilibria are
finitely many, hence isolated, and ``complete`` is True.

>>> from qa_games import Game
>>> import numpy as np
>>> g = Game.from_arrays(*(np.array(a).reshape(2, 2, 2, order="F") for a in (  # Gambit's 2x2x2
...     [9, 0, 0, 9, 0, 3, 3, 0], [8, 0, 0, 8, 0, 4, 4, 0], [12, 0, 0, 2, 0, 6, 6, 0])))
>>> sol = solve_nplayer(g)
>>> len(sol.equilibria), sol.complete
(9, True)
>>> sum(isinstance(e, AlgebraicEquilibrium) for e in sol.equilibria)
0
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy

from qa_games.errors import GameError, ParameterError, SolverError, UnsupportedGameError
from qa_games.solvers._algebraic import RealAlgebraic, fpoly, to_rational
from qa_games.solvers._nplayer_system import RawAlgebraic, RawRational, payoff, solve_support
from qa_games.solvers._nplayer_system import T as _T

from ..games.normal_form import Game
from .records import Equilibrium, Solution

__all__ = [
    "AlgebraicEquilibrium",
    "solve_nplayer",
    "certify",
    "count_support_profiles",
    "MAX_SUPPORT_PROFILES",
    "MAX_UNKNOWNS",
]

#: Largest number of support profiles ``prod_i (2**m_i - 1)`` enumerated by default.
MAX_SUPPORT_PROFILES = 5_000
#: Largest number of unknowns ``sum_i (m_i - 1)`` of the full-support system by default
#: (benchmarks/bench_nplayer.py: 4x3x3, 7 unknowns, takes about 20 s; 4x4x3 and
#: 2x2x2x2x2 exceed 60 s).
MAX_UNKNOWNS = 8


@dataclass(frozen=True)
class AlgebraicEquilibrium(Equilibrium):
    """A Nash equilibrium with irrational probabilities, in exact algebraic form.

    Every probability is ``r(alpha)`` for a rational polynomial ``r`` (``coordinates[i][s]``,
    coefficients highest degree first, reduced modulo ``polynomial``), where ``alpha`` is
    the unique root of the irreducible integer ``polynomial`` (its minimal polynomial) in
    ``interval``. ``profile`` and ``payoffs`` are float values; ``exact`` is None.
    :func:`certify` re-proves it is an equilibrium; :meth:`sympy_profile` gives the
    probabilities as sympy numbers (``CRootOf``).
    """

    polynomial: tuple[int, ...] = ()
    interval: tuple[Fraction, Fraction] = (Fraction(0), Fraction(0))
    coordinates: tuple[tuple[tuple[Fraction, ...], ...], ...] = ()

    @property
    def support(self) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(k for k, c in enumerate(s) if any(c)) for s in self.coordinates)

    def number(self) -> RealAlgebraic:
        """``alpha`` (a fresh copy: refining it does not change this record)."""
        return RealAlgebraic(fpoly(self.polynomial), *self.interval)

    def sympy_profile(self) -> tuple[tuple[sympy.Expr, ...], ...]:
        """Each probability as a sympy expression in ``CRootOf(polynomial, index)``."""
        root = self.number().root_of()
        return tuple(tuple(sympy.Poly([to_rational(c) for c in r] or [0], _T).as_expr()
                           .subs(_T, root) for r in s) for s in self.coordinates)

    def to_json_dict(self) -> dict[str, Any]:
        out = super().to_json_dict()
        out["algebraic"] = {
            "polynomial": list(self.polynomial),
            "interval": [str(self.interval[0]), str(self.interval[1])],
            "coordinates": [[[str(c) for c in r] for r in s] for s in self.coordinates],
        }
        return out


def count_support_profiles(shape: Sequence[int]) -> int:
    """The number of support profiles ``prod_i (2**m_i - 1)``.

    >>> count_support_profiles((3, 3, 3))
    343
    """
    return math.prod(2 ** m - 1 for m in shape)


def _integer_payoffs(game: Game) -> tuple[list[np.ndarray], list[int]]:
    """Each player's exact payoffs times a positive integer (the same equilibria), and
    the integers."""
    out, scales = [], []
    for a in game.as_exact().payoffs:
        lcm = math.lcm(*(Fraction(v).denominator for v in a.flat))
        arr = np.empty(a.shape, dtype=object)
        for idx, v in np.ndenumerate(a):
            arr[idx] = int(Fraction(v) * lcm)
        out.append(arr)
        scales.append(lcm)
    return out, scales


# -- certificates -------------------------------------------------------------------

def _exact_regrets(pay: Sequence[np.ndarray], profile: Sequence[Sequence[Fraction]]
                   ) -> tuple[list[Fraction], list[Fraction]]:
    full = [tuple(range(len(s))) for s in profile]
    regrets, values = [], []
    for i, arr in enumerate(pay):
        u = [payoff(arr, i, k, profile, full, Fraction(0)) for k in range(len(profile[i]))]
        value = sum((p * v for p, v in zip(profile[i], u, strict=True)), Fraction(0))
        regrets.append(max(u) - value)
        values.append(value)
    return regrets, values


def certify(game: Game, eq: Equilibrium) -> None:
    """Prove ``eq`` is a Nash equilibrium of ``game.as_exact()``, or raise SolverError.

    Rational equilibria: probabilities sum to 1, are >= 0, and every regret is exactly 0.
    Algebraic ones: the polynomial is irreducible with one root in the interval (Sturm),
    and in ``Q(alpha)`` the probabilities sum to 1 and are >= 0, the support strategies
    earn equal payoffs and no other strategy earns more (exact signs). Independent of the
    solver's Groebner bases.

    >>> from qa_games import Game, solve
    >>> g = Game.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> certify(g, solve(g).equilibria[0]) is None
    True
    """
    pay = [np.asarray(a, dtype=object) for a in game.as_exact().payoffs]
    if isinstance(eq, AlgebraicEquilibrium):
        _certify_algebraic(pay, eq)
        return
    if eq.exact is None:
        raise SolverError("certify needs an exact or algebraic equilibrium (float games "
                          "report floats only; check those with a tolerance)")
    prof = eq.exact
    if tuple(len(s) for s in prof) != game.shape or any(
            sum(s) != 1 or min(s) < 0 for s in prof):
        raise SolverError(f"{prof} is not a mixed profile of a {game.shape} game")
    regrets, _ = _exact_regrets(pay, prof)
    if any(r != 0 for r in regrets):
        raise SolverError(f"profile {prof} has exact regrets {[str(r) for r in regrets]}")


def _certify_algebraic(pay: Sequence[np.ndarray], eq: AlgebraicEquilibrium) -> None:
    to_q = np.vectorize(lambda v: flint.fmpq(Fraction(v).numerator, Fraction(v).denominator),
                        otypes=[object])
    pay = [to_q(a) for a in pay]
    alpha = RealAlgebraic.from_interval(fpoly(eq.polynomial), *eq.interval)
    coords = [[alpha.reduce(fpoly(r)) for r in s] for s in eq.coordinates]
    zero = flint.fmpq_poly([])
    supports = eq.support
    if tuple(len(s) for s in coords) != pay[0].shape:
        raise SolverError("algebraic equilibrium has the wrong number of strategies")
    for i, s in enumerate(coords):
        if not alpha.reduce(sum(s, zero) - 1).is_zero():
            raise SolverError(f"probabilities of player {i + 1} do not sum to 1")
        if any(alpha.sign(c) < 0 for c in s):
            raise SolverError(f"a probability of player {i + 1} is negative")
    for i, arr in enumerate(pay):
        u = [alpha.reduce(payoff(arr, i, k, coords, supports, zero))
             for k in range(arr.shape[i])]
        ref = u[supports[i][0]]
        for k in range(arr.shape[i]):
            sgn = alpha.sign(u[k] - ref)
            if (k in supports[i] and sgn != 0) or sgn > 0:
                raise SolverError(f"player {i + 1}'s strategy {k + 1} has regret sign {sgn}")


# -- the enumeration ------------------------------------------------------------------

def _supports(m: int) -> list[tuple[int, ...]]:
    return [c for r in range(1, m + 1) for c in itertools.combinations(range(m), r)]


def _support_profiles(shape: Sequence[int]) -> Iterator[tuple[tuple[int, ...], ...]]:
    yield from sorted(itertools.product(*(_supports(m) for m in shape)),
                      key=lambda sp: (sum(len(s) for s in sp), sp))


def _never_best(arr: np.ndarray, i: int, others: tuple[tuple[int, ...], ...]) -> frozenset:
    """Player i's strategies weakly dominated by a pure strategy on the sub-profiles
    ``others`` (never a best reply when every such sub-profile has positive probability)."""
    sub = arr
    for k, s in enumerate(others):
        ax = k if k < i else k + 1
        sub = np.take(sub, list(s), axis=ax)
    rows = np.moveaxis(sub, i, 0).reshape(arr.shape[i], -1)
    bad = set()
    for j in range(rows.shape[0]):
        for k in range(rows.shape[0]):
            if k != j and all(rows[k] >= rows[j]) and any(rows[k] > rows[j]):
                bad.add(j)
                break
    return frozenset(bad)


def solve_nplayer(game: Game, *, tol: float = 1e-9,
                  max_supports: int = MAX_SUPPORT_PROFILES,
                  max_unknowns: int = MAX_UNKNOWNS,
                  z3_timeout_ms: int = 20_000) -> Solution:
    """Every isolated Nash equilibrium of ``game`` (any number of players >= 2), certified.

    Rational equilibria have ``exact`` Fractions; irrational ones are
    :class:`AlgebraicEquilibrium` records. ``complete`` is True unless a support holds a
    positive-dimensional set of equilibria (a continuum, flagged in ``note``);
    ``degenerate`` is True when some equilibrium has an unused pure best reply or a
    continuum was found. Raises :class:`UnsupportedGameError` past ``max_supports``
    support profiles or ``max_unknowns`` unknowns (raise them to try larger games).

    >>> from qa_games import Game
    >>> import numpy as np
    >>> u = np.zeros((2, 2, 2), dtype=int)
    >>> u1, u2, u3 = u.copy(), u.copy(), u.copy()
    >>> u1[0], u2[:, 0], u3[:, :, 1] = 1, 1, 1      # each player has a dominant strategy
    >>> sol = solve_nplayer(Game.from_arrays(u1, u2, u3))
    >>> [eq.pure_profile for eq in sol.equilibria], sol.complete, sol.degenerate
    ([(0, 0, 1)], True, False)
    """
    if not isinstance(game, Game):
        raise GameError(f"game={game!r} must be a qa_games Game (use SymbolicGame.at())")
    if game.n_players < 2:
        raise UnsupportedGameError("solve_nplayer needs >= 2 players; a 1-player game is "
                                   "solved by solve(game)")
    if not isinstance(tol, (int, float)) or not math.isfinite(tol) or tol < 0:
        raise ParameterError(f"tol={tol!r} must be a finite number >= 0")
    size = "x".join(map(str, game.shape))
    n_sup = count_support_profiles(game.shape)
    unknowns = sum(m - 1 for m in game.shape)
    if n_sup > max_supports or unknowns > max_unknowns:
        raise UnsupportedGameError(
            f"a {size} game has {n_sup} support profiles and {unknowns} unknowns (limits "
            f"max_supports={max_supports}, max_unknowns={max_unknowns}): exact enumeration "
            "of every equilibrium is out of reach; use solve(game, method='pure') for the "
            "pure equilibria, or pygambit's gnm_solve / simpdiv_solve / logit_solve for "
            "numerical approximations")
    pay, scales = _integer_payoffs(game)
    rng = random.Random(20260)  # separating linear forms: reproducible
    cache: dict[tuple[int, tuple], frozenset] = {}
    found: list[Equilibrium] = []
    flagged: list[str] = []
    empty_positive_dim = systems = 0
    for sp in _support_profiles(game.shape):
        pruned = False
        for i in range(len(sp)):
            others = sp[:i] + sp[i + 1:]
            if (i, others) not in cache:
                cache[i, others] = _never_best(pay[i], i, others)
            if cache[i, others] & set(sp[i]):
                pruned = True
                break
        if pruned:
            continue
        res = solve_support(pay, sp, z3_timeout_ms=z3_timeout_ms, rng=rng)
        systems += res.algebra
        found.extend(_record(game, r, scales) for r in res.solutions)
        where = "support " + " x ".join(
            "{" + ",".join(game.strategies[i][s] for s in sup) + "}" for i, sup in enumerate(sp))
        if res.status == "proved-empty":
            empty_positive_dim += 1
        elif res.status == "continuum":
            sample = [[round(p, 6) for p in s] for s in res.sample or ()]
            flagged.append(f"{where}: a positive-dimensional set of equilibria (a continuum; "
                           f"z3 finds e.g. {sample}), not enumerated")
        elif res.status == "undecided":
            flagged.append(f"{where}: positive-dimensional equations, z3 could not decide "
                           f"within {z3_timeout_ms} ms whether they hold equilibria")
        elif res.status == "unsolved":
            flagged.append(f"{where}: zero-dimensional equations not put in shape position "
                           "(no equilibrium with this support is listed)")
    search = _Found(found, flagged, empty_positive_dim, systems)
    for eq in search.equilibria:
        certify(game, eq)
    eqs = sorted(search.equilibria, key=lambda e: tuple(-v for s in e.profile for v in s))
    degenerate = bool(search.flagged) or any(_has_tie(pay, e) for e in eqs)
    if not game.exact:
        eqs = [_as_float(game, e, tol) for e in eqs]
    n_alg = sum(isinstance(e, AlgebraicEquilibrium) for e in eqs)
    parts = [f"support enumeration over {n_sup} support profiles ({search.systems} "
             f"polynomial systems solved exactly): {len(eqs)} equilibria"
             + (f", {n_alg} of them irrational (algebraic, certified)" if n_alg else "")]
    if search.empty_positive_dim:
        parts.append(f"{search.empty_positive_dim} positive-dimensional support systems "
                     "proved to hold no equilibrium (z3)")
    if search.flagged:
        parts.append("NOT COMPLETE: " + "; ".join(search.flagged)
                     + "; the isolated equilibria of the other supports are listed")
    else:
        parts.append("every equilibrium is isolated and listed")
    if not game.exact:
        parts.append("solved exactly as the binary-float game, reported as floats")
    return Solution(game, "auto", game.exact, degenerate, tuple(eqs), not search.flagged,
                    "; ".join(parts))


def _has_tie(pay: Sequence[np.ndarray], eq: Equilibrium) -> bool:
    """Some player has a pure best reply outside its support (exactly decided)."""
    if eq.exact is not None:
        full = [tuple(range(len(s))) for s in eq.exact]
        for i, arr in enumerate(pay):
            u = [payoff(arr, i, k, eq.exact, full, Fraction(0)) for k in range(arr.shape[i])]
            if sum(1 for v in u if v == max(u)) > len(eq.support[i]):
                return True
        return False
    assert isinstance(eq, AlgebraicEquilibrium)
    alpha = eq.number()
    coords = [[fpoly(r) for r in s] for s in eq.coordinates]
    zero = flint.fmpq_poly([])
    for i, arr in enumerate(pay):
        u = [payoff(arr, i, k, coords, eq.support, zero) for k in range(arr.shape[i])]
        ref = u[eq.support[i][0]]
        if any(k not in eq.support[i] and alpha.reduce(u[k] - ref).is_zero()
               for k in range(arr.shape[i])):
            return True
    return False


def _as_float(game: Game, eq: Equilibrium, tol: float) -> Equilibrium:
    scale = max(1.0, *(float(np.max(np.abs(np.asarray(a, dtype=float)))) for a in game.payoffs))
    full = [tuple(range(len(s))) for s in eq.profile]
    for i, arr in enumerate(game.payoffs):
        a = np.asarray(arr, dtype=float)
        u = [payoff(a, i, k, eq.profile, full, 0.0) for k in range(a.shape[i])]
        if max(u) - float(np.dot(u, eq.profile[i])) > tol * scale:
            raise SolverError(f"equilibrium {eq.profile} fails the float check (tol={tol})")
    if isinstance(eq, AlgebraicEquilibrium):
        return eq
    return Equilibrium(eq.profile, None, eq.payoffs, None)


def _record(game: Game, raw: RawRational | RawAlgebraic, scales: Sequence[int]) -> Equilibrium:
    if isinstance(raw, RawRational):
        eg = game.as_exact()
        full = [tuple(range(len(s))) for s in raw.profile]
        pays = tuple(sum((p * payoff(arr, i, k, raw.profile, full, Fraction(0))
                          for k, p in enumerate(raw.profile[i])), Fraction(0))
                     for i, arr in enumerate(eg.payoffs))
        return Equilibrium(tuple(tuple(float(p) for p in s) for s in raw.profile), raw.profile,
                           tuple(float(u) for u in pays), pays)
    return AlgebraicEquilibrium(
        raw.profile, None, tuple(u / c for u, c in zip(raw.payoffs, scales, strict=True)),
        None, raw.polynomial, raw.interval, raw.coordinates)


@dataclass
class _Found:
    equilibria: list[Equilibrium]
    flagged: list[str]
    empty_positive_dim: int
    systems: int
