"""Measures: each theory's parameters read off the record, one documented function each.

``empirics.md`` section 2. For a quasi-alliance pair-year (A, B, y) of
:func:`~qa_games.record.panel.quasi_alliance_panel`:

- the **threatening state** R (:func:`threatening_state`): a strategic rival of A or B in y
  (Thompson and Dreyer 2012; Thompson, Sakuwa and Suhas 2021 as a variant), else the state
  with the most militarised disputes (MID 5, Palmer et al. 2022) against A or B in the
  previous 5 years;
- **Walt's four sources of threat** (Walt 1985, 9-13; 1987, ch. 2), each in [0, 1]
  (:func:`threat_components`), and Walt's **threat index** ``tau`` evaluated by the walt
  model file's own ``[derived]`` expression (:func:`threat_index`): the model file, not
  this module, says how the sources combine;
- the **patron's commitment** c (Cha 1999, ch. 2) about the strongest common patron
  (:func:`patron_commitment`): four proxies and a stated default index;
- **Cha's other parameters** (:func:`cha_parameters`): bilateral animosity k, exposure
  x_A, x_B (proximity to R), entrapment y_A, y_B (the partner's other disputes);
- the **balancers' capability** against R (:func:`balancing_capability`), the buck-passing
  model's m_1 and m_2: the chance that one or both states contain R without the patron.

Every function returns new columns indexed like the panel, so every row keeps the
components it was computed from; :func:`measured_panel` attaches them all.

Windows: "the previous n years" of y are y - n, ..., y - 1. MID 5 ends in 2014, so the
windows of 2015-2019 see fewer disputes; NMC (as bundled) runs to 2022, CShapes distances
start in 1886 (rows before have NaN distances, hence NaN proximity and threat index).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..games.vectorize import lambdify_safe
from .data import RecordData, load_record_data
from .panel import (
    RIVALRIES,
    _cinc_lookup,
    _dyad_year_key,
    _member,
    dyad_distance,
    quasi_alliance_panel,
    rivalry_years,
)

__all__ = ["threatening_state", "threat_components", "threat_index", "patron_commitment",
           "cha_parameters", "balancing_capability", "measured_panel", "proximity", "major_power",
           "COMMITMENT_PROXIES", "THREAT_SOURCES", "D0_KM", "OFFENSE", "INDEXES",
           "COW_MAJORS_CODED_THROUGH"]

#: Distance scale of proximity (km): proximity is 1/2 at this distance.
D0_KM = 1000.0
#: Offensive capability: R's share of the trio's military personnel (default) or spending.
OFFENSE = ("milper", "milex")
#: The walt model's threat indexes (``[derived]`` expressions).
INDEXES = ("threat_index", "threat_index_arithmetic")
#: Walt's sources of threat, as the walt model names them.
THREAT_SOURCES = ("power", "proximity", "offense", "intent")
#: The commitment proxies, and the default index (their mean).
COMMITMENT_PROXIES = ("c_major", "c_cinc_share", "c_dilution", "c_rivalry")
#: The COW major-power list ends in 2016: a spell ending then is treated as ongoing.
COW_MAJORS_CODED_THROUGH = 2016
_WALT = "walt_balance_of_threat"
#: The options :func:`measured_panel` passes on to the panel.
PANEL_OPTIONS = ("outcome", "years", "max_distance_km", "common_rival", "region")


def _data(data: RecordData | None) -> RecordData:
    return load_record_data() if data is None else data


def _check_panel(panel: pd.DataFrame, needed: tuple[str, ...]) -> None:
    if not isinstance(panel, pd.DataFrame):
        raise ParameterError("panel must be a pandas DataFrame (see quasi_alliance_panel)")
    missing = [c for c in needed if c not in panel.columns]
    if missing:
        raise ParameterError(f"panel lacks column(s) {missing}")


def _sides(panel: pd.DataFrame, window: int) -> pd.DataFrame:
    """(row, side, target, wyear) for each row, side (A or B) and year of the window."""
    n = len(panel)
    rows = np.tile(np.arange(n), 2)
    target = np.r_[panel["ccode_a"].to_numpy(np.int64), panel["ccode_b"].to_numpy(np.int64)]
    side = np.repeat(np.array(["a", "b"]), n)
    year = np.tile(panel["year"].to_numpy(np.int64), 2)
    w = np.arange(1, window + 1)
    return pd.DataFrame({"row": np.repeat(rows, window), "side": np.repeat(side, window),
                         "target": np.repeat(target, window),
                         "wyear": (np.repeat(year, window) - np.tile(w, 2 * n))})


def _mids_against(panel: pd.DataFrame, data: RecordData, window: int) -> pd.DataFrame:
    """Dispute-years against A or B in the window: (row, side, target, opp, dispnum, orig,
    hostlev), ``orig`` and ``hostlev`` being the opponent's (MID 5, directed)."""
    if window <= 0 or data.mids.empty or panel.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in
                             ("row", "side", "target", "opp", "dispnum", "orig", "hostlev")})
    mids = data.mids.rename(columns={"ccode1": "opp", "ccode2": "target", "year": "wyear"})
    out = _sides(panel, window).merge(
        mids[["opp", "target", "wyear", "dispnum", "orig", "hostlev"]], on=["target", "wyear"])
    return out


def _rivals(panel: pd.DataFrame, data: RecordData, rivalry: str) -> pd.DataFrame:
    """(row, side, rival) for every rival of A or B in y."""
    if panel.empty:
        return pd.DataFrame({"row": [], "side": [], "rival": []})
    years = (int(panel["year"].min()), int(panel["year"].max()))
    riv = rivalry_years(data, rivalry, years)
    directed = pd.concat([riv.rename(columns={"ccode1": "target", "ccode2": "rival"}),
                          riv.rename(columns={"ccode2": "target", "ccode1": "rival"})])
    sides = _sides(panel, 1)
    sides["year"] = sides["wyear"] + 1
    return sides.merge(directed, on=["target", "year"])[["row", "side", "rival"]]


def _check_window(name: str, value: Any) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ParameterError(f"{name}={value!r} must be a whole number of years >= 1")
    return int(value)


def threatening_state(panel: pd.DataFrame, data: RecordData | None = None, *,
                      rivalry: str = "td", mid_window: int = 5) -> pd.DataFrame:
    """The threatening state R of each pair-year, and why it was chosen.

    Source columns: ``td_rivalries`` (or ``tss_rivalries``) ccode1, ccode2, styear, endyear;
    ``mids`` (MID 5 directed dispute-years) dispnum, ccode1, ccode2, year; ``nmc.cinc``.
    Rule: R is a strategic rival of A or B in y (never A or B); among several, a rival of
    both first, then the most disputes (distinct MIDs) against A or B in the previous
    ``mid_window`` years, then the higher CINC in y, then the lower COW code. With no rival,
    R is the state with the most disputes against A or B in the previous ``mid_window``
    years (same tie-breaks). With neither, R is missing (``threat_source = "none"``).
    Alternatives: ``rivalry="tss"``; a longer or shorter ``mid_window``.

    Columns: ``threat`` (COW code, nullable), ``threat_source`` (``rivalry_td``,
    ``rivalry_tss``, ``mid`` or ``none``), ``threat_rival_of_both`` (0/1),
    ``threat_mids`` (R's disputes against A or B in the window).

    >>> p = quasi_alliance_panel(years=(1990, 1990), region="asia")
    >>> r = threatening_state(p)
    >>> r.loc[(p["ccode_a"] == 732) & (p["ccode_b"] == 740), "threat"].tolist()
    [731]
    """
    _check_panel(panel, ("ccode_a", "ccode_b", "year"))
    if rivalry not in RIVALRIES:
        raise ParameterError(f"rivalry={rivalry!r} is not a rivalry coding (known: "
                             f"{', '.join(RIVALRIES)})")
    window = _check_window("mid_window", mid_window)
    data = _data(data)
    n = len(panel)
    a = panel["ccode_a"].to_numpy(np.int64)
    b = panel["ccode_b"].to_numpy(np.int64)
    year = panel["year"].to_numpy(np.int64)
    mids = _mids_against(panel, data, window)
    counts = (mids.drop_duplicates(["row", "opp", "dispnum"])
              .groupby(["row", "opp"]).size().rename("mids").reset_index()
              .rename(columns={"opp": "cand"}))
    riv = _rivals(panel, data, rivalry)
    rcand = (riv.groupby(["row", "rival"])["side"].nunique().rename("both").reset_index()
             .rename(columns={"rival": "cand"}))
    rcand["both"] = (rcand["both"] == 2).astype(int)
    rcand["is_rival"] = 1
    mcand = counts[["row", "cand"]].assign(both=0, is_rival=0)
    cand = pd.concat([rcand, mcand]).drop_duplicates(["row", "cand"], keep="first")
    cand = cand.merge(counts, on=["row", "cand"], how="left")
    cand["mids"] = cand["mids"].fillna(0).astype(int)
    r_idx = cand["row"].to_numpy(np.int64)
    cc = cand["cand"].to_numpy(np.int64)
    ok = (cc != a[r_idx]) & (cc != b[r_idx])
    cand = cand[ok]
    cand["cinc"] = _cinc_lookup(data, year[cand["row"].to_numpy(np.int64)],
                                cand["cand"].to_numpy(np.int64))
    cand["cinc_rank"] = cand["cinc"].fillna(-1.0)
    cand = cand.sort_values(["row", "is_rival", "both", "mids", "cinc_rank", "cand"],
                            ascending=[True, False, False, False, False, True])
    best = cand.drop_duplicates("row", keep="first").set_index("row")
    out = pd.DataFrame(index=panel.index)
    threat = pd.array([pd.NA] * n, dtype="Int64")
    source = np.full(n, "none", dtype=object)
    both = np.zeros(n, dtype=int)
    nm = np.zeros(n, dtype=int)
    pos = best.index.to_numpy(np.int64)
    threat[pos] = best["cand"].to_numpy(np.int64)
    source[pos] = np.where(best["is_rival"].to_numpy() == 1, f"rivalry_{rivalry}", "mid")
    both[pos] = best["both"].to_numpy()
    nm[pos] = best["mids"].to_numpy()
    out["threat"] = threat
    out["threat_source"] = source
    out["threat_rival_of_both"] = both
    out["threat_mids"] = nm
    return out


@functools.cache
def _walt_functions(index: str) -> tuple[tuple[str, ...], Any, Mapping[str, float]]:
    """The walt model's derived expression ``index`` as a numpy function of its symbols."""
    from ..modelfiles.loader import load_model

    model = load_model(_WALT)
    if index not in model.derived:
        raise ParameterError(f"index={index!r} is not a derived quantity of {_WALT} "
                             f"(known: {', '.join(sorted(model.derived))})")
    expr = model.derived[index]
    symbols = tuple(sorted(expr.free_symbols, key=lambda s: s.name))
    fn = lambdify_safe(symbols, expr)
    defaults = {k: float(v) for k, v in model.defaults().items()}
    return tuple(s.name for s in symbols), fn, defaults


def _evaluate(index: str, values: Mapping[str, Any]) -> np.ndarray:
    names, fn, defaults = _walt_functions(index)
    args = []
    for name in names:
        if name in values:
            args.append(np.asarray(values[name], dtype=float))
        else:
            args.append(np.asarray(defaults[name], dtype=float))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.asarray(fn(*args), dtype=float)


def proximity(distance_km: Any, *, d0: float = D0_KM) -> np.ndarray:
    """Proximity ``1 / (1 + distance / d0)`` by the walt model's ``proximity`` expression.

    An infinite distance (no threatening state) gives 0.

    >>> proximity([0.0, 1000.0, float("inf")]).tolist()
    [1.0, 0.5, 0.0]
    """
    if not (isinstance(d0, (int, float)) and d0 > 0 and np.isfinite(d0)):
        raise ParameterError(f"d0={d0!r} must be a positive number of km")
    return _evaluate("proximity", {"distance": distance_km, "d0": d0})


def _share(own: np.ndarray, *others: np.ndarray) -> np.ndarray:
    total = own + sum(others)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(total > 0, own / np.where(total > 0, total, 1.0), np.nan)
    return out


def _nmc_lookup(data: RecordData, column: str, year: np.ndarray, ccode: Any) -> np.ndarray:
    nmc = data.nmc
    keys = nmc["year"].to_numpy(np.int64) * 1000 + nmc["ccode"].to_numpy(np.int64)
    order = np.argsort(keys)
    keys = keys[order]
    vals = pd.to_numeric(nmc[column], errors="coerce").to_numpy(float)[order]
    c = np.asarray(ccode, dtype=float)
    q = year.astype(np.int64) * 1000 + np.where(np.isnan(c), 0, c).astype(np.int64)
    out = np.full(q.shape, np.nan)
    if len(keys):
        pos = np.clip(np.searchsorted(keys, q), 0, len(keys) - 1)
        hit = (keys[pos] == q) & ~np.isnan(c)
        out[hit] = vals[pos[hit]]
    return out


def _threat_codes(threat: pd.DataFrame) -> np.ndarray:
    return threat["threat"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)


def threat_components(panel: pd.DataFrame, threat: pd.DataFrame | None = None,
                      data: RecordData | None = None, *, d0: float = D0_KM,
                      offense: str = "milper", mid_window: int = 5,
                      rivalry: str = "td") -> pd.DataFrame:
    """Walt's four sources of threat posed by R to the pair, each in [0, 1].

    - ``power``: R's CINC over the trio's, ``cinc_R / (cinc_R + cinc_A + cinc_B)``
      (``nmc.cinc``; alternative: R's CINC over the pair's, capped at 1).
    - ``proximity``: ``1 / (1 + distance / d0)`` (the walt model's expression), with
      ``distance`` R's CShapes minimum distance to the nearer of A and B (``mindist``) and
      ``d0`` = 1000 km by default (alternatives: contiguity; another ``d0``).
    - ``offense``: R's share of the trio's military personnel (``nmc.milper``; ``offense=
      "milex"`` for spending).
    - ``intent``: the highest hostility level (1 none ... 5 war) of the disputes R
      originated against A or B in the previous ``mid_window`` years, over 5
      (``mids.orig``, ``mids.hostlev``); 0 when none (alternative: all disputes, not only
      those R originated).

    With no threatening state every source is 0 (``distance`` infinite). Missing sources
    (no CINC, no distance before 1886, zero personnel) are NaN. ``threat`` defaults to
    :func:`threatening_state` (with ``rivalry`` and ``mid_window``).
    """
    _check_panel(panel, ("ccode_a", "ccode_b", "year"))
    if offense not in OFFENSE:
        raise ParameterError(f"offense={offense!r} is not an offense proxy (known: "
                             f"{', '.join(OFFENSE)})")
    window = _check_window("mid_window", mid_window)
    data = _data(data)
    if threat is None:
        threat = threatening_state(panel, data, rivalry=rivalry, mid_window=window)
    year = panel["year"].to_numpy(np.int64)
    a = panel["ccode_a"].to_numpy(np.int64)
    b = panel["ccode_b"].to_numpy(np.int64)
    r = _threat_codes(threat)
    has = ~np.isnan(r)
    rr = np.where(has, r, 0).astype(np.int64)
    out = pd.DataFrame(index=panel.index)
    cinc = {k: _nmc_lookup(data, "cinc", year, v) for k, v in (("a", a), ("b", b), ("r", r))}
    out["cinc_r"] = cinc["r"]
    out["power"] = np.where(has, _share(cinc["r"], cinc["a"], cinc["b"]), 0.0)
    dist = np.fmin(dyad_distance(data, year, a, rr), dyad_distance(data, year, b, rr))
    both_missing = np.isnan(dyad_distance(data, year, a, rr)) & np.isnan(
        dyad_distance(data, year, b, rr))
    dist = np.where(both_missing, np.nan, dist)
    out["distance"] = np.where(has, dist, np.inf)
    out["proximity"] = proximity(out["distance"].to_numpy(), d0=d0)
    mil = {k: _nmc_lookup(data, offense, year, v) for k, v in (("a", a), ("b", b), ("r", r))}
    out["offense"] = np.where(has, _share(mil["r"], mil["a"], mil["b"]), 0.0)
    mids = _mids_against(panel, data, window)
    rows = mids["row"].to_numpy(np.int64)
    mine = (mids["opp"].to_numpy(np.int64) == rr[rows]) & has[rows] & (
        mids["orig"].to_numpy() == 1)
    host = mids.loc[mine].groupby("row")["hostlev"].max()
    intent = np.zeros(len(panel))
    intent[host.index.to_numpy(np.int64)] = host.to_numpy(float) / 5.0
    out["intent"] = intent
    return out


def threat_index(components: pd.DataFrame, *, index: str = "threat_index",
                 d0: float = D0_KM, weights: Mapping[str, float] | None = None) -> pd.Series:
    """Walt's threat ``tau``: the walt model's ``[derived]`` expression ``index`` evaluated
    on the components (``power``, ``distance``, ``offense``, ``intent``; ``d0`` in km).

    ``index`` is ``"threat_index"`` (the model's geometric index, 0 when any source is 0)
    or ``"threat_index_arithmetic"`` (its weighted mean); the weights ``w_*`` are the
    model's defaults unless given.

    >>> comp = pd.DataFrame({"power": [0.5], "distance": [0.0], "offense": [0.5],
    ...                      "intent": [1.0]})
    >>> round(float(threat_index(comp).iloc[0]), 6)  # 0.5**.25 * 1**.25 * 0.5**.25 * 1
    0.707107
    """
    _check_panel(components, ("power", "distance", "offense", "intent"))
    if index not in INDEXES:
        raise ParameterError(f"index={index!r} is not a threat index (known: "
                             f"{', '.join(INDEXES)})")
    values: dict[str, Any] = {k: components[k].to_numpy(float)
                              for k in ("power", "distance", "offense", "intent")}
    values["d0"] = d0
    for k, v in (weights or {}).items():
        if k not in ("w_power", "w_proximity", "w_offense", "w_intent"):
            raise ParameterError(f"weights: unknown weight {k!r} (known: w_power, "
                                 "w_proximity, w_offense, w_intent)")
        values[k] = float(v)
    return pd.Series(_evaluate(index, values), index=components.index, name="tau")


def major_power(data: RecordData, year: Any, ccode: Any) -> np.ndarray:
    """1 when ``ccode`` is a COW major power in ``year`` (any part of the year), else 0.

    >>> major_power(load_record_data(), [1950, 1950], [2, 740]).tolist()
    [1, 0]
    """
    y = np.asarray(year, dtype=np.int64)
    c = np.asarray(ccode, dtype=float)
    out = np.zeros(y.shape, dtype=int)
    for row in data.majors.itertuples(index=False):
        end = 9999 if int(row.endyear) >= COW_MAJORS_CODED_THROUGH else int(row.endyear)
        out |= ((c == row.ccode) & (y >= row.styear) & (y <= end)).astype(int)
    return out


def patron_commitment(panel: pd.DataFrame, threat: pd.DataFrame | None = None,
                      data: RecordData | None = None, *, rivalry: str = "td",
                      mid_window: int = 5) -> pd.DataFrame:
    """Proxies of the strongest common patron P's commitment (column ``patron``), in [0, 1].

    - ``c_major``: P is a COW major power in y (``majors``; spells ending 2016 are ongoing).
    - ``c_cinc_share``: P's CINC over the pair-plus-threat total,
      ``cinc_P / (cinc_P + cinc_A + cinc_B + cinc_R)`` (``cinc_R`` = 0 with no R).
    - ``c_dilution``: 1 / (number of P's ATOP defense partners in y).
    - ``c_rivalry``: P is itself a strategic rival of R in y (a stake in defending the pair;
      same rivalry coding as R), 0 when there is no R.
    - ``c_index`` (the default): the mean of the four. An equal-weight mean is a choice:
      each proxy alone is a variant of the reduced form.
    """
    _check_panel(panel, ("ccode_a", "ccode_b", "year", "patron"))
    data = _data(data)
    if threat is None:
        threat = threatening_state(panel, data, rivalry=rivalry, mid_window=mid_window)
    year = panel["year"].to_numpy(np.int64)
    p = panel["patron"].to_numpy(np.int64)
    r = _threat_codes(threat)
    out = pd.DataFrame(index=panel.index)
    out["c_major"] = major_power(data, year, p)
    look = {k: _nmc_lookup(data, "cinc", year, v) for k, v in
            (("p", p), ("a", panel["ccode_a"].to_numpy()), ("b", panel["ccode_b"].to_numpy()),
             ("r", r))}
    cr = np.where(np.isnan(r), 0.0, look["r"])
    out["c_cinc_share"] = _share(look["p"], look["a"], look["b"], cr)
    al = data.alliances[data.alliances["defense"] != 0]
    deg = pd.concat([al[["year", "ccode1"]].rename(columns={"ccode1": "c"}),
                     al[["year", "ccode2"]].rename(columns={"ccode2": "c"})])
    deg = deg.groupby(["year", "c"]).size()
    n_allies = deg.reindex(pd.MultiIndex.from_arrays([year, p])).to_numpy(float)
    out["patron_allies"] = n_allies
    out["c_dilution"] = 1.0 / n_allies
    riv = rivalry_years(data, rivalry, (int(year.min()), int(year.max()))) if len(year) else None
    if riv is None or riv.empty:
        out["c_rivalry"] = 0
    else:
        keys = set(zip(riv["year"], riv["ccode1"], riv["ccode2"], strict=True))
        rr = np.where(np.isnan(r), -1, r).astype(np.int64)
        out["c_rivalry"] = [int(rv >= 0 and (y, min(pp, rv), max(pp, rv)) in keys)
                            for y, pp, rv in zip(year.tolist(), p.tolist(), rr.tolist(),
                                                 strict=True)]
    out["c_index"] = out[list(COMMITMENT_PROXIES)].mean(axis=1, skipna=False)
    return out


def cha_parameters(panel: pd.DataFrame, threat: pd.DataFrame | None = None,
                   data: RecordData | None = None, *, rivalry: str = "td",
                   k_window: int = 10, mid_window: int = 5, d0: float = D0_KM) -> pd.DataFrame:
    """Cha's k (bilateral animosity), x_A, x_B (exposure) and y_A, y_B (entrapment).

    - ``k``: 1 when A and B were strategic rivals (``rivalry`` coding) or had a MID with each
      other in the previous ``k_window`` (10) years (components ``k_rival``, ``k_mid``).
    - ``x_A``, ``x_B``: i's proximity to R, ``1 / (1 + mindist(i, R) / d0)`` (0 with no R).
    - ``y_A``, ``y_B``: fear of entrapment by the partner, from the partner's disputes with
      states other than R and i in the previous ``mid_window`` (5) years: ``n / (1 + n)``
      with ``n`` the count of distinct disputes (components ``y_A_n``, ``y_B_n``).
      Alternatives: an indicator ``n > 0``; the partner's highest hostility level.
    """
    _check_panel(panel, ("ccode_a", "ccode_b", "year"))
    kw = _check_window("k_window", k_window)
    mw = _check_window("mid_window", mid_window)
    data = _data(data)
    if threat is None:
        threat = threatening_state(panel, data, rivalry=rivalry, mid_window=mw)
    n = len(panel)
    year = panel["year"].to_numpy(np.int64)
    a = panel["ccode_a"].to_numpy(np.int64)
    b = panel["ccode_b"].to_numpy(np.int64)
    r = _threat_codes(threat)
    out = pd.DataFrame(index=panel.index)
    # k: rivalry or MID between A and B in [y - k_window, y - 1].
    lo = int(year.min()) - kw if n else 0
    riv = rivalry_years(data, rivalry, (lo, int(year.max()) if n else 0))
    rk = _dyad_year_key(riv["year"], riv["ccode1"], riv["ccode2"])
    mids = data.mids
    mk = _dyad_year_key(mids["year"], np.minimum(mids["ccode1"], mids["ccode2"]),
                        np.maximum(mids["ccode1"], mids["ccode2"]))
    k_rival = np.zeros(n, dtype=int)
    k_mid = np.zeros(n, dtype=int)
    lo_ab, hi_ab = np.minimum(a, b), np.maximum(a, b)
    for lag in range(1, kw + 1):
        q = _dyad_year_key(year - lag, lo_ab, hi_ab)
        k_rival |= _member(q, rk)
        k_mid |= _member(q, mk)
    out["k_rival"] = k_rival
    out["k_mid"] = k_mid
    out["k"] = k_rival | k_mid
    has = ~np.isnan(r)
    rr = np.where(has, r, 0).astype(np.int64)
    for side, own in (("A", a), ("B", b)):
        d = np.where(has, dyad_distance(data, year, own, rr), np.inf)
        out[f"x_{side}"] = proximity(d, d0=d0)
    # y_i: the partner's disputes with states other than R and i.
    m = _mids_against(panel, data, mw)
    rows = m["row"].to_numpy(np.int64)
    opp = m["opp"].to_numpy(np.int64)
    other = np.where(m["side"].to_numpy() == "a", b[rows], a[rows])
    keep = (opp != other) & ~(has[rows] & (opp == rr[rows]))
    cnt = m[keep].drop_duplicates(["row", "side", "dispnum"]).groupby(["row", "side"]).size()
    for side, partner in (("A", "b"), ("B", "a")):
        c = np.zeros(n)
        if len(cnt):
            sub = cnt.xs(partner, level="side") if partner in cnt.index.get_level_values(
                "side") else pd.Series(dtype=float)
            c[sub.index.to_numpy(np.int64)] = sub.to_numpy(float)
        out[f"y_{side}_n"] = c.astype(int)
        out[f"y_{side}"] = c / (1.0 + c)
    return out


def balancing_capability(panel: pd.DataFrame, threat: pd.DataFrame | None = None,
                         data: RecordData | None = None, *, rivalry: str = "td",
                         mid_window: int = 5) -> pd.DataFrame:
    """The buck-passing model's m_1 and m_2: the chance that balancers contain R alone.

    A contest success function of the ratio form (Tullock 1980; Hirshleifer 1989) on the
    CINC scores (``nmc.cinc``): two balancers prevail with probability
    ``contain_2 = (cinc_A + cinc_B) / (cinc_A + cinc_B + cinc_R)`` (one minus Walt's
    ``power``), one balancer i with ``cinc_i / (cinc_i + cinc_R)``, and ``contain_1`` is
    the mean of A's and B's (the model's m_1 is one number for either balancer). Then
    ``contain_1 <= contain_2`` on every row (the model's constraint m_1 <= m_2). With no
    threatening state both are 1 (there is nothing to contain); a missing CINC gives NaN;
    a zero total (no capability on either side) counts as an even contest, 1/2.

    >>> p = quasi_alliance_panel(years=(1990, 1990), region="asia")
    >>> m = balancing_capability(p)
    >>> bool((m["contain_1"] <= m["contain_2"]).all()), bool(m["contain_2"].between(0, 1).all())
    (True, True)
    """
    _check_panel(panel, ("ccode_a", "ccode_b", "year"))
    data = _data(data)
    if threat is None:
        threat = threatening_state(panel, data, rivalry=rivalry,
                                   mid_window=_check_window("mid_window", mid_window))
    year = panel["year"].to_numpy(np.int64)
    r = _threat_codes(threat)
    has = ~np.isnan(r)
    ca, cb, cr = (_nmc_lookup(data, "cinc", year, v) for v in
                  (panel["ccode_a"].to_numpy(np.int64), panel["ccode_b"].to_numpy(np.int64), r))

    def contest(own: np.ndarray, rival: np.ndarray) -> np.ndarray:
        total = own + rival
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total > 0, own / np.where(total > 0, total, 1.0),
                            np.where(np.isnan(total), np.nan, 0.5))

    out = pd.DataFrame(index=panel.index)
    out["contain_1"] = np.where(has, 0.5 * (contest(ca, cr) + contest(cb, cr)), 1.0)
    out["contain_2"] = np.where(has, contest(ca + cb, cr), 1.0)
    return out


def measured_panel(*, rivalry: str = "td", d0: float = D0_KM, offense: str = "milper",
                   index: str = "threat_index", mid_window: int = 5, k_window: int = 10,
                   data: RecordData | None = None, **panel_options: Any) -> pd.DataFrame:
    """The panel (``panel_options`` as :func:`quasi_alliance_panel`) with every measure.

    Adds the threatening state, Walt's components and ``tau``, the commitment proxies and
    ``c_index``, Cha's ``k``, ``x_*``, ``y_*``, and the balancers' ``contain_1``,
    ``contain_2`` (the buck-passing model's m_1, m_2). The measurement options are added to
    ``df.attrs["options"]``.

    >>> m = measured_panel(years=(1990, 1991), region="asia")
    >>> bool(m["tau"].between(0, 1).all()), bool(m["c_index"].between(0, 1).all())
    (True, True)
    """
    unknown = sorted(set(panel_options) - set(PANEL_OPTIONS))
    if unknown:
        raise ParameterError(f"unknown option(s) {', '.join(unknown)} (panel options: "
                             f"{', '.join(PANEL_OPTIONS)}; measurement options: rivalry, d0, "
                             "offense, index, mid_window, k_window)")
    if data is None:
        key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                           for k, v in panel_options.items()))
        try:
            hash(key)
        except TypeError:
            raise ParameterError(f"panel options must be plain values (got {panel_options!r})"
                                 ) from None
        out = _bundled_measured(rivalry, d0, offense, index, mid_window, k_window, key).copy()
        out.attrs = {"options": dict(out.attrs["options"])}
        return out
    return _measured(rivalry, d0, offense, index, mid_window, k_window, data, panel_options)


@functools.lru_cache(maxsize=8)
def _bundled_measured(rivalry: str, d0: float, offense: str, index: str, mid_window: int,
                      k_window: int, key: tuple[tuple[str, Any], ...]) -> pd.DataFrame:
    return _measured(rivalry, d0, offense, index, mid_window, k_window, None, dict(key))


def _measured(rivalry: str, d0: float, offense: str, index: str, mid_window: int,
              k_window: int, data: RecordData | None, panel_options: dict[str, Any]
              ) -> pd.DataFrame:
    panel = quasi_alliance_panel(rivalry=rivalry, data=data, **panel_options)
    if index not in INDEXES:
        raise ParameterError(f"index={index!r} is not a threat index (known: "
                             f"{', '.join(INDEXES)})")
    data = _data(data)
    threat = threatening_state(panel, data, rivalry=rivalry, mid_window=mid_window)
    comp = threat_components(panel, threat, data, d0=d0, offense=offense,
                             mid_window=mid_window)
    tau = threat_index(comp, index=index, d0=d0)
    com = patron_commitment(panel, threat, data, rivalry=rivalry, mid_window=mid_window)
    cha = cha_parameters(panel, threat, data, rivalry=rivalry, k_window=k_window,
                         mid_window=mid_window, d0=d0)
    cap = balancing_capability(panel, threat, data)
    out = pd.concat([panel, threat, comp, tau, com, cha, cap], axis=1)
    names = dict(zip(data.states["ccode"], data.states["statenme"], strict=False))
    out.insert(out.columns.get_loc("threat") + 1, "threat_name",
               [names.get(int(x), str(int(x))) if pd.notna(x) else "" for x in out["threat"]])
    out.attrs["options"] = {**panel.attrs["options"], "d0": d0, "offense": offense,
                            "index": index, "mid_window": mid_window, "k_window": k_window}
    return out
