"""The polynomial system of one support profile, solved exactly (kernel of
:mod:`qa_games.solvers.nplayer`, whose docstring states the theory).

Input: integer payoff arrays (one per player) and a support profile; output: every
equilibrium with exactly that support (rational or algebraic, as plain data), or the
verdict that the support's equations are positive-dimensional and what z3 found there.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy
from sympy.polys.fglmtools import matrix_fglm
from sympy.polys.orderings import grevlex, lex
from sympy.polys.rings import ring

from qa_games.errors import SolverError
from qa_games.solvers._algebraic import (
    RealAlgebraic,
    coeffs_high_first,
    fpoly,
    to_fraction,
    to_rational,
)

__all__ = ["RawRational", "RawAlgebraic", "SupportResult", "payoff", "solve_support", "T"]

T = sympy.Symbol("t")
_QQ = sympy.QQ
Support = tuple[tuple[int, ...], ...]


def payoff(arr: np.ndarray, i: int, own: int, coords: Sequence[Sequence[Any]],
           supports: Sequence[Sequence[int]], zero: Any) -> Any:
    """``u_i(own, x_-i) = sum_{s_-i} arr[own, s_-i] prod_k coords[k][s_k]`` over the
    other players' ``supports`` (``coords`` entries of any ring: Fractions, floats,
    sympy polynomials, z3 terms)."""
    others = [k for k in range(len(supports)) if k != i]
    total = zero
    for prof in itertools.product(*(supports[k] for k in others)):
        idx = list(prof)
        idx.insert(i, own)
        a = arr[tuple(idx)]
        if a == 0:
            continue
        term = a
        for k, s in zip(others, prof, strict=True):
            term = term * coords[k][s]
        total = total + term
    return total


@dataclass(frozen=True)
class RawRational:
    profile: tuple[tuple[Fraction, ...], ...]


@dataclass(frozen=True)
class RawAlgebraic:
    polynomial: tuple[int, ...]
    interval: tuple[Fraction, Fraction]
    coordinates: tuple[tuple[tuple[Fraction, ...], ...], ...]
    profile: tuple[tuple[float, ...], ...]
    payoffs: tuple[float, ...]


@dataclass
class SupportResult:
    """``status``: "empty" (no equilibrium with this support), "finite" (``solutions``),
    "proved-empty" (positive-dimensional, z3: no equilibrium), "continuum" (z3 found
    ``sample``), "undecided" (z3 timed out) or "unsolved" (no shape position)."""

    status: str
    solutions: list[RawRational | RawAlgebraic] = field(default_factory=list)
    sample: tuple[tuple[float, ...], ...] | None = None
    algebra: bool = False  # a Groebner basis was computed


def _uni(coeffs_by_degree: dict[int, Any]) -> sympy.Poly:
    top = max(coeffs_by_degree, default=0)
    return sympy.Poly([coeffs_by_degree.get(d, 0) for d in range(top, -1, -1)] or [0], T,
                      domain=_QQ)


def _shape(polys: Sequence[sympy.Poly], n_gens: int
           ) -> tuple[sympy.Poly, list[sympy.Poly]] | None:
    """``(h(t), [r_1(t), ...])`` when the reduced lex basis is ``{x_j - r_j(t), h(t)}``
    (t the last generator), else None."""
    if len(polys) != n_gens:
        return None
    rs: list[sympy.Poly | None] = [None] * (n_gens - 1)
    h = None
    for p in polys:
        terms = p.terms(lex)
        lead, lc = terms[0]
        if all(e == 0 for e in lead[:-1]):
            if h is not None:
                return None
            h = _uni({m[-1]: c for m, c in terms})
            continue
        j = next(q for q, e in enumerate(lead) if e)
        if lead[j] != 1 or any(lead[q] for q in range(n_gens) if q != j) or lc != 1:
            return None
        rest = terms[1:]
        if any(any(m[:-1]) for m, _ in rest) or rs[j] is not None:
            return None
        rs[j] = _uni({m[-1]: -c for m, c in rest})
    if h is None or any(r is None for r in rs):
        return None
    return h, [r for r in rs if r is not None]


class _Basis:
    """The reduced grevlex Groebner basis of an ideal, computed by python-flint's
    Buchberger (FLINT, in C) over the integers, then held as sympy ring elements (for
    FGLM)."""

    def __init__(self, polys: Sequence[Any], names: Sequence[str]) -> None:
        self.ring = ring(tuple(names), _QQ, grevlex)[0]
        ctx = _ctx(names)
        vec = flint.fmpz_mpoly_vec(list(polys), ctx).buchberger_naive().autoreduction()
        self.basis = [self.ring.from_dict({m: _QQ(int(c)) for m, c in q.to_dict().items()})
                      .monic() for q in vec if not q.is_zero()]
        self.n = len(names)

    @property
    def is_one(self) -> bool:
        return any(p.is_ground for p in self.basis)

    @property
    def is_zero_dimensional(self) -> bool:
        """Every variable has a pure power among the leading monomials."""
        leads = [p.LM for p in self.basis]
        return all(any(m[j] > 0 and sum(m) == m[j] for m in leads) for j in range(self.n))

    def lex(self) -> list[Any]:
        """The reduced lex basis (FGLM; Faugere, Gianni, Lazard & Mora 1993)."""
        return list(matrix_fglm(self.basis, self.ring, lex))


def _ctx(names: Sequence[str]) -> Any:
    return flint.fmpz_mpoly_ctx.get(tuple(names), "degrevlex")


def _move(p: Any, names: Sequence[str], perm: Sequence[int]) -> Any:
    """``p`` in the context of ``names``, variable ``q`` of ``p`` becoming ``perm[q]``
    (positions beyond p's variables are 0)."""
    out = {}
    for m, c in p.to_dict().items():
        new = [0] * len(names)
        for q, d in enumerate(m):
            new[perm[q]] = d
        out[tuple(new)] = c
    return _ctx(names).from_dict(out)


def _lex_shape(eqs: Sequence[Any], names: Sequence[str], rng: random.Random,
               basis: Any = None) -> tuple[sympy.Poly, list[sympy.Poly]] | None:
    """A shape-position representation of the zero-dimensional ideal: every solution is
    ``x_j = r_j(t)`` at a root ``t`` of ``h``, with ``t`` a coordinate or a random linear
    form (``r_j`` for every generator). ``basis``: the ideal's grevlex basis if known."""
    k = len(names)
    g_lex = (basis if basis is not None else _Basis(eqs, names)).lex()
    got = _shape(g_lex, k)
    if got is not None:
        h, rs = got
        return h, [*rs, sympy.Poly(T, T, domain=_QQ)]
    ext = [*names, "t_sep"]
    moved = [_move(e, ext, range(k)) for e in eqs]
    xs = _ctx(ext).gens()
    for _ in range(4):
        form = sum((rng.randint(1, 12) * x for x in xs[:-1]), _ctx(ext).from_dict({}))
        got = _shape(_Basis([*moved, xs[-1] - form], ext).lex(), k + 1)
        if got is not None:
            return got
    return None


def _radical(eqs: list[Any], names: Sequence[str]) -> list[Any]:
    """Seidenberg's lemma: adding the square-free part of each variable's eliminant makes
    a zero-dimensional ideal radical."""
    k = len(names)
    extra = []
    for j in range(k):
        order = [*range(j), *range(j + 1, k), j]           # variable j last
        perm = [order.index(q) for q in range(k)]          # old position -> new position
        basis = _Basis([_move(e, [names[q] for q in order], perm) for e in eqs],
                       [names[q] for q in order]).lex()
        last = _uni({m[-1]: c for m, c in basis[-1].terms()})
        sqf = sympy.Poly(sympy.sqf_part(last), T, domain=_QQ)
        _, zz = sqf.clear_denoms(convert=True)
        exps = [0] * k
        terms = {}
        for (d,), c in zz.terms():
            exps[j] = d
            terms[tuple(exps)] = int(c)
        extra.append(_ctx(names).from_dict(terms))
    return [*eqs, *extra]


def _z3_check(pay: Sequence[np.ndarray], sp: Support, timeout_ms: int) -> SupportResult:
    import z3

    x = [[z3.Real(f"x{i}_{s}") if s in sup else z3.RealVal(0) for s in range(arr.shape[i])]
         for i, (sup, arr) in enumerate(zip(sp, pay, strict=True))]
    solver = z3.SolverFor("QF_NRA")
    solver.set(timeout=timeout_ms)
    zero = z3.RealVal(0)
    for i, sup in enumerate(sp):
        solver.add(z3.Sum([x[i][s] for s in sup]) == 1)
        solver.add(*[x[i][s] > 0 for s in sup])
        u = [payoff(pay[i], i, k, x, sp, zero) for k in range(pay[i].shape[i])]
        ref = u[sup[0]]
        for k in range(pay[i].shape[i]):
            solver.add(u[k] == ref if k in sup else u[k] <= ref)
    verdict = solver.check()
    if verdict == z3.unsat:
        return SupportResult("proved-empty")
    if verdict != z3.sat:
        return SupportResult("undecided")
    model = solver.model()

    def num(v: Any) -> float:
        val = model.eval(v, model_completion=True)
        if z3.is_algebraic_value(val):
            val = val.approx(20)
        return float(Fraction(val.as_fraction()))

    return SupportResult("continuum", sample=tuple(tuple(num(v) for v in s) for s in x))


def solve_support(pay: Sequence[np.ndarray], sp: Support, *, z3_timeout_ms: int,
                  rng: random.Random) -> SupportResult:
    """Every equilibrium whose support is exactly ``sp`` (see the module docstring)."""
    shape = tuple(a.shape[i] for i, a in enumerate(pay))
    names = [(i, s) for i, sup in enumerate(sp) for s in sup[:-1]]
    if not names:  # a pure profile
        prof = tuple(tuple(Fraction(int(k == sup[0])) for k in range(m))
                     for sup, m in zip(sp, shape, strict=True))
        return SupportResult("finite", _check_rational(pay, sp, prof))
    vnames = [f"x{i}_{s}" for i, s in names]
    ctx = _ctx(vnames)
    index = dict(zip(names, ctx.gens(), strict=True))
    zero = ctx.from_dict({})
    coords = []
    for i, sup in enumerate(sp):
        row = [zero] * shape[i]
        for s in sup[:-1]:
            row[s] = index[i, s]
        row[sup[-1]] = 1 - sum((index[i, s] for s in sup[:-1]), zero)
        coords.append(row)
    eqs = []
    for i, sup in enumerate(sp):
        if len(sup) < 2:
            continue
        u0 = payoff(pay[i], i, sup[0], coords, sp, zero)
        for s in sup[1:]:
            e = payoff(pay[i], i, s, coords, sp, zero) - u0
            if e.is_zero():
                continue
            if e.is_constant():
                return SupportResult("empty")
            eqs.append(e)
    if not eqs:
        return _z3_check(pay, sp, z3_timeout_ms)
    if all(int(e.total_degree()) <= 1 for e in eqs):
        return _linear(pay, sp, eqs, names, shape, z3_timeout_ms)
    basis = _Basis(eqs, vnames)
    if basis.is_one:
        return SupportResult("empty", algebra=True)
    if not basis.is_zero_dimensional:
        res = _z3_check(pay, sp, z3_timeout_ms)
        res.algebra = True
        return res
    got = _lex_shape(eqs, vnames, rng, basis)
    if got is None:
        got = _lex_shape(_radical(eqs, vnames), vnames, rng)
    if got is None:
        return SupportResult("unsolved", algebra=True)
    h, rs = got
    by_gen = {name: fpoly([to_fraction(c) for c in r.all_coeffs()])
              for name, r in zip(names, rs, strict=True)}
    one, tzero = flint.fmpq_poly([1]), flint.fmpq_poly([])
    ucoords = []
    for i, sup in enumerate(sp):
        row = [tzero] * shape[i]
        for s in sup[:-1]:
            row[s] = by_gen[i, s]
        row[sup[-1]] = one - sum((by_gen[i, s] for s in sup[:-1]), tzero)
        ucoords.append(row)
    out: list[RawRational | RawAlgebraic] = []
    for f, _mult in fpoly([to_fraction(c) for c in h.all_coeffs()]).factor()[1]:
        if f.degree() == 1:
            c0, c1 = (to_fraction(c) for c in f.coeffs())
            t0 = flint.fmpq((-c0 / c1).numerator, (-c0 / c1).denominator)
            prof = tuple(tuple(to_fraction(c(t0)) for c in row) for row in ucoords)
            out.extend(_check_rational(pay, sp, prof))
        else:
            sf = sympy.Poly([to_rational(c) for c in coeffs_high_first(f)], T, domain=_QQ)
            for (a, b), _m in sf.intervals():
                got_alg = _check_algebraic(pay, sp, f, to_fraction(a), to_fraction(b), ucoords)
                if got_alg is not None:
                    out.append(got_alg)
    return SupportResult("finite", out, algebra=True)


def _linear(pay: Sequence[np.ndarray], sp: Support, eqs: Sequence[Any],
            names: Sequence[tuple[int, int]], shape: tuple[int, ...],
            z3_timeout_ms: int) -> SupportResult:
    """Linear equations: exact Gauss-Jordan elimination in Fractions."""
    k = len(names)
    rows = []
    for e in eqs:
        row = [Fraction(0)] * (k + 1)
        for m, c in e.to_dict().items():
            j = next((q for q, d in enumerate(m) if d), None)
            if j is None:
                row[k] = -Fraction(int(c))
            else:
                row[j] = Fraction(int(c))
        rows.append(row)
    rank, col, piv = 0, 0, []
    while rank < len(rows) and col < k:
        p = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if p is None:
            col += 1
            continue
        rows[rank], rows[p] = rows[p], rows[rank]
        lead = rows[rank][col]
        rows[rank] = [v / lead for v in rows[rank]]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                f = rows[r][col]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[rank], strict=True)]
        piv.append(col)
        rank += 1
        col += 1
    if any(all(v == 0 for v in row[:k]) and row[k] != 0 for row in rows):
        return SupportResult("empty", algebra=True)
    if rank < k:
        res = _z3_check(pay, sp, z3_timeout_ms)
        res.algebra = True
        return res
    value = {names[c]: rows[r][k] for r, c in enumerate(piv)}
    prof = []
    for i, sup in enumerate(sp):
        row = [Fraction(0)] * shape[i]
        for s in sup[:-1]:
            row[s] = value[i, s]
        row[sup[-1]] = 1 - sum((value[i, s] for s in sup[:-1]), Fraction(0))
        prof.append(tuple(row))
    return SupportResult("finite", _check_rational(pay, sp, tuple(prof)), algebra=True)


def _at(g: sympy.Poly, x: Fraction) -> Fraction:
    acc = Fraction(0)
    for c in g.all_coeffs():
        acc = acc * x + to_fraction(c)
    return acc


def _check_rational(pay: Sequence[np.ndarray], sp: Support,
                    prof: tuple[tuple[Fraction, ...], ...]) -> list[RawRational | RawAlgebraic]:
    if any(prof[i][s] <= 0 for i, sup in enumerate(sp) for s in sup):
        return []
    full = [tuple(range(len(s))) for s in prof]
    for i, arr in enumerate(pay):
        u = [payoff(arr, i, k, prof, full, Fraction(0)) for k in range(len(prof[i]))]
        ref = u[sp[i][0]]
        if any(u[s] != ref for s in sp[i]):
            raise SolverError(f"support {sp}: the exact solution {prof} is not indifferent")
        if max(u) > ref:
            return []
    return [RawRational(prof)]


def _check_algebraic(pay: Sequence[np.ndarray], sp: Support, f: Any, lo: Fraction,
                     hi: Fraction, ucoords: list[list[Any]]) -> RawAlgebraic | None:
    """The solution at the root of ``f`` in [lo, hi], if it is an equilibrium."""
    alpha = RealAlgebraic(f, lo, hi)
    coords = [[alpha.reduce(c) for c in row] for row in ucoords]
    if any(alpha.sign(coords[i][s]) <= 0 for i, sup in enumerate(sp) for s in sup):
        return None
    tzero = flint.fmpq_poly([])
    values = []
    for i, arr in enumerate(pay):
        u = [alpha.reduce(payoff(arr, i, k, coords, sp, tzero)) for k in range(arr.shape[i])]
        ref = u[sp[i][0]]
        if any(not (u[s] - ref).is_zero() for s in sp[i]):
            raise SolverError(f"support {sp}: an algebraic solution is not indifferent")
        if any(alpha.sign(u[k] - ref) > 0 for k in range(arr.shape[i]) if k not in sp[i]):
            return None
        values.append(ref)
    zz = [int(c) for c in reversed(f.numer().coeffs())]
    g = math.gcd(*zz)
    zz = [c // g for c in zz]
    if zz[0] < 0:
        zz = [-c for c in zz]
    return RawAlgebraic(
        tuple(zz), (alpha.lo, alpha.hi),
        tuple(tuple(coeffs_high_first(p) if not p.is_zero() else () for p in row)
              for row in coords),
        tuple(tuple(alpha.value(p) if not p.is_zero() else 0.0 for p in row) for row in coords),
        tuple(alpha.value(v) for v in values))
