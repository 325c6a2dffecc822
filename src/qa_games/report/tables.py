"""Tables of the report derived from a grid comparison: the reading of each region
(``docs/models.md`` section 4), the reference closed forms, the comparative statics of the
alignment boundaries and the threat at which they cross."""

from __future__ import annotations

from typing import Any

import pandas as pd
import sympy

from ..modelfiles.scenario import VARIABLES

__all__ = ["REFERENCE", "READING", "reading", "effects", "crossing", "plain_expression",
           "plain_method", "readable_statics", "case_display", "case_scores"]

#: docs/models.md section 4's closed forms, checked against the ones derived from the games.
REFERENCE = {"cha": ("c*(t)", "1 - (y + k/t)/((1 - phi) * x)"),
             "walt": ("c_W(t)", "((k_W - a)/t + theta - mu_2)/(1 - mu_2)")}
#: docs/models.md section 4's reading of each region of the (c, t) plane.
READING = {
    "cha: no_alignment, walt: alignment":
        "firm patron, enough threat (c > max(c*, c_W)): Cha friction, Walt alliance",
    "cha: alignment, walt: no_alignment":
        "loose patron, little threat (c < min(c*, c_W)): Cha cooperation, Walt no alliance",
    "cha: alignment, walt: alignment": "c_W <= c <= c*: both predict alignment",
    "cha: no_alignment, walt: no_alignment": "c* < c < c_W: neither predicts alignment",
}


def reading(region: str) -> str:
    """docs/models.md's reading of a region; tied selections are named as such."""
    if region in READING:
        return READING[region]
    if "undecided" in region:
        return "a boundary point: tied equilibria, the selection rule cannot decide"
    return ""


def effects(g: Any) -> pd.DataFrame:
    """Per theory: the effect of c on alignment and d(boundary)/dt, from the thresholds."""
    base = {VARIABLES[k].symbol: sympy.Rational(v.numerator, v.denominator)
            for k, v in g.base.values.items() if k != "t"}
    t = VARIABLES["t"].symbol
    rows = []
    for thy in g.theories:
        ths = [th for th in g.thresholds if g.theories[g.models.index(th.model)] == thy]
        if not ths:
            continue
        d = sympy.simplify(sympy.diff(ths[0].symmetric, t))
        at = d.xreplace(base).subs(t, 1)
        rows.append({"theory": thy,
                     "alignment in c": "non-increasing (c <= boundary)"
                     if ths[0].direction == "below" else "non-decreasing (c >= boundary)",
                     "d boundary / dt": str(d),
                     "boundary as t -> oo": str(sympy.limit(ths[0].symmetric, t, sympy.oo)),
                     "sign at base (t = 1)": "positive" if at > 0 else
                     ("negative" if at < 0 else "zero"),
                     "more threat": "widens alignment" if (at > 0) == (ths[0].direction
                                                                      == "below")
                     else "narrows alignment"})
    return pd.DataFrame(rows)


def crossing(g: Any) -> str:
    """The threat at which the two theories' boundaries cross (symmetric base values)."""
    if len(g.theories) != 2:
        return ""
    base = {VARIABLES[k].symbol: sympy.Rational(v.numerator, v.denominator)
            for k, v in g.base.values.items() if k != "t"}
    exprs = []
    for thy in g.theories:
        ths = [th for th in g.thresholds if g.theories[g.models.index(th.model)] == thy]
        if not ths:
            return ""
        exprs.append(ths[0].symmetric.xreplace(base))
    t = VARIABLES["t"].symbol
    roots = [r for r in sympy.solve(sympy.Eq(exprs[0], exprs[1]), t) if r.is_positive]
    return ", ".join(f"{r} (about {float(r):.3f})" for r in roots)


# -- readable tables for the report (an appendix: words, not solver output) ---------------

_METHODS = (("sympy assumptions", "proved symbolically (SymPy)"),
            ("z3", "proved by an exact solver (z3, nonlinear real arithmetic)"),
            ("sympy", "proved symbolically (SymPy)"))


def plain_expression(text_or_expr: Any) -> str:
    """A SymPy expression as a reader writes it: a ``Piecewise`` as cases ("A if cond;
    B otherwise"), ``Min``/``Max`` as ``min``/``max``, ``**`` as ``^``.

    >>> import sympy
    >>> x, y = sympy.symbols("x y", real=True)
    >>> plain_expression(sympy.Piecewise((x, x >= y), (y, True)))
    'x if x >= y; y otherwise'
    >>> plain_expression("Min(a, b)**2")
    'min(a, b)^2'
    """
    expr = text_or_expr
    if isinstance(expr, str):  # text is only rewritten, never parsed or evaluated
        return expr.replace("Min(", "min(").replace("Max(", "max(").replace("**", "^")
    if isinstance(expr, sympy.Piecewise):
        parts = []
        for e, cond in expr.args:
            tail = "otherwise" if cond is sympy.true else f"if {plain_expression(str(cond))}"
            parts.append(f"{plain_expression(str(e))} {tail}")
        return "; ".join(parts)
    return plain_expression(str(expr))


def plain_method(text: str) -> str:
    """A verification method named in words."""
    for key, words in _METHODS:
        if text.startswith(key):
            return words
    if "sample" in text:
        return "not proved: " + text
    return text


def readable_statics(df: pd.DataFrame, model: Any) -> pd.DataFrame:
    """The comparative-statics table with each quantity's meaning, the derivative in plain
    notation and the method in words."""
    from ..analysis.labels import describe

    out = df.copy()
    out.insert(1, "meaning", [describe(model, q) if describe(model, q) != q else ""
                              for q in out["quantity"]])
    from ..analysis.statics import derivative

    out["derivative"] = [plain_expression(derivative(model, q, p)) if "Piecewise" in str(d)
                         else plain_expression(str(d))
                         for q, p, d in zip(out["quantity"], out["parameter"],
                                            out["derivative"], strict=True)]
    out["method"] = [plain_method(str(m)) for m in out["method"]]
    if "proved" in out:
        out["proved"] = ["yes" if bool(p) else "no" for p in out["proved"]]
    return out


def case_display(table: Any) -> pd.DataFrame:
    """Each case with the outcome it is scored on (the observed common outcome) and each
    model's label, the common outcome it maps to, and the hit."""
    recs = []
    for r in table.rows:
        c = r.case
        scored = c.observed.outcome if c.observed.outcome != "mixed" else "mixed (not scored)"
        rec: dict[str, Any] = {"case": c.title, "c": float(c.values["c"].value),
                               "t": float(c.values["t"].value),
                               "observed": c.observed.label, "scored on": scored,
                               "confidence": c.confidence}
        for thy, p, hit in zip(table.theories, r.predictions, r.hits, strict=False):
            rec[f"{thy}: label"] = p.label
            rec[f"{thy}: outcome"] = p.outcome
            rec[f"{thy}: hit"] = "-" if hit is None else ("yes" if hit else "no")
        rec["models disagree"] = "yes" if r.discriminating else "no"
        recs.append(rec)
    return pd.DataFrame(recs)


def case_scores(table: Any) -> pd.DataFrame:
    """The scores of every model, the always-alignment baseline and the case counts."""
    scores = table.scores
    scored = [r for r in table.rows if r.case.observed.outcome != "mixed"]
    disc = [r for r in scored if r.discriminating]
    base = sum(r.case.observed.outcome == "alignment" for r in scored)
    base_disc = sum(r.case.observed.outcome == "alignment" for r in disc)
    rows = [{"predictor": thy, "hits": int(h), "scored cases": int(n),
             "share": h / n if n else float("nan"), "hits where the models disagree": int(dh),
             "cases where the models disagree": int(dn)}
            for thy, h, n, dh, dn in zip(scores["theory"], scores["hits"], scores["scored"],
                                         scores["discriminating_hits"],
                                         scores["discriminating_scored"], strict=True)]
    rows.append({"predictor": "always alignment (baseline)", "hits": base,
                 "scored cases": len(scored),
                 "share": base / len(scored) if scored else float("nan"),
                 "hits where the models disagree": base_disc,
                 "cases where the models disagree": len(disc)})
    return pd.DataFrame(rows)
