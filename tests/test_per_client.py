"""models/cha_per_client.toml: Cha's model with per-client perceived commitments c_A, c_B.

At c_A = c_B = c it is the Cha model at c (same payoffs, exactly); with diverging
perceptions (B protected, A abandoned) mutual distance is the unique equilibrium."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings

from qa_games.modelfiles.loader import load_model
from qa_games.solvers.solve import solve
from qa_games.verify.strategies import parameter_values

CHA = load_model("cha_quasi_alliance")
PC = load_model("cha_per_client")
SHARED = ("t", "x_A", "x_B", "y_A", "y_B", "k_A", "k_B", "phi")


def test_parameters_are_chas_with_c_split():
    assert [p.name for p in PC.parameters] == ["c_A", "c_B", *SHARED]
    assert PC.profiles == CHA.profiles and PC.labels == CHA.labels
    assert PC.otherwise == CHA.otherwise and PC.selection == CHA.selection


@settings(max_examples=40, database=None)
@given(parameter_values(CHA))
def test_equal_perceptions_give_the_cha_model(values):
    c = values["c"]
    shared = {k: values[k] for k in SHARED}
    cha, pc = CHA.at(values), PC.at(c_A=c, c_B=c, **shared)
    assert cha.exact and pc.exact
    for u_cha, u_pc in zip(cha.payoffs, pc.payoffs, strict=True):
        assert u_cha.shape == u_pc.shape
        assert all(Fraction(a) == Fraction(b) for a, b in zip(u_cha.flat, u_pc.flat, strict=True))
    for name in ("Delta_A", "Delta_B", "e_A", "e_B"):
        assert PC.evaluate(name, c_A=c, c_B=c, **shared) == CHA.evaluate(name, values)
    if values["t"] > 0:
        for name in ("c_star_A", "c_star_B", "c_star"):
            assert PC.evaluate(name, c_A=c, c_B=c, **shared) == CHA.evaluate(name, values)


def test_asymmetric_perceptions_leave_mutual_distance_alone():
    # Defaults: c*_A = c*_B = 1 - 0.3/0.8 = 5/8. A feels abandoned, B protected.
    point = {"c_A": Fraction(1, 5), "c_B": Fraction(9, 10)}
    assert PC.evaluate("Delta_A", point) > 0 > PC.evaluate("Delta_B", point)
    assert point["c_A"] <= PC.evaluate("c_star_A", point)
    assert point["c_B"] > PC.evaluate("c_star_B", point)
    solution = solve(PC.at(point))
    assert [eq.pure_profile for eq in solution.equilibria] == [PC.profile("mutual_distance")]
    assert solution.complete
    assert PC.label_of(solution.equilibria[0].pure_profile) == "friction"
    # With A's perception shared by both (the Cha model at c = 1/5), cooperation is possible.
    shared = [eq.pure_profile for eq in solve(PC.at(c_A=point["c_A"], c_B=point["c_A"])).equilibria]
    assert PC.profile("mutual_cooperation") in shared


def test_mixed_probability_of_a_depends_on_c_b():
    # Both fear abandonment; A's mixing probability makes B indifferent: p_A uses c_B.
    point = {"c_A": Fraction(1, 10), "c_B": Fraction(3, 10)}
    mixed = [eq for eq in solve(PC.at(point)).equilibria if eq.pure_profile is None]
    assert len(mixed) == 1
    assert mixed[0].exact[0][0] == Fraction(str(PC.evaluate("p_A", point)))
    assert mixed[0].exact[1][0] == Fraction(str(PC.evaluate("p_B", point)))
