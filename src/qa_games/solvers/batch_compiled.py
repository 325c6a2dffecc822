"""Private compiled path of :mod:`qa_games.solvers.batch`: per-game vertex enumeration in
numba, for stacks that numpy's vectorised kernels solve slowly.

Theory (von Stengel 2002, "Computing equilibria for two-person games", sec. 2-3; the
characterisation of :mod:`qa_games.solvers.vertex_enumeration`): the extreme equilibria
are the completely labelled pairs of nonzero vertices of ``P = {x >= 0 : B^T x <= 1}``
and ``Q = {y >= 0 : A y <= 1}`` (payoffs shifted positive); the kernels in
:mod:`qa_games.solvers._batch_jit` visit the bases of each polytope by pivoting (the
lexicographically feasible ones for integer games, von Stengel 2002 sec. 2.4; every
feasible one for float games, which are certified nondegenerate), one game after
another in compiled code.

* **Integer games** whose pivots provably fit in int64 (:func:`int_safe`: Hadamard's
  bound on the minors of ``[M I 1]``, of which every tableau entry is one, below
  2**26, so a product of two is exact in float64)
  are solved in fraction-free integer arithmetic (exact integers in float64): the
  same vertices, labels, degeneracy
  verdict and extreme equilibria as :func:`qa_games.solvers.solve.solve`, in its order,
  as the correctly rounded floats of the exact mixes (equal to ``solve``'s to the bit).
  Payoffs 0..5 qualify up to 6x6, 0..2 up to 8x8.
* **Float games** are normalised to ``[0.2, 1.2]`` and pivoted in float64; a game is
  *certified* only when the search never meets a decision within ``tol`` (a basic
  variable near 0, a near-tie in a ratio test, a pivot entry near 0, two equilibria
  whose order is within ``tol``). A certified game is nondegenerate, so its result is
  every equilibrium, within rounding of the exact one; the others are suspects, which
  :mod:`qa_games.solvers.batch` solves exactly.

Stacks of more than :data:`MIN_WORK_PER_THREAD` games times bases per thread are split over
:func:`threads` threads (the kernels release the GIL); the result does not depend on
the split.

numba is an optional dependency (the ``fast`` extra): :func:`load` returns ``None``
without it, or when the environment variable ``QA_GAMES_NUMBA`` is ``0``, and
:mod:`~qa_games.solvers.batch` then uses its pure-numpy kernels, which give the same
equilibria (bit for bit on the exact paths, within ``tol`` on certified float games).
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import Any

import numpy as np

from . import compiled

__all__: list[str] = []  # private module

#: log2 of the Hadamard bound up to which the integer kernel is exact: products of two
#: minors, held in float64, stay below 2**52 (and the lexicographic comparisons, a minor
#: times a sum of at most 8, in int64, below 2**63).
LOG2_MINOR_BOUND = 26.0

#: Bases whose Hadamard ratio ``|det| / (product of column norms)`` is below this are
#: not trusted in floats (error up to about 1e-16 / ratio; as
#: :data:`qa_games.solvers.batch_support.ILL_CONDITIONED`).
ILL_CONDITIONED = 1e-5

#: Float games are normalised to payoffs in ``[FLOAT_SHIFT, 1 + FLOAT_SHIFT]``: positive
#: (P and Q bounded), and a small shift keeps the bases well conditioned (a large one
#: adds a big rank-one term and makes the columns nearly parallel).
FLOAT_SHIFT = 0.2

_loaded: list[ModuleType | None] = []


def load() -> ModuleType | None:
    """The compiled kernels, or ``None`` when numba is absent or ``QA_GAMES_NUMBA=0``."""
    if not compiled.enabled():
        return None
    if not _loaded:
        from . import _batch_jit

        _loaded.append(_batch_jit if _batch_jit.HAVE_NUMBA else None)
    return _loaded[0]


def _log2_hadamard(M: np.ndarray) -> np.ndarray:
    """``(K,)``: log2 of a bound on every ``k x k`` minor of ``[M I 1]`` for each
    positive matrix ``M[g] (k, d)``: the lesser of the column and row Hadamard bounds."""
    K, k, d = M.shape
    col = np.sqrt((M * M).sum(axis=1))  # (K, d)
    others = np.concatenate([np.full((K, 1), math.sqrt(k)), np.ones((K, k))], axis=1)
    norms = np.sort(np.concatenate([col, others], axis=1), axis=1)[:, ::-1][:, :k]
    by_col = np.log2(norms).sum(axis=1)
    by_row = 0.5 * np.log2((M * M).sum(axis=2) + 2.0).sum(axis=1)
    return np.minimum(by_col, by_row)


def shifted(X: np.ndarray) -> np.ndarray:
    """Each game's payoffs shifted so that the least is 1 (as ``solve`` does)."""
    return X - X.reshape(len(X), -1).min(axis=1)[:, None, None] + 1.0


def int_safe(A: np.ndarray, B: np.ndarray, *, integer: bool = False) -> np.ndarray:
    """``(K,) bool``: games with integer payoffs small enough for the integer kernel.

    ``integer``: the caller knows every payoff is an integer (the float64 copies of
    integer arrays), so only the size is checked."""
    K, m, n = A.shape
    fa, fb = A.reshape(K, -1), B.reshape(K, -1)
    ok = np.ones(K, dtype=bool)
    if not integer:
        for flat in (fa, fb):  # a cheap first filter: the first payoff of each game
            ok &= flat[:, 0] == np.round(flat[:, 0])
        idx = np.flatnonzero(ok)
        if not len(idx):
            return ok
        for flat in (fa, fb):
            sub = flat[idx]
            ok[idx] &= np.all(sub == np.round(sub), axis=1)
    lo_a, hi_a, lo_b, hi_b = fa.min(axis=1), fa.max(axis=1), fb.min(axis=1), fb.max(axis=1)
    ok &= np.maximum(np.maximum(-lo_a, hi_a), np.maximum(-lo_b, hi_b)) < 2.0**40
    # Hadamard's row bound with every shifted payoff at its game's largest, hi - lo + 1:
    # above the bound of _log2_hadamard, so the games under it need no closer look
    with np.errstate(invalid="ignore"):  # games refused above may overflow here
        crude = np.maximum(0.5 * m * np.log2(n * (hi_a - lo_a + 1.0) ** 2 + 2.0),
                           0.5 * n * np.log2(m * (hi_b - lo_b + 1.0) ** 2 + 2.0))
    idx = np.flatnonzero(ok & ~(crude < LOG2_MINOR_BOUND))
    if len(idx):
        As, Bs = shifted(A[idx]), shifted(B[idx])
        bound = np.maximum(_log2_hadamard(As), _log2_hadamard(np.swapaxes(Bs, 1, 2)))
        ok[idx] = bound < LOG2_MINOR_BOUND
    return ok


#: Work per thread (games times the bases a polytope can have) below which a stack is
#: not split further: a few milliseconds of pivoting (0.05-0.1 microseconds a unit from
#: 3x3 to 6x6), several scheduler time slices, so that a thread waiting for a busy core
#: does not cost more than it saves (on the shared 2-core machine one thread was as fast
#: as two up to about 4,000 3x3 or 40 6x6 games).
MIN_WORK_PER_THREAD = 65536


def _split(kernel: Any, K: int, args: tuple[np.ndarray, ...], extra: tuple[Any, ...]
           ) -> tuple[np.ndarray, ...]:
    """Run ``kernel`` on contiguous parts of the stacks in ``args`` on threads, and
    join its ``(flag, counts, game, x, y)`` outputs (game indices offset)."""
    T = min(compiled.threads(), K * int(extra[0]) // MIN_WORK_PER_THREAD)
    if T <= 1:
        return tuple(kernel(*args, *extra))
    from concurrent.futures import ThreadPoolExecutor

    bounds = np.linspace(0, K, T + 1).astype(int)
    with ThreadPoolExecutor(T) as pool:
        parts = list(pool.map(lambda t: kernel(*(a[bounds[t]:bounds[t + 1]] for a in args),
                                               *extra), range(T)))
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] + bounds[t] for t, p in enumerate(parts)]),
            np.concatenate([p[3] for p in parts]), np.concatenate([p[4] for p in parts]))


def solve_int(jit: ModuleType, A: np.ndarray, B: np.ndarray, *,
              every_basis: bool = False) -> tuple[np.ndarray, ...]:
    """Exact extreme equilibria of integer stacks (float64 within :func:`int_safe`).

    Returns ``(degenerate (K,), counts (K,), game (N,), x (N, m), y (N, n))``, records
    sorted by game then in ``solve``'s order. The polytopes are searched over their
    lexicographically feasible bases, or over every feasible basis when ``every_basis``
    (the same results, more pivots on degenerate games: a cross-check)."""
    m, n = A.shape[1:]
    Ai = np.ascontiguousarray(shifted(A), dtype=np.float64)
    Bi = np.ascontiguousarray(shifted(B), dtype=np.float64)
    return _split(jit.solve_int, len(A), (Ai, Bi), (math.comb(m + n, m), bool(every_basis)))


def solve_float(jit: ModuleType, A: np.ndarray, B: np.ndarray,
                tol: float) -> tuple[np.ndarray, ...]:
    """Equilibria of the float games the compiled search certifies nondegenerate.

    Returns ``(suspect (K,), counts (K,), game (N,), x (N, m), y (N, n))``; suspects
    (and constant games, all ties) have no records. ``tol`` is the margin of every
    decision (the normalised payoffs span 1)."""
    K, m, n = A.shape
    suspect, counts, gg, x, y = _split(jit.solve_float, K, (np.ascontiguousarray(A),
                                                            np.ascontiguousarray(B)),
                                       (math.comb(m + n, m), float(tol), float(tol),
                                        ILL_CONDITIONED, FLOAT_SHIFT))
    return suspect, counts, gg, x, y
