"""Fast exact evaluation of sympy expressions and conditions at Fraction values.

A sympy expression built from rationals, + - * /, integer powers, min, max, abs and
comparisons (combined with and, or, not) is compiled once into nested Python closures
over :class:`fractions.Fraction`: the same exact value as ``expr.xreplace(values)``
without building sympy objects at every point (about 40 times faster on the bundled
payoffs). Anything else (a fractional power, a logarithm) compiles to None and the
caller uses sympy. Division by zero raises ZeroDivisionError; callers then ask sympy,
whose answer (``zoo``, a message naming the point) stays the reference.

:func:`substitute` is sympy's ``xreplace`` made safe for fractional powers: sympy
extracts exact roots of a rational ``(a/b)**(p/q)`` through integers as large as
``b**q``, which for ``0.124 ** 0.277**7`` (``q = 10**21``) never ends; :func:`power`
keeps such a power exact only while the root is cheap and otherwise gives 60 digits.

>>> import sympy
>>> x = sympy.Symbol("x", real=True)
>>> exact_function(sympy.Min(x / 3, 1) <= x)({"x": Fraction(1, 2)})
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy

__all__ = ["exact_function", "power", "substitute", "digits", "shown", "MAX_ROOT",
           "MAX_ROOT_DIGITS"]

#: The largest root index (denominator of a rational exponent) kept exact.
MAX_ROOT = 64
#: The largest size of an exact root: digits of the base times the root index.
MAX_ROOT_DIGITS = 4000
#: Significant digits of a power that is not kept exact.
POWER_DIGITS = 60


_OPS: dict[type, Callable[..., Any]] = {
    sympy.StrictLessThan: lambda a, b: a < b, sympy.LessThan: lambda a, b: a <= b,
    sympy.StrictGreaterThan: lambda a, b: a > b, sympy.GreaterThan: lambda a, b: a >= b,
    sympy.Equality: lambda a, b: a == b, sympy.Unequality: lambda a, b: a != b,
}


def _compile(expr: Any) -> Callable[[Mapping[str, Fraction]], Any]:
    if expr is sympy.true or expr is sympy.false:
        const = bool(expr)
        return lambda v: const
    if isinstance(expr, sympy.Symbol):
        name = expr.name
        return lambda v: v[name]
    if isinstance(expr, sympy.Rational):
        frac = Fraction(int(expr.p), int(expr.q))
        return lambda v: frac
    args = [_compile(a) for a in expr.args]
    if isinstance(expr, (sympy.Add, sympy.Mul)) and len(args) == 2:
        first, second = args
        if isinstance(expr, sympy.Add):
            return lambda v: first(v) + second(v)
        return lambda v: first(v) * second(v)
    if isinstance(expr, sympy.Add):
        return lambda v: sum((f(v) for f in args), Fraction(0))
    if isinstance(expr, sympy.Mul):
        def mul(v: Mapping[str, Fraction]) -> Any:
            out = Fraction(1)
            for f in args:
                out = out * f(v)
            return out
        return mul
    if isinstance(expr, sympy.Pow) and expr.exp.is_Integer:
        base, n = args[0], int(expr.exp)
        return lambda v: Fraction(base(v)) ** n
    if isinstance(expr, sympy.Min):
        return lambda v: min(f(v) for f in args)
    if isinstance(expr, sympy.Max):
        return lambda v: max(f(v) for f in args)
    if isinstance(expr, sympy.Abs):
        return lambda v: abs(args[0](v))
    for cls, op in _OPS.items():
        if isinstance(expr, cls):
            left, right = args
            return lambda v: op(left(v), right(v))
    if isinstance(expr, sympy.And):
        return lambda v: all(f(v) for f in args)
    if isinstance(expr, sympy.Or):
        return lambda v: any(f(v) for f in args)
    if isinstance(expr, sympy.Not):
        return lambda v: not args[0](v)
    raise TypeError(type(expr).__name__)


@lru_cache(maxsize=4096)
def exact_function(expr: Any) -> Callable[[Mapping[str, Fraction]], Any] | None:
    """A fast exact evaluator of a sympy expression or condition built from rationals,
    + - * /, integer powers, min, max, abs and comparisons (Fractions in, Fraction or
    bool out; ZeroDivisionError where undefined), or None for anything else.

    >>> x, y = sympy.symbols("x y", real=True)
    >>> exact_function(x * y - 1)({"x": Fraction(1, 2), "y": Fraction(4)})
    Fraction(1, 1)
    """
    try:
        return _compile(expr)
    except TypeError:
        return None


def digits(number: Any) -> float:
    """About how many decimal digits the larger of a sympy rational's numerator and
    denominator has.

    >>> round(digits(sympy.Rational(31, 250)))
    2
    """
    return max(abs(int(number.p)), int(number.q)).bit_length() * 0.302


def shown(value: Any, width: int = 60) -> str:
    """A sympy value for a message: 8 significant digits where it holds floats (a
    60-digit :func:`power` would otherwise fill the line, or be cut to its real part).

    >>> shown(sympy.Float(-2, 60) ** sympy.Rational(277, 1000))
    '0.78111385 + 0.92628925*I'
    """
    if isinstance(value, sympy.Basic) and value.has(sympy.Float):
        value = value.evalf(8)
    return str(value)[:width]


def power(base: Any, exponent: Any) -> Any:
    """``base ** exponent`` in sympy, exactly unless the exact root is costly: a rational
    to a non-integer rational power whose root index ``q`` exceeds :data:`MAX_ROOT`, or
    whose base times ``q`` exceeds :data:`MAX_ROOT_DIGITS` digits, is a 60-digit Float
    (sympy's exact root extraction builds integers as large as the base to the ``q``).

    >>> power(sympy.Integer(8), sympy.Rational(1, 3))
    2
    >>> float(power(sympy.Integer(2), sympy.Rational(277, 1000)))
    1.211672660430243
    """
    if (isinstance(base, sympy.Rational) and isinstance(exponent, sympy.Rational)
            and not isinstance(exponent, sympy.Integer) and base != 0):
        if exponent.q > MAX_ROOT or digits(base) * exponent.q > MAX_ROOT_DIGITS:
            return sympy.Float(base, POWER_DIGITS) ** exponent
    return base**exponent


@lru_cache(maxsize=4096)
def _has_fractional_power(expr: Any) -> bool:
    return any(not p.exp.is_Integer for p in expr.atoms(sympy.Pow))


def substitute(expr: Any, subs: Mapping[Any, Any]) -> Any:
    """``expr.xreplace(subs)`` with every power rebuilt by :func:`power`, so that
    substituting values never starts an unbounded exact root extraction.

    >>> c = sympy.Symbol("c", real=True)
    >>> float(substitute(250 ** c, {c: sympy.Rational(123456789, 10**9)}))
    1.9771607194716772
    >>> substitute(c ** 2 + 1, {c: sympy.Rational(1, 2)})
    5/4
    """
    expr = sympy.sympify(expr)
    if not isinstance(expr, sympy.Basic) or not _has_fractional_power(expr):
        return expr.xreplace(subs)
    return _rebuild(expr, subs)


def _rebuild(expr: Any, subs: Mapping[Any, Any]) -> Any:
    if expr in subs:
        return subs[expr]
    if not expr.args:
        return expr
    args = [_rebuild(a, subs) for a in expr.args]
    if all(new is old for new, old in zip(args, expr.args, strict=True)):
        return expr  # nothing substituted below: not rebuilt
    if isinstance(expr, sympy.Pow):
        return power(*args)
    return expr.func(*args)
