"""Tests of qa_games.modelfiles.tree_model: the kind = "tree" model-file format."""

from __future__ import annotations

import copy
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from qa_games.errors import ModelError, ParameterError
from qa_games.modelfiles.tree_model import parse_tree_model
from qa_games.solvers.reduced_form import tree_equilibria
from qa_games.solvers.subgame_perfect import subgame_perfect

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FILE = Path(__file__).parent / "data" / "trees" / "entry_uncertain.toml"


def data():
    return tomllib.loads(FILE.read_text())


def load(d=None):
    return parse_tree_model(d if d is not None else data(), where="entry_uncertain.toml")


def test_reads_the_file():
    m = load()
    t = m.tree
    assert m.kind == "tree" and t.symbolic and t.players == ("E", "I")
    assert m.node_names[0] == "start" and t.nodes[0].kind == "chance"
    blind = [i for i in t.infosets if i.name == "E_blind"][0]
    assert len(blind.nodes) == 2 and blind.actions == ("out", "in")
    # e_weak lists "in" first: its children follow the set's order (out, in)
    e_weak = t.nodes[m.node_names.index("e_weak")]
    assert [m.node_names[c] for c in e_weak.children] == ["o2", "i_weak"]
    inst = m.at(q="1/2", c=2)
    assert inst.nodes[0].probs == (Fraction(1, 2), Fraction(1, 2))
    with pytest.raises(ParameterError, match="q=2 is outside its domain"):
        m.at(q=2)


def test_solves_against_hand_analysis():
    """The incumbent's subgames are decided (tough fights, weak accommodates); E enters
    iff its expected payoff q(-c) + (1 - q) 1 >= 0, i.e. q <= 1/(1 + c)."""
    m = load()
    for q, c in [("1/4", 1), ("3/4", 1), ("1/2", 1), ("1/3", 3)]:
        t = m.at(q=q, c=c)
        spe = subgame_perfect(t)
        value_in = Fraction(q) * -c + (1 - Fraction(q))
        acts = {e.actions(t)["E_blind"] for e in spe.equilibria}
        expect = {"in"} if value_in > 0 else {"out"} if value_in < 0 else {"in", "out"}
        assert acts == expect
        # every SPE is a Nash equilibrium of the reduced form
        nash = {eq.behaviour for eq in tree_equilibria(t).equilibria}
        for e in spe.equilibria:
            assert e.behaviour in nash


def mutate(path, value, delete=False):
    d = copy.deepcopy(data())
    obj = d
    for k in path[:-1]:
        obj = obj[k]
    if delete:
        del obj[path[-1]]
    else:
        obj[path[-1]] = value
    return d


BAD = [
    (("nodes", "i_weak", "actions", "fight"), "start",
     "model.root: 'start' is a child of 'i_weak'"),
    (("nodes", "i_weak", "actions", "fight"), "o1",
     "node 'o1' already has parent 'e_tough' (action 'out')"),
    (("nodes", "a2"), {"player": "I", "actions": {"x": "e_tough"}},
     "node 'e_tough' already has parent"),
    (("nodes", "e_weak", "infoset"), "I_x", None),  # fine: E's own set
    (("nodes", "i_weak", "infoset"), "E_blind",
     "information set 'E_blind' mixes players E (node e_tough) and I"),
    (("nodes", "e_weak", "actions"), {"in": "i_weak", "stay": "o2"},
     "information set 'E_blind' has actions ['out', 'in'] at node e_tough, ['in', 'stay']"),
    (("nodes", "start", "chance", "weak"), ["q", "e_weak"],
     "chance probabilities sum to 2*q, not identically 1"),
    (("nodes", "start", "chance", "tough"), {"probability": "q - 1/2", "to": "e_tough"},
     "sum to"),
    (("nodes", "f1", "payoffs"), ["1"], "expected 2 payoffs"),
    (("nodes", "f1", "payoffs"), {"E": "1", "X": "2"}, "missing ['I'], unknown ['X']"),
    (("nodes", "f1", "payoffs"), ["1", "__import__('os')"], "nodes.f1.payoffs.I:"),
    (("nodes", "f1", "payoffs"), ["1", "d"], "unknown name 'd'"),
    (("nodes", "a1", "actions"), {"x": "o1"}, "exactly one of 'actions'"),
    (("nodes", "i_tough", "actions", "fight"), "nowhere", "unknown node 'nowhere'"),
    (("nodes", "i_tough", "player"), "Z", "unknown player 'Z'"),
    (("model", "root"), "o1", "'o1' is a child of 'e_tough'"),
    (("outcomes", "selection"), "best", "unknown rule 'best'"),
    (("model", "kind"), "normal", "expected 'tree'"),
    (("nodes", "f1", "colour"), "red", "unknown keys ['colour']"),
]


@pytest.mark.parametrize("path,value,message", BAD, ids=[str(b[2])[:40] for b in BAD])
def test_bad_files_one_clear_error(path, value, message):
    d = mutate(path, value)
    if message is None:
        load(d)
        return
    with pytest.raises(ModelError) as info:
        load(d)
    assert message in str(info.value)
    assert str(info.value).startswith("entry_uncertain.toml")


def test_negative_probability_somewhere_on_the_domain():
    d = mutate(("nodes", "start", "chance", "tough"),
               {"probability": "2 * q - 1/2", "to": "e_tough"})
    d["nodes"]["start"]["chance"]["weak"] = ["3/2 - 2 * q", "e_weak"]
    with pytest.raises(ModelError, match=r"probability of 'tough' = 2\*q - 1/2 is negative "
                                         r"at q="):
        load(d)


def test_cycle_and_detached_nodes():
    d = data()
    d["model"].pop("root")
    d["nodes"]["loop_a"] = {"player": "E", "actions": {"x": "loop_b"}}
    d["nodes"]["loop_b"] = {"player": "E", "actions": {"x": "loop_a"}}
    with pytest.raises(ModelError, match="a cycle loop_. -> loop_. -> loop_."):
        load(d)
    d = data()
    d["nodes"]["lonely"] = {"payoffs": ["0", "0"]}
    with pytest.raises(ModelError, match="2 nodes have no parent .start, lonely."):
        d["model"].pop("root")
        load(d)
    d = data()
    d["nodes"]["start"]["chance"]["weak"] = ["1 - q", "start"]
    with pytest.raises(ModelError, match="'start' is a child of 'start'"):
        load(d)
