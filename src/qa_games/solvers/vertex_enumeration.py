"""Exact extreme equilibria of a bimatrix game by rational vertex enumeration.

Theory (von Stengel, "Computing equilibria for two-person games", Handbook of Game
Theory vol. 3, ch. 45, 2002; Nisan et al., *Algorithmic Game Theory*, 2007, sec. 3.5).
Shift both payoff matrices ``A`` (m x n, player 1) and ``B`` (player 2) to be positive
and consider the best-response polytopes

    P = {x in R^m : x >= 0, B^T x <= 1},        Q = {y in R^n : y >= 0, A y <= 1}.

A point carries the *labels* of its tight inequalities: ``x_i = 0`` or ``(A y)_i = 1``
is label ``i`` (a strategy of player 1), ``(B^T x)_j = 1`` or ``y_j = 0`` is label
``m + j``. A pair of nonzero vertices ``(x, y)`` whose labels together cover all
``m + n`` labels is, normalised, an extreme Nash equilibrium; for a nondegenerate game
these are all the equilibria. This is what Gambit's ``enummixed`` computes.

The game is *degenerate* exactly when some vertex of P has more than m labels or some
vertex of Q more than n (a mixed strategy with k pure best responses on a support of
size < k).

Vertices are enumerated by a depth-first search over the **lexicographically feasible
bases** of ``M z + s = 1, z, s >= 0`` (Dantzig, Orden and Wolfe 1955; the perturbation
lrs uses, Avis 2000): the ratio test breaks ties by the rows of ``[rhs | B^-1]`` over
the pivot column, which makes it the exact simplex step of the perturbed system
``M z + s = 1 + (eps, eps^2, ...)``, a simple polytope. Its bases form a connected graph
(the polytope's edges), each has exactly one neighbour per entering column, and every
vertex of the unperturbed polytope is the basic solution of at least one of them, so a
degenerate vertex is reached through a few bases instead of all of its bases.
Pivoting is integer-only ("integer pivoting", Edmonds 1967; von Stengel 2002 sec. 2.4):
the tableau holds the basis determinant times the true entries, and each pivot divides
exactly. Only the nonbasic columns and the right-hand side are stored (the basic columns
are the scaled identity), and the search is depth-first, so one pivot per new basis is
the whole cost. From ``k + d >= COMPILED_FROM`` the same search runs in the compiled
int64 kernel of :mod:`qa_games.solvers.vertex_kernel` (numba, optional) while every
tableau entry stays below ``2**31``, which is exact; otherwise in Python integers.

Pairing (Avis, Rosenberg, Savani and von Stengel, *Economic Theory* 42, 2010, sec. 3):
a vertex x of P needs a partner in Q carrying every label x misses. In a
nondegenerate game that partner's label set is exactly the complement, looked up in a
hash of Q's vertices by label set; in a degenerate game the partners are the Q vertices
in the intersection of the per-label bit sets of the missing labels.

This module is the trusting kernel: plain lists of ints/Fractions in, no checks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

__all__ = ["to_positive_integers", "polytope_vertices", "extreme_equilibria"]

COMPILED_FROM = 8  # k + d from which the compiled int64 kernel is tried (compiled=None)

Vertex = tuple[tuple[int, ...], int, int]  # numerators, common denominator > 0, label mask


def to_positive_integers(matrix: Sequence[Sequence[Fraction]]) -> list[list[int]]:
    """A positive integer matrix with the same best responses (scale by the common
    denominator, then shift so the least entry is 1).

    >>> to_positive_integers([[Fraction(1, 2), Fraction(-1)], [Fraction(0), Fraction(3)]])
    [[4, 1], [3, 9]]
    """
    den = 1
    for row in matrix:
        for v in row:
            den = den * v.denominator // math.gcd(den, v.denominator)
    ints = [[int(v * den) for v in row] for row in matrix]
    low = min(min(row) for row in ints)
    return [[v - low + 1 for v in row] for row in ints]


def polytope_vertices(matrix: Sequence[Sequence[int]], z_labels: Sequence[int],
                      s_labels: Sequence[int], compiled: bool | None = None) -> list[Vertex]:
    """Every vertex of ``{z >= 0 : matrix @ z <= 1}`` (matrix k x d, positive integers).

    Each vertex is ``(numerators, denominator, labels)`` with ``z = numerators /
    denominator`` in lowest terms and ``labels`` a bit mask: bit ``z_labels[i]`` when
    ``z_i = 0``, bit ``s_labels[r]`` when row ``r`` is tight. Sorted, origin first.
    ``compiled``: ``None`` tries the int64 kernel from ``k + d >= COMPILED_FROM``, ``True``
    always tries it, ``False`` never (the results are the same).

    >>> [v[:2] for v in polytope_vertices([[1, 2], [2, 1]], [0, 1], [2, 3])]
    [((0, 0), 1), ((0, 1), 2), ((1, 0), 2), ((1, 1), 3)]
    """
    k = len(matrix)
    d = len(matrix[0])
    label_of = [1 << z_labels[v] for v in range(d)] + [1 << s_labels[r] for r in range(k)]
    if compiled is not False and (compiled or k + d >= COMPILED_FROM):
        from . import vertex_kernel

        out = vertex_kernel.enumerate_bases([list(row) for row in matrix])
        if out is not None:  # else an entry outgrew int64 (or no numba): Python integers
            knums, dens, zeros = out
            klabels = np.zeros(len(dens), dtype=np.int64)
            for v in range(d + k):  # the zero set's labels
                klabels |= np.where((zeros >> v) & 1 == 1, np.int64(label_of[v]), np.int64(0))
            # distinct (numerators, denominator) rows (equal ones have equal labels), sorted
            # lexicographically as the tuples are
            rows = np.unique(np.column_stack([knums, dens, klabels]), axis=0).tolist()
            return [(tuple(row[:d]), row[d], row[d + 1]) for row in rows]
    rows_k = range(k)
    # condensed integer tableau: the d nonbasic columns, then the right-hand side
    start = [list(matrix[r]) + [1] for r in rows_k]
    basis0 = list(range(d, d + k))
    seen = {sum(1 << b for b in basis0)}
    # (tableau, basis, nonbasic, determinant, the column leading back to the parent)
    stack = [(start, basis0, list(range(d)), 1, -1)]
    found: dict[tuple[tuple[int, ...], int], int] = {}
    while stack:
        tab, basis, nonbasic, det, back = stack.pop()
        rhs = [row[d] for row in tab]
        nums = [0] * d
        labels = 0
        for v in nonbasic:
            labels |= label_of[v]
        for r in rows_k:
            b = basis[r]
            x = rhs[r]
            if b < d:
                nums[b] = x
            if x == 0:
                labels |= label_of[b]
        g = math.gcd(det, *nums)
        if det < 0:
            g = -g
        key = (tuple(x // g for x in nums), det // g)
        if key not in found:
            found[key] = labels
        positive = det > 0
        bmask = 0
        for b in basis:
            bmask |= 1 << b
        binv = None  # where each slack's column of the scaled basis inverse is (ties only)
        for q in range(d):
            if q == back:
                continue
            best = -1
            ties: list[int] = []
            bn = bd = 0
            for r in rows_k:
                a = tab[r][q]
                if a == 0 or (a > 0) != positive:
                    continue
                x = rhs[r]
                if best < 0:
                    best, bn, bd = r, x, a
                    continue
                # x / a < bn / bd; a and bd share the sign of det
                lhs, rgt = x * bd, bn * a
                if lhs < rgt:
                    best, bn, bd, ties = r, x, a, []
                elif lhs == rgt:
                    ties.append(r)
            if ties:
                # lexicographic ratio test (rows of [rhs | B^-1] over the pivot column):
                # the leaving row of the lexicographically perturbed, simple polytope
                if binv is None:
                    binv = [-1] * k
                    for qq in range(d):
                        v = nonbasic[qq]
                        if v >= d:
                            binv[v - d] = qq
                cand = [best] + ties
                for c in rows_k:
                    qc = binv[c]
                    if qc < 0:  # slack c basic: its column of B^-1 is a unit vector
                        t = basis.index(d + c)
                        if t in cand:  # entry det > 0 in ratio terms: that row loses
                            cand.remove(t)
                            if len(cand) == 1:
                                break
                        continue
                    bestc: list[int] = []
                    bn = bd = 0
                    for r in cand:
                        x, a = tab[r][qc], tab[r][q]
                        if not bestc:
                            bestc, bn, bd = [r], x, a
                            continue
                        lhs, rgt = x * bd, bn * a
                        if lhs < rgt:
                            bestc, bn, bd = [r], x, a
                        elif lhs == rgt:
                            bestc.append(r)
                    cand = bestc
                    if len(cand) == 1:
                        break
                best = cand[0]
            if best < 0:
                continue
            r = best
            mask = bmask ^ (1 << basis[r]) ^ (1 << nonbasic[q])
            if mask in seen:
                continue
            seen.add(mask)
            prow = tab[r]
            p = prow[q]
            new = []
            for i in rows_k:
                row = tab[i]
                if i == r:
                    nr = list(prow)
                    nr[q] = det
                else:
                    f = row[q]
                    if f == 0:
                        nr = [x * p // det for x in row]
                    else:
                        nr = [(x * p - f * y) // det for x, y in zip(row, prow, strict=True)]
                        nr[q] = -f
                new.append(nr)
            nb = list(basis)
            nb[r] = nonbasic[q]
            nn = list(nonbasic)
            nn[q] = basis[r]
            stack.append((new, nb, nn, p, q))
    return sorted((nums, den, lab) for (nums, den), lab in found.items())


def extreme_equilibria(a: Sequence[Sequence[Fraction]], b: Sequence[Sequence[Fraction]]
                       ) -> tuple[list[tuple[tuple[Fraction, ...], tuple[Fraction, ...]]], bool]:
    """The extreme equilibria ``(x, y)`` of the bimatrix game ``(a, b)`` and whether it
    is degenerate. Unordered; each equilibrium once.

    >>> F = Fraction
    >>> extreme_equilibria([[F(1), F(-1)], [F(-1), F(1)]], [[F(-1), F(1)], [F(1), F(-1)]])
    ([((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))], False)
    """
    m, n = len(a), len(a[0])
    bt = to_positive_integers([[b[i][j] for i in range(m)] for j in range(n)])
    ap = to_positive_integers(a)
    p_verts = polytope_vertices(bt, list(range(m)), [m + j for j in range(n)])
    q_verts = polytope_vertices(ap, [m + j for j in range(n)], list(range(m)))
    degenerate = any(bin(lab).count("1") > m for _, _, lab in p_verts) or \
        any(bin(lab).count("1") > n for _, _, lab in q_verts)
    full = (1 << (m + n)) - 1
    q_nonzero = [(nums, lab) for nums, _, lab in q_verts if any(nums)]
    exact_mask: dict[int, list[int]] = {}
    with_label = [0] * (m + n)  # label -> bit set of the Q vertices carrying it
    for idx, (_, lab) in enumerate(q_nonzero):
        exact_mask.setdefault(lab, []).append(idx)
        bit = 1 << idx
        rest = lab
        while rest:
            low = rest & -rest
            with_label[low.bit_length() - 1] |= bit
            rest ^= low
    every = (1 << len(q_nonzero)) - 1
    out = []
    for xn, _, xlab in p_verts:
        if not any(xn):
            continue
        need = full ^ xlab
        if not degenerate:  # every vertex has exactly m (n) labels: the partner's mask is known
            matches = exact_mask.get(need, [])
        else:  # the Q vertices carrying every missing label
            hits = every
            rest = need
            while rest and hits:
                low = rest & -rest
                hits &= with_label[low.bit_length() - 1]
                rest ^= low
            matches = []
            while hits:
                low = hits & -hits
                matches.append(low.bit_length() - 1)
                hits ^= low
        if matches:
            sx = sum(xn)
            x = tuple(Fraction(v, sx) for v in xn)
            for idx in matches:
                yn = q_nonzero[idx][0]
                sy = sum(yn)
                out.append((x, tuple(Fraction(v, sy) for v in yn)))
    return out, degenerate
