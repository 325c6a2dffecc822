"""A model's payoff matrix as a LaTeX table, for papers.

Two players: a booktabs ``tabular`` with the first player's strategies as rows, the
second's as columns and each cell ``$u_1$, $u_2$`` -- the symbolic payoffs (SymPy's
LaTeX printer: ``x_A`` is ``x_{A}``, ``phi`` is ``\\phi``) or, given parameter values,
the exact numbers there. More players: one row per pure profile.

>>> from qa_games import load_model
>>> tex = payoff_matrix_latex(load_model("cha_quasi_alliance"), {"c": 0})
>>> "\\\\toprule" in tex and "$\\\\frac{7}{10}$, $\\\\frac{7}{10}$" in tex
True
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

__all__ = ["payoff_matrix_latex"]

_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
            "^": r"\textasciicircum{}"}


def _text(s: str) -> str:
    return "".join(_SPECIAL.get(ch, ch) for ch in s)


def payoff_matrix_latex(model: Any, values: Mapping[str, Any] | None = None, *,
                        caption: str | None = None, label: str | None = None) -> str:
    """The payoff matrix of ``model`` (symbolic, or at ``values``) as LaTeX (booktabs)."""
    import sympy

    game = model.game
    if values is None:
        def cell(prof: tuple[int, ...]) -> str:
            return ", ".join(f"${sympy.latex(a[prof])}$" for a in game.payoffs)
    else:
        numeric = model.at(values)

        def number(u: Any) -> str:
            if isinstance(u, Fraction):
                return sympy.latex(sympy.Rational(u.numerator, u.denominator))
            return f"{float(u):.6g}"  # an irrational payoff, as a float game has it

        def cell(prof: tuple[int, ...]) -> str:
            return ", ".join(f"${number(u)}$" for u in numeric.payoff(prof))
    lines = []
    if caption or label:
        lines += ["\\begin{table}", "\\centering"]
        if caption:
            lines.append(f"\\caption{{{_text(caption)}}}")
        if label:
            lines.append(f"\\label{{{label}}}")
    if game.n_players == 2:
        m, n = game.shape
        lines += [f"\\begin{{tabular}}{{l{'c' * n}}}", "\\toprule",
                  f"{_text(game.players[0])} \\textbackslash{{}} {_text(game.players[1])} & "
                  + " & ".join(_text(s) for s in game.strategies[1]) + " \\\\", "\\midrule"]
        for i, s in enumerate(game.strategies[0]):
            lines.append(_text(s) + " & " + " & ".join(cell((i, j)) for j in range(n))
                         + " \\\\")
    else:
        lines += ["\\begin{tabular}{lc}", "\\toprule",
                  "(" + ", ".join(_text(p) for p in game.players) + ") & payoffs \\\\",
                  "\\midrule"]
        for prof in itertools.product(*(range(k) for k in game.shape)):
            names = ", ".join(_text(game.strategies[i][k]) for i, k in enumerate(prof))
            lines.append(f"({names}) & {cell(prof)} \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    if caption or label:
        lines.append("\\end{table}")
    return "\n".join(lines) + "\n"
