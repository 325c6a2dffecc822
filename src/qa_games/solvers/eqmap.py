"""The symbolic equilibrium map of a 2-player game: parameter regions -> equilibria.

Support enumeration (von Stengel 2007, *Algorithmic Game Theory* ch. 3, Algorithm 3.4
and Theorem 3.3) done in sympy instead of floats. In a **nondegenerate** bimatrix game
``(A, B)`` every Nash equilibrium ``(x, y)`` has supports ``I``, ``J`` of equal size
``s``, and ``x``, ``y`` are the unique solutions of the indifference systems::

    A[I, J] y = v 1,  sum(y) = 1            B[I, J]^T x = u 1,  sum(x) = 1.

Solved with parameters as symbols, each support pair gives a :class:`Region`: the
probabilities and payoffs as closed-form expressions of the parameters, valid where
the systems are nonsingular (``nonzero``), and the *condition* under which they form
an equilibrium: every probability ``>= 0`` and no strategy outside the support pays
more (``v - (A y)_k >= 0``, ``u - (x^T B)_l >= 0``). A rational inequality is
multiplied through by its denominator only when the denominator's sign is known on
the parameter domains (a box test on each factor); inequalities true on the whole
domain are dropped from the displayed condition. The equilibria at a point are the
profiles of the regions whose condition holds there.

Where a condition holds with equality (``Delta_A = 0`` in Cha's model) regions touch
and the game is degenerate: a region that holds but not strictly is a witness (a
mixed strategy with more pure best responses than its support size). There the map
reports the equal-support equilibria it finds and flags the point ``degenerate``
(the exact solver may list further extreme equilibria with unequal supports).

On many points at once, :meth:`EquilibriumMap.evaluate` compiles every region's
expressions once (``sympy.lambdify``, cached on the map) and returns a
:class:`MapEvaluation` whose :meth:`~MapEvaluation.columns` are the outcome columns of a
sweep (number of equilibria, pure-equilibrium flags, the selected equilibrium, its
probabilities, payoffs and label): a second route to :func:`qa_games.sweep.sweep`'s
results that shares no solver code with it.

Supported: 2 players, ``min(m, n) <= max_support`` (default 3, at most 4) and at most
:data:`MAX_SUPPORT_PAIRS` support pairs; other games raise
:class:`~qa_games.errors.UnsupportedGameError` (solve them point by point with
:func:`qa_games.solvers.solve.solve` or :func:`qa_games.solvers.batch.solve_batch`).

>>> from qa_games import load_model
>>> m = load_model("cha_quasi_alliance")
>>> emap = equilibrium_map(m)
>>> for region in emap.regions:
...     print(region.label)
(cooperate, cooperate)
(cooperate, distance)
(distance, cooperate)
(distance, distance)
mixed {cooperate, distance} x {cooperate, distance}
>>> emap.region("cooperate", "cooperate").describe(m)
'Delta_A >= 0 and Delta_B >= 0'
>>> emap.region("distance", "distance").condition
True
>>> mixed = emap.region(support=((0, 1), (0, 1)))
>>> mixed.describe(m)
'Delta_B >= 0 and Delta_A >= 0 and Ne(t, 0) and Ne(c, 1)'
>>> emap.describe().splitlines()[-1].split(" -> ")[1]
'A: (p_A, 1 - p_A); B: (p_B, 1 - p_B)'
>>> [eq.pure_profile for eq in emap.at(c=0.1).equilibria]
[(0, 0), None, (1, 1)]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from types import SimpleNamespace
from typing import Any, TypeAlias

import numpy as np
import sympy

from ..errors import GameError, ParameterError, UnsupportedGameError
from ..games.exact_eval import substitute
from ..games.normal_form import SymbolicGame
from ..games.vectorize import lambdify_safe
from .box_signs import _box, _derived_name, _factor_sign, _factors, _ne, _split
from .eqmap_evaluation import MapEvaluation
from .records import Equilibrium, Solution

__all__ = ["Region", "EquilibriumMap", "MapEvaluation", "equilibrium_map",
           "MAX_SUPPORT_PAIRS", "MAX_SUPPORT_LIMIT"]

#: Largest number of (row support, column support) pairs a map enumerates.
MAX_SUPPORT_PAIRS = 200
#: Largest ``max_support`` accepted: symbolic solves of larger systems are too slow
#: (a 3x3 game with three parameters maps in about 1.5 s, a 4x4 one in about 15 s).
MAX_SUPPORT_LIMIT = 4

Expr: TypeAlias = sympy.Expr


@dataclass(frozen=True)
class Region:
    """Where the support pair ``support`` gives an equilibrium, and which one.

    ``probabilities[i][k]`` is player i's probability of strategy k (0 off the support);
    ``payoffs`` the expected payoffs; the equilibrium holds iff every expression of
    ``inequalities`` is ``>= 0`` and every one of ``nonzero`` is ``!= 0``;
    ``trivial[q]`` says inequality q holds on the whole parameter domain.
    """

    support: tuple[tuple[int, ...], tuple[int, ...]]
    probabilities: tuple[tuple[Expr, ...], tuple[Expr, ...]]
    payoffs: tuple[Expr, Expr]
    inequalities: tuple[Expr, ...]
    nonzero: tuple[Expr, ...]
    trivial: tuple[bool, ...]
    label: str

    @property
    def pure_profile(self) -> tuple[int, int] | None:
        """``(i, j)`` when both supports are single strategies, else None."""
        i, j = self.support
        return (i[0], j[0]) if len(i) == 1 and len(j) == 1 else None

    @property
    def condition(self) -> sympy.Basic:
        """The region as a sympy boolean (closed: where the profile is an equilibrium)."""
        parts = [g >= 0 for g, triv in zip(self.inequalities, self.trivial, strict=True)
                 if not triv]
        parts += [_ne(d) for d in self.nonzero]
        return sympy.And(*parts)

    @property
    def strict_condition(self) -> sympy.Basic:
        """The interior: every inequality strict (a nondegenerate equilibrium)."""
        return sympy.And(*([g > 0 for g in self.inequalities] + [_ne(d) for d in self.nonzero]))

    def named_condition(self, model: Any = None) -> sympy.Basic:
        """:attr:`condition` with each inequality written in a derived name of ``model``
        where one matches up to sign (``Delta_A >= 0``), as real sympy symbols."""
        return sympy.And(*self._named_parts(model))

    def describe(self, model: Any = None) -> str:
        """:meth:`named_condition` as text, ``"always"`` when it is True."""
        return " and ".join(str(p) for p in self._named_parts(model)) or "always"

    def _named_parts(self, model: Any) -> list[sympy.Basic]:
        out = []
        for g, triv in zip(self.inequalities, self.trivial, strict=True):
            if not triv:
                name, sign = _derived_name(g, model)
                s = sympy.Symbol(name, real=True) if name else None
                out.append(g >= 0 if s is None else (s >= 0 if sign > 0 else s <= 0))
        return out + [_ne(d) for d in self.nonzero]


# -- the map ------------------------------------------------------------------------------

def _solve_side(M: sympy.Matrix) -> tuple[list[Expr], Expr, Expr] | None:
    """Solve ``M y = v 1, sum y = 1``: ``(y, v, det)``, or None if singular everywhere.

    By Cramer's rule with fraction-free (Berkowitz) cofactors: polynomial numerators
    over one polynomial determinant, which sympy cancels fast (an LU solve builds
    nested fractions that take minutes to simplify for 3x3 supports).
    """
    s = M.shape[1]
    K = sympy.zeros(s + 1, s + 1)
    K[:s, :s] = M
    K[:s, s] = -sympy.ones(s, 1)
    K[s, :s] = sympy.ones(1, s)
    det = sympy.expand(K.det(method="berkowitz"))
    if det == 0:
        return None
    # (K^-1 e_s)_i = adj(K)[i, s] / det = cofactor(s, i) / det
    sol = [sympy.factor(sympy.cancel(sympy.expand(K.cofactor(s, i, method="berkowitz")) / det))
           for i in range(s + 1)]
    return sol[:s], sol[s], sympy.factor(det)


def _support_label(game: SymbolicGame, rs: tuple[int, ...], cs: tuple[int, ...]) -> str:
    if len(rs) == 1 and len(cs) == 1:
        return game.profile_label((rs[0], cs[0]))
    names = [", ".join(game.strategies[p][k] for k in S) for p, S in ((0, rs), (1, cs))]
    return f"mixed {{{names[0]}}} x {{{names[1]}}}"


def _region(game: SymbolicGame, A: sympy.Matrix, B: sympy.Matrix, rs: tuple[int, ...],
            cs: tuple[int, ...], box: Mapping) -> Region | None:
    m, n = A.shape
    col_side = _solve_side(A.extract(list(rs), list(cs)))  # y: the row player indifferent
    row_side = _solve_side(B.extract(list(rs), list(cs)).T)  # x: the column player too
    if col_side is None or row_side is None:
        return None
    ys, v, _ = col_side
    xs, u, _ = row_side
    x = [sympy.S.Zero] * m
    y = [sympy.S.Zero] * n
    for k, i in enumerate(rs):
        x[i] = xs[k]
    for k, j in enumerate(cs):
        y[j] = ys[k]
    atoms: list[Expr] = []
    if len(rs) > 1:
        atoms += xs
    if len(cs) > 1:
        atoms += ys
    atoms += [v - sum(A[k, j] * y[j] for j in cs) for k in range(m) if k not in rs]
    atoms += [u - sum(B[i, q] * x[i] for i in rs) for q in range(n) if q not in cs]
    ineqs, trivial, nonzero = [], [], []
    for g in atoms:
        h, vanish, triv = _split(g, box)
        if h.is_number and h >= 0:
            continue
        if _factor_sign(sympy.expand(h), box) == (-1, False):  # h < 0 on the whole domain
            return None
        ineqs.append(h)
        trivial.append(triv)
        nonzero += [d for d in vanish if d not in nonzero]
    for e in xs + ys:  # the formulas themselves need nonzero denominators
        for f, _ in _factors(sympy.fraction(sympy.together(e))[1]):
            if _factor_sign(f, box)[1] and f not in nonzero and -f not in nonzero:
                nonzero.append(f)
    return Region((tuple(rs), tuple(cs)), (tuple(x), tuple(y)), (v, u), tuple(ineqs),
                  tuple(nonzero), tuple(trivial), _support_label(game, rs, cs))


def _support_pairs(m: int, n: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(rs, cs) for s in range(1, min(m, n) + 1)
            for rs in itertools.combinations(range(m), s)
            for cs in itertools.combinations(range(n), s)]


def equilibrium_map(model_or_symbolic_game: Any, *, max_support: int = 3) -> EquilibriumMap:
    """The :class:`EquilibriumMap` of a 2-player :class:`~qa_games.modelfiles.normal_form.Model` or
    :class:`~qa_games.games.normal_form.SymbolicGame` (see the module docstring for the method).

    ``max_support``: the largest support size the map may need, i.e. the largest
    ``min(m, n)`` accepted (1 to :data:`MAX_SUPPORT_LIMIT`). Raises
    :class:`UnsupportedGameError` for games with other than 2 players, with
    ``min(m, n) > max_support``, or with more than :data:`MAX_SUPPORT_PAIRS` pairs.
    """
    if isinstance(max_support, bool) or not isinstance(max_support, int) \
            or not 1 <= max_support <= MAX_SUPPORT_LIMIT:
        raise ParameterError(f"max_support={max_support!r} must be an integer from 1 to "
                             f"{MAX_SUPPORT_LIMIT}")
    model = None
    game = model_or_symbolic_game
    if not isinstance(game, SymbolicGame):
        model, game = game, getattr(game, "game", None)
        if not isinstance(game, SymbolicGame):
            raise GameError(f"model_or_symbolic_game={model_or_symbolic_game!r} must be a "
                            f"Model or a SymbolicGame")
    if game.n_players != 2:
        raise UnsupportedGameError(
            f"equilibrium_map needs a 2-player game (support enumeration of a bimatrix "
            f"game); {game.title or 'this game'} has {game.n_players} players: solve it "
            f"point by point with qa_games.solvers.solve")
    m, n = game.shape
    pairs = _support_pairs(m, n)
    if min(m, n) > max_support or len(pairs) > MAX_SUPPORT_PAIRS:
        raise UnsupportedGameError(
            f"equilibrium_map: a {m}x{n} game needs supports up to size {min(m, n)} and "
            f"{len(pairs)} support pairs; the limits are max_support={max_support} and "
            f"{MAX_SUPPORT_PAIRS} pairs: use qa_games.solvers.batch.solve_batch on a grid instead")
    A, B = (sympy.Matrix(m, n, [sympy.sympify(e) for e in arr.flat]) for arr in game.payoffs)
    box = _box(game)
    regions, skipped = [], []
    for rs, cs in pairs:
        r = _region(game, A, B, rs, cs, box)
        if r is None:
            skipped.append((rs, cs))
        else:
            regions.append(r)
    return EquilibriumMap(game, tuple(regions), tuple(skipped), model)

def _rat(x: Fraction) -> sympy.Rational:
    return sympy.Rational(x.numerator, x.denominator)


def _number(e: Any) -> Fraction | float:
    """A Fraction for a rational sympy number, else a float (irrational values, e.g.
    a threat index with fractional weights)."""
    e = sympy.sympify(e)
    return Fraction(int(e.p), int(e.q)) if e.is_Rational else float(e)


@dataclass(frozen=True, eq=False)
class EquilibriumMap:
    """The regions of a 2-player symbolic game (see :func:`equilibrium_map`).

    ``skipped`` lists the support pairs that give no equilibrium anywhere: their
    indifference system is singular for every parameter value (no equilibrium of a
    nondegenerate game), or one of their inequalities fails on the whole domain.
    """

    game: SymbolicGame
    regions: tuple[Region, ...]
    skipped: tuple[tuple[tuple[int, ...], tuple[int, ...]], ...] = ()
    model: Any = field(default=None, repr=False)

    def region(self, *strategies: str, support: tuple | None = None) -> Region:
        """The region of a pure profile given by strategy names, or of ``support``."""
        if support is None:
            if len(strategies) != 2 or not all(
                    s in self.game.strategies[i] for i, s in enumerate(strategies)):
                raise GameError(f"strategies={list(strategies)!r}: expected one strategy name "
                                f"per player, from {[list(s) for s in self.game.strategies]}")
            support = tuple((self.game.strategies[i].index(s),) for i, s in enumerate(strategies))
        for r in self.regions:
            if r.support == tuple(tuple(s) for s in support):
                return r
        raise GameError(f"support={support!r} has no region (skipped or out of range)")

    def describe(self) -> str:
        """One line per region: label, condition (in derived names), probabilities."""
        lines = []
        for r in self.regions:
            probs = "" if r.pure_profile is not None else "; ".join(
                f"{self.game.players[p]}: (" + ", ".join(map(self._show, r.probabilities[p])) + ")"
                for p in (0, 1))
            lines.append(f"{r.label}: {r.describe(self.model)}" + (f" -> {probs}" if probs else ""))
        return "\n".join(lines)

    def _show(self, e: Expr) -> str:
        name, sign = _derived_name(e, self.model)
        if name and sign > 0:
            return name
        name, sign = _derived_name(1 - e, self.model)
        if name and sign > 0:
            return f"1 - {name}"
        # a ratio N / (N - M) of derived quantities (Walt's mixed equilibrium)
        num, den = sympy.fraction(sympy.cancel(e))
        top, sign = _derived_name(num, self.model)
        if top is not None:
            derived = self.model.derived
            for other, expr in derived.items():
                if other != top and not expr.has(sympy.Min, sympy.Max) and \
                        sympy.cancel(sign * den - (derived[top] - expr)) == 0:
                    return f"{top}/({top} - {other})"
        return str(e)

    # -- one point, exactly -----------------------------------------------------------
    def at(self, values: Mapping[str, Any] | None = None, **kw: Any) -> Solution:
        """The equilibria at one parameter point, exactly (a :class:`Solution`).

        At a rational point ``degenerate`` is decided exactly, as
        :func:`qa_games.solvers.solve.solve` decides it, and a degenerate point gets
        ``solve``'s extreme equilibria. At an irrational point ``degenerate`` (and
        ``complete=False``) means some region holds with equality or a singular system
        has solutions there: the equal-support equilibria found may then miss extreme
        equilibria.
        """
        vals = self.game.values(values, **kw)
        subs = {self.game.parameter(k).symbol: _rat(v) for k, v in vals.items()}
        found: dict[tuple, tuple] = {}
        degenerate = False
        for r in self.regions:
            if any(substitute(d, subs) == 0 for d in r.nonzero):
                degenerate |= self._singular_consistent(r, subs)
                continue
            hs = [substitute(g, subs) for g in r.inequalities]
            if all(h >= 0 for h in hs):
                degenerate |= any(h == 0 for h in hs)
                prof = tuple(tuple(_number(substitute(p, subs)) for p in side)
                             for side in r.probabilities)
                found.setdefault(prof, tuple(_number(substitute(u, subs)) for u in r.payoffs))
        order = sorted(found, key=lambda p: tuple(-v for s in p for v in s))
        exact = all(isinstance(v, Fraction) for p in order for s in (*p, found[p]) for v in s)
        eqs = tuple(Equilibrium(tuple(tuple(float(v) for v in s) for s in p),
                                p if exact else None, tuple(float(u) for u in found[p]),
                                found[p] if exact else None) for p in order)
        note = "symbolic equilibrium map (equal-support regions)"
        if not exact:
            note += "; irrational values, reported as floats"
        point = self.game.at(vals)
        if point.exact:  # degeneracy means what solve says (issue 13): decide it exactly
            from .solve import solve

            ref = solve(point)
            if ref.degenerate:
                note += ("; degenerate point: every extreme equilibrium, from the exact "
                         "vertex enumeration")
                return Solution(point, "equilibrium-map", True, True, ref.equilibria, True,
                                note)
            return Solution(point, "equilibrium-map", exact, False, eqs, True, note)
        if degenerate:
            note += "; degenerate point: regions touch, extreme equilibria may be missing"
        return Solution(point, "equilibrium-map", exact, degenerate, eqs,
                        not degenerate, note)

    def _singular_consistent(self, r: Region, subs: Mapping) -> bool:
        rs, cs = r.support
        for M in (self._A.extract(list(rs), list(cs)), self._B.extract(list(rs), list(cs)).T):
            s = M.shape[1]
            K = sympy.zeros(s + 1, s + 2)
            K[:s, :s] = M.applyfunc(lambda e: substitute(e, subs))
            K[:s, s] = -sympy.ones(s, 1)
            K[s, :s] = sympy.ones(1, s)
            K[s, s + 1] = 1
            if K[:, :s + 1].rank() != K.rank():
                return False
        return True

    @cached_property
    def _A(self) -> sympy.Matrix:
        return sympy.Matrix(*self.game.shape, [sympy.sympify(e) for e in self.game.payoffs[0].flat])

    @cached_property
    def _B(self) -> sympy.Matrix:
        return sympy.Matrix(*self.game.shape, [sympy.sympify(e) for e in self.game.payoffs[1].flat])

    # -- many points, vectorised -------------------------------------------------------
    @cached_property
    def _compiled(self) -> tuple[Any, list[tuple[int, int, int]]]:
        """One lambdified function of every region's expressions, and each region's
        (number of inequalities, number of nonzero factors, offset) in its output."""
        exprs: list[Expr] = []
        layout = []
        for r in self.regions:
            layout.append((len(r.inequalities), len(r.nonzero), len(exprs)))
            exprs += list(r.inequalities) + list(r.nonzero)
            exprs += list(r.probabilities[0]) + list(r.probabilities[1]) + list(r.payoffs)
        for rel in self.game.constraints:  # checked at every point: g >= 0 or g == 0
            exprs.append(rel.lhs - rel.rhs if rel.rel_op == "==" else rel.gts - rel.lts)
        symbols = [p.symbol for p in self.game.parameters]
        # lambdify runs generated code: safe here, the expressions come from sympy
        # objects built by the whitelist parser, never from text; dummify: a parameter
        # named like a printed function (minimum, maximum, select) or a cse temporary
        # (x0) must not shadow it in the generated code.
        return lambdify_safe(symbols, exprs, cse=True), layout

    def evaluate(self, values: Mapping[str, Any], *, tol: float = 1e-9,
                 chunk_size: int = 250_000) -> MapEvaluation:
        """Every region at many points: ``values`` maps parameter names to 1-d arrays
        of one common length (defaults for the rest; domains checked).

        Compiled once per map (cached), evaluated ``chunk_size`` points at a time.
        An inequality holds when ``>= -tol``; a region that holds with some inequality
        within ``tol`` of 0, or whose system is singular (a factor of ``nonzero`` within
        ``tol`` of 0) where its numerators hold, flags the point ``degenerate``.
        """
        from ..games.vectorize import broadcast_values

        if not isinstance(tol, (int, float)) or not math.isfinite(tol) or not 0 <= tol < 1e-3:
            raise ParameterError(f"tol={tol!r} must be a number with 0 <= tol < 1e-3")
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise ParameterError(f"chunk_size={chunk_size!r} must be a positive integer")
        cols, N = broadcast_values(SimpleNamespace(game=self.game), values)
        varying = {k for k, v in values.items() if np.size(v) > 1}
        fn, layout = self._compiled
        m, n = self.game.shape
        R = len(self.regions)
        holds = np.zeros((R, N), dtype=bool)
        row = np.empty((R, N, m))
        col = np.empty((R, N, n))
        pay_r = np.empty((R, N))
        pay_c = np.empty((R, N))
        degenerate = np.zeros(N, dtype=bool)
        for start in range(0, N, chunk_size):
            stop = min(N, start + chunk_size)
            size = stop - start
            args = [cols[p.name][start:stop] if p.name in varying else np.float64(cols[p.name][0])
                    for p in self.game.parameters]
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                out = fn(*args)
                out = [np.broadcast_to(np.asarray(e, dtype=float), (size,)) for e in out]
                yes = np.ones(size, dtype=bool)
                self._check_constraints(out[len(out) - len(self.game.constraints):], start)
                for k, (L, Z, off) in enumerate(layout):
                    g, nz = out[off:off + L], out[off + L:off + L + Z]
                    weak = np.logical_and.reduce([e >= -tol for e in g] + [yes])
                    strict = np.logical_and.reduce([e > tol for e in g] + [yes])
                    ok = np.logical_and.reduce([np.abs(e) > tol for e in nz] + [yes])
                    holds[k, start:stop] = weak & ok
                    degenerate[start:stop] |= weak & (~strict | ~ok)
                    p = off + L + Z
                    row[k, start:stop] = np.stack(out[p:p + m], axis=-1)
                    col[k, start:stop] = np.stack(out[p + m:p + m + n], axis=-1)
                    pay_r[k, start:stop] = out[p + m + n]
                    pay_c[k, start:stop] = out[p + m + n + 1]
        return MapEvaluation(self.regions, self.game.strategies, holds, row, col, pay_r, pay_c,
                             degenerate, float(tol), self.game.players, self.model)

    def _check_constraints(self, values: list[np.ndarray], start: int) -> None:
        for rel, g in zip(self.game.constraints, values, strict=True):
            if rel.rel_op == "==":
                bad = ~(np.abs(g) <= 1e-9)
            else:
                bad = ~(g > 0) if rel.rel_op in ("<", ">") else ~(g >= 0)
            if bad.any():
                raise ParameterError(f"constraint {rel} fails at point "
                                     f"{start + int(np.argmax(bad))} of the grid")
