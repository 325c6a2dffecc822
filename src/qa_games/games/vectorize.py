"""Evaluate a model's payoffs and derived quantities on many parameter points at once.

The symbolic payoffs are compiled once with :func:`sympy.lambdify` (numpy
backend) and evaluated on arrays of parameter values: the input of the batched
solver and of sweeps. The compiled code comes from sympy expressions that the
whitelist parser built, never from model-file text.

>>> from qa_games import load_model
>>> m = load_model("cha_quasi_alliance")
>>> A, B = payoff_arrays(m, {"c": np.array([0.0, 1.0])})
>>> A.shape, round(float(A[0, 0, 0]), 12), round(float(A[1, 0, 0]), 12)
((2, 2, 2), 0.7, -0.3)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from ..errors import GameError, ParameterError

__all__ = ["payoff_arrays", "payoff_columns", "payoff_blocks", "expression_arrays",
           "broadcast_values", "lambdify_safe"]


def lambdify_safe(symbols: Any, exprs: Any, *, cse: bool = False,
                  modules: str = "numpy") -> Any:
    """:func:`sympy.lambdify` (numpy) of ``exprs`` -- one expression or a list -- as a
    function of ``symbols``, whatever the symbols are called.

    Plain ``lambdify`` prints every symbol by its name into generated code whose namespace
    holds numpy's functions: a parameter called ``minimum`` then shadows
    ``numpy.minimum`` (``'Symbol' object is not callable``), and ``dummify`` alone does
    not help for a single expression, whose symbols lambdify puts in that namespace by
    name. Here every symbol is first replaced by ``_a0, _a1, ...`` (a leading underscore:
    no declared name has one, nor does anything the printer uses). The safe names make
    ``dummify`` needless, and without it ``lambdify`` is about 12 times faster (it no
    longer rebuilds the expression once per symbol).

    >>> minimum, c = sympy.symbols("minimum c", real=True)
    >>> f = lambdify_safe([minimum, c], sympy.Min(minimum, c) + minimum)
    >>> float(f(2.0, 1.0))
    3.0
    """
    syms = list(symbols)
    safe = [sympy.Symbol(f"_a{k}", real=True) for k in range(len(syms))]
    subs = dict(zip(syms, safe, strict=True))
    if isinstance(exprs, (list, tuple)):
        body: Any = [sympy.sympify(e).xreplace(subs) for e in exprs]
    else:
        body = sympy.sympify(exprs).xreplace(subs)
    return sympy.lambdify(safe, body, modules=modules, cse=cse, dummify=False)


def broadcast_values(model: Any, values: Mapping[str, Any]) -> tuple[dict[str, np.ndarray], int]:
    """Every parameter as a 1-d float array of one common length (defaults filled in).

    Values are checked against their domains (vectorised); unknown names are errors.
    """
    game = model.game
    arrays: dict[str, np.ndarray] = {}
    n = 1
    for name, v in values.items():
        p = game.parameter(name)
        a = np.atleast_1d(np.asarray(v, dtype=float))
        if a.ndim != 1:
            raise ParameterError(f"{name}: expected a 1-d array of values, got shape {a.shape}")
        if not np.all(np.isfinite(a)):
            raise ParameterError(f"{name}: values must be finite numbers")
        lo, hi = p.domain.lower, p.domain.upper
        bad = np.zeros(a.shape, dtype=bool)
        if lo is not None:
            bad |= (a < float(lo)) if p.domain.lower_closed else (a <= float(lo))
        if hi is not None:
            bad |= (a > float(hi)) if p.domain.upper_closed else (a >= float(hi))
        if bad.any():
            raise ParameterError(
                f"{name}={float(a[bad][0])!r} is outside its domain {p.domain}")
        arrays[name] = a
        if a.size != 1:
            if n != 1 and a.size != n:
                raise ParameterError(f"{name}: {a.size} values, but other parameters have {n}")
            n = a.size
    out = {}
    for p in game.parameters:
        a = arrays.get(p.name, np.array([float(p.default)]))
        out[p.name] = np.broadcast_to(a, (n,)) if a.size == 1 else a
    return out, n


@lru_cache(maxsize=256)
def _compiled(symbols: tuple[sympy.Symbol, ...], exprs: tuple[sympy.Expr, ...]) -> Any:
    # a parameter called like a name the numpy printer uses (minimum, maximum, reduce,
    # select, where) works: see lambdify_safe
    return lambdify_safe(symbols, list(exprs), cse=True)


def expression_arrays(model: Any, exprs: list[sympy.Expr],
                      values: Mapping[str, Any]) -> list[np.ndarray]:
    """Evaluate sympy expressions (in the model's parameters) on arrays of values."""
    cols, n = broadcast_values(model, values)
    symbols = tuple(p.symbol for p in model.game.parameters)
    fn = _compiled(symbols, tuple(sympy.sympify(e) for e in exprs))
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = fn(*(cols[p.name] for p in model.game.parameters))
    return [np.broadcast_to(np.asarray(r, dtype=float), (n,)).copy() for r in raw]


def payoff_arrays(model: Any, values: Mapping[str, Any]) -> tuple[np.ndarray, ...]:
    """One array of shape ``(points, *strategy counts)`` per player.

    Raises GameError when a payoff is not finite at some point.
    """
    game = model.game
    shape = game.shape
    exprs = [e for arr in game.payoffs for e in arr.flat]
    flat = expression_arrays(model, exprs, values)
    n = flat[0].shape[0]
    size = int(np.prod(shape))
    out = []
    for k in range(game.n_players):
        a = np.stack(flat[k * size:(k + 1) * size], axis=-1).reshape((n, *shape))
        if not np.all(np.isfinite(a)):
            bad = int(np.argwhere(~np.isfinite(a))[0][0])
            raise GameError(f"payoffs of {game.players[k]} are not finite at point {bad}")
        out.append(a)
    return tuple(out)


def payoff_columns(model: Any, values: Mapping[str, Any]) -> list[np.ndarray]:
    """The payoffs as one ``(points,)`` column per player and profile, player by player,
    each in the profiles' row-major order: :func:`payoff_arrays` without stacking them
    into matrices, for kernels that work column by column (same values, same checks).
    The columns may be views of the inputs or read-only broadcasts: do not write to them.

    >>> from qa_games import load_model
    >>> cols = payoff_columns(load_model("cha_quasi_alliance"), {"c": np.array([0.0, 1.0])})
    >>> len(cols), [round(float(v), 12) for v in cols[0]]
    (8, [0.7, -0.3])
    """
    game = model.game
    cols, n = broadcast_values(model, values)
    symbols = tuple(p.symbol for p in game.parameters)
    exprs = tuple(sympy.sympify(e) for arr in game.payoffs for e in arr.flat)
    fn = _compiled(symbols, exprs)
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = fn(*(cols[p.name] for p in game.parameters))
    # views, not copies: a constant is a broadcast (read-only) column, and a payoff that
    # is a parameter itself is that parameter's column
    out = [np.broadcast_to(np.asarray(r, dtype=float), (n,)) for r in raw]
    size = len(out) // game.n_players
    for k in range(game.n_players):
        mine = out[k * size:(k + 1) * size]
        # a finite sum means finite entries (one pass each); else find the first bad point
        if all(np.isfinite(np.add.reduce(a)) for a in mine):
            continue
        bad = np.zeros(n, dtype=bool)
        for a in mine:
            bad |= ~np.isfinite(a)
        if bad.any():
            raise GameError(f"payoffs of {game.players[k]} are not finite at point "
                            f"{int(np.argmax(bad))}")
    return out



def payoff_blocks(model: Any, values: Mapping[str, Any],
                  step: int) -> Iterator[tuple[int, int, list[np.ndarray]]]:
    """:func:`payoff_columns` of points ``a:b`` for consecutive blocks of ``step`` points:
    ``(a, b, columns)``, evaluated block by block so that a kernel reads them while they
    are in cache. Values are checked once; a non-finite payoff raises the error that
    :func:`payoff_columns` raises for all the points.

    >>> from qa_games import load_model
    >>> m = load_model("cha_quasi_alliance")
    >>> [(a, b, len(cols)) for a, b, cols in payoff_blocks(m, {"c": [0, 0.5, 1]}, 2)]
    [(0, 2, 8), (2, 3, 8)]
    """
    game = model.game
    cols, n = broadcast_values(model, values)
    symbols = tuple(p.symbol for p in game.parameters)
    fn = _compiled(symbols, tuple(sympy.sympify(e) for arr in game.payoffs for e in arr.flat))
    args = [cols[p.name] for p in game.parameters]
    for a in range(0, n, step):
        b = min(n, a + step)
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = fn(*(x[a:b] for x in args))
        out = [np.broadcast_to(np.asarray(r, dtype=float), (b - a,)) for r in raw]
        if not all(np.isfinite(np.add.reduce(x)) for x in out) and \
                not all(np.isfinite(x).all() for x in out):
            payoff_columns(model, values)  # raises the error about the first bad point
        yield a, b, out
