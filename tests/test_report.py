"""The report: files, figures and tables exist and show what the issue asks for."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pandas as pd
import pytest

from qa_games.cli import main

DISCRIMINATING = ("firm patron, enough threat", "loose patron, little threat")


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("report")
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["report", "--out", str(folder), "--quick", "--seed", "3"]) == 0
    return folder, buf.getvalue()


def test_the_command_prints_where_the_report_is(out):
    folder, printed = out
    assert str((folder / "index.md").resolve()) in printed
    assert str((folder / "index.html").resolve()) in printed


def test_index_and_html_exist_with_their_figures(out):
    folder, _ = out
    md = (folder / "index.md").read_text()
    html = (folder / "index.html").read_text()
    for fig in ("regions_cha_quasi_alliance", "regions_walt_balance_of_threat",
                "disagreement", "disagreement_japan_korea", "patron_choice"):
        path = folder / "figures" / f"{fig}.png"
        assert path.is_file() and path.read_bytes()[:4] == b"\x89PNG"
        assert f"figures/{fig}.png" in md and f'src="figures/{fig}.png"' in html
    assert html.startswith("<!DOCTYPE html>") and html.count("<table>") >= 10
    for section in ("The models in brief", "Equilibrium regions", "Comparative statics",
                    "Propositions and verdicts", "Where the theories disagree",
                    "The patron's choice", "Historical cases", "The theories against the record",
                    "Reproducibility"):
        assert section in md


def test_tables_come_in_three_formats(out):
    folder, _ = out
    for name in ("disagreement_regions", "cases", "case_scores", "case_sensitivity",
                 "patron_spe", "statics_cha_quasi_alliance_c", "versions", "model_hashes"):
        for ext in ("csv", "md", "tex"):
            assert (folder / "tables" / f"{name}.{ext}").is_file(), f"{name}.{ext}"
    assert "\\toprule" in (folder / "tables" / "cases.tex").read_text()


def test_both_discriminating_regions_are_in_the_tables(out):
    folder, _ = out
    regions = pd.read_csv(folder / "tables" / "disagreement_regions.csv")
    dis = regions[~regions["agree"]]
    assert len(dis) == 2 and (dis["points"] > 0).all()
    assert all(any(d in r for r in dis["reading"]) for d in DISCRIMINATING)
    md = (folder / "index.md").read_text()
    assert all(d in md for d in DISCRIMINATING)
    assert "c*(t) = 1 - (y + k/t)/((1 - phi) * x)`: yes" in md
    assert "c_W(t) = ((k_W - a)/t + theta - mu_2)/(1 - mu_2)`: yes" in md


def test_case_table_shows_each_retrodiction_next_to_the_observed_outcome(out):
    folder, _ = out
    cases = pd.read_csv(folder / "tables" / "cases.csv")
    assert len(cases) == 9
    assert {"observed", "cha", "cha_hit", "walt", "walt_hit"} <= set(cases.columns)
    nixon = cases[cases["case"].str.contains("Nixon")].iloc[0]
    assert (nixon["observed"], nixon["cha"], nixon["walt"]) == ("cooperation", "cooperation",
                                                                "alliance")
    sens = pd.read_csv(folder / "tables" / "case_sensitivity.csv")
    assert len(sens) == 9


def test_reproducibility_records_versions_hashes_and_seed(out):
    folder, _ = out
    md = (folder / "index.md").read_text()
    from qa_games.modelfiles.loader import load_model

    for name in ("cha_quasi_alliance", "walt_balance_of_threat", "patron_sequential"):
        assert load_model(name).sha256 in md
    assert "numpy" in md and "sympy" in md and "`3`" in md
