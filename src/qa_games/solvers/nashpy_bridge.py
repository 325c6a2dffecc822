"""nashpy's algorithms as candidate generators, and exactification of their output.

nashpy (Knight & Campbell, JOSS 2018) implements vertex enumeration (Nisan et al.
2007, Algorithm 3.5), support enumeration (Algorithm 3.4) and Lemke-Howson (Lemke &
Howson 1964). Its results are floats, compared with ``==`` or tiny tolerances inside,
so they are never trusted alone: each candidate ``(x~, y~)`` is *exactified*:

1. supports ``S1 = {i : x~_i > tol}``, ``S2`` likewise;
2. the indifference system is solved in rational arithmetic: ``y`` on ``S2`` with
   ``sum y = 1`` making player 1 indifferent over ``S1`` (and ``x`` symmetrically); if
   that system does not pin ``y`` down, the float best responses are added as
   equations; if it still does not, the float is rounded to a nearby rational;
3. the exact profile is kept only when it has zero regret in exact arithmetic.

Kernel module: float arrays in for nashpy, exact nested lists for exactification.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from .pure import bimatrix_regret

__all__ = ["nashpy_candidates", "exactify", "NASHPY_METHODS"]

NASHPY_METHODS = {
    "vertex": "vertex_enumeration",
    "support": "support_enumeration",
    "lemke-howson": "lemke_howson_enumeration",
}

Profile = tuple[tuple[Fraction, ...], tuple[Fraction, ...]]


def nashpy_candidates(a: np.ndarray, b: np.ndarray, method: str
                      ) -> tuple[list[tuple[np.ndarray, np.ndarray]], int, str]:
    """Run nashpy's ``method`` on float arrays: ``(candidates, warnings caught, error)``.

    Warnings (nashpy warns on degenerate games) are caught and counted; an exception
    inside nashpy is returned as text. Candidates with NaN, wrong shape, negative
    entries or sums far from 1 are dropped here.
    """
    import nashpy

    m, n = a.shape
    out: list[tuple[np.ndarray, np.ndarray]] = []
    error = ""
    if method == "lemke-howson":
        pairs = (_lemke_howson_capped(a, b, label) for label in range(m + n))
    else:
        pairs = getattr(nashpy.Game(a, b), NASHPY_METHODS[method])()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            for pair in pairs:
                if pair is None:
                    error = "Lemke-Howson cycled (stopped after the pivot limit)"
                    continue
                x, y = (np.asarray(v, dtype=float).ravel() for v in pair)
                if x.shape == (m,) and y.shape == (n,) and np.all(np.isfinite(x)) \
                        and np.all(np.isfinite(y)) and x.min() > -1e-6 and y.min() > -1e-6 \
                        and abs(x.sum() - 1) < 1e-6 and abs(y.sum() - 1) < 1e-6:
                    out.append((x, y))
        except Exception as exc:  # nashpy fails on some degenerate games
            error = f"{type(exc).__name__}: {exc}".strip()
    return out, len(caught), error


def _lemke_howson_capped(a: np.ndarray, b: np.ndarray, label: int, *,
                         max_pivots: int = 2000) -> tuple[np.ndarray, np.ndarray] | None:
    """nashpy's ``lemke_howson`` (same tableaux, same pivots) with a pivot limit:
    on degenerate games nashpy's loop can cycle forever. None when the limit is hit."""
    from itertools import cycle

    from nashpy.linalg import create_col_tableau, create_row_tableau

    col = create_col_tableau(a, True)
    row = create_row_tableau(b, True)
    tableaux = cycle((row, col)) if label in row.non_basic_variables else cycle((col, row))
    entering = label
    for _ in range(max_pivots):
        entering = next(tableaux).pivot_and_drop_label(entering)
        if col.non_basic_variables | row.non_basic_variables == col.labels:
            return row.to_strategy(col.non_basic_variables), col.to_strategy(
                row.non_basic_variables)
    return None


def _solve_unique(rows: list[list[Fraction]]) -> list[Fraction] | None:
    """The unique solution of the augmented system ``rows`` (last column = rhs),
    or None when it is inconsistent or underdetermined (exact Gauss-Jordan)."""
    mat = [list(r) for r in rows]
    ncol = len(mat[0]) - 1
    pivots: list[int] = []
    r = 0
    for c in range(ncol):
        pr = next((i for i in range(r, len(mat)) if mat[i][c] != 0), None)
        if pr is None:
            continue
        mat[r], mat[pr] = mat[pr], mat[r]
        p = mat[r][c]
        mat[r] = [v / p for v in mat[r]]
        for i in range(len(mat)):
            if i != r and mat[i][c] != 0:
                f = mat[i][c]
                mat[i] = [v - f * w for v, w in zip(mat[i], mat[r], strict=True)]
        pivots.append(c)
        r += 1
    if any(all(v == 0 for v in row[:-1]) and row[-1] != 0 for row in mat):
        return None
    if len(pivots) < ncol:
        return None
    return [mat[i][-1] for i in range(ncol)]


def _strategy(payoff: Sequence[Sequence[Fraction]], rows_eq: Sequence[int],
              own: Sequence[int], size: int, approx: np.ndarray) -> tuple[Fraction, ...]:
    """The mixed strategy on ``own`` (length ``size``) making the opponent indifferent
    over ``rows_eq``: ``sum_j payoff[i][j] s_j = v`` for i in rows_eq, ``sum s = 1``."""
    k = len(own)
    system = [[payoff[i][j] for j in own] + [Fraction(-1), Fraction(0)] for i in rows_eq]
    system.append([Fraction(1)] * k + [Fraction(0), Fraction(1)])
    sol = _solve_unique(system)
    out = [Fraction(0)] * size
    if sol is None:
        for j in own:
            out[j] = Fraction(float(approx[j])).limit_denominator(10**6)
        total = sum(out)
        return tuple(v / total for v in out) if total > 0 else tuple(out)
    for j, v in zip(own, sol[:k], strict=True):
        out[j] = v
    return tuple(out)


def exactify(a: Sequence[Sequence[Fraction]], b: Sequence[Sequence[Fraction]],
             x: np.ndarray, y: np.ndarray, *, tol: float) -> Profile | None:
    """An exact equilibrium near the float candidate ``(x, y)``, or None.

    >>> F = Fraction
    >>> a = [[F(1), F(-1)], [F(-1), F(1)]]; b = [[F(-1), F(1)], [F(1), F(-1)]]
    >>> exactify(a, b, np.array([0.5000001, 0.4999999]), np.array([0.5, 0.5]), tol=1e-9)
    ((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))
    """
    m, n = len(a), len(a[0])
    s1 = [i for i in range(m) if x[i] > tol]
    s2 = [j for j in range(n) if y[j] > tol]
    if not s1 or not s2:
        return None
    bt = [[b[i][j] for i in range(m)] for j in range(n)]
    scale = max(1.0, max(abs(float(v)) for row in a for v in row),
                max(abs(float(v)) for row in b for v in row))
    af = np.array([[float(v) for v in row] for row in a])
    bf = np.array([[float(v) for v in row] for row in b])
    br1 = af @ y
    br2 = x @ bf
    t1 = [i for i in range(m) if br1[i] >= br1.max() - 1e-6 * scale]
    t2 = [j for j in range(n) if br2[j] >= br2.max() - 1e-6 * scale]
    attempts = [(s1, s2), (sorted(set(s1) | set(t1)), sorted(set(s2) | set(t2)))]
    for rows1, rows2 in attempts:
        ys = _strategy(a, rows1, s2, n, y)
        xs = _strategy(bt, rows2, s1, m, x)
        if min(xs) < 0 or min(ys) < 0 or sum(xs) != 1 or sum(ys) != 1:
            continue
        r1, r2, _, _ = bimatrix_regret(a, b, xs, ys)
        if r1 == 0 and r2 == 0:
            return xs, ys
    return None
