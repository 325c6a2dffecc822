"""Tests of qa_games.solvers.solve: pygambit's enummixed as the oracle, equilibria by definition."""

from __future__ import annotations

import importlib
import json
import random
import time
from fractions import Fraction as F

import numpy as np
import pygambit as gbt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_games.errors import GameError, ParameterError, SolverError, UnsupportedGameError
from qa_games.games.normal_form import Game
from qa_games.solvers.solve import Equilibrium, Solution, solve

solve_module = importlib.import_module("qa_games.solvers.solve")

# ---------------------------------------------------------------- helpers


def gambit_set(game: Game) -> set:
    """pygambit's enummixed (rational) equilibria as a set of exact profiles."""
    a, b = ([[F(v) for v in row] for row in arr] for arr in game.payoffs)
    g = gbt.Game.from_arrays(a, b)
    res = gbt.nash.enummixed_solve(g, rational=True)
    return {tuple(tuple(F(eq[s]) for s in p.strategies) for p in g.players)
            for eq in res.equilibria}


def exact_regrets(game: Game, profile) -> list[F]:
    a, b = game.as_exact().payoffs
    x, y = (np.array(s, dtype=object) for s in profile)
    ay, xb = a.dot(y), x.dot(b)
    return [max(ay) - x.dot(ay), max(xb) - xb.dot(y)]


def float_regrets(game: Game, profile) -> list[float]:
    a, b = (np.asarray(p, dtype=float) for p in game.payoffs)
    x, y = (np.asarray(s) for s in profile)
    return [float((a @ y).max() - x @ a @ y), float((x @ b).max() - x @ b @ y)]


@st.composite
def int_games(draw, max_size: int = 6):
    """Bimatrix games with integer payoffs; small ranges give ties (degenerate games)."""
    m = draw(st.integers(1, max_size))
    n = draw(st.integers(1, max_size))
    lo, hi = draw(st.sampled_from([(0, 1), (0, 3), (-2, 2), (-50, 50)]))
    cell = st.integers(lo, hi)
    a = draw(st.lists(st.lists(cell, min_size=n, max_size=n), min_size=m, max_size=m))
    b = draw(st.lists(st.lists(cell, min_size=n, max_size=n), min_size=m, max_size=m))
    return Game.from_arrays(a, b)


def exact_set(sol: Solution) -> set:
    return {eq.exact for eq in sol.equilibria}


# ---------------------------------------------------------------- the oracle


@settings(max_examples=120)
@given(int_games())
def test_matches_gambit_enummixed_exactly(game):
    sol = solve(game)
    assert sol.exact and sol.complete and sol.method == "auto"
    profiles = [eq.exact for eq in sol.equilibria]
    assert len(profiles) == len(set(profiles))  # each once
    assert set(profiles) == gambit_set(game)
    for eq in sol.equilibria:
        assert exact_regrets(game, eq.exact) == [0, 0]
        assert all(sum(s) == 1 and min(s) >= 0 for s in eq.exact)
        a, b = game.payoffs
        x, y = (np.array(s, dtype=object) for s in eq.exact)
        assert eq.exact_payoffs == (x.dot(a).dot(y), x.dot(b).dot(y))


@settings(max_examples=40)
@given(int_games(max_size=4))
def test_degenerate_flag_matches_definition(game):
    """Degenerate iff some pure or mixed strategy with support k has > k best responses;
    checking the extreme points of each player's regions is the kernel's job, here a
    necessary condition: a pure strategy with 2+ best responses makes the game degenerate,
    and a nondegenerate game has an odd number of equilibria (Shapley 1974)."""
    sol = solve(game)
    a, b = game.payoffs
    ties = any(list(a[:, j]).count(max(a[:, j])) > 1 for j in range(a.shape[1])) or \
        any(list(b[i, :]).count(max(b[i, :])) > 1 for i in range(b.shape[0]))
    if ties:
        assert sol.degenerate
    if not sol.degenerate:
        assert len(sol.equilibria) % 2 == 1


def test_order_is_deterministic_and_lexicographic():
    g = Game.from_arrays([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    keys = [tuple(v for s in eq.exact for v in s) for eq in solve(g).equilibria]
    assert keys == sorted(keys, reverse=True)
    assert [eq.exact for eq in solve(g).equilibria] == [eq.exact for eq in solve(g).equilibria]


@pytest.mark.parametrize("seed,hi", [(0, 100), (1, 3), (2, 1)])
def test_8x8_games(seed, hi):
    rng = random.Random(seed)
    a = [[rng.randint(0, hi) for _ in range(8)] for _ in range(8)]
    b = [[rng.randint(0, hi) for _ in range(8)] for _ in range(8)]
    game = Game.from_arrays(a, b)
    start = time.perf_counter()
    sol = solve(game)
    assert time.perf_counter() - start < 30.0  # ~0.1 s measured; generous for loaded CI
    assert exact_set(sol) == gambit_set(game)


# ---------------------------------------------------------------- textbook games

PD = ([[3, 0], [5, 1]], [[3, 5], [0, 1]])
PENNIES = ([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
BOS = ([[2, 0], [0, 1]], [[1, 0], [0, 2]])
# player 2 is indifferent: one connected continuum with four extreme equilibria
CONTINUUM = ([[1, 0], [0, 1]], [[1, 1], [1, 1]])
H, T = F(1, 2), F(0)


@pytest.mark.parametrize("arrays,expected,degenerate", [
    pytest.param(PD, {((0, 1), (0, 1))}, False, id="prisoners-dilemma"),
    pytest.param(PENNIES, {((H, H), (H, H))}, False, id="matching-pennies"),
    pytest.param(BOS, {((1, 0), (1, 0)), ((0, 1), (0, 1)),
                       ((F(2, 3), F(1, 3)), (F(1, 3), F(2, 3)))}, False, id="battle-of-sexes"),
    pytest.param(CONTINUUM, {((1, 0), (1, 0)), ((1, 0), (H, H)), ((0, 1), (H, H)),
                             ((0, 1), (0, 1))}, True, id="continuum"),
    pytest.param(([[0, 0], [0, 0]], [[0, 0], [0, 0]]),
                 {((1, 0), (1, 0)), ((1, 0), (0, 1)), ((0, 1), (1, 0)), ((0, 1), (0, 1))},
                 True, id="all-zero"),
    pytest.param(([[1, 2], [1, 2], [0, 5]], [[2, 1], [2, 1], [0, 0]]),
                 {((1, 0, 0), (1, 0)), ((0, 1, 0), (1, 0)), ((0, 0, 1), (F(3, 4), F(1, 4))),
                  ((0, 0, 1), (0, 1))}, True, id="duplicated-rows"),
])
def test_textbook_games(arrays, expected, degenerate):
    game = Game.from_arrays(*arrays)
    sol = solve(game)
    expected = {tuple(tuple(F(v) for v in s) for s in p) for p in expected}
    assert exact_set(sol) == expected == gambit_set(game)
    assert sol.degenerate is degenerate
    assert ("the game is degenerate" in sol.note) is degenerate
    for eq in sol.equilibria:
        assert exact_regrets(game, eq.exact) == [0, 0]


def test_battle_of_sexes_payoffs_and_helpers():
    eqs = solve(Game.from_arrays(*BOS)).equilibria
    assert [eq.pure_profile for eq in eqs] == [(0, 0), None, (1, 1)]
    mixed = eqs[1]
    assert mixed.exact_payoffs == (F(2, 3), F(2, 3))
    assert not mixed.is_pure and mixed.support == ((0, 1), (0, 1))
    assert mixed.profile[0][0] == pytest.approx(2 / 3)


def test_json_contract():
    sol = solve(Game.from_arrays(*BOS, players=["US", "ROK"],
                                 strategies=[["ally", "hedge"], ["ally", "hedge"]]))
    d = json.loads(json.dumps(sol.to_json_dict()))
    assert list(d) == ["players", "strategies", "degenerate", "equilibria"]
    assert d["players"] == ["US", "ROK"] and d["degenerate"] is False
    assert d["strategies"] == [["ally", "hedge"], ["ally", "hedge"]]
    assert d["equilibria"][0] == {"profile": [[1.0, 0.0], [1.0, 0.0]],
                                  "exact": [["1", "0"], ["1", "0"]], "payoffs": [2.0, 1.0]}
    assert d["equilibria"][1]["exact"] == [["2/3", "1/3"], ["1/3", "2/3"]]


# ---------------------------------------------------------------- float games


@settings(max_examples=30)
@given(st.integers(1, 4), st.integers(1, 4), st.data())
def test_float_games_verified_with_tolerance(m, n, data):
    cell = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
    a = np.array(data.draw(st.lists(cell, min_size=m * n, max_size=m * n))).reshape(m, n)
    b = np.array(data.draw(st.lists(cell, min_size=m * n, max_size=m * n))).reshape(m, n)
    game = Game.from_arrays(a, b)
    sol = solve(game)
    assert not sol.exact and sol.equilibria
    for eq in sol.equilibria:
        assert eq.exact is None and eq.exact_payoffs is None
        assert max(float_regrets(game, eq.profile)) <= 1e-9 * max(1.0, np.abs(a).max(),
                                                                  np.abs(b).max())
    assert len(sol.equilibria) == len(gambit_set(game.as_exact()))
    assert sol.to_json_dict()["equilibria"][0]["exact"] is None


def test_float_game_close_to_exact_game():
    sol = solve(Game.from_arrays(np.array([[2.0, 0.0], [0.0, 1.0]]),
                                 np.array([[1.0, 0.0], [0.0, 2.0]])))
    assert len(sol.equilibria) == 3
    assert sol.equilibria[1].profile[0] == pytest.approx((2 / 3, 1 / 3))
    assert "binary-float" in sol.note


# ---------------------------------------------------------------- nashpy methods


@settings(max_examples=15)
@given(int_games(max_size=4), st.sampled_from(["vertex", "support", "lemke-howson"]))
def test_nashpy_methods_agree_after_exactification(game, method):
    ref = solve(game)
    sol = solve(game, method=method)  # pytest turns escaping warnings into errors
    assert sol.method == method and sol.complete
    assert [eq.exact for eq in sol.equilibria] == [eq.exact for eq in ref.equilibria]
    assert sol.degenerate == ref.degenerate
    assert f"nashpy {method}" in sol.note
    assert all(0 <= k < len(sol.equilibria) for k in sol.missed_by_method)


def test_nashpy_vertex_on_nondegenerate_game_misses_nothing():
    sol = solve(Game.from_arrays(*BOS), method="vertex")
    assert sol.missed_by_method == () and "3 confirmed" in sol.note


def test_nashpy_lemke_howson_misses_are_reported():
    # Lemke-Howson finds one equilibrium per dropped label; in BoS never the third
    sol = solve(Game.from_arrays(*BOS), method="lemke-howson")
    assert len(sol.equilibria) == 3
    assert len(sol.missed_by_method) == 3 - int(sol.note.split(" confirmed")[0].split()[-1])


def test_nashpy_failure_is_caught():
    sol = solve(Game.from_arrays([[0, 0], [0, 0]], [[0, 0], [0, 0]]), method="vertex")
    assert len(sol.equilibria) == 4


# ---------------------------------------------------------------- other sizes, bad input


def test_three_players_pure_only():
    a = np.zeros((2, 2, 2), dtype=int)
    a[0, 0, 0] = a[1, 1, 1] = 1
    game = Game.from_arrays(a, a, a)
    sol = solve(game, method="pure")
    assert [eq.pure_profile for eq in sol.equilibria] == [(0, 0, 0), (1, 1, 1)]
    assert not sol.complete and "not computed" in sol.note
    assert sol.equilibria[0].exact_payoffs == (1, 1, 1)
    # the default route adds the mixed equilibria (here one, every player at 1/2)
    full = solve(game)
    assert [eq.pure_profile for eq in full.equilibria if eq.is_pure] == [(0, 0, 0), (1, 1, 1)]
    mixed = [eq.exact for eq in full.equilibria if not eq.is_pure]
    assert mixed == [((F(1, 2), F(1, 2)),) * 3]
    for method in ["vertex-exact", "vertex", "support", "lemke-howson"]:
        with pytest.raises(UnsupportedGameError, match="3-player"):
            solve(game, method=method)


def test_three_player_float_game():
    rng = np.random.default_rng(0)
    game = Game.from_arrays(*(rng.random((2, 3, 2)) for _ in range(3)))
    for eq in solve(game).equilibria:
        idx = eq.pure_profile
        for i, arr in enumerate(game.payoffs):
            dev = list(idx)
            dev[i] = slice(None)
            assert arr[tuple(dev)].max() <= arr[idx] + 1e-9


def test_pure_method_on_two_players():
    sol = solve(Game.from_arrays(*BOS), method="pure")
    assert [eq.pure_profile for eq in sol.equilibria] == [(0, 0), (1, 1)]
    assert not sol.complete


def test_one_player_maximisers():
    sol = solve(Game.from_arrays([3, 1, 3]))
    assert [eq.pure_profile for eq in sol.equilibria] == [(0,), (2,)]
    assert sol.complete and sol.degenerate
    assert not solve(Game.from_arrays([1, 2])).degenerate
    with pytest.raises(UnsupportedGameError):
        solve(Game.from_arrays([1, 2]), method="support")


def test_one_by_one_and_single_row():
    assert len(solve(Game.from_arrays([[5]], [[7]])).equilibria) == 1
    sol = solve(Game.from_arrays([[1, 2, 3]], [[3, 1, 3]]))
    assert exact_set(sol) == gambit_set(sol.game)


def test_nan_payoffs_rejected():
    with pytest.raises(GameError, match="not finite"):
        Game.from_arrays(np.array([[np.nan, 0.0], [0.0, 1.0]]), np.zeros((2, 2)))


@pytest.mark.parametrize("kwargs,match", [
    ({"method": "simplex"}, "method='simplex'"),
    ({"tol": -1.0}, "tol=-1.0"),
    ({"tol": float("nan")}, "tol=nan"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        solve(Game.from_arrays(*PD), **kwargs)


def test_not_a_game():
    with pytest.raises(GameError, match="must be a qa_games Game"):
        solve([[1, 2], [3, 4]])  # type: ignore[arg-type]


def test_failed_verification_raises(monkeypatch):
    wrong = ((F(1), F(0)), (F(1), F(0)))  # not an equilibrium of the PD
    monkeypatch.setattr(solve_module, "extreme_equilibria", lambda a, b: ([wrong], False))
    with pytest.raises(SolverError, match="regrets"):
        solve(Game.from_arrays(*PD))


def test_equilibrium_is_frozen():
    eq = solve(Game.from_arrays(*PD)).equilibria[0]
    assert isinstance(eq, Equilibrium)
    with pytest.raises(AttributeError):
        eq.payoffs = (0.0, 0.0)  # type: ignore[misc]


@pytest.mark.parametrize("method", ["vertex", "support", "lemke-howson"])
def test_nashpy_warnings_do_not_escape(method):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sol = solve(Game.from_arrays(*CONTINUUM), method=method)
    assert caught == [] and len(sol.equilibria) == 4
