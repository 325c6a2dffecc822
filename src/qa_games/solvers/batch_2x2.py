"""Private 2x2 kernels of :mod:`qa_games.solvers.batch`: closed forms, column by column.

A 2x2 bimatrix game ``(A, B)`` is decided by four differences,
``a_j = A[0, j] - A[1, j]`` (row player's gain from row 0 against column ``j``) and
``b_i = B[i, 0] - B[i, 1]``. Pure profile ``(i, j)`` is an equilibrium when row
``i`` is a best response to column ``j`` and column ``j`` to row ``i``; a fully mixed
equilibrium exists iff ``a_0 a_1 < 0`` and ``b_0 b_1 < 0``, and then
``y_0 = a_1 / (a_1 - a_0)``, ``x_0 = b_1 / (b_1 - b_0)`` (each player's mix makes
the *other* indifferent; e.g. Osborne 2004, *An Introduction to Game Theory*,
sec. 4.3). The game is degenerate iff some difference is 0; differences within
``tol`` times the payoff range make it a suspect for the exact solver.

Only elementwise operations on ``(K,)`` columns: numpy's reductions along short
axes are slow, and these kernels are the 1000x-over-a-loop path.
"""

from __future__ import annotations

import numpy as np

__all__: list[str] = []  # private module


def flags_2x2(A: np.ndarray, B: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Which of the candidates ``(0, 0), (0, 1), mixed, (1, 0), (1, 1)`` of each 2x2
    game (raw payoffs) are equilibria, ``(5, K) bool``, and ``suspect (K,)``.

    In decreasing lexicographic order of ``(x, y)`` (the order of
    :func:`qa_games.solvers.solve.solve`) the equilibria of a 2x2 game always come in this
    fixed order. The tests are those of :mod:`qa_games.solvers.batch_support` (best
    responses and ties within ``tol`` times the game's payoff range, probabilities
    within ``tol`` of 0), on the differences of the module docstring.
    """
    K = len(A)
    a = A.reshape(K, 4)
    b = B.reshape(K, 4)
    a0 = a[:, 0] - a[:, 2]
    a1 = a[:, 1] - a[:, 3]
    b0 = b[:, 0] - b[:, 1]
    b1 = b[:, 2] - b[:, 3]
    eA = tol * _range4(a)
    eB = tol * _range4(b)
    flags = np.empty((5, K), dtype=bool)
    flags[0] = (a0 >= -eA) & (b0 >= -eB)
    flags[1] = (a1 >= -eA) & (b0 <= eB)
    flags[2] = (a0 * a1 < 0) & (b0 * b1 < 0)
    flags[3] = (a0 <= eA) & (b1 >= -eB)
    flags[4] = (a1 <= eA) & (b1 <= eB)
    suspect = ((np.abs(a0) <= eA) | (np.abs(a1) <= eA)
               | (np.abs(b0) <= eB) | (np.abs(b1) <= eB))
    g = np.flatnonzero(flags[2])
    # A probability within tol of 0 (|a_j| tiny against the other difference).
    da, db = np.abs(a1[g] - a0[g]), np.abs(b1[g] - b0[g])
    small = np.minimum(np.minimum(np.abs(a0[g]), np.abs(a1[g])) / da,
                       np.minimum(np.abs(b0[g]), np.abs(b1[g])) / db)
    suspect[g[small <= tol]] = True
    return flags, suspect


def _range4(a: np.ndarray) -> np.ndarray:
    hi = np.maximum(np.maximum(a[:, 0], a[:, 1]), np.maximum(a[:, 2], a[:, 3]))
    lo = np.minimum(np.minimum(a[:, 0], a[:, 1]), np.minimum(a[:, 2], a[:, 3]))
    return hi - lo


def count_2x2(flags: np.ndarray) -> np.ndarray:
    """Number of equilibria per game from the ``(5, K)`` flags."""
    counts = flags[0].astype(np.intp)
    for c in range(1, 5):
        counts += flags[c]
    return counts


def fill_2x2(A: np.ndarray, B: np.ndarray, flags: np.ndarray, row: np.ndarray,
             col: np.ndarray, pay_r: np.ndarray, pay_c: np.ndarray) -> None:
    """Write the equilibria flagged by :func:`flags_2x2` into the (uninitialised,
    contiguous) output arrays ``row (K, E, 2)``, ``col``, ``pay_r (K, E)``,
    ``pay_c``, in the flags' order, NaN beyond each game's count.

    Each slot gets a code (0 empty, ``c + 1`` for candidate ``c``); the pure
    profiles are looked up in small tables by code, and only the mixed equilibria
    are computed and scattered.
    """
    K, E = row.shape[:2]
    a = A.reshape(K, 4)
    b = B.reshape(K, 4)
    code = np.zeros((K, E), dtype=np.intp)
    before = np.zeros(K, dtype=np.intp)  # equilibria of earlier candidates
    for c in range(5):
        g = np.flatnonzero(flags[c])
        e = before[g]
        code[g, e] = c + 1
        if c == 2:
            mg, me = g, e
        if c < 4:
            before += flags[c]
    np.take(_LUT_ROW, code, axis=0, out=row)
    np.take(_LUT_COL, code, axis=0, out=col)
    ag, bg = a[mg], b[mg]
    a0, a1 = ag[:, 0] - ag[:, 2], ag[:, 1] - ag[:, 3]
    b0, b1 = bg[:, 0] - bg[:, 1], bg[:, 2] - bg[:, 3]
    da, db = a1 - a0, b1 - b0
    x0, x1 = b1 / db, -b0 / db
    y0, y1 = a1 / da, -a0 / da
    row[mg, me] = np.stack([x0, x1], axis=1)
    col[mg, me] = np.stack([y0, y1], axis=1)
    for pay, p, mixed_pay in ((pay_r, a, ag[:, 0] * y0 + ag[:, 1] * y1),
                              (pay_c, b, x0 * bg[:, 0] + x1 * bg[:, 2])):
        table = np.empty((K, 6))  # per code: NaN, the four pure payoffs, the mixed one
        table[:, 0] = np.nan
        table[:, 1:3] = p[:, 0:2]
        table[:, 4:6] = p[:, 2:4]
        table[mg, 3] = mixed_pay
        pay[:] = np.take_along_axis(table, code, axis=1)


_NAN2 = [np.nan, np.nan]
#: Row / column mixes of the codes 0 (empty), 1..5 (candidates; the mixed one, 3,
#: is overwritten).
_LUT_ROW = np.array([_NAN2, [1, 0], [1, 0], _NAN2, [0, 1], [0, 1]], dtype=float)
_LUT_COL = np.array([_NAN2, [1, 0], [0, 1], _NAN2, [1, 0], [0, 1]], dtype=float)
