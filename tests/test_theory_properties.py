"""The seed's claims as Hypothesis property tests, on the numeric games (issue #5, item 5).

Each test draws parameters with :mod:`qa_games.testing` (exact, inside the domains)
and checks a claim of the theories on equilibria computed by ``solve`` and labels
chosen by ``select``: independent of the symbolic proofs in ``proofs/``.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from qa_games.modelfiles.loader import load_model
from qa_games.solvers.selection import select
from qa_games.solvers.solve import solve
from qa_games.verify.strategies import parameter_values, satisfies, value_strategy

CHA = load_model("cha_quasi_alliance")
WALT = load_model("walt_balance_of_threat")
CC, DD = (0, 0), (1, 1)
EXAMPLES = settings(max_examples=40, deadline=None)


def pure(model, values):
    return {eq.pure_profile for eq in solve(model.at(values)).equilibria}


def label(model, values, rule="payoff_dominance"):
    eq = select(solve(model.at(values)), rule)
    return model.label_of(eq.pure_profile if eq is not None else None)


def value(model, name, values):
    return model.evaluate(name, values)


@EXAMPLES
@given(parameter_values(CHA), st.data())
def test_cha1_strong_commitment_less_alignment(values, data):
    """cha-1: raising c never turns friction into cooperation (payoff dominance)."""
    higher = data.draw(value_strategy(CHA.parameter("c")).filter(lambda c: c > values["c"]))
    after = {**values, "c": higher}
    if label(CHA, after) == "cooperation":
        assert label(CHA, values) == "cooperation"
    if CC in pure(CHA, after):
        assert CC in pure(CHA, values)


@EXAMPLES
@given(parameter_values(CHA, region="Delta_A > 0 and Delta_B > 0"))
def test_cha2_symmetric_abandonment_cooperation(values):
    """Both fear abandonment (Delta > 0): cooperation is an equilibrium and is selected."""
    assert CC in pure(CHA, values)
    assert label(CHA, values) == "cooperation"
    assert label(CHA, values, "risk_dominance") in ("cooperation", "friction")


@EXAMPLES
@given(parameter_values(CHA, region="Delta_A * Delta_B < 0 and e_A > 0 and e_B > 0"))
def test_cha3_asymmetric_fears_friction(values):
    sol = solve(CHA.at(values))
    assert [eq.pure_profile for eq in sol.equilibria] == [DD]
    assert label(CHA, values) == "friction"


@EXAMPLES
@given(parameter_values(CHA))
def test_cha6_fear_of_entrapment_weaker_commitment(values):
    a, _ = CHA.at(values).payoffs
    if value(CHA, "Delta_A", values) < 0:  # distance strictly dominant for A
        assert a[1, 0] > a[0, 0] and a[1, 1] > a[0, 1]
    else:  # commitment is conditional: C answers C, D answers D
        assert a[0, 0] >= a[1, 0] and a[1, 1] >= a[0, 1]


@EXAMPLES
@given(parameter_values(CHA, region="t > 0"), st.data())
def test_cha4_patron_overrides_threat(values, data):
    """Above min cbar no threat level yields cooperation."""
    cbar = min(value(CHA, "cbar_A", values), value(CHA, "cbar_B", values))
    assume(cbar < 1)
    lo = max(Fraction(cbar), Fraction(0))
    c = lo + (1 - lo) * Fraction(data.draw(st.integers(1, 100)), 100)
    for t in (Fraction(1, 10), Fraction(1), Fraction(10)):
        point = {**values, "c": c, "t": t}
        assert CC not in pure(CHA, point) and label(CHA, point) == "friction"


@EXAMPLES
@given(parameter_values(CHA))
def test_cha7_friction_is_the_normal_state(values):
    assert DD in pure(CHA, values)


@EXAMPLES
@given(parameter_values(WALT, region="sigma_2 > theta"), st.data())
def test_walt2_more_threat_more_alliance(values, data):
    higher = data.draw(value_strategy(WALT.parameter("tau")).filter(lambda t: t > values["tau"]))
    after = {**values, "tau": higher}
    if (0, 0) in pure(WALT, values):
        assert (0, 0) in pure(WALT, after)
    threshold = satisfies(WALT, "tau >= tau_star_A and tau >= tau_star_B", values)
    assert ((0, 0) in pure(WALT, values)) == threshold


@EXAMPLES
@given(parameter_values(WALT), st.data())
def test_walt3_more_allied_support_more_alliances(values, data):
    higher = data.draw(value_strategy(WALT.parameter("c")).filter(lambda c: c > values["c"]))
    after = {**values, "c": higher}
    if (0, 0) in pure(WALT, values):
        assert (0, 0) in pure(WALT, after)
    for name in ("D_A_1", "D_A_2", "D_B_1", "D_B_2"):
        assert value(WALT, name, after) >= value(WALT, name, values)


@pytest.mark.parametrize("fixed", [{"phi": 0}, {"t": 1, "c": "0.3"}])
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_strategies_respect_fixed_values_domains_and_constraints(fixed, data):
    values = data.draw(parameter_values(CHA, fixed=fixed))
    for name, v in fixed.items():
        assert values[name] == Fraction(v)
    CHA.values(values)  # raises if outside a domain
    w = data.draw(parameter_values(WALT))
    WALT.values(w)  # the weights sum to 1 and mu_1 <= mu_2
    assert sum(w[k] for k in ("w_power", "w_proximity", "w_offense", "w_intent")) == 1


@settings(max_examples=10, deadline=None)
@given(games_drawn=st.data())
def test_games_strategy_draws_numeric_games_of_the_model(games_drawn):
    from qa_games.verify.strategies import games

    g = games_drawn.draw(games(CHA, region="Delta_A > 0", fixed={"phi": "0.2"}))
    assert g.exact and g.shape == (2, 2) and g.players == ("A", "B")
