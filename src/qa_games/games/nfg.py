"""Gambit's strategic-game file format (``.nfg``): read and write.

The format (Gambit documentation, "Game representation formats"; McKelvey, McLennan &
Turocy, *Gambit*) is a header ``NFG 1 R "title" { "P1" "P2" ... }`` followed by the
strategies, either as counts ``{ 2 3 }`` or as names ``{ { "s1" "s2" } { ... } }``, an
optional comment string, and then the payoffs in one of two forms:

* **payoff format**: one number per player per pure profile, profiles in order with
  player 1's strategy varying fastest, each profile's payoffs in player order;
* **outcome format**: a list of outcomes ``{ { "name" u1, u2 } ... }`` (commas
  optional) and then, per profile in the same order, the 1-based index of its outcome
  (``0`` is the null outcome, paying 0 to everyone).

Numbers may be integers, decimals, exponents (``8.5e1``) or fractions (``3/2``); all
are read exactly, so :func:`read_nfg` returns an exact :class:`Game` (``exact=False``
gives float payoffs). Strings are double-quoted, with ``\\"`` and ``\\\\`` escapes. The
text is tokenised, never evaluated.

>>> g = read_nfg('NFG 1 R "PD" { "A" "B" } { 2 2 } 3 3 5 0 0 5 1 1')
>>> g.payoffs[0].tolist(), g.strategies
([[Fraction(3, 1), Fraction(0, 1)], [Fraction(5, 1), Fraction(1, 1)]], (('1', '2'), ('1', '2')))
>>> read_nfg(write_nfg(g)).payoffs[1].tolist() == g.payoffs[1].tolist()
True
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..errors import GameError
from . import limits
from .normal_form import Game

__all__ = ["read_nfg", "write_nfg", "unique_labels", "RenamedLabels"]

_NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
_RATIO = re.compile(r"^[+-]?[0-9]+/[0-9]+$")
_NONFINITE = re.compile(r"^[+-]?(inf|infinity|nan)$", re.IGNORECASE)
_COUNT = re.compile(r"^[0-9]{1,12}$")
_FLOAT_MAX = Fraction(2) ** 1024  # every exact payoff must be representable as a float


class _Tokens:
    """A cursor over the tokens of an .nfg text: ``{``, ``}``, ``,``, strings, words."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.items = list(self._scan(text))
        self.pos = 0

    def fail(self, message: str, line: int | None = None) -> GameError:
        if line is None:
            line = self.items[min(self.pos, len(self.items) - 1)][2] if self.items else 1
        return GameError(f"{self.source}: line {line}: {message}")

    def _scan(self, text: str) -> Iterator[tuple[str, str, int]]:
        i, line, n = 0, 1, len(text)
        while i < n:
            c = text[i]
            if c == "\n":
                line += 1
                i += 1
            elif c in " \t\r\f\v":
                i += 1
            elif c.isspace() or not c.isprintable():
                raise GameError(f"{self.source}: line {line}: {limits.describe_char(c)} is "
                                "not part of the .nfg grammar (outside quoted strings only "
                                "ASCII spaces, tabs and line breaks separate tokens)")
            elif c in "{},":
                yield ("punct", c, line)
                i += 1
            elif c == '"':
                start_line, out, i = line, [], i + 1
                while True:
                    if i >= n:
                        raise GameError(f"{self.source}: line {start_line}: "
                                        "unterminated string")
                    c = text[i]
                    if c == "\\" and i + 1 < n:
                        out.append(text[i + 1])
                        i += 2
                        continue
                    if c == '"':
                        i += 1
                        break
                    if c == "\n":
                        line += 1
                    out.append(c)
                    i += 1
                yield ("string", "".join(out), start_line)
            else:
                j = i
                while j < n and text[j].isprintable() and text[j] not in ' {},"':
                    j += 1
                yield ("word", text[i:j], line)
                i = j

    def peek(self) -> tuple[str, str, int] | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def next(self, what: str) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise self.fail(f"file ends where {what} was expected")
        self.pos += 1
        return tok

    def expect(self, value: str, what: str) -> None:
        kind, text, line = self.next(what)
        if text != value or kind not in ("punct", "word"):
            raise self.fail(f"expected {what} ({value!r}), found {text!r}", line)

    def string(self, what: str, *, text: bool = False) -> str:
        """The next token, a quoted string: a name (:func:`limits.check_label`) or, with
        ``text``, free text (:func:`limits.check_text`)."""
        kind, value, line = self.next(what)
        if kind != "string":
            raise self.fail(f"expected {what} (a quoted string), found {value!r}", line)
        check = limits.check_text if text else limits.check_label
        try:
            return check(value, where=what, what="text" if text else "name")
        except limits.LimitError as exc:
            raise self.fail(str(exc), line) from None

    def number(self, what: str) -> Fraction:
        kind, text, line = self.next(what)
        if kind != "word":
            raise self.fail(f"expected {what} (a number), found {text!r}", line)
        if _NONFINITE.match(text):
            raise self.fail(f"{what} {text!r} is not a finite number", line)
        try:
            if _NUMBER.match(text):
                value = limits.parse_decimal(text)
            elif _RATIO.match(text):
                num, den = (limits.parse_decimal(x).numerator for x in text.split("/"))
                if den == 0:
                    raise self.fail(f"{what} {text!r} divides by zero", line)
                value = Fraction(num, den)
            else:
                value = None
        except limits.LimitError as exc:
            raise self.fail(f"{what} is out of range: {exc}", line) from None
        if value is not None:
            if abs(value) >= _FLOAT_MAX:
                raise self.fail(f"{what} {text[:40]!r} is beyond the range of floats "
                                "(about 1.8e308)", line)
            return value
        raise self.fail(f"expected {what} (a number like 3, -1.5, 2e3 or 3/2), "
                        f"found {text!r}", line)

    def count(self, what: str) -> int:
        kind, text, line = self.next(what)
        if kind != "word" or not _COUNT.match(text):
            raise self.fail(f"expected {what} (a non-negative integer), found {text!r}", line)
        return int(text)


    def skip_commas(self) -> None:
        while (tok := self.peek()) is not None and tok[1] == "," and tok[0] == "punct":
            self.pos += 1


def _source_text(path_or_text: str | Path) -> tuple[str, str]:
    if isinstance(path_or_text, Path):
        try:
            return path_or_text.read_text(encoding="utf-8-sig"), str(path_or_text)
        except (OSError, UnicodeDecodeError) as exc:
            raise GameError(f"{path_or_text}: cannot read: {exc}") from None
    if not isinstance(path_or_text, str):
        raise GameError(f"path_or_text={path_or_text!r} must be a str or a Path")
    one_line = "\n" not in path_or_text
    if one_line and len(path_or_text) < 4096 and _is_file(path_or_text):
        return _source_text(Path(path_or_text))
    if re.match(r"\s*NFG\s", path_or_text) or not one_line or "{" in path_or_text:
        return path_or_text, "<nfg text>"
    return _source_text(Path(path_or_text))


def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def read_nfg(path_or_text: str | Path, *, exact: bool = True) -> Game:
    """The game in a Gambit .nfg file (a path) or text (starting with ``NFG``, or
    holding a newline or a brace).

    Payoffs are exact (Fractions) unless ``exact=False``. Raises :class:`GameError`
    naming the file, the line and what was wrong. Blank or repeated player and strategy
    names, which Gambit accepts, are made unique (:func:`unique_labels`) with a
    :class:`RenamedLabels` warning saying how.

    >>> read_nfg('NFG 1 R "" { "a" "b" } { 1 1 } 1')
    Traceback (most recent call last):
    ...
    qa_games.errors.GameError: <nfg text>: line 1: file ends where payoff 2 of 2 was expected
    """
    text, source = _source_text(path_or_text)
    t = _Tokens(text, source)
    t.expect("NFG", "the header NFG")
    t.expect("1", "format version 1")
    kind, rd, line = t.next("R or D")
    if rd not in ("R", "D"):
        raise t.fail(f"expected number type R or D after 'NFG 1', found {rd!r}", line)
    title = t.string("the title", text=True)
    t.expect("{", "the player list")
    players = []
    while (tok := t.peek()) is not None and tok[0] == "string":
        players.append(t.string("a player name"))
    t.expect("}", "the end of the player list")
    if not players:
        raise t.fail("the game has no players")
    try:
        limits.check_shape([], players=len(players))
    except limits.LimitError as exc:
        raise t.fail(f"the player list: {exc}") from None
    strategies = _read_strategies(t, len(players))
    if (tok := t.peek()) is not None and tok[0] == "string":
        t.string("the comment", text=True)
    shape = tuple(len(s) for s in strategies)
    size = math.prod(shape)
    n = len(players)
    if (tok := t.peek()) is not None and tok[:2] == ("punct", "{"):
        flat = _read_outcomes(t, n, size)
    else:
        flat = [[t.number(f"payoff {k * n + i + 1} of {size * n}") for i in range(n)]
                for k in range(size)]
    if (tok := t.peek()) is not None:
        raise t.fail(f"unexpected {tok[1]!r} after the last of the {size} profiles "
                     f"({'x'.join(map(str, shape))} strategies); the file has too many "
                     "payoffs or outcome indices", tok[2])
    arrays = [np.array([flat[k][i] for k in range(size)], dtype=object).reshape(shape, order="F")
              for i in range(n)]
    players, strategies, notes = unique_labels(players, strategies)
    if notes:
        warnings.warn(RenamedLabels(f"{source}: " + "; ".join(notes)), stacklevel=2)
    try:
        game = Game.from_arrays(*arrays, players=players, strategies=strategies, title=title)
    except GameError as exc:
        raise GameError(f"{source}: {exc}") from None
    return game if exact else game.as_float()


class RenamedLabels(UserWarning):
    """An .nfg file's blank or repeated player or strategy names were made unique (Gambit
    accepts them; a qa_games Game needs distinct, non-blank names to show and select)."""


def _unique(names: list[str], blank: str) -> tuple[list[str], list[str]]:
    """Blank names become ``blank.format(k)``; a repeated name gets `` (k)`` (its
    1-based position) on every occurrence; the result is distinct."""
    out = [n if n.strip() else blank.format(k + 1) for k, n in enumerate(names)]
    counts = {n: out.count(n) for n in out}
    out = [f"{n} ({k + 1})" if counts[n] > 1 else n for k, n in enumerate(out)]
    while len(set(out)) != len(out):  # a new name met an old one: number everything
        out = [f"{n} ({k + 1})" for k, n in enumerate(out)]
    return out, [f"{a!r} -> {b!r}" for a, b in zip(names, out, strict=True) if a != b]


def unique_labels(players: list[str], strategies: list[list[str]]
                  ) -> tuple[list[str], list[list[str]], list[str]]:
    """Distinct, non-blank player and strategy names, and a note per renaming.

    >>> players, strategies, notes = unique_labels(["", "Dan"], [["C", "D"], ["x", "x"]])
    >>> players, strategies
    (['Player 1', 'Dan'], [['C', 'D'], ['x (1)', 'x (2)']])
    >>> notes[1]
    "strategies of Dan: 'x' -> 'x (1)', 'x' -> 'x (2)'"
    """
    notes = []
    new_players, changed = _unique(players, "Player {}")
    if changed:
        notes.append("players: " + ", ".join(changed))
    new_strategies = []
    for who, names in zip(new_players, strategies, strict=True):
        fixed, changed = _unique(names, "{}")
        if changed:
            notes.append(f"strategies of {who}: " + ", ".join(changed))
        new_strategies.append(fixed)
    return new_players, new_strategies, notes


def _read_strategies(t: _Tokens, n: int) -> list[list[str]]:
    t.expect("{", "the strategy list")
    tok = t.peek()
    out: list[list[str]] = []
    if tok is not None and tok[0] == "word":  # counts: { 2 3 }
        counts = []
        for i in range(n):
            k = t.count(f"the strategy count of player {i + 1}")
            if k < 1:
                raise t.fail(f"player {i + 1} has {k} strategies (needs at least 1)")
            counts.append(k)
            try:
                limits.check_shape(counts, players=n)
            except limits.LimitError as exc:
                raise t.fail(f"the strategy counts: {exc}") from None
        out = [[str(j + 1) for j in range(k)] for k in counts]
    else:
        for i in range(n):
            t.expect("{", f"the strategy names of player {i + 1}")
            names = []
            while (tok := t.peek()) is not None and tok[0] == "string":
                names.append(t.string("a strategy name"))
            t.expect("}", f"the end of player {i + 1}'s strategies")
            if not names:
                raise t.fail(f"player {i + 1} has no strategies")
            out.append(names)
            try:
                limits.check_shape([len(x) for x in out], players=n)
            except limits.LimitError as exc:
                raise t.fail(f"the strategy names: {exc}") from None
    t.expect("}", f"the end of the strategy list ({n} players)")
    return out


def _read_outcomes(t: _Tokens, n: int, size: int) -> list[list[Fraction]]:
    t.expect("{", "the outcome list")
    outcomes: list[list[Fraction]] = []
    while (tok := t.peek()) is not None and tok[:2] == ("punct", "{"):
        t.pos += 1
        label = t.string(f"the name of outcome {len(outcomes) + 1}")
        pays = []
        for i in range(n):
            t.skip_commas()
            pays.append(t.number(f"payoff {i + 1} of outcome {len(outcomes) + 1} {label!r}"))
        t.skip_commas()
        t.expect("}", f"the end of outcome {len(outcomes) + 1} ({n} payoffs)")
        outcomes.append(pays)
    t.expect("}", "the end of the outcome list")
    flat = []
    for k in range(size):
        idx = t.count(f"outcome index {k + 1} of {size}")
        if idx > len(outcomes):
            raise t.fail(f"outcome index {idx} of profile {k + 1} is beyond the "
                         f"{len(outcomes)} outcomes")
        flat.append(outcomes[idx - 1] if idx else [Fraction(0)] * n)
    return flat


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(v: object) -> str:
    if isinstance(v, Fraction):
        return str(v)
    x = float(v)  # type: ignore[arg-type]
    return str(int(x)) if x.is_integer() and abs(x) < 2**53 else repr(x)


def write_nfg(game: Game, path: str | Path | None = None, *, format: str = "payoff") -> str:
    """The .nfg text of ``game`` (``format`` "payoff" or "outcome"); also written to
    ``path`` when given. Exact payoffs are written exactly (``3/2``), floats by repr
    (so ``read_nfg(text, exact=False)`` gives the same floats back). Gambit >= 16.7
    reads only labels of printable ASCII without edge or doubled spaces; other names
    round-trip through :func:`read_nfg` but not through pygambit.

    >>> print(write_nfg(Game.from_arrays([[1, 0]], [[0, 1]], title="t")), end="")
    NFG 1 R "t" { "1" "2" }
    <BLANKLINE>
    { { "1" }
    { "1" "2" }
    }
    ""
    <BLANKLINE>
    1 0 0 1
    """
    if not isinstance(game, Game):
        raise GameError(f"game={game!r} must be a qa_games Game")
    if format not in ("payoff", "outcome"):
        raise GameError(f"format={format!r} must be 'payoff' or 'outcome'")
    head = [f"NFG 1 R {_quote(game.title)} {{ " + " ".join(map(_quote, game.players)) + " }",
            "", "{ " + "\n".join("{ " + " ".join(map(_quote, s)) + " }"
                                  for s in game.strategies), "}", '""', ""]
    profiles = [tuple(reversed(p)) for p in np.ndindex(*reversed(game.shape))]
    cells = [[_number(a[p]) for a in game.payoffs] for p in profiles]
    if format == "payoff":
        body = [" ".join(v for cell in cells for v in cell)]
    else:
        body = ["{"] + [f'{{ "" {", ".join(cell)} }}' for cell in cells] + ["}",
                " ".join(str(k + 1) for k in range(len(cells)))]
    text = "\n".join(head + body) + "\n"
    if path is not None:
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise GameError(f"{path}: cannot write: {exc}") from None
    return text
