"""The reduced strategic form of a game tree, its Nash equilibria, as behaviour strategies.

A *pure strategy* of a player names an action at each of its information sets; two
strategies that differ only at sets their own earlier actions rule out are
equivalent, and the *reduced strategic form* keeps one of each class: a *plan*
assigns actions exactly at the sets the plan itself leaves reachable (Kuhn 1953;
von Stengel 2002, sec. 2.2; Gambit builds the same form). The payoff of a profile of
plans is the expectation over the terminal nodes consistent with every plan, weighted
by the chance probabilities on their paths.

Every Nash equilibrium of the tree is a Nash equilibrium of this game, found by
:func:`qa_games.solve` (all extreme equilibria for two players, exactly; pure ones for
more). Each mixed equilibrium ``sigma`` is mapped to behaviour strategies by Kuhn's
theorem: at a set ``I`` of player ``i``, ``b(a | I)`` is the probability of the plans
that choose ``a`` at ``I`` over that of the plans that reach ``I``, which is
realization-equivalent to ``sigma`` under perfect recall; a set no plan in the
support reaches gets ``None`` (any action there is optimal).

>>> from qa_games.games.tree import Decision, Terminal, Tree
>>> entry = Tree.from_spec(["E", "I"], Decision("E", {
...     "out": Terminal(0, 2),
...     "in": Decision("I", {"fight": Terminal(-1, -1), "accommodate": Terminal(1, 1)})}))
>>> sol = tree_equilibria(entry)
>>> sol.reduced.game.strategies
(('out', 'in'), ('fight', 'accommodate'))
>>> [[str(p) for s in eq.behaviour for p in s] for eq in sol.equilibria]
[['1', '0', '1', '0'], ['1', '0', '1/2', '1/2'], ['0', '1', '0', '1']]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from qa_games.errors import GameError, UnsupportedGameError

__all__ = [
    "ReducedForm",
    "TreeEquilibrium",
    "TreeSolution",
    "reduced_form",
    "tree_equilibria",
    "behaviour_of",
    "MAX_PLANS",
    "MAX_WORK",
]

#: Largest number of reduced strategies (plans) of one player.
MAX_PLANS = 20_000
#: Largest (number of profiles) x (number of terminal nodes) evaluated.
MAX_WORK = 4_000_000

Plan = tuple[tuple[int, int], ...]  # sorted (infoset, action index) pairs


@dataclass(frozen=True, eq=False)
class ReducedForm:
    """The reduced strategic form: ``game`` (a qa_games :class:`Game`, one axis per tree
    player) and each player's plans, ``plans[i][s]`` = ``((infoset, action), ...)``."""

    tree: Any
    game: Any
    plans: tuple[tuple[Plan, ...], ...]

    def plan_dict(self, player: int, strategy: int) -> dict[int, int]:
        return dict(self.plans[player][strategy])


@dataclass(frozen=True)
class TreeEquilibrium:
    """A Nash equilibrium of a tree: the reduced form's mixed equilibrium ``mixed``
    (a :class:`qa_games.Equilibrium`) and its behaviour strategies, one probability
    tuple per information set (``None``: unreached by the player's own play)."""

    behaviour: tuple[tuple[Any, ...] | None, ...]
    mixed: Any
    payoffs: tuple[Any, ...]


@dataclass(frozen=True, eq=False)
class TreeSolution:
    """What :func:`tree_equilibria` found (``complete`` as in :class:`qa_games.Solution`)."""

    tree: Any
    reduced: ReducedForm
    solution: Any
    equilibria: tuple[TreeEquilibrium, ...]
    complete: bool
    note: str

    def to_json_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: the reduced form's strategies, each equilibrium's mixed
        strategies and behaviour strategies (numbers as strings)."""

        def probs(xs: Any) -> Any:
            return None if xs is None else [str(p) for p in xs]

        return {
            "players": list(self.tree.players),
            "infosets": infosets_json(self.tree),
            "strategies": [list(s) for s in self.reduced.game.strategies],
            "complete": self.complete,
            "equilibria": [{"mixed": [probs(s) for s in (e.mixed.exact or e.mixed.profile)],
                            "behaviour": [probs(b) for b in e.behaviour],
                            "payoffs": [str(u) for u in e.payoffs]} for e in self.equilibria],
            "note": self.note,
        }


def _requirements(tree: Any) -> list[tuple[tuple[int, int], ...]]:
    """For each node, the ``(infoset, action)`` moves of the players on its path."""
    req: list[tuple[tuple[int, int], ...]] = [()] * len(tree.nodes)
    for k in tree.preorder:
        node = tree.nodes[k]
        if node.kind == "decision":
            for j, c in enumerate(node.children):
                req[c] = req[k] + ((node.infoset, j),)
        else:
            for c in node.children:
                req[c] = req[k]
    return req


def _reach_probs(tree: Any) -> list[Any]:
    prob: list[Any] = [Fraction(1)] * len(tree.nodes)
    for k in tree.preorder:
        node = tree.nodes[k]
        for j, c in enumerate(node.children):
            prob[c] = prob[k] * node.probs[j] if node.kind == "chance" else prob[k]
    return prob


def _plans(tree: Any, player: int, req: list[tuple[tuple[int, int], ...]]) -> list[Plan]:
    """Every reduced plan of ``player`` (assignments at exactly the sets they reach)."""
    nodes = tree.nodes
    mine = [h for h, iset in enumerate(tree.infosets) if iset.player == player]
    if not mine:
        return [()]
    pos = {k: p for p, k in enumerate(tree.preorder)}
    mine.sort(key=lambda h: min(pos[k] for k in tree.infosets[h].nodes))
    own = {h: [[(g, a) for g, a in req[k] if tree.infosets[g].player == player]
               for k in tree.infosets[h].nodes] for h in mine}

    def reached(h: int, plan: dict[int, int]) -> bool:
        return any(all(plan.get(g) == a for g, a in path) for path in own[h])

    out: list[Plan] = []
    if tree.perfect_recall:  # own earlier sets come first in this order: decide in turn
        stack: list[tuple[int, dict[int, int]]] = [(0, {})]
        while stack:
            k, plan = stack.pop()
            if k == len(mine):
                out.append(tuple(sorted(plan.items())))
                if len(out) > MAX_PLANS:
                    break
                continue
            h = mine[k]
            if reached(h, plan):
                for a in reversed(range(len(nodes[tree.infosets[h].nodes[0]].children))):
                    stack.append((k + 1, {**plan, h: a}))
            else:
                stack.append((k + 1, plan))
    else:
        sizes = [len(tree.infosets[h].actions) for h in mine]
        total = 1
        for s in sizes:
            total *= s
        if total > MAX_PLANS * 50:
            raise UnsupportedGameError(
                f"player {tree.players[player]} has {total} pure strategies (imperfect "
                f"recall), more than this reduced form enumerates ({MAX_PLANS * 50})")
        seen: dict[Plan, None] = {}
        for choice in itertools.product(*(range(s) for s in sizes)):
            full = dict(zip(mine, choice, strict=True))
            # a set is reached if some node's own moves agree with the plan
            keep = tuple(sorted((h, a) for h, a in full.items() if reached(h, full)))
            seen.setdefault(keep, None)
        out = list(seen)
    if len(out) > MAX_PLANS:
        raise UnsupportedGameError(
            f"player {tree.players[player]} has more than MAX_PLANS={MAX_PLANS} reduced "
            f"strategies")
    return out


def _plan_name(tree: Any, player: int, plan: Plan) -> str:
    mine = [h for h, iset in enumerate(tree.infosets) if iset.player == player]
    d = dict(plan)
    if len(mine) == 1:
        return tree.infosets[mine[0]].actions[d[mine[0]]]
    return "/".join(tree.infosets[h].actions[d[h]] if h in d else "*" for h in mine)


def reduced_form(tree: Any) -> ReducedForm:
    """The reduced strategic form of a numeric tree (see the module docstring).

    A player without information sets has one strategy, named ``"-"``.
    """
    if tree.symbolic:
        raise GameError("the reduced form needs a numeric tree: instantiate it with "
                        "tree.at(...) first")
    req = _requirements(tree)
    prob = _reach_probs(tree)
    terminals = tree.terminals
    n = tree.n_players
    plans = [_plans(tree, i, req) for i in range(n)]
    n_profiles = 1
    for p in plans:
        n_profiles *= len(p)
    if n_profiles * max(1, len(terminals)) > MAX_WORK:
        raise UnsupportedGameError(
            f"the reduced form has {n_profiles} profiles x {len(terminals)} terminal nodes, "
            f"more than MAX_WORK={MAX_WORK}")
    player_of = [iset.player for iset in tree.infosets]
    # consistency masks: bit t set when plan s of player i allows terminal t
    masks = []
    for i in range(n):
        own_t = [[(g, a) for g, a in req[t] if player_of[g] == i] for t in terminals]
        row = []
        for plan in plans[i]:
            d = dict(plan)
            m = 0
            for b, path in enumerate(own_t):
                if all(d.get(g) == a for g, a in path):
                    m |= 1 << b
            row.append(m)
        masks.append(row)
    weights = [[prob[t] * tree.nodes[t].payoffs[i] for t in terminals] for i in range(n)]
    shape = tuple(len(p) for p in plans)
    arrays = [np.empty(shape, dtype=object) for _ in range(n)]
    for idx in itertools.product(*(range(m) for m in shape)):
        m = masks[0][idx[0]]
        for i in range(1, n):
            m &= masks[i][idx[i]]
        tot = [Fraction(0)] * n
        while m:
            low = m & -m
            b = low.bit_length() - 1
            m ^= low
            for i in range(n):
                tot[i] += weights[i][b]
        for i in range(n):
            arrays[i][idx] = tot[i]
    names = []
    for i in range(n):
        nm = [_plan_name(tree, i, p) if p else "-" for p in plans[i]]
        if len(set(nm)) != len(nm):
            nm = [f"s{k + 1}" for k in range(len(nm))]
        names.append(nm)
    from ..games.normal_form import Game

    game = Game.from_arrays(*arrays, players=tree.players, strategies=names,
                            title=tree.title)
    return ReducedForm(tree, game, tuple(tuple(p) for p in plans))


def behaviour_of(rf: ReducedForm, mixed: Sequence[Sequence[Any]]
                 ) -> tuple[tuple[Any, ...] | None, ...]:
    """Behaviour strategies (one tuple per information set) of a mixed profile of the
    reduced form, by Kuhn's theorem; ``None`` where no plan in the support reaches."""
    tree = rf.tree
    out: list[tuple[Any, ...] | None] = []
    for h, iset in enumerate(tree.infosets):
        i = iset.player
        num = [0 * mixed[i][0]] * len(iset.actions)
        for s, plan in enumerate(rf.plans[i]):
            w = mixed[i][s]
            if w == 0:
                continue
            d = dict(plan)
            if h in d:
                num[d[h]] = num[d[h]] + w
        den = sum(num)
        out.append(None if den == 0 else tuple(x / den for x in num))
    return tuple(out)


def tree_equilibria(tree: Any, *, method: str = "auto") -> TreeSolution:
    """Every Nash equilibrium :func:`qa_games.solve` finds on the reduced form of
    ``tree`` (all extreme ones for two players), with behaviour strategies."""
    from .solve import solve

    rf = reduced_form(tree)
    sol = solve(rf.game, method=method)
    eqs = []
    for eq in sol.equilibria:
        probs = eq.exact if eq.exact is not None else eq.profile
        pays = eq.exact_payoffs if eq.exact_payoffs is not None else eq.payoffs
        eqs.append(TreeEquilibrium(behaviour_of(rf, probs), eq, tuple(pays)))
    note = sol.note
    if not tree.perfect_recall:
        note += "; the tree lacks perfect recall: behaviour strategies need not be " \
                "realization-equivalent to the mixed ones"
    return TreeSolution(tree, rf, sol, tuple(eqs), sol.complete, note)


def infosets_json(tree: Any) -> list[dict[str, Any]]:
    """Each information set's name, player and actions (for JSON output)."""
    return [{"name": i.name, "player": tree.players[i.player], "actions": list(i.actions)}
            for i in tree.infosets]
