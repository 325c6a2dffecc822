"""The Fraction evaluator of sympy expressions (qa_games.games.exact_eval), used by
``SymbolicGame.at``, every model's constraint check and backward induction, against
sympy's own substitution on every bundled model, at round and arbitrary points, and on
expressions built to be awkward (zero denominators, powers, min/max)."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pytest
import sympy

from qa_games.games.exact_eval import exact_function
from qa_games.games.parameter import check_constraints, constraint_holds
from qa_games.modelfiles.files import list_models
from qa_games.modelfiles.loader import load_model

NORMAL = [n for n, _ in list_models() if hasattr(load_model(n), "game")]


def _points(model, rng: random.Random, n: int):
    """Points of the model's domains (round values and fine fractions; constraints not
    enforced, so some fail them)."""
    for _ in range(n):
        out = {}
        for p in model.parameters:
            lo = p.domain.lower if p.domain.lower is not None else p.default - 5
            hi = p.domain.upper if p.domain.upper is not None else p.default + 5
            den = rng.choice([1, 2, 10, 20, 997])
            x = lo + (hi - lo) * F(rng.randint(0, den), den)
            out[p.name] = x if p.domain.contains(x) else p.default
        yield out


@pytest.mark.parametrize("name", NORMAL)
def test_payoffs_and_constraints_equal_sympy(name):
    model = load_model(name)
    game = model.game
    rng = random.Random(name)
    for values in _points(model, rng, 25):
        subs = {sympy.Symbol(k, real=True): sympy.Rational(v.numerator, v.denominator)
                for k, v in values.items()}
        for rel in game.constraints:
            fast = exact_function(rel)
            if fast is not None:
                try:
                    got = fast(values)
                except ZeroDivisionError:
                    got = None
                assert got == constraint_holds(rel, subs), (rel, values)
        for arr in game.payoffs:
            for expr in arr.flat:
                fast = exact_function(expr)
                if fast is None:
                    continue
                want = sympy.sympify(expr).xreplace(subs)
                try:
                    got = fast(values)
                except ZeroDivisionError:
                    assert not want.is_finite, (expr, values)
                    continue
                assert want.is_Rational and F(int(want.p), int(want.q)) == got, (expr, values)


def test_awkward_expressions():
    x, y = sympy.symbols("x y", real=True)
    cases = [x / y, (x - y) ** -2, sympy.Min(x, 1 / y) - sympy.Max(x, -y), sympy.Abs(x - 3 * y),
             x ** 3 * y ** 2 - 7, (x + y) / (x - y)]
    rng = random.Random(3)
    for expr in cases:
        fn = exact_function(expr)
        assert fn is not None
        for _ in range(60):
            v = {"x": F(rng.randint(-4, 4), rng.choice([1, 2, 3])), "y": F(rng.randint(-4, 4))}
            try:
                want = expr.xreplace({x: sympy.Rational(v["x"].numerator, v["x"].denominator),
                                      y: sympy.Integer(v["y"])})
            except ValueError:  # sympy: min(x, zoo) is not comparable
                want = sympy.zoo
            try:
                got = fn(v)
            except ZeroDivisionError:
                assert not want.is_finite
                continue
            assert want == sympy.Rational(got.numerator, got.denominator)
    assert exact_function(sympy.sqrt(x)) is None
    assert exact_function(x ** sympy.Rational(1, 3)) is None


def test_check_constraints_words_failures_like_sympy():
    c, t = sympy.symbols("c t", real=True)
    check_constraints([c <= t, c < 1 / t], {"c": F(1, 3), "t": F(1)})
    with pytest.raises(Exception, match=r"constraint c <= t fails at c=2, t=1"):
        check_constraints([c <= t], {"c": F(2), "t": F(1)})
    with pytest.raises(Exception, match=r"constraint c < 1/t is undefined at c=0, t=0"):
        check_constraints([c < 1 / t], {"c": F(0), "t": F(0)})


def test_high_precision_outcomes_equal_sympy_to_50_digits():
    """An outcome that is not a rational function (Walt's threat index: a product of
    fractional powers) is evaluated in mpmath at 80 digits by the search; it agrees with
    sympy's exact substitution evaluated at 60 digits, and is undefined where that is."""
    from qa_games.verify import search as S

    model = load_model("walt_balance_of_threat")
    expr = model.derived["threat_index"]
    assert exact_function(expr) is None
    rng = random.Random(11)
    for values in _points(model, rng, 40):
        got = S._evaluate_high_precision(expr, values)
        subs = {model.game.symbols[k]: sympy.Rational(v.numerator, v.denominator)
                for k, v in values.items()}
        want = S._number(expr.xreplace(subs))  # sympy's exact roots (cheap here)
        if want is S.UNDEFINED:
            assert got is S.UNDEFINED
            continue
        assert abs(sympy.N(want - got, 60)) <= sympy.Float("1e-50") * (1 + abs(sympy.N(want)))
    x = sympy.Symbol("x", real=True)
    assert S._evaluate_high_precision(x ** sympy.Rational(1, 2), {"x": F(-1)}) is S.UNDEFINED
    assert S._evaluate_high_precision(1 / sympy.sqrt(x), {"x": F(0)}) is S.UNDEFINED


# -- fractional powers: exact while the root is cheap, 30 digits beyond -----------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from qa_games.games.exact_eval import MAX_ROOT, power, substitute  # noqa: E402

RATIONALS = st.builds(sympy.Rational, st.integers(-10**6, 10**6), st.integers(1, 10**6))


@settings(max_examples=200, deadline=None)
@given(base=RATIONALS.filter(lambda r: r > 0), p=st.integers(-200, 200),
       q=st.integers(2, 10**25))
def test_power_is_exact_when_cheap_and_close_otherwise(base, p, q):
    exponent = sympy.Rational(p, q)
    got = power(base, exponent)
    value = sympy.Float(base, 60) ** sympy.Float(exponent, 60)  # independent: 60 digits
    if exponent.is_Integer or exponent.q <= MAX_ROOT and got.is_Rational:
        assert got == base**exponent
    assert abs(sympy.N(got, 40) - value) <= sympy.Float(10) ** -25 * max(1, abs(value))


def test_substitute_equals_xreplace_without_fractional_powers():
    c, t = sympy.symbols("c t", real=True)
    for expr in (c**2 - t / 3, sympy.Min(c, t) * sympy.Abs(c - 1), c < t + 1):
        subs = {c: sympy.Rational(2, 7), t: sympy.Rational(-5, 3)}
        assert substitute(expr, subs) == expr.xreplace(subs)


def test_substitute_keeps_cheap_roots_exact_and_bounds_costly_ones():
    c = sympy.Symbol("c", real=True)
    assert substitute(sympy.sqrt(c) + c ** sympy.Rational(1, 3), {c: sympy.Integer(64)}) == 12
    huge = substitute(250**c, {c: sympy.Rational(123456789, 10**9)})  # q = 10**9
    assert huge.is_Float and abs(float(huge) - 250**0.123456789) < 1e-12
    left = substitute(c ** (sympy.Rational(277, 1000) ** 7), {c: sympy.Rational(31, 250)})
    assert left.is_Float and abs(float(left) - (31 / 250) ** (0.277**7)) < 1e-15
