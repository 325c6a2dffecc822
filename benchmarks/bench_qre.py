"""qre_batch against a per-game loop of pygambit's logit_solve_lambda on random 2x2 games.

Draw ``K`` (default 10^6) random 2x2 games with standard-normal float payoffs and time

* ``qa_games.solvers.qre.qre_batch(A, B, lam)`` on all ``K`` games (one call);
* pygambit's ``logit_solve_lambda`` (same lam) in a Python loop over a random **sample**
  of the same games; its time per game is **extrapolated** from the sample;

at each ``--lam``. Every time is the median of ``--repeats`` runs after one untimed warm-up,
the two methods interleaved in each run; the ratio (loop time per game over batched time
per game) is the median of the per-run ratios. Agreement: the largest absolute difference of
the choice probabilities between the batch and pygambit on the sample (games whose branch
passes a bifurcation point, a non-generic event, are counted and left out). Also printed:
the share of games the fast path certified (unique QRE) and the share it traced.
Target from the issue: 10^6 games in under 2 s, at least 100x the pygambit loop.

Run: ``.venv/bin/python benchmarks/bench_qre.py`` (``--help`` for options; about a minute).
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

from qa_games.solvers import qre as qre_mod  # noqa: E402


def gambit_loop(A: np.ndarray, B: np.ndarray, lam: float) -> np.ndarray:
    import pygambit as gbt

    solve = getattr(getattr(gbt, "qre", None), "logit_solve_lambda", None) or \
        gbt.nash.logit_solve_lambda
    maker = getattr(getattr(gbt, "StrategicGame", None), "from_arrays", None) or \
        gbt.Game.from_arrays
    out = np.empty((A.shape[0], 4))
    for i in range(A.shape[0]):
        g = maker(A[i], B[i])
        r = solve(g, [lam])[0]
        p1, p2 = list(g.players)
        row = [v for _, v in r.profile[p1]] + [v for _, v in r.profile[p2]]
        out[i] = row
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, default=1_000_000, help="games in the stack")
    ap.add_argument("--sample", type=int, default=200, help="games in the pygambit loop")
    ap.add_argument("--lam", type=float, nargs="+", default=[1.0, 3.0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    A = rng.normal(size=(args.k, 2, 2))
    B = rng.normal(size=(args.k, 2, 2))
    sample = rng.choice(args.k, size=min(args.sample, args.k), replace=False)
    warnings.simplefilter("ignore", qre_mod.QREBifurcationWarning)
    print(f"{args.k} random 2x2 games (standard-normal payoffs), pygambit sample "
          f"{sample.size}, median of {args.repeats} runs")
    for lam in args.lam:
        qre_mod.qre_batch(A[:1000], B[:1000], lam)  # warm-up
        gambit_loop(A[sample[:5]], B[sample[:5]], lam)
        t_batch, t_loop, ratios = [], [], []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            P, Q = qre_mod.qre_batch(A, B, lam)
            tb = time.perf_counter() - t0
            t0 = time.perf_counter()
            ref = gambit_loop(A[sample], B[sample], lam)
            tl = time.perf_counter() - t0
            t_batch.append(tb)
            t_loop.append(tl)
            ratios.append((tl / sample.size) / (tb / args.k))
        _, _, bif = qre_mod._qre_2x2(A[sample], B[sample], np.full(sample.size, lam))
        generic = np.isnan(bif)
        ours = np.concatenate([P[sample], Q[sample]], axis=1)
        diff = np.abs(ours - ref)[generic].max()
        lal = A[:, 0, 0] - A[:, 1, 0] - A[:, 0, 1] + A[:, 1, 1]
        lga = B[:, 0, 0] - B[:, 0, 1] - B[:, 1, 0] + B[:, 1, 1]
        glob = float(np.mean(lam * lam * lal * lga < 15))
        print(f"lam = {lam:g}: qre_batch {statistics.median(t_batch):.3f} s for {args.k} games "
              f"({statistics.median(t_batch) / args.k * 1e6:.3f} us/game); pygambit loop "
              f"{statistics.median(t_loop) / sample.size * 1e6:.0f} us/game; ratio "
              f"{statistics.median(ratios):.0f}x; max |difference| on the sample "
              f"{diff:.2e} ({int((~generic).sum())} non-generic left out); "
              f"unique by the global bound {glob:.1%}")


if __name__ == "__main__":
    main()
