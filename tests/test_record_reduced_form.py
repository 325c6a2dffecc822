"""The reduced-form logit against a direct statsmodels fit, its records and exports, the
counts table and the cases, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from qa_games.errors import ParameterError
from qa_games.record import (
    counts_table,
    measured_panel,
    quasi_alliance_panel,
    record_summary,
    reduced_form,
)
from qa_games.record.reduced_form import verdict
from record_fixture import miniature

ERAS = [("1919-1945", 1919, 1945), ("1946-1991", 1946, 1991), ("1992-2018", 1992, 2018)]


@pytest.fixture(scope="module")
def panel():
    return measured_panel()


def direct_fit(panel, terms, cov="cluster"):
    """The same logit built by hand: rows with every term, era dummies (1816-1918 the
    reference), statsmodels Logit, clustered by pair."""
    d = panel.dropna(subset=list(terms)).copy()
    X = pd.DataFrame({"const": 1.0}, index=d.index)
    for t in terms:
        X[t] = d[t].astype(float)
    for lab, lo, hi in ERAS:
        X[f"era_{lab}"] = d["year"].between(lo, hi).astype(float)
    kw = {"cov_type": "cluster", "cov_kwds": {"groups": d["pair"].to_numpy()}} \
        if cov == "cluster" else {}
    return sm.Logit(d["onset"].astype(int), X).fit(disp=0, **kw)


@pytest.mark.parametrize("terms", [("c_index", "tau", "k"), ("c_major", "intent", "x_A")])
def test_coefficients_equal_a_direct_statsmodels_fit(panel, terms):
    rf = reduced_form(panel, terms=terms)
    res = direct_fit(panel, terms)
    got = rf.to_frame().set_index("term")
    assert list(got.index) == list(res.params.index)
    np.testing.assert_allclose(got["coef"], res.params, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(got["se"], res.bse, rtol=1e-6)
    np.testing.assert_allclose(got["p"], res.pvalues, rtol=1e-5, atol=1e-300)
    assert rf.n == int(res.nobs) and rf.n_onsets == int(res.model.endog.sum())
    assert rf.loglik == pytest.approx(res.llf)


def test_nonrobust_errors_are_the_inverse_hessian(panel):
    rf = reduced_form(panel, cov="nonrobust")
    res = direct_fit(panel, ("c_index", "tau", "k"), cov="nonrobust")
    hess = res.model.hessian(res.params.to_numpy())
    se = np.sqrt(np.diag(np.linalg.inv(-hess)))
    np.testing.assert_allclose(rf.to_frame()["se"], se, rtol=1e-6)


def test_predictions_and_verdicts(panel):
    rf = reduced_form(panel)
    c = rf.estimate("c_index")
    assert (c.cha, c.walt) == ("-", ">= 0")
    assert c.cha_verdict == verdict("-", c.coef, c.p, 0.05)
    assert rf.estimate("tau").walt == "+"
    assert verdict("-", 0.5, 0.01, 0.05) == "contradicts"
    assert verdict("+", 0.5, 0.2, 0.05) == "not significant"
    assert verdict(">= 0", -0.5, 0.01, 0.05) == "contradicts"
    with pytest.raises(ParameterError, match="not in this fit"):
        rf.estimate("gdp")


def test_exports(panel):
    rf = reduced_form(panel)
    md, tex = rf.to_markdown(), rf.to_latex()
    assert "| c_index |" in md and f"{rf.n:,} pair-years" in md
    assert "c\\_index" in tex and tex.count("\\\\") == len(rf.estimates) + 1
    frame = rf.to_frame()
    assert (frame["ci_low"] < frame["coef"]).all() and (frame["coef"] < frame["ci_high"]).all()


def test_counts_table_matches_the_panels():
    t = counts_table().to_frame().set_index(["filter", "outcome", "era"])
    for outcome in ("any", "security", "defense"):
        p = quasi_alliance_panel(outcome=outcome)
        assert t.loc[("all", outcome, "all"), "rows"] == len(p)
        assert t.loc[("all", outcome, "all"), "onsets"] == int(p["onset"].sum())
        near = quasi_alliance_panel(outcome=outcome, max_distance_km=950)
        assert t.loc[("<= 950 km", outcome, "all"), "onsets"] == int(near["onset"].sum())
        for era in ("1816-1918", "1919-1945", "1946-1991", "1992-2018"):
            sub = p[p["era"] == era]
            assert t.loc[("all", outcome, era), "rows"] == len(sub)
            assert t.loc[("all", outcome, era), "onsets"] == int(sub["onset"].sum())
    assert t.loc[("region: oceania", "any", "all"), "rows"] == 0  # Australia-NZ: ANZUS


def test_summary_cases_next_to_their_coding():
    s = record_summary()
    cases = s.cases.set_index(["case", "pair"])
    row = cases.loc[("jpn_rok_1969_71", "732-740")]
    assert row["years_in_panel"] == "3 of 3" and row["coded_c"] == pytest.approx(0.3)
    assert row["patrons"] == "United States of America" and row["threat"] == "North Korea"
    assert "allied" in cases.loc[("aus_jpn_2014_15", "740-900"), "not_in_panel"]
    assert "allied" in cases.loc[("gr_isr_cyp_2010_16", "350-352"), "not_in_panel"]
    assert "after the panel" in cases.loc[("jpn_rok_2019", "732-740"), "not_in_panel"]
    md = s.to_markdown()
    assert "## Panel counts" in md and "## Hand-coded cases in the panel" in md
    assert len(s.proxies) == 4


def test_case_years_agree_with_the_panel():
    from qa_games.record import case_years
    cy = case_years()
    p = measured_panel().set_index(["ccode_a", "ccode_b", "year"])
    jk = cy[(cy["case"] == "jpn_rok_1975_79")]
    assert jk["year"].tolist() == [1975, 1976, 1977, 1978, 1979]
    for row in jk.itertuples():
        assert row.status == "in panel"
        assert row.tau == pytest.approx(p.loc[(732, 740, row.year), "tau"])
        assert row.c_index == pytest.approx(p.loc[(732, 740, row.year), "c_index"])
    gc = cy[(cy["case"] == "gr_isr_cyp_2010_16") & (cy["pair"] == "350-352")]
    assert gc["status"].str.startswith("allied").all() and gc["tau"].isna().all()


def test_miniature_reduced_form_runs_on_hand_made_frames():
    m = measured_panel(data=miniature())
    with pytest.raises(ParameterError, match="constant"):
        reduced_form(m, terms=("c_major",), era_dummies=False)


# -- bad input --------------------------------------------------------------------------

def test_all_missing_measure(panel):
    bad = panel.copy()
    bad["tau"] = np.nan
    with pytest.raises(ParameterError, match="'tau' is missing on every row"):
        reduced_form(bad)


@pytest.mark.parametrize("kw, match", [
    ({"terms": ("gdp",)}, "measure 'gdp' is not a column"),
    ({"terms": ()}, "must be distinct measure names"),
    ({"terms": ("tau", "tau")}, "must be distinct measure names"),
    ({"cov": "hc9"}, "cov='hc9'"),
    ({"alpha": 5}, "alpha=5"),
])
def test_bad_reduced_form_options(panel, kw, match):
    with pytest.raises(ParameterError, match=match):
        reduced_form(panel, **kw)


def test_perfect_separation_is_a_solver_error(panel):
    from qa_games.errors import SolverError
    leak = panel.assign(next_year_pledge=panel["onset"].astype(float))
    with pytest.raises(SolverError, match="did not fit cleanly"):
        reduced_form(leak, terms=("next_year_pledge",), era_dummies=False)


def test_panel_and_options_together(panel):
    with pytest.raises(ParameterError, match="not both"):
        reduced_form(panel, years=(1950, 1960))


def test_unknown_option_name():
    with pytest.raises(ParameterError, match="unknown option.*max_dist"):
        reduced_form(max_dist=950)


def test_bad_outcome_through_reduced_form():
    with pytest.raises(ParameterError, match="outcome='treaty'"):
        reduced_form(outcome="treaty")
