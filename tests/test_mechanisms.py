"""Mechanism models of issue 15: repetition (cha_repeated) and selection from noise
(the global game of Cha's game), each checked against an independent computation."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_games import load_model, solve
from qa_games.errors import ParameterError, SolverError, UnsupportedGameError
from qa_games.solvers import global_game as gg
from qa_games.solvers.selection import risk_dominant

CHA = load_model("cha_quasi_alliance")
REPEATED = load_model("cha_repeated")

# -- repetition ------------------------------------------------------------------------

def _round(f: Fraction) -> Fraction:
    return f.limit_denominator(20)


positive = st.fractions(min_value=Fraction(1, 20), max_value=3).map(
    lambda f: f.limit_denominator(40))


def _grim_trigger_is_spe(stage: dict[str, Fraction], delta: Fraction, player: int) -> bool:
    """The one-shot deviation check on Cha's stage game itself (not the model's table):
    on the path, cooperating for ever is worth u(C,C)/(1-delta); the best deviation takes
    u(D,C) once and is punished by (D,D) for ever. Off the path (D,D) is a stage
    equilibrium (cha-7), so no deviation gains there."""
    game = CHA.at(stage)
    cc = game.payoff((0, 0))[player]
    dev_profile = (1, 0) if player == 0 else (0, 1)
    dc = game.payoff(dev_profile)[player]
    dd = game.payoff((1, 1))[player]
    on_path = cc / (1 - delta)
    deviate = dc + delta * dd / (1 - delta)
    return on_path >= deviate


@settings(max_examples=60, deadline=None)
@given(c=st.fractions(min_value=0, max_value=Fraction(9, 10)).map(_round),
       t=positive, x=positive, y=positive,
       k=st.fractions(min_value=0, max_value=1).map(_round),
       phi=st.fractions(min_value=Fraction(1, 10), max_value=Fraction(9, 10)).map(_round))
def test_critical_discount_factor_against_one_shot_deviations(c, t, x, y, k, phi):
    stage = {"c": c, "t": t, "x_A": x, "x_B": x, "y_A": y, "y_B": y, "k_A": k, "k_B": k,
             "phi": phi}
    star = REPEATED.evaluate("delta_star_A", dict(stage, delta=Fraction(1, 2)))
    eps = Fraction(1, 1000)
    for delta in (star - eps, star + eps):
        if not 0 <= delta < 1:
            continue
        direct = _grim_trigger_is_spe(stage, delta, 0)
        assert direct == (delta >= star)
        sol = solve(REPEATED.at(dict(stage, delta=delta)))
        in_table = any(e.pure_profile == (0, 0) for e in sol.equilibria)
        assert in_table == direct


def test_repetition_refutes_cha_3_and_keeps_cha_7():
    # A Prisoner's Dilemma for B (Delta_B < 0 < u_B(C,C)), a Stag Hunt for A: the one-shot
    # game has the unique equilibrium (D, D); patient states sustain mutual trigger.
    point = {"c": Fraction(0), "t": 1, "x_A": 1, "x_B": 1, "y_A": Fraction(1, 10),
             "y_B": Fraction(7, 10), "k_A": 0, "k_B": 0, "phi": Fraction(1, 2)}
    assert CHA.evaluate("Delta_B", point) < 0 < CHA.evaluate("Delta_A", point)
    assert [e.pure_profile for e in solve(CHA.at(point)).equilibria] == [(1, 1)]
    patient = solve(REPEATED.at(dict(point, delta=Fraction(9, 10))))
    assert (0, 0) in {e.pure_profile for e in patient.equilibria}
    assert (1, 1) in {e.pure_profile for e in patient.equilibria}  # cha-7 survives
    impatient = solve(REPEATED.at(dict(point, delta=Fraction(1, 10))))
    assert [e.pure_profile for e in impatient.equilibria] == [(1, 1)]


# -- the global game -------------------------------------------------------------------

def test_limit_threshold_is_the_risk_dominance_boundary():
    for t in (1, 2, 3, Fraction(17, 4)):
        star = gg.limit_threshold(CHA, "c", {"t": t})
        assert 0 < star < 1
        below, above = (Fraction(star).limit_denominator(10**6) + d for d in
                        (Fraction(-1, 1000), Fraction(1, 1000)))
        for c, expected in ((below, (0, 0)), (above, (1, 1))):
            game = CHA.at(c=c, t=t)
            chosen = risk_dominant(game, solve(game).equilibria)
            assert chosen is not None and chosen.pure_profile == expected


def test_thresholds_converge_to_the_limit_as_noise_vanishes():
    star = gg.limit_threshold(CHA, "c", {"t": 1, "y_B": 0.3})
    gaps = []
    for sigma in (0.1, 0.03, 0.01, 0.003):
        k = gg.threshold_equilibrium(CHA, "c", sigma=sigma, values={"t": 1, "y_B": 0.3})
        gaps.append(max(abs(k.thresholds[0] - star), abs(k.thresholds[1] - star)))
    assert all(b < a for a, b in zip(gaps, gaps[1:], strict=False))
    assert gaps[-1] < 0.01


def test_threshold_equilibrium_against_simulation():
    """At each player's threshold signal, the other's threshold rule makes it indifferent:
    a Monte Carlo estimate of the expected gain near the threshold changes sign there."""
    sigma = 0.05
    k = gg.threshold_equilibrium(CHA, "c", sigma=sigma)
    rng = np.random.default_rng(7)
    n = 400_000
    theta = rng.uniform(k.thresholds[0] - 8 * sigma, k.thresholds[0] + 8 * sigma, n)
    s_a = theta + sigma * rng.standard_normal(n)
    s_b = theta + sigma * rng.standard_normal(n)
    g_A, h_A, _, _ = gg.gains(CHA, "c", theta)
    gain = np.where(s_b <= k.thresholds[1], g_A, h_A)
    width = sigma / 10
    below = gain[(s_a > k.thresholds[0] - 3 * width) & (s_a <= k.thresholds[0] - width)]
    at = gain[np.abs(s_a - k.thresholds[0]) <= width]
    above = gain[(s_a >= k.thresholds[0] + width) & (s_a < k.thresholds[0] + 3 * width)]
    assert abs(at.mean()) < 4 * at.std() / np.sqrt(len(at))
    assert below.mean() > 0 > above.mean()


def test_cha_has_no_cooperation_dominance_region():
    # A finding the model reveals: cooperating alone never pays, so the Carlsson-van Damme
    # uniqueness argument has no region to start from on the cooperation side.
    assert gg.dominance_regions(CHA, "c") == {"first": False, "second": True}


THREE_BY_TWO = """
[model]
name = "three_by_two"
players = ["A", "B"]
strategies = [["u", "m", "d"], ["l", "r"]]
[parameters]
c = { domain = "[0, 1]", default = 0.5, description = "a parameter" }
[payoffs]
"u,l" = ["c", "1"]
"u,r" = ["0", "0"]
"m,l" = ["1", "c"]
"m,r" = ["0", "1"]
"d,l" = ["0", "0"]
"d,r" = ["1", "1"]
"""


def test_bad_input_is_one_clear_error(tmp_path):
    with pytest.raises(ParameterError, match="positive"):
        gg.threshold_equilibrium(CHA, "c", sigma=0)
    with pytest.raises(ParameterError, match="unknown parameter"):
        gg.limit_threshold(CHA, "nope")
    path = tmp_path / "three_by_two.toml"
    path.write_text(THREE_BY_TWO)
    with pytest.raises(UnsupportedGameError, match="2x2"):
        gg.limit_threshold(load_model(path), "c")
    with pytest.raises(SolverError, match="nowhere a coordination game"):
        gg.limit_threshold(CHA, "c", {"y_A": 4, "y_B": 4})
