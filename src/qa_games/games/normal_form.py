"""Normal-form games: numeric (:class:`Game`) and symbolic (:class:`SymbolicGame`).

A finite normal-form game has players ``i = 1..n``, a finite strategy set ``S_i``
per player and a payoff ``u_i(s)`` for every player at every pure profile
``s in S_1 x ... x S_n``. Payoffs are stored one array per player, indexed by the
profile: ``payoffs[i][s_1, ..., s_n]``.

A :class:`Game` is *exact* when every payoff is rational (stored as
:class:`fractions.Fraction` in object arrays); otherwise payoffs are float64.
A :class:`SymbolicGame` has sympy payoffs in declared :class:`Parameter` s;
``at(**values)`` instantiates it, exactly when the payoffs evaluate to rationals.

>>> g = Game.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
>>> g.players, g.strategies, g.exact
(('1', '2'), (('1', '2'), ('1', '2')), True)
>>> g.payoff((1, 1))
(Fraction(1, 1), Fraction(1, 1))
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import GameError, ParameterError
from .limits import check_labels
from .parameter import Parameter, check_constraints, to_fraction

if TYPE_CHECKING:  # imported where symbolic games need it: numeric games never do
    import sympy

__all__ = ["Game", "SymbolicGame", "to_exact_array"]


def _names(given: Sequence[str] | None, count: int, what: str) -> tuple[str, ...]:
    if given is None:
        return tuple(str(k + 1) for k in range(count))
    names = tuple(str(x) for x in given)
    if len(names) != count:
        raise GameError(f"{what}: expected {count} names, got {len(names)}")
    if len(set(names)) != len(names):
        raise GameError(f"{what}: names must be distinct, got {list(names)}")
    if any(not n.strip() for n in names):
        raise GameError(f"{what}: names must not be empty")
    return check_labels(names, where=what, error=GameError)


def to_exact_array(values: Any) -> np.ndarray:
    """An object array of Fractions from ints, Fractions or floats (floats exactly).

    Raises :class:`GameError` on NaN, infinities or non-numbers.

    >>> to_exact_array([0.5, 1])
    array([Fraction(1, 2), Fraction(1, 1)], dtype=object)
    """
    arr = np.asarray(values, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        if isinstance(v, (float, np.floating)):
            if not math.isfinite(float(v)):
                raise GameError(f"payoff {v!r} at {idx} is not finite")
            out[idx] = Fraction(float(v))
        else:
            try:
                out[idx] = to_fraction(v, name=f"payoff at {idx}")
            except ParameterError as exc:
                raise GameError(str(exc)) from None
    return out


def _as_payoff_array(values: Any, who: str) -> np.ndarray:
    """Exact object array when every entry is rational, else a checked float64 array."""
    try:
        arr = np.asarray(values)
    except Exception as exc:  # ragged lists and similar
        raise GameError(f"payoffs of player {who} are not a rectangular array: {exc}") from None
    if arr.dtype == object:
        if all(isinstance(v, (int, Fraction, np.integer)) and not isinstance(v, bool)
               for v in arr.flat):
            return _in_float_range(to_exact_array(arr), who)
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise GameError(f"payoffs of player {who} contain non-numbers") from None
    if arr.dtype.kind in "iu":
        return _in_float_range(to_exact_array(arr), who)
    if arr.dtype.kind == "b" or arr.dtype.kind not in "f":
        raise GameError(f"payoffs of player {who} must be numbers, got dtype {arr.dtype}")
    if not np.all(np.isfinite(arr)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise GameError(f"payoff of player {who} at profile {bad} is {arr[bad]} (not finite)")
    return arr.astype(np.float64)


def _in_float_range(arr: np.ndarray, who: str) -> np.ndarray:
    """Exact payoffs must be representable as floats (results are also reported as floats)."""
    for idx, v in np.ndenumerate(arr):
        try:
            float(v)
        except OverflowError:
            raise GameError(f"payoff of player {who} at profile {idx} is beyond the range of "
                            "floats (about 1.8e308)") from None
    return arr


class _StrategicForm:
    """What numeric and symbolic games share: players and strategy sets."""

    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]

    @property
    def n_players(self) -> int:
        return len(self.players)

    @property
    def shape(self) -> tuple[int, ...]:
        """The number of strategies of each player."""
        return tuple(len(s) for s in self.strategies)


@dataclass(frozen=True, eq=False)
class Game(_StrategicForm):
    """A finite normal-form game with numeric payoffs (exact Fractions or floats)."""

    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    payoffs: tuple[np.ndarray, ...]
    title: str = ""

    @classmethod
    def from_arrays(
        cls,
        *payoffs: Any,
        players: Sequence[str] | None = None,
        strategies: Sequence[Sequence[str]] | None = None,
        title: str = "",
    ) -> Game:
        """Build a game from one payoff array per player (checked and normalised).

        Integer and Fraction payoffs give an exact game; floats give a float game.
        """
        if len(payoffs) < 1:
            raise GameError("a game needs at least one player's payoffs")
        arrays = [_as_payoff_array(p, str(k + 1)) for k, p in enumerate(payoffs)]
        n = len(arrays)
        shape = arrays[0].shape
        if len(shape) != n:
            raise GameError(
                f"a {n}-player game needs {n}-dimensional payoff arrays, got shape {shape}"
            )
        for k, a in enumerate(arrays):
            if a.shape != shape:
                raise GameError(
                    f"payoff arrays differ in shape: player 1 {shape}, player {k + 1} {a.shape}"
                )
        if any(s < 1 for s in shape):
            raise GameError(f"every player needs at least one strategy, got shape {shape}")
        exact = all(a.dtype == object for a in arrays)
        if not exact:
            arrays = [a.astype(np.float64) if a.dtype == object else a for a in arrays]
        pl = _names(players, n, "players")
        if strategies is None:
            st = tuple(_names(None, m, "strategies") for m in shape)
        else:
            if len(strategies) != n:
                raise GameError(f"strategies: expected {n} lists, got {len(strategies)}")
            st = tuple(_names(s, m, f"strategies of {pl[k]}")
                       for k, (s, m) in enumerate(zip(strategies, shape, strict=True)))
        for a in arrays:
            a.setflags(write=False)
        return cls(pl, st, tuple(arrays), title)

    @property
    def exact(self) -> bool:
        """True when every payoff is an exact rational."""
        return all(a.dtype == object for a in self.payoffs)

    def profiles(self) -> Iterator[tuple[int, ...]]:
        """Every pure profile, as a tuple of strategy indices, in row-major order."""
        return itertools.product(*(range(m) for m in self.shape))

    def payoff(self, profile: Sequence[int]) -> tuple[Any, ...]:
        """Each player's payoff at a pure profile."""
        idx = tuple(profile)
        return tuple(a[idx] for a in self.payoffs)

    def profile_names(self, profile: Sequence[int]) -> tuple[str, ...]:
        return tuple(self.strategies[i][s] for i, s in enumerate(profile))

    def profile_index(self, names: Sequence[str]) -> tuple[int, ...]:
        """Strategy indices of a profile given by strategy names."""
        if len(names) != self.n_players:
            raise GameError(f"profile {list(names)} needs {self.n_players} strategies")
        out = []
        for i, name in enumerate(names):
            if name not in self.strategies[i]:
                raise GameError(
                    f"unknown strategy {name!r} of {self.players[i]} "
                    f"(known: {', '.join(self.strategies[i])})"
                )
            out.append(self.strategies[i].index(name))
        return tuple(out)

    def bimatrix(self) -> tuple[np.ndarray, np.ndarray]:
        """``(A, B)`` for a 2-player game; raises GameError otherwise."""
        if self.n_players != 2:
            raise GameError(f"bimatrix() needs a 2-player game, this one has {self.n_players}")
        return self.payoffs[0], self.payoffs[1]

    def as_float(self) -> Game:
        """The same game with float64 payoffs."""
        return Game(self.players, self.strategies,
                    tuple(np.asarray(a, dtype=np.float64) for a in self.payoffs), self.title)

    def as_exact(self) -> Game:
        """The same game with exact payoffs (floats are read exactly as binary fractions)."""
        if self.exact:
            return self
        return Game(self.players, self.strategies,
                    tuple(to_exact_array(a) for a in self.payoffs), self.title)

    def __repr__(self) -> str:
        kind = "exact" if self.exact else "float"
        dims = "x".join(str(m) for m in self.shape)
        name = f" {self.title!r}" if self.title else ""
        return f"<Game{name} {dims} {kind}, players={list(self.players)}>"


def _to_sympy_number(x: Fraction) -> sympy.Rational:
    import sympy

    return sympy.Rational(x.numerator, x.denominator)


@dataclass(frozen=True, eq=False)
class SymbolicGame(_StrategicForm):
    """A normal-form game whose payoffs are sympy expressions in declared parameters.

    ``constraints`` are sympy relations among parameters (beyond each domain) that
    every instantiation must satisfy, e.g. ``mu_1 <= mu_2``.
    """

    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    payoffs: tuple[np.ndarray, ...]  # object arrays of sympy expressions
    parameters: tuple[Parameter, ...]
    constraints: tuple[sympy.Basic, ...] = ()
    title: str = ""
    _by_name: dict[str, Parameter] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        by_name = {p.name: p for p in self.parameters}
        if len(by_name) != len(self.parameters):
            raise GameError("parameter names must be distinct")
        object.__setattr__(self, "_by_name", by_name)
        check_labels(self.players, where="players", error=GameError)
        for k, names in enumerate(self.strategies):
            check_labels(names, where=f"strategies of {self.players[k]}", error=GameError)
        known = {p.symbol for p in self.parameters}
        for k, arr in enumerate(self.payoffs):
            for idx, expr in np.ndenumerate(arr):
                extra = expr.free_symbols - known
                if extra:
                    raise GameError(
                        f"payoff of {self.players[k]} at {idx} uses undeclared "
                        f"{sorted(str(s) for s in extra)}"
                    )

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    @property
    def symbols(self) -> dict[str, sympy.Symbol]:
        return {p.name: p.symbol for p in self.parameters}

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``; ParameterError naming the known ones otherwise."""
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self.parameter_names) or "none"
            raise ParameterError(f"unknown parameter {name!r} (known: {known})") from None

    def defaults(self) -> dict[str, Fraction]:
        return {p.name: p.default for p in self.parameters}

    def values(self, values: Mapping[str, Any] | None = None, **kw: Any) -> dict[str, Fraction]:
        """Defaults overridden by ``values``; every value checked against its domain
        and the constraints. Unknown names are errors."""
        given = dict(values or {})
        given.update(kw)
        out = self.defaults()
        for name, v in given.items():
            out[name] = self.parameter(name).check(v)
        check_constraints(self.constraints, out)
        return out

    def at(self, values: Mapping[str, Any] | None = None, **kw: Any) -> Game:
        """The numeric game at these parameter values (defaults for the rest).

        Exact (Fractions) when every payoff evaluates to a rational, float otherwise.
        """

        from .exact_eval import exact_function, shown, substitute

        vals = self.values(values, **kw)
        subs = None
        arrays = []
        for k, arr in enumerate(self.payoffs):
            out = np.empty(arr.shape, dtype=object)
            for idx, expr in np.ndenumerate(arr):
                fast = exact_function(expr)  # Fractions, without sympy (the common case)
                if fast is not None:
                    try:
                        out[idx] = Fraction(fast(vals))
                        continue
                    except ZeroDivisionError:  # undefined here: sympy words the error
                        pass
                if subs is None:
                    subs = {self._by_name[n].symbol: _to_sympy_number(v)
                            for n, v in vals.items()}
                try:
                    val = substitute(expr, subs)
                except (ZeroDivisionError, ValueError) as exc:
                    raise ParameterError(
                        f"payoff of {self.players[k]} at {idx} is undefined here: {exc}") from None
                if val.is_Rational:
                    out[idx] = Fraction(int(val.p), int(val.q))
                else:
                    try:
                        num = complex(val.evalf(30)) if val.is_number else None
                    except (OverflowError, ValueError, TypeError):
                        num = None
                    if num is None or num.imag != 0 or not math.isfinite(num.real):
                        raise ParameterError(
                            f"payoff of {self.players[k]} at {self.profile_label(idx)} "
                            f"is {shown(val)} at {self._show(vals)} (not a finite real "
                            "number)")
                    out[idx] = num.real
            arrays.append(out)
        exact = all(isinstance(v, Fraction) for a in arrays for v in a.flat)
        if not exact:
            arrays = [a.astype(np.float64) for a in arrays]
        return Game.from_arrays(*arrays, players=self.players, strategies=self.strategies,
                                title=self.title)

    def profile_label(self, idx: Sequence[int]) -> str:
        return "(" + ", ".join(self.strategies[i][s] for i, s in enumerate(idx)) + ")"

    @staticmethod
    def _show(vals: Mapping[str, Fraction]) -> str:
        return ", ".join(f"{k}={v}" for k, v in vals.items())
