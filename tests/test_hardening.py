"""Regression tests of issue 13: every hostile or careless input gets one clear line in
bounded time and memory, and no sweep returns wrong rows.

Each reproducer of the issue is one test, grouped by the issue's classes. CLI reproducers
run in a forked child capped at 500 MB more than its starting size and 5 CPU seconds
(:mod:`capped`); they assert exit 2, exactly one stderr line naming the key or value, no
traceback, and nothing half-written. Library reproducers assert the error class and the
key in its message, or the right answer (cross-checked against an independent route).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import qa_games.cli.compare  # noqa: F401  (preloaded: the capped child should not import)
import qa_games.cli.prove  # noqa: F401
import qa_games.cli.report  # noqa: F401
import qa_games.cli.solve  # noqa: F401
import qa_games.cli.sweep  # noqa: F401
from capped import run_capped, run_cli
from qa_games.errors import GameError, ModelError, QAGamesError
from qa_games.games.expressions import parse_expression
from qa_games.games.nfg import read_nfg
from qa_games.modelfiles.loader import load_model

# -- helpers -------------------------------------------------------------------------


def model_file(tmp_path: Path, *, payoffs: dict | None = None, derived: str = "",
               params: str = "", extra: str = "", meta: str = "", name: str = "m.toml",
               strategies: str = '[["C", "D"], ["C", "D"]]') -> Path:
    """A small valid 2x2 model file over c in [0, 1] and t in [0, 2], with overrides."""
    pay = payoffs or {"C,C": ["2 - c", "2 - c"], "C,D": ["0", "t"],
                      "D,C": ["t", "0"], "D,D": ["1", "1"]}
    rows = "\n".join(f'"{k}" = [{", ".join(json.dumps(x) for x in v)}]' for k, v in pay.items())
    text = f"""
[model]
name = "m"
players = ["A", "B"]
strategies = {strategies}
{meta}

[parameters]
c = {{ domain = "[0, 1]", default = 0.5 }}
t = {{ domain = "[0, 2]", default = 1 }}
{params}

[derived]
{derived}

[payoffs]
{rows}

[profiles]
cc = ["C", "C"]

{extra}
"""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_one_line(out, *needles: str, code: int = 2) -> str:
    """Exit ``code``, one stderr line, no traceback, each needle in the line."""
    assert not out.timed_out and out.signal is None, out.describe()
    assert out.code == code, out.describe()
    assert "Traceback" not in out.stderr, out.describe()
    assert len(out.lines) == 1, out.describe()
    line = out.lines[0]
    for needle in needles:
        assert needle in line, (needle, out.describe())
    return line


def lib_error(fn, exc=QAGamesError, *needles: str, **kw):
    """Run ``fn`` capped; it must raise ``exc`` (printed as one line) naming each needle."""
    def child():
        try:
            fn()
        except exc as e:
            print(f"{type(e).__name__}: {e}", file=__import__("sys").stderr)
            return 2
        return 0
    out = run_capped(child, **kw)
    return assert_one_line(out, *needles)


def sweep_table(path, **kw):
    from qa_games.analysis.sweep import sweep

    return sweep(path, {"c": "0:1:21", "t": "0:2:5"}, chunk_size=10, progress=False, **kw).table


# -- wrong results, exit 0 ---------------------------------------------------------------


class TestWrongResults:
    def test_hidden_division_by_zero_is_an_error_naming_the_key(self, tmp_path):
        f = model_file(tmp_path, payoffs={"C,C": ["1/(log(4) - 2*log(2))", "1"],
                                          "C,D": ["0", "0"], "D,C": ["0", "0"],
                                          "D,D": ["1", "1"]})
        lib_error(lambda: load_model(f), ModelError, 'payoffs."C,C"[0]', "undefined")

    def test_hidden_division_by_zero_in_a_derived_quantity(self, tmp_path):
        f = model_file(tmp_path, derived='z = "c / (log(4) - 2*log(2))"')
        lib_error(lambda: load_model(f), ModelError, "derived.z", "undefined")

    @pytest.mark.parametrize("text", ["\uff43 * 2", "\U0001d450 * 2"])
    def test_non_ascii_letters_are_refused(self, text):
        import sympy

        c = sympy.Symbol("c", real=True)
        lib_error(lambda: parse_expression(text, {"c": c}, where="k"), ModelError, "k:",
                  "ASCII")

    def test_non_ascii_derived_name_is_refused(self, tmp_path):
        f = model_file(tmp_path, derived='"\uff43" = "t + 1"')
        lib_error(lambda: load_model(f), ModelError, "derived", "ASCII")

    def test_comment_in_an_expression_is_refused(self):
        import sympy

        c = sympy.Symbol("c", real=True)
        lib_error(lambda: parse_expression("c # * 1000", {"c": c}, where="k"), ModelError,
                  "'#'")

    def test_second_sweep_on_the_same_out_is_refused(self, tmp_path):
        from qa_games.analysis.checkpoint import LOCK

        cp = tmp_path / "t.csv.chunks"
        cp.mkdir()
        (cp / LOCK).write_text(json.dumps({"pid": os.getppid(), "host": os.uname().nodename}))
        out = run_cli(["sweep", "cha_quasi_alliance", "--vary", "c=0:1:5", "--out",
                       str(tmp_path / "t.csv"), "--no-progress"])
        assert_one_line(out, "another sweep", str(os.getppid()))
        assert not (tmp_path / "t.csv").exists()
        assert (cp / LOCK).exists()  # the other sweep's lock is left alone

    def test_stale_lock_of_a_dead_process_is_taken_over(self, tmp_path):
        from qa_games.analysis.checkpoint import LOCK

        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)  # pid is now dead
        cp = tmp_path / "t.csv.chunks"
        cp.mkdir()
        (cp / LOCK).write_text(json.dumps({"pid": pid, "host": os.uname().nodename}))
        out = run_cli(["sweep", "cha_quasi_alliance", "--vary", "c=0:1:5", "--out",
                       str(tmp_path / "t.csv"), "--no-progress"], cpu_s=20)
        assert out.code == 0, out.describe()
        assert "stale lock" in out.stderr
        assert len(pd.read_csv(tmp_path / "t.csv")) == 5
        assert not cp.exists()

    @pytest.mark.parametrize("tamper", ["other_npz", "swap", "labels", "drop_column",
                                        "truncate", "zero", "bitflip", "delete_manifest_row"])
    def test_tampered_chunks_are_recomputed(self, tmp_path, tamper):
        from qa_games.analysis.checkpoint import MANIFEST
        from qa_games.analysis.sweep import sweep

        f = model_file(tmp_path)
        reference = sweep_table(f)
        cp = tmp_path / "cp"
        sweep_table(f, checkpoint=cp, keep_checkpoint=True)
        chunks = sorted(cp.glob("chunk-*.npz"))
        assert len(chunks) == 11
        a, b = chunks[1], chunks[2]
        if tamper == "other_npz":
            np.savez(a, __columns__=np.array(["c"]), c0=np.zeros(10))
        elif tamper == "swap":
            da, db = a.read_bytes(), b.read_bytes()
            a.write_bytes(db)
            b.write_bytes(da)
        elif tamper in ("labels", "drop_column"):
            with np.load(a, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
            if tamper == "labels":
                names = list(arrays["__columns__"])
                k = names.index("label")
                arrays[f"c{k}"] = np.array(["cooperation"] * len(arrays[f"c{k}"]))
            else:
                arrays["__columns__"] = arrays["__columns__"][:-1]
            np.savez(a, **arrays)
        elif tamper == "truncate":
            a.write_bytes(a.read_bytes()[:100])
        elif tamper == "zero":
            a.write_bytes(b"")
        elif tamper == "bitflip":
            data = bytearray(a.read_bytes())
            data[len(data) // 2] ^= 0x10
            a.write_bytes(bytes(data))
        else:
            m = json.loads((cp / MANIFEST).read_text())
            m["chunk_files"].pop(a.name)
            (cp / MANIFEST).write_text(json.dumps(m))
        notes: list[str] = []
        resumed = sweep(f, {"c": "0:1:21", "t": "0:2:5"}, chunk_size=10, progress=False,
                        checkpoint=cp, resume=True, note=notes.append)
        pd.testing.assert_frame_equal(resumed.table, reference)
        if tamper != "delete_manifest_row":
            assert any("recomputed" in n for n in notes), notes

    @staticmethod
    def _rewrite(cp, chunk, edit, *, seal_with=None, entry_edit=None):
        """Edit ``chunk``'s arrays with ``edit`` and fix its manifest checksum -- and its
        seal too, when given the sweep's key (a forger who recomputed the specification)."""
        import hashlib
        import io

        from qa_games.analysis import checkpoint as ck

        with np.load(chunk, allow_pickle=False) as z:
            arrays = {k: z[k].copy() for k in z.files}
        edit(arrays)
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        chunk.write_bytes(buf.getvalue())
        m = json.loads((cp / ck.MANIFEST).read_text())
        entry = m["chunk_files"][chunk.name]
        entry["sha256"] = hashlib.sha256(buf.getvalue()).hexdigest()
        if entry_edit is not None:
            entry_edit(entry)
        if seal_with is not None:
            entry["seal"] = ck._seal(seal_with, chunk.name, entry)
        (cp / ck.MANIFEST).write_text(json.dumps(m))

    @staticmethod
    def _label_edit(rows):
        def edit(arrays):
            k = list(arrays["__columns__"]).index("label")
            col = arrays[f"c{k}"].astype("<U40")
            for r in rows:
                col[r] = "friction" if col[r] != "friction" else "cooperation"
            arrays[f"c{k}"] = col
        return edit

    @staticmethod
    def _sweep_key(f, grid, size, rows="points"):
        from qa_games.analysis.grid import as_grid
        from qa_games.analysis.outcomes import outcome_spec
        from qa_games.analysis.sweep import _key

        m = load_model(f)
        spec = outcome_spec(m, rule=m.selection, rows=rows, fixed={}, tol=1e-9)
        return _key(m, as_grid(grid), spec, size)

    @pytest.mark.parametrize("tamper", ["value_and_checksum", "swap_with_entries",
                                        "row_range", "rows_count", "foreign_chunk"])
    def test_consistent_edits_break_the_seal(self, tmp_path, tamper):
        from qa_games.analysis import checkpoint as ck
        from qa_games.analysis.sweep import sweep

        f = model_file(tmp_path)
        grid = {"c": "0:1:21", "t": "0:2:5"}
        reference = sweep_table(f)
        cp = tmp_path / "cp"
        sweep_table(f, checkpoint=cp, keep_checkpoint=True)
        chunks = sorted(cp.glob("chunk-*.npz"))
        a, b = chunks[1], chunks[2]
        man = json.loads((cp / ck.MANIFEST).read_text())
        if tamper == "value_and_checksum":
            self._rewrite(cp, a, self._label_edit([3]))
        elif tamper == "swap_with_entries":  # files and their checksums, rows, seals swapped
            da, db = a.read_bytes(), b.read_bytes()
            a.write_bytes(db)
            b.write_bytes(da)
            ea, eb = man["chunk_files"][a.name], man["chunk_files"][b.name]
            for k in ("sha256", "seal"):
                ea[k], eb[k] = eb[k], ea[k]
            (cp / ck.MANIFEST).write_text(json.dumps(man))
        elif tamper == "row_range":  # a manifest whose ranges are shifted, checksums fixed
            self._rewrite(cp, a, lambda arrays: None,
                          entry_edit=lambda e: e.update(start=e["start"] + 1))
        elif tamper == "rows_count":  # a chunk cut to 9 rows, checksum and count fixed
            def cut(arrays):
                for k in list(arrays):
                    if k != "__columns__":
                        arrays[k] = arrays[k][:9]
            self._rewrite(cp, a, cut, entry_edit=lambda e: e.update(rows=9))
        else:  # a chunk of another sweep (t fixed to another value), entry and all
            other = tmp_path / "other"
            sweep(f, grid, fixed=None, chunk_size=10, progress=False, checkpoint=other,
                  keep_checkpoint=True, selection="all")
            a.write_bytes((other / a.name).read_bytes())
            om = json.loads((other / ck.MANIFEST).read_text())
            man["chunk_files"][a.name] = om["chunk_files"][a.name]
            (cp / ck.MANIFEST).write_text(json.dumps(man))
        notes: list[str] = []
        resumed = sweep(f, grid, chunk_size=10, progress=False, checkpoint=cp, resume=True,
                        note=notes.append, verify_resumed=0)  # the seal alone catches it
        pd.testing.assert_frame_equal(resumed.table, reference)
        assert any(("seal" in n or "row range" in n) and "recomputed" in n for n in notes), \
            notes

    @pytest.mark.parametrize("rows_mode", ["points", "equilibria"])
    def test_a_forged_seal_is_caught_by_recomputation(self, tmp_path, rows_mode):
        from qa_games.analysis.sweep import sweep

        f = model_file(tmp_path)
        grid = {"c": "0:1:21", "t": "0:2:5"}
        run = dict(chunk_size=40, progress=False, rows=rows_mode)
        reference = sweep(f, grid, **run).table
        for verify, rows in [(32, range(40)), ("all", [7])]:  # every row, or one with "all"
            cp = tmp_path / f"cp-{verify}"
            sweep(f, grid, checkpoint=cp, keep_checkpoint=True, **run)
            key = self._sweep_key(f, grid, 40, rows_mode)
            chunk = sorted(cp.glob("chunk-*.npz"))[1]
            with np.load(chunk, allow_pickle=False) as z:
                n = len(z["c0"])
            self._rewrite(cp, chunk, self._label_edit([r for r in rows if r < n]), seal_with=key)
            notes: list[str] = []
            resumed = sweep(f, grid, checkpoint=cp, resume=True, note=notes.append,
                            verify_resumed=verify, **run)
            pd.testing.assert_frame_equal(resumed.table, reference)
            assert any("recomputed" in n and "label" in n for n in notes), notes

    @pytest.mark.parametrize("name,rows_mode", [("cha_quasi_alliance", "points"),
                                                ("cha_quasi_alliance", "equilibria"),
                                                ("walt_balance_of_threat", "points"),
                                                ("snyder_asd", "equilibria")])
    def test_recomputation_never_flags_an_honest_chunk(self, tmp_path, name, rows_mode):
        from qa_games.analysis.sweep import sweep

        m = load_model(name)
        names = [p.name for p in m.game.parameters][:2]
        grid = {n: "0.05:0.95:13" for n in names}
        run = dict(chunk_size=25, progress=False, rows=rows_mode)
        reference = sweep(m, grid, **run).table
        cp = tmp_path / "cp"
        sweep(m, grid, checkpoint=cp, keep_checkpoint=True, **run)
        notes: list[str] = []
        resumed = sweep(m, grid, checkpoint=cp, resume=True, note=notes.append,
                        verify_resumed="all", **run)
        assert notes == [] and resumed.resumed_chunks == resumed.chunks
        pd.testing.assert_frame_equal(resumed.table, reference)

    def test_verify_resumed_is_checked(self):
        from qa_games.analysis.sweep import sweep
        from qa_games.errors import ParameterError

        for bad in (-1, "some", 1.5, True):
            with pytest.raises(ParameterError, match="verify_resumed"):
                sweep("cha_quasi_alliance", {"c": [0.5]}, progress=False, verify_resumed=bad)

    def test_verify_resumed_all_on_the_cli(self, tmp_path):
        """``--verify-resumed all`` recomputes every point: a forged seal over one wrong
        row of a 40-point chunk (which the 32-point sample may miss) is caught."""
        from qa_games.analysis.sweep import sweep

        f = model_file(tmp_path)
        grid = {"c": "0:1:21", "t": "0:2:5"}
        out_csv = tmp_path / "t.csv"
        args = ["sweep", str(f), "--vary", "c=0:1:21", "--vary", "t=0:2:5", "--chunk-size",
                "40", "--out", str(out_csv), "--no-progress"]
        ref = run_cli(args, cpu_s=20)
        assert ref.code == 0, ref.describe()
        reference = out_csv.read_text()
        out_csv.unlink()
        cp = tmp_path / "t.csv.chunks"
        sweep(f, grid, chunk_size=40, progress=False, checkpoint=cp, keep_checkpoint=True)
        chunk = sorted(cp.glob("chunk-*.npz"))[1]
        self._rewrite(cp, chunk, self._label_edit([7]),
                      seal_with=self._sweep_key(f, grid, 40, "points"))
        out = run_cli(args + ["--resume", "--verify-resumed", "all"], cpu_s=20)
        assert out.code == 0 and "recomputed" in out.stderr, out.describe()
        assert out_csv.read_text() == reference
        for bad in ("some", "-1", "1.5", "", "1e3"):
            assert_one_line(run_cli(args + ["--resume", "--verify-resumed", bad]),
                            "--verify-resumed")
        assert_one_line(run_cli(args + ["--verify-resumed", "all"]), "applies to --resume")
        assert out_csv.read_text() == reference  # a refused command loses nothing

    def test_resume_after_tampering_via_the_cli(self, tmp_path):
        from qa_games.analysis.sweep import sweep

        out_csv = tmp_path / "t.csv"
        args = ["sweep", "cha_quasi_alliance", "--vary", "c=0:1:30", "--chunk-size", "10",
                "--out", str(out_csv), "--no-progress"]
        ref = run_cli(args, cpu_s=20)
        assert ref.code == 0, ref.describe()
        reference = out_csv.read_text()
        out_csv.unlink()
        cp = tmp_path / "t.csv.chunks"
        sweep("cha_quasi_alliance", {"c": "0:1:30"}, chunk_size=10, progress=False,
              checkpoint=cp, keep_checkpoint=True)
        first = sorted(cp.glob("chunk-*.npz"))[0]
        first.write_bytes(first.read_bytes()[:50])
        out = run_cli(args + ["--resume"], cpu_s=20)
        assert out.code == 0, out.describe()
        assert "recomputed" in out.stderr
        assert out_csv.read_text() == reference
        assert not cp.exists()


# -- hangs and memory -----------------------------------------------------------------------


class TestHangsAndMemory:
    @pytest.mark.parametrize("value", ["1e999999999", "1e99999999", "1e-999999999"])
    def test_set_huge_exponent(self, value):
        assert_one_line(run_cli(["solve", "cha_quasi_alliance", "--set", f"c={value}"]),
                        "c=", "exponent")

    def test_vary_huge_exponent(self):
        assert_one_line(run_cli(["sweep", "cha_quasi_alliance", "--vary",
                                 "c=0:1e-999999999:3"]), "exponent")

    def test_compare_scenario_huge_exponent(self):
        assert_one_line(run_cli(["compare", "--scenario", "t=1e999999999"]), "t=", "exponent")

    def test_domain_huge_exponent(self, tmp_path):
        f = model_file(tmp_path, params='d = { domain = "[0, 1e999999999]", default = 0 }')
        assert_one_line(run_cli(["solve", str(f)]), "parameters.d", "exponent")

    def test_default_huge_exponent(self, tmp_path):
        f = model_file(tmp_path, params='d = { domain = "[0, 1]", default = "1e-999999999" }')
        assert_one_line(run_cli(["solve", str(f)]), "parameters.d", "exponent")

    @pytest.mark.parametrize("expr", ["c**(10**60)", "2**(c*10**60)",
                                      "((((((2**64)**64)**64)**64)**64)**64)",
                                      "c**(2**64)", "(c+1)**1000"])
    def test_huge_exponents(self, tmp_path, expr):
        f = model_file(tmp_path, payoffs={"C,C": [expr, "1"], "C,D": ["0", "0"],
                                          "D,C": ["0", "0"], "D,D": ["1", "1"]})
        assert_one_line(run_cli(["solve", str(f)]), 'payoffs."C,C"[0]', "exponent")

    @pytest.mark.parametrize("expr", ["0.124 ** (0.277 ** 7)", "c ** (0.277 ** 7)",
                                      "250 ** c", "(0.5 ** 0.3) ** c + sqrt(c)"])
    @pytest.mark.parametrize("value", ["0.123456789", "0." + "7" * 900])
    def test_fractional_powers_with_huge_root_indices(self, tmp_path, expr, value):
        # fuzz finding: sympy's exact root of (31/250)**(q-th root), q = 10**21, never ends
        f = model_file(tmp_path, payoffs={"C,C": [expr, "1"], "C,D": ["0", "0"],
                                          "D,C": ["0", "0"], "D,D": ["1", "1"]})
        out = run_cli(["solve", str(f), "--json", "--set", f"c={value}"])
        assert out.code == 0, out.describe()
        c = float(value)
        want = {"0.124 ** (0.277 ** 7)": 0.124 ** (0.277 ** 7), "c ** (0.277 ** 7)":
                c ** (0.277 ** 7), "250 ** c": 250 ** c,
                "(0.5 ** 0.3) ** c + sqrt(c)": (0.5 ** 0.3) ** c + c ** 0.5}[expr]
        payoffs = {tuple(e["payoffs"]) for e in json.loads(out.stdout)["equilibria"]}
        assert any(abs(u[0] - want) < 1e-9 * max(1, want) for u in payoffs), payoffs

    @pytest.mark.parametrize("expr, where", [("(-2) ** 0.277", 'payoffs."C,C"[0]'),
                                             ("(c - 1) ** 0.277", "payoff of A")])
    def test_a_complex_power_is_named_with_its_imaginary_part(self, tmp_path, expr, where):
        f = model_file(tmp_path, payoffs={"C,C": [expr, "1"], "C,D": ["0", "0"],
                                          "D,C": ["0", "0"], "D,D": ["1", "1"]})
        line = assert_one_line(run_cli(["solve", str(f), "--set", "c=0.123456789"]), where)
        assert "*I" in line and len(line) < 300, line

    def test_derived_chain_cannot_get_round_the_size_limit(self, tmp_path):
        lines = ['d0 = "c + t"'] + [f'd{i} = "(d{i - 1} + c)*(d{i - 1} + t)"'
                                    for i in range(1, 40)]
        f = model_file(tmp_path, derived="\n".join(lines),
                       payoffs={"C,C": ["d39", "1"], "C,D": ["0", "0"], "D,C": ["0", "0"],
                                "D,D": ["1", "1"]})
        assert_one_line(run_cli(["solve", str(f)]), "derived.d", "parts")

    def test_nfg_huge_declared_count(self, tmp_path):
        f = tmp_path / "g.nfg"
        f.write_text('NFG 1 R "" { "A" "B" } { 1000000000 1 }')
        assert_one_line(run_cli(["solve", str(f)]), "strategies")

    def test_model_with_50000_strategies(self, tmp_path):
        names = json.dumps([f"s{i}" for i in range(50_000)])
        f = model_file(tmp_path, strategies=f"[{names}, {names}]",
                       payoffs={"s0,s0": ["1", "1"]})
        assert_one_line(run_cli(["solve", str(f)]), "model.strategies")

    def test_random_30x30_nfg_says_why_before_enumerating(self, tmp_path):
        rng = np.random.default_rng(1)
        pays = " ".join(str(int(x)) for x in rng.integers(-99, 99, 2 * 900))
        f = tmp_path / "g.nfg"
        f.write_text(f'NFG 1 R "" {{ "A" "B" }} {{ 30 30 }} {pays}')
        line = assert_one_line(run_cli(["solve", str(f)]), "30x30", "lemke-howson")
        assert "--max-seconds" in line

    def test_large_game_with_lemke_howson_gives_verified_equilibria(self):
        from qa_games import Game
        from qa_games.solvers.solve import solve

        rng = np.random.default_rng(1)
        a, b = rng.integers(-9, 9, (2, 30, 30))
        game = Game.from_arrays(a.tolist(), b.tolist())
        sol = solve(game, method="lemke-howson")
        assert len(sol.equilibria) >= 1 and not sol.complete
        for eq in sol.equilibria:  # zero regret, checked here independently in Fractions
            x, y = (np.array(s, dtype=object) for s in eq.exact)
            ea, eb = (np.array(p, dtype=object) for p in game.payoffs)
            assert max(ea.dot(y)) == x.dot(ea).dot(y)
            assert max(x.dot(eb)) == x.dot(eb).dot(y)

    def test_max_seconds_lets_a_large_enumeration_run_or_stops_it(self):
        from qa_games import Game
        from qa_games.solvers.solve import solve

        rng = np.random.default_rng(3)
        a, b = rng.integers(-9, 9, (2, 12, 12))
        game = Game.from_arrays(a.tolist(), b.tolist())
        with pytest.raises(QAGamesError, match="12x12"):
            solve(game)
        with pytest.raises(QAGamesError, match="did not finish within max_seconds=0.01"):
            solve(game, max_seconds=0.01)
        full = solve(game, max_seconds=600)
        lh = solve(game, method="lemke-howson")
        assert full.complete and {e.exact for e in lh.equilibria} <= {
            e.exact for e in full.equilibria}

    def test_absurd_max_seconds(self, tmp_path):
        """inf and NaN refused in one line; a budget beyond the timer's range (1e300) is
        one that never runs out, not an OverflowError."""
        f = tmp_path / "g.nfg"
        f.write_text('NFG 1 R "" { "A" "B" } { 2 2 } 1 1 0 2 2 0 1 1')
        for bad in ("inf", "nan", "-inf", "0"):
            assert_one_line(run_cli(["solve", str(f), f"--max-seconds={bad}"]),
                            "finite positive")
        out = run_cli(["solve", str(f), "--max-seconds=1e300"])
        assert out.code == 0 and "equilibri" in out.stdout, out.describe()

    def test_max_seconds_on_the_cli(self, tmp_path):
        rng = np.random.default_rng(1)
        pays = " ".join(str(int(x)) for x in rng.integers(-99, 99, 2 * 900))
        f = tmp_path / "g.nfg"
        f.write_text(f'NFG 1 R "" {{ "A" "B" }} {{ 30 30 }} {pays}')
        assert_one_line(run_cli(["solve", str(f), "--max-seconds", "0.5"]),
                        "did not finish within")

    def test_max_seconds_survives_a_handler_run_inside_a_gc_callback(self):
        """The timer's exception is lost when its handler runs inside a garbage-collector
        callback (Hypothesis installs one; CI hit it): the budget must still hold. Here a
        slow Python callback on every collection makes that the common case."""
        import gc

        from qa_games import Game
        from qa_games.solvers.solve import solve

        rng = np.random.default_rng(1)
        a, b = rng.integers(-99, 99, (2, 30, 30))
        game = Game.from_arrays(a.tolist(), b.tolist())

        def slow(phase, info):
            total = 0
            for i in range(5000):
                total += i

        def child() -> int:
            gc.set_threshold(20)
            gc.callbacks.append(slow)
            try:
                solve(game, max_seconds=0.3)
            except QAGamesError as exc:
                print(exc)
                return 3
            return 0

        out = run_capped(child, cpu_s=30)
        assert out.code == 3 and "did not finish within" in out.stdout, out.describe()
        assert out.cpu < 10, out.describe()

    def test_enumeration_estimate_is_a_solver_error(self):
        from qa_games import Game
        from qa_games.solvers.solve import solve

        rng = np.random.default_rng(2)
        a, b = rng.integers(-9, 9, (2, 30, 30))
        lib_error(lambda: solve(Game.from_arrays(a.tolist(), b.tolist())),
                  QAGamesError, "30x30", "lemke-howson")


# -- tracebacks instead of one line ---------------------------------------------------------


class TestDigitsAndOverflow:
    def test_5000_digit_toml_integer(self, tmp_path):
        f = model_file(tmp_path, params=f'd = {{ domain = "[0, 1]", default = {"1" * 5000} }}')
        assert_one_line(run_cli(["solve", str(f)]), str(f), "digits")

    def test_set_5000_digit_decimal(self):
        assert_one_line(run_cli(["solve", "cha_quasi_alliance", "--set",
                                 "c=0." + "1" * 5000]), "c=", "digits")

    def test_nfg_payoff_1e999(self, tmp_path):
        f = tmp_path / "g.nfg"
        f.write_text('NFG 1 R "" { "A" "B" } { 1 1 } 1e999 1')
        assert_one_line(run_cli(["solve", str(f)]), "line 1", "1e999")

    def test_nested_exp(self, tmp_path):
        f = model_file(tmp_path, payoffs={"C,C": ["exp(exp(exp(exp(10))))", "1"],
                                          "C,D": ["0", "0"], "D,C": ["0", "0"],
                                          "D,D": ["1", "1"]})
        assert_one_line(run_cli(["solve", str(f)]), 'payoffs."C,C"[0]')

    def test_nested_exp_in_a_sweep(self, tmp_path):
        f = model_file(tmp_path, payoffs={"C,C": ["exp(exp(exp(exp(10*c))))", "1"],
                                          "C,D": ["0", "0"], "D,C": ["0", "0"],
                                          "D,D": ["1", "1"]})
        out = run_cli(["sweep", str(f), "--vary", "c=0:1:5", "--out",
                       str(tmp_path / "t.csv"), "--no-progress"])
        assert_one_line(out, "not finite")
        assert list(tmp_path.iterdir()) == [f]  # nothing left behind

    def test_sweep_vary_1e400(self):
        assert_one_line(run_cli(["sweep", "cha_quasi_alliance", "--vary", "c=1e400,0"]),
                        "c=", "1e400")


class TestNonReal:
    @pytest.mark.parametrize("cond", ["c < log(0)", "c < sqrt(-1)", "c >= 1/(c - 0.5)"])
    def test_constraints(self, tmp_path, cond):
        f = model_file(tmp_path, meta=f'constraints = ["{cond}"]')
        out = run_cli(["sweep", str(f), "--vary", "c=0:1:5", "--no-progress"])
        if "1/(c" in cond:  # defined except at c = 1/2, a grid point
            assert_one_line(out, "constraint", "undefined at c=1/2")
        else:  # never defined: refused when the model is read
            assert_one_line(out, "constraints[0]")

    @pytest.mark.parametrize("th", ["log(0)", "sqrt(-1)"])
    def test_thresholds(self, tmp_path, th):
        f = model_file(tmp_path, extra=f'[sweep]\nthresholds = {{ c = ["{th}"] }}')
        out = run_cli(["sweep", str(f), "--vary", "c=0:1:5", "--plot",
                       str(tmp_path / "p.png"), "--no-progress"])
        assert_one_line(out, "sweep.thresholds.c")
        assert list(tmp_path.iterdir()) == [f]


class TestMalformedTables:
    def test_labels_as_a_list(self, tmp_path):
        f = model_file(tmp_path, extra='[outcomes]\nlabels = ["C"]')
        lib_error(lambda: load_model(f), ModelError, "outcomes.labels")

    def test_labels_value_a_list(self, tmp_path):
        f = model_file(tmp_path, extra='[outcomes]\nlabels = { coop = ["cc"] }')
        lib_error(lambda: load_model(f), ModelError, "outcomes.labels.coop")

    def test_2000_nested_arrays(self, tmp_path):
        f = model_file(tmp_path, meta="sources = " + "[" * 2000 + "]" * 2000)
        assert_one_line(run_cli(["solve", str(f)]), str(f), "nested")

    def test_sequential_subgame_is_itself(self, tmp_path):
        f = tmp_path / "s.toml"
        f.write_text('[model]\nkind = "sequential"\nname = "s"\nsubgame = "s.toml"\n'
                     '[parameters]\nb = { domain = "[0, 1]", default = 0 }\n'
                     '[actions]\nx = { sets = {} }\n[leader]\nname = "P"\npayoff = "b"\n')
        lib_error(lambda: load_model(f), ModelError, "model.subgame")

    def test_sequential_subgames_name_each_other(self, tmp_path):
        for a, b in (("s", "u"), ("u", "s")):
            (tmp_path / f"{a}.toml").write_text(
                f'[model]\nkind = "sequential"\nname = "{a}"\nsubgame = "{b}.toml"\n'
                '[parameters]\nb = { domain = "[0, 1]", default = 0 }\n'
                '[actions]\nx = { sets = {} }\n[leader]\nname = "P"\npayoff = "b"\n')
        lib_error(lambda: load_model(tmp_path / "s.toml"), ModelError, "model.subgame")


class TestNames:
    @pytest.mark.parametrize("name", ["minimum", "maximum", "reduce", "select", "where",
                                      "exp", "numpy", "builtins", "Max", "x0", "_x"])
    def test_clashing_parameter_names_work_or_are_refused(self, tmp_path, name):
        from qa_games.analysis.sweep import sweep
        from qa_games.solvers.solve import solve

        f = model_file(tmp_path, params=f'{name} = {{ domain = "[0, 1]", default = 0.5 }}',
                       payoffs={"C,C": [f"2 - c + {name}", f"2 - min(c, {name})"],
                                "C,D": ["0", f"max(t, {name})"], "D,C": ["t", "abs(t - 1)"],
                                "D,D": ["1", "1"]})
        try:
            m = load_model(f)
        except ModelError as exc:  # refused clearly, naming the parameter
            assert name in str(exc) and "\n" not in str(exc)
            return
        s = sweep(m, {name: "0:1:3", "c": [0.2, 0.9]}, progress=False).table
        for _, row in s.iterrows():
            exact = solve(m.at({name: row[name], "c": row["c"]}))
            assert row["n_equilibria"] == len(exact.equilibria)

    CODE_NAMES = ["minimum", "maximum", "select", "where", "amin", "absolute", "x0", "x1",
                  "e", "pi", "I", "N", "S", "E", "Q", "O", "beta", "gamma", "zoo", "numpy",
                  "Dummy", "builtins", "Abs", "Piecewise", "exp2", "lambda", "max", "sqrt"]

    @pytest.mark.parametrize("name", CODE_NAMES)
    def test_parameter_names_that_clash_with_generated_code(self, tmp_path, name):
        """Every lambdified route (the equilibrium map, the global game's gains) agrees
        with exact solve() whatever the parameters are called (issue 13: lambdify
        without dummify let a parameter `minimum` shadow numpy.minimum)."""
        from fractions import Fraction as F

        from qa_games.solvers.eqmap import equilibrium_map
        from qa_games.solvers.global_game import gains
        from qa_games.solvers.solve import solve

        f = model_file(tmp_path, params=f'{name} = {{ domain = "[0, 2]", default = 1 }}',
                       payoffs={"C,C": [f"2 - min(c, {name})", f"2 - c + sqrt({name})/3"],
                                "C,D": ["0", f"max({name}, c)"],
                                "D,C": [f"{name}*c + exp(-{name})", f"abs(c - {name})"],
                                "D,D": [f"1 + log(1 + {name})", f"1 - {name}/4 + t"]})
        try:
            m = load_model(f)
        except ModelError as exc:  # a keyword or function name: refused clearly
            assert repr(name) in str(exc) and ("reserved" in str(exc) or "valid" in str(exc))
            return
        points = [(F(3, 10), F(7, 10)), (F(9, 10), F(3, 2)), (F(1, 10), F(1, 5)),
                  (F(1, 2), F(1, 2))]
        emap = equilibrium_map(m)
        ev = emap.evaluate({"c": np.array([float(c) for c, _ in points]),
                            name: np.array([float(v) for _, v in points])})
        theta = np.array([float(c) for c, _ in points])
        for k, (c, v) in enumerate(points):
            ref = solve(m.at({"c": c, name: v}))
            at = emap.at({"c": c, name: v})
            assert at.degenerate == ref.degenerate
            if ref.degenerate:
                continue
            flat = [sorted(sum(e.profile, ())) for e in (at, ref) for e in e.equilibria]
            ours = sorted(sum((list(sum(e.profile, ())) for e in at.equilibria), []))
            theirs = sorted(sum((list(sum(e.profile, ())) for e in ref.equilibria), []))
            assert len(at.equilibria) == len(ref.equilibria) and flat
            assert ours == pytest.approx(theirs, abs=1e-9)
            assert int(ev.n_equilibria[k]) == len(ref.equilibria), (c, v)
            pure = {e.pure_profile for e in ref.equilibria if e.pure_profile is not None}
            assert {tuple(ix) for ix in np.argwhere(ev.pure_equilibrium[k])} == pure
            g_A, h_A, g_B, h_B = gains(m, "c", theta[k:k + 1], {name: v})
            A, B = m.at({"c": c, name: v}).payoffs
            assert [float(x[0]) for x in (g_A, h_A, g_B, h_B)] == pytest.approx(
                [float(A[0, 0] - A[1, 0]), float(A[0, 1] - A[1, 1]),
                 float(B[0, 0] - B[0, 1]), float(B[1, 0] - B[1, 1])], abs=1e-12)

    def test_c_and_fullwidth_c_both_declared(self, tmp_path):
        f = model_file(tmp_path, params='"\uff43" = { domain = "[0, 1]", default = 0.5 }')
        lib_error(lambda: load_model(f), ModelError, "parameters", "ASCII")


class TestControlCharacters:
    """One policy for names and text (:mod:`qa_games.games.limits`): names hold printable
    characters only, text also line breaks and tabs; a refused character is named by
    code point and position, and no message ever carries it raw."""

    BAD = ["\x00", "\x1b[31m", "\u202e", "\u2066", "\u200b", "\u200d", "\ufeff", "\t", "\n",
           "\r", "\x7f", "\x85", "\u00a0", "\u2028", "\ue000", "\u00ad"]

    @staticmethod
    def printable_message(exc: BaseException) -> str:
        text = str(exc)
        assert text.isprintable(), repr(text)
        return text

    @pytest.mark.parametrize("bad", BAD)
    def test_player_and_strategy_names_in_a_model_file(self, tmp_path, bad):
        f = model_file(tmp_path, strategies=json.dumps([["C", "D" + bad], ["C", "D"]]))
        with pytest.raises(ModelError) as info:
            load_model(f)
        msg = self.printable_message(info.value)
        assert "model.strategies[0][1]" in msg and f"U+{ord(bad[0]):04X}" in msg
        assert repr("D" + bad) in msg  # quoted escaped, as repr shows it
        text = f.read_text().replace('players = ["A", "B"]',
                                     f'players = [{json.dumps("A" + bad)}, "B"]')
        f.write_text(text.replace(json.dumps("D" + bad), '"D"'))
        with pytest.raises(ModelError, match=r"model\.players\[0\]"):
            load_model(f)

    @pytest.mark.parametrize("bad", ["\x1b[2J", "\u202e", "\x00"])
    def test_any_key_or_text_in_a_model_file(self, tmp_path, bad):
        esc = json.dumps(bad)[1:-1]
        cases = {  # each file refused, naming the key path
            f'[outcomes]\nlabels = {{ "coop{esc}" = "cc" }}': 'outcomes.labels',
            f'[outcomes]\nlabels = {{ coop = "cc" }}\notherwise = "x{esc}"': "outcomes.otherwise",
            f'[sweep]\nthresholds = ["c{esc}"]': "sweep.thresholds[0]",
        }
        for extra, key in cases.items():
            f = model_file(tmp_path, extra=extra)
            with pytest.raises(ModelError) as info:
                load_model(f)
            msg = self.printable_message(info.value)
            assert key in msg, (key, msg)
        f = model_file(tmp_path, meta=f'description = "one{esc}"')
        with pytest.raises(ModelError, match=r"model\.description"):
            load_model(f)
        f = model_file(tmp_path, params=f'"t{esc}" = {{ domain = "[0, 1]", default = 0 }}')
        with pytest.raises(ModelError, match=r"parameters.*key") as info:
            load_model(f)
        self.printable_message(info.value)

    def test_text_may_hold_line_breaks_and_tabs_names_any_script(self, tmp_path):
        f = model_file(tmp_path, meta='description = "Line one.\\n\\tLine two."\n'
                                      'title = "Coopération — 协作"',
                       strategies=json.dumps([["Coopérer", "协作"], ["C", "D"]]),
                       payoffs={"Coopérer,C": ["2 - c", "2 - c"], "Coopérer,D": ["0", "t"],
                                "协作,C": ["t", "0"], "协作,D": ["1", "1"]})
        f.write_text(f.read_text().replace('cc = ["C", "C"]', 'cc = ["Coopérer", "C"]'))
        m = load_model(f)
        assert m.game.strategies[0] == ("Coopérer", "协作")
        assert m.description == "Line one.\n\tLine two."

    def test_look_alike_strategies_are_refused(self, tmp_path):
        f = model_file(tmp_path, strategies=json.dumps([["C", "\uff23"], ["C", "D"]]))
        with pytest.raises(ModelError, match="NFKC"):
            load_model(f)

    @pytest.mark.parametrize("kind", ["tree", "bayesian", "sequential"])
    def test_other_model_kinds(self, tmp_path, kind):
        bad = json.dumps("I\u202e")
        if kind == "tree":
            text = ('[model]\nkind = "tree"\nname = "e"\nplayers = ["E", ' + bad + ']\n'
                    '[nodes]\nstart = { player = "E", actions = { out = "o", in = "o2" } }\n'
                    'o = { payoffs = ["0", "0"] }\no2 = { payoffs = ["1", "1"] }\n')
            key = "model.players[1]"
        elif kind == "bayesian":
            text = ('[model]\nkind = "bayesian"\nname = "b"\nplayers = ["A", "B"]\n'
                    '[types]\nA = ["x"]\nB = ["y", ' + bad + ']\n'
                    '[actions]\nA = ["a"]\nB = ["b"]\n[prior]\n"x,y" = "1/2"\n"x,I" = "1/2"\n'
                    '[payoffs]\n"x,y" = { "a,b" = ["0", "0"] }\n')
            key = "types.B[1]"
        else:
            text = ('[model]\nkind = "sequential"\nname = "s"\nsubgame = "cha_quasi_alliance"\n'
                    '[actions]\nstay = { }\n[leader]\nname = ' + bad + '\npayoff = "0"\n')
            key = "leader.name"
        f = tmp_path / "m.toml"
        f.write_text(text, encoding="utf-8")
        with pytest.raises(ModelError) as info:
            load_model(f)
        msg = self.printable_message(info.value)
        assert key in msg and "U+202E" in msg, msg

    @pytest.mark.parametrize("bad", BAD)
    def test_nfg_names(self, bad):
        esc = bad.replace("\\", "\\\\")
        for text, where in [
                (f'NFG 1 R "" {{ "A{esc}" "B" }} {{ 2 2 }} 3 3 5 0 0 5 1 1', "a player name"),
                (f'NFG 1 R "" {{ "A" "B" }} {{ {{ "C" "D{esc}" }} {{ "C" "D" }} }} '
                 '3 3 5 0 0 5 1 1', "a strategy name"),
                (f'NFG 1 R "" {{ "A" "B" }} {{ 1 1 }} {{ {{ "o{esc}" 1 1 }} }} 1',
                 "the name of outcome 1")]:
            with pytest.raises(GameError) as info:
                read_nfg(text)
            msg = self.printable_message(info.value)
            assert where in msg and f"U+{ord(bad[0]):04X}" in msg, msg

    @pytest.mark.parametrize("bad", ["\x1b[31m", "\u202e", "\x00"])
    def test_nfg_and_efg_title_and_comment(self, bad):
        from qa_games.games.efg import read_efg

        with pytest.raises(GameError, match="the title"):
            read_nfg(f'NFG 1 R "t{bad}" {{ "A" }} {{ 1 }} 1')
        with pytest.raises(GameError, match="the comment"):
            read_nfg(f'NFG 1 R "t" {{ "A" }} {{ 1 }} "c{bad}" 1')
        assert read_nfg('NFG 1 R "two\nlines\t" { "A" } { 1 } "a\ncomment" 1').title == \
            "two\nlines\t"
        efg = 'EFG 2 R "{t}" {{ "A" }} "" p "{n}" 1 1 "" {{ "{a}" "y" }} 0 t "" 1 "" {{ 1 }} ' \
              't "" 2 "" {{ 0 }}'
        assert read_efg(efg.format(t="", n="", a="x")).players == ("A",)
        for t, n, a, where in [(bad, "", "x", "the title"), ("", bad, "x", "node"),
                               ("", "", "x" + bad, "action")]:
            with pytest.raises(GameError, match=where) as info:
                read_efg(efg.format(t=t, n=n, a=a))
            self.printable_message(info.value)

    @pytest.mark.parametrize("sep", ["\u2003", "\u00a0", "\x1c", "\x00", "\u200b"])
    def test_nfg_separators_are_ascii(self, sep):
        from qa_games.games.efg import read_efg

        with pytest.raises(GameError, match="grammar") as info:
            read_nfg(f'NFG 1 R "" {{ "A" }} {{ 2 }}{sep}1 2')
        assert f"U+{ord(sep):04X}" in self.printable_message(info.value)
        with pytest.raises(GameError, match="grammar"):
            read_efg(f'EFG 2 R "" {{ "A" }}{sep}"" t "" 1 "" {{ 1 }}')

    def test_games_built_in_code(self):
        from qa_games.games.normal_form import Game
        from qa_games.games.tree import Decision, Terminal, Tree

        with pytest.raises(GameError, match=r"players\[0\]"):
            Game.from_arrays([[1]], [[1]], players=["A\x1b[31m", "B"])
        with pytest.raises(GameError, match="NFKC"):
            Game.from_arrays([[1, 2]], [[1, 2]], strategies=[["x"], ["C", "\uff23"]])
        with pytest.raises(GameError, match="U\\+202E"):
            Tree.from_spec(["A"], Decision("A", {"x\u202e": Terminal(1), "y": Terminal(0)}))

    def test_cli_never_echoes_a_control_character(self, tmp_path):
        (tmp_path / "g.nfg").write_text('NFG 1 R "" { "A\x1b]0;pwned\x07" "B" } { 2 2 } '
                                        '3 3 5 0 0 5 1 1', encoding="utf-8")
        f = model_file(tmp_path, strategies=json.dumps([["C", "D\u202e"], ["C", "D"]]))
        for target in [str(tmp_path / "g.nfg"), str(f)]:
            out = run_cli(["solve", target])
            line = assert_one_line(out, "U+")
            assert line.isprintable() and "\x1b" not in out.stderr, repr(out.stderr)
        out = run_cli(["solve", str(tmp_path / "missing\x1b[2J.toml")])
        line = assert_one_line(out)
        assert line.isprintable(), repr(line)

    @pytest.mark.parametrize("argv", [["models", "--\x1b[2Jx"], ["solve", "g", "\x1b]0;t\x07"],
                                      ["\u202ebad"], ["solve", "--max-seconds", "1\x1b"]])
    def test_usage_errors_escape_control_characters(self, argv):
        """argparse's own errors (unrecognized arguments are echoed raw by argparse)."""
        out = run_cli(argv)
        assert out.code == 2 and "Traceback" not in out.stderr, out.describe()
        assert all(line.isprintable() for line in out.stderr.splitlines()), repr(out.stderr)
        assert "\\x1b" in out.stderr or "\\u202e" in out.stderr, repr(out.stderr)

    def test_every_error_of_the_family_is_printable(self):
        from qa_games.errors import ParameterError, SolverError

        for cls in (ModelError, GameError, ParameterError, SolverError):
            exc = cls("key 'a\x1b[31m\u202e\nb'")
            assert str(exc) == "key 'a\\x1b[31m\\u202e\\nb'"
            assert exc.args == ("key 'a\x1b[31m\u202e\nb'",)  # pickles unchanged


class TestNfg:
    def test_superscript_count(self):
        lib_error(lambda: read_nfg('NFG 1 R "" { "A" "B" } { \u00b2 2 }'), GameError,
                  "strategy count")

    def test_payoff_with_a_huge_exponent(self):
        lib_error(lambda: read_nfg('NFG 1 R "" { "A" } { 1 } 1e9999999999999999999'),
                  GameError, "payoff 1")

    @pytest.mark.parametrize("n", [33, 65])
    def test_many_players(self, n):
        players = " ".join(f'"P{i}"' for i in range(n))
        text = f'NFG 1 R "" {{ {players} }} {{ {" ".join(["1"] * n)} }} ' + " ".join(
            ["0"] * n)
        lib_error(lambda: read_nfg(text), GameError, "players")

    def test_70_player_model_file(self, tmp_path):
        players = json.dumps([f"P{i}" for i in range(70)])
        strategies = json.dumps([["s"]] * 70)
        key = ",".join(["s"] * 70)
        f = tmp_path / "m.toml"
        f.write_text(f'[model]\nname = "m"\nplayers = {players}\nstrategies = {strategies}\n'
                     '[parameters]\nc = { domain = "[0, 1]", default = 0 }\n'
                     f'[payoffs]\n"{key}" = {json.dumps(["0"] * 70)}\n')
        lib_error(lambda: load_model(f), ModelError, "model.players")

    def test_path_starting_with_nfg(self, tmp_path, monkeypatch):
        d = tmp_path / "NFGgames"
        d.mkdir()
        (d / "pd.nfg").write_text('NFG 1 R "PD" { "A" "B" } { 2 2 } 3 3 5 0 0 5 1 1')
        monkeypatch.chdir(tmp_path)
        assert read_nfg("NFGgames/pd.nfg").shape == (2, 2)

    def test_path_with_braces(self, tmp_path):
        (tmp_path / "pd{1}.nfg").write_text('NFG 1 R "PD" { "A" "B" } { 2 2 } 3 3 5 0 0 5 1 1')
        out = run_cli(["solve", "pd{1}.nfg", "--json"], cwd=tmp_path)
        assert out.code == 0, out.describe()
        assert len(json.loads(out.stdout)["equilibria"]) == 1


class TestCliInputs:
    def test_negative_seed(self):
        assert_one_line(run_cli(["sweep", "cha_quasi_alliance", "--vary", "c", "--sample",
                                 "3", "--seed", "-1"]), "--seed")

    def test_300_character_out_name(self, tmp_path):
        out = run_cli(["sweep", "cha_quasi_alliance", "--vary", "c=0:1:3", "--out",
                       str(tmp_path / ("x" * 300 + ".csv")), "--no-progress"])
        assert_one_line(out, "--out")
        assert list(tmp_path.iterdir()) == []

    def test_manifest_holding_a_list(self, tmp_path):
        cp = tmp_path / "t.csv.chunks"
        cp.mkdir()
        (cp / "manifest.json").write_text("[1]")
        out = run_cli(["sweep", "cha_quasi_alliance", "--vary", "c=0:1:3", "--out",
                       str(tmp_path / "t.csv"), "--resume", "--no-progress"])
        assert_one_line(out, "manifest")

    @pytest.mark.parametrize("args,needle", [
        (["--chunk-size", "0"], "--chunk-size"),
        (["--digits", "99"], "--digits"),
        (["--digits", "-1"], "--digits"),
        (["--sample", "0"], "--sample"),
        (["--workers", "0", "--engine", "dask"], "--workers"),
    ])
    def test_options_refused_before_work(self, tmp_path, args, needle):
        out = run_cli(["sweep", "cha_quasi_alliance", "--vary", "c=0:1:3", "--out",
                       str(tmp_path / "t.csv"), "--no-progress"] + args)
        assert_one_line(out, needle)
        assert list(tmp_path.iterdir()) == []

    @pytest.mark.parametrize("spec", [",,,", "", " , "])
    def test_empty_scenario(self, spec):
        assert_one_line(run_cli(["compare", "--scenario", spec]), "--scenario")

    def test_unknown_threshold_name_refused_before_work(self, tmp_path):
        f = model_file(tmp_path, extra='[sweep]\nthresholds = { c = ["no_such_name"] }')
        out = run_cli(["sweep", str(f), "--vary", "c=0:1:5", "--out",
                       str(tmp_path / "t.csv"), "--plot", str(tmp_path / "p.png"),
                       "--no-progress"])
        assert_one_line(out, "sweep.thresholds.c", "no_such_name")
        assert list(tmp_path.iterdir()) == [f]

    def test_unknown_threshold_parameter_refused_before_work(self, tmp_path):
        f = model_file(tmp_path, extra='[sweep]\nthresholds = { zz = ["c"] }')
        out = run_cli(["sweep", str(f), "--vary", "c=0:1:5", "--out",
                       str(tmp_path / "t.csv"), "--no-progress"])
        assert_one_line(out, "sweep.thresholds")
        assert list(tmp_path.iterdir()) == [f]

    def test_scheduler_unreachable(self, tmp_path):
        out = run_cli(["sweep", "cha_quasi_alliance", "--vary", "c=0:1:3", "--engine", "dask",
                       "--scheduler", "tls://127.0.0.1:1", "--out", str(tmp_path / "t.csv"),
                       "--no-progress"], cpu_s=30, mem_mb=1500)
        assert_one_line(out, "tls://127.0.0.1:1")
        assert list(tmp_path.iterdir()) == []


class TestOutputs:
    @pytest.mark.parametrize("command", ["prove", "report"])
    @pytest.mark.parametrize("where", ["proc", "file", "readonly"])
    def test_unwritable_out(self, tmp_path, command, where):
        if where == "proc":
            target = "/proc/x"
        elif where == "file":
            target = str(tmp_path / "f")
            Path(target).write_text("keep")
        else:
            ro = tmp_path / "ro"
            ro.mkdir()
            ro.chmod(0o555)
            target = str(ro / "out")
            if os.access(ro, os.W_OK):
                pytest.skip("running as root: a read-only folder is writable")
        args = [command, "--out", target] + (["--quick"] if command == "report" else [])
        out = run_cli(args, cpu_s=10)
        assert_one_line(out, "--out")
        if where == "file":
            assert Path(target).read_text() == "keep"

    @pytest.mark.parametrize("where", ["/proc/x.csv", "folder", "missing/t.csv"])
    def test_sweep_out_unwritable_refused_before_work(self, tmp_path, where):
        target = {"folder": str(tmp_path), "missing/t.csv": str(tmp_path / "missing" / "t.csv")
                  }.get(where, where)
        out = run_cli(["sweep", "cha_quasi_alliance", "--vary", "c=0:1:3", "--out", target,
                       "--no-progress"])
        assert_one_line(out, {"folder": "it is a folder", "missing/t.csv": "does not exist"
                              }.get(where, "--out"))
        assert list(tmp_path.iterdir()) == []

    def test_prove_on_a_full_disk_leaves_nothing(self, tmp_path):
        out = run_cli(["prove", "--out", str(tmp_path / "p")], cpu_s=60, fsize=100)
        assert_one_line(out, "cannot write")
        left = [p for p in (tmp_path / "p").rglob("*") if p.is_file()] \
            if (tmp_path / "p").exists() else []
        assert all(p.stat().st_size > 0 for p in left), left
        assert not [p for p in left if p.name.startswith(".")]

    def test_sweep_on_a_full_disk_leaves_nothing(self, tmp_path):
        out = run_cli(["sweep", "cha_quasi_alliance", "--vary", "c=0:1:50", "--chunk-size",
                       "10", "--out", str(tmp_path / "t.csv"), "--no-progress"],
                      cpu_s=20, fsize=200)
        line = assert_one_line(out, "cannot write")
        assert "--resume" in line or not (tmp_path / "t.csv.chunks").exists()

    def test_failed_sweep_leaves_no_manifest(self, tmp_path):
        f = model_file(tmp_path, payoffs={"C,C": ["1/(c - 0.5)", "1"], "C,D": ["0", "0"],
                                          "D,C": ["0", "0"], "D,D": ["1", "1"]})
        out = run_cli(["sweep", str(f), "--vary", "c=0:1:5", "--out", str(tmp_path / "t.csv"),
                       "--no-progress"])
        assert_one_line(out, "not finite")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["m.toml"]

    def test_stale_temporary_csv_is_removed_on_resume(self, tmp_path):
        stale = tmp_path / ".t.csv.abcd1234.csv"
        stale.write_text("half")
        cp = tmp_path / "t.csv.chunks"
        out = run_cli(["sweep", "cha_quasi_alliance", "--vary", "c=0:1:3", "--out",
                       str(tmp_path / "t.csv"), "--resume", "--no-progress"], cpu_s=20)
        assert out.code == 0, out.describe()
        assert not stale.exists() and not cp.exists()

    def test_runtime_warning_adds_no_lines(self, tmp_path):
        f = model_file(tmp_path, payoffs={"C,C": ["log(c)", "1"], "C,D": ["0", "0"],
                                          "D,C": ["0", "0"], "D,D": ["1", "1"]})
        out = run_cli(["sweep", str(f), "--vary", "c=0:1:5", "--no-progress"])
        assert_one_line(out, "not finite")


class TestDask:
    def test_worker_loss_is_resumed_locally(self, tmp_path, monkeypatch):
        pytest.importorskip("distributed")
        from distributed.client import FutureCancelledError

        import qa_games.analysis.sweep as sw

        reference = sw.sweep("cha_quasi_alliance", {"c": "0:1:30"}, chunk_size=10,
                             progress=False).table
        real = sw._run_dask_attempt

        def flaky(spec, grid, todo, bounds, done, scheduler, workers):
            # the first chunk arrives, then the last worker dies
            a, b = bounds[todo[0]]
            done(todo[0], sw.evaluate_chunk(spec, grid.chunk(a, b)))
            raise FutureCancelledError("key", "lost")

        monkeypatch.setattr(sw, "_run_dask_attempt", flaky)
        notes: list[str] = []
        got = sw.sweep("cha_quasi_alliance", {"c": "0:1:30"}, chunk_size=10, progress=False,
                       engine="dask", note=notes.append)
        assert real is not None
        pd.testing.assert_frame_equal(got.table, reference)
        assert any("worker" in n and "locally" in n for n in notes), notes


class TestFuzzFindings:
    """Inputs the fuzz suite (tests/test_fuzz.py) found, kept as regression tests."""

    def test_parameter_named_reduce_with_min(self, tmp_path):
        from qa_games.analysis.sweep import sweep
        from qa_games.solvers.solve import solve

        f = model_file(tmp_path, params='reduce = { domain = "[-1, 1]", default = "0" }',
                       payoffs={"C,C": ["min(--reduce, -6e5)", "1"], "C,D": ["0", "0"],
                                "D,C": ["0", "0"], "D,D": ["max(reduce, c)", "1"]})
        m = load_model(f)
        table = sweep(m, {"reduce": "-1:1:3"}, progress=False).table
        for _, row in table.iterrows():
            assert row["n_equilibria"] == len(solve(m.at(reduce=row["reduce"])).equilibria)

    def test_three_players_without_pure_equilibrium_sweep(self, tmp_path):
        from qa_games.analysis.sweep import sweep
        from qa_games.solvers.solve import solve

        f = tmp_path / "m3.toml"
        f.write_text('[model]\nname = "m3"\nplayers = ["P0", "P1", "P2"]\n'
                     'strategies = [["C"], ["C", "D"], ["C", "D"]]\n[parameters]\n'
                     'g = { domain = "[0, 2]", default = "0" }\n[payoffs]\n'
                     '"C,C,C" = ["0", "1", "g"]\n"C,C,D" = ["0", "0", "1"]\n'
                     '"C,D,C" = ["0", "0", "1"]\n"C,D,D" = ["0", "1", "0"]\n'
                     '[profiles]\nfirst = ["C", "C", "C"]\n')
        m = load_model(f)
        table = sweep(m, {"g": "0:2:3"}, progress=False).table
        for _, row in table.iterrows():  # g = 2: (C, C, C) becomes a pure equilibrium
            exact = solve(m.at(g=row["g"]))
            assert row["n_equilibria"] == len(exact.equilibria)
            assert (row["n_equilibria"] == 0) == np.isnan(row["p_P1_D"])

    @pytest.mark.parametrize("expr", ["min(log(-19), c)", "max(sqrt(-2), t)", "(-8)**(1/3)"])
    def test_complex_constant_inside_a_function(self, tmp_path, expr):
        f = model_file(tmp_path, payoffs={"C,C": [expr, "1"], "C,D": ["0", "0"],
                                          "D,C": ["0", "0"], "D,D": ["1", "1"]})
        lib_error(lambda: load_model(f), ModelError, 'payoffs."C,C"[0]', "not a real number")

    def test_error_quoting_a_name_with_a_line_break_is_one_line(self, tmp_path):
        f = tmp_path / "m.toml"
        f.write_text('[model]\nname = "m"\nplayers = ["P0"]\nstrategies = [["left", "b\\n"]]\n'
                     '[parameters]\nc = { domain = "[0, 1]", default = "0" }\n'
                     '[payoffs]\n"left" = ["0"]\n"b" = ["0"]\n')
        assert_one_line(run_cli(["solve", str(f)]), "model.strategies[0][1]", "\\n")

    @pytest.mark.parametrize("cond", ["c < min(0, log(c))", "c < max(1, 1/c)",
                                      "c >= min(t, -1/c)"])
    def test_constraint_undefined_inside_min_at_the_default(self, tmp_path, cond):
        """sympy raises ValueError ("The argument 'zoo' is not comparable") when Min/Max
        meets an infinity: the constraint is undefined there, one line naming it."""
        f = model_file(tmp_path, meta=f"constraints = [{json.dumps(cond)}]",
                       params="", name="m.toml").read_text()
        path = tmp_path / "m.toml"
        path.write_text(f.replace('c = { domain = "[0, 1]", default = 0.5 }',
                                  'c = { domain = "[0, 1]", default = 0 }'))
        assert_one_line(run_cli(["solve", str(path)]), "constraint", "undefined", "c=0")
        assert_one_line(run_cli(["sweep", str(path), "--vary", "t=0:1:3", "--no-progress",
                                 "--out", str(tmp_path / "m.csv")]), "constraint", "undefined")
        assert not (tmp_path / "m.csv").exists()
