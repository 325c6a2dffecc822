"""Gambit files that Gambit accepts load here too: blank player names and repeated or
blank strategy labels get unique names with a RenamedLabels note, never an error."""

from __future__ import annotations

from fractions import Fraction

import pytest

from qa_games.cli import main
from qa_games.games.nfg import RenamedLabels, read_nfg, unique_labels
from qa_games.solvers.solve import solve

# Gambit's tests/test_games/2x2_bimatrix_all_zero_payoffs.nfg (repeated labels "defect")
ZERO = '''NFG 1 R "2x2 bimatrix game with all zero payoffs, with strategy labels" { "Joe" "Dan" }

{ { "cooperate" "defect" }
{ "defect" "defect" }
}
""

{
{ "" 0, 0 }
{ "" 0, 0 }
{ "" 0, 0 }
{ "" 0, 0 }
}
1 2 3 4
'''
# a Schotter-Weigelt-Wilson game in the outcome format with blank player names
SWW = '''NFG 1 R "Schotter-Weigelt-Wilson Fig 1 game in normal form" { "" "" }

{ { "1" "2" }
{ "1" "2" }
}
""

{
{ "Outcome 1" 4.000000, 3.000000 }
{ "Outcome 2" 0.000000, 0.000000 }
{ "Outcome 3" 4.000000, 3.000000 }
{ "Outcome 4" 6.000000, 2.000000 }
}
1 2 3 4
'''


def test_repeated_strategy_labels_are_numbered_with_a_note():
    with pytest.warns(RenamedLabels, match=r"strategies of Dan: 'defect' -> 'defect \(1\)'"):
        g = read_nfg(ZERO)
    assert g.players == ("Joe", "Dan")
    assert g.strategies == (("cooperate", "defect"), ("defect (1)", "defect (2)"))
    # all payoffs zero: every pure profile is an extreme equilibrium
    assert len(solve(g).equilibria) == 4


def test_blank_player_names_get_gambit_style_names():
    with pytest.warns(RenamedLabels, match="players: '' -> 'Player 1', '' -> 'Player 2'"):
        g = read_nfg(SWW)
    assert g.players == ("Player 1", "Player 2")
    assert g.payoffs[0].tolist() == [[4, 4], [0, 6]]


@pytest.mark.parametrize("names", [["a", "a", "a (2)"], ["", "1", ""], ["x", " ", "x"]])
def test_unique_labels_are_distinct_and_keep_good_names(names):
    _, (out,), notes = unique_labels(["p"], [names])
    assert len(set(out)) == len(out) and all(n.strip() for n in out)
    assert notes  # something was renamed, and said so
    for before, after in zip(names, out, strict=True):
        if names.count(before) == 1 and before.strip():
            assert after == before or after.startswith(before)


def test_distinct_labels_are_left_alone_silently(recwarn):
    g = read_nfg('NFG 1 R "t" { "a" "b" } { { "x" "y" } { "z" } } 1 2 3 4')
    assert g.strategies == (("x", "y"), ("z",)) and not recwarn.list


def test_solve_command_prints_a_note_and_solves(capsys, tmp_path):
    path = tmp_path / "zero.nfg"
    path.write_text(ZERO, encoding="utf-8")
    assert main(["solve", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "note:" in err and "defect (2)" in err and "4 equilibria" in out


def test_equilibria_equal_pygambits_on_the_renamed_files():
    """pygambit (16.7, the oracle pinned in pyproject) reads the same files as they are."""
    import io

    gbt = pytest.importorskip("pygambit")
    for text in (ZERO, SWW):
        gg = gbt.read_nfg(io.StringIO(text))
        result = gbt.nash.enummixed_solve(gg, rational=True)
        theirs = {tuple(tuple(Fraction(str(eq[s])) for s in p.strategies) for p in gg.players)
                  for eq in result.equilibria}
        with pytest.warns(RenamedLabels):
            ours = {tuple(tuple(x) for x in e.exact) for e in solve(read_nfg(text)).equilibria}
        assert ours == theirs
