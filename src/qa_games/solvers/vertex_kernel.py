"""Compiled (numba) kernels of the lexicographic vertex enumeration of
:func:`qa_games.solvers.vertex_enumeration.polytope_vertices`: the same depth-first
search over the lexicographically feasible bases of ``M z + s = 1, z, s >= 0``, the same
integer pivoting (Edmonds 1967; von Stengel 2002 sec. 2.4), in machine integers.

:func:`enumerate_bases` works in int64. It is exact as long as every tableau entry stays
below ``2**31`` in magnitude (the products of a pivot and of a ratio comparison then
stay below ``2**62``); it checks this at every basis and gives up (returns ``None``) the
moment an entry reaches the bound, or when the bases do not fit a 63-bit mask.

:func:`enumerate_bases_modular` has no size limit on the entries (wide payoffs, scaled
fractions): each entry is held as its residues modulo primes below ``2**26`` whose
product exceeds twice the Hadamard bound of the entries (:func:`hadamard_bound`; the
entries are minors of ``[M | I | 1]``), so it is determined exactly. Per basis the
symmetric mixed-radix digits of each entry (Garner) give its sign and a double within a
few ulps; a ratio comparison is decided by the doubles unless they are within 1e-10, and
then exactly, in residues modulo enough primes for the products. It returns the label
(zero) sets and basis masks, not coordinates: the caller solves only the vertices it
needs. Beyond ``STACK_BYTES`` of tableaux the stack holds bases only and recomputes a
tableau by elimination when it is popped, so memory stays bounded.

Without numba (or with ``QA_GAMES_NUMBA=0``) :func:`available` is false and the
callers use the Python big-integer enumeration, which returns the same vertices. numba
is an optional dependency (the ``fast`` extra).

>>> available() in (True, False)
True
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache

import numpy as np

from . import compiled

__all__ = ["available", "LIMIT", "DEFER", "EXPIRED", "Expired", "enumerate_bases",
           "hadamard_bound", "enumerate_bases_modular", "stack_budget"]

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
    ``None`` when the int64 bound would be exceeded, the depth-first stack would outgrow
    ``STACK_BYTES`` (then :func:`enumerate_bases_modular`, whose memory is bounded), or
    numba is missing.

    >>> out = enumerate_bases([[1, 2], [2, 1]])
    >>> out is None or sorted(map(tuple, out[0].tolist())) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    True
    """
    k, d = len(matrix), len(matrix[0])
    if d + k > 62 or max(max(r) for r in matrix) >= LIMIT:
        return None
    with _timer_deferred() as flag:
        if not available():
            return None
        from ._vertex_kernel_numba import kernel

        max_stack = max(256, stack_budget() // (8 * k * (d + 1)))
        ok, nums, dens, zeros = kernel(np.array(matrix, dtype=np.int64), LIMIT, flag,
                                       max_stack)
    return (nums, dens, zeros) if ok else None


@contextmanager
def _timer_deferred() -> Iterator[np.ndarray]:
    """While a kernel runs: solve's ``max_seconds`` timer only sets the flag yielded,
    which the kernel polls; on leaving, :class:`Expired` if it was set. Only the main
    thread owns the timer: other threads get a flag of their own that nothing sets, and
    leave ``DEFER`` alone. Deferred also while numba is first imported (by
    :func:`available`): an exception raised there would leave numba half imported for
    the whole process."""
    main = threading.current_thread() is threading.main_thread()
    flag = EXPIRED if main else np.zeros(1, dtype=np.bool_)
    if main:
        DEFER[0] = True
    try:
        yield flag
    finally:
        if main:
            DEFER[0] = False
    if flag[0]:
        flag[0] = False
        raise Expired


MAX_BOUND_BITS = 480  # entries (minors) up to 2**480: their doubles' products stay finite
# the depth-first stack's tableaux, at most (beyond: bases only, tableaux recomputed); a
# quarter of the headroom under an address-space limit (RLIMIT_AS) where that is less
STACK_BYTES = 2**29


def stack_budget() -> int:
    """Bytes a depth-first stack of tableaux may hold: ``STACK_BYTES``, or a quarter of
    what an address-space limit leaves, if less (at least 1 MB).

    >>> stack_budget() >= 2**20
    True
    """
    try:
        import resource
    except ImportError:  # not POSIX: no address-space limit to read
        return STACK_BYTES

    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return STACK_BYTES
    try:
        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        used = 0
    return max(2**20, min(STACK_BYTES, (soft - used) // 4))


def hadamard_bound(matrix: Sequence[Sequence[int]]) -> int:
    """An integer bound on every integer-pivoting tableau entry of ``matrix @ z + s = 1``:
    the entries are k x k minors of ``[matrix | I | 1]``, so at most the product of the k
    largest column norms (Hadamard).

    >>> hadamard_bound([[1, 2], [2, 1]])  # columns (1, 2), (2, 1), the units, (1, 1)
    5
    """
    k = len(matrix)
    squares = [sum(row[j] * row[j] for row in matrix) for j in range(len(matrix[0]))]
    squares += [k] + [1] * k
    product = math.prod(sorted(squares, reverse=True)[:k])
    root = math.isqrt(product)
    return root if root * root == product else root + 1


PRIME_BITS = 26  # residues below 2**26: their products (below 2**52) are exact doubles


@lru_cache(maxsize=1)
def _primes() -> tuple[int, ...]:
    """The 48 largest primes below ``2**PRIME_BITS``, largest first."""
    from sympy import prevprime

    out = [prevprime(2**PRIME_BITS)]
    while len(out) < 48:
        out.append(prevprime(out[-1]))
    return tuple(out)


@lru_cache(maxsize=8)
def _tables(nf: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``primes[:nf]``, ``inv[s, t] = p_s**-1 mod p_t`` and ``radix[s, t] = p_0 ... p_{s-1}
    mod p_t`` (the mixed-radix weights)."""
    primes = _primes()[:nf]
    inv = np.zeros((nf, nf), np.float64)
    radix = np.zeros((nf, nf), np.float64)
    for t, pt in enumerate(primes):
        weight = 1
        for s, ps in enumerate(primes):
            if s != t:
                inv[s, t] = pow(ps, -1, pt)
            radix[s, t] = weight % pt
            weight *= ps
    return np.array(primes, np.float64), inv, radix


def _count_for(limit: int) -> int:
    """How many of the primes it takes for their product to exceed ``limit``."""
    product, n = 1, 0
    for p in _primes():
        if product > limit:
            return n
        product *= p
        n += 1
    return n if product > limit else -1


def enumerate_bases_modular(matrix: list[list[int]], stack_bytes: int | None = None
                            ) -> tuple[np.ndarray, np.ndarray] | None:
    """Every lexicographically feasible basis of ``matrix @ z + s = 1`` (positive integers
    of any size, k x d) as ``(zero_masks, basis_masks)``, by the same search as
    :func:`enumerate_bases` with every tableau entry held exactly as residues modulo
    primes below ``2**26`` (enough of them for twice the :func:`hadamard_bound`). Bit
    ``v < d`` stands for ``z_v``, bit ``d + r`` for the slack of row ``r``. ``None``
    without numba, when the bases do not fit a 63-bit mask or the bound exceeds
    ``2**MAX_BOUND_BITS``, or (about once in 10**7 pivots) when a basis determinant is
    divisible by one of the primes. The stack keeps at most ``stack_bytes`` of tableaux
    (default: ``STACK_BYTES``, less under an address-space limit);
    the bases pushed beyond get theirs recomputed from scratch when popped (slower, the
    same bases).

    >>> out = enumerate_bases_modular([[1, 2], [2, 1]])
    >>> out is None or sorted(out[1].tolist()) == [3, 5, 10, 12]  # z0 z1, z0 s0, z1 s1, s0 s1
    True
    """
    k, d = len(matrix), len(matrix[0])
    bound = hadamard_bound(matrix)
    if d + k > 62 or bound.bit_length() > MAX_BOUND_BITS:
        return None
    ns = _count_for(2 * bound)
    nf = _count_for(4 * bound * bound)
    if ns < 0 or nf < 0:
        return None
    primes, inv, radix = _tables(nf)
    init = np.array([[[x % p for x in list(row) + [1]] for row in matrix]
                     for p in _primes()[:ns]], dtype=np.float64)
    with _timer_deferred() as flag:
        if not available():
            return None
        from ._vertex_kernel_modular import kernel

        if stack_bytes is None:
            stack_bytes = stack_budget()
        budget = max(1, stack_bytes // (4 * ns * k * (d + 1)))
        status, zeros, bases = kernel(init, primes, ns, nf, inv, radix, flag, budget)
    return (zeros, bases) if status == 0 else None  # status 1 (expired) raised above
