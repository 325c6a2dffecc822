"""Tables of the report derived from a grid comparison: the reading of each region
(``docs/models.md`` section 4), the reference closed forms, the comparative statics of the
alignment boundaries and the threat at which they cross."""

from __future__ import annotations

from typing import Any

import pandas as pd
import sympy

from ..modelfiles.scenario import VARIABLES

__all__ = ["REFERENCE", "READING", "reading", "effects", "crossing"]

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
