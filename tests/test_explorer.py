"""The interactive explorer: a self-contained page whose script, run in a real headless
browser (Debian's chromium), shows the equilibria and label that qa_games.solve gives.

The browser tests skip, saying why, where /usr/bin/chromium is missing
(``apt-get install chromium``)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

import pytest

from qa_games import load_model, select, solve
from qa_games.cli import main
from qa_games.errors import ParameterError, UnsupportedGameError
from qa_games.report.explorer import explorer_data, explorer_page, write_explorer

CHROMIUM = Path("/usr/bin/chromium")
needs_browser = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no browser: /usr/bin/chromium is missing (the explorer's "
                                  "page tests need Debian's chromium: apt-get install chromium)")


def dump_dom(page: Path, fragment: str = "") -> str:
    """The page's DOM after its script ran, in headless chromium."""
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
             "--dump-dom", page.resolve().as_uri() + fragment],
            capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'data-ready="yes"' in proc.stdout, "the page's script did not finish"
    return proc.stdout


def shown(dom: str) -> tuple[str, list[list[float]]]:
    """The label and the equilibria rows (probabilities then payoffs) the page shows."""
    label = re.search(r'id="label"[^>]*>([^<]*)<', dom).group(1)
    table = re.search(r'<table id="equilibria">(.*?)</table>', dom, re.S).group(1)
    rows = []
    for row in re.findall(r'<tr class="eq">(.*?)</tr>', table, re.S):
        cells = re.findall(r"<td>([^<]*)</td>", row)
        rows.append([float(c) for c in cells[1:-1] if c != ""])
    return label, rows


def python_label(model, values, rule=None):
    chosen = select(solve(model.at(values)), rule or model.selection)
    return "undecided" if chosen is None else model.label_of(chosen.pure_profile)


# -- the page as text ----------------------------------------------------------------
@pytest.mark.parametrize("name", ["cha_quasi_alliance", "walt_balance_of_threat",
                                  "cha_per_client"])
def test_page_is_self_contained(name):
    page = explorer_page(load_model(name))
    assert "<script src" not in page and "http://" not in page and "https://" not in page
    assert "@import" not in page and "url(" not in page and "<link" not in page
    data = json.loads(re.search(r'<script type="application/json" id="model-data">(.*?)'
                                r"</script>", page, re.S).group(1))
    assert data["name"] == name and len(data["parameters"]) >= 2


def test_model_text_cannot_break_out_of_the_page(tmp_path):
    src = Path(load_model("cha_quasi_alliance").path).read_text()
    evil = src.replace('title = "Cha', 'title = "</script><script>alert(1)</script> Cha', 1)
    path = tmp_path / "evil.toml"
    path.write_text(evil)
    page = explorer_page(load_model(path))
    assert "<script>alert(1)" not in page


def test_only_parameters_of_the_payoffs_get_sliders():
    walt = load_model("walt_balance_of_threat")
    data = explorer_data(walt)
    names = [p["name"] for p in data["parameters"]]
    assert "tau" in names and "power" not in names and "power" in data["unused"]


def test_bad_input():
    with pytest.raises(UnsupportedGameError, match="normal-form"):
        explorer_data(load_model("patron_sequential"))
    with pytest.raises(ParameterError, match="not a parameter of the payoffs"):
        explorer_data(load_model("cha_quasi_alliance"), axes=("c", "power"))
    with pytest.raises(ParameterError, match="resolution"):
        explorer_data(load_model("cha_quasi_alliance"), resolution=5)


def test_cli_good_and_bad(capsys, tmp_path):
    out = tmp_path / "cha.html"
    assert main(["explore", "cha_quasi_alliance", "--out", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    capsys.readouterr()
    for argv, match in ((["explore", "cha_quasi_alliance", "--out", str(tmp_path / "x.png")],
                         "an .html page"),
                        (["explore", "patron_sequential", "--out", str(tmp_path / "p.html")],
                         "normal-form"),
                        (["explore", "cha_quasi_alliance", "--out", str(tmp_path / "q.html"),
                          "--axes", "c"], "two names"),
                        (["explore", "cha_quasi_alliance", "--out",
                          str(tmp_path / "no" / "q.html")], "does not exist")):
        before = sorted(p.name for p in tmp_path.iterdir())
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert match in err and len(err.strip().splitlines()) == 1
        assert sorted(p.name for p in tmp_path.iterdir()) == before


# -- the page in a browser ---------------------------------------------------------------
@needs_browser
def test_moving_a_slider_changes_the_equilibria_shown(tmp_path):
    cha = load_model("cha_quasi_alliance")
    page = write_explorer(cha, tmp_path / "cha.html")
    for c in ("0", "1", "0.3"):
        label, rows = shown(dump_dom(page, f"#c={c}&t=2"))
        sol = solve(cha.at(c=c, t=2))
        assert len(rows) == len(sol.equilibria)
        ours = sorted(tuple(round(float(p), 3) for s in e.exact for p in s) for e in sol.equilibria)
        theirs = sorted(tuple(round(x, 3) for x in r[:4]) for r in rows)
        assert ours == theirs
        assert label == python_label(cha, {"c": c, "t": 2})
    assert shown(dump_dom(page, "#c=0"))[1] != shown(dump_dom(page, "#c=1"))[1]


def _grid_rows(page: Path, fragment: str) -> list[dict]:
    dom = dump_dom(page, fragment)
    text = re.search(r'<pre id="grid-output"[^>]*>(.*?)</pre>', dom, re.S).group(1)
    return json.loads(text.replace("&quot;", '"'))


@needs_browser
@pytest.mark.parametrize(("name", "fragment"), [
    ("cha_quasi_alliance", "#phi=0.1&grid=c:0:1:21,t:0.2:3:8"),
    ("cha_quasi_alliance", "#x_A=0.8&y_B=0.05&grid=c:0:1:11,t:0.5:2:4"),
    ("walt_balance_of_threat", "#grid=c:0:1:21,tau:0.1:5:8"),
    ("cha_per_client", "#grid=c_A:0:1:11,c_B:0:1:11"),
])
def test_the_page_solves_as_qa_games_does_on_a_grid(tmp_path, name, fragment):
    model = load_model(name)
    page = write_explorer(model, tmp_path / f"{name}.html")
    given = dict(kv.split("=") for kv in fragment[1:].split("&") if not kv.startswith("grid"))
    rows = _grid_rows(page, fragment)
    assert len(rows) >= 16
    compared = 0
    for row in rows:
        values = {**given, **{k: Fraction(repr(v)) for k, v in row["point"].items()}}
        sol = solve(model.at(values))
        if sol.degenerate:  # the page flags these and may show fewer (extreme) equilibria
            assert row["degenerate"] or row["n"] <= len(sol.equilibria)
            continue
        compared += 1
        assert row["n"] == len(sol.equilibria), (values, row)
        ours = sorted(tuple(float(p) for s in e.exact for p in s) for e in sol.equilibria)
        theirs = sorted(tuple(p for s in eq for p in s) for eq in row["equilibria"])
        for a, b in zip(ours, theirs, strict=True):
            assert max(abs(x - y) for x, y in zip(a, b, strict=True)) < 1e-7, (values, a, b)
        assert row["label"] == python_label(model, values), values
    assert compared >= len(rows) // 2


@needs_browser
def test_an_undecided_point_is_shown_as_undecided(tmp_path):
    from qa_games.cli.new import template

    text = template("tie").replace('selection = "payoff_dominance"', 'selection = "all"')
    path = tmp_path / "tie.toml"
    path.write_text(text)
    model = load_model(path)
    page = write_explorer(model, tmp_path / "tie.html")
    label, rows = shown(dump_dom(page, "#b=2&k=1"))
    assert python_label(model, {"b": 2, "k": 1}) == "undecided"
    assert label == "undecided" and len(rows) == 3
    label, rows = shown(dump_dom(page, "#b=0.5&k=1"))
    assert label == python_label(model, {"b": "0.5", "k": 1}) == "no_alignment"


def test_chromium_flag_is_documented():
    """The skip reason names the package, so a CI set-up knows what to install."""
    assert "apt-get install chromium" in needs_browser.kwargs["reason"]
    assert shutil.which("python3") is not None
