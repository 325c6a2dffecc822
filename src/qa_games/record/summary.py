"""The record's first tables: panel counts by variant and era, the hand-coded cases placed
in the panel, and a summary bundling them with the reduced form (``empirics.md`` section 1).

:func:`counts_table` counts pair-years, onsets and onset rates for each outcome kind and
relevance filter, in each era (1816-1918, 1919-45, 1946-91, 1992-2018). :func:`case_rows`
finds the pairs of ``models/cases.toml`` (Japan-South Korea 740/732, Australia-Japan
900/740, Greece-Cyprus 350/352 and Israel with each) in the panel over each case's period,
and shows their measured values next to the hand coding (Cha 1999; Wilkins 2015; Tziarras
2016), or says why a pair-year is not in the risk set. :func:`record_summary` gives the
counts, the reduced form (default and each commitment proxy alone) and the cases, ready
for ``qa-games record`` and the report.

>>> t = counts_table()
>>> row = t.to_frame().query("filter == 'all' and outcome == 'any' and era == 'all'")
>>> int(row["rows"].iloc[0]) == len(quasi_alliance_panel())
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError
from .data import KINDS, RecordData, load_record_data
from .measures import COMMITMENT_PROXIES, measured_panel
from .panel import ERAS, OUTCOMES, REGIONS, quasi_alliance_panel
from .reduced_form import ReducedForm, reduced_form
from .tables import latex_table, markdown_table

__all__ = ["CountsTable", "counts_table", "case_rows", "case_years", "CASE_COLUMNS",
           "CASE_PAIRS", "RecordSummary",
           "record_summary", "FILTERS"]

#: Relevance filters of the counts table: label -> panel options.
FILTERS: dict[str, dict[str, Any]] = {
    "all": {},
    "<= 950 km": {"max_distance_km": 950.0},
    "common rival (TD)": {"common_rival": True, "rivalry": "td"},
    "common rival (TSS)": {"common_rival": True, "rivalry": "tss"},
    **{f"region: {r}": {"region": r} for r in REGIONS},
}
#: The COW codes of the states of ``models/cases.toml``.
CASE_STATES: dict[str, tuple[int, ...]] = {
    "japan": (740,), "south_korea": (732,), "australia": (900,), "israel": (666,),
    "greece_cyprus": (350, 352),
}
#: The pairs shown for each case's two states (Greece and Cyprus, coded as one actor, are
#: also shown as a pair of their own).
CASE_PAIRS: dict[tuple[str, str], tuple[tuple[int, int], ...]] = {
    ("japan", "south_korea"): ((732, 740),),
    ("australia", "japan"): ((740, 900),),
    ("greece_cyprus", "israel"): ((350, 352), (350, 666), (352, 666)),
}


@dataclass(frozen=True)
class CountsTable:
    """Pair-years, onsets and onset rates by relevance filter, outcome kind and era."""

    rows: tuple[tuple[str, str, str, int, int], ...]  # filter, outcome, era, rows, onsets
    years: tuple[int, int]

    def to_frame(self) -> pd.DataFrame:
        """Long form: filter, outcome, era, rows, onsets, rate (NaN for no rows)."""
        f = pd.DataFrame(list(self.rows), columns=["filter", "outcome", "era", "rows",
                                                   "onsets"])
        f["rate"] = np.where(f["rows"] > 0, f["onsets"] / f["rows"].where(f["rows"] > 0, 1),
                             np.nan)
        return f

    def wide(self) -> pd.DataFrame:
        """One line per filter and outcome, one column per era: ``onsets / rows (rate %)``."""
        f = self.to_frame()
        cells = [f"{o:,} / {n:,} ({100 * o / n:.2f} %)" if n else "0 / 0"
                 for o, n in zip(f["onsets"], f["rows"], strict=True)]
        f = f.assign(cell=cells)
        out = f.pivot_table(index=["filter", "outcome"], columns="era", values="cell",
                            aggfunc="first", sort=False).reset_index()
        out.columns.name = None
        return out[["filter", "outcome", "all", *[e for e, _, _ in ERAS]]]

    def to_markdown(self) -> str:
        return (f"onsets / pair-years (onset rate), years {self.years[0]}-{self.years[1]}\n\n"
                + markdown_table(self.wide()))

    def to_latex(self) -> str:
        return (f"% onsets / pair-years (onset rate), years {self.years[0]}-{self.years[1]}\n"
                + latex_table(self.wide()))


def counts_table(*, years: tuple[int, int] | None = None, data: RecordData | None = None
                 ) -> CountsTable:
    """Counts of the panel under every filter of :data:`FILTERS` and outcome kind."""
    rows: list[tuple[str, str, str, int, int]] = []
    span: tuple[int, int] | None = None
    for label, opts in FILTERS.items():
        try:
            panel = quasi_alliance_panel(years=years, data=data, **opts)
        except ParameterError as exc:
            if "panel is empty" not in str(exc):
                raise
            panel = None
        for outcome in OUTCOMES:
            if panel is None:
                rows += [(label, outcome, e, 0, 0) for e in ["all", *[x for x, _, _ in ERAS]]]
                continue
            span = span or panel.attrs["options"]["years"]
            col = panel[f"onset_{outcome}"]
            rows.append((label, outcome, "all", len(panel), int(col.sum())))
            for era, _, _ in ERAS:
                m = (panel["era"] == era).to_numpy()
                rows.append((label, outcome, era, int(m.sum()), int(col[m].sum())))
    if span is None:
        raise ParameterError(f"years={years!r}: the panel is empty under every filter")
    return CountsTable(rows=tuple(rows), years=tuple(span))  # type: ignore[arg-type]


def _period(text: str) -> tuple[int, int]:
    parts = [int(p) for p in str(text).split("-")]
    return (parts[0], parts[-1])


def _status(data: RecordData, year: int, a: int, b: int, last: int) -> str:
    if year > last:
        return f"after the panel (onsets observed to {last + 1})"
    al = data.alliances
    hit = al[(al["year"] == year) & (al["ccode1"] == a) & (al["ccode2"] == b)]
    if len(hit):
        kinds = [k for k in KINDS if int(hit[k].iloc[0])]
        return f"allied ({', '.join(kinds)})"
    return "no common defense patron"


def case_rows(*, data: RecordData | None = None, **options: Any) -> pd.DataFrame:
    """Each hand-coded case's pairs in the panel, next to the case's coded c and t.

    One row per case and pair: years of the period in the panel, onsets (and their years),
    the patron(s), the threatening state(s), the means over those years of ``c_index`` and
    ``tau``, the coded ``c`` and ``t`` of ``models/cases.toml``, the observed outcome,
    and, for years outside the panel, why (allied, no common patron, after the data).
    ``options`` are measurement and panel options (:func:`measured_panel`).
    """
    from ..compare.cases import load_cases

    src = load_record_data() if data is None else data
    m = measured_panel(data=data, **options)
    last = int(m.attrs["options"]["years"][1])
    out = []
    for case in load_cases():
        pairs = CASE_PAIRS.get(tuple(sorted(case.states)))  # type: ignore[arg-type]
        if pairs is None:
            continue
        y0, y1 = _period(case.period)
        for a, b in pairs:
            sub = m[(m["ccode_a"] == a) & (m["ccode_b"] == b) & m["year"].between(y0, y1)]
            statuses: dict[str, list[int]] = {}
            for y in range(y0, y1 + 1):
                if y not in set(sub["year"]):
                    statuses.setdefault(_status(src, y, a, b, last), []).append(y)
            notes = "; ".join(f"{s}: {_years(ys)}" for s, ys in statuses.items())
            onset_years = sub.loc[sub["onset"] == 1, "year"].tolist()
            out.append({
                "case": case.id, "period": case.period, "pair": f"{a}-{b}",
                "names": _pair_names(src, a, b),
                "years_in_panel": f"{len(sub)} of {y1 - y0 + 1}",
                "onsets": int(sub["onset"].sum()),
                "onset_years": _years(onset_years),
                "patrons": ", ".join(sorted(set(sub["patron_name"]))),
                "threat": ", ".join(sorted(set(sub["threat_name"]) - {""})),
                "c_index": float(sub["c_index"].mean()) if len(sub) else np.nan,
                "tau": float(sub["tau"].mean()) if len(sub) else np.nan,
                "coded_c": float(case.values["c"].value),
                "coded_t": float(case.values["t"].value),
                "observed": case.observed.outcome,
                "not_in_panel": notes,
            })
    return pd.DataFrame(out)


#: The measured columns :func:`case_years` shows for each case-year in the panel.
CASE_COLUMNS = ("patron_name", "threat_name", "threat_source", "onset", "c_index", "c_major",
                "c_cinc_share", "c_dilution", "c_rivalry", "tau", "power", "proximity",
                "offense", "intent", "k", "x_A", "x_B", "y_A", "y_B")


def case_years(*, data: RecordData | None = None, **options: Any) -> pd.DataFrame:
    """Every year of every hand-coded case's period, for each of its pairs: the measured
    values (:data:`CASE_COLUMNS`) when the pair-year is in the panel, else why not, next
    to the case's coded ``c`` and ``t`` and its observed outcome.
    """
    from ..compare.cases import load_cases

    src = load_record_data() if data is None else data
    m = measured_panel(data=data, **options)
    last = int(m.attrs["options"]["years"][1])
    index = m.set_index(["ccode_a", "ccode_b", "year"])
    out = []
    for case in load_cases():
        pairs = CASE_PAIRS.get(tuple(sorted(case.states)))  # type: ignore[arg-type]
        if pairs is None:
            continue
        y0, y1 = _period(case.period)
        for a, b in pairs:
            for y in range(y0, y1 + 1):
                row: dict[str, Any] = {"case": case.id, "pair": f"{a}-{b}",
                                       "names": _pair_names(src, a, b), "year": y}
                if (a, b, y) in index.index:
                    hit = index.loc[(a, b, y)]
                    row["status"] = "in panel"
                    row.update({c: hit[c] for c in CASE_COLUMNS})
                else:
                    row["status"] = _status(src, y, a, b, last)
                row.update({"coded_c": float(case.values["c"].value),
                            "coded_t": float(case.values["t"].value),
                            "observed": case.observed.outcome})
                out.append(row)
    cols = ["case", "pair", "names", "year", "status", *CASE_COLUMNS, "coded_c", "coded_t",
            "observed"]
    return pd.DataFrame(out).reindex(columns=cols)


def _pair_names(data: RecordData, a: int, b: int) -> str:
    names = dict(zip(data.states["ccode"], data.states["statenme"], strict=False))
    return f"{names.get(a, a)} - {names.get(b, b)}"


def _years(ys: list[int]) -> str:
    """Compact year list: 1965-1968, 1970."""
    if not ys:
        return ""
    ys = sorted(ys)
    runs, start, prev = [], ys[0], ys[0]
    for y in ys[1:]:
        if y != prev + 1:
            runs.append((start, prev))
            start = y
        prev = y
    runs.append((start, prev))
    return ", ".join(f"{s}" if s == e else f"{s}-{e}" for s, e in runs)


@dataclass(frozen=True, eq=False)
class RecordSummary:
    """Counts, reduced forms and cases, ready for ``qa-games record`` and the report."""

    counts: CountsTable
    reduced_form: ReducedForm
    proxies: tuple[ReducedForm, ...]
    cases: pd.DataFrame

    def proxy_frame(self) -> pd.DataFrame:
        """Each commitment proxy alone (with tau, k and eras): its estimate and verdicts."""
        rows = []
        for rf in self.proxies:
            e = rf.estimate(rf.terms[0])
            rows.append({"proxy": e.term, "coef": e.coef, "SE": e.se, "p": e.p,
                         "n": rf.n, "onsets": rf.n_onsets, "Cha": e.cha_verdict,
                         "Walt": e.walt_verdict})
        return pd.DataFrame(rows)

    def to_markdown(self) -> str:
        return "\n\n".join([
            "## Panel counts", self.counts.to_markdown(),
            "## Reduced form", self.reduced_form.to_markdown(),
            "## Each commitment proxy alone", markdown_table(self.proxy_frame()),
            "## Hand-coded cases in the panel", markdown_table(self.cases)])

    def to_latex(self) -> str:
        return "\n\n".join([self.counts.to_latex(), self.reduced_form.to_latex(),
                            latex_table(self.proxy_frame()), latex_table(self.cases)])


def record_summary(**options: Any) -> RecordSummary:
    """The counts table, the reduced form (default terms; each commitment proxy alone) and
    the cases, under ``options`` (measurement and panel options, as :func:`measured_panel`;
    the counts take only ``years`` and ``data``)."""
    m = measured_panel(**options)
    rf = reduced_form(m)
    proxies = tuple(reduced_form(m, terms=(p, "tau", "k")) for p in COMMITMENT_PROXIES)
    counts = counts_table(years=options.get("years"), data=options.get("data"))
    return RecordSummary(counts=counts, reduced_form=rf, proxies=proxies,
                         cases=case_rows(**options))
