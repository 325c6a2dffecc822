"""A griffe extension for the API reference: docstring doctests shown as code blocks.

Also turns Sphinx roles such as ``:func:`solve``` into plain inline code.

The package's docstrings hold runnable examples (``>>>`` lines, checked by pytest's
doctest runner). Markdown would read them as nested quotes; this wraps each run of
doctest lines, up to the next blank line, in a ``pycon`` code fence. Used only by
``make docs`` (mkdocs.yml, mkdocstrings' ``extensions`` option).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

#: Sphinx cross-reference roles (``:func:`solve```), shown as plain code in Markdown.
_ROLE = re.compile(r":(?:func|class|mod|meth|data|attr|exc|obj):`~?([^`]+)`")


def fence(text: str) -> str:
    r"""``text`` with every doctest block fenced.

    >>> fence("Example:\n\n>>> 1 + 1\n2\n\nSee :func:`solve`.").splitlines()
    ['Example:', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'See `solve`.']
    """
    out: list[str] = []
    indent: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if indent is None and stripped.startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}```pycon")
        elif indent is not None and not stripped:
            out.append(f"{indent}```")
            indent = None
        out.append(line)
    if indent is not None:
        out.append(f"{indent}```")
    return _ROLE.sub(r"`\1`", "\n".join(out))


class DoctestBlocks(griffe.Extension):
    """Fence the doctest blocks of every docstring griffe loads."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence(obj.docstring.value)
