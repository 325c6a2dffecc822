"""Rich display of qa_games records in notebooks: short reprs and HTML tables.

Jupyter shows an object through its ``_repr_html_`` when it has one (IPython's rich
display protocol) and through ``__repr__`` everywhere else. The records of qa_games
(``Model``, ``Solution``, ``Sweep``, ``Verdict``, ``Comparison``, ``CaseTable``) build
their HTML from the helpers here: exact numbers printed as fractions (``3/8``, not
``Fraction(3, 8)``), every cell escaped (model files are untrusted text), long tables
cut to a bounded number of rows, and one-line reprs cut to :data:`MAX_REPR` characters.

>>> from fractions import Fraction
>>> number(Fraction(3, 8)), number(0.1 + 0.2), number(2)
('3/8', '0.3', '2')
>>> html_table(["x", "y"], [[1, "<b>"]])
'<table class="qa-games"><thead><tr><th>x</th><th>y</th></tr></thead><tbody><tr><td>1</td><td>&lt;b&gt;</td></tr></tbody></table>'
>>> short("a" * 300, 10)
'aaaaaaaaa…'
"""  # noqa: E501 (the doctest shows a whole table)

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

__all__ = ["MAX_REPR", "MAX_ROWS", "number", "short", "escape", "html_table", "section",
           "payoff_matrix_html", "frame_html"]

#: Longest one-line repr of a record.
MAX_REPR = 200
#: Most rows an HTML table shows (the rest are counted, not shown).
MAX_ROWS = 20


def number(x: Any) -> str:
    """A number as a reader writes it: exact fractions as ``p/q``, floats to 6 digits."""
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        return f"{x:.6g}"
    return str(x)


def short(text: str, limit: int = MAX_REPR) -> str:
    """``text`` cut to at most ``limit`` characters (an ellipsis marks the cut)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(value: Any) -> str:
    """A cell's text, HTML-escaped (numbers through :func:`number`)."""
    return html.escape(number(value), quote=True)


def html_table(headers: Sequence[Any], rows: Iterable[Sequence[Any]], *,
               max_rows: int = MAX_ROWS, caption: str = "") -> str:
    """An HTML table of ``rows`` (at most ``max_rows`` shown, the rest counted)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body, hidden = [], 0
    for k, row in enumerate(rows):
        if k >= max_rows:
            hidden += 1
            continue
        body.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>")
    if hidden:
        body.append(f'<tr><td colspan="{len(headers)}">... {hidden} more rows</td></tr>')
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<table class="qa-games">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def section(title: str, *parts: str, note: str = "") -> str:
    """A titled block: ``title`` in bold, an optional note line, then ``parts``."""
    top = f"<p><b>{html.escape(title)}</b>"
    if note:
        top += f"<br><small>{html.escape(note)}</small>"
    return '<div class="qa-games">' + top + "</p>" + "".join(parts) + "</div>"


def frame_html(frame: Any, *, max_rows: int = MAX_ROWS) -> str:
    """A pandas DataFrame as an HTML table of at most ``max_rows`` rows (escaped)."""
    shown = frame.head(max_rows)
    out = str(shown.to_html(index=False, escape=True, border=0, float_format=number,
                            na_rep="-"))
    if len(frame) > max_rows:
        out += f"<p><small>... {len(frame) - max_rows} more rows</small></p>"
    return out


def payoff_matrix_html(game: Any) -> str:
    """A game's payoffs as a table: a bimatrix for two players (rows = the first player,
    cells ``u_1 ; u_2``), else one row per pure profile. Entries are shown as they are
    (sympy expressions of a symbolic game, exact fractions of a numeric one)."""
    players, strategies = game.players, game.strategies
    if len(players) == 2:
        corner = f"{players[0]} \\ {players[1]}"
        rows = []
        for i, s in enumerate(strategies[0]):
            cells = [" ; ".join(number(game.payoffs[p][i, j]) for p in range(2))
                     for j in range(len(strategies[1]))]
            rows.append([s, *cells])
        return html_table([corner, *strategies[1]], rows, max_rows=50)
    import itertools

    rows = []
    for idx in itertools.product(*(range(len(s)) for s in strategies)):
        names = ", ".join(strategies[p][k] for p, k in enumerate(idx))
        rows.append([names, *(number(game.payoffs[p][idx]) for p in range(len(players)))])
    return html_table(["profile", *(f"u_{p}" for p in players)], rows, max_rows=50)
