"""The quasi-alliance panel: pairs of states that share a patron but are not allied.

Cha (1999, ch. 2) defines a quasi-alliance as two states that are not allied with each other
but share a common ally. On the ATOP alliance data (Leeds et al. 2002, v5.1) the risk set of
``empirics.md`` section 1 is every unordered pair {A, B} (A < B by COW code) and year y such
that (i) in year y both A and B have an ATOP *defense* pledge with some third state P (a
common *patron*, in either direction of the pledge; there may be several) and (ii) A and B
have no ATOP pledge of *any* kind (defense, offense, neutrality, non-aggression,
consultation) with each other in y. The outcome is ``onset = 1`` when A and B have a pledge
with each other in y + 1: of any kind (default), a security pledge (defense, offense or
consultation), or a defense pledge.

Relevance filters (variants) keep pairs within a distance (CShapes 2.0 minimum distance on
1 January of y, e.g. <= 950 km; rows before 1886, which have no distance, are dropped by
this filter), pairs with a common strategic rival in y (Thompson-Dreyer 2012, or Thompson,
Sakuwa and Suhas 2021), or pairs whose two states lie in one COW region.

The panel of the bundled data is built once per process and per option set
(``functools`` cache, about 1-2 s cold); callers get a fresh copy each time. Nothing is
written to disk.

>>> p = quasi_alliance_panel()
>>> int(p["onset"].sum()) > 100, bool((p["ccode_a"] < p["ccode_b"]).all())
(True, True)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .data import KINDS, RecordData, load_record_data

__all__ = ["quasi_alliance_panel", "build_panel", "OUTCOMES", "RIVALRIES", "REGIONS", "ERAS",
           "era_of", "region_of", "rivalry_years", "dyad_distance", "pair_key",
           "PANEL_COLUMNS", "TD_CODED_THROUGH", "TSS_CODED_THROUGH"]

#: Outcome pledge kinds: which ATOP pledges in y + 1 count as an onset.
OUTCOMES: dict[str, tuple[str, ...]] = {
    "any": KINDS,
    "security": ("defense", "offense", "consul"),
    "defense": ("defense",),
}
#: Strategic rivalry codings (``td``: Thompson and Dreyer 2012; ``tss``: Thompson, Sakuwa
#: and Suhas 2021).
RIVALRIES = ("td", "tss")
#: Last year each rivalry coding covers: a rivalry coded as ending then is right-censored
#: (still ongoing when the coding stopped) and is treated as ongoing in later years.
TD_CODED_THROUGH = 2010
TSS_CODED_THROUGH = 2020
#: COW regions by blocks of COW codes (the Correlates of War convention).
REGIONS: dict[str, tuple[int, int]] = {
    "americas": (2, 199),
    "europe": (200, 399),
    "africa": (400, 626),
    "middle_east": (630, 699),
    "asia": (700, 899),
    "oceania": (900, 999),
}
#: Eras of the empirical section: (label, first year, last year).
ERAS: tuple[tuple[str, int, int], ...] = (
    ("1816-1918", 1816, 1918),
    ("1919-1945", 1919, 1945),
    ("1946-1991", 1946, 1991),
    ("1992-2018", 1992, 2018),
)
#: The panel's columns, in order (``onset`` is the chosen outcome kind).
PANEL_COLUMNS = ("pair", "ccode_a", "ccode_b", "name_a", "name_b", "year", "era", "patrons",
                 "n_patrons", "patron", "patron_name", "patron_cinc", "onset", "onset_any",
                 "onset_security", "onset_defense", "mindist", "region_a", "region_b",
                 "common_rival_td", "common_rival_tss")


def pair_key(a: Any, b: Any) -> Any:
    """The integer key of a pair (or arrays of pairs) of COW codes, ``1000 * a + b``.

    >>> pair_key(732, 740)
    732740
    """
    if isinstance(a, (int, np.integer)) and isinstance(b, (int, np.integer)):
        return 1000 * int(a) + int(b)
    return 1000 * np.asarray(a, dtype=np.int64) + np.asarray(b, dtype=np.int64)


def _dyad_year_key(year: Any, a: Any, b: Any) -> np.ndarray:
    return (np.asarray(year, dtype=np.int64) * 1_000_000
            + np.asarray(a, dtype=np.int64) * 1000 + np.asarray(b, dtype=np.int64))


def _member(keys: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Whether each key is in ``table`` (both int64; ``table`` need not be sorted)."""
    table = np.sort(table)
    if len(table) == 0:
        return np.zeros(keys.shape, dtype=bool)
    pos = np.clip(np.searchsorted(table, keys), 0, len(table) - 1)
    return table[pos] == keys


def era_of(years: Any) -> np.ndarray:
    """The era label of each year (``""`` outside 1816-2018).

    >>> list(era_of([1816, 1945, 1946, 2018]))
    ['1816-1918', '1919-1945', '1946-1991', '1992-2018']
    """
    y = np.asarray(years, dtype=np.int64)
    out = np.full(y.shape, "", dtype=object)
    for label, lo, hi in ERAS:
        out[(y >= lo) & (y <= hi)] = label
    return out


def region_of(ccodes: Any) -> np.ndarray:
    """The COW region of each COW code (``""`` for a code outside every block).

    >>> list(region_of([2, 740, 900]))
    ['americas', 'asia', 'oceania']
    """
    c = np.asarray(ccodes, dtype=np.int64)
    out = np.full(c.shape, "", dtype=object)
    for name, (lo, hi) in REGIONS.items():
        out[(c >= lo) & (c <= hi)] = name
    return out


def rivalry_years(data: RecordData, rivalry: str, years: tuple[int, int]) -> pd.DataFrame:
    """Non-directed rival pair-years (ccode1 < ccode2, year) of a rivalry coding in ``years``.

    A rivalry ending in its coding's last year (``TD_CODED_THROUGH``, ``TSS_CODED_THROUGH``)
    is treated as ongoing afterwards (right-censored).
    """
    if rivalry not in RIVALRIES:
        raise ParameterError(f"rivalry={rivalry!r} is not a rivalry coding (known: "
                             f"{', '.join(RIVALRIES)})")
    table = data.td_rivalries if rivalry == "td" else data.tss_rivalries
    through = TD_CODED_THROUGH if rivalry == "td" else TSS_CODED_THROUGH
    if table.empty:
        return pd.DataFrame({"ccode1": [], "ccode2": [], "year": []}, dtype="int64")
    c1 = table["ccode1"].to_numpy(np.int64)
    c2 = table["ccode2"].to_numpy(np.int64)
    st = np.maximum(table["styear"].to_numpy(np.int64), years[0])
    en = table["endyear"].to_numpy(np.int64)
    en = np.where(en >= through, max(years[1], through), en)
    en = np.minimum(en, years[1])
    n = np.maximum(en - st + 1, 0)
    idx = np.repeat(np.arange(len(table)), n)
    offs = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    out = pd.DataFrame({"ccode1": np.minimum(c1, c2)[idx], "ccode2": np.maximum(c1, c2)[idx],
                        "year": st[idx] + offs})
    return out.drop_duplicates().reset_index(drop=True)


class _DistanceLookup:
    """Minimum distance of any dyad-year, from the spells of ``data.mindist``."""

    def __init__(self, mindist: pd.DataFrame) -> None:
        n = (mindist["endyear"] - mindist["styear"] + 1).to_numpy(np.int64)
        n = np.maximum(n, 0)
        idx = np.repeat(np.arange(len(mindist)), n)
        offs = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
        c1 = mindist["ccode1"].to_numpy(np.int64)[idx]
        c2 = mindist["ccode2"].to_numpy(np.int64)[idx]
        year = mindist["styear"].to_numpy(np.int64)[idx] + offs
        keys = _dyad_year_key(year, np.minimum(c1, c2), np.maximum(c1, c2))
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.values = mindist["mindist"].to_numpy(float)[idx][order]

    def __call__(self, year: Any, a: Any, b: Any) -> np.ndarray:
        a = np.asarray(a, dtype=np.int64)
        b = np.asarray(b, dtype=np.int64)
        q = _dyad_year_key(year, np.minimum(a, b), np.maximum(a, b))
        out = np.full(q.shape, np.nan)
        if len(self.keys) == 0:
            return out
        pos = np.clip(np.searchsorted(self.keys, q), 0, len(self.keys) - 1)
        hit = self.keys[pos] == q
        out[hit] = self.values[pos[hit]]
        out[a == b] = 0.0
        return out


_LOOKUPS: dict[int, tuple[RecordData, _DistanceLookup]] = {}


def dyad_distance(data: RecordData, year: Any, a: Any, b: Any) -> np.ndarray:
    """CShapes minimum distance (km) between states ``a`` and ``b`` in ``year`` (NaN if none).

    >>> float(dyad_distance(load_record_data(), [2000], [2], [20])[0])
    0.0
    """
    hit = _LOOKUPS.get(id(data))
    if hit is None or hit[0] is not data:
        if len(_LOOKUPS) >= 8:
            _LOOKUPS.clear()
        hit = (data, _DistanceLookup(data.mindist))
        _LOOKUPS[id(data)] = hit
    return hit[1](year, a, b)


def _cinc_lookup(data: RecordData, year: np.ndarray, ccode: np.ndarray) -> np.ndarray:
    nmc = data.nmc
    keys = nmc["year"].to_numpy(np.int64) * 1000 + nmc["ccode"].to_numpy(np.int64)
    order = np.argsort(keys)
    keys, vals = keys[order], nmc["cinc"].to_numpy(float)[order]
    q = year.astype(np.int64) * 1000 + ccode.astype(np.int64)
    out = np.full(q.shape, np.nan)
    if len(keys):
        pos = np.clip(np.searchsorted(keys, q), 0, len(keys) - 1)
        hit = keys[pos] == q
        out[hit] = vals[pos[hit]]
    return out


def _state_names(data: RecordData) -> dict[int, str]:
    s = data.states.sort_values(["ccode", "styear"])
    return dict(zip(s["ccode"].astype(int), s["statenme"].astype(str), strict=False))


def _default_years(data: RecordData) -> tuple[int, int]:
    years = data.alliances["year"]
    if years.empty:
        raise ParameterError("the alliance table is empty: no panel can be built")
    return max(int(years.min()), 1816), int(years.max()) - 1


def _check_years(data: RecordData, years: Any) -> tuple[int, int]:
    first, last = _default_years(data)
    if years is None:
        return first, last
    if (not isinstance(years, Sequence) or isinstance(years, str) or len(years) != 2
            or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                       for v in years)):
        raise ParameterError(f"years={years!r} must be a pair of integers (first, last)")
    y0, y1 = int(years[0]), int(years[1])
    if y0 > y1:
        raise ParameterError(f"years={years!r} is empty (first year after last year)")
    if y1 < first or y0 > last:
        raise ParameterError(f"years={years!r} has no panel years: onsets in y + 1 are "
                             f"observed for y in {first}-{last} only")
    return max(y0, first), min(y1, last)


def build_panel(data: RecordData, years: tuple[int, int]) -> pd.DataFrame:
    """The unfiltered risk set in ``years`` (checked years), every outcome kind as a column."""
    y0, y1 = years
    al = data.alliances
    al = al[(al["year"] >= y0) & (al["year"] <= y1 + 1)]
    c1 = al["ccode1"].to_numpy(np.int64)
    c2 = al["ccode2"].to_numpy(np.int64)
    yr = al["year"].to_numpy(np.int64)
    kinds = {k: al[k].to_numpy(np.int64) != 0 for k in KINDS}
    any_pledge = np.zeros(len(al), dtype=bool)
    for k in KINDS:
        any_pledge |= kinds[k]
    # (i) common defense patrons: for each (year, P), all pairs of P's defense partners.
    d = kinds["defense"] & (yr <= y1)
    ey = np.r_[yr[d], yr[d]]
    ep = np.r_[c1[d], c2[d]]
    ex = np.r_[c2[d], c1[d]]
    order = np.lexsort((ex, ep, ey))
    ey, ep, ex = ey[order], ep[order], ex[order]
    group = ey * 1000 + ep
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    sizes = np.diff(np.r_[starts, len(group)])
    ty, tp, ta, tb = [], [], [], []
    for size in np.unique(sizes):
        if size < 2:
            continue
        s = starts[sizes == size]
        i, j = np.triu_indices(size, 1)
        rows_i = (s[:, None] + i[None, :]).ravel()
        rows_j = (s[:, None] + j[None, :]).ravel()
        ty.append(ey[rows_i])
        tp.append(ep[rows_i])
        ta.append(ex[rows_i])
        tb.append(ex[rows_j])
    if ty:
        ty_a, tp_a, ta_a, tb_a = (np.concatenate(v) for v in (ty, tp, ta, tb))
    else:
        ty_a = tp_a = ta_a = tb_a = np.zeros(0, dtype=np.int64)
    # ex is sorted within a (year, P) group, so ta < tb.
    # (ii) no pledge of any kind between A and B in y.
    pledged = _dyad_year_key(yr[any_pledge], c1[any_pledge], c2[any_pledge])
    tkey = _dyad_year_key(ty_a, ta_a, tb_a)
    keep = ~_member(tkey, pledged)
    ty_a, tp_a, ta_a, tb_a, tkey = ty_a[keep], tp_a[keep], ta_a[keep], tb_a[keep], tkey[keep]
    # Strongest patron by CINC (ties and missing CINC: the lowest COW code).
    pc = _cinc_lookup(data, ty_a, tp_a)
    rank = np.where(np.isnan(pc), -1.0, pc)
    order = np.lexsort((tp_a, -rank, tkey))
    ty_a, tp_a, ta_a, tb_a, tkey, pc = (v[order] for v in (ty_a, tp_a, ta_a, tb_a, tkey, pc))
    first = np.flatnonzero(np.r_[True, tkey[1:] != tkey[:-1]])
    n_pat = np.diff(np.r_[first, len(tkey)])
    year = ty_a[first]
    a, b = ta_a[first], tb_a[first]
    # Every common patron, sorted by COW code.
    pat = tp_a[np.lexsort((tp_a, tkey))].tolist()
    ends = np.r_[first[1:], len(tkey)].tolist()
    patrons = [tuple(pat[s:e]) for s, e in zip(first.tolist(), ends, strict=True)]
    out = pd.DataFrame({"ccode_a": a, "ccode_b": b, "year": year})
    out.insert(0, "pair", pair_key(a, b))
    names = _state_names(data)
    out["name_a"] = [names.get(int(x), str(int(x))) for x in a]
    out["name_b"] = [names.get(int(x), str(int(x))) for x in b]
    out["era"] = era_of(year)
    out["patrons"] = pd.Series(patrons, dtype=object)
    out["n_patrons"] = n_pat
    out["patron"] = tp_a[first]
    out["patron_name"] = [names.get(int(x), str(int(x))) for x in tp_a[first]]
    out["patron_cinc"] = pc[first]
    # Outcomes: a pledge of the kind between A and B in y + 1.
    next_key = _dyad_year_key(year + 1, a, b)
    for name, ks in OUTCOMES.items():
        m = np.zeros(len(al), dtype=bool)
        for k in ks:
            m |= kinds[k]
        out[f"onset_{name}"] = _member(next_key, _dyad_year_key(yr[m], c1[m], c2[m])).astype(int)
    out["onset"] = out["onset_any"]
    out["mindist"] = dyad_distance(data, year, a, b)
    out["region_a"] = region_of(a)
    out["region_b"] = region_of(b)
    for riv in RIVALRIES:
        out[f"common_rival_{riv}"] = _common_rival(data, riv, (y0, y1), out).astype(int)
    return out[list(PANEL_COLUMNS)]


def _common_rival(data: RecordData, rivalry: str, years: tuple[int, int],
                  panel: pd.DataFrame) -> np.ndarray:
    """Whether A and B have a rival R (not A or B) in common in y."""
    riv = rivalry_years(data, rivalry, years)
    if riv.empty or panel.empty:
        return np.zeros(len(panel), dtype=bool)
    directed = pd.concat([riv.rename(columns={"ccode1": "s", "ccode2": "r"}),
                          riv.rename(columns={"ccode2": "s", "ccode1": "r"})])
    left = panel[["year", "ccode_a", "ccode_b"]].reset_index()
    ma = left.merge(directed, left_on=["year", "ccode_a"], right_on=["year", "s"])
    mb = left.merge(directed, left_on=["year", "ccode_b"], right_on=["year", "s"])
    both = ma[["index", "r"]].merge(mb[["index", "r"]], on=["index", "r"])
    both = both.merge(left[["index", "ccode_a", "ccode_b"]], on="index")
    both = both[(both["r"] != both["ccode_a"]) & (both["r"] != both["ccode_b"])]
    flag = np.zeros(len(panel), dtype=bool)
    flag[both["index"].to_numpy()] = True
    return flag


@functools.lru_cache(maxsize=4)
def _bundled_panel(years: tuple[int, int]) -> pd.DataFrame:
    return build_panel(load_record_data(), years)


def _check_options(outcome: str, max_distance_km: Any, common_rival: Any, rivalry: str,
                   region: Any) -> None:
    if outcome not in OUTCOMES:
        raise ParameterError(f"outcome={outcome!r} is not an outcome kind (known: "
                             f"{', '.join(OUTCOMES)})")
    if rivalry not in RIVALRIES:
        raise ParameterError(f"rivalry={rivalry!r} is not a rivalry coding (known: "
                             f"{', '.join(RIVALRIES)})")
    if region is not None and region not in REGIONS:
        raise ParameterError(f"region={region!r} is not a COW region (known: "
                             f"{', '.join(REGIONS)})")
    if not isinstance(common_rival, bool):
        raise ParameterError(f"common_rival={common_rival!r} must be True or False")
    if max_distance_km is not None:
        ok = isinstance(max_distance_km, (int, float)) and not isinstance(max_distance_km, bool)
        if not ok or not math.isfinite(float(max_distance_km)) or max_distance_km < 0:
            raise ParameterError(f"max_distance_km={max_distance_km!r} must be a finite "
                                 "number of km >= 0, or None")


def quasi_alliance_panel(*, outcome: str = "any", years: tuple[int, int] | None = None,
                         max_distance_km: float | None = None, common_rival: bool = False,
                         rivalry: str = "td", region: str | None = None,
                         data: RecordData | None = None) -> pd.DataFrame:
    """The quasi-alliance risk set (module docstring), one row per pair and year.

    Options (keyword-only): ``outcome`` ``"any"`` | ``"security"`` | ``"defense"`` (the
    pledge kinds that make ``onset``; the ``onset_*`` columns hold all three); ``years``
    ``(first, last)`` of y (default: every year whose y + 1 ATOP observes, 1816-2017);
    ``max_distance_km`` (keep pairs at most this far apart, CShapes); ``common_rival``
    (keep pairs with a common rival, coded by ``rivalry`` ``"td"`` | ``"tss"``);
    ``region`` (both states in one COW region, :data:`REGIONS`); ``data`` (hand-made
    :class:`RecordData`; default: the bundled tables). The options are in ``df.attrs``.

    >>> p = quasi_alliance_panel(years=(1965, 1970), max_distance_km=950)
    >>> int(p["year"].min()) >= 1965 and bool((p["mindist"] <= 950).all())
    True
    """
    _check_options(outcome, max_distance_km, common_rival, rivalry, region)
    source = load_record_data() if data is None else data
    y0, y1 = _check_years(source, years)
    if data is None:
        full = _bundled_panel(_default_years(source))
        panel = full[(full["year"] >= y0) & (full["year"] <= y1)]
    else:
        panel = build_panel(data, (y0, y1))
    mask = np.ones(len(panel), dtype=bool)
    if max_distance_km is not None:
        mask &= (panel["mindist"] <= float(max_distance_km)).to_numpy()
    if common_rival:
        mask &= panel[f"common_rival_{rivalry}"].to_numpy() == 1
    if region is not None:
        mask &= ((panel["region_a"] == region) & (panel["region_b"] == region)).to_numpy()
    out = panel[mask].copy()
    out["onset"] = out[f"onset_{outcome}"]
    out = out.reset_index(drop=True)
    options = {"outcome": outcome, "years": (y0, y1), "max_distance_km": max_distance_km,
               "common_rival": common_rival, "rivalry": rivalry, "region": region,
               "data": "bundled" if data is None else data.source}
    if out.empty:
        raise ParameterError(f"the panel is empty under {_describe(options)}")
    out.attrs["options"] = options
    return out


def _describe(options: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in options.items() if k != "data")
