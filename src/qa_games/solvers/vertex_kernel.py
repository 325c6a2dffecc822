"""A compiled (numba) int64 kernel of the lexicographic vertex enumeration of
:func:`qa_games.solvers.vertex_enumeration.polytope_vertices`: the same depth-first
search over the lexicographically feasible bases of ``M z + s = 1, z, s >= 0``, the same
integer pivoting (Edmonds 1967; von Stengel 2002 sec. 2.4), in machine integers.

It is exact as long as every tableau entry stays below ``2**31`` in magnitude (the
products of a pivot and of a ratio comparison then stay below ``2**62``); it checks this
at every basis and gives up (returns ``None``) the moment an entry reaches the bound, or
when the bases do not fit a 63-bit mask, and the caller then runs the Python big-integer
enumeration, which returns the same vertices. numba is an optional dependency (the
``fast`` extra): without it (or with ``QA_GAMES_NUMBA=0``) :func:`available` is false
and the Python path is used.

>>> available() in (True, False)
True
"""

from __future__ import annotations

import threading

import numpy as np

from . import compiled

__all__ = ["available", "LIMIT", "DEFER", "EXPIRED", "Expired", "enumerate_bases"]

LIMIT = 2**31  # every tableau entry below this: int64 products below 2**62
# A timer signal cannot interrupt compiled code, and a Python exception raised inside it
# is an error: while DEFER[0] is set, qa_games.solve's max_seconds handler only sets
# EXPIRED[0], which the kernel polls; enumerate_bases then raises Expired.
DEFER = [False]
EXPIRED = np.zeros(1, dtype=np.bool_)


class Expired(Exception):
    """The time budget ran out while the compiled kernel ran."""

def available() -> bool:
    """Whether the compiled kernel can run (numba installed, not switched off by
    ``QA_GAMES_NUMBA=0``: :func:`qa_games.solvers.compiled.enabled`).

    >>> isinstance(available(), bool)
    True
    """
    return compiled.enabled()


def enumerate_bases(matrix: list[list[int]]
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Every lexicographically feasible basis of ``matrix @ z + s = 1`` (positive
    integers, k x d) as ``(numerators, denominators, zero_masks)``: per basis the vertex
    ``numerators / denominator`` in lowest terms and the bit mask of the variables that
    are zero there (bit ``v < d`` for ``z_v``, bit ``d + r`` for the slack of row ``r``).
    ``None`` when the int64 bound would be exceeded or numba is missing.

    >>> out = enumerate_bases([[1, 2], [2, 1]])
    >>> out is None or sorted(map(tuple, out[0].tolist())) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    True
    """
    k, d = len(matrix), len(matrix[0])
    if d + k > 62 or max(max(r) for r in matrix) >= LIMIT:
        return None
    # Only the main thread owns the timer (solve's max_seconds): other threads get a flag
    # of their own that nothing sets, and leave DEFER alone.
    main = threading.current_thread() is threading.main_thread()
    flag = EXPIRED if main else np.zeros(1, dtype=np.bool_)
    if main:  # also while numba is first imported (by available()): an exception raised
        DEFER[0] = True  # there would leave numba half imported for the whole process
    try:
        if not available():
            return None
        from ._vertex_kernel_numba import kernel

        ok, nums, dens, zeros = kernel(np.array(matrix, dtype=np.int64), LIMIT, flag)
    finally:
        if main:
            DEFER[0] = False
    if flag[0]:
        flag[0] = False
        raise Expired
    return (nums, dens, zeros) if ok else None
