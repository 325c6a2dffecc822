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
        want = S._number(S._substituted(model, expr, values))
        if want is S.UNDEFINED:
            assert got is S.UNDEFINED
            continue
        assert abs(sympy.N(want - got, 60)) <= sympy.Float("1e-50") * (1 + abs(sympy.N(want)))
    x = sympy.Symbol("x", real=True)
    assert S._evaluate_high_precision(x ** sympy.Rational(1, 2), {"x": F(-1)}) is S.UNDEFINED
    assert S._evaluate_high_precision(1 / sympy.sqrt(x), {"x": F(0)}) is S.UNDEFINED
