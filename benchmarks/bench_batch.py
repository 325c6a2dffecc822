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
6x6, in both families; on 2x2 float stacks at most 3x the time of a fused single-thread
numba kernel written here that produces the same outputs (checked equal); and the batch
equal to ``solve`` on every sampled game. ``solve_batch`` runs with ``--engine`` (default
``auto``: numba when installed); the pure-numpy engine is timed alongside.

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
    import numba
except ImportError:  # pragma: no cover
    numba = None
try:
    import pygambit as gbt
    if not hasattr(gbt.Game, "from_arrays"):
        gbt = None
except ImportError:  # pragma: no cover
    gbt = None
HAVE_LRS = shutil.which("lrsnash") is not None

ATOL = 1e-9
#: solve_batch's engine (--engine)
ENGINE = ["auto"]
#: 2x2 float stacks: solve_batch within this factor of the fused single-thread kernel
FUSED_TARGET = 3.0
TARGETS = {2: 30.0, 3: 10.0, 4: 10.0, 6: 10.0}  # x the QuantEcon loop
#: size: (K games batched, loop sample, exact sample)
SIZES = {2: (1_000_000, 300, 40), 3: (100_000, 100, 20), 4: (20_000, 40, 10),
         6: (1_000, 4, 2)}
#: ties stacks as large as the float ones (they once went game by game to an exact path
#: and were kept small; the compiled integer kernel solves them batched now)
TIES_K = {m: k for m, (k, _, _) in SIZES.items()}

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


def _fused_2x2_source():
    """A fused single-thread numba kernel for 2x2 stacks: the outputs of ``solve_batch``
    (counts, degenerate, pure profiles, NaN-padded mixes and payoffs), with no input
    checks, in two passes (count, then write): the floor for that output."""
    def kernel(A, B):
        K = A.shape[0]
        counts = np.empty(K, np.int64)
        degenerate = np.empty(K, np.bool_)
        pure = np.zeros((K, 2, 2), np.bool_)
        E = 1
        for g in range(K):
            a0 = A[g, 0, 0] - A[g, 1, 0]
            a1 = A[g, 0, 1] - A[g, 1, 1]
            b0 = B[g, 0, 0] - B[g, 0, 1]
            b1 = B[g, 1, 0] - B[g, 1, 1]
            bm = (b0 > 0 and b1 < 0) or (b0 < 0 and b1 > 0)
            am = (a0 > 0 and a1 < 0) or (a0 < 0 and a1 > 0)
            pure[g, 0, 0] = a0 >= 0 and b0 >= 0
            pure[g, 0, 1] = a1 >= 0 and b0 <= 0
            pure[g, 1, 0] = a0 <= 0 and b1 >= 0
            pure[g, 1, 1] = a1 <= 0 and b1 <= 0
            c = (pure[g, 0, 0] + pure[g, 0, 1] + pure[g, 1, 0] + pure[g, 1, 1]
                 + (b0 == 0 and am) + (a0 == 0 and bm) + (am and bm) + (a1 == 0 and bm)
                 + (b1 == 0 and am))
            counts[g] = c
            E = max(E, c)
            degenerate[g] = a0 == 0 or a1 == 0 or b0 == 0 or b1 == 0
        row = np.full((K, E, 2), np.nan)
        col = np.full((K, E, 2), np.nan)
        pr = np.full((K, E), np.nan)
        pc = np.full((K, E), np.nan)
        for g in range(K):
            p00, p01, p10, p11 = A[g, 0, 0], A[g, 0, 1], A[g, 1, 0], A[g, 1, 1]
            q00, q01, q10, q11 = B[g, 0, 0], B[g, 0, 1], B[g, 1, 0], B[g, 1, 1]
            a0, a1, b0, b1 = p00 - p10, p01 - p11, q00 - q01, q10 - q11
            am = (a0 > 0 and a1 < 0) or (a0 < 0 and a1 > 0)
            bm = (b0 > 0 and b1 < 0) or (b0 < 0 and b1 > 0)
            xs0 = b1 / (b1 - b0) if bm else np.nan
            xs1 = -b0 / (b1 - b0) if bm else np.nan
            ys0 = a1 / (a1 - a0) if am else np.nan
            ys1 = -a0 / (a1 - a0) if am else np.nan
            e = 0
            for i in range(3):  # row vertex e0, x*, e1 (decreasing lexicographic)
                for j in range(3):
                    if i == 0:
                        ok_i = (j == 0 and a0 >= 0 and b0 >= 0) or (j == 1 and b0 == 0 and am) \
                            or (j == 2 and a1 >= 0 and b0 <= 0)
                    elif i == 1:
                        ok_i = bm and ((j == 0 and a0 == 0) or (j == 1 and am)
                                       or (j == 2 and a1 == 0))
                    else:
                        ok_i = (j == 0 and a0 <= 0 and b1 >= 0) or (j == 1 and b1 == 0 and am) \
                            or (j == 2 and a1 <= 0 and b1 <= 0)
                    if not ok_i:
                        continue
                    x0, x1 = (1.0, 0.0) if i == 0 else ((xs0, xs1) if i == 1 else (0.0, 1.0))
                    y0, y1 = (1.0, 0.0) if j == 0 else ((ys0, ys1) if j == 1 else (0.0, 1.0))
                    row[g, e, 0], row[g, e, 1], col[g, e, 0], col[g, e, 1] = x0, x1, y0, y1
                    pr[g, e] = x0 * (p00 * y0 + p01 * y1) + x1 * (p10 * y0 + p11 * y1)
                    pc[g, e] = x0 * (q00 * y0 + q01 * y1) + x1 * (q10 * y0 + q11 * y1)
                    e += 1
        return counts, degenerate, pure, row, col, pr, pc
    return kernel


FUSED_2X2 = None if numba is None else numba.njit(_fused_2x2_source())


def same_outputs(sol, fused) -> bool:
    """Does ``solve_batch``'s solution hold the fused kernel's outputs (NaN = NaN)?"""
    names = ("n_equilibria", "degenerate", "pure_equilibrium", "row", "col", "payoff_row",
             "payoff_col")
    return all(np.array_equal(np.asarray(getattr(sol, n)), f, equal_nan=f.dtype.kind == "f")
               for n, f in zip(names, fused, strict=True))


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
    solve_batch(A, B, engine=ENGINE[0])  # warm-up (numba compiles, memory first-touch)
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
    if ENGINE[0] != "numpy":  # the pure-numpy fallback, for comparison
        methods["numpy"] = (lambda: solve_batch(A, B, engine="numpy"), K)
    if FUSED_2X2 is not None and m == 2:
        Af, Bf = A.astype(float), B.astype(float)
        FUSED_2X2(Af[:2], Bf[:2])  # compiled here, untimed
        methods["fused"] = (lambda: FUSED_2X2(Af, Bf), K)
    if HAVE_LRS and family == "ties":
        methods["lrsnash"] = (lambda: lrsnash_loop(A, B, exact, tmp), n_exact)
    runs: dict[str, list[float]] = {k: [] for k in ["batch", *methods]}
    outs: dict[str, list[Eqs]] = {}
    for _ in range(repeats):  # interleaved, so that every method sees the same load
        t, sol = timed(lambda: solve_batch(A, B, engine=ENGINE[0]))
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
    fused_same = same_outputs(sol, outs["fused"]) if "fused" in outs else None
    return {"family": family, "m": m, "K": K, "n_loop": n_loop, "n_exact": n_exact,
            "per": per, "ratio": ratio, "agreement": agreement,
            "suspects": int(sol.suspect.sum()), "degenerate": int(sol.degenerate.sum()),
            "fused_same": fused_same, "method": sol.method}


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
    parser.add_argument("--engine", default="auto", choices=["auto", "numba", "numpy"],
                        help="solve_batch's engine (default: numba when installed)")
    args = parser.parse_args(argv)
    ENGINE[0] = args.engine
    rng = np.random.default_rng(args.seed)
    load = os.getloadavg()
    print(f"solve_batch benchmark: numpy {np.__version__}, nashpy {nashpy.__version__}, "
          f"quantecon {'absent' if qe_gt is None else __import__('quantecon').__version__}, "
          f"pygambit {'absent or not 16.x' if gbt is None else gbt.__version__}, lrsnash "
          f"{'present' if HAVE_LRS else 'absent'}, numba "
          f"{'absent' if numba is None else numba.__version__} (solve_batch engine "
          f"{args.engine}); seed {args.seed}, medians of "
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

    peers = ["quantecon", "numpy", "support", "gambit_float", "vertex", "gambit_exact",
             "lrsnash", "solve"]
    names = {"quantecon": "QuantEcon", "numpy": "numpy engine", "support": "nashpy support",
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
        if "fused" in q:  # batch time over the fused kernel's
            slower = 1.0 / q["fused"]
            met = r["family"] != "float" or (slower <= FUSED_TARGET and r["fused_same"])
            ok &= met
            row += [us(p["fused"]), f"{slower:,.1f}x",
                    ("yes" if slower <= FUSED_TARGET else "NO") + ("" if r["fused_same"]
                                                                   else " (outputs differ)")
                    + ("" if r["family"] == "float" else " (not a target)")]
        else:
            row += ["-", "-", "-"]
        rows.append(row)
    print("\nTime per game (microseconds, median) and throughput ratio of solve_batch over "
          "each loop (median of per-run ratios)")
    headers = ["family", "size", "K batched", "batch"]
    for peer in peers:
        headers += [names[peer], "ratio"]
    print(tabulate(rows, headers=headers + ["target (vs QuantEcon)", "fused 2x2",
                                            "batch / fused", f"<= {FUSED_TARGET:g}x"],
                   disable_numparse=True))
    print("(fused 2x2: a single-thread numba kernel writing the same outputs, no input "
          "checks; 'numpy engine': solve_batch(engine='numpy'), the pure-numpy fallback)")
    keys = sorted({k for r in results for k in r["agreement"]})
    rows = []
    for r in results:
        n_of = {"batch=support": r["n_loop"], "batch=quantecon": r["n_loop"]}
        rows.append([r["family"], f"{r['m']}x{r['m']}"]
                    + [f"{r['agreement'][k]}/{n_of.get(k, r['n_exact'])}"
                       if k in r["agreement"] else "-" for k in keys]
                    + [f"{r['suspects']} ({r['degenerate']} degenerate)",
                       r["method"].split(" (")[0]])
    print("\nAgreement (equal equilibrium sets, 1e-9); QuantEcon and nashpy support may "
          "miss equilibria of degenerate games (support enumeration)")
    print(tabulate(rows, headers=["family", "size", *keys, "suspects (degenerate)", "method"],
                   disable_numparse=True))
    all_agree = all(r["agreement"]["batch=solve"] == r["n_exact"] for r in results)
    print(f"\nTargets met: {'yes' if ok else 'NO'}; batch equals solve on every sampled "
          f"game: {'yes' if all_agree else 'NO'}; load at the end {os.getloadavg()[0]:.2f}")
    return 0 if ok and all_agree else 1


if __name__ == "__main__":
    raise SystemExit(main())
