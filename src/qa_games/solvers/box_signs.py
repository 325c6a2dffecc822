"""Signs of expressions on a parameter box: the private kernel of :mod:`qa_games.solvers.eqmap`.

An equilibrium condition ``num / den >= 0`` may be multiplied through by ``den`` only
where the sign of ``den`` is known. The parameters' domains form a box (plus the
game's constraints, e.g. ``mu_1 <= mu_2``); a factor's sign on it is decided exactly
for multilinear factors (a multilinear function takes its extremes at the box's
vertices), for polynomials in one variable (from their real roots) and for powers
``b**w`` of a nonnegative ``b``; otherwise it is unknown and the inequality stays
rational. Every function takes sympy expressions built by the whitelist parser.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any, TypeAlias

import sympy

from ..games.exact_eval import substitute
from ..games.normal_form import SymbolicGame

__all__: list[str] = []  # private module

Expr: TypeAlias = sympy.Expr


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


def _factors(e: Expr) -> list[tuple[Expr, int]]:
    """``e``'s factors with multiplicities (a constant factor is dropped); falls back
    to the product's arguments when sympy cannot factor (symbolic exponents)."""
    try:
        return list(sympy.factor_list(e)[1])
    except (TypeError, sympy.PolynomialError):
        out = []
        for arg in sympy.Mul.make_args(e):
            if arg.is_number:
                out.append((arg, 1))
            elif arg.is_Pow and arg.exp.is_Integer:
                out.append((arg.base, int(arg.exp)))
            else:
                out.append((arg, 1))
        return out


def _factor_sign(f: Expr, box: Mapping[sympy.Symbol, tuple]) -> tuple[int, bool]:
    """``(sign, can_vanish)`` of ``f`` on the box: sign +1 (>= 0), -1 (<= 0), 0 unknown.

    Exact for multilinear ``f`` (extremes at the box's vertices); an open bound is
    honoured for factors in one variable.
    """
    if f.is_number:
        v = sympy.sign(f)
        return int(v), v == 0
    if f.is_Pow and not f.exp.is_Integer:  # b**w with b >= 0: a threat index
        s, v = _factor_sign(f.base, box)
        return (1, v) if s > 0 else (0, True)
    if f.is_Mul:
        signs = [_factor_sign(a, box) for a in f.args]
        return (math.prod(s for s, _ in signs), any(v for _, v in signs)) \
            if all(s for s, _ in signs) else (0, True)
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
        values.append(substitute(f, dict(zip(syms, corner, strict=True))))
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
    mids = [poly.eval((p + q) / 2) for p, q in zip(points, points[1:], strict=False)]
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
        factors = _factors(den)
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
