"""Symbolic comparative statics: the derivatives of models.md and their signs."""

from __future__ import annotations

import pytest
import sympy

from qa_games.analysis.statics import SIGNS, Sign, comparative_statics, derivative, sign_on
from qa_games.errors import ModelError, ParameterError
from qa_games.modelfiles.loader import load_model

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


# --- step 3: z3 decides what sympy's positivity argument and sampling cannot ----------

R = sympy.Rational


@pytest.mark.parametrize("quantity, parameter, region, expected", [
    ("c_star_A", "t", None, "nonnegative"),  # -k_A/(t**2*x_A*(phi - 1)); t = 0 undefined
    ("c_star_B", "t", None, "nonnegative"),
    ("c_star", "t", None, "nonnegative"),  # Min: a branch per case, guarded by its condition
    ("c_star", "t", {"k_A": "[0.1, 4]", "k_B": "[0.1, 4]"}, "positive"),
    ("p_A", "c", None, "nonnegative"),  # -(k_B + t*y_B)/(t*x_B*(c - 1)**2*(phi - 1))
    ("p_B", "c", None, "nonnegative"),
    ("p_A", "t", None, "nonpositive"),  # -k_B/(t**2*x_B*(c - 1)*(phi - 1))
    ("p_B", "t", None, "nonpositive"),
])
def test_z3_proves_signs_on_the_whole_domain(quantity, parameter, region, expected):
    d = derivative(CHA, quantity, parameter)
    s = sign_on(d, CHA, region)
    assert (s.sign, s.proved) == (expected, True), s.method
    assert s.method.startswith("z3"), s.method


def test_z3_respects_piecewise_conditions_and_constraints():
    (c,) = sym(CHA, "c")
    half = R(1, 2)
    v = sympy.Piecewise((c - half, c > half), (half - c, True))  # |c - 1/2|; branches change sign
    s = sign_on(v, CHA)
    assert (s.sign, s.proved) == ("nonnegative", True) and s.method.startswith("z3")
    mu1, mu2 = sym(WALT, "mu_1", "mu_2")  # the constraint mu_1 <= mu_2
    assert (sign_on(mu2 - mu1, WALT).sign, sign_on(mu1 - mu2, WALT).sign) == \
        ("nonnegative", "nonpositive")


def test_z3_finds_both_signs_where_sampling_misses_one():
    (c,) = sym(CHA, "c")
    sliver = (c - R(1, 3))**2 - R(1, 10**12)  # negative only within 1e-6 of c = 1/3
    s = sign_on(sliver, CHA)
    assert (s.sign, s.proved, len(s.witnesses)) == ("indefinite", True, 2), s.method
    pos, neg = (sliver.xreplace({c: R(repr(w["c"]))}) for w in s.witnesses)
    assert pos > 0 and neg < 0


def test_indefinite_derivative_stays_indefinite():
    d = derivative(CHA, "Delta_A", "t")
    s = sign_on(d, CHA, {"t": "(0, 10]"})
    assert (s.sign, s.proved, len(s.witnesses)) == ("indefinite", True, 2)
    values = [d.xreplace({CHA.game.symbols[n]: R(repr(v)) for n, v in w.items()})
              for w in s.witnesses]
    assert values[0] > 0 and values[1] < 0


def test_false_claims_are_not_proved():
    mu1, mu2 = sym(WALT, "mu_1", "mu_2")
    # >= 0 except on a sliver (mu_2 - mu_1 < 1e-9): not a theorem, so not "nonnegative"
    s = sign_on(mu2 - mu1 - R(1, 10**9), WALT)
    assert s.sign == "indefinite" and s.proved
    # p_A falls with t: claiming it rises is refuted, with a witness where it falls
    d = derivative(CHA, "p_A", "t")
    assert sign_on(d, CHA).sign != "nonnegative"
    assert sign_on(-d, CHA).sign == "nonnegative"


def test_z3_unknown_falls_back_to_undecided(monkeypatch):
    import qa_games.analysis.statics as statics

    monkeypatch.setattr(statics, "decide", lambda *a, **k: ("unknown", None))
    s = sign_on(derivative(CHA, "c_star_A", "t"), CHA)
    assert (s.sign, s.proved) == ("undecided", False)
    assert "nonnegative at" in s.method and "z3: < 0 unknown" in s.method


def test_rational_derivatives_take_the_same_form_as_simplify_gives():
    """``derivative`` factors a rational function after ``cancel`` instead of
    ``simplify``: the factored form is the same, derivative by derivative, on two
    bundled models (every parameter of every derived quantity)."""
    from qa_games.analysis.statics import _simplify

    seen = 0
    for name in ("cha_quasi_alliance", "walt_balance_of_threat"):
        m = load_model(name)
        for expr in m.derived.values():
            for p in m.game.parameter_names:
                d = sympy.diff(expr, m.game.symbols[p])
                if d.is_rational_function():
                    seen += 1
                    assert _simplify(d) == sympy.factor(sympy.simplify(d)), (name, p)
    assert seen > 50
