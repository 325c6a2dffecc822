"""Measures on the miniature world, checked against hand computation; the threat index
against the walt model's own expression; invariants on the bundled data."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
import sympy

from qa_games import load_model
from qa_games.errors import ParameterError
from qa_games.record import measured_panel, threat_index
from qa_games.record.measures import proximity
from record_fixture import CINC, DISTANCE, FRANCE_1951, MILPER, miniature


@pytest.fixture(scope="module")
def m():
    return measured_panel(data=miniature()).set_index(["year", "ccode_a", "ccode_b"])


def prox(d):
    return 1 / (1 + d / 1000)


def dist(a, b):
    return DISTANCE[(min(a, b), max(a, b))]


@pytest.mark.parametrize("key, threat, source, mids", [
    ((1950, 200, 732), 731, "rivalry_td", 1),   # rivals Russia and North Korea: more MIDs
    ((1950, 732, 740), 731, "rivalry_td", 1),   # North Korea (1 MID) over China (0)
    ((1951, 200, 740), 365, "rivalry_td", 0),   # Russia over China by CINC (no MIDs)
    ((1950, 220, 740), 710, "rivalry_td", 0),   # China, Japan's rival
    ((1950, 20, 220), None, "none", 0),         # no rival, no MID in 1945-49
    ((1951, 20, 220), 365, "mid", 1),           # Russia's 1950 dispute with France
    ((1952, 20, 220), 365, "mid", 1),
])
def test_threatening_state(m, key, threat, source, mids):
    row = m.loc[key]
    assert (None if pd.isna(row["threat"]) else int(row["threat"])) == threat
    assert row["threat_source"] == source
    assert row["threat_mids"] == mids


def test_walt_components_by_hand(m):
    row = m.loc[(1950, 200, 732)]  # R = North Korea
    power = CINC[731] / (CINC[731] + CINC[200] + CINC[732])
    offense = MILPER[731] / (MILPER[731] + MILPER[200] + MILPER[732])
    assert row["power"] == pytest.approx(power)
    assert row["distance"] == 0.0 and row["proximity"] == 1.0
    assert row["offense"] == pytest.approx(offense)
    assert row["intent"] == pytest.approx(4 / 5)
    assert row["tau"] == pytest.approx((power * 1.0 * offense * 0.8) ** 0.25)
    row = m.loc[(1951, 200, 740)]  # R = Russia, nearer to Japan (500) than the UK (1500)
    assert row["distance"] == 500.0
    assert row["proximity"] == pytest.approx(prox(500.0))
    assert row["intent"] == 0.0 and row["tau"] == 0.0  # no MID: the geometric index is 0
    none = m.loc[(1950, 20, 220)]
    assert (none[["power", "proximity", "offense", "intent", "tau"]] == 0).all()


def test_commitment_by_hand(m):
    row = m.loc[(1950, 200, 732)]  # patron US, R = North Korea
    share = CINC[2] / (CINC[2] + CINC[200] + CINC[732] + CINC[731])
    assert row["c_major"] == 1 and row["c_rivalry"] == 0
    assert row["c_cinc_share"] == pytest.approx(share)
    assert row["c_dilution"] == pytest.approx(1 / 5)   # US: Canada, UK, France, ROK, Japan
    assert row["c_index"] == pytest.approx((1 + share + 0.2 + 0) / 4)
    row = m.loc[(1951, 200, 732)]  # patron France (defends UK, US, ROK in 1951)
    assert row["patron"] == 220
    assert row["c_dilution"] == pytest.approx(1 / 3)
    assert row["c_cinc_share"] == pytest.approx(
        FRANCE_1951 / (FRANCE_1951 + CINC[200] + CINC[732] + CINC[731]))
    assert m.loc[(1951, 200, 740), "c_rivalry"] == 1  # US-Russia rivalry, R = Russia
    none = m.loc[(1950, 20, 220)]  # no threat: the pair-plus-threat total has no R
    assert none["c_cinc_share"] == pytest.approx(CINC[2] / (CINC[2] + CINC[20] + CINC[220]))


def test_cha_parameters_by_hand(m):
    row = m.loc[(1950, 732, 740)]
    assert (row["k"], row["k_mid"], row["k_rival"]) == (1, 1, 0)  # Japan-ROK MID, 1949
    assert m.loc[(1951, 732, 740), "k"] == 1
    assert m.loc[(1950, 200, 732), "k"] == 0
    row = m.loc[(1950, 200, 732)]  # R = North Korea
    assert row["x_A"] == pytest.approx(prox(dist(200, 731)))
    assert row["x_B"] == 1.0
    # UK fears entrapment by ROK's dispute with Japan (not the one with North Korea = R).
    assert (row["y_A_n"], row["y_A"]) == (1, 0.5)
    assert (row["y_B_n"], row["y_B"]) == (0, 0.0)
    assert m.loc[(1950, 20, 220), "x_A"] == 0.0  # no threat, no exposure


def test_balancing_capability_by_hand(m):
    """The buck-passing model's m_1, m_2: ratio-form contests of CINC against R."""
    row = m.loc[(1950, 200, 732)]  # R = North Korea
    r, a, b = CINC[731], CINC[200], CINC[732]
    assert row["contain_2"] == pytest.approx((a + b) / (a + b + r))
    assert row["contain_2"] == pytest.approx(1 - row["power"])
    assert row["contain_1"] == pytest.approx((a / (a + r) + b / (b + r)) / 2)
    row = m.loc[(1951, 200, 740)]  # R = Russia
    r, a, b = CINC[365], CINC[200], CINC[740]
    assert row["contain_1"] == pytest.approx((a / (a + r) + b / (b + r)) / 2)
    none = m.loc[(1950, 20, 220)]  # no threatening state: nothing to contain
    assert (none["contain_1"], none["contain_2"]) == (1.0, 1.0)
    assert (m["contain_1"] <= m["contain_2"] + 1e-15).all()  # the model's m_1 <= m_2


def test_every_row_keeps_its_components(m):
    for col in ("threat", "threat_source", "power", "distance", "proximity", "offense",
                "intent", "tau", "c_major", "c_cinc_share", "c_dilution", "c_rivalry",
                "c_index", "patron_allies", "k_rival", "k_mid", "y_A_n", "y_B_n"):
        assert col in m.columns


@pytest.mark.parametrize("index", ["threat_index", "threat_index_arithmetic"])
def test_tau_is_the_walt_models_expression(index):
    """On random components the vectorised index equals the model's expression evaluated
    exactly by sympy at the same (rational) values."""
    model = load_model("walt_balance_of_threat")
    rng = np.random.default_rng(7)
    comp = pd.DataFrame({"power": rng.integers(0, 5, 30) / 4, "distance":
                         rng.integers(0, 4000, 30).astype(float),
                         "offense": rng.random(30), "intent": rng.integers(0, 6, 30) / 5})
    got = threat_index(comp, index=index, d0=1000.0)
    sym = {s.name: s for s in model.derived[index].free_symbols}
    for i, row in comp.iterrows():
        subs = {sym["d0"]: 1000, **{sym[f"w_{w}"]: sympy.Rational(1, 4) for w in
                                    ("power", "proximity", "offense", "intent")}}
        for k in ("power", "distance", "offense", "intent"):
            subs[sym[k]] = sympy.Rational(Fraction(float(row[k])))
        want = float(model.derived[index].xreplace(subs).evalf(30))
        assert got[i] == pytest.approx(want, rel=1e-12, abs=1e-15)


def test_threat_index_weights_and_errors():
    comp = pd.DataFrame({"power": [1.0], "distance": [0.0], "offense": [0.0],
                         "intent": [1.0]})
    arith = threat_index(comp, index="threat_index_arithmetic",
                         weights={"w_power": 0.5, "w_proximity": 0.5, "w_offense": 0.0,
                                  "w_intent": 0.0})
    assert arith.iloc[0] == pytest.approx(1.0)
    with pytest.raises(ParameterError, match="unknown weight"):
        threat_index(comp, weights={"w_size": 1})
    with pytest.raises(ParameterError, match="not a threat index"):
        threat_index(comp, index="fear")
    with pytest.raises(ParameterError, match="d0"):
        proximity([1.0], d0=0.0)


def test_bad_measure_options():
    with pytest.raises(ParameterError, match="offense='tanks'"):
        measured_panel(data=miniature(), offense="tanks")
    with pytest.raises(ParameterError, match="mid_window=0"):
        measured_panel(data=miniature(), mid_window=0)


def test_real_measures_in_range():
    r = measured_panel()
    for col in ("power", "proximity", "offense", "intent", "tau", "c_major", "c_cinc_share",
                "c_dilution", "c_rivalry", "c_index", "k", "x_A", "x_B", "y_A", "y_B"):
        vals = r[col].dropna()
        assert len(vals) > 0.9 * len(r), col
        assert ((vals >= 0) & (vals <= 1)).all(), col
    has = r["threat"].notna()
    assert (r.loc[has, "threat"] != r.loc[has, "ccode_a"]).all()
    assert (r.loc[has, "threat"] != r.loc[has, "ccode_b"]).all()
    assert (r.loc[~has, "tau"] == 0).all()
    jk = r[(r["ccode_a"] == 732) & (r["ccode_b"] == 740) & (r["year"] == 1970)]
    assert jk["threat_name"].tolist() == ["North Korea"]
