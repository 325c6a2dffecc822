"""Chunk checkpoints: resume an interrupted sweep without recomputing finished chunks,
and without ever trusting a chunk that is not exactly what this sweep wrote.

A sweep cuts its grid into chunks and, when given a checkpoint folder, stores each
finished chunk there as one ``chunk-NNNNNN.npz`` file (numpy arrays, read back with
``allow_pickle=False``: nothing in a checkpoint is ever run as code) next to a
``manifest.json``. The sweep's *key* is a SHA-256 of everything its results depend on
(model file content, grid, fixed values, selection, rows, tolerance, chunk size, package
version); the manifest records only a hash of that key (``sweep``, which identifies the
sweep without revealing the key) and, for every stored chunk, the SHA-256 of its file,
its row range in the grid, its row count and columns, and a **seal**: an HMAC-SHA256,
keyed by the sweep's key, of the file's name, checksum, row range, rows and columns.
Every file is written to a temporary name in the same folder and renamed into place
(``os.replace`` is atomic on POSIX and Windows), so killing the process at any moment
loses at most the chunk in flight and never leaves a half-written chunk.

On resume every chunk is verified before use, and one that fails is discarded and
recomputed, with a note:

1. its file's checksum, row count and columns against the manifest, its row range and
   parameter values against the grid (a truncated, emptied, bit-flipped or replaced
   file; a changed row range);
2. its seal: an edit of a chunk *and* of its checksum, two chunks swapped together with
   their entries, a row range edited in the manifest, a chunk copied from another sweep
   all break it -- forging a seal needs the key, that is, the sweep's full specification
   and this package's way of hashing it;
3. a recomputation (by the caller, :func:`qa_games.analysis.sweep.sweep`) of rows drawn
   at random, with fresh OS randomness at each resume, compared bit for bit: a forged
   seal over a chunk with ``r`` wrong rows out of ``n`` survives ``k`` sampled rows with
   probability at most ``(1 - r/n)**k``; chunks of at most ``k`` rows, or
   ``verify_resumed="all"``, are recomputed whole, and then a resumed table *is* the
   uninterrupted one.

Resuming with a different key is refused: results of another sweep are never mixed in.

A sweep holds a **lock** on its folder (``lock.json``: process id, host, process start
time) while it runs: a second sweep on the same folder is refused with one line naming
the holder; a lock left by a process that no longer exists (killed) is taken over, with
a note.

>>> import tempfile, pandas as pd
>>> with tempfile.TemporaryDirectory() as d:
...     cp = Checkpoint.open(Path(d) / "cp", key="abc", chunks=2, resume=False)
...     cp.save(1, pd.DataFrame({"c": [0.5], "label": ["friction"]}), rows=(3, 4))
...     cp.release()
...     again = Checkpoint.open(Path(d) / "cp", key="abc", chunks=2, resume=True)
...     sorted(again.finished()), again.load(1).label.tolist()
([1], ['friction'])
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import QAGamesError

__all__ = ["Checkpoint", "CheckpointError", "atomic_write_bytes", "hold", "MANIFEST", "LOCK"]

MANIFEST = "manifest.json"
LOCK = "lock.json"
FORMAT = 3
#: Lock files this process holds (a sweep inside the CLI's own lock re-enters it).
_HELD: set[str] = set()


class CheckpointError(QAGamesError, RuntimeError):
    """A checkpoint folder cannot be used (another sweep's, unreadable, not writable)."""


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _to_arrays(df: pd.DataFrame) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {"__columns__": np.array(list(df.columns), dtype=str)}
    for k, name in enumerate(df.columns):
        col = df[name].to_numpy()
        out[f"c{k}"] = col if col.dtype.kind in "biuf" else col.astype(str)
    return out


def _from_arrays(data: np.lib.npyio.NpzFile) -> pd.DataFrame:
    names = [str(n) for n in data["__columns__"]]
    cols = {}
    for k, name in enumerate(names):
        a = data[f"c{k}"]
        cols[name] = a.astype(object) if a.dtype.kind == "U" else a
    return pd.DataFrame(cols)


def _start_time(pid: int) -> str:
    """The start time of process ``pid`` (Linux: /proc/PID/stat field 22), or ""."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def _alive(pid: int, start: str) -> bool:
    """Whether the process that wrote a lock still runs (a reused pid does not count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    now = _start_time(pid)
    return not (start and now and now != start)


def _acquire(path: Path, note: Callable[[str], None]) -> bool:
    """Take the lock of folder ``path``; False when this process already holds it."""
    lock = path / LOCK
    if str(lock.resolve()) in _HELD:
        return False
    body = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                       "start": _start_time(os.getpid()), "time": time.time()}).encode()
    for _ in range(3):
        fd, tmp = tempfile.mkstemp(prefix=".lock.", suffix=".tmp", dir=path)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
            os.link(tmp, lock)  # atomic: fails when a lock exists
            _HELD.add(str(lock.resolve()))
            return True
        except FileExistsError:
            pass
        finally:
            Path(tmp).unlink(missing_ok=True)
        try:
            held = json.loads(lock.read_text(encoding="utf-8"))
            pid, host, start = int(held["pid"]), str(held["host"]), str(held.get("start", ""))
        except FileNotFoundError:
            continue
        except (OSError, ValueError, KeyError, TypeError):
            raise CheckpointError(f"{lock}: unreadable lock file; if no other sweep is "
                                  "using this folder, delete the file and run again") from None
        if host == socket.gethostname() and not _alive(pid, start):
            note(f"removed a stale lock of process {pid} (no longer running) in {path}")
            lock.unlink(missing_ok=True)
            continue
        where = "" if host == socket.gethostname() else f" on {host}"
        raise CheckpointError(
            f"{path} is in use by another sweep (process {pid}{where}); wait for it to "
            f"finish, or choose another --out/--checkpoint (if that process is gone, delete "
            f"{lock})")
    raise CheckpointError(f"{lock}: cannot take the lock (it keeps changing)")


def _release(path: Path) -> None:
    lock = path / LOCK
    key = str(lock.resolve())
    if key in _HELD:
        _HELD.discard(key)
        lock.unlink(missing_ok=True)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sweep_id(key: str) -> str:
    """What the manifest records of a sweep's key: a hash that names it, not the key."""
    return _digest(b"qa_games sweep id\0" + key.encode())


_SEALED = ("sha256", "start", "stop", "rows", "columns")


def _seal(key: str, name: str, entry: dict) -> str:
    """The HMAC-SHA256, keyed by the sweep's key, of a chunk's manifest entry."""
    body = json.dumps({"file": name, **{k: entry.get(k) for k in _SEALED}}, sort_keys=True)
    return hmac.new(key.encode(), body.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """A checkpoint folder for one sweep (identified by ``key``) of ``chunks`` chunks."""

    path: Path
    key: str
    chunks: int
    owns_lock: bool = False
    entries: dict[str, dict] = field(default_factory=dict, repr=False)
    note: Callable[[str], None] = field(default=lambda msg: None, repr=False)

    @classmethod
    def open(cls, path: str | Path, *, key: str, chunks: int, resume: bool,
             note: Callable[[str], None] | None = None) -> Checkpoint:
        """Use ``path`` for the sweep ``key``: lock it, continue it when ``resume`` and the
        key matches, refuse when it does not, start afresh (clearing old chunks) otherwise."""
        path = Path(path)
        say = note or (lambda msg: None)
        manifest = path / MANIFEST
        if path.exists() and not path.is_dir():
            raise CheckpointError(f"checkpoint={str(path)!r} exists and is not a folder")
        if path.is_dir() and not manifest.is_file() and any(
                p.name != LOCK and not p.name.startswith(".") for p in path.iterdir()):
            raise CheckpointError(f"checkpoint={str(path)!r} is a folder that is not empty and "
                                  "holds no sweep manifest; choose another folder")
        try:
            path.mkdir(parents=True, exist_ok=True)
            owns = _acquire(path, say)
        except OSError as exc:
            raise CheckpointError(f"checkpoint={str(path)!r}: cannot write: "
                                  f"{exc.strerror or exc}") from None
        try:
            for f in path.glob(".*.tmp"):  # left by a process killed mid-write
                f.unlink(missing_ok=True)
            entries: dict[str, dict] = {}
            if manifest.is_file():
                old = cls._read_manifest(manifest)
                same = old.get("format") == FORMAT and old.get("sweep") == _sweep_id(key) \
                    and old.get("chunks") == chunks
                if resume and not same:
                    raise CheckpointError(
                        f"{path}: this checkpoint belongs to a different sweep (model, grid, "
                        "options or version differ); delete it, or run without --resume to "
                        "start afresh")
                if resume:
                    entries = dict(old.get("chunk_files", {}))
                else:
                    cls._clear(path)
            cp = cls(path, key, chunks, owns, entries, say)
            if not manifest.is_file() or not resume:
                cp._write_manifest()
        except OSError as exc:
            if owns:
                _release(path)
            raise CheckpointError(f"checkpoint={str(path)!r}: cannot write: "
                                  f"{exc.strerror or exc}") from None
        except BaseException:
            if owns:
                _release(path)
            raise
        return cp

    @staticmethod
    def _read_manifest(manifest: Path) -> dict:
        try:
            old = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CheckpointError(f"{manifest}: unreadable manifest ({exc}); delete the "
                                  "folder to start afresh") from None
        files = old.get("chunk_files", {}) if isinstance(old, dict) else None
        if not isinstance(old, dict) or not isinstance(files, dict) or not all(
                isinstance(v, dict) for v in files.values()):
            raise CheckpointError(f"{manifest}: not a sweep manifest (expected a JSON object "
                                  "with sweep, chunks and chunk_files); delete the folder to "
                                  "start afresh")
        return old

    def _write_manifest(self) -> None:
        body = {"format": FORMAT, "sweep": _sweep_id(self.key), "chunks": self.chunks,
                "chunk_files": dict(sorted(self.entries.items()))}
        atomic_write_bytes(self.path / MANIFEST, json.dumps(body, indent=1).encode())

    @staticmethod
    def _clear(path: Path) -> None:
        for f in path.glob("chunk-*.npz"):
            f.unlink(missing_ok=True)
        (path / MANIFEST).unlink(missing_ok=True)

    def _file(self, index: int) -> Path:
        return self.path / f"chunk-{index:06d}.npz"

    def finished(self) -> set[int]:
        """The indices of the chunks the manifest lists and whose files exist."""
        out = set()
        for name in self.entries:
            try:
                k = int(name.removeprefix("chunk-").removesuffix(".npz"))
            except ValueError:
                continue
            if 0 <= k < self.chunks and self._file(k).is_file():
                out.add(k)
        return out

    def save(self, index: int, table: pd.DataFrame, *, rows: tuple[int, int]) -> None:
        """Store chunk ``index`` (grid points ``rows[0]:rows[1]``) atomically and record
        its checksum in the manifest."""
        buf = io.BytesIO()
        np.savez(buf, **_to_arrays(table))  # type: ignore[arg-type]  # stubs: ** could fill allow_pickle
        data = buf.getvalue()
        try:
            atomic_write_bytes(self._file(index), data)
            entry = {"sha256": _digest(data), "start": int(rows[0]), "stop": int(rows[1]),
                     "rows": int(len(table)), "columns": [str(c) for c in table.columns]}
            entry["seal"] = _seal(self.key, self._file(index).name, entry)
            self.entries[self._file(index).name] = entry
            self._write_manifest()
        except OSError as exc:
            raise CheckpointError(f"{self._file(index)}: cannot write: "
                                  f"{exc.strerror or exc}") from None

    def load(self, index: int, *, rows: tuple[int, int] | None = None,
             check: Callable[[pd.DataFrame], str] | None = None) -> pd.DataFrame | None:
        """Chunk ``index`` as stored, or None (with a note) when it is missing, unlisted,
        unreadable, or differs from its manifest entry (checksum, row range, seal, row
        count, columns) or fails ``check`` (which returns a reason, or "")."""
        f = self._file(index)
        entry: dict = self.entries.get(f.name) or {}
        reason = ""
        table = None
        try:
            data = f.read_bytes()
        except OSError as exc:
            data, reason = b"", f"unreadable ({exc.strerror or exc})"
        if not reason and not entry:
            reason = "not listed in the manifest"
        elif not reason and entry.get("sha256") != _digest(data):
            reason = "its checksum differs from the manifest's"
        elif not reason and rows is not None and (entry.get("start"), entry.get("stop")) \
                != tuple(rows):
            reason = "its row range differs from the grid's"
        elif not reason and not hmac.compare_digest(
                str(entry.get("seal", "")), _seal(self.key, f.name, entry)):
            reason = ("its seal does not match this sweep's (the chunk or its manifest entry "
                      "was edited, moved or copied from another sweep)")
        if not reason:
            try:
                with np.load(io.BytesIO(data), allow_pickle=False) as z:
                    table = _from_arrays(z)
            except Exception as exc:  # BadZipFile, EOFError, ValueError, KeyError, ...
                reason = f"unreadable ({type(exc).__name__})"
        if table is not None and not reason:
            if len(table) != entry.get("rows") or \
                    [str(c) for c in table.columns] != entry.get("columns"):
                reason = "its rows or columns differ from the manifest's"
            elif check is not None:
                reason = check(table)
        if reason:
            if f.exists() or entry:
                self.note(f"chunk {index} ({f.name}) is {reason}: recomputed"
                          if reason.startswith("unreadable") else
                          f"chunk {index} ({f.name}): {reason}: recomputed")
            self.entries.pop(f.name, None)
            f.unlink(missing_ok=True)
            return None
        return table

    def release(self) -> None:
        """Give up the lock (the chunks stay)."""
        if self.owns_lock:
            _release(self.path)

    def remove(self) -> None:
        """Delete the chunk files, the manifest and the lock, and the folder when it is
        then empty."""
        self._clear(self.path)
        for f in self.path.glob(".*.tmp"):
            f.unlink(missing_ok=True)
        if self.owns_lock:
            _release(self.path)
        try:
            self.path.rmdir()
        except OSError:
            pass


@contextmanager
def hold(path: str | Path, *, note: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Hold the lock of checkpoint folder ``path`` (created if needed) for a block: a
    command that writes outputs after its sweep keeps other sweeps out until it is done.
    The folder is removed at the end when it is then empty."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise CheckpointError(f"checkpoint={str(path)!r} exists and is not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        owns = _acquire(path, note or (lambda msg: None))
    except OSError as exc:
        raise CheckpointError(f"checkpoint={str(path)!r}: cannot write: "
                              f"{exc.strerror or exc}") from None
    try:
        yield path
    finally:
        if owns:
            _release(path)
        try:
            path.rmdir()
        except OSError:
            pass
