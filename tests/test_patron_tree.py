"""The patron's sequential game as an ordinary game tree: SPE on the tree give the leader
choices of qa_games.backward_induction on a grid (propositions patron-1, patron-1-exact)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from qa_games import backward_induction, load_model
from qa_games.errors import ParameterError
from qa_games.modelfiles.sequential_tree import leader_choices, sequential_tree
from qa_games.solvers.subgame_perfect import subgame_perfect

MODEL = load_model("patron_sequential")

GRID = {
    "c_L": ["0.1", "0.3", "0.5"],
    "c_H": ["0.6", "0.9"],
    "beta": ["0", "0.3", "1"],
    "lam": ["0.5", "1"],
    "t": ["0", "1", "2"],
    "phi": ["0", "0.2"],
}


def points():
    keys = list(GRID)
    for combo in itertools.product(*(GRID[k] for k in keys)):
        yield dict(zip(keys, combo, strict=True))


@pytest.mark.parametrize("selection", ["payoff_dominance", "all", "risk_dominance"])
def test_tree_spe_equal_backward_induction_on_a_grid(selection):
    compared = 0
    for vals in points():
        try:
            seq = backward_induction(MODEL, vals, selection=selection)
        except ParameterError:
            continue
        tree = sequential_tree(MODEL, vals)
        spe = subgame_perfect(tree, selection=selection, limit=10_000)
        assert leader_choices(tree, spe, MODEL.leader) == seq.choices, vals
        assert spe.count == len(seq.equilibria), vals
        # the leader's SPE payoffs agree too
        assert sorted(e.payoffs[0] for e in spe.equilibria) == \
            sorted(e.leader_payoff for e in seq.equilibria), vals
        compared += 1
    assert compared > 100


def test_patron_1_exact_on_the_tree():
    """patron-1-exact: in its region, weak is chosen iff beta >= (lam t - kappa)(c_H - c_L)."""
    checked = 0
    for vals in points():
        try:
            v = MODEL.values(vals)
        except ParameterError:
            continue
        if v["t"] == 0:  # outside the region (t > 0), where c* is undefined
            continue
        sub = MODEL.subgame
        weak_vals = MODEL.subgame_values("weak", v)
        c_star = sub.evaluate("c_star", weak_vals)
        c_a, c_b = sub.evaluate("c_star_A", weak_vals), sub.evaluate("c_star_B", weak_vals)
        cl, ch = v["c_L"], v["c_H"]
        if not (cl <= c_star < ch):
            continue
        if not (cl < c_star or v["phi"] > 0 or c_a != c_b):
            continue
        tree = sequential_tree(MODEL, vals)
        spe = subgame_perfect(tree, selection=MODEL.selection)
        weak = "weak" in leader_choices(tree, spe, MODEL.leader)
        assert weak == (v["beta"] >= (v["lam"] * v["t"] - v["kappa"]) * (ch - cl)), vals
        checked += 1
    assert checked > 5


def test_tree_shape():
    tree = sequential_tree(MODEL)
    assert tree.players == ("P", "A", "B")
    assert tree.subgame_roots() == (0, 1, 8)
    names = sorted(i.name for i in tree.infosets)
    assert names == ["A@strong", "A@weak", "B@strong", "B@weak", "P"]
    assert all(len(i.nodes) == 2 for i in tree.infosets if i.name.startswith("B@"))
    assert all(isinstance(u, Fraction) for n in tree.nodes for u in n.payoffs)
