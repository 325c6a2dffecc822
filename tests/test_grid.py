"""Grids: ranges computed exactly, products, explicit points, seeded Latin hypercubes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_games.analysis.grid import (
    MAX_POINTS,
    as_grid,
    latin_hypercube,
    parse_values,
    points,
    product,
)
from qa_games.errors import ParameterError
from qa_games.modelfiles.loader import load_model


def test_ranges_are_exact_decimals_rounded_once():
    v = parse_values("0:1:101", name="c")
    assert len(v) == 101 and v[0] == 0.0 and v[-1] == 1.0
    assert [repr(float(x)) for x in v[[7, 29, 57]]] == ["0.07", "0.29", "0.57"]  # not 0.070000..01
    assert parse_values("2:2:1", name="t").tolist() == [2.0]
    assert parse_values("1/3:1:3", name="c").tolist() == [1 / 3, 2 / 3, 1.0]


@settings(max_examples=40)
@given(lo=st.integers(-50, 50), span=st.integers(1, 100), n=st.integers(2, 60))
def test_ranges_are_equally_spaced_and_include_both_ends(lo, span, n):
    v = parse_values(f"{lo / 10}:{(lo + span) / 10}:{n}", name="x")
    assert len(v) == n and v[0] == lo / 10 and v[-1] == (lo + span) / 10
    assert np.allclose(np.diff(v), span / 10 / (n - 1)) and np.all(np.diff(v) > 0)


def test_lists_numbers_and_arrays():
    assert parse_values("0.1, 1/4,2", name="c").tolist() == [0.1, 0.25, 2.0]
    assert parse_values(0.5, name="c").tolist() == [0.5]
    assert parse_values(np.array([1, 2]), name="c").tolist() == [1.0, 2.0]


@pytest.mark.parametrize("spec, message", [
    ("0:1:0", "n=0 must be a whole number >= 1"),
    ("0:1:x", "n=x must be a whole number >= 1"),
    ("0:1:1", "n=1 needs lo == hi"),
    ("1:0:3", "hi=0 is below lo=1"),
    ("0:1", "a range is written lo:hi:n"),
    ("", "no empty values"),
    ("0,,1", "no empty values"),
    ("0:one:3", "is not a number"),
    ("a, b", "is not a number"),
    ([], "is empty"),
    ([[0, 1]], "1-d list"),
    ([0, float("nan")], "finite"),
    ("0:1:100000000000", f"exceeds {MAX_POINTS}"),
])
def test_bad_value_specifications_are_clear_errors(spec, message):
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_values(spec, name="c")


def test_product_order_axes_and_digest():
    g = product({"c": "0:1:3", "t": [1, 2]})
    assert g.kind == "product" and g.size == len(g) == 6 and g.names == ("c", "t")
    assert g.column("c").tolist() == [0, 0, 0.5, 0.5, 1, 1]
    assert g.column("t").tolist() == [1, 2, 1, 2, 1, 2]
    assert g.axes["c"].tolist() == [0, 0.5, 1]
    assert g.chunk(1, 3)["c"].tolist() == [0, 0.5] and g.chunk(1, 3)["t"].tolist() == [2, 1]
    assert g.digest() == product({"c": [0, 0.5, 1], "t": "1:2:2"}).digest()
    assert g.digest() != product({"t": [1, 2], "c": "0:1:3"}).digest()
    with pytest.raises(ValueError):
        g.columns["c"][0] = 5  # read-only
    with pytest.raises(ParameterError, match="no parameter 'x'"):
        g.column("x")
    with pytest.raises(ParameterError, match="at least one parameter"):
        product({})
    with pytest.raises(ParameterError, match="identifier"):
        product({"c t": [1]})
    with pytest.raises(ParameterError, match="more than"):
        product({"a": "0:1:10000", "b": "0:1:10000"})


def test_points_and_as_grid():
    g = points({"c": [0, 0.5], "t": "1, 2"})
    assert g.kind == "points" and g.size == 2
    with pytest.raises(ParameterError, match="same number of values"):
        points({"c": [0, 1], "t": [1]})
    assert as_grid(g) is g and as_grid({"c": [1]}).size == 1
    with pytest.raises(ParameterError, match="must be a Grid or a mapping"):
        as_grid([1, 2])


def test_latin_hypercube_is_seeded_stratified_and_within_bounds():
    a = latin_hypercube({"c": (0, 1), "t": "0:10"}, 50, seed=3)
    b = latin_hypercube({"c": (0, 1), "t": (0, 10)}, 50, seed=3)
    c = latin_hypercube({"c": (0, 1), "t": (0, 10)}, 50, seed=4)
    assert a.kind == "latin_hypercube" and a.seed == 3 and a.size == 50
    np.testing.assert_array_equal(a.column("t"), b.column("t"))
    assert not np.array_equal(a.column("t"), c.column("t")) and a.digest() != c.digest()
    for name, hi in (("c", 1), ("t", 10)):
        strata = np.floor(a.column(name) / hi * 50).astype(int)
        assert sorted(strata.tolist()) == list(range(50))  # one point per stratum


def test_latin_hypercube_over_model_domains():
    m = load_model("cha_quasi_alliance")
    g = latin_hypercube(["phi", "x_A"], 200, seed=0, model=m)
    assert np.all((g.column("phi") >= 0) & (g.column("phi") < 1))
    assert np.all((g.column("x_A") > 0) & (g.column("x_A") <= 4))
    with pytest.raises(ParameterError, match="not a bounded interval"):
        latin_hypercube(["d0"], 5, seed=0, model=load_model("walt_balance_of_threat"))
    with pytest.raises(ParameterError, match="seed=None"):
        latin_hypercube({"c": (0, 1)}, 5, seed=None)
    with pytest.raises(ParameterError, match="n=0"):
        latin_hypercube({"c": (0, 1)}, 0, seed=1)
    with pytest.raises(ParameterError, match="lo <= hi"):
        latin_hypercube({"c": (1, 0)}, 3, seed=1)
