"""Symbolic reduction of statements to polynomial (in)equalities, decided exactly.

Every yes/no outcome of a finite game is a formula in its payoffs: a pure profile
``s`` is a Nash equilibrium iff ``u_i(s) >= u_i(s'_i, s_-i)`` for every player and
deviation; a mixed profile ``sigma`` is one iff every strategy in a player's
support earns at least as much as any other against ``sigma_-i`` (Nash 1951). The
payoffs are polynomials or rational functions of the parameters, so each statement
of :mod:`qa_games.modelfiles.propositions` becomes a first-order sentence over the reals:

* threshold ``F iff K`` on region ``R``: ``D & R & F & ~K`` and ``D & R & K & ~F``
  are both unsatisfiable (``D``: parameter domains and model constraints);
* uniqueness ``NE = S``: each ``s`` in ``S`` is an equilibrium on ``D & R``, and no
  mixed profile ``sigma`` outside ``S`` satisfies the equilibrium conditions;
* monotonicity/invariance in ``p``: two copies of the parameters that differ only
  in ``p`` (``p < p'``), both in ``D & R``, with the outcome moving the wrong way
  (or differing) is unsatisfiable.

The negation is handed to z3's nonlinear real arithmetic (nlsat), a decision
procedure: ``unsat`` is a proof, ``sat`` gives a witness that the caller confirms
with :func:`qa_games.solvers.solve.solve`. SymPy is tried first where it can decide alone
(the sign of a derivative from the parameters' signs, an outcome free of ``p``);
expressions z3 cannot read (non-integer powers) are left to SymPy.

Source: Leonardo de Moura and Nikolaj Bjorner, "Z3: An Efficient SMT Solver",
TACAS 2008; Dejan Jovanovic and Leonardo de Moura, "Solving Non-linear Arithmetic",
IJCAR 2012.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy
import z3

from ..games.exact_eval import substitute
from ..games.memo import PerObject

__all__ = ["Reduction", "Unsupported", "to_z3", "decide", "domain_conditions",
           "flag_formula", "mixed_probabilities", "denominators", "nash_conditions"]

TIMEOUT_MS = 30_000


class Unsupported(Exception):
    """The statement has no exact reduction here (e.g. a non-integer power for z3)."""


@dataclass
class Reduction:
    """The outcome of deciding one statement symbolically."""

    status: str  # "proved" | "refuted" | "unknown"
    method: str = ""
    steps: list[str] = field(default_factory=list)
    witness: dict[str, Fraction] | None = None
    witness2: dict[str, Fraction] | None = None  # the second point (pair statements)


def fmt(expr: Any) -> str:
    """A readable one-line form of a sympy expression or condition."""
    return sympy.sstr(expr, order="none")


def _z3_number(x: sympy.Rational) -> z3.ArithRef:
    return z3.RealVal(f"{int(x.p)}/{int(x.q)}")


def to_z3(expr: Any, env: dict[str, z3.ArithRef]) -> Any:
    """Translate a sympy expression or condition into a z3 term over ``env``."""
    if expr is sympy.true or expr is True:
        return z3.BoolVal(True)
    if expr is sympy.false or expr is False:
        return z3.BoolVal(False)
    if isinstance(expr, sympy.Symbol):
        if expr.name not in env:
            env[expr.name] = z3.Real(expr.name)
        return env[expr.name]
    if isinstance(expr, sympy.Rational):
        return _z3_number(expr)
    if isinstance(expr, sympy.Add):
        terms = [to_z3(a, env) for a in expr.args]
        return z3.Sum(terms) if len(terms) > 1 else terms[0]
    if isinstance(expr, sympy.Mul):
        out = None
        for a in expr.args:
            t = to_z3(a, env)
            out = t if out is None else out * t
        return out
    if isinstance(expr, sympy.Pow):
        base, exp = expr.args
        if not (exp.is_Integer):
            raise Unsupported(f"non-integer power {fmt(expr)}")
        n = int(exp)
        b = to_z3(base, env)
        if n == 0:
            return z3.RealVal(1)
        acc = b
        for _ in range(abs(n) - 1):
            acc = acc * b
        return acc if n > 0 else 1 / acc
    if isinstance(expr, (sympy.Min, sympy.Max)):
        items = [to_z3(a, env) for a in expr.args]
        acc = items[0]
        for t in items[1:]:
            acc = z3.If(t < acc, t, acc) if isinstance(expr, sympy.Min) else \
                z3.If(t > acc, t, acc)
        return acc
    if isinstance(expr, sympy.Abs):
        t = to_z3(expr.args[0], env)
        return z3.If(t >= 0, t, -t)
    if isinstance(expr, sympy.Piecewise):
        out = None
        for value, cond in reversed(expr.args):
            v = to_z3(value, env)
            out = v if out is None else z3.If(to_z3(cond, env), v, out)
        return out
    rel = {sympy.StrictLessThan: lambda a, b: a < b, sympy.LessThan: lambda a, b: a <= b,
           sympy.StrictGreaterThan: lambda a, b: a > b, sympy.GreaterThan: lambda a, b: a >= b,
           sympy.Equality: lambda a, b: a == b, sympy.Unequality: lambda a, b: a != b}
    for cls, op in rel.items():
        if isinstance(expr, cls):
            return op(to_z3(expr.lhs, env), to_z3(expr.rhs, env))
    if isinstance(expr, sympy.And):
        return z3.And(*[to_z3(a, env) for a in expr.args])
    if isinstance(expr, sympy.Or):
        return z3.Or(*[to_z3(a, env) for a in expr.args])
    if isinstance(expr, sympy.Xor):
        items = [to_z3(a, env) for a in expr.args]
        acc = items[0]
        for t in items[1:]:
            acc = z3.Xor(acc, t)
        return acc
    if isinstance(expr, sympy.Not):
        return z3.Not(to_z3(expr.args[0], env))
    raise Unsupported(f"no exact reduction for {type(expr).__name__}: {fmt(expr)}")


def _fraction(value: Any) -> Fraction:
    if z3.is_algebraic_value(value):
        value = value.approx(30)
    return Fraction(value.numerator_as_long(), value.denominator_as_long())


def decide(formulas: list[Any], names: list[str], *, timeout_ms: int = TIMEOUT_MS
           ) -> tuple[str, dict[str, Fraction] | None]:
    """Satisfiability of the conjunction of sympy ``formulas``: ``("unsat", None)``,
    ``("sat", witness)`` (values of ``names``; irrational ones approximated) or
    ``("unknown", None)``. Raises :class:`Unsupported` when z3 cannot read a formula.

    >>> x = sympy.Symbol("x", real=True)
    >>> decide([x**2 < 0], ["x"])
    ('unsat', None)
    """
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    for f in formulas:
        solver.add(_term(f))
    result = solver.check()
    if result == z3.unsat:
        return "unsat", None
    if result != z3.sat:
        return "unknown", None
    model = solver.model()
    witness = {}
    for name in names:
        witness[name] = _fraction(model.eval(z3.Real(name), model_completion=True))
    return "sat", witness


@lru_cache(maxsize=8192)
def _term(formula: Any) -> Any:
    """``to_z3(formula)``, translated once: the same domain conditions and regions
    recur in most of a model's decisions. A z3 variable is its name, so a term built
    for one decision is the same term in the next."""
    return to_z3(formula, {})


_DOMAINS: PerObject[list[Any]] = PerObject()


def domain_conditions(model: Any, subs: dict[sympy.Symbol, Any] | None = None) -> list[Any]:
    """The parameter domains and model constraints as sympy relations (a new list;
    built once per model and substitution)."""
    key = tuple(subs.items()) if subs else ()
    return list(_DOMAINS.get(model, key, lambda: _domain_conditions(model, subs)))


def _domain_conditions(model: Any, subs: dict[sympy.Symbol, Any] | None) -> list[Any]:
    out: list[Any] = []
    for p in model.game.parameters:
        out.extend(p.domain.sympy_conditions(p.symbol))
    out.extend(model.game.constraints)
    if subs:
        out = [substitute(c, subs) for c in out]
    return out


def denominators(expr: Any) -> list[Any]:
    """The denominators in ``expr`` (bases of negative powers) that are not constants."""
    found = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, sympy.Pow) and node.exp.is_number and node.exp.is_negative:
            if not node.base.is_number:
                found.append(node.base)
    return sorted(dict.fromkeys(found), key=sympy.default_sort_key)  # deterministic order


def _pure_payoff(model: Any, player: int, profile: tuple[int, ...]) -> Any:
    return model.game.payoffs[player][tuple(profile)]


def flag_formula(model: Any, outcome: Any) -> Any:
    """The yes/no outcome as a sympy condition in the parameters."""
    form = outcome.form
    if form == "holds":
        return outcome.expr
    game = model.game
    if form == "equilibrium":
        parts = []
        for i in range(game.n_players):
            parts.append(_best_reply(model, i, outcome.profile[i], outcome.profile))
        return sympy.And(*parts)
    if form == "best_reply":
        return _best_reply(model, outcome.player, outcome.strategy, outcome.profile)
    if form == "dominant":
        i, s = outcome.player, outcome.strategy
        others = [range(m) for k, m in enumerate(game.shape) if k != i]
        parts = []
        for rest in itertools.product(*others):
            for alt in range(game.shape[i]):
                if alt != s:
                    prof = list(rest)
                    prof.insert(i, s)
                    dev = list(rest)
                    dev.insert(i, alt)
                    parts.append(sympy.StrictGreaterThan(_pure_payoff(model, i, tuple(prof)),
                                                         _pure_payoff(model, i, tuple(dev))))
        return sympy.And(*parts)
    raise Unsupported(f"no exact reduction for {form}() outcomes (checked by sampling only)")


def _best_reply(model: Any, i: int, s: int, profile: tuple[int, ...]) -> Any:
    prof = list(profile)
    prof[i] = s
    mine = _pure_payoff(model, i, tuple(prof))
    parts = []
    for alt in range(model.game.shape[i]):
        if alt != s:
            prof[i] = alt
            parts.append(sympy.GreaterThan(mine, _pure_payoff(model, i, tuple(prof))))
    return sympy.And(*parts)


def nash_conditions(model: Any, sigma: list[list[sympy.Symbol]]) -> list[Any]:
    """Conditions that the mixed profile ``sigma`` (probability symbols) is an equilibrium."""
    game = model.game
    out: list[Any] = []
    for probs in sigma:
        out.extend(p >= 0 for p in probs)
        out.append(sympy.Eq(sum(probs), 1))

    def expected(i: int, s: int) -> Any:
        total = sympy.Integer(0)
        others = [k for k in range(game.n_players) if k != i]
        for rest in itertools.product(*(range(game.shape[k]) for k in others)):
            weight = sympy.Integer(1)
            prof = [0] * game.n_players
            prof[i] = s
            for k, r in zip(others, rest, strict=True):
                prof[k] = r
                weight *= sigma[k][r]
            total += weight * _pure_payoff(model, i, tuple(prof))
        return total

    for i in range(game.n_players):
        values = [expected(i, s) for s in range(game.shape[i])]
        for s in range(game.shape[i]):
            for alt in range(game.shape[i]):
                if alt != s:
                    out.append(sympy.Or(sympy.Eq(sigma[i][s], 0),
                                        sympy.GreaterThan(values[s], values[alt])))
    return out


_MIXED: PerObject[tuple[tuple[Any, Any], tuple[Any, Any]]] = PerObject()


def mixed_probabilities(model: Any) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """The completely mixed equilibrium of a 2x2 game from the indifference conditions:
    ``((p, 1 - p), (q, 1 - q))``, where ``p`` makes the column player indifferent and
    ``q`` the row player (derived once per model)."""
    return _MIXED.get(model, None, lambda: _mixed_probabilities(model))


def _mixed_probabilities(model: Any) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    a, b = model.game.payoffs
    p = sympy.together((b[1, 1] - b[1, 0]) / (b[0, 0] - b[1, 0] - b[0, 1] + b[1, 1]))
    q = sympy.together((a[1, 1] - a[0, 1]) / (a[0, 0] - a[0, 1] - a[1, 0] + a[1, 1]))
    p, q = sympy.factor(p), sympy.factor(q)
    return (p, 1 - p), (q, 1 - q)
