"""Subgame-perfect equilibria of a game tree, by backward induction through every subgame.

A behaviour profile is *subgame perfect* (Selten 1965, 1975) when it induces a Nash
equilibrium in every subgame. Backward induction builds them from the deepest
subgames up: each subgame's root ``r`` is processed after every proper subgame
below it; those are replaced by terminal nodes paying the equilibrium payoffs they
were solved for, and the remaining *truncated* game is solved by the normal-form
solvers (:func:`qa_games.solve` on its reduced strategic form among the players who
move in it: every extreme equilibrium for two movers, exactly; the pure ones for
more). The stated selection rule (:func:`qa_games.select`: ``all``,
``payoff_dominance``, ``risk_dominance``) is applied in each truncated game; with
``all``, or when the rule cannot decide, every equilibrium stays a candidate (as in
:func:`qa_games.backward_induction`). Every combination of the subgames' candidate
payoffs is solved, so the result is every SPE these equilibria build.

A decision node whose children all start subgames (every node of a
perfect-information tree) is a one-mover game whose equilibria are the mover's
maximisers, which is what :func:`qa_games.solve` returns for it; it is computed
directly, with the number of SPE counted exactly by dynamic programming over the
subgames' distinct payoff vectors (the other children need only pay the mover no
more). Like the normal-form solvers, it lists the extreme equilibria: where a mover is
indifferent, the mixtures of its tied actions (a continuum, also subgame perfect) are
not listed separately. The listing is capped by ``limit``; :attr:`SPESolution.count` is the exact
number. Everything is iterative: 10^5-node trees run without recursion limits.

>>> from qa_games.games.tree import Decision, Terminal, Tree
>>> entry = Tree.from_spec(["E", "I"], Decision("E", {
...     "out": Terminal(0, 2),
...     "in": Decision("I", {"fight": Terminal(-1, -1), "accommodate": Terminal(1, 1)})}))
>>> sol = subgame_perfect(entry)
>>> sol.count, [e.actions(entry) for e in sol.equilibria]
(1, [{'E:0': 'in', 'I:2': 'accommodate'}])

Source: R. Selten, "Spieltheoretische Behandlung eines Oligopolmodells mit
Nachfrageträgheit", *Zeitschrift für die gesamte Staatswissenschaft* 121, 1965;
"Reexamination of the perfectness concept for equilibrium points in extensive
games", *IJGT* 4, 1975.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from qa_games.errors import GameError, ParameterError, SolverError
from qa_games.solvers.reduced_form import infosets_json

__all__ = [
    "SubgamePerfectEquilibrium",
    "SPESolution",
    "subgame_perfect",
    "infosets_json",
    "RULES",
    "MAX_COMBINATIONS",
]

RULES = ("all", "payoff_dominance", "risk_dominance")
#: Largest number of combinations of the subgames' payoffs solved at one subgame root.
MAX_COMBINATIONS = 20_000


@dataclass(frozen=True)
class SubgamePerfectEquilibrium:
    """One SPE: a probability tuple per information set (``None`` where no subgame
    starts and the player's own play never reaches: any action) and the payoffs."""

    behaviour: tuple[tuple[Any, ...] | None, ...]
    payoffs: tuple[Any, ...]

    @property
    def is_pure(self) -> bool:
        return all(b is None or sum(1 for p in b if p != 0) == 1 for b in self.behaviour)

    def actions(self, tree: Any) -> dict[str, str | None]:
        """Information set name -> the action played (None when mixed or free)."""
        out: dict[str, str | None] = {}
        for h, b in enumerate(self.behaviour):
            iset = tree.infosets[h]
            pure = None
            if b is not None:
                hits = [j for j, p in enumerate(b) if p != 0]
                if len(hits) == 1 and b[hits[0]] == 1:
                    pure = iset.actions[hits[0]]
            out[iset.name or str(h)] = pure
        return out


@dataclass(frozen=True, eq=False)
class SPESolution:
    """What :func:`subgame_perfect` found: up to ``limit`` SPE and their exact ``count``.

    ``complete`` is False when some subgame had more than two movers (pure equilibria
    only there); ``truncated`` when ``count`` exceeds the listing."""

    tree: Any
    selection: str
    equilibria: tuple[SubgamePerfectEquilibrium, ...]
    count: int
    complete: bool
    truncated: bool
    note: str

    def __len__(self) -> int:
        return len(self.equilibria)

    def to_json_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (numbers as strings, exact where the tree is)."""
        return {
            "players": list(self.tree.players),
            "infosets": infosets_json(self.tree),
            "selection": self.selection,
            "count": str(self.count),
            "complete": self.complete,
            "truncated": self.truncated,
            "equilibria": [{"behaviour": [None if b is None else [str(p) for p in b]
                                          for b in e.behaviour],
                            "payoffs": [str(u) for u in e.payoffs]}
                           for e in self.equilibria],
            "note": self.note,
        }


class _Local(NamedTuple):
    """A way the truncated game at one subgame root is played: its payoff vector, the
    behaviour at its own information sets, and what each child subgame must do
    (``("eq", v)``: pay ``v``; ``("le", i, m)``: pay player i at most m)."""

    vec: tuple[Any, ...]
    assign: tuple[tuple[int, Any], ...]
    child: tuple[tuple[int, tuple[Any, ...]], ...]
    n: int  # the number of SPE of the subgame played this way


def _matches(vec: tuple[Any, ...], cons: tuple[Any, ...] | None) -> bool:
    if cons is None:
        return True
    if cons[0] == "eq":
        return vec == cons[1]
    return bool(vec[cons[1]] <= cons[2])


class _State:
    def __init__(self, tree: Any) -> None:
        self.tree = tree
        self.locals: dict[int, list[_Local]] = {}
        self.vecs: dict[int, dict[tuple[Any, ...], int]] = {}
        self.complete = True
        self.notes: set[str] = set()

    def vec_counts(self, c: int) -> dict[tuple[Any, ...], int]:
        return self.vecs[c]

    def count(self, c: int, cons: tuple[Any, ...]) -> int:
        vc = self.vec_counts(c)
        if cons[0] == "eq":
            return vc.get(cons[1], 0)
        i, m = cons[1], cons[2]
        return sum(n for v, n in vc.items() if v[i] <= m)


_ZERO, _ONE = Fraction(0), Fraction(1)
_ONEHOT: dict[tuple[int, int], tuple[Fraction, ...]] = {}


def _onehot(j: int, k: int) -> tuple[Fraction, ...]:
    key = (j, k)
    if key not in _ONEHOT:
        _ONEHOT[key] = tuple(_ONE if a == j else _ZERO for a in range(k))
    return _ONEHOT[key]


def _own_part(tree: Any, r: int, is_root: set[int]) -> tuple[list[int], list[int]]:
    """The nodes of the subgame at ``r`` outside its proper subgames (preorder), and
    the frontier: the roots of those subgames and the terminal nodes."""
    own, frontier = [], []
    stack = [r]
    while stack:
        k = stack.pop()
        node = tree.nodes[k]
        if k != r and (k in is_root or node.kind == "terminal"):
            frontier.append(k)
            continue
        own.append(k)
        stack.extend(reversed(node.children))
    return own, frontier


def _decision_leaf(st: _State, r: int) -> None:
    tree = st.tree
    node = tree.nodes[r]
    i = node.player
    kids = node.children
    vecs = st.vecs
    lists = [vecs[c] for c in kids]
    k = len(kids)
    if all(len(d) == 1 for d in lists):  # the generic case: one payoff vector per child
        single = [next(iter(d.items())) for d in lists]
        m = max(v[i] for v, _ in single)
        le = ("le", i, m)
        out = []
        for j, (v, cnt) in enumerate(single):
            if v[i] != m:
                continue
            total = cnt
            for j2, (_, c2n) in enumerate(single):
                if j2 != j:
                    total *= c2n  # every other child pays the mover at most m
            fixed = tuple((c, ("eq", v)) if j2 == j else (c, le) for j2, c in enumerate(kids))
            out.append(_Local(v, ((node.infoset, _onehot(j, k)),), fixed, total))
        st.locals[r] = out
        return
    items = [list(d.items()) for d in lists]
    out = []
    for j in range(k):
        for v, cnt in items[j]:
            m = v[i]
            total = cnt
            cons: list[tuple[int, tuple[Any, ...]]] = []
            for k2, c2 in enumerate(kids):
                if k2 == j:
                    cons.append((c2, ("eq", v)))
                    continue
                n2 = 0
                for v2, c2n in items[k2]:
                    if v2[i] <= m:
                        n2 += c2n
                total *= n2
                if not total:
                    break
                cons.append((c2, ("le", i, m)))
            if total:
                out.append(_Local(v, ((node.infoset, _onehot(j, k)),), tuple(cons), total))
    st.locals[r] = out


def _combos(st: _State, r: int, frontier: Sequence[int]) -> list[tuple[Any, ...]]:
    options = [list(st.vec_counts(c).items()) for c in frontier]
    total = 1
    for o in options:
        total *= len(o)
    if total > MAX_COMBINATIONS:
        raise SolverError(
            f"subgame at node {st.tree.label(r)}: its proper subgames have {total} "
            f"combinations of equilibrium payoffs, more than MAX_COMBINATIONS="
            f"{MAX_COMBINATIONS}; pass a selection rule that decides more of them")
    return list(itertools.product(*options))


def _chance_leaf(st: _State, r: int) -> None:
    node = st.tree.nodes[r]
    out = []
    for combo in _combos(st, r, node.children):
        vec = tuple(sum(p * v[i] for p, (v, _) in zip(node.probs, combo, strict=True))
                    for i in range(st.tree.n_players))
        cnt = 1
        for _, n in combo:
            cnt *= n
        out.append(_Local(vec, (), tuple((c, ("eq", v)) for c, (v, _) in
                                         zip(node.children, combo, strict=True)), cnt))
    st.locals[r] = out


def _expected(arr: np.ndarray, probs: Sequence[Sequence[Any]]) -> Any:
    total: Any = 0
    supports = [[(k, p) for k, p in enumerate(s) if p != 0] for s in probs]
    for combo in itertools.product(*supports):
        w: Any = 1
        for _, p in combo:
            w = w * p
        total = total + w * arr[tuple(k for k, _ in combo)]
    return total


def _general(st: _State, r: int, own: list[int], frontier: list[int], rule: str,
             method: str) -> None:
    from qa_games.games.tree import CHANCE, DECISION, TERMINAL, Infoset, Node, Tree
    from qa_games.solvers.reduced_form import behaviour_of, reduced_form

    from ..games.normal_form import Game
    from .selection import select
    from .solve import solve

    tree = st.tree
    own_set = set(own)
    order: list[int] = []  # preorder of own + frontier from r
    stack = [r]
    while stack:
        k = stack.pop()
        order.append(k)
        if k in own_set:
            stack.extend(reversed(tree.nodes[k].children))
    new = {k: p for p, k in enumerate(order)}
    isets = sorted({tree.nodes[k].infoset for k in own if tree.nodes[k].kind == DECISION})
    iset_new = {h: p for p, h in enumerate(isets)}
    movers = sorted({tree.infosets[h].player for h in isets})
    out = []
    for combo in _combos(st, r, frontier):
        payoff_at = {c: v for c, (v, _) in zip(frontier, combo, strict=True)}
        nodes = []
        for k in order:
            node = tree.nodes[k]
            if k in payoff_at:
                nodes.append(Node(TERMINAL, payoffs=payoff_at[k]))
            elif node.kind == CHANCE:
                nodes.append(Node(CHANCE, tuple(new[c] for c in node.children), node.actions,
                                  probs=node.probs))
            else:
                nodes.append(Node(DECISION, tuple(new[c] for c in node.children),
                                  node.actions, player=node.player,
                                  infoset=iset_new[node.infoset]))
        sub = Tree(tree.players, tuple(nodes), tuple(
            Infoset(tree.infosets[h].player, tree.infosets[h].actions,
                    tuple(new[k] for k in tree.infosets[h].nodes), tree.infosets[h].name)
            for h in isets), title=tree.title)
        rf = reduced_form(sub)
        cnt = 1
        for _, n in combo:
            cnt *= n
        child = tuple((c, ("eq", v)) for c, (v, _) in zip(frontier, combo, strict=True))
        shape = tuple(len(rf.plans[i]) for i in movers)
        arrays = [np.asarray(a).reshape(shape) if movers else a for a in rf.game.payoffs]
        if not movers:
            vec = tuple(a.flat[0] for a in rf.game.payoffs)
            out.append(_Local(vec, (), child, cnt))
            continue
        game = Game.from_arrays(*[arrays[i] for i in movers],
                                players=[tree.players[i] for i in movers],
                                strategies=[rf.game.strategies[i] for i in movers])
        sol = solve(game, method=method)
        if not sol.complete:
            st.complete = False
            st.notes.add(sol.note)
        cands = list(sol.equilibria)
        if rule != "all" and len(cands) > 1:
            chosen = select(sol, rule)
            if chosen is not None:
                cands = [chosen]
        for eq in cands:
            probs = eq.exact if eq.exact is not None else eq.profile
            full = []
            it = iter(probs)
            for i in range(tree.n_players):
                full.append(next(it) if i in movers else (Fraction(1),))
            vec = tuple(_expected(arrays[i], probs) for i in range(tree.n_players))
            beh = behaviour_of(rf, full)
            assign = tuple((h, beh[iset_new[h]]) for h in isets
                           if beh[iset_new[h]] is not None)
            out.append(_Local(vec, assign, child, cnt))
    st.locals[r] = out


def subgame_perfect(tree: Any, *, selection: str = "all", limit: int = 100,
                    method: str = "auto") -> SPESolution:
    """Every subgame-perfect equilibrium of a numeric ``tree`` under ``selection``
    (see the module docstring): up to ``limit`` listed, all counted."""
    if selection not in RULES:
        raise ParameterError(f"selection={selection!r} is not a rule (known: "
                             f"{', '.join(RULES)})")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
        raise ParameterError(f"limit={limit!r} must be an integer >= 0")
    if tree.symbolic:
        raise GameError("subgame_perfect needs a numeric tree: instantiate it with "
                        "tree.at(...) first")
    roots = tree.subgame_roots()
    is_root = set(roots)
    st = _State(tree)
    scale = _scale(tree)  # exact payoffs are handled as integers in units of 1/scale
    for k, node in enumerate(tree.nodes):
        if node.kind == "terminal":
            st.vecs[k] = {tuple(u if scale is None else u.numerator * (scale // u.denominator)
                                for u in node.payoffs): 1}
    nodes = tree.nodes
    every = tree.perfect_information  # then every inner node starts a subgame
    for r in reversed(roots):
        node = nodes[r]
        leaf = every or all(c in is_root or nodes[c].kind == "terminal" for c in node.children)
        if leaf and node.kind == "decision":
            _decision_leaf(st, r)
        elif leaf:
            _chance_leaf(st, r)
        else:
            own, frontier = _own_part(tree, r, is_root)
            _general(st, r, own, frontier, selection, method)
        locs = st.locals[r]
        if len(locs) == 1:
            vc = {locs[0].vec: locs[0].n}
        else:
            vc = {}
            for loc in locs:
                vc[loc.vec] = vc.get(loc.vec, 0) + loc.n
        st.vecs[r] = vc
        if not vc:
            raise SolverError(f"subgame at node {tree.label(r)} has no equilibrium among "
                              f"its candidates: the solver is wrong")
    if tree.nodes[0].kind == "terminal":
        eq = SubgamePerfectEquilibrium((), tuple(tree.nodes[0].payoffs))
        return SPESolution(tree, selection, (eq,), 1, True, False, "a single terminal node")
    count = sum(st.vecs[0].values())
    listed = [SubgamePerfectEquilibrium(e.behaviour, tuple(_unscaled(u, scale)
                                                           for u in e.payoffs))
              for e in _enumerate(st, limit)]
    note = ("every SPE built from the extreme equilibria of each subgame (mixtures of a "
            "mover's tied actions are not listed)")
    if not st.complete:
        note += "; some subgames have more than two movers, pure equilibria only there: " + \
                "; ".join(sorted(st.notes))
    if selection != "all":
        note += f"; {selection} applied in every subgame where it decides"
    return SPESolution(tree, selection, tuple(listed), count, st.complete, count > len(listed),
                       note)


def _scale(tree: Any) -> int | None:
    """The lcm of the payoffs' denominators when all are Fractions, else None."""
    lcm = 1
    for node in tree.nodes:
        for u in node.payoffs:
            if not isinstance(u, Fraction):
                return None
            d = u.denominator
            if d != 1 and lcm % d:
                lcm = lcm * d // math.gcd(lcm, d)
    return lcm


def _unscaled(u: Any, scale: int | None) -> Any:
    return u if scale is None else Fraction(u) / scale


def _enumerate(st: _State, limit: int) -> list[SubgamePerfectEquilibrium]:
    tree = st.tree
    n_isets = len(tree.infosets)
    out: list[SubgamePerfectEquilibrium] = []
    stack: list[tuple[Any, Any, tuple[Any, ...] | None]] = [(((0, None), None), None, None)]
    while stack and len(out) < limit:
        pending, assigned, vec = stack.pop()
        while pending is not None and tree.nodes[pending[0][0]].kind == "terminal":
            pending = pending[1]
        if pending is None:
            beh: list[tuple[Any, ...] | None] = [None] * n_isets
            a = assigned
            while a is not None:
                h, b = a[0]
                beh[h] = b
                a = a[1]
            assert vec is not None
            out.append(SubgamePerfectEquilibrium(tuple(beh), vec))
            continue
        (c, cons), rest = pending
        opts = [loc for loc in st.locals[c] if _matches(loc.vec, cons)]
        for loc in reversed(opts):
            p = rest
            for task in reversed(loc.child):
                p = (task, p)
            a = assigned
            for x in loc.assign:
                a = (x, a)
            stack.append((p, a, vec if vec is not None else loc.vec))
    return out
