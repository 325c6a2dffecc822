"""Model files: loading, parsing safely, and clear errors on bad input."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

from qa_games.errors import ModelError, ParameterError
from qa_games.modelfiles.files import list_models, models_dir
from qa_games.modelfiles.loader import load_model

CHA = models_dir() / "cha_quasi_alliance.toml"


def test_bundled_models_are_listed_with_titles():
    names = dict(list_models())
    assert {"cha_quasi_alliance", "walt_balance_of_threat"} <= set(names)
    assert all(title for title in names.values())


def test_cha_payoffs_match_models_md_at_a_point():
    m = load_model("cha_quasi_alliance")
    v = dict(c=Fraction(1, 3), t=2, x_A=Fraction(4, 5), x_B=1, y_A=Fraction(1, 5),
             y_B=Fraction(1, 20), k_A=Fraction(1, 10), k_B=Fraction(1, 10), phi=Fraction(1, 5))
    g = m.at(v)
    names = ("c", "t", "x_A", "x_B", "y_A", "y_B", "k_A", "k_B", "phi")
    c, t, xa, xb, ya, yb, ka, kb, phi = (Fraction(v[k]) for k in names)
    assert g.payoff((0, 0)) == (t * ((1 - c) * xa - ya) - ka, t * ((1 - c) * xb - yb) - kb)
    assert g.payoff((0, 1)) == (-t * ya - ka, phi * t * (1 - c) * xb)
    assert g.payoff((1, 0)) == (phi * t * (1 - c) * xa, -t * yb - kb)
    assert g.payoff((1, 1)) == (0, 0)
    assert g.exact
    delta_a = m.evaluate("Delta_A", v)
    assert delta_a == sympy.Rational(g.payoff((0, 0))[0] - g.payoff((1, 0))[0])


def test_walt_threat_index_substitution_and_constraint():
    w = load_model("walt_balance_of_threat")
    with pytest.raises(ParameterError, match="mu_1 <= mu_2"):
        w.at(mu_1=0.5, mu_2=0.2)
    ws = w.substitute("tau", "threat_index")
    assert "tau" not in ws.game.parameter_names
    g0 = ws.at(intent=0)  # no aggressive intent, no threat
    assert g0.payoff((1, 1)) == (-Fraction(1, 10), -Fraction(1, 10))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("c", 1.5, r"c=1.5 is outside its domain \[0, 1\]"),
        ("x_A", 0, r"x_A=0 is outside its domain \(0, 4\]"),
        ("phi", 1, r"phi=1 is outside its domain \[0, 1\)"),
        ("fear_c", 0.1, r"unknown parameter 'fear_c' \(known: c, t, "),
        ("c", float("nan"), "not a finite number"),
        ("c", float("inf"), "not a finite number"),
        ("c", "abc", "not a number"),
        ("c", True, "not a number"),
    ],
)
def test_bad_parameter_values_are_clear_errors(name, value, message):
    with pytest.raises(ParameterError, match=message):
        load_model("cha_quasi_alliance").at({name: value})


def _copy_with(tmp_path: Path, old: str, new: str) -> Path:
    text = CHA.read_text()
    assert old in text
    p = tmp_path / "bad.toml"
    p.write_text(text.replace(old, new, 1))
    return p


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('["-t * y_A - k_A"', '["__import__(\'os\').system(\'touch pwned\')"',
         r'payoffs\."cooperate,distance"\[0\]: function'),
        ('"0", "0"]', '"0", "fear_c"]', r"unknown name 'fear_c'"),
        ('"0", "0"]', '"0"]', "expected a list of 2 payoffs"),
        ('"0", "0"]', '"0", "open(\'x\').read()"]', "not allowed"),
        ('"0", "0"]', '"0", "t.__class__"]', "Attribute is not allowed"),
        ('"0", "0"]', '"0", "t ^ 2"]', r"use \*\* for powers"),
        ('"0", "0"]', '"0", "9 ** 9 ** 9"]', "too large"),
        ('domain = "[0, 1]", default = 0.5', 'domain = "[0, 1", default = 0.5', "not an interval"),
        ('domain = "[0, 1]", default = 0.5', 'domain = "[0, 1]", default = 2',
         "outside its domain"),
        ('"distance,distance"   = ["0", "0"]', "", 'missing profile "distance,distance"'),
        ('\n[payoffs]\n', '\n[payofs]\n', "unknown tables"),
        ('name = "cha_quasi_alliance"', 'name = "cha_quasi_alliance', "malformed TOML"),
        ('cooperation = "mutual_cooperation"', 'cooperation = "mutual"', "unknown profile"),
    ],
)
def test_malformed_model_files_are_model_errors(tmp_path, old, new, message):
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(ModelError, match=message) as info:
            load_model(_copy_with(tmp_path, old, new))
        assert "bad.toml" in str(info.value)
        assert not (tmp_path / "pwned").exists()
    finally:
        os.chdir(cwd)


def test_unknown_model_name_lists_the_bundled_ones():
    with pytest.raises(ModelError, match="unknown model 'nope'.*cha_quasi_alliance"):
        load_model("nope")


def test_missing_file_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="no such model file"):
        load_model(tmp_path / "absent.toml")


def test_a_model_file_read_again_is_parsed_once_per_content(tmp_path):
    """The same file with the same content gives the same (immutable) model object while
    it is in use; a changed file is parsed anew, a file that fails to parse leaves
    nothing behind, and the table keeps no model alive."""
    path = tmp_path / "mine.toml"
    text = CHA.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    first = load_model(path)
    assert load_model(path) is first
    path.write_text(text.replace('name = "cha_quasi_alliance"', 'name = "mine"', 1),
                    encoding="utf-8")
    second = load_model(path)
    assert second is not first and second.name == "mine" and first.name == "cha_quasi_alliance"
    path.write_text(text.replace("[model]\nname", "[modell]\nname", 1), encoding="utf-8")
    with pytest.raises(ModelError):
        load_model(path)
    with pytest.raises(ModelError):  # still refused: the failure was not cached as a model
        load_model(path)
    import gc
    import weakref

    gone = weakref.ref(second)
    del second
    gc.collect()
    assert gone() is None


def test_evaluate_in_fractions_equals_sympy_substitution():
    """Model.evaluate's exact fast path gives what sympy's substitution gives, for every
    derived quantity of the bundled normal-form models at a few points (and sympy's own
    answer where the fast path cannot evaluate: a zero denominator)."""
    from qa_games.games.exact_eval import substitute
    from qa_games.verify.oddness import sample_points

    for name, _ in list_models():
        m = load_model(name)
        if not hasattr(m, "derived") or not hasattr(m, "game"):
            continue
        for point in [m.values(), *sample_points(m, 3, seed=1)]:
            vals = m.values(point)
            subs = {m.game.symbols[k]: sympy.Rational(v.numerator, v.denominator)
                    for k, v in vals.items()}
            for q, expr in m.derived.items():
                assert m.evaluate(q, point) == substitute(expr, subs), (name, q, point)
