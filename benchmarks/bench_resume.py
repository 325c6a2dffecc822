"""The cost of verifying a resumed sweep: resuming from a finished checkpoint with
``verify_resumed=0`` (checksums, seals and grid points only), the default
``RESUME_SAMPLE`` points of each chunk recomputed, and ``"all"`` (every point
recomputed), against the uninterrupted sweep -- all measured in the same run.

For each model the grid is the product of two of its parameters, cut into chunks of
``--chunk-size`` points; every time is the median of ``--repeats`` runs, the methods
interleaved. Printed: medians in seconds and each resume's time as a ratio of the sweep's.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/bench_resume.py`` (``--help``).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from qa_games.analysis.sweep import RESUME_SAMPLE, sweep
from qa_games.modelfiles.loader import load_model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default="cha_quasi_alliance,walt_balance_of_threat,"
                                        "cha_multilateral")
    ap.add_argument("--points", type=int, default=100, help="points per parameter")
    ap.add_argument("--chunk-size", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    for name in args.models.split(","):
        m = load_model(name)
        ps = m.game.parameters[:2]
        n = args.points if name != "cha_multilateral" else max(4, args.points // 10)
        grid = {p.name: f"{float(p.domain.lower or 0) + 0.05}:"
                        f"{float(p.domain.upper or 1) - 0.05}:{n}" for p in ps}
        times: dict[str, list[float]] = {"sweep": [], "resume, verify 0": [],
                                         f"resume, verify {RESUME_SAMPLE}": [],
                                         "resume, verify all": []}
        with tempfile.TemporaryDirectory() as d:
            cp = Path(d) / "cp"
            sweep(m, grid, chunk_size=args.chunk_size, progress=False, checkpoint=cp,
                  keep_checkpoint=True)
            for _ in range(args.repeats):
                t = time.perf_counter()
                sweep(m, grid, chunk_size=args.chunk_size, progress=False)
                times["sweep"].append(time.perf_counter() - t)
                for label, v in [("resume, verify 0", 0),
                                 (f"resume, verify {RESUME_SAMPLE}", RESUME_SAMPLE),
                                 ("resume, verify all", "all")]:
                    t = time.perf_counter()
                    sweep(m, grid, chunk_size=args.chunk_size, progress=False, checkpoint=cp,
                          resume=True, keep_checkpoint=True, verify_resumed=v)
                    times[label].append(time.perf_counter() - t)
        base = statistics.median(times["sweep"])
        size = n ** len(ps)
        print(f"{name}: {size} points, chunks of {args.chunk_size}")
        for label, ts in times.items():
            med = statistics.median(ts)
            print(f"  {label:<22} {med:8.3f} s   {med / base:6.2f} x the sweep")


if __name__ == "__main__":
    main()
