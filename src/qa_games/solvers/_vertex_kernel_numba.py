"""The numba-compiled body of :mod:`qa_games.solvers.vertex_kernel` (imported only when
numba is installed; compiled on first use, cached on disk by numba)."""

from __future__ import annotations

import numba
import numpy as np

from ._vertex_kernel_common import drop_basic_slack_row, grown, slack_columns

__all__ = ["kernel"]


@numba.njit(cache=True)
def gcd(a, b):
    """Greatest common divisor of two int64 (nonnegative result)."""
    a = abs(a)
    b = abs(b)
    while b:
        a, b = b, a % b
    return a


@numba.njit(cache=True)
def kernel(mat, limit, expired, max_stack):
    """The lex-feasible bases of ``mat @ z + s = 1`` in int64: ``(ok, numerators,
    denominators, zero masks)``; ``ok`` false once an entry reaches ``limit``, the
    depth-first stack would hold more than ``max_stack`` tableaux, or ``expired[0]`` is
    set (by a timer signal's handler; checked every 1024 bases)."""
    k, d = mat.shape
    one = np.int64(1)
    cap = 256
    tabs = np.empty((cap, k, d + 1), np.int64)
    bases = np.empty((cap, k), np.int64)
    nonbs = np.empty((cap, d), np.int64)
    dets = np.empty(cap, np.int64)
    backs = np.empty(cap, np.int64)
    tabs[0, :, :d] = mat
    tabs[0, :, d] = 1
    mask0 = np.int64(0)
    for r in range(k):
        bases[0, r] = d + r
        mask0 |= one << (d + r)
    for q in range(d):
        nonbs[0, q] = q
    dets[0] = 1
    backs[0] = -1
    top = 1
    seen = {mask0}
    ocap = 256
    onums = np.empty((ocap, d), np.int64)
    odens = np.empty(ocap, np.int64)
    ozeros = np.empty(ocap, np.int64)
    n_out = 0
    cand = np.empty(k, np.int64)
    where = np.empty(k, np.int64)
    while top > 0:
        if n_out % 1024 == 1023:  # a time budget (qa_games.solve's max_seconds)
            with numba.objmode():  # runs pending Python signal handlers
                pass
            if expired[0]:
                return False, onums[:0], odens[:0], ozeros[:0]
        top -= 1
        tab = tabs[top].copy()
        basis = bases[top].copy()
        nonb = nonbs[top].copy()
        det = dets[top]
        back = backs[top]
        # the vertex of this basis, in lowest terms, and its zero set
        if n_out == ocap:
            ocap *= 2
            onums = grown(onums, n_out, ocap)
            odens = grown(odens, n_out, ocap)
            ozeros = grown(ozeros, n_out, ocap)
        zmask = np.int64(0)
        for q in range(d):
            zmask |= one << nonb[q]
        g = abs(det)
        for v in range(d):
            onums[n_out, v] = 0
        for r in range(k):
            b = basis[r]
            x = tab[r, d]
            if b < d:
                onums[n_out, b] = x
                g = gcd(g, x)
            if x == 0:
                zmask |= one << b
        if det < 0:
            g = -g
        for v in range(d):
            onums[n_out, v] //= g
        odens[n_out] = det // g
        ozeros[n_out] = zmask
        n_out += 1
        big = np.int64(0)
        for r in range(k):
            for c in range(d + 1):
                if abs(tab[r, c]) > big:
                    big = abs(tab[r, c])
        if big >= limit:
            return False, onums[:0], odens[:0], ozeros[:0]
        sign = np.int64(1) if det > 0 else np.int64(-1)
        bmask = np.int64(0)
        for r in range(k):
            bmask |= one << basis[r]
        for q in range(d):
            if q == back:
                continue
            # exact least ratio rhs / a over the rows with a of det's sign
            nc = 0
            bn = np.int64(0)
            bd = np.int64(1)
            for r in range(k):
                a = tab[r, q] * sign
                if a <= 0:
                    continue
                x = tab[r, d] * sign
                if nc == 0:
                    cand[0] = r
                    nc = 1
                    bn = x
                    bd = a
                    continue
                lhs = x * bd
                rgt = bn * a
                if lhs < rgt:
                    cand[0] = r
                    nc = 1
                    bn = x
                    bd = a
                elif lhs == rgt:
                    cand[nc] = r
                    nc += 1
            if nc == 0:
                continue
            if nc > 1:  # lexicographic tie-break by the rows of B^-1 over a
                slack_columns(nonb, d, where)
                for c in range(k):
                    qc = where[c]
                    if qc < 0:  # slack c basic in row t: row t loses
                        nc = drop_basic_slack_row(cand, nc, basis, d, c)
                    else:
                        w = 0
                        for i in range(nc):
                            r = cand[i]
                            x = tab[r, qc] * sign
                            a = tab[r, q] * sign
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
                        nc = w
                    if nc == 1:
                        break
            r = cand[0]
            mask = bmask ^ (one << basis[r]) ^ (one << nonb[q])
            if mask in seen:
                continue
            seen.add(mask)
            if top == cap:
                if cap >= max_stack:
                    return False, onums[:0], odens[:0], ozeros[:0]
                cap *= 2
                tabs = grown(tabs, top, cap)
                bases = grown(bases, top, cap)
                nonbs = grown(nonbs, top, cap)
                dets = grown(dets, top, cap)
                backs = grown(backs, top, cap)
            p = tab[r, q]
            for i in range(k):
                if i == r:
                    for c in range(d + 1):
                        tabs[top, i, c] = tab[r, c]
                    tabs[top, i, q] = det
                else:
                    f = tab[i, q]
                    for c in range(d + 1):
                        tabs[top, i, c] = (tab[i, c] * p - f * tab[r, c]) // det
                    tabs[top, i, q] = -f
            bases[top] = basis
            bases[top, r] = nonb[q]
            nonbs[top] = nonb
            nonbs[top, q] = basis[r]
            dets[top] = p
            backs[top] = q
            top += 1
    return True, onums[:n_out], odens[:n_out], ozeros[:n_out]

