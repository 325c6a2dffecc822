"""``qa-games record`` on the bundled data: counts, estimates, tests, scores, files, bad input.

The command's numbers are cross-checked against independent computations: the counts
against :func:`counts_table`, Vuong's statistic by hand from the fits' per-row
log-likelihoods, a reduced-form theory fit against a direct statsmodels logit, the base
rate's out-of-sample scores by hand. The full results are computed once per test session
(``record_results`` caches them per option set).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qa_games.cli import main
from qa_games.record.results import SPLIT_YEAR, THEORY_TERMS, record_results
from qa_games.record.summary import counts_table

KEYS = {"options", "counts", "reduced_form", "fits", "estimates", "tests", "out_of_sample",
        "calibration", "rates", "specification", "cases", "verdict", "notes", "timings",
        "commitment_sign"}
THEORIES = ("Cha", "Walt", "Buck-passing")
MODELS = {f"{t} ({kind})" for t in THEORIES for kind in ("structural", "reduced form")}
TABLES = ("record_counts", "record_reduced_form", "record_fits", "record_estimates",
          "record_tests", "record_commitment_sign", "record_out_of_sample", "record_calibration",
          "record_rates",
          "record_specification", "record_cases")


def run(capsys, *argv):
    code = main(["record", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("record") / "out"
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["record", "--json", "--out", str(folder)]) == 0
    return json.loads(buf.getvalue()), folder


def _plain(v):
    if isinstance(v, float) and math.isnan(v):
        return None
    return v.item() if hasattr(v, "item") else v


def test_json_has_every_part(outputs):
    data, _ = outputs
    assert set(data) == KEYS
    models = {f["model"] for f in data["fits"]}
    assert models == MODELS
    assert {t["test"] for t in data["tests"]} == {"Vuong (Schwarz)", "Clarke (Schwarz)"}
    # Every pair of the three theories, structural and reduced form, by both tests.
    assert len(data["tests"]) == 12 and all(0 <= t["p"] <= 1 for t in data["tests"])
    pairs = {frozenset((t["model 1"], t["model 2"])) for t in data["tests"]}
    assert pairs == {frozenset((a, b)) for a in MODELS for b in MODELS
                     if a != b and a.split(" (")[1] == b.split(" (")[1]}
    assert [s["theory"] for s in data["commitment_sign"]] == list(THEORIES)
    for e in data["estimates"]:
        assert e["CI low"] <= e["coef"] <= e["CI high"]
    choices = {r["choice"] for r in data["specification"]}
    assert choices == {"base", "outcome", "relevance filter", "patron proxy", "threat proxy",
                       "era"}
    assert len(data["verdict"]) >= 4 and all(isinstance(s, str) for s in data["verdict"])


def test_counts_equal_counts_table(outputs):
    data, _ = outputs
    want = [{k: _plain(v) for k, v in r.items()} for r in
            counts_table().to_frame().to_dict("records")]
    assert data["counts"] == want


def test_vuong_by_hand_from_the_fits():
    r = record_results()
    for test in r.tests:
        if not test.test.startswith("Vuong"):
            continue
        f1 = next(f for f in r.fits if f.name == test.model1)
        f2 = next(f for f in r.fits if f.name == test.model2)
        d = f1.pointwise - f2.pointwise
        n = len(d)
        z = (d.sum() - (f1.n_params - f2.n_params) * math.log(n) / 2) / (
            math.sqrt(n) * math.sqrt(np.mean((d - d.mean()) ** 2)))
        assert test.statistic == pytest.approx(z, rel=1e-9)
        assert (test.preferred == "model 1") == (z > 0 and test.p < 0.05)


def test_reduced_form_theory_fit_matches_statsmodels():
    import statsmodels.api as sm

    r = record_results()
    fit = next(f for f in r.fits if f.name == "Walt (reduced form)")
    rows = r.panel.loc[fit.index]
    X = rows[list(THEORY_TERMS["Walt"])].astype(float)
    for era in ("1919-1945", "1946-1991", "1992-2018"):
        X[f"era_{era}"] = (rows["era"] == era).astype(float)
    X.insert(0, "const", 1.0)
    res = sm.Logit(rows["onset"].astype(int), X).fit(disp=0, method="newton")
    assert fit.loglik == pytest.approx(res.llf, rel=1e-8)
    assert fit.pointwise.sum() == pytest.approx(res.llf, rel=1e-8)
    np.testing.assert_allclose(fit.prob, res.predict(X).to_numpy(), rtol=1e-6, atol=1e-12)


def test_base_rate_out_of_sample_by_hand(outputs):
    data, _ = outputs
    r = record_results()
    rows = r.panel.loc[r.fits[-1].index]
    early, late = rows[rows["year"] <= SPLIT_YEAR], rows[rows["year"] > SPLIT_YEAR]
    oos = pd.DataFrame(data["out_of_sample"])
    for train, test in ((early, late), (late, early)):
        p = train["onset"].mean()
        y = test["onset"].to_numpy(float)
        log = np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        got = oos[(oos["model"] == "base rate") & (oos["test rows"] == len(test))]
        assert len(got) == 1
        assert got["log score"].iloc[0] == pytest.approx(log, rel=1e-10)
        assert got["Brier"].iloc[0] == pytest.approx(np.mean((p - y) ** 2), rel=1e-10)
    assert set(oos["model"]) == {"base rate", *MODELS}


def test_out_writes_every_table_in_three_formats(outputs):
    data, folder = outputs
    for name in TABLES:
        for ext in ("csv", "md", "tex"):
            assert (folder / f"{name}.{ext}").is_file(), f"{name}.{ext}"
    assert json.loads((folder / "record.json").read_text()) == data
    counts = pd.read_csv(folder / "record_counts.csv")
    assert counts["rows"].tolist() == [c["rows"] for c in data["counts"]]
    assert "\\begin{tabular}" in (folder / "record_tests.tex").read_text()
    assert not list(folder.glob(".*"))  # no temporary files left behind


def test_text_output_names_every_part(capsys, outputs):
    code, out, err = run(capsys)
    assert code == 0 and err == ""
    for heading in ("## Panel counts", "## Reduced form", "## Each theory's own specification",
                    "## The theories pairwise", "## The sign of the commitment effect",
                    "## Out-of-sample scores against the base rate",
                    "## Specification table", "## Verdict"):
        assert heading in out
    for line in outputs[0]["verdict"]:
        assert line in out


@pytest.mark.parametrize("argv, needle", [
    (["--outcome", "bogus"], "--outcome"),
    (["--years", "3000-3001"], "years"),
    (["--years", "1990-1980"], "--years"),
    (["--years", "19x0"], "--years"),
    (["--years", "1946-1950", "--region", "oceania"], "empty"),
    (["--region", "atlantis"], "--region"),
    (["--max-distance", "-1"], "--max-distance"),
    (["--mid-window", "0"], "--mid-window"),
    (["--alpha", "1.5"], "--alpha"),
    (["--spec", "cha_quasi_alliance"], "--spec"),
    (["--spec", "cha_quasi_alliance", "--spec", "cha_quasi_alliance"], "same theory"),
    (["--spec", "nosuch", "--spec", "walt_balance_of_threat"], "nosuch"),
    (["--spec", "cha_quasi_alliance", "--spec", "walt_balance_of_threat", "--no-structural"],
     "exclude"),
])
def test_bad_input_is_one_line_exit_2_nothing_written(capsys, tmp_path, argv, needle):
    out = tmp_path / "new"
    code, stdout, err = run(capsys, *argv, "--out", str(out))
    assert code == 2 and stdout == ""
    assert err.count("\n") == 1 and err.startswith("qa-games record: error:") and needle in err
    assert not out.exists()


def test_out_onto_a_file_is_refused(capsys, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("keep")
    code, _, err = run(capsys, "--out", str(target))
    assert code == 2 and "not a folder" in err and err.count("\n") == 1
    assert target.read_text() == "keep"


def test_a_spec_naming_an_unknown_parameter_is_refused(capsys, tmp_path):
    spec = tmp_path / "bad.toml"
    text = Path(__file__).parents[1].joinpath("models", "record",
                                              "walt_balance_of_threat.toml").read_text()
    spec.write_text(text.replace('tau = "tau"', 'nosuchparam = "tau"'))
    code, _, err = run(capsys, "--spec", "cha_quasi_alliance", "--spec", str(spec))
    assert code == 2 and err.count("\n") == 1 and "nosuchparam" in err


def test_specs_predicting_different_outcomes_are_refused(capsys, tmp_path):
    """The tests compare fits of one variable: a spec whose profile maps to another outcome
    of the common vocabulary (buck-passing's mutual pass: distance under the patron) is one
    clear error before any fitting."""
    spec = tmp_path / "pass.toml"
    text = Path(__file__).parents[1].joinpath("models", "record", "buck_passing.toml").read_text()
    spec.write_text(text.replace('profile = "alliance"', 'profile = "mutual_pass"'))
    code, _, err = run(capsys, "--spec", "cha_quasi_alliance", "--spec", str(spec))
    assert code == 2 and err.count("\n") == 1 and "different outcomes" in err
    assert "distance_under_patron" in err
