"""proofs/: generated, deterministic, and checked against the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa_games.cli import main
from qa_games.errors import ParameterError
from qa_games.modelfiles.loader import load_model
from qa_games.verify.proofs import proofs_dir, render_proof, stale_proofs, write_proofs


def test_checked_in_proofs_are_up_to_date():
    # In a fresh process, as `qa-games prove` writes them: inside a long pytest run, the
    # caches that earlier tests warmed (sympy's) can change which witness z3 returns for a
    # refuted statement, and so a counterexample line, though every verdict is the same.
    import qa_games

    src = str(Path(qa_games.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONHASHSEED": "4242",  # nor do they depend on hash order
           "PYTHONPATH": os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", ""))
                                         if p)}
    out = subprocess.run([sys.executable, "-m", "qa_games.cli", "prove", "--check"], env=env,
                         capture_output=True, text=True, timeout=1200)
    assert out.returncode == 0, ("proofs/ is out of date: run `qa-games prove`\n"
                                 + out.stdout + out.stderr)


def test_a_proof_has_every_part():
    text = (proofs_dir() / "cha-3.md").read_text(encoding="utf-8")
    for part in ("**Claim.**", "**Source.**", "## Formal statement", "## Derivation",
                 "**Solver's verdict:** proved", "## Verdict", "holds exactly under these "
                 "conditions", "e_A > 0 and e_B > 0"):
        assert part in text
    refuted = (proofs_dir() / "cha-3-unconditional.md").read_text(encoding="utf-8")
    assert "**Refuted**" in refuted and "Confirmed by solving the game there" in refuted


def test_rendering_is_deterministic():
    m = load_model("cha_quasi_alliance")
    assert render_proof(m, "cha-5") == render_proof(m, "cha-5")
    with pytest.raises(ParameterError, match="cha-99"):
        render_proof(m, "cha-99")


def test_write_then_check_and_detect_staleness(tmp_path):
    models = [load_model("walt_balance_of_threat")]
    written = write_proofs(models, tmp_path)
    assert {p.name for p in written} == {f"walt-{k}.md" for k in range(1, 7)} | {"README.md"}
    assert stale_proofs(models, tmp_path) == []
    (tmp_path / "walt-2.md").write_text("edited by hand\n", encoding="utf-8")
    (tmp_path / "gone-1.md").write_text("old\n", encoding="utf-8")
    problems = stale_proofs(models, tmp_path)
    assert any("walt-2.md: out of date" in p for p in problems)
    assert any("gone-1.md: no such proposition" in p for p in problems)
    assert main(["prove", "--check", "--out", str(tmp_path)]) == 1
