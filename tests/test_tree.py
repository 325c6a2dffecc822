"""Tests of qa_games.games.tree: structure, subgames, perfect recall, validation."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy

from qa_games import Interval, Parameter
from qa_games.errors import GameError, ParameterError, UnsupportedGameError
from qa_games.games.tree import (
    Chance,
    Decision,
    Infoset,
    Node,
    Terminal,
    Tree,
    negative_witness,
    random_tree,
)


def entry():
    return Tree.from_spec(["E", "I"], Decision("E", {
        "out": Terminal(0, 2),
        "in": Decision("I", {"fight": Terminal(-1, -1), "accommodate": Terminal(1, 1)})}))


def simultaneous_after_entry():
    """1 stays out (2, 2) or enters a battle of the sexes with 2 (one subgame)."""
    bos = Decision("1", {"F": Decision("2", {"f": Terminal(3, 1), "o": Terminal(0, 0)},
                                       infoset="h2"),
                         "O": Decision("2", {"f": Terminal(0, 0), "o": Terminal(1, 3)},
                                       infoset="h2")})
    return Tree.from_spec(["1", "2"], Decision("1", {"out": Terminal(2, 2), "in": bos}))


def test_structure_and_subgames():
    t = simultaneous_after_entry()
    assert t.subgame_roots() == (0, 2)
    assert not t.perfect_information and t.perfect_recall
    h2 = [i for i in t.infosets if i.name == "h2"][0]
    assert len(h2.nodes) == 2 and h2.actions == ("f", "o")
    assert t.label(h2.nodes[1]) == "in/O"
    assert entry().subgame_roots() == (0, 2)


def test_subgame_roots_brute_force():
    """A node starts a subgame iff no information set straddles its subtree."""
    for seed in range(20):
        t = random_tree(40, seed=seed, chance=0.2)
        # merge some same-player nodes of equal arity into information sets
        by_key: dict = {}
        for k, n in enumerate(t.nodes):
            if n.kind == "decision" and k % 3 == 0:
                by_key.setdefault((n.player, len(n.children)), []).append(k)
        groups = [g[:2] for g in by_key.values() if len(g) >= 2]
        nodes = list(t.nodes)
        isets = [i for i in t.infosets if not any(i.nodes[0] in g for g in groups)]
        for g in groups:
            isets.append(Infoset(t.nodes[g[0]].player, t.nodes[g[0]].actions, tuple(g)))
        index = {i.nodes[k]: h for h, i in enumerate(isets) for k in range(len(i.nodes))}
        nodes = [Node(n.kind, n.children, n.actions, n.player, index[k], n.probs, n.payoffs)
                 if n.kind == "decision" else n for k, n in enumerate(nodes)]
        try:
            t2 = Tree(t.players, tuple(nodes), tuple(isets))
        except (GameError, UnsupportedGameError):
            continue  # a merged pair on one path
        below = {}
        for k in reversed(t2.preorder):
            below[k] = {k}.union(*(below[c] for c in t2.nodes[k].children))
        expected = []
        for k in t2.preorder:
            n = t2.nodes[k]
            if n.kind == "terminal":
                continue
            ok = all(set(i.nodes) <= below[k] or not set(i.nodes) & below[k]
                     for i in t2.infosets)
            if n.kind == "decision" and len(t2.infosets[n.infoset].nodes) > 1:
                ok = False
            if ok:
                expected.append(k)
        assert t2.subgame_roots() == tuple(expected)


def test_perfect_recall_detects_forgetting():
    # player 1 moves, then (after 2's move) cannot recall its own first action
    forget = Tree.from_spec(["1", "2"], Decision("1", {
        "L": Decision("1", {"x": Terminal(1, 0), "y": Terminal(0, 1)}, infoset="late"),
        "R": Decision("1", {"x": Terminal(0, 0), "y": Terminal(2, 2)}, infoset="late")}))
    assert not forget.perfect_recall
    assert simultaneous_after_entry().perfect_recall


def test_cycle_and_shared_child_are_errors():
    term = Node("terminal", payoffs=(0,))
    iset = Infoset(0, ("a", "b"), (0,))
    with pytest.raises(GameError, match="the root is reached twice .a cycle"):
        Tree(("A",), (Node("decision", (1, 0), ("a", "b"), 0, 0), term), (iset,))
    with pytest.raises(GameError, match="node 1 is reached twice"):
        Tree(("A",), (Node("decision", (1, 1), ("a", "b"), 0, 0), term), (iset,))
    with pytest.raises(GameError, match="not reachable from the root"):
        Tree(("A",), (Node("decision", (1, 2), ("a", "b"), 0, 0), term, term, term), (iset,))


def test_information_set_mixing_players_is_an_error():
    with pytest.raises(GameError, match="information set 'h' mixes players A and B"):
        Tree.from_spec(["A", "B"], Chance({
            "x": (Fraction(1, 2), Decision("A", {"l": Terminal(0, 0)}, infoset="h")),
            "y": (Fraction(1, 2), Decision("B", {"l": Terminal(0, 0)}, infoset="h"))}))
    nodes = (Node("chance", (1, 2), ("x", "y"), probs=(Fraction(1, 2), Fraction(1, 2))),
             Node("decision", (3,), ("l",), 0, 0), Node("decision", (4,), ("l",), 1, 0),
             Node("terminal", payoffs=(0, 0)), Node("terminal", payoffs=(0, 0)))
    with pytest.raises(GameError, match="mixes players A and B"):
        Tree(("A", "B"), nodes, (Infoset(0, ("l",), (1, 2)),))


def test_information_set_with_unequal_actions_is_an_error():
    with pytest.raises(GameError, match="information set 'h': node .* has actions"):
        Tree.from_spec(["A", "B"], Decision("B", {
            "m": Decision("A", {"l": Terminal(0, 0), "r": Terminal(0, 0)}, infoset="h"),
            "n": Decision("A", {"l": Terminal(0, 0), "s": Terminal(0, 0)}, infoset="h")}))


def test_information_set_children_follow_the_set_order():
    t = Tree.from_spec(["A", "B"], Decision("B", {
        "m": Decision("A", {"l": Terminal(1, 0), "r": Terminal(2, 0)}, infoset="h"),
        "n": Decision("A", {"r": Terminal(3, 0), "l": Terminal(4, 0)}, infoset="h")}))
    second = t.infosets[1].nodes[1]
    assert [t.nodes[c].payoffs[0] for c in t.nodes[second].children] == [4, 3]


def _p(name="p", domain="[0, 1]", default="1/2"):
    return Parameter(name, Interval.parse(domain), Fraction(default))


def test_numeric_chance_probabilities_checked():
    with pytest.raises(GameError, match="sum to 5/6, not 1"):
        Tree.from_spec(["A"], Chance({"h": (Fraction(1, 2), Terminal(0)),
                                      "t": (Fraction(1, 3), Terminal(0))}))
    with pytest.raises(GameError, match="probability of 't' is -1/2 .negative"):
        Tree.from_spec(["A"], Chance({"h": (Fraction(3, 2), Terminal(0)),
                                      "t": (Fraction(-1, 2), Terminal(0))}))
    with pytest.raises(GameError, match="not a finite number"):
        Tree.from_spec(["A"], Chance({"h": (float("nan"), Terminal(0))}))


def test_symbolic_probabilities_checked_on_the_domain():
    p = _p()
    x = p.symbol
    ok = Tree.from_spec(["A"], Chance({"h": (x, Terminal(1)), "t": (1 - x, Terminal(0))}),
                        parameters=[p])
    assert ok.symbolic
    inst = ok.at(p="1/3")
    assert inst.nodes[0].probs == (Fraction(1, 3), Fraction(2, 3)) and not inst.symbolic
    with pytest.raises(GameError, match="sum to .*not identically 1"):
        Tree.from_spec(["A"], Chance({"h": (x, Terminal(1)), "t": (x, Terminal(0))}),
                       parameters=[p])
    with pytest.raises(GameError, match=r"probability of 'h' = 2\*p - 1/2 is negative at p=1/8"):
        Tree.from_spec(["A"], Chance({"h": (2 * x - sympy.Rational(1, 2), Terminal(1)),
                                      "t": (sympy.Rational(3, 2) - 2 * x, Terminal(0))}),
                       parameters=[p])
    q = _p("q")
    y = q.symbol
    with pytest.raises(GameError, match="is negative at p=.*, q="):
        Tree.from_spec(["A"], Chance({"h": (x - y, Terminal(1)),
                                      "t": (1 - x + y, Terminal(0))}), parameters=[p, q])
    with pytest.raises(GameError, match="undeclared"):
        Tree.from_spec(["A"], Chance({"h": (x, Terminal(1)), "t": (1 - x, Terminal(0))}))


def test_negative_witness_is_exact_and_in_domain():
    p = _p("p", "(0, 1)")
    x = p.symbol
    assert negative_witness(x * (1 - x), [p]) is None
    w = negative_witness(x - sympy.Rational(1, 3), [p])
    assert w is not None and 0 < w["p"] < Fraction(1, 3)
    r = _p("r", "[0, inf)", "1")
    assert negative_witness(r.symbol ** 2 - 10 * r.symbol + 9, [r]) is not None


def test_instantiation_checks_the_domain():
    # a product of parameters negative only where the grid does not look: caught at at()
    p, q = _p(), _p("q", "[-1, 1]", "0")
    x, y = p.symbol, q.symbol
    prob = sympy.Rational(1, 2) + x * y * 0
    t = Tree.from_spec(["A"], Chance({"h": (prob + y / 2, Terminal(1)),
                                      "t": (prob - y / 2, Terminal(0))}), parameters=[p, q])
    assert t.at(q="1").nodes[0].probs == (1, 0)
    with pytest.raises(ParameterError, match="q=2 is outside its domain"):
        t.at(q=2)


def test_bad_values_and_names():
    with pytest.raises(GameError, match="2 payoffs for 1 players"):
        Tree.from_spec(["A"], Terminal(1, 2))
    with pytest.raises(GameError, match="unknown player 'C'"):
        Tree.from_spec(["A"], Decision("C", {"x": Terminal(1)}))
    with pytest.raises(GameError, match="True is not a number"):
        Tree.from_spec(["A"], Terminal(True))
    with pytest.raises(GameError, match="distinct"):
        Tree.from_spec(["A", "A"], Terminal(1, 2))


def test_random_tree_is_iterative_and_deep_trees_work():
    t = random_tree(20_000, seed=0, branching=(2, 2))
    assert len(t.nodes) >= 20_000 and t.perfect_information
    # a path of 20000 decisions: no recursion anywhere
    spec = Terminal(1, 1)
    for k in range(20_000):
        spec = Decision("AB"[k % 2], {"go": spec, "stop": Terminal(0, 0)})
    deep = Tree.from_spec(["A", "B"], spec)
    assert len(deep.subgame_roots()) == 20_000 and deep.perfect_recall
