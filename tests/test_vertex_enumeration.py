"""The exact vertex enumeration (qa_games.solvers.vertex_enumeration) against the first
implementation (tests/vertex_oracle.py, every vertex of P tested against every mask of Q)
and against pygambit's rational enummixed, on random games: integers with ties (degenerate),
wide integers (nondegenerate almost surely) and floats, up to 10x10."""

from __future__ import annotations

import random
from fractions import Fraction as F

import numpy as np
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


# --- the multi-modular kernel: every entry as residues modulo primes below 2**26 ---

def test_hadamard_bound_covers_every_minor():
    """Every tableau entry is a k x k minor of [M | I | 1]: brute force over all of them."""
    from itertools import combinations

    from sympy import Matrix

    rng = random.Random(21)
    for _ in range(30):
        k, d = rng.randint(1, 4), rng.randint(1, 4)
        mat = [[rng.randint(1, rng.choice([2, 6, 1001, 10**9])) for _ in range(d)]
               for _ in range(k)]
        columns = [[mat[r][j] for r in range(k)] for j in range(d)]
        columns += [[int(r == u) for r in range(k)] for u in range(k)] + [[1] * k]
        largest = max(abs(Matrix([list(c) for c in chosen]).T.det())
                      for chosen in combinations(columns, k))
        assert largest <= vertex_kernel.hadamard_bound(mat)


@needs_numba
@settings(max_examples=60)
@given(st.integers(1, 12), st.booleans(), st.integers(0, 2**32))
def test_mixed_radix_digits_give_sign_value_and_exact_product_signs(n, small, seed):
    """The kernel's symmetric mixed-radix digits recover an integer's sign and (within
    1e-14) its value, and exact_sign the sign of a difference of products."""
    import numpy as np

    from qa_games.solvers._vertex_kernel_modular import all_digits, exact_sign

    rng = random.Random(seed)
    primes, inv, radix = vertex_kernel._tables(2 * n)
    product = 1
    for p in primes[:n].tolist():
        product *= int(p)
    half = (product - 1) // 2
    bits = rng.randint(1, 20) if small else half.bit_length() - rng.randint(0, 3)
    values = [rng.choice([-1, 1]) * rng.randrange(min(half, 2**bits) + 1) for _ in range(4)]
    values[rng.randrange(4)] = 0 if rng.random() < 0.2 else values[0]
    tab = np.array([[v % int(p) for v in values] for p in primes[:n].tolist()], np.float64)
    pinv = 1.0 / primes
    dg = np.empty((n, 4), np.float64)
    sg = np.empty(4, np.int64)
    fv = np.empty(4, np.float64)
    all_digits(tab, n, primes, pinv, inv, np.empty((n, 4), np.float64), dg, sg, fv)
    for e, v in enumerate(values):
        assert sg[e] == (v > 0) - (v < 0)
        assert abs(fv[e] - v) <= 1e-14 * abs(v)
    work, out = np.empty(2 * n, np.float64), np.empty(2 * n, np.float64)
    got = exact_sign(dg, n, 2 * n, 0, 1, 2, 3, primes, pinv, inv, radix, work, out)
    diff = values[0] * values[1] - values[2] * values[3]
    assert got == (diff > 0) - (diff < 0)


@needs_numba
@pytest.mark.parametrize("size,family,seed", [(3, "ties", 31), (6, "ties", 32), (8, "ties", 33),
                                              (5, "wide", 34), (9, "wide", 35), (6, "float", 36),
                                              (7, "float", 37)])
def test_modular_kernel_equals_python_path(size, family, seed):
    """The multi-modular kernel finds the Python enumeration's vertices (label sets, and
    each basis solves to the same point); on tied games it visits the int64 kernel's bases."""
    a, _ = random_game(random.Random(seed), size, size + 1, family)
    mat = ve.to_positive_integers(a)
    zl, sl = list(range(size + 1)), [size + 1 + i for i in range(size)]
    python = ve.polytope_vertices(mat, zl, sl, compiled=False)
    sets = ve.polytope_label_sets(mat, zl, sl)
    assert sets is not None
    by_labels = {lab: (nums, den) for nums, den, lab in python}
    assert sorted(lab for lab, _ in sets) == sorted(by_labels)
    for lab, basis in sets:
        nums, den = by_labels[lab]
        assert ve.vertex_of_basis(mat, basis) == tuple(F(v, den) for v in nums)
    int64 = vertex_kernel.enumerate_bases(mat)
    if family == "ties":
        zeros, _ = vertex_kernel.enumerate_bases_modular(mat)
        assert sorted(zeros.tolist()) == sorted(int64[2].tolist())


@needs_numba
def test_wide_games_take_the_modular_route_and_equal_gambit():
    a, b = random_game(random.Random(41), 9, 8, "wide")
    bt = ve.to_positive_integers([[b[i][j] for i in range(9)] for j in range(8)])
    assert vertex_kernel.enumerate_bases(bt) is None  # the int64 kernel gives up...
    assert vertex_kernel.enumerate_bases_modular(bt) is not None  # ...the modular one not
    new, deg = ve.extreme_equilibria(a, b)
    assert as_set(new) == gambit_set(a, b)
    assert deg == oracle.extreme_equilibria(a, b)[1]


@needs_numba
def test_a_determinant_divisible_by_a_prime_falls_back_to_python(monkeypatch):
    """With tiny primes some basis determinant is divisible by one: the kernel declines
    (status 2) and the equilibria come from the Python path, the same set."""
    small = (67108859, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67,
             71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151,
             157, 163, 167, 173)
    vertex_kernel._tables.cache_clear()
    monkeypatch.setattr(vertex_kernel, "_primes", lambda: small)
    try:
        a, b = random_game(random.Random(42), 7, 7, "wide")
        bt = ve.to_positive_integers([[b[i][j] for i in range(7)] for j in range(7)])
        assert vertex_kernel.enumerate_bases_modular(bt) is None
        assert as_set(ve.extreme_equilibria(a, b)[0]) == gambit_set(a, b)
    finally:
        vertex_kernel._tables.cache_clear()


@needs_numba
@pytest.mark.parametrize("size,hi,seed", [(5, 5, 51), (7, 2, 52), (8, 1000, 53)])
def test_modular_kernel_with_recomputed_tableaux_visits_the_same_bases(size, hi, seed):
    """Beyond its memory budget the stack holds bases only and recomputes their tableaux
    by elimination (D B^-1 [N | 1]): with a budget of one tableau, the same bases."""
    rng = random.Random(seed)
    mat = [[rng.randint(1, hi + 1) for _ in range(size)] for _ in range(size + 1)]
    full = vertex_kernel.enumerate_bases_modular(mat)
    light = vertex_kernel.enumerate_bases_modular(mat, stack_bytes=1)
    assert sorted(zip(*map(np.ndarray.tolist, full), strict=True)) == \
        sorted(zip(*map(np.ndarray.tolist, light), strict=True))


@pytest.mark.parametrize("rows,cols,hi,seed", [(5, 5, 2, 71), (7, 6, 5, 72), (6, 8, 1000, 73),
                                             (9, 9, 3, 74)])
def test_python_search_with_recomputed_tableaux_finds_the_same_vertices(
        monkeypatch, rows, cols, hi, seed):
    """Without numba, beyond its memory budget the Python search stacks bases without
    their tableaux and recomputes each when popped (det B^-1 [N | 1], FLINT): with a budget
    of one tableau (every basis but the first recomputed), the same vertices and labels,
    tied and wide payoffs alike."""
    rng = random.Random(seed)
    mat = [[rng.randint(1, hi) for _ in range(cols)] for _ in range(rows)]
    z, s = list(range(cols)), list(range(cols, cols + rows))
    full = ve.polytope_vertices(mat, z, s, compiled=False)
    monkeypatch.setattr(ve, "MIN_HELD", 1)
    monkeypatch.setattr(vertex_kernel, "stack_budget", lambda: 0)
    assert ve.polytope_vertices(mat, z, s, compiled=False) == full


def test_a_tableau_recomputed_from_its_basis_equals_the_pivoted_one():
    """One integer pivot from the slack basis (z_0 enters where the ratio test says)
    against :func:`tableau_of_basis` of the basis reached, entry by entry."""
    mat = [[3, 1, 2], [1, 4, 1], [2, 2, 5]]
    k, d = 3, 3
    tab = [row + [1] for row in mat]
    r = min(range(k), key=lambda i: F(1, mat[i][0]))  # the ratio test on column 0
    p = tab[r][0]
    pivoted = []
    for i in range(k):
        if i == r:
            row = list(tab[r])
            row[0] = 1  # the old determinant
        else:
            f = tab[i][0]
            row = [(x * p - f * y) for x, y in zip(tab[i], tab[r], strict=True)]
            row[0] = -f
        pivoted.append(row)
    basis = [d + i for i in range(k)]
    basis[r] = 0
    nonbasic = [d + r, 1, 2]
    assert ve.tableau_of_basis(mat, basis, nonbasic, p) == pivoted


@needs_numba
def test_a_stack_over_budget_moves_the_int64_search_to_the_bounded_modular_one(monkeypatch):
    """The int64 kernel gives up when its stack would outgrow STACK_BYTES (at least 256
    tableaux); the modular kernel then recomputes tableaux past its budget: same set."""
    a, b = random_game(random.Random(61), 12, 12, "ties")
    bt = ve.to_positive_integers([[b[i][j] for i in range(12)] for j in range(12)])
    expected = as_set(ve.extreme_equilibria(a, b)[0])
    assert vertex_kernel.enumerate_bases(bt) is not None
    monkeypatch.setattr(vertex_kernel, "STACK_BYTES", 1)
    assert vertex_kernel.enumerate_bases(bt) is None
    assert as_set(ve.extreme_equilibria(a, b)[0]) == expected


@needs_numba
def test_time_budget_stops_the_modular_kernel():
    """max_seconds stops the multi-modular kernel too (wide payoffs: int64 gives up at
    once), leaving no state behind."""
    from qa_games import Game, solve
    from qa_games.errors import UnsupportedGameError

    rng = random.Random(13)
    a = [[rng.randint(0, 1000) for _ in range(18)] for _ in range(18)]
    b = [[rng.randint(0, 1000) for _ in range(18)] for _ in range(18)]
    assert vertex_kernel.enumerate_bases(ve.to_positive_integers(
        [[F(v) for v in row] for row in a])) is None  # int64 gives up: the modular one runs
    with pytest.raises(UnsupportedGameError, match="did not finish within"):
        solve(Game.from_arrays(a, b), max_seconds=0.2)
    assert not vertex_kernel.DEFER[0] and not vertex_kernel.EXPIRED[0]
    small_a, small_b = random_game(random.Random(14), 6, 6, "wide")
    found = solve(Game.from_arrays(small_a, small_b), max_seconds=600)
    assert {eq.exact for eq in found.equilibria} == gambit_set(small_a, small_b)
