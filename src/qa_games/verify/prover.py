"""The symbolic half of :func:`qa_games.verify.verdicts.verify`: one statement -> proved / refuted.

See :mod:`qa_games.analysis.decide` for the reduction; this module writes the derivation
steps a reader follows in ``proofs/`` and decides each step exactly.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any

import sympy

from ..analysis.decide import (
    Reduction,
    Unsupported,
    decide,
    denominators,
    domain_conditions,
    flag_formula,
    fmt,
    mixed_probabilities,
    nash_conditions,
)
from ..games.exact_eval import exact_function
from ..games.memo import PerObject

__all__ = ["prove"]


_EXPANDED: PerObject[list[tuple[str, Any]]] = PerObject()
_NAMED: PerObject[str] = PerObject()


def _expanded_derived(model: Any) -> list[tuple[str, Any]]:
    """The model's derived quantities, expanded once per model."""
    return _EXPANDED.get(model, None, lambda: [(name, sympy.expand(d))
                                               for name, d in model.derived.items()])


# two points of odd rationals, one value per symbol name (built lazily)
_PROBES: list[dict[str, Fraction]] = [{}, {}]


def _probe_values(fn: Any, names: set[str]) -> list[Fraction] | None:
    """``fn`` at the probe points (exact), or None where it cannot be evaluated there."""
    out = []
    for k, point in enumerate(_PROBES):
        for n in names - point.keys():
            point[n] = Fraction(1000003 + 7919 * len(point) + 104729 * k, 999983 + 31 * k)
        try:
            out.append(Fraction(fn(point)))
        except (ZeroDivisionError, KeyError, TypeError):
            return None
    return out


def _named(model: Any, expr: Any) -> str:
    """:func:`_name_of`, once per model and expression: the same inequalities recur in
    a model's statements (an outcome in several regions, an equilibrium in several)."""
    return _NAMED.get(model, expr, lambda: _name_of(model, expr))


def _name_of(model: Any, expr: Any) -> str:
    """``expr`` factored, with a derived quantity's name when it equals one (or its negative).

    Each derived quantity is first compared with ``expr`` at two rational points, exactly:
    where the values differ they are not equal (nor opposite), and sympy's expansion,
    the proof of equality, is run only for those that agree there."""
    e = sympy.expand(expr)
    fe = exact_function(e)
    ve = None if fe is None else _probe_values(fe, {str(x) for x in e.free_symbols})
    for name, d in _expanded_derived(model):
        fd = exact_function(d) if ve is not None else None
        vd = None if fd is None else _probe_values(fd, {str(x) for x in d.free_symbols})
        if ve is not None and vd is not None:
            same = ve == vd
            opposite = all(a == -b for a, b in zip(ve, vd, strict=True))
        else:
            same = opposite = True  # undecided here: sympy decides
        if same and sympy.expand(e - d) == 0:
            return name
        if opposite and sympy.expand(e + d) == 0:
            return f"-{name}"
    return fmt(sympy.factor(e))


def _show_condition(model: Any, cond: Any) -> str:
    """A condition atom by atom as ``(lhs - rhs) op 0`` with derived names where possible."""
    if cond is sympy.true or cond is sympy.false:
        return str(bool(cond))
    if isinstance(cond, (sympy.And, sympy.Or)):
        glue = " and " if isinstance(cond, sympy.And) else " or "
        return glue.join(f"({_show_condition(model, a)})" for a in cond.args)
    if isinstance(cond, sympy.Not):
        return f"not ({_show_condition(model, cond.args[0])})"
    if isinstance(cond, sympy.core.relational.Relational):
        if any(isinstance(n, (sympy.Min, sympy.Max)) for n in sympy.preorder_traversal(cond)):
            return fmt(cond)
        return f"{_named(model, cond.lhs - cond.rhs)} {cond.rel_op} 0"
    return fmt(cond)


def _defined(exprs: list[Any]) -> list[Any]:
    dens: list[Any] = []
    for e in exprs:
        if e is not None:
            dens.extend(denominators(e))
    return [sympy.Ne(d, 0) for d in sorted(dict.fromkeys(dens), key=sympy.default_sort_key)]


def _names(model: Any) -> list[str]:
    return list(model.game.parameter_names)


def _check_defined(model: Any, base: list[Any], exprs: list[Any], red: Reduction) -> bool:
    """Every denominator is non-zero on the region; else record a witness and refute."""
    dens = [c.lhs for c in _defined(exprs)]
    if not dens:
        return True
    status, witness = decide(base + [sympy.Or(*[sympy.Eq(d, 0) for d in dens])], _names(model))
    shown = ", ".join(fmt(d) for d in dens)
    if status == "unsat":
        red.steps.append(f"Well defined: the denominators {shown} do not vanish on the region "
                         "(z3: unsat).")
        return True
    red.steps.append(f"Not well defined: a denominator among {shown} vanishes on the region "
                     f"({'z3 witness' if witness else 'z3: unknown'}).")
    red.status = "refuted" if witness else "unknown"
    red.witness = witness
    return False


def _value(model: Any, st: Any, red: Reduction) -> tuple[str, Any, list[Any]]:
    """The outcome as a condition (``"bool"``) or an expression (``"num"``), and the
    conditions under which it is defined (a completely mixed equilibrium exists)."""
    o = st.parsed
    if o.is_boolean:
        f = flag_formula(model, o)
        if o.form != "holds":
            red.steps.append(f"`{o.text}` reduces to the best-response inequalities: "
                             f"{_show_condition(model, f)}.")
        return "bool", f, []
    if o.form == "expression":
        return "num", o.expr, []
    if o.form == "prob" and st.selection == "mixed":
        (p, _), (q, _) = mixed_probabilities(model)
        probs = mixed_probabilities(model)
        value = probs[o.player][o.strategy]
        game = model.game
        red.steps.append(f"The completely mixed equilibrium (indifference conditions): "
                         f"{game.players[0]} plays {game.strategies[0][0]} with probability "
                         f"{fmt(p)}, {game.players[1]} plays {game.strategies[1][0]} with "
                         f"probability {fmt(q)}; so {o.text} = {_named(model, value)}.")
        return "num", value, [p > 0, p < 1, q > 0, q < 1]
    raise Unsupported(f"no exact reduction for {o.text} under selection {st.selection!r} "
                      "(checked by sampling only)")


def _convex_in(model: Any, st: Any, p: sympy.Symbol) -> bool:
    """The region's and constraints' slices in ``p`` are intervals (bounds on p alone, or
    linear inequalities), so the sign of a derivative decides monotonicity."""
    atoms = list(sympy.preorder_traversal(st.region_expr))
    for a in atoms:
        if isinstance(a, sympy.core.relational.Relational) and p in a.free_symbols:
            if a.free_symbols != {p} or not isinstance(a, sympy.core.relational.Relational) \
                    or isinstance(a, (sympy.Ne, sympy.Eq)):
                return False
    if any(isinstance(a, (sympy.Or, sympy.Not)) for a in atoms):
        return False
    for c in model.game.constraints:
        if p in c.free_symbols:
            if isinstance(c, (sympy.Eq, sympy.Ne)):
                return False
            if sympy.degree(sympy.expand(c.lhs - c.rhs), p) > 1:
                return False
    return True


def _sign_by_assumptions(model: Any, st: Any, expr: Any) -> bool | None:
    """Decide ``expr >= 0`` (or ``> 0`` when strict) from each parameter's sign alone."""
    bounds: dict[str, tuple[Any, bool]] = {}
    for prm in model.game.parameters:
        if prm.domain.lower is not None:
            bounds[prm.name] = (sympy.Rational(prm.domain.lower.numerator,
                                               prm.domain.lower.denominator),
                                not prm.domain.lower_closed)
    region = st.region_expr
    atoms = region.args if isinstance(region, sympy.And) else (region,)
    for a in atoms:
        if isinstance(a, (sympy.StrictGreaterThan, sympy.GreaterThan)) and a.lhs.is_Symbol \
                and a.rhs.is_number:
            strict = isinstance(a, sympy.StrictGreaterThan)
            old = bounds.get(a.lhs.name)
            if old is None or a.rhs > old[0] or (a.rhs == old[0] and strict):
                bounds[a.lhs.name] = (a.rhs, strict)
    subs = {}
    for prm in model.game.parameters:
        lo = bounds.get(prm.name)
        if lo is None or lo[0] < 0:
            continue
        if lo[0] > 0 or lo[1]:
            subs[prm.symbol] = sympy.Symbol(prm.name, positive=True)
        else:
            subs[prm.symbol] = sympy.Symbol(prm.name, nonnegative=True)
    e = expr.xreplace(subs)
    return e.is_positive if st.strict else e.is_nonnegative


@lru_cache(maxsize=1024)
def _factored_derivative(value: Any, p: Any) -> Any:
    """``d value / d p``, cancelled and factored (once: statements about one outcome in
    several regions share it)."""
    return sympy.factor(sympy.cancel(sympy.diff(value, p)))


def _pair(model: Any, st: Any, red: Reduction, kind: str, value: Any,
          valid: list[Any]) -> Reduction:
    p = model.game.symbols[st.parameter]
    p2 = sympy.Symbol(f"{st.parameter}_2", real=True)
    sub = {p: p2}
    base = domain_conditions(model) + domain_conditions(model, sub) + \
        [st.region_expr, st.region_expr.xreplace(sub), p < p2] + valid + \
        [v.xreplace(sub) for v in valid]
    exprs = [value] if kind == "num" else [value]
    if not _check_defined(model, base, exprs + [e.xreplace(sub) for e in exprs], red):
        return red
    v2 = value.xreplace(sub)
    sign = 1 if st.direction == "increasing" else -1
    smooth = not any(isinstance(n, (sympy.Min, sympy.Max, sympy.Abs, sympy.Piecewise))
                     for n in sympy.preorder_traversal(value))
    if st.kind == "monotonicity" and kind == "num" and smooth:
        d = _factored_derivative(value, p)
        red.steps.append(f"d({st.outcome})/d{st.parameter} = {fmt(d)}.")
        if _convex_in(model, st, p):
            ok = _sign_by_assumptions(model, st, sign * d)
            if ok:
                rel = ">" if st.strict else ">="
                red.steps.append(f"SymPy: {'' if sign > 0 else '-'}d({st.outcome})/"
                                 f"d{st.parameter} {rel} 0 from the signs of the parameters "
                                 f"on the region; the region is an interval in {st.parameter}, "
                                 "so the outcome is monotone there.")
                red.status, red.method = "proved", "sympy"
                return red
    if st.kind == "invariance":
        simple = sympy.simplify(value) if kind == "num" else value
        if p not in simple.free_symbols:
            red.steps.append(f"SymPy: {st.outcome} = {fmt(simple)} does not contain "
                             f"{st.parameter}.")
            red.status, red.method = "proved", "sympy"
            return red
        bad = sympy.Ne(value, v2) if kind == "num" else sympy.Xor(value, v2)
        claim = f"{st.outcome} at {st.parameter} differs from {st.outcome} at {p2}"
    elif kind == "bool":
        bad = sympy.And(value, sympy.Not(v2)) if sign > 0 else sympy.And(sympy.Not(value), v2)
        claim = (f"{st.outcome} holds at {st.parameter} but not at a larger {p2}" if sign > 0
                 else f"{st.outcome} fails at {st.parameter} but holds at a larger {p2}")
    else:
        if sign > 0:
            bad = v2 <= value if st.strict else v2 < value
        else:
            bad = v2 >= value if st.strict else v2 > value
        claim = f"{st.outcome} does not {'rise' if sign > 0 else 'fall'}" \
                f"{'' if st.strict else ' weakly'} from {st.parameter} to a larger {p2}"
    names = _names(model) + [p2.name]
    status, witness = decide(base + _defined([value, v2]) + [bad], names)
    red.steps.append(f"Negation ({claim}, both points in the domain and the region): "
                     f"z3 says {status}.")
    return _finish(red, status, witness, pair=(st.parameter, p2.name))


def _finish(red: Reduction, status: str, witness: Any, *,
            pair: tuple[str, str] | None = None) -> Reduction:
    red.method = red.method or "z3"
    if status == "unsat":
        red.status = "proved"
    elif status == "sat":
        red.status = "refuted"
        if pair is None:
            red.witness = witness
        else:
            name, name2 = pair
            w = dict(witness)
            v2 = w.pop(name2)
            red.witness = w
            red.witness2 = {**w, name: v2}
    else:
        red.status = "unknown"
    return red


def prove(model: Any, st: Any) -> Reduction:
    """Decide one statement of ``model`` symbolically (see :mod:`qa_games.analysis.decide`)."""
    red = Reduction("unknown")
    try:
        return _prove(model, st, red)
    except Unsupported as exc:
        red.steps.append(f"No exact reduction: {exc}.")
        red.status, red.method = "unknown", "none"
        return red


def _prove(model: Any, st: Any, red: Reduction) -> Reduction:
    names = _names(model)
    base = domain_conditions(model) + [st.region_expr]
    if st.kind == "uniqueness":
        return _uniqueness(model, st, red, base)
    kind, value, valid = _value(model, st, red)
    if valid:
        status, witness = decide(base + [sympy.Not(sympy.And(*valid))], names)
        red.steps.append(f"The completely mixed equilibrium exists on the region "
                         f"(0 < probabilities < 1): z3 says "
                         f"{'yes (unsat negation)' if status == 'unsat' else status}.")
        if status != "unsat":
            return _finish(red, status, witness)
    if st.kind in ("monotonicity", "invariance"):
        return _pair(model, st, red, kind, value, valid)
    cond = st.condition_expr
    if not _check_defined(model, base, [value, cond], red):
        return red
    red.steps.append(f"Condition: {st.condition} (as inequalities: "
                     f"{_show_condition(model, cond)}).")
    defined = _defined([value, cond])
    status1, w1 = decide(base + defined + [value, sympy.Not(cond)], names)
    red.steps.append(f"`{st.outcome}` and not the condition, on the region: z3 says {status1}.")
    if status1 != "unsat":
        return _finish(red, status1, w1)
    status2, w2 = decide(base + defined + [cond, sympy.Not(value)], names)
    red.steps.append(f"The condition and not `{st.outcome}`, on the region: z3 says {status2}.")
    return _finish(red, status2, w2)


def _uniqueness(model: Any, st: Any, red: Reduction, base: list[Any]) -> Reduction:
    from ..modelfiles.propositions import parse_outcome

    names = _names(model)
    game = model.game
    for pname in st.equilibria:
        o = parse_outcome(f"equilibrium({pname})", model, where=st.region)
        f = flag_formula(model, o)
        status, witness = decide(base + [sympy.Not(f)], names)
        red.steps.append(f"{pname} is an equilibrium iff {_show_condition(model, f)}; "
                         f"its failure on the region: z3 says {status}.")
        if status != "unsat":
            return _finish(red, status, witness)
    sigma = [[sympy.Symbol(f"sigma_{game.players[i]}_{s}", real=True)
              for s in game.strategies[i]] for i in range(game.n_players)]
    others = []
    for pname in st.equilibria:
        prof = model.profiles[pname]
        others.append(sympy.Or(*[sigma[i][prof[i]] < 1 for i in range(game.n_players)]))
    status, witness = decide(base + nash_conditions(model, sigma) + others, names)
    red.steps.append("Any other equilibrium, mixed included: a profile of mixed strategies "
                     "sigma in which every strategy played earns at least as much as any "
                     "other, different from the profiles listed, on the region: "
                     f"z3 says {status}.")
    return _finish(red, status, witness)
