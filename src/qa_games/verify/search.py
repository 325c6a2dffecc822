"""The numeric half of :func:`qa_games.verify.verdicts.verify`: statements checked at points.

Each outcome is computed from the numeric game at the point, independently of the
symbolic reduction: equilibria come from :func:`qa_games.solvers.solve.solve` (exact
vertex enumeration), labels from :func:`qa_games.solvers.selection.select`, derived
quantities by exact substitution. :func:`search` runs a seeded Hypothesis search
for a point (or a pair of points) where a statement fails and returns the shrunk
counterexample; :func:`check_point` confirms a counterexample found by z3.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np
import sympy
from hypothesis import HealthCheck, Phase, Verbosity, given, reject, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from ..games.exact_eval import exact_function, substitute
from ..games.memo import PerObject
from ..games.normal_form import Game

# Loaded before any search, as ``import qa_games`` used to load it: the searches' draws
# (hence counterexamples and sample counts) were found to depend on whether this module
# had been imported, presumably through sympy's global state; kept so that seeded
# verification reproduces the same output now that ``qa_games`` imports lazily.
from ..solvers import eqmap as _eqmap  # noqa: F401
from ..solvers.selection import select
from ..solvers.solve import solve
from .strategies import (
    RANDOMS,
    _condition_function,
    _plain_random,
    _random_from,
    _random_tables,
    _valid,
    model_parameters,
    parameter_values,
    satisfies,
    value_strategy,
)

__all__ = ["SearchResult", "search", "check_point", "outcome_at", "relevant_parameters",
           "UNDEFINED"]

UNDEFINED = object()


@dataclass
class SearchResult:
    examples: int
    counterexample: dict[str, Fraction] | None = None
    counterexample2: dict[str, Fraction] | None = None
    detail: str = ""


class _Found(Exception):
    def __init__(self, first: dict[str, Fraction], second: dict[str, Fraction] | None,
                 detail: str) -> None:
        super().__init__(detail)
        self.first, self.second, self.detail = first, second, detail


def _number(value: Any) -> Any:
    if isinstance(value, (Fraction, int)):
        return Fraction(value)
    v = sympy.sympify(value)
    if v.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or v.is_real is False:
        return UNDEFINED
    if v.is_Rational:
        return Fraction(int(v.p), int(v.q))
    return v


def _is_equilibrium(game: Any, profile: tuple[tuple[Fraction, ...], ...]) -> bool:
    """Exact zero regret of a mixed profile of an exact 2-player game."""
    a, b = game.as_exact().payoffs
    x, y = profile
    rows = [sum(a[i, j] * y[j] for j in range(len(y))) for i in range(len(x))]
    cols = [sum(b[i, j] * x[i] for i in range(len(x))) for j in range(len(y))]
    value_a = sum(p * r for p, r in zip(x, rows, strict=True))
    value_b = sum(q * c for q, c in zip(y, cols, strict=True))
    return value_a >= max(rows) and value_b >= max(cols)


def _one_hot(profile: tuple[int, ...], shape: tuple[int, ...]) -> tuple:
    return tuple(tuple(Fraction(int(k == s)) for k in range(m))
                 for s, m in zip(profile, shape, strict=True))


_PAYOFFS: PerObject[list | None] = PerObject()


def _payoff_functions(model: Any) -> list[list[tuple[tuple[int, ...], Any]]] | None:
    """Each player's payoffs as (profile, exact function) pairs, compiled once per
    model; None when a payoff has no exact function (sympy evaluates the game)."""
    return _PAYOFFS.get(model, None, lambda: _compile_payoffs(model))


def _compile_payoffs(model: Any) -> list[list[tuple[tuple[int, ...], Any]]] | None:
    out = []
    for arr in model.game.payoffs:
        cells = [(idx, exact_function(expr)) for idx, expr in np.ndenumerate(arr)]
        if any(fn is None for _, fn in cells):
            return None
        out.append(cells)
    return out


def _fast_game(model: Any, values: dict[str, Fraction]) -> Any:
    """``model.at(values)``, evaluated exactly without sympy when the payoffs allow."""
    sg = model.game
    compiled = _payoff_functions(model)
    if compiled is None:
        return model.at(values)
    arrays = []
    for arr, cells in zip(sg.payoffs, compiled, strict=True):
        out = np.empty(arr.shape, dtype=object)
        try:
            for idx, fn in cells:
                out[idx] = Fraction(fn(values))
        except ZeroDivisionError:
            return model.at(values)  # raises the model's error
        arrays.append(out)
    return Game.from_arrays(*arrays, players=sg.players, strategies=sg.strategies,
                            title=sg.title)


class _Point:
    """A parameter point with its game and solution computed once."""

    def __init__(self, model: Any, values: dict[str, Fraction]) -> None:
        self.model, self.values = model, values
        self._game: Any = None
        self._solution: Any = None

    @property
    def game(self) -> Any:
        if self._game is None:
            self._game = _fast_game(self.model, self.values)
        return self._game

    @property
    def solution(self) -> Any:
        if self._solution is None:
            self._solution = solve(self.game)
        return self._solution


_POINTS: PerObject[_Point] = PerObject(limit=20000)


def _point(model: Any, values: dict[str, Fraction]) -> _Point:
    """The cached :class:`_Point` of a model at these values: a search draws the same
    points again (round values, shrinking, statements sharing a seed), each solved once."""
    return _POINTS.get(model, tuple(values.items()), lambda: _Point(model, dict(values)))


def _substituted(model: Any, expr: Any, values: dict[str, Fraction]) -> Any:
    """``model.evaluate(expr, values)`` at a valid point of a normal-form model (values
    drawn inside the domains and constraints), without checking them again."""
    symbols = getattr(getattr(model, "game", None), "symbols", None)
    if symbols is None or symbols.keys() != values.keys():
        return model.evaluate(expr, values)
    subs = {symbols[k]: sympy.Rational(v.numerator, v.denominator) for k, v in values.items()}
    return substitute(expr, subs)


_DIGITS = 80  # an outcome sympy cannot evaluate exactly is compared at 60 digits


@lru_cache(maxsize=1024)
def _high_precision(expr: Any) -> tuple[tuple[str, ...], Any] | None:
    """``expr`` compiled for mpmath (names of its symbols, function), or None."""
    from ..games.vectorize import lambdify_safe

    names = tuple(sorted(str(s) for s in expr.free_symbols))
    try:
        fn = lambdify_safe([sympy.Symbol(n, real=True) for n in names], expr,
                           modules="mpmath")
    except Exception:  # noqa: BLE001 -- an optimisation: sympy's substitution is the fallback
        return None
    return names, fn


def _evaluate_high_precision(expr: Any, values: dict[str, Fraction]) -> Any:
    """The value of an expression that is not a rational function of the parameters
    (a fractional power), at ``_DIGITS`` digits, as a sympy Float; UNDEFINED where it is
    not a finite real number; None where it cannot be compiled."""
    import mpmath

    compiled = _high_precision(expr)
    if compiled is None:
        return None
    names, fn = compiled
    with mpmath.workdps(_DIGITS):
        try:
            args = [mpmath.mpf(values[n].numerator) / values[n].denominator for n in names]
            out = fn(*args)
        except (ZeroDivisionError, ValueError, OverflowError):
            return UNDEFINED
        except (KeyError, TypeError):
            return None
        if isinstance(out, mpmath.mpc):
            if out.imag != 0:
                return UNDEFINED
            out = out.real
        if not isinstance(out, mpmath.mpf) or not mpmath.isfinite(out):
            return UNDEFINED if isinstance(out, mpmath.mpf) else None
        return sympy.Float(out, _DIGITS)


def outcome_at(model: Any, outcome: Any, selection: str, point: Any) -> Any:
    """The value of ``outcome`` at a point (a dict of values or a cached point)."""
    pt = point if isinstance(point, _Point) else _point(model, dict(point))
    form = outcome.form
    if form == "choice":
        from .leader import choice_at

        return choice_at(model, outcome.name, pt.values)
    if form == "expression":
        fn = exact_function(outcome.expr)
        if fn is not None:
            try:
                return Fraction(fn(pt.values))
            except ZeroDivisionError:
                return UNDEFINED
        value = _evaluate_high_precision(outcome.expr, pt.values)
        if value is not None:
            return value
        try:
            return _number(_substituted(model, outcome.expr, pt.values))
        except (ZeroDivisionError, TypeError, ValueError):
            return UNDEFINED
    if form == "holds":
        return satisfies(model, outcome.expr, pt.values)
    game = pt.game
    if form in ("best_reply", "dominant"):
        i, s = outcome.player, outcome.strategy
        pay = game.payoffs[i]
        rests = [outcome.profile] if form == "best_reply" else list(game.profiles())
        for prof in rests:
            mine = list(prof)
            mine[i] = s
            for alt in range(game.shape[i]):
                if alt == s:
                    continue
                dev = list(prof)
                dev[i] = alt
                ok = pay[tuple(mine)] >= pay[tuple(dev)] if form == "best_reply" \
                    else pay[tuple(mine)] > pay[tuple(dev)]
                if not ok:
                    return False
        return True
    sol = pt.solution
    if form == "equilibrium":
        return any(eq.pure_profile == outcome.profile for eq in sol.equilibria)
    if selection == "mixed":
        chosen = [eq for eq in sol.equilibria
                  if all(len(s) == m for s, m in zip(eq.support, game.shape, strict=True))]
        eq = chosen[0] if len(chosen) == 1 else None
    else:
        eq = select(sol, selection)
    if form == "label":
        return model.label_of(eq.pure_profile if eq is not None else None) == outcome.name
    if eq is None:
        return UNDEFINED
    if eq.exact is not None:
        return Fraction(eq.exact[outcome.player][outcome.strategy])
    return _number(sympy.Float(eq.profile[outcome.player][outcome.strategy]))


def _equilibrium_set_is(model: Any, st_: Any, pt: _Point) -> str:
    """'' when the equilibrium set at the point is exactly the listed pure profiles."""
    sol = pt.solution
    listed = {tuple(model.profiles[n]) for n in st_.equilibria}
    found = {eq.pure_profile for eq in sol.equilibria}
    if found != listed:
        shown = [eq.exact if eq.pure_profile is None else
                 pt.game.profile_names(eq.pure_profile) for eq in sol.equilibria]
        return f"equilibria found by solve: {shown}"
    game = pt.game.as_exact()
    for p, q in itertools.combinations(sorted(listed), 2):
        x, y = _one_hot(p, game.shape), _one_hot(q, game.shape)
        mid = tuple(tuple((u + v) / 2 for u, v in zip(s, t, strict=True))
                    for s, t in zip(x, y, strict=True))
        if _is_equilibrium(game, mid):
            return f"the mixture of {p} and {q} is an equilibrium too (a component)"
    return ""


def _compare(a: Any, b: Any) -> int | None:
    """Sign of ``a - b`` (booleans as 0/1); None when undefined or undecidable."""
    if a is UNDEFINED or b is UNDEFINED:
        return None
    if isinstance(a, bool) or isinstance(b, bool):
        return int(a) - int(b)
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return (a > b) - (a < b)
    d = sympy.N(sympy.sympify(a) - sympy.sympify(b), 60)
    if not d.is_real:
        return None
    return 0 if abs(d) < sympy.Float("1e-45") else (1 if d > 0 else -1)


def check_point(model: Any, st_: Any, first: dict[str, Fraction],
                second: dict[str, Fraction] | None = None) -> str:
    """'' when the statement holds at the point (pair); else what fails there."""
    o = st_.parsed
    p1 = _point(model, first)
    if st_.kind == "uniqueness":
        return _equilibrium_set_is(model, st_, p1)
    v1 = outcome_at(model, o, st_.selection, p1)
    if st_.kind == "threshold":
        want = satisfies(model, st_.condition_expr, first)
        if v1 is UNDEFINED:
            return f"{st_.outcome} is undefined"
        return "" if bool(v1) == want else \
            f"{st_.outcome} is {bool(v1)} but the condition {st_.condition} is {want}"
    assert second is not None
    v2 = outcome_at(model, o, st_.selection, _point(model, second))
    sign = _compare(v2, v1)
    name = st_.parameter
    shown = f"{st_.outcome} = {_show(v1)} at {name}={first[name]}, " \
            f"{_show(v2)} at {name}={second[name]}"
    if sign is None:
        return f"{st_.outcome} is undefined at one of the points ({shown})"
    if st_.kind == "invariance":
        return "" if sign == 0 else shown
    want_sign = 1 if st_.direction == "increasing" else -1
    ok = sign * want_sign > 0 or (sign == 0 and not st_.strict)
    return "" if ok else shown


def _show(v: Any) -> str:
    return str(v) if not isinstance(v, sympy.Basic) else sympy.sstr(v)


def relevant_parameters(model: Any, st_: Any) -> set[str]:
    """The parameters a statement can depend on (the rest are held at their defaults):
    those in its expressions, in the payoffs when it needs the game, and any parameter
    sharing a model constraint with one of these."""
    if not hasattr(model, "game"):  # a sequential model: every parameter may matter
        return {p.name for p in model_parameters(model)}
    exprs = [st_.region_expr, st_.condition_expr]
    o = st_.parsed
    if o is not None and o.form in ("expression", "holds"):
        exprs.append(o.expr)
    elif st_.kind == "uniqueness" or o is not None:
        exprs.extend(e for arr in model.game.payoffs for e in arr.flat)
    names = {str(s) for e in exprs if e is not None for s in sympy.sympify(e).free_symbols}
    if st_.parameter:
        names.add(st_.parameter)
    changed = True
    while changed:
        changed = False
        for rel in model.game.constraints:
            syms = {str(s) for s in rel.free_symbols}
            if syms & names and not syms <= names:
                names |= syms
                changed = True
    return names & set(model.game.parameter_names)


def _strategy(model: Any, st_: Any, seed: int) -> Any:
    keep = relevant_parameters(model, st_)
    fixed = {p.name: p.default for p in model_parameters(model) if p.name not in keep}
    points = parameter_values(model, region=st_.region_expr, fixed=fixed, seed=seed)
    if st_.kind in ("threshold", "uniqueness"):
        return points.map(lambda v: (v, None))
    prm = model.parameter(st_.parameter)
    # ``first`` is valid and the new value is drawn inside its domain: only the
    # constraints and the region can fail
    inside = frozenset(p.name for p in model_parameters(model))
    in_region = _condition_function(model, st_.region_expr)
    values_of_prm, tables = value_strategy(prm), _random_tables(prm)

    @st.composite
    def pair(draw: Any) -> tuple[dict, dict]:
        first = draw(points)

        def good(x: Fraction) -> bool:
            second = {**first, prm.name: x}
            return x != first[prm.name] and _valid(model, second, inside=inside) and \
                in_region(second)

        for _ in range(3):
            other = draw(values_of_prm)
            if good(other):
                break
        else:
            rnd = _plain_random(draw(RANDOMS))
            for _ in range(300):
                other = _random_from(rnd, tables, prm.default)
                if good(other):
                    break
            else:
                reject()
        second = {**first, prm.name: other}
        lo, hi = sorted((first, second), key=lambda v: v[prm.name])
        return lo, hi

    return pair()


@contextmanager
def _without_local_constants() -> Iterator[None]:
    """Hypothesis (6.131 on) draws 5% of its integers from constants it finds in the
    source of every imported module outside site-packages, so a seeded search would
    depend on what happens to be imported (``qa-games verify M`` differed from the same
    model verified after another one). While this holds, that set is empty; with a
    Hypothesis that lacks the mechanism it does nothing."""
    try:
        from hypothesis.internal.conjecture import providers

        found, cache = providers._get_local_constants, providers.CONSTANTS_CACHE
        empty = type(providers._local_constants)()
    except (ImportError, AttributeError):  # pragma: no cover - another Hypothesis
        yield
        return
    providers._get_local_constants = lambda: empty
    cache.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = found
        cache.cache.clear()


#: Points checked per Hypothesis example in the first pass: the engine's own cost (about
#: 1 ms an example: generation, its data tree, mutations) shared by this many points.
#: Measured on every bundled statement at 100 points each: 16 draws 9,460 distinct points
#: of 11,700 (8 drew 8,297, 32 drew 7,836: the engine repeats a list's elements) and
#: spends about 15% less in the engine than 8.
BATCH = 16


def search(model: Any, st_: Any, *, seed: int = 0, max_examples: int = 100) -> SearchResult:
    """A seeded Hypothesis search for a counterexample to one statement, at most
    ``max_examples`` points: first in Hypothesis examples of :data:`BATCH` points (a
    statement that holds costs the engine a sixteenth); when that finds a failure, again
    one point an example, which Hypothesis shrinks point by point to a simpler
    counterexample (the batch's own failing point is kept if this second pass finds
    none). ``examples`` counts the points of both passes."""
    batch = min(BATCH, max_examples)
    first_pass = _search(model, st_, seed, max_examples, batch)
    if first_pass.counterexample is None or batch == 1:  # nothing found, or already 1 by 1
        return first_pass
    second = _search(model, st_, seed, max_examples, 1)
    found = second if second.counterexample is not None else first_pass
    return SearchResult(first_pass.examples + second.examples, found.counterexample,
                        found.counterexample2, found.detail)


def _search(model: Any, st_: Any, seed: int, max_examples: int, batch: int) -> SearchResult:
    count = [0]
    failed = [False]

    def test(cases: Any) -> None:
        for first, second in cases if batch > 1 else [cases]:
            if count[0] >= max_examples and not failed[0]:
                return  # the last batch is cut at max_examples points
            count[0] += 1
            failure = check_point(model, st_, first, second)
            if failure:
                failed[0] = True
                raise _Found(first, second, failure)

    one = _strategy(model, st_, seed)
    points = one if batch == 1 else st.lists(one, min_size=batch, max_size=batch)
    runner = settings(max_examples=-(-max_examples // batch), database=None, deadline=None,
                      derandomize=False, verbosity=Verbosity.quiet, print_blob=False,
                      phases=(Phase.explicit, Phase.generate, Phase.shrink),
                      suppress_health_check=list(HealthCheck))(
        given(points)(test))
    runner = hypothesis_seed(seed)(runner)
    try:
        with _without_local_constants():
            runner()
    except _Found as found:
        return SearchResult(count[0], found.first, found.second, found.detail)
    return SearchResult(count[0])
