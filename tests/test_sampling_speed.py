"""The verification sampler's fast path (qa_games.verify.strategies._random_value: values
built once per grid point, domain membership decided on the grid index) against the first
implementation, verbatim: the same values from the same random stream, so every seeded
search draws the same points and reaches the same verdicts (issue 14)."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest

from qa_games.games.parameter import Interval, Parameter
from qa_games.modelfiles.loader import load_model
from qa_games.verify import strategies as S


def first_random_value(rnd, parameter):
    domain = parameter.domain
    lo, hi = S._bounds(domain)
    for _ in range(20):
        u = rnd.random()
        if u < 0.1:
            x = lo if rnd.random() < 0.5 else hi
        elif u < 0.5:
            x = lo + (hi - lo) * F(rnd.randint(0, 20), 20)
        else:
            x = lo + (hi - lo) * F(rnd.randint(0, 1000), 1000)
        if domain.contains(x):
            return x
    return parameter.default


DOMAINS = [Interval(F(0), F(1)), Interval(F(0), F(1), False, True),
           Interval(F(0), F(1), True, False), Interval(F(-2), F(3), False, False),
           Interval(None, F(1)), Interval(None, F(1), upper_closed=False),
           Interval(F(2), None, lower_closed=False), Interval(None, None),
           Interval(F(1, 3), F(1, 3))]


def bundled_parameters():
    out = []
    for name in ("cha_quasi_alliance", "walt_balance_of_threat", "cha_per_client"):
        out.extend(S.model_parameters(load_model(name)))
    return out


def inside(d: Interval) -> F:
    lo, hi = S._bounds(d)
    return (lo + hi) / 2


@pytest.mark.parametrize("parameter", [Parameter(f"p{i}", d, inside(d))
                                       for i, d in enumerate(DOMAINS)]
                         + bundled_parameters(), ids=str)
def test_same_values_and_stream_as_the_first_implementation(parameter):
    for seed in range(40):
        new, old = random.Random(seed), random.Random(seed)
        for _ in range(200):
            a, b = S._random_value(new, parameter), first_random_value(old, parameter)
            assert a == b and type(a) is type(b)
        assert new.getstate() == old.getstate()


def first_value(parameter, k):
    domain = parameter.domain
    lo, hi = S._bounds(domain)
    span = hi - lo
    mode, n = k % 3, k // 3
    if mode == 0:
        x = lo if n % 2 == 0 else hi
    elif mode == 1:
        x = lo + span * F(n % 21, 20)
    else:
        x = lo + span * F(n, 1000)
    return x if domain.contains(x) else parameter.default


@pytest.mark.parametrize("parameter", [Parameter(f"p{i}", d, inside(d))
                                       for i, d in enumerate(DOMAINS)]
                         + bundled_parameters(), ids=str)
def test_hypothesis_values_as_the_first_implementation(parameter):
    fn = S.value_strategy(parameter).wrapped_strategy.pack  # the map over st.integers
    for k in range(3003):
        assert fn(k) == first_value(parameter, k)
