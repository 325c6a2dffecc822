"""Comparative statics by sweeps: a model solved at every point of a parameter grid.

``sweep(model, grid)`` evaluates the outcome columns of :mod:`qa_games.analysis.outcomes`
(number of equilibria, which named profiles are equilibria, the selected
equilibrium's probabilities and payoffs, the theory's label) at every grid point
and returns a :class:`Sweep` whose ``table`` is a pandas DataFrame, one row per
point (or per equilibrium with ``rows="equilibria"``).

The grid is cut into chunks of ``chunk_size`` points. The ``"local"`` engine runs
them in this process (vectorised numpy, the batched solver); the ``"dask"`` engine
runs them on a ``dask.distributed`` cluster -- a scheduler address, or a local
cluster when none is given -- and gives the identical table, because a chunk's rows
are a pure function of its points. With ``checkpoint=FOLDER`` each finished chunk
is stored atomically (:mod:`qa_games.analysis.checkpoint`) and ``resume=True`` continues an
interrupted sweep without recomputing them. A progress bar (tqdm) is shown when
stderr is a terminal.

>>> from qa_games.grid import product
>>> s = sweep("cha_quasi_alliance", product({"c": [0.2, 0.9]}), fixed={"t": 1})
>>> s.table[["c", "n_equilibria", "label"]].to_dict("list")
{'c': [0.2, 0.9], 'n_equilibria': [3, 1], 'label': ['cooperation', 'friction']}
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError, QAGamesError, UnsupportedGameError
from ..games import display
from .checkpoint import Checkpoint, CheckpointError
from .grid import Grid, as_grid
from .outcomes import (
    Outcomes,
    PointTable,
    chunk_columns,
    evaluate_chunk,
    fused_points,
    outcome_spec,
)

__all__ = ["Sweep", "sweep", "SweepError", "ENGINES", "DEFAULT_CHUNK_SIZE", "RESUME_SAMPLE"]

ENGINES = ("local", "dask")
DEFAULT_CHUNK_SIZE = 5_000
#: Points of each resumed chunk recomputed and compared with the stored rows (default).
RESUME_SAMPLE = 32
#: Seconds to wait for a Dask scheduler before giving up.
CONNECT_TIMEOUT = 5.0


class SweepError(QAGamesError, RuntimeError):
    """A sweep cannot run: an engine is unavailable or a scheduler unreachable."""


@dataclass(frozen=True, eq=False)
class Sweep:
    """The result of :func:`sweep`: the table and how it was made."""

    model: str
    grid: Grid
    selection: str
    engine: str
    table: pd.DataFrame
    fixed: Mapping[str, Fraction] = field(default_factory=dict)
    rows: str = "points"
    chunks: int = 1
    resumed_chunks: int = 0
    seconds: float = 0.0
    source: Any = field(default=None, repr=False)  # the Model, for plots (thresholds)
    notes: tuple[str, ...] = ()  # what was recovered: recomputed chunks, lost workers

    def __len__(self) -> int:
        return len(self.table)

    @property
    def parameters(self) -> tuple[str, ...]:
        """The varied parameters (the grid's names)."""
        return self.grid.names

    def to_csv(self, path: str | Path, *, digits: int | None = None) -> Path:
        """Write the table as CSV (atomically; ``digits``: round floats to decimals)."""
        from .export import write_table

        return write_table(self.table, path, fmt="csv", digits=digits)

    def to_markdown(self, path: str | Path | None = None, *, digits: int | None = None) -> str:
        """The table as Markdown; also written (atomically) to ``path`` when given."""
        from .export import format_table, write_table

        if path is not None:
            write_table(self.table, path, fmt="markdown", digits=digits)
        return format_table(self.table, "markdown", digits=digits)

    def to_latex(self, path: str | Path | None = None, *, caption: str | None = None,
                 label: str | None = None, digits: int | None = None) -> str:
        """The table as a booktabs LaTeX tabular; also written to ``path`` when given."""
        from .export import format_table, write_table

        opts: dict[str, Any] = {"caption": caption, "label": label, "digits": digits}
        if path is not None:
            write_table(self.table, path, fmt="latex", **opts)
        return format_table(self.table, "latex", **opts)

    def write(self, path: str | Path, *, digits: int | None = None) -> Path:
        """Write the table in the format its suffix names (.csv, .md, .tex)."""
        from .export import write_table

        return write_table(self.table, path, digits=digits)

    def __repr__(self) -> str:
        return display.short(f"<Sweep {self.model!r} over {', '.join(self.grid.names)}: "
                             f"{len(self.table)} rows, selection={self.selection}, "
                             f"engine={self.engine}>")

    def _repr_html_(self) -> str:
        """Notebook display: what was varied and fixed, label shares, the first rows."""
        df = self.table
        ranges = [[n, display.number(float(df[n].min())), display.number(float(df[n].max())),
                   int(df[n].nunique())] for n in self.grid.names if n in df.columns]
        parts = [display.html_table(["varied", "min", "max", "values"], ranges)]
        if "label" in df.columns and len(df):
            shares = df["label"].value_counts()
            parts.append(display.html_table(
                ["label", "rows", "share"],
                [[str(k), int(v), f"{v / len(df):.1%}"] for k, v in shares.items()]))
        parts.append(display.frame_html(df, max_rows=10))
        fixed = ", ".join(f"{k}={display.number(v)}" for k, v in self.fixed.items())
        note = (f"{len(df)} rows ({self.rows}), selection {self.selection}, engine "
                f"{self.engine}, {self.chunks} chunks, {self.seconds:.2f} s"
                + (f"; fixed: {fixed}" if fixed else ""))
        return display.section(f"Sweep of {self.model}", *parts, note=note)


def _load(model: Any) -> Any:
    from ..modelfiles.loader import load_model
    from ..modelfiles.normal_form import Model

    m = load_model(model) if isinstance(model, (str, Path)) else model
    if not isinstance(m, Model):
        raise UnsupportedGameError(f"model={getattr(m, 'name', m)!r}: sweeps need a "
                                   "normal-form model (kind = \"normal\")")
    return m


def _check_grid(model: Any, grid: Grid, fixed: Mapping[str, Fraction]) -> None:
    """Names, domains and constraints of every point, before anything runs."""
    from ..games.vectorize import broadcast_values, expression_arrays

    for name in grid.names:
        model.parameter(name)
        if name in fixed:
            raise ParameterError(f"{name} is both varied and fixed (--vary and --set)")
    for name in grid.names:
        dom = model.parameter(name).domain
        col = np.asarray(grid.columns[name], dtype=float)
        bad = ~np.isfinite(col)
        if dom.lower is not None:
            bad |= (col < float(dom.lower)) if dom.lower_closed else (col <= float(dom.lower))
        if dom.upper is not None:
            bad |= (col > float(dom.upper)) if dom.upper_closed else (col >= float(dom.upper))
        if bad.any():
            raise ParameterError(f"{name}={float(col[bad][0])!r} is outside its domain {dom} "
                                 f"({int(bad.sum())} of {len(col)} grid values)")
    values = {**{n: float(v) for n, v in fixed.items()}, **dict(grid.columns)}
    broadcast_values(model, values)
    varied = set(grid.names)
    for rel in model.game.constraints:
        if not {str(s) for s in rel.free_symbols} & varied:
            continue
        diff = expression_arrays(model, [rel.lhs - rel.rhs], values)[0]
        op = rel.rel_op
        ok = {"<=": diff <= 1e-12, "<": diff < 0, ">=": diff >= -1e-12, ">": diff > 0,
              "==": np.abs(diff) <= 1e-12, "!=": diff != 0}.get(op, np.ones_like(diff, bool))
        if not ok.all():
            k = int(np.argmin(ok))
            shown = ", ".join(f"{n}={grid.columns[n][k]!r}" for n in grid.names)
            raise ParameterError(f"constraint {rel} fails at grid point {k} ({shown})")


def _key(model: Any, grid: Grid, spec: Outcomes, chunk_size: int) -> str:
    from ..version import __version__

    game = model.game  # in-memory models have no file hash: the game itself counts
    shape = repr(([a.tolist() for a in game.payoffs], game.parameters, game.constraints,
                  game.strategies, sorted(model.profiles.items()), model.labels))
    body = {"model": model.name, "sha256": model.sha256, "grid": grid.digest(),
            "game": hashlib.sha256(shape.encode()).hexdigest(),
            "fixed": {n: str(v) for n, v in spec.fixed}, "rule": spec.rule, "rows": spec.rows,
            "tol": spec.tol, "chunk_size": chunk_size, "version": __version__}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


class _NoBar:
    """A progress bar that shows nothing (what a disabled tqdm bar does, without
    importing tqdm)."""

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(total: int, initial: int, progress: bool | None, what: str) -> Any:
    show = sys.stderr.isatty() if progress is None else bool(progress)
    if not show:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="pt", desc=what,
                file=sys.stderr, leave=False, dynamic_ncols=True)


def _run_local(spec: Outcomes, grid: Grid, todo: list[int], bounds: list[tuple[int, int]],
               done: Any) -> None:
    for i in todo:
        a, b = bounds[i]
        done(i, evaluate_chunk(spec, grid.chunk(a, b)))


#: Points per block when the local engine needs no checkpoint: chunks are joined into
#: blocks this large (a chunk's rows are a pure function of its points, so the table is
#: the same), which keeps numpy's per-call overhead and pandas out of the loop.
LOCAL_BLOCK = 1 << 17


def _run_local_joined(spec: Outcomes, grid: Grid, bounds: list[tuple[int, int]],
                      bar: Any) -> pd.DataFrame:
    """The whole table, evaluated in blocks of about :data:`LOCAL_BLOCK` points and
    built once from numpy columns (no per-chunk frames)."""
    total = bounds[-1][1]
    step = max(LOCAL_BLOCK, bounds[0][1] - bounds[0][0])
    if fused_points(spec):  # 2x2 games, one row per point: columns preallocated
        table = PointTable(spec, grid.names, total)
        for a in range(0, total, step):
            b = min(total, a + step)
            table.fill(grid.chunk(a, b), a)
            bar.update(b - a)
        return table.frame()
    parts: list[dict[str, np.ndarray]] = []
    for a in range(0, total, step):
        b = min(total, a + step)
        parts.append(chunk_columns(spec, grid.chunk(a, b)))
        bar.update(b - a)
    if len(parts) == 1:
        data = parts[0]
    else:
        data = {}
        for name in list(parts[0]):
            data[name] = np.concatenate([p.pop(name) for p in parts])
    return pd.DataFrame(data, copy=False)


def _client(scheduler: Any, workers: int | None) -> tuple[Any, Any, bool]:
    """A dask Client (and the cluster it owns), and whether we must close them."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise SweepError("engine='dask' needs the optional extra: pip install "
                         "'qa_games[dask]' (dask[distributed])") from None
    if scheduler is not None and not isinstance(scheduler, str):
        return scheduler, None, False  # a Client the caller owns
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=False,
                               dashboard_address=None)
        return Client(cluster), cluster, True
    try:
        client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT}s")
    except Exception as exc:  # OSError, TimeoutError, ValueError, TypeError (tls:// ...)
        raise SweepError(f"scheduler={scheduler!r}: cannot connect to a Dask scheduler within "
                         f"{CONNECT_TIMEOUT:g} s ({type(exc).__name__}: {exc})") from None
    return client, None, True


#: Exceptions (by class name) meaning Dask lost the workers or the futures of a sweep.
_WORKER_LOSS = {"FutureCancelledError", "CancelledError", "KilledWorker", "CommClosedError",
                "FutureLostError"}


def _run_dask(spec: Outcomes, grid: Grid, todo: list[int], bounds: list[tuple[int, int]],
              done: Any, scheduler: Any, workers: int | None, finished: Any,
              note: Any) -> None:
    """Run the chunks on Dask; when the workers are lost, the chunks not yet finished are
    computed locally (they are pure functions of their points), with a note."""
    try:
        _run_dask_attempt(spec, grid, todo, bounds, done, scheduler, workers)
    except Exception as exc:
        if type(exc).__name__ not in _WORKER_LOSS:
            raise
        left = [i for i in todo if not finished(i)]
        note(f"Dask lost its workers ({type(exc).__name__}); computing the {len(left)} "
             f"unfinished chunks locally")
        _run_local(spec, grid, left, bounds, done)


def _run_dask_attempt(spec: Outcomes, grid: Grid, todo: list[int],
                      bounds: list[tuple[int, int]], done: Any, scheduler: Any,
                      workers: int | None) -> None:
    client, cluster, own = _client(scheduler, workers)
    try:
        from dask.distributed import as_completed

        remote = client.scatter(spec, broadcast=True)
        futures = {}
        for i in todo:
            a, b = bounds[i]
            fut = client.submit(evaluate_chunk, remote, grid.chunk(a, b), pure=False)
            futures[fut] = i
        for fut in as_completed(list(futures)):
            done(futures[fut], fut.result())
    finally:
        if own:
            client.close()
            if cluster is not None:
                cluster.close()


def sweep(model: Any, grid: Any, *, fixed: Mapping[str, Any] | None = None,
          selection: str | None = None, rows: str = "points", engine: str = "local",
          scheduler: Any = None, workers: int | None = None,
          chunk_size: int = DEFAULT_CHUNK_SIZE, checkpoint: str | Path | None = None,
          resume: bool = False, keep_checkpoint: bool = False,
          progress: bool | None = None, tol: float = 1e-9,
          note: Any = None, verify_resumed: int | str = RESUME_SAMPLE) -> Sweep:
    """Solve ``model`` at every point of ``grid``; see the module docstring.

    ``model``: a Model or a bundled model's name or a path. ``grid``: a
    :class:`~qa_games.grid.Grid` or ``{name: values}`` (their product; values as
    in :func:`~qa_games.grid.parse_values`, e.g. ``"0:1:101"``). ``fixed``: values
    of other parameters (defaults for the rest). ``selection``: ``"all"`` (select
    only a unique equilibrium), ``"payoff_dominance"`` or ``"risk_dominance"``;
    None means the model's own rule. ``rows="equilibria"``: one row per
    equilibrium (with ``equilibrium``, ``profile`` and ``selected`` columns).
    ``engine``: ``"local"`` or ``"dask"`` (``scheduler``: an address such as
    ``"tcp://host:8786"`` or a ``dask.distributed.Client``; None starts a local
    cluster of ``workers`` threads). ``checkpoint``: a folder for finished chunks;
    ``resume=True`` reuses them (refused if they belong to another sweep); the
    folder is deleted after success unless ``keep_checkpoint``. ``progress``: show
    a bar (None: when stderr is a terminal). All input is checked before any work.
    ``note``: called with one line for each thing recovered (a chunk that failed
    verification and was recomputed, a stale lock taken over, Dask workers lost and the
    rest computed locally); the lines are also in ``Sweep.notes``. On failure a
    checkpoint is removed, except when finished chunks can be resumed (an interruption,
    a write error, a lost scheduler): then the error says where they are.
    ``verify_resumed``: how many points of each resumed chunk, drawn at random, are
    recomputed and compared bit for bit with the stored rows (a chunk that differs is
    recomputed, with a note), or ``"all"``: every point, which makes the resumed table
    the uninterrupted one whatever was done to the checkpoint
    (:mod:`qa_games.analysis.checkpoint` says what each check catches).
    """
    m = _load(model)
    rule = m.selection if selection is None else selection
    if engine not in ENGINES:
        raise ParameterError(f"engine={engine!r} is not one of {', '.join(ENGINES)}")
    if scheduler is not None and engine != "dask":
        raise ParameterError(f"scheduler={scheduler!r} needs engine='dask'")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) \
            or chunk_size < 1:
        raise ParameterError(f"chunk_size={chunk_size!r} must be a positive integer")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise ParameterError(f"workers={workers!r} must be a positive integer")
    if resume and checkpoint is None:
        raise ParameterError("resume=True needs a checkpoint folder")
    if not (verify_resumed == "all" or (isinstance(verify_resumed, (int, np.integer))
                                        and not isinstance(verify_resumed, bool)
                                        and verify_resumed >= 0)):
        raise ParameterError(f"verify_resumed={verify_resumed!r} must be a number of points "
                             "(0 or more) or 'all'")
    g = as_grid(grid)
    given = dict(fixed or {})
    for name in given:
        m.parameter(name)
    exact_fixed = {n: v for n, v in m.values(given).items() if n in given}
    spec = outcome_spec(m, rule=rule, rows=rows, fixed=exact_fixed, tol=tol)
    _check_grid(m, g, exact_fixed)

    size = int(chunk_size)
    n_chunks = max(1, math.ceil(g.size / size))
    bounds = [(i * size, min(g.size, (i + 1) * size)) for i in range(n_chunks)]
    results: dict[int, pd.DataFrame] = {}
    notes: list[str] = []

    def say(msg: str) -> None:
        notes.append(msg)
        if note is not None:
            note(msg)

    cp = None
    if checkpoint is not None:
        cp = Checkpoint.open(checkpoint, key=_key(m, g, spec, size), chunks=n_chunks,
                             resume=resume, note=say)
    try:
        if cp is not None and resume:
            for i in range(n_chunks):
                if i in cp.finished() or cp._file(i).exists():
                    table = cp.load(i, rows=bounds[i],
                                    check=_chunk_check(g, bounds[i], rows, spec,
                                                       verify_resumed))
                    if table is not None:
                        results[i] = table
        resumed = len(results)
        todo = [i for i in range(n_chunks) if i not in results]
        start = time.perf_counter()
        bar = _bar(g.size, sum(bounds[i][1] - bounds[i][0] for i in results), progress,
                   f"sweep {m.name}")

        def done(i: int, table: pd.DataFrame) -> None:
            if cp is not None:
                cp.save(i, table, rows=bounds[i])
            results[i] = table
            bar.update(bounds[i][1] - bounds[i][0])

        joined = None
        try:
            if todo and engine == "local" and cp is None:  # one pass, no chunk files
                joined = _run_local_joined(spec, g, bounds, bar)
            elif todo and engine == "local":
                _run_local(spec, g, todo, bounds, done)
            elif todo:
                _run_dask(spec, g, todo, bounds, done, scheduler, workers,
                          lambda i: i in results, say)
        finally:
            bar.close()
        if joined is not None:
            table = joined
        else:
            parts = [results[i] for i in range(n_chunks)]
            table = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
    except BaseException as exc:
        if cp is not None:
            _after_failure(cp, exc, len(results) if cp is not None else 0)
        raise
    if cp is not None:
        if keep_checkpoint:
            cp.release()
        else:
            cp.remove()
    return Sweep(m.name, g, rule, engine, table, exact_fixed, rows, n_chunks, resumed,
                 time.perf_counter() - start, m, tuple(notes))


#: Failures after which finished chunks are worth keeping: the sweep itself is sound.
_RESUMABLE = (CheckpointError, SweepError, OSError, MemoryError)


def _after_failure(cp: Checkpoint, exc: BaseException, finished: int) -> None:
    """Keep the chunks of an interrupted or environmentally failed sweep (and say where
    in the error); remove the checkpoint of a sweep that failed on its own input."""
    if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: resume later
        cp.release()
        return
    if isinstance(exc, _RESUMABLE) and finished:
        cp.release()
        if isinstance(exc, QAGamesError) and exc.args:
            exc.args = (f"{exc.args[0]}; {finished} finished chunks are kept in "
                        f"{cp.path}: run again with resume=True (qa-games sweep: --resume) "
                        f"to continue, or delete the folder",) + exc.args[1:]
        return
    cp.remove()


def _chunk_check(grid: Grid, rows_range: tuple[int, int], rows: str,
                 spec: Outcomes | None = None, sample: int | str = 0) -> Any:
    """A verifier of a stored chunk: its parameter columns are the grid's points, and
    the rows of ``sample`` points drawn at random (``"all"``: every point) recomputed
    from ``spec`` equal the stored ones bit for bit."""
    a, b = rows_range

    def check(table: pd.DataFrame) -> str:
        for name in grid.names:
            if name not in table.columns:
                return f"it has no column {name!r}"
            got = np.asarray(table[name], dtype=float)
            want = grid.columns[name][a:b]
            if rows == "points":
                if got.shape != want.shape or not np.array_equal(got, want):
                    return f"its {name} values are not the grid's points {a}..{b - 1}"
            elif not np.isin(got, want).all():
                return f"its {name} values are not among the grid's points {a}..{b - 1}"
        if spec is None or sample == 0:
            return ""
        return _recomputed_differs(spec, grid, rows_range, rows, table, sample)

    return check


def _recomputed_differs(spec: Outcomes, grid: Grid, rows_range: tuple[int, int], rows: str,
                        table: pd.DataFrame, sample: int | str) -> str:
    """Why the stored rows of chunk ``rows_range`` differ from a recomputation of
    ``sample`` of its points (drawn with OS randomness, unpredictable to whoever wrote
    the files), or ""."""
    import secrets

    a, b = rows_range
    n = b - a
    if sample == "all" or int(sample) >= n:
        picked = np.arange(n)
    else:
        rng = np.random.default_rng(secrets.randbits(128))
        picked = np.sort(rng.choice(n, size=int(sample), replace=False))
    cols = grid.chunk(a, b)
    if rows == "points":
        fresh = evaluate_chunk(spec, {k: v[picked] for k, v in cols.items()})
        stored = table.iloc[picked].reset_index(drop=True)
    else:  # rows per equilibrium: every stored row of each picked point, in order
        keys = np.stack([np.asarray(cols[k], dtype=float) for k in grid.names], axis=1)
        stored_keys = np.stack([np.asarray(table[k], dtype=float) for k in grid.names], axis=1)
        want = set(map(tuple, keys[picked].tolist()))  # a set: linear, not points x picked

        def among(rows_: np.ndarray) -> np.ndarray:
            return np.fromiter((r in want for r in map(tuple, rows_.tolist())), dtype=bool,
                               count=len(rows_))

        fresh = evaluate_chunk(spec, {k: v[among(keys)] for k, v in cols.items()})
        stored = table[among(stored_keys)].reset_index(drop=True)
    what = f"{len(picked)} of its {n} points recomputed"
    if list(stored.columns) != list(fresh.columns) or len(stored) != len(fresh):
        return f"{what}: its rows differ from the recomputed ones"
    for name in fresh.columns:
        x, y = stored[name].to_numpy(), fresh[name].to_numpy()
        if x.dtype.kind == "f" or y.dtype.kind == "f":
            try:
                same = np.array_equal(x.astype(float), y.astype(float), equal_nan=True)
            except (TypeError, ValueError):
                same = False
        else:
            same = np.array_equal(x.astype(str), y.astype(str))
        if not same:
            return f"{what}: its column {name!r} differs from the recomputed values"
    return ""
