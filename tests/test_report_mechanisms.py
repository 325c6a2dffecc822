"""The report's mechanisms section: predictions of three theories under two rules in one
vocabulary, scored against the always-alignment baseline, and the repeated game."""

from __future__ import annotations

from qa_games.compare.cases import load_cases
from qa_games.compare.theories import predict
from qa_games.modelfiles.loader import load_model
from qa_games.modelfiles.scenario import ALIGNMENTS
from qa_games.report.mechanisms import RULES, THEORIES, repetition_table, scores, selection_table

CASES = load_cases()


def test_selection_table_matches_predict_case_by_case():
    table = selection_table(CASES)
    assert len(table) == len(CASES) * len(THEORIES)
    assert set(table["theory"]) == {"cha", "walt", "buck_passing"}
    for shown, rule in RULES.items():
        assert set(table[shown]) <= {*ALIGNMENTS, "undecided"}
        row = table.iloc[0]
        p = predict(load_model(THEORIES[0]), CASES[0].scenario, selection=rule)
        assert (row[shown] == "bilateral_alignment") == (p.outcome == "alignment")


def test_scores_count_hits_and_the_baseline():
    table = selection_table(CASES)
    s = scores(table)
    scored = [c for c in CASES if c.observed.outcome != "mixed"]
    assert set(s["cases"]) == {len(scored)}
    assert set(s["always alignment"]) == {sum(c.observed.outcome == "alignment" for c in scored)}
    for shown in RULES:
        assert (s[shown] <= s["cases"]).all()


def test_repetition_table_agrees_with_the_model():
    rep = repetition_table(CASES)
    assert len(rep) == len(CASES)
    for _, row in rep.iterrows():
        if row["delta*_A"] is None:
            continue
        need = max(row["delta*_A"], row["delta*_B"])
        assert (row["cooperation sustainable"] == "never") == (need >= 1)
        assert (row["cooperation sustainable"] == "in the one-shot game") == (need <= 0)


def test_multilateral_table_lists_every_equilibrium_and_the_thresholds():
    from qa_games.report.mechanisms import multilateral_table
    from qa_games.solvers.solve import solve

    frame = multilateral_table()
    two, three, complete = frame.attrs["thresholds"]
    assert complete and len(frame) == len(solve(load_model("cha_multilateral").at()).equilibria)
    assert three >= two  # multi-2: a third partner raises the commitment threshold


def test_verdicts_read_from_the_proofs_match_each_expectation():
    from qa_games.report.mechanisms import verdict_table

    table = verdict_table()
    assert len(table) > 0
    for _, row in table.iterrows():
        assert row["verdict"] == ("proved" if row["expected"] == "true" else "refuted"), row


def test_oddness_section_reports_the_counts(tmp_path):
    """The section's sentence and table come from oddness_check (quick sample sizes)."""
    from qa_games.compare.cases import load_cases
    from qa_games.report.document import _Writer
    from qa_games.report.mechanisms import ODDNESS_SAMPLES_QUICK, oddness_section
    from qa_games.verify.oddness import oddness_check

    w = _Writer(tmp_path, True, 0)
    cases = load_cases()
    oddness_section(w, cases)
    md = "\n".join(w.md)
    two, many = ODDNESS_SAMPLES_QUICK
    want = oddness_check(samples=two, samples_nplayer=many, seed=0,
                         scenarios=[c.scenario for c in cases])
    games = sum(r.nondegenerate for r in want if not r.skipped)
    assert f"{games:,} nondegenerate games" in md and "every one with an odd count" in md
    table = (tmp_path / "tables" / "mechanisms_oddness.csv").read_text()
    assert all(r.model in table for r in want)
