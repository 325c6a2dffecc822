"""Two theories side by side: same scenarios, each model's prediction, where they disagree.

Each model reads a scenario (:mod:`qa_games.modelfiles.scenario`) through its ``[scenario]`` map,
is solved exactly (:func:`qa_games.solvers.solve.solve`), its equilibrium is selected by the
stated rule (:func:`qa_games.solvers.selection.select`) and labelled by the theory, and the
label is read as a common outcome (``alignment`` / ``no_alignment``). Two models
*agree* on a scenario when they predict the same common outcome.

Over a grid of two scenario variables (the ``(c, t)`` plane of ``docs/models.md`` section 4)
each model is swept (:func:`qa_games.sweep.sweep`) and the plane splits into regions
by the pair of outcomes. For Cha against Walt the two **discriminating** regions are
the firm patron with enough threat (``c > max(c*, c_W)``: Cha friction, Walt alliance)
and the loose patron with little threat (``c < min(c*, c_W)``: Cha cooperation, Walt
no alliance). Their boundaries come in closed form from the symbolic games: for the
profile a model labels ``alignment``, each player's no-deviation condition
``u_i(P) - u_i(s, P_-i) >= 0`` is mapped onto the scenario variables and solved for
the varied variable (:func:`thresholds`): ``c*_i = 1 - (t y_i + k_i)/((1-phi) t x_i)``
for Cha and ``c_W = ((k_W - a)/t + theta - mu_2)/(1 - mu_2)`` for Walt.

>>> cmp = compare(["cha_quasi_alliance", "walt_balance_of_threat"],
...               [{"c": "0.7", "t": 1}, {"c": "0.3", "t": "0.5"}])
>>> [(r.labels, r.agree) for r in cmp.rows]
[(('friction', 'alliance'), False), (('cooperation', 'bandwagon'), False)]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import pandas as pd
import sympy

from ..errors import ParameterError
from ..games import display
from ..games.exact_eval import substitute
from ..games.vectorize import lambdify_safe
from ..modelfiles.scenario import (
    PER_STATE,
    VARIABLES,
    Scenario,
    ScenarioMap,
    make_scenario,
    model_arrays,
    model_values,
    scenario_map,
)
from ..solvers.selection import check_rule, select
from ..solvers.solve import Equilibrium, Solution, solve

__all__ = ["Prediction", "ScenarioComparison", "Threshold", "GridComparison", "Comparison",
           "compare", "compare_grid", "predict", "thresholds", "DEFAULT_GRID"]

#: The (c, t) plane of docs/models.md section 4, as grid specs (lo:hi:n).
DEFAULT_GRID = {"c": "0:1:51", "t": "0.1:3:59"}


def _load(model: Any) -> Any:
    from ..modelfiles.loader import load_model
    from ..modelfiles.normal_form import Model

    m = model if isinstance(model, Model) else load_model(model)
    if not isinstance(m, Model):
        raise ParameterError(f"model={model!r}: only normal-form models can be compared")
    return m


@dataclass(frozen=True, eq=False)
class Prediction:
    """One model's prediction at one scenario."""

    model: str
    values: Mapping[str, Fraction]
    solution: Solution
    selected: Equilibrium | None
    label: str
    outcome: str  # alignment | no_alignment | undecided (label "undecided" too)

    @property
    def equilibria(self) -> tuple[Equilibrium, ...]:
        return self.solution.equilibria


@dataclass(frozen=True, eq=False)
class ScenarioComparison:
    """Every model's prediction at one scenario, and whether they agree."""

    scenario: Scenario
    predictions: tuple[Prediction, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(p.label for p in self.predictions)

    @property
    def outcomes(self) -> tuple[str, ...]:
        return tuple(p.outcome for p in self.predictions)

    @property
    def agree(self) -> bool:
        """Same common outcome for every model (an undecided prediction never agrees)."""
        outs = self.outcomes
        return "undecided" not in outs and len(set(outs)) == 1


@lru_cache(maxsize=256)
def _compiled(expr: sympy.Expr) -> Any:
    """A threshold expression compiled over every scenario variable, once."""
    return lambdify_safe([VARIABLES[n].symbol for n in VARIABLES], expr)


@dataclass(frozen=True)
class Threshold:
    """``variable <= expr`` (direction "below") or ``>=`` ("above") for one player's part
    of the alignment condition, ``expr`` in the scenario variables."""

    model: str
    player: str
    variable: str
    expr: sympy.Expr
    direction: str

    @cached_property
    def symmetric(self) -> sympy.Expr:
        """The expression with per-state variables replaced by the symmetric ones
        (simplified once per threshold)."""
        subs = {VARIABLES[k].symbol: VARIABLES[v].symbol for k, v in PER_STATE.items()}
        return sympy.simplify(substitute(self.expr, subs))

    def at(self, scenario: Scenario, **arrays: Any) -> Any:
        """The threshold's value at ``scenario`` (some variables as arrays, e.g. t=...)."""
        names = tuple(VARIABLES)
        fn = _compiled(self.expr)
        args = [np.asarray(arrays[n], dtype=float) if n in arrays else float(scenario[n])
                for n in names]
        with np.errstate(divide="ignore", invalid="ignore"):
            return fn(*args)


@dataclass(frozen=True, eq=False)
class GridComparison:
    """The models over a grid of two scenario variables: one row per point, the regions."""

    models: tuple[str, ...]
    theories: tuple[str, ...]
    axes: tuple[str, str]
    base: Scenario
    frame: pd.DataFrame  # axes, <theory>_label, <theory>_outcome, agree, region
    thresholds: tuple[Threshold, ...]
    sweeps: tuple[Any, ...] = field(default=(), repr=False)

    @property
    def regions(self) -> pd.DataFrame:
        """Per region (pair of outcomes): points, share of the grid, whether it agrees."""
        g = self.frame.groupby("region", sort=True)
        out = pd.DataFrame({"points": g.size(), "agree": g["agree"].first()})
        out["fraction"] = (out["points"] / len(self.frame)).round(4)
        for ax in self.axes:
            out[f"{ax}_min"] = g[ax].min()
            out[f"{ax}_max"] = g[ax].max()
        return out.reset_index()

    @property
    def disagreement(self) -> pd.DataFrame:
        """The discriminating regions only."""
        r = self.regions
        return r[~r["agree"]].reset_index(drop=True)

    def boundary(self, theory: str) -> tuple[str, sympy.Expr] | None:
        """``("below", min_i expr_i)`` or ``("above", max_i expr_i)``: the theory's alignment
        condition on the first axis, in closed form; None when there is none."""
        ths = [th for th, thy in zip(self.thresholds, self._theory_of(), strict=True)
               if thy == theory]
        if not ths or len({th.direction for th in ths}) != 1:
            return None
        exprs = list(dict.fromkeys(th.expr for th in ths))
        if ths[0].direction == "below":
            return "below", sympy.Min(*exprs)
        return "above", sympy.Max(*exprs)

    def _theory_of(self) -> list[str]:
        by_model = dict(zip(self.models, self.theories, strict=False))
        return [by_model[th.model] for th in self.thresholds]


@dataclass(frozen=True, eq=False)
class Comparison:
    """What :func:`compare` returns: per scenario the predictions, and optionally a grid."""

    models: tuple[str, ...]
    theories: tuple[str, ...]
    selection: str | None
    rows: tuple[ScenarioComparison, ...]
    grid: GridComparison | None = None
    model_objects: tuple[Any, ...] = field(default=(), repr=False)

    def __repr__(self) -> str:
        agree = sum(r.agree for r in self.rows)
        grid = f"; grid over {', '.join(self.grid.axes)}" if self.grid is not None else ""
        return display.short(f"<Comparison {' vs '.join(self.theories)}: {len(self.rows)} "
                             f"scenarios, {agree} agree{grid}>")

    def _repr_html_(self) -> str:
        """Notebook display: the predictions per scenario, and the grid's regions."""
        parts = [display.frame_html(self.to_frame())] if self.rows else []
        if self.grid is not None:
            parts += ["<p>Regions of the grid</p>", display.frame_html(self.grid.regions)]
        rule = self.selection or "each model's own"
        return display.section(f"Comparison of {', '.join(self.models)}", *parts,
                               note=f"selection: {rule}")

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario: its name, c, t, each theory's label and outcome, agree."""
        recs = []
        for r in self.rows:
            rec: dict[str, Any] = {"scenario": r.scenario.name,
                                   "c": float(r.scenario["c"]), "t": float(r.scenario["t"])}
            for thy, p, m in zip(self.theories, r.predictions, self.model_objects, strict=True):
                rec[f"{thy}_label"] = p.label
                rec[f"{thy}_outcome"] = p.outcome
                rec[f"{thy}_equilibria"] = "; ".join(_show_eq(m, e) for e in p.equilibria)
            rec["agree"] = r.agree
            recs.append(rec)
        return pd.DataFrame(recs)


def _show_eq(model: Any, eq: Equilibrium) -> str:
    """``(cooperate, distance)`` for a pure equilibrium, else each player's mixture."""
    if eq.pure_profile is not None:
        return model.game.profile_label(eq.pure_profile)
    probs: tuple[tuple[Fraction | float, ...], ...] = (
        eq.exact if eq.exact is not None else eq.profile)
    return "mixed (" + ", ".join(
        f"{pl}: {model.game.strategies[i][0]} {float(p[0]):.3g}"
        for i, (pl, p) in enumerate(zip(model.game.players, probs, strict=True))) + ")"


def _theories(models: Sequence[Any]) -> tuple[str, ...]:
    names = [m.theory or m.name for m in models]
    return tuple(names if len(set(names)) == len(names) else [m.name for m in models])


def predict(model: Any, scenario: Scenario, *, selection: str | None = None,
            smap: ScenarioMap | None = None) -> Prediction:
    """One model's exact prediction at one scenario."""
    smap = smap or scenario_map(model)
    vals = model_values(model, scenario, smap=smap)
    sol = solve(model.at(vals))
    chosen = select(sol, check_rule(selection or model.selection))
    if chosen is None:  # the rule cannot single out an equilibrium
        return Prediction(model.name, vals, sol, None, "undecided", "undecided")
    label = model.label_of(chosen.pure_profile)
    outcome = smap.outcomes[label]
    return Prediction(model.name, vals, sol, chosen, label, outcome)


def compare(models: Sequence[Any], scenarios: Sequence[Scenario | Mapping[str, Any]] = (), *,
            selection: str | None = None, grid: Mapping[str, Any] | None = None,
            base: Scenario | Mapping[str, Any] | None = None) -> Comparison:
    """Each model's prediction at each scenario, exactly; with ``grid`` (two scenario
    variables -> value specs, e.g. :data:`DEFAULT_GRID`) also :func:`compare_grid`.

    ``selection`` None means each model's own rule.
    """
    ms = [_load(m) for m in models]
    if len(ms) < 2:
        raise ParameterError(f"models={list(models)!r}: a comparison needs two or more models")
    if selection is not None:
        check_rule(selection)
    maps = [scenario_map(m) for m in ms]
    rows = []
    for k, s in enumerate(scenarios):
        sc = s if isinstance(s, Scenario) else make_scenario(s, name=f"scenario {k + 1}")
        rows.append(ScenarioComparison(sc, tuple(
            predict(m, sc, selection=selection, smap=mp) for m, mp in zip(ms, maps, strict=False))))
    grid_cmp = compare_grid(ms, grid, base=base, selection=selection) if grid else None
    return Comparison(tuple(m.name for m in ms), _theories(ms), selection, tuple(rows), grid_cmp,
                      tuple(ms))


def thresholds(model: Any, variable: str = "c", *, base: Scenario | None = None
               ) -> tuple[Threshold, ...]:
    """Closed-form bounds on ``variable`` under which the profile the model labels
    ``alignment`` is an equilibrium, one per player and deviation (linear conditions
    only; others are left out). Directions are decided at ``base`` (default scenario).
    """
    smap = scenario_map(model)
    base = base or make_scenario()
    var = VARIABLES[variable].symbol
    subs = {model.game.symbols[p]: e for p, e in smap.parameters.items()}
    base_subs = {VARIABLES[k].symbol: sympy.Rational(v.numerator, v.denominator)
                 for k, v in base.values.items() if k != variable}
    out = []
    for label, pname in model.labels:
        if smap.outcomes.get(label) != "alignment":
            continue
        prof = model.profile(pname)
        for i, player in enumerate(model.game.players):
            for s in range(model.game.shape[i]):
                if s == prof[i]:
                    continue
                dev = prof[:i] + (s,) + prof[i + 1:]
                gain = substitute(model.game.payoffs[i][prof] - model.game.payoffs[i][dev], subs)
                if var not in gain.free_symbols or sympy.degree(sympy.expand(gain), var) != 1:
                    continue
                root = sympy.solve(sympy.Eq(gain, 0), var)
                slope = substitute(sympy.diff(gain, var), base_subs)
                if len(root) != 1 or not slope.is_number or slope == 0:
                    continue
                expr = sympy.simplify(root[0])
                out.append(Threshold(model.name, player, variable, expr,
                                     "below" if slope < 0 else "above"))
    return tuple(out)


def _region_name(theories: Sequence[str], outcomes: Sequence[str]) -> str:
    return ", ".join(f"{t}: {o}" for t, o in zip(theories, outcomes, strict=False))


def compare_grid(models: Sequence[Any], grid: Mapping[str, Any], *,
                 base: Scenario | Mapping[str, Any] | None = None,
                 selection: str | None = None) -> GridComparison:
    """Sweep every model over the product grid of two scenario variables (others at
    ``base``) and split the plane into regions by the models' outcomes."""
    from ..analysis.grid import points, product
    from ..analysis.sweep import sweep

    ms = [_load(m) for m in models]
    base_sc = base if isinstance(base, Scenario) else make_scenario(base or {}, name="base")
    axes = tuple(grid)
    if len(axes) != 2:
        raise ParameterError(f"grid: expected two scenario variables, got {list(axes)}")
    for ax in axes:
        if ax not in VARIABLES:
            raise ParameterError(f"grid: unknown scenario variable {ax!r} "
                                 f"(known: {', '.join(VARIABLES)})")
    plane = product(dict(grid))
    cols = {ax: plane.column(ax) for ax in axes}
    theories = _theories(ms)
    frame = pd.DataFrame({ax: cols[ax] for ax in axes})
    sweeps = []
    for m, thy in zip(ms, theories, strict=False):
        smap = scenario_map(m)
        fixed = model_values(m, base_sc, smap=smap)
        arrays: dict[str, Any] = {k: v for k, v in base_sc.values.items() if k not in axes and
                  not (k in PER_STATE and PER_STATE[k] in axes)}
        arrays = {k: np.full(plane.size, float(v)) for k, v in arrays.items()}
        arrays.update(cols)
        mapped = model_arrays(m, arrays, smap=smap)
        moving = set(axes) | {k for k, v in PER_STATE.items() if v in axes}
        varying = {p: a for p, a in mapped.items()
                   if {str(x) for x in smap.parameters[p].free_symbols} & moving}
        fixed = {p: v for p, v in fixed.items() if p not in varying}
        sw = sweep(m, points(varying), fixed=fixed, selection=selection, progress=False)
        sweeps.append(sw)
        labels = sw.table["label"].astype(str).to_numpy()
        undecided = ~sw.table["selected"].astype(bool).to_numpy()
        frame[f"{thy}_label"] = np.where(undecided, "undecided", labels)
        frame[f"{thy}_outcome"] = np.where(undecided, "undecided",
                                           [smap.outcomes.get(lab, "undecided")
                                            for lab in labels])
    outs = frame[[f"{t}_outcome" for t in theories]].to_numpy()
    frame["agree"] = [len(set(r)) == 1 and "undecided" not in r for r in outs]
    frame["region"] = [_region_name(theories, r) for r in outs]
    ths = tuple(th for m in ms for th in thresholds(m, axes[0], base=base_sc))
    return GridComparison(tuple(m.name for m in ms), theories, axes, base_sc, frame, ths,
                          tuple(sweeps))
