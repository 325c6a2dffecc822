"""solve_nplayer (exact support enumeration) against pygambit's enumpoly_solve.

For each size (2x2x2, 3x3x2, 3x3x3, 2x2x2x2), draw ``--games`` random games with
integer payoffs in [-1000, 1000] (generic with high probability) and, per game, time
``qa_games.solvers.nplayer.solve_nplayer`` and ``pygambit.nash.enumpoly_solve``
(interleaved, so both see the same machine load). It prints the median time per game
of each, the median over games of the ratio (ours / enumpoly), and agreement: games
with the same equilibrium set (probabilities within 1e-6), games where enumpoly's set is
a strict subset of ours (every one of ours is certified exactly by
``qa_games.solvers.nplayer.certify``, so enumpoly *missed* equilibria), and any other
disagreement (would be a bug; reported).

``--ladder`` then solves one random game of each larger size in a subprocess with a
60 s limit and prints which finish: the largest sizes handled in 60 s.

Run: ``.venv/bin/python benchmarks/bench_nplayer.py`` (``--help`` for options; a few
minutes with the defaults; the machine's load matters, the ratios are what to read).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import pygambit as gbt  # noqa: E402

from qa_games import Game  # noqa: E402
from qa_games.solvers.nplayer import certify, solve_nplayer  # noqa: E402

SIZES = [(2, 2, 2), (3, 3, 2), (3, 3, 3), (2, 2, 2, 2)]
LADDER = [(4, 3, 3), (4, 4, 3), (4, 4, 4), (3, 3, 2, 2), (3, 3, 3, 2), (2, 2, 2, 2, 2),
          (2, 2, 2, 2, 2, 2)]


def gambit_solve(game: Game) -> list[np.ndarray]:
    cls = getattr(gbt, "StrategicGame", gbt.Game)
    g = cls.from_arrays(*[np.asarray(a, dtype=float) for a in game.payoffs])
    out = []
    for eq in gbt.nash.enumpoly_solve(g).equilibria:
        prof = []
        for pl in g.players:
            if isinstance(pl, str):
                prof.extend(float(p) for _, p in eq[pl])
            else:
                prof.extend(float(eq[s]) for s in pl.strategies)
        out.append(np.array(prof))
    return out


def compare(ours: list[np.ndarray], theirs: list[np.ndarray], tol: float = 1e-6) -> str:
    def inside(p, pool):
        return any(np.max(np.abs(p - q)) < tol for q in pool)
    if not all(inside(p, ours) for p in theirs):
        return "other"
    return "same" if len(ours) == len(theirs) and all(inside(p, theirs) for p in ours) \
        else "enumpoly missed"


def run_size(shape, games: int, rng: np.random.Generator) -> None:
    t_ours, t_gbt, ratios = [], [], []
    verdicts: dict[str, int] = {}
    flagged = 0
    for _ in range(games):
        game = Game.from_arrays(*[rng.integers(-1000, 1001, size=shape) for _ in shape])
        t0 = time.perf_counter()
        sol = solve_nplayer(game)
        t1 = time.perf_counter()
        theirs = gambit_solve(game)
        t2 = time.perf_counter()
        for eq in sol.equilibria:
            certify(game, eq)
        flagged += not sol.complete
        ours = [np.concatenate([np.asarray(s) for s in e.profile]) for e in sol.equilibria]
        v = compare(ours, theirs)
        verdicts[v] = verdicts.get(v, 0) + 1
        t_ours.append(t1 - t0)
        t_gbt.append(t2 - t1)
        ratios.append((t1 - t0) / max(t2 - t1, 1e-6))
    name = "x".join(map(str, shape))
    print(f"{name:>8}  games {games:3d}  qa_games median {statistics.median(t_ours):8.3f} s"
          f"  enumpoly median {statistics.median(t_gbt):8.4f} s"
          f"  ratio (ours/enumpoly) median {statistics.median(ratios):8.1f}"
          f"  agreement {verdicts}  flagged {flagged}", flush=True)


def _ladder_one(shape, seed, queue) -> None:
    rng = np.random.default_rng(seed)
    game = Game.from_arrays(*[rng.integers(-1000, 1001, size=shape) for _ in shape])
    t0 = time.perf_counter()
    try:
        sol = solve_nplayer(game)
        queue.put((time.perf_counter() - t0, len(sol.equilibria), sol.complete, ""))
    except Exception as exc:  # the cost guard, reported as such
        queue.put((time.perf_counter() - t0, 0, False, f"{type(exc).__name__}: {exc}"))


def ladder(limit: float, seed: int) -> None:
    ctx = mp.get_context("fork")
    for shape in LADDER:
        queue = ctx.Queue()
        proc = ctx.Process(target=_ladder_one, args=(shape, seed, queue))
        proc.start()
        proc.join(limit)
        name = "x".join(map(str, shape))
        if proc.is_alive():
            proc.terminate()
            proc.join()
            print(f"{name:>12}: not finished in {limit:.0f} s", flush=True)
        else:
            secs, count, complete, err = queue.get()
            print(f"{name:>12}: {secs:6.1f} s, {count} equilibria, complete={complete} {err}",
                  flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--games", type=int, default=7, help="random games per size (default 7)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ladder", action="store_true", help="also find the largest sizes in 60 s")
    ap.add_argument("--limit", type=float, default=60.0, help="ladder time limit (s)")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"pygambit {gbt.__version__}; integer payoffs in [-1000, 1000]; seed {args.seed}")
    for shape in SIZES:
        run_size(shape, args.games if shape != (3, 3, 3) else max(3, args.games // 2), rng)
    if args.ladder:
        ladder(args.limit, args.seed)


if __name__ == "__main__":
    main()
