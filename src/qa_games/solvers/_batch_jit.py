"""Private numba kernels of :mod:`qa_games.solvers.batch_compiled` (imported only there,
lazily, when numba is installed: the optional ``fast`` extra).

One Python-level call per stack; inside, a plain loop over games, each solved by
vertex enumeration of its two best-response polytopes (von Stengel 2002, sec. 2-3; the
method of :mod:`qa_games.solvers.vertex_enumeration`): a search over the bases of
``M z + s = 1, z, s >= 0``, then the completely labelled vertex pairs.
:func:`solve_int` pivots in fraction-free integer arithmetic (Edmonds 1967; integer
pivoting as in ``vertex_enumeration.polytope_vertices``) on integers held in float64
(floating arithmetic is several times faster than int64 division, and exact on these
exact quotients) and is exact within the caller's Hadamard bound (2**26: a product of
two minors is below 2**52); it visits only the lexicographically feasible bases
(:func:`_poly_lex`, von Stengel 2002 sec. 2.4: one perturbation, each entering column
one leaving row; the same vertices as the search over every feasible basis,
:func:`_poly_int`, from fewer bases on degenerate games) and pairs the vertices through
bit sets of labels. :func:`solve_float` pivots in float64 over every feasible basis
and gives up on a game (``suspect``) as soon as a decision is within ``eps`` (a zero or
near-zero basic variable, a near-tie in a ratio test, a tiny pivot): a game it finishes is
nondegenerate, each vertex has one basis and the result is within rounding of the
exact one. :func:`closed_2x2` is the fused form of ``batch_2x2.exact_2x2``.
"""

from __future__ import annotations

import numpy as np

try:
    from numba import njit

    HAVE_NUMBA = True
except ImportError:  # the optional extra is absent: the module still imports (pytest
    HAVE_NUMBA = False  # collects every module), and batch_compiled.load() refuses it

    def njit(*args, **kwargs):  # type: ignore[no-redef]
        return lambda f: f

__all__: list[str] = []  # private module


@njit(cache=True, error_model="numpy", nogil=True)
def _popcount(x: int) -> int:
    c = 0
    while x:
        x &= x - 1
        c += 1
    return c


@njit(cache=True, error_model="numpy", nogil=True)
def _label_bits(zbit, sbit):
    """The label bit of each variable of ``M z + s = 1``: ``zbit`` for ``z``, then
    ``sbit`` for the slacks."""
    d = zbit.shape[0]
    k = sbit.shape[0]
    lab_of = np.empty(d + k, np.int64)
    for i in range(d):
        lab_of[i] = np.int64(1) << zbit[i]
    for r in range(k):
        lab_of[d + r] = np.int64(1) << sbit[r]
    return lab_of


@njit(cache=True, error_model="numpy", nogil=True)
def _poly_int(M, k, d, zbit, sbit, stab, sbas, snon, sdet, cur, seen, stamp, vst, vnum,
              vlab):
    """Every vertex of ``{z >= 0 : M z <= 1}`` (M ``k x d`` positive integers held in
    float64; every tableau entry is a minor, below 2**26 by the caller's bound, so
    products of two are exact and each division by the previous pivot is exact).

    Writes ``vnum[v, :d]`` (numerators over a positive common denominator; the
    denominator is dropped: callers normalise by the sum) and ``vlab[v]`` (label bit
    masks: ``zbit[i]`` for ``z_i = 0``, ``sbit[r]`` for a tight row); returns the count.
    Vertices are told apart by their label sets (the tight constraints of a vertex
    determine it). ``seen``/``vst`` are stamp arrays indexed by basis / label masks.
    """
    lab_of = np.empty(d + k, np.int64)
    for i in range(d):
        lab_of[i] = np.int64(1) << zbit[i]
    for r in range(k):
        lab_of[d + r] = np.int64(1) << sbit[r]
    rows = np.empty(k + 1, np.int64)
    ties = np.empty(k + 1, np.int64)
    for r in range(k):
        for c in range(d):
            stab[0, r, c] = M[r, c]
        stab[0, r, d] = 1
        sbas[0, r] = d + r
    for c in range(d):
        snon[0, c] = c
    sdet[0] = 1
    start = 0
    for r in range(k):
        start |= np.int64(1) << (d + r)
    seen[start] = stamp
    top = 1
    nv = 0
    bas = np.empty(k, np.int64)
    non = np.empty(d, np.int64)
    while top > 0:
        top -= 1
        for r in range(k):
            for c in range(d + 1):
                cur[r, c] = stab[top, r, c]
            bas[r] = sbas[top, r]
        for c in range(d):
            non[c] = snon[top, c]
        det = sdet[top]
        labels = np.int64(0)
        for c in range(d):
            labels |= lab_of[non[c]]
        for r in range(k):
            if cur[r, d] == 0:
                labels |= lab_of[bas[r]]
        if vst[labels] != stamp:
            vst[labels] = stamp
            for c in range(d):
                vnum[nv, c] = 0
            for r in range(k):
                if bas[r] < d:
                    vnum[nv, bas[r]] = np.int64(cur[r, d] if det > 0 else -cur[r, d])
            vlab[nv] = labels
            nv += 1
        positive = det > 0
        bmask = np.int64(0)
        for r in range(k):
            bmask |= np.int64(1) << bas[r]
        for q in range(d):
            e = non[q]
            nrows = 0
            has_zero_ratio = False
            for r in range(k):
                if cur[r, d] == 0:
                    a = cur[r, q]
                    if a != 0:
                        rows[nrows] = r
                        nrows += 1
                        if (a > 0) == positive:
                            has_zero_ratio = True
            if not has_zero_ratio:
                best = -1
                nties = 0
                bn = 0.0
                bd = 0.0
                for r in range(k):
                    a = cur[r, q]
                    if a == 0 or (a > 0) != positive:
                        continue
                    x = cur[r, d]
                    if x == 0:
                        continue
                    if best < 0:
                        best, bn, bd, nties = r, x, a, 0
                        continue
                    lhs = x * bd
                    rgt = bn * a
                    if lhs < rgt:
                        best, bn, bd, nties = r, x, a, 0
                    elif lhs == rgt:
                        ties[nties] = r
                        nties += 1
                if best >= 0:
                    rows[nrows] = best
                    nrows += 1
                    for t in range(nties):
                        rows[nrows] = ties[t]
                        nrows += 1
            for t in range(nrows):
                r = rows[t]
                mask = bmask ^ (np.int64(1) << bas[r]) ^ (np.int64(1) << e)
                if seen[mask] == stamp:
                    continue
                seen[mask] = stamp
                p = cur[r, q]
                for i in range(k):
                    if i == r:
                        for c in range(d + 1):
                            stab[top, i, c] = cur[r, c]
                        stab[top, i, q] = det
                    else:
                        f = cur[i, q]
                        if f == 0:
                            for c in range(d + 1):
                                stab[top, i, c] = cur[i, c] * p / det
                        else:
                            for c in range(d + 1):
                                stab[top, i, c] = (cur[i, c] * p - f * cur[r, c]) / det
                            stab[top, i, q] = -f
                    sbas[top, i] = bas[i]
                sbas[top, r] = e
                for c in range(d):
                    snon[top, c] = non[c]
                snon[top, q] = bas[r]
                sdet[top] = p
                top += 1
    return nv


@njit(cache=True, error_model="numpy", nogil=True)
def _keep_least_ratio(cur, num, q, cand, nc):
    """Keep, of the rows ``cand[:nc]`` (each with ``cur[r, q] > 0``), those of least
    ratio ``cur[r, num] / cur[r, q]``, compared by cross products (exact on the integers
    held in float64), in their order; returns how many are kept."""
    w = 0
    bn = 0.0
    bd = 1.0
    for i in range(nc):
        r = cand[i]
        x = cur[r, num]
        a = cur[r, q]
        if w == 0:
            cand[0] = r
            w = 1
            bn = x
            bd = a
            continue
        lhs = x * bd
        rgt = bn * a
        if lhs < rgt:
            cand[0] = r
            w = 1
            bn = x
            bd = a
        elif lhs == rgt:
            cand[w] = r
            w += 1
    return w


@njit(cache=True, error_model="numpy", nogil=True)
def _poly_lex(M, k, d, lab_of, stab, sbas, snon, sdet, sskip, qix, seen, stamp, vst, vnum,
              vlab, cand, where):
    """:func:`_poly_int` visiting only the *lexicographically feasible* bases (von
    Stengel 2002, sec. 2.4: the bases of the polytope with right-hand side perturbed to
    ``1 + (eps, eps**2, ...)``, nondegenerate, so each entering column has one leaving
    row, the least ratio tie-broken by the rows of ``B^-1`` over the pivot column). Every
    vertex of ``{z >= 0 : M z <= 1}`` is the limit of a vertex of the perturbed polytope,
    whose graph is connected, so the search reaches every vertex, from fewer bases than
    the feasible ones of a degenerate vertex. The same outputs as :func:`_poly_int`
    (vertices, label masks, up to order).

    The search is breadth first over a queue of tableaux (``stab``, ``sbas``, ``snon``,
    ``sdet``; each basis enters it once, found by its mask in ``seen``, at the slot
    ``qix[mask]``). The perturbed polytope is nondegenerate, so its edges are symmetric:
    when basis ``t`` pivots to a found basis ``u`` (entering ``e``, ``b`` leaving),
    entering ``b`` at ``u`` leads back to ``t``; ``sskip[u]`` collects such variables
    (bit masks), whose ratio tests ``u`` skips: each edge is tested once.
    ``lab_of[v]``: the label bit of variable ``v`` (``z`` then slacks); ``cand``,
    ``where``: work arrays of ``k`` entries."""
    for r in range(k):
        for c in range(d):
            stab[0, r, c] = M[r, c]
        stab[0, r, d] = 1
        sbas[0, r] = d + r
    for c in range(d):
        snon[0, c] = c
    sdet[0] = 1
    sskip[0] = 0
    start = 0
    for r in range(k):
        start |= np.int64(1) << (d + r)
    seen[start] = stamp
    qix[start] = 0
    top = 1  # a queue: bases head..top-1 are found and not yet expanded
    head = 0
    nv = 0
    while head < top:
        cur = stab[head]  # read in place: children go to new slots (each basis once)
        bas = sbas[head]
        non = snon[head]
        det = sdet[head]
        skip = sskip[head]
        head += 1
        labels = np.int64(0)
        for c in range(d):
            labels |= lab_of[non[c]]
        for r in range(k):
            if cur[r, d] == 0:
                labels |= lab_of[bas[r]]
        if vst[labels] != stamp:
            vst[labels] = stamp
            for c in range(d):
                vnum[nv, c] = 0
            for r in range(k):
                if bas[r] < d:
                    vnum[nv, bas[r]] = np.int64(cur[r, d])
            vlab[nv] = labels
            nv += 1
        bmask = np.int64(0)
        for r in range(k):
            bmask |= np.int64(1) << bas[r]
        filled = False
        for q in range(d):
            if (skip >> non[q]) & 1:
                continue
            # the least ratio rhs / a over the rows with a > 0 (det > 0 at every basis:
            # 1 at the start, then a pivot entry a > 0), compared by cross products
            nc = 0
            for r in range(k):
                if cur[r, q] > 0:
                    cand[nc] = r
                    nc += 1
            nc = _keep_least_ratio(cur, d, q, cand, nc)
            if nc == 0:
                continue  # unbounded direction (not in a bounded P; kept for safety)
            if nc > 1:  # ties: by the columns of B^-1 (slack c's tableau column) over a
                if not filled:  # where[c]: slack c's nonbasic column, or -1 when basic
                    for c in range(k):
                        where[c] = -1
                    for qq in range(d):
                        if non[qq] >= d:
                            where[non[qq] - d] = qq
                    filled = True
                for c in range(k):
                    qc = where[c]
                    if qc < 0:  # slack c basic in row t: its ratio is positive, 0 elsewhere
                        w = 0
                        for i in range(nc):
                            if bas[cand[i]] != d + c:
                                cand[w] = cand[i]
                                w += 1
                        nc = w
                    else:
                        nc = _keep_least_ratio(cur, qc, q, cand, nc)
                    if nc == 1:
                        break
            r = cand[0]
            e = non[q]
            mask = bmask ^ (np.int64(1) << bas[r]) ^ (np.int64(1) << e)
            if seen[mask] == stamp:
                sskip[qix[mask]] |= np.int64(1) << bas[r]
                continue
            seen[mask] = stamp
            qix[mask] = top
            p = cur[r, q]
            # each quotient below is an exact integer under 2**26 (a minor) and each
            # dividend exact (under 2**53), so rounding the product by 1 / det, within
            # 2**-26 of the quotient, gives it exactly (a division is several times slower)
            inv = 1.0 / det
            nxt = stab[top]
            for i in range(k):
                if i == r:
                    for c in range(d + 1):
                        nxt[i, c] = cur[r, c]
                    nxt[i, q] = det
                else:
                    f = cur[i, q]
                    if f == 0:
                        for c in range(d + 1):
                            nxt[i, c] = np.rint(cur[i, c] * p * inv)
                    else:
                        for c in range(d + 1):
                            nxt[i, c] = np.rint((cur[i, c] * p - f * cur[r, c]) * inv)
                        nxt[i, q] = -f
                sbas[top, i] = bas[i]
            sbas[top, r] = e
            for c in range(d):
                snon[top, c] = non[c]
            snon[top, q] = bas[r]
            sdet[top] = p
            sskip[top] = np.int64(1) << bas[r]
            top += 1
    return nv


@njit(cache=True, error_model="numpy", nogil=True)
def _greater(na, sa, nb, sb, d):
    """Is ``na / sa`` lexicographically greater than ``nb / sb`` (int64, exact)?
    Returns 1, 0 (equal) or -1."""
    for c in range(d):
        u = na[c] * sb
        v = nb[c] * sa
        if u > v:
            return 1
        if u < v:
            return -1
    return 0


@njit(cache=True, error_model="numpy", nogil=True)
def _grow(arr, need):
    if need <= arr.shape[0]:
        return arr
    new = np.empty((max(need, 2 * arr.shape[0]),) + arr.shape[1:], arr.dtype)
    new[:arr.shape[0]] = arr
    return new


@njit(cache=True, error_model="numpy", nogil=True)
def _pair_before(pnum, psum, qnum, qsum, u, v, u2, v2, m, n):
    """Does the equilibrium ``(u, v)`` come before ``(u2, v2)`` in ``solve``'s order
    (decreasing lexicographic in ``x``, then ``y``)?"""
    c = _greater(pnum[u], psum[u], pnum[u2], psum[u2], m)
    if c == 0:
        c = _greater(qnum[v], qsum[v], qnum[v2], qsum[v2], n)
    return c > 0


@njit(cache=True, error_model="numpy", nogil=True)
def solve_int(A, B, n_bases, every_basis):
    """Extreme equilibria of each game of stacks ``A, B (K, m, n)`` of positive integers
    held in float64 (within the caller's Hadamard bound), exactly.

    Returns ``(degenerate (K,), counts (K,), game (N,), x (N, m), y (N, n))``: the
    records sorted by game, then in ``solve``'s order (decreasing lexicographic in
    ``x`` then ``y``), ``x`` and ``y`` the correctly rounded floats of the exact mixes.
    ``n_bases``: ``C(m + n, m)``, the most bases a polytope can have. The polytopes are
    searched by :func:`_poly_lex` (lexicographically feasible bases), or by
    :func:`_poly_int` (every feasible basis; the same results, slower on ties) when
    ``every_basis``.
    """
    K, m, n = A.shape
    w = max(m, n)
    S = n_bases + 1
    stab = np.empty((S, w, w + 1), np.float64)
    sbas = np.empty((S, w), np.int64)
    snon = np.empty((S, w), np.int64)
    sdet = np.empty(S, np.float64)
    sskip = np.empty(S, np.int64)
    cur = np.empty((w, w + 1), np.float64)
    size = 1 << (m + n)
    seen = np.zeros(size, np.int64)
    vst = np.zeros(size, np.int64)
    qpos = np.zeros(size, np.int64)
    qix = np.zeros(size, np.int64)
    words = (S + 63) // 64
    qhas = np.zeros((m + n, words), np.int64)
    qnz = np.zeros(words, np.int64)
    cand = np.zeros(words, np.int64)
    pnum = np.empty((S, m), np.int64)
    plab = np.empty(S, np.int64)
    qnum = np.empty((S, n), np.int64)
    qlab = np.empty(S, np.int64)
    psum = np.empty(S, np.int64)
    qsum = np.empty(S, np.int64)
    eu = np.empty(S, np.int64)  # the equilibria of a game as vertex pairs (grown)
    ev = np.empty(S, np.int64)
    Bt = np.empty((n, m), np.float64)
    zb_p = np.arange(m)
    sb_p = m + np.arange(n)
    zb_q = m + np.arange(n)
    sb_q = np.arange(m)
    lab_p = _label_bits(zb_p, sb_p)
    lab_q = _label_bits(zb_q, sb_q)
    work1 = np.empty(w, np.int64)
    work2 = np.empty(w, np.int64)
    degenerate = np.zeros(K, np.bool_)
    counts = np.zeros(K, np.int64)
    cap = 4 * K + 16
    og = np.empty(cap, np.int64)
    ox = np.empty((cap, m), np.float64)
    oy = np.empty((cap, n), np.float64)
    N = 0
    full = (np.int64(1) << (m + n)) - 1
    stamp = 0
    for g in range(K):
        for i in range(m):
            for j in range(n):
                Bt[j, i] = B[g, i, j]
        stamp += 1
        if every_basis:
            npv = _poly_int(Bt, n, m, zb_p, sb_p, stab, sbas, snon, sdet, cur, seen, stamp,
                            vst, pnum, plab)
        else:
            npv = _poly_lex(Bt, n, m, lab_p, stab, sbas, snon, sdet, sskip, qix, seen,
                            stamp, vst, pnum, plab, work1, work2)
        stamp += 1
        if every_basis:
            nqv = _poly_int(A[g], m, n, zb_q, sb_q, stab, sbas, snon, sdet, cur, seen,
                            stamp, vst, qnum, qlab)
        else:
            nqv = _poly_lex(A[g], m, n, lab_q, stab, sbas, snon, sdet, sskip, qix,
                            seen, stamp, vst, qnum, qlab, work1, work2)
        deg = False
        for v in range(npv):
            if _popcount(plab[v]) > m:
                deg = True
            s = np.int64(0)
            for c in range(m):
                s += pnum[v, c]
            psum[v] = s
        for v in range(nqv):
            if _popcount(qlab[v]) > n:
                deg = True
            s = np.int64(0)
            for c in range(n):
                s += qnum[v, c]
            qsum[v] = s
            qpos[qlab[v]] = v  # label sets are unique per polytope (vst), stamped now
        degenerate[g] = deg
        W = (nqv + 63) // 64
        if deg:  # bit sets over the nonzero Q vertices: qhas[b] those with label b
            for t in range(W):
                qnz[t] = 0
                for b in range(m + n):
                    qhas[b, t] = 0
            for v in range(nqv):
                if qsum[v] > 0:
                    bit = np.int64(1) << (v & 63)
                    qnz[v >> 6] |= bit
                    lab = qlab[v]
                    for b in range(m + n):
                        if (lab >> b) & 1:
                            qhas[b, v >> 6] |= bit
        ne = 0
        for u in range(npv):
            if psum[u] == 0:
                continue
            need = full ^ plab[u]
            if not deg:  # every vertex has exactly its dimension's labels: one partner
                if vst[need] == stamp:
                    v = qpos[need]
                    if qsum[v] > 0:  # at most one partner per u: ne < npv <= S
                        eu[ne] = u
                        ev[ne] = v
                        ne += 1
                continue
            # the Q vertices holding every label in need: the AND of their bit sets
            for t in range(W):
                cand[t] = qnz[t]
            for b in range(m + n):
                if (need >> b) & 1:
                    for t in range(W):
                        cand[t] &= qhas[b, t]
            for t in range(W):
                c = cand[t]
                while c != 0:
                    z = 0
                    while not (c >> z) & 1:
                        z += 1
                    c &= c - 1
                    if ne == eu.shape[0]:
                        eu = _grow(eu, ne + 1)
                        ev = _grow(ev, ne + 1)
                    eu[ne] = u
                    ev[ne] = 64 * t + z
                    ne += 1
        for i in range(1, ne):  # insertion sort into solve's order
            j = i
            while j > 0 and _pair_before(pnum, psum, qnum, qsum, eu[j], ev[j], eu[j - 1],
                                         ev[j - 1], m, n):
                eu[j], eu[j - 1] = eu[j - 1], eu[j]
                ev[j], ev[j - 1] = ev[j - 1], ev[j]
                j -= 1
        if N + ne > og.shape[0]:
            og = _grow(og, N + ne)
            ox = _grow(ox, N + ne)
            oy = _grow(oy, N + ne)
        for i in range(ne):
            u = eu[i]
            v = ev[i]
            og[N] = g
            for c in range(m):
                ox[N, c] = np.float64(pnum[u, c]) / np.float64(psum[u])
            for c in range(n):
                oy[N, c] = np.float64(qnum[v, c]) / np.float64(qsum[v])
            N += 1
        counts[g] = ne
    return degenerate, counts, og[:N].copy(), ox[:N].copy(), oy[:N].copy()


@njit(cache=True, error_model="numpy", nogil=True)
def _poly_float(M, k, d, lab_of, stab, sbas, snon, sdet, cur, seen, stamp, vst, vval,
                vlab, eps, ratio_min, norm, bas, non):
    """:func:`_poly_int` in float64 for a nondegenerate polytope: returns the vertex
    count, or -1 when a decision is within ``eps`` or a basis is ill-conditioned (its
    Hadamard ratio ``|det| / prod(column norms)`` below ``ratio_min``; ``det`` is the
    product of the pivots along the search path): the caller gives up on the game.
    ``lab_of``: as for :func:`_poly_lex`; ``norm``, ``bas``, ``non``: work arrays."""
    for c in range(d):
        s = 0.0
        for r in range(k):
            s += M[r, c] * M[r, c]
        norm[c] = np.sqrt(s)
    for r in range(k):
        for c in range(d):
            stab[0, r, c] = M[r, c]
        stab[0, r, d] = 1.0
        sbas[0, r] = d + r
    for c in range(d):
        snon[0, c] = c
    sdet[0] = 1.0
    start = 0
    for r in range(k):
        start |= np.int64(1) << (d + r)
    seen[start] = stamp
    top = 1
    nv = 0
    while top > 0:
        top -= 1
        for r in range(k):
            for c in range(d + 1):
                cur[r, c] = stab[top, r, c]
            bas[r] = sbas[top, r]
        for c in range(d):
            non[c] = snon[top, c]
        det = sdet[top]
        hadamard = 1.0
        for r in range(k):
            if bas[r] < d:
                hadamard *= norm[bas[r]]
        if abs(det) < ratio_min * hadamard:
            return -1
        labels = np.int64(0)
        for c in range(d):
            labels |= lab_of[non[c]]
        for r in range(k):
            if cur[r, d] <= eps:  # a zero (degenerate) or an infeasible basic variable
                return -1
        if vst[labels] == stamp:  # one basis per vertex when nondegenerate
            return -1
        vst[labels] = stamp
        for c in range(d):
            vval[nv, c] = 0.0
        for r in range(k):
            if bas[r] < d:
                vval[nv, bas[r]] = cur[r, d]
        vlab[nv] = labels
        nv += 1
        bmask = np.int64(0)
        for r in range(k):
            bmask |= np.int64(1) << bas[r]
        for q in range(d):
            e = non[q]
            best = -1
            second = -1
            for r in range(k):  # the two least ratios rhs / a over a > 0, by products
                a = cur[r, q]
                if a <= eps:
                    if a > -eps and a != 0.0:
                        return -1  # a pivot entry too close to 0 to sign
                    continue
                if best < 0 or cur[r, d] * cur[best, q] < cur[best, d] * a:
                    second = best
                    best = r
                elif second < 0 or cur[r, d] * cur[second, q] < cur[second, d] * a:
                    second = r
            if best < 0:
                return -1  # unbounded in floats: P is bounded, so a rounding artefact
            if second >= 0:
                t_best = cur[best, d] / cur[best, q]
                if cur[second, d] / cur[second, q] - t_best <= eps * (1.0 + t_best):
                    return -1  # a near-tie: the next vertex is (nearly) degenerate
            r = best
            mask = bmask ^ (np.int64(1) << bas[r]) ^ (np.int64(1) << e)
            if seen[mask] == stamp:
                continue
            seen[mask] = stamp
            p = cur[r, q]
            inv = 1.0 / p
            for c in range(d + 1):
                stab[top, r, c] = cur[r, c] * inv
            stab[top, r, q] = inv
            for i in range(k):
                if i != r:
                    f = cur[i, q]
                    for c in range(d + 1):
                        stab[top, i, c] = cur[i, c] - f * stab[top, r, c]
                    stab[top, i, q] = -f * inv
                sbas[top, i] = bas[i]
            sbas[top, r] = e
            for c in range(d):
                snon[top, c] = non[c]
            snon[top, q] = bas[r]
            sdet[top] = det * p
            top += 1
    return nv


@njit(cache=True, error_model="numpy", nogil=True)
def _lex_float(xa, xb, d):
    """Compare float vectors: 1 (``xa`` greater), -1, 0; and the first difference."""
    for c in range(d):
        if xa[c] > xb[c]:
            return 1, xa[c] - xb[c]
        if xa[c] < xb[c]:
            return -1, xb[c] - xa[c]
    return 0, 0.0


@njit(cache=True, error_model="numpy", nogil=True)
def solve_float(A, B, n_bases, eps, tol, ratio_min, shift):
    """Equilibria of each game of float stacks ``A, B (K, m, n)`` that the float search
    certifies nondegenerate; each player's payoffs are first normalised to
    ``[shift, 1 + shift]`` (a constant game, all ties, is a suspect).

    Returns ``(suspect (K,), counts (K,), game (N,), x (N, m), y (N, n))`` like
    :func:`solve_int` (``suspect`` games have no records): sorted by game, then
    decreasing lexicographic in ``(x, y)``; a game whose consecutive equilibria first
    differ by at most ``tol`` is a suspect too (their float order need not be exact).
    """
    K, m, n = A.shape
    w = max(m, n)
    S = n_bases + 1
    stab = np.empty((S, w, w + 1), np.float64)
    sbas = np.empty((S, w), np.int64)
    snon = np.empty((S, w), np.int64)
    cur = np.empty((w, w + 1), np.float64)
    sdet = np.empty(S, np.float64)
    size = 1 << (m + n)
    seen = np.zeros(size, np.int64)
    vst = np.zeros(size, np.int64)
    qpos = np.zeros(size, np.int64)
    pval = np.empty((S, m), np.float64)
    plab = np.empty(S, np.int64)
    qval = np.empty((S, n), np.float64)
    qlab = np.empty(S, np.int64)
    Bt = np.empty((n, m), np.float64)
    An = np.empty((m, n), np.float64)
    zb_p = np.arange(m)
    sb_p = m + np.arange(n)
    zb_q = m + np.arange(n)
    sb_q = np.arange(m)
    lab_p = _label_bits(zb_p, sb_p)
    lab_q = _label_bits(zb_q, sb_q)
    norm = np.empty(w)
    work1 = np.empty(w, np.int64)
    work2 = np.empty(w, np.int64)
    suspect = np.zeros(K, np.bool_)
    counts = np.zeros(K, np.int64)
    cap = 4 * K + 16
    og = np.empty(cap, np.int64)
    ox = np.empty((cap, m), np.float64)
    oy = np.empty((cap, n), np.float64)
    ex = np.empty((S, m), np.float64)
    ey = np.empty((S, n), np.float64)
    order = np.empty(S, np.int64)
    N = 0
    full = (np.int64(1) << (m + n)) - 1
    stamp = 0
    for g in range(K):
        lo_a = hi_a = A[g, 0, 0]
        lo_b = hi_b = B[g, 0, 0]
        for i in range(m):
            for j in range(n):
                lo_a = min(lo_a, A[g, i, j])
                hi_a = max(hi_a, A[g, i, j])
                lo_b = min(lo_b, B[g, i, j])
                hi_b = max(hi_b, B[g, i, j])
        if hi_a == lo_a or hi_b == lo_b:
            suspect[g] = True
            continue
        for i in range(m):
            for j in range(n):
                An[i, j] = (A[g, i, j] - lo_a) / (hi_a - lo_a) + shift
                Bt[j, i] = (B[g, i, j] - lo_b) / (hi_b - lo_b) + shift
        stamp += 1
        npv = _poly_float(Bt, n, m, lab_p, stab, sbas, snon, sdet, cur, seen, stamp,
                          vst, pval, plab, eps, ratio_min, norm, work1, work2)
        if npv < 0:
            suspect[g] = True
            continue
        stamp += 1
        nqv = _poly_float(An, m, n, lab_q, stab, sbas, snon, sdet, cur, seen, stamp,
                          vst, qval, qlab, eps, ratio_min, norm, work1, work2)
        if nqv < 0:
            suspect[g] = True
            continue
        for v in range(nqv):
            qpos[qlab[v]] = v  # label sets are unique (vst) and stamped just now
        ne = 0
        for u in range(1, npv):  # vertex 0 is the origin
            need = full ^ plab[u]
            if vst[need] != stamp:
                continue
            v = qpos[need]
            if v == 0:
                continue
            s = 0.0
            for c in range(m):
                s += pval[u, c]
            for c in range(m):
                ex[ne, c] = pval[u, c] / s
            s = 0.0
            for c in range(n):
                s += qval[v, c]
            for c in range(n):
                ey[ne, c] = qval[v, c] / s
            order[ne] = ne
            ne += 1
        # insertion sort, decreasing lexicographic in (x, y)
        for i in range(1, ne):
            j = i
            while j > 0:
                a, b = order[j], order[j - 1]
                cx, _ = _lex_float(ex[a], ex[b], m)
                if cx == 0:
                    cx, _ = _lex_float(ey[a], ey[b], n)
                if cx <= 0:
                    break
                order[j], order[j - 1] = b, a
                j -= 1
        unsure = False
        for i in range(1, ne):
            a, b = order[i - 1], order[i]
            cx, gap = _lex_float(ex[a], ex[b], m)
            if cx == 0:
                cx, gap = _lex_float(ey[a], ey[b], n)
            if gap <= tol:
                unsure = True
        if unsure:
            suspect[g] = True
            continue
        if N + ne > og.shape[0]:
            og = _grow(og, N + ne)
            ox = _grow(ox, N + ne)
            oy = _grow(oy, N + ne)
        for i in range(ne):
            a = order[i]
            og[N] = g
            for c in range(m):
                ox[N, c] = ex[a, c]
            for c in range(n):
                oy[N, c] = ey[a, c]
            N += 1
        counts[g] = ne
    return suspect, counts, og[:N].copy(), ox[:N].copy(), oy[:N].copy()


@njit(cache=True, error_model="numpy", nogil=True)
def closed_2x2(A, B):
    """``batch_2x2.exact_2x2`` fused into one pass per game (the same formulas, in the
    same order, so the same floats): ``(counts, degenerate, pure_eq, row, col, pay_r,
    pay_c)``."""
    K = A.shape[0]
    codes = np.empty((K, 9), np.int8)
    counts = np.empty(K, np.int64)
    degenerate = np.empty(K, np.bool_)
    pure_eq = np.empty((K, 2, 2), np.bool_)
    E = 1
    for g in range(K):
        a0 = A[g, 0, 0] - A[g, 1, 0]
        a1 = A[g, 0, 1] - A[g, 1, 1]
        b0 = B[g, 0, 0] - B[g, 0, 1]
        b1 = B[g, 1, 0] - B[g, 1, 1]
        am = (a0 > 0 and a1 < 0) or (a0 < 0 and a1 > 0)
        bm = (b0 > 0 and b1 < 0) or (b0 < 0 and b1 > 0)
        f0 = a0 >= 0 and b0 >= 0
        f2 = a1 >= 0 and b0 <= 0
        f6 = a0 <= 0 and b1 >= 0
        f8 = a1 <= 0 and b1 <= 0
        flags = (f0, b0 == 0 and am, f2, a0 == 0 and bm, am and bm, a1 == 0 and bm,
                 f6, b1 == 0 and am, f8)
        c = 0
        for t in range(9):
            if flags[t]:
                codes[g, c] = t
                c += 1
        counts[g] = c
        if c > E:
            E = c
        degenerate[g] = a0 == 0 or a1 == 0 or b0 == 0 or b1 == 0
        pure_eq[g, 0, 0] = f0
        pure_eq[g, 0, 1] = f2
        pure_eq[g, 1, 0] = f6
        pure_eq[g, 1, 1] = f8
    row = np.empty((K, E, 2))
    col = np.empty((K, E, 2))
    pay_r = np.empty((K, E))
    pay_c = np.empty((K, E))
    nan = np.nan
    for g in range(K):
        p00, p01, p10, p11 = A[g, 0, 0], A[g, 0, 1], A[g, 1, 0], A[g, 1, 1]
        q00, q01, q10, q11 = B[g, 0, 0], B[g, 0, 1], B[g, 1, 0], B[g, 1, 1]
        a0 = p00 - p10
        a1 = p01 - p11
        b0 = q00 - q01
        b1 = q10 - q11
        xs0 = xs1 = ys0 = ys1 = nan
        if (b0 > 0 and b1 < 0) or (b0 < 0 and b1 > 0):
            db = b1 - b0
            xs0 = b1 / db
            xs1 = -b0 / db
        if (a0 > 0 and a1 < 0) or (a0 < 0 and a1 > 0):
            da = a1 - a0
            ys0 = a1 / da
            ys1 = -a0 / da
        for e in range(E):
            if e >= counts[g]:
                row[g, e, 0] = row[g, e, 1] = col[g, e, 0] = col[g, e, 1] = nan
                pay_r[g, e] = pay_c[g, e] = nan
                continue
            t = codes[g, e]
            i = t // 3
            j = t % 3
            if i == 0:
                x0, x1 = 1.0, 0.0
            elif i == 1:
                x0, x1 = xs0, xs1
            else:
                x0, x1 = 0.0, 1.0
            if j == 0:
                y0, y1 = 1.0, 0.0
            elif j == 1:
                y0, y1 = ys0, ys1
            else:
                y0, y1 = 0.0, 1.0
            row[g, e, 0] = x0
            row[g, e, 1] = x1
            col[g, e, 0] = y0
            col[g, e, 1] = y1
            pay_r[g, e] = x0 * (p00 * y0 + p01 * y1) + x1 * (p10 * y0 + p11 * y1)
            pay_c[g, e] = x0 * (q00 * y0 + q01 * y1) + x1 * (q10 * y0 + q11 * y1)
    return counts, degenerate, pure_eq, row, col, pay_r, pay_c


@njit(cache=True, error_model="numpy", nogil=True)
def write_records(A, B, G, x, y, pure_eq, row, col, pay_r, pay_c):
    """``batch._write_records`` compiled: the same writes, the payoffs summed in the
    same order as ``batch._payoff`` (so the same floats)."""
    N = G.shape[0]
    m = x.shape[1]
    n = y.shape[1]
    pos = 0
    for r in range(N):
        g = G[r]
        if r > 0 and G[r - 1] == g:
            pos += 1
        else:
            pos = 0
        is_pure_x = False
        is_pure_y = False
        ix = 0
        jy = 0
        for i in range(m):
            row[g, pos, i] = x[r, i]
            if x[r, i] == 1.0:
                is_pure_x = True
                ix = i
        for j in range(n):
            col[g, pos, j] = y[r, j]
            if y[r, j] == 1.0:
                is_pure_y = True
                jy = j
        for X, out in ((A, pay_r), (B, pay_c)):
            total = 0.0
            for i in range(m):
                inner = X[g, i, 0] * y[r, 0]
                for j in range(1, n):
                    inner = inner + X[g, i, j] * y[r, j]
                total += x[r, i] * inner
            out[g, pos] = total
        if is_pure_x and is_pure_y:
            pure_eq[g, ix, jy] = True
