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

    Slot ``e`` of a game holds candidate ``code_e = #{c : cum_c <= e}`` (``cum`` the
    running count of its flags; 5 means empty); every output is then a short chain of
    elementwise selections per slot, with no fancy indexing.
    """
    K, E = row.shape[:2]
    a = A.reshape(K, 4)
    b = B.reshape(K, 4)
    cum = np.cumsum(flags, axis=0, dtype=np.int8)  # (5, K)
    with np.errstate(divide="ignore", invalid="ignore"):
        a0, a1 = a[:, 0] - a[:, 2], a[:, 1] - a[:, 3]
        b0, b1 = b[:, 0] - b[:, 1], b[:, 2] - b[:, 3]
        da, db = a1 - a0, b1 - b0
        x0, x1 = b1 / db, -b0 / db
        y0, y1 = a1 / da, -a0 / da
        mixed_r = a[:, 0] * y0 + a[:, 1] * y1
        mixed_c = x0 * b[:, 0] + x1 * b[:, 2]
    nan = np.nan
    for e in range(E):
        code = (cum[0] <= e).astype(np.int8)
        for c in range(1, 5):
            code += cum[c] <= e
        empty = code == 5
        mixed = code == 2
        top = code < 2  # (0, 0) or (0, 1): row plays 0
        left = (code == 0) | (code == 3)  # column plays 0
        r0 = np.where(top, 1.0, np.where(mixed, x0, 0.0))
        r1 = np.where(top, 0.0, np.where(mixed, x1, 1.0))
        c0 = np.where(left, 1.0, np.where(mixed, y0, 0.0))
        c1 = np.where(left, 0.0, np.where(mixed, y1, 1.0))
        # pure payoffs: entry (row, col) of the 2x2 table
        cell = np.where(top, 0, 2) + np.where(left, 0, 1)
        pr = np.where(mixed, mixed_r, np.take_along_axis(a, cell[:, None].astype(np.intp),
                                                         axis=1)[:, 0])
        pc = np.where(mixed, mixed_c, np.take_along_axis(b, cell[:, None].astype(np.intp),
                                                         axis=1)[:, 0])
        for arr in (r0, r1, c0, c1, pr, pc):
            arr[empty] = nan
        row[:, e, 0], row[:, e, 1] = r0, r1
        col[:, e, 0], col[:, e, 1] = c0, c1
        pay_r[:, e], pay_c[:, e] = pr, pc


def exact_2x2(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every extreme equilibrium of each 2x2 game, degenerate or not, decided exactly.

    ``A, B (K, 2, 2)`` float64 holding the game's payoffs exactly (floats, or integers
    below 2**53). Writing ``e_0, x*, e_1`` for the normalised nonzero vertices of P
    (``x*`` exists iff ``b_0, b_1`` have strictly opposite signs) and ``f_0, y*, f_1``
    for those of Q, the labels are ``e_0: {1} + {2 if b_0 >= 0} + {3 if b_0 <= 0}``,
    ``e_1: {0} + {2 if b_1 >= 0} + {3 if b_1 <= 0}``, ``x*: {2, 3}`` and symmetrically
    ``f_0: {3} + {0 if a_0 >= 0} + {1 if a_0 <= 0}``, ``f_1: {2} + {0 if a_1 >= 0} +
    {1 if a_1 <= 0}``, ``y*: {0, 1}``; the nine pairs below are completely labelled
    exactly under the stated sign conditions, and the game is degenerate exactly when a
    difference is 0. Signs and zeros of float differences are exact (IEEE subtraction
    is correctly rounded, with gradual underflow), so nothing here is a tolerance.

    Returns ``(counts, degenerate, pure_eq (K, 2, 2), row (K, E, 2), col, pay_r (K, E),
    pay_c)`` in :func:`qa_games.solvers.solve.solve`'s order (decreasing lexicographic:
    the pairs in the order ``e_0, x*, e_1`` times ``f_0, y*, f_1``), NaN padded.
    """
    K = len(A)
    a = A.reshape(K, 4)
    b = B.reshape(K, 4)
    a0 = a[:, 0] - a[:, 2]
    a1 = a[:, 1] - a[:, 3]
    b0 = b[:, 0] - b[:, 1]
    b1 = b[:, 2] - b[:, 3]
    a_mixed = ((a0 > 0) & (a1 < 0)) | ((a0 < 0) & (a1 > 0))
    b_mixed = ((b0 > 0) & (b1 < 0)) | ((b0 < 0) & (b1 > 0))
    flags = np.empty((9, K), dtype=bool)
    flags[0] = (a0 >= 0) & (b0 >= 0)        # (e0, f0)
    flags[1] = (b0 == 0) & a_mixed          # (e0, y*)
    flags[2] = (a1 >= 0) & (b0 <= 0)        # (e0, f1)
    flags[3] = (a0 == 0) & b_mixed          # (x*, f0)
    flags[4] = a_mixed & b_mixed            # (x*, y*)
    flags[5] = (a1 == 0) & b_mixed          # (x*, f1)
    flags[6] = (a0 <= 0) & (b1 >= 0)        # (e1, f0)
    flags[7] = (b1 == 0) & a_mixed          # (e1, y*)
    flags[8] = (a1 <= 0) & (b1 <= 0)        # (e1, f1)
    degenerate = (a0 == 0) | (a1 == 0) | (b0 == 0) | (b1 == 0)
    counts = flags[0].astype(np.intp)
    for c in range(1, 9):
        counts += flags[c]
    E = max(1, int(counts.max()))
    code = np.full((K, E), 9, dtype=np.intp)
    before = np.zeros(K, dtype=np.intp)
    for c in range(9):
        g = np.flatnonzero(flags[c])
        code[g, before[g]] = c
        before[g] += 1
    with np.errstate(divide="ignore", invalid="ignore"):
        db, da = b1 - b0, a1 - a0
        xs = (np.where(b_mixed, b1 / db, np.nan), np.where(b_mixed, -b0 / db, np.nan))
        ys = (np.where(a_mixed, a1 / da, np.nan), np.where(a_mixed, -a0 / da, np.nan))
    one, zero, nan = np.ones(K), np.zeros(K), np.full(K, np.nan)
    # per candidate code 0..8 (and 9 = empty): the x and y components
    xv = [np.stack([one, one, one, xs[0], xs[0], xs[0], zero, zero, zero, nan], axis=1),
          np.stack([zero, zero, zero, xs[1], xs[1], xs[1], one, one, one, nan], axis=1)]
    yv = [np.stack([one, ys[0], zero] * 3 + [nan], axis=1),
          np.stack([zero, ys[1], one] * 3 + [nan], axis=1)]
    row = np.empty((K, E, 2))
    col = np.empty((K, E, 2))
    for t in range(2):
        row[:, :, t] = np.take_along_axis(xv[t], code, axis=1)
        col[:, :, t] = np.take_along_axis(yv[t], code, axis=1)
    x0, x1, y0, y1 = row[:, :, 0], row[:, :, 1], col[:, :, 0], col[:, :, 1]
    pay_r = x0 * (a[:, 0:1] * y0 + a[:, 1:2] * y1) + x1 * (a[:, 2:3] * y0 + a[:, 3:4] * y1)
    pay_c = x0 * (b[:, 0:1] * y0 + b[:, 1:2] * y1) + x1 * (b[:, 2:3] * y0 + b[:, 3:4] * y1)
    pure_eq = np.empty((K, 2, 2), dtype=bool)
    for c, (i, j) in zip((0, 2, 6, 8), ((0, 0), (0, 1), (1, 0), (1, 1)), strict=True):
        pure_eq[:, i, j] = flags[c]
    return counts, degenerate, pure_eq, row, col, pay_r, pay_c
