"""Prove propositions about a sequential model: which action the leader chooses.

A leader (the patron) picks an action, then the followers play a normal-form subgame
(:mod:`qa_games.modelfiles.sequential`; the statements are parsed by
:mod:`qa_games.modelfiles.leader_propositions`). The statement ``choice(a) iff K`` on a
region says that ``a`` is the leader's action in some subgame-perfect equilibrium exactly
when ``K``.

**Reduction.** The leader's payoff is an expression in the parameters and in
``pr_<profile>``, the probability of a named pure profile in the followers' selected
equilibrium. For every action and every such profile ``P``, z3 establishes one of two
facts on the whole region, with mixed equilibria ``sigma`` quantified:

* *P is selected*: ``P`` is an equilibrium and every other equilibrium gives every
  follower at most ``u(P)`` and someone less (so payoff dominance selects ``P``,
  Harsanyi and Selten 1988): ``pr_P = 1``;
* *P is excluded*: no equilibrium plays ``P`` with positive probability: ``pr_P = 0``.

The leader's payoffs then are polynomials, ``choice(a)`` is ``U_a >= U_b`` for all
``b``, and the threshold is decided as in :mod:`qa_games.verify.prover`. When neither fact
holds on the whole region, z3 finds where: the statement is then checked there by
backward induction (:func:`qa_games.solvers.backward_induction.backward_induction`) and refuted when
it fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import sympy

from ..analysis.decide import Reduction, Unsupported, decide, fmt
from ..games.exact_eval import substitute

__all__ = ["choice_at", "prove_choice"]


def choice_at(model: Any, action: str, values: Mapping[str, Fraction]) -> bool:
    """Whether ``action`` is the leader's choice in some SPE at ``values``."""
    from ..solvers.backward_induction import backward_induction

    return action in backward_induction(model, dict(values)).choices


# -- symbolic ---------------------------------------------------------------------

def _domain(model: Any) -> list[Any]:
    out: list[Any] = []
    for p in model.parameters:
        out.extend(p.domain.sympy_conditions(p.symbol))
    return out + list(model.constraints)


def _payoffs_after(model: Any, action: Any) -> list[Any]:
    subs = {model.subgame.game.symbols[k]: v for k, v in action.sets.items()}
    return [_map(arr, subs) for arr in model.subgame.game.payoffs]


def _map(arr: Any, subs: dict) -> Any:
    import numpy as np

    out = np.empty(arr.shape, dtype=object)
    for idx, e in np.ndenumerate(arr):
        out[idx] = substitute(e, subs)
    return out


def _expected(pay: Any, i: int, sigma: list[list[Any]], s: int | None) -> Any:
    """Player i's expected payoff of pure s (or of sigma_i when s is None)."""
    import itertools

    total = sympy.Integer(0)
    for prof in itertools.product(*(range(n) for n in pay[i].shape)):
        if s is not None and prof[i] != s:
            continue
        w = sympy.Integer(1)
        for k, r in enumerate(prof):
            if k != i or s is None:
                w *= sigma[k][r]
        total += w * pay[i][prof]
    return total


def _nash(pay: Any, sigma: list[list[Any]]) -> list[Any]:
    out: list[Any] = []
    for i, probs in enumerate(sigma):
        out += [p >= 0 for p in probs] + [sympy.Eq(sum(probs), 1)]
        vals = [_expected(pay, i, sigma, s) for s in range(len(probs))]
        for s in range(len(probs)):
            for alt in range(len(probs)):
                if alt != s:
                    out.append(sympy.Or(sympy.Eq(probs[s], 0), vals[s] >= vals[alt]))
    return out


def _profile_facts(model: Any, action: Any, pname: str, base: list[Any], red: Reduction,
                   names: list[str]) -> tuple[str, Any]:
    """``("selected" | "excluded" | "unknown", failure formula)`` for profile pname."""
    sub = model.subgame
    pay = _payoffs_after(model, action)
    prof = sub.profiles[pname]
    sigma = [[sympy.Symbol(f"sigma_{pl}_{s}", real=True) for s in sub.game.strategies[i]]
             for i, pl in enumerate(sub.game.players)]
    nash = _nash(pay, sigma)
    played = sympy.Mul(*[sigma[i][prof[i]] for i in range(len(prof))]) > 0
    status, _ = decide(base + nash + [played], names)
    if status == "unsat":
        red.steps.append(f"After `{action.name}`: no equilibrium of the subgame plays "
                         f"{pname} with positive probability (z3: unsat), so "
                         f"pr_{pname} = 0.")
        return "excluded", None
    mine = [pay[i][prof] for i in range(len(prof))]
    is_ne = sympy.And(*[mine[i] >= pay[i][tuple(a if k == i else prof[k]
                                                 for k in range(len(prof)))]
                        for i in range(len(prof)) for a in range(pay[i].shape[i])])
    other = sympy.Or(*[sigma[i][prof[i]] < 1 for i in range(len(prof))])
    theirs = [_expected(pay, i, sigma, None) for i in range(len(prof))]
    dominant = sympy.And(sympy.And(*[m >= t for m, t in zip(mine, theirs, strict=True)]),
                         sympy.Or(*[m > t for m, t in zip(mine, theirs, strict=True)]))
    failure = sympy.Or(sympy.Not(is_ne), sympy.And(*nash, other, sympy.Not(dominant)))
    status, _ = decide(base + [failure], names + [str(x) for r in sigma for x in r])
    if status == "unsat" and model.selection == "payoff_dominance":
        red.steps.append(f"After `{action.name}`: {pname} is an equilibrium of the subgame and "
                         "gives each follower at least, and one of them more than, any other "
                         "equilibrium (mixed included; z3: unsat), so payoff dominance "
                         f"selects it: pr_{pname} = 1.")
        return "selected", None
    red.steps.append(f"After `{action.name}`: neither 'no equilibrium plays {pname}' nor "
                     f"'payoff dominance selects {pname}' holds on the whole region (z3: "
                     f"{status}); the selection there is decided case by case.")
    return "unknown", failure


def prove_choice(model: Any, st: Any) -> tuple[Reduction, list[dict[str, Fraction]]]:
    """Decide ``choice(a) iff K`` on the region; also return points worth checking
    numerically where the reduction does not apply."""
    red = Reduction("unknown", method="z3")
    names = [p.name for p in model.parameters]
    base = _domain(model) + [st.region_expr]
    pr = {pn: sympy.Symbol(f"pr_{pn}", real=True) for pn in model.subgame.profiles}
    used = {str(s) for s in model.leader_payoff.free_symbols}
    if any(n.startswith("u_") for n in used):
        raise Unsupported("leader payoffs in the followers' payoffs u_<player>")
    payoff = {}
    suspects: list[dict[str, Fraction]] = []
    unknown: list[tuple[Any, Any]] = []  # (pr symbol, failure formula)
    for act in model.actions:
        subs = {model.subgame.game.symbols[k]: v for k, v in act.sets.items()}
        u = substitute(model.leader_payoff, subs)
        chosen = None
        for pn, sym in pr.items():
            if sym not in u.free_symbols:
                continue
            fact, failure = _profile_facts(model, act, pn, base, red, names)
            if fact == "unknown":
                tag = sympy.Symbol(f"pr_{pn}_{act.name}", real=True)
                u = u.xreplace({sym: tag})
                unknown.append((tag, failure))
                continue
            if fact == "selected":
                chosen = pn
            u = u.xreplace({sym: sympy.Integer(1 if fact == "selected" else 0)})
        if chosen is not None:
            u = u.xreplace({s: 0 for s in pr.values()})
        payoff[act.name] = sympy.expand(u)
        red.steps.append(f"The leader's payoff from `{act.name}`: {fmt(payoff[act.name])}.")
    a = st.parsed.name
    flag = sympy.And(*[payoff[a] >= payoff[b] for b in payoff if b != a])
    if unknown:
        # Where the reduction fails, look for points at which the claim would fail if the
        # followers' selection there differed from the rest of the region.
        for _tag, failure in unknown:
            for value in (0, 1):
                guess = flag.xreplace({t: value for t, _ in unknown})
                for bad in (sympy.And(st.condition_expr, sympy.Not(guess)),
                            sympy.And(sympy.Not(st.condition_expr), guess)):
                    _, w = decide(base + [failure, bad], names)
                    if w:
                        suspects.append({k: w[k] for k in names})
        red.status = "unknown"
        return red, suspects
    red.steps.append(f"`{st.outcome}` iff {fmt(flag)}.")
    status1, w1 = decide(base + [flag, sympy.Not(st.condition_expr)], names)
    red.steps.append(f"`{st.outcome}` and not ({st.condition}), on the region: z3 says "
                     f"{status1}.")
    if status1 == "unsat":
        status2, w2 = decide(base + [st.condition_expr, sympy.Not(flag)], names)
        red.steps.append(f"({st.condition}) and not `{st.outcome}`, on the region: z3 says "
                         f"{status2}.")
        status, w = status2, w2
    else:
        status, w = status1, w1
    red.status = {"unsat": "proved", "sat": "refuted"}.get(status, "unknown")
    red.witness = w
    return red, suspects
