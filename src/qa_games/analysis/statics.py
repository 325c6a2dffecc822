"""Symbolic comparative statics: derivatives of closed-form outcomes and their signs.

A model's derived quantities are closed forms in its parameters (Cha's
``Delta_A = (1 - phi)(1 - c) t x_A - t y_A - k_A``, the threshold ``c*``, the mixed
equilibrium's ``p_A``). Their comparative statics are partial derivatives
(Samuelson 1947, *Foundations of Economic Analysis*, ch. 3), and a proposition such
as cha-1 (``dDelta_i/dc < 0``) is the claim that a derivative has a constant sign on
a region of parameter space.

:func:`sign_on` decides the sign of an expression on a box (each parameter in an
interval; the domains by default) in three steps:

1. **Proof by positivity.** Each parameter is rewritten as a function of a new
   symbol ``u >= 0`` that sweeps its interval: ``lo + u`` on ``[lo, inf)``,
   ``lo + (hi - lo) u / (1 + u)`` on ``[lo, hi)``; the closed end ``hi`` is a face,
   handled by substituting ``hi`` and recursing. sympy's assumption system then
   proves a sign when, after ``together``/``factor``, the expression is built from
   nonnegative pieces (a rational function whose numerator and denominator have
   coefficients of one sign is decided at once).
2. **Refutation by sampling.** Otherwise the expression is evaluated at the box's
   corners and at seeded random points; finding both strict signs at points that
   also satisfy the model's constraints (checked exactly) proves that it has no
   constant sign (``"indefinite"``, with two witnesses).
3. **Decision by z3.** Otherwise "the expression is < 0 somewhere on the region" (the
   boxes, the model's constraints, every denominator non-zero) is handed to z3's
   nonlinear real arithmetic, the decision procedure that
   :mod:`qa_games.analysis.decide` uses for the propositions (Jovanovic and de Moura,
   IJCAR 2012): ``unsat`` proves ``>= 0``; likewise ``> 0`` and ``= 0``. A
   ``Min``/``Max``/``Piecewise`` is split into its branches, each guarded by its
   condition and the failure of the earlier ones. Witnesses z3 finds for both
   signs are confirmed exactly with rationals. Each query has a time limit
   (:data:`Z3_TIMEOUT_MS`); expressions z3 cannot read (``sin``, non-integer
   powers) skip this step.
4. Otherwise the answer is ``"undecided"`` (the samples' sign is reported).

Undefined points (a division by zero on a face, as ``p_A`` at ``c = 1``) are left out:
a sign is claimed where the expression is defined.

>>> from qa_games import load_model
>>> m = load_model("cha_quasi_alliance")
>>> derivative(m, "Delta_A", "c")
t*x_A*(phi - 1)
>>> sign_on(derivative(m, "Delta_A", "c"), m, {"t": "(0, 10]"}).sign
'negative'
>>> derivative(m, "c_star_A", "t")
-k_A/(t**2*x_A*(phi - 1))
>>> str(sign_on(derivative(m, "c_star_A", "t"), m))
'nonnegative'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy
import z3

from ..errors import ParameterError
from ..games.exact_eval import substitute
from ..games.parameter import Interval, to_fraction
from ..games.vectorize import lambdify_safe
from .decide import Unsupported, decide, denominators

__all__ = ["derivative", "sign_on", "Sign", "comparative_statics", "SIGNS", "Z3_TIMEOUT_MS"]

Z3_TIMEOUT_MS = 3000
"""The time limit of one z3 query in :func:`sign_on` (milliseconds)."""

SIGNS = ("positive", "negative", "nonnegative", "nonpositive", "zero", "indefinite",
         "undecided")


@dataclass(frozen=True)
class Sign:
    """The sign of an expression on a region.

    ``proved`` is True when ``sign`` is a theorem on the region (steps 1 and 2 of
    the module docstring); ``witnesses`` are points showing ``"indefinite"``;
    ``method`` says how it was decided.
    """

    sign: str
    proved: bool
    method: str
    witnesses: tuple[dict[str, float], ...] = field(default=())

    def __str__(self) -> str:
        return self.sign + ("" if self.proved else " (not proved)")


def _quantity(model: Any, quantity: str | sympy.Expr) -> sympy.Expr:
    if isinstance(quantity, sympy.Basic):
        return sympy.sympify(quantity)
    if quantity in model.derived:
        return model.derived[quantity]
    return model.expression(quantity, where=f"{model.name}: quantity {quantity!r}")


def derivative(model: Any, quantity: str | sympy.Expr, parameter: str) -> sympy.Expr:
    """``d quantity / d parameter``, simplified; ``quantity`` is a derived name or an
    expression over the model's names (read by the whitelist parser)."""
    sym = model.game.symbols[model.parameter(parameter).name]
    expr = _quantity(model, quantity)
    if expr.has(sympy.Min, sympy.Max, sympy.Abs):  # piecewise: differentiate each branch
        expr = sympy.piecewise_fold(expr.rewrite(sympy.Piecewise))
        if isinstance(expr, sympy.Piecewise):
            return sympy.Piecewise(*((_simplify(sympy.diff(e, sym)), c) for e, c in expr.args))
    return _simplify(sympy.diff(expr, sym))


def _simplify(e: sympy.Expr) -> sympy.Expr:
    """``e`` factored. A rational function's factored form is canonical (numerator and
    denominator in lowest terms), so ``cancel`` gives it as ``simplify`` does, five
    times faster (equal on all 982 such derivatives of the bundled models); anything
    else (a Heaviside from a max) is simplified first."""
    if e.is_rational_function():
        return sympy.factor(sympy.cancel(e))
    return sympy.factor(sympy.simplify(e))


def _region(model: Any, expr: sympy.Expr,
            region: Mapping[str, Any] | None) -> dict[sympy.Symbol, Interval]:
    """The boxes of ``expr``'s parameters (see :func:`_all_boxes`)."""
    boxes = _all_boxes(model, expr, region)
    return {s: b for s, b in boxes.items() if s in expr.free_symbols}


def _all_boxes(model: Any, expr: sympy.Expr,
               region: Mapping[str, Any] | None) -> dict[sympy.Symbol, Interval]:
    """Every parameter's interval: the region's where given (checked to lie inside the
    domain), else the domain."""
    symbols = model.game.symbols
    boxes: dict[sympy.Symbol, Interval] = {}
    for name, spec in (region or {}).items():
        p = model.parameter(name)
        if isinstance(spec, Interval):
            box = spec
        elif isinstance(spec, str):
            box = Interval.parse(spec)
        else:
            lo, hi = spec
            box = Interval(to_fraction(lo, name=name), to_fraction(hi, name=name))
        dom = p.domain
        lo_ok = dom.lower is None or (box.lower is not None and (
            box.lower > dom.lower or (box.lower == dom.lower and
                                      (dom.lower_closed or not box.lower_closed))))
        hi_ok = dom.upper is None or (box.upper is not None and (
            box.upper < dom.upper or (box.upper == dom.upper and
                                      (dom.upper_closed or not box.upper_closed))))
        if not (lo_ok and hi_ok):
            raise ParameterError(f"region {name} {box} is not inside its domain {dom}")
        boxes[symbols[name]] = box
    for s in sorted(expr.free_symbols, key=str):
        if s not in boxes:
            boxes[s] = model.parameter(str(s)).domain
    for prm in model.game.parameters:
        boxes.setdefault(prm.symbol, prm.domain)
    return boxes


def _rat(x: Any) -> sympy.Rational:
    return sympy.Rational(x.numerator, x.denominator)


def _interior_sign(expr: sympy.Expr, boxes: dict[sympy.Symbol, Interval]) -> str | None:
    """The sign on the box minus its closed upper faces, by assumptions; None if unknown."""
    subs = {}
    for k, (s, box) in enumerate(boxes.items()):
        if box.lower is None and box.upper is None:
            return None
        closed = box.lower_closed if box.lower is not None else box.upper_closed
        u = sympy.Symbol(f"_u{k}", nonnegative=True) if closed else \
            sympy.Symbol(f"_u{k}", positive=True)
        if box.lower is None:  # (-inf, hi]
            subs[s] = _rat(box.upper) - u
        elif box.upper is None:
            subs[s] = _rat(box.lower) + u
        else:
            lo, hi = _rat(box.lower), _rat(box.upper)
            subs[s] = lo + (hi - lo) * u / (1 + u)
    e = sympy.factor(sympy.together(expr.xreplace(subs)))
    if e.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return None
    for name, test in (("zero", "is_zero"), ("positive", "is_positive"),
                       ("negative", "is_negative"), ("nonnegative", "is_nonnegative"),
                       ("nonpositive", "is_nonpositive")):
        if getattr(e, test):
            return name
    return None


def _combine(a: str, b: str | None) -> str:
    """The sign on a union of two parts (b None: the part is empty or undefined)."""
    if b is None:
        return a
    if a == b:
        return a
    pos, neg = {"positive", "nonnegative", "zero"}, {"negative", "nonpositive", "zero"}
    if a in pos and b in pos:
        return "nonnegative"
    if a in neg and b in neg:
        return "nonpositive"
    return "indefinite"


def _prove(expr: sympy.Expr, boxes: dict[sympy.Symbol, Interval], depth: int = 0) -> str | None:
    if isinstance(expr, sympy.Piecewise):  # every branch's sign, ignoring the conditions
        found = [_prove(e, boxes, depth) for e, _ in expr.args]
        signs = [x for x in found if x is not None]
        if len(signs) < len(found):
            return None
        out = signs[0]
        for x in signs[1:]:
            out = _combine(out, x) if out != "undefined" else x
        return None if out == "indefinite" else out
    boxes = {t: b for t, b in boxes.items() if t in expr.free_symbols}
    if not boxes:
        val = sympy.simplify(expr)
        if val.has(sympy.zoo, sympy.nan) or not val.is_real:
            return "undefined"
        return "zero" if val == 0 else "positive" if val > 0 else "negative"
    if depth > 12:
        return None
    sign = _interior_sign(expr, boxes)
    if sign is None:
        return None
    for s, box in boxes.items():
        if box.upper is not None and box.upper_closed and box.lower != box.upper:
            face = substitute(expr, {s: _rat(box.upper)})
            if face.has(sympy.zoo, sympy.nan):
                continue  # undefined on this face
            rest = {t: b for t, b in boxes.items() if t != s}
            fs = _prove(face, rest, depth + 1)
            if fs is None:
                return None
            if fs != "undefined":
                sign = _combine(sign, fs)
    return sign


def _sample(expr: sympy.Expr, boxes: dict[sympy.Symbol, Interval], n: int,
            seed: int) -> tuple[np.ndarray, list[dict[str, float]]]:
    rng = np.random.default_rng(seed)
    syms = list(boxes)
    cols = []
    for s in syms:
        b = boxes[s]
        lo = float(b.lower) if b.lower is not None else -1e3
        hi = float(b.upper) if b.upper is not None else (lo + 1e3 if b.lower is not None else 1e3)
        pts = rng.uniform(lo, hi, n)
        eps = 1e-9 * (hi - lo)
        corners = np.array([lo if b.lower_closed and b.lower is not None else lo + eps,
                            hi if b.upper_closed and b.upper is not None else hi - eps])
        cols.append(np.concatenate([corners, pts]))
    grid = np.array(np.meshgrid(*[c[:2] for c in cols], indexing="ij")).reshape(len(syms), -1) \
        if len(syms) <= 10 else np.empty((len(syms), 0))
    allpts = np.concatenate([grid, np.array([c[2:] for c in cols])], axis=1)
    fn = lambdify_safe(syms, expr)  # names may clash
    with np.errstate(all="ignore"):
        vals = np.broadcast_to(np.asarray(fn(*allpts), dtype=float), allpts.shape[1:]).copy()
    names = [str(s) for s in syms]  # printed once: str() of a symbol runs the printer
    points = [dict(zip(names, column, strict=True)) for column in allpts.T.tolist()]
    return vals, points


def _feasible(model: Any, boxes: dict[sympy.Symbol, Interval],
              subs: dict[sympy.Symbol, sympy.Rational]) -> bool:
    """Whether the point ``subs`` (exact values of some parameters) is in the region: its
    values lie in their boxes, and the model's constraints can be met by the others
    (asked of z3 when a constraint involves parameters not in ``subs``)."""
    conds = [substitute(c, subs) for s in subs for c in boxes[s].sympy_conditions(s)]
    rest = [substitute(c, subs) for c in model.game.constraints]
    free = sorted(set().union(*(c.free_symbols for c in rest)), key=str) if rest else []
    conds += [c for s in free for c in boxes[s].sympy_conditions(s)] + rest
    open_ = []
    for c in conds:
        if c is sympy.false:
            return False
        if c is not sympy.true:
            open_.append(c)
    if not open_:
        return True
    try:
        return decide(open_, [], timeout_ms=Z3_TIMEOUT_MS)[0] == "sat"
    except (Unsupported, z3.Z3Exception):
        return False


def _has_sign(expr: sympy.Expr, subs: dict[sympy.Symbol, sympy.Rational], want: int) -> bool:
    """``expr`` at the exact point ``subs`` is defined, real and of sign ``want``."""
    try:
        val = substitute(expr, subs)
        return bool(val.is_number and val.is_real and val.is_finite
                    and sympy.sign(val) == want)
    except (TypeError, ValueError):  # a comparison with zoo in a Piecewise condition
        return False


def _exact_sign(expr: sympy.Expr, model: Any, boxes: dict[sympy.Symbol, Interval],
                pts: list[dict[str, float]], idx: np.ndarray,
                want: int) -> dict[str, float] | None:
    """The first of the points ``idx`` at which ``expr`` has sign ``want`` exactly (and
    the model's constraints can be met)."""
    for j in idx[:20]:
        subs = {s: sympy.Rational(repr(pts[j][str(s)])) for s in expr.free_symbols}
        if _has_sign(expr, subs, want) and _feasible(model, boxes, subs):
            return pts[int(j)]
    return None


def _cases(expr: sympy.Expr) -> list[tuple[list[Any], sympy.Expr]]:
    """``expr`` as branches ``(guard, value)``: ``expr`` equals ``value`` where every
    condition in ``guard`` holds (the branch's condition, the earlier ones' failure,
    each denominator in them non-zero). ``Min``/``Max``/``Abs`` become Piecewise."""
    e = expr
    if e.has(sympy.Min, sympy.Max, sympy.Abs):
        e = sympy.piecewise_fold(e.rewrite(sympy.Piecewise))
    branches = e.args if isinstance(e, sympy.Piecewise) else ((e, sympy.true),)
    out: list[tuple[list[Any], sympy.Expr]] = []
    earlier: list[Any] = []
    for value, cond in branches:
        if any(x.has(sympy.Piecewise, sympy.Min, sympy.Max, sympy.Abs) for x in (value, cond)):
            raise Unsupported(f"nested piecewise expression {value}")
        dens = [d for x in (value, cond, *earlier) for d in denominators(x)]
        guard = [sympy.Ne(d, 0) for d in dict.fromkeys(dens)]
        guard += [sympy.Not(c) for c in earlier] + [cond]
        out.append((guard, value))
        if cond is sympy.true:
            break
        earlier.append(cond)
    return out


def _z3_witness(expr: sympy.Expr, model: Any, boxes: dict[sympy.Symbol, Interval],
                witness: Mapping[str, Any] | None, want: int) -> dict[str, float] | None:
    """A z3 point, rounded to floats in ``expr``'s parameters, if ``expr`` has sign
    ``want`` there exactly and the point is in the region."""
    if witness is None:
        return None
    names = {str(s) for s in expr.free_symbols}
    subs = {model.game.symbols[n]: sympy.Rational(repr(float(v))) if n in names
            else sympy.Rational(v.numerator, v.denominator) for n, v in witness.items()}
    if not (_has_sign(expr, subs, want) and _feasible(model, boxes, subs)):
        return None
    return {str(s): float(subs[s]) for s in sorted(expr.free_symbols, key=str)}


def _z3_sign(expr: sympy.Expr, model: Any,
             boxes: dict[sympy.Symbol, Interval]) -> tuple[Sign | None, str]:
    """Step 3 of the module docstring: the sign decided by z3, or None and what z3 said."""
    base = [c for s, b in boxes.items() for c in b.sympy_conditions(s)]
    base += list(model.game.constraints)
    names = list(model.game.parameter_names)

    def ask(rel: Any) -> tuple[str, Any]:
        bad = sympy.Or(*[sympy.And(*guard, rel(v)) for guard, v in cases])
        return decide(base + [bad], names, timeout_ms=Z3_TIMEOUT_MS)

    try:
        cases = _cases(expr)
        neg, w_neg = ask(lambda v: v < 0)
        pos, w_pos = ask(lambda v: v > 0)
        zero = ask(lambda v: sympy.Eq(v, 0))[0] if "unsat" in (neg, pos) else "unknown"
    except (Unsupported, z3.Z3Exception) as exc:
        return None, f"z3 cannot read it ({exc})"
    how = "z3 (nonlinear real arithmetic, region with constraints, where defined): never "
    if neg == "unsat" and pos == "unsat":
        if zero == "unsat":
            return Sign("undecided", False, "undefined on the whole region (z3)"), ""
        return Sign("zero", True, how + "< 0 nor > 0"), ""
    for bad, sign, strict in ((neg, "nonnegative", "positive"),
                              (pos, "nonpositive", "negative")):
        if bad == "unsat":
            rel = "< 0" if sign == "nonnegative" else "> 0"
            if zero == "unsat":
                return Sign(strict, True, how + rel + " nor = 0"), ""
            return Sign(sign, True, how + rel), ""
    if neg == "sat" and pos == "sat":
        above = _z3_witness(expr, model, boxes, w_pos, 1)
        below = _z3_witness(expr, model, boxes, w_neg, -1)
        if above is not None and below is not None:
            return Sign("indefinite", True, "z3 points of both signs, confirmed exactly",
                        (above, below)), ""
        return None, "z3 points of both signs not confirmed exactly"
    return None, f"z3: < 0 {neg}, > 0 {pos} (limit {Z3_TIMEOUT_MS} ms)"


def sign_on(expr: sympy.Expr, model: Any, region: Mapping[str, Any] | None = None, *,
            samples: int = 2000, seed: int = 0) -> Sign:
    """The sign of ``expr`` (in ``model``'s parameters) on ``region``.

    ``region`` maps parameters to intervals (``"(0, 10]"``, an :class:`Interval` or
    ``(lo, hi)`` closed) inside their domains; other parameters range over their
    domains. See the module docstring for the method.

    >>> from qa_games import load_model
    >>> m = load_model("cha_quasi_alliance")
    >>> sign_on(m.derived["Delta_A"], m).sign
    'indefinite'
    """
    expr = sympy.sympify(expr)
    all_boxes = _all_boxes(model, expr, region)
    boxes = {s: b for s, b in all_boxes.items() if s in expr.free_symbols}
    proved = None
    try:
        proved = _prove(expr, boxes)
    except (TypeError, ValueError, NotImplementedError):  # sympy could not compare
        proved = None
    if proved == "undefined":
        return Sign("undecided", False, "undefined on the whole region")
    if proved is not None and proved != "indefinite":
        return Sign(proved, True, "sympy assumptions after mapping the region to u >= 0")
    vals, pts = _sample(expr, boxes, samples, seed)
    ok = np.isfinite(vals)
    pos, neg = np.flatnonzero(ok & (vals > 0)), np.flatnonzero(ok & (vals < 0))
    if len(pos) and len(neg):
        above = _exact_sign(expr, model, all_boxes, pts, pos, 1)
        below = _exact_sign(expr, model, all_boxes, pts, neg, -1)
        if above is not None and below is not None:
            return Sign("indefinite", True, f"exact values at sampled points (seed {seed})",
                        (above, below))
    decided, note = _z3_sign(expr, model, all_boxes)
    if decided is not None:
        return decided
    seen = ("positive" if len(pos) and not (ok & (vals == 0)).any() else
            "nonnegative" if len(pos) else
            "negative" if len(neg) and not (ok & (vals == 0)).any() else
            "nonpositive" if len(neg) else "zero")
    return Sign("undecided", False, f"not proved; {seen} at {int(ok.sum())} sampled points "
                f"(seed {seed}); {note}")


def comparative_statics(model: Any, parameter: str, *, quantities: Any = None,
                        region: Mapping[str, Any] | None = None) -> Any:
    """A table: for each closed-form quantity (default: every derived one), its
    derivative with respect to ``parameter`` and that derivative's sign on ``region``.

    >>> from qa_games import load_model
    >>> t = comparative_statics(load_model("cha_quasi_alliance"), "c", quantities=["Delta_A"])
    >>> t[["quantity", "derivative", "sign", "proved"]].values.tolist()
    [['Delta_A', 't*x_A*(phi - 1)', 'nonpositive', True]]
    """
    import pandas as pd

    names = list(model.derived) if quantities is None else list(quantities)
    rows = []
    for q in names:
        d = derivative(model, q, parameter)
        s = sign_on(d, model, region)
        rows.append({"quantity": str(q), "parameter": parameter, "derivative": str(d),
                     "sign": s.sign, "proved": s.proved, "method": s.method})
    return pd.DataFrame(rows)
