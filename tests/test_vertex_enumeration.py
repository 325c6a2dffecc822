"""The exact vertex enumeration (qa_games.solvers.vertex_enumeration) against the first
implementation (tests/vertex_oracle.py, every vertex of P tested against every mask of Q)
and against pygambit's rational enummixed, on random games: integers with ties (degenerate),
wide integers (nondegenerate almost surely) and floats, up to 10x10."""

from __future__ import annotations

import random
from fractions import Fraction as F

import pygambit as gbt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import vertex_oracle as oracle
from qa_games.solvers import vertex_enumeration as ve
from qa_games.solvers import vertex_kernel


def random_game(rng: random.Random, m: int, n: int, family: str) -> tuple[list, list]:
    def cell() -> F:
        if family == "float":
            return F(rng.gauss(0.0, 1.0))  # the exact value of a binary float
        hi = {"ties": rng.choice([1, 2, 5]), "wide": 1000}[family]
        return F(rng.randint(0, hi))
    return ([[cell() for _ in range(n)] for _ in range(m)],
            [[cell() for _ in range(n)] for _ in range(m)])


def gambit_set(a: list, b: list) -> set:
    g = gbt.Game.from_arrays(a, b)
    res = gbt.nash.enummixed_solve(g, rational=True)
    return {tuple(tuple(F(eq[s]) for s in p.strategies) for p in g.players)
            for eq in res.equilibria}


def as_set(found: list) -> set:
    assert len(found) == len(set(found)), "an equilibrium reported twice"
    return set(found)


@settings(max_examples=60)
@given(st.integers(1, 7), st.integers(1, 7), st.sampled_from(["ties", "wide", "float"]),
       st.integers(0, 2**32))
def test_equals_the_first_implementation(m, n, family, seed):
    a, b = random_game(random.Random(seed), m, n, family)
    new, new_deg = ve.extreme_equilibria(a, b)
    old, old_deg = oracle.extreme_equilibria(a, b)
    assert as_set(new) == as_set(old)
    assert new_deg == old_deg
    # the vertices themselves, labels included, by the Python and the compiled int64 path
    bt = ve.to_positive_integers(a)
    zl, sl = list(range(n)), [n + i for i in range(m)]
    expected = oracle.polytope_vertices(bt, zl, sl)
    assert ve.polytope_vertices(bt, zl, sl, compiled=False) == expected
    assert ve.polytope_vertices(bt, zl, sl, compiled=True) == expected


@settings(max_examples=40)
@given(st.integers(1, 6), st.integers(1, 6), st.sampled_from(["ties", "wide", "float"]),
       st.integers(0, 2**32))
def test_equals_gambit(m, n, family, seed):
    a, b = random_game(random.Random(seed), m, n, family)
    assert as_set(ve.extreme_equilibria(a, b)[0]) == gambit_set(a, b)


@pytest.mark.parametrize("size,family,seed", [(8, "ties", 1), (9, "wide", 2), (10, "ties", 3),
                                              (10, "wide", 4)])
def test_large_games_equal_oracle_and_gambit(size, family, seed):
    a, b = random_game(random.Random(seed), size, size, family)
    new, new_deg = ve.extreme_equilibria(a, b)
    old, old_deg = oracle.extreme_equilibria(a, b)
    assert as_set(new) == as_set(old) == gambit_set(a, b)
    assert new_deg == old_deg


def test_degenerate_structures():
    """All-zero, constant-row and duplicated-strategy games: equilibrium polytopes."""
    zero = [[F(0)] * 4 for _ in range(3)]
    dup = [[F(1), F(2), F(1)], [F(1), F(2), F(1)], [F(3), F(0), F(3)]]
    const = [[F(2)] * 3, [F(1), F(0), F(5)], [F(2)] * 3]
    for a, b in [(zero, zero), (dup, const), (const, dup), (dup, dup)]:
        new, deg = ve.extreme_equilibria(a, b)
        old, old_deg = oracle.extreme_equilibria(a, b)
        assert deg and old_deg
        assert as_set(new) == as_set(old) == gambit_set(a, b)


needs_numba = pytest.mark.skipif(not vertex_kernel.available(), reason="numba not installed")


@needs_numba
@pytest.mark.parametrize("size,family,seed", [(6, "ties", 5), (9, "ties", 6), (10, "ties", 7),
                                              (7, "wide", 8), (8, "float", 9)])
def test_compiled_kernel_equals_python_path(size, family, seed):
    """The int64 kernel's bases give the Python enumeration's vertices; where an entry
    outgrows int64 (wide integers, floats) it declines and the Python path runs."""
    a, _ = random_game(random.Random(seed), size, size, family)
    mat = ve.to_positive_integers(a)
    zl, sl = list(range(size)), [size + i for i in range(size)]
    python = ve.polytope_vertices(mat, zl, sl, compiled=False)
    assert ve.polytope_vertices(mat, zl, sl, compiled=True) == python
    out = vertex_kernel.enumerate_bases(mat)
    if out is not None:
        pairs = zip(out[0].tolist(), out[1].tolist(), strict=True)
        assert {(tuple(v), den) for v, den in pairs} == {(v, den) for v, den, _ in python}
    if family == "ties":
        assert out is not None  # small payoffs: the entries stay far below 2**31


@needs_numba
def test_compiled_kernel_declines_large_entries():
    mat = [[vertex_kernel.LIMIT, 1], [1, 2]]
    assert vertex_kernel.enumerate_bases(mat) is None
    assert ve.polytope_vertices(mat, [0, 1], [2, 3], compiled=True) == \
        ve.polytope_vertices(mat, [0, 1], [2, 3], compiled=False)


@needs_numba
def test_time_budget_stops_the_compiled_kernel():
    """solve's max_seconds (a timer signal) also stops the compiled kernel, and leaves no
    state behind: the next solve runs to the end."""
    from qa_games import Game, solve
    from qa_games.errors import UnsupportedGameError

    rng = random.Random(11)
    a = [[rng.randint(0, 5) for _ in range(16)] for _ in range(16)]
    b = [[rng.randint(0, 5) for _ in range(16)] for _ in range(16)]
    with pytest.raises(UnsupportedGameError, match="did not finish within"):
        solve(Game.from_arrays(a, b), max_seconds=0.05)
    assert not vertex_kernel.DEFER[0] and not vertex_kernel.EXPIRED[0]
    small_a, small_b = random_game(random.Random(12), 6, 6, "ties")
    found = solve(Game.from_arrays(small_a, small_b), max_seconds=600)
    assert {eq.exact for eq in found.equilibria} == gambit_set(small_a, small_b)


@settings(max_examples=80)
@given(st.integers(1, 6), st.integers(1, 6), st.sampled_from(["ties", "wide", "float"]),
       st.integers(0, 2**32))
def test_regret_by_integer_sums_equals_fraction_sums(m, n, family, seed):
    """solve verifies each equilibrium by bimatrix_regret (now integer sums over common
    denominators): the same Fractions as the plain Fraction sums, on mixed profiles."""
    from qa_games.solvers.pure import bimatrix_regret

    rng = random.Random(seed)
    a, b = random_game(rng, m, n, family)

    def mixed(k: int) -> list:
        w = [rng.choice([0, 0, rng.randint(1, 9)]) for _ in range(k)]
        w[rng.randrange(k)] += 1
        return [F(v, sum(w)) for v in w]

    x, y = mixed(m), mixed(n)
    ay = [sum((a[i][j] * y[j] for j in range(n)), F(0)) for i in range(m)]
    xb = [sum((b[i][j] * x[i] for i in range(m)), F(0)) for j in range(n)]
    u1 = sum((x[i] * ay[i] for i in range(m)), F(0))
    u2 = sum((xb[j] * y[j] for j in range(n)), F(0))
    assert bimatrix_regret(a, b, x, y) == (max(ay) - u1, max(xb) - u2, u1, u2)
