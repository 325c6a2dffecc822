"""numba-compiled pieces shared by the int64 and the multi-modular kernels of
:mod:`qa_games.solvers.vertex_kernel` (imported only when numba is installed)."""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["grown", "slack_columns", "drop_basic_slack_row"]


@numba.njit(cache=True)
def grown(a, top, cap):
    """``a`` with room for ``cap`` rows along its first axis, its first ``top`` kept."""
    out = np.empty((cap,) + a.shape[1:], a.dtype)
    out[:top] = a[:top]
    return out


@numba.njit(cache=True)
def slack_columns(nonb, d, where):
    """``where[c]``: the tableau column of slack ``c`` where it is nonbasic, else -1 (the
    columns of the scaled basis inverse that the lexicographic tie-break reads)."""
    where[:] = -1
    for qq in range(nonb.shape[0]):
        if nonb[qq] >= d:
            where[nonb[qq] - d] = qq


@numba.njit(cache=True)
def drop_basic_slack_row(cand, nc, basis, d, c):
    """Drop from ``cand[:nc]`` the row where slack ``c`` is basic (its column of the basis
    inverse is a unit vector there: that row loses the tie); the new count."""
    lose = -1
    for r in range(basis.shape[0]):
        if basis[r] == d + c:
            lose = r
    kept = 0
    for i in range(nc):
        if cand[i] != lose:
            cand[kept] = cand[i]
            kept += 1
    return kept
