"""Backward induction on a random perfect-information tree of 10^5 nodes.

Times, interleaved in each repeat so they see the same machine load:

* ``subgame_perfect``: :func:`qa_games.solvers.subgame_perfect.subgame_perfect` with
  exact payoffs, every SPE counted exactly and up to ten listed (``limit=10``);
* ``naive``: the textbook loop as a floor: one pass over the nodes in reverse
  preorder, float payoffs, the first maximiser at each node (one SPE, no count);
* ``build``: constructing and validating the tree (:func:`random_tree`).

Prints medians (wall and CPU time) and the ratio ``subgame_perfect / naive``; exits
non-zero when the median CPU time of ``subgame_perfect`` exceeds the issue's target
(5 s; on a shared machine the wall time also counts waiting for a core) or the naive
value is
not among the SPE's (with payoffs in 0..10^6 ties are rare and the SPE few).

    .venv/bin/python benchmarks/bench_tree.py                # about half a minute
    .venv/bin/python benchmarks/bench_tree.py --nodes 20000 --repeats 1
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from qa_games.games.tree import random_tree
from qa_games.solvers.subgame_perfect import subgame_perfect

TARGET_SECONDS = 5.0


def naive(tree):
    nodes = tree.nodes
    value = [None] * len(nodes)
    for k in reversed(tree.preorder):
        node = nodes[k]
        if node.kind == "terminal":
            value[k] = tuple(float(u) for u in node.payoffs)
        elif node.kind == "chance":
            vals = [value[c] for c in node.children]
            value[k] = tuple(sum(float(p) * v[i] for p, v in zip(node.probs, vals, strict=True))
                             for i in range(len(tree.players)))
        else:
            i = node.player
            value[k] = max((value[c] for c in node.children), key=lambda v: v[i])
    return value[0]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ties", action="store_true",
                    help="payoffs in 0..3 (many ties, astronomically many SPE) instead of "
                         "0..10^6")
    args = ap.parse_args(argv)
    hi = 3 if args.ties else 10**6
    times: dict[str, list[float]] = {"build": [], "subgame_perfect": [], "naive": []}
    cpu: list[float] = []
    agree = True
    count = None
    for rep in range(args.repeats):
        t0 = time.perf_counter()
        tree = random_tree(args.nodes, seed=args.seed + rep, payoffs=(0, hi))
        t1 = time.perf_counter()
        c1 = time.process_time()
        sol = subgame_perfect(tree, limit=10)
        cpu.append(time.process_time() - c1)
        t2 = time.perf_counter()
        ref = naive(tree)
        t3 = time.perf_counter()
        times["build"].append(t1 - t0)
        times["subgame_perfect"].append(t2 - t1)
        times["naive"].append(t3 - t2)
        count = sol.count
        if not args.ties:  # rare ties aside, the SPE is unique; the naive value is one
            agree &= (sol.count <= 10 and ref in
                      {tuple(float(u) for u in e.payoffs) for e in sol.equilibria})
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"random perfect-information tree, {len(tree.nodes)} nodes, "
          f"{len(tree.infosets)} decision nodes, payoffs 0..{hi}, {args.repeats} repeats")
    for k, v in med.items():
        print(f"  {k:16s} median {v:7.3f} s")
    print(f"  subgame_perfect  median {statistics.median(cpu):7.3f} s of CPU time (this "
          f"process; the wall time above includes waiting for a shared core)")
    print(f"  ratio subgame_perfect / naive: {med['subgame_perfect'] / med['naive']:.1f}")
    digits = int(count.bit_length() * 0.30103) + 1 if count else 1
    print(f"  SPE counted exactly: {count if digits < 30 else f'about 10^{digits - 1}'}")
    cpu_med = statistics.median(cpu)
    ok = cpu_med < TARGET_SECONDS and agree
    print(f"target: subgame_perfect under {TARGET_SECONDS} s (CPU time; wall time "
          f"{med['subgame_perfect']:.2f} s): {'met' if cpu_med < TARGET_SECONDS else 'MISSED'}; "
          f"agreement with the naive loop: {agree}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
