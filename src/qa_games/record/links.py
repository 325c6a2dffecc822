"""Link expressions: how a model parameter is computed from measures and coefficients.

An estimation spec (:mod:`qa_games.record.estimation`) maps model parameters to links such
as ``"logistic(b0 + b1 * c_index)"`` or ``"tau"``. Links are untrusted text: they are parsed
with :mod:`ast` (which only parses) and checked node by node against a whitelist --
numbers, names, ``+ - * / **``, unary ``-``/``+``, parentheses and the functions in
:data:`FUNCTIONS` -- then evaluated on numpy arrays by walking the checked tree. Nothing is
``eval``'d or sympified.

>>> link = parse_link("logistic(b0 + b1 * x)", where="spec: c")
>>> sorted(link.names)
['b0', 'b1', 'x']
>>> link.evaluate({"b0": 0.0, "b1": 2.0, "x": np.array([0.0, 1.0])}).round(4)
array([0.5   , 0.8808])
>>> parse_link("__import__('os')", where="spec: c")
Traceback (most recent call last):
...
qa_games.errors.ModelError: spec: c: function '__import__' is not allowed (allowed: abs, exp, log, logistic, max, min, sqrt)
"""  # noqa: E501 (the doctest shows the full message)

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from qa_games.errors import ModelError

__all__ = ["Link", "parse_link", "FUNCTIONS"]

MAX_LENGTH = 2000
MAX_NODES = 500


def _logistic(z: Any) -> Any:
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "logistic": _logistic,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "min": np.minimum,
    "max": np.maximum,
}
_ARITY = {"logistic": 1, "exp": 1, "log": 1, "sqrt": 1, "abs": 1, "min": 2, "max": 2}
_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply,
    ast.Div: np.divide, ast.Pow: np.power,
}


@dataclass(frozen=True, eq=False)
class Link:
    """A checked link expression: its text, the names it uses, and its parsed tree."""

    text: str
    names: frozenset[str]
    tree: ast.expr

    def evaluate(self, env: Mapping[str, Any]) -> Any:
        """The link's value; ``env`` maps every name to a number or an array."""
        with np.errstate(all="ignore"):
            return _eval(self.tree, env)


def _eval(node: ast.expr, env: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]  # checked: int or float
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, env)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_eval(node.left, env), _eval(node.right, env))
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    return FUNCTIONS[node.func.id](*(_eval(a, env) for a in node.args))


def parse_link(text: Any, *, where: str) -> Link:
    """Parse and check a link expression (raises :class:`ModelError` naming ``where``)."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ModelError(f"{where}: a link must be an expression in a string, got {text!r}")
    src = str(text)
    if len(src) > MAX_LENGTH:
        raise ModelError(f"{where}: link longer than {MAX_LENGTH} characters")
    try:
        tree = ast.parse(src.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ModelError(f"{where}: cannot parse link {src!r}: {exc.msg}") from None
    names: set[str] = set()
    count = 0
    allowed = ", ".join(sorted(FUNCTIONS))

    def check(node: ast.AST) -> None:
        nonlocal count
        count += 1
        if count > MAX_NODES:
            raise ModelError(f"{where}: link has more than {MAX_NODES} parts")
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise ModelError(f"{where}: only numbers may appear as constants, got "
                                 f"{node.value!r}")
            return
        if isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                raise ModelError(f"{where}: {node.id!r} is a function; call it as {node.id}(...)")
            names.add(node.id)
            return
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            check(node.operand)
            return
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            check(node.left)
            check(node.right)
            return
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                fname = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
                raise ModelError(f"{where}: function {fname!r} is not allowed (allowed: {allowed})")
            if node.keywords or len(node.args) != _ARITY[node.func.id]:
                raise ModelError(f"{where}: {node.func.id}() takes {_ARITY[node.func.id]} "
                                 "positional argument(s)")
            for a in node.args:
                check(a)
            return
        raise ModelError(f"{where}: {ast.unparse(node)[:60]!r} is not allowed in a link "
                         f"(numbers, names, + - * / **, and {allowed})")

    check(tree)
    return Link(src, frozenset(names), tree)
