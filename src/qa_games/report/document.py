"""The report: both theories, their equilibria, propositions, disagreements and cases.

:func:`report` writes ``OUT/index.md`` and ``OUT/index.html`` with figures (PNG) in
``OUT/figures`` and tables (CSV, Markdown, LaTeX) in ``OUT/tables``: the models in
brief; each model's equilibrium regions (:func:`qa_games.sweep.sweep`,
:func:`qa_games.plots.region_map`); comparative-statics tables
(:func:`qa_games.statics.comparative_statics`); the propositions with their verdicts
(:func:`qa_games.verify.verdicts.verify`) and links to ``proofs/``; the regions where the
theories disagree (:func:`qa_games.compare.theories.compare`); the patron's choice
(:func:`qa_games.solvers.backward_induction.backward_induction`); the historical cases with each
model's retrodiction, scores and sensitivity (:mod:`qa_games.compare.cases`). It records the
package versions, the model files' hashes and the seeds. Every table goes through
:mod:`qa_games.analysis.export`; figures of the comparison and of the patron's choice are
drawn by :mod:`qa_games.report.figures`, the tables about the comparison come from
:mod:`qa_games.report.tables`.
"""

from __future__ import annotations

import hashlib
import os
import platform
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import sympy

from ..analysis.export import atomic_write, write_table
from ..compare.cases import corners, load_cases, retrodict, sensitivity
from ..compare.theories import DEFAULT_GRID, compare, compare_grid
from ..games.expressions import parse_expression
from ..modelfiles.files import models_dir
from ..modelfiles.loader import load_model
from ..modelfiles.scenario import VARIABLES, make_scenario
from . import figures as figs
from . import mechanisms
from .html import to_html
from .record_section import record_section
from .tables import REFERENCE, crossing, effects, reading

__all__ = ["Report", "report", "MODELS", "SCENARIOS"]

#: The models the report compares, and the sequential model of the patron's choice.
MODELS = ("cha_quasi_alliance", "walt_balance_of_threat")
PATRON = "patron_sequential"
#: One named scenario per region of the docs/models.md section 4 table (others at defaults).
SCENARIOS = (
    make_scenario(name="firm patron, enough threat", c="0.8", t="1"),
    make_scenario(name="loose patron, little threat", c="0.2", t="0.3"),
    make_scenario(name="loose patron, enough threat", c="0.3", t="1"),
    make_scenario(name="firm patron, little threat", c="0.8", t="0.2"),
)
PACKAGES = ("qa_games", "numpy", "sympy", "nashpy", "scipy", "pandas", "matplotlib",
            "hypothesis", "z3-solver", "pygambit", "tabulate", "statsmodels")


@dataclass(frozen=True)
class Report:
    """Where the report went and how it was made."""

    folder: Path
    index: Path
    html: Path
    files: tuple[Path, ...]
    seconds: float
    seed: int
    quick: bool
    timings: tuple[tuple[str, float], ...] = ()


class _Writer:
    def __init__(self, out: Path, quick: bool, seed: int):
        self.out, self.quick, self.seed = out, quick, seed
        self.md: list[str] = []
        self.summary: list[str] = []
        self.files: list[Path] = []
        self.timings: list[tuple[str, float]] = []
        (out / "figures").mkdir(parents=True, exist_ok=True)
        (out / "tables").mkdir(parents=True, exist_ok=True)

    def add(self, *lines: str) -> None:
        self.md.extend(lines)

    def table(self, df: pd.DataFrame, name: str, caption: str, *, show: bool = True) -> None:
        """Write csv, md and tex; show the Markdown in the page with links to the files."""
        for ext in ("csv", "md", "tex"):
            self.files.append(write_table(df, self.out / "tables" / f"{name}.{ext}",
                                          caption=caption if ext == "tex" else None,
                                          label=f"tab:{name}" if ext == "tex" else None))
        if show:
            from ..analysis.export import format_table
            self.add(format_table(df, "markdown"), "")
        self.add(f"*{caption}* Table: [csv](tables/{name}.csv), [md](tables/{name}.md), "
                 f"[tex](tables/{name}.tex).", "")

    def figure(self, path: Path, caption: str) -> None:
        self.files.append(path)
        self.add(f"![{caption}](figures/{path.name})", "", f"*{caption}*", "")


def _timed(w: _Writer, name: str, fn: Any, *args: Any) -> Any:
    t0 = time.perf_counter()
    out = fn(*args)
    w.timings.append((name, time.perf_counter() - t0))
    return out


def _models_section(w: _Writer, models: list[Any], patron: Any) -> None:
    w.add("## 1. The models in brief", "")
    for m in [*models, patron]:
        w.add(f"### {m.title}", "", f"`{m.name}` ({m.path.name if m.path else ''}): "
              + " ".join(m.description.split()), "")
        if m.sources:
            w.add("Sources: " + "; ".join(m.sources) + ".", "")
    w.add("A scenario of the shared variables (docs/models.md section 4) is read by each model "
          "through the `[scenario]` table of its file; each model's labels map onto the "
          "common outcomes `alignment` / `no_alignment`.", "")


def _regions_section(w: _Writer, models: list[Any]) -> None:
    from ..analysis.plots import plot
    from ..analysis.sweep import sweep

    w.add("## 2. Equilibrium regions", "")
    n = (21, 20) if w.quick else (41, 40)
    for m in models:
        threat = "tau" if "tau" in m.game.parameter_names else "t"
        sw = sweep(m, {"c": f"0:1:{n[0]}", threat: f"0.1:3:{n[1]}"}, progress=False)
        path = w.out / "figures" / f"regions_{m.name}.png"
        plot(sw, path, title=f"{m.title.split(':')[0]}: predicted label (payoff dominance)")
        w.figure(path, f"{m.name}: the label of the selected equilibrium over the "
                 f"(c, {threat}) plane, other parameters at their defaults; curves: the "
                 f"model's thresholds.")
        counts = sw.table["label"].value_counts().rename_axis("label").reset_index(name="points")
        w.table(counts, f"regions_{m.name}", f"{m.name}: grid points per label "
                f"({len(sw.table)} points).")


def _statics_section(w: _Writer, models: list[Any]) -> None:
    from ..analysis.statics import comparative_statics

    w.add("## 3. Comparative statics", "", "Derivatives of each model's closed-form "
          "quantities and their signs on the parameter domains (`proved`: by sympy or z3; "
          "`indefinite`: two exact witnesses of opposite sign; `undecided`: neither, with "
          "the sign seen on seeded samples).", "")
    for m in models:
        threat = "tau" if "tau" in m.game.parameter_names else "t"
        for param in ("c", threat):
            if w.quick and param != "c":
                continue
            df = comparative_statics(m, param)
            df = df[df["derivative"] != "0"].reset_index(drop=True)
            w.add(f"### {m.name}: with respect to `{param}`", "")
            w.table(df, f"statics_{m.name}_{param}", f"{m.name}: d(quantity)/d{param}.")


def _proof_link(w: _Writer, pid: str) -> str:
    proof = models_dir().parent / "proofs" / f"{pid}.md"
    if not proof.is_file():
        return "(no proof file)"
    rel = os.path.relpath(proof, w.out.resolve())
    return f"[proofs/{pid}.md]({Path(rel).as_posix()})"


def _propositions_section(w: _Writer, models: list[Any]) -> None:
    w.add("## 4. Propositions and verdicts", "")
    try:
        from ..verify.verdicts import verify
    except ImportError:  # pragma: no cover - the verifier is part of the package
        w.add("The verifier is not available in this installation.", "")
        return
    examples = 5 if w.quick else 40
    for m in models:
        if not m.propositions:
            w.add(f"`{m.name}` declares no propositions.", "")
            continue
        rows = [{"id": v.proposition, "verdict": v.status, "summary": v.summary(),
                 "as expected": v.as_expected, "proof": _proof_link(w, v.proposition)}
                for v in verify(m, seed=w.seed, max_examples=examples)]
        df = pd.DataFrame(rows)
        claims = {p.id: p.claim for p in m.propositions}
        df.insert(1, "claim", [claims[i] for i in df["id"]])
        w.add(f"### {m.name}", "")
        w.table(df, f"propositions_{m.name}", f"{m.name}: verdicts (search seed {w.seed}, "
                f"{examples} examples per statement).")


def _comparison_section(w: _Writer, models: list[Any]) -> Any:
    w.add("## 5. Where the theories disagree", "")
    grid = {"c": "0:1:26", "t": "0.1:3:30"} if w.quick else DEFAULT_GRID
    cmp = compare(models, SCENARIOS, grid=grid)
    g = cmp.grid
    assert g is not None  # compare(..., grid=...) always builds the grid comparison
    w.add(f"Both models on the (c, t) plane ({len(g.frame)} points; other scenario variables "
          f"at their defaults: x = {g.base['x']}, y = {g.base['y']}, k = {g.base['k']}, "
          f"phi = {g.base['phi']}, k_W = {g.base['k_W']}, a = {g.base['a']}, theta = "
          f"{g.base['theta']}, mu_2 = {g.base['mu_2']}). Closed-form boundaries, derived "
          "from the symbolic games through the scenario maps:", "")
    sym = {n: VARIABLES[n].symbol for n in VARIABLES}
    for thy in g.theories:
        b = g.boundary(thy)
        if b is None:
            continue
        ths = [th for th in g.thresholds if g.theories[g.models.index(th.model)] == thy]
        ref = REFERENCE.get(thy)
        same = ""
        if ref is not None:
            expr = parse_expression(ref[1], sym, where="report")
            ok = all(sympy.simplify(th.symmetric - expr) == 0 for th in ths)
            same = f" This equals docs/models.md's `{ref[0]} = {ref[1]}`: {'yes' if ok else 'NO'}."
        w.add(f"- **{thy}**: alignment iff c {'<=' if b[0] == 'below' else '>='} "
              f"`{ths[0].symmetric}` for symmetric states (per state: "
              + ", ".join(f"`{th.expr}`" for th in dict.fromkeys(ths)) + f").{same}")
    w.add("")
    w.table(effects(g), "comparative_statics_of_alignment", "How c and t move each "
            "theory's alignment prediction: the sign of the effect of the patron's "
            "commitment, and the derivative of the boundary with respect to the threat "
            "(sign at the base values), and its limit: Cha's boundary stays below cbar = "
            "1 - y/((1-phi) x), so for c above it no threat yields cooperation (cha-4), "
            "while Walt's falls below 0, so at high c more threat brings Walt's alliance.")
    cross = crossing(g)
    if cross:
        w.add(f"At the base values the two boundaries cross at t = {cross}: below it the "
              "loose-patron region discriminates, above it the firm-patron region.", "")
    regions = g.regions
    regions.insert(1, "reading", [reading(r) for r in regions["region"]])
    for r in regions[~regions["agree"]].itertuples():
        if "undecided" in r.region:  # a tie on a boundary, not a disagreement
            w.summary.append(f"Undecided ({r.region}): {r.points} of {len(g.frame)} grid "
                             "points, where a selection rule cannot choose between tied "
                             "equilibria.")
            continue
        w.summary.append(f"Discriminating region \"{r.reading or r.region}\": {r.points} of "
                         f"{len(g.frame)} grid points ({100 * r.fraction:.1f}% of the plane).")
    w.table(regions, "disagreement_regions", "Regions of the (c, t) plane by the pair of "
            "outcomes; the two rows with agree = False are the discriminating regions "
            "(docs/models.md section 4).")
    path = w.out / "figures" / "disagreement.png"
    figs.comparison_figure(g, path)
    w.figure(path, "The (c, t) plane coloured by the pair of predictions, with Cha's "
             "c*(t) and Walt's c_W(t).")
    _japan_korea_plane(w, models, grid)
    df = cmp.to_frame()
    w.table(df, "scenarios", "One scenario per region of the docs/models.md table: each "
            "model's label and whether they agree.")
    return cmp


def _japan_korea_plane(w: _Writer, models: list[Any], grid: Any) -> None:
    """The same plane with Japan (A) and South Korea (B) coded as in the cases."""
    cases = [c for c in load_cases() if c.states == ("japan", "south_korea")]
    base = cases[0].scenario
    keep = {k: v for k, v in base.values.items() if k not in ("c", "t")}
    g = compare_grid(models, grid, base=make_scenario(keep, name="Japan-ROK coding"))
    w.add("### The same plane with the Japan-ROK coding", "", "A = Japan (x 0.8, y 0.2, "
          "k 0.1), B = South Korea (x 1, y 0.05, k 0.1), as in `models/cases.toml`; the "
          "dots are the Japan-ROK cases at their coded (c, t).", "")
    regions = g.regions
    regions.insert(1, "reading", [reading(r) for r in regions["region"]])
    w.table(regions, "disagreement_regions_japan_korea", "Regions of the (c, t) plane with "
            "the Japan-ROK coding.")
    path = w.out / "figures" / "disagreement_japan_korea.png"
    at: dict[tuple[float, float], list[str]] = {}
    for c in cases:
        at.setdefault((float(c.values["c"].value), float(c.values["t"].value)), []).append(
            c.period)
    pts = [(x, y, ", ".join(names)) for (x, y), names in at.items()]
    figs.comparison_figure(g, path, title="Japan-ROK: where the theories disagree", points=pts)
    w.figure(path, "The (c, t) plane with the Japan-ROK coding and the Japan-ROK cases.")


def _patron_section(w: _Writer, patron: Any) -> None:
    from ..solvers.backward_induction import backward_induction, simultaneous_form
    from ..solvers.solve import solve

    w.add("## 6. The patron's choice", "", "The patron chooses c in {c_L, c_H}, then A and B "
          "play Cha's game (payoff dominance); every subgame is solved exactly and every "
          "subgame-perfect equilibrium is listed (selection `all` lists the SPE for every "
          "combination of the subgames' equilibria).", "")
    rows = []
    for sel in ("payoff_dominance", "all"):
        sol = backward_induction(patron, selection=sel)
        for e in sol.equilibria:
            plan = "; ".join(f"{s.action}: {s.labels[k]}"
                             + ("" if s.candidates[k].pure_profile is not None else " (mixed)")
                             for s, k in zip(sol.subgames, e.plan, strict=False))
            rows.append({"selection": sel, "patron chooses": e.action, "outcome": e.label,
                         "patron payoff": float(e.leader_payoff), "plan": plan})
    w.table(pd.DataFrame(rows), "patron_spe", "Subgame-perfect equilibria at the defaults "
            "(c_L = 0.3, c_H = 0.7, beta = 0.5, kappa = 0.2, lam = 1, t = 1).")
    game = simultaneous_form(patron)
    simultaneous = solve(game)  # every isolated equilibrium, mixed ones included
    shown = []
    for e in simultaneous.equilibria:
        if e.pure_profile is not None:
            shown.append("(" + ", ".join(game.profile_names(e.pure_profile)) + ")")
        else:
            shown.append("a mixed equilibrium (" + "; ".join(
                ", ".join(f"{s} {float(q):.3g}" for s, q in zip(game.strategies[i], probs,
                                                               strict=False) if q > 0)
                for i, probs in enumerate(e.profile)) + ")")
    extent = ("every equilibrium, mixed ones included (certified support enumeration)"
              if simultaneous.complete else
              "the isolated equilibria (a continuum was flagged: " + simultaneous.note + ")")
    w.add("In the simultaneous three-player normal form (the patron chooses c at the same "
          f"time as A and B), {extent}, at the defaults: " + "; ".join(shown) + ". The "
          "patron's weak commitment no longer conditions the partners' play, and the "
          "cooperative outcome of the sequential game disappears"
          + (": no mixed equilibrium brings it back" if all(
              e.pure_profile is not None for e in simultaneous.equilibria) else "")
          + " (docs/models.md section 2).", "")
    n = 13 if w.quick else 31
    path = w.out / "figures" / "patron_choice.png"
    table = figs.patron_figure(patron, path, n=n)
    w.figure(path, "The patron's choice over (t, beta) by backward induction; line: "
             "patron-1's boundary beta = (lam t - kappa)(c_H - c_L), valid where "
             "c_L <= c*(t) < c_H.")
    w.table(table, "patron_choice", "The patron's choice on the grid: points where the "
            "weak commitment is chosen, and agreement with patron-1 where it applies.")


def _cases_section(w: _Writer, models: list[Any]) -> None:
    w.add("## 7. Historical cases", "", "Coded in `models/cases.toml` (each value with its "
          "source, a one-line justification and its range; every value is a judgement on "
          "the scale weak c = 0.3, strong 0.7, high t = 1, low 0.5). A hit: the model's "
          "common outcome equals the observed one; mixed outcomes are not scored.", "")
    cases = load_cases()
    tab = retrodict(cases, models)
    w.table(tab.frame, "cases", "Each case: coding of c and t, observed outcome, each "
            "model's retrodiction and whether it is a hit.")
    for r in tab.scores.itertuples():
        w.summary.append(f"Cases, {r.theory}: {r.hits} of {r.scored} retrodicted; on the "
                         f"cases where the theories disagree, {r.discriminating_hits} of "
                         f"{r.discriminating_scored}.")
    w.table(tab.scores, "case_scores", "Scores: all scored cases, and the discriminating "
            "ones (the models disagree).")
    codings = [{"case": c.title, "variable": k, "value": float(v.value),
                "range": "" if v.range is None else
                f"{float(v.range[0]):g} to {float(v.range[1]):g}",
                "judgement": v.judgement, "source": v.source, "why": v.why}
               for c in cases for k, v in c.values.items()]
    w.table(pd.DataFrame(codings), "case_codings", "Every coded value of every case with its "
            "range, source and justification (full table).", show=False)
    sens = sensitivity(cases, models)
    flips = sens[sens["flips"]]
    summary = []
    for c in cases:
        rec = {"case": c.title, "confidence": c.confidence}
        for thy in tab.theories:
            f = flips[(flips["case"] == c.title) & (flips["theory"] == thy)]
            rec[f"{thy}: moves that flip the verdict"] = "; ".join(
                f"{r.variable} {r.coded:g}->{r.moved_to:g} ({r.moved_label})"
                for r in f.itertuples()) or "none (robust)"
        summary.append(rec)
    w.add("### How each verdict changes when the coding moves within its confidence", "",
          "Each ranged value is moved to either end of its range, one at a time.", "")
    w.table(pd.DataFrame(summary), "case_sensitivity", "Moves within each value's range "
            "that flip a model's predicted outcome.")
    joint = corners(cases, models)
    wide = joint.pivot(index="case", columns="theory", values="flipping").reindex(
        [c.title for c in cases])
    wide.columns = [f"{thy}: corners flipping" for thy in wide.columns]
    wide.insert(0, "corners", joint.groupby("case")["corners"].first().reindex(wide.index))
    w.table(wide.reset_index(), "case_corners", "Joint moves: every combination of the coded "
            "value and the ends of the ranges of c and t, and how many flip each model's "
            "verdict.")
    w.table(sens, "case_sensitivity_all", "Every move (full table).", show=False)


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _reproducibility(w: _Writer, models: list[Any], patron: Any, seconds: float) -> None:
    w.add("## 9. Reproducibility", "")
    vers = []
    for pkg in PACKAGES:
        try:
            vers.append({"package": pkg, "version": metadata.version(pkg)})
        except metadata.PackageNotFoundError:
            vers.append({"package": pkg, "version": "not installed"})
    vers.insert(0, {"package": "python", "version": platform.python_version()})
    w.table(pd.DataFrame(vers), "versions", "Package versions.")
    files = [{"file": f"models/{m.path.name}", "sha256": m.sha256} for m in [*models, patron]]
    cases = models_dir() / "cases.toml"
    files.append({"file": "models/cases.toml", "sha256": _hash(cases)})
    w.table(pd.DataFrame(files), "model_hashes", "SHA-256 of the model files read.")
    w.add(f"Seed of the verification search: `{w.seed}`; the sampled signs of the "
          "comparative statics use qa_games.statics' fixed seed 0. "
          f"Grids are fixed (no randomness). Quick mode: `{w.quick}`. Written in "
          f"{seconds:.1f} s.", "")
    rows = [(name, round(secs, 2)) for name, secs in w.timings]
    w.table(pd.DataFrame(rows, columns=["section", "seconds"]), "timings",
            "Time per section.")


def report(out: str | Path = "report", *, quick: bool = False, seed: int = 0) -> Report:
    """Write the report into ``out`` (created if needed); ``quick`` uses small grids and
    few verification examples (for tests)."""
    t0 = time.perf_counter()
    folder = Path(out)
    w = _Writer(folder, quick, seed)
    models = [load_model(n) for n in MODELS]
    patron = load_model(PATRON)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    w.add("# qa_games report: Cha's quasi-alliance model and Walt's balance of threat", "",
          f"Generated {stamp} by `qa-games report{' --quick' if quick else ''}`. "
          "Formal models: `docs/models.md` in the qa_games repository (its sections "
          "are cited below); every number below is computed from the model files.",
          "")
    _models_section(w, models, patron)
    _timed(w, "equilibrium regions", _regions_section, w, models)
    _timed(w, "comparative statics", _statics_section, w, models)
    _timed(w, "propositions", _propositions_section, w, [*models, patron])
    _timed(w, "comparison", _comparison_section, w, models)
    _timed(w, "patron's choice", _patron_section, w, patron)
    _timed(w, "cases", _cases_section, w, models)
    _timed(w, "mechanisms", mechanisms.section, w)
    _timed(w, "record", record_section, w)
    _reproducibility(w, models, patron, time.perf_counter() - t0)
    if w.summary:
        w.md[4:4] = ["## Summary", "", *(f"- {line}" for line in w.summary),
                     "- Every value of every case is a judgement (see section 7 for the "
                     "moves within their ranges that flip a verdict).", ""]
    text = "\n".join(w.md).rstrip() + "\n"
    index = atomic_write(folder / "index.md", lambda p: p.write_text(text, encoding="utf-8"))
    page = to_html(text, title="qa_games report")
    html = atomic_write(folder / "index.html", lambda p: p.write_text(page, encoding="utf-8"))
    return Report(folder, index, html, tuple(w.files) + (index, html),
                  time.perf_counter() - t0, seed, quick, tuple(w.timings))
