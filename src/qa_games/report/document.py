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
from ..analysis.labels import describe
from ..compare.cases import corners, load_cases, retrodict, sensitivity
from ..compare.theories import DEFAULT_GRID, compare, compare_grid
from ..errors import ParameterError, QAGamesError
from ..games.expressions import parse_expression
from ..modelfiles.files import models_dir
from ..modelfiles.loader import load_model
from ..modelfiles.scenario import VARIABLES, make_scenario
from . import figures as figs
from . import mechanisms
from .html import to_html
from .record_section import record_section
from .tables import (
    REFERENCE,
    case_display,
    case_scores,
    crossing,
    effects,
    readable_statics,
    reading,
)

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
    def __init__(self, out: Path, quick: bool, seed: int, cases_path: Any = None):
        self.out, self.quick, self.seed = out, quick, seed
        self.cases_path = cases_path
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


Section = tuple[str, Any, tuple]  # (name, function of (writer, *args), args)
#: the sections a forked worker runs, by index (set before the pool forks: models and
#: functions are inherited, not pickled)
_FORKED: list[tuple[_Writer, list[Section]]] = []
#: seconds each section takes on its own (default report, 2-core machine): the order in
#: which the forked processes take them, the longest first
_TYPICAL = {"propositions": 6.5, "comparison": 2.2, "mechanisms": 2.1,
            "comparative statics": 1.9, "patron's choice": 1.1, "equilibrium regions": 0.9,
            "cases": 0.6}


def _section_output(w: _Writer, section: Section) -> tuple[list[str], list[str], list[Path],
                                                            float]:
    """Run one section on a writer of its own: its lines, summary lines, files and
    seconds."""
    _, fn, args = section
    own = _Writer(w.out, w.quick, w.seed, w.cases_path)
    t0 = time.perf_counter()
    fn(own, *args)
    return own.md, own.summary, own.files, time.perf_counter() - t0


def _forked_section(index: int) -> tuple[list[str], list[str], list[Path], float]:
    w, sections = _FORKED[0]
    os.environ["QA_GAMES_THREADS"] = "1"  # the processes share the CPUs already
    return _section_output(w, sections[index])


def _run_sections(w: _Writer, sections: list[Section], jobs: int | None) -> None:
    """Run ``sections`` and add their output to ``w`` in the listed order: over ``jobs``
    forked processes (default: the CPUs available), each section in one process (the
    propositions' verification too, which on its own would fork processes of its own),
    or one by one where the platform does not fork or ``jobs`` is 1. Each section writes
    its own files and draws nothing at random, so the output is the same either way."""
    import multiprocessing

    from ..solvers.compiled import threads

    workers = jobs if jobs is not None else threads()
    outputs: list[Any] = [None] * len(sections)
    if workers > 1 and len(sections) > 1 and "fork" in multiprocessing.get_all_start_methods():
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        _FORKED[:] = [(w, sections)]
        try:
            with ProcessPoolExecutor(min(workers, len(sections)),
                                     mp_context=multiprocessing.get_context("fork")) as pool:
                # the longest first, so that the processes end together
                longest = sorted(range(len(sections)),
                                 key=lambda i: -_TYPICAL.get(sections[i][0], 0.0))
                futures = {i: pool.submit(_forked_section, i) for i in longest}
                for i, future in futures.items():
                    outputs[i] = future.result()
        except BrokenProcessPool:
            raise QAGamesError(f"a report process ended abruptly (killed, or out of memory) "
                               f"with {workers} processes; jobs=1 writes the report in this "
                               f"process") from None
        finally:
            _FORKED.clear()
    else:
        outputs = [_section_output(w, section) for section in sections]
    for (name, _, _), (md, summary, files, seconds) in zip(sections, outputs, strict=True):
        w.md.extend(md)
        w.summary.extend(summary)
        w.files.extend(files)
        w.timings.append((name, seconds))


def _models_section(w: _Writer, models: list[Any], patron: Any) -> None:
    w.add("## 1. The models in brief", "")
    for m in [*models, *([patron] if patron is not None else [])]:
        w.add(f"### {m.title}", "", f"`{m.name}` ({m.path.name if m.path else ''}): "
              + " ".join(m.description.split()), "")
        if m.sources:
            w.add("Sources: " + "; ".join(m.sources) + ".", "")
        _symbols(w, m)
        _explorer_link(w, m)
    w.add("A scenario of the shared variables (docs/models.md section 4) is read by each model "
          "through the `[scenario]` table of its file; each model's labels map onto the "
          "common outcomes `alignment` / `no_alignment`.", "")


def _plane(m: Any) -> tuple[tuple[str, str], tuple[str, str]]:
    """The two parameters (and ``lo:hi`` ranges) of a model's figures and statics: c and
    the threat for the bundled theories, else the first threshold parameter and the
    next parameter of the payoffs."""
    names = m.game.parameter_names
    if "c" in names and ("t" in names or "tau" in names):
        return ("c", "0:1"), ("tau" if "tau" in names else "t", "0.1:3")
    used: list[str] = []
    for arr in m.game.payoffs:
        for e in arr.flat:
            used += [str(s) for s in e.free_symbols]
    used = [p for p in names if p in set(used)] or list(names)
    first = [p for p in m.raw.get("sweep", {}).get("thresholds", {}) if p in used]
    x = first[0] if first else used[0]
    rest = [p for p in used if p != x]
    if not rest:
        raise ParameterError(f"{m.name}: the report's figures need two parameters in the "
                             "payoffs")
    return (x, _range(m, x)), (rest[0], _range(m, rest[0]))


def _range(m: Any, name: str) -> str:
    d = m.parameter(name).domain
    default = float(m.parameter(name).default)
    lo = float(d.lower) if d.lower is not None else min(0.0, default - 10)
    hi = float(d.upper) if d.upper is not None else max(10.0, 4 * default)
    step = (hi - lo) / 100
    lo += 0 if d.lower is not None and d.lower_closed else step
    hi -= 0 if d.upper is not None and d.upper_closed else step
    return f"{lo:g}:{hi:g}"


def _symbols(w: _Writer, m: Any) -> None:
    """Every symbol of the model, defined (from the model file) before any table uses it."""
    from ..analysis.labels import full_description

    rows = [{"symbol": p.name, "meaning": p.description, "domain or definition":
             f"{p.domain}, default {p.default}"} for p in m.parameters]
    raw = m.raw.get("derived", {})
    for name in getattr(m, "derived", {}):
        entry = raw.get(name)
        text = entry.get("expression", "") if isinstance(entry, dict) else str(entry)
        rows.append({"symbol": name, "meaning": full_description(m, name),
                     "domain or definition": f"{name} = {text}"})
    w.table(pd.DataFrame(rows), f"symbols_{m.name}", f"{m.name}: every symbol, as its "
            "model file defines it.")


def _explorer_link(w: _Writer, m: Any) -> None:
    """An interactive explorer page for a two-player normal-form model."""
    from ..modelfiles.normal_form import Model
    from .explorer import write_explorer

    if not isinstance(m, Model) or m.game.n_players != 2:
        return
    (w.out / "explorer").mkdir(exist_ok=True)
    path = write_explorer(m, w.out / "explorer" / f"{m.name}.html")
    w.files.append(path)
    w.add(f"Explore it interactively: [explorer/{m.name}.html](explorer/{m.name}.html) "
          "(sliders for every parameter, the equilibria and the label at the point, and the "
          "region map; one self-contained page that opens offline).", "")


def _columns_glossary(w: _Writer, models: list[Any]) -> None:
    m = models[0]
    g = m.game
    w.add("In the tables below, for a model with players P and strategies s: "
          f"`n_equilibria` is the number of equilibria; `eq_<profile>` whether a named pure "
          f"profile (e.g. `eq_{next(iter(m.profiles), 'profile')}`) is an equilibrium; "
          f"`selected` whether the selection rule picks one; `selected_by` the rule that "
          f"did; `p_<P>_<s>` the probability that P plays s in the selected equilibrium "
          f"(e.g. `p_{g.players[0]}_{g.strategies[0][0]}`); `u_<P>` P's expected payoff "
          "in it; `label` the theory's predicted outcome, `undecided` where the rule cannot "
          "choose between equilibria (no prediction).", "")


def _regions_section(w: _Writer, models: list[Any]) -> None:
    from ..analysis.plots import plot
    from ..analysis.sweep import sweep

    w.add("## 2. Equilibrium regions", "")
    _columns_glossary(w, models)
    n = (21, 20) if w.quick else (41, 40)
    for m in models:
        (x, xr), (y, yr) = _plane(m)
        sw = sweep(m, {x: f"{xr}:{n[0]}", y: f"{yr}:{n[1]}"}, progress=False)
        path = w.out / "figures" / f"regions_{m.name}.png"
        plot(sw, path)  # the title states the rule and the fixed parameters
        w.figure(path, f"{m.name}: the label of the selected equilibrium over the "
                 f"({x}, {y}) plane, other parameters at their defaults; curves: the "
                 f"model's thresholds.")
        from ..analysis.summary import summary_table

        w.table(summary_table(sw), f"regions_{m.name}", f"{m.name}: the share of the "
                f"{len(sw.table)} grid points with each label, the model's thresholds and "
                "their values on the plane.")


def _statics_section(w: _Writer, models: list[Any]) -> None:
    from ..analysis.statics import comparative_statics

    w.add("## 3. Comparative statics", "", "Derivatives of each model's closed-form "
          "quantities and their signs on the parameter domains (`proved`: by sympy or z3; "
          "`indefinite`: two exact witnesses of opposite sign; `undecided`: neither, with "
          "the sign seen on seeded samples).", "")
    for m in models:
        (x, _), (y, _) = _plane(m)
        for param in (x, y):
            if w.quick and param != x:
                continue
            df = comparative_statics(m, param)
            df = df[df["derivative"] != "0"].reset_index(drop=True)
            w.add(f"### {m.name}: with respect to `{param}`", "")
            w.table(readable_statics(df, m), f"statics_{m.name}_{param}",
                    f"{m.name}: the derivative of each quantity with respect to {param} "
                    f"({describe(m, param)}) and its sign on the domain.")


def _proof_link(w: _Writer, pid: str) -> str:
    proof = models_dir().parent / "proofs" / f"{pid}.md"
    if not proof.is_file():
        return "(no proof file)"
    rel = os.path.relpath(proof, w.out.resolve())
    return f"[proofs/{pid}.md]({Path(rel).as_posix()})"


def _point(values: Any) -> str:
    return ", ".join(f"{k} = {v}" for k, v in values.items())


def _propositions_section(w: _Writer, models: list[Any]) -> None:
    w.add("## 4. Propositions and verdicts", "")
    try:
        from ..verify.verdicts import verify_models
    except ImportError:  # pragma: no cover - the verifier is part of the package
        w.add("The verifier is not available in this installation.", "")
        return
    examples = 5 if w.quick else 40
    with_props = [m for m in models if m.propositions]
    done = iter(verify_models(with_props, seed=w.seed, max_examples=examples))
    for m in models:
        if not m.propositions:
            w.add(f"`{m.name}` declares no propositions.", "")
            continue
        verdicts = next(done)[0]
        rows = [{"id": v.proposition, "verdict": v.status, "summary": v.summary(),
                 "as expected": v.as_expected, "proof": _proof_link(w, v.proposition)}
                for v in verdicts]
        for v in verdicts:
            if v.expected == "false":
                w.summary.append(
                    f"`{v.proposition}` ({m.name}) is recorded as known to be false "
                    f"(`expected = \"false\"` in its model file) and is {v.status}"
                    + (f" at {_point(v.counterexample)}" if v.counterexample else "")
                    + ("" if v.as_expected else ": NOT as expected") + ".")
            elif not v.as_expected:
                w.summary.append(f"`{v.proposition}` ({m.name}): a claim of the theory, "
                                 f"{v.status} (NOT as expected).")
        df = pd.DataFrame(rows)
        claims = {p.id: p.claim for p in m.propositions}
        df.insert(1, "claim", [claims[i] for i in df["id"]])
        w.add(f"### {m.name}", "")
        w.table(df, f"propositions_{m.name}", f"{m.name}: verdicts (search seed {w.seed}, "
                f"{examples} examples per statement).")


def _comparable(models: list[Any]) -> str:
    """Why ``models`` cannot be compared on scenarios ("" when they can)."""
    if len(models) < 2:
        return "a comparison needs two or more normal-form models"
    lacking = [m.name for m in models if "scenario" not in m.raw]
    if lacking:
        return f"{', '.join(lacking)} declare(s) no [scenario] table"
    return ""


def _is_zero(e: sympy.Expr) -> bool:
    """Whether ``e`` is identically zero: cancelled when it is a rational function (the
    same answer as ``simplify``, without its search), else simplified."""
    if e.is_rational_function():
        return sympy.cancel(e) == 0
    return sympy.simplify(e) == 0


def _comparison_section(w: _Writer, models: list[Any]) -> Any:
    w.add("## 5. Where the theories disagree", "")
    why = _comparable(models)
    if why:
        w.add(f"Not compared: {why}.", "")
        return None
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
            ok = all(_is_zero(th.symmetric - expr) for th in ths)
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
    cases = [c for c in load_cases(w.cases_path) if c.states == ("japan", "south_korea")]
    if not cases:
        return
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


def _leader_section(w: _Writer, model: Any) -> None:
    """A sequential model other than the patron's: its SPE at the defaults and the
    leader's choice over its first two parameters."""
    from ..analysis.sequential_sweep import plot_choice, sequential_sweep
    from ..solvers.backward_induction import backward_induction

    w.add(f"## 6. {model.title}", "", f"The leader {model.leader} moves first, then "
          f"{model.subgame.name} is played; every subgame is solved exactly.", "")
    sol = backward_induction(model)
    rows = [{"leader chooses": e.action, "outcome": e.label,
             "leader payoff": float(e.leader_payoff)} for e in sol.equilibria]
    w.table(pd.DataFrame(rows), f"spe_{model.name}", "Subgame-perfect equilibria at the "
            "defaults.")
    names = list(model.parameter_names)[:2]
    n = 9 if w.quick else 21
    grid = {x: f"{_range(model, x)}:{n}" for x in names}
    result = sequential_sweep(model, grid)
    path = w.out / "figures" / f"choice_{model.name}.png"
    plot_choice(result, path)
    w.figure(path, f"The leader's choice over ({', '.join(names)}), by backward induction.")


def _patron_section(w: _Writer, patron: Any) -> None:
    from ..solvers.backward_induction import backward_induction, simultaneous_form
    from ..solvers.solve import solve

    if not {"c_L", "c_H", "beta", "kappa", "lam", "t"} <= set(patron.parameter_names):
        _leader_section(w, patron)
        return

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
    for eq in simultaneous.equilibria:
        if eq.pure_profile is not None:
            shown.append("(" + ", ".join(game.profile_names(eq.pure_profile)) + ")")
        else:
            shown.append("a mixed equilibrium (" + "; ".join(
                ", ".join(f"{s} {float(q):.3g}" for s, q in zip(game.strategies[i], probs,
                                                               strict=False) if q > 0)
                for i, probs in enumerate(eq.profile)) + ")")
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
    where = "models/cases.toml" if w.cases_path is None else str(w.cases_path)
    w.add("## 7. Historical cases", "", f"Coded in `{where}` (each value with its "
          "source, a one-line justification and its range; every value is a judgement on "
          "the scale weak c = 0.3, strong 0.7, high t = 1, low 0.5). A hit: the model's "
          "common outcome equals the observed one; mixed outcomes are not scored.", "")
    why = _comparable(models)
    if why:
        w.add(f"Not retrodicted: {why}.", "")
        return
    cases = load_cases(w.cases_path)
    tab = retrodict(cases, models)
    w.table(case_display(tab), "cases", "Each case: its coding of c (the patron's "
            "commitment) and t (the threat), the observed outcome and the common outcome it "
            "is scored on (alignment or no_alignment; mixed outcomes are not scored), each "
            "model's label, the common outcome that label maps to, and whether it is a hit.")
    scores = case_scores(tab)
    n_cases, n_scored = len(tab.rows), int(scores["scored cases"].iloc[-1])
    base = scores.iloc[-1]
    for r in scores.iloc[:-1].itertuples():
        w.summary.append(f"Cases, {r.predictor}: {r.hits} of {r._3} scored cases retrodicted "
                         f"({n_cases} cases, {n_cases - n_scored} with a mixed outcome not "
                         f"scored); where the models disagree, {r._5} of {r._6}.")
    w.summary.append(f"Cases, baseline: always predicting alignment scores {base['hits']} of "
                     f"{n_scored} ({base['hits where the models disagree']} of "
                     f"{base['cases where the models disagree']} where the models disagree).")
    w.table(scores, "case_scores", f"Scores on the {n_scored} scored cases (of {n_cases}), "
            "and on those where the models disagree, next to the base rate of a predictor "
            "that always says alignment.")
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
    files = [{"file": f"models/{m.path.name}" if m.path is not None and m.path.parent ==
              models_dir() else str(m.path), "sha256": m.sha256}
             for m in [*models, *([patron] if patron is not None else [])]]
    cases = models_dir() / "cases.toml" if w.cases_path is None else Path(w.cases_path)
    files.append({"file": "models/cases.toml" if w.cases_path is None else str(cases),
                  "sha256": _hash(cases)})
    w.table(pd.DataFrame(files), "model_hashes", "SHA-256 of the model files read.")
    w.add(f"Seed of the verification search: `{w.seed}`; the sampled signs of the "
          "comparative statics use qa_games.statics' fixed seed 0. "
          f"Grids are fixed (no randomness). Quick mode: `{w.quick}`. Written in "
          f"{seconds:.1f} s.", "")
    rows = [(name, round(secs, 2)) for name, secs in w.timings]
    w.table(pd.DataFrame(rows, columns=["section", "seconds"]), "timings",
            "Time per section.")


def split_models(names: Any) -> tuple[list[Any], Any]:
    """Normal-form models and the (one) sequential model among ``names`` (loaded when
    given by name); any other kind of model is a ParameterError naming it."""
    from ..modelfiles.normal_form import Model
    from ..modelfiles.sequential import SequentialModel

    loaded = [n if not isinstance(n, (str, Path)) else load_model(n) for n in names]
    other = [m for m in loaded if not isinstance(m, (Model, SequentialModel))]
    if other:
        raise ParameterError(f"models: {', '.join(m.name for m in other)} is not a "
                             "normal-form or sequential model (the report compares those)")
    seq = [m for m in loaded if isinstance(m, SequentialModel)]
    if len(seq) > 1:
        raise ParameterError(f"models: at most one sequential model, got "
                             f"{', '.join(m.name for m in seq)}")
    normal = [m for m in loaded if not isinstance(m, SequentialModel)]
    if not normal:
        raise ParameterError("models: give at least one normal-form model")
    return normal, (seq[0] if seq else None)


def report(out: str | Path = "report", *, quick: bool = False, seed: int = 0,
           models: Any = None, cases: str | Path | None = None,
           jobs: int | None = None) -> Report:
    """Write the report into ``out`` (created if needed); ``quick`` uses small grids and
    few verification examples (for tests). ``models``: names, paths or models (default:
    :data:`MODELS` and the patron's sequential model); ``cases``: a cases file (default:
    the bundled ``models/cases.toml``); ``jobs``: processes for the sections before the
    record (default: the CPUs available; 1: all in this process; the same report)."""
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ParameterError(f"jobs={jobs!r} must be a positive integer")
    t0 = time.perf_counter()
    folder = Path(out)
    if cases is not None:
        load_cases(cases)  # every input is checked before anything is written
    if models is None:
        models, patron = [load_model(n) for n in MODELS], load_model(PATRON)
    else:
        models, patron = split_models(models)
    w = _Writer(folder, quick, seed, cases)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    heads = [m.title.split(":")[0] for m in models]
    w.add("# qa_games report: " + (" and ".join(heads) if len(heads) < 3 else
                                   ", ".join(heads[:-1]) + " and " + heads[-1]), "",
          f"Generated {stamp} by `qa-games report{' --quick' if quick else ''}`. "
          "Formal models: `docs/models.md` in the qa_games repository (its sections "
          "are cited below); every number below is computed from the model files.",
          "")
    _models_section(w, models, patron)
    _run_sections(w, [
        ("equilibrium regions", _regions_section, (models,)),
        ("comparative statics", _statics_section, (models,)),
        ("propositions", _propositions_section,
         ([*models, *([patron] if patron is not None else [])],)),
        ("comparison", _comparison_section, (models,)),
        *([("patron's choice", _patron_section, (patron,))] if patron is not None else []),
        ("cases", _cases_section, (models,)),
        ("mechanisms", mechanisms.section, ()),
    ], jobs)
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
