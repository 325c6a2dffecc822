"""Tests of qa_games.solvers.signalling: pure PBE of signalling games, beliefs, the
intuitive criterion (Beer-Quiche), cross-checked by brute force on random games."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

from qa_games.errors import UnsupportedGameError
from qa_games.games.tree import Chance, Decision, Terminal, Tree
from qa_games.solvers.reduced_form import tree_equilibria
from qa_games.solvers.signalling import (
    as_signalling_game,
    beer_quiche,
    signalling_equilibria,
)
from qa_games.solvers.subgame_perfect import subgame_perfect


def test_beer_quiche_two_pooling_equilibria_one_intuitive():
    sol = signalling_equilibria(beer_quiche())
    eqs = {e.messages: e for e in sol.equilibria}
    assert set(eqs) == {("beer", "beer"), ("quiche", "quiche")}
    beer, quiche = eqs[("beer", "beer")], eqs[("quiche", "quiche")]
    assert beer.kind == quiche.kind == "pooling"
    # beer pooling: no duel after beer (Bayes: mu(weak) = 1/10); quiche would be dueled,
    # supported by mu(weak | quiche) >= 1/2
    assert beer.responses == ("not", "duel")
    assert beer.beliefs[0].on_path and beer.beliefs[0].bayes == (Fraction(1, 10),
                                                                Fraction(9, 10))
    q = beer.beliefs[1].interval
    assert not beer.beliefs[1].on_path and (q.lower, q.upper) == (Fraction(1, 2), 1)
    assert beer.sender_payoffs == (2, 3)
    assert quiche.responses == ("duel", "not") and quiche.sender_payoffs == (3, 2)
    b = quiche.beliefs[0].interval
    assert (b.lower, b.upper) == (Fraction(1, 2), 1)
    # Cho-Kreps: the strong type would gain from beer once the weak type is ruled out
    assert beer.intuitive and not quiche.intuitive


def test_beer_quiche_with_a_likely_weak_sender():
    """With mu(strong) = 2/5 < 1/2 pooling fails: Bayes would make the receiver duel.
    No pure PBE exists at all."""
    assert signalling_equilibria(beer_quiche(Fraction(2, 5))).equilibria == ()


def random_signalling(seed, types=2, messages=2, responses=2):
    rng = random.Random(seed)
    weights = [rng.randint(1, 3) for _ in range(types)]
    prior = [Fraction(w, sum(weights)) for w in weights]

    def sender(t):
        return Decision("S", {
            f"m{j}": Decision("R", {f"a{a}": Terminal(rng.randint(0, 2), rng.randint(0, 2))
                                    for a in range(responses)}, infoset=f"R|m{j}")
            for j in range(messages)}, infoset=f"S|t{t}")

    return Tree.from_spec(["S", "R"], Chance({f"t{t}": (prior[t], sender(t))
                                              for t in range(types)}))


def _brute_force_pbe(tree):
    """Pure Nash equilibria of the reduced form whose off-path responses are a best
    response to some belief (2 types: checked at 0, 1 and every indifference point)."""
    g = as_signalling_game(tree)
    rf_sol = tree_equilibria(tree)
    out = set()
    for eq in rf_sol.equilibria:
        if not eq.mixed.is_pure:
            continue
        s_plan, r_plan = eq.mixed.pure_profile
        beh = eq.behaviour
        msgs = tuple(g.messages[beh[tree.nodes[c].infoset].index(1)]
                     for c in tree.nodes[0].children)
        resp = []
        ok = True
        for j in range(len(g.messages)):
            h = tree.nodes[tree.nodes[tree.nodes[0].children[0]].children[j]].infoset
            a = beh[h].index(1) if beh[h] is not None else None
            resp.append(a)
        sent = {g.messages.index(m) for m in msgs}
        for j in range(len(g.messages)):
            if j in sent:
                continue
            a = resp[j]
            cands = {Fraction(0), Fraction(1)}
            for b, c in itertools.combinations(range(len(g.responses[j])), 2):
                d0 = g.u_r[0][j][b] - g.u_r[0][j][c]
                d1 = g.u_r[1][j][b] - g.u_r[1][j][c]
                if d0 != d1:  # mu d0 + (1 - mu) d1 = 0
                    mu = Fraction(-d1) / (d0 - d1)
                    if 0 <= mu <= 1:
                        cands.add(mu)

            def val(mu, x, j=j):
                return mu * g.u_r[0][j][x] + (1 - mu) * g.u_r[1][j][x]

            if not any(val(mu, a) >= max(val(mu, x) for x in range(len(g.responses[j])))
                       for mu in cands):
                ok = False
        if ok:
            out.add((msgs, tuple(g.responses[j][a] for j, a in enumerate(resp))))
    return out


@pytest.mark.parametrize("seed", range(30))
def test_random_two_type_games_against_brute_force(seed):
    # 2 messages and 2 responses keep the brute force's reduced form 4 x 4
    tree = random_signalling(seed)
    sol = signalling_equilibria(tree)
    ours = {(e.messages, e.responses) for e in sol.equilibria}
    assert ours == _brute_force_pbe(tree)


@pytest.mark.parametrize("seed", range(15))
def test_three_types_beliefs_support_the_response(seed):
    tree = random_signalling(100 + seed, types=3, messages=2, responses=3)
    g = as_signalling_game(tree)
    for e in signalling_equilibria(tree).equilibria:
        for j, b in enumerate(e.beliefs):
            a = g.responses[j].index(e.responses[j])
            pts = b.vertices + ((tuple(sum(v[t] for v in b.vertices) / len(b.vertices)
                                       for t in range(3))),)
            for mu in pts:
                assert sum(mu) == 1 and min(mu) >= 0
                val = [sum(mu[t] * g.u_r[t][j][x] for t in range(3))
                       for x in range(len(g.responses[j]))]
                assert val[a] == max(val)
            if b.on_path:
                assert b.vertices == (b.bayes,)


def test_pbe_are_subgame_perfect_and_nash():
    tree = beer_quiche()
    nash = {eq.behaviour for eq in tree_equilibria(tree).equilibria}
    spe = subgame_perfect(tree, limit=1000)  # the only subgame is the whole game
    assert spe.count == len(tree_equilibria(tree).equilibria)
    g = as_signalling_game(tree)
    for e in signalling_equilibria(tree).equilibria:
        beh = [None] * len(tree.infosets)
        for t, c in enumerate(tree.nodes[0].children):
            h = tree.nodes[c].infoset
            beh[h] = tuple(Fraction(int(m == e.messages[t])) for m in g.messages)
        for j in range(len(g.messages)):
            rnode = tree.nodes[tree.nodes[tree.nodes[0].children[0]].children[j]]
            beh[rnode.infoset] = tuple(Fraction(int(a == e.responses[j]))
                                       for a in g.responses[j])
        assert tuple(beh) in nash


def test_not_a_signalling_game():
    with pytest.raises(UnsupportedGameError, match="the root must be chance"):
        signalling_equilibria(Tree.from_spec(["S", "R"], Decision("S", {"x": Terminal(0, 0)})))
    seen_type = Tree.from_spec(["S", "R"], Chance({
        "a": (Fraction(1, 2), Decision("S", {"m": Decision("R", {"x": Terminal(0, 0)})})),
        "b": (Fraction(1, 2), Decision("S", {"m": Decision("R", {"x": Terminal(0, 0)})}))}))
    with pytest.raises(UnsupportedGameError, match="sees the message only"):
        signalling_equilibria(seen_type)
