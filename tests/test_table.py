"""qa_games.cli.table.simple_table against tabulate's ``simple`` format (its oracle: the
format it replaces in ``solve`` and ``show``), on random tables of ASCII, accented,
combining and East Asian wide text, empty tables and ragged widths."""

from __future__ import annotations

import random

import pytest
from tabulate import tabulate

from qa_games.cli.table import display_width, simple_table

ALPHABET = ["a", "Z", "7", " ", "/", "-", "é", "e\u0301", "协", "作", "Ｃ", "ß", "Ω", "(", "_"]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 9))).strip() or "x"


@pytest.mark.parametrize("seed", range(40))
def test_simple_table_equals_tabulate(seed):
    rng = random.Random(seed)
    cols = rng.randint(1, 6)
    headers = [_text(rng) for _ in range(cols)]
    rows = [[rng.choice([_text(rng), rng.randint(-50, 500), f"{rng.random():.4g}"])
             for _ in range(cols)] for _ in range(rng.randint(0, 6))]
    want = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
    assert simple_table(rows, headers) == want


def test_display_width_counts_terminal_columns():
    assert [display_width(s) for s in ("", "abc", "协作", "e\u0301", "Ｃ")] == [0, 3, 4, 1, 2]
