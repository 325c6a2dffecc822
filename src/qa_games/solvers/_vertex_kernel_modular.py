"""The numba-compiled multi-modular body of :mod:`qa_games.solvers.vertex_kernel`
(imported only when numba is installed; compiled on first use, cached on disk by numba).

The integer-pivoting tableau is held as residues modulo ``ns`` primes below ``2**26``
whose product exceeds twice the Hadamard bound of every entry, so each entry is
determined exactly. The residue arithmetic is done in doubles: a product of two
residues is below ``2**52``, exact, so the reductions vectorise (AVX2 has no int64
multiply). Per basis every entry's symmetric mixed-radix digits give its sign
and a double-precision value (relative error under 1e-14); a ratio comparison is
decided by the doubles unless they are within 1e-10 of each other, and then exactly, by
the residues of the products modulo ``nf`` primes (their product exceeds four times the
square of the bound) and the sign of their symmetric mixed-radix form."""

from __future__ import annotations

import numba
import numpy as np

from ._vertex_kernel_common import drop_basic_slack_row, grown, slack_columns

__all__ = ["kernel"]

CLOSE = 1e-10  # relative gap under which a double comparison is redone exactly


@numba.njit(cache=True, inline="always")
def red(v, p, pinv):
    """``v mod p`` in ``[0, p)`` for an integer-valued double ``|v| < 2**53`` and a prime
    ``p < 2**26``: the quotient's floor is within one of the true one and ``q p`` is
    exact, so ``r`` starts in ``[-p, 2p)``."""
    q = np.floor(v * pinv)
    r = v - q * p
    r += p * (r < 0.0)
    r -= p * (r >= p)
    return r


@numba.njit(cache=True)
def inverse(a, p, pinv):
    """``a**-1 mod p`` (Fermat), for ``a`` not divisible by the prime ``p``."""
    e = np.int64(p) - 2
    r = 1.0
    b = a
    while e:
        if e & 1:
            r = red(r * b, p, pinv)
        b = red(b * b, p, pinv)
        e >>= 1
    return r


@numba.njit(cache=True)
def inverses(vals, ns, primes, pinv, out):
    """``out[t] = vals[t]**-1 mod primes[t]`` for every ``t < ns`` (Fermat, all primes in
    one pass of 26 squarings: the exponents' bits are selected, not branched on)."""
    for t in range(ns):
        out[t] = 1.0
    base = vals[:ns].copy()
    for bit in range(26):
        for t in range(ns):
            e = np.int64(primes[t]) - 2
            take = (e >> bit) & 1
            prod = red(out[t] * base[t], primes[t], pinv[t])
            out[t] = prod if take else out[t]
            base[t] = red(base[t] * base[t], primes[t], pinv[t])


@numba.njit(cache=True)
def digits(res, n, primes, pinv, inv_tab, work, out):
    """The symmetric mixed-radix digits (``out[:n]``) of the integer with residues
    ``res[:n]`` (``|value| <= (p_0 ... p_{n-1} - 1) / 2``); returns its sign."""
    for t in range(n):
        work[t] = res[t]
    sign = 0
    for s in range(n):
        p = primes[s]
        ds = work[s]
        if ds > p * 0.5:
            ds -= p
        out[s] = ds
        if ds != 0:
            sign = 1 if ds > 0 else -1
        for t in range(s + 1, n):
            work[t] = red((work[t] - ds) * inv_tab[s, t], primes[t], pinv[t])
    return sign


@numba.njit(cache=True)
def value(dig, n, primes):
    """The double nearest (within a few ulps) the integer with mixed-radix digits
    ``dig[:n]``."""
    v = 0.0
    for s in range(n - 1, -1, -1):
        v = v * primes[s] + dig[s]
    return v


@numba.njit(cache=True)
def all_digits(tab, ns, primes, pinv, inv_tab, work, dg, sg, fv):
    """The symmetric mixed-radix digits ``dg[s, e]`` of every entry ``e`` of the tableau
    (residues ``tab[t, e]``, prime-major), its sign ``sg[e]`` and nearest double
    ``fv[e]`` (within a few ulps: the top digit outweighs the rest)."""
    n = tab.shape[1]
    for t in range(ns):
        for e in range(n):
            work[t, e] = tab[t, e]
    for s in range(ns):
        p = primes[s]
        half = p * 0.5
        for e in range(n):
            ds = work[s, e]
            dg[s, e] = ds - p * (ds > half)
        for t in range(s + 1, ns):
            it = inv_tab[s, t]
            pt = primes[t]
            pit = pinv[t]
            for e in range(n):
                work[t, e] = red((work[t, e] - dg[s, e]) * it, pt, pit)
    for e in range(n):
        sg[e] = 0
        fv[e] = 0.0
    for s in range(ns - 1, -1, -1):
        ps = np.float64(primes[s])
        for e in range(n):
            x = dg[s, e]
            fv[e] = fv[e] * ps + x
            if sg[e] == 0:
                sg[e] = (x > 0) - (x < 0)


@numba.njit(cache=True)
def exact_sign(dg, ns, nf, e1, e2, e3, e4, primes, pinv, inv_tab, radix, work, out):
    """The sign of ``T[e1] T[e2] - T[e3] T[e4]`` (flat entry indices) from the entries'
    digits ``dg`` (``ns`` each), in residues modulo ``nf`` primes."""
    diff = np.empty(nf, np.float64)
    vals = np.empty(4, np.float64)
    for t in range(nf):
        p = primes[t]
        pi = pinv[t]
        for j in range(4):
            e = e1 if j == 0 else e2 if j == 1 else e3 if j == 2 else e4
            acc = 0.0
            for s in range(ns):
                acc = red(acc + red(dg[s, e] * radix[s, t], p, pi), p, pi)
            vals[j] = acc
        diff[t] = red(red(vals[0] * vals[1], p, pi) - red(vals[2] * vals[3], p, pi), p, pi)
    return digits(diff, nf, primes, pinv, inv_tab, work, out)


@numba.njit(cache=True, inline="always")
def compare(fv, dg, ns, nf, w, r, b, c, q, primes, pinv, inv_tab, radix, work, out):
    """The sign of ``T[r,c] T[b,q] - T[b,c] T[r,q]`` (rows of width ``w``): by doubles
    when clear, else exact."""
    rc = r * w + c
    bq = b * w + q
    bc = b * w + c
    rq = r * w + q
    lhs = fv[rc] * fv[bq]
    rgt = fv[bc] * fv[rq]
    gap = lhs - rgt
    if abs(gap) > CLOSE * (abs(lhs) + abs(rgt)):
        return 1 if gap > 0 else -1
    return exact_sign(dg, ns, nf, rc, bq, bc, rq, primes, pinv, inv_tab, radix, work, out)


@numba.njit(cache=True)
def tableau_of_basis(init, basis, nonb, ns, primes, pinv, tab, det):
    """The tableau of a basis from scratch, modulo each prime: ``D B^-1 [N | 1]`` with
    ``D = det B`` (columns in basis order; the integer-pivoting tableau, von Stengel
    2002 sec. 2.4), by Gauss-Jordan elimination. False when ``B`` is singular modulo a
    prime (then the caller gives up, as for a divisible determinant)."""
    k = init.shape[1]
    w = init.shape[2]
    d = w - 1
    a = np.empty((k, k + w), np.float64)
    for t in range(ns):
        p = primes[t]
        pi = pinv[t]
        for r in range(k):
            for j in range(k):
                v = basis[j]
                a[r, j] = init[t, r, v] if v < d else np.float64(r == v - d)
            for c in range(w):
                v = nonb[c] if c < d else -1
                if v < 0:
                    a[r, k + c] = init[t, r, d]
                elif v < d:
                    a[r, k + c] = init[t, r, v]
                else:
                    a[r, k + c] = np.float64(r == v - d)
        dt = 1.0
        for j in range(k):
            piv = -1
            for r in range(j, k):
                if a[r, j] != 0:
                    piv = r
                    break
            if piv < 0:
                return False
            if piv != j:
                for c in range(k + w):
                    a[j, c], a[piv, c] = a[piv, c], a[j, c]
                dt = red(-dt, p, pi)
            dt = red(dt * a[j, j], p, pi)
            iv = inverse(a[j, j], p, pi)
            for c in range(k + w):
                a[j, c] = red(a[j, c] * iv, p, pi)
            for r in range(k):
                f = a[r, j]
                if r != j and f != 0:
                    for c in range(k + w):
                        a[r, c] = red(a[r, c] - f * a[j, c], p, pi)
        det[t] = dt
        for r in range(k):
            for c in range(w):
                tab[t, r * w + c] = red(a[r, k + c] * dt, p, pi)
    return True


@numba.njit(cache=True)
def kernel(init, primes, ns, nf, inv_tab, radix, expired, budget):
    """The lex-feasible bases of ``M z + s = 1`` modulo ``primes[:ns]`` (``init``: the
    residues of the starting tableau ``[M | 1]``, ns x k x (d + 1)): ``(status, zero
    masks, basis masks)``; status 0 done, 1 ``expired[0]`` set (a timer signal's handler;
    checked every 1024 bases), 2 a basis determinant divisible by one of the primes (the
    caller then enumerates in Python integers). The first ``budget`` places of the
    depth-first stack hold their tableaux; a basis pushed beyond them holds only its
    basis, and its tableau is computed from scratch when it is popped (memory bounded by
    the budget plus a few words a basis)."""
    k = init.shape[1]
    w = init.shape[2]
    d = w - 1
    n = k * w
    one = np.int64(1)
    pinv = 1.0 / primes
    cap = 256
    tcap = min(cap, budget)
    tabs = np.empty((tcap, ns, n), np.int32)
    dets = np.empty((cap, ns), np.float64)
    dsigns = np.empty(cap, np.int64)
    bases = np.empty((cap, k), np.int64)
    nonbs = np.empty((cap, d), np.int64)
    backs = np.empty(cap, np.int64)
    for t in range(ns):
        for r in range(k):
            for c in range(w):
                tabs[0, t, r * w + c] = np.int32(init[t, r, c])
    mask0 = np.int64(0)
    for r in range(k):
        bases[0, r] = d + r
        mask0 |= one << (d + r)
    for q in range(d):
        nonbs[0, q] = q
    for t in range(ns):
        dets[0, t] = 1
    dsigns[0] = 1
    backs[0] = -1
    top = 1
    seen = {mask0}
    ocap = 256
    ozeros = np.empty(ocap, np.int64)
    obases = np.empty(ocap, np.int64)
    n_out = 0
    cand = np.empty(k, np.int64)
    where = np.empty(k, np.int64)
    tab = np.empty((ns, n), np.float64)
    work2 = np.empty((ns, n), np.float64)
    dg = np.empty((ns, n), np.float64)
    sg = np.empty(n, np.int64)
    fv = np.empty(n, np.float64)
    work = np.empty(nf, np.float64)
    out = np.empty(nf, np.float64)
    dinv = np.empty(ns, np.float64)
    cdet = np.empty(ns, np.float64)
    yd = np.empty(w, np.float64)
    while top > 0:
        if n_out % 1024 == 1023:  # a time budget (qa_games.solve's max_seconds)
            with numba.objmode():  # runs pending Python signal handlers
                pass
            if expired[0]:
                return 1, ozeros[:0], obases[:0]
        top -= 1
        basis = bases[top].copy()
        nonb = nonbs[top].copy()
        sign = dsigns[top]
        back = backs[top]
        if top < budget:
            for t in range(ns):
                for e in range(n):
                    tab[t, e] = tabs[top, t, e]
        elif not tableau_of_basis(init, basis, nonb, ns, primes, pinv, tab, dets[top]):
            return 2, ozeros[:0], obases[:0]
        for t in range(ns):
            dt = dets[top, t]
            cdet[t] = dt
            if dt == 0:
                return 2, ozeros[:0], obases[:0]
        inverses(cdet, ns, primes, pinv, dinv)
        all_digits(tab, ns, primes, pinv, inv_tab, work2, dg, sg, fv)
        if n_out == ocap:
            ocap *= 2
            ozeros = grown(ozeros, n_out, ocap)
            obases = grown(obases, n_out, ocap)
        zmask = np.int64(0)
        for q in range(d):
            zmask |= one << nonb[q]
        bmask = np.int64(0)
        for r in range(k):
            bmask |= one << basis[r]
            if sg[r * w + d] == 0:
                zmask |= one << basis[r]
        ozeros[n_out] = zmask
        obases[n_out] = bmask
        n_out += 1
        for q in range(d):
            if q == back:
                continue
            # least ratio rhs / a over the rows with a of det's sign: with a, a_b of one
            # sign, rhs / a < rhs_b / a_b is rhs a_b - rhs_b a < 0 (the sign cancels;
            # det stays positive anyway: each pivot has its sign, and the first is 1)
            nc = 0
            for r in range(k):
                if sg[r * w + q] * sign <= 0:
                    continue
                if nc == 0:
                    cand[0] = r
                    nc = 1
                    continue
                cmp = compare(fv, dg, ns, nf, w, r, cand[0], d, q, primes, pinv, inv_tab,
                              radix, work, out)
                if cmp < 0:
                    cand[0] = r
                    nc = 1
                elif cmp == 0:
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
                        kept = 0
                        for i in range(nc):
                            r = cand[i]
                            if kept == 0:
                                cand[0] = r
                                kept = 1
                                continue
                            cmp = compare(fv, dg, ns, nf, w, r, cand[0], qc, q, primes, pinv,
                                          inv_tab, radix, work, out)
                            if cmp < 0:
                                cand[0] = r
                                kept = 1
                            elif cmp == 0:
                                cand[kept] = r
                                kept += 1
                        nc = kept
                    if nc == 1:
                        break
            r = cand[0]
            mask = bmask ^ (one << basis[r]) ^ (one << nonb[q])
            if mask in seen:
                continue
            seen.add(mask)
            if top == tcap and tcap < budget:
                tcap = min(2 * tcap, budget)
                tabs = grown(tabs, top, tcap)
            if top == cap:
                cap *= 2
                bases = grown(bases, top, cap)
                nonbs = grown(nonbs, top, cap)
                dets = grown(dets, top, cap)
                backs = grown(backs, top, cap)
                dsigns = grown(dsigns, top, cap)
            bases[top] = basis
            bases[top, r] = nonb[q]
            nonbs[top] = nonb
            nonbs[top, q] = basis[r]
            dsigns[top] = sg[r * w + q]
            backs[top] = q
            if top >= budget:  # its tableau is computed when it is popped
                top += 1
                continue
            # new T[i, c] = (T[i, c] T[r, q] - T[i, q] T[r, c]) / det, modulo each prime
            rw = r * w
            for t in range(ns):
                p = primes[t]
                pi = pinv[t]
                c1 = red(tab[t, rw + q] * dinv[t], p, pi)
                for c in range(w):
                    yd[c] = red(tab[t, rw + c] * dinv[t], p, pi)
                for i in range(k):
                    iw = i * w
                    if i == r:
                        for c in range(w):
                            tabs[top, t, iw + c] = np.int32(tab[t, iw + c])
                        tabs[top, t, iw + q] = np.int32(cdet[t])
                    else:
                        f = tab[t, iw + q]
                        for c in range(w):
                            tabs[top, t, iw + c] = np.int32(
                                red(tab[t, iw + c] * c1 - f * yd[c], p, pi))
                        tabs[top, t, iw + q] = np.int32(red(-f, p, pi))
            for t in range(ns):
                dets[top, t] = tab[t, rw + q]
            top += 1
    return 0, ozeros[:n_out], obases[:n_out]
