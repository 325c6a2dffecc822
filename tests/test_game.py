"""Numeric and symbolic games, parameters and their domains."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa_games.errors import GameError, ParameterError
from qa_games.games.normal_form import Game
from qa_games.games.parameter import Interval, Parameter, to_fraction


def test_integer_payoffs_give_an_exact_game_floats_a_float_game():
    g = Game.from_arrays([[1, 2], [3, 4]], [[0, 0], [0, 0]], players=["R", "C"],
                         strategies=[["u", "d"], ["l", "r"]])
    assert g.exact and g.payoff((1, 0)) == (Fraction(3), Fraction(0))
    assert g.profile_index(["d", "l"]) == (1, 0)
    f = Game.from_arrays([[1.5, 2], [3, 4]], [[0, 0], [0, 0]])
    assert not f.exact and f.payoffs[0].dtype == np.float64
    assert f.as_exact().payoffs[0][0, 0] == Fraction(3, 2)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([[1, np.nan]], [[1, 2]]), {}, "not finite"),
        (([[1, np.inf]], [[1, 2]]), {}, "not finite"),
        (([[1, 2]], [[1, 2, 3]]), {}, "differ in shape"),
        (([1, 2], [1, 2]), {}, "2-dimensional"),
        (([[1, 2]], [[1, 2]]), {"players": ["a", "a"]}, "distinct"),
        (([[1, 2]], [[1, 2]]), {"strategies": [["x"], ["y"]]}, "expected 2 names"),
        (([["a", 2]], [[1, 2]]), {}, "must be numbers"),
        (([[]], [[]]), {}, "at least one strategy"),
    ],
)
def test_malformed_games(args, kwargs, message):
    with pytest.raises(GameError, match=message):
        Game.from_arrays(*args, **kwargs)


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [("[0, 1]", [0, 1, Fraction(1, 2)], [-1, Fraction(101, 100)]),
     ("(0, 4]", [4, Fraction(1, 1000)], [0, 5]),
     ("[0, 1)", [0], [1]),
     ("[0, inf)", [0, 10**9], [-1])],
)
def test_interval_membership(text, inside, outside):
    iv = Interval.parse(text)
    assert all(iv.contains(Fraction(x)) for x in inside)
    assert not any(iv.contains(Fraction(x)) for x in outside)
    assert str(Interval.parse(str(iv))) == str(iv)


@pytest.mark.parametrize("text", ["[1, 0]", "(0, 0]", "[0, inf]", "0, 1", "[a, b]", "[0, 1, 2]"])
def test_bad_intervals(text):
    with pytest.raises(ValueError):
        Interval.parse(text)


@given(st.fractions())
def test_to_fraction_reads_fractions_and_their_text_exactly(x):
    assert to_fraction(x) == x
    assert to_fraction(f"{x.numerator}/{x.denominator}") == x


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_are_read_as_the_decimal_they_print(x):
    assert to_fraction(x) == Fraction(repr(x))


def test_parameter_default_must_lie_in_the_domain():
    with pytest.raises(ParameterError, match="outside its domain"):
        Parameter("c", Interval.parse("[0, 1]"), Fraction(2))
