"""The verbs a researcher expects: show, new, prove MODEL, compare --vary/--base, sweep of a
sequential model, the summary and --digits/--labels of sweep tables, the Ctrl-C hint,
and a --help that imports no heavy library. Each with good and bad input (bad: one clear
line on stderr, exit 2, nothing written)."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pandas as pd

from qa_games import backward_induction, load_model, select, solve
from qa_games.cli import main

CHA = load_model("cha_quasi_alliance")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def bad(capsys, tmp_path, *argv, match):
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(capsys, *argv)
    assert code == 2, (argv, out, err)
    assert len(err.strip().splitlines()) == 1 and match in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing half-written


# -- --help -----------------------------------------------------------------------------
def test_help_imports_no_heavy_library():
    code = ("import sys; from qa_games.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('sympy', 'pandas', 'numpy', 'matplotlib', 'scipy', "
            "'z3', 'tabulate') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert proc.stdout.strip() == "[]"


def test_literal_choices_equal_the_library():
    from qa_games.cli import compare as cli_compare
    from qa_games.cli import solve as cli_solve
    from qa_games.compare.theories import DEFAULT_GRID
    from qa_games.solvers.solve import METHODS

    assert cli_solve.METHODS == METHODS and cli_compare.DEFAULT_GRID == DEFAULT_GRID


def test_public_api_is_lazy_and_complete():
    import qa_games

    for name in qa_games.__all__:
        assert getattr(qa_games, name) is not None
    import qa_games.sweep  # noqa: F401  (the module path) must not replace the verb

    assert callable(qa_games.sweep) and qa_games.sweep.__module__ == "qa_games.analysis.sweep"


# -- show ----------------------------------------------------------------------------------
def test_show_prints_every_part_of_the_model(capsys):
    code, out, _ = run(capsys, "show", "cha_quasi_alliance", "--set", "c=0")
    assert code == 0
    for p in CHA.parameters:
        assert p.name in out and str(p.domain) in out
    for name in CHA.derived:
        assert name in out
    assert "A: cooperate" in out and "B: distance" in out
    for prop in CHA.propositions:
        assert prop.id in out
    assert "undecided" in out and "friction" in out and "cooperation" in out
    g = CHA.at(c=0)  # the numeric matrix shown at --set equals the game's payoffs
    u = g.payoff((0, 1))
    assert f"{u[0]} ; {u[1]}" in out


def test_show_sequential(capsys):
    code, out, _ = run(capsys, "show", "patron_sequential")
    assert code == 0 and "weak" in out and "strong" in out and "patron-1" in out
    assert "recorded as known to be false" in out


def test_show_bad_input(capsys, tmp_path):
    bad(capsys, tmp_path, "show", "no_such_model", match="unknown model")
    bad(capsys, tmp_path, "show", "cha_quasi_alliance", "--set", "c=7", match="outside its domain")
    bad(capsys, tmp_path, "show", "patron_sequential", "--set", "t=1", match="sequential")


# -- new -------------------------------------------------------------------------------
def test_new_writes_a_template_that_loads_solves_and_verifies(capsys, tmp_path):
    target = tmp_path / "my_theory.toml"
    code, out, _ = run(capsys, "new", target)
    assert code == 0 and target.is_file()
    m = load_model(target)
    assert m.name == "my_theory" and [p.name for p in m.parameters] == ["b", "k"]
    text = target.read_text()
    assert text.count("#") > 20  # commented
    # mutual commitment is an equilibrium iff b >= k, computed by solve
    for b, k in ((2, 1), (1, 2), (1, 1)):
        eqs = {e.pure_profile for e in solve(m.at(b=b, k=k)).equilibria}
        assert ((0, 0) in eqs) == (b >= k)
    from qa_games import verify

    verdicts = verify(m, max_examples=10)
    assert [v.status for v in verdicts] == ["proved", "proved"]


def test_new_refuses_to_overwrite_and_bad_names(capsys, tmp_path):
    target = tmp_path / "mine.toml"
    target.write_text("keep me")
    bad(capsys, tmp_path, "new", target, match="exists")
    assert target.read_text() == "keep me"
    bad(capsys, tmp_path, "new", tmp_path / "9lives.toml", match="not a model name")
    bad(capsys, tmp_path, "new", tmp_path / "no" / "x.toml", match="does not exist")
    bad(capsys, tmp_path, "new", tmp_path / "t.toml", "--title", 'say "hi"', match="quotes")


# -- prove MODEL --------------------------------------------------------------------------
def test_prove_one_model_writes_only_its_proofs(capsys, tmp_path):
    model = tmp_path / "my_theory.toml"
    assert run(capsys, "new", model)[0] == 0
    other = tmp_path / "proofs"
    other.mkdir()
    (other / "keep.md").write_text("not mine")
    code, out, _ = run(capsys, "prove", model)
    assert code == 0
    assert sorted(p.name for p in other.iterdir()) == ["keep.md", "my_theory-1.md",
                                                       "my_theory-2.md"]
    assert "**Proved**" in (other / "my_theory-1.md").read_text() or \
        "proved" in (other / "my_theory-1.md").read_text().lower()
    assert run(capsys, "prove", model, "--check")[0] == 0
    (other / "my_theory-2.md").write_text("stale")
    code, _, err = run(capsys, "prove", model, "--check")
    assert code == 1 and "out of date" in err


def test_prove_bad_input(capsys, tmp_path):
    bad(capsys, tmp_path, "prove", "no_such_model", match="unknown model")
    plain = tmp_path / "plain.toml"
    plain.write_text((Path(load_model("cha_quasi_alliance").path)).read_text().split(
        "\n[[propositions]]")[0])
    before = sorted(p.name for p in tmp_path.iterdir())
    code, _, err = run(capsys, "prove", plain)
    assert code == 2 and "no [[propositions]]" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# -- compare ------------------------------------------------------------------------------
def test_compare_grid_axes_ranges_base_and_names(capsys):
    code, out, _ = run(capsys, "compare", "--scenario", "firm patron: c=0.8,t=1",
                       "--vary", "c=0:1:6", "--vary", "t=0.5:2:4", "--base", "x=0.8",
                       "--json")
    assert code == 0
    data = json.loads(out)
    assert data["scenarios"][0]["scenario"] == "firm patron"
    assert data["grid"]["axes"] == {"c": "0:1:6", "t": "0.5:2:4"}
    assert data["grid"]["base"]["x"] == "4/5"
    assert sum(r["points"] for r in data["regions"]) == 6 * 4
    # the regions equal compare_grid called directly with the same options
    from qa_games.compare.theories import compare_grid

    g = compare_grid(["cha_quasi_alliance", "walt_balance_of_threat"],
                     {"c": "0:1:6", "t": "0.5:2:4"}, base={"x": "0.8"})
    assert [r["points"] for r in data["regions"]] == g.regions["points"].tolist()


def test_compare_bad_input(capsys, tmp_path):
    bad(capsys, tmp_path, "compare", "--vary", "c=0:1:3", match="two axes")
    bad(capsys, tmp_path, "compare", "--vary", "c=0:1:3", "--vary", "c=0:1:4",
        match="given twice")
    bad(capsys, tmp_path, "compare", "--vary", "c=0:1:3", "--vary", "zz=0:1:3",
        match="unknown scenario variable")
    bad(capsys, tmp_path, "compare", "--scenario", ": c=1", match="name before ':' is empty")
    bad(capsys, tmp_path, "compare", "--scenario", "a: c=1", "--scenario", "a: c=0",
        match="given twice")
    bad(capsys, tmp_path, "compare", "--grid", "--base", "c=0.5", match="an axis of the grid")


# -- sweep: sequential, summary, digits, labels --------------------------------------------
def test_sweep_of_a_sequential_model_equals_backward_induction(capsys, tmp_path):
    out = tmp_path / "p.csv"
    code, _, err = run(capsys, "sweep", "patron_sequential", "--vary", "t=0.2:3:5",
                       "--vary", "beta=0:2:3", "--out", out, "--plot", tmp_path / "p.png")
    assert code == 0 and (tmp_path / "p.png").stat().st_size > 1000
    t = pd.read_csv(out)
    assert len(t) == 15
    patron = load_model("patron_sequential")
    for row in t.itertuples():
        sol = backward_induction(patron, {"t": Fraction(str(row.t)),
                                          "beta": Fraction(str(row.beta))})
        want = sol.choices[0] if len(sol.choices) == 1 else "undecided"
        assert row.choice == want and row.n_spe == len(sol.equilibria)
    summary = pd.read_csv(tmp_path / "p.summary.csv")
    shares = summary[summary.quantity.str.startswith("share of the leader")]
    assert abs(shares.value.sum() - 1) < 1e-12


def test_sweep_sequential_bad_input(capsys, tmp_path):
    bad(capsys, tmp_path, "sweep", "patron_sequential", "--vary", "t=0:1:3", "--engine",
        "dask", match="not available for a sequential model")
    bad(capsys, tmp_path, "sweep", "patron_sequential", "--vary", "zz=0:1:3",
        match="unknown parameter")


def test_sweep_tables_round_to_significant_digits_and_csv_keeps_all(capsys, tmp_path):
    args = ["sweep", "cha_quasi_alliance", "--vary", "c=0:1:7", "--vary", "t=1/3,1"]
    assert run(capsys, *args, "--out", tmp_path / "t.csv")[0] == 0
    assert run(capsys, *args, "--out", tmp_path / "t.md")[0] == 0
    assert run(capsys, *args, "--out", tmp_path / "t3.md", "--digits", "3")[0] == 0
    full = pd.read_csv(tmp_path / "t.csv")
    k = full["c"].tolist().index(1 / 6)  # every digit: reads back exactly

    def md_column(path, name):
        lines = path.read_text().splitlines()
        head = [h.strip() for h in lines[0].strip("|").split("|")]
        k = head.index(name)
        return [line.strip("|").split("|")[k].strip() for line in lines[2:]]

    assert md_column(tmp_path / "t.md", "c")[k] == "0.1667"
    assert md_column(tmp_path / "t3.md", "c")[k] == "0.167"
    for x, text in zip(full["u_A"], md_column(tmp_path / "t.md", "u_A"), strict=True):
        if text:
            assert abs(float(text) - x) <= 5e-4 * max(abs(x), 1e-300) + 1e-15
    # a summary next to each table, with the label shares of the full table
    summary = pd.read_csv(tmp_path / "t.summary.csv")
    counts = full["label"].value_counts()
    for lab, n in counts.items():
        row = summary[summary.quantity == f"share of points: {lab}"].iloc[0]
        assert row.value == n / len(full)
    assert (tmp_path / "t.summary.md").is_file()


def test_sweep_long_labels_use_the_descriptions(capsys, tmp_path):
    assert run(capsys, "sweep", "cha_quasi_alliance", "--vary", "c=0:1:3", "--out",
               tmp_path / "t.csv", "--labels", "long")[0] == 0
    cols = pd.read_csv(tmp_path / "t.csv").columns.tolist()
    assert cols[0] == "the patron's commitment as perceived by both (c)"
    assert "Pr(A plays cooperate)" in cols and "predicted outcome" in cols


def test_summary_threshold_is_the_exact_one_and_the_switch_brackets_it():
    from qa_games.analysis.summary import summary_table
    from qa_games.sweep import sweep

    s = sweep(CHA, {"c": "0:1:41"}, fixed={"t": "2"}, progress=False)
    t = summary_table(s)
    c_star = float(CHA.evaluate("c_star", t=2))
    th = t[t.quantity == "threshold: c = c_star"].iloc[0]
    assert th.value == c_star
    sw = t[t.quantity == "label changes along c"].iloc[0]
    assert abs(sw.value - c_star) <= 1 / 80 + 1e-12
    # the label switches there by solve + select, independently
    lo, hi = c_star - 1 / 40, c_star + 1 / 40
    lab = [CHA.label_of(select(solve(CHA.at(c=Fraction(x).limit_denominator(10**6), t=2)),
                               "payoff_dominance").pure_profile) for x in (lo, hi)]
    assert lab == ["cooperation", "friction"]


def test_sweep_bad_digits(capsys, tmp_path):
    bad(capsys, tmp_path, "sweep", "cha_quasi_alliance", "--vary", "c=0:1:3", "--out",
        tmp_path / "t.md", "--digits", "0", match="--digits 0")


def test_resume_hint_names_the_folder(tmp_path):
    from qa_games.cli.sweep import resume_hint

    folder = tmp_path / "t.csv.chunks"
    folder.mkdir()
    (folder / "chunk-000000.npz").write_bytes(b"")
    hint = resume_hint(str(folder))
    assert "--resume" in hint and str(folder) in hint and "1 finished chunks" in hint


def test_ctrl_c_prints_how_to_resume(capsys, tmp_path, monkeypatch):
    import qa_games.analysis.sweep as sweep_module

    def interrupted(*args, **kwargs):
        Path(kwargs["checkpoint"]).mkdir()
        raise KeyboardInterrupt

    monkeypatch.setattr(sweep_module, "sweep", interrupted)
    code, _, err = run(capsys, "sweep", "cha_quasi_alliance", "--vary", "c=0:1:3", "--out",
                       tmp_path / "t.csv")
    assert code == 130 and "--resume" in err and "t.csv.chunks" in err
    assert not (tmp_path / "t.csv").exists()


def test_large_table_shows_a_progress_line(capsys, tmp_path):
    code, _, err = run(capsys, "sweep", "cha_quasi_alliance", "--vary", "c=0:1:250",
                       "--vary", "t=0.1:3:201", "--out", tmp_path / "big.csv",
                       "--no-progress")
    assert code == 0 and "writing 50,250 rows to" in err


# -- Model.to_latex ----------------------------------------------------------------------
def test_model_to_latex_holds_every_payoff():
    import re as _re

    import sympy

    tex = CHA.to_latex({"c": "0.3", "t": 2}, caption="Cha at c = 0.3", label="tab:cha")
    assert "\\toprule" in tex and "\\caption{Cha at c = 0.3}" in tex and "\\label{tab:cha}" in tex
    g = CHA.at(c="0.3", t=2)
    body = tex.split("\\midrule\n")[1].split("\n\\bottomrule")[0].splitlines()
    for i, line in enumerate(body):
        cells = [c.strip().rstrip("\\").strip() for c in line.split(" & ")[1:]]
        for j, cell in enumerate(cells):
            nums = _re.findall(r"\$([^$]*)\$", cell)
            parsed = []
            for n in nums:  # -\frac{a}{b} or integers, independently of the printer's code
                m = _re.fullmatch(r"(- )?\\frac\{(\d+)\}\{(\d+)\}", n)
                parsed.append(Fraction(int(m.group(2)), int(m.group(3))) * (-1 if m.group(1)
                                                                           else 1)
                              if m else Fraction(n.replace(" ", "")))
            assert tuple(parsed) == g.payoff((i, j))
    symbolic = CHA.to_latex()
    assert sympy.latex(CHA.game.payoffs[0][0, 1]) in symbolic
