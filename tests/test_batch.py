"""solve_batch equals solve (and Gambit's enummixed) game by game, on random stacks."""

from __future__ import annotations

import sys
import warnings
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from qa_games.errors import GameError, ParameterError, UnsupportedGameError
from qa_games.games.normal_form import Game
from qa_games.solvers import batch_compiled
from qa_games.solvers import batch_support as kern
from qa_games.solvers.batch import BatchSolution, _run_2x2, _run_generic, solve_batch
from qa_games.solvers.solve import solve

gbt = pytest.importorskip("pygambit")

TOL = 1e-9
#: The compiled kernels (numba, the optional ``fast`` extra), or None without numba.
JIT = batch_compiled.load()
needs_numba = pytest.mark.skipif(JIT is None, reason="numba is not installed (the optional "
                                 "'fast' extra) or QA_GAMES_NUMBA=0: compiled path untested")
FIELDS = ("n_equilibria", "degenerate", "complete", "pure_equilibrium", "row", "col",
          "payoff_row", "payoff_col")


def gambit_set(a, b) -> list[tuple[float, ...]]:
    """Gambit's exact extreme equilibria as concatenated float profiles, without repeats
    (enummixed may report a vertex of a degenerate game twice)."""
    g = gbt.Game.from_arrays(a, b)
    players = list(g.players)
    found = [tuple(float(eq[s]) for p in players for s in p.strategies)
             for eq in gbt.nash.enummixed_solve(g, rational=True).equilibria]
    out: list[tuple[float, ...]] = []
    for p in found:
        if not any(close(p, q) for q in out):
            out.append(p)
    return out


def close(p: tuple[float, ...], q: tuple[float, ...]) -> bool:
    return max(abs(u - v) for u, v in zip(p, q, strict=True)) <= TOL


def same_set(got: list[tuple[float, ...]], ref: list[tuple[float, ...]]) -> bool:
    if len(got) != len(ref):
        return False
    left = list(ref)
    for p in got:
        hit = [k for k, q in enumerate(left) if close(p, q)]
        if not hit:
            return False
        left.pop(hit[0])
    return True


def flat(sol: BatchSolution, g: int) -> list[tuple[float, ...]]:
    return [x + y for x, y in sol.equilibria(g)]


def assert_equals_solve(A, B, sol: BatchSolution) -> None:
    """Game by game: the same equilibria in the same order, payoffs, flags, pure profiles."""
    k, m, n = np.shape(A)
    assert len(sol) == k and sol.shape == (m, n)
    for g in range(k):
        ref = solve(Game.from_arrays(A[g], B[g]))
        assert sol.n_equilibria[g] == len(ref.equilibria), g
        assert bool(sol.degenerate[g]) == ref.degenerate, g
        assert sol.complete[g]
        if ref.degenerate:
            assert sol.suspect[g]
        for e, eq in enumerate(ref.equilibria):
            np.testing.assert_allclose(sol.row[g, e], eq.profile[0], atol=TOL, rtol=0)
            np.testing.assert_allclose(sol.col[g, e], eq.profile[1], atol=TOL, rtol=0)
            scale = max(1.0, float(np.max(np.abs(np.asarray(A[g], dtype=float)))),
                        float(np.max(np.abs(np.asarray(B[g], dtype=float)))))
            assert abs(sol.payoff_row[g, e] - eq.payoffs[0]) <= TOL * scale
            assert abs(sol.payoff_col[g, e] - eq.payoffs[1]) <= TOL * scale
        assert np.isnan(sol.row[g, len(ref.equilibria):]).all()
        pure = {eq.pure_profile for eq in ref.equilibria if eq.pure_profile is not None}
        assert {tuple(int(t) for t in ij) for ij in np.argwhere(sol.pure_equilibrium[g])} == pure


def stacks(values, max_m: int = 4, max_n: int = 4, max_k: int = 6):
    """(A, B) stacks of k games of one shape, entries drawn from ``values``."""
    return st.tuples(st.integers(1, max_k), st.integers(1, max_m),
                     st.integers(1, max_n)).flatmap(
        lambda s: st.tuples(arrays(np.int64 if values is INTS else np.float64, s,
                                   elements=values),
                            arrays(np.int64 if values is INTS else np.float64, s,
                                   elements=values)))


INTS = st.integers(0, 2)  # few values: ties, hence degenerate games, are common
FLOATS = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=40)
@given(stacks(INTS))
def test_integer_stacks_equal_solve_and_gambit(AB):
    A, B = AB
    sol = solve_batch(A, B)
    assert_equals_solve(A, B, sol)
    for g in range(len(A)):
        assert same_set(flat(sol, g), gambit_set(A[g].tolist(), B[g].tolist())), g


@settings(max_examples=30)
@given(stacks(FLOATS))
def test_float_stacks_equal_solve(AB):
    A, B = AB
    assert_equals_solve(A, B, solve_batch(A, B))


@settings(max_examples=8)
@given(st.integers(0, 2**32 - 1), st.sampled_from([(5, 5), (4, 6), (6, 3)]))
def test_larger_games_equal_gambit(seed, shape):
    rng = np.random.default_rng(seed)
    k = 4
    A = rng.integers(0, 3, size=(k, *shape))  # degenerate, mostly
    B = rng.integers(-5, 6, size=(k, *shape))
    sol = solve_batch(A, B)
    for g in range(k):
        assert same_set(flat(sol, g), gambit_set(A[g].tolist(), B[g].tolist())), g


def test_mixed_stack_of_degenerate_and_nondegenerate_games():
    rng = np.random.default_rng(7)
    k, m, n = 60, 3, 3
    A = rng.normal(size=(k, m, n))
    B = rng.normal(size=(k, m, n))
    ties = rng.random(k) < 0.4  # make these degenerate: a pure tie in each
    A[ties, 0, 0] = A[ties, 1, 0] = A[ties, :, 0].max(axis=1)
    sol = solve_batch(A, B, chunk_size=7)
    assert sol.degenerate.any() and not sol.degenerate.all()
    assert not sol.suspect[~ties].any() or sol.suspect.sum() < k
    assert_equals_solve(A, B, sol)


def test_degenerate_classics():
    # all-zero game (every profile an equilibrium), a tie for one player, and the
    # textbook degenerate game of von Stengel (2007, Fig. 3.6 style): 3x2 with ties.
    A = np.array([[[0, 0, 0], [0, 0, 0], [0, 0, 0]],
                  [[1, 1, 0], [0, 0, 1], [1, 0, 1]],
                  [[3, 3, 0], [2, 5, 0], [0, 6, 0]]])
    B = np.array([[[0, 0, 0], [0, 0, 0], [0, 0, 0]],
                  [[1, 0, 1], [1, 0, 0], [0, 1, 1]],
                  [[3, 2, 0], [3, 6, 0], [0, 1, 0]]])
    sol = solve_batch(A, B)
    assert sol.degenerate.all() and sol.suspect.all()
    assert sol.n_equilibria[0] == 9 and sol.pure_equilibrium[0].all()
    assert_equals_solve(A, B, sol)


def test_near_ties_go_to_the_exact_solver():
    # Coordination games whose tie is broken by 1e-13: too close to certify in floats.
    A = np.array([[[1.0, 0.0], [1.0 + 1e-13, 0.0]], [[2.0, 0.0], [0.0, 1.0]]])
    sol = solve_batch(A, A)
    assert sol.suspect.tolist() == [True, False]
    assert_equals_solve(A, A, sol)


def test_scale_and_shift_do_not_change_the_equilibria():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(50, 3, 4))
    B = rng.normal(size=(50, 3, 4))
    ref = solve_batch(A, B)
    for a, b in ((1e6 * A, 1e-6 * B), (A + 1e3, B - 7)):
        sol = solve_batch(a, b)
        np.testing.assert_array_equal(sol.n_equilibria, ref.n_equilibria)
        np.testing.assert_allclose(sol.row, ref.row, atol=1e-8)
        np.testing.assert_allclose(sol.col, ref.col, atol=1e-8)


@pytest.mark.parametrize("chunk_size", [1, 3, 64])
def test_chunk_size_does_not_change_the_result(chunk_size):
    rng = np.random.default_rng(11)
    for shape in ((40, 2, 2), (40, 3, 3), (20, 2, 4)):
        A = rng.integers(-3, 4, size=shape)
        B = rng.integers(-3, 4, size=shape)
        ref = solve_batch(A, B)
        sol = solve_batch(A, B, chunk_size=chunk_size)
        for name in ("n_equilibria", "degenerate", "suspect", "pure_equilibrium", "row",
                     "col", "payoff_row", "payoff_col"):
            np.testing.assert_array_equal(getattr(sol, name), getattr(ref, name))


def test_2x2_closed_form_equals_general_kernel():
    rng = np.random.default_rng(5)
    A = rng.normal(size=(2000, 2, 2))
    B = rng.normal(size=(2000, 2, 2))
    fast = _run_2x2(A, B, TOL, 333)
    slow = _run_generic(A, B, TOL, 500, drop_suspects=False)
    np.testing.assert_array_equal(fast[0], slow[0])  # counts
    np.testing.assert_array_equal(fast[1], slow[1])  # pure equilibria
    np.testing.assert_array_equal(fast[2], slow[2])  # suspects
    for f, s in zip(fast[3:], slow[3:], strict=True):
        np.testing.assert_allclose(f, s, atol=1e-12)


def test_fractions_and_integers_are_solved_exactly():
    A = np.array([[[Fraction(1, 3), Fraction(0)], [Fraction(1, 3), Fraction(1)]]], dtype=object)
    B = np.array([[[Fraction(1), Fraction(0)], [Fraction(0), Fraction(2, 7)]]], dtype=object)
    sol = solve_batch(A, B)
    assert sol.degenerate[0]  # the exact tie 1/3 = 1/3 is seen as exact
    assert_equals_solve(A, B, sol)


def test_without_exact_fallback_suspects_are_flagged():
    A = np.array([[[0, 0], [0, 0]], [[2, 0], [0, 1]]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sol = solve_batch(A, A, exact_fallback=False)
    assert sol.complete.tolist() == [False, True]
    assert sol.suspect.tolist() == [True, False]
    assert sol.degenerate.tolist() == [True, False]
    assert sol.n_equilibria[0] >= 1 and sol.n_equilibria[1] == 3
    assert "qa_games.solvers.solve" not in sol.method
    # 3x3: a suspect's float equilibria come without repeats
    A3 = np.zeros((1, 3, 3))
    sol3 = solve_batch(A3, A3, exact_fallback=False)
    profiles = {x + y for x, y in sol3.equilibria(0)}
    assert len(profiles) == sol3.n_equilibria[0] == 9 and not sol3.complete[0]


def test_every_equilibrium_has_zero_regret():
    rng = np.random.default_rng(13)
    A = rng.normal(size=(300, 4, 3))
    B = rng.normal(size=(300, 4, 3))
    sol = solve_batch(A, B)
    for g in range(len(A)):
        for x, y in sol.equilibria(g):
            x, y = np.array(x), np.array(y)
            assert (A[g] @ y).max() - x @ A[g] @ y <= 1e-9
            assert (x @ B[g]).max() - x @ B[g] @ y <= 1e-9
            assert abs(x.sum() - 1) <= 1e-12 and abs(y.sum() - 1) <= 1e-12


def test_columns_and_equilibria_accessors():
    A = np.array([[[2, 0], [0, 1]], [[3, 0], [5, 1]]])
    sol = solve_batch(A, A.transpose(0, 2, 1))
    cols = sol.columns(players=("A", "B"), strategies=(["c", "d"], ["C", "D"]))
    assert cols["n_equilibria"].tolist() == [3, 1]
    assert cols["eq_c_C"].tolist() == [True, False]
    assert cols["eq_d_D"].tolist() == [True, True]
    assert cols["e1_p_A_c"][0] == pytest.approx(1 / 3) and np.isnan(cols["e1_p_A_c"][1])
    assert cols["e0_u_B"].tolist() == [2.0, 1.0]
    assert len({len(v) for v in cols.values()}) == 1
    assert list(sol.columns(max_equilibria=1)) == [
        "n_equilibria", "degenerate", "eq_1_1", "eq_1_2", "eq_2_1", "eq_2_2",
        "e0_p_1_1", "e0_p_1_2", "e0_p_2_1", "e0_p_2_2", "e0_u_1", "e0_u_2"]
    assert sol.equilibria(1) == [((0.0, 1.0), (0.0, 1.0))]
    assert sol.equilibria(-1) == sol.equilibria(1)
    with pytest.raises(IndexError, match="g=2"):
        sol.equilibria(2)
    with pytest.raises(GameError, match="strategies"):
        sol.columns(strategies=(["a"], ["b", "c"]))
    with pytest.raises(GameError, match="players"):
        sol.columns(players=("A",))
    with pytest.raises(ValueError, match="read-only"):
        sol.row[0, 0, 0] = 1.0
    assert "closed form for 2x2" in sol.method
    assert "support enumeration" in solve_batch(np.ones((1, 3, 3)), np.eye(3)[None],
                                                engine="numpy").method


def test_larger_supported_sizes():
    rng = np.random.default_rng(17)
    A = rng.normal(size=(3, 8, 8))
    B = rng.normal(size=(3, 8, 8))
    sol = solve_batch(A, B)
    for g in range(3):
        ref = solve(Game.from_arrays(A[g], B[g]))
        assert sol.n_equilibria[g] == len(ref.equilibria)


@pytest.mark.parametrize("A, B, error, match", [
    (np.zeros((2, 2)), np.zeros((2, 2)), GameError, r"shape \(k, m, n\).*\(2, 2\)"),
    (np.zeros((1, 2, 2)), np.zeros((1, 2, 3)), GameError, "same shape"),
    (np.zeros((0, 2, 2)), np.zeros((0, 2, 2)), GameError, "empty"),
    (np.zeros((1, 0, 2)), np.zeros((1, 0, 2)), GameError, "at least one strategy"),
    (np.full((2, 2, 2), np.nan), np.zeros((2, 2, 2)), GameError, r"A\[0, 0, 0\] = nan"),
    (np.zeros((2, 2, 2)), np.array([[[0, 0], [0, 0]], [[0, np.inf], [0, 0]]]), GameError,
     r"B\[1, 0, 1\] = inf"),
    (np.zeros((1, 9, 2)), np.zeros((1, 9, 2)), UnsupportedGameError, "up to 8x8.*9x2"),
    (np.zeros((1, 2, 2), dtype=bool), np.zeros((1, 2, 2)), GameError, "numbers"),
    (np.array([[["a", "b"]]]), np.zeros((1, 1, 2)), GameError, "numbers"),
    ([[[1, 2]], [[1]]], [[[1, 2]], [[1, 2]]], GameError, "rectangular"),
])
def test_bad_input_is_a_clear_error(A, B, error, match):
    with pytest.raises(error, match=match):
        solve_batch(A, B)


@pytest.mark.parametrize("kw, match", [
    ({"chunk_size": 0}, "chunk_size=0"),
    ({"chunk_size": 2.5}, "chunk_size=2.5"),
    ({"tol": 0.0}, "tol=0.0"),
    ({"tol": float("nan")}, "tol=nan"),
    ({"tol": 0.1}, "tol=0.1"),
])
def test_bad_options_are_clear_errors(kw, match):
    with pytest.raises(ParameterError, match=match):
        solve_batch(np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), **kw)


def test_block_size_bounds_memory(monkeypatch):
    # Tiny blocks (one support pair at a time) give the same result.
    rng = np.random.default_rng(19)
    A = rng.integers(0, 3, size=(30, 4, 4))
    B = rng.integers(0, 3, size=(30, 4, 4))
    ref = solve_batch(A, B)
    monkeypatch.setattr(kern, "BLOCK_ENTRIES", 1)
    sol = solve_batch(A, B, chunk_size=4)
    np.testing.assert_array_equal(sol.row, ref.row)
    np.testing.assert_array_equal(sol.suspect, ref.suspect)


def test_ill_conditioned_support_systems_are_decided_safely():
    # Rows nearly parallel (differences almost constant): near-singular indifference
    # systems that are nonsingular; the result must still equal the exact solver's.
    rng = np.random.default_rng(23)
    A = rng.normal(size=(40, 3, 3))
    B = rng.normal(size=(40, 3, 3))
    A[:, 1] = A[:, 0] + 0.5 + 1e-7 * rng.normal(size=(40, 3))
    B[:, :, 2] = B[:, :, 0] - 0.25 + 1e-7 * rng.normal(size=(40, 3))
    assert_equals_solve(A, B, solve_batch(A, B))


def test_singular_systems_consistent_or_not():
    # [[1, 1], [1, 1]]: equal rows, a line of solutions (consistent) -> matters;
    # [[1, 1], [2, 2]]: rows differ by a constant, no solution -> does not.
    M = np.array([[[1.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [2.0, 2.0]]])
    assert kern._ill_may_matter(M, TOL).tolist() == [True, False]
    z, w, ill = kern._indifferent(M)
    assert ill.tolist() == [True, True] and np.isnan(z).all()


def test_repeated_suspects_are_solved_once(monkeypatch):
    solve_module = sys.modules["qa_games.solvers.solve"]  # the package re-exports the function
    calls = []
    real = solve_module.solve

    def counting(game, **kw):
        calls.append(game)
        return real(game, **kw)

    monkeypatch.setattr(solve_module, "solve", counting)
    # payoffs too wide for the vectorised exact kernel (kx.exact_safe), so the per-game
    # exact solver (see test_tied_integer_stacks_equal_solve for the small ones)
    tie = (10**7 * np.array([[1, 1, 0], [0, 0, 1], [1, 0, 1]])).tolist()
    eye = (10**7 * np.eye(3, dtype=int)).tolist()
    A = np.array([tie, tie, eye, tie])
    B = np.array([tie, tie, eye, eye])
    sol = solve_batch(A, B)
    assert len(calls) == 2  # (tie, tie) once, (tie, eye) once; (eye, eye) is certified
    assert_equals_solve(A, B, sol)
    np.testing.assert_array_equal(sol.row[0], sol.row[1])


@pytest.mark.parametrize("shape", [(300, 2, 2), (200, 2, 3), (200, 3, 3), (100, 3, 4),
                                   (60, 4, 4), (30, 5, 5), (12, 6, 6), (40, 1, 4)])
@pytest.mark.parametrize("hi", [1, 2, 5])
def test_tied_integer_stacks_equal_solve(shape, hi):
    """Integer games with ties (mostly degenerate) of every size the vectorised exact
    paths accelerate (the 2x2 closed form, the integer vertex kernel), against ``solve``
    game by game: the same counts, degeneracy, order and (to the bit) profiles."""
    rng = np.random.default_rng(hi * 1000 + shape[1] * 10 + shape[2])
    A = rng.integers(0, hi + 1, size=shape)
    B = rng.integers(0, hi + 1, size=shape)
    for a, b in ((A, B), (A.astype(float), B.astype(float))):
        sol = solve_batch(a, b)
        assert_equals_solve(A, B, sol)
        assert sol.suspect.any()
        for g in np.flatnonzero(sol.suspect):  # the exact paths: the same floats as solve
            ref = solve(Game.from_arrays(A[g], B[g]))
            assert sol.equilibria(g) == [eq.profile for eq in ref.equilibria]


def test_2x2_float_ties_and_near_ties_are_exact():
    """The 2x2 closed form decides ties on the binary floats exactly, like ``solve``."""
    rng = np.random.default_rng(8)
    base = rng.integers(0, 3, size=(400, 2, 2)).astype(float)
    noise = rng.choice([0.0, 1e-13, -1e-300, 0.1, 5e-324], size=(400, 2, 2))
    A, B = base + noise, np.swapaxes(base, 1, 2) - noise
    assert_equals_solve(A, B, solve_batch(A, B))


@pytest.mark.parametrize("shape,noise", [((150, 3, 3), 1e-8), ((150, 3, 3), 1e-7),
                                         ((80, 4, 4), 1e-8), ((80, 4, 4), 1e-7)])
def test_near_degenerate_floats_within_tol_of_solve_in_its_order(shape, noise):
    """Issue 13: tied integer games plus noise of 1e-8..1e-7 used to be certified with
    profiles up to 1.2e-8 from solve's (beyond tol=1e-9), or in another order."""
    rng = np.random.default_rng(int(noise * 1e9) + shape[1])
    A = rng.integers(0, 3, size=shape) + noise * rng.uniform(-1, 1, size=shape)
    B = rng.integers(0, 3, size=shape) + noise * rng.uniform(-1, 1, size=shape)
    sol = solve_batch(A, B)
    assert_equals_solve(A, B, sol)  # counts, order, every probability within TOL


def assert_same_outputs(a: BatchSolution, b: BatchSolution, *, atol: float = 0.0) -> None:
    """Two solutions agree field by field (to the bit when ``atol`` is 0), NaN padding
    included."""
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.shape == y.shape, name
        if atol and x.dtype.kind == "f":
            np.testing.assert_allclose(x, y, atol=atol, rtol=0, err_msg=name)
        else:
            np.testing.assert_array_equal(x, y, err_msg=name)


@needs_numba
@pytest.mark.parametrize("shape", [(400, 2, 2), (150, 3, 3), (80, 4, 4), (40, 5, 5),
                                   (20, 6, 6), (60, 2, 5), (60, 4, 1), (6, 7, 7),
                                   (2, 8, 8)])
@pytest.mark.parametrize("hi", [1, 5])
def test_compiled_and_numpy_engines_agree_on_tied_integers(shape, hi):
    """The numba engine equals ``solve`` game by game on tied integer stacks of every
    size (exact integer pivoting up to 6x6 with ties 0..5, the float search and the
    exact solver beyond), and the pure-numpy engine: the same counts, flags, order and
    pure profiles, every float within rounding (the numpy engine's float screen
    certifies some nondegenerate games, whose mixes are not the correctly rounded ones)."""
    rng = np.random.default_rng(hi * 100 + shape[1] * 10 + shape[2])
    A = rng.integers(0, hi + 1, size=shape)
    B = rng.integers(0, hi + 1, size=shape)
    fast = solve_batch(A, B, engine="numba")
    assert_equals_solve(A, B, fast)
    assert_same_outputs(fast, solve_batch(A, B, engine="numpy"), atol=1e-12)
    assert_same_outputs(fast, solve_batch(A.astype(float), B.astype(float), engine="numba"))
    exact = batch_compiled.int_safe(A.astype(float), B.astype(float))
    if max(shape[1:]) <= 6:  # ties 0..5 up to 6x6 are within the integer kernel's bound
        assert exact.all()
    for g in np.flatnonzero(exact):  # the exact mixes' floats, as solve reports them
        ref = solve(Game.from_arrays(A[g], B[g]))
        assert fast.equilibria(g) == [eq.profile for eq in ref.equilibria], g


@needs_numba
@pytest.mark.parametrize("shape", [(400, 2, 2), (200, 3, 3), (100, 4, 4), (20, 6, 6),
                                   (60, 3, 5), (3, 8, 8)])
def test_compiled_and_numpy_engines_agree_on_floats(shape):
    rng = np.random.default_rng(shape[1] * 10 + shape[2])
    A = rng.normal(size=shape)
    B = rng.normal(size=shape)
    fast = solve_batch(A, B, engine="numba")
    assert_equals_solve(A, B, fast)
    assert_same_outputs(fast, solve_batch(A, B, engine="numpy"),
                        atol=0.0 if shape[1:] == (2, 2) else 1e-10)


@needs_numba
@pytest.mark.parametrize("shape,noise", [((150, 3, 3), 1e-8), ((150, 3, 3), 1e-7),
                                         ((80, 4, 4), 1e-7), ((30, 6, 6), 1e-7),
                                         ((60, 4, 4), 1e-13)])
def test_compiled_near_degenerate_floats_equal_solve(shape, noise):
    """Near-ties the float search must not certify wrongly: tied integers plus noise."""
    rng = np.random.default_rng(int(noise * 1e9) + shape[1] + 1)
    A = rng.integers(0, 3, size=shape) + noise * rng.uniform(-1, 1, size=shape)
    B = rng.integers(0, 3, size=shape) + noise * rng.uniform(-1, 1, size=shape)
    sol = solve_batch(A, B, engine="numba")
    assert_equals_solve(A, B, sol)


def test_numpy_engine_is_forced_by_the_environment(monkeypatch):
    monkeypatch.setenv("QA_GAMES_NUMBA", "0")
    assert batch_compiled.load() is None
    A = np.array([[[2, 0, 1], [0, 1, 0], [1, 1, 1]]])
    assert "support enumeration" in solve_batch(A, A).method
    with pytest.raises(ParameterError, match="engine='numba' needs numba"):
        solve_batch(A, A, engine="numba")


@pytest.mark.parametrize("name,value", [("QA_GAMES_NUMBA", "yes"), ("QA_GAMES_NUMBA", "2"),
                                        ("QA_GAMES_THREADS", "abc"),
                                        ("QA_GAMES_THREADS", "0"), ("QA_GAMES_THREADS", "-3")])
def test_bad_compiled_switches_are_a_clear_error(monkeypatch, name, value):
    """The environment switches of the compiled kernels refuse values they do not define
    (before: silently read as 'on' or as one thread)."""
    from qa_games.errors import SolverError
    from qa_games.solvers import compiled

    monkeypatch.setenv(name, value)
    with pytest.raises(SolverError, match=f"{name} must be .*got '{value}'"):
        compiled.enabled() if name == "QA_GAMES_NUMBA" else compiled.threads()


def test_bad_engine_is_a_clear_error():
    with pytest.raises(ParameterError, match="engine='gpu' is not one of auto, numba, numpy"):
        solve_batch(np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), engine="gpu")


@needs_numba
def test_compiled_integer_bound_is_checked():
    """Games beyond the integer kernel's Hadamard bound are not sent to it."""
    small = np.ones((1, 6, 6))
    wide = np.full((1, 6, 6), 1000.0)
    wide[0, 0, 0] = 0.0
    assert batch_compiled.int_safe(np.concatenate([small, wide]),
                                   np.concatenate([small, small])).tolist() == [True, False]
    ties = np.random.default_rng(0).integers(0, 6, size=(50, 6, 6)).astype(float)
    assert batch_compiled.int_safe(ties, ties[::-1]).all()


@needs_numba
def test_compiled_threads_do_not_change_the_result(monkeypatch):
    monkeypatch.setattr(batch_compiled, "MIN_WORK_PER_THREAD", 2048)  # split these stacks
    rng = np.random.default_rng(29)
    A = rng.integers(0, 6, size=(1200, 3, 3))
    B = rng.integers(0, 6, size=(1200, 3, 3))
    F = rng.normal(size=(1200, 3, 4))
    monkeypatch.setenv("QA_GAMES_THREADS", "1")
    one = [solve_batch(A, B), solve_batch(F, F[::-1])]
    monkeypatch.setenv("QA_GAMES_THREADS", "3")
    three = [solve_batch(A, B), solve_batch(F, F[::-1])]
    for a, b in zip(one, three, strict=True):
        assert_same_outputs(a, b)


@needs_numba
@pytest.mark.parametrize("m", [2, 3, 4, 5, 6, 7])
def test_compiled_lexicographic_search_equals_every_basis_search(m):
    """The integer kernel's lexicographic search (one basis per vertex of the perturbed
    polytope) against its search over every feasible basis, on tied stacks (payoffs 0..1,
    0..2, 0..5; most degenerate) and degenerate classics (constant games, repeated and
    dominated rows and columns): the same degeneracy flags, counts, order and floats."""
    rng = np.random.default_rng(77 + m)
    stacks = []
    for n in range(2, 8):
        for hi in (1, 2, 5):
            stacks.append((rng.integers(0, hi + 1, size=(40, m, n)),
                           rng.integers(0, hi + 1, size=(40, m, n))))
        const = np.full((1, m, n), 3)
        rep = rng.integers(0, 6, size=(20, m, n))
        rep[:, -1] = rep[:, 0]  # a repeated row
        rep[:, :, -1] = rep[:, :, 0]  # and a repeated column
        stacks.append((np.concatenate([const, rep]), np.concatenate([const, rep[::-1]])))
    for A, B in stacks:
        A, B = A.astype(float), B.astype(float)
        ok = batch_compiled.int_safe(A, B)
        A, B = A[ok], B[ok]
        lex = batch_compiled.solve_int(JIT, A, B)
        every = batch_compiled.solve_int(JIT, A, B, every_basis=True)
        assert lex[0].any()  # degenerate games among them
        for a, b in zip(lex, every, strict=True):
            np.testing.assert_array_equal(a, b)


def _lex_feasible_bases(M: np.ndarray) -> set[int]:
    """Brute force in Fractions: the bases of ``M z + s = 1`` (as bit masks, ``z_i`` bit
    ``i``, ``s_r`` bit ``d + r``) whose rows of ``B^-1 [1 | I]`` are lexicographically
    positive (feasible for the right-hand side ``1 + (eps, eps**2, ...)``)."""
    from itertools import combinations

    k, d = M.shape
    cols = [[Fraction(int(M[r, c])) for r in range(k)] for c in range(d)]
    cols += [[Fraction(int(r == c)) for r in range(k)] for c in range(k)]
    found = set()
    for basis in combinations(range(d + k), k):
        # Gauss-Jordan on [B | 1 | I]
        T = [[cols[b][r] for b in basis] + [Fraction(1)] + [Fraction(int(r == c))
                                                              for c in range(k)]
             for r in range(k)]
        singular = False
        for c in range(k):
            piv = next((r for r in range(c, k) if T[r][c] != 0), None)
            if piv is None:
                singular = True
                break
            T[c], T[piv] = T[piv], T[c]
            T[c] = [v / T[c][c] for v in T[c]]
            for r in range(k):
                if r != c and T[r][c] != 0:
                    T[r] = [v - T[r][c] * w for v, w in zip(T[r], T[c], strict=True)]
        if singular:
            continue
        if all(next(v for v in row[k:] if v != 0) > 0 for row in T):
            found.add(sum(1 << b for b in basis))
    return found


@needs_numba
@pytest.mark.parametrize("k,d", [(2, 2), (2, 3), (3, 3), (3, 4), (4, 3), (4, 4)])
def test_compiled_lexicographic_search_visits_the_lex_feasible_bases(k, d):
    """The bases the integer kernel's search pivots through are exactly the
    lexicographically feasible ones (brute force over every basis, in Fractions), on
    tied matrices (degenerate polytopes): none other, none missed."""
    import math

    rng = np.random.default_rng(10 * k + d)
    S = math.comb(k + d, k) + 1
    w = max(k, d)
    for trial in range(12):
        M = rng.integers(1, 3 if trial % 2 else 7, size=(k, d)).astype(float)
        seen = np.zeros(1 << (k + d), np.int64)
        vst = np.zeros(1 << (k + d), np.int64)
        JIT._poly_lex(M, k, d, JIT._label_bits(np.arange(d), d + np.arange(k)),
                      np.empty((S, w, w + 1)), np.empty((S, w), np.int64),
                      np.empty((S, w), np.int64), np.empty(S), np.empty(S, np.int64),
                      np.zeros(1 << (k + d), np.int64), seen, 1, vst,
                      np.empty((S, d), np.int64), np.empty(S, np.int64),
                      np.empty(k, np.int64), np.empty(k, np.int64))
        visited = {int(b) for b in np.flatnonzero(seen == 1)}
        assert visited == _lex_feasible_bases(M), (M, trial)


@needs_numba
@pytest.mark.parametrize("shape,hi", [((300, 6, 6), 5), ((300, 7, 7), 7), ((300, 8, 8), 4),
                                      ((300, 6, 6), 12), ((300, 4, 5), 50), ((300, 3, 3), 5)])
def test_compiled_integer_bound_screen_equals_the_hadamard_bound(shape, hi):
    """``int_safe``'s quick screen (every shifted payoff at its game's largest) accepts
    only games within the Hadamard bound and leaves the others to the full bound: the
    same verdicts as the full bound on every game, on stacks whose games' payoff ranges
    vary about the bound (7x7 0..7, 8x8 0..4, 6x6 0..12, 4x5 0..50: some games in, some
    out), with and without the integer hint."""
    rng = np.random.default_rng(shape[1] * 1000 + hi)
    top = rng.integers(1, hi + 1, size=(shape[0], 1, 1))  # each game its own range
    A = np.floor(rng.random(shape) * (top + 1))
    B = np.floor(rng.random(shape) * (top + 1))
    A[:5] = 2.0**41  # beyond the integer kernel's payoff cap
    As, Bs = batch_compiled.shifted(A), batch_compiled.shifted(B)
    ref = np.maximum(batch_compiled._log2_hadamard(As),
                     batch_compiled._log2_hadamard(np.swapaxes(Bs, 1, 2))) \
        < batch_compiled.LOG2_MINOR_BOUND
    ref[:5] = False
    got = batch_compiled.int_safe(A, B)
    np.testing.assert_array_equal(got, ref)
    np.testing.assert_array_equal(batch_compiled.int_safe(A, B, integer=True), ref)
    half = A + 0.5 * (rng.random(shape) < 0.01)  # a few games with a half-integer payoff
    expect = ref & np.all(half == np.round(half), axis=(1, 2))
    np.testing.assert_array_equal(batch_compiled.int_safe(half, B), expect)
