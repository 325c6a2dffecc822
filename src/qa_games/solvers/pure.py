"""Pure-strategy Nash equilibria of an n-player game, and exact regret.

A pure profile ``s`` is a Nash equilibrium when no player gains by a unilateral
deviation: ``u_i(s) >= u_i(t_i, s_-i)`` for every player ``i`` and strategy ``t_i``
(Nash 1951; Osborne & Rubinstein, *A Course in Game Theory*, def. 14.1). Equivalently
``u_i(s)`` is the maximum of ``u_i`` along player ``i``'s axis of the payoff array.

Exact (object arrays of Fractions) payoffs are compared exactly; float payoffs with an
absolute tolerance ``tol``. Kernel module: arrays in, no checks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

__all__ = ["pure_equilibria", "bimatrix_regret"]


def pure_equilibria(payoffs: Sequence[np.ndarray], *, tol: float = 0.0
                    ) -> list[tuple[int, ...]]:
    """Every pure equilibrium, in row-major order of the profiles.

    >>> a = np.array([[3, 0], [5, 1]]); b = a.T
    >>> pure_equilibria([a, b])
    [(1, 1)]
    """
    shape = payoffs[0].shape
    ok = np.ones(shape, dtype=bool)
    for i, arr in enumerate(payoffs):
        best = arr.max(axis=i, keepdims=True)
        if arr.dtype == object:
            ok &= np.asarray(arr == best, dtype=bool)
        else:
            ok &= arr >= best - tol
    return [tuple(int(k) for k in idx) for idx in np.argwhere(ok)]


def bimatrix_regret(a: Sequence[Sequence[Fraction]], b: Sequence[Sequence[Fraction]],
                    x: Sequence[Fraction], y: Sequence[Fraction]
                    ) -> tuple[Fraction, Fraction, Fraction, Fraction]:
    """``(regret1, regret2, u1, u2)`` of the mixed profile ``(x, y)``, exactly.

    A player's regret is the best pure payoff against the other's strategy minus the
    expected payoff; a Nash equilibrium has both regrets zero.

    >>> F = Fraction
    >>> bimatrix_regret([[F(1), F(0)], [F(0), F(1)]], [[F(1), F(0)], [F(0), F(1)]],
    ...                 [F(1), F(0)], [F(0), F(1)])
    (Fraction(1, 1), Fraction(1, 1), Fraction(0, 1), Fraction(0, 1))
    """
    m, n = len(a), len(a[0])
    if all(type(v) in (int, Fraction) for v in (*x, *y)) and \
            all(type(v) in (int, Fraction) for mat in (a, b) for row in mat for v in row):
        # the same Fractions by integer sums over common denominators
        dx, dy = math.lcm(*(v.denominator for v in x)), math.lcm(*(v.denominator for v in y))
        da = math.lcm(*(v.denominator for row in a for v in row))
        db = math.lcm(*(v.denominator for row in b for v in row))
        nx = [v.numerator * (dx // v.denominator) for v in x]
        ny = [v.numerator * (dy // v.denominator) for v in y]
        sup_y = [j for j in range(n) if ny[j]]
        sup_x = [i for i in range(m) if nx[i]]
        ay = [sum(a[i][j].numerator * (da // a[i][j].denominator) * ny[j] for j in sup_y)
              for i in range(m)]  # (A y)_i * da * dy
        xb = [sum(b[i][j].numerator * (db // b[i][j].denominator) * nx[i] for i in sup_x)
              for j in range(n)]  # (x B)_j * db * dx
        u1 = sum(nx[i] * ay[i] for i in sup_x)  # * dx * da * dy
        u2 = sum(xb[j] * ny[j] for j in sup_y)  # * dy * db * dx
        d1, d2 = dx * da * dy, dy * db * dx
        return (Fraction(max(ay) * dx - u1, d1), Fraction(max(xb) * dy - u2, d2),
                Fraction(u1, d1), Fraction(u2, d2))
    fay = [sum((a[i][j] * y[j] for j in range(n) if y[j]), Fraction(0)) for i in range(m)]
    fxb = [sum((b[i][j] * x[i] for i in range(m) if x[i]), Fraction(0)) for j in range(n)]
    f1 = sum((x[i] * fay[i] for i in range(m) if x[i]), Fraction(0))
    f2 = sum((fxb[j] * y[j] for j in range(n) if y[j]), Fraction(0))
    return max(fay) - f1, max(fxb) - f2, f1, f2
