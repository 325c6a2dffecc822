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
the whole cost. From ``k + d >= COMPILED_FROM`` the same search runs compiled
(:mod:`qa_games.solvers.vertex_kernel`, numba, optional): in int64 while every tableau
entry stays below ``2**31``, which is exact; when one outgrows it, with every entry held
as residues modulo primes below ``2**26`` (as many as the Hadamard bound of the entries
needs), which is exact too, and only the equilibria's vertices are then solved for their
coordinates (:func:`vertex_of_basis`); without numba in Python integers. Either way the
depth-first stack holds at most a memory budget of tableaux
(:func:`qa_games.solvers.vertex_kernel.stack_budget`); beyond it a basis is stacked
alone and its tableau recomputed when it is popped (:func:`tableau_of_basis`).

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

from . import vertex_kernel

__all__ = ["to_positive_integers", "polytope_vertices", "extreme_equilibria",
           "tableau_of_basis", "vertex_of_basis"]

COMPILED_FROM = 8  # k + d from which the compiled int64 kernel is tried (compiled=None)
MIN_HELD = 256  # stacked tableaux always allowed in the Python search, whatever the budget

Vertex = tuple[tuple[int, ...], int, int]  # numerators, common denominator > 0, label mask


def to_positive_integers(matrix: Sequence[Sequence[Fraction]]) -> list[list[int]]:
    """A positive integer matrix with the same best responses (scale by the common
    denominator, then shift so the least entry is 1).

    >>> to_positive_integers([[Fraction(1, 2), Fraction(-1)], [Fraction(0), Fraction(3)]])
    [[4, 1], [3, 9]]
    """
    den = math.lcm(*(v.denominator for row in matrix for v in row))
    ints = [[v.numerator * (den // v.denominator) for v in row] for row in matrix]
    low = min(min(row) for row in ints)
    return [[v - low + 1 for v in row] for row in ints]


def _label_bits(z_labels: Sequence[int], s_labels: Sequence[int]) -> list[int]:
    """The label bit of each variable: ``z_v`` first, then the slacks."""
    return [1 << z for z in z_labels] + [1 << s for s in s_labels]


def _labels_of(zero_masks: np.ndarray, label_of: list[int]) -> np.ndarray:
    """The label masks of the vertices whose zero variables are ``zero_masks``."""
    bits = (zero_masks[:, None] >> np.arange(len(label_of), dtype=np.int64)) & 1
    return bits @ np.array(label_of, dtype=np.int64)  # distinct powers of two: a sum is an OR


def vertex_of_basis(matrix: Sequence[Sequence[int]], basis_mask: int) -> tuple[Fraction, ...]:
    """The vertex ``z`` of ``{z >= 0 : matrix @ z <= 1}`` whose basic variables are the
    set bits of ``basis_mask`` (bit ``v < d`` for ``z_v``, bit ``d + r`` for the slack of
    row ``r``): the exact solution of ``[matrix | I]_basis w = 1``.

    >>> vertex_of_basis([[1, 2], [2, 1]], 0b0011)  # z_0 and z_1 basic
    (Fraction(1, 3), Fraction(1, 3))
    """
    import flint

    k, d = len(matrix), len(matrix[0])
    basic = [v for v in range(d + k) if basis_mask >> v & 1]
    columns = [[matrix[r][v] if v < d else int(v - d == r) for v in basic] for r in range(k)]
    w = flint.fmpz_mat(columns).solve(flint.fmpz_mat([[1]] * k))
    z = [Fraction(0)] * d
    for i, v in enumerate(basic):
        if v < d:
            z[v] = Fraction(int(w[i, 0].p), int(w[i, 0].q))
    return tuple(z)


def polytope_label_sets(matrix: Sequence[Sequence[int]], z_labels: Sequence[int],
                        s_labels: Sequence[int]) -> list[tuple[int, int]] | None:
    """The vertices of ``{z >= 0 : matrix @ z <= 1}`` as ``(labels, basis mask)``, one
    basis per vertex, from the multi-modular compiled kernel (entries of any size; a
    vertex's coordinates by :func:`vertex_of_basis`), or ``None`` where it cannot run
    (no numba, too large a bound: then :func:`polytope_vertices`). A vertex is the only
    point with its zero set, so the label sets are distinct.

    >>> out = polytope_label_sets([[1, 2], [2, 1]], [0, 1], [2, 3])
    >>> out is None or sorted(lab for lab, _ in out) == [3, 5, 10, 12]  # the zero sets
    True
    """
    out = vertex_kernel.enumerate_bases_modular([list(row) for row in matrix])
    if out is None:
        return None
    zeros, bases = out
    zeros, first = np.unique(zeros, return_index=True)
    labels = _labels_of(zeros, _label_bits(z_labels, s_labels))
    return list(zip(labels.tolist(), bases[first].tolist(), strict=True))


def _int64_vertices(matrix: Sequence[Sequence[int]], label_of: list[int]
                    ) -> list[Vertex] | None:
    """:func:`polytope_vertices` by the int64 kernel, or ``None`` where it gives up."""
    out = vertex_kernel.enumerate_bases([list(row) for row in matrix])
    if out is None:
        return None
    knums, dens, zeros = out
    d = len(matrix[0])
    # distinct (numerators, denominator) rows (equal ones have equal labels), sorted
    # lexicographically as the tuples are
    rows = sorted(set(map(tuple, np.column_stack(
        [knums, dens, _labels_of(zeros, label_of)]).tolist())))
    return [(row[:d], row[d], row[d + 1]) for row in rows]


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
    label_of = _label_bits(z_labels, s_labels)
    if compiled is not False and (compiled or k + d >= COMPILED_FROM):
        found_int64 = _int64_vertices(matrix, label_of)
        if found_int64 is not None:  # else an entry outgrew int64 (or no numba)
            return found_int64
    rows_k = range(k)
    # condensed integer tableau: the d nonbasic columns, then the right-hand side
    start = [list(matrix[r]) + [1] for r in rows_k]
    basis0 = list(range(d, d + k))
    seen = {sum(1 << b for b in basis0)}
    # (tableau or None, basis, nonbasic, determinant, the column leading back to the
    # parent); beyond ``max_held`` stacked tableaux a basis is stacked without its
    # tableau, which is recomputed when it is popped: memory stays bounded
    stack: list[tuple[list[list[int]] | None, list[int], list[int], int, int]] = [
        (start, basis0, list(range(d)), 1, -1)]
    max_held = MIN_HELD  # until the stack holds that many: then from the budget, once
    budgeted = False
    held = 1
    found: dict[tuple[tuple[int, ...], int], int] = {}
    while stack:
        tab, basis, nonbasic, det, back = stack.pop()
        if tab is None:
            tab = tableau_of_basis(matrix, basis, nonbasic, det)
        else:
            held -= 1
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
            nb = list(basis)
            nb[r] = nonbasic[q]
            nn = list(nonbasic)
            nn[q] = basis[r]
            if held >= max_held and not budgeted:
                budgeted = True
                max_held = max(MIN_HELD, vertex_kernel.stack_budget() // _tableau_bytes(matrix))
            if held >= max_held:
                stack.append((None, nb, nn, p, q))
                continue
            held += 1
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
            stack.append((new, nb, nn, p, q))
    return sorted((nums, den, lab) for (nums, den), lab in found.items())


def _tableau_bytes(matrix: Sequence[Sequence[int]]) -> int:
    """An upper bound on the memory of one condensed tableau of ``matrix`` (k lists of
    d + 1 Python integers, each at most the Hadamard bound of the entries)."""
    k, d = len(matrix), len(matrix[0])
    digits = -(-vertex_kernel.hadamard_bound(matrix).bit_length() // 30)
    return k * (64 + (d + 1) * (8 + 28 + 4 * digits))


def tableau_of_basis(matrix: Sequence[Sequence[int]], basis: Sequence[int],
                     nonbasic: Sequence[int], det: int) -> list[list[int]]:
    """The condensed integer-pivoting tableau of a basis of ``matrix @ z + s = 1``,
    from scratch: ``det * B^-1 [N | 1]`` with ``B`` the basic columns of ``[matrix | I]``
    in ``basis`` order (row ``r`` for ``basis[r]``), ``N`` the nonbasic ones in
    ``nonbasic`` order and ``det = det B`` (what the pivoting carries), exactly (FLINT).

    >>> tableau_of_basis([[1, 2], [2, 1]], [0, 3], [2, 1], 1)  # z_0 entered row 0
    [[1, 2, 1], [-2, -3, -1]]
    """
    import flint

    k, d = len(matrix), len(matrix[0])

    def entry(r: int, v: int) -> int:
        return matrix[r][v] if v < d else int(v - d == r)

    b = flint.fmpz_mat([[entry(r, v) for v in basis] for r in range(k)])
    rest = flint.fmpz_mat([[entry(r, v) for v in nonbasic] + [1] for r in range(k)])
    x = b.solve(rest)  # B^-1 [N | 1], rationals with denominators dividing det
    return [[int(x[r, c].p) * det // int(x[r, c].q) for c in range(d + 1)] for r in range(k)]


def _polytope(matrix: list[list[int]], z_labels: list[int], s_labels: list[int]
              ) -> list[tuple[int, tuple[int, ...] | None, int]]:
    """The vertices as ``(labels, numerators, -1)`` (int64 kernel or Python integers) or
    ``(labels, None, basis mask)`` (the multi-modular kernel, where the int64 one gives up:
    coordinates are solved for only where an equilibrium needs them)."""
    k, d = len(matrix), len(matrix[0])
    if k + d >= COMPILED_FROM:
        found = _int64_vertices(matrix, _label_bits(z_labels, s_labels))
        if found is not None:
            return [(lab, nums, -1) for nums, _, lab in found]
        sets = polytope_label_sets(matrix, z_labels, s_labels)
        if sets is not None:
            return [(lab, None, basis) for lab, basis in sets]
    return [(lab, nums, -1)
            for nums, _, lab in polytope_vertices(matrix, z_labels, s_labels, compiled=False)]


def _normalised(matrix: list[list[int]], numerators: tuple[int, ...] | None,
                basis: int) -> tuple[Fraction, ...]:
    """A nonzero vertex scaled to a mixed strategy (probabilities summing to 1)."""
    z = numerators if numerators is not None else vertex_of_basis(matrix, basis)
    total = sum(z)
    return tuple(Fraction(v) / total for v in z)


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
    p_verts = _polytope(bt, list(range(m)), [m + j for j in range(n)])
    q_verts = _polytope(ap, [m + j for j in range(n)], list(range(m)))
    degenerate = any(bin(lab).count("1") > m for lab, _, _ in p_verts) or \
        any(bin(lab).count("1") > n for lab, _, _ in q_verts)
    full = (1 << (m + n)) - 1
    p_origin = (1 << m) - 1  # every x_i = 0: P's origin; Q's carries labels m..m+n-1
    q_origin = full ^ p_origin
    q_nonzero = [(lab, z, basis) for lab, z, basis in q_verts if lab & q_origin != q_origin]
    exact_mask: dict[int, list[int]] = {}
    with_label = [0] * (m + n)  # label -> bit set of the Q vertices carrying it
    for idx, (lab, _, _) in enumerate(q_nonzero):
        exact_mask.setdefault(lab, []).append(idx)
        bit = 1 << idx
        rest = lab
        while rest:
            low = rest & -rest
            with_label[low.bit_length() - 1] |= bit
            rest ^= low
    every = (1 << len(q_nonzero)) - 1
    out = []
    for xlab, xz, xbasis in p_verts:
        if xlab & p_origin == p_origin:
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
            x = _normalised(bt, xz, xbasis)
            for idx in matches:
                _, yz, ybasis = q_nonzero[idx]
                out.append((x, _normalised(ap, yz, ybasis)))
    return out, degenerate
