"""A booktabs LaTeX tabular from a DataFrame (no jinja2: pandas' to_latex needs it).

>>> import pandas as pd
>>> print(latex_table(pd.DataFrame({"a_b": ["x&y"], "v": [0.123456]}), "n = 1"))
\\begin{tabular}{lr}
\\toprule
a\\_b & v \\\\
\\midrule
x\\&y & 0.1235 \\\\
\\bottomrule
\\end{tabular}
% n = 1
<BLANKLINE>
"""

from __future__ import annotations

import math
from numbers import Number

import pandas as pd

__all__ = ["latex_table"]

_ESCAPE = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
           "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
           "^": r"\textasciicircum{}"}


def _tex(text: object) -> str:
    return "".join(_ESCAPE.get(ch, ch) for ch in str(text))


def _cell(v: object) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, Number):
        f = float(v)  # type: ignore[arg-type]
        if math.isnan(f):
            return "--"
        if float(f).is_integer() and abs(f) < 1e15 and not isinstance(v, float):
            return str(int(f))
        return f"{f:.4f}" if abs(f) >= 1e-3 or f == 0 else f"{f:.3g}"
    return _tex(v)


def latex_table(frame: pd.DataFrame, note: str = "") -> str:
    """``frame`` as a booktabs tabular (numbers right-aligned), ``note`` as a comment."""
    align = "".join("r" if pd.api.types.is_numeric_dtype(frame[c]) else "l"
                    for c in frame.columns)
    lines = [f"\\begin{{tabular}}{{{align}}}", "\\toprule",
             " & ".join(_tex(c) for c in frame.columns) + r" \\", "\\midrule"]
    for row in frame.itertuples(index=False):
        lines.append(" & ".join(_cell(v) for v in row) + r" \\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    if note:
        lines.append("% " + note.replace("\n", " "))
    return "\n".join(lines) + "\n"
