"""Input limits: one policy for how large untrusted input may be, checked before work begins.

Model files, ``.nfg`` files and command-line values are untrusted text. A few bytes can
ask for unbounded work -- ``1e999999999`` expands to a billion digits, ``c**(10**60)`` to
an exponent no one can evaluate exactly, ``{ 1000000000 1 }`` in a 40-byte ``.nfg`` file
to a billion payoffs, a 30x30 game to an exact enumeration that never ends -- so every
reader checks the *declared* size against the limits below before it builds anything,
and refuses with one line naming the key, the size and the limit. The limits are
generous for real models (the bundled ones are far inside them) and are the same
everywhere:

=====================  ==========  =========================================================
limit                  value       what it bounds
=====================  ==========  =========================================================
``MAX_DIGITS``         1000        significant digits of a number literal (``0.333...``,
                                   a TOML integer, ``--set c=...``, a domain bound)
``MAX_EXPONENT``       1000        the decimal exponent of a literal (``1e-300`` is fine,
                                   ``1e999999999`` is not)
``MAX_NODES``          20000       nodes of an expression *after* derived quantities are
                                   substituted, counted as a tree (a chain of derived
                                   quantities that doubles at each step is caught)
``MAX_POWER``          64          a constant exponent, anywhere (``c**65`` is refused)
``MAX_DEGREE``         4096        the total degree: nested exponents multiply
                                   (``(c**64)**64`` is refused), products add
``MAX_PLAYERS``        32          players of a game
``MAX_STRATEGIES``     10000       strategies of one player
``MAX_PROFILES``       1000000     pure profiles of a game (product of strategy counts)
``MAX_NESTING``        50          nesting of arrays and tables in a TOML file
``MAX_ENUMERATION``    200000      the estimated work of an exact enumeration of every
                                   equilibrium (see :func:`enumeration_cost`)
``MAX_LABEL``          200         characters of a name (player, strategy, action, ...)
=====================  ==========  =========================================================

**Names and text.** A *name* -- of a player, a strategy, an action, a node, an
information set, an outcome, a type, and every key of a model file -- is displayed in
tables, figures and one-line errors, and matched exactly, so it holds only printable
characters (:func:`check_label`): letters, digits, marks, punctuation and symbols of any
script and the ASCII space, at most :data:`MAX_LABEL` of them. Refused are the control
characters (NUL, ESC, tab, line breaks, DEL, C1), the format characters (bidi overrides
and isolates U+202A-U+202E and U+2066-U+2069, zero-width U+200B-U+200D and U+2060, the BOM
U+FEFF, the soft hyphen), other spaces (no-break, em, ideographic), line and paragraph
separators, private-use, surrogate and unassigned code points -- exactly what
:meth:`str.isprintable` refuses. Names listed together (a player's strategies, the
players) must differ after NFKC normalisation (:func:`check_labels`): a full-width
``\uff23`` next to ``C`` is refused as a look-alike. *Text* (a title, a description, a
source, a comment) follows the same rule but may hold line breaks and tabs
(:func:`check_text`). Identifiers (parameters, derived quantities, profiles) are
stricter still: ASCII letters, digits and ``_`` (:func:`qa_games.games.expressions.check_name`).
Every message quotes refused characters escaped (:func:`qa_games.errors.printable`).

:func:`parse_decimal` reads a decimal string exactly *after* checking its digits and
exponent (``Fraction("1e999999999")`` would first build the number); the other
``check_*`` functions raise :class:`LimitError` (a :class:`~qa_games.errors.QAGamesError`
and a :class:`ValueError`) with the caller's ``where`` prefix.

>>> parse_decimal("2.5e-3")
Fraction(1, 400)
>>> parse_decimal("1e999999999", name="c")
Traceback (most recent call last):
...
qa_games.games.limits.LimitError: c=1e999999999 has a decimal exponent beyond 1000
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from ..errors import QAGamesError

__all__ = [
    "LimitError", "MAX_DIGITS", "MAX_EXPONENT", "MAX_NODES", "MAX_POWER", "MAX_DEGREE",
    "MAX_PLAYERS", "MAX_STRATEGIES", "MAX_PROFILES", "MAX_NESTING", "MAX_ENUMERATION",
    "DECIMAL", "parse_decimal", "check_integer", "check_shape", "check_toml_nesting",
    "tree_size", "degree", "enumeration_cost", "MAX_LABEL", "check_label", "check_labels",
    "check_text", "check_strings", "describe_char",
]

MAX_DIGITS = 1000
MAX_EXPONENT = 1000
MAX_NODES = 20_000
MAX_POWER = 64
MAX_DEGREE = 4096
MAX_PLAYERS = 32
MAX_STRATEGIES = 10_000
MAX_PROFILES = 1_000_000
MAX_NESTING = 50
MAX_ENUMERATION = 200_000
MAX_LABEL = 200

#: A decimal literal: sign, digits with an optional point, an optional exponent (ASCII).
DECIMAL = re.compile(r"^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$")


class LimitError(QAGamesError, ValueError):
    """Input larger than the limits of :mod:`qa_games.games.limits`."""


def _prefix(where: str) -> str:
    return f"{where}: " if where else ""


def parse_decimal(text: str, *, name: str = "") -> Fraction:
    """The exact value of a decimal literal (``"-1.25"``, ``".5"``, ``"3e-2"``), its
    digits and exponent checked first. Raises :class:`LimitError` when too large (naming
    ``name=text``) and :class:`ValueError` when ``text`` is not a decimal literal."""
    t = text.strip()
    m = DECIMAL.match(t)
    if not m or not (m.group(2) or m.group(3)):
        raise ValueError(f"{t!r} is not a decimal number")
    sign, whole, frac, exp = m.group(1), m.group(2), m.group(3) or "", m.group(4)
    digits = (whole + frac).lstrip("0")
    if len(digits) > MAX_DIGITS:
        raise LimitError(f"{_named(name, t)} has more than {MAX_DIGITS} digits")
    e = 0
    if exp is not None:
        if len(exp.lstrip("+-").lstrip("0")) > 6 or abs(int(exp)) > MAX_EXPONENT:
            raise LimitError(f"{_named(name, t)} has a decimal exponent beyond {MAX_EXPONENT}")
        e = int(exp)
    e -= len(frac)
    value = Fraction(int(digits or "0")) * (Fraction(10) ** e)
    return -value if sign == "-" else value


def _named(name: str, text: str) -> str:
    if name:
        return f"{name}={text if len(text) <= 40 else text[:20] + '...' + text[-8:]}"
    return _shown(text)


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 40 else repr(text[:20] + "..." + text[-8:])


def check_integer(value: int, *, where: str = "") -> int:
    """``value`` unless it has more than :data:`MAX_DIGITS` digits (checked by bit length)."""
    if value.bit_length() > MAX_DIGITS * 3.33:
        raise LimitError(f"{_prefix(where)}an integer with more than {MAX_DIGITS} digits")
    return value


def check_shape(counts: Any, *, where: str = "", players: int | None = None) -> None:
    """Players, strategies per player and pure profiles within the limits."""
    n = len(counts) if players is None else players
    if n > MAX_PLAYERS:
        raise LimitError(f"{_prefix(where)}{n} players (at most {MAX_PLAYERS})")
    profiles = 1
    for i, k in enumerate(counts):
        if k > MAX_STRATEGIES:
            raise LimitError(f"{_prefix(where)}player {i + 1} has {k} strategies (at most "
                             f"{MAX_STRATEGIES})")
        profiles *= k
        if profiles > MAX_PROFILES:
            shape = "x".join(str(c) for c in counts)
            raise LimitError(f"{_prefix(where)}a {shape} game has more than "
                             f"{MAX_PROFILES} pure profiles")


#: Characters that can change the nesting scan's state (everything else is skipped at
#: C speed: a letter only ends "at the start of a line").
_TOML_SPECIAL = re.compile(r"[\n#\"'\[\]{}]")
#: Per string delimiter: the characters inside such a string that the scan must look at.
_TOML_STRING_STOP = {'"': re.compile(r'[\\"\n]'), "'": re.compile(r"['\n]"),
                     '"""': re.compile(r'[\\"]'), "'''": re.compile(r"[']")}


def check_toml_nesting(text: str, *, where: str = "") -> None:
    """Refuse TOML text whose arrays and inline tables nest deeper than :data:`MAX_NESTING`
    (scanned before parsing: the parser itself recurses).

    >>> check_toml_nesting("a = [[1], {b = 'x]'}]  # ]]")
    >>> check_toml_nesting("a = " + "[" * 60 + "]" * 60)
    Traceback (most recent call last):
    ...
    qa_games.games.limits.LimitError: arrays or tables nested deeper than 50 levels
    """
    depth = 0
    i, n = 0, len(text)
    line_start = True
    while i < n:
        m = _TOML_SPECIAL.search(text, i)
        j = n if m is None else m.start()
        if j > i:  # ordinary characters, and blanks that keep the start of a line
            if text[i:j].strip(" \t\r"):
                line_start = False
            i = j
            if i >= n:
                break
        c = text[i]
        if c == "\n":
            line_start = True
            i += 1
            continue
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c in "\"'":
            triple = text.startswith(c * 3, i)
            quote = c * 3 if triple else c
            stop = _TOML_STRING_STOP[quote]
            j = i + len(quote)
            while j < n:
                m = stop.search(text, j)
                if m is None:
                    j = n
                    break
                j = m.start()
                if c == '"' and text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    break
                if not triple and text[j] == "\n":
                    break
                j += 1
            i = j + len(quote)
            line_start = False
            continue
        if line_start and depth == 0 and c == "[":  # a table header [a] or [[a]]
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        line_start = False
        if c in "[{":
            depth += 1
            if depth > MAX_NESTING:
                raise LimitError(f"{_prefix(where)}arrays or tables nested deeper than "
                                 f"{MAX_NESTING} levels")
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1


def tree_size(expr: Any, *, limit: int = MAX_NODES) -> int:
    """Nodes of a sympy expression counted as a tree (shared subexpressions count each
    time they occur), in time linear in the number of distinct subexpressions; stops
    counting at ``limit + 1``."""
    memo: dict[int, int] = {}

    def size(e: Any) -> int:
        key = id(e)
        if key in memo:
            return memo[key]
        total = 1
        for a in e.args:
            total += size(a)
            if total > limit:
                break
        memo[key] = min(total, limit + 1)
        return memo[key]

    return size(expr)


def degree(expr: Any, *, limit: int = MAX_DEGREE) -> int:
    """An upper bound on the total degree of a sympy expression in its symbols: powers
    multiply, products add, sums and functions take the largest (capped at ``limit + 1``).
    Constant exponents count by magnitude, symbolic ones as :data:`MAX_POWER`."""
    memo: dict[int, int] = {}

    def deg(e: Any) -> int:
        key = id(e)
        if key in memo:
            return memo[key]
        if not e.args:
            d = 1 if e.is_Symbol else 0
        elif e.is_Pow:
            base, ex = e.args
            db = max(deg(base), 1 if not base.is_number else 0)
            mult = _magnitude(ex) if ex.is_number else MAX_POWER
            d = db * max(mult, 1) + (deg(ex) if not ex.is_number else 0)
        elif e.is_Mul:
            d = sum(deg(a) for a in e.args)
        else:
            d = max(deg(a) for a in e.args)
        memo[key] = min(d, limit + 1)
        return memo[key]

    return deg(expr)


def _magnitude(number: Any) -> int:
    try:
        if number.is_Rational:
            p, q = abs(int(number.p)), int(number.q)
            return max(1, -(-p // q))
        return max(1, math.ceil(abs(float(number))))
    except (TypeError, ValueError, OverflowError):
        return MAX_DEGREE + 1


def enumeration_cost(m: int, n: int) -> int:
    """An estimate of the work of enumerating every extreme equilibrium of an m x n
    bimatrix game by vertex enumeration: the number of vertices of the larger
    best-response polytope by McMullen's upper bound theorem (a ``d``-polytope with
    ``k`` facets has at most ``C(k - ceil(d/2), k - d) + C(k - floor(d/2) - 1, k - d)``
    vertices; here ``d = min(m, n)``, ``k = m + n``), times ``m + n`` for the pivots.

    >>> enumeration_cost(2, 2), enumeration_cost(30, 30) > MAX_ENUMERATION
    (16, True)
    """
    d, k = min(m, n), m + n
    vertices = math.comb(k - (d + 1) // 2, k - d) + math.comb(k - (d + 2) // 2, k - d)
    return vertices * (m + n)


# -- names and text -----------------------------------------------------------------------

_KIND = {"Cc": "a control character", "Cf": "a format character (invisible)",
         "Cs": "a surrogate", "Co": "a private-use character", "Cn": "an unassigned code point",
         "Zl": "a line separator", "Zp": "a paragraph separator", "Zs": "a space other than ' '"}


def _bad_char(text: str, allowed: str) -> tuple[int, str] | None:
    if text.isprintable():
        return None
    for k, ch in enumerate(text):
        if not ch.isprintable() and ch not in allowed:
            return k, ch
    return None


def describe_char(ch: str) -> str:
    """A character as a message shows it: its kind, code point and Unicode name.

    >>> describe_char("\u200b")
    'a format character (invisible), U+200B ZERO WIDTH SPACE'
    """
    kind = _KIND.get(unicodedata.category(ch), "the character " + repr(ch))
    uname = unicodedata.name(ch, "")
    return f"{kind}, U+{ord(ch):04X}" + (f" {uname}" if uname else "")


def _refuse(text: str, found: tuple[int, str], where: str, what: str,
            error: type[QAGamesError], rule: str = "") -> QAGamesError:
    k, ch = found
    rule = rule or f"{what}s are printable characters"
    return error(f"{_prefix(where)}{what} {_shown(text)} holds {describe_char(ch)}, at "
                 f"position {k}: {rule} (see the model-file reference)")


def check_label(text: str, *, where: str = "", what: str = "name",
                error: type[QAGamesError] = LimitError) -> str:
    r"""``text`` if it is a valid name: printable characters only (no control, format,
    separator, private-use or unassigned character; the ASCII space is allowed) and at
    most :data:`MAX_LABEL` of them; ``error`` (:class:`LimitError` unless given) naming
    ``where``, the character and its position otherwise.

    >>> check_label("Cooperate (C)")
    'Cooperate (C)'
    >>> print(check_label("A\u202eB", where="m.toml: model.players[0]"))
    Traceback (most recent call last):
    ...
    qa_games.games.limits.LimitError: m.toml: model.players[0]: name 'A\u202eB' holds a format character (invisible), U+202E RIGHT-TO-LEFT OVERRIDE, at position 1: names are printable characters (see the model-file reference)
    """  # noqa: E501 (the doctest shows the full message)
    if not isinstance(text, str):
        raise error(f"{_prefix(where)}expected a {what} (a string), got {type(text).__name__}")
    if len(text) > MAX_LABEL:
        raise error(f"{_prefix(where)}{what} {_shown(text)} is longer than {MAX_LABEL} "
                    "characters")
    found = _bad_char(text, "")
    if found is not None:
        raise _refuse(text, found, where, what, error)
    return text


def check_labels(names: Iterable[str], *, where: str = "", what: str = "name",
                 error: type[QAGamesError] = LimitError) -> tuple[str, ...]:
    """Each of ``names`` a valid name (:func:`check_label`), and no two that differ only
    in their Unicode compatibility form (equal after NFKC normalisation: ``C`` and a
    full-width ``\\uff23``); exact repeats are left to the caller's own message.

    >>> check_labels(["C", "D"])
    ('C', 'D')
    >>> check_labels(["C", "\\uff23"], where="strategies of A")
    Traceback (most recent call last):
    ...
    qa_games.games.limits.LimitError: strategies of A: names 'C' and '\\uff23' differ only in Unicode compatibility form (both read 'C' after NFKC normalisation)
    """  # noqa: E501 (the doctest shows the full message)
    out = tuple(names)
    seen: dict[str, str] = {}
    for k, name in enumerate(out):
        check_label(name, where=f"{where}[{k}]" if where else f"[{k}]", what=what, error=error)
        norm = unicodedata.normalize("NFKC", name)
        other = seen.setdefault(norm, name)
        if other != name:
            raise error(f"{_prefix(where)}{what}s {other!r} and {name!r} differ only in "
                        f"Unicode compatibility form (both read {norm!r} after NFKC "
                        "normalisation)")
    return out


def check_text(text: str, *, where: str = "", what: str = "text",
               error: type[QAGamesError] = LimitError) -> str:
    """``text`` if it is valid free text (a title, a description): printable characters,
    line breaks (``\\n``, ``\\r``) and tabs; ``error`` naming ``where`` otherwise.

    >>> check_text("Line one.\\nLine two.")
    'Line one.\\nLine two.'
    """
    if not isinstance(text, str):
        raise error(f"{_prefix(where)}expected {what} (a string), got {type(text).__name__}")
    found = _bad_char(text, "\n\r\t")
    if found is not None:
        raise _refuse(text, found, where, what, error,
                      "text is printable characters, line breaks and tabs")
    return text


def check_strings(data: Any, *, where: str = "",
                  error: type[QAGamesError] = LimitError) -> None:
    """Every key of a parsed TOML document a valid name (:func:`check_label`) and every
    string value valid text (:func:`check_text`); ``error`` naming the key path. (The
    readers then hold the names among the values -- players, strategies -- to
    :func:`check_labels`.)

    >>> check_strings({"model": {"title": "A\\x1b[2J"}}, where="m.toml")
    Traceback (most recent call last):
    ...
    qa_games.games.limits.LimitError: m.toml: model.title: text 'A\\x1b[2J' holds a control character, U+001B, at position 1: text is printable characters, line breaks and tabs (see the model-file reference)
    """  # noqa: E501 (the doctest shows the full message)
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        at = f"{_prefix(where)}{path}" if path else where
        if isinstance(value, str):
            check_text(value, where=at, error=error)
        elif isinstance(value, Mapping):
            for k, v in value.items():
                key = str(k)
                check_label(key, where=at, what="key", error=error)
                part = key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else f'"{key}"'
                stack.append((f"{path}.{part}" if path else part, v))
        elif isinstance(value, list):
            stack.extend((f"{path}[{k}]", v) for k, v in enumerate(value))
