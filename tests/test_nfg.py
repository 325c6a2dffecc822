"""Tests of qa_games.games.nfg: Gambit .nfg read/write, checked against pygambit."""

from __future__ import annotations

import io
import unicodedata
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pygambit as gbt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa_games.errors import GameError
from qa_games.games.nfg import read_nfg, write_nfg
from qa_games.games.normal_form import Game

CATALOG = Path(gbt.__file__).parent / "catalog_data"


def same_game(g: Game, h: Game) -> bool:
    return (g.players == h.players and g.strategies == h.strategies and g.title == h.title
            and all(a.shape == b.shape and a.tolist() == b.tolist()
                    for a, b in zip(g.payoffs, h.payoffs, strict=True)))


def gambit_arrays(text: str) -> list[list]:
    """Each player's payoffs as read by pygambit, flattened in our row-major order."""
    g = gbt.read_nfg(io.StringIO(text))
    shape = [len(p.strategies) for p in g.players]
    out = []
    for player in g.players:
        vals = []
        for idx in np.ndindex(*shape):
            prof = g.mixed_strategy_profile(rational=True)
            for p, k in zip(g.players, idx, strict=True):
                for j, s in enumerate(p.strategies):
                    prof[s] = F(int(j == k))
            vals.append(F(prof.payoff(player)))
        out.append(vals)
    return out


# names as qa_games.games.limits.check_label allows them: printable characters of any script
names = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Cf", "Co", "Cn",
                                                                  "Zl", "Zp"]),
                min_size=1, max_size=6).filter(lambda s: s.strip() != "" and s.isprintable())


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)

# pygambit >= 16.7 accepts only labels of printable ASCII, no edge or double spaces
ascii_names = st.from_regex(r"\A[!-~]([ ]?[!-~]){0,4}\Z").filter(lambda s: "\\" not in s)


@st.composite
def exact_games(draw, names=names):
    n = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 3)) for _ in range(n))
    num = st.fractions(min_value=-100, max_value=100, max_denominator=12)
    size = int(np.prod(shape))
    arrays = [np.array(draw(st.lists(num, min_size=size, max_size=size)),
                       dtype=object).reshape(shape) for _ in range(n)]
    players = draw(st.lists(names, min_size=n, max_size=n, unique_by=_nfkc))
    strategies = [draw(st.lists(names, min_size=m, max_size=m, unique_by=_nfkc))
                  for m in shape]
    title = draw(names | st.just(""))
    return Game.from_arrays(*arrays, players=players, strategies=strategies, title=title)


@settings(max_examples=60)
@given(exact_games(), st.sampled_from(["payoff", "outcome"]))
def test_round_trip(game, fmt):
    text = write_nfg(game, format=fmt)
    assert same_game(read_nfg(text), game)


@settings(max_examples=25)
@given(exact_games(names=ascii_names), st.sampled_from(["payoff", "outcome"]))
def test_pygambit_reads_what_we_write(game, fmt):
    text = write_nfg(game, format=fmt)
    expected = [[F(v) for v in a.ravel()] for a in game.payoffs]
    assert gambit_arrays(text) == expected


@settings(max_examples=25)
@given(exact_games(names=ascii_names))
def test_we_read_what_pygambit_writes(game):
    g = gbt.Game.from_arrays(*[a.astype(object) for a in game.payoffs], title="t")
    ours = read_nfg(g.to_nfg())
    assert [a.tolist() for a in ours.payoffs] == [a.tolist() for a in game.payoffs]
    assert ours.title == "t"


def test_float_game_round_trip_by_repr(tmp_path):
    g = Game.from_arrays(np.array([[0.1, 2.5], [1e-20, -3.0]]), np.array([[1.0, 0.0], [2, 3]]))
    path = tmp_path / "g.nfg"
    text = write_nfg(g, path)
    assert path.read_text() == text
    back = read_nfg(path, exact=False)
    assert back.payoffs[0].tolist() == g.payoffs[0].tolist()
    assert read_nfg(str(path)).payoffs[0][0, 0] == F(1, 10)  # exact: the decimal written


@pytest.mark.parametrize("path", sorted(CATALOG.rglob("*.nfg")), ids=lambda p: p.stem)
def test_gambit_catalog_files(path):
    game = read_nfg(path)
    text = path.read_text()
    assert [[F(v) for v in a.ravel()] for a in game.payoffs] == gambit_arrays(text)
    assert same_game(read_nfg(write_nfg(game)), game)


PAYOFF_FORMAT = """NFG 1 R "Selten (IJGT, 75), Figure 2, normal form"
{ "Player 1" "Player 2" } { 3 2 }

1 1 0 2 0 2 1 1 0 3 2 0
"""


def test_payoff_format_with_counts():
    g = read_nfg(PAYOFF_FORMAT)
    assert g.players == ("Player 1", "Player 2")
    assert g.strategies == (("1", "2", "3"), ("1", "2"))
    # profiles in order with player 1 fastest: (1,1) (2,1) (3,1) (1,2) ...
    assert g.payoff((0, 0)) == (1, 1) and g.payoff((1, 0)) == (0, 2)
    assert g.payoff((2, 0)) == (0, 2) and g.payoff((0, 1)) == (1, 1)
    assert g.payoff((2, 1)) == (2, 0)
    assert [[F(v) for v in a.ravel()] for a in g.payoffs] == gambit_arrays(PAYOFF_FORMAT)


def test_numbers_and_escapes():
    text = r'''NFG 1 D "a \"quoted\" title" { "P\\1" "P2" }
    { { "x" "y" } { "l" } } "comment" 3/2 -1 .5 2e1 '''
    g = read_nfg(text)
    assert g.title == 'a "quoted" title' and g.players == ("P\\1", "P2")
    assert g.payoffs[0].tolist() == [[F(3, 2)], [F(1, 2)]]
    assert g.payoffs[1].tolist() == [[F(-1)], [F(20)]]
    assert read_nfg(write_nfg(g)).players == g.players


def test_outcome_format_null_outcome_and_optional_commas():
    text = 'NFG 1 R "" { "A" "B" } { { "u" "d" } { "l" "r" } } "" ' \
           '{ { "o1" 1 2 } { "o2" 3/4, -5 } } 1 0 2 1'
    g = read_nfg(text)
    assert g.payoffs[0].tolist() == [[1, F(3, 4)], [0, 1]]
    assert g.payoffs[1].tolist() == [[2, -5], [0, 2]]


@pytest.mark.parametrize("text,match", [
    ('NFG 1 R "t" { "a" "b" } { 2 2 } 1 2 3 4 5 6 7', r"line 1: file ends where payoff 8 of 8"),
    ('NFG 1 R "t" { "a" "b" } { 2 2 }\n1 2 3 4 5 6 7 8\n9', r"line 3: unexpected '9'.*too many"),
    ('NFG 2 R "t" { "a" } { 1 } 1', "format version 1"),
    ('NFX 1 R "t" { "a" } { 1 } 1', "expected the header NFG"),
    ('\n EFG 2 R "t" { "a" } { 1 } 1', "line 2: expected the header NFG"),
    ('NFG 1 X "t" { "a" } { 1 } 1', "R or D"),
    ('NFG 1 R t { "a" } { 1 } 1', "title"),
    ('NFG 1 R "t" { "a" } { 1 } inf', "not a finite number"),
    ('NFG 1 R "t" { "a" } { 1 } nan', "not a finite number"),
    ('NFG 1 R "t" { "a" } { 1 } 1/0', "divides by zero"),
    ('NFG 1 R "t" { "a" } { 1 } 1e99999', "out of range"),
    ('NFG 1 R "t" { "a" } { 1 } 2+3', "a number like"),
    ('NFG 1 R "t" { "a" } { 0 } ', "has 0 strategies"),
    ('NFG 1 R "t" { } { } ', "no players"),
    ('NFG 1 R "t" { "a" } { 1 } "" { { "o" 1 } } 2', "outcome index 2"),
    ('NFG 1 R "t" { "a" "b" } { 1 1 } "" { { "o" 1 } } 1', "payoff 2 of outcome 1 'o'"),
    ('NFG 1 R "t" { "a" "b" } { 1 1 } "" { { "o" 1 2 3 } } 1', "end of outcome 1"),
    ('NFG 1 R "t" { "a" "b" } { 2 1 } "" { { "o" 1 2 } } 1', "outcome index 2 of 2"),
    ('NFG 1 R "t" { "a" } { 1 } "" { { "o" 1 } } 1 1', "too many"),
    ('NFG 1 R "t { "a" } { 1 } 1', "unterminated string"),
])
def test_bad_files(text, match):
    with pytest.raises(GameError, match=match) as info:
        read_nfg(text)
    assert str(info.value).startswith("<nfg text>")


def test_errors_name_the_file(tmp_path):
    path = tmp_path / "short.nfg"
    path.write_text('NFG 1 R "t" { "a" "b" }\n{ 2 2 }\n1 2 3\n')
    with pytest.raises(GameError, match=r"short\.nfg: line 3: file ends where payoff 4 of 8"):
        read_nfg(path)
    with pytest.raises(GameError, match="cannot read"):
        read_nfg(tmp_path / "missing.nfg")


def test_write_rejects_bad_arguments():
    g = Game.from_arrays([[1]], [[2]])
    with pytest.raises(GameError, match="format='xml'"):
        write_nfg(g, format="xml")
    with pytest.raises(GameError, match="must be a qa_games Game"):
        write_nfg("not a game")  # type: ignore[arg-type]
