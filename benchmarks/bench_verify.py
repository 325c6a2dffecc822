"""Verification and report times: ``qa-games verify`` (every bundled model with
propositions, seed 0, 100 examples per statement) and ``qa-games report`` up to its
record section, against the previous implementation run in the same session.

Each command runs in a fresh process (imports included, as a user runs it); the figures
are medians of ``--repeats`` runs of wall time and CPU time (user + system of the child).
The report is timed through :func:`qa_games.report.document.report` in the child, which
records its sections' times: "before the record section" is the report's total time less
its ``record`` section (the few writes after it are counted, not subtracted).

The peer is the implementation at ``--peer`` (a git revision of this repository, default
8073ddc, main before issue 14's verification work), extracted with ``git archive`` into a
temporary folder; runs alternate between the two. ``--no-peer`` skips it (the figures of
benchmarks/README.md are then the reference). The verdicts of both are compared
(``verify --json``, timings removed): they must be equal.

The issue's targets (issue 14): verify under 10 s, the report under 12 s before the
record section. Run: ``.venv/bin/python benchmarks/bench_verify.py`` (about 10 minutes
on a loaded 2-core machine with the defaults; ``--only verify`` or ``--only report``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"verify": 10.0, "report": 12.0}

REPORT_CHILD = """
import json, sys, tempfile, time
t0 = time.perf_counter()
from qa_games.report.document import report
with tempfile.TemporaryDirectory() as out:
    r = report(out, seed=0)
secs = dict(r.timings)
print(json.dumps({"total": time.perf_counter() - t0, "record": secs.get("record", 0.0),
                  "sections": secs}))
"""


def _child_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run(src: Path, what: str) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stdout) of one command run in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    if what == "verify":
        cmd = [sys.executable, "-c", "import sys; from qa_games.cli import main; "
               "sys.exit(main())", "verify", "--json"]
    else:
        cmd = [sys.executable, "-c", REPORT_CHILD]
    cpu0, t0 = _child_cpu(), time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tempfile.gettempdir())
    wall, cpu = time.perf_counter() - t0, _child_cpu() - cpu0
    if what == "verify" and proc.returncode not in (0, 1) or \
            what == "report" and proc.returncode != 0:
        raise SystemExit(f"{what} failed ({src}):\n{proc.stderr[-2000:]}")
    if what == "report":  # the time before the record section, from the report's timings
        info = json.loads(proc.stdout.strip().splitlines()[-1])
        wall = info["total"] - info["record"]
        # CPU of the record section is not separable: scaled by the wall-time share
        cpu *= wall / info["total"]
    return wall, cpu, proc.stdout


def verdicts(stdout: str) -> dict:
    data = json.loads(stdout)
    return {m["model"]: [(p["id"], p["status"]) for p in m["propositions"]]
            for m in data["models"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=1, help="runs of each (default 1)")
    ap.add_argument("--peer", default="8073ddc", help="git revision of the previous "
                                                    "implementation (default 8073ddc)")
    ap.add_argument("--no-peer", action="store_true", help="time this implementation only")
    ap.add_argument("--only", choices=("verify", "report"), default=None)
    args = ap.parse_args()
    whats = [args.only] if args.only else ["verify", "report"]
    with tempfile.TemporaryDirectory() as tmp:
        impls = {"this": ROOT / "src"}
        if not args.no_peer:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.peer, "src",
                                      "models", "proofs", "data"], capture_output=True,
                                     check=True)
            subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
            impls[f"peer {args.peer}"] = Path(tmp) / "src"
        print(f"load at start: {os.getloadavg()[0]:.2f}")
        for what in whats:
            times: dict[str, list[tuple[float, float]]] = {k: [] for k in impls}
            outs: dict[str, str] = {}
            for _ in range(args.repeats):
                for name, src in impls.items():  # interleaved
                    wall, cpu, out = run(src, what)
                    times[name].append((wall, cpu))
                    outs[name] = out
            label = "qa-games verify (all models)" if what == "verify" else \
                "qa-games report, before the record section"
            print(f"\n{label}: medians of {args.repeats} run(s)")
            med = {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
                   for k, v in times.items()}
            for name, (wall, cpu) in med.items():
                ratio = "" if name == "this" else \
                    f"  (this is {wall / med['this'][0]:.2f}x faster wall, " \
                    f"{cpu / med['this'][1]:.2f}x CPU)"
                print(f"  {name:<16} wall {wall:7.2f} s  CPU {cpu:7.2f} s{ratio}")
            if what == "verify" and len(outs) > 1:
                same = len({json.dumps(verdicts(o), sort_keys=True) for o in outs.values()}) == 1
                print(f"  verdicts equal to the peer's: {'yes' if same else 'NO'}")
            target = TARGETS[what]
            print(f"  target under {target:.0f} s (wall): "
                  f"{'yes' if med['this'][0] < target else 'no'}")
        print(f"\nload at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
