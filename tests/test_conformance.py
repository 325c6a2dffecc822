"""One conformance suite over every bundled model file (scikit-learn's
``parametrize_with_checks`` habit): each loads, its domains are non-empty, its
defaults satisfy its constraints, a grid over every parameter solves, and every
equilibrium found has exact zero regret."""

from __future__ import annotations

import pytest

from qa_games.modelfiles.files import list_models
from qa_games.modelfiles.loader import load_model
from qa_games.modelfiles.normal_form import Model
from qa_games.solvers.pure import bimatrix_regret
from qa_games.solvers.solve import solve

MODELS = [name for name, _ in list_models()]
NORMAL = [name for name in MODELS if isinstance(load_model(name), Model)]


def test_both_theories_are_bundled():
    assert {"cha_quasi_alliance", "walt_balance_of_threat"} <= set(NORMAL)


def _grid_values(param):
    """Each parameter at its bounds (nudged inside open ones), default and midpoints."""
    iv = param.domain
    lo = iv.lower if iv.lower is not None else param.default - 10
    hi = iv.upper if iv.upper is not None else param.default + 10
    eps = (hi - lo) / 1000
    values = {lo if iv.lower_closed else lo + eps, hi if iv.upper_closed else hi - eps,
              param.default, (lo + hi) / 2, lo + (hi - lo) / 3}
    return sorted(v for v in values if iv.contains(v))


@pytest.mark.parametrize("name", MODELS)
def test_model_loads_and_has_a_title(name):
    model = load_model(name)
    assert model.name == name and model.title
    assert model.sha256 and len(model.sha256) == 64


@pytest.mark.parametrize("name", NORMAL)
def test_domains_are_nonempty_and_defaults_valid(name):
    model = load_model(name)
    for p in model.parameters:
        assert not p.domain.is_empty() and p.domain.contains(p.default)
    assert model.values() == model.defaults()
    assert model.labels and model.otherwise
    for _, profile in model.labels:
        assert profile in model.profiles


@pytest.mark.parametrize("name", NORMAL)
def test_grid_solves_with_zero_regret(name):
    model = load_model(name)
    points = [{}]
    for p in model.parameters:
        points += [{p.name: v} for v in _grid_values(p)]
    solved = 0
    for point in points:
        try:
            game = model.at(point)
        except Exception as exc:  # a constraint among parameters can exclude a point
            assert "constraint" in str(exc), exc
            continue
        solution = solve(game)
        assert solution.equilibria, f"{name} at {point}: no equilibrium"
        for eq in solution.equilibria:
            if game.exact and game.n_players == 2:
                a, b = ([list(r) for r in arr] for arr in game.payoffs)
                r1, r2, u1, u2 = bimatrix_regret(a, b, *eq.exact)
                assert r1 == 0 and r2 == 0, f"{name} at {point}: regret {r1}, {r2}"
                assert (u1, u2) == tuple(eq.exact_payoffs)
            assert all(abs(sum(s) - 1) < 1e-12 for s in eq.profile)
        label = model.label_of(solution.equilibria[0].pure_profile)
        assert label in model.label_names
        solved += 1
    assert solved >= len(model.parameters)
