"""The outcome columns of a 2x2 sweep in one fused pass over the payoff columns.

A two-player game with two strategies each is decided by four payoff differences
(:mod:`qa_games.solvers.batch_2x2`: ``a_j = A[0, j] - A[1, j]``, ``b_i = B[i, 0] - B[i, 1]``;
e.g. Osborne 2004, *An Introduction to Game Theory*, sec. 4.3): its candidate
equilibria are the four pure profiles and one fully mixed profile, always found in the
order ``(0, 0), (0, 1), mixed, (1, 0), (1, 1)`` (:func:`qa_games.solvers.solve.solve`'s
order). A sweep keeps one equilibrium per point -- the selected one
(:mod:`qa_games.solvers.selection`) -- so this kernel computes the candidates' flags,
the selection (unique; payoff dominance; risk dominance of two strict pure equilibria)
and the selected candidate's probabilities and payoffs directly on ``(k,)`` columns, with
no padded ``(k, E, 2)`` arrays of every equilibrium.

It is the same computation, operation for operation, as
:func:`qa_games.solvers.batch.solve_batch` (2x2 closed form, ``exact_fallback=False``)
followed by the vectorised selection of :mod:`qa_games.analysis.outcomes`, so the columns
are equal to the bit; the points that path sends to the exact solver (suspects, near
ties, selections decided within ``tol``) are returned in ``need`` for the caller to
solve exactly, as before.

>>> import numpy as np
>>> pd_game = [np.array([3.0]), np.array([0.0]), np.array([5.0]), np.array([1.0])]
>>> out = empty_columns(1)
>>> r = fill(pd_game + [pd_game[0], pd_game[2], pd_game[1], pd_game[3]], 1e-9,
...          "payoff_dominance", out, slice(0, 1))
>>> int(out["n"][0]), int(out["sel"][0]), bool(r.need[0])  # prisoner's dilemma: (1, 1)
(1, 4, False)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CANDIDATES", "OUTPUTS", "Fill", "empty_columns", "fill"]

#: The candidates in solve's order: pure profiles (row, column) and ``None`` (mixed).
CANDIDATES: tuple[tuple[int, int] | None, ...] = ((0, 0), (0, 1), None, (1, 0), (1, 1))
#: The per-point arrays :func:`fill` writes (dtype): count, pure flags of (0, 0), (0, 1),
#: (1, 0), (1, 1), the selected candidate (an index into :data:`CANDIDATES`, -1: none),
#: how it was selected (the codes of ``outcomes._BY``), the selected profile's
#: probabilities (row player's, then column player's) and its payoffs (NaN: none).
OUTPUTS: dict[str, type] = {
    "n": np.int64, "f00": np.bool_, "f01": np.bool_, "f10": np.bool_, "f11": np.bool_,
    "sel": np.int8, "by": np.int8, "r0": np.float64, "r1": np.float64, "c0": np.float64,
    "c1": np.float64, "u_r": np.float64, "u_c": np.float64}

_NOISE = 1024 * np.finfo(float).eps


def empty_columns(k: int) -> dict[str, np.ndarray]:
    """Uninitialised :data:`OUTPUTS` arrays for ``k`` points."""
    return {name: np.empty(k, dtype=dt) for name, dt in OUTPUTS.items()}


@dataclass(frozen=True)
class Fill:
    """What :func:`fill` leaves to the caller: ``need`` (points for the exact path),
    ``zero`` (points where no candidate passed the float tests) and ``multi`` (whether
    some point has several equilibria: the batched path adds ``zero`` to the exact
    points only when no point of its block has)."""

    need: np.ndarray
    zero: np.ndarray
    multi: bool


def _max4(w: np.ndarray, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
    return np.maximum(np.maximum(w, x), np.maximum(y, z))


def fill(payoffs: list[np.ndarray], tol: float, rule: str, out: dict[str, np.ndarray],
         sl: slice) -> Fill:
    """Write the :data:`OUTPUTS` of the games ``payoffs`` (``[A00, A01, A10, A11, B00,
    B01, B10, B11]``, finite float columns) into ``out[name][sl]``; see the module
    docstring. ``rule``: ``"all"``, ``"payoff_dominance"`` or ``"risk_dominance"``.
    Overflow to infinities in differences of huge payoffs is silent, as in the batched
    solver (such points are decided by the tests on infinities, or are suspects)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _fill(payoffs, tol, rule, out, sl)


def _fill(payoffs: list[np.ndarray], tol: float, rule: str, out: dict[str, np.ndarray],
          sl: slice) -> Fill:
    a00, a01, a10, a11, b00, b01, b10, b11 = payoffs
    # -- flags_2x2: candidates within tol, suspects -------------------------------------
    a0 = a00 - a10
    a1 = a01 - a11
    b0 = b00 - b01
    b1 = b10 - b11
    hiA, loA = _max4(a00, a01, a10, a11), np.minimum(np.minimum(a00, a01), np.minimum(a10, a11))
    hiB, loB = _max4(b00, b01, b10, b11), np.minimum(np.minimum(b00, b01), np.minimum(b10, b11))
    eA = tol * (hiA - loA)
    eB = tol * (hiB - loB)
    neA, neB = -eA, -eB
    f00 = out["f00"][sl]
    f01 = out["f01"][sl]
    f10 = out["f10"][sl]
    f11 = out["f11"][sl]
    np.logical_and(a0 >= neA, b0 >= neB, out=f00)
    np.logical_and(a1 >= neA, b0 <= eB, out=f01)
    fm = ((a0 * a1) < 0) & ((b0 * b1) < 0)
    np.logical_and(a0 <= eA, b1 >= neB, out=f10)
    np.logical_and(a1 <= eA, b1 <= eB, out=f11)
    aa0, aa1, ab0, ab1 = np.abs(a0), np.abs(a1), np.abs(b0), np.abs(b1)
    # outcomes._batch's near ties (within tol times max(1, |payoffs|)) and flags_2x2's
    # suspects (within tol times a player's payoff range) in one test per difference;
    # max |x| of four payoffs is max(hi, -lo)
    scale = np.maximum(np.maximum(1.0, np.maximum(hiA, -loA)), np.maximum(hiB, -loB))
    eps = tol * scale
    mA, mB = np.maximum(eA, eps), np.maximum(eB, eps)
    need = (aa0 <= mA) | (aa1 <= mA) | (ab0 <= mB) | (ab1 <= mB)
    da, db = a1 - a0, b1 - b0
    if fm.any():  # a probability within tol of 0
        small = np.minimum(np.minimum(aa0, aa1) / np.abs(da),
                           np.minimum(ab0, ab1) / np.abs(db))
        need |= fm & (small <= tol)
    # -- fill_2x2: the mixed candidate ------------------------------------------------------
    x0, x1 = b1 / db, -b0 / db
    y0, y1 = a1 / da, -a0 / da
    mr = a00 * y0 + a01 * y1
    mc = x0 * b00 + x1 * b10
    n = out["n"][sl]
    np.add(f00, f01, out=n, dtype=np.int64)
    n += fm
    n += f10
    n += f11
    # -- outcomes._batch: selection ---------------------------------------------------------
    one = n == 1
    sel = out["sel"][sl]
    sel.fill(-1)
    flags = (f00, f01, fm, f10, f11)
    if one.any():
        code = f01.astype(np.int8)
        code += 2 * fm
        code += 3 * f10
        code += 4 * f11
        np.copyto(sel, code, where=one)
    by = out["by"][sl]
    by[:] = one
    multi = n > 1
    any_multi = bool(multi.any())
    pays = ((a00, b00), (a01, b01), (mr, mc), (a10, b10), (a11, b11))
    if rule != "all" and any_multi:
        noise = _NOISE * scale
        if rule == "payoff_dominance":
            _payoff_dominance(flags, pays, tol, noise, multi, sel, by, need)
        rest = multi & (sel < 0)
        if rest.any():
            _risk_dominance(payoffs, flags, (x0, x1), (y0, y1), tol, rest, sel, by, need)
    # -- the selected candidate's columns (outcomes.chunk_columns) --------------------------
    c01, cm, c10, c11 = (sel == c for c in range(1, 5))
    none = sel < 0
    bottom, right = c10 | c11, c01 | c11
    gaps = bool(none.any())
    mixed = bool(cm.any())
    for name, ones, value in (("r0", ~bottom, x0), ("r1", bottom, x1), ("c0", ~right, y0),
                              ("c1", right, y1)):
        dst = out[name][sl]
        dst[:] = ones  # 1.0 or 0.0 for the pure candidates
        if mixed:
            np.copyto(dst, value, where=cm)
        if gaps:
            dst[none] = np.nan
    for name, p in (("u_r", 0), ("u_c", 1)):
        dst = out[name][sl]
        dst[:] = pays[0][p]
        for c, where in ((1, c01), (2, cm), (3, c10), (4, c11)):
            np.copyto(dst, pays[c][p], where=where)
        if gaps:
            dst[none] = np.nan
    return Fill(need, n == 0, any_multi)


def _payoff_dominance(flags: tuple[np.ndarray, ...], pays: tuple[tuple[np.ndarray, ...], ...],
                      tol: float, noise: np.ndarray, multi: np.ndarray, sel: np.ndarray,
                      by: np.ndarray, need: np.ndarray) -> None:
    """The payoff-dominant candidate where exactly one dominates all others (weakly, up to
    ``tol``), and the points where a payoff difference is within ``tol`` but above the
    rounding noise (to the exact path)."""
    k = len(sel)
    pairs = [(e, f) for e in range(5) for f in range(e + 1, 5)
             if (flags[e] & flags[f] & multi).any()]
    win = [flags[e] & multi for e in range(5)]
    close = np.zeros(k, dtype=bool)
    for e, f in pairs:
        both = flags[e] & flags[f]
        ge_ef = np.ones(k, dtype=bool)
        ge_fe = np.ones(k, dtype=bool)
        near = np.zeros(k, dtype=bool)
        for p in range(2):
            d = pays[e][p] - pays[f][p]  # pays[f] - pays[e] is -d exactly (IEEE)
            ge_ef &= d >= -tol
            ge_fe &= d <= tol
            ad = np.abs(d)
            near |= (ad <= tol) & (ad > noise)
        win[e] &= ~flags[f] | ge_ef
        win[f] &= ~flags[e] | ge_fe
        close |= near & both
    n_win = win[0].astype(np.int8)
    for e in range(1, 5):
        n_win += win[e]
    first = np.full(k, -1, dtype=np.int8)
    for e in reversed(range(5)):
        np.copyto(first, np.int8(e), where=win[e])
    one = multi & (n_win == 1)
    np.copyto(sel, first, where=one)
    np.copyto(by, np.int8(2), where=one)
    need |= multi & close


def _risk_dominance(payoffs: list[np.ndarray], flags: tuple[np.ndarray, ...],
                    x: tuple[np.ndarray, np.ndarray], y: tuple[np.ndarray, np.ndarray],
                    tol: float, rest: np.ndarray, sel: np.ndarray, by: np.ndarray,
                    need: np.ndarray) -> None:
    """Of two strict pure equilibria, the risk-dominant one (Harsanyi and Selten 1988):
    the larger product of deviation losses; near ties go to the exact path."""
    a00, a01, a10, a11, b00, b01, b10, b11 = payoffs
    A = {(0, 0): a00, (0, 1): a01, (1, 0): a10, (1, 1): a11}
    B = {(0, 0): b00, (0, 1): b01, (1, 0): b10, (1, 1): b11}
    f00, f01, fm, f10, f11 = flags
    pure = {(0, 0): f00, (0, 1): f01, (1, 0): f10, (1, 1): f11}
    code = {(0, 0): 0, (0, 1): 1, (1, 0): 3, (1, 1): 4}
    npure = f00.astype(np.int8)
    npure += f01
    npure += f10
    npure += f11
    for (i, j), (i2, j2) in (((0, 0), (1, 1)), ((0, 1), (1, 0))):
        both = rest & (npure == 2) & pure[(i, j)] & pure[(i2, j2)]
        if not both.any():
            continue
        first = (A[(i, j)] - A[(i2, j)]) * (B[(i, j)] - B[(i, j2)])
        second = (A[(i2, j2)] - A[(i, j2)]) * (B[(i2, j2)] - B[(i2, j)])
        diff = first - second
        scale = np.maximum(1.0, np.maximum(np.abs(first), np.abs(second)))
        ad = np.abs(diff)
        noise = _NOISE * scale
        need |= both & (ad <= tol * scale) & (ad > noise)
        clear = ad > noise
        for win, (p, q) in ((clear & (diff > 0), (i, j)), (clear & (diff < 0), (i2, j2))):
            pick = both & win
            if not pick.any():
                continue
            # outcomes._index_of: the first equilibrium (in solve's order) with more than
            # half on row p and column q; the mixed one precedes (1, 0) and (1, 1)
            target = np.full(len(sel), code[(p, q)], dtype=np.int8)
            if p == 1:
                hit = fm & (x[p] > 0.5) & (y[q] > 0.5)
                np.copyto(target, np.int8(2), where=hit)
            np.copyto(sel, target, where=pick)
            np.copyto(by, np.int8(3), where=pick)
