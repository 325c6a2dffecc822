"""Chunk checkpoints: resume an interrupted sweep without recomputing finished chunks.

A sweep cuts its grid into chunks and, when given a checkpoint folder, stores each
finished chunk there as one ``chunk-NNNNNN.npz`` file (numpy arrays, read back with
``allow_pickle=False``: nothing in a checkpoint is ever run as code) next to a
``manifest.json`` that records a SHA-256 *key* of everything the results depend on
(model file, grid, fixed values, selection, chunk size, package version). Every
file is written to a temporary name in the same folder and renamed into place
(``os.replace`` is atomic on POSIX and Windows), so killing the process at any
moment loses at most the chunk in flight and never leaves a half-written chunk.
Resuming with a different key is refused: results of another sweep are never mixed in.

>>> import tempfile, pandas as pd
>>> with tempfile.TemporaryDirectory() as d:
...     cp = Checkpoint.open(Path(d) / "cp", key="abc", chunks=2, resume=False)
...     cp.save(1, pd.DataFrame({"c": [0.5], "label": ["friction"]}))
...     again = Checkpoint.open(Path(d) / "cp", key="abc", chunks=2, resume=True)
...     sorted(again.finished()), again.load(1).label.tolist()
([1], ['friction'])
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import QAGamesError

__all__ = ["Checkpoint", "CheckpointError", "atomic_write_bytes"]

MANIFEST = "manifest.json"
FORMAT = 1


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


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint folder for one sweep (identified by ``key``) of ``chunks`` chunks."""

    path: Path
    key: str
    chunks: int

    @classmethod
    def open(cls, path: str | Path, *, key: str, chunks: int, resume: bool) -> Checkpoint:
        """Use ``path`` for the sweep ``key``: continue it when ``resume`` and the key
        matches, refuse when it does not, start afresh (clearing old chunks) otherwise."""
        path = Path(path)
        manifest = path / MANIFEST
        if path.exists() and not path.is_dir():
            raise CheckpointError(f"checkpoint={str(path)!r} exists and is not a folder")
        if manifest.is_file():
            try:
                old = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CheckpointError(f"{manifest}: unreadable manifest ({exc}); delete the "
                                      "folder to start afresh") from None
            same = old.get("key") == key and old.get("chunks") == chunks
            if resume and not same:
                raise CheckpointError(
                    f"{path}: this checkpoint belongs to a different sweep (model, grid, "
                    "options or version differ); delete it, or run without --resume to "
                    "start afresh")
            if not resume:
                cls._clear(path)
        elif path.is_dir() and any(path.iterdir()):
            raise CheckpointError(f"checkpoint={str(path)!r} is a folder that is not empty and "
                                  "holds no sweep manifest; choose another folder")
        try:
            path.mkdir(parents=True, exist_ok=True)
            if not manifest.is_file():
                body = {"format": FORMAT, "key": key, "chunks": chunks}
                atomic_write_bytes(manifest, json.dumps(body, indent=1).encode())
        except OSError as exc:
            raise CheckpointError(f"checkpoint={str(path)!r}: cannot write: "
                                  f"{exc.strerror or exc}") from None
        return cls(path, key, chunks)

    @staticmethod
    def _clear(path: Path) -> None:
        for f in path.glob("chunk-*.npz"):
            f.unlink(missing_ok=True)
        (path / MANIFEST).unlink(missing_ok=True)

    def _file(self, index: int) -> Path:
        return self.path / f"chunk-{index:06d}.npz"

    def finished(self) -> set[int]:
        """The indices of the chunks already stored."""
        out = set()
        for f in self.path.glob("chunk-*.npz"):
            try:
                k = int(f.stem.split("-")[1])
            except (IndexError, ValueError):
                continue
            if 0 <= k < self.chunks:
                out.add(k)
        return out

    def save(self, index: int, table: pd.DataFrame) -> None:
        """Store chunk ``index`` atomically."""
        import io

        buf = io.BytesIO()
        np.savez(buf, **_to_arrays(table))  # type: ignore[arg-type]  # stubs: ** could fill allow_pickle
        try:
            atomic_write_bytes(self._file(index), buf.getvalue())
        except OSError as exc:
            raise CheckpointError(f"{self._file(index)}: cannot write: "
                                  f"{exc.strerror or exc}") from None

    def load(self, index: int) -> pd.DataFrame | None:
        """Chunk ``index`` as stored, or None when it is missing or unreadable."""
        try:
            with np.load(self._file(index), allow_pickle=False) as data:
                return _from_arrays(data)
        except (OSError, ValueError, KeyError):
            return None

    def remove(self) -> None:
        """Delete the chunk files and the manifest, and the folder when it is then empty."""
        self._clear(self.path)
        for f in self.path.glob(".*.tmp"):
            f.unlink(missing_ok=True)
        try:
            self.path.rmdir()
        except OSError:
            pass
