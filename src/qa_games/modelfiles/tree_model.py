"""Tree model files (``kind = "tree"``): an extensive-form game declared in TOML.

A tree model is a :class:`qa_games.games.tree.Tree` whose payoffs and chance
probabilities are expressions in declared parameters, read by the same whitelist
parser as the normal-form models (never ``eval``). The format::

    [model]
    kind = "tree"
    name = "entry_deterrence"
    title = "..."                  # also theory, description, sources
    players = ["E", "I"]
    root = "start"                 # optional: else the one node no other node names
    constraints = ["p <= q"]       # optional conditions among the parameters

    [parameters]                   # as in a normal-form model file
    q = { domain = "[0, 1]", default = 0.5, description = "..." }

    [nodes]                        # one entry per node, any order
    start  = { player = "E", actions = { out = "quiet", in = "nature" } }
    nature = { chance = { strong = { probability = "q", to = "s" },
                          weak = ["1 - q", "w"] } }          # [probability, node] also works
    s = { player = "I", infoset = "I_blind", actions = { fight = "t1", yield = "t2" } }
    w = { player = "I", infoset = "I_blind", actions = { fight = "t3", yield = "t4" } }
    quiet = { payoffs = { E = "0", I = "2" } }               # or a list in player order
    t1 = { payoffs = ["-1", "2 * q"] }

    [outcomes]
    selection = "all"              # the rule applied in every subgame (SPE)

A decision node without ``infoset`` is alone in its own; the nodes of one set must
belong to one player and offer the same actions (children are matched by action
name). Every node needs exactly one parent (the root none): a node named twice, a
cycle, an unreachable node, an unknown node name, a set mixing players or with
unequal actions, chance probabilities that do not sum to 1 (identically) or go
negative somewhere on the parameters' domains are each one :class:`ModelError`
naming the file and the key.

>>> m = parse_tree_model({
...     "model": {"kind": "tree", "name": "e", "players": ["E", "I"]},
...     "parameters": {"c": {"domain": "[0, 4]", "default": 1}},
...     "nodes": {"start": {"player": "E", "actions": {"out": "o", "in": "i"}},
...               "i": {"player": "I", "actions": {"fight": "f", "accommodate": "a"}},
...               "o": {"payoffs": ["0", "2"]}, "f": {"payoffs": ["-c", "-1"]},
...               "a": {"payoffs": ["1", "1"]}}}, where="e.toml")
>>> m.at(c=2).nodes[3].payoffs
(Fraction(-2, 1), Fraction(-1, 1))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

import sympy

from qa_games.errors import GameError, ModelError, ParameterError, UnsupportedGameError
from qa_games.modelfiles.files import need

__all__ = ["TreeModel", "parse_tree_model", "MAX_TREE_NODES"]

#: Largest number of nodes a tree model file may declare.
MAX_TREE_NODES = 100_000
_RULES = ("all", "payoff_dominance", "risk_dominance")


@dataclass(frozen=True, eq=False)
class TreeModel:
    """A game tree read from a model file, with its parameters and selection rule."""

    name: str
    title: str
    tree: Any  # a symbolic qa_games.games.tree.Tree
    selection: str = "all"
    theory: str = ""
    description: str = ""
    sources: tuple[str, ...] = ()
    node_names: tuple[str, ...] = ()  # the file's name of each tree node
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    path: Path | None = None
    sha256: str = ""

    @property
    def kind(self) -> str:
        return "tree"

    @property
    def parameters(self) -> tuple[Any, ...]:
        return self.tree.parameters

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return self.tree.parameter_names

    def parameter(self, name: str) -> Any:
        for p in self.tree.parameters:
            if p.name == name:
                return p
        raise ParameterError(f"{self.name}: unknown parameter {name!r} "
                             f"(known: {', '.join(self.parameter_names) or 'none'})")

    def defaults(self) -> dict[str, Fraction]:
        return {p.name: p.default for p in self.tree.parameters}

    def values(self, values: Mapping[str, Any] | None = None, **kw: Any) -> dict[str, Fraction]:
        return self.tree.values(values, **kw)

    def at(self, values: Mapping[str, Any] | None = None, **kw: Any) -> Any:
        """The numeric tree at these values (defaults for the rest)."""
        return self.tree.at(values, **kw)

    def __repr__(self) -> str:
        return f"<TreeModel {self.name!r}: {self.title}>"


def _child(ref: Any, nodes: Mapping[str, Any], at: str) -> str:
    if not isinstance(ref, str):
        raise ModelError(f"{at}: expected a node name, got {ref!r}")
    if ref not in nodes:
        known = ", ".join(list(nodes)[:20]) + (", ..." if len(nodes) > 20 else "")
        raise ModelError(f"{at}: unknown node {ref!r} (known: {known})")
    return ref


def parse_tree_model(data: Mapping[str, Any], *, where: str, path: Path | None = None,
                     sha256: str = "") -> TreeModel:
    """Build a :class:`TreeModel` from a parsed ``kind = "tree"`` model file (a dict)."""
    from ..games.expressions import check_name, parse_condition, parse_expression
    from ..games.limits import check_labels
    from ..games.tree import CHANCE, DECISION, TERMINAL, Infoset, Node, Tree
    from .normal_form import parse_parameters

    known = {"model", "parameters", "nodes", "outcomes"}
    unknown = set(data) - known
    if unknown:
        raise ModelError(f"{where}: unknown tables {sorted(unknown)} "
                         f"(known: {', '.join(sorted(known))})")
    meta = need(data, "model", dict, where)
    if meta.get("kind", "tree") != "tree":
        raise ModelError(f"{where}: model.kind: expected 'tree', got {meta.get('kind')!r}")
    name = need(meta, "name", str, f"{where}: model")
    players_raw = need(meta, "players", list, f"{where}: model")
    if not players_raw or not all(isinstance(p, str) and p.strip() for p in players_raw):
        raise ModelError(f"{where}: model.players: expected a non-empty list of names")
    players = check_labels(players_raw, where=f"{where}: model.players", error=ModelError)
    if len(set(players)) != len(players):
        raise ModelError(f"{where}: model.players: names must be distinct, got {list(players)}")
    params = parse_parameters(data["parameters"], f"{where}: parameters") \
        if "parameters" in data else ()
    names: dict[str, sympy.Basic] = {p.name: p.symbol for p in params}
    constraints = tuple(parse_condition(text, names, where=f"{where}: model.constraints[{k}]")
                        for k, text in enumerate(meta.get("constraints", [])))
    table = need(data, "nodes", dict, where)
    if not table:
        raise ModelError(f"{where}: nodes: the tree needs at least one node")
    if len(table) > MAX_TREE_NODES:
        raise ModelError(f"{where}: nodes: more than MAX_TREE_NODES={MAX_TREE_NODES} nodes")

    parent: dict[str, tuple[str, str]] = {}
    specs: dict[str, dict[str, Any]] = {}
    for nname, spec in table.items():
        at = f"{where}: nodes.{nname}"
        check_name(nname, where=at)
        if not isinstance(spec, dict):
            raise ModelError(f"{at}: expected a table (player/actions, chance or payoffs)")
        kinds = [k for k in ("actions", "chance", "payoffs") if k in spec]
        if len(kinds) != 1:
            raise ModelError(f"{at}: a node has exactly one of 'actions' (decision), 'chance' "
                             f"or 'payoffs' (terminal), got {kinds or 'none'}")
        allowed = {"actions": {"player", "infoset", "actions", "description"},
                   "chance": {"chance", "description"},
                   "payoffs": {"payoffs", "description"}}[kinds[0]]
        extra = set(spec) - allowed
        if extra:
            raise ModelError(f"{at}: unknown keys {sorted(extra)} (allowed: "
                             f"{', '.join(sorted(allowed))})")
        entry: dict[str, Any] = {"kind": kinds[0]}
        if kinds[0] == "actions":
            player = need(spec, "player", str, at)
            if player not in players:
                raise ModelError(f"{at}.player: unknown player {player!r} "
                                 f"(known: {', '.join(players)})")
            acts = need(spec, "actions", dict, at)
            if not acts:
                raise ModelError(f"{at}.actions: a decision node needs at least one action")
            infoset = spec.get("infoset", f"{player}:{nname}")
            if not isinstance(infoset, str) or not infoset:
                raise ModelError(f"{at}.infoset: expected a name, got {infoset!r}")
            entry.update(player=player, infoset=infoset,
                         moves=[(str(a), _child(c, table, f"{at}.actions.{a}"))
                                for a, c in acts.items()])
        elif kinds[0] == "chance":
            moves = need(spec, "chance", dict, at)
            if not moves:
                raise ModelError(f"{at}.chance: a chance node needs at least one outcome")
            out = []
            for a, m in moves.items():
                ma = f"{at}.chance.{a}"
                if isinstance(m, dict):
                    extra = set(m) - {"probability", "to"}
                    if extra:
                        raise ModelError(f"{ma}: unknown keys {sorted(extra)} "
                                         f"(allowed: probability, to)")
                    prob, to = need(m, "probability", (str, int, float), ma), \
                        need(m, "to", str, ma)
                elif isinstance(m, list) and len(m) == 2:
                    prob, to = m
                else:
                    raise ModelError(f"{ma}: expected {{ probability = \"...\", to = \"node\" }} "
                                     f"or [probability, node], got {m!r}")
                pr = parse_expression(prob, names, where=f"{ma}.probability")
                out.append((str(a), pr, _child(to, table, f"{ma}.to")))
            entry["moves"] = out
        else:
            pays = spec["payoffs"]
            if isinstance(pays, dict):
                missing = [p for p in players if p not in pays]
                extra_p = [p for p in pays if p not in players]
                if missing or extra_p:
                    raise ModelError(f"{at}.payoffs: expected one payoff per player "
                                     f"({', '.join(players)}); missing {missing}, "
                                     f"unknown {extra_p}")
                items = [pays[p] for p in players]
            elif isinstance(pays, list):
                if len(pays) != len(players):
                    raise ModelError(f"{at}.payoffs: expected {len(players)} payoffs (one per "
                                     f"player), got {len(pays)}")
                items = pays
            else:
                raise ModelError(f"{at}.payoffs: expected a list or a table by player")
            entry["payoffs"] = tuple(
                parse_expression(u, names, where=f"{at}.payoffs.{players[i]}")
                for i, u in enumerate(items))
        specs[nname] = entry
        for a, *rest in entry.get("moves", []):
            child = rest[-1]
            if child in parent:
                p0, a0 = parent[child]
                raise ModelError(f"{at}: node {child!r} already has parent {p0!r} (action "
                                 f"{a0!r}); a game tree needs exactly one path to each node")
            parent[child] = (nname, a)

    root = meta.get("root")
    if root is not None:
        root = _child(root, table, f"{where}: model.root")
        if root in parent:
            raise ModelError(f"{where}: model.root: {root!r} is a child of {parent[root][0]!r}")
    else:
        roots = [n for n in table if n not in parent]
        if len(roots) != 1:
            if not roots:
                raise ModelError(f"{where}: nodes: every node is some node's child, so they "
                                 f"form a cycle (give model.root or break it)")
            raise ModelError(f"{where}: nodes: {len(roots)} nodes have no parent "
                             f"({', '.join(roots[:5])}); a tree has one root (or set "
                             f"model.root)")
        root = roots[0]
    # reachability from the root (iterative); what remains is a cycle or a detached part
    order: list[str] = []
    stack = [root]
    while stack:
        k = stack.pop()
        order.append(k)
        stack.extend(reversed([m[-1] for m in specs[k].get("moves", [])]))
    if len(order) != len(table):
        reached = set(order)
        rest = next(n for n in table if n not in reached)
        cycle = [rest]
        seen = {rest}
        while rest in parent and parent[rest][0] not in seen:
            rest = parent[rest][0]
            seen.add(rest)
            cycle.append(rest)
        if rest in parent and parent[rest][0] in seen:
            start = parent[rest][0]
            loop = cycle[cycle.index(start):][::-1] + [start]
            raise ModelError(f"{where}: nodes: a cycle {' -> '.join(loop)} (a game tree has "
                             f"no cycles)")
        raise ModelError(f"{where}: nodes: {rest!r} is not reachable from the root {root!r}")

    index = {n: k for k, n in enumerate(order)}
    iset_ids: dict[str, int] = {}
    iset_nodes: list[list[int]] = []
    iset_meta: list[tuple[int, tuple[str, ...], str, str]] = []
    nodes = []
    for nname in order:
        e = specs[nname]
        at = f"{where}: nodes.{nname}"
        if e["kind"] == "payoffs":
            nodes.append(Node(TERMINAL, payoffs=e["payoffs"], name=nname))
        elif e["kind"] == "chance":
            nodes.append(Node(CHANCE, tuple(index[c] for _, _, c in e["moves"]),
                              tuple(a for a, _, _ in e["moves"]),
                              probs=tuple(p for _, p, _ in e["moves"]), name=nname))
        else:
            pl = players.index(e["player"])
            acts = tuple(a for a, _ in e["moves"])
            kids = {a: index[c] for a, c in e["moves"]}
            iname = e["infoset"]
            if iname not in iset_ids:
                iset_ids[iname] = len(iset_nodes)
                iset_nodes.append([])
                iset_meta.append((pl, acts, iname, nname))
            h = iset_ids[iname]
            pl0, acts0, _, first = iset_meta[h]
            if pl0 != pl:
                raise ModelError(f"{at}.infoset: information set {iname!r} mixes players "
                                 f"{players[pl0]} (node {first}) and {players[pl]}")
            if set(acts) != set(acts0) or len(acts) != len(acts0):
                raise ModelError(f"{at}.actions: information set {iname!r} has actions "
                                 f"{list(acts0)} at node {first}, {list(acts)} here (the nodes "
                                 f"of one set offer the same actions)")
            iset_nodes[h].append(index[nname])
            nodes.append(Node(DECISION, tuple(kids[a] for a in acts0), acts0, player=pl,
                              infoset=h, name=nname))
    infosets = tuple(Infoset(pl, acts, tuple(iset_nodes[h]), iname)
                     for h, (pl, acts, iname, _) in enumerate(iset_meta))
    try:
        tree = Tree(players, tuple(nodes), infosets, tuple(params), constraints,
                    str(meta.get("title", name)))
    except (GameError, UnsupportedGameError) as exc:
        raise ModelError(f"{where}: nodes: {exc}") from None
    outcomes = data.get("outcomes", {})
    if not isinstance(outcomes, dict):
        raise ModelError(f"{where}: outcomes: expected a table")
    selection = outcomes.get("selection", "all")
    if selection not in _RULES:
        raise ModelError(f"{where}: outcomes.selection: unknown rule {selection!r} "
                         f"(known: {', '.join(_RULES)})")
    sources = meta.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise ModelError(f"{where}: model.sources: expected a list of strings")
    return TreeModel(name=name, title=str(meta.get("title", name)), tree=tree,
                     selection=selection, theory=str(meta.get("theory", "")),
                     description=str(meta.get("description", "")).strip(),
                     sources=tuple(sources), node_names=tuple(order),
                     raw=MappingProxyType(dict(data)), path=path, sha256=sha256)
