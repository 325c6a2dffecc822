"""Tables for papers: CSV, Markdown and LaTeX (booktabs), written atomically.

In CSV, numbers are written so that they read back as the same float64 (the shortest
decimal that round-trips, Python's ``repr``); Markdown and LaTeX, made for reading,
round floats to :data:`SIGNIFICANT` (4) significant digits unless told otherwise
(``significant=None``: every digit). NaN (no selected equilibrium) is an empty cell;
booleans are ``True``/``False``. The LaTeX table follows the booktabs package
(Simon Fear: ``\\toprule``, ``\\midrule``, ``\\bottomrule``, no vertical rules),
with text cells escaped. Every file is written to a temporary file in the target
folder and renamed into place, so a reader never sees half a table.

>>> import pandas as pd
>>> df = pd.DataFrame({"c": [0.1, 0.25], "label": ["cooperation", "friction"]})
>>> print(format_table(df, "markdown"))
|    c | label       |
|-----:|:------------|
|  0.1 | cooperation |
| 0.25 | friction    |
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError, QAGamesError

__all__ = ["FORMATS", "SIGNIFICANT", "format_table", "significant_text", "write_table",
           "table_format", "check_writable", "latex_escape", "atomic_write", "OutputError"]

FORMATS = {".csv": "csv", ".md": "markdown", ".markdown": "markdown", ".tex": "latex"}
#: Significant digits of floats in Markdown and LaTeX tables by default.
SIGNIFICANT = 4


class OutputError(QAGamesError, OSError):
    """An output file cannot be written (folder missing, not writable, bad suffix)."""


def table_format(path: str | Path) -> str:
    """The table format a file name asks for, from its suffix.

    >>> table_format("t.tex")
    'latex'
    """
    suffix = Path(path).suffix.lower()
    try:
        return FORMATS[suffix]
    except KeyError:
        raise ParameterError(f"{str(path)!r}: unknown table format {suffix or '(none)'!r} "
                             f"(known: {', '.join(FORMATS)})") from None


def check_writable(path: str | Path) -> Path:
    """``path`` if a file can be created there; OutputError naming the reason otherwise."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"cannot write {str(path)!r}: it is a folder")
    if not parent.is_dir():
        raise OutputError(f"cannot write {str(path)!r}: folder {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {str(path)!r}: folder {str(parent)!r} is not writable")
    return path


def atomic_write(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then rename it to ``path``.

    On any error the temporary file is removed and ``path`` is untouched.
    """
    import tempfile

    path = check_writable(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix or ".tmp",
                                        dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def significant_text(x: float, digits: int) -> str:
    """``x`` with ``digits`` significant digits, without an exponent from 1e-4 up (large
    numbers keep every integer digit), and no negative zero.

    >>> [significant_text(v, 4) for v in (0.7000000000000001, 2/3, 12345.678, -1e-9, 1e-6)]
    ['0.7', '0.6667', '12346', '-1e-09', '1e-06']
    >>> significant_text(-0.00001, 2), significant_text(-0.0, 4)
    ('-1e-05', '0')
    """
    x = float(x)
    if x == 0:
        return "0"
    if abs(x) >= 10 ** digits:
        return f"{x:.0f}"
    text = f"{x:.{digits}g}"
    if "e" in text and abs(x) >= 1e-4:  # 'g' uses exponents below 1e-4 only
        text = f"{x:.{digits - 1 - math.floor(math.log10(abs(x)))}f}".rstrip("0").rstrip(".")
    return text


def _cell(x: Any, significant: int | None = None) -> str:
    if isinstance(x, (bool, np.bool_)):
        return "True" if x else "False"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (float, np.floating)):
        if math.isnan(x):
            return ""
        return repr(float(x)) if significant is None else significant_text(float(x), significant)
    return str(x)


def _cells(df: pd.DataFrame, significant: int | None = None) -> list[list[str]]:
    cols = [df[c].to_numpy() for c in df.columns]
    return [[_cell(col[r], significant) for col in cols] for r in range(len(df))]


def _numeric(df: pd.DataFrame) -> list[bool]:
    return [df[c].dtype.kind in "iuf" for c in df.columns]


def _markdown(df: pd.DataFrame, significant: int | None = None) -> str:
    head = [str(c).replace("|", "\\|") for c in df.columns]
    body = [[v.replace("|", "\\|") for v in row] for row in _cells(df, significant)]
    width = [max([len(h), 3, *(len(r[k]) for r in body[:1000])]) for k, h in enumerate(head)]
    num = _numeric(df)

    def line(vals: list[str]) -> str:
        return "| " + " | ".join(v.rjust(w) if n else v.ljust(w)
                                 for v, w, n in zip(vals, width, num, strict=True)) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if n else (":" + "-" * (w + 1))
                          for w, n in zip(width, num, strict=True)) + "|"
    return "\n".join([line(head), rule, *(line(r) for r in body)])


_LATEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
          "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
          "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    r"""Escape LaTeX's special characters.

    >>> latex_escape("p_A & 50%")
    'p\\_A \\& 50\\%'
    """
    return "".join(_LATEX.get(ch, ch) for ch in text)


def _latex(df: pd.DataFrame, caption: str | None, label: str | None,
           significant: int | None = None) -> str:
    align = "".join("r" if n else "l" for n in _numeric(df))
    lines = []
    if caption or label:
        lines += ["\\begin{table}", "\\centering"]
        if caption:
            lines.append(f"\\caption{{{latex_escape(caption)}}}")
        if label:
            lines.append(f"\\label{{{label}}}")
    lines += [f"\\begin{{tabular}}{{{align}}}", "\\toprule",
              " & ".join(latex_escape(str(c)) for c in df.columns) + " \\\\", "\\midrule"]
    lines += [" & ".join(latex_escape(v) for v in row) + " \\\\"
              for row in _cells(df, significant)]
    lines += ["\\bottomrule", "\\end{tabular}"]
    if caption or label:
        lines.append("\\end{table}")
    return "\n".join(lines)


def format_table(df: pd.DataFrame, fmt: str, *, caption: str | None = None,
                 label: str | None = None, digits: int | None = None,
                 significant: int | None = SIGNIFICANT) -> str:
    """The table as text: ``fmt`` is ``"csv"``, ``"markdown"`` or ``"latex"``
    (``caption`` and ``label`` wrap the LaTeX tabular in a ``table``). ``digits``
    rounds floats to that many decimals (default: none). ``significant``: floats in
    Markdown and LaTeX show that many significant digits (default 4; None: every digit);
    CSV always keeps every digit, so it reads back exactly.

    >>> print(format_table(pd.DataFrame({"u": [2/3]}), "markdown", significant=3))
    |     u |
    |------:|
    | 0.667 |

    >>> print(format_table(pd.DataFrame({"u": [0.7000000000000001]}), "csv", digits=3))
    u
    0.7
    <BLANKLINE>
    """
    if digits is not None:
        if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 17:
            raise ParameterError(f"digits={digits!r} must be a whole number from 0 to 17")
        df = df.round({c: digits for c in df.columns if df[c].dtype.kind == "f"})
    if significant is not None and (isinstance(significant, bool) or not isinstance(
            significant, int) or not 1 <= significant <= 17):
        raise ParameterError(f"significant={significant!r} must be a whole number from 1 "
                             "to 17 (or None: every digit)")
    if fmt == "csv":
        return df.to_csv(index=False, lineterminator="\n")
    if fmt == "markdown":
        return _markdown(df, significant)
    if fmt == "latex":
        return _latex(df, caption, label, significant)
    raise ParameterError(f"format={fmt!r} is not one of csv, markdown, latex")


def write_table(df: pd.DataFrame, path: str | Path, *, fmt: str | None = None,
                caption: str | None = None, label: str | None = None,
                digits: int | None = None, significant: int | None = SIGNIFICANT) -> Path:
    """Write the table atomically; the format comes from the suffix unless ``fmt`` is given
    (``digits``, ``significant``: as :func:`format_table`)."""
    text = format_table(df, fmt or table_format(path), caption=caption, label=label,
                        digits=digits, significant=significant)
    if not text.endswith("\n"):
        text += "\n"
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
