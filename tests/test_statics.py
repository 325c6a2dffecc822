"""Symbolic comparative statics: the derivatives of models.md and their signs."""

from __future__ import annotations

import pytest
import sympy

from qa_games.errors import ModelError, ParameterError
from qa_games.model import load_model
from qa_games.statics import SIGNS, Sign, comparative_statics, derivative, sign_on

CHA = load_model("cha_quasi_alliance")
WALT = load_model("walt_balance_of_threat")


def sym(model, *names):
    return [model.game.symbols[n] for n in names]


def test_derivatives_match_models_md():
    c, t, x, k, phi = sym(CHA, "c", "t", "x_A", "k_A", "phi")
    assert sympy.simplify(derivative(CHA, "Delta_A", "c") + (1 - phi) * t * x) == 0  # cha-1
    assert sympy.simplify(derivative(CHA, "c_star_A", "t")
                          - k / ((1 - phi) * x * t**2)) == 0  # cha-5
    assert sympy.simplify(derivative(CHA, "(1 - c) * t", "t") - (1 - c)) == 0
    tau, cw, mu1, theta = sym(WALT, "tau", "c", "mu_1", "theta")
    assert sympy.simplify(derivative(WALT, "D_A_1", "c") - tau * (1 - mu1)) == 0  # walt-3
    assert sympy.simplify(derivative(WALT, "D_A_1", "theta") + tau) == 0  # walt-4
    assert sympy.simplify(derivative(WALT, "D_A_1", "mu_1") - tau * (1 - cw)) == 0  # walt-6


@pytest.mark.parametrize("model, quantity, parameter, region, expected", [
    (CHA, "Delta_A", "c", None, "nonpositive"),  # t = 0 or x = 0 allowed: zero there
    (CHA, "Delta_A", "c", {"t": "(0, 10]"}, "negative"),  # cha-1
    (CHA, "c_star_A", "t", {"t": "(0, 10]"}, "nonnegative"),  # cha-5 (k_A may be 0)
    (CHA, "c_star_A", "t", {"t": "(0, 10]", "k_A": "[0.1, 4]"}, "positive"),
    (CHA, "c_star", "t", {"t": "(0, 10]"}, "nonnegative"),  # through min(), by branches
    (CHA, "p_A", "c", {"t": "(0, 10]"}, "nonnegative"),  # cha-8 (undefined at c = 1)
    (CHA, "e_A", "c", None, "zero"),
    (WALT, "D_A_1", "c", None, "nonnegative"),  # walt-3
    (WALT, "D_A_2", "theta", None, "nonpositive"),  # walt-4
    (WALT, "D_A_1", "mu_1", {"tau": "(0, 10]", "c": "[0, 1)"}, "positive"),  # walt-6
])
def test_signs_proved_on_regions(model, quantity, parameter, region, expected):
    s = sign_on(derivative(model, quantity, parameter), model, region)
    assert isinstance(s, Sign) and s.sign in SIGNS
    assert (s.sign, s.proved) == (expected, True), s.method


def test_indefinite_signs_come_with_exact_witnesses():
    d = derivative(CHA, "Delta_A", "t")  # cha-4: the effect of threat changes sign with c
    s = sign_on(d, CHA)
    assert s.sign == "indefinite" and s.proved and len(s.witnesses) == 2
    pos, neg = (d.xreplace({CHA.game.symbols[n]: sympy.Rational(repr(v)) for n, v in w.items()})
                for w in s.witnesses)
    assert pos > 0 and neg < 0
    # above cbar the threat effect is negative (cha-4): here with the defaults' cbar = 3/4
    above = sign_on(d, CHA, {"c": "(0.75, 1]", "phi": "[0.2, 0.2]", "x_A": "[1, 1]",
                             "y_A": "[0.2, 0.2]"})
    assert above.sign == "negative" and above.proved


def test_undecided_is_reported_not_guessed():
    (c,) = sym(CHA, "c")
    s = sign_on(sympy.sin(c) - c, CHA)  # outside what step 1 proves; <= 0 on [0, 1]
    assert (s.sign, s.proved) == ("undecided", False)
    assert "nonpositive at" in s.method and str(s) == "undecided (not proved)"
    wavy = sign_on(sympy.sin(4 * c) - c / 2, CHA)
    assert (wavy.sign, wavy.proved) == ("indefinite", True)


def test_comparative_statics_table():
    t = comparative_statics(CHA, "c", region={"t": "(0, 10]"})
    assert list(t.columns) == ["quantity", "parameter", "derivative", "sign", "proved", "method"]
    assert list(t.quantity) == list(CHA.derived)
    row = t.set_index("quantity").loc["Delta_A"]
    assert row.sign == "negative" and row.proved


def test_bad_input():
    with pytest.raises(ParameterError, match="unknown parameter 'zeta'"):
        derivative(CHA, "Delta_A", "zeta")
    with pytest.raises(ModelError):
        derivative(CHA, "Delta_A + import", "c")
    with pytest.raises(ParameterError, match="not inside its domain"):
        sign_on(derivative(CHA, "Delta_A", "c"), CHA, {"c": "[0, 2]"})
    with pytest.raises(ParameterError, match="not inside its domain"):
        sign_on(derivative(CHA, "Delta_A", "c"), CHA, {"phi": "[0, 1]"})
