"""Table export: CSV, Markdown and LaTeX parse back to the same numbers; writes are atomic."""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pandas as pd
import pytest

from qa_games.analysis.export import (
    OutputError,
    atomic_write,
    format_table,
    latex_escape,
    table_format,
    write_table,
)
from qa_games.analysis.sweep import sweep
from qa_games.errors import ParameterError


@pytest.fixture(scope="module")
def table():
    s = sweep("cha_quasi_alliance", {"c": "0:1:7", "t": [0.3, 1 / 3, 2]},
              selection="all")  # "all" leaves NaN probabilities where several equilibria
    assert s.table["p_A_cooperate"].isna().any()
    return s.table


def _value(text: str, like: pd.Series):
    text = text.strip()
    if like.dtype.kind == "b":
        return {"True": True, "False": False}[text]
    if like.dtype.kind in "iu":
        return int(text)
    if like.dtype.kind == "f":
        return math.nan if text == "" else float(text)
    return text


def _same(parsed: list[list[str]], df: pd.DataFrame) -> None:
    assert len(parsed) == len(df)
    for r, cells in enumerate(parsed):
        assert len(cells) == len(df.columns)
        for c, text in enumerate(cells):
            col = df.iloc[:, c]
            want, got = col.iloc[r], _value(text, col)
            if isinstance(want, float) and math.isnan(want):
                assert math.isnan(got)
            else:
                assert got == want, (r, df.columns[c], text)  # exact: repr round-trips


def test_csv_reads_back_identical(tmp_path, table):
    path = write_table(table, tmp_path / "t.csv")
    back = pd.read_csv(path)
    assert list(back.columns) == list(table.columns)
    for name in table.columns:
        if table[name].dtype.kind == "f":
            np.testing.assert_array_equal(back[name].to_numpy(), table[name].to_numpy())
        else:
            assert back[name].tolist() == table[name].tolist()


def test_markdown_reads_back_the_same_numbers(tmp_path, table):
    path = write_table(table, tmp_path / "t.md", significant=None)  # every digit
    lines = path.read_text().splitlines()
    header = [h.strip() for h in lines[0].strip("|").split("|")]
    assert header == list(table.columns)
    assert re.fullmatch(r"\|(:?-+:?\|)+", lines[1])
    _same([[c for c in line.strip()[1:-1].split(" | ")] for line in lines[2:]], table)


def test_latex_is_booktabs_and_reads_back_the_same_numbers(tmp_path, table):
    path = write_table(table, tmp_path / "t.tex", caption="Cha: 50% of c_star", label="tab:cha",
                       significant=None)  # every digit
    text = path.read_text()
    assert "\\toprule" in text and "\\midrule" in text and "\\bottomrule" in text
    assert "|" not in text and "\\caption{Cha: 50\\% of c\\_star}" in text
    body = text.split("\\midrule\n")[1].split("\n\\bottomrule")[0]
    header = text.split("\\toprule\n")[1].split(" \\\\")[0]
    assert [h.replace("\\_", "_") for h in header.split(" & ")] == list(table.columns)
    rows = [[cell.replace("\\_", "_") for cell in line[:-3].split(" & ")]
            for line in body.splitlines()]
    _same(rows, table)


def test_sweep_methods_write_each_format(tmp_path, table):
    s = sweep("cha_quasi_alliance", {"c": [0.2, 0.9]})
    s.to_csv(tmp_path / "a.csv")
    assert s.to_markdown(tmp_path / "a.md").startswith("|")
    assert "\\begin{tabular}" in s.to_latex(tmp_path / "a.tex")
    s.write(tmp_path / "b.markdown")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "a.md", "a.tex", "b.markdown"]
    assert pd.read_csv(io.StringIO(format_table(s.table, "csv"))).shape == s.table.shape


def test_formats_and_escaping():
    assert [table_format(p) for p in ("a.CSV", "b.md", "c.tex")] == ["csv", "markdown", "latex"]
    with pytest.raises(ParameterError, match="unknown table format '.xlsx'"):
        table_format("t.xlsx")
    with pytest.raises(ParameterError, match="format='html'"):
        format_table(pd.DataFrame({"a": [1]}), "html")
    assert latex_escape("a_b & {c} ~ ^ # $ \\") == (
        "a\\_b \\& \\{c\\} \\textasciitilde{} \\textasciicircum{} \\# \\$ \\textbackslash{}")
    md = format_table(pd.DataFrame({"x|y": ["a|b"]}), "markdown")
    assert "x\\|y" in md and "a\\|b" in md


def test_unwritable_paths_are_clear_errors_and_leave_nothing(tmp_path):
    df = pd.DataFrame({"a": [1.5]})
    with pytest.raises(OutputError, match="does not exist"):
        write_table(df, tmp_path / "missing" / "t.csv")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(OutputError, match="is a folder"):
        write_table(df, tmp_path / "dir.csv")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="does not exist"):
        write_table(df, blocker / "t.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.csv", "file"]


def test_a_failing_write_keeps_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("old\n")

    def boom(tmp):
        tmp.write_text("half a ta")
        raise RuntimeError("killed mid-write")

    with pytest.raises(RuntimeError):
        atomic_write(target, boom)
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["t.csv"]
    write_table(pd.DataFrame({"a": [1]}), target)
    assert target.read_text() == "a\n1\n" and (target.stat().st_mode & 0o044)


def test_digits_round_floats_only():
    df = pd.DataFrame({"u": [0.7000000000000001, np.nan], "n": [3, 1], "label": ["a", "b"]})
    assert format_table(df, "csv", digits=2) == "u,n,label\n0.7,3,a\n,1,b\n"
    assert "0.7 " in format_table(df, "latex", digits=2)
    with pytest.raises(ParameterError, match="digits=-1"):
        format_table(df, "csv", digits=-1)
