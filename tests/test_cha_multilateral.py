"""Tests of models/cha_multilateral.toml (three clients of one patron) and of the mixed
equilibria of the patron's three-player simultaneous form, solved by solve_nplayer."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction as F

import numpy as np
import pytest

from qa_games import load_model, solve
from qa_games.solvers.nplayer import certify, solve_nplayer

MODEL = load_model("cha_multilateral")
CHA = load_model("cha_quasi_alliance")


def random_values(rng: random.Random) -> dict[str, F]:
    v = {"c": F(rng.randint(0, 20), 20), "t": F(rng.randint(1, 20), 4),
         "phi": F(rng.randint(0, 9), 10)}
    for s in "ABC":
        v[f"x_{s}"] = F(rng.randint(1, 16), 4)
        v[f"y_{s}"] = F(rng.randint(0, 8), 8)
        v[f"k_{s}"] = F(rng.randint(0, 8), 8)
    return v


def hand_equilibria(values: dict[str, F]) -> set:
    """Our derivation, independent of the solver: u_i(C) - u_i(D) = (1 - phi) a_i m - e_i,
    linear in the others' cooperation probabilities. Pure equilibria by checking the sign
    of each state's net incentive; a completely mixed one solves p_j + p_k = r_i with
    r_i = e_i / ((1 - phi) a_i); two mixing with the third pure solves p_j = r_i - s3."""
    phi = values["phi"]
    a = {s: (1 - values["c"]) * values["t"] * values[f"x_{s}"] for s in "ABC"}
    e = {s: values["t"] * values[f"y_{s}"] + values[f"k_{s}"] for s in "ABC"}
    out = set()
    for prof in itertools.product((1, 0), repeat=3):  # 1 = cooperate
        ok = True
        for i, s in enumerate("ABC"):
            m = sum(prof) - prof[i]
            delta = (1 - phi) * a[s] * m - e[s]
            ok &= delta >= 0 if prof[i] else delta <= 0
        if ok:
            out.add(tuple((F(p), 1 - F(p)) for p in prof))
    if all(a[s] > 0 for s in "ABC"):
        r = {s: e[s] / ((1 - phi) * a[s]) for s in "ABC"}
        p = {"A": (r["B"] + r["C"] - r["A"]) / 2, "B": (r["A"] + r["C"] - r["B"]) / 2,
             "C": (r["A"] + r["B"] - r["C"]) / 2}
        if all(0 < p[s] < 1 for s in "ABC"):
            out.add(tuple((p[s], 1 - p[s]) for s in "ABC"))
        for third in "ABC":  # the others mix, `third` plays pure
            i, j = (s for s in "ABC" if s != third)
            for pure in (0, 1):
                pi, pj = r[j] - pure, r[i] - pure
                if 0 < pi < 1 and 0 < pj < 1:
                    delta = (1 - phi) * a[third] * (pi + pj) - e[third]
                    if (delta >= 0) if pure else (delta <= 0):
                        prof = {i: pi, j: pj, third: F(pure)}
                        out.add(tuple((prof[s], 1 - prof[s]) for s in "ABC"))
    return out


def test_defaults_every_equilibrium():
    game = MODEL.at()
    sol = solve_nplayer(game)
    assert sol.complete
    for eq in sol.equilibria:
        certify(game, eq)
    assert {eq.exact for eq in sol.equilibria} == hand_equilibria(MODEL.defaults())
    assert len(sol.equilibria) == 3   # all cooperate, all distance, p = 3/8 each


def test_random_points_against_the_derivation():
    rng = random.Random(11)
    nondegenerate = 0
    for _ in range(25):
        values = random_values(rng)
        game = MODEL.at(values)
        sol = solve_nplayer(game)
        for eq in sol.equilibria:
            certify(game, eq)
        if sol.complete and not sol.degenerate:
            assert {eq.exact for eq in sol.equilibria} == hand_equilibria(values)
            nondegenerate += 1
        # multi-1: all cooperation iff c <= c*
        all_c = tuple((F(1), F(0)) for _ in range(3))
        assert (all_c in {eq.exact for eq in sol.equilibria}) == \
            (values["c"] <= MODEL.evaluate("c_star", values))
    assert nondegenerate >= 10


def test_one_partner_distancing_gives_chas_bilateral_game():
    """With C distancing, A's and B's payoffs are Cha's two-client payoffs."""
    rng = random.Random(5)
    for _ in range(10):
        values = random_values(rng)
        three = MODEL.at(values).payoffs
        two = CHA.at({k: v for k, v in values.items() if not k.endswith("_C")}).payoffs
        for i in range(2):
            assert three[i][:, :, 1].tolist() == two[i].tolist()


def test_threshold_rises_with_partners():
    rng = random.Random(2)
    for _ in range(20):
        values = random_values(rng)
        c3, c2 = (MODEL.evaluate(f"c_star{n}_A", values) for n in (3, 2))
        assert c3 >= c2 and 1 - c3 == (1 - c2) / 2


def test_against_pygambit():
    gbt = pytest.importorskip("pygambit")
    game = MODEL.at()
    cls = getattr(gbt, "StrategicGame", gbt.Game)
    g = cls.from_arrays(*[np.asarray(a, dtype=float) for a in game.payoffs])
    theirs = []
    for eq in gbt.nash.enumpoly_solve(g).equilibria:
        theirs.append(sorted(float(p) for pl in g.players for _, p in eq[pl])
                      if isinstance(next(iter(g.players)), str) else None)
    ours = [sorted(p for s in eq.profile for p in s) for eq in solve_nplayer(game).equilibria]
    for p in theirs:
        if p is not None:
            assert any(np.allclose(p, q, atol=1e-8) for q in ours)


# ---------------------------------------------------------------- the patron's game

def simultaneous(values=None):
    from qa_games.solvers.backward_induction import simultaneous_form

    return simultaneous_form(load_model("patron_sequential"), values)


@pytest.mark.parametrize("values", [None, {"c_H": F(1, 2)}, {"c_H": F(1, 2), "t": 3},
                                    {"beta": 5, "c_L": F(1, 10), "c_H": F(2, 5)}])
def test_simultaneous_patron_game_every_equilibrium(values):
    """In the simultaneous form the patron's gain from the strong commitment is
    (lam t - kappa)(c_H - c_L) whatever the clients do: with lam t > kappa it plays
    'strong' and the clients play Cha's game at c_H, so every equilibrium is 'strong'
    times an equilibrium of Cha's game at c_H (solved by the exact 2-player solver)."""
    seq = load_model("patron_sequential")
    vals = seq.values(values)
    assert vals["lam"] * vals["t"] > vals["kappa"]
    game = simultaneous(values)
    sol = solve_nplayer(game)
    assert sol.complete
    for eq in sol.equilibria:
        certify(game, eq)
    cha = solve(seq.subgame.at(seq.subgame_values(seq.actions[1], vals)))
    assert not cha.degenerate
    expected = {((F(0), F(1)), *eq.exact) for eq in cha.equilibria}
    assert {eq.exact for eq in sol.equilibria} == expected


def test_simultaneous_patron_indifferent_is_a_continuum():
    """lam t = kappa: the patron is indifferent between its commitments whatever the
    clients do, and its mixtures form a continuum of equilibria: flagged."""
    sol = solve_nplayer(simultaneous({"t": F(1, 5), "lam": 1, "kappa": F(1, 5)}))
    assert not sol.complete and "continuum" in sol.note
