"""Exact arithmetic with one real algebraic number: signs, refinement, certificates.

A real algebraic number ``alpha`` is given by an irreducible polynomial ``f`` over the
rationals (its minimal polynomial, up to a constant) and an *isolating interval*
``[a, b]`` with rational end points that contains exactly one root of ``f`` and no root
at either end (Sturm's theorem counts the roots; Collins & Loos, "Real zeros of
polynomials", in *Computer Algebra*, Springer 1983). Every element of ``Q(alpha)`` is a
polynomial ``g(alpha)`` reduced modulo ``f``; since ``f`` is irreducible, ``g(alpha) = 0``
iff ``g`` reduces to 0, and otherwise its sign is decided by shrinking ``[a, b]`` (by
bisection) until ``g`` has no root in it: the sign of ``g`` at an end point is then the
sign of ``g(alpha)``. Everything is exact: no floating point decides a sign.

>>> import sympy
>>> t = sympy.Symbol("t")
>>> f = sympy.Poly(t**2 - 2, t, domain="QQ")
>>> num = RealAlgebraic.from_interval(f, Fraction(1), Fraction(2))   # sqrt(2)
>>> num.sign(sympy.Poly(3 * t - 4, t, domain="QQ")), num.sign(sympy.Poly(t**2 - 2, t, domain="QQ"))
(1, 0)
>>> round(num.value(sympy.Poly(t, t, domain="QQ")), 12)
1.414213562373
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
import sympy
from mpmath import iv

from qa_games.errors import SolverError

__all__ = ["RealAlgebraic", "to_rational", "to_fraction"]


def to_rational(x: Fraction) -> sympy.Rational:
    return sympy.Rational(x.numerator, x.denominator)


def to_fraction(x: sympy.Rational) -> Fraction:
    x = sympy.Rational(x)
    return Fraction(int(x.p), int(x.q))


def _eval(g: sympy.Poly, x: Fraction) -> Fraction:
    """Exact value of a univariate rational polynomial at a Fraction (Horner)."""
    acc = Fraction(0)
    for c in g.all_coeffs():
        acc = acc * x + to_fraction(c)
    return acc


@dataclass(eq=False)
class RealAlgebraic:
    """The unique root of the irreducible ``poly`` in ``[lo, hi]`` (mutable: refinement
    narrows the interval in place, the number stays the same)."""

    poly: sympy.Poly
    lo: Fraction
    hi: Fraction

    @classmethod
    def from_interval(cls, poly: sympy.Poly, lo: Fraction, hi: Fraction) -> RealAlgebraic:
        """Check the certificate (irreducible, one root, none at an end) and build it."""
        if poly.degree() < 1 or not poly.is_irreducible:
            raise SolverError(f"{poly.as_expr()} is not an irreducible polynomial of degree >= 1")
        if lo > hi or poly.count_roots(to_rational(lo), to_rational(hi)) != 1:
            raise SolverError(f"[{lo}, {hi}] does not isolate one root of {poly.as_expr()}")
        return cls(poly, lo, hi)

    @property
    def index(self) -> int:
        """The root's index among the real roots of ``poly`` in increasing order
        (sympy's ``CRootOf(poly, index)``)."""
        return int(self.poly.count_roots(None, to_rational(self.lo)))

    def root_of(self) -> sympy.Expr:
        return sympy.CRootOf(self.poly.as_expr(), self.index)

    def bisect(self) -> None:
        """Halve the isolating interval (a degree >= 2 irreducible has no rational root)."""
        mid = (self.lo + self.hi) / 2
        f_lo, f_mid = _eval(self.poly, self.lo), _eval(self.poly, mid)
        if f_mid == 0:  # only for degree 1
            self.lo = self.hi = mid
        elif (f_lo < 0) == (f_mid < 0):
            self.lo = mid
        else:
            self.hi = mid

    def reduce(self, g: sympy.Poly) -> sympy.Poly:
        return g.rem(self.poly)

    def enclosure(self, g: sympy.Poly, prec: int) -> Any:
        """A rigorous interval containing ``g(alpha)``: ``g`` evaluated by Horner in
        outward-rounded interval arithmetic (mpmath.iv) over the isolating interval."""
        old = iv.prec
        iv.prec = prec
        try:
            lo = iv.mpf(self.lo.numerator) / self.lo.denominator
            hi = iv.mpf(self.hi.numerator) / self.hi.denominator
            x = iv.mpf([lo.a, hi.b])
            acc = iv.mpf(0)
            for c in g.all_coeffs():
                c = sympy.Rational(c)
                acc = acc * x + iv.mpf(int(c.p)) / int(c.q)
            return acc
        finally:
            iv.prec = old

    def sign(self, g: sympy.Poly) -> int:
        """The exact sign (-1, 0, 1) of ``g(alpha)``: 0 iff ``g`` reduces to 0 modulo the
        minimal polynomial; otherwise the first interval enclosure (of a shrinking
        isolating interval) that excludes 0, or Sturm counts as a last resort."""
        g = self.reduce(g)
        if g.is_zero:
            return 0
        if self.poly.degree() == 1:
            v = _eval(g, self.lo)
            return (v > 0) - (v < 0)
        for bits in (53, 106, 212, 424):
            self.refine(Fraction(1, 2 ** (bits // 2)) * max(1, abs(self.lo)))
            box = self.enclosure(g, bits + 20)
            if box.a > 0:
                return 1
            if box.b < 0:
                return -1
        for _ in range(10_000):
            v_lo, v_hi = _eval(g, self.lo), _eval(g, self.hi)
            if v_lo != 0 and v_hi != 0 and (v_lo > 0) == (v_hi > 0) and \
                    g.count_roots(to_rational(self.lo), to_rational(self.hi)) == 0:
                return 1 if v_lo > 0 else -1
            self.bisect()
        raise SolverError(f"sign of {g.as_expr()} at a root of {self.poly.as_expr()} "
                          "not decided after 10000 bisections")

    def refine(self, width: Fraction) -> None:
        while self.hi - self.lo > width:
            self.bisect()

    def value(self, g: sympy.Poly, digits: int = 30) -> float:
        """``g(alpha)`` as a float, from an interval narrower than 10**-digits."""
        self.refine(Fraction(1, 10 ** digits))
        with mpmath.workdps(digits + 10):
            x = mpmath.mpf(self.lo.numerator) / self.lo.denominator
            acc = mpmath.mpf(0)
            for c in g.all_coeffs():
                c = sympy.Rational(c)
                acc = acc * x + mpmath.mpf(int(c.p)) / int(c.q)
            return float(acc)
