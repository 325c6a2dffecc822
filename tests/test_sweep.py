"""Sweeps: equal to point-by-point solve, identical across engines, resumable, checked input."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_games.analysis.checkpoint import CheckpointError
from qa_games.analysis.grid import latin_hypercube, points, product
from qa_games.analysis.sweep import Sweep, SweepError, sweep
from qa_games.cli import main
from qa_games.errors import ParameterError, QAGamesError, UnsupportedGameError
from qa_games.modelfiles.loader import load_model
from qa_games.modelfiles.normal_form import parse_model
from qa_games.solvers.selection import select
from qa_games.solvers.solve import solve

# the modules (the package re-exports the function ``sweep`` under the same name)
sweep_module = importlib.import_module("qa_games.analysis.sweep")
outcomes_module = importlib.import_module("qa_games.analysis.outcomes")
CHA = load_model("cha_quasi_alliance")
WALT = load_model("walt_balance_of_threat")
TOL = 1e-9


def reference_row(model, values, rule):
    """What a user gets by hand at one point: solve, select, label."""
    sol = solve(model.at(values))
    eq = select(sol, rule)
    return sol, eq, model.label_of(eq.pure_profile) if eq is not None else "undecided"


def assert_row_matches(model, row, values, rule):
    sol, eq, label = reference_row(model, values, rule)
    assert row["n_equilibria"] == len(sol.equilibria), values
    assert bool(row["degenerate"]) == sol.degenerate, values
    assert row["label"] == label, values
    assert bool(row["selected"]) == (eq is not None), values
    for name, prof in model.profiles.items():
        expected = any(e.pure_profile == prof for e in sol.equilibria)
        assert bool(row[f"eq_{name}"]) == expected, (values, name)
    for i, player in enumerate(model.game.players):
        for s, strat in enumerate(model.game.strategies[i]):
            got = row[f"p_{player}_{strat}"]
            if eq is None:
                assert np.isnan(got)
            else:
                assert abs(got - eq.profile[i][s]) <= 1e-7, (values, player, strat)
        got = row[f"u_{player}"]
        assert np.isnan(got) if eq is None else abs(got - eq.payoffs[i]) <= 1e-7


@pytest.mark.parametrize("rule", ["payoff_dominance", "risk_dominance", "all"])
def test_cha_sweep_equals_solve_at_random_and_degenerate_points(rule):
    s = sweep(CHA, {"c": "0:1:41", "t": "0:2:41"}, selection=rule, chunk_size=500)
    table = s.table
    assert len(table) == 41 * 41 and s.chunks == 4
    rng = np.random.default_rng(7)
    picks = list(rng.choice(len(table), 25, replace=False))
    picks += list(np.flatnonzero(table["degenerate"].to_numpy()))[:10]
    assert table["degenerate"].any()  # c = c*(t) lands on the grid: the exact path ran
    for k in picks:
        row = table.iloc[int(k)]
        assert_row_matches(CHA, row, {"c": float(row.c), "t": float(row.t)}, rule)


def test_walt_sweep_equals_solve_with_fixed_values():
    fixed = {"theta": "0.25", "k_B": "0.5"}
    s = sweep(WALT, product({"c": "0:1:11", "tau": "0:4:9"}), fixed=fixed)
    assert set(s.table.columns) >= {"c", "tau", "label", "eq_alliance", "p_A_balance", "u_B"}
    assert "theta" not in s.table.columns and s.fixed["theta"] == Fraction(1, 4)
    for k in range(0, len(s.table), 7):
        row = s.table.iloc[k]
        assert_row_matches(WALT, row, {**fixed, "c": float(row.c), "tau": float(row.tau)},
                           WALT.selection)


@pytest.mark.parametrize("rule", ["payoff_dominance", "risk_dominance"])
def test_exact_ties_that_floats_break_are_solved_exactly(rule):
    # c=1, tau=1/4: every payoff is -3/10 exactly (degenerate: 4 equilibria), but
    # 0.25 * (1 - 0.2) + 0.1 != 0.3 in floats; c=0.05, tau=5 and c=0.2, tau=1.25: the
    # risk-dominance products tie exactly (nothing selected), not in floats.
    s = sweep(WALT, points({"c": [1, 0.05, 0.2, 0.5], "tau": [0.25, 5, 1.25, 2]}),
              selection=rule)
    assert s.table.n_equilibria[0] == 4 and s.table.degenerate[0]
    for k in range(len(s.table)):
        row = s.table.iloc[k]
        assert_row_matches(WALT, row, {"c": float(row.c), "tau": float(row.tau)}, rule)


@settings(max_examples=12)
@given(x=st.sampled_from(["0.5", "1", "2"]), y=st.sampled_from(["0", "0.2", "0.6"]),
       k=st.sampled_from(["0", "0.1", "0.3"]), phi=st.sampled_from(["0", "0.2", "0.5"]),
       seed=st.integers(0, 10))
def test_random_model_parameters_and_sampled_points_equal_solve(x, y, k, phi, seed):
    fixed = {"x_A": x, "y_B": y, "k_A": k, "phi": phi}
    grid = latin_hypercube({"c": (0, 1), "t": (0, 3)}, 12, seed=seed)
    s = sweep(CHA, grid, fixed=fixed, chunk_size=5)
    for k_row in range(len(s.table)):
        row = s.table.iloc[k_row]
        assert_row_matches(CHA, row, {**fixed, "c": float(row.c), "t": float(row.t)},
                           "payoff_dominance")


@settings(max_examples=10)
@given(theta=st.sampled_from(["0", "0.2", "0.5"]), mu_1=st.sampled_from(["0", "0.1", "0.3"]),
       k_A=st.sampled_from(["0.1", "0.3"]), a_B=st.sampled_from(["0", "0.1", "0.3"]),
       rule=st.sampled_from(["payoff_dominance", "risk_dominance", "all"]))
def test_walt_decimal_grids_with_exact_ties_equal_solve(theta, mu_1, k_A, a_B, rule):
    fixed = {"theta": theta, "mu_1": mu_1, "k_A": k_A, "a_B": a_B}
    s = sweep(WALT, {"c": "0:1:5", "tau": "0:2:5"}, fixed=fixed, selection=rule, chunk_size=7)
    for k in range(len(s.table)):
        row = s.table.iloc[k]
        assert_row_matches(WALT, row, {**fixed, "c": float(row.c), "tau": float(row.tau)}, rule)


def test_rows_per_equilibrium_list_every_equilibrium_in_solve_order():
    s = sweep(CHA, {"c": [0, 0.5, 0.9]}, rows="equilibria")
    t = s.table
    assert list(t.columns[:3]) == ["c", "equilibrium", "n_equilibria"]
    for c in (0.0, 0.5, 0.9):
        sol, eq, _ = reference_row(CHA, {"c": c}, CHA.selection)
        part = t[t.c == c]
        assert len(part) == len(sol.equilibria)
        for (_, row), e in zip(part.iterrows(), sol.equilibria, strict=True):
            assert abs(row.p_A_cooperate - e.profile[0][0]) <= TOL
            assert bool(row.selected) == (e is eq)
        assert part.selected.sum() == (eq is not None)
    assert set(t.profile) >= {"mutual_cooperation", "mutual_distance", "mixed"}


def test_three_player_models_fall_back_to_pure_equilibria_per_point():
    data = {
        "model": {"name": "three", "players": ["A", "B", "C"],
                  "strategies": [["x", "y"], ["x", "y"], ["x", "y"]]},
        "parameters": {"g": {"domain": "[0, 2]", "default": 1}},
        "payoffs": {f"{a},{b},{c}": [f"g * {int(a == b == c)}", f"{int(a == b)}", "1"]
                    for a in "xy" for b in "xy" for c in "xy"},
        "profiles": {"all_x": ["x", "x", "x"]},
        "outcomes": {"labels": {"coordinated": "all_x"}, "otherwise": "split"},
    }
    m = parse_model(data, where="three.toml")
    s = sweep(m, {"g": [0, 1]})
    for k, g in enumerate((0, 1)):
        sol = solve(m.at(g=g))
        assert s.table.n_equilibria[k] == len(sol.equilibria)
        assert bool(s.table.eq_all_x[k]) == any(e.pure_profile == (0, 0, 0)
                                                 for e in sol.equilibria)
    assert "p_C_y" in s.table.columns


def test_sweep_record_and_model_default_selection():
    s = sweep("cha_quasi_alliance", {"c": "0:1:3"})
    assert isinstance(s, Sweep) and s.model == "cha_quasi_alliance"
    assert s.selection == "payoff_dominance" and s.engine == "local" and len(s) == 3
    assert s.parameters == ("c",) and "3 rows" in repr(s)


def test_dask_local_cluster_gives_the_identical_table():
    grid = {"c": "0:1:31", "t": "0:1:31"}
    local = sweep(CHA, grid, chunk_size=200)
    dask = sweep(CHA, grid, chunk_size=200, engine="dask", workers=2)
    assert dask.engine == "dask" and dask.chunks == local.chunks == 5
    pd.testing.assert_frame_equal(local.table, dask.table)


def test_dask_scheduler_address_gives_the_identical_table():
    from dask.distributed import LocalCluster

    grid = {"c": "0:1:11", "tau": "0:4:11"}
    local = sweep(WALT, grid, chunk_size=40)
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        remote = sweep(WALT, grid, chunk_size=40, engine="dask",
                       scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local.table, remote.table)


def test_progress_bar_only_when_asked_or_on_a_terminal(capsys):
    sweep(CHA, {"c": "0:1:30"}, chunk_size=10)
    assert capsys.readouterr().err == ""  # stderr is not a terminal under pytest
    sweep(CHA, {"c": "0:1:30"}, chunk_size=10, progress=True)
    err = capsys.readouterr().err
    assert "sweep cha_quasi_alliance" in err and "/30" in err


def test_unreachable_scheduler_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(sweep_module, "CONNECT_TIMEOUT", 1.0)
    t0 = time.perf_counter()
    with pytest.raises(SweepError, match="cannot connect to a Dask scheduler"):
        sweep(CHA, {"c": [0.5]}, engine="dask", scheduler="tcp://127.0.0.1:9")
    assert time.perf_counter() - t0 < 20


class Killed(BaseException):
    """Stands for an interruption (KeyboardInterrupt would stop pytest itself)."""


def test_interrupted_sweep_resumes_without_recomputing_finished_chunks(tmp_path, monkeypatch):
    grid = {"c": "0:1:21", "t": "0:1:21"}
    whole = sweep(CHA, grid, chunk_size=50)
    calls, resuming = [], []
    real = outcomes_module.evaluate_chunk

    def flaky(spec, columns):
        calls.append(1)
        if len(calls) == 4 and not resuming:
            raise Killed
        return real(spec, columns)

    monkeypatch.setattr(sweep_module, "evaluate_chunk", flaky)
    cp = tmp_path / "cp"
    with pytest.raises(Killed):
        sweep(CHA, grid, chunk_size=50, checkpoint=cp)
    assert len(list(cp.glob("chunk-*.npz"))) == 3
    assert not list(cp.glob("*.tmp")) and not list(cp.glob(".*"))
    calls.clear()
    resuming.append(True)
    sizes = []
    monkeypatch.setattr(sweep_module, "evaluate_chunk",
                        lambda spec, columns: sizes.append(len(next(iter(columns.values()))))
                        or flaky(spec, columns))
    resumed = sweep(CHA, grid, chunk_size=50, checkpoint=cp, resume=True)
    # the 6 missing chunks computed whole; the 3 resumed ones checked on 32 points each
    assert resumed.resumed_chunks == 3 and len(calls) == resumed.chunks == 9
    assert sorted(sizes) == [32] * 3 + [41] + [50] * 5
    pd.testing.assert_frame_equal(whole.table, resumed.table)
    assert not cp.exists()  # removed after success


def test_resume_of_a_different_sweep_is_refused(tmp_path):
    cp = tmp_path / "cp"
    sweep(CHA, {"c": "0:1:11"}, chunk_size=3, checkpoint=cp, keep_checkpoint=True)
    with pytest.raises(CheckpointError, match="different sweep"):
        sweep(CHA, {"c": "0:1:12"}, chunk_size=3, checkpoint=cp, resume=True)
    with pytest.raises(CheckpointError, match="different sweep"):
        sweep(CHA, {"c": "0:1:11"}, chunk_size=3, checkpoint=cp, resume=True,
              selection="risk_dominance")
    again = sweep(CHA, {"c": "0:1:11"}, chunk_size=3, checkpoint=cp, resume=True)
    assert again.resumed_chunks == again.chunks == 4


def test_killed_cli_sweep_resumes_to_the_uninterrupted_table(tmp_path):
    args = ["sweep", "cha_quasi_alliance", "--vary", "c=0:1:61", "--vary", "t=0:1:61",
            "--chunk-size", "40", "--no-progress"]
    out = tmp_path / "t.csv"
    env = {**os.environ, "PYTHONPATH": str(Path(sweep_module.__file__).parents[2])}  # src/
    proc = subprocess.Popen([sys.executable, "-m", "qa_games.cli", *args, "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    chunks = tmp_path / "t.csv.chunks"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(chunks.glob("chunk-*.npz"))) >= 5:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.wait(timeout=60)
    proc.stderr.close()
    if proc.returncode == -signal.SIGKILL:
        assert not out.exists()  # never a half-written output
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".t.csv")]
    assert main([*args, "--out", str(out), "--resume"]) == 0
    assert main([*args, "--out", str(tmp_path / "whole.csv")]) == 0
    assert out.read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert not chunks.exists()


def test_done_criterion_cli_table_and_region_map_local_and_dask(tmp_path, capsys):
    base = ["sweep", "cha_quasi_alliance", "--vary", "c=0:1:101", "--vary", "t=0:1:101"]
    assert main([*base, "--out", str(tmp_path / "t.csv"), "--plot",
                 str(tmp_path / "map.png")]) == 0
    err = capsys.readouterr().err
    assert "10201 rows" in err
    table = pd.read_csv(tmp_path / "t.csv")
    assert len(table) == 10201 and set(table.label) == {"cooperation", "friction"}
    png = (tmp_path / "map.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    assert main([*base, "--out", str(tmp_path / "d.csv"), "--engine", "dask",
                 "--plot", str(tmp_path / "d.pdf")]) == 0
    assert (tmp_path / "t.csv").read_bytes() == (tmp_path / "d.csv").read_bytes()
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")


def test_cli_prints_csv_without_out_and_supports_samples(capsys):
    assert main(["sweep", "cha_quasi_alliance", "--vary", "c=0,1", "--set", "t=2"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("c,n_equilibria") and len(out.splitlines()) == 3
    assert main(["sweep", "cha_quasi_alliance", "--vary", "c", "--vary", "t=0:2",
                 "--sample", "7", "--seed", "3"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 8


@pytest.mark.parametrize("argv, message", [
    (["--vary", "fear=0:1:3"], "unknown parameter 'fear'"),
    (["--vary", "c=0:1.5:4"], "c=1.5 is outside its domain [0, 1]"),
    (["--vary", "c=0:1:0"], "n=0 must be a whole number >= 1"),
    (["--vary", "c="], "give values"),
    ([], "at least one --vary"),
    (["--vary", "c=0:1:3", "--set", "c=0.5"], "both varied and fixed"),
    (["--vary", "c=0:1:3", "--out", "t.xlsx"], "unknown table format"),
    (["--vary", "c=0:1:3", "--plot", "m.gif"], "unknown figure format"),
    (["--vary", "c=0:1:3", "--out", "/nonexistent/dir/t.csv"], "does not exist"),
    (["--vary", "c=0:1:3", "--scheduler", "tcp://x:1"], "needs --engine dask"),
    (["--vary", "c=0,1", "--vary", "t=1,2", "--vary", "phi=0,0.5", "--plot", "m.png"],
     "one or two varied parameters"),
    (["--vary", "c=0,1", "--rows", "equilibria", "--plot", "m.png"], "--rows points"),
])
def test_cli_bad_input_is_one_clear_line_and_writes_nothing(tmp_path, capsys, monkeypatch,
                                                            argv, message):
    monkeypatch.chdir(tmp_path)
    code = main(["sweep", "cha_quasi_alliance", *argv])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_python_api_bad_input():
    with pytest.raises(ParameterError, match="unknown parameter 'zeta'"):
        sweep(CHA, {"zeta": [1]})
    with pytest.raises(ParameterError, match="outside its domain"):
        sweep(CHA, points({"c": [0.5], "phi": [1.0]}))
    with pytest.raises(ParameterError, match="empty"):
        sweep(CHA, {"c": []})
    with pytest.raises(ParameterError, match="selection='best'"):
        sweep(CHA, {"c": [0.5]}, selection="best")
    with pytest.raises(ParameterError, match="engine='spark'"):
        sweep(CHA, {"c": [0.5]}, engine="spark")
    with pytest.raises(ParameterError, match="chunk_size=0"):
        sweep(CHA, {"c": [0.5]}, chunk_size=0)
    with pytest.raises(ParameterError, match="resume=True needs a checkpoint"):
        sweep(CHA, {"c": [0.5]}, resume=True)
    with pytest.raises(ParameterError, match="constraint"):
        sweep(WALT, {"mu_1": "0:1:3"})  # mu_1 <= mu_2 = 0.3 fails at mu_1 = 0.5
    with pytest.raises(QAGamesError):
        sweep(CHA, {"c": [0.5]}, rows="games")
    with pytest.raises(UnsupportedGameError, match="normal-form model"):
        sweep("patron_sequential", {"c": [0.5]})


FREE_2X2 = parse_model({
    "model": {"name": "free", "players": ["R", "C"], "strategies": [["u", "d"], ["l", "r"]]},
    "parameters": {f"{p}{i}{j}": {"domain": "[-10, 10]", "default": 0}
                   for p in "ab" for i in "01" for j in "01"},
    "payoffs": {f"{r},{c}": [f"a{i}{j}", f"b{i}{j}"] for i, r in enumerate("ud")
                for j, c in enumerate("lr")},
    "profiles": {"ul": ["u", "l"], "dr": ["d", "r"], "ur": ["u", "r"], "also_ul": ["u", "l"]},
    "outcomes": {"labels": {"top": "ul", "bottom": "dr"}, "otherwise": "mixed_or_other"},
}, where="free.toml")


def _random_2x2_points(seed: int, k: int) -> dict[str, np.ndarray]:
    """Integer games with ties (0..3), floats, and near ties (an integer game nudged by
    about tol or a few ulps), mixed in one grid."""
    rng = np.random.default_rng(seed)
    names = [p.name for p in FREE_2X2.parameters]
    ints = rng.integers(0, 4, size=(k, 8)).astype(float)
    floats = np.round(rng.uniform(-10, 10, size=(k, 8)), 3)
    nudge = ints + rng.choice([0.0, 1e-10, -1e-10, 3e-9, 4e-16], size=(k, 8))
    kind = rng.integers(0, 3, size=k)
    values = np.where(kind[:, None] == 0, ints, np.where(kind[:, None] == 1, floats, nudge))
    return {n: values[:, q] for q, n in enumerate(names)}


@pytest.mark.parametrize("rule", ["payoff_dominance", "risk_dominance", "all"])
@pytest.mark.parametrize("seed", [0, 1])
def test_fused_2x2_kernel_equals_the_batched_solver_route(rule, seed):
    """The fused 2x2 columns (outcomes.PointTable) equal, to the bit, the route through
    solve_batch and the vectorised selection (outcomes._raw), which stays in use for
    larger games and per-equilibrium rows; both solve the same points exactly."""
    spec = outcomes_module.outcome_spec(FREE_2X2, rule=rule)
    assert outcomes_module.fused_points(spec)
    cols = _random_2x2_points(seed, 600)
    fused = pd.DataFrame(outcomes_module.chunk_columns(spec, cols))
    raw = outcomes_module._raw(spec, cols)
    batched = pd.DataFrame({**cols, **outcomes_module._point_outcomes(spec, raw)})
    pd.testing.assert_frame_equal(fused, batched)
    # the joined table (blocks of a preallocated frame) is the same table again
    table = sweep(FREE_2X2, points(cols), selection=rule).table
    pd.testing.assert_frame_equal(table, fused)
    # and it is what solve gives by hand, at a sample of the points
    for g in range(0, 600, 37):
        row = table.iloc[g]
        assert_row_matches(FREE_2X2, row, {n: float(v[g]) for n, v in cols.items()}, rule)
