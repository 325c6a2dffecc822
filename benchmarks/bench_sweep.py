"""Sweeps of Cha's quasi-alliance model over 10^6 and 10^7 points, against issue 14's targets.

The grid is the product of ``c`` in [0, 1] (N / 1000 values) and ``t`` in [0, 10] (1000
values), every other parameter at its default: ``sweep("cha_quasi_alliance", grid)``
with the local engine, no checkpoint, one row per point (the table a user gets).
Each run is a fresh subprocess that loads the model, builds the grid and times the
``sweep`` call (wall and CPU seconds); its peak resident set size
(``resource.getrusage``) covers the whole process. The peer is the previous
implementation: the package at ``--peer`` (a git revision, default the commit before
the fused 2x2 kernel), extracted with ``git archive`` into a temporary folder and run
the same way, interleaved with ours. A smaller sweep (10^5 points) checks that both
give the identical table (a hash of every column and the dtypes).

Targets (issue 14): 10^6 points in under 0.6 s, 10^7 in under 5 s and 2 GB.

Run: ``.venv/bin/python benchmarks/bench_sweep.py`` (``--help`` for options); the
machine's load average is printed with the figures (ratios are measured in one run).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The last commit before the fused 2x2 sweep kernel (issue 14).
PEER_REVISION = "8073ddc"
TARGET_SECONDS = {10**6: 0.6, 10**7: 5.0}
TARGET_BYTES = 2 * 1024**3

CHILD = r"""
import json, resource, sys, time
import pandas as pd
from qa_games.analysis.grid import product
from qa_games.analysis.sweep import sweep
from qa_games.modelfiles.loader import load_model

n = int(sys.argv[1])
model = load_model("cha_quasi_alliance")
grid = product({"c": f"0:1:{n // 1000}", "t": "0:10:1000"})
wall, cpu = time.perf_counter(), time.process_time()
table = sweep(model, grid, progress=False).table
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
digest = None
if sys.argv[2] == "hash":
    digest = [str(table.dtypes.to_dict()),
              int(pd.util.hash_pandas_object(table, index=False).sum())]
print(json.dumps({"wall": wall, "cpu": cpu, "rows": len(table), "digest": digest,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""


def extract(revision: str, into: Path) -> Path:
    """The ``src`` and ``models`` folders of ``revision`` under ``into``."""
    archive = into / "peer.tar"
    with archive.open("wb") as f:
        subprocess.run(["git", "-C", str(ROOT), "archive", revision, "src", "models"],
                       stdout=f, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "peer", filter="data")
    return into / "peer" / "src"


def run(src: Path, n: int, what: str = "time") -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(n), what], env=env, check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1e6, 1e7],
                    help="grid sizes (multiples of 1000; default 1e6 1e7)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per size and route")
    ap.add_argument("--peer", default=PEER_REVISION,
                    help=f"git revision of the peer (default {PEER_REVISION}; 'none': skip)")
    args = ap.parse_args()
    ours = ROOT / "src"
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory() as tmp:
        peer = None if args.peer == "none" else extract(args.peer, Path(tmp))
        if peer is not None:
            a, b = run(ours, 10**5, "hash"), run(peer, 10**5, "hash")
            same = a["digest"] == b["digest"]
            print(f"identical table at 10^5 points (hash of every column and dtype): "
                  f"{'yes' if same else 'NO'}")
        met_all = True
        for size in args.sizes:
            n = int(size)
            rows: dict[str, list[dict]] = {"ours": [], "peer": []}
            for _ in range(args.repeats):  # interleaved
                rows["ours"].append(run(ours, n))
                if peer is not None:
                    rows["peer"].append(run(peer, n))
            print(f"\n{n:,} points (c x t, median of {args.repeats}):")
            print(f"  {'route':<6} {'wall s':>8} {'CPU s':>8} {'peak RSS GB':>12}")
            med = {}
            for route, runs in rows.items():
                if not runs:
                    continue
                med[route] = {k: statistics.median(r[k] for r in runs)
                              for k in ("wall", "cpu", "rss")}
                m = med[route]
                print(f"  {route:<6} {m['wall']:8.2f} {m['cpu']:8.2f} {m['rss'] / 1e9:12.2f}")
            if "peer" in med:
                print(f"  speed-up vs peer: {med['peer']['wall'] / med['ours']['wall']:.2f}x "
                      f"wall, {med['peer']['cpu'] / med['ours']['cpu']:.2f}x CPU")
            target = TARGET_SECONDS.get(n)
            if target is not None:
                ok = med["ours"]["wall"] < target and (n < 10**7
                                                       or med["ours"]["rss"] < TARGET_BYTES)
                met_all &= ok
                extra = " and 2 GB" if n >= 10**7 else ""
                print(f"  target {target:g} s{extra}: {'met' if ok else 'NOT met'} "
                      f"(CPU {'within' if med['ours']['cpu'] < target else 'above'} it)")
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"all targets met: {'yes' if met_all else 'no'}")


if __name__ == "__main__":
    main()
