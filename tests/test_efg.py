"""Tests of qa_games.games.efg: Gambit .efg read/write, round trips through pygambit,
Nash equilibria of the reduced form against pygambit's enummixed on Gambit's test games."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import pytest

from qa_games.errors import GameError, UnsupportedGameError
from qa_games.games.efg import read_efg, write_efg
from qa_games.games.tree import random_tree
from qa_games.solvers.reduced_form import reduced_form, tree_equilibria

gbt = pytest.importorskip("pygambit")

DATA = Path(__file__).parent / "data" / "efg"
FILES = sorted(p for p in DATA.glob("*.efg"))
ABSENT_MINDED = {"not_perfect_recall.efg"}
READABLE = [p for p in FILES if p.name not in ABSENT_MINDED]


def structure(tree):
    """Everything a tree says, in a comparable form: nodes renumbered in preorder,
    information sets as a partition of the nodes."""
    new = {k: p for p, k in enumerate(tree.preorder)}
    nodes = []
    for k in tree.preorder:
        n = tree.nodes[k]
        nodes.append((n.kind, tuple(new[c] for c in n.children), n.actions, n.player,
                      tuple(n.probs), tuple(n.payoffs)))
    partition = sorted(tuple(sorted(new[k] for k in i.nodes)) for i in tree.infosets)
    return tree.players, tuple(nodes), partition


@pytest.mark.parametrize("path", READABLE, ids=lambda p: p.name)
def test_round_trip_through_pygambit(path):
    mine = read_efg(path)
    # ours -> text -> pygambit -> its text -> ours: the same tree
    theirs = gbt.read_efg(io.StringIO(write_efg(mine)))
    back = read_efg(theirs.to_efg())
    assert structure(back) == structure(mine)
    # pygambit's own reading of the original file writes the same game we read
    assert structure(read_efg(gbt.read_efg(str(path)).to_efg())) == structure(mine)


def test_round_trip_random_trees():
    for seed in range(5):
        t = random_tree(60, players=("a", "b", "c"), seed=seed, chance=0.2, payoffs=(-3, 3))
        back = read_efg(gbt.read_efg(io.StringIO(write_efg(t))).to_efg())
        assert structure(back) == structure(t)


def test_nonterminal_outcomes_accumulate():
    """Outcomes at inner nodes add to every terminal below (Gambit's semantics): the
    file with non-terminal outcomes is the same game as the one without."""
    a = read_efg(DATA / "entry_accommodation.efg")
    b = read_efg(DATA / "entry_accommodation_with_nonterm_outcomes.efg")
    assert [n.payoffs for n in a.nodes] == [n.payoffs for n in b.nodes]


def _node_of_history(tree, history):
    k = 0
    for step in history:
        node = tree.nodes[k]
        k = node.children[node.actions.index(str(step.action))]
    return k


def _gambit_plans(tree, g):
    """For each player, pygambit's strategies as our plans ((infoset, action) pairs).

    pygambit 16 names a strategy's action at each information set (``Strategy.action``);
    17 exposes ``get_behavior`` keyed by histories. Both are mapped through the nodes:
    our reader numbers them in file (pre)order, as pygambit does."""
    out = []
    if hasattr(g, "get_strategies"):  # pygambit 17
        for pl in g.players:
            row = []
            for label in g.get_strategies(pl):
                plan = []
                for hist, action in g.get_behavior(pl, label).items():
                    node = tree.nodes[_node_of_history(tree, hist)]
                    plan.append((node.infoset, node.actions.index(str(action))))
                row.append((label, pl, tuple(sorted(plan))))
            out.append(row)
        return out
    gnodes = list(g.nodes)
    for pl in g.players:
        where = {}
        for iset in pl.infosets:
            first = list(iset.members)[0]
            k = next(k for k, n in enumerate(gnodes) if n == first)
            where[k] = iset
        row = []
        for strat in pl.strategies:
            plan = []
            for k, iset in where.items():
                try:
                    act = strat.action(iset)
                except Exception:  # an information set the strategy does not reach
                    act = None
                if act is None:
                    continue
                j = next(j for j, a in enumerate(iset.actions) if a == act)
                plan.append((tree.nodes[k].infoset, j))
            row.append((strat, pl, tuple(sorted(plan))))
        out.append(row)
    return out


def _gambit_equilibria(tree, path):
    """pygambit's enummixed equilibria, mapped onto our reduced form's plans."""
    g = gbt.read_efg(str(path))
    result = gbt.nash.enummixed_solve(g, rational=True)
    rf = reduced_form(tree)
    maps = []
    for i, row in enumerate(_gambit_plans(tree, g)):
        ours = {plan: s for s, plan in enumerate(rf.plans[i])}
        # our plans list only the sets a plan reaches; so do pygambit's reduced strategies
        m = [(key, pl, ours[plan]) for key, pl, plan in row]
        assert sorted(s for _, _, s in m) == list(range(len(rf.plans[i])))
        maps.append(m)
    out = set()
    for eq in result.equilibria:
        prof = []
        for i, m in enumerate(maps):
            vec = [Fraction(0)] * len(rf.plans[i])
            for key, pl, s in m:
                val = eq[pl][key] if hasattr(g, "get_strategies") else eq[key]
                vec[s] = Fraction(str(val))
            prof.append(tuple(vec))
        out.add(tuple(prof))
    return out


# pygambit needs 20-30 s on each of these (a degenerate 9 x 8 strategic form, rational)
SLOW = {"2_player_chance.efg", "2_player_chance_nonterm_outcomes_and_missing_term_outcomes.efg"}
TWO_PLAYER = [p for p in READABLE if len(read_efg(p).players) == 2 and read_efg(p).perfect_recall
              and p.name not in SLOW]


@pytest.mark.parametrize("path", TWO_PLAYER, ids=lambda p: p.name)
def test_reduced_form_equilibria_equal_pygambit(path):
    tree = read_efg(path)
    sol = tree_equilibria(tree)
    ours = {eq.mixed.exact for eq in sol.equilibria}
    assert ours == _gambit_equilibria(tree, path)
    for eq in sol.equilibria:  # behaviour strategies are distributions where defined
        for b in eq.behaviour:
            assert b is None or (sum(b) == 1 and min(b) >= 0)


def test_reduced_form_size_equals_pygambit():
    for path in READABLE:
        tree = read_efg(path)
        if not tree.perfect_recall:
            continue
        g = gbt.read_efg(str(path))
        rf = reduced_form(tree)
        assert [len(p) for p in rf.plans] == [len(row) for row in _gambit_plans(tree, g)]


def test_absent_minded_file_is_refused_clearly():
    with pytest.raises(UnsupportedGameError, match="absent-mindedness is not supported"):
        read_efg(DATA / "not_perfect_recall.efg")


HEAD = 'EFG 2 R "g" { "A" "B" } ""\n'
BAD = [
    ("", "line 1: file ends where format version 2"),
    ('NFG 1 R "x" { "A" }', "expected the header EFG"),
    ('EFG 3 R "" { "A" }', "format version 2"),
    ('EFG 2 R "g" { }', "no players"),
    (HEAD + 'p "" 1 1 "" { "x" "y" } 0\nt "" 1 "" { 1, 2 }\n',
     "line 3: file ends where the node type (p, c or t) of the 2nd child of node 1"),
    (HEAD + 't "" 1 "" { 1, 2 }\nt "" 2 "" { 1, 2 }\n', "line 3: unexpected 't' after the last"),
    (HEAD + 't "" 1 "" { 1, 2, 3 }\n', "line 2: node 1: outcome 1 has more than 2 payoffs"),
    (HEAD + 't "" 1 "" { 1 }\n', "line 2: node 1: outcome 1 has 1 payoffs for 2 players"),
    (HEAD + 'p "" 3 1 "" { "x" } 0\nt "" 0\n', "line 2: node 1: player 3 does not exist"),
    (HEAD + 'p "" 1 0 "" { "x" } 0\nt "" 0\n', "information set numbers start at 1"),
    (HEAD + 'c "" 1 "" { "h" 1/2 "t" 1/3 } 0\nt "" 0\nt "" 0\n',
     "line 2: node 1: chance probabilities sum to 5/6, not 1"),
    (HEAD + 'c "" 1 "" { "h" 3/2 "t" -1/2 } 0\nt "" 0\nt "" 0\n',
     "a negative chance probability"),
    (HEAD + 'p "" 1 1 "" { "x" "y" } 0\np "" 2 1 "" { "l" "r" } 0\nt "" 0\nt "" 0\n'
     'p "" 2 1 "" { "l" } 0\nt "" 0\n',
     "line 6: node 5: information set 1 of B has actions ['l'] here and ['l', 'r'] at line 3"),
    (HEAD + 'p "" 1 1 "" { "x" "y" } 0\np "" 1 1 "" 0\nt "" 0\nt "" 0\nt "" 0\n',
     "absent-mindedness"),
    (HEAD + 'p "" 1 1 "" { "x" "y" } 0\nt "" 0\np "" 2 1 "" 0\nt "" 0\nt "" 0\n',
     "line 4: node 3: information set 1 appears for the first time without its action list"),
    (HEAD + 'p "" 1 1 "" { "x" "y" } 0\nt "" 1\nt "" 1 "" { 1, 1 }\n',
     "line 3: node 2: outcome 1 is used before its payoffs are given"),
    (HEAD + 'p "" 1 1 "" { "x" "y" } 0\nt "" 1 "" { 1, 1 }\nt "" 1 "" { 2, 1 }\n',
     "line 4: node 3: outcome 1 redefined with other payoffs (line 3 gave ['1', '1'])"),
    (HEAD + 't "" 1 "" { 1, 1e99999 }\n', "out of range"),
    (HEAD + 't "" 1 "" { 1, nan }\n', "expected payoff 2 of outcome 1 (a number"),
    (HEAD + 't "" 1 "" { 1, 2/0 }\n', "divides by zero"),
    (HEAD + 'p "" 1 1 "oops { x } 0\n', "line 2: unterminated string"),
    (HEAD + 'x "" 1\n', "line 2: expected the root node (p, c or t), found 'x'"),
    (HEAD + 'p "" 1 1 "" { } 0\n', "an empty action list"),
]


@pytest.mark.parametrize("text,message", BAD, ids=[m[:40] for _, m in BAD])
def test_bad_files_one_clear_error(text, message):
    with pytest.raises((GameError, UnsupportedGameError)) as info:
        read_efg(text if text else "EFG")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_size_limits(monkeypatch, tmp_path):
    import qa_games.games.efg as efg
    import qa_games.games.tree as tree_mod

    path = tmp_path / "big.efg"
    path.write_text(HEAD + 't "" 1 "" { 1, 2 }\n')
    monkeypatch.setattr(efg, "MAX_EFG_BYTES", 10)
    with pytest.raises(GameError, match="larger than 10 bytes"):
        read_efg(path)
    monkeypatch.setattr(efg, "MAX_EFG_BYTES", 10**6)
    monkeypatch.setattr(tree_mod, "MAX_NODES", 2)
    text = HEAD + 'p "" 1 1 "" { "x" "y" } 0\nt "" 0\nt "" 0\n'
    with pytest.raises(GameError, match="line 4: more than MAX_NODES=2 nodes"):
        read_efg(text)


def test_symbolic_tree_cannot_be_written():
    import sympy

    from qa_games import Interval, Parameter
    from qa_games.games.tree import Decision, Terminal, Tree

    p = Parameter("x", Interval.parse("[0, 1]"), Fraction(1, 2))
    t = Tree.from_spec(["A"], Decision("A", {"l": Terminal(p.symbol), "r": Terminal(0)}),
                       parameters=[p])
    with pytest.raises(GameError, match="instantiate"):
        write_efg(t)
    assert read_efg(write_efg(t.at(x="1/3"))).nodes[1].payoffs == (Fraction(1, 3),)
    assert isinstance(t.nodes[1].payoffs[0], sympy.Basic)


def test_deep_tree_reads_without_recursion():
    depth = 5000
    text = HEAD
    for k in range(depth):
        text += f'p "" 1 {k + 1} "" {{ "go" "stop" }} 0\n'
    text += 't "" 1 "" { 1, 1 }\n' + 't "" 0\n' * depth
    t = read_efg(text)
    assert len(t.nodes) == 2 * depth + 1
    assert read_efg(write_efg(t)).nodes[depth].payoffs == (1, 1)


def _play(tree, beh, i=None, plan=None):
    """Expected payoffs when everyone follows ``beh``, except player ``i`` playing the
    reduced ``plan`` ({infoset: action})."""
    total = [Fraction(0)] * tree.n_players
    stack = [(0, Fraction(1))]
    while stack:
        k, w = stack.pop()
        node = tree.nodes[k]
        if node.kind == "terminal":
            for j, u in enumerate(node.payoffs):
                total[j] += w * u
        elif node.kind == "chance":
            stack.extend((c, w * p) for c, p in zip(node.children, node.probs, strict=True)
                         if p)
        elif i is not None and node.player == i:
            stack.append((node.children[plan[node.infoset]], w))
        else:
            b = beh[node.infoset]
            assert b is not None, "a free information set was reached"
            stack.extend((c, w * p) for c, p in zip(node.children, b, strict=True) if p)
    return total


@pytest.mark.parametrize("path", [p for p in READABLE if read_efg(p).perfect_recall],
                         ids=lambda p: p.name)
def test_spe_of_gambit_games_are_nash(path):
    from qa_games.solvers.subgame_perfect import subgame_perfect

    tree = read_efg(path)
    sol = subgame_perfect(tree, limit=50)
    assert sol.count >= 1 and sol.equilibria
    rf = reduced_form(tree)
    for e in sol.equilibria:
        assert list(e.payoffs) == _play(tree, e.behaviour)
        for i in range(tree.n_players):
            for plan in rf.plans[i]:
                assert _play(tree, e.behaviour, i, dict(plan))[i] <= e.payoffs[i]
