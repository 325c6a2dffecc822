"""The verification sampler (qa_games.verify.strategies) draws only points inside the
domains and the constraints, and covers the domains: both ends of every interval are
reached (or approached, when open), on domains with integer and decimal ends, open and
closed, bounded and not. The oracle is ``Interval.contains`` and the constraints decided
by sympy, independently of the sampler's compiled checks (issue 14)."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed

from qa_games.games.parameter import Interval, Parameter
from qa_games.modelfiles.loader import load_model
from qa_games.verify import strategies as S


class Stub:
    """The least a sequential-style model offers the sampler: parameters, constraints."""

    name = "stub"
    game = None

    def __init__(self, parameters, constraints=()):
        self.parameters = tuple(parameters)
        self.constraints = tuple(constraints)

    def parameter(self, name):
        return next(p for p in self.parameters if p.name == name)


DOMAINS = {name: Interval.parse(text) for name, text in {
    "int_closed": "[0, 10]", "int_open": "(-3, 4)", "dec_half_open": "[0.1, 0.7)",
    "dec_open_closed": "(-2.5, 3]", "lower_only": "(2, inf)", "upper_only": "(-inf, 0.25]",
    "point": "[1/3, 1/3]"}.items()}


def _mid(d: Interval) -> F:
    lo, hi = S._bounds(d)
    return (lo + hi) / 2


PARAMS = [Parameter(name, d, _mid(d)) for name, d in DOMAINS.items()]
SYM = {p.name: p.symbol for p in PARAMS}
# p <= q style constraints between parameters, as the bundled models have them (each
# binds somewhere, neither excludes an end of a domain)
CONSTRAINTS = [sympy.Le(SYM["int_open"], SYM["int_closed"]),
               sympy.Lt(SYM["dec_half_open"], SYM["dec_open_closed"] + 3)]


def _oracle(model, values) -> bool:
    if any(not p.domain.contains(values[p.name]) for p in model.parameters):
        return False
    subs = {sympy.Symbol(k, real=True): sympy.Rational(v.numerator, v.denominator)
            for k, v in values.items()}
    return all(rel.xreplace(subs) is sympy.true for rel in model.constraints)


def _draws(model, n=600, **kw):
    out = []

    @hypothesis_seed(3)
    @settings(max_examples=n, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(S.parameter_values(model, **kw))
    def collect(values):
        out.append(values)

    collect()
    return out


def _near_ends(param, seen):
    """Both ends reached, or within a twentieth of the range when open (the sampler's
    round grid; finer points near an open end come only from its thousandths)."""
    lo, hi = S._bounds(param.domain)
    tol = (hi - lo) / 20
    return min(seen) - lo <= tol and hi - max(seen) <= tol


def test_parameter_values_inside_the_domains_and_constraints_and_covering_them():
    model = Stub(PARAMS, CONSTRAINTS)
    draws = _draws(model)
    assert len(draws) >= 300
    for values in draws:
        assert set(values) == set(DOMAINS)
        assert all(type(v) is F for v in values.values())
        assert _oracle(model, values), values
    for p in PARAMS:
        seen = [v[p.name] for v in draws]
        assert _near_ends(p, seen), (p.name, min(seen), max(seen))
        if p.domain.lower_closed:
            assert p.domain.lower in seen
        if p.domain.upper_closed:
            assert p.domain.upper in seen
        if S._bounds(p.domain)[0] < S._bounds(p.domain)[1]:
            assert len(set(seen)) > 20  # not only the ends


def test_a_sum_constraint_is_met_with_values_inside_their_domains():
    names = ["w_1", "w_2", "w_3"]
    params = [Parameter(n, Interval(F(0), F(1, 2)), F(1, 3)) for n in names]
    total = sympy.Eq(sum(p.symbol for p in params), 1)
    model = Stub(params, [total])
    draws = _draws(model, n=300)
    assert draws
    for values in draws:
        assert sum(values.values()) == 1 and _oracle(model, values), values
    for n in names:
        seen = [v[n] for v in draws]
        assert F(1, 2) in seen and min(seen) <= F(1, 10)


def test_a_region_and_pinned_values_are_respected():
    model = Stub(PARAMS, CONSTRAINTS)
    x = SYM["int_closed"]
    region = sympy.And(x > 9, SYM["dec_half_open"] < F(2, 10))
    draws = _draws(model, n=200, region=region, fixed={"upper_only": "-7"})
    assert draws
    for values in draws:
        assert _oracle(model, values) and values["int_closed"] > 9
        assert values["dec_half_open"] < F(2, 10) and values["upper_only"] == -7


@pytest.mark.parametrize("param", PARAMS, ids=lambda p: p.name)
def test_random_values_inside_and_covering_each_domain(param):
    rnd = random.Random(5)
    seen = [S._random_value(rnd, param) for _ in range(3000)]
    assert all(param.domain.contains(v) for v in seen)
    assert _near_ends(param, seen)


@pytest.mark.parametrize("name", ["walt_balance_of_threat", "snyder_asd", "buck_passing",
                                  "patron_sequential"])
def test_bundled_models_with_constraints(name):
    model = load_model(name)
    draws = _draws(model, n=150)
    assert draws
    for values in draws:
        assert model.values(values) == values  # the model's own check: domains, constraints


@pytest.mark.parametrize("name,region", [
    ("cha_quasi_alliance", "Delta_A >= 0 and Delta_B <= 0"),
    ("cha_quasi_alliance", "Delta_A * Delta_B < 0 or e_A == e_B"),
    ("snyder_asd", "t * x_A >= e_A"),
    ("buck_passing", None),
])
def test_the_float_screen_keeps_every_exactly_valid_point(name, region):
    """The pool's float screen (domains, constraints, region, relaxed by a tolerance) only
    ever drops points that fail exactly: on the sampler's own round candidates, where
    boundaries sit exactly on grid points, every point sympy finds valid passes it."""
    import numpy as np

    model = load_model(name)
    cond = None if region is None else model.condition(region, where="test")
    params = S.model_parameters(model)
    names = [p.name for p in params]
    rng = np.random.default_rng(7)
    drawn = {p.name: S._grid_choices(p, rng, 400) for p in params}
    checks = S._checks(model)
    assert not checks.sums  # these models have no sum constraint: every value is drawn
    cols = [np.array([float(v) for v in drawn[n][0]])[drawn[n][1]] for n in names]
    screens = [S._screen(rel, tuple(names)) for rel in S.model_constraints(model)]
    if cond is not None:
        screens.append(S._screen(cond, tuple(names)))
    assert any(f is not None for f in screens) or not screens
    passed = np.ones(400, dtype=bool)
    for f in screens:
        if f is not None:
            passed &= f(cols)
    valid = 0
    for i in range(400):
        values = {n: drawn[n][0][int(drawn[n][1][i])] for n in names}
        subs = {sympy.Symbol(k, real=True): sympy.Rational(v.numerator, v.denominator)
                for k, v in values.items()}
        ok = all(p.domain.contains(values[p.name]) for p in params) and all(
            rel.xreplace(subs) is sympy.true for rel in S.model_constraints(model)) and (
            cond is None or sympy.simplify(cond.xreplace(subs)) is sympy.true)
        valid += ok
        assert passed[i] or not ok, values
    assert valid > 0


@pytest.mark.parametrize("seed", [-1, 1.5, "3", True, None])
def test_a_bad_pool_seed_is_refused_at_the_call(seed):
    from qa_games.errors import ParameterError

    with pytest.raises(ParameterError, match="seed"):
        S.parameter_values(load_model("cha_quasi_alliance"), seed=seed)
