"""The exact single-game solver (``qa_games.solve``) against lrsnash on random integer games.

For each square size (default 2x2 to 15x15) and each payoff family (integers 0..1000,
almost surely nondegenerate; integers 0..5, with ties, mostly degenerate), draw
``--games`` random games (seed ``--seed``) and time, interleaved game by game so both
see the same machine load:

* ``qa_games.solve(Game.from_arrays(A, B))`` (exact vertex enumeration, verified; the
  compiled int64 kernel where numba is installed and the entries fit, after a warm-up
  that imports numba and loads the kernel once, timed and printed separately);
* Debian's ``lrsnash`` (lrslib, GMP arithmetic; Avis, Rosenberg, Savani and von Stengel
  2010) on the same game, wall time of the process (skipped, with a note, when absent).

It prints the median time per game, the ratio (lrsnash / qa_games: above 1 means
qa_games is faster), the growth per added strategy (ratio of medians of consecutive
sizes) and whether both found the same equilibrium set (exact rationals). A size is
skipped once a qa_games solve takes longer than ``--budget`` seconds.

Run: ``.venv/bin/python benchmarks/bench_exact.py --sizes 2 4 6 8 10 12`` (``--help``).
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
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tabulate import tabulate  # noqa: E402

from qa_games import Game, solve  # noqa: E402

Profile = tuple[tuple[Fraction, ...], tuple[Fraction, ...]]


def lrsnash_set(path: str, A: np.ndarray, B: np.ndarray) -> tuple[float, set[Profile]]:
    """Wall time of lrsnash on (A, B) and its equilibria as exact profiles."""
    m, n = A.shape
    with open(path, "w") as fh:
        fh.write(f"{m} {n}\n\n")
        fh.write("\n".join(" ".join(str(int(v)) for v in r) for r in A) + "\n\n")
        fh.write("\n".join(" ".join(str(int(v)) for v in r) for r in B) + "\n")
    t = time.perf_counter()
    out = subprocess.run(["lrsnash", path], capture_output=True, text=True, check=True).stdout
    elapsed = time.perf_counter() - t
    # Output blocks (separated by blank lines): "2 y... payoff" lines then "1 x... payoff"
    # lines; every (x, y) of a block is an extreme equilibrium (a degenerate game's
    # components come as such products of vertices).
    found: set[Profile] = set()
    xs: list[tuple[Fraction, ...]] = []
    ys: list[tuple[Fraction, ...]] = []

    def flush() -> None:
        found.update((x, y) for x in xs for y in ys)
        xs.clear()
        ys.clear()

    for line in out.splitlines():
        parts = line.split()
        if not parts or parts[0] not in ("1", "2"):
            flush()
            continue
        if parts[0] == "2":
            if xs:
                flush()
            ys.append(tuple(Fraction(v) for v in parts[1:1 + n]))
        else:
            xs.append(tuple(Fraction(v) for v in parts[1:1 + m]))
    flush()
    return elapsed, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(range(2, 16)))
    parser.add_argument("--games", type=int, default=3, help="games per size and family")
    parser.add_argument("--highs", type=int, nargs="+", default=[1000, 5],
                        help="payoff ranges 0..high")
    parser.add_argument("--budget", type=float, default=120.0,
                        help="stop a family once one qa_games solve exceeds this (s)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--old", action="store_true",
                        help="also time the first implementation (tests/vertex_oracle.py) "
                             "on the same games: before/after")
    args = parser.parse_args(argv)
    old = None
    if args.old:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        import vertex_oracle as old
    have_lrs = shutil.which("lrsnash") is not None
    print(f"exact solver benchmark: seed {args.seed}, {args.games} games per size, "
          f"interleaved; load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f} on {os.cpu_count()} cores")
    if not have_lrs:
        print("note: lrsnash not installed (apt-get install lrslib): qa_games times only")
    # one-time costs, not charged to the first game: importing numba and loading (or, on
    # the very first run, compiling) the cached int64 kernel of qa_games.solvers.vertex_kernel
    from qa_games.solvers import vertex_kernel

    t = time.perf_counter()
    warm = np.arange(36).reshape(6, 6) % 5
    solve(Game.from_arrays(warm, warm.T))
    print(f"warm-up (numba {'import and kernel load' if vertex_kernel.available() else 'absent'}"
          f"): {time.perf_counter() - t:.2f} s, once per process")
    rng = np.random.default_rng(args.seed)
    rows, ok = [], True
    tmp = tempfile.NamedTemporaryFile(suffix=".game", delete=False).name
    for hi in args.highs:
        prev: dict[str, float] = {}
        for size in args.sizes:
            ours, theirs, same, before = [], [], 0, []
            for _ in range(args.games):
                A = rng.integers(0, hi + 1, size=(size, size))
                B = rng.integers(0, hi + 1, size=(size, size))
                t = time.perf_counter()
                sol = solve(Game.from_arrays(A, B), max_seconds=3600)
                ours.append(time.perf_counter() - t)
                mine = {eq.exact for eq in sol.equilibria}
                if old is not None:
                    a = [[Fraction(int(v)) for v in r] for r in A]
                    b = [[Fraction(int(v)) for v in r] for r in B]
                    t = time.perf_counter()
                    found, _ = old.extreme_equilibria(a, b)
                    before.append(time.perf_counter() - t)
                    assert set(found) == mine, "the new enumeration differs from the old"
                if have_lrs:
                    t_lrs, ref = lrsnash_set(tmp, A, B)
                    theirs.append(t_lrs)
                    same += mine == ref
            q = statistics.median(ours)
            row = [f"0..{hi}", f"{size}x{size}", f"{q * 1e3:,.2f}"]
            if old is not None:
                row += [f"{statistics.median(before) * 1e3:,.2f}"]
            if have_lrs:
                lq = statistics.median(theirs)
                ratio = statistics.median(b / a for a, b in zip(ours, theirs, strict=True))
                ok &= same == args.games
                row += [f"{lq * 1e3:,.2f}", f"{ratio:.2f}x",
                        f"{q / prev['q']:.2f}" if "q" in prev else "",
                        f"{lq / prev['l']:.2f}" if "l" in prev else "",
                        f"{same}/{args.games}"]
                prev["l"] = lq
            prev["q"] = q
            rows.append(row)
            print("  " + "  ".join(row), flush=True)
            if max(ours) > args.budget:
                print(f"  (stopping 0..{hi} after {size}x{size}: a solve took "
                      f"{max(ours):.1f} s > --budget {args.budget:g} s)")
                break
    os.unlink(tmp)
    headers = ["payoffs", "size", "qa_games ms"] + (["old ms"] if old is not None else [])
    if have_lrs:
        headers += ["lrsnash ms", "lrsnash / qa_games", "qa growth", "lrs growth",
                    "same equilibria"]
    print("\nMedian wall time per game (ms); ratio = median over games of lrsnash time / "
          "qa_games time (> 1: qa_games faster); growth = median time / previous size's")
    print(tabulate(rows, headers=headers, disable_numparse=True))
    print(f"\nload at the end: {os.getloadavg()[0]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
