"""The bundled models' pure-equilibrium regimes match the closed forms of models.md.

Drawn at random exact parameter points (boundaries included, where games are
degenerate); the equilibria come from the exact solver.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from qa_games.modelfiles.loader import load_model
from qa_games.solvers.solve import solve

CHA = load_model("cha_quasi_alliance")
WALT = load_model("walt_balance_of_threat")


def fractions(lo, hi, *, open_lo=False, open_hi=False, denominator=20):
    """Exact values on a grid of step 1/denominator (hits boundaries and ties often)."""
    n_lo = int(lo * denominator) + (1 if open_lo else 0)
    n_hi = int(hi * denominator) - (1 if open_hi else 0)
    return st.integers(n_lo, n_hi).map(lambda k: Fraction(k, denominator))


cha_points = st.fixed_dictionaries({
    "c": fractions(0, 1), "t": fractions(0, 3), "x_A": fractions(0, 2, open_lo=True),
    "x_B": fractions(0, 2, open_lo=True), "y_A": fractions(0, 1), "y_B": fractions(0, 1),
    "k_A": fractions(0, 1), "k_B": fractions(0, 1), "phi": fractions(0, 1, open_hi=True),
})


def pure_set(solution):
    return {eq.pure_profile for eq in solution.equilibria if eq.pure_profile is not None}


@settings(max_examples=150)
@given(cha_points)
def test_cha_mutual_cooperation_iff_both_deltas_nonnegative(v):
    sol = solve(CHA.at(v))
    d_a, d_b = CHA.evaluate("Delta_A", v), CHA.evaluate("Delta_B", v)
    assert ((0, 0) in pure_set(sol)) == (d_a >= 0 and d_b >= 0)
    assert (1, 1) in pure_set(sol)  # friction is always an equilibrium (cha-7)


@settings(max_examples=150)
@given(cha_points)
def test_cha_asymmetric_fears_leave_only_mutual_distance(v):
    d_a, d_b = CHA.evaluate("Delta_A", v), CHA.evaluate("Delta_B", v)
    e_a, e_b = CHA.evaluate("e_A", v), CHA.evaluate("e_B", v)
    if (d_a < 0 or d_b < 0) and e_a > 0 and e_b > 0:
        sol = solve(CHA.at(v))
        assert [eq.pure_profile for eq in sol.equilibria] == [(1, 1)]


walt_points = st.fixed_dictionaries({
    "tau": fractions(0, 4), "c": fractions(0, 1), "mu_1": fractions(0, 1),
    "mu_2": fractions(0, 1), "theta": fractions(0, 1), "k_A": fractions(0, 1),
    "k_B": fractions(0, 1), "a_A": fractions(0, 1), "a_B": fractions(0, 1),
}).filter(lambda v: v["mu_1"] <= v["mu_2"])


@settings(max_examples=150)
@given(walt_points)
def test_walt_pure_regimes(v):
    sol = solve(WALT.at(v))
    pure = pure_set(sol)
    d = {k: WALT.evaluate(k, v) for k in ("D_A_1", "D_A_2", "D_B_1", "D_B_2")}
    # (balance, balance): neither gains by bandwagoning when the other balances
    assert ((0, 0) in pure) == (d["D_A_2"] >= 0 and d["D_B_2"] >= 0)
    # (bandwagon, bandwagon): neither gains by balancing alone
    assert ((1, 1) in pure) == (d["D_A_1"] <= 0 and d["D_B_1"] <= 0)
    # (balance, bandwagon): A balances alone, B prefers not to join
    assert ((0, 1) in pure) == (d["D_A_1"] >= 0 and d["D_B_2"] <= 0)
