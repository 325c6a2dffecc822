"""Plain-text tables for the terminal: the columns of ``tabulate``'s ``simple`` format
(left-aligned text, two spaces between columns, a rule of dashes under the headers,
each header padded by two), written here because importing tabulate cost a fifth of a
small ``qa-games solve`` (issue 14's start-up target). Widths are terminal columns: East
Asian wide characters count two, combining marks none.

>>> print(simple_table([[1, "1/2"], [2, "协作"]], ["#", "A: C"]))
#    A: C
---  ------
1    1/2
2    协作
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

__all__ = ["simple_table", "display_width"]


def display_width(text: str) -> int:
    """Terminal columns of ``text`` (wide characters 2, combining marks 0).

    >>> display_width("abc"), display_width("协作"), display_width("e\\u0301")
    (3, 4, 1)
    """
    return sum(0 if unicodedata.combining(ch) else
               2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def simple_table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> str:
    """``rows`` (any values, shown with ``str``) under ``headers``, as described above."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([display_width(h) + 2] + [display_width(r[i]) for r in cells if i < len(r)])
              for i, h in enumerate(headers)]

    def line(items: Sequence[str]) -> str:
        return "  ".join(x + " " * (w - display_width(x))
                         for x, w in zip(items, widths, strict=False)).rstrip()

    return "\n".join([line(list(headers)), "  ".join("-" * w for w in widths)]
                     + [line(r) for r in cells])
