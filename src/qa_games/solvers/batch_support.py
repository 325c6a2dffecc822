"""Private kernels of :mod:`qa_games.solvers.batch`: support enumeration on stacks of games.

The cranky layer: every function takes plain float64 arrays of shape ``(K, m, n)``
that the caller has checked (finite, normalised so that each game's payoffs span
[0, 1]), and trusts them. Nothing here loops over games in Python; the loops run
over support sizes and blocks of support pairs.

Theory (von Stengel 2007, "Equilibrium computation for two-player games in
strategic and extensive form", ch. 3 of Nisan et al., *Algorithmic Game Theory*,
Algorithm 3.4 and Theorem 3.3): in a *nondegenerate* bimatrix game every Nash
equilibrium ``(x, y)`` has supports ``I``, ``J`` of equal size ``s``, and ``x``,
``y`` are the unique solutions of the indifference systems

    A[I, J] y = v 1,  sum(y) = 1        B[I, J]^T x = u 1,  sum(x) = 1,

with ``x, y > 0`` on their supports and no pure strategy doing better than
``v`` (resp. ``u``). A game is degenerate when some mixed strategy with support
size ``s`` has more than ``s`` pure best responses. Every such witness shows up
in one of the same systems: a solution that is a probability vector whose
support's ``s`` opponents' strategies are best responses, plus one more tied best
response or a zero probability. The kernels therefore screen for degeneracy at
the same cost as they enumerate, with a tolerance: a game is *certified* only
when every test is decided by a margin larger than ``tol``; every other game is
returned as a *suspect* for the exact solver. Systems too ill-conditioned to
trust in floats make the game a suspect too, unless an SVD shows that they have
no solution (singular and inconsistent) or that it is clearly not a probability
vector.
"""

from __future__ import annotations

import functools
import itertools
import math
from typing import NamedTuple

import numpy as np

__all__: list[str] = []  # private module

#: Largest number of float64 entries one block of a kernel holds at once.
BLOCK_ENTRIES = 1 << 21
#: Systems whose Hadamard ratio |det| / (product of row norms) is below this are not
#: trusted in floats (error up to about 1e-16 / ratio); :func:`_ill_may_matter`
#: triages them through an SVD.
ILL_CONDITIONED = 1e-5
#: Absolute error of one entry of a normalised game's row differences (normalising
#: into [0, 1] and one subtraction: a few units in the last place of 1).
ENTRY_ERROR = 4 * 2.0**-52
#: A closed-form solution is trusted when its error bound is below this share of tol.
ERROR_SHARE = 0.25


class Found(NamedTuple):
    """Equilibria found in one block: flat records, one per equilibrium."""

    game: np.ndarray  # (N,) int, index of the game in the chunk
    row: np.ndarray  # (N, m) float
    col: np.ndarray  # (N, n) float


def normalise(A: np.ndarray) -> np.ndarray:
    """Shift and scale each game's payoffs into [0, 1] (equilibria unchanged).

    A constant game (range 0) is left at 0: every tie in it is exact.
    """
    flat = A.reshape(len(A), -1)
    lo = flat.min(axis=1)[:, None, None]
    scale = flat.max(axis=1)[:, None, None] - lo
    return (A - lo) / np.where(scale > 0, scale, 1.0)


@functools.lru_cache(maxsize=64)
def support_pairs(m: int, n: int, s: int) -> tuple[np.ndarray, np.ndarray]:
    """All pairs of supports of size ``s``: arrays ``I (P, s)`` and ``J (P, s)``.

    Ordered by ``I`` then ``J``, each in :func:`itertools.combinations` order.
    """
    rows = np.array(list(itertools.combinations(range(m), s)), dtype=np.intp).reshape(-1, s)
    cols = np.array(list(itertools.combinations(range(n), s)), dtype=np.intp).reshape(-1, s)
    row_sets = np.repeat(rows, len(cols), axis=0)
    col_sets = np.tile(cols, (len(rows), 1))
    row_sets.setflags(write=False)
    col_sets.setflags(write=False)
    return row_sets, col_sets


def pure(A: np.ndarray, B: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Pure equilibria ``(K, m, n) bool`` and the pure-strategy degeneracy screen ``(K,)``.

    A pure strategy with two best responses within ``tol`` makes the game suspect.
    """
    col_best = A.max(axis=1, keepdims=True)  # row player's best payoff per column
    row_best = B.max(axis=2, keepdims=True)  # column player's best payoff per row
    a_br = A >= col_best - tol
    b_br = B >= row_best - tol
    eq = a_br & b_br
    suspect = (a_br.sum(axis=1) > 1).any(axis=1) | (b_br.sum(axis=2) > 1).any(axis=1)
    return eq, suspect


def _bordered_solve(M_sub: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Solve ``[[M, -1], [1, 0]] (z, w) = (0, 1)`` for a stack ``M_sub (..., s, s)``.

    Returns ``z (..., s)``, ``w (...)``, and ``ill (...)``: systems too close to
    singular to trust (Hadamard ratio below :data:`ILL_CONDITIONED`; their ``z``,
    ``w`` are NaN), for the caller to examine with :func:`_ill_may_matter`.
    """
    s = M_sub.shape[-1]
    M = np.empty(M_sub.shape[:-2] + (s + 1, s + 1))
    M[..., :s, :s] = M_sub
    M[..., :s, s] = -1.0
    M[..., s, :s] = 1.0
    M[..., s, s] = 0.0
    det = np.linalg.det(M)
    norms = np.sqrt((M * M).sum(axis=-1)).prod(axis=-1)
    ill = np.abs(det) <= ILL_CONDITIONED * norms
    if ill.any():
        M[ill] = np.eye(s + 1)
    rhs = np.zeros(M.shape[:-1] + (1,))
    rhs[..., s, 0] = 1.0
    sol = np.linalg.solve(M, rhs)[..., 0]
    z, w = sol[..., :s], sol[..., s]
    if ill.any():
        z[ill] = np.nan
        w[ill] = np.nan
    return z, w, ill


def _indifferent(M_sub: np.ndarray, tol: float = 1e-9
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The mix ``z`` on the columns of ``M_sub (..., s, s)`` making its rows indifferent.

    Solves ``M z = w 1, sum(z) = 1``. For ``s <= 4`` in closed form: ``z`` is
    proportional to the null vector of the row differences ``d_i = M_i - M_0``
    (``s = 2``: ``(d_1, -d_0)``; ``s = 3``: a cross product; ``s = 4``: signed 3x3
    minors), whose sum is the system's determinant; elementwise numpy on whole
    stacks, several times faster than LAPACK's per-matrix calls. Larger ``s``:
    :func:`_bordered_solve`. Returns ``(z, w, ill)``, NaN where ``ill``: too
    ill-conditioned, or (closed forms) a first-order error bound on ``z`` above a
    quarter of ``tol``.
    """
    s = M_sub.shape[-1]
    if s > 4:
        return _bordered_solve(M_sub)
    d = [M_sub[..., i, :] - M_sub[..., 0, :] for i in range(1, s)]
    if s == 2:
        (p,) = d
        c = [p[..., 1], -p[..., 0]]
    elif s == 3:
        p, q = d
        c = [p[..., 1] * q[..., 2] - p[..., 2] * q[..., 1],
             p[..., 2] * q[..., 0] - p[..., 0] * q[..., 2],
             p[..., 0] * q[..., 1] - p[..., 1] * q[..., 0]]
    else:
        p, q, r = d
        mnr = {(a, b): q[..., a] * r[..., b] - q[..., b] * r[..., a]
               for a in range(4) for b in range(a + 1, 4)}

        def det3(a: int, b: int, e: int) -> np.ndarray:
            return p[..., a] * mnr[b, e] - p[..., b] * mnr[a, e] + p[..., e] * mnr[a, b]

        c = [det3(1, 2, 3), -det3(0, 2, 3), det3(0, 1, 3), -det3(0, 1, 2)]
    total = c[0] + c[1]
    for t in c[2:]:
        total = total + t
    norms = [np.sqrt((di * di).sum(axis=-1)) for di in d]
    prod = norms[0]
    for nrm in norms[1:]:
        prod = prod * nrm
    bound = math.sqrt(s) * prod
    ill = np.abs(total) <= ILL_CONDITIONED * bound
    safe = np.where(ill, 1.0, total)
    z = np.stack(c, axis=-1) / safe[..., None]
    # First-order error bound on z against the exact game: every entry of the row
    # differences is off by at most ENTRY_ERROR (normalisation and subtraction), which
    # moves each cofactor by at most ENTRY_ERROR * sqrt(s) * sum_l prod_{i != l} |d_i|.
    # A solution not known to within a quarter of tol is not trusted (issue 13: a
    # near-tie, rows almost equal, loses digits in the differences, not in the solve).
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / norms[0]
        for nrm in norms[1:]:
            inv = inv + 1.0 / nrm
        d_cof = ENTRY_ERROR * math.sqrt(s) * prod * inv
        zmax = np.abs(z).max(axis=-1)
        err = (1.0 + s * zmax) * d_cof / np.abs(safe)
    ill |= ~(err <= ERROR_SHARE * tol)
    safe = np.where(ill, 1.0, total)
    z = np.where(ill[..., None], np.nan, z)
    w = (M_sub[..., 0, :] * z).sum(axis=-1)
    if ill.any():
        z[ill] = np.nan
        w[ill] = np.nan
    return z, w, ill


def _min_last(x: np.ndarray) -> np.ndarray:
    """``x.min(axis=-1)`` by elementwise steps (numpy reduces short axes slowly)."""
    out = x[..., 0]
    for i in range(1, x.shape[-1]):
        out = np.minimum(out, x[..., i])
    return out


def _max_axis1(x: np.ndarray) -> np.ndarray:
    """``x.max(axis=1)`` for ``x (K, m, P)``, by elementwise steps."""
    out = x[:, 0]
    for i in range(1, x.shape[1]):
        out = np.maximum(out, x[:, i])
    return out


def _count_at_least(x: np.ndarray, level: np.ndarray) -> np.ndarray:
    """For ``x (K, m, P)`` and ``level (K, P)``: how many ``x[:, i] >= level``."""
    out = (x[:, 0] >= level).astype(np.int8)
    for i in range(1, x.shape[1]):
        out += x[:, i] >= level
    return out


def _ill_may_matter(M_sub: np.ndarray, tol: float) -> np.ndarray:
    """For systems too ill-conditioned to trust: could they hide an equilibrium or a
    degeneracy witness? True makes the game a suspect.

    Decided through the SVD of the bordered system, rarely run. A numerically
    singular system matters when it is consistent (a line of solutions: the mark of
    a degenerate game, or one too close to tell); a merely ill-conditioned one
    matters unless its solution is clearly not a probability vector (a component
    below ``-tol`` by more than its error bound ``cond * eps * |z|``).
    """
    s = M_sub.shape[-1]
    M = np.empty(M_sub.shape[:-2] + (s + 1, s + 1))
    M[..., :s, :s] = M_sub
    M[..., :s, s] = -1.0
    M[..., s, :s] = 1.0
    M[..., s, s] = 0.0
    U, S, Vt = np.linalg.svd(M)
    smax, smin = S[..., 0], S[..., -1]
    keep = S > 1e-12 * smax[..., None]
    inv = np.where(keep, 1.0 / np.where(keep, S, 1.0), 0.0)
    sol = np.einsum("...ji,...j->...i", Vt, inv * U[..., s, :])  # pinv(M) @ e_s
    resid = np.abs(np.einsum("...ij,...j->...i", M, sol) - (np.arange(s + 1) == s)).max(axis=-1)
    singular = ~keep[..., -1]
    cond = smax / np.where(singular, 1.0, smin)
    err = 1e-14 * cond * np.abs(sol).max(axis=-1)
    maybe_feasible = sol[..., :s].min(axis=-1) >= -(tol + err)
    return np.where(singular, resid <= math.sqrt(tol), maybe_feasible)


def mixed(
    A: np.ndarray, B: np.ndarray, s: int, tol: float
) -> tuple[Found, np.ndarray]:
    """Equilibria with both supports of size ``s >= 2`` and the degeneracy screen.

    Returns the equilibria found (certified games and suspects alike; the caller
    drops the suspects' records) and ``suspect (K,) bool``.
    """
    K, m, n = A.shape
    R_all, C_all = support_pairs(m, n, s)
    Bt = np.ascontiguousarray(np.swapaxes(B, 1, 2))
    suspect = np.zeros(K, dtype=bool)
    found: list[Found] = []
    per_pair = max(1, (s + 1) * (s + 1) + 2 * (m + n) * s)
    block = max(1, BLOCK_ENTRIES // (K * per_pair))
    for start in range(0, len(R_all), block):
        R = R_all[start:start + block]
        C = C_all[start:start + block]
        # Column player's mix y on C making the rows of R indifferent (payoff v).
        A_RC = A[:, R[:, :, None], C[:, None, :]]  # (K, P, s, s)
        y, v, ill_a = _indifferent(A_RC, tol)
        # Row player's mix x on R making the columns of C indifferent (payoff u).
        B_RC_T = np.swapaxes(B[:, R[:, :, None], C[:, None, :]], -1, -2)
        x, u, ill_b = _indifferent(B_RC_T, tol)
        # Payoff of every pure strategy against the candidate: (K, m, P) and (K, n, P).
        row_pay = A[:, :, C[:, 0]] * y[:, None, :, 0]
        col_pay = Bt[:, :, R[:, 0]] * x[:, None, :, 0]
        for t in range(1, s):
            row_pay += A[:, :, C[:, t]] * y[:, None, :, t]
            col_pay += Bt[:, :, R[:, t]] * x[:, None, :, t]
        with np.errstate(invalid="ignore"):
            y_min, x_min = _min_last(y), _min_last(x)
            y_ok = (y_min >= -tol) & (_max_axis1(row_pay) <= v + tol)
            x_ok = (x_min >= -tol) & (_max_axis1(col_pay) <= u + tol)
            # Degeneracy witnesses: a feasible indifferent strategy with a (near-)zero
            # probability, or with one more (near-)tied best response.
            y_wit = y_ok & ((y_min <= tol) | (_count_at_least(row_pay, v - tol) > s))
            x_wit = x_ok & ((x_min <= tol) | (_count_at_least(col_pay, u - tol) > s))
        wit = y_wit | x_wit
        ill = ill_a | ill_b
        if ill.any():
            kk, pp = np.nonzero(ill_a)
            if len(kk):
                wit[kk, pp] |= _ill_may_matter(A_RC[kk, pp], tol)
            kk, pp = np.nonzero(ill_b)
            if len(kk):
                wit[kk, pp] |= _ill_may_matter(B_RC_T[kk, pp], tol)
        suspect |= wit.any(axis=1)
        eq = y_ok & x_ok & ~ill
        kk, pp = np.nonzero(eq)
        if len(kk):
            row = np.zeros((len(kk), m))
            col = np.zeros((len(kk), n))
            np.put_along_axis(row, R[pp], x[kk, pp], axis=1)
            np.put_along_axis(col, C[pp], y[kk, pp], axis=1)
            found.append(Found(kk, row, col))
    return _concat(found, m, n), suspect


def _concat(found: list[Found], m: int, n: int) -> Found:
    if not found:
        return Found(np.zeros(0, np.intp), np.zeros((0, m)), np.zeros((0, n)))
    return Found(*(np.concatenate(parts) for parts in zip(*found, strict=True)))


def pure_found(eq: np.ndarray) -> Found:
    """Flat records of the pure equilibria in ``eq (K, m, n)``."""
    K, m, n = eq.shape
    kk, ii, jj = np.nonzero(eq)
    row = np.zeros((len(kk), m))
    col = np.zeros((len(kk), n))
    row[np.arange(len(kk)), ii] = 1.0
    col[np.arange(len(kk)), jj] = 1.0
    return Found(kk, row, col)


def enumerate_chunk(A: np.ndarray, B: np.ndarray,
                    tol: float) -> tuple[Found, np.ndarray, np.ndarray]:
    """Support enumeration and degeneracy screen of one chunk of normalised games.

    Returns ``(found, pure_eq (K, m, n), suspect (K,))``; ``found`` holds the records
    of every game in no particular order (a suspect's may repeat an equilibrium or
    miss some).
    """
    K, m, n = A.shape
    pure_eq, suspect = pure(A, B, tol)
    parts = [pure_found(pure_eq)]
    for s in range(2, min(m, n) + 1):
        f, sus = mixed(A, B, s, tol)
        parts.append(f)
        suspect |= sus
    return _concat(parts, m, n), pure_eq, suspect
