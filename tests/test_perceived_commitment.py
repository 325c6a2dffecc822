"""Perceived commitment (models/perceived_commitment.toml): the patron's resolve is
private; its troops signal it. Each PBE of the solver against the conditions derived by
hand in docs/mechanisms.md, on random parameter points with ties."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from qa_games import load_model
from qa_games.solvers.signalling import signalling_equilibria

MODEL = load_model("perceived_commitment")
small = st.integers(0, 8).map(lambda n: Fraction(n, 8))


def _delta(v: dict, c: Fraction) -> Fraction:
    return (1 - v["phi"]) * (1 - c) * v["t"] * v["x"] - (v["t"] * v["y"] + v["k"])


points = st.fixed_dictionaries({
    # q strictly inside (0, 1): both types, and so both messages they send, on the path
    "q": st.integers(1, 7).map(lambda n: Fraction(n, 8)),
    "c_L": small, "c_H": small, "t": st.integers(1, 3).map(Fraction),
    "x": st.integers(1, 3).map(Fraction), "y": small, "k": small, "phi": small.map(
        lambda f: min(f, Fraction(7, 8))), "beta": small, "D": st.integers(0, 2).map(Fraction),
    "kappa_R": small, "kappa_I": small,
}).filter(lambda v: v["c_L"] <= v["c_H"] and v["kappa_R"] <= v["kappa_I"])


@settings(max_examples=80, deadline=None)
@given(v=points)
def test_separating_equilibrium_conditions(v):
    """Resolute keeps, irresolute withdraws, clients distance after keep and cooperate
    after withdraw is a PBE iff Delta(c_H) <= 0 <= Delta(c_L) (each response optimal at
    the revealed type) and D - kappa_R >= beta >= D - kappa_I (no type mimics the other)."""
    sol = signalling_equilibria(MODEL.at(v))
    found = any(e.messages == ("keep", "withdraw") and e.responses == ("distance", "cooperate")
                for e in sol.equilibria)
    expected = (_delta(v, v["c_H"]) <= 0 <= _delta(v, v["c_L"])
                and v["D"] - v["kappa_R"] >= v["beta"] >= v["D"] - v["kappa_I"])
    assert found == expected


@settings(max_examples=80, deadline=None)
@given(v=points)
def test_a_withdrawal_read_as_weakness_induces_cooperation(v):
    """Whenever withdrawing is sent by the irresolute type alone (both types have positive
    prior, so it is on the path), the
    clients cooperate after it iff Delta(c_L) >= 0 (strictly: cooperate only is optimal
    when Delta(c_L) > 0, distance only when < 0)."""
    sol = signalling_equilibria(MODEL.at(v))
    d = _delta(v, v["c_L"])
    for e in sol.equilibria:
        if e.messages == ("keep", "withdraw"):
            reply = e.responses[1]
            if d > 0:
                assert reply == "cooperate"
            elif d < 0:
                assert reply == "distance"


@settings(max_examples=60, deadline=None)
@given(v=points)
def test_pooling_on_keep_follows_the_prior(v):
    """Pooling on keep: the clients' reply is optimal at the prior mean commitment."""
    sol = signalling_equilibria(MODEL.at(v))
    cbar = v["q"] * v["c_H"] + (1 - v["q"]) * v["c_L"]
    for e in sol.equilibria:
        if e.messages == ("keep", "keep"):
            d = _delta(v, cbar)
            assert (e.responses[0] == "cooperate") if d > 0 else True
            assert (e.responses[0] == "distance") if d < 0 else True


def test_defaults_have_the_separating_nixon_doctrine_equilibrium():
    sol = signalling_equilibria(MODEL.at())
    kinds = {(e.kind, e.messages, e.responses) for e in sol.equilibria}
    assert ("separating", ("keep", "withdraw"), ("distance", "cooperate")) in kinds
