"""``qa-games sweep``: comparative statics of a model over a grid, to a table and a figure.

Every input is checked before any work starts (names, domains, output folders and
formats). With ``--out`` or ``--plot``, finished chunks are checkpointed in a folder
next to the first output (``OUT.chunks``); ``--resume`` continues from it, and it is
removed once every output is written; after Ctrl-C the command says how to resume.
Outputs are written atomically; with ``--out`` a summary table (label shares,
thresholds) is written next to the full one (``OUT.summary.EXT``). A sequential model
(a leader moving first) is swept by backward induction at every point.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

from ..errors import ParameterError, QAGamesError
from .common import add_set_option, parse_sets, probe_file


def register(sub: Any) -> None:
    p = sub.add_parser(
        "sweep", help="solve a model over a parameter grid: table and figure",
        description="Solve MODEL at every point of a grid (the product of the --vary "
                    "ranges, or a Latin-hypercube sample with --sample) and write the "
                    "outcome table and a figure.",
        epilog="example: qa-games sweep cha_quasi_alliance --vary c=0:1:101 "
               "--vary t=0:1:101 --out t.csv --plot map.png")
    p.add_argument("model", metavar="MODEL", help="a bundled model's name or a .toml path")
    p.add_argument("--vary", action="append", default=[], metavar="NAME=LO:HI:N",
                   help="a varied parameter: NAME=lo:hi:n (n values, ends included) or "
                        "NAME=a,b,c; with --sample, NAME=lo:hi or NAME (its domain)")
    add_set_option(p)
    p.add_argument("--selection", choices=("all", "payoff_dominance", "risk_dominance"),
                   default=None, help="equilibrium selection (default: the model's rule)")
    p.add_argument("--rows", choices=("points", "equilibria"), default="points",
                   help="one row per point (default) or per equilibrium")
    p.add_argument("--sample", type=int, default=None, metavar="N",
                   help="N Latin-hypercube points instead of the product grid")
    p.add_argument("--seed", type=int, default=0, help="seed of --sample (default 0)")
    p.add_argument("--out", default=None, metavar="FILE",
                   help="table file: .csv, .md or .tex (default: CSV on stdout)")
    p.add_argument("--digits", type=int, default=4, metavar="N",
                   help="significant digits of floats in .md and .tex tables (default 4; "
                        "CSV always keeps every digit, which reads back exactly)")
    p.add_argument("--labels", choices=("short", "long"), default="short",
                   help="column headers: code names (default) or words from the model "
                        "file's descriptions (long)")
    p.add_argument("--plot", default=None, metavar="FILE",
                   help="figure file: .png, .pdf or .svg (a region map for two varied "
                        "parameters, else the outcome along one)")
    p.add_argument("--engine", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="Dask scheduler, e.g. tcp://host:8786 (default: a local cluster)")
    p.add_argument("--workers", type=int, default=None, help="workers of the local Dask cluster")
    p.add_argument("--chunk-size", type=int, default=None, metavar="N",
                   help="points per chunk (the unit of checkpoints and of Dask tasks)")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted sweep from its checkpoint folder")
    p.add_argument("--checkpoint", default=None, metavar="DIR",
                   help="checkpoint folder (default: OUT.chunks next to --out or --plot)")
    p.add_argument("--verify-resumed", default=None, metavar="N|all",
                   help="with --resume: points of each kept chunk recomputed and compared "
                        "(default 32; 'all' recomputes every point)")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="always show the progress bar")
    bar.add_argument("--no-progress", dest="progress", action="store_false",
                     help="never show it (default: only on a terminal)")
    p.set_defaults(func=run)


def _verify_resumed(text: str | None) -> int | str:
    """``--verify-resumed``: a number of points (digits) or ``all``."""
    from ..analysis.sweep import RESUME_SAMPLE

    if text is None:
        return RESUME_SAMPLE
    word = text.strip().lower()
    if word == "all":
        return "all"
    if not (word.isascii() and word.isdecimal()) or len(word) > 12:
        raise ParameterError(f"--verify-resumed {text!r}: give a number of points or 'all'")
    return int(word)


def _varies(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, spec = item.partition("=")
        name = name.strip()
        if not name:
            raise ParameterError(f"--vary {item!r}: expected NAME=lo:hi:n, e.g. c=0:1:101")
        if name in out:
            raise ParameterError(f"--vary: {name} is given twice")
        out[name] = spec.strip() if sep else ""
    if not out:
        raise ParameterError("give at least one --vary NAME=lo:hi:n")
    return out


def _grid(args: argparse.Namespace, model: Any) -> Any:
    from ..analysis.grid import latin_hypercube, product

    varies = _varies(args.vary)
    if args.sample is None:
        empty = [n for n, s in varies.items() if not s]
        if empty:
            raise ParameterError(f"--vary {empty[0]}: give values, e.g. {empty[0]}=0:1:101 "
                                 "(a bare name needs --sample)")
        return product(varies)
    box = {}
    for name, spec in varies.items():
        if spec and spec.count(":") != 1:
            raise ParameterError(f"--vary {name}={spec}: with --sample give bounds lo:hi "
                                 "(or a bare name for its domain)")
        box[name] = spec or None
    return latin_hypercube(box, args.sample, seed=args.seed, model=model)


def _check_options(args: argparse.Namespace) -> None:
    """Every option that needs no model, refused before anything runs."""
    if args.chunk_size is not None and args.chunk_size < 1:
        raise ParameterError(f"--chunk-size {args.chunk_size}: must be a whole number >= 1")
    if args.sample is not None and args.sample < 1:
        raise ParameterError(f"--sample {args.sample}: must be a whole number >= 1")
    if args.seed < 0:
        raise ParameterError(f"--seed {args.seed}: must be a whole number >= 0")
    if args.workers is not None and args.workers < 1:
        raise ParameterError(f"--workers {args.workers}: must be a whole number >= 1")
    if isinstance(args.digits, bool) or not 1 <= args.digits <= 17:
        raise ParameterError(f"--digits {args.digits}: give 1 to 17 significant digits")
    for option, value in (("--out", args.out), ("--plot", args.plot),
                          ("--checkpoint", args.checkpoint)):
        if value is not None:
            _check_name_length(option, Path(value))
            if option != "--checkpoint":
                probe_file(value, option=option)


def _check_name_length(option: str, path: Path) -> None:
    """The file name, its temporary name and its checkpoint folder must all fit."""
    parent = path.parent if str(path.parent) else Path(".")
    try:
        limit = os.pathconf(parent if parent.is_dir() else ".", "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    longest = len(path.name) + max(len(".chunks"), 10 + len(path.suffix))
    if longest > limit:
        room = limit - longest + len(path.name)
        raise ParameterError(f"{option} {str(path)[:60]!r}...: the file name is too long "
                             f"({len(path.name)} characters; at most {room} here, leaving "
                             "room for its temporary and checkpoint names)")


def _remove_stale_temporaries(path: Path, say: Any) -> None:
    """Temporary files an earlier run of the same output left when it was killed."""
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.[A-Za-z0-9_]{{8}}"
                         rf"{re.escape(path.suffix or '.tmp')}$")
    parent = path.parent if str(path.parent) else Path(".")
    try:
        stale = [p for p in parent.iterdir() if pattern.match(p.name)]
    except OSError:
        return
    for p in stale:
        p.unlink(missing_ok=True)
        say(f"removed {p}, left by an interrupted run")


def _write(table: Any, path: str, args: argparse.Namespace, model: Any) -> str:
    """Write a table (with a progress line when it is large) and return its path."""
    from ..analysis.export import write_table
    from ..analysis.labels import column_labels

    if args.labels == "long":
        table = table.rename(columns=column_labels(model, table.columns))
    big = len(table) >= 50_000
    if big:
        print(f"qa-games sweep: writing {len(table):,} rows to {path} ...", file=sys.stderr,
              flush=True)
    out = str(write_table(table, path, significant=args.digits))
    if big:
        print(f"qa-games sweep: wrote {path}", file=sys.stderr, flush=True)
    return out


def _run_sequential(args: argparse.Namespace, model: Any) -> int:
    from ..analysis.export import format_table
    from ..analysis.sequential_sweep import plot_choice, sequential_sweep
    from ..analysis.summary import summary_path, summary_table

    for flag, value in (("--engine dask", args.engine == "dask"), ("--resume", args.resume),
                        ("--rows equilibria", args.rows != "points"),
                        ("--checkpoint", args.checkpoint is not None)):
        if value:
            raise ParameterError(f"{flag}: not available for a sequential model "
                                 f"({model.name} is solved by backward induction point by "
                                 "point)")
    grid = _grid(args, model)
    if args.plot is not None and len(grid.names) > 2:
        raise ParameterError(f"--plot needs one or two varied parameters, got "
                             f"{len(grid.names)}")
    result = sequential_sweep(model, grid, fixed=parse_sets(args.sets),
                              selection=args.selection)
    written = []
    if args.out is not None:
        written.append(_write(result.table, args.out, args, model))
        written.append(_write(summary_table(result), str(summary_path(args.out)), args,
                              model))
    if args.plot is not None:
        plot_choice(result, args.plot)
        written.append(args.plot)
    if not written:
        sys.stdout.write(format_table(result.table, "csv"))
    print(f"qa-games sweep: {len(result.table)} rows (backward induction), "
          f"{result.seconds:.2f} s" + (f" -> {', '.join(written)}" if written else ""),
          file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    from ..analysis.checkpoint import Checkpoint, hold
    from ..analysis.export import check_writable, format_table, table_format, write_table
    from ..analysis.plots import FIGURE_FORMATS, plot, thresholds
    from ..analysis.summary import summary_path
    from ..analysis.sweep import DEFAULT_CHUNK_SIZE, _load, sweep
    from ..modelfiles.loader import load_model

    _check_options(args)
    model = load_model(args.model)
    if getattr(model, "kind", "") == "sequential":
        return _run_sequential(args, model)
    model = _load(model)
    thresholds(model)  # the model's [sweep] table: checked now, not after the sweep
    grid = _grid(args, model)
    if args.scheduler is not None and args.engine != "dask":
        raise ParameterError("--scheduler needs --engine dask")
    if args.out is not None:
        table_format(args.out)
        check_writable(args.out)
        check_writable(summary_path(args.out))
    if args.plot is not None:
        if Path(args.plot).suffix.lower() not in FIGURE_FORMATS:
            raise ParameterError(f"--plot {args.plot!r}: unknown figure format (known: "
                                 f"{', '.join(FIGURE_FORMATS)})")
        check_writable(args.plot)
    if args.plot is not None and args.rows != "points":
        raise ParameterError("--plot needs --rows points (one row per point)")
    if args.plot is not None and len(grid.names) > 2:
        raise ParameterError(f"--plot needs one or two varied parameters, got "
                             f"{len(grid.names)} ({', '.join(grid.names)}); fix the others "
                             "with --set")
    fixed = parse_sets(args.sets)
    verify_resumed = _verify_resumed(args.verify_resumed)
    if args.verify_resumed is not None and not args.resume:
        raise ParameterError("--verify-resumed applies to --resume (a fresh sweep computes "
                             "every point)")
    first = args.out or args.plot
    checkpoint = args.checkpoint or (f"{first}.chunks" if first else None)
    if args.resume and checkpoint is None:
        raise ParameterError("--resume needs --out, --plot or --checkpoint (where the "
                             "interrupted sweep kept its chunks)")

    def say(msg: str) -> None:
        print(f"qa-games sweep: note: {msg}", file=sys.stderr)

    if checkpoint is None:
        try:
            result = sweep(model, grid, fixed=fixed, selection=args.selection,
                           rows=args.rows, engine=args.engine, scheduler=args.scheduler,
                           workers=args.workers,
                           chunk_size=args.chunk_size or DEFAULT_CHUNK_SIZE,
                           progress=args.progress, note=say)
        except KeyboardInterrupt:
            print(f"qa-games sweep: {resume_hint(None)}", file=sys.stderr)
            raise
        return _finish(args, result, [], format_table, write_table, plot, model)
    if args.resume and not (Path(checkpoint) / "manifest.json").exists():
        say(f"nothing to resume in {checkpoint}; starting afresh")
    with hold(checkpoint, note=say):
        for out in (args.out, args.plot):
            if out is not None:
                _remove_stale_temporaries(Path(out), say)
        try:
            result = sweep(model, grid, fixed=fixed, selection=args.selection,
                           rows=args.rows, engine=args.engine, scheduler=args.scheduler,
                           workers=args.workers,
                           chunk_size=args.chunk_size or DEFAULT_CHUNK_SIZE,
                           checkpoint=checkpoint, resume=args.resume, keep_checkpoint=True,
                           progress=args.progress, note=say,
                           verify_resumed=verify_resumed)
        except KeyboardInterrupt:
            print(f"qa-games sweep: {resume_hint(checkpoint)}", file=sys.stderr)
            raise
        written: list[str] = []
        try:
            code = _finish(args, result, written, format_table, write_table, plot, model)
        except QAGamesError as exc:
            exc.args = (f"{exc}; the sweep's {result.chunks} chunks are kept in "
                        f"{checkpoint}: fix the output and add --resume to write it without "
                        f"recomputing, or delete {checkpoint}",)
            raise
        Checkpoint(Path(checkpoint), "", 0).remove()
    return code


def _finish(args: argparse.Namespace, result: Any, written: list[str], format_table: Any,
            write_table: Any, plot: Any, model: Any) -> int:
    from ..analysis.summary import summary_path, summary_table

    if args.out is not None:
        written.append(_write(result.table, args.out, args, model))
        if args.rows == "points":
            written.append(_write(summary_table(result), str(summary_path(args.out)), args,
                                  model))
    if args.plot is not None:
        plot(result, args.plot)
        written.append(args.plot)
    if not written:
        sys.stdout.write(format_table(result.table, "csv"))
    resumed = f" ({result.resumed_chunks} resumed)" if result.resumed_chunks else ""
    print(f"qa-games sweep: {len(result.table)} rows, {result.chunks} chunks{resumed}, "
          f"engine {result.engine}, {result.seconds:.2f} s"
          + (f" -> {', '.join(written)}" if written else ""), file=sys.stderr)
    return 0


def resume_hint(checkpoint: str | None) -> str:
    """What to tell a user who pressed Ctrl-C during a sweep.

    >>> resume_hint(None)
    'interrupted; nothing was kept (give --out or --checkpoint to make a sweep resumable)'
    """
    if checkpoint is None or not Path(checkpoint).exists():
        return ("interrupted; nothing was kept (give --out or --checkpoint to make a sweep "
                "resumable)")
    done = len(list(Path(checkpoint).glob("chunk-*.npz")))
    kept = f"{done} finished chunks are kept" if done else "finished chunks are kept"
    return (f"interrupted; {kept} in {checkpoint}: run the same command with --resume to "
            "continue from them")
