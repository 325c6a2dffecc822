"""A whitelist parser for the expressions in model files.

Model files are untrusted text. Their expressions are parsed with :mod:`ast`
(which only parses, never runs) and rebuilt node by node into sympy objects from
an explicit whitelist, as pint's ``pint_eval`` does for units: numbers, declared
names, ``+ - * / **``, parentheses, and the functions in :data:`FUNCTIONS`;
conditions add comparisons and ``and`` / ``or`` / ``not``. Anything else -- an
attribute, a subscript, a string, a lambda, ``__import__`` -- is a
:class:`~qa_games.errors.ModelError` that says where and what. SymPy's own
``sympify`` uses ``eval`` and is never called on the text.

Decimal literals are read exactly from their text (``0.2`` is 1/5), within the limits of
:mod:`qa_games.games.limits` (digits, exponent, constant powers, total degree, size after
derived quantities are substituted). The text must be ASCII: a full-width ``\uff43`` or a
mathematical ``\U0001d450`` is an error (Python's parser would silently read both as
``c``), and so is ``#`` (the grammar has no comments). An expression that is undefined
whatever the parameters (``1/(log(4) - 2*log(2))``, ``log(0)``) or not real
(``sqrt(-1)``) is an error naming the key.

>>> c, t = sympy.symbols("c t", real=True)
>>> parse_expression("(1 - c) * t * 0.8", {"c": c, "t": t})
4*t*(1 - c)/5
>>> parse_expression("__import__('os')", {"c": c}, where="m.toml: payoffs")
Traceback (most recent call last):
...
qa_games.errors.ModelError: m.toml: payoffs: function '__import__' is not allowed (allowed: Max, Min, abs, exp, log, max, min, sqrt)
"""  # noqa: E501 (the doctest shows the full error message)

from __future__ import annotations

import ast
import math
import re
import unicodedata
from collections.abc import Callable, Mapping

import sympy

from ..errors import ModelError
from . import limits
from .exact_eval import digits, power, shown

__all__ = ["FUNCTIONS", "parse_expression", "parse_condition", "check_name"]

MAX_LENGTH = 4000
MAX_NODES = 2000  # nodes of the text's syntax tree (after substitution: limits.MAX_NODES)
MAX_CONSTANT_EXPONENT = limits.MAX_POWER
_DIGIT_RUN = re.compile("[0-9]{" + str(limits.MAX_DIGITS + 1) + ",}")
_FLOAT_MAX = 2**1024
#: Characters the grammar never uses (beyond non-ASCII and control characters).
_NOT_GRAMMAR = set("#\\`$?;")

FUNCTIONS: dict[str, Callable[..., sympy.Basic]] = {
    "min": sympy.Min,
    "max": sympy.Max,
    "Min": sympy.Min,
    "Max": sympy.Max,
    "abs": sympy.Abs,
    "sqrt": sympy.sqrt,
    "exp": sympy.exp,
    "log": sympy.log,
}
_ARITY = {"min": None, "max": None, "Min": None, "Max": None,
          "abs": 1, "sqrt": 1, "exp": 1, "log": 1}

_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: power,  # exact roots only while cheap (exact_eval.power)
}
_COMPARE = {
    ast.Lt: sympy.Lt,
    ast.LtE: sympy.Le,
    ast.Gt: sympy.Gt,
    ast.GtE: sympy.Ge,
    ast.Eq: sympy.Eq,
    ast.NotEq: sympy.Ne,
}
_RESERVED = set(FUNCTIONS) | {"and", "or", "not", "inf", "oo", "nan", "True", "False", "None"}


def check_name(name: str, *, where: str = "") -> str:
    """A declared name must be a plain identifier, not a keyword, function or dunder."""
    import keyword

    prefix = f"{where}: " if where else ""
    if isinstance(name, str) and not name.isascii():
        bad = next(c for c in name if not c.isascii())
        raise ModelError(f"{prefix}{name!r} is not a valid name: names are ASCII letters, "
                         f"digits and _ ({_describe(bad)})")
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ModelError(f"{prefix}{name!r} is not a valid name (letters, digits, _)")
    if name.startswith("_") or name in _RESERVED:
        raise ModelError(f"{prefix}{name!r} is reserved and cannot be declared")
    return name


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def _scan(text: str, prefix: str) -> None:
    """Refuse what ast.parse would silently accept or normalise: non-ASCII letters
    (NFKC-normalised to ASCII ones), comments, control characters, long digit runs."""
    for k, ch in enumerate(text):
        if not ch.isascii():
            what = "letters and digits" if ch.isalnum() else "characters"
            raise ModelError(f"{prefix}expressions are ASCII: {what} such as {ch!r} "
                             f"({_describe(ch)}, position {k}) are not allowed")
        if ch == "#":
            raise ModelError(f"{prefix}'#' at position {k} is not allowed (the expression "
                             f"grammar has no comments): {text[:60]!r}")
        if ch in _NOT_GRAMMAR or (ord(ch) < 32 and ch not in "\t\n\r") or ord(ch) == 127:
            raise ModelError(f"{prefix}character {ch!r} at position {k} is not part of the "
                             "expression grammar")
    if _DIGIT_RUN.search(text):
        raise ModelError(f"{prefix}a number has more than {limits.MAX_DIGITS} digits")


def _parse(text: object, where: str) -> tuple[ast.expr, str]:
    prefix = f"{where}: " if where else ""
    if not isinstance(text, (str, int, float)) or isinstance(text, bool):
        raise ModelError(f"{prefix}expected an expression string or a number, got {text!r}")
    if isinstance(text, (int, float)):
        text = repr(text)
    if len(text) > MAX_LENGTH:
        raise ModelError(f"{prefix}expression is longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise ModelError(f"{prefix}expression is empty")
    _scan(text, prefix)
    text = text.strip()
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        hint = " (use ** for powers)" if "^" in text else ""
        raise ModelError(f"{prefix}cannot parse {text!r}: {exc.msg}{hint}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ModelError(f"{prefix}expression {text[:60]!r}... is too deeply nested") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ModelError(f"{prefix}expression has more than {MAX_NODES} parts")
    if "^" in text:
        raise ModelError(f"{prefix}'^' is not allowed in {text!r}: use ** for powers")
    return tree.body, text


class _Builder:
    def __init__(self, names: Mapping[str, sympy.Basic], where: str, *, condition: bool,
                 text: str = ""):
        self.names = names
        self.prefix = f"{where}: " if where else ""
        self.condition = condition
        self.text = text

    def fail(self, msg: str) -> ModelError:
        return ModelError(self.prefix + msg)

    def expr(self, node: ast.AST) -> sympy.Basic:
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise self.fail(f"constant {v!r} is not allowed (only numbers)")
            literal = ast.get_source_segment(self.text, node) if self.text else None
            if literal is None:
                literal = repr(v)
            if not limits.DECIMAL.match(literal):
                raise self.fail(f"number {literal!r} is not a decimal number (write e.g. "
                                "3, 0.25 or 1e-3)")
            try:
                f = limits.parse_decimal(literal)
            except limits.LimitError as exc:
                raise self.fail(str(exc)) from None
            if abs(f) >= _FLOAT_MAX:
                raise self.fail(f"number {literal[:40]!r} is beyond the range of floats "
                                "(about 1.8e308)")
            return sympy.Rational(f.numerator, f.denominator)
        if isinstance(node, ast.Name):
            if node.id in self.names:
                return self.names[node.id]
            known = ", ".join(sorted(self.names)) or "none"
            raise self.fail(f"unknown name {node.id!r} (known: {known})")
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self.expr(node.operand)
            if isinstance(node.op, ast.UAdd):
                return self.expr(node.operand)
            raise self.fail(f"operator {type(node.op).__name__} is not allowed in an expression")
        if isinstance(node, ast.BinOp):
            op = _BINARY.get(type(node.op))
            if op is None:
                raise self.fail(
                    f"operator {type(node.op).__name__} is not allowed (allowed: + - * / **)")
            left, right = self.expr(node.left), self.expr(node.right)
            if isinstance(node.op, ast.Pow):
                self.check_power(left, right, ast.unparse(node.right)[:40])
            if isinstance(node.op, ast.Div) and right.is_number and _is_zero(right):
                raise self.fail(f"undefined for every parameter value: division by zero "
                                f"({ast.unparse(node.right)[:60]} is 0)")
            return self.real(op(left, right), node)
        if isinstance(node, ast.Call):
            fname = node.func.id if isinstance(node.func, ast.Name) else None
            if fname is None or fname not in FUNCTIONS:
                shown = fname or ast.unparse(node.func)
                allowed = ", ".join(sorted(FUNCTIONS))
                raise self.fail(f"function {shown!r} is not allowed (allowed: {allowed})")
            if node.keywords:
                raise self.fail(f"{fname}() takes no keyword arguments")
            args = [self.expr(a) for a in node.args]
            arity = _ARITY[fname]
            if (arity is not None and len(args) != arity) or (arity is None and len(args) < 1):
                raise self.fail(f"{fname}() got {len(args)} arguments")
            try:
                out = FUNCTIONS[fname](*args)
            except (ValueError, TypeError) as exc:  # sympy: "argument ... not comparable"
                raise self.fail(f"{ast.unparse(node)[:60]}: {exc}") from None
            return self.real(out, node)
        if self.condition:
            return self.cond(node)
        raise self.fail(f"{type(node).__name__} is not allowed in an expression "
                        f"({ast.unparse(node)[:60]!r})")

    def real(self, value: sympy.Basic, node: ast.AST) -> sympy.Basic:
        """A constant subexpression must be real (``log(-19)``, ``sqrt(-2)`` are not)."""
        if value.is_number and value.is_real is False:
            raise self.fail(f"{ast.unparse(node)[:60]} is {shown(value)}, not a real number")
        return value

    def check_power(self, base: sympy.Basic, exponent: sympy.Basic, shown: str) -> None:
        """Constant exponents at most MAX_POWER; constants inside a symbolic exponent too;
        a constant power of a constant at most MAX_DIGITS digits."""
        if exponent.is_number:
            if exponent.is_real is False:
                raise self.fail(f"exponent {exponent} is not a real number")
            if abs(float(exponent)) > MAX_CONSTANT_EXPONENT:
                raise self.fail(f"constant exponent {shown} is too large (at most "
                                f"{MAX_CONSTANT_EXPONENT} in absolute value)")
            if base.is_Rational and exponent.is_Rational and base != 0:
                if digits(base) * abs(float(exponent)) > limits.MAX_DIGITS:
                    raise self.fail(f"constant exponent {exponent} of {str(base)[:30]} gives a "
                                    f"number of more than {limits.MAX_DIGITS} digits")
            return
        for atom in exponent.atoms(sympy.Number):
            if abs(float(atom)) > MAX_CONSTANT_EXPONENT:
                raise self.fail(f"the exponent {shown} holds the constant "
                                f"{str(atom)[:30]}, beyond {MAX_CONSTANT_EXPONENT}")

    def cond(self, node: ast.AST) -> sympy.Basic:
        if isinstance(node, ast.Compare):
            parts = []
            left = self.expr(node.left)
            for op, comp in zip(node.ops, node.comparators, strict=True):
                rel = _COMPARE.get(type(op))
                if rel is None:
                    raise self.fail(f"comparison {type(op).__name__} is not allowed")
                right = self.expr(comp)
                parts.append(rel(left, right))
                left = right
            return sympy.And(*parts)
        if isinstance(node, ast.BoolOp):
            items = [self.cond(v) for v in node.values]
            return sympy.And(*items) if isinstance(node.op, ast.And) else sympy.Or(*items)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return sympy.Not(self.cond(node.operand))
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return sympy.true if node.value else sympy.false
        raise self.fail(f"expected a condition such as 'c <= 0.5 and t > 0', got "
                        f"{ast.unparse(node)[:60]!r}")


def _is_zero(number: sympy.Basic) -> bool:
    """Whether a constant is zero, also when sympy keeps it unsimplified
    (``log(4) - 2*log(2)``): evaluated to 30 digits, a total cancellation is zero."""
    if number.is_Rational:
        return bool(number == 0)
    if number.is_zero:
        return True
    try:
        value = number.evalf(30, maxn=200)
    except (ValueError, TypeError, OverflowError, ArithmeticError):
        return False
    return bool(value == 0) or (value.is_Float and value._prec < 10)


def _check_result(expr: sympy.Basic, prefix: str, text: str) -> sympy.Basic:
    """The built expression within the size and degree limits, and defined."""
    shown = text[:60]
    if limits.tree_size(expr) > limits.MAX_NODES:
        raise ModelError(f"{prefix}{shown!r} has more than {limits.MAX_NODES} parts after "
                         "substituting derived quantities")
    if limits.degree(expr) > limits.MAX_DEGREE:
        raise ModelError(f"{prefix}{shown!r} has a total degree beyond {limits.MAX_DEGREE} "
                         "(nested exponents multiply)")
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ModelError(f"{prefix}{shown!r} is undefined for every parameter value "
                         "(a division by zero or log(0))")
    for p in expr.atoms(sympy.Pow):
        base, ex = p.args
        if ex.is_number and ex.is_negative and base.is_number and _is_zero(base):
            raise ModelError(f"{prefix}{shown!r} is undefined for every parameter value: "
                             f"the denominator {base} is zero")
    for f in expr.atoms(sympy.log):
        if f.args[0].is_number and _is_zero(f.args[0]):
            raise ModelError(f"{prefix}{shown!r} is undefined for every parameter value: "
                             f"log({f.args[0]}) of zero")
    if expr.has(sympy.I) or (expr.is_number and expr.is_real is False):
        raise ModelError(f"{prefix}{shown!r} is not a real number")
    if expr.is_number and not expr.is_Rational:
        try:
            value = complex(expr.evalf(20))
        except (OverflowError, ValueError, TypeError):
            value = complex("nan")
        if not (math.isfinite(value.real) and value.imag == 0):
            raise ModelError(f"{prefix}{shown!r} is a constant that is not a finite real "
                             "number (beyond the range of floats)")
    return expr


def parse_expression(text: str | int | float, names: Mapping[str, sympy.Basic], *,
                     where: str = "") -> sympy.Expr:
    """Parse an arithmetic expression over ``names`` (name -> sympy object)."""
    tree, clean = _parse(text, where)
    expr = _Builder(names, where, condition=False, text=clean).expr(tree)
    return _check_result(expr, f"{where}: " if where else "", clean)


def parse_condition(text: str, names: Mapping[str, sympy.Basic], *,
                    where: str = "") -> sympy.Basic:
    """Parse a condition: comparisons joined by ``and``, ``or``, ``not``.

    >>> x = sympy.Symbol("x", real=True)
    >>> parse_condition("0 <= x < 1 and not x == 0.5", {"x": x})
    (0 <= x) & (x < 1) & Ne(x, 1/2)
    """
    tree, clean = _parse(text, where)
    prefix = f"{where}: " if where else ""
    builder = _Builder(names, where, condition=True, text=clean)
    try:
        out = builder.cond(tree)
    except TypeError as exc:  # sympy: "Invalid comparison of non-real ..."
        raise ModelError(f"{prefix}{clean[:60]!r} compares a value that is not real "
                         f"({exc})") from None
    for rel in out.atoms(sympy.core.relational.Relational):
        _check_result(rel.lhs - rel.rhs, prefix, clean)
    return out
