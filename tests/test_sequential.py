"""Sequential games: backward induction against hand-solved games, brute force and patron-1."""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_games.errors import ModelError, ParameterError
from qa_games.modelfiles.loader import load_model
from qa_games.modelfiles.sequential import SequentialModel
from qa_games.solvers.backward_induction import backward_induction

PATRON = load_model("patron_sequential")

SUB = """
[model]
name = "coord"
title = "coordination"
players = ["A", "B"]
strategies = [["x", "y"], ["x", "y"]]
[parameters]
g = { domain = "[0, 2]", default = 1 }
[payoffs]
"x,x" = ["g", "g"]
"x,y" = ["0", "0"]
"y,x" = ["0", "0"]
"y,y" = ["1", "1"]
[profiles]
xx = ["x", "x"]
yy = ["y", "y"]
[outcomes]
labels = { hi = "xx" }
otherwise = "lo"
"""

LEADER = """
[model]
kind = "sequential"
name = "leader"
title = "a leader sets g"
subgame = "sub.toml"
[parameters]
r = { domain = "[0, 5]", default = 1 }
[actions]
low = { sets = { g = "1/2" } }
high = { sets = { g = "2" } }
[leader]
name = "L"
payoff = "r * pr_xx - g"
"""


@pytest.fixture
def small(tmp_path: Path) -> SequentialModel:
    (tmp_path / "sub.toml").write_text(SUB)
    (tmp_path / "leader.toml").write_text(LEADER)
    return load_model(tmp_path / "leader.toml")


def test_patron_file_loads_with_passed_through_parameters():
    assert isinstance(PATRON, SequentialModel)
    names = PATRON.parameter_names
    assert {"c_L", "c_H", "beta", "kappa", "lam", "t", "x_A", "phi"} <= set(names)
    assert "c" not in names  # set by every action
    assert [a.name for a in PATRON.actions] == ["weak", "strong"]
    assert PATRON.subgame_values("strong")["c"] == Fraction(7, 10)
    assert len(PATRON.sha256) == 64


@pytest.mark.parametrize("r, choices, label", [
    (1, ("low",), "lo"),          # low: (y,y) dominant, -1/2 > high: 1 - 2
    (2, ("high",), "hi"),         # high: 2 - 2 = 0 > -1/2
    (Fraction(3, 2), ("low", "high"), None),   # tie: -1/2 = -1/2, two SPE
])
def test_hand_solved_game_payoff_dominance(small, r, choices, label):
    sol = backward_induction(small, {"r": r})
    assert sol.choices == choices
    assert len(sol.equilibria) == len(choices)
    if label is not None:
        assert sol.equilibria[0].label == label
    for e in sol.equilibria:
        assert e.leader_payoff == max(s.leader_payoffs[0] for s in sol.subgames)


def test_hand_solved_game_all_selections(small):
    sol = backward_induction(small, {"r": 1}, selection="all")
    low, high = sol.subgames
    # low (g = 1/2): (x,x), mixed with pr_xx = (2/3)^2, (y,y); payoffs r pr_xx - 1/2
    assert sorted(low.leader_payoffs) == [Fraction(-1, 2), Fraction(-1, 18), Fraction(1, 2)]
    assert sorted(high.leader_payoffs) == [Fraction(-2), Fraction(-17, 9), Fraction(-1)]
    assert low.undecided and high.undecided
    # the low subgame's worst (-1/2) beats high's best (-1): every plan gives 'low'
    assert len(sol.equilibria) == 9
    assert {e.action for e in sol.equilibria} == {"low"}


def _brute_force_pure_spe(model, values):
    """Every pure strategy profile of the whole game (leader action x a pure profile in
    each subgame) that is subgame perfect, checked by definition."""
    vals = model.values(values)
    per_action = []
    for act in model.actions:
        sv = model.subgame_values(act, vals)
        game = model.subgame.at(sv)
        a, b = game.payoffs
        nash = [(i, j) for i, j in itertools.product(range(2), range(2))
                if a[i, j] >= max(a[:, j]) and b[i, j] >= max(b[i, :])]
        c = sv["c"]
        pays = {p: vals["beta"] * (p == (0, 0)) - vals["kappa"] * c
                - vals["lam"] * vals["t"] * (1 - c) for p in nash}
        per_action.append((act.name, nash, pays))
    out = set()
    for plan in itertools.product(*(n for _, n, _ in per_action)):
        pays = [p[prof] for (_, _, p), prof in zip(per_action, plan, strict=False)]
        for (name, _, _), u in zip(per_action, pays, strict=False):
            if u == max(pays):
                out.add((name, plan))
    return out


fr = st.fractions(min_value=0, max_value=2, max_denominator=20)


@settings(max_examples=25, deadline=None)
@given(beta=fr, kappa=fr, lam=fr, t=st.fractions(min_value=Fraction(1, 5), max_value=3,
                                                 max_denominator=10),
       cl=st.fractions(min_value=0, max_value=Fraction(1, 2), max_denominator=10),
       ch=st.fractions(min_value=Fraction(11, 20), max_value=1, max_denominator=20))
def test_backward_induction_equals_brute_force_over_pure_profiles(beta, kappa, lam, t, cl, ch):
    values = {"beta": beta, "kappa": kappa, "lam": lam, "t": t, "c_L": cl, "c_H": ch}
    sol = backward_induction(PATRON, values, selection="all")
    found = set()
    for e in sol.equilibria:
        cands = [s.candidates[k] for s, k in zip(sol.subgames, e.plan, strict=False)]
        if all(c.pure_profile is not None for c in cands):
            found.add((e.action, tuple(c.pure_profile for c in cands)))
    assert found == _brute_force_pure_spe(PATRON, values)


@settings(max_examples=30, deadline=None)
@given(beta=fr, kappa=fr, lam=fr, t=st.fractions(min_value=Fraction(1, 5), max_value=3,
                                                 max_denominator=10),
       u=st.fractions(min_value=0, max_value=Fraction(19, 20), max_denominator=20),
       v=st.fractions(min_value=Fraction(1, 20), max_value=1, max_denominator=20))
def test_patron_1_weak_commitment_iff_beta_is_large(beta, kappa, lam, t, u, v):
    cstar = PATRON.subgame.evaluate("c_star", {"t": t})
    cstar = Fraction(int(cstar.p), int(cstar.q))
    cl, ch = cstar * u, cstar + (1 - cstar) * v
    if not cl < ch or ch > 1:
        return
    sol = backward_induction(PATRON, {"beta": beta, "kappa": kappa, "lam": lam, "t": t,
                                      "c_L": cl, "c_H": ch})
    bound = (lam * t - kappa) * (ch - cl)
    assert ("weak" in sol.choices) == (beta >= bound)
    assert ("strong" in sol.choices) == (beta <= bound)
    for e in sol.equilibria:
        assert e.label == ("cooperation" if e.action == "weak" else "friction")


def test_bad_values_name_the_parameter():
    with pytest.raises(ParameterError, match="c_L < c_H"):
        backward_induction(PATRON, {"c_L": "0.8", "c_H": "0.7"})
    with pytest.raises(ParameterError, match="unknown parameter 'nope'"):
        backward_induction(PATRON, {"nope": 1})
    with pytest.raises(ParameterError, match="beta=-1 is outside"):
        backward_induction(PATRON, {"beta": -1})
    with pytest.raises(ParameterError, match="selection='best'"):
        backward_induction(PATRON, selection="best")


@pytest.mark.parametrize("edit, words", [
    (("low = { sets = { g = \"1/2\" } }", "low = { sets = { h = \"1/2\" } }"),
     ["actions.low.sets.h", "not a parameter of coord"]),
    (("r = { domain", "g = { domain = \"[0, 1]\", default = 0 }\nr = { domain"),
     ["['g']", "passed through"]),
    (("r * pr_xx - g", "r * pr_zz - g"), ["leader.payoff", "pr_zz"]),
    (("subgame = \"sub.toml\"", "subgame = \"nosuch\""), ["model.subgame", "nosuch"]),
    (("[leader]", "[leaderx]"), ["unknown tables"]),
])
def test_malformed_sequential_files_are_model_errors(tmp_path, edit, words):
    (tmp_path / "sub.toml").write_text(SUB)
    (tmp_path / "leader.toml").write_text(LEADER.replace(*edit))
    with pytest.raises(ModelError) as err:
        load_model(tmp_path / "leader.toml")
    for w in words:
        assert w in str(err.value)


def test_simultaneous_form_loses_the_leaders_commitment_effect():
    from qa_games.solvers.backward_induction import simultaneous_form
    from qa_games.solvers.solve import solve

    g = simultaneous_form(PATRON)
    assert g.players == ("P", "A", "B") and g.shape == (2, 2, 2) and g.exact
    # patron payoff at (weak, C, C) = beta - kappa c_L - lam t (1 - c_L)
    assert g.payoff((0, 0, 0))[0] == Fraction(1, 2) - Fraction(1, 5) * Fraction(3, 10) \
        - Fraction(7, 10)
    pure = [g.profile_names(e.pure_profile) for e in solve(g).equilibria]
    assert ("weak", "cooperate", "cooperate") not in pure
    assert backward_induction(PATRON).choices == ("weak",)


def test_subgames_met_again_give_the_solution_of_a_fresh_solve():
    """A scan of the leader's own parameter (beta) meets the same subgames again, which
    are then solved once: each subgame's solution still equals solving its game anew,
    and so do the leader's choices where beta moves them."""
    from qa_games.solvers.solve import solve

    choices = set()
    for k in range(21):
        beta = Fraction(k, 10)
        sol = backward_induction(PATRON, {"beta": beta, "t": Fraction(3, 2)})
        choices.add(sol.choices)
        for sub in sol.subgames:
            fresh = solve(PATRON.subgame.at(sub.values))
            assert [e.exact for e in sub.solution.equilibria] == \
                [e.exact for e in fresh.equilibria]
    assert len(choices) > 1  # beta moved the choice: the scan crossed the boundary
