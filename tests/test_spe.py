"""Tests of qa_games.solvers.subgame_perfect: hand-solved trees, brute force over all pure
behaviour profiles, selection rules, limits and exact counts."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

from qa_games.errors import ParameterError, SolverError
from qa_games.games.tree import Chance, Decision, Terminal, Tree, random_tree
from qa_games.solvers.reduced_form import tree_equilibria
from qa_games.solvers.subgame_perfect import subgame_perfect


def centipede(n=6):
    """Rosenthal's centipede: at stage k the mover takes (pot split 4:1 in its favour)
    or passes (the pot doubles); after the last pass the split favours the other."""
    last = "AB"[(n - 1) % 2]
    big, small = Fraction(4 * 2 ** n, 5), Fraction(2 ** n, 5)
    spec = Terminal(small, big) if last == "A" else Terminal(big, small)
    for k in reversed(range(n)):
        pot = 2 ** k
        big, small = Fraction(4 * pot, 5), Fraction(pot, 5)
        mover = "AB"[k % 2]
        take = Terminal(big, small) if mover == "A" else Terminal(small, big)
        spec = Decision(mover, {"take": take, "pass": spec})
    return Tree.from_spec(["A", "B"], spec)


def test_centipede_everyone_takes():
    t = centipede()
    sol = subgame_perfect(t)
    assert sol.count == 1 and sol.complete and not sol.truncated
    (eq,) = sol.equilibria
    assert set(eq.actions(t).values()) == {"take"}
    assert eq.payoffs == (Fraction(4, 5), Fraction(1, 5))


def entry(fight_i=-1):
    return Tree.from_spec(["E", "I"], Decision("E", {
        "out": Terminal(0, 2),
        "in": Decision("I", {"fight": Terminal(-1, fight_i), "accommodate": Terminal(1, 1)})}))


def test_entry_deterrence():
    t = entry()
    sol = subgame_perfect(t)
    assert [e.actions(t) for e in sol.equilibria] == [{"E:0": "in", "I:2": "accommodate"}]
    # the threat to fight is a Nash equilibrium of the reduced form but not subgame perfect
    nash = [e.behaviour for e in tree_equilibria(t).equilibria]
    assert ((Fraction(1), Fraction(0)), (Fraction(1), Fraction(0))) in nash
    assert len(nash) == 3 and sol.equilibria[0].behaviour in nash
    # an indifferent incumbent: fighting is credible too, and deters entry
    t = entry(fight_i=1)
    got = {tuple(e.actions(t).values()) for e in subgame_perfect(t).equilibria}
    assert got == {("in", "accommodate"), ("out", "fight")}


def outside_option(subgame, outside=(2, 2)):
    """Player 1 takes ``outside`` or enters a simultaneous 2x2 game ``subgame[r][c]``."""
    inner = Decision("1", {
        r: Decision("2", {c: Terminal(*subgame[i][j]) for j, c in enumerate("lr")},
                    infoset="h2") for i, r in enumerate("UD")}, infoset="h1")
    return Tree.from_spec(["1", "2"], Decision("1", {"out": Terminal(*outside), "in": inner}))


def test_simultaneous_subgame_battle_of_the_sexes():
    t = outside_option([[(3, 1), (0, 0)], [(0, 0), (1, 3)]])
    sol = subgame_perfect(t)
    # three equilibria of the subgame: (U,l) pays 3 > 2 (enter), (D,r) and mixed pay less
    got = sorted((e.actions(t)["1:0"], e.payoffs) for e in sol.equilibria)
    assert got == [("in", (3, 1)), ("out", (2, 2)), ("out", (2, 2))]
    mixed = [e for e in sol.equilibria if not e.is_pure]
    assert len(mixed) == 1
    h1 = [h for h, i in enumerate(t.infosets) if i.name == "h1"][0]
    h2 = [h for h, i in enumerate(t.infosets) if i.name == "h2"][0]
    assert mixed[0].behaviour[h1] == (Fraction(3, 4), Fraction(1, 4))
    assert mixed[0].behaviour[h2] == (Fraction(1, 4), Fraction(3, 4))
    # risk dominance cannot choose between (U,l) and (D,r) here (3 x 1 = 1 x 3)
    assert subgame_perfect(t, selection="risk_dominance").count == 3


def test_selection_rules_in_a_stag_hunt_subgame():
    stag = [[(4, 4), (0, 3)], [(3, 0), (3, 3)]]
    t = outside_option(stag, outside=(Fraction(7, 2), 0))
    assert subgame_perfect(t).count == 3
    pd = subgame_perfect(t, selection="payoff_dominance")
    assert pd.count == 1 and pd.equilibria[0].actions(t) == {"1:0": "in", "h1": "U", "h2": "l"}
    rd = subgame_perfect(t, selection="risk_dominance")  # (D, r) risk-dominates: 9 > 1
    assert rd.count == 1 and rd.equilibria[0].actions(t) == {"1:0": "out", "h1": "D", "h2": "r"}


def test_limit_and_exact_count():
    # all payoffs zero: every pure behaviour profile is subgame perfect
    t = random_tree(40, seed=4, payoffs=(0, 0))
    total = 1
    for iset in t.infosets:
        total *= len(iset.actions)
    sol = subgame_perfect(t, limit=7)
    assert sol.count == total and len(sol.equilibria) == 7 and sol.truncated
    assert len({e.behaviour for e in sol.equilibria}) == 7
    with pytest.raises(ParameterError, match="limit=-1"):
        subgame_perfect(t, limit=-1)
    with pytest.raises(ParameterError, match="selection='best'"):
        subgame_perfect(t, selection="best")


def test_too_many_combinations_is_a_clear_error(monkeypatch):
    import qa_games.solvers.subgame_perfect as spe

    t = Tree.from_spec(["A", "B"], Chance({
        "h": (Fraction(1, 2), Decision("A", {"x": Terminal(1, 0), "y": Terminal(1, 5)})),
        "t": (Fraction(1, 2), Decision("B", {"x": Terminal(0, 1), "y": Terminal(3, 1)}))}))
    big = Tree.from_spec(["1", "2"], Decision("2", {
        "a": Decision("1", {"x": Terminal(0, 0), "y": Terminal(0, 1)}),
        "b": Decision("1", {"x": Terminal(0, 2), "y": Terminal(0, 3)})}))
    monkeypatch.setattr(spe, "MAX_COMBINATIONS", 1)
    assert subgame_perfect(big).count == 4  # decision leaves need no combinations
    with pytest.raises(SolverError, match="combinations of equilibrium payoffs"):
        subgame_perfect(t)


# -- brute force ----------------------------------------------------------------------

def _value(tree, start, plan):
    """Expected payoffs from ``start`` under a pure behaviour plan (iterative)."""
    total = [Fraction(0)] * tree.n_players
    stack = [(start, Fraction(1))]
    while stack:
        k, w = stack.pop()
        node = tree.nodes[k]
        if node.kind == "terminal":
            for i, u in enumerate(node.payoffs):
                total[i] += w * u
        elif node.kind == "chance":
            stack.extend((c, w * p) for c, p in zip(node.children, node.probs, strict=True))
        else:
            stack.append((node.children[plan[node.infoset]], w))
    return tuple(total)


def brute_force_pure_spe(tree):
    """Every pure behaviour profile that is a Nash equilibrium in every subgame."""
    below = {}
    for k in reversed(tree.preorder):
        below[k] = {k}.union(*(below[c] for c in tree.nodes[k].children))
    roots = tree.subgame_roots()
    isets_in = {r: [h for h, i in enumerate(tree.infosets) if i.nodes[0] in below[r]]
                for r in roots}
    sizes = [len(i.actions) for i in tree.infosets]
    out = set()
    for plan in itertools.product(*(range(s) for s in sizes)):
        ok = True
        for r in roots:
            base = _value(tree, r, plan)
            for i in range(tree.n_players):
                mine = [h for h in isets_in[r] if tree.infosets[h].player == i]
                for dev in itertools.product(*(range(sizes[h]) for h in mine)):
                    alt = list(plan)
                    for h, a in zip(mine, dev, strict=True):
                        alt[h] = a
                    if _value(tree, r, alt)[i] > base[i]:
                        ok = False
                        break
                if not ok:
                    break
            if not ok:
                break
        if ok:
            out.add(plan)
    return out


def _pure_plans(sol):
    out = set()
    for e in sol.equilibria:
        if e.is_pure:
            out.add(tuple(b.index(1) for b in e.behaviour))
    return out


@pytest.mark.parametrize("seed", range(25))
def test_perfect_information_brute_force(seed):
    t = random_tree(14, seed=seed, payoffs=(0, 2), chance=0.15, branching=(2, 3),
                    players=("a", "b", "c") if seed % 3 == 0 else ("a", "b"))
    sol = subgame_perfect(t, limit=10**6)
    expected = brute_force_pure_spe(t)
    assert _pure_plans(sol) == expected
    assert sol.count == len(expected) == len(sol.equilibria)  # all pure on such trees
    for e in sol.equilibria:
        assert e.payoffs == _value(t, 0, tuple(b.index(1) for b in e.behaviour))


def random_simultaneous(seed):
    """A root move of player 1 among 2-3 options, some leading to 2x2 simultaneous games
    (player 2 does not see 1's move there), with small integer payoffs (ties)."""
    rng = random.Random(seed)

    def pay():
        return (rng.randint(0, 2), rng.randint(0, 2))

    moves = {}
    for k in range(rng.randint(2, 3)):
        if rng.random() < 0.75:
            moves[f"g{k}"] = Decision("1", {r: Decision("2", {c: Terminal(*pay()) for c in "lr"},
                                                         infoset=f"h2_{k}") for r in "UD"},
                                      infoset=f"h1_{k}")
        else:
            moves[f"g{k}"] = Terminal(*pay())
    return Tree.from_spec(["1", "2"], Decision("1", moves))


@pytest.mark.parametrize("seed", range(25))
def test_simultaneous_subgames_brute_force(seed):
    t = random_simultaneous(seed)
    sol = subgame_perfect(t, limit=10**6)
    assert sol.count == len(sol.equilibria)
    assert _pure_plans(sol) == brute_force_pure_spe(t)
    plans = list(itertools.product(*(range(len(s.actions)) for s in t.infosets)))
    for e in sol.equilibria:  # each SPE is a Nash equilibrium: no pure deviation pays
        for i in range(2):
            assert _mixed_value(t, e.behaviour, i, None) == e.payoffs[i]
            assert e.payoffs[i] >= max(_mixed_value(t, e.behaviour, i, p) for p in plans)


def _mixed_value(tree, beh, i, plan):
    """Player i's payoff when i plays ``plan`` (pure, all its sets) against ``beh``."""
    total = Fraction(0)
    stack = [(0, Fraction(1))]
    while stack:
        k, w = stack.pop()
        node = tree.nodes[k]
        if node.kind == "terminal":
            total += w * node.payoffs[i]
        elif node.kind == "chance":
            stack.extend((c, w * p) for c, p in zip(node.children, node.probs, strict=True))
        elif plan is not None and node.player == i:
            stack.append((node.children[plan[node.infoset]], w))
        else:
            b = beh[node.infoset]
            stack.extend((c, w * p) for c, p in zip(node.children, b, strict=True) if p)
    return total


def test_chance_and_ties_counted_exactly():
    t = Tree.from_spec(["A", "B"], Chance({
        "h": (Fraction(1, 2), Decision("A", {"x": Terminal(1, 0), "y": Terminal(1, 5)})),
        "t": (Fraction(1, 2), Decision("B", {"x": Terminal(0, 1), "y": Terminal(3, 1)}))}))
    sol = subgame_perfect(t)
    assert sol.count == 4
    assert sorted(e.payoffs for e in sol.equilibria) == sorted(
        [(Fraction(1, 2), Fraction(1, 2)), (Fraction(2), Fraction(1, 2)),
         (Fraction(1, 2), Fraction(3)), (Fraction(2), Fraction(3))])


def test_three_movers_in_a_subgame_are_flagged_incomplete():
    inner = Decision("1", {r: Decision("2", {c: Decision("3", {
        z: Terminal(1, 1, 1) for z in "ab"}, infoset="h3") for c in "lr"}, infoset="h2")
        for r in "UD"})
    t = Tree.from_spec(["1", "2", "3"], inner)
    sol = subgame_perfect(t)
    assert not sol.complete and "pure equilibria only" in sol.note
    assert sol.count == 8


def test_large_perfect_information_tree_counts_without_recursion():
    t = random_tree(30_000, seed=2, payoffs=(0, 3))
    sol = subgame_perfect(t, limit=3)
    assert sol.count > 3 and len(sol.equilibria) == 3
    for e in sol.equilibria:
        assert e.payoffs == _value(t, 0, tuple(b.index(1) for b in e.behaviour))


def test_json_summaries():
    import json

    t = outside_option([[(3, 1), (0, 0)], [(0, 0), (1, 3)]])
    d = json.loads(json.dumps(subgame_perfect(t).to_json_dict()))
    assert d["count"] == "3" and len(d["equilibria"]) == 3
    assert [i["name"] for i in d["infosets"]] == [i.name for i in t.infosets]
    n = json.loads(json.dumps(tree_equilibria(t).to_json_dict()))
    assert len(n["equilibria"]) == len(tree_equilibria(t).equilibria)
    assert n["strategies"][0][0] == "out/*"


@pytest.mark.parametrize("seed", range(5))
def test_float_payoffs(seed):
    """Float payoffs (no ties with probability 1): one SPE, the mover's maximiser at every
    node; checked against a direct pass over the tree and against the exact tree."""
    t = random_tree(300, seed=seed, floats=True, chance=0.1)
    sol = subgame_perfect(t)
    assert sol.count == 1
    value = {}
    for k in reversed(t.preorder):
        n = t.nodes[k]
        if n.kind == "terminal":
            value[k] = n.payoffs
        elif n.kind == "chance":
            value[k] = tuple(sum(p * value[c][i] for p, c in zip(n.probs, n.children,
                                                                 strict=True))
                             for i in range(t.n_players))
        else:
            value[k] = max((value[c] for c in n.children), key=lambda v, i=n.player: v[i])
    assert sol.equilibria[0].payoffs == pytest.approx(value[0], abs=1e-12)
    exact = Tree(t.players, tuple(
        n if n.kind != "terminal" else type(n)("terminal", payoffs=tuple(
            Fraction(u) for u in n.payoffs)) for n in t.nodes), t.infosets)
    assert subgame_perfect(exact).equilibria[0].behaviour == sol.equilibria[0].behaviour
