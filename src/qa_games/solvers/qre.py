"""Logit quantal response equilibrium (QRE) of two-player games, on the principal branch.

In a logit QRE at precision ``lam >= 0`` (McKelvey and Palfrey 1995) every player's mixed
strategy is the logit (softmax) of its expected payoffs against the others' strategies:

    p_i = exp(lam * u1_i) / sum_k exp(lam * u1_k),   u1 = A q,
    q_j = exp(lam * u2_j) / sum_l exp(lam * u2_l),   u2 = B^T p.

At ``lam = 0`` the unique QRE is the centroid (uniform play); for almost every game the
solutions form a smooth curve from there, the *principal branch*, which converges to one
Nash equilibrium as ``lam`` grows (McKelvey and Palfrey 1995, Theorem 3; Turocy 2005).
The branch may bend back (lam need not grow along it); as Gambit's ``logit_solve_lambda``
does, :func:`qre` returns the point where the branch, traced from ``lam = 0``, first
reaches the requested ``lam``.

The tracer is a predictor-corrector continuation (Allgower and Georg 1990, ch. 2) in the
coordinates of Gambit's ``nfglogit.cc``: unknowns ``x = (log p, log q, lam)``, equations
``sum p = 1``, ``log p_j - log p_0 = lam (u1_j - u1_0)`` and the same for the column player.
Each step predicts along the unit tangent (the null vector of the Jacobian, oriented by the
previous tangent), corrects by Newton's method on the pseudo-arclength system, and adapts
the step length; the step that would pass the target is replaced by one that lands on it
(Newton at fixed ``lam``), polished to machine precision. Payoffs are rescaled to unit
range first (the QRE at ``lam`` of ``A / s`` at ``lam * s`` is the same profile).

:func:`qre_batch` traces a stack of games ``(k, m, n)`` in lock step (numpy, one Python loop
over steps, none over games). For 2x2 games it uses a fast path: with
``u1_0 - u1_1 = beta + alpha q`` and ``u2_0 - u2_1 = delta + gamma p`` the QRE solves the
scalar equation ``a = lam (beta + alpha sigma(lam (delta + gamma sigma(a))))`` in the log-odds
``a`` of ``p``. Its right side has slope at most ``lam^2 max(alpha gamma, 0) / 16``; when that
is below 1 (or ``alpha gamma <= 0``) the QRE is unique for this ``lam``, so it is the branch
point and a bracketed Newton iteration finds it. The remaining games are traced.

References: R. D. McKelvey and T. R. Palfrey, 'Quantal Response Equilibria for Normal Form
Games', Games and Economic Behavior 10, 1995, 6-38; T. L. Turocy, 'A dynamic homotopy
interpretation of the logistic quantal response equilibrium correspondence', Games and
Economic Behavior 51, 2005, 243-263; E. L. Allgower and K. Georg, Numerical Continuation
Methods, Springer, 1990.

>>> from qa_games import Game
>>> g = Game.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])   # prisoner's dilemma
>>> r = qre(g, 1.0)
>>> [round(x, 6) for x in r.profile[0]]
[0.226751, 0.773249]
>>> round(r.probability((1, 1)), 6)
0.597915
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from qa_games.errors import GameError, ParameterError, SolverError, UnsupportedGameError

from ..games.normal_form import Game

__all__ = ["QRE", "QREBifurcationWarning", "qre", "qre_batch", "qre_2x2_local"]

H_START = 0.1  # first arclength step (in unit-range payoffs)
H_MIN = 1e-10  # a step this short means the branch cannot be followed
MAX_DIST = 0.5  # largest Newton step accepted in a corrector (log-probability units)
MAX_FIRST = 0.1  # largest first Newton step, as a share of the step length
MAX_CONTRACTION = 0.5  # largest ratio of successive Newton steps accepted
MIN_COS = 0.98  # consecutive tangents at most ~11 degrees apart (else the step is retried)
CORRECTOR_TOL = 1e-10  # a corrector has converged when its Newton step is this short
FINAL_TOL = 1e-13  # the point at the target lam is polished to this step length
MAX_CORRECTOR = 12
MAX_STEPS = 10_000


class QREBifurcationWarning(RuntimeWarning):
    """The branch traced from lam = 0 passed a bifurcation point (a non-generic game).

    ``games`` holds the indices (in the stack) of the games concerned.
    """

    def __init__(self, message: str, games: Any = ()):
        super().__init__(message)
        self.games = np.asarray(games, dtype=np.int64)

    def __reduce__(self) -> Any:  # picklable with its games
        return (type(self), (str(self), self.games))


@dataclass(frozen=True, eq=False)
class QRE:
    """The logit QRE of ``game`` at precision ``lam`` on the principal branch.

    ``profile[i]`` holds player i's choice probabilities; ``steps`` is the number of
    continuation steps taken (0 at ``lam = 0``); ``bifurcation`` is the ``lam`` near which
    the branch passed a bifurcation point (non-generic games only; a warning is issued),
    else None.
    """

    game: Game
    lam: float
    profile: tuple[tuple[float, ...], tuple[float, ...]]
    steps: int = 0
    bifurcation: float | None = None

    def probability(self, pure_profile: Sequence[int]) -> float:
        """The probability that the players choose ``pure_profile`` (strategy indices)."""
        i, j = (int(s) for s in pure_profile)
        return self.profile[0][i] * self.profile[1][j]


# -- input checks ------------------------------------------------------------------------

def _check_lam(lam: Any, k: int | None = None) -> np.ndarray:
    try:
        arr = np.asarray(lam, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"lam={lam!r} must be a number") from None
    if k is not None:
        if arr.ndim == 0:
            arr = np.full(k, float(arr))
        elif arr.shape != (k,):
            raise ParameterError(f"lam has shape {arr.shape}; expected a number or shape ({k},)")
    bad = ~np.isfinite(arr) | (arr < 0)
    if np.any(bad):
        v = arr.flat[int(np.argmax(bad.ravel()))]
        why = "NaN" if math.isnan(v) else ("infinite" if math.isinf(v) else "negative")
        raise ParameterError(f"lam={v!r} is {why}; the logit precision must be finite and >= 0 "
                             "(its limit lam -> inf is a Nash equilibrium: use solve)")
    return arr


def _check_stack(A: Any, B: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        a = np.asarray(A, dtype=np.float64)
        b = np.asarray(B, dtype=np.float64)
    except (TypeError, ValueError):
        raise GameError("payoff stacks A and B must be numeric arrays of shape (k, m, n)") from None
    if a.ndim != 3 or a.shape != b.shape:
        raise GameError(f"payoff stacks must both have shape (k, m, n); got {a.shape} and "
                        f"{b.shape}")
    if min(a.shape[1:]) < 1:
        raise GameError(f"every player needs at least one strategy, got shape {a.shape}")
    for name, arr in (("A", a), ("B", b)):
        if not np.all(np.isfinite(arr)):
            idx = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
            raise GameError(f"payoff {name}{list(idx)} = {arr[idx]} is not finite")
    return a, b


# -- the branch tracer for stacks of m x n games --------------------------------------------

def _softmax_rows(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


class _System:
    """The QRE equations of a stack of games in Gambit's log-probability coordinates."""

    def __init__(self, A: np.ndarray, B: np.ndarray):
        self.A, self.B = A, B
        self.m, self.n = A.shape[1], A.shape[2]
        self.DA = A[:, 1:, :] - A[:, :1, :]  # (k, m-1, n): row j minus row 0
        self.DB = B[:, :, 1:] - B[:, :, :1]  # (k, m, n-1): column l minus column 0

    def take(self, idx: np.ndarray) -> _System:
        return _System(self.A[idx], self.B[idx])

    def value_and_jacobian(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m, n = self.m, self.n
        k = x.shape[0]
        y1, y2, lam = x[:, :m], x[:, m:m + n], x[:, -1]
        p, q = np.exp(y1), np.exp(y2)
        du1 = np.einsum("kjl,kl->kj", self.DA, q)  # u1_j - u1_0, j >= 1
        du2 = np.einsum("kil,ki->kl", self.DB, p)  # u2_l - u2_0, l >= 1
        F = np.empty((k, m + n))
        F[:, 0] = p.sum(axis=1) - 1.0
        F[:, 1:m] = y1[:, 1:] - y1[:, :1] - lam[:, None] * du1
        F[:, m] = q.sum(axis=1) - 1.0
        F[:, m + 1:] = y2[:, 1:] - y2[:, :1] - lam[:, None] * du2
        J = np.zeros((k, m + n, m + n + 1))
        J[:, 0, :m] = p
        r = np.arange(1, m)
        J[:, r, r] = 1.0
        J[:, 1:m, 0] = -1.0
        J[:, 1:m, m:m + n] = -lam[:, None, None] * self.DA * q[:, None, :]
        J[:, 1:m, -1] = -du1
        J[:, m, m:m + n] = q
        c = np.arange(1, n)
        J[:, m + c, m + c] = 1.0
        J[:, m + 1:, m] = -1.0
        J[:, m + 1:, :m] = -lam[:, None, None] * np.swapaxes(self.DB, 1, 2) * p[:, None, :]
        J[:, m + 1:, -1] = -du2
        return F, J


def _solve(M: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve the stacked systems M x = r; also return which ones were solvable."""
    ok = np.isfinite(M).all(axis=(1, 2)) & np.isfinite(r).all(axis=1)
    out = np.full(r.shape, np.nan)
    if not ok.any():
        return out, ok
    Mk, rk = M[ok], r[ok]
    try:
        out[ok] = np.linalg.solve(Mk, rk[..., None])[..., 0]
    except np.linalg.LinAlgError:  # some singular: solve one by one (rare)
        for i in np.flatnonzero(ok):
            try:
                out[i] = np.linalg.solve(M[i], r[i])
            except np.linalg.LinAlgError:
                ok[i] = False
    ok &= np.isfinite(out).all(axis=1)
    return out, ok


def _tangent(J: np.ndarray, prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit tangents: null vectors of J oriented along ``prev`` (z . prev = 1 > 0)."""
    k, d = prev.shape
    M = np.concatenate([J, prev[:, None, :]], axis=1)
    rhs = np.zeros((k, d))
    rhs[:, -1] = 1.0
    z, ok = _solve(M, rhs)
    norm = np.linalg.norm(np.where(ok[:, None], z, 1.0), axis=1)
    return z / norm[:, None], ok


def _orientation(J: np.ndarray, t: np.ndarray) -> np.ndarray:
    """sign det [J; t]: it changes where the branch passes a (simple) bifurcation point."""
    return np.sign(np.linalg.det(np.concatenate([J, t[:, None, :]], axis=1)))


def _trace(system: _System, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Trace the principal branch of every game in ``system`` to its first lam = target.

    Returns the points ``x = (log p, log q, lam)`` at the targets and the step counts.
    The orientation ``sign det [J; t]`` is kept along the branch: a step after which it
    flips has jumped to another branch (or over a bifurcation) and is retried shorter, as
    Gambit's ``PathTracer`` does. A flip that persists at steps 64 times shorter is a
    bifurcation point (only non-generic games, such as symmetric ones with ties, have one);
    the tracer then leaps over it along the smooth branch through it, and returns, per game,
    the first lam (scaled units) of such a point, NaN if none (the branch beyond is not
    unique; Gambit perturbs its equations there and follows whichever branch results).
    """
    m, n = system.m, system.n
    k, d = lam.shape[0], m + n + 1
    x = np.zeros((k, d))
    x[:, :m] = -math.log(m)
    x[:, m:m + n] = -math.log(n)
    e_lam = np.zeros(d)
    e_lam[-1] = 1.0
    with np.errstate(all="ignore"):
        _, J0 = system.value_and_jacobian(x)
        t, _ = _tangent(J0, np.tile(e_lam, (k, 1)))
        orient = _orientation(J0, t)
    h = np.full(k, H_START)
    steps = np.zeros(k, dtype=np.int64)
    target_mode = np.zeros(k, dtype=bool)
    bif = np.full(k, np.nan)
    leap = np.zeros(k, dtype=bool)  # a step over a bifurcation point: no orientation check
    flip_h = np.full(k, np.nan)  # the step length at the first flip of a sequence
    since_flip = np.zeros(k, dtype=np.int64)
    active = lam > 0
    for _ in range(MAX_STEPS):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        sub = system.take(idx)
        xa, ta, ha, tm, la = x[idx], t[idx], h[idx], target_mode[idx], lam[idx]
        # predictor: along the tangent, or straight to the target lam in target mode
        ht = np.where(tm, (la - xa[:, -1]) / np.where(ta[:, -1] > 0, ta[:, -1], 1.0), ha)
        u = xa + ht[:, None] * ta
        u[tm, -1] = la[tm]
        conv = np.zeros(idx.size, dtype=bool)
        fail = np.zeros(idx.size, dtype=bool)
        last = np.full(idx.size, np.inf)
        first = np.zeros(idx.size)
        constraint = np.where(tm[:, None], e_lam[None, :], ta)
        # Newton steps are measured against the size of the point (log-probabilities of
        # dominated strategies grow like -lam; their rounding grows with them)
        tol = np.where(tm, FINAL_TOL, CORRECTOR_TOL) * np.maximum(1.0, np.abs(u).max(axis=1))
        with np.errstate(all="ignore"):
            for it in range(MAX_CORRECTOR):
                run = ~(conv | fail)
                if not run.any():
                    break
                F, J = sub.value_and_jacobian(u)
                g = np.where(tm, u[:, -1] - la, np.einsum("kd,kd->k", ta, u - xa) - ht)
                M = np.concatenate([J, constraint[:, None, :]], axis=1)
                r = -np.concatenate([F, g[:, None]], axis=1)
                delta, ok = _solve(M, r)
                dist = np.linalg.norm(np.where(ok[:, None], delta, 0.0), axis=1)
                if it == 0:
                    first = dist
                bad = run & (~ok | (dist > MAX_DIST)
                             | ((it == 0) & ~tm & (dist > MAX_FIRST * ht))
                             | ((it > 0) & (dist > MAX_CONTRACTION * last) & (dist > tol)))
                fail |= bad
                move = run & ~bad
                u[move] += delta[move]
                last = np.where(move, dist, last)
                conv |= move & (dist <= tol)
            fail |= ~conv
            fail |= ~np.isfinite(u).all(axis=1)
            # an arclength step that passes the target is redone as a target step
            passed = ~tm & ~fail & (u[:, -1] >= la)
            can_aim = passed & (ta[:, -1] > 0)
            accept = ~fail & ~passed
            done = accept & tm
            newt = ta.copy()
            new_orient = orient[idx].copy()
            flipped = np.zeros(idx.size, dtype=bool)
            if accept.any():  # the orientation at the new point (target points too)
                mv = np.flatnonzero(accept)
                _, Jn = sub.take(mv).value_and_jacobian(u[mv])
                tn, okt = _tangent(Jn, ta[mv])
                newt[mv] = tn
                new_orient[mv] = _orientation(Jn, tn)
                turned = ~tm[mv] & (np.einsum("kd,kd->k", tn, ta[mv]) < MIN_COS)
                fail[mv[~okt | turned]] = True
                flipped[mv] = okt & (new_orient[mv] != orient[idx][mv]) & ~leap[idx][mv]
                # a flip means the corrector landed on another branch, or the step passed a
                # bifurcation point: retry shorter; a flip that persists at steps 64 times
                # shorter than the first one is a bifurcation: leap over it (below)
                fh = flip_h[idx][mv]
                jumped = flipped[mv] & ~(ha[mv] <= fh / 64)
                fail[mv[jumped]] = True
                accept[mv[~okt | turned | flipped[mv]]] = False
            done &= accept
            moving = accept & ~tm
        # bookkeeping
        gi = idx
        # orientation flips: remember the first step length; a persistent flip is a
        # bifurcation point, which the next step leaps over with that first step length
        first_flip = flipped & np.isnan(flip_h[gi])
        flip_h[gi[first_flip]] = ha[first_flip]
        persistent = flipped & ~first_flip & (ha <= flip_h[gi] / 64)
        new_bif = persistent & np.isnan(bif[gi])
        bif[gi[new_bif]] = xa[new_bif, -1]
        x[gi[accept]] = u[accept]
        t[gi[moving]] = newt[moving]
        orient[gi[accept]] = new_orient[accept]
        steps[gi[accept]] += 1
        grow = np.where(first <= 0.01 * ha, 1.5, np.where(first <= 0.03 * ha, 1.2, 1.0))
        h[gi[moving]] = ha[moving] * grow[moving]
        leap[gi[accept]] = False
        since_flip[gi[accept]] += 1
        since_flip[gi[flipped]] = 0
        flip_h[gi[since_flip[gi] >= 4]] = np.nan
        leap[gi[persistent]] = True
        h[gi[persistent]] = flip_h[gi[persistent]]
        flip_h[gi[persistent]] = np.nan
        target_mode[gi[can_aim]] = True
        shrink = fail | (passed & ~can_aim)
        h[gi[shrink]] = ha[shrink] * 0.5
        target_mode[gi[fail & tm]] = False
        active[gi[done]] = False
        if np.any(h[gi] < H_MIN):
            bad_game = int(gi[np.argmax(h[gi] < H_MIN)])
            raise SolverError(f"qre: game {bad_game}: the principal branch could not be followed "
                              f"past lam={x[bad_game, -1]:.6g} in unit-range payoffs (step length "
                              f"fell below {H_MIN:g}: a singular point of a non-generic game)")
    else:
        bad_game = int(np.flatnonzero(active)[0])
        raise SolverError(f"qre: game {bad_game}: no convergence within {MAX_STEPS} steps")
    return x, steps, bif


def _trace_stack(A: np.ndarray, B: np.ndarray, lam: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """P (k, m), Q (k, n), step counts and bifurcation lams (NaN: none) by tracing."""
    k, m, n = A.shape
    P = np.full((k, m), 1.0 / m)
    Q = np.full((k, n), 1.0 / n)
    steps = np.zeros(k, dtype=np.int64)
    bif = np.full(k, np.nan)
    scale = np.maximum(np.ptp(A.reshape(k, -1), axis=1), np.ptp(B.reshape(k, -1), axis=1))
    live = (scale > 0) & (lam > 0)
    if m == 1 or n == 1:  # one player has a single strategy: the other best-responds in logit
        if m == 1:
            Q[live] = _softmax_rows(lam[live, None] * B[live, 0, :])
        if n == 1:
            P[live] = _softmax_rows(lam[live, None] * A[live, :, 0])
        return P, Q, steps, bif
    if not live.any():
        return P, Q, steps, bif
    s = scale[live]
    sysm = _System(A[live] / s[:, None, None], B[live] / s[:, None, None])
    x, st, b = _trace(sysm, lam[live] * s)
    P[live] = np.exp(x[:, :m])
    Q[live] = np.exp(x[:, m:m + n])
    # remove the last rounding of the sum-to-one equations
    P[live] /= P[live].sum(axis=1, keepdims=True)
    Q[live] /= Q[live].sum(axis=1, keepdims=True)
    steps[live] = st
    bif[live] = b / s
    return P, Q, steps, bif


# -- the 2x2 fast path ------------------------------------------------------------------

def _sig(z: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))`` (0 and 1 at its limits): scipy's
    ``expit``, one pass over the array and no temporaries, bit for bit equal to the
    formula (as fast on the record's arrays of some 10^4 entries, 2.7x at 2 x 10^5)."""
    from scipy.special import expit

    return expit(z)


def _dsig_max(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """max of sigma' = sigma (1 - sigma) over [lo, hi] (at the point nearest 0)."""
    z = np.maximum(np.maximum(lo, -hi), 0.0)
    s = _sig(z)
    return s * (1.0 - s)


def _newton_safe(lal: np.ndarray, lbe: np.ndarray, lga: np.ndarray, lde: np.ndarray,
                 c: np.ndarray, a: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Root of f(a) = a - lbe - lal sigma(lde + lga sigma(a)) in [lo, hi] where it is unique:
    Newton's method, bisecting when a step leaves the bracket."""
    a = np.clip(a, lo, hi)
    out = a.copy()
    live = np.arange(a.size)
    for _ in range(200):
        sa = _sig(a)
        sb = _sig(lde + lga * sa)
        f = a - lbe - lal * sb
        tol = 4e-15 * (1.0 + np.abs(a) + np.abs(lbe) + np.abs(lal))
        lo = np.where(f < 0, a, lo)
        hi = np.where(f > 0, a, hi)
        fp = 1.0 - c * (sb - sb * sb) * (sa - sa * sa)
        with np.errstate(divide="ignore", invalid="ignore"):
            new = a - f / fp
        bad = ~((new > lo) & (new < hi)) | ~np.isfinite(new)
        new = np.where(bad, 0.5 * (lo + hi), new)
        done = (np.abs(f) <= tol) | (hi - lo <= tol)
        out[live[done]] = a[done]
        keep = ~done
        if not keep.any():
            return out
        live, a = live[keep], new[keep]
        lal, lbe, lga, lde, c = lal[keep], lbe[keep], lga[keep], lde[keep], c[keep]
        lo, hi = lo[keep], hi[keep]
    out[live] = a
    return out


def _trace_2x2(al: np.ndarray, be: np.ndarray, ga: np.ndarray, de: np.ndarray,
               lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Trace the principal branch of 2x2 games in the plane (lam, a) to lam = target.

    ``f(a, lam) = a - lam (be + al sigma(b))``, ``b = lam (de + ga sigma(a))`` (unit-range
    payoffs). The unit tangent ``(f_a, -f_lam) / |.|`` is continuous along the branch and
    points to growing lam at the centroid; a step whose tangent turns by more than ~11
    degrees, or whose corrector is not a clean Newton contraction, is retried shorter (a
    turn of the tangent by more than 90 degrees is the jump to another branch that the
    orientation test of :func:`_trace` catches). Returns the log-odds ``a`` at the targets
    and the first lam near which a bifurcation point was passed (NaN: none).
    """
    k = lam.size
    L = np.zeros(k)
    a = np.zeros(k)
    bif = np.full(k, np.nan)

    def grad(L: np.ndarray, a: np.ndarray, al: np.ndarray, be: np.ndarray, ga: np.ndarray,
             de: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        sa = _sig(a)
        b = L * (de + ga * sa)
        sb = _sig(b)
        f = a - L * (be + al * sb)
        dsb = sb - sb * sb
        fa = 1.0 - L * L * al * ga * dsb * (sa - sa * sa)
        fl = -(be + al * sb) - L * al * dsb * (de + ga * sa)
        return f, fa, fl

    def tangent(fa: np.ndarray, fl: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        nrm = np.hypot(fa, fl)
        nrm = np.where(nrm > 0, nrm, 1.0)
        return fa / nrm, -fl / nrm

    _, fa0, fl0 = grad(L, a, al, be, ga, de)
    tl, ta = tangent(fa0, fl0)
    h = np.full(k, H_START)
    flip_h = np.full(k, np.nan)
    since = np.zeros(k, dtype=np.int64)
    leap = np.zeros(k, dtype=bool)
    sign = np.ones(k)  # the orientation; it reverses where the branch crosses a bifurcation
    live = np.flatnonzero(lam > 0)
    for _ in range(MAX_STEPS):
        if live.size == 0:
            return a, bif
        g = live
        Lg, ag, tlg, tag, hg, lamg = L[g], a[g], tl[g], ta[g], h[g], lam[g]
        alg, beg, gag, deg = al[g], be[g], ga[g], de[g]
        aim = Lg + hg * tlg >= lamg  # the predictor passes the target: land on it
        hs = np.where(aim & (tlg > 0), (lamg - Lg) / np.where(tlg > 0, tlg, 1.0), hg)
        L1 = np.where(aim, lamg, Lg + hs * tlg)
        a1 = ag + hs * tag
        ok = np.ones(g.size, dtype=bool)
        conv = np.zeros(g.size, dtype=bool)
        last = np.full(g.size, np.inf)
        first = np.zeros(g.size)
        with np.errstate(all="ignore"):
            for it in range(MAX_CORRECTOR):
                f, fa, fl = grad(L1, a1, alg, beg, gag, deg)
                # aim: Newton in a at fixed lam; else pseudo-arclength [fl fa; tl ta]
                r = tlg * (L1 - Lg) + tag * (a1 - ag) - hs
                det = fl * tag - fa * tlg
                dL = np.where(aim, 0.0, -(f * tag - fa * r) / det)
                da = np.where(aim, -f / fa, -(fl * r - f * tlg) / det)
                dist = np.hypot(dL, da)
                if it == 0:
                    first = dist
                run = ok & ~conv
                tol = np.where(aim, FINAL_TOL, CORRECTOR_TOL) * np.maximum(
                    1.0, np.maximum(np.abs(a1), L1))
                bad = run & (~np.isfinite(dist) | (dist > MAX_DIST)
                             | ((it == 0) & ~aim & (dist > MAX_FIRST * hs))
                             | ((it > 0) & (dist > MAX_CONTRACTION * last) & (dist > tol)))
                ok &= ~bad
                mv = run & ~bad
                L1 = np.where(mv, L1 + dL, L1)
                a1 = np.where(mv, a1 + da, a1)
                last = np.where(mv, dist, last)
                conv |= mv & (dist <= tol)
                if not (ok & ~conv).any():
                    break
            ok &= conv
            _, fa, fl = grad(L1, a1, alg, beg, gag, deg)
            ntl, nta = tangent(fa, fl)
            ntl, nta = ntl * sign[g], nta * sign[g]
            cos = ntl * tlg + nta * tag
            flipped = ok & (cos < 0) & ~leap[g]
            turned = ok & ~aim & (cos < MIN_COS) & ~flipped & ~leap[g]
            passed = ok & ~aim & (L1 >= lamg) & ~flipped & ~turned
            # after a leap over a bifurcation point the field is reversed: follow it reversed
            rev = ok & leap[g] & (cos < 0)
            ntl, nta = np.where(rev, -ntl, ntl), np.where(rev, -nta, nta)
            sign[g[rev]] *= -1.0
        # a persistent flip (64 times shorter steps) is a bifurcation point: leap over it
        fh = flip_h[g]
        first_flip = flipped & np.isnan(fh)
        flip_h[g[first_flip]] = hg[first_flip]
        persistent = flipped & ~first_flip & (hg <= fh / 64)
        nb = persistent & np.isnan(bif[g])
        bif[g[nb]] = Lg[nb]
        accept = ok & ~passed & ~flipped & ~turned
        L[g[accept]] = L1[accept]
        a[g[accept]] = a1[accept]
        tl[g[accept]] = ntl[accept]
        ta[g[accept]] = nta[accept]
        grow = np.where(first <= 0.01 * hg, 1.5, np.where(first <= 0.03 * hg, 1.2, 1.0))
        h[g[accept]] = hg[accept] * grow[accept]
        since[g[accept]] += 1
        since[g[flipped]] = 0
        leap[g[accept]] = False
        flip_h[g[since[g] >= 4]] = np.nan
        shrink = ~ok | turned | (flipped & ~persistent) | passed
        h[g[shrink]] = hg[shrink] * np.where(passed[shrink], 1.0, 0.5)
        # through a persistent flip: keep the tangent (reversed by the flip) and leap
        leap[g[persistent]] = True
        h[g[persistent]] = fh[persistent]
        flip_h[g[persistent]] = np.nan
        # a target reached by a passing arclength step: aim from the last point next time
        h[g[passed]] = np.minimum(hg[passed], np.abs(lamg[passed] - Lg[passed]) + 1e-12)
        done = accept & aim
        if np.any(h[g] < H_MIN):
            bad_game = int(g[np.argmax(h[g] < H_MIN)])
            raise SolverError(f"qre: 2x2 game {bad_game}: the principal branch could not be "
                              f"followed past lam={L[bad_game]:.6g} in unit-range payoffs (a "
                              "singular point of a non-generic game)")
        live = g[~done]
    raise SolverError(f"qre: 2x2 game {int(live[0])}: no convergence within {MAX_STEPS} steps")


def _qre_2x2(A: np.ndarray, B: np.ndarray, lam: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P, Q and bifurcation lams (NaN: none) for 2x2 stacks.

    With ``u1_0 - u1_1 = beta + alpha q`` and ``u2_0 - u2_1 = delta + gamma p``, the log-odds
    ``a`` of ``p`` solves ``f(a) = a - K(a) = 0``, ``K(a) = lam (beta + alpha sigma(b(a)))``,
    ``b(a) = lam (delta + gamma sigma(a))``, with ``K' = c sigma'(a) sigma'(b)``,
    ``c = lam^2 alpha gamma``. The root is unique (hence the branch point) when ``c <= 0`` or
    ``c < 16`` (``sigma' <= 1/4``); otherwise ``K`` is increasing, iterating it from the ends
    of ``[lam min(beta, alpha + beta), lam max(...)]`` brackets every root, and the root is
    unique when ``K' < 1`` on the bracket. The remaining games (several QRE at this lam)
    are traced.
    """
    k = A.shape[0]
    lal = lam * (A[:, 0, 0] - A[:, 1, 0] - A[:, 0, 1] + A[:, 1, 1])
    lbe = lam * (A[:, 0, 1] - A[:, 1, 1])
    lga = lam * (B[:, 0, 0] - B[:, 0, 1] - B[:, 1, 0] + B[:, 1, 1])
    lde = lam * (B[:, 1, 0] - B[:, 1, 1])
    c = lal * lga
    a = lbe + lal * _sig(lde + 0.5 * lga)  # one logit response to the centroid
    glob = (c < 15.0) & np.isfinite(c)
    every = bool(glob.all())
    gi = slice(None) if every else np.flatnonzero(glob)
    # games with a unique QRE for any bracket: Newton (f' >= 1 - c/16 > 1/16), checked by
    # the residual (|a - root| <= 16 |f|), the unchecked ones again with a bracket
    g_al, g_be, g_ga, g_de, g_c = lal[gi], lbe[gi], lga[gi], lde[gi], c[gi]
    ga_ = a[gi]
    for _ in range(4):
        sa = _sig(ga_)
        sb = _sig(g_de + g_ga * sa)
        ga_ = ga_ - (ga_ - g_be - g_al * sb) / (1.0 - g_c * (sb - sb * sb) * (sa - sa * sa))
    sa = _sig(ga_)
    sb = _sig(g_de + g_ga * sa)
    f = ga_ - g_be - g_al * sb
    ok = np.abs(f) <= 4e-15 * (1.0 + np.abs(ga_) + np.abs(g_be) + np.abs(g_al))
    if not ok.all():
        r = np.flatnonzero(~ok)
        lo = np.minimum(g_be[r], g_be[r] + g_al[r])
        hi = np.maximum(g_be[r], g_be[r] + g_al[r])
        ga_[r] = _newton_safe(g_al[r], g_be[r], g_ga[r], g_de[r], g_c[r], a[gi][r], lo, hi)
    a[gi] = ga_
    unique = glob.copy()
    rest = np.flatnonzero(~glob)
    if rest.size:
        r_al, r_be, r_ga, r_de, r_c = lal[rest], lbe[rest], lga[rest], lde[rest], c[rest]
        lo = np.minimum(r_be, r_be + r_al)
        hi = np.maximum(r_be, r_be + r_al)
        cert = np.zeros(rest.size, dtype=bool)
        for _ in range(12):
            bl, bh = r_de + r_ga * _sig(lo), r_de + r_ga * _sig(hi)
            bound = r_c * _dsig_max(lo, hi) * _dsig_max(np.minimum(bl, bh), np.maximum(bl, bh))
            cert |= bound < 1.0
            if cert.all():
                break
            lo = r_be + r_al * _sig(bl)  # K(lo) and K(hi): still a bracket of every root
            hi = r_be + r_al * _sig(bh)
        w = np.flatnonzero(cert)
        if w.size:
            a[rest[w]] = _newton_safe(r_al[w], r_be[w], r_ga[w], r_de[w], r_c[w],
                                      0.5 * (lo[w] + hi[w]), lo[w], hi[w])
        unique[rest[w]] = True
    bif = np.full(k, np.nan)
    tr = np.flatnonzero(~unique)
    if tr.size:  # several QRE at this lam: trace, on unit-range payoffs
        scale = np.maximum(np.ptp(A[tr].reshape(tr.size, -1), axis=1),
                           np.ptp(B[tr].reshape(tr.size, -1), axis=1))
        ls = lam[tr] * scale
        at, bif[tr] = _trace_2x2(lal[tr] / ls, lbe[tr] / ls, lga[tr] / ls, lde[tr] / ls, ls)
        bif[tr] /= scale
        a[tr] = at
    P = np.empty((k, 2))
    Q = np.empty((k, 2))
    b = lde + lga * _sig(a)
    P[:, 0] = _sig(a)
    P[:, 1] = _sig(-a)
    Q[:, 0] = _sig(b)
    Q[:, 1] = _sig(-b)
    return P, Q, bif


def _warn_bifurcations(bif: np.ndarray) -> None:
    hit = np.flatnonzero(~np.isnan(bif))
    if hit.size:
        g = int(hit[0])
        warnings.warn(QREBifurcationWarning(
            f"qre: {hit.size} game(s) (first: game {g}) are non-generic: their branch from "
            f"lam = 0 passes a bifurcation point (game {g} near lam={bif[g]:.6g}); past it the "
            "branch is not unique, and the result follows the smooth continuation through it",
            hit), stacklevel=3)


def qre_2x2_local(A: Any, B: Any, lam: Any, P: Any) -> tuple[np.ndarray, np.ndarray]:
    """The QRE of 2x2 games on the *same arm* as nearby solutions ``P`` (row player's
    probabilities, shape (k, 2)): Newton's method from ``P``, no tracing.

    For derivatives of the principal-branch QRE with respect to payoffs or ``lam``: the
    principal branch can jump from one arm to another where it folds, so differences of
    :func:`qre_batch` across such a point are not derivatives; differences of this function,
    anchored at the branch point, are. Games where Newton does not converge get NaN.
    """
    a_, b_ = _check_stack(A, B)
    if a_.shape[1:] != (2, 2):
        raise UnsupportedGameError("qre_2x2_local needs 2x2 games")
    lam_ = _check_lam(lam, a_.shape[0])
    P_ = np.asarray(P, dtype=float)
    if P_.shape != (a_.shape[0], 2):
        raise ParameterError(f"P has shape {P_.shape}; expected ({a_.shape[0]}, 2)")
    lal = lam_ * (a_[:, 0, 0] - a_[:, 1, 0] - a_[:, 0, 1] + a_[:, 1, 1])
    lbe = lam_ * (a_[:, 0, 1] - a_[:, 1, 1])
    lga = lam_ * (b_[:, 0, 0] - b_[:, 0, 1] - b_[:, 1, 0] + b_[:, 1, 1])
    lde = lam_ * (b_[:, 1, 0] - b_[:, 1, 1])
    c = lal * lga
    with np.errstate(all="ignore"):
        a = np.log(P_[:, 0]) - np.log(P_[:, 1])
        for _ in range(8):  # Newton; stops once no step moves a by more than 4 ulps
            sa = _sig(a)
            sb = _sig(lde + lga * sa)
            step = (a - lbe - lal * sb) / (1.0 - c * (sb - sb * sb) * (sa - sa * sa))
            a = a - step
            if not np.any(np.abs(step) > 1e-15 * (1.0 + np.abs(a))):
                break
        sa = _sig(a)
        f = a - lbe - lal * _sig(lde + lga * sa)
        ok = np.isfinite(a) & (np.abs(f) <= 1e-9 * (1.0 + np.abs(a) + np.abs(lbe) + np.abs(lal)))
        b = lde + lga * sa
    Pn = np.stack([_sig(a), _sig(-a)], axis=1)
    Qn = np.stack([_sig(b), _sig(-b)], axis=1)
    Pn[~ok] = np.nan
    Qn[~ok] = np.nan
    return Pn, Qn


# -- public API -------------------------------------------------------------------------

def qre_batch(A: Any, B: Any, lam: Any, *, method: str = "auto"
              ) -> tuple[np.ndarray, np.ndarray]:
    """Principal-branch logit QRE of a stack of bimatrix games at precision ``lam``.

    ``A`` and ``B`` have shape ``(k, m, n)`` (row and column player's payoffs); ``lam`` is a
    number or an array of shape ``(k,)``. Returns ``(P, Q)`` of shapes ``(k, m)`` and
    ``(k, n)``. ``method="trace"`` traces every game (no 2x2 fast path).

    >>> A = np.array([[[3, 0], [5, 1]], [[2, 0], [0, 1]]])
    >>> B = np.array([[[3, 5], [0, 1]], [[1, 0], [0, 3]]])
    >>> P, Q = qre_batch(A, B, 2.0)
    >>> np.round(P[:, 0], 6), np.allclose(qre_batch(A, B, 2.0, method="trace")[0], P)
    (array([0.099788, 0.12343 ]), True)
    """
    if method not in ("auto", "trace"):
        raise ParameterError(f"method={method!r} is not one of 'auto', 'trace'")
    a, b = _check_stack(A, B)
    lams = _check_lam(lam, a.shape[0])
    if a.shape[0] == 0:
        return np.empty((0, a.shape[1])), np.empty((0, a.shape[2]))
    if a.shape[1:] == (2, 2) and method == "auto":
        P, Q, bif = _qre_2x2(a, b, lams)
    else:
        P, Q, _, bif = _trace_stack(a, b, lams)
    _warn_bifurcations(bif)
    return P, Q


def qre(game: Game, lam: float) -> QRE:
    """The logit QRE of a two-player game at precision ``lam`` on the principal branch.

    Traced from the centroid at ``lam = 0`` by predictor-corrector continuation; the first
    point of the branch at ``lam`` is returned (as Gambit's ``logit_solve_lambda`` does).

    >>> from qa_games import Game
    >>> g = Game.from_arrays([[1, 0], [0, 1]], [[1, 0], [0, 2]])
    >>> [round(x, 6) for x in qre(g, 0.0).profile[1]]
    [0.5, 0.5]
    >>> r = qre(g, 50.0)
    >>> [round(x, 6) for x in r.profile[0]], [round(x, 6) for x in r.profile[1]]
    ([0.0, 1.0], [0.0, 1.0])
    """
    if not isinstance(game, Game):
        raise GameError(f"qre needs a qa_games Game, got {type(game).__name__}")
    if game.n_players != 2:
        raise UnsupportedGameError(
            f"qre supports two-player games only; this game has {game.n_players} players")
    lam_f = float(_check_lam(lam))
    A = np.asarray(game.payoffs[0], dtype=np.float64)[None]
    B = np.asarray(game.payoffs[1], dtype=np.float64)[None]
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(B))):
        raise GameError("qre: payoffs must be finite")
    P, Q, steps, bif = _trace_stack(A, B, np.array([lam_f]))
    _warn_bifurcations(bif)
    return QRE(game, lam_f, (tuple(float(v) for v in P[0]), tuple(float(v) for v in Q[0])),
               int(steps[0]), None if np.isnan(bif[0]) else float(bif[0]))
