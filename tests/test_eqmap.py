"""Tests of qa_games.solvers.eqmap: the symbolic map against the exact solver, point by point."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_games.errors import GameError, ParameterError, UnsupportedGameError
from qa_games.games.normal_form import SymbolicGame
from qa_games.games.parameter import Interval, Parameter
from qa_games.modelfiles.loader import load_model
from qa_games.solvers.eqmap import MapEvaluation, equilibrium_map
from qa_games.solvers.selection import select
from qa_games.solvers.solve import solve

CHA = load_model("cha_quasi_alliance")
WALT = load_model("walt_balance_of_threat")
CHA_MAP = equilibrium_map(CHA)
WALT_MAP = equilibrium_map(WALT)


def exact_set(solution) -> set:
    return {eq.exact for eq in solution.equilibria}


def frac(lo: int, hi: int, den: int = 20):
    """Fractions in [lo, hi] on a grid of 1/den: hits boundaries and generic points."""
    return st.integers(lo * den, hi * den).map(lambda k: F(k, den))


cha_points = st.fixed_dictionaries({
    "c": frac(0, 1, 40), "t": frac(0, 10, 8), "x_A": frac(0, 4).filter(bool),
    "x_B": frac(0, 4).filter(bool), "y_A": frac(0, 1), "y_B": frac(0, 1),
    "k_A": frac(0, 1), "k_B": frac(0, 1), "phi": st.integers(0, 19).map(lambda k: F(k, 20)),
})


@st.composite
def walt_points(draw):
    mu = sorted([draw(frac(0, 1)), draw(frac(0, 1))])
    return {"tau": draw(frac(0, 10, 4)), "c": draw(frac(0, 1)), "mu_1": mu[0], "mu_2": mu[1],
            "theta": draw(frac(0, 1)), "k_A": draw(frac(0, 1)), "k_B": draw(frac(0, 1)),
            "a_A": draw(frac(0, 1)), "a_B": draw(frac(0, 1))}


def check_point(emap, model, values) -> None:
    """The map's equilibria equal the exact solver's; a flagged point is degenerate."""
    ours = emap.at(values)
    ref = solve(model.at(values))
    if ours.degenerate:
        assert ref.degenerate, values  # a region touching another is a degeneracy witness
        assert exact_set(ours) <= exact_set(ref) | {None}
    else:
        assert exact_set(ours) == exact_set(ref), values
    for eq, ref_eq in zip(ours.equilibria, ref.equilibria, strict=False):
        if eq.exact == ref_eq.exact:
            assert eq.exact_payoffs == ref_eq.exact_payoffs
    # the vectorised route at the same point (as floats) agrees, flags included
    ev = emap.evaluate({k: np.array([float(v)]) for k, v in values.items()})
    assert bool(ev.degenerate[0]) == ours.degenerate, values
    if not ours.degenerate:
        assert int(ev.n_equilibria[0]) == len(ours.equilibria)
        pure = {eq.pure_profile for eq in ours.equilibria if eq.pure_profile is not None}
        assert {tuple(ix) for ix in np.argwhere(ev.pure_equilibrium[0])} == pure


# ---------------------------------------------------------------- closed forms (models.md)

def test_cha_regions_read_as_models_md():
    assert CHA_MAP.region("cooperate", "cooperate").describe(CHA) == \
        "Delta_A >= 0 and Delta_B >= 0"
    cc = CHA_MAP.region("cooperate", "cooperate").condition
    delta = {sympy.expand(CHA.derived["Delta_A"]), sympy.expand(CHA.derived["Delta_B"])}
    assert {sympy.expand(r.lhs - r.rhs) for r in cc.args} == delta
    assert CHA_MAP.region("distance", "distance").condition is sympy.true  # cha-7
    # cha-3: one-sided commitment needs e_i <= 0, so with e_A, e_B > 0 and some Delta < 0
    # only (D, D) remains
    assert CHA_MAP.region("cooperate", "distance").describe(CHA) == "e_A <= 0 and Delta_B <= 0"
    assert CHA_MAP.region("distance", "cooperate").describe(CHA) == "Delta_A <= 0 and e_B <= 0"


def test_cha_mixed_formula_is_cha_8():
    mixed = CHA_MAP.region(support=((0, 1), (0, 1)))
    (p_a, _), (p_b, _) = mixed.probabilities
    assert sympy.cancel(p_a - CHA.derived["p_A"]) == 0
    assert sympy.cancel(p_b - CHA.derived["p_B"]) == 0
    text = mixed.describe(CHA)
    assert "Delta_A >= 0" in text and "Delta_B >= 0" in text
    c = CHA.game.symbols["c"]
    assert sympy.simplify(sympy.diff(p_a, c) - p_a / (1 - c)) == 0  # rises with c
    assert "A: (p_A," in CHA_MAP.describe()


def test_walt_alliance_region_is_walt_2():
    assert WALT_MAP.region("balance", "balance").describe(WALT) == \
        "D_A_2 >= 0 and D_B_2 >= 0"
    text = WALT_MAP.region(support=((0, 1), (0, 1))).describe(WALT)
    for part in ("D_A_1 <= 0", "D_A_2 >= 0", "D_B_1 <= 0", "D_B_2 >= 0"):
        assert part in text
    d = WALT.derived
    q_a = WALT_MAP.region(support=((0, 1), (0, 1))).probabilities[0][0]
    assert sympy.cancel(q_a - d["D_B_1"] / (d["D_B_1"] - d["D_B_2"])) == 0
    assert "A: (D_B_1/(D_B_1 - D_B_2), D_B_2/(D_B_2 - D_B_1))" in WALT_MAP.describe()


def test_doc_point_c_0_1():
    sol = CHA_MAP.at(c=F(1, 10))
    assert [eq.pure_profile for eq in sol.equilibria] == [(0, 0), None, (1, 1)]
    p_a = CHA.evaluate("p_A", c=F(1, 10))
    assert sol.equilibria[1].exact[0][0] == F(int(p_a.p), int(p_a.q))


# ---------------------------------------------------------------- map == solver

@settings(max_examples=60)
@given(cha_points)
def test_cha_map_equals_solver(values):
    check_point(CHA_MAP, CHA, values)


@settings(max_examples=60)
@given(walt_points())
def test_walt_map_equals_solver(values):
    check_point(WALT_MAP, WALT, values)


@pytest.mark.parametrize("values", [
    {"t": 0}, {"c": 1}, {"t": 0, "c": 1}, {"t": 0, "k_A": 0, "k_B": 0},
    {"y_B": 0, "k_B": 0, "c": 0}, {"c": F(5, 8)},  # c = c*: Delta_A = Delta_B = 0
    {"c": F(5, 8), "y_B": 0}, {"c": 0, "t": 10},
], ids=str)
def test_cha_special_points(values):
    check_point(CHA_MAP, CHA, values)


def test_boundary_points_are_flagged():
    # c = c* = 5/8 at the defaults: Delta_A = Delta_B = 0, (C, C) and the mixed meet.
    assert CHA_MAP.at(c=F(5, 8)).degenerate and solve(CHA.at(c=F(5, 8))).degenerate
    ev = CHA_MAP.evaluate({"c": np.array([0.625, 0.5, 0.7]), "t": np.array([1.0, 1.0, 1.0])})
    assert ev.degenerate.tolist() == [True, False, False]
    # the singular lines t = 0 and c = 1 are not degenerate when k > 0
    ev = CHA_MAP.evaluate({"c": np.array([1.0, 0.3]), "t": np.array([5.0, 0.0])})
    assert ev.degenerate.tolist() == [False, False]
    assert ev.n_equilibria.tolist() == [1, 1]


# ---------------------------------------------------------------- vectorised == exact

def _float_points(draw_points, n, seed):
    rng = np.random.default_rng(seed)
    return [draw_points(rng) for _ in range(n)]


def _cha_rng(rng):
    return {"c": rng.uniform(0, 1), "t": rng.uniform(0, 10), "x_A": rng.uniform(0.05, 4),
            "x_B": rng.uniform(0.05, 4), "y_A": rng.uniform(0, 1), "y_B": rng.uniform(0, 1),
            "k_A": rng.uniform(0, 1), "k_B": rng.uniform(0, 1), "phi": rng.uniform(0, 0.95)}


def _walt_rng(rng):
    mu = np.sort(rng.uniform(0, 1, 2))
    return {"tau": rng.uniform(0, 10), "c": rng.uniform(0, 1), "mu_1": mu[0], "mu_2": mu[1],
            "theta": rng.uniform(0, 1), "k_A": rng.uniform(0, 1), "k_B": rng.uniform(0, 1),
            "a_A": rng.uniform(0, 1), "a_B": rng.uniform(0, 1)}


@pytest.mark.parametrize("emap, model, draw", [(CHA_MAP, CHA, _cha_rng),
                                                (WALT_MAP, WALT, _walt_rng)],
                         ids=["cha", "walt"])
@pytest.mark.parametrize("rule", ["all", "payoff_dominance", "risk_dominance"])
def test_evaluate_equals_solver_and_selection(emap, model, draw, rule):
    points = _float_points(draw, 150, seed=7)
    # a few hand-picked regimes so that every region and every rule is exercised
    points += [dict(points[0], **extra) for extra in ({"c": 0.1, "t": 1.0}, {"c": 0.9})] \
        if model is CHA else []
    values = {k: np.array([p[k] for p in points]) for k in points[0]}
    ev = emap.evaluate(values)
    assert isinstance(ev, MapEvaluation) and len(ev) == len(points)
    sel = ev.selected(rule)
    for g, p in enumerate(points):
        ref = solve(model.at({k: float(v) for k, v in p.items()}))
        assert not ev.degenerate[g]
        assert ev.n_equilibria[g] == len(ref.equilibria)
        pure = {eq.pure_profile for eq in ref.equilibria if eq.pure_profile is not None}
        assert {tuple(ix) for ix in np.argwhere(ev.pure_equilibrium[g])} == pure
        for eq in ref.equilibria:  # every equilibrium is some holding region's profile
            assert any(np.allclose(ev.row[k, g], eq.profile[0], atol=1e-9)
                       and np.allclose(ev.col[k, g], eq.profile[1], atol=1e-9)
                       for k in np.flatnonzero(ev.holds[:, g]))
        chosen = select(ref, rule)
        if chosen is None:
            assert sel[g] == -1
        else:
            assert sel[g] >= 0
            assert np.allclose(ev.row[sel[g], g], chosen.profile[0], atol=1e-9)
            assert np.allclose(ev.col[sel[g], g], chosen.profile[1], atol=1e-9)


def test_columns_are_sweep_like():
    cols = CHA_MAP.evaluate({"c": np.array([0.1, 0.9])}).columns()
    assert cols["n_equilibria"].tolist() == [3, 1]
    assert cols["eq_mutual_cooperation"].tolist() == [True, False]
    assert cols["selected_by"].tolist() == ["payoff_dominance", "unique"]
    assert cols["label"].tolist() == ["cooperation", "friction"]
    assert cols["region"].tolist() == ["(cooperate, cooperate)", "(distance, distance)"]
    assert cols["p_A_cooperate"].tolist() == [1.0, 0.0]


@pytest.mark.parametrize("model, emap, axes", [
    (CHA, CHA_MAP, {"c": np.linspace(0.013, 0.987, 9), "t": [0.3, 1.1, 2.7, 9.1]}),
    (WALT, WALT_MAP, {"tau": [0.3, 1.1, 2.7, 9.1], "c": np.linspace(0.013, 0.987, 9)}),
], ids=["cha", "walt"])
@pytest.mark.parametrize("rule", ["all", "payoff_dominance", "risk_dominance"])
def test_columns_equal_sweep(model, emap, axes, rule):
    from qa_games.analysis.sweep import sweep

    table = sweep(model, axes, selection=rule, progress=False).table
    cols = emap.evaluate({k: table[k].to_numpy() for k in axes}).columns(rule=rule)
    assert not cols["degenerate"].any() and not table["degenerate"].any()
    for name, ours in cols.items():
        if name == "region":
            continue
        theirs = table[name].to_numpy()
        if ours.dtype.kind == "f":
            assert np.allclose(ours, theirs.astype(float), atol=1e-9, equal_nan=True), name
        else:
            assert ours.tolist() == theirs.tolist(), name


# ---------------------------------------------------------------- a 3x3 game

def _rps():
    a = Parameter("a", Interval.parse("[0, 3]"), F(1))
    s = a.symbol
    A = np.array([[0, -1, s], [s, 0, -1], [-1, s, 0]], dtype=object)
    A = np.vectorize(sympy.sympify, otypes=[object])(A)
    B = np.vectorize(sympy.sympify, otypes=[object])(np.array(
        [[1, s, 0], [0, 1, s], [s, 0, 1]], dtype=object))
    return SymbolicGame(("1", "2"), (("r", "p", "s"), ("r", "p", "s")), (A, B), (a,))


@pytest.mark.parametrize("a", [F(0), F(1, 2), F(1), F(3, 2), F(2), F(3)])
def test_3x3_game_equals_solver(a):
    game = _rps()
    emap = equilibrium_map(game)
    ours, ref = emap.at(a=a), solve(game.at(a=a))
    if not ours.degenerate:
        assert exact_set(ours) == exact_set(ref)
    else:
        assert ref.degenerate


def _random_symbolic_game(m: int, n: int, seed: int) -> SymbolicGame:
    """Payoffs affine in three parameters with small random integer coefficients."""
    rng = np.random.default_rng(seed)
    params = tuple(Parameter(f"a{k}", Interval.parse("[-1, 1]"), F(0)) for k in range(3))
    syms = [p.symbol for p in params]
    arrays = []
    for _ in range(2):
        arr = np.empty((m, n), dtype=object)
        for idx in np.ndindex(m, n):
            arr[idx] = sympy.Integer(int(rng.integers(-3, 4))) + sum(
                int(rng.integers(-2, 3)) * s for s in syms)
        arrays.append(arr)
    return SymbolicGame(("1", "2"), (tuple(f"r{i}" for i in range(m)),
                                     tuple(f"c{j}" for j in range(n))), tuple(arrays), params)


@pytest.mark.parametrize("m, n, seed", [(1, 3, 0), (2, 3, 1), (3, 2, 2), (3, 3, 3)])
def test_random_affine_games_equal_solver(m, n, seed):
    game = _random_symbolic_game(m, n, seed)
    emap = equilibrium_map(game)
    rng = np.random.default_rng(seed)
    for _ in range(25):
        values = {f"a{k}": F(int(rng.integers(-20, 21)), 20) for k in range(3)}
        ours, ref = emap.at(values), solve(game.at(values))
        if ours.degenerate:
            assert ref.degenerate and exact_set(ours) <= exact_set(ref)
        else:
            assert exact_set(ours) == exact_set(ref), values


# ---------------------------------------------------------------- bad input

def _square(k: int, players: int = 2) -> SymbolicGame:
    p = Parameter("z", Interval.parse("[0, 1]"), F(0))
    arr = np.empty((k,) * players, dtype=object)
    for idx in np.ndindex(arr.shape):
        arr[idx] = sympy.Integer(sum(idx)) * p.symbol
    return SymbolicGame(tuple(str(i) for i in range(players)),
                        tuple(tuple(f"s{j}" for j in range(k)) for _ in range(players)),
                        (arr,) * players, (p,))


def test_three_players_is_unsupported():
    with pytest.raises(UnsupportedGameError, match="2-player"):
        equilibrium_map(_square(2, players=3))


def test_too_large_is_unsupported():
    with pytest.raises(UnsupportedGameError, match="max_support=3"):
        equilibrium_map(_square(4))
    with pytest.raises(UnsupportedGameError, match="support pairs"):
        equilibrium_map(_square(6), max_support=4)


@pytest.mark.parametrize("bad", [0, 5, True, 2.0, "3"])
def test_bad_max_support(bad):
    with pytest.raises(ParameterError, match="max_support"):
        equilibrium_map(CHA, max_support=bad)


def test_bad_inputs():
    with pytest.raises(GameError, match="Model or a SymbolicGame"):
        equilibrium_map("cha_quasi_alliance")
    with pytest.raises(ParameterError, match="outside its domain"):
        CHA_MAP.evaluate({"c": np.array([0.5, 1.5])})
    with pytest.raises(ParameterError, match="outside its domain"):
        CHA_MAP.at(c=2)
    with pytest.raises(ParameterError, match="tol"):
        CHA_MAP.evaluate({"c": [0.5]}, tol=-1)
    with pytest.raises(GameError, match="strategy name"):
        CHA_MAP.region("cooperate")
    with pytest.raises(ParameterError, match="selection"):
        CHA_MAP.evaluate({"c": [0.5]}).selected("nash")


def test_named_condition_is_sympy():
    cond = CHA_MAP.region("cooperate", "cooperate").named_condition(CHA)
    d_a, d_b = (sympy.Symbol(n, real=True) for n in ("Delta_A", "Delta_B"))
    assert cond == sympy.And(d_a >= 0, d_b >= 0)


def test_evaluate_checks_constraints():
    ev = WALT_MAP.evaluate({"mu_1": np.array([0.1, 0.2])})
    assert ev.n_equilibria.tolist() == [1, 1]
    with pytest.raises(ParameterError, match="mu_1 <= mu_2 fails at point 1"):
        WALT_MAP.evaluate({"mu_1": np.array([0.1, 0.5])})


def test_threat_index_substitution_irrational_values():
    model = WALT.substitute("tau", "threat_index")
    emap = equilibrium_map(model)
    for values in ({"c": F(3, 10), "offense": F(9, 10)}, {"c": F(9, 10), "power": 1}, {}):
        ours, ref = emap.at(values), solve(model.at(values))
        assert len(ours.equilibria) == len(ref.equilibria)
        for a, b in zip(ours.equilibria, ref.equilibria, strict=True):
            assert np.allclose(np.concatenate(a.profile), np.concatenate(b.profile))
