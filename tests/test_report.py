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
    assert {"observed", "scored on", "cha: label", "cha: outcome", "cha: hit", "walt: label",
            "walt: hit"} <= set(cases.columns)
    nixon = cases[cases["case"].str.contains("Nixon")].iloc[0]
    assert (nixon["observed"], nixon["cha: label"], nixon["walt: label"]) == (
        "cooperation", "cooperation", "alliance")
    # a hit: the model's common outcome equals the outcome the case is scored on
    for row in cases.itertuples():
        scored = row._5
        for thy in ("cha", "walt"):
            hit = cases.loc[row.Index, f"{thy}: hit"]
            if scored.startswith("mixed"):
                assert hit == "-"
            else:
                assert (hit == "yes") == (cases.loc[row.Index, f"{thy}: outcome"] == scored)
    sens = pd.read_csv(folder / "tables" / "case_sensitivity.csv")
    assert len(sens) == 9


def test_reproducibility_records_versions_hashes_and_seed(out):
    folder, _ = out
    md = (folder / "index.md").read_text()
    from qa_games.modelfiles.loader import load_model

    for name in ("cha_quasi_alliance", "walt_balance_of_threat", "patron_sequential"):
        assert load_model(name).sha256 in md
    assert "numpy" in md and "sympy" in md and "`3`" in md


def test_report_reads_like_an_appendix(out):
    folder, _ = out
    md = (folder / "index.md").read_text()
    assert "Piecewise" not in md and "Heaviside" not in md and "unsat" not in md
    assert "mapping the region to u >= 0" not in md
    # every parameter and derived quantity is defined in section 1, before any table
    first_table = md.index("## 2.")
    from qa_games import load_model

    for name in ("cha_quasi_alliance", "walt_balance_of_threat"):
        m = load_model(name)
        for p in m.parameters:
            assert f"| {p.name} " in md[:first_table], p.name
        for d in m.derived:
            assert f"| {d} " in md[:first_table], d
    scores = pd.read_csv(folder / "tables" / "case_scores.csv")
    base = scores[scores["predictor"] == "always alignment (baseline)"].iloc[0]
    cases = pd.read_csv(folder / "tables" / "cases.csv")
    scored = cases[~cases["scored on"].str.startswith("mixed")]
    assert base["scored cases"] == len(scored)
    assert base["hits"] == (scored["scored on"] == "alignment").sum()
    assert "always predicting alignment" in md


def test_report_links_an_explorer_per_model(out):
    folder, _ = out
    md = (folder / "index.md").read_text()
    for name in ("cha_quasi_alliance", "walt_balance_of_threat"):
        page = folder / "explorer" / f"{name}.html"
        assert page.is_file() and f"(explorer/{name}.html)" in md
        assert "<script src" not in page.read_text()


def test_report_for_other_models_and_cases(tmp_path, capsys):
    model = tmp_path / "my_theory.toml"
    assert main(["new", str(model)]) == 0
    cases = tmp_path / "few.toml"
    from qa_games.modelfiles.files import models_dir

    cases.write_text((models_dir() / "cases.toml").read_text())
    out = tmp_path / "rep"
    assert main(["report", "--quick", "--models", "cha_quasi_alliance",
                 "walt_balance_of_threat", "--cases", str(cases), "--out", str(out)]) == 0
    assert str(cases) in (out / "index.md").read_text()
    out2 = tmp_path / "rep2"
    assert main(["report", "--quick", "--models", "cha_quasi_alliance", str(model),
                 "--out", str(out2)]) == 0
    md = (out2 / "index.md").read_text()
    assert "my_theory" in md and "Not compared" in md
    capsys.readouterr()
    for argv, match in ((["--models", "no_such"], "unknown model"),
                        (["--cases", str(tmp_path / "none.toml")], "no such file"),
                        (["--models", "patron_sequential"], "at least one normal-form")):
        target = tmp_path / "never"
        assert main(["report", "--quick", "--out", str(target), *argv]) == 2
        err = capsys.readouterr().err
        assert match in err and len(err.strip().splitlines()) == 1
        assert not target.exists()


def test_the_report_in_one_process_equals_the_parallel_one(out, tmp_path_factory):
    """jobs=1 (every section in this process) writes the same files and text as the
    default run over forked processes (the fixture), apart from the times."""
    import re

    folder, _ = out
    serial = tmp_path_factory.mktemp("report")  # as deep as the fixture's: the same links
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["report", "--out", str(serial), "--quick", "--seed", "3",
                     "--jobs", "1"]) == 0
    files = sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(serial) for p in serial.rglob("*") if p.is_file())
    timed = {"timings.csv", "timings.md", "timings.tex", "index.md", "index.html"}
    for rel in files:
        if rel.name not in timed:
            assert (folder / rel).read_bytes() == (serial / rel).read_bytes(), rel

    def untimed(text: str) -> str:
        return re.sub(r"Generated .*? UTC|Written in [0-9.]+ s|\| *[0-9.]+ \|", "", text)

    assert untimed((folder / "index.md").read_text()) == \
        untimed((serial / "index.md").read_text())


def test_jobs_must_be_positive(tmp_path):
    with contextlib.redirect_stderr(io.StringIO()) as err:
        assert main(["report", "--out", str(tmp_path / "r"), "--jobs", "0"]) == 2
    assert "--jobs 0" in err.getvalue() and not (tmp_path / "r").exists()
