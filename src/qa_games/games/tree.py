"""Game trees: finite extensive-form games with chance moves and information sets.

An extensive-form game (Kuhn 1953; Osborne and Rubinstein 1994, ch. 11) is a rooted
tree whose nodes are *decision* nodes (a player moves: one child per action),
*chance* nodes (nature moves: one child per outcome, with probabilities summing to 1)
and *terminal* nodes (one payoff per player). The decision nodes of each player are
partitioned into *information sets*: the player cannot tell the nodes of one set
apart, so they offer the same actions. A *subgame* starts at a node ``x`` whose
subtree is a union of information sets (no set straddles its boundary, and ``x`` is
alone in its own). The game has *perfect recall* when no player forgets what it
knew or did: all nodes of an information set share the player's own history.

Payoffs and chance probabilities are exact :class:`fractions.Fraction` when numeric
(floats stay floats) or sympy expressions in declared parameters
(:meth:`Tree.at` instantiates them). Nodes are stored flat (index 0 is the root) and
every traversal is iterative, so trees of 10^5 and more nodes carry no recursion
limit.

>>> t = Tree.from_spec(["E", "I"], Decision("E", {
...     "out": Terminal(0, 2),
...     "in": Decision("I", {"fight": Terminal(-1, -1), "accommodate": Terminal(1, 1)})}))
>>> len(t.nodes), [i.name for i in t.infosets], t.subgame_roots()
(5, ['E:0', 'I:2'], (0, 2))
>>> t.perfect_information, t.perfect_recall
(True, True)

Source: H. W. Kuhn, "Extensive games and the problem of information", *Contributions
to the Theory of Games* II, 1953; R. Selten, "Reexamination of the perfectness concept
for equilibrium points in extensive games", *IJGT* 4, 1975.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy

from qa_games.errors import GameError, ParameterError, UnsupportedGameError

from .exact_eval import substitute
from .limits import MAX_LABEL, check_label, check_labels
from .parameter import check_constraints

__all__ = [
    "Node",
    "Infoset",
    "Tree",
    "Decision",
    "Chance",
    "Terminal",
    "to_value",
    "negative_witness",
    "check_probabilities",
    "random_tree",
    "MAX_NODES",
]

#: Largest tree accepted (nodes).
MAX_NODES = 2_000_000

DECISION, CHANCE, TERMINAL = "decision", "chance", "terminal"


def to_value(x: Any, what: str) -> Any:
    """A payoff or probability as a Fraction (ints, Fractions, sympy rationals), a
    finite float, or a sympy expression with free symbols; GameError otherwise.

    >>> to_value(3, "payoff"), to_value(sympy.Rational(1, 3), "p")
    (Fraction(3, 1), Fraction(1, 3))
    """
    if isinstance(x, bool):
        raise GameError(f"{what}: {x!r} is not a number")
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            raise GameError(f"{what}: {x!r} is not a finite number")
        return x
    if isinstance(x, sympy.Basic):
        if x.is_Rational:
            return Fraction(int(x.p), int(x.q))
        if not x.free_symbols:
            if x.is_real is False or x.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
                raise GameError(f"{what}: {x} is not a finite real number")
            val = complex(x.evalf(30))
            if val.imag != 0 or not math.isfinite(val.real):
                raise GameError(f"{what}: {x} is not a finite real number")
            return x  # an irrational constant stays symbolic (exact)
        return x
    try:
        import numpy as np

        if isinstance(x, np.integer):
            return Fraction(int(x))
        if isinstance(x, np.floating):
            return to_value(float(x), what)
    except ImportError:  # pragma: no cover
        pass
    raise GameError(f"{what}: {x!r} is not a number or a sympy expression")


def _is_symbolic(v: Any) -> bool:
    return isinstance(v, sympy.Basic)


@dataclass(frozen=True)
class Node:
    """One node. ``player`` and ``infoset`` index :attr:`Tree.players` and
    :attr:`Tree.infosets` (decision nodes; -1 otherwise); ``actions`` label the
    children; ``probs`` (chance) and ``payoffs`` (terminal) are values."""

    kind: str
    children: tuple[int, ...] = ()
    actions: tuple[str, ...] = ()
    player: int = -1
    infoset: int = -1
    probs: tuple[Any, ...] = ()
    payoffs: tuple[Any, ...] = ()
    name: str = ""


@dataclass(frozen=True)
class Infoset:
    """An information set: one player's indistinguishable nodes, one action set."""

    player: int
    actions: tuple[str, ...]
    nodes: tuple[int, ...]
    name: str = ""


# -- a nested way to write trees by hand -------------------------------------------

@dataclass(frozen=True)
class Terminal:
    """A terminal node in a nested specification: one payoff per player."""

    payoffs: tuple[Any, ...]
    name: str = ""

    def __init__(self, *payoffs: Any, name: str = "") -> None:
        object.__setattr__(self, "payoffs", tuple(payoffs))
        object.__setattr__(self, "name", name)


@dataclass(frozen=True)
class Decision:
    """A decision node in a nested specification: ``player``, ``{action: child}``,
    the information set's name (default: a singleton set of its own)."""

    player: str
    moves: Mapping[str, Any]
    infoset: str | None = None
    name: str = ""


@dataclass(frozen=True)
class Chance:
    """A chance node in a nested specification: ``{outcome: (probability, child)}``."""

    moves: Mapping[str, tuple[Any, Any]]
    name: str = ""


# -- the tree --------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Tree:
    """A finite extensive-form game, validated on construction (see the module doc).

    ``parameters`` are :class:`qa_games.Parameter` s (the symbols the values may use);
    ``constraints`` sympy relations among them that instantiations must satisfy.
    """

    players: tuple[str, ...]
    nodes: tuple[Node, ...]
    infosets: tuple[Infoset, ...]
    parameters: tuple[Any, ...] = ()
    constraints: tuple[sympy.Basic, ...] = ()
    title: str = ""
    _parent: tuple[int, ...] = field(default=(), repr=False)
    _preorder: tuple[int, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        _validate(self)

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_spec(cls, players: Sequence[str], root: Any, *, parameters: Sequence[Any] = (),
                  constraints: Sequence[sympy.Basic] = (), title: str = "") -> Tree:
        """A tree from nested :class:`Decision` / :class:`Chance` / :class:`Terminal`
        specifications (read iteratively; information sets by name)."""
        players = tuple(str(p) for p in players)
        index = {p: k for k, p in enumerate(players)}
        raw: list[dict[str, Any]] = []
        stack = [(root, -1, "")]
        while stack:
            spec, parent, via = stack.pop()
            k = len(raw)
            if k >= MAX_NODES:
                raise GameError(f"the tree has more than MAX_NODES={MAX_NODES} nodes")
            entry: dict[str, Any] = {"spec": spec, "parent": parent, "via": via, "children": []}
            raw.append(entry)
            if parent >= 0:
                raw[parent]["children"].append(k)
            if isinstance(spec, Terminal):
                continue
            if isinstance(spec, (Decision, Chance)):
                items = list(spec.moves.items())
                for action, child in reversed(items):
                    sub = child[1] if isinstance(spec, Chance) else child
                    if isinstance(spec, Chance) and (not isinstance(child, tuple)
                                                     or len(child) != 2):
                        raise GameError(f"chance move {action!r}: expected "
                                        f"(probability, child), got {child!r}")
                    stack.append((sub, k, str(action)))
                continue
            raise GameError(f"node spec {spec!r} is not a Decision, Chance or Terminal")
        # children were appended in pop order = spec order (we pushed reversed)
        infoset_of: dict[tuple[int, str], int] = {}
        owner_of: dict[str, int] = {}
        iset_nodes: list[list[int]] = []
        iset_meta: list[tuple[int, tuple[str, ...], str]] = []
        nodes = []
        for k, e in enumerate(raw):
            spec = e["spec"]
            kids = tuple(e["children"])
            if isinstance(spec, Terminal):
                nodes.append(Node(TERMINAL, payoffs=tuple(spec.payoffs), name=spec.name))
            elif isinstance(spec, Chance):
                acts = tuple(str(a) for a in spec.moves)
                nodes.append(Node(CHANCE, kids, acts, probs=tuple(p for p, _ in
                                                                 spec.moves.values()),
                                  name=spec.name))
            else:
                if spec.player not in index:
                    raise GameError(f"decision node {spec.name or k}: unknown player "
                                    f"{spec.player!r} (known: {', '.join(players)})")
                pl = index[spec.player]
                acts = tuple(str(a) for a in spec.moves)
                iname = spec.infoset if spec.infoset is not None else f"{spec.player}:{k}"
                key = (pl, iname)
                if key not in infoset_of:
                    if iname in owner_of:
                        raise GameError(f"information set {iname!r} mixes players "
                                        f"{players[owner_of[iname]]} and {spec.player}")
                    owner_of[iname] = pl
                    infoset_of[key] = len(iset_nodes)
                    iset_nodes.append([])
                    iset_meta.append((pl, acts, iname))
                h = infoset_of[key]
                _, first_acts, _ = iset_meta[h]
                if set(acts) != set(first_acts) or len(acts) != len(first_acts):
                    raise GameError(f"information set {iname!r}: node {spec.name or k} has "
                                    f"actions {list(acts)}, another node {list(first_acts)} "
                                    f"(the nodes of one set must offer the same actions)")
                if acts != first_acts:  # align the children to the set's action order
                    pos = {a: kids[j] for j, a in enumerate(acts)}
                    kids = tuple(pos[a] for a in first_acts)
                    acts = first_acts
                iset_nodes[h].append(k)
                nodes.append(Node(DECISION, kids, acts, player=pl, infoset=h, name=spec.name))
        infosets = tuple(Infoset(pl, acts, tuple(iset_nodes[h]), name)
                         for h, (pl, acts, name) in enumerate(iset_meta))
        return cls(players, tuple(nodes), infosets, tuple(parameters), tuple(constraints),
                   title)

    # -- structure --------------------------------------------------------------------
    @property
    def n_players(self) -> int:
        return len(self.players)

    @property
    def root(self) -> int:
        return 0

    def parent(self, node: int) -> int:
        """The parent's index (-1 for the root)."""
        return self._parent[node]

    @property
    def preorder(self) -> tuple[int, ...]:
        """Node indices in depth-first preorder (children in action order)."""
        return self._preorder

    @property
    def terminals(self) -> tuple[int, ...]:
        return tuple(k for k in self._preorder if self.nodes[k].kind == TERMINAL)

    @property
    def symbolic(self) -> bool:
        """True when some payoff or probability is a sympy expression."""
        return any(_is_symbolic(v) for n in self.nodes for v in n.probs + n.payoffs)

    @property
    def perfect_information(self) -> bool:
        """Every information set is a single node."""
        return all(len(i.nodes) == 1 for i in self.infosets)

    @property
    def perfect_recall(self) -> bool:
        """Every information set's nodes share their player's own history."""
        return _perfect_recall(self)

    def path(self, node: int) -> list[tuple[int, int]]:
        """The ``(node, action index)`` pairs from the root down to ``node``."""
        out = []
        while node != 0:
            par = self._parent[node]
            out.append((par, self.nodes[par].children.index(node)))
            node = par
        out.reverse()
        return out

    def subtree_sizes(self) -> list[int]:
        """Number of nodes below and including each node."""
        size = [1] * len(self.nodes)
        for k in reversed(self._preorder):
            par = self._parent[k]
            if par >= 0:
                size[par] += size[k]
        return size

    def subgame_roots(self) -> tuple[int, ...]:
        """Roots of every subgame (the whole game and each proper subgame), in
        preorder; terminal nodes are not listed."""
        if self.perfect_information:
            return tuple(k for k in self._preorder if self.nodes[k].kind != TERMINAL)
        n = len(self.nodes)
        pos = [0] * n
        for p, k in enumerate(self._preorder):
            pos[k] = p
        size = self.subtree_sizes()
        lo = [0] * len(self.infosets)
        hi = [0] * len(self.infosets)
        for h, iset in enumerate(self.infosets):
            ps = [pos[k] for k in iset.nodes]
            lo[h], hi[h] = min(ps), max(ps)
        mn = [math.inf] * n
        mx = [-math.inf] * n
        for k in reversed(self._preorder):
            node = self.nodes[k]
            if node.kind == DECISION:
                mn[k] = min(mn[k], lo[node.infoset])
                mx[k] = max(mx[k], hi[node.infoset])
            par = self._parent[k]
            if par >= 0:
                mn[par] = min(mn[par], mn[k])
                mx[par] = max(mx[par], mx[k])
        out = []
        for k in self._preorder:
            node = self.nodes[k]
            if node.kind == TERMINAL:
                continue
            if node.kind == DECISION and len(self.infosets[node.infoset].nodes) > 1:
                continue
            if mn[k] >= pos[k] and mx[k] < pos[k] + size[k]:
                out.append(k)
        return tuple(out)

    def label(self, node: int) -> str:
        """A readable name of a node: its name, or the actions leading to it."""
        if self.nodes[node].name:
            return self.nodes[node].name
        steps = [self.nodes[p].actions[a] for p, a in self.path(node)]
        return "root" if not steps else "/".join(steps)

    # -- parameters --------------------------------------------------------------------
    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def values(self, values: Mapping[str, Any] | None = None, **kw: Any) -> dict[str, Fraction]:
        """Defaults overridden by ``values``, each checked against its domain and the
        constraints; unknown names are errors."""
        given = dict(values or {})
        given.update(kw)
        by_name = {p.name: p for p in self.parameters}
        out = {p.name: p.default for p in self.parameters}
        for name, v in given.items():
            if name not in by_name:
                known = ", ".join(by_name) or "none"
                raise ParameterError(f"unknown parameter {name!r} (known: {known})")
            out[name] = by_name[name].check(v)
        check_constraints(self.constraints, out)
        return out

    def at(self, values: Mapping[str, Any] | None = None, **kw: Any) -> Tree:
        """The numeric tree at these parameter values (defaults for the rest): exact
        Fractions where the expressions evaluate to rationals, floats otherwise.
        Chance probabilities are checked again here (ParameterError if they fail)."""
        vals = self.values(values, **kw)
        subs = {p.symbol: sympy.Rational(vals[p.name].numerator, vals[p.name].denominator)
                for p in self.parameters}
        shown = ", ".join(f"{k}={v}" for k, v in vals.items())

        def num(v: Any, what: str) -> Any:
            if not _is_symbolic(v):
                return v
            try:
                out = substitute(v, subs)
            except (ZeroDivisionError, ValueError) as exc:  # pragma: no cover
                raise ParameterError(f"{what} is undefined at {shown}: {exc}") from None
            if out.is_Rational:
                return Fraction(int(out.p), int(out.q))
            if out.free_symbols or out.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
                raise ParameterError(f"{what} = {v} is {out} at {shown}, not a finite number")
            val = complex(out.evalf(30))
            if val.imag != 0 or not math.isfinite(val.real):
                raise ParameterError(f"{what} = {v} is {out} at {shown}, not a real number")
            return val.real

        nodes = []
        for k, n in enumerate(self.nodes):
            if n.kind == CHANCE:
                nodes.append(Node(n.kind, n.children, n.actions, probs=tuple(
                    num(p, f"probability of {n.actions[j]!r} at node {self.label(k)}")
                    for j, p in enumerate(n.probs)), name=n.name))
            elif n.kind == TERMINAL:
                nodes.append(Node(n.kind, payoffs=tuple(
                    num(u, f"payoff of {self.players[i]} at node {self.label(k)}")
                    for i, u in enumerate(n.payoffs)), name=n.name))
            else:
                nodes.append(n)
        try:
            return Tree(self.players, tuple(nodes), self.infosets, (), (), self.title)
        except GameError as exc:
            raise ParameterError(f"at {shown}: {exc}") from None

    def __repr__(self) -> str:
        kind = "symbolic" if self.symbolic else "numeric"
        name = f" {self.title!r}" if self.title else ""
        return (f"<Tree{name} {len(self.nodes)} nodes, {len(self.infosets)} information sets, "
                f"{kind}, players={list(self.players)}>")


# -- validation ---------------------------------------------------------------------------

def _validate(tree: Tree) -> None:
    players, nodes = tree.players, tree.nodes
    if not players:
        raise GameError("a tree needs at least one player")
    if len(set(players)) != len(players) or any(not str(p).strip() for p in players):
        raise GameError(f"player names must be distinct and non-empty, got {list(players)}")
    check_labels(players, where="players", error=GameError)
    n = len(nodes)
    if n == 0:
        raise GameError("a tree needs at least one node")
    if n > MAX_NODES:
        raise GameError(f"the tree has {n} nodes, more than MAX_NODES={MAX_NODES}")
    n_pl = len(players)
    parent = [-2] * n
    parent[0] = -1
    order = []
    stack = [0]
    symbols = {p.symbol for p in tree.parameters}
    while stack:
        k = stack.pop()
        order.append(k)
        node = nodes[k]
        if node.kind == TERMINAL and not node.children and len(node.payoffs) == n_pl \
                and all(type(u) is Fraction for u in node.payoffs) \
                and (not node.name or (node.name.isprintable() and len(node.name) <= MAX_LABEL)):
            continue  # the common case, checked without formatting messages
        if node.name:
            check_label(node.name, where=f"node {k}", error=GameError)
        where = f"node {node.name or k}"
        if node.kind not in (DECISION, CHANCE, TERMINAL):
            raise GameError(f"{where}: unknown kind {node.kind!r}")
        if node.kind == TERMINAL:
            if node.children:
                raise GameError(f"{where}: a terminal node has no children")
            if len(node.payoffs) != len(players):
                raise GameError(f"{where}: {len(node.payoffs)} payoffs for "
                                f"{len(players)} players")
            pays = node.payoffs
            if not all(type(u) is Fraction for u in pays):
                pays = tuple(to_value(u, f"{where}: payoff of {players[i]}")
                             for i, u in enumerate(pays))
                object.__setattr__(node, "payoffs", pays)
                _check_symbols(pays, symbols, where)
            continue
        if not node.children:
            raise GameError(f"{where}: a {node.kind} node needs at least one child")
        if len(node.actions) != len(node.children):
            raise GameError(f"{where}: {len(node.actions)} action labels for "
                            f"{len(node.children)} children")
        if len(set(node.actions)) != len(node.actions):
            raise GameError(f"{where}: action labels must be distinct, got {list(node.actions)}")
        check_labels(node.actions, where=f"{where}: actions", what="action",
                     error=GameError)
        for c in node.children:
            if not isinstance(c, int) or not 0 <= c < n:
                raise GameError(f"{where}: child {c!r} is not a node index (0..{n - 1})")
            if c == 0 or parent[c] != -2:
                what = "the root" if c == 0 else f"node {nodes[c].name or c}"
                raise GameError(f"{where}: {what} is reached twice (a cycle or a shared "
                                f"child): a game tree needs one path to each node")
            parent[c] = k
        stack.extend(reversed(node.children))
        if node.kind == CHANCE:
            if len(node.probs) != len(node.children):
                raise GameError(f"{where}: {len(node.probs)} probabilities for "
                                f"{len(node.children)} children")
            probs = tuple(to_value(p, f"{where}: probability of {node.actions[j]!r}")
                          for j, p in enumerate(node.probs))
            object.__setattr__(node, "probs", probs)
            _check_symbols(probs, symbols, where)
            check_probabilities(probs, node.actions, tree.parameters, where)
        else:
            if not 0 <= node.player < len(players):
                raise GameError(f"{where}: player index {node.player} is out of range")
            if not 0 <= node.infoset < len(tree.infosets):
                raise GameError(f"{where}: information set index {node.infoset} "
                                f"is out of range")
    unreached = [k for k in range(n) if parent[k] == -2]
    if unreached:
        k = unreached[0]
        raise GameError(f"node {nodes[k].name or k} is not reachable from the root "
                        f"({len(unreached)} unreachable nodes)")
    seen: set[int] = set()
    for h, iset in enumerate(tree.infosets):
        name = iset.name or str(h)
        if iset.name:
            check_label(iset.name, where=f"information set {h}", error=GameError)
        if not iset.nodes:
            raise GameError(f"information set {name!r} is empty")
        for k in iset.nodes:
            node = nodes[k]
            if node.kind != DECISION or node.infoset != h:
                raise GameError(f"information set {name!r} lists node {node.name or k}, "
                                f"which is not one of its decision nodes")
            if node.player != iset.player:
                raise GameError(f"information set {name!r} mixes players "
                                f"{players[iset.player]} and {players[node.player]}")
            if node.actions != iset.actions:
                raise GameError(f"information set {name!r}: node {node.name or k} has "
                                f"actions {list(node.actions)}, the set {list(iset.actions)}")
            if k in seen:
                raise GameError(f"node {node.name or k} is in two information sets")
            seen.add(k)
    missing = [k for k in range(n) if nodes[k].kind == DECISION and k not in seen]
    if missing:
        raise GameError(f"decision node {nodes[missing[0]].name or missing[0]} is in no "
                        f"information set")
    for h, iset in enumerate(tree.infosets):  # no path crosses one set twice
        if len(iset.nodes) == 1:
            continue
        members = set(iset.nodes)
        for k in iset.nodes:
            a = parent[k]
            while a >= 0:
                if a in members:
                    raise UnsupportedGameError(
                        f"information set {iset.name or h!r}: node {nodes[k].name or k} "
                        f"follows another node of the same set (absent-mindedness is not "
                        f"supported)")
                a = parent[a]
    object.__setattr__(tree, "_parent", tuple(parent))
    object.__setattr__(tree, "_preorder", tuple(order))


def _check_symbols(values: Sequence[Any], symbols: set[sympy.Symbol], where: str) -> None:
    for v in values:
        if _is_symbolic(v):
            extra = v.free_symbols - symbols
            if extra:
                raise GameError(f"{where}: {v} uses undeclared "
                                f"{sorted(str(s) for s in extra)}")


def check_probabilities(probs: Sequence[Any], actions: Sequence[str],
                         parameters: Sequence[Any], where: str) -> None:
    """Chance probabilities must sum to 1 and be >= 0: exactly when numeric, symbolically
    on the parameters' domains where sympy decides it (else again at instantiation)."""
    if not any(_is_symbolic(p) for p in probs):
        if any(isinstance(p, float) for p in probs):
            total = math.fsum(float(p) for p in probs)
            if abs(total - 1) > 1e-9:
                raise GameError(f"{where}: chance probabilities sum to {total!r}, not 1")
        elif sum(probs) != 1:
            raise GameError(f"{where}: chance probabilities sum to {sum(probs)}, not 1")
        for a, p in zip(actions, probs, strict=True):
            if p < 0:
                raise GameError(f"{where}: probability of {a!r} is {p} (negative)")
        return
    total = sympy.simplify(sum(sympy.nsimplify(p) if isinstance(p, float) else
                               (sympy.Rational(p.numerator, p.denominator)
                                if isinstance(p, Fraction) else p) for p in probs) - 1)
    if total != 0:
        raise GameError(f"{where}: chance probabilities sum to {sympy.simplify(total + 1)}, "
                        f"not identically 1")
    for a, p in zip(actions, probs, strict=True):
        if not _is_symbolic(p):
            if p < 0:
                raise GameError(f"{where}: probability of {a!r} is {p} (negative)")
            continue
        witness = negative_witness(p, parameters)
        if witness is not None:
            shown = ", ".join(f"{k}={v}" for k, v in witness.items())
            raise GameError(f"{where}: probability of {a!r} = {p} is negative at {shown}")


def _domain_points(param: Any) -> list[Fraction]:
    d = param.domain
    lo, hi = d.lower, d.upper
    if lo is not None and hi is not None:
        if lo == hi:
            return [lo]
        eps = (hi - lo) / 10**6
        a = lo if d.lower_closed else lo + eps
        b = hi if d.upper_closed else hi - eps
        return sorted({a, b, (lo + hi) / 2, lo + (hi - lo) / 4, lo + 3 * (hi - lo) / 4})
    base = lo if lo is not None else (hi if hi is not None else Fraction(0))
    sign = 1 if lo is not None else -1
    off = [Fraction(1, 10**6), Fraction(1), Fraction(10), Fraction(10**3), Fraction(10**6)]
    pts = [base + sign * o for o in off]
    if lo is not None and d.lower_closed or hi is not None and d.upper_closed:
        pts.append(base)
    if lo is None and hi is None:
        pts += [-o for o in off] + [Fraction(0)]
    return sorted(set(pts))


def negative_witness(expr: sympy.Expr, parameters: Sequence[Any]) -> dict[str, Fraction] | None:
    """Parameter values (inside the domains) at which ``expr`` is negative, or None.

    One free parameter: decided exactly (sympy's univariate inequality solver on the
    domain). More: the corners and interior grid points of the domain box are checked
    exactly; a negative value there is a witness. When neither finds one the
    expression is accepted here and checked again at instantiation.

    >>> from qa_games import Interval, Parameter
    >>> p = Parameter("p", Interval.parse("[0, 1]"), Fraction(1, 2))
    >>> negative_witness(sympy.Symbol("p", real=True) - sympy.Rational(1, 5), [p])
    {'p': Fraction(1, 10)}
    """
    by_sym = {p.symbol: p for p in parameters}
    free = [s for s in sorted(expr.free_symbols, key=str) if s in by_sym]
    if len(free) == 1:
        sym = free[0]
        par = by_sym[sym]
        try:
            dom = sympy.Intersection(*[sympy.solveset(c, sym, sympy.S.Reals)
                                       for c in par.domain.sympy_conditions(sym)]
                                     or [sympy.S.Reals])
            bad = sympy.solveset(expr < 0, sym, sympy.S.Reals).intersect(dom)
            if bad is sympy.S.EmptySet:
                return None
            pt = _point_in(bad)
            if pt is not None and par.domain.contains(pt):
                val = substitute(expr, {sym: sympy.Rational(pt.numerator, pt.denominator)})
                if val.is_negative:
                    return {par.name: pt}
        except (NotImplementedError, TypeError, ValueError):
            pass
    grids = [_domain_points(by_sym[s]) for s in free]
    limit = 4096
    count = 0
    for point in itertools.product(*grids):
        count += 1
        if count > limit:
            break
        subs = {s: sympy.Rational(v.numerator, v.denominator)
                for s, v in zip(free, point, strict=True)}
        val = substitute(expr, subs)
        if val.is_number and val.is_negative:
            return {by_sym[s].name: v for s, v in zip(free, point, strict=True)}
    return None


def _point_in(s: sympy.Set) -> Fraction | None:
    """A rational point of a sympy set of reals (intervals, unions, finite sets)."""
    if isinstance(s, sympy.Union):
        for part in s.args:
            pt = _point_in(part)
            if pt is not None:
                return pt
        return None
    if isinstance(s, sympy.FiniteSet):
        for x in s:
            if x.is_Rational:
                return Fraction(int(x.p), int(x.q))
        return None
    if isinstance(s, sympy.Interval):
        lo, hi = s.start, s.end
        if lo.is_infinite and hi.is_infinite:
            return Fraction(0)
        if lo.is_infinite:
            m = sympy.floor(hi) - 1
        elif hi.is_infinite:
            m = sympy.ceiling(lo) + 1
        else:
            m = sympy.nsimplify((lo + hi) / 2)
            if not m.is_Rational:
                m = sympy.Rational(sympy.floor((lo + hi) / 2 * 10**6), 10**6)
        m = sympy.Rational(m)
        return Fraction(int(m.p), int(m.q))
    return None


def _perfect_recall(tree: Tree) -> bool:
    """Each information set's nodes share the player's last own move (infoset, action);
    by induction down the tree that is the whole own history (Kuhn 1953)."""
    nodes = tree.nodes
    n_pl = len(tree.players)
    last: dict[int, tuple[tuple[int, int] | None, ...]] = {0: (None,) * n_pl}
    seen: dict[int, tuple[int, int] | None] = {}
    for k in tree.preorder:
        node = nodes[k]
        mine = last.pop(k)
        if node.kind == DECISION:
            h = node.infoset
            own = mine[node.player]
            if h in seen and seen[h] != own:
                return False
            seen[h] = own
            for j, c in enumerate(node.children):
                nxt = list(mine)
                nxt[node.player] = (h, j)
                last[c] = tuple(nxt)
        else:
            for c in node.children:
                last[c] = mine
    return True


def random_tree(n_nodes: int, players: Sequence[str] = ("1", "2"), *, seed: int = 0,
                branching: tuple[int, int] = (2, 3), payoffs: tuple[int, int] = (0, 9),
                chance: float = 0.0, floats: bool = False) -> Tree:
    """A random perfect-information tree of about ``n_nodes`` nodes (grown breadth
    first, so its depth is logarithmic): each inner node is a chance node with
    probability ``chance`` (uniform probabilities), else a decision node of a random
    player; payoffs are random integers in ``payoffs`` (ties are frequent when the range
    is small) or, with ``floats``, uniform floats in it. For tests and benchmarks.

    >>> t = random_tree(50, seed=1)
    >>> len(t.nodes) >= 50, t.perfect_information
    (True, True)
    """
    import random
    from collections import deque

    if not isinstance(n_nodes, int) or n_nodes < 1 or n_nodes > MAX_NODES:
        raise ParameterError(f"n_nodes={n_nodes!r} must be an integer in 1..{MAX_NODES}")
    rng = random.Random(seed)
    players = tuple(players)
    kind: list[str] = [TERMINAL]
    kids: list[list[int]] = [[]]
    who: list[int] = [-1]
    queue = deque([0])
    count = 1
    while queue and count < n_nodes:
        k = queue.popleft()
        b = branching[0] + int(rng.random() * (branching[1] - branching[0] + 1))
        kind[k] = CHANCE if rng.random() < chance else DECISION
        who[k] = int(rng.random() * len(players))
        for _ in range(b):
            kids[k].append(len(kind))
            queue.append(len(kind))
            kind.append(TERMINAL)
            kids.append([])
            who.append(-1)
        count += b
    nodes: list[Node] = []
    infosets: list[Infoset] = []
    lo, hi = payoffs
    for k in range(len(kind)):
        ch = tuple(kids[k])
        acts = tuple(f"a{j}" for j in range(len(ch)))
        if kind[k] == TERMINAL:
            pays: tuple[Any, ...]
            if floats:
                pays = tuple(lo + (hi - lo) * rng.random() for _ in players)
            else:
                pays = tuple(Fraction(lo + int(rng.random() * (hi - lo + 1))) for _ in players)
            nodes.append(Node(TERMINAL, payoffs=pays))
        elif kind[k] == CHANCE:
            nodes.append(Node(CHANCE, ch, acts, probs=(Fraction(1, len(ch)),) * len(ch)))
        else:
            infosets.append(Infoset(who[k], acts, (k,), f"{players[who[k]]}:{k}"))
            nodes.append(Node(DECISION, ch, acts, player=who[k], infoset=len(infosets) - 1))
    return Tree(players, tuple(nodes), tuple(infosets), title=f"random tree (seed {seed})")
