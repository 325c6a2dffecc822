"""solve_batch against per-game loops of nashpy and pygambit on random games.

For each size (2x2, 3x3, 4x4, 6x6), draw ``K`` random games with standard-normal
float payoffs (nondegenerate with probability 1) and time

* ``qa_games.solvers.batch.solve_batch`` on all ``K`` games (vectorised, one call);
* nashpy's ``support_enumeration`` and ``vertex_enumeration`` in a Python loop,
* pygambit's ``enummixed_solve`` in a Python loop, in floats (``rational=False``)
  and exactly (``rational=True``, the reference: every extreme equilibrium),

the loops on a random **sample** of the same games only: their time per game is
**extrapolated** (throughput = sample size / loop time). Every time is the median of
``--repeats`` runs, all measured in this run after one untimed warm-up; the runs of
the methods are interleaved (so all see the same machine load), and each ratio
(per-game loop time over per-game batched time) is the median of the per-run
ratios. Targets from the issue: 2x2 >= 1000x and 4x4 >= 50x the
nashpy support-enumeration loop.

Agreement counts (equilibrium sets equal as sets, each probability within 1e-9):
the batch, nashpy support and nashpy vertex enumeration against pygambit's exact
sets on the exact sample, and the batch against nashpy support on the loop sample.

Run: ``.venv/bin/python benchmarks/bench_batch.py`` (``--help`` for options; about
1-3 minutes with the defaults).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import nashpy  # noqa: E402
import pygambit as gbt  # noqa: E402
from tabulate import tabulate  # noqa: E402

from qa_games.solvers.batch import solve_batch  # noqa: E402

ATOL = 1e-9
TARGETS = {2: 1000.0, 4: 50.0}  # x the nashpy support-enumeration loop
#: size: (K games batched, loop sample, exact-Gambit / vertex-enumeration sample)
SIZES = {2: (1_000_000, 300, 40), 3: (100_000, 100, 20), 4: (20_000, 40, 10),
         6: (1_000, 4, 2)}

Eqs = list[tuple[float, ...]]


def batch_sets(sol, games) -> list[Eqs]:
    return [[x + y for x, y in sol.equilibria(int(g))] for g in games]


def nashpy_loop(A, B, games, method: str) -> list[Eqs]:
    out = []
    with warnings.catch_warnings():  # nashpy warns on (what it takes for) degeneracy
        warnings.simplefilter("ignore")
        for g in games:
            eqs = getattr(nashpy.Game(A[g], B[g]), method)()
            out.append([tuple(float(p) for p in x) + tuple(float(p) for p in y)
                        for x, y in eqs])
    return out


def gambit_loop(A, B, games, rational: bool) -> list[Eqs]:
    out = []
    for g in games:
        game = gbt.Game.from_arrays(A[g], B[g])
        players = list(game.players)
        res = gbt.nash.enummixed_solve(game, rational=rational)
        out.append([tuple(float(eq[s]) for p in players for s in p.strategies)
                    for eq in res.equilibria])
    return out


def same_set(got: Eqs, ref: Eqs) -> bool:
    """Equal as sets of profiles within ATOL (repeats in either list are ignored)."""
    def close(p, q):
        return max(abs(u - v) for u, v in zip(p, q, strict=True)) <= ATOL

    return all(any(close(p, q) for q in ref) for p in got) and \
        all(any(close(p, q) for q in got) for p in ref)


def agree(a: list[Eqs], b: list[Eqs]) -> int:
    return sum(same_set(x, y) for x, y in zip(a, b, strict=True))


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def run_size(m: int, K: int, n_loop: int, n_exact: int, repeats: int, rng) -> dict:
    A = rng.normal(size=(K, m, m))
    B = rng.normal(size=(K, m, m))
    loop = rng.choice(K, size=n_loop, replace=False)
    exact = loop[:n_exact]
    solve_batch(A, B)  # warm-up, not timed (first-touch of memory, caches)
    nashpy_loop(A, B, loop[:1], "support_enumeration")
    runs: dict[str, list[float]] = {k: [] for k in ("batch", "support", "gambit_float",
                                                    "vertex", "gambit_exact")}
    for _ in range(repeats):  # interleaved, so that every method sees the same load
        t, sol = timed(lambda: solve_batch(A, B))
        runs["batch"].append(t / K)
        t, sup = timed(lambda: nashpy_loop(A, B, loop, "support_enumeration"))
        runs["support"].append(t / n_loop)
        t, _ = timed(lambda: gambit_loop(A, B, loop, False))
        runs["gambit_float"].append(t / n_loop)
        t, vtx = timed(lambda: nashpy_loop(A, B, exact, "vertex_enumeration"))
        runs["vertex"].append(t / n_exact)
        t, ref = timed(lambda: gambit_loop(A, B, exact, True))
        runs["gambit_exact"].append(t / n_exact)
    per = {k: statistics.median(v) for k, v in runs.items()}
    ratio = {k: statistics.median(t / b for t, b in zip(v, runs["batch"], strict=True))
             for k, v in runs.items() if k != "batch"}
    mine = batch_sets(sol, loop)
    return {
        "m": m, "K": K, "n_loop": n_loop, "n_exact": n_exact, "per": per, "ratio": ratio,
        "suspects": int(sol.suspect.sum()), "degenerate": int(sol.degenerate.sum()),
        "batch=gambit": agree(mine[:n_exact], ref),
        "support=gambit": agree(sup[:n_exact], ref),
        "vertex=gambit": agree(vtx, ref),
        "batch=support": agree(mine, sup),
        "support_differs_batch_right": sum(
            same_set(b, r) and not same_set(s, r)
            for b, s, r in zip(mine[:n_exact], sup[:n_exact], ref, strict=True)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                        choices=list(SIZES), help="square game sizes to run")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per measurement")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply every K and sample size (e.g. 0.1 for a quick run)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    print(f"solve_batch benchmark: numpy {np.__version__}, nashpy {nashpy.__version__}, "
          f"pygambit {gbt.__version__}, seed {args.seed}, medians of {args.repeats} "
          f"interleaved runs after a warm-up; loop times are per game on a sample of the "
          f"same games, extrapolated")
    results = []
    for m in args.sizes:
        K, n_loop, n_exact = (max(1, int(round(v * args.scale))) for v in SIZES[m])
        n_exact = min(n_exact, n_loop)
        t0 = time.perf_counter()
        results.append(run_size(m, K, n_loop, n_exact, args.repeats, rng))
        print(f"  {m}x{m} done in {time.perf_counter() - t0:.1f} s", flush=True)

    def us(s: float) -> str:
        return f"{s * 1e6:,.2f}" if s < 1e-4 else f"{s * 1e6:,.0f}"

    rows, ok = [], True
    for r in results:
        p, q = r["per"], r["ratio"]
        ratio = q["support"]
        target = TARGETS.get(r["m"])
        met = "" if target is None else ("yes" if ratio >= target else "NO")
        ok &= met != "NO"
        rows.append([f"{r['m']}x{r['m']}", f"{r['K']:,}", us(p["batch"]),
                     us(p["support"]), f"{ratio:,.0f}x",
                     us(p["vertex"]), f"{q['vertex']:,.0f}x",
                     us(p["gambit_float"]), f"{q['gambit_float']:,.0f}x",
                     us(p["gambit_exact"]), f"{q['gambit_exact']:,.0f}x",
                     "" if target is None else f">= {target:,.0f}x: {met}"])
    print("\nTime per game (microseconds, median) and throughput ratio of solve_batch over "
          "each loop (median of per-run ratios)")
    print(tabulate(rows, headers=["size", "K batched", "batch", "nashpy support", "ratio",
                                  "nashpy vertex", "ratio", "gambit float", "ratio",
                                  "gambit exact", "ratio", "target (vs support)"],
                   colalign=("left",) + ("right",) * 11, disable_numparse=True))
    rows = [[f"{r['m']}x{r['m']}", f"{r['batch=gambit']}/{r['n_exact']}",
             f"{r['support=gambit']}/{r['n_exact']}", f"{r['vertex=gambit']}/{r['n_exact']}",
             f"{r['batch=support']}/{r['n_loop']}", r["support_differs_batch_right"],
             f"{r['suspects']} ({r['degenerate']} degenerate)"] for r in results]
    print("\nAgreement (equal equilibrium sets, 1e-9) with pygambit enummixed_solve "
          "(rational=True) on the exact sample, and of the batch with nashpy support on "
          "the loop sample")
    print(tabulate(rows, headers=["size", "batch = gambit", "nashpy support = gambit",
                                  "nashpy vertex = gambit", "batch = nashpy support",
                                  "nashpy wrong, batch right", "suspects -> exact solver"],
                   disable_numparse=True))
    all_agree = all(r["batch=gambit"] == r["n_exact"] for r in results)
    print(f"\nTargets met: {'yes' if ok else 'NO'}; batch equals gambit on every sampled "
          f"game: {'yes' if all_agree else 'NO'}")
    return 0 if ok and all_agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
