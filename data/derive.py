"""Re-derive the project's record tables (``data/*.csv.gz``) from the peacesciencer tables.

Run by hand from the repository root (the only code in the project that reads ``../shared``)::

    python data/derive.py [SOURCE_DIR]

``SOURCE_DIR`` defaults to ``../shared/data/peacesciencer`` relative to the repository root.
Every output is a gzip-compressed CSV with integer COW codes; ``data/README.md`` says what
each file keeps and why, and ``data/SHA256SUMS`` lists the outputs' hashes (written last).
The outputs are deterministic: gzip is written with ``mtime=0`` and rows are sorted.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parent.parent / "shared" / "data" / "peacesciencer"
KINDS = ("defense", "offense", "neutral", "nonagg", "consul")


def read(source: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(source / f"{name}.csv.gz")


def write(frame: pd.DataFrame, name: str) -> Path:
    """Write ``frame`` as ``data/<name>.csv.gz``, byte-for-byte reproducibly."""
    path = HERE / f"{name}.csv.gz"
    text = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(text)
    path.write_bytes(buf.getvalue())
    print(f"{path.name}: {len(frame):,} rows, {path.stat().st_size:,} bytes")
    return path


def alliances(source: Path) -> pd.DataFrame:
    """Non-directed dyad-years: a kind is 1 when a pledge of it links the pair in either order."""
    raw = read(source, "atop_alliance")
    a = raw[["ccode1", "ccode2"]].to_numpy().astype(int)
    lo, hi = a.min(axis=1), a.max(axis=1)
    out = pd.DataFrame({"ccode1": lo, "ccode2": hi, "year": raw["year"].astype(int)})
    for kind in KINDS:
        out[kind] = raw[f"atop_{kind}"].fillna(0).astype(int)
    out = out.groupby(["ccode1", "ccode2", "year"], as_index=False)[list(KINDS)].max()
    return out.sort_values(["year", "ccode1", "ccode2"]).reset_index(drop=True)


def states(source: Path) -> pd.DataFrame:
    raw = read(source, "cow_states")
    out = raw[["ccode", "stateabb", "statenme", "styear", "endyear"]].copy()
    for col in ("ccode", "styear", "endyear"):
        out[col] = out[col].astype(int)
    return out.sort_values(["ccode", "styear"]).reset_index(drop=True)


def majors(source: Path) -> pd.DataFrame:
    raw = read(source, "cow_majors")
    out = raw[["ccode", "styear", "endyear"]].astype(int)
    return out.sort_values(["ccode", "styear"]).reset_index(drop=True)


def nmc(source: Path) -> pd.DataFrame:
    raw = read(source, "cow_nmc")
    out = raw[["ccode", "year", "milex", "milper", "cinc"]].copy()
    out["ccode"] = out["ccode"].astype(int)
    out["year"] = out["year"].astype(int)
    # milex and milper are integers in NMC (thousands of US$ / thousands of personnel);
    # -9 codes are already missing in peacesciencer.
    for col in ("milex", "milper"):
        out[col] = out[col].astype("Int64")
    return out.sort_values(["ccode", "year"]).reset_index(drop=True)


def mindist(source: Path) -> pd.DataFrame:
    """Run-length encode the dyad-year distances into spells of constant distance.

    A spell (ccode1, ccode2, styear, endyear, mindist) stands for every year from styear
    to endyear inclusive in which the dyad has that distance; a gap in the years (a state
    missing from the system) or a change of distance starts a new spell, so expanding the
    spells gives back exactly the rows of ``cow_mindist``.
    """
    raw = read(source, "cow_mindist")
    raw = raw.sort_values(["ccode1", "ccode2", "year"]).reset_index(drop=True)
    c1 = raw["ccode1"].to_numpy().astype(int)
    c2 = raw["ccode2"].to_numpy().astype(int)
    yr = raw["year"].to_numpy().astype(int)
    d = np.round(raw["mindist"].to_numpy(dtype=float), 1)
    new = np.ones(len(raw), dtype=bool)
    new[1:] = ((c1[1:] != c1[:-1]) | (c2[1:] != c2[:-1]) | (yr[1:] != yr[:-1] + 1)
               | (d[1:] != d[:-1]))
    start = np.flatnonzero(new)
    end = np.r_[start[1:], len(raw)] - 1
    out = pd.DataFrame({"ccode1": c1[start], "ccode2": c2[start], "styear": yr[start],
                        "endyear": yr[end], "mindist": d[start]})
    # Check: the spells expand back to the source rows.
    assert int((out["endyear"] - out["styear"] + 1).sum()) == len(raw)
    return out


def td_rivalries(source: Path) -> pd.DataFrame:
    raw = read(source, "td_rivalries")
    out = raw[["rivalryno", "rivalryname", "ccode1", "ccode2", "styear", "endyear"]].copy()
    for col in ("rivalryno", "ccode1", "ccode2", "styear", "endyear"):
        out[col] = out[col].astype(int)
    return out.sort_values("rivalryno").reset_index(drop=True)


def tss_rivalries(source: Path) -> pd.DataFrame:
    raw = read(source, "tss_rivalries")
    out = raw[["tssr_id", "rivalry", "ccode1", "ccode2", "start", "end"]].copy()
    out = out.rename(columns={"tssr_id": "rivalryno", "rivalry": "rivalryname",
                              "start": "styear", "end": "endyear"})
    for col in ("rivalryno", "ccode1", "ccode2", "styear", "endyear"):
        out[col] = out[col].astype(int)
    return out.sort_values("rivalryno").reset_index(drop=True)


def mids(source: Path) -> pd.DataFrame:
    """Directed dispute-years (both orders of every pair): who, against whom, when, how."""
    raw = read(source, "cow_mid_dirdisps")
    out = raw[["dispnum", "ccode1", "ccode2", "year", "orig1", "hostlev1"]].copy()
    out = out.rename(columns={"orig1": "orig", "hostlev1": "hostlev"})
    for col in out.columns:
        out[col] = out[col].fillna(0).astype(int)
    return out.sort_values(["year", "dispnum", "ccode1", "ccode2"]).reset_index(drop=True)


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    if not source.is_dir():
        print(f"derive.py: source folder {source} not found", file=sys.stderr)
        return 2
    paths = [
        write(alliances(source), "alliances"),
        write(states(source), "states"),
        write(majors(source), "majors"),
        write(nmc(source), "nmc"),
        write(mindist(source), "mindist"),
        write(td_rivalries(source), "td_rivalries"),
        write(tss_rivalries(source), "tss_rivalries"),
        write(mids(source), "mids"),
    ]
    lines = [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in paths]
    (HERE / "SHA256SUMS").write_text("".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
