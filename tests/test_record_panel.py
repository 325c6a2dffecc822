"""The quasi-alliance panel: a hand-made miniature world checked exactly, the bundled data
checked by invariants and against a brute-force rebuild, bad options rejected."""

from __future__ import annotations

import hashlib
import itertools

import numpy as np
import pandas as pd
import pytest

from qa_games.errors import ParameterError, QAGamesError
from qa_games.record import KINDS, OUTCOMES, data_dir, load_record_data, quasi_alliance_panel
from record_fixture import FRANCE_1951, ONSETS, RISK_SET, miniature


@pytest.fixture(scope="module")
def mini():
    return miniature()


@pytest.fixture(scope="module")
def real():
    return quasi_alliance_panel()


# -- the miniature world, by hand -------------------------------------------------------

def test_miniature_risk_set_exactly(mini):
    p = quasi_alliance_panel(data=mini)
    got = sorted(zip(p["year"], p["ccode_a"], p["ccode_b"], strict=True))
    want = sorted((y, a, b) for y, pairs in RISK_SET.items() for a, b in pairs)
    assert got == want
    assert len(p) == 25


def test_miniature_onsets_exactly(mini):
    p = quasi_alliance_panel(data=mini)
    for row in p.itertuples():
        want = ONSETS.get((row.year, row.ccode_a, row.ccode_b), (0, 0, 0))
        assert (row.onset_any, row.onset_security, row.onset_defense) == want
    for kind, col in (("any", 0), ("security", 1), ("defense", 2)):
        q = quasi_alliance_panel(data=mini, outcome=kind)
        assert int(q["onset"].sum()) == sum(v[col] for v in ONSETS.values())


def test_miniature_patrons_and_strongest(mini):
    p = quasi_alliance_panel(data=mini).set_index(["year", "ccode_a", "ccode_b"])
    assert p.loc[(1951, 200, 732), "patrons"] == (2, 220)
    # France's CINC in 1951 is above the US's: it is the strongest patron.
    assert p.loc[(1951, 200, 732), "patron"] == 220
    assert p.loc[(1951, 200, 732), "patron_cinc"] == pytest.approx(FRANCE_1951)
    assert p.loc[(1950, 200, 732), "patrons"] == (2,)
    assert p.loc[(1950, 200, 732), "patron"] == 2
    others = p.drop(index=(1951, 200, 732))
    assert (others["patron"] == 2).all() and (others["n_patrons"] == 1).all()
    assert p.loc[(1950, 732, 740), "name_a"] == "South Korea"


def test_miniature_filters(mini):
    near = quasi_alliance_panel(data=mini, max_distance_km=100)
    assert sorted(set(zip(near["ccode_a"], near["ccode_b"], strict=True))) == [(732, 740)]
    asia = quasi_alliance_panel(data=mini, region="asia")
    assert set(zip(asia["ccode_a"], asia["ccode_b"], strict=True)) == {(732, 740)}
    with pytest.raises(ParameterError, match="empty"):
        quasi_alliance_panel(data=mini, common_rival=True)
    one = quasi_alliance_panel(data=mini, years=(1951, 1951))
    assert set(one["year"]) == {1951} and len(one) == 8


# -- the bundled data ---------------------------------------------------------------------

def test_bundled_files_match_their_checksums():
    folder = data_dir()
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert "shared" not in str(folder)


def _pledges(kinds):
    al = load_record_data().alliances
    m = np.zeros(len(al), dtype=bool)
    for k in kinds:
        m |= al[k].to_numpy() != 0
    return set(zip(al["year"][m], al["ccode1"][m], al["ccode2"][m], strict=True))


def test_real_no_pair_allied_in_its_own_year(real):
    allied = _pledges(KINDS)
    rows = set(zip(real["year"], real["ccode_a"], real["ccode_b"], strict=True))
    assert not rows & allied


def test_real_every_patron_allied_to_both(real):
    defense = _pledges(("defense",))
    for row in real.itertuples():
        for p in row.patrons:
            assert (row.year, min(p, row.ccode_a), max(p, row.ccode_a)) in defense
            assert (row.year, min(p, row.ccode_b), max(p, row.ccode_b)) in defense
        assert row.patron in row.patrons
        assert row.n_patrons == len(row.patrons)


@pytest.mark.parametrize("kind", list(OUTCOMES))
def test_real_onsets_match_atop_next_year(real, kind):
    pledged = _pledges(OUTCOMES[kind])
    want = [int((y + 1, a, b) in pledged) for y, a, b in
            zip(real["year"], real["ccode_a"], real["ccode_b"], strict=True)]
    assert real[f"onset_{kind}"].tolist() == want


@pytest.mark.parametrize("year", [1840, 1914, 1939, 1960, 2005])
def test_real_risk_set_equals_brute_force(real, year):
    """Rebuild one year by sets: every pair of every state's defense partners, minus pairs
    with any pledge."""
    al = load_record_data().alliances
    al = al[al["year"] == year]
    partners: dict[int, set[int]] = {}
    for a, b in zip(al["ccode1"][al["defense"] != 0], al["ccode2"][al["defense"] != 0],
                    strict=True):
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    pledged = al[al[list(KINDS)].sum(axis=1) > 0]  # a row with no pledge kind is no pledge
    allied = set(zip(pledged["ccode1"], pledged["ccode2"], strict=True))
    want: dict[tuple[int, int], set[int]] = {}
    for p, ns in partners.items():
        for a, b in itertools.combinations(sorted(ns), 2):
            if (a, b) not in allied:
                want.setdefault((a, b), set()).add(p)
    got = real[real["year"] == year]
    assert {(a, b): set(ps) for a, b, ps in
            zip(got["ccode_a"], got["ccode_b"], got["patrons"], strict=True)} == want


def test_real_default_panel_size(real):
    assert 70_000 <= len(real) <= 80_000
    assert 200 <= int(real["onset"].sum()) <= 600
    assert real["year"].min() == 1816 and real["year"].max() == 2017
    assert not real.duplicated(["year", "ccode_a", "ccode_b"]).any()


def test_real_japan_korea(real):
    jk = real[(real["ccode_a"] == 732) & (real["ccode_b"] == 740)]
    assert jk["year"].min() == 1953 and jk["year"].max() == 2003
    assert jk.set_index("year").loc[2003, "onset_any"] == 1  # ATOP non-aggression, 2004
    assert (jk["patrons"] == (2,)).all()


def test_real_filters_are_subsets(real):
    near = quasi_alliance_panel(max_distance_km=950)
    assert (near["mindist"] <= 950).all() and len(near) < len(real)
    eu = quasi_alliance_panel(region="europe")
    assert ((eu["ccode_a"] >= 200) & (eu["ccode_b"] <= 399)).all()
    riv = quasi_alliance_panel(common_rival=True, rivalry="tss")
    assert (riv["common_rival_tss"] == 1).all()


def test_cached_panel_is_a_copy(real):
    real.loc[0, "onset"] = 99
    assert quasi_alliance_panel().loc[0, "onset"] != 99


# -- bad input: one clear error each -----------------------------------------------------

@pytest.mark.parametrize("kw, match", [
    ({"outcome": "treaty"}, "outcome='treaty' is not an outcome kind"),
    ({"rivalry": "cow"}, "rivalry='cow' is not a rivalry coding"),
    ({"region": "mars"}, "region='mars' is not a COW region"),
    ({"max_distance_km": -1}, "max_distance_km=-1"),
    ({"max_distance_km": float("nan")}, "max_distance_km=nan"),
    ({"common_rival": "yes"}, "common_rival='yes'"),
    ({"years": (1700, 1750)}, "has no panel years"),
    ({"years": (1990, 1980)}, "is empty"),
    ({"years": (1990,)}, "must be a pair of integers"),
    ({"years": (1990.0, 1991)}, "must be a pair of integers"),
])
def test_bad_options(kw, match):
    with pytest.raises(ParameterError, match=match):
        quasi_alliance_panel(**kw)


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError):
        quasi_alliance_panel(outcomes="any")  # type: ignore[call-arg]


def test_bad_frames():
    from qa_games.record import RecordData
    good = miniature()
    with pytest.raises(ParameterError, match="lacks column"):
        RecordData.from_frames(alliances=good.alliances.drop(columns="defense"),
                               states=good.states)
    flipped = good.alliances.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})
    with pytest.raises(ParameterError, match="ccode1 < ccode2"):
        RecordData.from_frames(alliances=flipped, states=good.states)
    with pytest.raises(ParameterError, match="unknown record table"):
        RecordData.from_frames(alliances=good.alliances, states=good.states,
                               treaties=pd.DataFrame())
    with pytest.raises(QAGamesError, match="required"):
        RecordData.from_frames(alliances=good.alliances)
