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
