"""The record's source tables: ATOP alliances, COW states, majors, capabilities, distances,
rivalries and disputes, as bundled with the package (``data/``, derived by ``data/derive.py``).

:class:`RecordData` holds the eight tables as pandas DataFrames with integer COW codes, in
the layout ``data/README.md`` documents (full citations there: ATOP v5.1, Leeds et al. 2002;
COW State System and Major Powers v2016; NMC, Singer et al. 1972; CShapes 2.0, Schvitz et
al. 2022; Thompson and Dreyer 2012; Thompson, Sakuwa and Suhas 2021; MID 5, Palmer et al.
2022). :func:`load_record_data` reads the bundled files (once per process);
:meth:`RecordData.from_frames` checks hand-made frames (a test fixture, or another
coding of the same sources) and fills in the optional tables as empty.

>>> data = load_record_data()
>>> int(data.alliances["year"].max()), sorted(data.tables())[:3]
(2018, ['alliances', 'majors', 'mids'])
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from ..errors import ParameterError

__all__ = ["RecordData", "load_record_data", "data_dir", "data_hashes", "COLUMNS", "KINDS"]

#: The ATOP pledge kinds, as columns of ``alliances`` (1 = a pledge of the kind links the pair).
KINDS = ("defense", "offense", "neutral", "nonagg", "consul")

#: The columns each table must have (extra columns are kept).
COLUMNS: dict[str, tuple[str, ...]] = {
    "alliances": ("ccode1", "ccode2", "year", *KINDS),
    "states": ("ccode", "stateabb", "statenme", "styear", "endyear"),
    "majors": ("ccode", "styear", "endyear"),
    "nmc": ("ccode", "year", "milex", "milper", "cinc"),
    "mindist": ("ccode1", "ccode2", "styear", "endyear", "mindist"),
    "td_rivalries": ("ccode1", "ccode2", "styear", "endyear"),
    "tss_rivalries": ("ccode1", "ccode2", "styear", "endyear"),
    "mids": ("dispnum", "ccode1", "ccode2", "year", "orig", "hostlev"),
}
_REQUIRED = ("alliances", "states")
_INT_COLUMNS = ("ccode", "ccode1", "ccode2", "year", "styear", "endyear", "dispnum", "orig",
                "hostlev", *KINDS)


def data_dir() -> Path:
    """The folder of bundled record data (in the installed package, or the source tree)."""
    here = Path(__file__).resolve().parents[1]
    bundled = here / "_bundled_data"
    if bundled.is_dir():
        return bundled
    source = here.parents[1] / "data"
    if source.is_dir():
        return source
    raise ParameterError(f"bundled record data not found (looked in {bundled} and {source})")


@dataclass(frozen=True, eq=False)
class RecordData:
    """The source tables (see ``data/README.md`` for every column's meaning and source).

    ``alliances`` has one row per non-directed pair (ccode1 < ccode2) and year with a pledge;
    ``mindist`` holds spells of constant distance; ``mids`` is directed (both orders of a
    pair appear, ``orig`` and ``hostlev`` are ccode1's).
    """

    alliances: pd.DataFrame
    states: pd.DataFrame
    majors: pd.DataFrame
    nmc: pd.DataFrame
    mindist: pd.DataFrame
    td_rivalries: pd.DataFrame
    tss_rivalries: pd.DataFrame
    mids: pd.DataFrame
    source: str = "frames"

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "source"}

    @classmethod
    def from_frames(cls, source: str = "frames", **frames: pd.DataFrame) -> RecordData:
        """Check and normalise hand-made tables; omitted optional tables are empty.

        >>> import pandas as pd
        >>> d = RecordData.from_frames(
        ...     alliances=pd.DataFrame({"ccode1": [2], "ccode2": [20], "year": [1950],
        ...                             "defense": [1], "offense": [0], "neutral": [0],
        ...                             "nonagg": [0], "consul": [0]}),
        ...     states=pd.DataFrame({"ccode": [2, 20], "stateabb": ["USA", "CAN"],
        ...                          "statenme": ["United States", "Canada"],
        ...                          "styear": [1816, 1920], "endyear": [2016, 2016]}))
        >>> len(d.alliances), len(d.mids)
        (1, 0)
        """
        unknown = sorted(set(frames) - set(COLUMNS))
        if unknown:
            raise ParameterError(f"unknown record table(s) {unknown} (known: {sorted(COLUMNS)})")
        out: dict[str, pd.DataFrame] = {}
        for name, cols in COLUMNS.items():
            frame = frames.get(name)
            if frame is None:
                if name in _REQUIRED:
                    raise ParameterError(f"record table {name!r} is required")
                frame = pd.DataFrame({c: pd.Series(dtype="int64") for c in cols})
            if not isinstance(frame, pd.DataFrame):
                raise ParameterError(f"record table {name!r} must be a pandas DataFrame")
            missing = [c for c in cols if c not in frame.columns]
            if missing:
                raise ParameterError(f"record table {name!r} lacks column(s) {missing}")
            frame = frame.reset_index(drop=True).copy()
            for col in cols:
                if col in _INT_COLUMNS:
                    vals = pd.to_numeric(frame[col], errors="coerce")
                    if vals.isna().any():
                        raise ParameterError(f"record table {name!r}: column {col!r} has "
                                             "missing or non-numeric values")
                    frame[col] = vals.astype("int64")
            out[name] = frame
        a = out["alliances"]
        if (a["ccode1"] >= a["ccode2"]).any():
            raise ParameterError("record table 'alliances' must have ccode1 < ccode2 on every "
                                 "row (one row per non-directed pair and year)")
        if a.duplicated(["ccode1", "ccode2", "year"]).any():
            raise ParameterError("record table 'alliances' has duplicate pair-years")
        return cls(source=source, **out)


def data_hashes() -> dict[str, str]:
    """sha256 of each bundled data file (the key of any cache built from them)."""
    folder = data_dir()
    return {name: hashlib.sha256((folder / f"{name}.csv.gz").read_bytes()).hexdigest()
            for name in COLUMNS}


@functools.cache
def load_record_data() -> RecordData:
    """The bundled tables, read once per process (callers must not modify them)."""
    folder = data_dir()
    frames: Mapping[str, pd.DataFrame] = {
        name: pd.read_csv(folder / f"{name}.csv.gz") for name in COLUMNS}
    return RecordData.from_frames(source=str(folder), **frames)
