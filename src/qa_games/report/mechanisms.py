"""The report's mechanisms section: three theories on one vocabulary under each selection
rule, and what repetition changes, case by case.

For every historical case (``models/cases.toml``) and every theory with a scenario map
(Cha, Walt, and the realist buck-passing rival), the prediction is computed under
payoff dominance and under risk dominance and written in the one outcome vocabulary the
model files declare (``[scenario] alignment``: bilateral alignment, distance under the
patron, bandwagoning with the threat). Risk dominance is also the vanishing-noise limit of
the global game of each 2x2 model (Carlsson and van Damme 1993;
:mod:`qa_games.solvers.global_game`, checked numerically in the tests), so it is shown
once. The repeated Cha game gives each case's critical discount factors. The oddness check
(:mod:`qa_games.verify.oddness`): every nondegenerate game the models produce, at the
cases and at random points, has an odd number of equilibria (Wilson 1971).

>>> frame = selection_table(load_cases()[:1])
>>> sorted(frame.columns)[:3]
['case', 'observed', 'payoff dominance']
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import pandas as pd

from ..compare.cases import Case, load_cases
from ..compare.theories import predict
from ..errors import ParameterError
from ..modelfiles.loader import load_model
from ..modelfiles.scenario import model_values, scenario_map

__all__ = ["THEORIES", "RULES", "MECHANISM_MODELS", "selection_table", "repetition_table",
           "oddness_section",
           "scores", "multilateral_table", "verdict_table"]

#: The mechanism models whose propositions the section lists with their proofs' verdicts.
MECHANISM_MODELS = ("cha_multilateral", "snyder_asd", "cha_repeated", "buck_passing")

#: The models compared on the cases, one per theory.
THEORIES = ("cha_quasi_alliance", "walt_balance_of_threat", "buck_passing")
#: The selection rules shown; the global-game limit equals risk dominance in 2x2 games.
RULES = {"payoff dominance": "payoff_dominance",
         "risk dominance (= global-game limit)": "risk_dominance"}
_OBSERVED = {"alignment": "bilateral_alignment", "no_alignment": "not aligned",
             "mixed": "mixed"}


def selection_table(cases: Sequence[Case], theories: Sequence[str] = THEORIES
                    ) -> pd.DataFrame:
    """One row per case and theory: the predicted alignment under each rule, and the
    observed outcome."""
    rows = []
    for model_name in theories:
        model = load_model(model_name)
        smap = scenario_map(model)
        for case in cases:
            row: dict[str, Any] = {"case": case.id, "theory": model.theory or model.name,
                                   "observed": _OBSERVED[case.observed.outcome]}
            for shown, rule in RULES.items():
                p = predict(model, case.scenario, selection=rule, smap=smap)
                row[shown] = "undecided" if p.label == "undecided" else smap.alignment.get(
                    p.label, p.label)
            rows.append(row)
    return pd.DataFrame(rows)


def scores(table: pd.DataFrame) -> pd.DataFrame:
    """Hits per theory and rule on the cases whose outcome is not mixed (a hit: bilateral
    alignment predicted iff observed), with the always-alignment baseline."""
    scored = table[table["observed"] != "mixed"]
    rows = []
    for theory, part in scored.groupby("theory", sort=False):
        row: dict[str, Any] = {"theory": theory, "cases": len(part)}
        aligned = part["observed"] == "bilateral_alignment"
        for shown in RULES:
            hit = (part[shown] == "bilateral_alignment") == aligned
            row[shown] = int((hit & (part[shown] != "undecided")).sum())
        row["always alignment"] = int(aligned.sum())
        rows.append(row)
    return pd.DataFrame(rows)


def repetition_table(cases: Sequence[Case]) -> pd.DataFrame:
    """Each case's critical discount factors in the repeated Cha game (cha_repeated):
    mutual trigger is an equilibrium iff delta >= both; a value <= 0 means the one-shot
    game already sustains cooperation, >= 1 that no discount factor does."""
    model = load_model("cha_repeated")
    smap = scenario_map(model)
    rows: list[dict[str, Any]] = []
    for case in cases:
        try:
            vals = model_values(model, case.scenario, smap=smap)
            stars = [model.evaluate(f"delta_star_{s}", vals) for s in ("A", "B")]
        except ParameterError:  # the case lies outside the repeated model's domain
            rows.append({"case": case.id, "delta*_A": None, "delta*_B": None,
                         "cooperation sustainable": "outside the model's domain"})
            continue
        need = max(Fraction(s) for s in stars)
        verdict = ("in the one-shot game" if need <= 0 else
                   f"for delta >= {float(need):.3g}" if need < 1 else "never")
        rows.append({"case": case.id, "delta*_A": float(stars[0]), "delta*_B": float(stars[1]),
                     "cooperation sustainable": verdict})
    return pd.DataFrame(rows)


def multilateral_table() -> pd.DataFrame:
    """Every equilibrium of the three-client game (cha_multilateral) at its defaults, and
    the commitment thresholds with two and three clients."""
    from ..solvers.solve import solve

    model = load_model("cha_multilateral")
    game = model.at()
    sol = solve(game)
    rows = []
    for e in sol.equilibria:
        probs = e.exact if e.exact is not None else e.profile
        row: dict[str, Any] = {p: str(q[0]) for p, q in zip(game.players, probs, strict=False)}
        row["outcome"] = model.label_of(e.pure_profile) if e.pure_profile else "mixed"
        rows.append(row)
    frame = pd.DataFrame(rows).rename(columns={p: f"P({p} cooperates)" for p in game.players})
    frame.attrs["thresholds"] = (float(model.evaluate("c_star_bilateral")),
                                 float(model.evaluate("c_star")), sol.complete)
    return frame


def _proof_verdict(pid: str) -> str:
    """The verdict line of the checked-in proof ``proofs/<pid>.md`` (``make test`` fails
    when a proof is out of date with its model file)."""
    from ..modelfiles.files import models_dir

    path = models_dir().parent / "proofs" / f"{pid}.md"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return "no proof file"
    tail = text.split("## Verdict", 1)[-1]
    for line in tail.splitlines():
        if line.startswith("**"):
            return line.split("**")[1].lower()
    return "no verdict"


def verdict_table(models: Sequence[str] = MECHANISM_MODELS) -> pd.DataFrame:
    """Each mechanism model's propositions: expected truth and the proof's verdict."""
    rows = []
    for name in models:
        for prop in load_model(name).propositions:
            rows.append({"model": name, "id": prop.id, "expected": prop.expected,
                         "verdict": _proof_verdict(prop.id), "proof": f"proofs/{prop.id}.md"})
    return pd.DataFrame(rows)


def section(w: Any) -> None:
    """Write the section into the report writer ``w`` (tables as csv, md and tex)."""
    cases = load_cases()
    w.add("## Mechanisms: three theories, one vocabulary, two selection rules", "",
          "The realist rival (buck-passing: containment of the threat is a public good, "
          "so a committed patron invites free riding; `models/buck_passing.toml`) predicts "
          "the same sign of the commitment effect as Cha: a negative effect of commitment "
          "on alignment refutes Walt but cannot tell Cha from buck-passing; the threat "
          "still can (Cha: above `cbar` more threat, less cooperation; buck-passing and "
          "Walt: more threat, more alignment). Every prediction is written in the one "
          "vocabulary the model files declare: bilateral alignment, distance under the "
          "patron, bandwagoning with the threat. Risk dominance is also the vanishing-noise "
          "limit of each model's global game (docs/mechanisms.md).", "")
    table = selection_table(cases)
    w.table(table, "mechanisms_selection",
            "Each case's prediction by theory and selection rule, in one vocabulary.")
    w.table(scores(table), "mechanisms_scores",
            "Hits per theory and rule (cases not coded mixed), against the baseline that "
            "always predicts alignment.")
    w.table(repetition_table(cases), "mechanisms_repetition",
            "The repeated Cha game: each case's critical discount factors delta*_A, "
            "delta*_B (grim trigger sustains cooperation iff delta >= both).")
    multi = multilateral_table()
    two, three, complete = multi.attrs["thresholds"]
    w.add(f"Three clients of one patron (`cha_multilateral`): mutual cooperation of all "
          f"three is an equilibrium iff c <= c* = {three:.3g} at the defaults, against "
          f"{two:.3g} for the pair alone (multi-2: each added partner raises the threshold). "
          + ("Every equilibrium at the defaults, mixed ones included:" if complete else
             "The isolated equilibria at the defaults (a continuum was flagged):"), "")
    w.table(multi, "mechanisms_multilateral", "Equilibria of the three-client game.")
    w.table(verdict_table(), "mechanisms_verdicts",
            "The mechanism models' propositions: expected truth and the verdict of each "
            "checked-in proof (docs/mechanisms.md).")
    oddness_section(w, cases)


#: Random parameter points per model in the report's oddness check (two players; three or
#: more), and in quick mode.
ODDNESS_SAMPLES = (200, 30)
ODDNESS_SAMPLES_QUICK = (40, 6)


def oddness_section(w: Any, cases: Sequence[Case]) -> None:
    """The oddness check of every bundled model (:func:`qa_games.verify.oddness.oddness_check`)
    at its defaults, at the cases and at random points, as a table and a sentence."""
    from ..verify.oddness import oddness_check, oddness_table

    two, many = ODDNESS_SAMPLES_QUICK if w.quick else ODDNESS_SAMPLES
    results = oddness_check(samples=two, samples_nplayer=many, seed=0,
                            scenarios=[c.scenario for c in cases])
    checked = [r for r in results if not r.skipped]
    games = sum(r.nondegenerate for r in checked)
    bad = [r for r in checked if r.violations]
    w.add("**Oddness of the equilibrium counts.** Almost every finite game has an odd "
          "number of equilibria (Wilson 1971; Lemke-Howson paths pair all but one in a "
          "nondegenerate bimatrix game), so an even count in a nondegenerate game with a "
          "complete equilibrium set is a solver bug. Each normal-form model solved exactly "
          f"at its defaults, at the {len(cases)} cases and at {two} random rational points "
          f"({many} for three or more players): {games:,} nondegenerate games across "
          f"{len(checked)} models, "
          + ("every one with an odd count." if not bad else
             f"EVEN COUNTS (a bug) in {', '.join(r.model for r in bad)}.")
          + " Degenerate games and n-player games where the solver flags a continuum are "
          "counted but not tested.", "")
    w.table(oddness_table(results), "mechanisms_oddness",
            "Equilibrium counts of the models' nondegenerate games (Wilson's oddness).")
