"""Private kernel of :mod:`qa_games.solvers.batch`: exact extreme equilibria of stacks of
small integer games, vectorised.

Theory (von Stengel 2002, "Computing equilibria for two-person games", sec. 2-3; the
same characterisation as :mod:`qa_games.solvers.vertex_enumeration`): with both payoff
matrices shifted to positive integers, the extreme equilibria are the completely
labelled pairs of nonzero vertices of ``P = {x >= 0 : B^T x <= 1}`` and
``Q = {y >= 0 : A y <= 1}``. Every nonzero vertex of ``P`` has a basis made of
``x_i = 0`` off a support ``S`` and ``|S|`` tight columns ``T`` with ``B[S, T]``
nonsingular, so the vertices of ``P`` are the feasible solutions of the systems
``B[S, T]^T x_S = 1`` over all pairs ``|S| = |T|`` (as Gambit's ``enummixed`` and
``vertex_enumeration`` compute them one game at a time).

Here every system of every game is solved at once by fraction-free Gauss-Jordan
elimination (Bareiss 1968; the integer pivoting of Edmonds 1967) on integers held in
float64: each intermediate is a minor of the augmented integer matrix and each
division is exact, so the arithmetic is exact when Hadamard's bound on those minors
stays below 2**26 (products below 2**52).
:func:`exact_safe` says which games qualify; feasibility, labels (tight constraints),
degeneracy (a vertex of ``P`` with more than ``m`` labels or of ``Q`` with more than
``n``) and completely labelled pairs are all decided on exact integers. The equilibria are
reported as correctly rounded floats ``num / sum(num)`` and ordered by them, which is
the exact order when every denominator is below 2**25 (distinct fractions then differ
by more than 2**-50, and equal ones round to equal floats, which merges a degenerate
vertex reached from several bases); a game with a larger denominator is left to the
caller.
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np

__all__: list[str] = []  # private module

#: Hadamard bound on the minors up to which the kernel is exact (products of two
#: minors stay below 2**52, exact in float64).
MINOR_BOUND = 2.0**26
#: Largest denominator of a reported mix whose float order is the exact order.
ORDER_BOUND = 2**25


def exact_safe(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``(K,) bool``: games whose entries are integers small enough for the kernel.

    The shifted entries of game ``g`` lie in ``[1, v]``; the minors of the augmented
    systems of size ``s`` are bounded by ``(v * sqrt(s + 1)) ** s`` (Hadamard).
    """
    K, m, n = A.shape
    s = min(m, n)
    ok = np.ones(K, dtype=bool)
    for X in (A, B):
        flat = X.reshape(K, -1)
        ok &= np.all(flat == np.round(flat), axis=1)
        v = flat.max(axis=1) - flat.min(axis=1) + 1.0
        ok &= s * math.log(math.sqrt(s + 1)) + s * np.log(v) < math.log(MINOR_BOUND)
    return ok


@functools.lru_cache(maxsize=64)
def _systems(d: int, k: int, s: int) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (support ``T`` of size s among d variables, tight rows ``R`` among k)."""
    ts = np.array(list(itertools.combinations(range(d), s)), dtype=np.intp).reshape(-1, s)
    rs = np.array(list(itertools.combinations(range(k), s)), dtype=np.intp).reshape(-1, s)
    return np.repeat(ts, len(rs), axis=0), np.tile(rs, (len(ts), 1))


def _gauss_jordan(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fraction-free Gauss-Jordan on ``M (N, s, s + 1)``, integers in float64 (modified
    in place).

    Returns ``(det, num)``: ``det (N,)`` the determinant of the left ``s x s`` block
    up to sign (0 when singular) and ``num (N, s)`` with ``num / det`` the solution.
    """
    N, s, _ = M.shape
    alive = np.ones(N, dtype=bool)
    prev = np.ones(N)
    idx = np.arange(N)
    for c in range(s):
        # pivot: the first row >= c with a nonzero entry in column c
        nz = M[:, c:, c] != 0
        has = nz.any(axis=1)
        alive &= has
        r = c + np.argmax(nz, axis=1)
        swap = r != c
        if swap.any():
            w = idx[swap]
            rows_c = M[w, c].copy()
            M[w, c] = M[w, r[swap]]
            M[w, r[swap]] = rows_c
        piv = np.where(alive, M[:, c, c], 1)
        M[~alive, c, c] = 1
        prow = M[:, c, :].copy()
        f = M[:, :, c].copy()
        f[:, c] = 0
        M *= piv[:, None, None]
        M -= f[:, :, None] * prow[:, None, :]
        M /= prev[:, None, None]  # exact: the quotients are minors
        M[:, c, :] = prow
        prev = np.where(alive, piv, prev)
    det = np.where(alive, prev, 0)
    return det, M[:, :, s].copy()


def vertices(X: np.ndarray, z_bits: np.ndarray, r_bits: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """The nonzero vertices of ``{z >= 0 : X[g] z <= 1}`` for a stack ``X (K, k, d)`` of
    positive integer matrices (within :func:`exact_safe`'s bound).

    Returns flat records ``(game (N,), slot (N,), num (N, d) int64, den (N,) int64 > 0,
    labels (N,) int64 bit masks, width)``: one per feasible basis, so a degenerate
    vertex may come more than once; ``slot`` numbers each game's records ``0, 1, ...``
    and ``width`` is the largest count. Bit ``z_bits[i]`` is set when ``z_i = 0``, bit
    ``r_bits[r]`` when row ``r`` is tight.
    """
    K, k, d = X.shape
    out_g, out_pos, out_num, out_den, out_lab = [], [], [], [], []
    zb = np.int64(1) << z_bits.astype(np.int64)
    rb = np.int64(1) << r_bits.astype(np.int64)
    Xf = X.astype(float)
    offset = np.zeros(K, dtype=np.intp)
    for s in range(1, min(k, d) + 1):
        T, R = _systems(d, k, s)
        P = len(T)
        M = np.empty((K, P, s, s + 1))
        M[..., :s] = Xf[:, R[:, :, None], T[:, None, :]]
        M[..., s] = 1.0
        det, num_s = _gauss_jordan(M.reshape(K * P, s, s + 1))
        det = det.reshape(K, P)
        num_s = num_s.reshape(K, P, s)
        sign = np.where(det < 0, -1.0, 1.0)
        det = det * sign
        num_s = num_s * sign[..., None]
        ok = (det > 0) & (_min_last(num_s) >= 0)
        gg, pp = np.nonzero(ok)
        if not len(gg):
            continue
        num = np.zeros((len(gg), d))
        np.put_along_axis(num, T[pp], num_s[gg, pp], axis=1)
        den = det[gg, pp]
        rows = np.einsum("nkd,nd->nk", Xf[gg], num)
        feasible = (rows <= den[:, None]).all(axis=1)
        gg, num, den, rows = gg[feasible], num[feasible], den[feasible], rows[feasible]
        lab = ((num == 0) * zb).sum(axis=1) + ((rows == den[:, None]) * rb).sum(axis=1)
        pos = np.arange(len(gg)) - np.searchsorted(gg, gg, side="left") + offset[gg]
        offset += np.bincount(gg, minlength=K)
        out_g.append(gg)
        out_pos.append(pos)
        out_num.append(num.astype(np.int64))
        out_den.append(den.astype(np.int64))
        out_lab.append(lab)
    if not out_g:
        return (np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros((0, d), np.int64),
                np.zeros(0, np.int64), np.zeros(0, np.int64), 0)
    return (np.concatenate(out_g), np.concatenate(out_pos), np.concatenate(out_num),
            np.concatenate(out_den), np.concatenate(out_lab), int(offset.max()))


def _min_last(x: np.ndarray) -> np.ndarray:
    out = x[..., 0]
    for i in range(1, x.shape[-1]):
        out = np.minimum(out, x[..., i])
    return out


def _popcount(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.uint64)
    return np.bitwise_count(x) if hasattr(np, "bitwise_count") else \
        np.array([bin(int(v)).count("1") for v in x], dtype=np.int64)


def solve_stack(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                      np.ndarray, tuple]:
    """Extreme equilibria of each game of integer stacks ``A, B (K, m, n)`` (float64
    holding integers within :func:`exact_safe`'s bound).

    Returns ``(handled (K,) bool, degenerate (K,) bool, counts (K,), records)`` where
    ``records`` is ``(game, x (N, m) float, y (N, n) float)`` sorted by game, then in
    :func:`qa_games.solvers.solve.solve`'s order (decreasing lexicographic in ``x``
    then ``y``); ``x`` and ``y`` are the correctly rounded floats of the exact mixes.
    Games not ``handled`` (a denominator of :data:`ORDER_BOUND` or more) have no
    records; the caller solves them otherwise.
    """
    K, m, n = A.shape
    Ai = (A - A.reshape(K, -1).min(axis=1)[:, None, None] + 1).astype(np.int64)
    Bi = (B - B.reshape(K, -1).min(axis=1)[:, None, None] + 1).astype(np.int64)
    rows_bits = np.arange(m)
    cols_bits = m + np.arange(n)
    # P: x in R^m, rows = columns of B; Q: y in R^n, rows = rows of A
    pg, ppos, pnum, _, plab, pw = vertices(np.ascontiguousarray(np.swapaxes(Bi, 1, 2)),
                                           rows_bits, cols_bits)
    qg, qpos, qnum, _, qlab, qw = vertices(Ai, cols_bits, rows_bits)
    degenerate = np.zeros(K, dtype=bool)
    degenerate[pg[_popcount(plab) > m]] = True
    degenerate[qg[_popcount(qlab) > n]] = True
    full = (1 << (m + n)) - 1
    handled = np.ones(K, dtype=bool)
    if pw == 0 or qw == 0:
        return handled, degenerate, np.zeros(K, np.intp), (
            np.zeros(0, np.intp), np.zeros((0, m)), np.zeros((0, n)))
    # per game, every P record against every Q record (padded; few records each)
    PL = np.full((K, pw), -1, dtype=np.int64)
    QL = np.full((K, qw), -1, dtype=np.int64)
    PI = np.zeros((K, pw), dtype=np.intp)
    QI = np.zeros((K, qw), dtype=np.intp)
    PL[pg, ppos] = plab
    QL[qg, qpos] = qlab
    PI[pg, ppos] = np.arange(len(pg))
    QI[qg, qpos] = np.arange(len(qg))
    match = ((PL[:, :, None] | QL[:, None, :]) == full) & (PL >= 0)[:, :, None] \
        & (QL >= 0)[:, None, :]
    gg, a, b = np.nonzero(match)
    ip, iq = PI[gg, a], QI[gg, b]
    sx, sy = pnum[ip].sum(axis=1), qnum[iq].sum(axis=1)
    handled[gg[(sx >= ORDER_BOUND) | (sy >= ORDER_BOUND)]] = False
    keep = handled[gg]
    gg, ip, iq, sx, sy = gg[keep], ip[keep], iq[keep], sx[keep], sy[keep]
    x = pnum[ip] / sx[:, None]
    y = qnum[iq] / sy[:, None]
    keys = [-y[:, c] for c in reversed(range(n))] + [-x[:, c] for c in reversed(range(m))]
    order = np.lexsort(keys + [gg])
    gg, x, y = gg[order], x[order], y[order]
    # a degenerate vertex reached from several bases: equal rationals, equal floats
    if len(gg) > 1:
        repeat = np.zeros(len(gg), dtype=bool)
        repeat[1:] = (gg[1:] == gg[:-1]) & (x[1:] == x[:-1]).all(axis=1) \
            & (y[1:] == y[:-1]).all(axis=1)
        gg, x, y = gg[~repeat], x[~repeat], y[~repeat]
    return handled, degenerate, np.bincount(gg, minlength=K), (gg, x, y)
