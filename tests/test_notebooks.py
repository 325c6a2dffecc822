"""The tutorial notebooks in docs/ run from top to bottom (nbclient), so they cannot rot.

Each notebook is executed in a fresh kernel of this interpreter, in docs/; a cell that
raises fails the test, and so does anything a cell writes to stderr (a warning).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import qa_games

nbformat = pytest.importorskip("nbformat", reason="the test extra (nbformat) is not installed")
nbclient = pytest.importorskip("nbclient", reason="the test extra (nbclient) is not installed")

DOCS = Path(__file__).resolve().parents[1] / "docs"
NOTEBOOKS = sorted(DOCS.glob("*.ipynb"))


def test_there_are_tutorial_notebooks():
    assert {p.name for p in NOTEBOOKS} >= {"tutorial-cha.ipynb", "tutorial-compare.ipynb"}


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(DOCS)}})
    # The kernel imports the qa_games this test imports (its cwd is docs/, so a relative
    # PYTHONPATH would not reach it).
    src = str(Path(qa_games.__file__).resolve().parents[1])
    path_env = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
    client.execute(env={**os.environ, "PYTHONPATH": path_env})
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)
    for cell in code:
        for out in cell.outputs:
            assert not (out.output_type == "stream" and out.name == "stderr"), (
                f"{path.name}: a cell wrote to stderr:\n{cell.source}\n---\n{out.text}")
    # Every record shown as a cell's result has a rich (HTML) display.
    html = [out for c in code for out in c.outputs if out.output_type == "execute_result"
            and "text/html" in out.get("data", {})]
    assert html, f"{path.name}: no cell shows an HTML table"
    if "plot(" in "".join(c.source for c in code):  # returned figures are shown as images
        assert any("image/png" in out.get("data", {}) for c in code for out in c.outputs)
