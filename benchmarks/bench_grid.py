"""A 1,000,000-point grid of Cha's quasi-alliance model through three routes.

1000 values of ``c`` in [0, 1] times 1000 values of ``t`` in [0, 10] (linspace, every
other parameter at its default), solved by

(a) the batched route: ``vectorize.payoff_arrays`` then ``batch.solve_batch``;
(b) the symbolic route: ``eqmap.equilibrium_map(model)`` (built once) then
    ``.evaluate(grid).columns()``: a sweep's outcome columns (number of equilibria,
    pure-equilibrium flags, the payoff-dominance selection, its probabilities, payoffs
    and label);
(a') ``sweep.sweep(model, axes)``: the batched route plus selection and the table, for
    a column-by-column comparison of every outcome with the symbolic route;
(c) nashpy's ``support_enumeration`` in a Python loop, on a random sample of grid
    points only; its time per point is **extrapolated** to the whole grid.

It prints median wall times, throughputs and ratios, peak memory (tracemalloc peak
per route, measured in a separate traced run so that tracing does not slow the timed
runs, and the process's peak resident set size), and agreement counts: (a) vs (b) on
every point (number of equilibria, pure flags, the equilibria themselves), nashpy vs
(a) and vs (b) on the sample. Targets: < 10 s for the grid through either route,
< 2 GB peak memory.

Run: ``.venv/bin/python benchmarks/bench_grid.py`` (``--help`` for options).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import nashpy  # noqa: E402

from qa_games import load_model  # noqa: E402
from qa_games.analysis.sweep import sweep  # noqa: E402
from qa_games.games.vectorize import payoff_arrays  # noqa: E402
from qa_games.solvers.batch import solve_batch  # noqa: E402
from qa_games.solvers.eqmap import equilibrium_map  # noqa: E402

TARGET_SECONDS = 10.0
TARGET_BYTES = 2 * 1024**3
ATOL = 1e-7


def axes(side: int) -> dict[str, np.ndarray]:
    return {"c": np.linspace(0, 1, side), "t": np.linspace(0, 10, side)}


def grid(side: int) -> dict[str, np.ndarray]:
    """The points of the product grid, ``c`` slowest (the order of sweep's table)."""
    c, t = np.meshgrid(*axes(side).values(), indexing="ij")
    return {"c": c.ravel(), "t": t.ravel()}


def column_agreement(table, cols: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, int]]:
    """Per point: every outcome column of the sweep table equals the symbolic one."""
    ok = np.ones(len(table), dtype=bool)
    bad = {}
    for name, ours in cols.items():
        if name not in table:
            continue
        theirs = table[name].to_numpy()
        if ours.dtype.kind == "f":
            same = np.isclose(ours, theirs.astype(float), atol=ATOL, equal_nan=True)
        else:
            same = ours == theirs
        ok &= same
        if not same.all():
            bad[name] = int((~same).sum())
    return ok, bad


def batched(model, values):
    A, B = payoff_arrays(model, values)
    return solve_batch(A, B)


def symbolic(emap, values):
    ev = emap.evaluate(values)
    return ev, ev.columns(rule="payoff_dominance")  # the sweep's outcome columns


def timed(fn, repeats: int):
    times, out = [], None
    for _ in range(repeats):
        out = None  # free the previous result before the next run
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, out


def traced_peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def symbolic_profiles(ev, E: int) -> tuple[np.ndarray, np.ndarray]:
    """The map's distinct equilibria per point, in solve's order (decreasing
    lexicographic), padded with NaN to ``E``: arrays like BatchSolution.row/col."""
    prof = np.concatenate([ev.row, ev.col], axis=-1)  # (R, N, m+n)
    keyed = np.where(ev.distinct[..., None], -np.round(prof, 9), np.inf)
    order = np.lexsort([keyed[..., k] for k in reversed(range(prof.shape[-1]))], axis=0)
    prof = np.take_along_axis(prof, order[..., None], axis=0)
    valid = np.take_along_axis(ev.distinct, order, axis=0)
    prof = np.where(valid[..., None], prof, np.nan)
    R = prof.shape[0]
    if R < E:
        prof = np.concatenate([prof, np.full((E - R, *prof.shape[1:]), np.nan)], axis=0)
    prof = np.swapaxes(prof[:E], 0, 1)  # (N, E, m+n)
    m = ev.row.shape[-1]
    return prof[..., :m], prof[..., m:]


def same_padded(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per point: equal within ATOL where both are numbers, NaN at the same places."""
    ok = (np.isnan(x) & np.isnan(y)) | (np.abs(x - y) <= ATOL)
    return ok.reshape(len(x), -1).all(axis=1)


def nashpy_equilibria(a: np.ndarray, b: np.ndarray) -> list:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nashpy warns on degenerate games
        return list(nashpy.Game(a, b).support_enumeration())


def matches(eqs: list, rows: np.ndarray, cols: np.ndarray) -> bool:
    """nashpy's equilibria equal the padded (E, m), (E, n) arrays, as sets."""
    ref = [(r, c) for r, c in zip(rows, cols, strict=True) if not np.isnan(r).any()]
    if len(ref) != len(eqs):
        return False
    return all(any(np.allclose(x, r, atol=ATOL) and np.allclose(y, c, atol=ATOL)
                   for r, c in ref) for x, y in eqs)


def gb(n_bytes: float) -> str:
    return f"{n_bytes / 1024**3:.2f} GB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--side", type=int, default=1000, help="grid values per axis (default 1000)")
    ap.add_argument("--sample", type=int, default=1000, help="nashpy sample size (default 1000)")
    ap.add_argument("--repeats", type=int, default=3, help="timed runs per route (default 3)")
    ap.add_argument("--seed", type=int, default=20240601, help="seed of the nashpy sample")
    args = ap.parse_args(argv)

    model = load_model("cha_quasi_alliance")
    values = grid(args.side)
    N = len(values["c"])
    print(f"cha_quasi_alliance: {args.side} values of c in [0, 1] x {args.side} of t in "
          f"[0, 10] = {N:,} points, other parameters at their defaults; "
          f"median of {args.repeats} runs")

    # (a) batched
    t_a, runs_a, sol = timed(lambda: batched(model, values), args.repeats)
    # (b) symbolic: the map is built once (sympy), then evaluated (lambdified once, cached)
    t0 = time.perf_counter()
    emap = equilibrium_map(model)
    t_build = time.perf_counter() - t0
    emap.evaluate({"c": values["c"][:2]})  # compile once, outside the timed runs
    t_compile = time.perf_counter() - t0 - t_build
    t_b, runs_b, (ev, cols_b) = timed(lambda: symbolic(emap, values), args.repeats)
    n_b, pure_b = cols_b["n_equilibria"], ev.pure_equilibrium

    # (a') the sweep (batched + selection + table), compared column by column
    t_s, runs_s, table = timed(
        lambda: sweep(model, axes(args.side), progress=False).table, args.repeats)
    assert np.array_equal(table["c"].to_numpy(), values["c"])
    assert np.array_equal(table["t"].to_numpy(), values["t"])
    agree_cols, bad_cols = column_agreement(table, cols_b)

    # (c) nashpy on a sample, extrapolated
    rng = np.random.default_rng(args.seed)
    sample = np.sort(rng.choice(N, size=min(args.sample, N), replace=False))
    A_s, B_s = payoff_arrays(model, {k: v[sample] for k, v in values.items()})
    t0 = time.perf_counter()
    nash = [nashpy_equilibria(A_s[g], B_s[g]) for g in range(len(sample))]
    t_c_sample = time.perf_counter() - t0
    t_c_point = t_c_sample / len(sample)
    t_c = t_c_point * N

    # memory: one traced run per route
    peak_a = traced_peak(lambda: batched(model, values))
    peak_b = traced_peak(lambda: symbolic(emap, values))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB

    # agreement
    n_a = sol.n_equilibria
    agree_n = int((n_a == n_b).sum())
    agree_pure = int((sol.pure_equilibrium == pure_b).all(axis=(1, 2)).sum())
    E = sol.row.shape[1]
    row_b, col_b = symbolic_profiles(ev, E)
    agree_eq = int((same_padded(sol.row, row_b) & same_padded(sol.col, col_b)).sum())
    nash_vs_a = sum(matches(nash[g], sol.row[p], sol.col[p]) for g, p in enumerate(sample))
    nash_vs_b = sum(matches(nash[g], row_b[p], col_b[p]) for g, p in enumerate(sample))

    rows = [
        ("(a) batched: payoff_arrays + solve_batch", t_a, runs_a, peak_a),
        ("(b) symbolic: equilibrium_map().evaluate().columns()", t_b, runs_b, peak_b),
        ("(a') sweep(): batched + selection + pandas table", t_s, runs_s, None),
    ]
    print(f"\n{'route':52s} {'median s':>9s} {'points/s':>12s} {'peak (traced)':>14s}  runs")
    for name, t, runs, peak in rows:
        print(f"{name:52s} {t:9.3f} {N / t:12,.0f} {gb(peak) if peak else '-':>14s}  "
              + ", ".join(f"{r:.2f}" for r in runs))
    print(f"{'(c) nashpy support_enumeration loop, EXTRAPOLATED':52s} {t_c:9.1f} "
          f"{1 / t_c_point:12,.0f} {'-':>14s}  {len(sample)} sampled points took "
          f"{t_c_sample:.2f} s ({t_c_point * 1e3:.3f} ms/point) x {N:,}")
    print(f"symbolic map: built once in {t_build:.2f} s (sympy), compiled in {t_compile:.2f} s; "
          f"with both, route (b) takes {t_build + t_compile + t_b:.2f} s")
    print(f"\nratios: batched is {t_c / t_a:,.0f}x nashpy, symbolic is {t_c / t_b:,.0f}x nashpy, "
          f"symbolic is {t_a / t_b:.2f}x batched (per point; nashpy extrapolated from the sample)")
    print(f"peak resident set size of this process (all routes): {gb(rss)}")
    print(f"batched: {int(sol.suspect.sum())} suspect games solved exactly; "
          f"symbolic: {int(ev.degenerate.sum())} points flagged degenerate")
    print("\nagreement")
    print(f"  batched vs symbolic, number of equilibria:     {agree_n:,} / {N:,}")
    print(f"  batched vs symbolic, pure-equilibrium flags:   {agree_pure:,} / {N:,}")
    print(f"  batched vs symbolic, equilibria (atol {ATOL:g}): {agree_eq:,} / {N:,}")
    shown = [n for n in cols_b if n in table]
    n_cols = f"all {len(shown)} outcome columns:"
    print(f"  sweep vs symbolic, {n_cols:28s} {int(agree_cols.sum()):,} / {N:,}"
          + (f" (differ: {bad_cols})" if bad_cols else ""))
    print(f"  nashpy vs batched on the sample:               {nash_vs_a} / {len(sample)}")
    print(f"  nashpy vs symbolic on the sample:              {nash_vs_b} / {len(sample)}")
    counts = np.bincount(n_b)
    print("  equilibria per point (symbolic): "
          + ", ".join(f"{k}: {v:,}" for k, v in enumerate(counts) if v))
    regions, counts = np.unique(cols_b["region"].astype(str), return_counts=True)
    print("  selected (payoff dominance): "
          + ", ".join(f"{r or 'none'}: {v:,}" for r, v in zip(regions, counts, strict=True)))
    labels, counts = np.unique(cols_b["label"].astype(str), return_counts=True)
    print("  labels: " + ", ".join(f"{r}: {v:,}" for r, v in zip(labels, counts, strict=True)))
    ok_time = min(t_a, t_b) < TARGET_SECONDS
    ok_mem = max(peak_a, peak_b, rss) < TARGET_BYTES
    print(f"\ntargets: grid < {TARGET_SECONDS:g} s through either route: "
          f"{'met' if ok_time else 'MISSED'} (batched {t_a:.2f} s, symbolic {t_b:.2f} s); "
          f"peak memory < 2 GB: {'met' if ok_mem else 'MISSED'}")
    all_agree = agree_n == agree_pure == agree_eq == int(agree_cols.sum()) == N \
        and nash_vs_a == nash_vs_b == len(sample)
    return 0 if ok_time and ok_mem and all_agree else 1


if __name__ == "__main__":
    sys.exit(main())
