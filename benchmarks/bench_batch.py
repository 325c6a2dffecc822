"""solve_batch against per-game loops of nashpy, QuantEcon, pygambit and lrsnash.

For each size (2x2, 3x3, 4x4, 6x6) and each family -- ``float`` (standard-normal
payoffs, nondegenerate with probability 1) and ``ties`` (integers 0..5: ties, mostly
degenerate games) -- draw ``K`` random games and time

* ``qa_games.solvers.batch.solve_batch`` on all ``K`` games (vectorised, one call);
* Python loops over a **sample** of the same games: nashpy's ``support_enumeration``,
  QuantEcon's numba ``support_enumeration`` (compiled before timing), pygambit's
  ``enummixed_solve`` in floats; and on a smaller exact sample nashpy's
  ``vertex_enumeration``, pygambit's ``enummixed_solve(rational=True)``, ``lrsnash``
  (integer games only) and ``qa_games.solve`` (the exact reference).

Peers that are not installed are skipped with a note (QuantEcon is in the ``bench``
extra; pygambit must be 16.x; lrsnash is Debian's ``lrslib``). Loop times per game are
**extrapolated** from the sample. Every time is the median of ``--repeats`` runs after
one untimed warm-up; the methods are interleaved (the same machine load), and each
ratio (per-game loop time over per-game batched time) is the median of the per-run
ratios. Targets (issue 14): at least 30x the QuantEcon loop on 2x2 and 10x on 3x3 to
6x6, in both families; and the batch equal to ``solve`` on every sampled game.

Agreement counts (equal equilibrium sets, each probability within 1e-9): the batch
against ``solve`` and pygambit's exact sets on the exact sample, and against nashpy
support on the loop sample.

Run: ``.venv/bin/python benchmarks/bench_batch.py`` (``--help`` for options).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import nashpy  # noqa: E402
from tabulate import tabulate  # noqa: E402

from qa_games import Game, solve  # noqa: E402
from qa_games.solvers.batch import solve_batch  # noqa: E402

try:  # optional peers
    import quantecon.game_theory as qe_gt
except ImportError:  # pragma: no cover
    qe_gt = None
try:
    import pygambit as gbt
    if not hasattr(gbt.Game, "from_arrays"):
        gbt = None
except ImportError:  # pragma: no cover
    gbt = None
HAVE_LRS = shutil.which("lrsnash") is not None

ATOL = 1e-9
TARGETS = {2: 30.0, 3: 10.0, 4: 10.0, 6: 10.0}  # x the QuantEcon loop
#: size: (K games batched, loop sample, exact sample)
SIZES = {2: (1_000_000, 300, 40), 3: (100_000, 100, 20), 4: (20_000, 40, 10),
         6: (1_000, 4, 2)}
#: the ties family sends most games to the exact paths: smaller stacks
TIES_K = {2: 1_000_000, 3: 20_000, 4: 4_000, 6: 200}

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


def quantecon_loop(A, B, games) -> list[Eqs]:
    out = []
    for g in games:
        nfg = qe_gt.NormalFormGame((qe_gt.Player(A[g]), qe_gt.Player(B[g].T)))
        out.append([tuple(float(p) for p in x) + tuple(float(p) for p in y)
                    for x, y in qe_gt.support_enumeration(nfg)])
    return out


def gambit_loop(A, B, games, rational: bool) -> list[Eqs]:
    out = []
    for g in games:
        if rational:
            a, b = ([[Fraction(float(v)) for v in r] for r in X[g]] for X in (A, B))
        else:
            a, b = A[g], B[g]
        game = gbt.Game.from_arrays(a, b)
        players = list(game.players)
        res = gbt.nash.enummixed_solve(game, rational=rational)
        out.append([tuple(float(eq[s]) for p in players for s in p.strategies)
                    for eq in res.equilibria])
    return out


def solve_loop(A, B, games) -> list[Eqs]:
    return [[x + y for x, y in (eq.profile for eq in solve(Game.from_arrays(A[g], B[g]))
                                .equilibria)] for g in games]


def lrsnash_loop(A, B, games, path: str) -> list[Eqs]:
    out = []
    for g in games:
        m, n = A[g].shape
        with open(path, "w") as fh:
            fh.write(f"{m} {n}\n\n")
            for X in (A, B):
                fh.write("\n".join(" ".join(str(int(v)) for v in r) for r in X[g]) + "\n\n")
        text = subprocess.run(["lrsnash", path], capture_output=True, text=True,
                              check=True).stdout
        found: set[tuple[float, ...]] = set()
        xs: list[tuple[float, ...]] = []
        ys: list[tuple[float, ...]] = []
        for line in text.splitlines() + [""]:
            parts = line.split()
            if parts and parts[0] == "2":
                if xs:
                    found.update(x + y for x in xs for y in ys)
                    xs, ys = [], []
                ys.append(tuple(float(Fraction(v)) for v in parts[1:1 + n]))
            elif parts and parts[0] == "1":
                xs.append(tuple(float(Fraction(v)) for v in parts[1:1 + m]))
            else:
                found.update(x + y for x in xs for y in ys)
                xs, ys = [], []
        out.append(sorted(found))
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


def draw(family: str, K: int, m: int, rng) -> tuple[np.ndarray, np.ndarray]:
    if family == "float":
        return rng.normal(size=(K, m, m)), rng.normal(size=(K, m, m))
    return rng.integers(0, 6, size=(K, m, m)), rng.integers(0, 6, size=(K, m, m))


def run_size(family: str, m: int, K: int, n_loop: int, n_exact: int, repeats: int,
             rng) -> dict:
    A, B = draw(family, K, m, rng)
    loop = rng.choice(K, size=n_loop, replace=False)
    exact = loop[:n_exact]
    tmp = tempfile.NamedTemporaryFile(suffix=".game", delete=False).name
    solve_batch(A, B)  # warm-up, not timed (first-touch of memory, caches)
    nashpy_loop(A, B, loop[:1], "support_enumeration")
    methods = {
        "support": (lambda: nashpy_loop(A, B, loop, "support_enumeration"), n_loop),
        "vertex": (lambda: nashpy_loop(A, B, exact, "vertex_enumeration"), n_exact),
        "solve": (lambda: solve_loop(A, B, exact), n_exact),
    }
    if qe_gt is not None:
        quantecon_loop(A, B, loop[:2])  # numba compiles here, untimed
        methods["quantecon"] = (lambda: quantecon_loop(A, B, loop), n_loop)
    if gbt is not None:
        methods["gambit_float"] = (lambda: gambit_loop(A, B, loop, False), n_loop)
        methods["gambit_exact"] = (lambda: gambit_loop(A, B, exact, True), n_exact)
    if HAVE_LRS and family == "ties":
        methods["lrsnash"] = (lambda: lrsnash_loop(A, B, exact, tmp), n_exact)
    runs: dict[str, list[float]] = {k: [] for k in ["batch", *methods]}
    outs: dict[str, list[Eqs]] = {}
    for _ in range(repeats):  # interleaved, so that every method sees the same load
        t, sol = timed(lambda: solve_batch(A, B))
        runs["batch"].append(t / K)
        for name, (fn, count) in methods.items():
            t, outs[name] = timed(fn)
            runs[name].append(t / count)
    os.unlink(tmp)
    per = {k: statistics.median(v) for k, v in runs.items()}
    ratio = {k: statistics.median(t / b for t, b in zip(v, runs["batch"], strict=True))
             for k, v in runs.items() if k != "batch"}
    mine = batch_sets(sol, loop)
    agreement = {"batch=solve": agree(mine[:n_exact], outs["solve"]),
                 "batch=support": agree(mine, outs["support"])}
    for peer in ("gambit_exact", "lrsnash"):
        if peer in outs:
            agreement[f"batch={peer}"] = agree(mine[:n_exact], outs[peer])
    if "quantecon" in outs:
        agreement["batch=quantecon"] = agree(mine, outs["quantecon"])
    return {"family": family, "m": m, "K": K, "n_loop": n_loop, "n_exact": n_exact,
            "per": per, "ratio": ratio, "agreement": agreement,
            "suspects": int(sol.suspect.sum()), "degenerate": int(sol.degenerate.sum())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                        choices=list(SIZES), help="square game sizes to run")
    parser.add_argument("--families", nargs="+", default=["float", "ties"],
                        choices=["float", "ties"])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per measurement")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply every K and sample size (e.g. 0.1 for a quick run)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    load = os.getloadavg()
    print(f"solve_batch benchmark: numpy {np.__version__}, nashpy {nashpy.__version__}, "
          f"quantecon {'absent' if qe_gt is None else __import__('quantecon').__version__}, "
          f"pygambit {'absent or not 16.x' if gbt is None else gbt.__version__}, lrsnash "
          f"{'present' if HAVE_LRS else 'absent'}; seed {args.seed}, medians of "
          f"{args.repeats} interleaved runs after a warm-up; load {load[0]:.2f} "
          f"{load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    results = []
    for family in args.families:
        for m in args.sizes:
            K, n_loop, n_exact = SIZES[m]
            if family == "ties":
                K = TIES_K[m]
            K, n_loop, n_exact = (max(1, int(round(v * args.scale)))
                                  for v in (K, n_loop, n_exact))
            n_exact = min(n_exact, n_loop)
            t0 = time.perf_counter()
            results.append(run_size(family, m, K, n_loop, n_exact, args.repeats, rng))
            print(f"  {family} {m}x{m} done in {time.perf_counter() - t0:.1f} s", flush=True)

    def us(s: float) -> str:
        return f"{s * 1e6:,.2f}" if s < 1e-4 else f"{s * 1e6:,.0f}"

    peers = ["quantecon", "support", "gambit_float", "vertex", "gambit_exact", "lrsnash",
             "solve"]
    names = {"quantecon": "QuantEcon", "support": "nashpy support",
             "gambit_float": "gambit float", "vertex": "nashpy vertex",
             "gambit_exact": "gambit exact", "lrsnash": "lrsnash", "solve": "qa solve"}
    rows, ok = [], True
    for r in results:
        p, q = r["per"], r["ratio"]
        row = [r["family"], f"{r['m']}x{r['m']}", f"{r['K']:,}", us(p["batch"])]
        for peer in peers:
            row += ([us(p[peer]), f"{q[peer]:,.1f}x"] if peer in p else ["-", "-"])
        target = TARGETS.get(r["m"])
        if "quantecon" in q and target is not None:
            met = "yes" if q["quantecon"] >= target else "NO"
            ok &= met == "yes"
            row.append(f">= {target:,.0f}x: {met}")
        else:
            row.append("(no QuantEcon)")
        rows.append(row)
    print("\nTime per game (microseconds, median) and throughput ratio of solve_batch over "
          "each loop (median of per-run ratios)")
    headers = ["family", "size", "K batched", "batch"]
    for peer in peers:
        headers += [names[peer], "ratio"]
    print(tabulate(rows, headers=headers + ["target (vs QuantEcon)"],
                   disable_numparse=True))
    keys = sorted({k for r in results for k in r["agreement"]})
    rows = []
    for r in results:
        n_of = {"batch=support": r["n_loop"], "batch=quantecon": r["n_loop"]}
        rows.append([r["family"], f"{r['m']}x{r['m']}"]
                    + [f"{r['agreement'][k]}/{n_of.get(k, r['n_exact'])}"
                       if k in r["agreement"] else "-" for k in keys]
                    + [f"{r['suspects']} ({r['degenerate']} degenerate)"])
    print("\nAgreement (equal equilibrium sets, 1e-9); QuantEcon and nashpy support may "
          "miss equilibria of degenerate games (support enumeration)")
    print(tabulate(rows, headers=["family", "size", *keys, "suspects (degenerate)"],
                   disable_numparse=True))
    all_agree = all(r["agreement"]["batch=solve"] == r["n_exact"] for r in results)
    print(f"\nTargets met: {'yes' if ok else 'NO'}; batch equals solve on every sampled "
          f"game: {'yes' if all_agree else 'NO'}; load at the end {os.getloadavg()[0]:.2f}")
    return 0 if ok and all_agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
