"""Tests of Bayesian games: model files, the Harsanyi tree, the agent form, BNE."""

from __future__ import annotations

import copy
import itertools
import random
from fractions import Fraction

import pytest

from qa_games import Game, solve
from qa_games.errors import ModelError, ParameterError
from qa_games.modelfiles.bayesian_model import parse_bayesian_model
from qa_games.solvers.bayesian import agent_form, bayesian_equilibria, harsanyi_tree


def doubt(q="3/4"):
    return {
        "model": {"name": "doubt", "players": ["A", "P"]},
        "parameters": {"q": {"domain": "[0, 1]", "default": q}},
        "types": {"A": ["normal"], "P": ["committed", "wavering"]},
        "prior": {"normal,committed": "q", "normal,wavering": "1 - q"},
        "actions": {"A": ["stand", "yield"], "P": ["defend", "abandon"]},
        "payoffs": {
            "normal,committed": {"stand,defend": [2, 1], "stand,abandon": [-2, -1],
                                 "yield,defend": [0, 0], "yield,abandon": [0, 0]},
            "normal,wavering": {"stand,defend": [2, -1], "stand,abandon": [-2, 1],
                                "yield,defend": [0, 0], "yield,abandon": [0, 0]}}}


def test_harsanyi_tree_shape():
    m = parse_bayesian_model(doubt(), where="doubt")
    t = harsanyi_tree(m, {"q": "1/3"})
    assert t.nodes[0].kind == "chance" and t.nodes[0].probs == (Fraction(1, 3), Fraction(2, 3))
    assert sorted(i.name for i in t.infosets) == ["A|normal", "P|committed", "P|wavering"]
    a = [i for i in t.infosets if i.name == "A|normal"][0]
    assert len(a.nodes) == 2 and t.perfect_recall
    assert t.subgame_roots() == (0,)


def test_stand_iff_commitment_is_likely():
    """A stands in some pure BNE iff q*2 + (1-q)(-2) >= 0, i.e. q >= 1/2 (hand analysis:
    committed P defends, wavering P abandons when A stands)."""
    m = parse_bayesian_model(doubt(), where="doubt")
    for q in ["0", "1/4", "1/2", "3/5", "1"]:
        sol = bayesian_equilibria(m, {"q": q})
        stands = any(e.pure and e.pure["A|normal"] == "stand" for e in sol.equilibria)
        assert stands == (Fraction(q) >= Fraction(1, 2)), q


def random_bayesian(seed, n_types=(2, 2), n_actions=(2, 2)):
    rng = random.Random(seed)
    players = ["1", "2"]
    types = {p: [f"t{k}" for k in range(n)] for p, n in zip(players, n_types, strict=True)}
    actions = {p: [f"a{k}" for k in range(n)] for p, n in zip(players, n_actions, strict=True)}
    profiles = list(itertools.product(*types.values()))
    weights = [rng.randint(0, 3) for _ in profiles]
    if sum(weights) == 0:
        weights[0] = 1
    prior = {",".join(tp): f"{w}/{sum(weights)}" for tp, w in zip(profiles, weights,
                                                                  strict=True)}
    payoffs = {",".join(tp): {",".join(ap): [rng.randint(0, 3), rng.randint(0, 3)]
                              for ap in itertools.product(*actions.values())}
               for tp in profiles}
    return parse_bayesian_model({"model": {"name": f"r{seed}", "players": players},
                                 "types": types, "prior": prior, "actions": actions,
                                 "payoffs": payoffs}, where=f"r{seed}")


@pytest.mark.parametrize("seed", range(20))
def test_pure_bne_equal_pure_equilibria_of_the_agent_form(seed):
    m = random_bayesian(seed)
    game, agents = agent_form(m)
    agent_pure = set()
    for eq in solve(game, method="pure").equilibria:
        agent_pure.add(tuple(sorted((agents[k], game.strategies[k][s])
                                    for k, s in enumerate(eq.pure_profile))))
    tree_pure = set()
    for e in bayesian_equilibria(m).equilibria:
        if e.pure is not None:  # restrict to the types of positive probability
            tree_pure.add(tuple(sorted((k, v) for k, v in e.pure.items() if k in agents)))
    # a type of probability 0 may do anything in the tree: compare as sets of agent plans
    assert tree_pure == agent_pure


def test_one_type_each_is_the_normal_form_game():
    d = {"model": {"name": "bos", "players": ["1", "2"]},
         "types": {"1": ["only"], "2": ["only"]}, "prior": {"only,only": "1"},
         "actions": {"1": ["B", "S"], "2": ["B", "S"]},
         "payoffs": {"only,only": {"B,B": [2, 1], "B,S": [0, 0], "S,B": [0, 0],
                                   "S,S": [1, 2]}}}
    m = parse_bayesian_model(d, where="bos")
    g = Game.from_arrays([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    expected = {eq.exact for eq in solve(g).equilibria}
    got = {tuple(e.strategy[k] for k in ("1|only", "2|only"))
           for e in bayesian_equilibria(m).equilibria}
    assert got == expected


BAD = [
    (("prior", "normal,wavering"), "1/2", "sum to"),
    (("prior", "normal,wavering"), "1 - 2 * q", "sum to"),
    (("prior", "normal,sure"), "0", "unknown type 'sure'"),
    (("types", "P"), ["committed", "committed"], "distinct"),
    (("payoffs", "normal,wavering", "stand,defend"), [1], "expected a list of 2 payoffs"),
    (("payoffs", "normal,wavering", "stand,fight"), [1, 1], "unknown action 'fight'"),
    (("payoffs", "normal,wavering", "stand,defend"), ["1", "r"], "unknown name 'r'"),
]


@pytest.mark.parametrize("path,value,message", BAD, ids=[b[2] for b in BAD])
def test_bad_files(path, value, message):
    d = copy.deepcopy(doubt())
    obj = d
    for k in path[:-1]:
        obj = obj[k]
    obj[path[-1]] = value
    with pytest.raises(ModelError, match=message):
        parse_bayesian_model(d, where="doubt")


def test_missing_payoffs_and_negative_prior():
    d = copy.deepcopy(doubt())
    del d["payoffs"]["normal,wavering"]["yield,abandon"]
    with pytest.raises(ModelError, match="missing action profile 'yield,abandon'"):
        parse_bayesian_model(d, where="doubt")
    d = copy.deepcopy(doubt())
    d["prior"] = {"normal,committed": "2 * q", "normal,wavering": "1 - 2 * q"}
    with pytest.raises(ModelError, match="negative at q="):
        parse_bayesian_model(d, where="doubt")
    m = parse_bayesian_model(doubt(), where="doubt")
    with pytest.raises(ParameterError, match="q=2 is outside"):
        bayesian_equilibria(m, {"q": 2})
