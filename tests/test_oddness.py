"""The oddness check (qa_games.verify.oddness): every nondegenerate game the bundled models
produce has an odd number of equilibria (Wilson 1971), the two-player counts agree with a
second algorithm (the closed-form 2x2 batch solver), and a lost equilibrium is caught."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from qa_games import load_model
from qa_games.compare.cases import load_cases
from qa_games.errors import ParameterError
from qa_games.modelfiles.normal_form import Model
from qa_games.solvers.batch import solve_batch
from qa_games.solvers.solve import solve
from qa_games.verify import oddness
from qa_games.verify.oddness import oddness_check, oddness_table, sample_points

TWO_BY_TWO = ("cha_quasi_alliance", "cha_per_client", "cha_repeated", "buck_passing",
              "walt_balance_of_threat")


@pytest.fixture(scope="module")
def results():
    return oddness_check(samples=40, samples_nplayer=6, seed=3,
                         scenarios=[c.scenario for c in load_cases()])


def test_every_nondegenerate_game_has_an_odd_number_of_equilibria(results):
    checked = [r for r in results if not r.skipped]
    assert {r.model for r in checked} >= set(TWO_BY_TWO) | {"snyder_asd", "cha_multilateral"}
    for r in checked:
        assert r.violations == (), (r.model, r.violations)
        assert r.nondegenerate + r.degenerate + r.incomplete == r.points
        assert sum(r.counts.values()) == r.nondegenerate
        assert all(k % 2 == 1 for k in r.counts)
        if r.players == 2:
            assert r.nondegenerate >= 35  # random rational points are almost never ties
    # Somewhere a game has three equilibria: the check sees more than the trivial count.
    assert any(3 in r.counts for r in checked)
    skipped = {r.model: r.skipped for r in results if r.skipped}
    assert set(skipped) == {"patron_sequential", "perceived_commitment"}
    table = oddness_table(results)
    assert len(table) == len(results) and table["even counts (violations)"].sum() == 0


@pytest.mark.parametrize("name", TWO_BY_TWO)
def test_counts_agree_with_the_closed_form_2x2_solver(name):
    model = load_model(name)
    points = [model.values(), *sample_points(model, 60, seed=7)]
    games = [model.at(p) for p in points]
    A = np.array([[[Fraction(x) for x in row] for row in g.payoffs[0]] for g in games],
                 dtype=object)
    B = np.array([[[Fraction(x) for x in row] for row in g.payoffs[1]] for g in games],
                 dtype=object)
    batch = solve_batch(A, B)
    for g, game in enumerate(games):
        sol = solve(game)
        assert bool(batch.degenerate[g]) == sol.degenerate, (name, points[g])
        if not sol.degenerate:
            assert int(batch.n_equilibria[g]) == len(sol.equilibria) and len(
                sol.equilibria) % 2 == 1


def test_a_lost_equilibrium_is_reported(monkeypatch):
    """Drop one equilibrium of every nondegenerate three-equilibrium game: each is named."""
    real = oddness.solve

    def lossy(game):
        sol = real(game)
        if not sol.degenerate and len(sol.equilibria) == 3:
            object.__setattr__(sol, "equilibria", sol.equilibria[:2])
        return sol

    monkeypatch.setattr(oddness, "solve", lossy)
    model = load_model("cha_quasi_alliance")
    three = [p for p in [model.values(), *sample_points(model, 80, seed=1)]
             if len(real(model.at(p)).equilibria) == 3]
    assert three
    r = oddness_check(["cha_quasi_alliance"], samples=80, seed=1)[0]
    assert r.counts.get(2) == len(three) and len(r.violations) == len(three)
    assert not r.odd
    named = [dict(v) for v in r.violations]
    assert all(set(v) == {p.name for p in model.parameters} for v in named)


def test_sample_points_keep_domains_and_constraints():
    for name in ("buck_passing", "walt_balance_of_threat", "snyder_asd"):
        model = load_model(name)
        assert isinstance(model, Model)
        pts = sample_points(model, 25, seed=2)
        assert len(pts) == 25
        for p in pts:
            model.values(p)  # raises ParameterError if a domain or constraint fails
            for par in model.parameters:
                if par.name in p:
                    assert par.domain.contains(p[par.name])
    walt = load_model("walt_balance_of_threat")
    # The threat weights sum to 1 (an equality): they keep their defaults.
    assert all("w_power" not in p for p in sample_points(walt, 3))
    with pytest.raises(ParameterError, match="samples"):
        sample_points(walt, -1)
