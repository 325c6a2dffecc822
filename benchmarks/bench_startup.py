"""Start-up time of the ``qa-games`` command, against issue 14's target of 0.3 s.

Each command runs in a fresh subprocess (``python -m qa_games.cli ...`` with this
checkout's ``src`` first on the path), interleaved, ``--repeats`` times; the median
wall time is reported next to ``python -c pass`` (the interpreter's own floor). Byte
code is cached as in an installed package: the runs use a temporary
``PYTHONPYCACHEPREFIX`` filled by one warm-up run of each command (this checkout's
environment may set ``PYTHONDONTWRITEBYTECODE``, which would compile every module on
every run). The peer is the previous implementation (``--peer``, a git revision,
extracted with ``git archive``), measured the same way in the same run.

Commands: ``--help``, ``models``, ``solve`` of a 2x2 Gambit ``.nfg`` file (the
prisoner's dilemma, written to a temporary file) -- the three targets -- and, for
reference, ``solve cha_quasi_alliance`` (a model file: its payoffs are sympy
expressions, so that command imports sympy).

Run: ``.venv/bin/python benchmarks/bench_startup.py`` (``--help`` for options).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The last commit before the lazy imports of issue 14.
PEER_REVISION = "8073ddc"
TARGET = 0.3
NFG = 'NFG 1 R "Prisoner\'s dilemma" { "1" "2" } { 2 2 }\n\n3 3 0 5 5 0 1 1\n'


def extract(revision: str, into: Path) -> Path:
    """The ``src`` and ``models`` folders of ``revision`` under ``into``."""
    archive = into / "peer.tar"
    with archive.open("wb") as f:
        subprocess.run(["git", "-C", str(ROOT), "archive", revision, "src", "models"],
                       stdout=f, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "peer", filter="data")
    return into / "peer" / "src"


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run of ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--peer", default=PEER_REVISION,
                    help=f"git revision of the peer (default {PEER_REVISION}; 'none': skip)")
    args = ap.parse_args()
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        nfg = tmpdir / "pd.nfg"
        nfg.write_text(NFG, encoding="utf-8")
        commands = {"--help": ["--help"], "models": ["models"],
                    "solve 2x2 .nfg": ["solve", str(nfg)],
                    "solve cha (model file)": ["solve", "cha_quasi_alliance"]}
        targets = ("--help", "models", "solve 2x2 .nfg")
        routes = {"ours": ROOT / "src"}
        if args.peer != "none":
            routes["peer"] = extract(args.peer, tmpdir)
        base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        envs = {r: {**base, "PYTHONPATH": str(src),
                    "PYTHONPYCACHEPREFIX": str(tmpdir / f"pyc-{r}")}
                for r, src in routes.items()}
        floor_env = {**base, "PYTHONPYCACHEPREFIX": str(tmpdir / "pyc-floor")}
        floor_cmd = [sys.executable, "-c", "pass"]
        for env in envs.values():  # warm-up: byte code cached
            for argv in commands.values():
                timed([sys.executable, "-m", "qa_games.cli", *argv], env)
        times: dict[tuple[str, str], list[tuple[float, float]]] = {}
        floor = []
        for _ in range(args.repeats):
            floor.append(timed(floor_cmd, floor_env))
            for name, argv in commands.items():
                for r, env in envs.items():
                    times.setdefault((r, name), []).append(
                        timed([sys.executable, "-m", "qa_games.cli", *argv], env))
        f = statistics.median(w for w, _ in floor)
        fc = statistics.median(c for _, c in floor)
        print(f"\nmedian of {args.repeats} runs, wall (CPU) seconds; python -c pass: "
              f"{f:.3f} ({fc:.3f})")
        print(f"  {'command':<24}" + "".join(f"{r:>16}" for r in routes)
              + (f"{'speed-up':>10}" if "peer" in routes else "") + "   target 0.3 s wall")
        met_all = True
        for name in commands:
            med = {r: statistics.median(w for w, _ in times[(r, name)]) for r in routes}
            cpu = {r: statistics.median(c for _, c in times[(r, name)]) for r in routes}
            line = f"  {name:<24}" + "".join(f"{med[r]:9.3f} ({cpu[r]:.3f})" for r in routes)
            if "peer" in routes:
                line += f"{med['peer'] / med['ours']:9.1f}x"
            if name in targets:
                ok = med["ours"] < TARGET
                met_all &= ok
                line += f"   {'met' if ok else 'NOT met'}"
                line += "" if ok else f" (CPU {'within' if cpu['ours'] < TARGET else 'above'})"
            else:
                line += "   (reference)"
            print(line)
    load = os.getloadavg()
    print(f"\nload average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"all targets met: {'yes' if met_all else 'no'}")


if __name__ == "__main__":
    main()
