"""The first exact vertex enumeration (BFS over all feasible bases, every vertex of P tested
against every label mask of Q), kept unchanged as a test oracle for
:mod:`qa_games.solvers.vertex_enumeration`."""
from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from fractions import Fraction

__all__ = ["polytope_vertices", "extreme_equilibria"]

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
                      s_labels: Sequence[int]) -> list[Vertex]:
    """Every vertex of ``{z >= 0 : matrix @ z <= 1}`` (matrix k x d, positive integers).

    Each vertex is ``(numerators, denominator, labels)`` with ``z = numerators /
    denominator`` in lowest terms and ``labels`` a bit mask: bit ``z_labels[i]`` when
    ``z_i = 0``, bit ``s_labels[r]`` when row ``r`` is tight. Sorted, origin first.

    >>> [v[:2] for v in polytope_vertices([[1, 2], [2, 1]], [0, 1], [2, 3])]
    [((0, 0), 1), ((0, 1), 2), ((1, 0), 2), ((1, 1), 3)]
    """
    k = len(matrix)
    d = len(matrix[0])
    nvar = d + k
    tableau = [list(matrix[r]) + [1 if c == r else 0 for c in range(k)] + [1]
               for r in range(k)]
    basis = [d + r for r in range(k)]
    start = sum(1 << b for b in basis)
    seen = {start}
    queue = deque([(tableau, basis, 1)])
    found: dict[tuple[tuple[int, ...], int], int] = {}
    while queue:
        tab, basis, det = queue.popleft()
        rhs = [row[-1] for row in tab]
        # the vertex of this basis
        nums = [0] * d
        labels = 0
        in_basis = [False] * nvar
        for r, b in enumerate(basis):
            in_basis[b] = True
            if b < d:
                nums[b] = rhs[r]
            if rhs[r] == 0:
                labels |= 1 << (z_labels[b] if b < d else s_labels[b - d])
        for v in range(nvar):
            if not in_basis[v]:
                labels |= 1 << (z_labels[v] if v < d else s_labels[v - d])
        g = math.gcd(det, *nums)
        sign = -1 if det < 0 else 1
        key = (tuple(sign * x // g for x in nums), abs(det) // g)
        found.setdefault(key, labels)
        # every feasible pivot from this basis
        positive = det > 0
        bmask = sum(1 << b for b in basis)
        for e in range(nvar):
            if in_basis[e]:
                continue
            rows: list[int] = []
            best = -1
            for r in range(k):
                a = tab[r][e]
                if a == 0:
                    continue
                if rhs[r] == 0:
                    rows.append(r)
                elif (a > 0) == positive:  # true entry a / det > 0
                    if best < 0:
                        best = r
                    else:
                        # rhs[r]/a < rhs[best]/tab[best][e]; a and tab[best][e] share a sign
                        lhs, rhs_b = rhs[r] * tab[best][e], rhs[best] * a
                        if lhs < rhs_b:
                            best = r
            has_zero_ratio = any((tab[r][e] > 0) == positive for r in rows)
            if not has_zero_ratio and best >= 0:
                ab = tab[best][e]
                for r in range(k):
                    a = tab[r][e]
                    if rhs[r] != 0 and (a > 0) == positive and a != 0 \
                            and rhs[r] * ab == rhs[best] * a:
                        rows.append(r)
            for r in rows:
                mask = bmask ^ (1 << basis[r]) ^ (1 << e)
                if mask in seen:
                    continue
                seen.add(mask)
                p = tab[r][e]
                prow = tab[r]
                new = []
                for i, row in enumerate(tab):
                    if i == r:
                        new.append(prow)
                    else:
                        f = row[e]
                        if f == 0:
                            new.append([x * p // det for x in row])
                        else:
                            new.append([(x * p - f * y) // det
                                        for x, y in zip(row, prow, strict=True)])
                nb = list(basis)
                nb[r] = e
                queue.append((new, nb, p))
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
    by_mask: dict[int, list[tuple[int, ...]]] = {}
    for nums, _, lab in q_verts:
        if any(nums):
            by_mask.setdefault(lab, []).append(nums)
    out = []
    for xn, _, xlab in p_verts:
        if not any(xn):
            continue
        for ylab, ys in by_mask.items():
            if xlab | ylab == full:
                sx = sum(xn)
                x = tuple(Fraction(v, sx) for v in xn)
                for yn in ys:
                    sy = sum(yn)
                    out.append((x, tuple(Fraction(v, sy) for v in yn)))
    return out, degenerate
