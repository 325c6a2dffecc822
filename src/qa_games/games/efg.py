"""Gambit's extensive-game file format (``.efg``): read and write game trees.

The format (Gambit documentation, "Game representation formats") is a header
``EFG 2 R "title" { "P1" "P2" ... }``, an optional comment string, and then the
nodes in depth-first preorder, one per line:

* ``p "name" player infoset ["infoset name"] [{ "a1" "a2" ... }] outcome ...``
  a personal (decision) node of player ``1..n`` in that player's information set
  number ``infoset``;
* ``c "name" infoset ["infoset name"] [{ "a1" p1 "a2" p2 ... }] outcome ...``
  a chance node (chance information sets are numbered separately);
* ``t "name" outcome ...`` a terminal node.

``outcome`` is a number (``0`` = none), followed the first time it appears by the
outcome's name and payoffs ``{ u1, u2, ... }`` (commas optional). The infoset name
and action list may be left out when the set was described before. Outcomes at
non-terminal nodes add to the payoffs of every terminal node below them, which is
how :func:`read_efg` stores them. Numbers are integers, decimals or fractions
(``3/2``), read exactly as :class:`fractions.Fraction`.

The reader is bounded (file size, node count, numbers) and checks everything a file
can lie about: counts, information sets reused by another player or with other
actions, chance probabilities, outcome payoffs redefined, a node list that ends
early or runs on; each error names the line. The text is tokenised, never evaluated.

>>> t = read_efg('''EFG 2 R "Entry" { "E" "I" } ""
... p "" 1 1 "E" { "out" "in" } 0
... t "" 1 "" { 0, 2 }
... p "" 2 1 "I" { "fight" "accommodate" } 0
... t "" 2 "" { -1, -1 }
... t "" 3 "" { 1, 1 }''')
>>> [n.kind for n in t.nodes], t.infosets[1].actions
(['decision', 'terminal', 'decision', 'terminal', 'terminal'], ('fight', 'accommodate'))
>>> read_efg(write_efg(t)).nodes[4].payoffs
(Fraction(1, 1), Fraction(1, 1))
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from qa_games.errors import GameError, UnsupportedGameError

from . import limits

__all__ = ["read_efg", "write_efg", "MAX_EFG_BYTES"]

#: Largest .efg text read (bytes).
MAX_EFG_BYTES = 50_000_000

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_RATIO = re.compile(r"^[+-]?\d+/\d+$")
_INT = re.compile(r"^\d+$")


class _Tokens:
    """A cursor over ``{``, ``}``, ``,``, quoted strings and words, with line numbers."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.text = text
        self.gen = self._scan(text)
        self.buf: tuple[str, str, int] | None = None
        self.line = 1

    def fail(self, message: str, line: int | None = None) -> GameError:
        return GameError(f"{self.source}: line {line or self.line}: {message}")

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
                                "not part of the .efg grammar (outside quoted strings only "
                                "ASCII spaces, tabs and line breaks separate tokens)")
            elif c in "{},":
                yield ("punct", c, line)
                i += 1
            elif c == '"':
                start, out, i = line, [], i + 1
                while True:
                    if i >= n:
                        raise GameError(f"{self.source}: line {start}: unterminated string")
                    c = text[i]
                    if c == "\\" and i + 1 < n:
                        out.append(text[i + 1])
                        if text[i + 1] == "\n":
                            line += 1
                        i += 2
                        continue
                    if c == '"':
                        i += 1
                        break
                    if c == "\n":
                        line += 1
                    out.append(c)
                    i += 1
                yield ("string", "".join(out), start)
            else:
                j = i
                while j < n and text[j].isprintable() and text[j] not in ' {},"':
                    j += 1
                if j - i > 200:
                    raise GameError(f"{self.source}: line {line}: a word of more than 200 "
                                    f"characters")
                yield ("word", text[i:j], line)
                i = j

    def peek(self) -> tuple[str, str, int] | None:
        if self.buf is None:
            self.buf = next(self.gen, None)
        return self.buf

    def next(self, what: str) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise self.fail(f"file ends where {what} was expected")
        self.buf = None
        self.line = tok[2]
        return tok

    def is_punct(self, c: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "punct" and tok[1] == c

    def is_string(self) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "string"

    def expect(self, value: str, what: str) -> None:
        kind, text, line = self.next(what)
        if text != value or kind == "string":
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
        if _NUMBER.match(text):
            value = Decimal(text)
            if abs(value.adjusted()) > 1000:
                raise self.fail(f"{what} {text!r} is out of range (|exponent| > 1000)", line)
            return Fraction(value)
        if _RATIO.match(text):
            num, den = text.split("/")
            if int(den) == 0:
                raise self.fail(f"{what} {text!r} divides by zero", line)
            return Fraction(int(num), int(den))
        raise self.fail(f"expected {what} (a number like 3, -1.5, 2e3 or 3/2), "
                        f"found {text!r}", line)

    def count(self, what: str) -> int:
        kind, text, line = self.next(what)
        if kind != "word" or not _INT.match(text) or len(text) > 9:
            raise self.fail(f"expected {what} (a non-negative integer), found {text!r}", line)
        return int(text)


def _source_text(path_or_text: str | Path) -> tuple[str, str]:
    if isinstance(path_or_text, Path):
        try:
            size = path_or_text.stat().st_size
            if size > MAX_EFG_BYTES:
                raise GameError(f"{path_or_text}: file is larger than {MAX_EFG_BYTES} bytes")
            return path_or_text.read_text(encoding="utf-8-sig"), str(path_or_text)
        except (OSError, UnicodeDecodeError) as exc:
            raise GameError(f"{path_or_text}: cannot read: {exc}") from None
    if not isinstance(path_or_text, str):
        raise GameError(f"path_or_text={path_or_text!r} must be a str or a Path")
    if path_or_text.lstrip().startswith("EFG") or any(c in path_or_text for c in "\n{"):
        if len(path_or_text) > MAX_EFG_BYTES:
            raise GameError(f"<efg text>: longer than {MAX_EFG_BYTES} characters")
        return path_or_text, "<efg text>"
    return _source_text(Path(path_or_text))


def _actions(t: _Tokens, chance: bool, where: str) -> tuple[list[str], list[Fraction]]:
    t.expect("{", f"the action list of {where}")
    names: list[str] = []
    probs: list[Fraction] = []
    while not t.is_punct("}"):
        if len(names) >= 100_000:
            raise t.fail(f"{where}: more than 100000 actions")
        names.append(t.string(f"an action name of {where}"))
        if chance:
            probs.append(t.number(f"the probability of action {len(names)} of {where}"))
        while t.is_punct(","):
            t.next(",")
    t.next("}")
    if not names:
        raise t.fail(f"{where}: an empty action list")
    return names, probs


def _labels(names: list[str]) -> tuple[str, ...]:
    """Action labels made usable: empty ones numbered, duplicates suffixed ``_1, _2, ...``
    among themselves (as pygambit does)."""
    out = [a if a else str(j + 1) for j, a in enumerate(names)]
    if len(set(out)) != len(out):
        seen: dict[str, int] = {}
        fixed = []
        for a in out:
            if out.count(a) > 1:
                seen[a] = seen.get(a, 0) + 1
                fixed.append(f"{a}_{seen[a]}")
            else:
                fixed.append(a)
        out = fixed
    return tuple(out)


def read_efg(path_or_text: str | Path) -> Any:
    """The game tree (:class:`qa_games.games.tree.Tree`) of a Gambit .efg file (a path)
    or text (starting with ``EFG``, or holding a newline or a brace).

    >>> try:
    ...     read_efg('EFG 2 R "" { "A" } "" p "" 1 1 "" { "x" "y" } 0 t "" 0')
    ... except GameError as exc:
    ...     print(str(exc).replace("the node type (p, c or t) of ", ""))
    <efg text>: line 1: file ends where the 2nd child of node 1 was expected
    """
    from qa_games.games.tree import CHANCE, DECISION, MAX_NODES, TERMINAL, Infoset, Node, Tree

    text, source = _source_text(path_or_text)
    t = _Tokens(text, source)
    t.expect("EFG", "the header EFG")
    t.expect("2", "format version 2")
    kind, rd, line = t.next("R or D")
    if rd not in ("R", "D"):
        raise t.fail(f"expected number type R or D after 'EFG 2', found {rd!r}", line)
    title = t.string("the title", text=True)
    t.expect("{", "the player list")
    players: list[str] = []
    while t.is_string():
        players.append(t.string("a player name"))
        if len(players) > 10_000:
            raise t.fail("more than 10000 players")
    t.expect("}", "the end of the player list (quoted names)")
    if not players:
        raise t.fail("the game has no players")
    players = [p if p.strip() else str(k + 1) for k, p in enumerate(players)]
    if len(set(players)) != len(players):
        raise t.fail(f"player names must be distinct, got {players}")
    n = len(players)
    if t.is_string():
        t.string("the comment", text=True)
    # per node: kind, children, actions, player, infoset, probs, own payoff (accumulated)
    kinds: list[str] = []
    parents: list[int] = []
    names: list[str] = []
    acts: list[tuple[str, ...]] = []
    probs: list[tuple[Fraction, ...]] = []
    owner: list[int] = []
    iset_of: list[int] = []
    payoff: list[tuple[Fraction, ...]] = []
    children: list[list[int]] = []
    outcomes: dict[int, tuple[str, tuple[Fraction, ...], int]] = {}
    infosets: dict[tuple[int, int], tuple[int, str, tuple[str, ...], tuple[Fraction, ...],
                                          int]] = {}
    iset_index: dict[tuple[int, int], int] = {}
    # stack of (node, number of children still to read)
    stack: list[list[int]] = []
    zero = (Fraction(0),) * n

    def ordinal(k: int) -> str:
        suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
        return f"{k}{suffix}"

    def read_outcome(where: str, inherited: tuple[Fraction, ...]) -> tuple[Fraction, ...]:
        num = t.count(f"the outcome number of {where}")
        line = t.line
        if num == 0:
            if t.is_string():  # a null outcome may still carry a name in some writers
                t.next("the outcome name")
                if t.is_punct("{"):
                    raise t.fail(f"{where}: outcome 0 is the null outcome, it has no payoffs",
                                 line)
            return inherited
        if t.is_string():
            oname = t.string("the outcome name")
            t.expect("{", f"the payoffs of outcome {num}")
            pays: list[Fraction] = []
            while not t.is_punct("}"):
                if len(pays) >= n:
                    raise t.fail(f"{where}: outcome {num} has more than {n} payoffs "
                                 f"({n} players)")
                pays.append(t.number(f"payoff {len(pays) + 1} of outcome {num}"))
                while t.is_punct(","):
                    t.next(",")
            t.next("}")
            if len(pays) != n:
                raise t.fail(f"{where}: outcome {num} has {len(pays)} payoffs for {n} players",
                             line)
            vec = tuple(pays)
            if num in outcomes and outcomes[num][1] != vec:
                raise t.fail(f"{where}: outcome {num} redefined with other payoffs "
                             f"(line {outcomes[num][2]} gave "
                             f"{[str(x) for x in outcomes[num][1]]})", line)
            outcomes.setdefault(num, (oname, vec, line))
        elif num not in outcomes:
            raise t.fail(f"{where}: outcome {num} is used before its payoffs are given", line)
        vec = outcomes[num][1]
        return tuple(a + b for a, b in zip(inherited, vec, strict=True))

    while True:
        if stack:
            par = stack[-1][0]
            k_child = len(children[par]) + 1
            what = f"the node type (p, c or t) of the {ordinal(k_child)} child of node {par + 1}"
        else:
            if kinds:
                break
            what = "the root node (p, c or t)"
            par = -1
        tok = t.next(what)
        if tok[0] != "word" or tok[1] not in ("p", "c", "t"):
            raise t.fail(f"expected {what}, found {tok[1]!r}", tok[2])
        k = len(kinds)
        if k >= MAX_NODES:
            raise t.fail(f"more than MAX_NODES={MAX_NODES} nodes")
        where = f"node {k + 1}"
        line = tok[2]
        nname = t.string(f"the name of {where}")
        inherited = payoff[par] if par >= 0 else zero
        parents.append(par)
        names.append(nname)
        children.append([])
        if par >= 0:
            children[par].append(k)
            stack[-1][1] -= 1
            if stack[-1][1] == 0:
                stack.pop()
        if tok[1] == "t":
            kinds.append(TERMINAL)
            acts.append(())
            probs.append(())
            owner.append(-1)
            iset_of.append(-1)
            payoff.append(read_outcome(where, inherited))
        else:
            chance = tok[1] == "c"
            pl = 0 if chance else t.count(f"the player number of {where}")
            if not chance and not 1 <= pl <= n:
                raise t.fail(f"{where}: player {pl} does not exist (players 1..{n})", line)
            num = t.count(f"the information set number of {where}")
            if not chance and num == 0:
                raise t.fail(f"{where}: information set numbers start at 1", line)
            iname = t.string("the information set name") if t.is_string() else None
            a_names: list[str] | None = None
            a_probs: list[Fraction] = []
            if t.is_punct("{"):
                a_names, a_probs = _actions(t, chance, where)
            key = (pl, num)
            if key in infosets:
                _, first_name, first_acts, first_probs, first_line = infosets[key]
                if a_names is not None:
                    fixed = _labels(a_names)
                    if fixed != first_acts:
                        raise t.fail(f"{where}: information set {num} of "
                                     f"{'chance' if chance else players[pl - 1]} has actions "
                                     f"{list(fixed)} here and {list(first_acts)} at line "
                                     f"{first_line}", line)
                    if chance and tuple(a_probs) != first_probs:
                        raise t.fail(f"{where}: chance information set {num} has other "
                                     f"probabilities than at line {first_line}", line)
                a_tuple, p_tuple = first_acts, first_probs
            else:
                if a_names is None:
                    raise t.fail(f"{where}: information set {num} appears for the first time "
                                 f"without its action list", line)
                a_tuple = _labels(a_names)
                if len(set(a_tuple)) != len(a_tuple):
                    raise t.fail(f"{where}: action names must be distinct, got "
                                 f"{list(a_tuple)}", line)
                p_tuple = tuple(a_probs)
                if chance:
                    if any(p < 0 for p in p_tuple):
                        raise t.fail(f"{where}: a negative chance probability "
                                     f"{[str(p) for p in p_tuple]}", line)
                    if sum(p_tuple) != 1:
                        raise t.fail(f"{where}: chance probabilities sum to {sum(p_tuple)}, "
                                     f"not 1", line)
                infosets[key] = (pl, iname or "", a_tuple, p_tuple, line)
                if not chance:
                    iset_index[key] = len(iset_index)
            kinds.append(CHANCE if chance else DECISION)
            acts.append(a_tuple)
            probs.append(p_tuple)
            owner.append(pl - 1)
            iset_of.append(iset_index[key] if not chance else -1)
            payoff.append(read_outcome(where, inherited))
            stack.append([k, len(a_tuple)])
        if not stack:
            break
    last = t.peek()
    if last is not None:
        raise t.fail(f"unexpected {last[1]!r} after the last node (the tree is complete: "
                     f"{len(kinds)} nodes)", last[2])
    members: dict[int, list[int]] = {}
    for k, h in enumerate(iset_of):
        if h >= 0:
            members.setdefault(h, []).append(k)
    isets = []
    for key, h in iset_index.items():
        pl, iname, a_tuple, _, _ = infosets[key]
        isets.append((h, Infoset(pl - 1, a_tuple, tuple(members[h]),
                                 iname or f"{players[pl - 1]}:{key[1]}")))
    isets.sort(key=lambda x: x[0])
    nodes = []
    for k, kind in enumerate(kinds):
        if kind == TERMINAL:
            nodes.append(Node(TERMINAL, payoffs=payoff[k], name=names[k]))
        elif kind == CHANCE:
            nodes.append(Node(CHANCE, tuple(children[k]), acts[k], probs=probs[k],
                              name=names[k]))
        else:
            nodes.append(Node(DECISION, tuple(children[k]), acts[k], player=owner[k],
                              infoset=iset_of[k], name=names[k]))
    try:
        return Tree(tuple(players), tuple(nodes), tuple(i for _, i in isets), title=title)
    except (GameError, UnsupportedGameError) as exc:
        raise type(exc)(f"{source}: {exc}") from None


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _num(x: Any) -> str:
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    if isinstance(x, float):
        return repr(x)
    raise GameError(f"cannot write {x!r} to an .efg file (numbers only: instantiate a "
                    f"symbolic tree with tree.at(...))")


def write_efg(tree: Any) -> str:
    """The .efg text of a numeric tree: every terminal node gets its own outcome, every
    chance node its own chance information set. Fractions are written exactly
    (``3/2``), floats as their shortest repr."""
    if tree.symbolic:
        raise GameError("write_efg needs a numeric tree: instantiate it with tree.at(...)")
    lines = [f"EFG 2 R {_quote(tree.title)} {{ {' '.join(_quote(p) for p in tree.players)} }}",
             '""', ""]
    player_iset: dict[int, int] = {}
    per_player = [0] * tree.n_players
    chance_no = 0
    outcome_no = 0
    for k in tree.preorder:
        node = tree.nodes[k]
        name = _quote(node.name)
        if node.kind == "terminal":
            outcome_no += 1
            pays = ", ".join(_num(u) for u in node.payoffs)
            lines.append(f't {name} {outcome_no} "" {{ {pays} }}')
        elif node.kind == "chance":
            chance_no += 1
            body = " ".join(f"{_quote(a)} {_num(p)}" for a, p in zip(node.actions, node.probs,
                                                                     strict=True))
            lines.append(f'c {name} {chance_no} "" {{ {body} }} 0')
        else:
            h = node.infoset
            if h not in player_iset:
                per_player[node.player] += 1
                player_iset[h] = per_player[node.player]
            iset = tree.infosets[h]
            lines.append(f"p {name} {node.player + 1} {player_iset[h]} "
                         f"{_quote(iset.name)} {{ {' '.join(_quote(a) for a in node.actions)}"
                         f" }} 0")
    return "\n".join(lines) + "\n"
