"""Exact arithmetic with one real algebraic number: signs, refinement, certificates.

A real algebraic number ``alpha`` is given by an irreducible polynomial ``f`` over the
rationals (its minimal polynomial, up to a constant) and an *isolating interval*
``[a, b]`` with rational end points that contains exactly one root of ``f`` (Sturm's
theorem counts the roots; Collins & Loos, "Real zeros of polynomials", in *Computer
Algebra*, Springer 1983). Every element of ``Q(alpha)`` is a polynomial ``g(alpha)``
reduced modulo ``f``; since ``f`` is irreducible, ``g(alpha) = 0`` iff ``g`` reduces to 0.
Otherwise its sign is that of a rigorous ball enclosure of ``g`` over the isolating
interval (Arb ball arithmetic, Johansson 2017) once the enclosure excludes 0, the interval
being shrunk by exact bisection; Sturm counts decide if the enclosures never do. No float
rounding ever decides a sign. Polynomials are python-flint ``fmpq_poly`` (coefficients
lowest degree first).

>>> import flint
>>> num = RealAlgebraic.from_interval(flint.fmpq_poly([-2, 0, 1]), Fraction(1), Fraction(2))
>>> num.sign(flint.fmpq_poly([-4, 3])), num.sign(flint.fmpq_poly([-2, 0, 1]))   # 3r2 - 4, 0
(1, 0)
>>> round(num.value(flint.fmpq_poly([0, 1])), 12)
1.414213562373
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import sympy

from qa_games.errors import SolverError

__all__ = ["RealAlgebraic", "to_rational", "to_fraction", "fpoly", "coeffs_high_first"]

_T = sympy.Symbol("t")


def to_rational(x: Fraction) -> sympy.Rational:
    return sympy.Rational(x.numerator, x.denominator)


def to_fraction(x: Any) -> Fraction:
    """A Fraction from a sympy Rational, a python-flint fmpq/fmpz or an int."""
    if isinstance(x, (flint.fmpq, flint.fmpz)):
        q = flint.fmpq(x)
        return Fraction(int(q.p), int(q.q))
    x = sympy.Rational(x)
    return Fraction(int(x.p), int(x.q))


def _fmpq(x: Fraction) -> flint.fmpq:
    return flint.fmpq(x.numerator, x.denominator)


def fpoly(coeffs_high_first: Sequence[Fraction | int]) -> flint.fmpq_poly:
    """An fmpq_poly from coefficients, highest degree first (sympy's convention)."""
    return flint.fmpq_poly([_fmpq(Fraction(c)) for c in reversed(list(coeffs_high_first))])


def coeffs_high_first(g: flint.fmpq_poly) -> tuple[Fraction, ...]:
    return tuple(to_fraction(c) for c in reversed(g.coeffs()))


def _sympy(g: flint.fmpq_poly) -> sympy.Poly:
    return sympy.Poly([to_rational(c) for c in coeffs_high_first(g)] or [0], _T, domain="QQ")


@dataclass(eq=False)
class RealAlgebraic:
    """The unique root of the irreducible ``poly`` in ``[lo, hi]`` (mutable: refinement
    narrows the interval in place, the number stays the same)."""

    poly: flint.fmpq_poly
    lo: Fraction
    hi: Fraction

    @classmethod
    def from_interval(cls, poly: flint.fmpq_poly, lo: Fraction, hi: Fraction) -> RealAlgebraic:
        """Check the certificate (irreducible, exactly one root in [lo, hi]) and build it."""
        sp = _sympy(poly)
        if poly.degree() < 1 or not sp.is_irreducible:
            raise SolverError(f"{sp.as_expr()} is not an irreducible polynomial of degree >= 1")
        if lo > hi or sp.count_roots(to_rational(lo), to_rational(hi)) != 1:
            raise SolverError(f"[{lo}, {hi}] does not isolate one root of {sp.as_expr()}")
        return cls(poly, lo, hi)

    @property
    def index(self) -> int:
        """The root's index among the real roots of ``poly`` in increasing order
        (sympy's ``CRootOf(poly, index)``)."""
        return int(_sympy(self.poly).count_roots(None, to_rational(self.lo)))

    def root_of(self) -> sympy.Expr:
        return sympy.CRootOf(_sympy(self.poly).as_expr(), self.index)

    def _at(self, x: Fraction) -> Fraction:
        return to_fraction(self.poly(_fmpq(x)))

    def bisect(self) -> None:
        """Halve the isolating interval (a degree >= 2 irreducible has no rational root)."""
        mid = (self.lo + self.hi) / 2
        f_lo, f_mid = self._at(self.lo), self._at(mid)
        if f_mid == 0:  # only for degree 1
            self.lo = self.hi = mid
        elif (f_lo < 0) == (f_mid < 0):
            self.lo = mid
        else:
            self.hi = mid

    def reduce(self, g: flint.fmpq_poly) -> flint.fmpq_poly:
        return g % self.poly

    def enclosure(self, g: flint.fmpq_poly, prec: int) -> flint.arb:
        """A rigorous ball containing ``g(alpha)``: Horner's rule in Arb ball arithmetic
        over the ball hull of the isolating interval."""
        old = flint.ctx.prec
        flint.ctx.prec = prec
        try:
            x = flint.arb(_fmpq(self.lo)).union(flint.arb(_fmpq(self.hi)))
            acc = flint.arb(0)
            for c in reversed(g.coeffs()):
                acc = acc * x + flint.arb(c)
            return acc
        finally:
            flint.ctx.prec = old

    def sign(self, g: flint.fmpq_poly) -> int:
        """The exact sign (-1, 0, 1) of ``g(alpha)``: 0 iff ``g`` reduces to 0 modulo the
        minimal polynomial; otherwise the first ball enclosure (of a shrinking isolating
        interval) that excludes 0, or Sturm counts as a last resort."""
        g = self.reduce(g)
        if g.is_zero():
            return 0
        if self.poly.degree() == 1:
            v = to_fraction(g(_fmpq(self.lo)))
            return (v > 0) - (v < 0)
        for bits in (40, 80, 160, 320, 640):
            self.refine(Fraction(1, 2 ** bits) * max(Fraction(1), abs(self.lo)))
            box = self.enclosure(g, 2 * bits + 64)
            if box > 0:
                return 1
            if box < 0:
                return -1
        sg = _sympy(g)
        for _ in range(10_000):
            v_lo, v_hi = to_fraction(g(_fmpq(self.lo))), to_fraction(g(_fmpq(self.hi)))
            if v_lo != 0 and v_hi != 0 and (v_lo > 0) == (v_hi > 0) and \
                    sg.count_roots(to_rational(self.lo), to_rational(self.hi)) == 0:
                return 1 if v_lo > 0 else -1
            self.bisect()
        raise SolverError(f"sign of {sg.as_expr()} at a root of {_sympy(self.poly).as_expr()} "
                          "not decided after 10000 bisections")

    def refine(self, width: Fraction) -> None:
        while self.hi - self.lo > width:
            self.bisect()

    def value(self, g: flint.fmpq_poly) -> float:
        """``g(alpha)`` as a float (a ball narrower than the float's precision)."""
        width = Fraction(1, 2 ** 60) * max(Fraction(1), abs(self.lo))
        for _ in range(20):
            self.refine(width)
            box = self.enclosure(g, 256)
            if float(box.rad()) <= 1e-18 * max(1.0, abs(float(box.mid()))):
                break
            width /= 2 ** 20
        return float(box.mid())
