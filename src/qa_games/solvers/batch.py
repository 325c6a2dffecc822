"""Every Nash equilibrium of each game in a stack of bimatrix games, vectorised.

Comparative statics solve one game at thousands to millions of parameter points.
:func:`solve_batch` takes stacks ``A, B`` of shape ``(k, m, n)`` (game ``g`` is
``(A[g], B[g])``) and returns a :class:`BatchSolution` of arrays that a sweep turns
into table columns without a Python loop over games.

Method (von Stengel 2007, *Algorithmic Game Theory* ch. 3, Algorithm 3.4, "support
enumeration"; Nashpy's ``support_enumeration`` in a loop is the reference it
replaces): for each support size ``s`` and each pair of supports ``(I, J)`` with
``|I| = |J| = s``, all games of a chunk solve their two indifference systems at once
(in closed form up to ``s = 4``, by batched ``numpy.linalg.solve`` above; 2x2 games
have their own closed form) and the candidates are kept when they are probability
vectors and best responses, with tolerance ``tol``.
This finds every equilibrium of a **nondegenerate** game. The same systems screen
for degeneracy (a strategy with support size ``s`` and more than ``s`` pure best
responses, see :mod:`qa_games.solvers.batch_support`); a game is *certified* only when
every test is decided by more than ``tol``. Every other game -- degenerate, or too
close to tell in floats -- is a *suspect*, solved by the exact solver
:func:`qa_games.solvers.solve.solve` (a Python loop over the suspects only), so the result
equals ``solve`` game by game: all equilibria of a nondegenerate game, all extreme
equilibria of a degenerate one, in ``solve``'s order (decreasing lexicographic in
the concatenated profile). Suspects whose payoffs are small integers go instead to a
vectorised exact kernel (:mod:`qa_games.solvers.batch_exact`: every vertex pair of the
best-response polytopes by fraction-free elimination on all games at once), with the
same results as ``solve`` to the bit.

2x2 games whose payoffs float64 holds exactly (floats; integers below 2**53) are
decided exactly in closed form (:func:`qa_games.solvers.batch_2x2.exact_2x2`), ties
included: no tolerance, no suspects beyond the degenerate games, no per-game solver.

With numba installed (the optional ``fast`` extra; ``engine="auto"``, the default, or
``"numba"``) the same results come from compiled per-game vertex enumeration
(:mod:`qa_games.solvers.batch_compiled`): every game with small integer payoffs
(within a Hadamard bound: ties 0..5 up to 6x6) by exact fraction-free integer pivoting,
equal to ``solve`` to the bit; every other game by float pivoting that certifies it
nondegenerate or hands it on (to the numpy screen, then ``solve``); 2x2 games by the
closed form fused into one compiled pass. ``engine="numpy"`` (or
``QA_GAMES_NUMBA=0``, or numba absent) uses the numpy kernels above.

Supported sizes: ``1 <= m, n <= 8`` (the number of support pairs grows like
``C(m + n, m)``); larger games raise :class:`UnsupportedGameError`.

>>> import numpy as np
>>> A = np.array([[[3, 0], [5, 1]], [[1, -1], [-1, 1]]])  # prisoner's dilemma, matching pennies
>>> sol = solve_batch(A, np.swapaxes(A, 1, 2) * [[[1]], [[-1]]])
>>> sol.n_equilibria.tolist(), sol.pure_equilibrium[0].tolist(), sol.row[1, 0].tolist()
([1, 1], [[False, False], [False, True]], [0.5, 0.5])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from ..errors import GameError, ParameterError, UnsupportedGameError
from ..games.normal_form import Game
from . import batch_2x2 as k2
from . import batch_compiled as kc
from . import batch_exact as kx
from . import batch_support as kern

__all__ = ["BatchSolution", "solve_batch", "MAX_STRATEGIES", "ENGINES"]

#: Values of ``solve_batch(engine=...)``.
ENGINES = ("auto", "numba", "numpy")

#: Largest number of strategies per player that :func:`solve_batch` supports.
MAX_STRATEGIES = 8

Profile = tuple[tuple[float, ...], tuple[float, ...]]


@dataclass(frozen=True, eq=False)
class BatchSolution:
    """The equilibria of a stack of ``k`` bimatrix games of shape ``(m, n)``.

    Per game ``g``: ``n_equilibria[g]``; ``degenerate[g]`` (the exact verdict of
    :func:`~qa_games.solvers.solve.solve` for suspects, False for certified games; without
    the exact fallback, True for every suspect);
    ``suspect[g]`` (the float screen could not certify the game nondegenerate, so
    an exact path was used, or with ``exact_fallback=False`` the set may be
    incomplete; for 2x2 games solved in closed form, the degenerate ones);
    ``complete[g]`` (the set is guaranteed to be every equilibrium, or
    every extreme equilibrium when degenerate); ``pure_equilibrium[g, i, j]``
    (is the pure profile ``(i, j)`` an equilibrium). Equilibrium ``e`` of game ``g``
    is ``(row[g, e], col[g, e])`` with payoffs ``payoff_row[g, e]``,
    ``payoff_col[g, e]``; rows ``e >= n_equilibria[g]`` are NaN padding.
    """

    n_equilibria: np.ndarray
    degenerate: np.ndarray
    suspect: np.ndarray
    complete: np.ndarray
    pure_equilibrium: np.ndarray
    row: np.ndarray
    col: np.ndarray
    payoff_row: np.ndarray
    payoff_col: np.ndarray
    method: str

    def __len__(self) -> int:
        return len(self.n_equilibria)

    @property
    def shape(self) -> tuple[int, int]:
        """``(m, n)``: the strategies of each player."""
        return self.pure_equilibrium.shape[1], self.pure_equilibrium.shape[2]

    def equilibria(self, g: int) -> list[Profile]:
        """The equilibria of game ``g`` as ``(row mix, column mix)`` tuples of floats."""
        if not -len(self) <= g < len(self):
            raise IndexError(f"g={g} is out of range for {len(self)} games")
        return [(tuple(float(p) for p in self.row[g, e]), tuple(float(p) for p in self.col[g, e]))
                for e in range(int(self.n_equilibria[g]))]

    def columns(self, *, players: tuple[str, str] = ("1", "2"),
                strategies: tuple[list[str], list[str]] | None = None,
                max_equilibria: int | None = None) -> dict[str, np.ndarray]:
        """Table columns (each of length ``k``), e.g. for ``pandas.DataFrame(...)``,
        named as in a sweep's tables (:mod:`qa_games.analysis.outcomes`).

        ``n_equilibria``, ``degenerate``, ``eq_<r>_<c>`` (is the pure profile an
        equilibrium), and per equilibrium ``e``: ``e<e>_p_<player>_<strategy>`` (its
        probabilities) and ``e<e>_u_<player>`` (its payoffs), NaN where a game has
        fewer. Default names are ``1``, ``2`` for the players and ``1..m``, ``1..n``
        for the strategies; ``max_equilibria`` caps ``e``.

        >>> import numpy as np
        >>> A = np.array([[[3, 0], [5, 1]]])
        >>> list(solve_batch(A, np.swapaxes(A, 1, 2)).columns(strategies=(["c", "d"], ["c", "d"])))
        ... # doctest: +NORMALIZE_WHITESPACE
        ['n_equilibria', 'degenerate', 'eq_c_c', 'eq_c_d', 'eq_d_c', 'eq_d_d', 'e0_p_1_c',
         'e0_p_1_d', 'e0_p_2_c', 'e0_p_2_d', 'e0_u_1', 'e0_u_2']
        """
        m, n = self.shape
        rows, cols = strategies or ([str(i + 1) for i in range(m)], [str(j + 1) for j in range(n)])
        if len(rows) != m or len(cols) != n:
            raise GameError(f"strategies: expected {m} and {n} names, got {len(rows)} and "
                            f"{len(cols)}")
        if len(players) != 2:
            raise GameError(f"players={players!r}: expected 2 names")
        one, two = players
        out: dict[str, np.ndarray] = {"n_equilibria": self.n_equilibria,
                                      "degenerate": self.degenerate}
        for i, r in enumerate(rows):
            for j, c in enumerate(cols):
                out[f"eq_{r}_{c}"] = self.pure_equilibrium[:, i, j]
        count = self.row.shape[1] if max_equilibria is None else min(max_equilibria,
                                                                      self.row.shape[1])
        for e in range(count):
            for i, r in enumerate(rows):
                out[f"e{e}_p_{one}_{r}"] = self.row[:, e, i]
            for j, c in enumerate(cols):
                out[f"e{e}_p_{two}_{c}"] = self.col[:, e, j]
            out[f"e{e}_u_{one}"] = self.payoff_row[:, e]
            out[f"e{e}_u_{two}"] = self.payoff_col[:, e]
        return out


def _check_stack(A: Any, B: Any) -> tuple[np.ndarray, np.ndarray, bool]:
    """Float64 copies of A and B, checked; and whether they are exact (ints/Fractions)."""
    arrays = []
    for name, X in (("A", A), ("B", B)):
        try:
            arr = np.asarray(X)
        except ValueError as exc:
            raise GameError(f"{name} is not a rectangular array: {exc}") from None
        if arr.ndim != 3:
            raise GameError(f"{name} must have shape (k, m, n) (a stack of k payoff matrices), "
                            f"got shape {arr.shape}")
        if arr.dtype.kind == "b" or arr.dtype.kind not in "iufO":
            raise GameError(f"{name} must hold numbers, got dtype {arr.dtype}")
        arrays.append(arr)
    a, b = arrays
    if a.shape != b.shape:
        raise GameError(f"A and B must have the same shape, got {a.shape} and {b.shape}")
    k, m, n = a.shape
    if k == 0:
        raise GameError("A and B are empty stacks (k=0 games): nothing to solve")
    if m == 0 or n == 0:
        raise GameError(f"every player needs at least one strategy, got shape {a.shape}")
    if m > MAX_STRATEGIES or n > MAX_STRATEGIES:
        raise UnsupportedGameError(
            f"solve_batch supports games up to {MAX_STRATEGIES}x{MAX_STRATEGIES} (support "
            f"enumeration grows like C(m+n, m)); got {m}x{n}: solve such games one by one "
            f"with qa_games.solvers.solve")
    exact = all(arr.dtype.kind in "iuO" for arr in arrays)
    out = []
    for name, arr in (("A", a), ("B", b)):
        try:
            f = np.asarray(arr, dtype=np.float64)
        except (TypeError, ValueError):
            raise GameError(f"{name} holds entries that are not numbers") from None
        with np.errstate(over="ignore", invalid="ignore"):
            total = f.sum()
        if np.isfinite(total):  # one pass, no temporaries: every entry is finite
            out.append(f)
            continue
        bad = ~np.isfinite(f)  # NaN or inf somewhere (or a sum overflowing to inf)
        if bad.any():
            g, i, j = (int(t) for t in np.argwhere(bad)[0])
            raise GameError(f"{name}[{g}, {i}, {j}] = {float(f[g, i, j])} is not a finite "
                            f"number ({int(bad.sum())} such entries)")
        out.append(f)
    return out[0], out[1], exact


def _check_options(chunk_size: Any, tol: Any, engine: Any) -> ModuleType | None:
    """Check the options; return the compiled kernels the engine asks for (or None)."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) \
            or chunk_size < 1:
        raise ParameterError(f"chunk_size={chunk_size!r} must be a positive integer")
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not math.isfinite(tol) \
            or not 0 < tol < 1e-3:
        raise ParameterError(f"tol={tol!r} must be a number with 0 < tol < 1e-3")
    if engine not in ENGINES:
        raise ParameterError(f"engine={engine!r} is not one of {', '.join(ENGINES)}")
    if engine == "numpy":
        return None
    jit = kc.load()
    if jit is None and engine == "numba":
        raise ParameterError("engine='numba' needs numba (pip install 'qa_games[fast]'), and "
                             "QA_GAMES_NUMBA must not be 0")
    return jit


def _order(found: kern.Found, *, rounded: bool = True) -> np.ndarray:
    """Permutation sorting records by game, then decreasing lexicographic profile (as solve).

    ``rounded``: on profiles rounded to 9 digits (suspects' repeats sort together);
    otherwise on the floats themselves (see :func:`_order_ambiguous`)."""
    profile = np.concatenate([found.row, found.col], axis=1)
    if rounded:
        profile = np.round(profile, 9)
    keys = [-profile[:, c] for c in reversed(range(profile.shape[1]))] + [found.game]
    return np.lexsort(keys)


def _order_ambiguous(found: kern.Found, tol: float) -> np.ndarray:
    """Games (sorted records) where two consecutive equilibria first differ by at most
    ``tol``: their float order need not be the exact order, so they go to the exact
    path (issue 13: the order must be ``solve``'s)."""
    if len(found.game) < 2:
        return np.zeros(0, dtype=found.game.dtype)
    profile = np.concatenate([found.row, found.col], axis=1)
    diff = profile[1:] - profile[:-1]
    first = np.argmax(diff != 0, axis=1)
    gap = np.abs(diff[np.arange(len(diff)), first])
    same = found.game[1:] == found.game[:-1]
    return np.unique(found.game[1:][same & (gap <= tol)])


def solve_batch(A: Any, B: Any, *, chunk_size: int = 100_000, tol: float = 1e-9,
                exact_fallback: bool = True, engine: str = "auto") -> BatchSolution:
    """Every equilibrium of each bimatrix game ``(A[g], B[g])`` of a stack.

    ``A``, ``B``: payoffs of the row and column player, shape ``(k, m, n)``, ints,
    floats or Fractions. Games are processed ``chunk_size`` at a time (memory grows
    with ``chunk_size`` times the number of support pairs of one size, in blocks of
    at most a few million floats). ``tol``: probabilities within ``tol`` of 0 and
    payoff differences within ``tol`` times the game's payoff range make the game a
    suspect. Suspects are solved by :func:`qa_games.solvers.solve.solve` when
    ``exact_fallback`` (the default); otherwise they keep what float support
    enumeration found (possibly not all), flagged ``suspect``, ``degenerate`` and
    ``complete=False``, for the caller to handle (no warning is issued: the caller
    asked for it, and warnings filters are not thread-safe in threaded sweeps).

    ``engine``: ``"numba"`` solves each game by compiled vertex enumeration
    (:mod:`qa_games.solvers.batch_compiled`; needs the optional ``fast`` extra),
    ``"numpy"`` by the vectorised numpy kernels, ``"auto"`` (the default) by numba when
    it is installed (and the environment variable ``QA_GAMES_NUMBA`` is not ``0``). Both
    give the same equilibria, counts, degeneracy verdicts and pure profiles (to the bit
    on integer games and 2x2 games; within ``tol`` on float games the float search
    certifies); ``suspect`` says which games took an exact path, which differs between
    the engines. Without ``exact_fallback`` the numpy kernels are used.

    >>> import numpy as np
    >>> coord = np.array([[[2, 0], [0, 1]]])  # a coordination game: 3 equilibria
    >>> sol = solve_batch(coord, coord)
    >>> sol.n_equilibria[0], np.round(sol.row[0], 4).tolist()
    (np.int64(3), [[1.0, 0.0], [0.3333, 0.6667], [0.0, 1.0]])
    """
    jit = _check_options(chunk_size, tol, engine)
    A_f, B_f, exact = _check_stack(A, B)
    k, m, n = A_f.shape
    chunk = int(chunk_size)
    if (m, n) == (2, 2) and exact_fallback and _represented(A, B, A_f, B_f):
        if jit is not None:
            counts, degenerate, pure_eq, row, col, pay_r, pay_c = jit.closed_2x2(A_f, B_f)
        else:
            counts, degenerate, pure_eq, row, col, pay_r, pay_c = _run_2x2_exact(A_f, B_f)
        E = int(counts.max())
        row, col, pay_r, pay_c = row[:, :E], col[:, :E], pay_r[:, :E], pay_c[:, :E]
        method = ("closed form for 2x2 (every extreme equilibrium, decided exactly on the "
                  "payoffs' binary values)")
        complete = np.ones(k, dtype=bool)
        result = BatchSolution(counts, degenerate, degenerate.copy(), complete, pure_eq, row,
                               col, pay_r, pay_c, method)
        for arr in (counts, degenerate, result.suspect, complete, pure_eq, row, col, pay_r,
                    pay_c):
            arr.setflags(write=False)
        return result
    degenerate = np.zeros(k, dtype=bool)
    pending: np.ndarray | None = None  # the games left to solve (compiled path)
    if (m, n) == (2, 2):
        arrays = _run_2x2(A_f, B_f, tol, chunk)
    elif exact_fallback and jit is not None:
        arrays, pending = _run_compiled(jit, A, B, A_f, B_f, tol, chunk, degenerate)
    elif exact_fallback:
        arrays = _run_generic_routed(A, B, A_f, B_f, tol, chunk)
    else:
        arrays = _run_generic(A_f, B_f, tol, chunk, drop_suspects=exact_fallback)
    counts, pure_eq, suspect, row, col, pay_r, pay_c = arrays
    complete = np.ones(k, dtype=bool)
    if exact_fallback:
        games = np.flatnonzero(suspect) if pending is None else pending
        if len(games) and pending is None:
            small = games[_represented_each(A, B, A_f, B_f, games)
                          & kx.exact_safe(A_f[games], B_f[games])]
            if len(small):
                done, counts, row, col, pay_r, pay_c = _fill_exact_stack(
                    A_f, B_f, small, counts, degenerate, pure_eq, row, col, pay_r, pay_c)
                games = np.setdiff1d(games, done, assume_unique=True)
        extra = _exact(A, B, A_f, B_f, exact, games)
        for g, (degen, eqs) in extra.items():
            degenerate[g], counts[g] = degen, len(eqs)
        E = int(counts.max())
        if E > row.shape[1]:
            row, col, pay_r, pay_c = (_widen(arr, E) for arr in (row, col, pay_r, pay_c))
        for g, (_, eqs) in extra.items():
            row[g], col[g], pay_r[g], pay_c[g] = np.nan, np.nan, np.nan, np.nan
            pure_eq[g] = False
            for e, eq in enumerate(eqs):
                row[g, e], col[g, e] = eq.profile
                pay_r[g, e], pay_c[g, e] = eq.payoffs
                if eq.pure_profile is not None:
                    ix = (g, *eq.pure_profile)  # mypy misreads [(a, *b)] as 3.11 syntax
                    pure_eq[ix] = True
    else:  # the caller opted out and reads the flags (no warning: sweeps run in threads)
        degenerate[:] = suspect
        complete[:] = ~suspect
    E = int(counts.max())
    row, col, pay_r, pay_c = row[:, :E], col[:, :E], pay_r[:, :E], pay_c[:, :E]
    method = "support enumeration (vectorised, closed form for 2x2)"
    if pending is not None:
        method = ("vertex enumeration (compiled: exact integer pivoting for small integer "
                  "games, certified float pivoting otherwise)")
    if exact_fallback:
        method += " + qa_games.solvers.solve for suspects"
    result = BatchSolution(counts, degenerate, suspect, complete, pure_eq, row, col,
                           pay_r, pay_c, method)
    for arr in (counts, degenerate, suspect, complete, pure_eq, row, col, pay_r, pay_c):
        arr.setflags(write=False)
    return result


Arrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray,
               np.ndarray]


#: Games per step of the 2x2 path: elementwise work on columns that stay in cache.
_CACHE_CHUNK = 16_384


def _widen(arr: np.ndarray, E: int) -> np.ndarray:
    pad = np.full((arr.shape[0], E - arr.shape[1]) + arr.shape[2:], np.nan)
    return np.concatenate([arr, pad], axis=1)


def _run_2x2(A: np.ndarray, B: np.ndarray, tol: float, chunk: int) -> Arrays:
    k = len(A)
    chunk = min(chunk, _CACHE_CHUNK)
    flags = np.empty((5, k), dtype=bool)
    suspect = np.empty(k, dtype=bool)
    for start in range(0, k, chunk):
        sl = slice(start, min(k, start + chunk))
        flags[:, sl], suspect[sl] = k2.flags_2x2(A[sl], B[sl], tol)
    counts = k2.count_2x2(flags)
    E = max(1, int(counts.max()))
    row, col = np.empty((k, E, 2)), np.empty((k, E, 2))  # filled chunk by chunk
    pay_r, pay_c = np.empty((k, E)), np.empty((k, E))
    for start in range(0, k, chunk):
        sl = slice(start, min(k, start + chunk))
        k2.fill_2x2(A[sl], B[sl], flags[:, sl], row[sl], col[sl], pay_r[sl], pay_c[sl])
    pure_eq = np.empty((k, 2, 2), dtype=bool)
    for c, (i, j) in zip((0, 1, 3, 4), ((0, 0), (0, 1), (1, 0), (1, 1)), strict=True):
        pure_eq[:, i, j] = flags[c]
    return counts, pure_eq, suspect, row, col, pay_r, pay_c


def _pure_ties(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Games with two exactly equal payoffs of a player against one pure strategy of the
    other (a cheap, exact superset of the pure degeneracy witness: two tied best
    responses); such games are routed straight to an exact path."""
    K, m, n = A.shape
    out = np.zeros(K, dtype=bool)
    for i in range(m):
        for i2 in range(i + 1, m):
            for j in range(n):
                out |= A[:, i, j] == A[:, i2, j]
    for j in range(n):
        for j2 in range(j + 1, n):
            for i in range(m):
                out |= B[:, i, j] == B[:, i, j2]
    return out


def _run_generic_routed(A: Any, B: Any, A_f: np.ndarray, B_f: np.ndarray, tol: float,
                        chunk: int) -> Arrays:
    """:func:`_run_generic` with the exact fallback, except that small integer games with
    a tie against a pure strategy skip the float screen (they are almost always its
    suspects) and are marked suspect directly, for the vectorised exact kernel."""
    k = len(A_f)
    direct = _pure_ties(A_f, B_f)
    if direct.any():
        idx = np.flatnonzero(direct)
        direct[idx[~(_represented_each(A, B, A_f, B_f, idx)
                     & kx.exact_safe(A_f[idx], B_f[idx]))]] = False
    if not direct.any():
        return _run_generic(A_f, B_f, tol, chunk, drop_suspects=True)
    m, n = A_f.shape[1:]
    rest = np.flatnonzero(~direct)
    pure_eq = np.zeros((k, m, n), dtype=bool)
    suspect = direct.copy()
    counts = np.zeros(k, dtype=np.intp)
    if len(rest):
        c, pe, sus, row_r, col_r, pr, pc = _run_generic(A_f[rest], B_f[rest], tol, chunk,
                                                        drop_suspects=True)
        E = row_r.shape[1]
        counts[rest], pure_eq[rest], suspect[rest] = c, pe, sus
    else:
        E = 1
    row = np.full((k, E, m), np.nan)
    col = np.full((k, E, n), np.nan)
    pay_r = np.full((k, E), np.nan)
    pay_c = np.full((k, E), np.nan)
    if len(rest):
        row[rest], col[rest], pay_r[rest], pay_c[rest] = row_r, col_r, pr, pc
    return counts, pure_eq, suspect, row, col, pay_r, pay_c


def _run_generic(A: np.ndarray, B: np.ndarray, tol: float, chunk: int, *,
                 drop_suspects: bool) -> Arrays:
    k, m, n = A.shape
    pure_eq = np.zeros((k, m, n), dtype=bool)
    suspect = np.zeros(k, dtype=bool)
    parts: list[kern.Found] = []
    for start in range(0, k, chunk):
        stop = min(k, start + chunk)
        found, pe, sus = kern.enumerate_chunk(kern.normalise(A[start:stop]),
                                              kern.normalise(B[start:stop]), tol)
        if drop_suspects:  # the exact solver redoes them
            found = kern.Found(*(a[~sus[found.game]] for a in found))
        pure_eq[start:stop] = pe
        suspect[start:stop] = sus
        parts.append(found._replace(game=found.game + start))
    found = kern._concat(parts, m, n)
    order = _order(found, rounded=not drop_suspects)
    found = kern.Found(*(a[order] for a in found))
    if drop_suspects:
        unsure = _order_ambiguous(found, tol)
        if len(unsure):
            suspect[unsure] = True
            keep = ~suspect[found.game]
            found = kern.Found(*(a[keep] for a in found))
    if not drop_suspects and len(found.game) > 1:  # a suspect may repeat an equilibrium
        profile = np.round(np.concatenate([found.row, found.col], axis=1), 9)
        repeat = np.zeros(len(found.game), dtype=bool)
        repeat[1:] = (found.game[1:] == found.game[:-1]) & \
            (np.abs(profile[1:] - profile[:-1]).max(axis=1) <= 10 * tol)
        found = kern.Found(*(a[~repeat] for a in found))
    counts = np.bincount(found.game, minlength=k)
    E = max(1, int(counts.max()))
    row = np.full((k, E, m), np.nan)
    col = np.full((k, E, n), np.nan)
    pay_r = np.full((k, E), np.nan)
    pay_c = np.full((k, E), np.nan)
    first = np.searchsorted(found.game, found.game, side="left")
    pos = np.arange(len(found.game)) - first
    row[found.game, pos] = found.row
    col[found.game, pos] = found.col
    pay_r[found.game, pos] = np.einsum("ki,kij,kj->k", found.row, A[found.game], found.col)
    pay_c[found.game, pos] = np.einsum("ki,kij,kj->k", found.row, B[found.game], found.col)
    return counts, pure_eq, suspect, row, col, pay_r, pay_c


def _run_compiled(jit: ModuleType, A: Any, B: Any, A_f: np.ndarray, B_f: np.ndarray,
                  tol: float, chunk: int, degenerate: np.ndarray
                  ) -> tuple[Arrays, np.ndarray]:
    """The compiled path (:mod:`batch_compiled`): small integer games by the exact integer
    kernel (``suspect`` = degenerate, as for the 2x2 closed form), the others by the
    certified float kernel. Writes ``degenerate``; returns the arrays and the games left
    for :func:`_exact` (the float kernel's suspects)."""
    k, m, n = A_f.shape
    suspect = np.zeros(k, dtype=bool)
    counts = np.zeros(k, dtype=np.intp)
    if all(np.asarray(X).dtype.kind in "iu" for X in (A, B)):
        ints = kc.int_safe(A_f, B_f, integer=True)  # |payoffs| < 2**40: held exactly
    else:
        ints = _represented_each(A, B, A_f, B_f, np.arange(k)) & kc.int_safe(A_f, B_f)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for sel, integer in ((np.flatnonzero(ints), True), (np.flatnonzero(~ints), False)):
        for start in range(0, len(sel), chunk):
            idx = sel[start:start + chunk]
            if integer:
                flag, cnt, gg, x, y = kc.solve_int(jit, A_f[idx], B_f[idx])
                degenerate[idx] = flag
            else:
                flag, cnt, gg, x, y = kc.solve_float(jit, A_f[idx], B_f[idx], tol)
            suspect[idx] = flag
            counts[idx] = cnt
            parts.append((idx[gg], x, y))
    G = np.concatenate([p[0] for p in parts])
    x = np.concatenate([p[1] for p in parts])
    y = np.concatenate([p[2] for p in parts])
    if len(parts) > 1:  # the integer games' records, then the float games': by game
        order = np.argsort(G, kind="stable")
        G, x, y = G[order], x[order], y[order]
    E = max(1, int(counts.max()))
    row = np.full((k, E, m), np.nan)
    col = np.full((k, E, n), np.nan)
    pay_r = np.full((k, E), np.nan)
    pay_c = np.full((k, E), np.nan)
    pure_eq = np.zeros((k, m, n), dtype=bool)
    jit.write_records(np.ascontiguousarray(A_f), np.ascontiguousarray(B_f), G, x, y,
                      pure_eq, row, col, pay_r, pay_c)
    pending = np.flatnonzero(suspect & ~ints)
    if len(pending):  # a second, independent float screen before the per-game solver
        c2, pe2, sus2, row2, col2, pr2, pc2 = _run_generic(A_f[pending], B_f[pending], tol,
                                                           chunk, drop_suspects=True)
        ok = ~sus2
        if ok.any():
            E2 = int(c2[ok].max())
            if E2 > row.shape[1]:
                row, col, pay_r, pay_c = (_widen(arr, E2) for arr in (row, col, pay_r, pay_c))
            done = pending[ok]
            counts[done], pure_eq[done] = c2[ok], pe2[ok]
            w = min(row.shape[1], row2.shape[1])
            row[done, :w], col[done, :w] = row2[ok, :w], col2[ok, :w]
            pay_r[done, :w], pay_c[done, :w] = pr2[ok, :w], pc2[ok, :w]
            suspect[done] = False  # certified by the second screen
            pending = pending[sus2]
    return (counts, pure_eq, suspect, row, col, pay_r, pay_c), pending


def _write_records(A_f: np.ndarray, B_f: np.ndarray, G: np.ndarray, x: np.ndarray,
                   y: np.ndarray, pure_eq: np.ndarray, row: np.ndarray, col: np.ndarray,
                   pay_r: np.ndarray, pay_c: np.ndarray) -> None:
    """Write equilibrium records (``G`` sorted, each game's in order) into the padded
    arrays, with their payoffs and pure profiles."""
    pos = np.arange(len(G)) - np.searchsorted(G, G, side="left")
    row[G, pos] = x
    col[G, pos] = y
    pay_r[G, pos] = _payoff(x, A_f[G], y)
    pay_c[G, pos] = _payoff(x, B_f[G], y)
    pure = (x.max(axis=1) == 1.0) & (y.max(axis=1) == 1.0)
    pure_eq[G[pure], x[pure].argmax(axis=1), y[pure].argmax(axis=1)] = True


def _payoff(x: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x[r] @ X[r] @ y[r]`` per record, summed in a fixed order (elementwise steps,
    unlike einsum's, which depend on the array sizes): equal inputs, equal bits, on
    every engine."""
    m, n = X.shape[1:]
    out = np.zeros(len(x))
    for i in range(m):
        inner = X[:, i, 0] * y[:, 0]
        for j in range(1, n):
            inner = inner + X[:, i, j] * y[:, j]
        out += x[:, i] * inner
    return out


def _represented(A: Any, B: Any, A_f: np.ndarray, B_f: np.ndarray) -> bool:
    """Do the float64 copies hold the user's entries exactly (so exact decisions on
    them are exact decisions on the game)?"""
    for X, X_f in ((A, A_f), (B, B_f)):
        arr = np.asarray(X)
        if arr.dtype.kind == "f":
            continue
        if arr.dtype.kind in "iu":
            if np.abs(X_f).max() >= 2.0**53:
                return False
            continue
        if not bool(np.all(X_f.astype(object) == arr)):
            return False
    return True


def _represented_each(A: Any, B: Any, A_f: np.ndarray, B_f: np.ndarray,
                      games: np.ndarray) -> np.ndarray:
    """:func:`_represented` for each listed game."""
    ok = np.ones(len(games), dtype=bool)
    for X, X_f in ((A, A_f), (B, B_f)):
        arr = np.asarray(X)
        if arr.dtype.kind == "f":
            continue
        sub = X_f[games].reshape(len(games), -1)
        if arr.dtype.kind in "iu":
            ok &= np.abs(sub).max(axis=1) < 2.0**53
        else:
            ok &= np.all(sub.astype(object) == arr[games].reshape(len(games), -1), axis=1)
    return ok


def _run_2x2_exact(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, ...]:
    """:func:`batch_2x2.exact_2x2` over cache-sized chunks, outputs joined."""
    k = len(A)
    if k <= _CACHE_CHUNK:
        return k2.exact_2x2(A, B)
    parts = [k2.exact_2x2(A[s:s + _CACHE_CHUNK], B[s:s + _CACHE_CHUNK])
             for s in range(0, k, _CACHE_CHUNK)]
    E = max(p[3].shape[1] for p in parts)
    out = [np.concatenate([p[i] for p in parts]) for i in range(3)]
    for i in range(3, 7):
        out.append(np.concatenate([p[i] if p[i].shape[1] == E else _widen(p[i], E)
                                   for p in parts]))
    return tuple(out)


def _fill_exact_stack(A_f: np.ndarray, B_f: np.ndarray, games: np.ndarray,
                      counts: np.ndarray, degenerate: np.ndarray, pure_eq: np.ndarray,
                      row: np.ndarray, col: np.ndarray, pay_r: np.ndarray,
                      pay_c: np.ndarray) -> tuple[np.ndarray, ...]:
    """Solve the listed small integer games with the vectorised exact kernel
    (:mod:`batch_exact`) and write their results; returns the games it handled and the
    (possibly widened) output arrays."""
    handled, degen, cnt, (gg, x, y) = kx.solve_stack(A_f[games], B_f[games])
    done = games[handled]
    degenerate[done] = degen[handled]
    counts[done] = cnt[handled]
    E = int(counts.max())
    if E > row.shape[1]:
        row, col, pay_r, pay_c = (_widen(arr, E) for arr in (row, col, pay_r, pay_c))
    for arr in (row, col, pay_r, pay_c):
        arr[done] = np.nan
    pure_eq[done] = False
    _write_records(A_f, B_f, games[gg], x, y, pure_eq, row, col, pay_r, pay_c)
    return done, counts, row, col, pay_r, pay_c


def _exact(A: Any, B: Any, A_f: np.ndarray, B_f: np.ndarray, exact: bool,
           games: np.ndarray) -> dict[int, tuple[bool, tuple[Any, ...]]]:
    """``solve`` on each listed game, as the Game the user's entries make (one by one).

    Games with identical payoffs are solved once (grids of integer or rational
    payoffs repeat degenerate games often). Identity is decided on the float64
    payoffs only when they represent the entries exactly (floats; integers below
    2**53), never for Fractions.
    """
    if not len(games):
        return {}
    from .solve import solve  # the exact reference

    A_in, B_in = (np.asarray(A), np.asarray(B)) if exact else (A_f, B_f)
    first = games
    inverse = np.arange(len(games))
    if A_in.dtype != object and B_in.dtype != object and \
            max(np.abs(A_f[games]).max(), np.abs(B_f[games]).max()) < 2.0**53:
        keys = np.concatenate([A_f[games].reshape(len(games), -1),
                               B_f[games].reshape(len(games), -1)], axis=1)
        _, index, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        first = games[index]
    solved = []
    for g in first:
        sol = solve(Game.from_arrays(A_in[g], B_in[g]))
        solved.append((sol.degenerate, sol.equilibria))
    return {int(g): solved[int(u)] for g, u in zip(games, inverse.reshape(-1), strict=True)}
