"""A whitelist parser for the expressions in model files.

Model files are untrusted text. Their expressions are parsed with :mod:`ast`
(which only parses, never runs) and rebuilt node by node into sympy objects from
an explicit whitelist, as pint's ``pint_eval`` does for units: numbers, declared
names, ``+ - * / **``, parentheses, and the functions in :data:`FUNCTIONS`;
conditions add comparisons and ``and`` / ``or`` / ``not``. Anything else -- an
attribute, a subscript, a string, a lambda, ``__import__`` -- is a
:class:`~qa_games.errors.ModelError` that says where and what. SymPy's own
``sympify`` uses ``eval`` and is never called on the text.

Decimal literals are read exactly (``0.2`` is 1/5).

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
from collections.abc import Callable, Mapping
from fractions import Fraction

import sympy

from ..errors import ModelError

__all__ = ["FUNCTIONS", "parse_expression", "parse_condition", "check_name"]

MAX_LENGTH = 4000
MAX_NODES = 2000
MAX_CONSTANT_EXPONENT = 64

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
    ast.Pow: lambda a, b: a**b,
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
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ModelError(f"{prefix}{name!r} is not a valid name (letters, digits, _)")
    if name.startswith("_") or name in _RESERVED:
        raise ModelError(f"{prefix}{name!r} is reserved and cannot be declared")
    return name


def _parse(text: object, where: str) -> ast.expr:
    prefix = f"{where}: " if where else ""
    if not isinstance(text, (str, int, float)) or isinstance(text, bool):
        raise ModelError(f"{prefix}expected an expression string or a number, got {text!r}")
    if isinstance(text, (int, float)):
        text = repr(text)
    if len(text) > MAX_LENGTH:
        raise ModelError(f"{prefix}expression is longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise ModelError(f"{prefix}expression is empty")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        hint = " (use ** for powers)" if "^" in text else ""
        raise ModelError(f"{prefix}cannot parse {text!r}: {exc.msg}{hint}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ModelError(f"{prefix}expression {text[:60]!r}... is too deeply nested") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ModelError(f"{prefix}expression has more than {MAX_NODES} parts")
    if "^" in text:
        raise ModelError(f"{prefix}'^' is not allowed in {text!r}: use ** for powers")
    return tree.body


class _Builder:
    def __init__(self, names: Mapping[str, sympy.Basic], where: str, *, condition: bool):
        self.names = names
        self.prefix = f"{where}: " if where else ""
        self.condition = condition

    def fail(self, msg: str) -> ModelError:
        return ModelError(self.prefix + msg)

    def expr(self, node: ast.AST) -> sympy.Basic:
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise self.fail(f"constant {v!r} is not allowed (only numbers)")
            if isinstance(v, float):
                if v != v or v in (float("inf"), float("-inf")):
                    raise self.fail(f"constant {v!r} is not a finite number")
                f = Fraction(repr(v))
                return sympy.Rational(f.numerator, f.denominator)
            return sympy.Integer(v)
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
            if isinstance(node.op, ast.Pow) and right.is_number and left.is_number:
                if abs(right) > MAX_CONSTANT_EXPONENT:
                    raise self.fail(f"constant exponent {right} is too large")
            if isinstance(node.op, ast.Div) and right.is_number and right == 0:
                raise self.fail("division by zero")
            return op(left, right)
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
            return FUNCTIONS[fname](*args)
        if self.condition:
            return self.cond(node)
        raise self.fail(f"{type(node).__name__} is not allowed in an expression "
                        f"({ast.unparse(node)[:60]!r})")

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


def parse_expression(text: str | int | float, names: Mapping[str, sympy.Basic], *,
                     where: str = "") -> sympy.Expr:
    """Parse an arithmetic expression over ``names`` (name -> sympy object)."""
    return _Builder(names, where, condition=False).expr(_parse(text, where))


def parse_condition(text: str, names: Mapping[str, sympy.Basic], *,
                    where: str = "") -> sympy.Basic:
    """Parse a condition: comparisons joined by ``and``, ``or``, ``not``.

    >>> x = sympy.Symbol("x", real=True)
    >>> parse_condition("0 <= x < 1 and not x == 0.5", {"x": x})
    (0 <= x) & (x < 1) & Ne(x, 1/2)
    """
    return _Builder(names, where, condition=True).cond(_parse(text, where))
