"""Parameters: a named real quantity with a domain, a default and a description.

A domain is an interval written as in mathematics, ``[0, 1]``, ``(0, 4]``,
``[0, 1)``, ``[0, inf)``. Values are read exactly: ints, Fractions, Decimals,
numeric strings (``"0.3"``, ``"1/3"``) and floats (read as the decimal they
print as, so ``0.1`` is exactly 1/10) all become :class:`fractions.Fraction`.
NaN, infinities, booleans and non-numbers are errors.

>>> p = Parameter("c", Interval.parse("[0, 1]"), default=Fraction(1, 2))
>>> p.check("0.25")
Fraction(1, 4)
>>> p.check(1.5)
Traceback (most recent call last):
...
qa_games.errors.ParameterError: c=1.5 is outside its domain [0, 1]
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from numbers import Rational
from typing import TYPE_CHECKING, Any

from ..errors import ParameterError
from .limits import LimitError, check_integer, parse_decimal

if TYPE_CHECKING:  # sympy is imported where symbols are made: reading numbers needs none
    import sympy

__all__ = ["Interval", "Parameter", "to_fraction", "exact_values", "constraint_holds",
           "check_constraints"]


def constraint_holds(rel: Any, subs: Any) -> bool | None:
    """Whether the relation ``rel`` holds at the exact values ``subs`` ({symbol: number}):
    True, False, or None when it is undefined there -- a non-real or infinite side
    (``log(0)``, ``1/0``), which sympy reports by raising (``TypeError`` "Invalid comparison
    of non-real zoo", ``ValueError`` "The argument 'zoo' is not comparable" inside ``min``).

    >>> import sympy
    >>> c = sympy.Symbol("c", real=True)
    >>> constraint_holds(c < 1, {c: 0}), constraint_holds(c < sympy.Min(0, sympy.log(c)), {c: 0})
    (True, None)
    """
    import sympy

    from .exact_eval import substitute

    try:
        out = substitute(rel, subs)
    except (TypeError, ValueError, ZeroDivisionError, ArithmeticError):
        return None
    if out is sympy.true:
        return True
    if out is sympy.false:
        return False
    return None


def check_constraints(constraints: Any, values: Mapping[str, Fraction], *,
                      context: str = "") -> None:
    """Raise :class:`ParameterError` naming the first of ``constraints`` that fails or is
    undefined at ``values`` (every parameter's exact value, by name). Each is decided in
    Fractions where it can be (:mod:`qa_games.games.exact_eval`), else, and for the
    error's wording, by sympy (:func:`constraint_holds`). ``context`` prefixes the message,
    which names the values of the constraint's parameters.

    >>> import sympy
    >>> c, t = sympy.symbols("c t", real=True)
    >>> check_constraints([c <= t], {"c": Fraction(1, 2), "t": Fraction(1)})
    >>> check_constraints([c <= t], {"c": Fraction(2), "t": Fraction(1)})
    Traceback (most recent call last):
    ...
    qa_games.errors.ParameterError: constraint c <= t fails at c=2, t=1
    """
    if not constraints:
        return
    import sympy

    from .exact_eval import exact_function

    subs = None
    for rel in constraints:
        fast = exact_function(rel)
        if fast is not None:
            try:
                if fast(values) is True:
                    continue
            except (ZeroDivisionError, KeyError):  # undefined, or not over values alone
                pass
        if subs is None:
            subs = {sympy.Symbol(k, real=True): sympy.Rational(v.numerator, v.denominator)
                    for k, v in values.items()}
        ok = constraint_holds(rel, subs)  # None: undefined (log(0), min(0, zoo))
        if ok is not True:
            verb = "is undefined" if ok is None else "fails"
            where = ", ".join(f"{x}={values[str(x)]}" for x in
                              sorted(rel.free_symbols, key=str))
            raise ParameterError(f"{context}constraint {rel} {verb}"
                                 + (f" at {where}" if where else ""))


_INTERVAL = re.compile(r"^\s*([\[(])\s*([^,\s]+)\s*,\s*([^,\s]+)\s*([\])])\s*$")
_NUMBER = re.compile(r"^\s*[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$")
_RATIO = re.compile(r"^\s*[+-]?[0-9]+\s*/\s*[0-9]+\s*$")


def to_fraction(value: Any, *, name: str = "value") -> Fraction:
    """Read ``value`` as an exact rational number or raise :class:`ParameterError`.

    >>> to_fraction("2/6"), to_fraction(0.1), to_fraction(3)
    (Fraction(1, 3), Fraction(1, 10), Fraction(3, 1))
    """
    if isinstance(value, bool):
        raise ParameterError(f"{name}={value!r} is not a number")
    try:
        return _to_fraction(value, name)
    except LimitError as exc:
        raise ParameterError(str(exc)) from None


def _to_fraction(value: Any, name: str) -> Fraction:
    if isinstance(value, int):
        return Fraction(check_integer(value, where=f"{name}"))
    if isinstance(value, (Fraction, Rational)):
        f = Fraction(value)
        check_integer(f.numerator, where=name)
        check_integer(f.denominator, where=name)
        return f
    sympy = sys.modules.get("sympy")  # a sympy number exists only once sympy is imported
    if sympy is not None and isinstance(value, sympy.Rational):
        check_integer(int(value.p), where=name)
        check_integer(int(value.q), where=name)
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ParameterError(f"{name}={value!r} is not a finite number")
        return parse_decimal(str(value), name=name)
    if isinstance(value, float) or (hasattr(value, "dtype") and hasattr(value, "item")):
        x = float(value)
        if not math.isfinite(x):
            raise ParameterError(f"{name}={x!r} is not a finite number")
        return Fraction(repr(x))
    if isinstance(value, str):
        text = value.strip()
        if _NUMBER.match(text):
            return parse_decimal(text, name=name)
        if _RATIO.match(text):
            num, den = (parse_decimal(x, name=name).numerator for x in text.split("/"))
            if den == 0:
                raise ParameterError(f"{name}={value!r} divides by zero")
            return Fraction(num, den)
        raise ParameterError(f"{name}={_short(text)!r} is not a number (write e.g. 0.5 or "
                             "1/3)")
    raise ParameterError(f"{name}={_short(repr(value))} is not a number")


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:20] + "..." + text[-8:]


def exact_values(exprs: Any, subs: Any, *, context: str,
                 values: Mapping[str, Fraction] | None = None) -> dict[str, Fraction]:
    """Evaluate named sympy expressions at exact values; each must give a rational.
    ``subs`` maps symbols to sympy numbers; or give ``values`` (by name, Fractions) and
    ``subs=None``: then each expression is evaluated in Fractions where it can be.

    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> exact_values({"c": 1 - x}, {x: sympy.Rational(1, 4)}, context="m")
    {'c': Fraction(3, 4)}
    >>> exact_values({"c": sympy.sqrt(x)}, {x: 2}, context="m: scenario")
    Traceback (most recent call last):
    ...
    qa_games.errors.ParameterError: m: scenario: c = sqrt(x) is sqrt(2) here, not a rational number
    """
    import sympy

    from .exact_eval import exact_function, substitute

    out: dict[str, Fraction] = {}
    for name, expr in exprs.items():
        fast = exact_function(expr) if values is not None else None
        if fast is not None and values is not None:
            try:
                out[name] = Fraction(fast(values))
                continue
            except (ZeroDivisionError, KeyError):  # sympy words the error
                pass
        if subs is None:
            subs = {sympy.Symbol(k, real=True): sympy.Rational(v.numerator, v.denominator)
                    for k, v in (values or {}).items()}
        value = substitute(expr, subs)
        if not value.is_Rational:
            raise ParameterError(f"{context}: {name} = {expr} is {value} here, "
                                 f"not a rational number")
        out[name] = to_fraction(value, name=name)
    return out


def _bound(text: str, *, lower: bool) -> Fraction | None:
    t = text.strip().lower()
    if t in ("inf", "+inf", "infinity", "oo"):
        if lower:
            raise ValueError("the lower bound cannot be +inf")
        return None
    if t in ("-inf", "-infinity", "-oo"):
        if not lower:
            raise ValueError("the upper bound cannot be -inf")
        return None
    return to_fraction(t, name="bound")


def _fmt(x: Fraction | None, *, lower: bool) -> str:
    if x is None:
        return "-inf" if lower else "inf"
    if x.denominator == 1:
        return str(x.numerator)
    d = Decimal(x.numerator) / Decimal(x.denominator)
    return str(d) if Fraction(d) == x else str(x)


@dataclass(frozen=True)
class Interval:
    """A real interval; ``None`` bounds are infinite (and always open)."""

    lower: Fraction | None
    upper: Fraction | None
    lower_closed: bool = True
    upper_closed: bool = True

    @classmethod
    def parse(cls, text: str) -> Interval:
        """Parse ``"[0, 1]"``, ``"(0, 4]"``, ``"[0, inf)"``; raise ``ValueError`` if malformed.

        >>> Interval.parse("(0, 4]").contains(0)
        False
        """
        m = _INTERVAL.match(str(text))
        if not m:
            raise ValueError(f"domain {text!r} is not an interval such as '[0, 1]' or '(0, 4]'")
        lo = _bound(m.group(2), lower=True)
        hi = _bound(m.group(3), lower=False)
        lo_closed = m.group(1) == "[" and lo is not None
        hi_closed = m.group(4) == "]" and hi is not None
        if m.group(1) == "[" and lo is None or m.group(4) == "]" and hi is None:
            raise ValueError(f"domain {text!r}: an infinite bound must be open")
        iv = cls(lo, hi, lo_closed, hi_closed)
        if iv.is_empty():
            raise ValueError(f"domain {text!r} is empty")
        return iv

    def is_empty(self) -> bool:
        if self.lower is None or self.upper is None:
            return False
        if self.lower < self.upper:
            return False
        return not (self.lower == self.upper and self.lower_closed and self.upper_closed)

    def contains(self, x: Fraction | float) -> bool:
        if self.lower is not None:
            if x < self.lower or (x == self.lower and not self.lower_closed):
                return False
        if self.upper is not None:
            if x > self.upper or (x == self.upper and not self.upper_closed):
                return False
        return True

    def sympy_conditions(self, symbol: sympy.Symbol) -> list[sympy.Basic]:
        """The interval as sympy relations on ``symbol``."""
        import sympy

        out: list[sympy.Basic] = []
        if self.lower is not None:
            lo = sympy.Rational(self.lower.numerator, self.lower.denominator)
            out.append(symbol >= lo if self.lower_closed else symbol > lo)
        if self.upper is not None:
            hi = sympy.Rational(self.upper.numerator, self.upper.denominator)
            out.append(symbol <= hi if self.upper_closed else symbol < hi)
        return out

    def __str__(self) -> str:
        left = "[" if self.lower_closed else "("
        right = "]" if self.upper_closed else ")"
        return f"{left}{_fmt(self.lower, lower=True)}, {_fmt(self.upper, lower=False)}{right}"


@dataclass(frozen=True)
class Parameter:
    """A declared model parameter."""

    name: str
    domain: Interval
    default: Fraction
    description: str = ""

    def __post_init__(self) -> None:
        if not self.domain.contains(self.default):
            raise ParameterError(
                f"default {self.name}={_fmt(self.default, lower=True)} is outside its "
                f"domain {self.domain}"
            )

    @property
    def symbol(self) -> sympy.Symbol:
        """The sympy symbol of this parameter (real)."""
        import sympy

        return sympy.Symbol(self.name, real=True)

    def check(self, value: Any) -> Fraction:
        """Return ``value`` as an exact Fraction inside the domain, or raise ParameterError."""
        x = to_fraction(value, name=self.name)
        if not self.domain.contains(x):
            shown = value if isinstance(value, (int, float, str)) else _fmt(x, lower=True)
            raise ParameterError(f"{self.name}={shown} is outside its domain {self.domain}")
        return x
