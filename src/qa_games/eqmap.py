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

Supported: 2 players, ``min(m, n) <= max_support`` (default 3, at most 4) and at most
:data:`MAX_SUPPORT_PAIRS` support pairs; other games raise
:class:`~qa_games.errors.UnsupportedGameError` (solve them point by point with
:func:`qa_games.solve.solve` or :func:`qa_games.batch.solve_batch`).

>>> from qa_games.model import load_model
>>> m = load_model("cha_quasi_alliance")
>>> emap = equilibrium_map(m)
>>> [r.label for r in emap.regions]
['(cooperate, cooperate)', '(cooperate, distance)', '(distance, cooperate)', '(distance, distance)', 'mixed {cooperate, distance} x {cooperate, distance}']
>>> emap.region("cooperate", "cooperate").describe(m)
'Delta_A >= 0 and Delta_B >= 0'
>>> emap.region("distance", "distance").condition
True
>>> [eq.pure_profile for eq in emap.at(c=0.1).equilibria]
[(0, 0), None, (1, 1)]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from types import SimpleNamespace
from typing import Any

import numpy as np
import sympy

from .errors import GameError, ParameterError, UnsupportedGameError
from .game import SymbolicGame
from .solve import Equilibrium, Solution

__all__ = ["Region", "EquilibriumMap", "MapEvaluation", "equilibrium_map",
           "MAX_SUPPORT_PAIRS", "MAX_SUPPORT_LIMIT"]

#: Largest number of (row support, column support) pairs a map enumerates.
MAX_SUPPORT_PAIRS = 200
#: Largest ``max_support`` accepted (symbolic solves of larger systems are too slow).
MAX_SUPPORT_LIMIT = 4

Expr = sympy.Expr


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
        parts = [g >= 0 for g, triv in zip(self.inequalities, self.trivial) if not triv]
        parts += [_ne(d) for d in self.nonzero]
        return sympy.And(*parts)

    @property
    def strict_condition(self) -> sympy.Basic:
        """The interior: every inequality strict (a nondegenerate equilibrium)."""
        return sympy.And(*([g > 0 for g in self.inequalities] + [_ne(d) for d in self.nonzero]))

    def describe(self, model: Any = None) -> str:
        """The condition as text, in the model's derived names where one matches."""
        parts = []
        for g, triv in zip(self.inequalities, self.trivial):
            if not triv:
                name, sign = _derived_name(g, model)
                parts.append(f"{name} {'>=' if sign > 0 else '<='} 0" if name else f"{g} >= 0")
        parts += [str(_ne(d)) for d in self.nonzero]
        return " and ".join(parts) if parts else "always"


def _ne(d: Expr) -> sympy.Basic:
    """``d != 0``, as ``v != value`` for a factor linear in one variable."""
    syms = sorted(d.free_symbols, key=str)
    if len(syms) == 1 and sympy.degree(d, syms[0]) == 1:
        return sympy.Ne(syms[0], sympy.solve(d, syms[0])[0])
    return sympy.Ne(d, 0)


def _derived_name(g: Expr, model: Any) -> tuple[str | None, int]:
    for name, expr in (getattr(model, "derived", None) or {}).items():
        if expr.has(sympy.Min, sympy.Max):
            continue
        for sign in (1, -1):
            if sympy.cancel(g - sign * expr) == 0:
                return name, sign
    return None, 0


# -- signs of expressions on the parameter box ----------------------------------------

def _box(game: SymbolicGame) -> dict[Any, Any]:
    """Each parameter's bounds, and under the key None the constraints as ``(g, strict)``
    meaning ``g >= 0`` (``> 0`` when strict)."""
    out: dict[Any, Any] = {None: [(r.gts - r.lts, r.rel_op in ("<", ">"))
                                  for r in game.constraints
                                  if isinstance(r, sympy.core.relational.Relational)
                                  and r.rel_op in ("<", "<=", ">", ">=")]}
    for p in game.parameters:
        d = p.domain
        lo = None if d.lower is None else sympy.Rational(d.lower.numerator, d.lower.denominator)
        hi = None if d.upper is None else sympy.Rational(d.upper.numerator, d.upper.denominator)
        out[p.symbol] = (lo, hi, d.lower_closed, d.upper_closed)
    return out


def _factor_sign(f: Expr, box: Mapping[sympy.Symbol, tuple]) -> tuple[int, bool]:
    """``(sign, can_vanish)`` of ``f`` on the box: sign +1 (>= 0), -1 (<= 0), 0 unknown.

    Exact for multilinear ``f`` (extremes at the box's vertices); an open bound is
    honoured for factors in one variable.
    """
    if f.is_number:
        v = sympy.sign(f)
        return int(v), v == 0
    for g, strict in box[None]:  # a constraint such as mu_1 <= mu_2 decides it
        for sign in (1, -1):
            if sympy.cancel(f - sign * g) == 0:
                return sign, not strict
    syms = sorted(f.free_symbols, key=str)
    if any(s not in box or box[s][0] is None or box[s][1] is None for s in syms):
        return 0, True
    try:
        poly = sympy.Poly(f, *syms)
    except sympy.PolynomialError:
        return 0, True
    if len(syms) == 1 and poly.degree() > 1:
        return _univariate_sign(poly, box[syms[0]])
    if any(poly.degree(s) > 1 for s in syms):
        return 0, True
    values = []
    for corner in itertools.product(*((box[s][0], box[s][1]) for s in syms)):
        values.append(f.xreplace(dict(zip(syms, corner))))
    lo, hi = min(values), max(values)
    if lo >= 0:
        sign = 1
    elif hi <= 0:
        sign = -1
    else:
        return 0, True
    can_vanish = (lo == 0) if sign > 0 else (hi == 0)
    if can_vanish and len(syms) == 1:  # zero only at an excluded (open) bound?
        s = syms[0]
        root = sympy.solve(f, s)[0]
        a, b, a_closed, b_closed = box[s]
        can_vanish = (a < root < b) or (root == a and a_closed) or (root == b and b_closed)
    return sign, can_vanish


def _univariate_sign(poly: sympy.Poly, bounds: tuple) -> tuple[int, bool]:
    """Sign of a polynomial in one variable on its interval: from its real roots."""
    a, b, a_closed, b_closed = bounds
    roots = [r for r in poly.real_roots() if a <= r <= b]
    inside = [r for r in roots if a < r < b]
    points = sorted(set([a, b] + inside))
    mids = [poly.eval((p + q) / 2) for p, q in zip(points, points[1:])]
    if all(v > 0 for v in mids):
        sign = 1
    elif all(v < 0 for v in mids):
        sign = -1
    else:
        return 0, True
    vanish = any((a < r < b) or (r == a and a_closed) or (r == b and b_closed) for r in roots)
    return sign, vanish


def _split(g: Expr, box: Mapping) -> tuple[Expr, tuple[Expr, ...], bool]:
    """``g >= 0`` as ``(h, nonzero, trivial)``: ``h >= 0`` and each ``nonzero != 0``.

    ``h`` is the sign-adjusted numerator when the denominator's sign is known on the
    box, else ``g`` itself; ``trivial``: ``h >= 0`` on the whole box.
    """
    num, den = sympy.fraction(sympy.cancel(sympy.together(g)))
    sign, vanish = 1, []
    if not den.is_number:
        _, factors = sympy.factor_list(den)
        for f, k in factors:
            s, v = _factor_sign(f, box)
            if s == 0 and k % 2:
                return sympy.factor(num) / sympy.factor(den), (), False
            sign *= s if k % 2 else 1
            if v:
                vanish.append(f)
    else:
        sign = int(sympy.sign(den))
    h = sympy.factor(sign * num)
    triv = _factor_sign(sympy.expand(h), box)[0] > 0 if not h.is_number else bool(h >= 0)
    return h, tuple(vanish), triv


# -- the map ------------------------------------------------------------------------------

def _solve_side(M: sympy.Matrix) -> tuple[list[Expr], Expr, Expr] | None:
    """Solve ``M[:, J] y = v 1, sum y = 1``: ``(y, v, det)`` or None if singular everywhere."""
    s = M.shape[1]
    K = sympy.zeros(s + 1, s + 1)
    K[:s, :s] = M
    K[:s, s] = -sympy.ones(s, 1)
    K[s, :s] = sympy.ones(1, s)
    det = sympy.factor(K.det(method="berkowitz"))
    if det == 0:
        return None
    rhs = sympy.zeros(s + 1, 1)
    rhs[s] = 1
    sol = K.LUsolve(rhs)
    return [sympy.factor(sympy.cancel(e)) for e in sol[:s]], sympy.factor(sympy.cancel(sol[s])), det


def _support_label(game: SymbolicGame, I: tuple[int, ...], J: tuple[int, ...]) -> str:
    if len(I) == 1 and len(J) == 1:
        return game.profile_label((I[0], J[0]))
    names = [", ".join(game.strategies[p][k] for k in S) for p, S in ((0, I), (1, J))]
    return f"mixed {{{names[0]}}} x {{{names[1]}}}"


def _region(game: SymbolicGame, A: sympy.Matrix, B: sympy.Matrix, I: tuple[int, ...],
            J: tuple[int, ...], box: Mapping) -> Region | None:
    m, n = A.shape
    col_side = _solve_side(A.extract(list(I), list(J)))  # y makes the row player indifferent
    row_side = _solve_side(B.extract(list(I), list(J)).T)  # x makes the column player indifferent
    if col_side is None or row_side is None:
        return None
    ys, v, _ = col_side
    xs, u, _ = row_side
    x = [sympy.S.Zero] * m
    y = [sympy.S.Zero] * n
    for k, i in enumerate(I):
        x[i] = xs[k]
    for k, j in enumerate(J):
        y[j] = ys[k]
    atoms: list[Expr] = []
    if len(I) > 1:
        atoms += xs
    if len(J) > 1:
        atoms += ys
    atoms += [v - sum(A[k, j] * y[j] for j in J) for k in range(m) if k not in I]
    atoms += [u - sum(B[i, l] * x[i] for i in I) for l in range(n) if l not in J]
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
        for f, _ in sympy.factor_list(sympy.fraction(sympy.together(e))[1])[1]:
            if _factor_sign(f, box)[1] and f not in nonzero and -f not in nonzero:
                nonzero.append(f)
    return Region((tuple(I), tuple(J)), (tuple(x), tuple(y)), (v, u), tuple(ineqs),
                  tuple(nonzero), tuple(trivial), _support_label(game, I, J))


def _support_pairs(m: int, n: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(I, J) for s in range(1, min(m, n) + 1)
            for I in itertools.combinations(range(m), s)
            for J in itertools.combinations(range(n), s)]


def equilibrium_map(model_or_symbolic_game: Any, *, max_support: int = 3) -> EquilibriumMap:
    """The :class:`EquilibriumMap` of a 2-player :class:`~qa_games.model.Model` or
    :class:`~qa_games.game.SymbolicGame` (see the module docstring for the method).

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
            f"point by point with qa_games.solve.solve")
    m, n = game.shape
    pairs = _support_pairs(m, n)
    if min(m, n) > max_support or len(pairs) > MAX_SUPPORT_PAIRS:
        raise UnsupportedGameError(
            f"equilibrium_map: a {m}x{n} game needs supports up to size {min(m, n)} and "
            f"{len(pairs)} support pairs; the limits are max_support={max_support} and "
            f"{MAX_SUPPORT_PAIRS} pairs: use qa_games.batch.solve_batch on a grid instead")
    A, B = (sympy.Matrix(m, n, [sympy.sympify(e) for e in arr.flat]) for arr in game.payoffs)
    box = _box(game)
    regions, skipped = [], []
    for I, J in pairs:
        r = _region(game, A, B, I, J, box)
        if r is None:
            skipped.append((I, J))
        else:
            regions.append(r)
    return EquilibriumMap(game, tuple(regions), tuple(skipped), model)

def _rat(x: Fraction) -> sympy.Rational:
    return sympy.Rational(x.numerator, x.denominator)


def _frac(e: Any) -> Fraction:
    e = sympy.nsimplify(e) if not e.is_Rational else e
    return Fraction(int(e.p), int(e.q))


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
            probs = "; ".join(f"{self.game.players[p]}: (" + ", ".join(map(self._show, r.probabilities[p]))
                              + ")" for p in (0, 1)) if r.pure_profile is None else ""
            lines.append(f"{r.label}: {r.describe(self.model)}" + (f" -> {probs}" if probs else ""))
        return "\n".join(lines)

    def _show(self, e: Expr) -> str:
        name, sign = _derived_name(e, self.model)
        return name if name and sign > 0 else str(e)

    # -- one point, exactly -----------------------------------------------------------
    def at(self, values: Mapping[str, Any] | None = None, **kw: Any) -> Solution:
        """The equilibria at one parameter point, exactly (a :class:`Solution`).

        ``degenerate`` (and ``complete=False``) when some region holds with equality
        or a singular system has solutions there: the equal-support equilibria found
        may then miss extreme equilibria that :func:`qa_games.solve.solve` lists.
        """
        vals = self.game.values(values, **kw)
        subs = {self.game.parameter(k).symbol: _rat(v) for k, v in vals.items()}
        found: dict[tuple, tuple] = {}
        degenerate = False
        for r in self.regions:
            if any(d.xreplace(subs) == 0 for d in r.nonzero):
                degenerate |= self._singular_consistent(r, subs)
                continue
            hs = [g.xreplace(subs) for g in r.inequalities]
            if all(h >= 0 for h in hs):
                degenerate |= any(h == 0 for h in hs)
                prof = tuple(tuple(_frac(p.xreplace(subs)) for p in side)
                             for side in r.probabilities)
                found.setdefault(prof, tuple(_frac(u.xreplace(subs)) for u in r.payoffs))
        order = sorted(found, key=lambda p: tuple(-v for s in p for v in s))
        eqs = tuple(Equilibrium(tuple(tuple(float(v) for v in s) for s in p), p,
                                tuple(float(u) for u in found[p]), found[p]) for p in order)
        note = "symbolic equilibrium map (equal-support regions)"
        if degenerate:
            note += "; degenerate point: regions touch, extreme equilibria may be missing"
        return Solution(self.game.at(vals), "equilibrium-map", True, degenerate, eqs,
                        not degenerate, note)

    def _singular_consistent(self, r: Region, subs: Mapping) -> bool:
        I, J = r.support
        for M in (self._A.extract(list(I), list(J)), self._B.extract(list(I), list(J)).T):
            s = M.shape[1]
            K = sympy.zeros(s + 1, s + 2)
            K[:s, :s] = M.xreplace(subs)
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
        symbols = [p.symbol for p in self.game.parameters]
        # lambdify runs generated code: safe here, the expressions come from sympy
        # objects built by the whitelist parser, never from text.
        return sympy.lambdify(symbols, exprs, modules="numpy", cse=True), layout

    def evaluate(self, values: Mapping[str, Any], *, tol: float = 1e-9,
                 chunk_size: int = 250_000) -> MapEvaluation:
        """Every region at many points: ``values`` maps parameter names to 1-d arrays
        of one common length (defaults for the rest; domains checked).

        Compiled once per map (cached), evaluated ``chunk_size`` points at a time.
        An inequality holds when ``>= -tol``; a region that holds with some inequality
        within ``tol`` of 0, or whose system is singular (a factor of ``nonzero`` within
        ``tol`` of 0) where its numerators hold, flags the point ``degenerate``.
        """
        from .vectorize import broadcast_values

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
        pay = np.empty((R, N, 2))
        degenerate = np.zeros(N, dtype=bool)
        for start in range(0, N, chunk_size):
            stop = min(N, start + chunk_size)
            size = stop - start
            args = [cols[p.name][start:stop] if p.name in varying else float(cols[p.name][0])
                    for p in self.game.parameters]
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                out = fn(*args)
                out = [np.broadcast_to(np.asarray(e, dtype=float), (size,)) for e in out]
                yes = np.ones(size, dtype=bool)
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
                    pay[k, start:stop] = np.stack(out[p + m + n:p + m + n + 2], axis=-1)
        return MapEvaluation(self.regions, self.game.strategies, holds, row, col, pay,
                             degenerate, float(tol))


@dataclass(frozen=True, eq=False)
class MapEvaluation:
    """An :class:`EquilibriumMap` evaluated at ``N`` points.

    ``holds[r, g]``: region r gives an equilibrium at point g, with probabilities
    ``row[r, g]``, ``col[r, g]`` and payoffs ``payoffs[r, g]`` (meaningless where it
    does not hold); ``degenerate[g]``: regions touch at g (see :meth:`EquilibriumMap.at`).
    """

    regions: tuple[Region, ...]
    strategies: tuple[tuple[str, ...], ...]
    holds: np.ndarray
    row: np.ndarray
    col: np.ndarray
    payoffs: np.ndarray
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
        for k, l in itertools.combinations(range(len(self.regions)), 2):
            same = (np.abs(self.row[k, at] - self.row[l, at]).max(axis=-1) <= 1e-7) & \
                   (np.abs(self.col[k, at] - self.col[l, at]).max(axis=-1) <= 1e-7)
            out[l, at] &= ~(out[k, at] & same)
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
        d, pay, tol = self.distinct, self.payoffs, self.tol
        count = d.sum(axis=0)
        out = np.where(count == 1, np.argmax(d, axis=0), -1)
        if rule == "all":
            return out
        if rule == "payoff_dominance":
            win = d.copy()
            pr, pc = np.ascontiguousarray(pay[..., 0]), np.ascontiguousarray(pay[..., 1])
            for k, l in itertools.permutations(range(len(self.regions)), 2):
                win[k] &= ~d[l] | ((pr[k] >= pr[l] - tol) & (pc[k] >= pc[l] - tol))
            pick = (win.sum(axis=0) == 1) & (out < 0)
            out = np.where(pick, np.argmax(win, axis=0), out)
        if tuple(len(s) for s in self.strategies) == (2, 2):
            pure = {r.pure_profile: k for k, r in enumerate(self.regions) if r.pure_profile}
            n_pure = sum(d[k] for k in pure.values())  # risk dominance: two pure equilibria
            for (e, f) in (((0, 0), (1, 1)), ((0, 1), (1, 0))):
                k, l = pure[e], pure[f]
                (i, j), (i2, j2) = e, f
                A = {ij: pay[pure[ij], :, 0] for ij in pure}
                B = {ij: pay[pure[ij], :, 1] for ij in pure}
                first = (A[(i, j)] - A[(i2, j)]) * (B[(i, j)] - B[(i, j2)])
                second = (A[(i2, j2)] - A[(i, j2)]) * (B[(i2, j2)] - B[(i2, j)])
                both = (out < 0) & (n_pure == 2) & d[k] & d[l]
                out = np.where(both & (first > second), k, out)
                out = np.where(both & (second > first), l, out)
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
                v = arr[sel, idx, k]
                out[f"selected.{'row' if side == 0 else 'col'}[{s}]"] = np.where(sel >= 0, v, np.nan)
        return out
