"""A sequential model (a leader, then a normal-form subgame) as an ordinary game tree.

A :class:`qa_games.SequentialModel` is a two-stage game: the leader picks an action
``a``, then the followers play the subgame model at the parameter values ``a`` sets.
As an extensive-form game (Kuhn 1953) that is a tree whose root is the leader's
decision; below each action the followers move one after another, each in an
information set that spans all the nodes after that action (so nobody sees another
follower's move: a simultaneous-move subgame), and each terminal node pays the
subgame's payoffs at its pure profile plus the leader's payoff with ``pr_<profile>``
= 1 for the profile reached (0 for the others) and ``u_<player>`` the followers'
payoffs there. That is the leader's expected payoff in every mixed equilibrium
exactly when the leader's payoff expression is affine in these outcome quantities
(otherwise :class:`UnsupportedGameError`). Subgame-perfect equilibria of this tree
(:func:`qa_games.solvers.subgame_perfect.subgame_perfect` with the model's
selection rule) give the leader choices :func:`qa_games.backward_induction` gives.

>>> from qa_games import load_model
>>> from qa_games.solvers.subgame_perfect import subgame_perfect
>>> m = load_model("patron_sequential")
>>> t = sequential_tree(m, {"t": 1})
>>> sol = subgame_perfect(t, selection=m.selection)
>>> sorted({e.actions(t)["P"] for e in sol.equilibria})
['weak']
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import sympy

from qa_games.errors import SolverError, UnsupportedGameError
from qa_games.games.exact_eval import substitute

__all__ = ["sequential_tree", "leader_choices"]


def _outcome_symbols(model: Any) -> dict[str, sympy.Symbol]:
    sub = model.subgame
    names = {f"pr_{p}": sympy.Symbol(f"pr_{p}", real=True) for p in sub.profiles}
    names.update({f"u_{pl}": sympy.Symbol(f"u_{pl}", real=True) for pl in sub.game.players})
    return names


def _check_affine(model: Any) -> None:
    syms = list(_outcome_symbols(model).values())
    expr = model.leader_payoff
    used = [s for s in syms if s in expr.free_symbols]
    if not used:
        return
    try:
        degree = sympy.Poly(sympy.expand(expr), *used).total_degree()
    except sympy.PolynomialError:
        degree = None
    if degree is None or degree > 1:
        raise UnsupportedGameError(
            f"{model.name}: the leader's payoff {expr} is not affine in the subgame's outcome "
            f"({', '.join(str(s) for s in used)}), so it is not an expected payoff over the "
            f"terminal nodes of a tree")


def _rational(x: Any) -> sympy.Expr:
    if isinstance(x, (int, Fraction)):
        x = Fraction(x)
        return sympy.Rational(x.numerator, x.denominator)
    return sympy.Float(float(x))


def sequential_tree(model: Any, values: Mapping[str, Any] | None = None) -> Any:
    """The numeric game tree of a sequential model at ``values`` (defaults for the rest).

    Players: the leader, then the subgame's players; the leader's information set is
    named after the leader, each follower's after ``<player>@<action>``.
    """
    from qa_games.games.tree import Decision, Terminal, Tree

    _check_affine(model)
    vals = model.values(values)
    sub = model.subgame
    outcome = _outcome_symbols(model)
    followers = sub.game.players
    if model.leader in followers:
        raise UnsupportedGameError(f"{model.name}: the leader {model.leader!r} is also a "
                                   f"player of the subgame")
    moves = {}
    for act in model.actions:
        sub_vals = model.subgame_values(act, vals)
        game = sub.at(sub_vals)
        subs = {sympy.Symbol(k, real=True): _rational(v) for k, v in {**vals, **sub_vals}.items()}

        def leaf(profile: tuple[int, ...], game: Any = game,
                 subs: dict[sympy.Symbol, sympy.Expr] = subs) -> Any:
            pays = game.payoff(profile)
            local = dict(subs)
            for pname, idx in sub.profiles.items():
                local[outcome[f"pr_{pname}"]] = sympy.Integer(int(tuple(idx) == profile))
            for pl, u in zip(followers, pays, strict=True):
                local[outcome[f"u_{pl}"]] = _rational(u)
            val = substitute(model.leader_payoff, local)
            if val.is_Rational:
                lead: Any = Fraction(int(val.p), int(val.q))
            elif val.is_number:
                lead = float(val)
            else:
                raise SolverError(f"{model.name}: leader payoff {model.leader_payoff} is not "
                                  f"a number at {profile} ({val})")
            return Terminal(lead, *pays)

        # followers move in turn; follower i's set spans every node after this action
        def build(prefix: tuple[int, ...], act_name: str = act.name,
                  leaf: Any = leaf) -> Any:
            i = len(prefix)
            if i == len(followers):
                return leaf(prefix)
            return Decision(followers[i], {
                s: build(prefix + (k,)) for k, s in enumerate(sub.game.strategies[i])},
                infoset=f"{followers[i]}@{act_name}")

        moves[act.name] = build(())
    return Tree.from_spec((model.leader, *followers),
                          Decision(model.leader, moves, infoset=model.leader),
                          title=f"{model.title} (game tree)")


def leader_choices(tree: Any, solution: Any, leader: str) -> tuple[str, ...]:
    """The leader's actions played (with certainty) in some listed SPE, in tree order."""
    root = tree.nodes[0]
    chosen = set()
    for e in solution.equilibria:
        b = e.behaviour[root.infoset]
        for j, p in enumerate(b):
            if p == 1:
                chosen.add(root.actions[j])
    return tuple(a for a in root.actions if a in chosen)
