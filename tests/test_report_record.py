"""The report's record section: written with its figures and tables, numbers from the panel.

The section is written once (full mode, sharing the cached results with
``tests/test_cli_record.py``); rates and case values are checked against the measured
panel directly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from qa_games.record.measures import measured_panel
from qa_games.report.document import _Writer
from qa_games.report.html import to_html
from qa_games.report.record_section import TITLE, record_section

FIGURES = ("record_estimates", "record_calibration", "record_rates_commitment",
           "record_rates_threat", "record_cases")
TABLES = ("record_counts", "record_reduced_form", "record_fits", "record_estimates",
          "record_tests", "record_commitment_sign", "record_out_of_sample", "record_calibration",
          "record_rates",
          "record_specification", "record_cases", "record_cases_full")


@pytest.fixture(scope="module")
def section(tmp_path_factory) -> tuple[Path, str, _Writer, object]:
    folder = tmp_path_factory.mktemp("report_record")
    w = _Writer(folder, False, 0)
    r = record_section(w)
    return folder, "\n".join(w.md), w, r


def test_figures_are_written_and_linked(section):
    folder, md, w, _ = section
    for name in FIGURES:
        path = folder / "figures" / f"{name}.png"
        assert path.is_file() and path.read_bytes()[:4] == b"\x89PNG", name
        assert f"figures/{name}.png" in md
        assert path in w.files


def test_tables_come_in_three_formats(section):
    folder, md, _, _ = section
    for name in TABLES:
        for ext in ("csv", "md", "tex"):
            assert (folder / "tables" / f"{name}.{ext}").is_file(), f"{name}.{ext}"
    assert "\\begin{tabular}" in (folder / "tables" / "record_tests.tex").read_text()


def test_the_section_states_the_verdict_with_its_figures(section):
    _, md, w, r = section
    assert f"8. {TITLE}" in md
    assert r.headline() in md
    assert any(s.startswith("Record: ") and r.headline() in s for s in w.summary)
    for line in r.verdict():
        assert line in md
    tests = pd.read_csv(w.out / "tables" / "record_tests.csv")
    np.testing.assert_allclose(tests["statistic"], [t.statistic for t in r.tests], rtol=1e-12)
    np.testing.assert_allclose(tests["p"], [t.p for t in r.tests], rtol=1e-12, atol=1e-300)
    html = to_html(md)
    assert html.count("<table>") >= 9


def test_structural_and_reduced_fits_are_both_shown(section):
    folder, _, _, _ = section
    est = pd.read_csv(folder / "tables" / "record_estimates.csv")
    assert set(est["model"]) == {f"{t} ({kind})" for t in ("Cha", "Walt", "Buck-passing")
                                 for kind in ("structural", "reduced form")}
    assert (est["CI low"] <= est["coef"]).all() and (est["coef"] <= est["CI high"]).all()


def test_onset_rates_add_up_to_the_panel(section):
    folder, _, _, _ = section
    m = measured_panel()
    rates = pd.read_csv(folder / "tables" / "record_rates.csv")
    for measure in ("c_index", "c_major", "tau"):
        sub = rates[rates["measure"] == measure]
        have = m[measure].notna()
        assert sub["rows"].sum() == int(have.sum())
        assert sub["onsets"].sum() == int(m.loc[have, "onset"].sum())
        np.testing.assert_allclose(sub["rate"], sub["onsets"] / sub["rows"])
        assert ((sub["CI low"] <= sub["rate"]) & (sub["rate"] <= sub["CI high"])).all()
    major = rates[rates["measure"] == "c_major"].set_index("bin")
    direct = m.groupby("c_major")["onset"].agg(["size", "sum"])
    assert major.loc[major.index.astype(float) == 1, "rows"].iloc[0] == direct.loc[1, "size"]


def test_cases_sit_at_their_measured_values(section):
    folder, _, _, r = section
    cases = pd.read_csv(folder / "tables" / "record_cases_full.csv")
    m = measured_panel()
    inp = cases[cases["status"] == "in panel"]
    assert len(inp) > 0
    for row in inp.itertuples():
        a, b = (int(x) for x in row.pair.split("-"))
        hit = m[(m["ccode_a"] == a) & (m["ccode_b"] == b) & (m["year"] == row.year)]
        assert len(hit) == 1
        assert row.c_index == pytest.approx(float(hit["c_index"].iloc[0]), rel=1e-9)
        assert row.tau == pytest.approx(float(hit["tau"].iloc[0]), rel=1e-9)
    fit = next(f for f in r.fits if f.name == "Walt (structural)")
    prob = pd.Series(fit.prob, index=fit.index)
    first = inp.iloc[0]
    a, b = (int(x) for x in first["pair"].split("-"))
    label = m.index[(m["ccode_a"] == a) & (m["ccode_b"] == b) & (m["year"] == first["year"])]
    assert first["P(onset) Walt (structural)"] == pytest.approx(float(prob[label[0]]))
    out = cases[cases["status"] != "in panel"]
    assert out[["c_index", "tau"]].isna().all().all()
