"""Issue 13 item 5: ``degenerate`` means the same in every route (solve, the equilibrium
map's exact points, JSON), and n-player games say what was checked. (The batch side,
within tol of solve and in its order, is in tests/test_batch.py.)"""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_games.games.normal_form import Game
from qa_games.modelfiles.loader import load_model
from qa_games.solvers.eqmap import equilibrium_map
from qa_games.solvers.solve import solve

CHA = load_model("cha_quasi_alliance")
CHA_MAP = equilibrium_map(CHA)


def test_three_player_all_zero_game_is_degenerate():
    zero = np.zeros((2, 2, 2), dtype=int)
    sol = solve(Game.from_arrays(zero, zero, zero))
    assert len(sol.equilibria) == 8 and sol.degenerate
    assert sol.to_json_dict()["degenerate"] is True


def test_three_player_without_pure_ties_says_not_checked():
    rng = np.random.default_rng(0)
    arrays = [rng.permutation(8).reshape(2, 2, 2) for _ in range(3)]  # no ties at all
    sol = solve(Game.from_arrays(*arrays), method="pure")  # the pure-only route
    assert not sol.degenerate
    assert sol.to_json_dict()["degenerate"] == "not checked"
    assert "not checked" in sol.note
    # the default route enumerates every support and so decides degeneracy
    full = solve(Game.from_arrays(*arrays))
    assert full.complete and full.to_json_dict()["degenerate"] is False
    # a brute-force check of the witness: no player has two best responses anywhere
    for i, arr in enumerate(arrays):
        assert ((arr == arr.max(axis=i, keepdims=True)).sum(axis=i) == 1).all()


def test_three_player_tie_found_exactly():
    rng = np.random.default_rng(1)
    arrays = [rng.permutation(8).reshape(2, 2, 2) for _ in range(3)]
    arrays[2][1, 0, 0] = arrays[2][1, 0, 1]  # player 3 indifferent against (1, 0)
    assert solve(Game.from_arrays(*arrays)).degenerate


@settings(max_examples=40)
@given(st.integers(0, 40), st.integers(0, 16), st.integers(0, 19))
def test_equilibrium_map_points_have_solves_degeneracy(c, t, phi):
    """On a grid that hits the map's boundaries: the same flag, and at degenerate points
    the same extreme equilibria, as solve on the same exact game."""
    values = {"c": F(c, 40), "t": F(t, 8), "phi": F(phi, 20)}
    ours = CHA_MAP.at(values)
    ref = solve(CHA.at(values))
    assert ours.degenerate == ref.degenerate, values
    assert {eq.exact for eq in ours.equilibria} == {eq.exact for eq in ref.equilibria}
    assert ours.complete


# -------------------------------------------- the Lemke-Howson-only and pure-only routes

def _lh_only(game):
    """The Lemke-Howson-only route on any game (solve takes it for games too large to
    enumerate; here called directly so that small games can be checked against solve)."""
    from qa_games.solvers.solve import _lemke_howson_only

    a, b = ([list(r) for r in arr] for arr in game.as_exact().payoffs)
    return _lemke_howson_only(game, a, b, 1e-9)


def test_lemke_howson_only_on_a_large_degenerate_game_says_degenerate():
    rng = np.random.default_rng(3)
    A = rng.integers(-5, 6, size=(10, 13)).astype(float)  # 10x13: too large to enumerate
    B = rng.standard_normal((10, 13))
    B[:, 7] = B[:, 3]  # two identical columns: every row leaves the column player a tie
    sol = solve(Game.from_arrays(A, B), method="lemke-howson")
    assert sol.method == "lemke-howson" and not sol.complete  # the LH-only route ran
    assert sol.degenerate and sol.degeneracy == "degenerate"
    assert sol.to_json_dict()["degenerate"] is True and "degenerate (" in sol.note


def test_lemke_howson_only_on_a_large_generic_game_says_not_checked():
    rng = np.random.default_rng(4)
    sol = solve(Game.from_arrays(rng.standard_normal((10, 13)),
                                 rng.standard_normal((10, 13))), method="lemke-howson")
    assert not sol.complete and not sol.degenerate
    assert sol.degeneracy == "not checked" and sol.to_json_dict()["degenerate"] == "not checked"
    assert "not checked" in sol.note


def test_witness_of_a_mixed_strategy_with_three_best_replies():
    # y = (1/2, 1/2) leaves the row player three best replies (support 2): degenerate,
    # with no tie against any pure strategy of the column player
    A = [[2, 0], [0, 2], [1, 1]]
    B = [[0, 2], [2, 0], [0, 1]]
    game = Game.from_arrays(A, B)
    ref = solve(game)
    assert ref.degenerate
    from qa_games.solvers.solve import _best_reply_witness, _pure_tie

    assert not _pure_tie(game)
    assert any(_best_reply_witness(A, B, eq.exact) for eq in ref.equilibria)
    sol = _lh_only(game)
    assert sol.degenerate == any(_best_reply_witness(A, B, eq.exact) for eq in sol.equilibria)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4), st.integers(2, 4), st.integers(0, 2**32 - 1), st.booleans())
def test_lemke_howson_and_pure_flags_are_sound(m, n, seed, ties):
    """Whenever a non-enumerating route says degenerate, the exact enumeration agrees;
    whenever the exact route says nondegenerate, they say False ("not checked")."""
    rng = np.random.default_rng(seed)
    if ties:
        A, B = rng.integers(0, 3, size=(m, n)), rng.integers(0, 3, size=(m, n))
    else:
        A, B = rng.standard_normal((m, n)), rng.standard_normal((m, n))
    game = Game.from_arrays(A, B)
    ref = solve(game)
    for sol in (_lh_only(game), solve(game, method="pure")):
        if sol.degenerate:
            assert ref.degenerate
        else:
            assert sol.degeneracy == "not checked"
            assert sol.to_json_dict()["degenerate"] == "not checked"
        assert {eq.exact for eq in sol.equilibria} <= {eq.exact for eq in ref.equilibria} \
            or ref.degenerate
    assert ref.degeneracy == ("degenerate" if ref.degenerate else "nondegenerate")
