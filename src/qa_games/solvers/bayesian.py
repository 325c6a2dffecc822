"""Bayesian Nash equilibria: the Harsanyi tree, the agent form, and their equilibria.

A Bayesian game (Harsanyi 1967-68; Osborne and Rubinstein 1994, sec. 2.6) becomes an
extensive-form game by the *Harsanyi transformation*: a chance root draws the type
profile from the common prior, then each player moves once, in an information set
that reveals only its own type (nobody sees another's move: a simultaneous game
after the draw). A *Bayesian Nash equilibrium* is a Nash equilibrium of this tree,
i.e. of its strategic form whose strategies are type-contingent plans (ex-ante
expected payoffs); :func:`bayesian_equilibria` computes them with
:func:`qa_games.solvers.reduced_form.tree_equilibria` (every extreme equilibrium for
two players, exactly; pure ones for more) and reports each player's mixed action per
type. The *agent form* (Selten 1975) makes each type ``(i, t_i)`` of positive
probability a player of its own, with payoff ``E[u_i | t_i]``; its pure Nash
equilibria are the pure Bayesian Nash equilibria (each type best-responds), which the
tests check against the tree.

>>> from qa_games.modelfiles.bayesian_model import parse_bayesian_model
>>> m = parse_bayesian_model({
...     "model": {"name": "doubt", "players": ["A", "P"]},
...     "parameters": {"q": {"domain": "[0, 1]", "default": 0.75}},
...     "types": {"A": ["normal"], "P": ["committed", "wavering"]},
...     "prior": {"normal,committed": "q", "normal,wavering": "1 - q"},
...     "actions": {"A": ["stand", "yield"], "P": ["defend", "abandon"]},
...     "payoffs": {
...         "normal,committed": {"stand,defend": [2, 1], "stand,abandon": [-2, -1],
...                              "yield,defend": [0, 0], "yield,abandon": [0, 0]},
...         "normal,wavering": {"stand,defend": [2, -1], "stand,abandon": [-2, 1],
...                             "yield,defend": [0, 0], "yield,abandon": [0, 0]}}},
...     where="doubt")
>>> for e in bayesian_equilibria(m).equilibria:
...     if e.pure:
...         print(e.pure["A|normal"], e.pure["P|committed"], e.pure["P|wavering"])
stand defend abandon
yield abandon defend
yield abandon abandon
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from qa_games.errors import ParameterError, UnsupportedGameError
from qa_games.games.exact_eval import substitute

__all__ = [
    "BayesianEquilibrium",
    "BayesianSolution",
    "harsanyi_tree",
    "agent_form",
    "bayesian_equilibria",
    "MAX_AGENT_PROFILES",
]

#: Largest number of pure profiles of the agent form built.
MAX_AGENT_PROFILES = 1_000_000


@dataclass(frozen=True)
class BayesianEquilibrium:
    """Each ``"<player>|<type>"``'s mixed action (a probability per action) and each
    player's ex-ante expected payoff; ``pure`` names the actions when all are pure."""

    strategy: Mapping[str, tuple[Any, ...] | None]
    payoffs: tuple[Any, ...]
    pure: dict[str, str] | None


@dataclass(frozen=True, eq=False)
class BayesianSolution:
    model: Any
    values: Mapping[str, Fraction]
    tree: Any
    equilibria: tuple[BayesianEquilibrium, ...]
    complete: bool
    note: str


def _num(expr: sympy.Expr, subs: Mapping[sympy.Symbol, Any], what: str) -> Any:
    val = substitute(expr, subs)
    if val.is_Rational:
        return Fraction(int(val.p), int(val.q))
    if val.is_number and val.is_real:
        return float(val)
    raise ParameterError(f"{what} = {expr} is {val} here, not a real number")


def _numeric(model: Any, values: Mapping[str, Any] | None) -> tuple[dict, dict, dict]:
    vals = model.values(values)
    subs = {p.symbol: sympy.Rational(vals[p.name].numerator, vals[p.name].denominator)
            for p in model.parameters}
    prior = {t: _num(e, subs, f"prior {t}") for t, e in model.prior.items()}
    if any(p < 0 for p in prior.values()) or sum(prior.values()) != 1:
        raise ParameterError(f"{model.name}: the prior is not a distribution here")
    pays = {t: {a: tuple(_num(u, subs, f"payoff at {t}, {a}") for u in us)
                for a, us in row.items()} for t, row in model.payoffs.items()}
    return vals, prior, pays


def _iset(model: Any, i: int, t: int) -> str:
    return f"{model.players[i]}|{model.types[i][t]}"


def harsanyi_tree(model: Any, values: Mapping[str, Any] | None = None) -> Any:
    """The Harsanyi tree of a Bayesian model at ``values`` (see the module docstring)."""
    from qa_games.games.tree import Chance, Decision, Terminal, Tree

    _, prior, pays = _numeric(model, values)
    n = len(model.players)
    zero = (Fraction(0),) * n

    def below(tprof: tuple[int, ...], prefix: tuple[int, ...]) -> Any:
        i = len(prefix)
        if i == n:
            return Terminal(*pays.get(tprof, {}).get(prefix, zero))
        return Decision(model.players[i], {
            a: below(tprof, prefix + (k,)) for k, a in enumerate(model.actions[i])},
            infoset=_iset(model, i, tprof[i]))

    moves = {",".join(model.types[i][t] for i, t in enumerate(tp)): (prior[tp], below(tp, ()))
             for tp in model.type_profiles()}
    return Tree.from_spec(model.players, Chance(moves), title=f"{model.title} (Harsanyi tree)")


def agent_form(model: Any, values: Mapping[str, Any] | None = None) -> tuple[Any, list[str]]:
    """The agent form: a :class:`qa_games.Game` with one player per type of positive
    probability (named ``"<player>|<type>"``), its payoff the expected payoff given its
    type. Returns the game and the agent names."""
    from ..games.normal_form import Game

    _, prior, pays = _numeric(model, values)
    n = len(model.players)
    marg = [[sum((p for tp, p in prior.items() if tp[i] == t), Fraction(0))
             for t in range(len(model.types[i]))] for i in range(n)]
    agents = [(i, t) for i in range(n) for t in range(len(model.types[i])) if marg[i][t] > 0]
    index = {a: k for k, a in enumerate(agents)}
    shape = tuple(len(model.actions[i]) for i, _ in agents)
    size = int(np.prod(shape))
    if size > MAX_AGENT_PROFILES:
        raise UnsupportedGameError(f"the agent form has {size} pure profiles, more than "
                                   f"MAX_AGENT_PROFILES={MAX_AGENT_PROFILES}")
    arrays = [np.empty(shape, dtype=object) for _ in agents]
    for prof in itertools.product(*(range(m) for m in shape)):
        for k, (i, t) in enumerate(agents):
            total: Any = Fraction(0)
            for tp, p in prior.items():
                if tp[i] != t or p == 0:
                    continue
                acts = tuple(prof[index[(j, tp[j])]] for j in range(n))
                total += p * pays[tp][acts][i]
            arrays[k][prof] = total / marg[i][t]
    names = [_iset(model, i, t) for i, t in agents]
    game = Game.from_arrays(*arrays, players=names,
                            strategies=[model.actions[i] for i, _ in agents],
                            title=f"{model.title} (agent form)")
    return game, names


def bayesian_equilibria(model: Any, values: Mapping[str, Any] | None = None, *,
                        method: str = "auto") -> BayesianSolution:
    """The Bayesian Nash equilibria of ``model`` at ``values``: the Nash equilibria of its
    Harsanyi tree's reduced form, as mixed actions per type."""
    from qa_games.solvers.reduced_form import tree_equilibria

    vals = model.values(values)
    tree = harsanyi_tree(model, vals)
    sol = tree_equilibria(tree, method=method)
    names = {h: iset.name for h, iset in enumerate(tree.infosets)}
    out = []
    for eq in sol.equilibria:
        strat = {names[h]: b for h, b in enumerate(eq.behaviour)}
        pure: dict[str, str] | None = {}
        for h, b in enumerate(eq.behaviour):
            if b is None or sum(1 for p in b if p != 0) != 1:
                pure = None
                break
            assert pure is not None
            pure[names[h]] = tree.infosets[h].actions[[p != 0 for p in b].index(True)]
        out.append(BayesianEquilibrium(strat, eq.payoffs, pure))
    note = sol.note
    zero = [f"{model.players[i]}|{model.types[i][t]}" for i in range(len(model.players))
            for t in range(len(model.types[i]))
            if all(p == 0 for tp, p in zip(model.type_profiles(),
                                           [tree.nodes[0].probs[k] for k in
                                            range(len(model.type_profiles()))], strict=True)
                   if tp[i] == t)]
    if zero:
        note += f"; types of probability 0 ({', '.join(zero)}): any action is optimal there"
    return BayesianSolution(model, vals, tree, tuple(out), sol.complete, note)
