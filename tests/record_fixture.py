"""A hand-made miniature ATOP / COW world for the record tests (1950-1953).

States: United States (2, the patron), Canada (20), United Kingdom (200), France (220),
Russia (365), China (710), North Korea (731), South Korea (732), Japan (740).
Defense pledges every year: US with Canada, UK, France, South Korea, Japan; UK with
France. France-South Korea defense in 1951 only. South Korea-Japan non-aggression from
1952; UK-Japan consultation in 1953. Rivalries: UK-Russia, US-Russia, China-Japan,
North Korea-South Korea. Disputes: North Korea against South Korea (1949-50, North Korea
originates, hostility 4), Russia against France (1950, hostility 3), Japan against
South Korea (1949, hostility 2).

The risk set, by hand (pairs A < B; patron in brackets when not only the US):
- 1950: 20-200, 20-220, 20-732, 20-740, 200-732, 200-740, 220-732, 220-740, 732-740
- 1951: the same without 220-732 (allied in 1951); 200-732 has patrons (2, 220)
- 1952: the same as 1950 without 732-740 (non-aggression from 1952)
Onsets: 220-732 in 1950 (defense in 1951: any, security, defense); 732-740 in 1951
(non-aggression in 1952: any only); 200-740 in 1952 (consultation in 1953: any, security).
"""

from __future__ import annotations

import pandas as pd

from qa_games.record import RecordData

YEARS = (1950, 1951, 1952, 1953)
NAMES = {2: "United States", 20: "Canada", 200: "United Kingdom", 220: "France",
         365: "Russia", 710: "China", 731: "North Korea", 732: "South Korea", 740: "Japan"}
CINC = {2: 0.30, 20: 0.02, 200: 0.10, 220: 0.05, 365: 0.20, 710: 0.15, 731: 0.01,
        732: 0.01, 740: 0.04}
MILPER = {2: 1000, 20: 100, 200: 500, 220: 400, 365: 3000, 710: 4000, 731: 600, 732: 300,
          740: 200}
#: France's CINC in 1951 (above the US's, so France is 200-732's strongest patron then).
FRANCE_1951 = 0.50
DISTANCE = {(200, 365): 1500.0, (365, 740): 500.0, (710, 740): 800.0, (731, 732): 0.0,
            (731, 740): 400.0, (200, 731): 8500.0, (220, 731): 9000.0, (20, 365): 5000.0,
            (220, 365): 1200.0, (200, 740): 9500.0, (220, 740): 9700.0, (200, 732): 8700.0,
            (220, 732): 9000.0, (732, 740): 60.0, (20, 200): 3000.0, (20, 220): 3500.0,
            (20, 732): 8000.0, (20, 740): 7000.0, (20, 710): 7500.0, (200, 710): 6000.0,
            (220, 710): 6500.0, (365, 732): 100.0, (200, 220): 30.0, (2, 365): 80.0,
            (20, 731): 8100.0}
RISK_SET = {
    1950: [(20, 200), (20, 220), (20, 732), (20, 740), (200, 732), (200, 740), (220, 732),
           (220, 740), (732, 740)],
    1951: [(20, 200), (20, 220), (20, 732), (20, 740), (200, 732), (200, 740), (220, 740),
           (732, 740)],
    1952: [(20, 200), (20, 220), (20, 732), (20, 740), (200, 732), (200, 740), (220, 732),
           (220, 740)],
}
#: (year, a, b) -> (onset_any, onset_security, onset_defense)
ONSETS = {(1950, 220, 732): (1, 1, 1), (1951, 732, 740): (1, 0, 0),
          (1952, 200, 740): (1, 1, 0)}


def _pledge(a: int, b: int, year: int, **kinds: int) -> dict[str, int]:
    row = {"ccode1": min(a, b), "ccode2": max(a, b), "year": year, "defense": 0,
           "offense": 0, "neutral": 0, "nonagg": 0, "consul": 0}
    row.update(kinds)
    return row


def miniature() -> RecordData:
    """The miniature world as a :class:`RecordData`."""
    rows = []
    for y in YEARS:
        for partner in (20, 200, 220, 732, 740):
            rows.append(_pledge(2, partner, y, defense=1))
        rows.append(_pledge(200, 220, y, defense=1))
    rows.append(_pledge(220, 732, 1951, defense=1))
    rows += [_pledge(732, 740, y, nonagg=1) for y in (1952, 1953)]
    rows.append(_pledge(200, 740, 1953, consul=1))
    alliances = pd.DataFrame(rows)
    states = pd.DataFrame({"ccode": list(NAMES), "stateabb": [n[:3].upper() for n in
                                                               NAMES.values()],
                           "statenme": list(NAMES.values()), "styear": 1816,
                           "endyear": 2016})
    majors = pd.DataFrame({"ccode": [2, 200, 220, 365, 710], "styear": [1898, 1816, 1945,
                                                                      1922, 1950],
                           "endyear": [2016] * 5})
    nmc = pd.DataFrame([{"ccode": c, "year": y, "milex": 10 * MILPER[c],
                         "milper": MILPER[c],
                         "cinc": FRANCE_1951 if (c, y) == (220, 1951) else CINC[c]}
                        for c in NAMES for y in YEARS])
    mindist = pd.DataFrame([{"ccode1": min(k), "ccode2": max(k), "styear": 1950,
                             "endyear": 1953, "mindist": d} for k, d in DISTANCE.items()])
    td = pd.DataFrame({"rivalryno": [1, 2, 3, 4], "rivalryname": ["UK-Russia", "US-Russia",
                                                                  "China-Japan", "Koreas"],
                       "ccode1": [200, 2, 710, 731], "ccode2": [365, 365, 740, 732],
                       "styear": [1900, 1945, 1940, 1948], "endyear": [1960, 1989, 1960,
                                                                        1990]})
    mids = pd.DataFrame(
        [  # dispnum, ccode1, ccode2, year, orig (ccode1's), hostlev (ccode1's)
            (1, 731, 732, 1949, 1, 4), (1, 732, 731, 1949, 0, 3),
            (1, 731, 732, 1950, 1, 4), (1, 732, 731, 1950, 0, 3),
            (2, 365, 220, 1950, 1, 3), (2, 220, 365, 1950, 0, 1),
            (3, 740, 732, 1949, 1, 2), (3, 732, 740, 1949, 0, 2),
        ], columns=["dispnum", "ccode1", "ccode2", "year", "orig", "hostlev"])
    return RecordData.from_frames(source="miniature", alliances=alliances, states=states,
                                  majors=majors, nmc=nmc, mindist=mindist, td_rivalries=td,
                                  tss_rivalries=td.iloc[:0], mids=mids)
