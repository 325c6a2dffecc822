"""Tests of qa_games.solvers.qre: pygambit's logit_solve_lambda as the oracle, the QRE
equations by definition, the limit against solve, bad inputs."""

from __future__ import annotations

import warnings
import zlib

import numpy as np
import pytest

from qa_games import Game, solve
from qa_games.errors import GameError, ParameterError, UnsupportedGameError
from qa_games.solvers.qre import QREBifurcationWarning, qre, qre_batch

gbt = pytest.importorskip("pygambit")


def _logit_solve_lambda():
    """pygambit's logit_solve_lambda: in pygambit.qre (>= 16.2, 17) or pygambit.nash."""
    for mod in ("qre", "nash"):
        f = getattr(getattr(gbt, mod, None), "logit_solve_lambda", None)
        if f is not None:
            return f
    pytest.skip("this pygambit has no logit_solve_lambda")


def _gambit_game(A: np.ndarray, B: np.ndarray):
    maker = getattr(getattr(gbt, "StrategicGame", None), "from_arrays", None)
    if maker is None:
        maker = gbt.Game.from_arrays
    return maker(A, B)


def gambit_qre(A: np.ndarray, B: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray]:
    g = _gambit_game(A, B)
    r = _logit_solve_lambda()(g, [lam])[0]
    p1, p2 = list(g.players)
    def probs(player):  # pygambit 17 iterates (label, prob); 16 indexes by strategy
        items = list(r.profile[player])
        if items and isinstance(items[0], tuple):
            return np.array([v for _, v in items], dtype=float)
        return np.array([float(v) for v in items], dtype=float)
    return probs(p1), probs(p2)


def random_game(rng: np.random.Generator, m: int, n: int, kind: str):
    if kind == "int":  # small integers: many ties
        return rng.integers(-2, 3, (m, n)), rng.integers(-2, 3, (m, n))
    return rng.normal(size=(m, n)), rng.normal(size=(m, n))


def qre_residual(A, B, P, Q, lam) -> float:
    """max |p - softmax(lam A q)|, |q - softmax(lam B'p)|: the QRE equations themselves."""
    def softmax(z):
        z = z - z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)
    u1 = np.einsum("kij,kj->ki", A, Q)
    u2 = np.einsum("kij,ki->kj", B, P)
    return float(max(np.abs(P - softmax(lam * u1)).max(), np.abs(Q - softmax(lam * u2)).max()))


# non-round lambdas: an integer game can have a bifurcation point exactly at a round lambda
LAMS = (0.37, 1.3, 2.9, 7.7, 31.0)
CASES = [(m, n, kind, lam) for kind in ("float", "int") for (m, n) in
         ((2, 2), (2, 3), (3, 3), (3, 4), (4, 5)) for lam in LAMS]


@pytest.mark.parametrize(("m", "n", "kind", "lam"), CASES)
def test_qre_equals_pygambit(m, n, kind, lam):
    # crc32, not hash(): str hashes are salted per process, so hash() drew other games
    # at every run and a failure could not be reproduced
    rng = np.random.default_rng(zlib.crc32(repr((m, n, kind, lam)).encode()))
    compared = 0
    for _ in range(4):
        A, B = random_game(rng, m, n, kind)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r = qre(Game.from_arrays(A, B), lam)
        if r.bifurcation is not None:
            # non-generic game: past a bifurcation the branch is not unique; Gambit picks a
            # side by perturbing, we continue straight through (and say so)
            assert any(issubclass(w.category, QREBifurcationWarning) for w in caught)
            continue
        gp, gq = gambit_qre(A, B, lam)
        assert np.abs(np.array(r.profile[0]) - gp).max() <= 1e-8
        assert np.abs(np.array(r.profile[1]) - gq).max() <= 1e-8
        compared += 1
    assert compared >= 2


@pytest.mark.parametrize("kind", ["float", "int"])
@pytest.mark.parametrize("lam", [0.37, 2.9, 7.7, 31.0])
def test_batch_2x2_fast_path_equals_pygambit_and_tracer(kind, lam):
    rng = np.random.default_rng(17 + int(lam * 10))
    k = 120
    A = np.stack([random_game(rng, 2, 2, kind)[0] for _ in range(k)]).astype(float)
    B = np.stack([random_game(rng, 2, 2, kind)[1] for _ in range(k)]).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QREBifurcationWarning)
        P, Q = qre_batch(A, B, lam)
        P2, Q2 = qre_batch(A, B, lam, method="trace")
    assert qre_residual(A, B, P, Q, lam) <= 1e-12
    # the fast path, the general tracer and Gambit agree except on non-generic games
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QREBifurcationWarning)
        generic = [qre(Game.from_arrays(A[i], B[i]), lam).bifurcation is None
                   for i in range(30)]
    assert sum(generic) >= 20
    for i in range(30):
        if not generic[i]:
            continue
        gp, gq = gambit_qre(A[i], B[i], lam)
        assert np.abs(P[i] - gp).max() <= 1e-8 and np.abs(Q[i] - gq).max() <= 1e-8
        assert np.abs(P2[i] - P[i]).max() <= 1e-10


def test_batch_general_shapes_and_residual():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(25, 3, 4))
    B = rng.normal(size=(25, 3, 4))
    lam = rng.uniform(0.1, 8.0, 25)
    P, Q = qre_batch(A, B, lam)
    assert P.shape == (25, 3) and Q.shape == (25, 4)
    assert qre_residual(A, B, P, Q, lam[:, None]) <= 1e-12
    for i in (0, 7, 19):
        r = qre(Game.from_arrays(A[i], B[i]), float(lam[i]))
        assert np.abs(np.array(r.profile[0]) - P[i]).max() <= 1e-10


def test_lam_zero_is_uniform_and_one_strategy_is_logit():
    g = Game.from_arrays([[1, 5, 2]], [[0, 1, 3]])
    assert qre(g, 0.0).profile == ((1.0,), (1 / 3, 1 / 3, 1 / 3))
    r = qre(g, 2.0)
    e = np.exp(2.0 * np.array([0.0, 1.0, 3.0]))
    assert np.allclose(r.profile[1], e / e.sum(), atol=1e-15)


@pytest.mark.parametrize("seed", range(8))
def test_limit_is_a_nash_equilibrium(seed):
    """As lam grows the branch approaches one Nash equilibrium of solve(game)."""
    rng = np.random.default_rng(100 + seed)
    A, B = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    g = Game.from_arrays(A, B)
    eqs = solve(g).equilibria
    far = qre(g, 2000.0)
    dists = [max(np.abs(np.array(far.profile[0]) - np.array(eq.profile[0])).max(),
                 np.abs(np.array(far.profile[1]) - np.array(eq.profile[1])).max())
             for eq in eqs]
    best = int(np.argmin(dists))
    assert dists[best] <= 1e-2
    # and it converges: closer at lam = 4000 than at lam = 2000
    farther = qre(g, 4000.0)
    d2 = max(np.abs(np.array(farther.profile[0]) - np.array(eqs[best].profile[0])).max(),
             np.abs(np.array(farther.profile[1]) - np.array(eqs[best].profile[1])).max())
    assert d2 <= dists[best] + 1e-12


def test_limit_stag_hunt_selects_risk_dominant_here():
    """A stag hunt: the branch goes to the risk-dominant equilibrium (hare, hare)."""
    g = Game.from_arrays([[4, 0], [3, 3]], [[4, 3], [0, 3]])
    r = qre(g, 500.0)
    assert r.profile[0][1] > 1 - 1e-9 and r.profile[1][1] > 1 - 1e-9
    pure = [eq.pure_profile for eq in solve(g).equilibria]
    assert (1, 1) in pure


def test_bifurcation_is_flagged_in_a_symmetric_game():
    # the centroid is a QRE at every lam (a symmetric coordination game): pitchfork at lam=2
    A = np.array([[-1, -1], [-2, 0]])
    B = np.array([[2, 1], [1, 2]])
    with pytest.warns(QREBifurcationWarning):
        r = qre(Game.from_arrays(A, B), 3.0)
    assert r.bifurcation is not None and 1.0 < r.bifurcation < 2.5
    assert np.allclose(r.profile, ((0.5, 0.5), (0.5, 0.5)))


@pytest.mark.parametrize("lam", [-1.0, float("nan"), float("inf"), "x"])
def test_bad_lambda(lam):
    g = Game.from_arrays([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    with pytest.raises(ParameterError, match="lam"):
        qre(g, lam)
    with pytest.raises(ParameterError, match="lam"):
        qre_batch(np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), lam)


def test_three_players_unsupported():
    g = Game.from_arrays(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))
    with pytest.raises(UnsupportedGameError, match="two-player"):
        qre(g, 1.0)


def test_bad_payoffs():
    A = np.zeros((2, 2, 2))
    A[1, 0, 1] = np.nan
    with pytest.raises(GameError, match="not finite"):
        qre_batch(A, np.zeros((2, 2, 2)), 1.0)
    with pytest.raises(GameError, match="shape"):
        qre_batch(np.zeros((2, 2)), np.zeros((2, 2)), 1.0)
    with pytest.raises(ParameterError, match="shape"):
        qre_batch(np.zeros((3, 2, 2)), np.zeros((3, 2, 2)), [1.0, 2.0])
    with pytest.raises(GameError, match="Game"):
        qre("not a game", 1.0)


@pytest.mark.parametrize("kind", ["float", "int"])
def test_qre_2x2_local_solves_the_logit_equations(kind):
    """Newton from a nearby point (it stops once its steps are a few ulps): the result
    satisfies both logit equations to rounding, and equals the traced branch where the
    start lies on it."""
    from qa_games.solvers.qre import qre_2x2_local

    rng = np.random.default_rng(5)
    k = 200
    A = np.stack([random_game(rng, 2, 2, kind)[0] for _ in range(k)]).astype(float)
    B = np.stack([random_game(rng, 2, 2, kind)[1] for _ in range(k)]).astype(float)
    lam = np.full(k, 1.7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QREBifurcationWarning)
        P, Q = qre_batch(A, B, lam)
    start = np.clip(P + rng.normal(0, 1e-3, P.shape), 1e-6, 1)
    start /= start.sum(axis=1, keepdims=True)
    Pn, Qn = qre_2x2_local(A, B, lam, start)
    ok = np.isfinite(Pn[:, 0])
    assert ok.mean() > 0.95
    ua = A[:, :, 0] * Qn[:, [0]] + A[:, :, 1] * Qn[:, [1]]  # row player's payoffs
    ub = B[:, 0, :] * Pn[:, [0]] + B[:, 1, :] * Pn[:, [1]]
    p0 = 1 / (1 + np.exp(-lam * (ua[:, 0] - ua[:, 1])))
    q0 = 1 / (1 + np.exp(-lam * (ub[:, 0] - ub[:, 1])))
    assert np.abs(Pn[ok, 0] - p0[ok]).max() <= 1e-12
    assert np.abs(Qn[ok, 0] - q0[ok]).max() <= 1e-12
    assert np.abs(Pn[ok] - P[ok]).max() <= 1e-9 and np.abs(Qn[ok] - Q[ok]).max() <= 1e-9
