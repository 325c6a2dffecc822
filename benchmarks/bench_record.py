"""The record layer's build times: the default quasi-alliance panel, its measures, the
reduced-form logit, against a pure-Python set-based rebuild of the risk set (the peer).

Times (medians of ``--repeats`` runs after one untimed warm-up, all in this run):

* reading the bundled tables (``load_record_data``, uncached);
* ``build_panel`` on the default years (vectorised, numpy), cold (no cache);
* the peer: the same risk set by Python sets and ``itertools.combinations`` per year
  (patrons and the any-pledge exclusion only: no outcomes, names or distances), checked
  to give the same pair-years (an ATOP row whose five pledge kinds are all 0, 23
  pair-years in 1840-1937, is not a pledge);
* the measures on the default panel (threat, Walt's sources and index, commitment,
  Cha's k, x, y), uncached;
* the default reduced-form logit (statsmodels, clustered by pair).

The issue's target: the default panel in under 30 s. Run:
``.venv/bin/python benchmarks/bench_record.py`` (about 1 minute with the defaults).
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from qa_games.record import data as record_data  # noqa: E402
from qa_games.record import measures, panel  # noqa: E402
from qa_games.record import reduced_form as fit_reduced_form  # noqa: E402


def peer_risk_set(data: record_data.RecordData, years: tuple[int, int]) -> set:
    al = data.alliances
    out = set()
    for year, grp in al[(al["year"] >= years[0]) & (al["year"] <= years[1])].groupby("year"):
        partners: dict[int, set[int]] = {}
        d = grp[grp["defense"] != 0]
        for a, b in zip(d["ccode1"], d["ccode2"], strict=True):
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
        pledged = grp[grp[list(record_data.KINDS)].sum(axis=1) > 0]
        allied = set(zip(pledged["ccode1"], pledged["ccode2"], strict=True))
        for ns in partners.values():
            for a, b in itertools.combinations(sorted(ns), 2):
                if (a, b) not in allied:
                    out.add((int(year), int(a), int(b)))
    return out


def timed(fn, repeats: int) -> tuple[float, object]:
    fn()
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    read_t, _ = timed(lambda: record_data.load_record_data.__wrapped__(), args.repeats)
    data = record_data.load_record_data()
    years = panel._default_years(data)
    build_t, p = timed(lambda: panel.build_panel(data, years), args.repeats)
    peer_t, peer = timed(lambda: peer_risk_set(data, years), args.repeats)
    ours = set(zip(p["year"].tolist(), p["ccode_a"].tolist(), p["ccode_b"].tolist(),
                   strict=True))
    meas_t, m = timed(lambda: measures._measured("td", measures.D0_KM, "milper",
                                                 "threat_index", 5, 10, None, {}),
                      args.repeats)
    rf_t, rf = timed(lambda: fit_reduced_form(m), args.repeats)
    print(f"default panel: {len(p):,} pair-years, {int(p['onset'].sum())} onsets (any), "
          f"years {years[0]}-{years[1]}; same pair-years as the peer: {ours == peer}")
    print(f"read bundled tables      {read_t:8.3f} s")
    print(f"build_panel (cold)       {build_t:8.3f} s   target < 30 s")
    print(f"peer: Python sets        {peer_t:8.3f} s   ({peer_t / build_t:.1f}x build_panel; "
          "risk set only)")
    print(f"measures (uncached)      {meas_t:8.3f} s")
    print(f"reduced-form logit       {rf_t:8.3f} s   (n = {rf.n:,})")  # type: ignore[attr-defined]
    return 0 if ours == peer else 1


if __name__ == "__main__":
    raise SystemExit(main())
