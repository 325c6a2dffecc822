"""Markdown and LaTeX rendering of the record's result frames (no jinja2 needed).

>>> import pandas as pd
>>> print(latex_table(pd.DataFrame({"term": ["c_index"], "coef": [-0.5]})))
\\begin{tabular}{lr}
\\hline
term & coef \\\\
\\hline
c\\_index & -0.500 \\\\
\\hline
\\end{tabular}
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

__all__ = ["latex_table", "markdown_table", "format_cell"]

_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}"}


def format_cell(value: Any, digits: int = 3) -> str:
    """A cell as text: floats to ``digits`` decimals (small p-values in e-notation)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value != 0 and abs(value) < 10 ** -digits:
            return f"{value:.1e}"
        return f"{value:.{digits}f}"
    if value is None or value is pd.NA:
        return ""
    return str(value)


def _escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def latex_table(frame: pd.DataFrame, *, digits: int = 3) -> str:
    """A LaTeX ``tabular`` of the frame (numbers right-aligned, text escaped)."""
    align = "".join("r" if pd.api.types.is_numeric_dtype(frame[c])
                    and not pd.api.types.is_bool_dtype(frame[c]) else "l"
                    for c in frame.columns)
    lines = [f"\\begin{{tabular}}{{{align}}}", "\\hline",
             " & ".join(_escape(str(c)) for c in frame.columns) + " \\\\", "\\hline"]
    for row in frame.itertuples(index=False):
        lines.append(" & ".join(_escape(format_cell(v, digits)) for v in row) + " \\\\")
    lines += ["\\hline", "\\end{tabular}"]
    return "\n".join(lines)


def markdown_table(frame: pd.DataFrame, *, digits: int = 3) -> str:
    """A GitHub Markdown table of the frame."""
    def cell(v: Any) -> str:
        return format_cell(v, digits).replace("|", "\\|")
    head = "| " + " | ".join(str(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---:" if pd.api.types.is_numeric_dtype(frame[c])
                          and not pd.api.types.is_bool_dtype(frame[c]) else "---"
                          for c in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |"
            for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])
