"""Scenarios: one point of the world that every theory reads in its own terms.

To compare two theories they must be asked about the *same* situation. A scenario
(``docs/models.md`` section 4) is a point of shared variables: the patron's commitment
``c``, the intensity ``t`` of the common threat (Walt's ``tau = t``), each state's
exposure ``x``, entrapment ``y`` and cost of obligations ``k`` (symmetric, or per
state ``x_A``, ``x_B``, ...), Cha's free-riding share ``phi`` and Walt's balancing
cost ``k_W``, autonomy cost ``a``, sparing probability ``theta`` and coalition
strengths ``mu_1 <= mu_2``. Each model file declares in its ``[scenario]`` table how
it maps the scenario onto its own parameters, and how its labels map onto the
common outcomes ``alignment`` / ``no_alignment``::

    [scenario]
    parameters = { tau = "t", c = "c", k_A = "k_W", ... }
    outcomes = { alliance = "alignment", bandwagon = "no_alignment", ... }

Per-state variables default to the symmetric one: ``make_scenario(x=0.8)`` sets
``x_A = x_B = 0.8`` unless they are given.

>>> s = make_scenario(c="0.3", x_A="0.8")
>>> s.values["c"], s.values["x_A"], s.values["x_B"]
(Fraction(3, 10), Fraction(4, 5), Fraction(1, 1))
>>> from qa_games import load_model
>>> model_values(load_model("walt_balance_of_threat"), s)["tau"]
Fraction(1, 1)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import numpy as np
import sympy

from ..errors import ModelError, ParameterError
from ..games.expressions import parse_expression
from ..games.parameter import Interval, Parameter, exact_values
from ..games.vectorize import lambdify_safe

__all__ = [
    "VARIABLES",
    "OUTCOMES",
    "ALIGNMENTS",
    "PER_STATE",
    "Scenario",
    "ScenarioMap",
    "make_scenario",
    "scenario_map",
    "model_values",
    "model_arrays",
    "common_outcome",
]

#: The common outcomes both theories' labels map onto; observed cases may also be "mixed".
OUTCOMES = ("alignment", "no_alignment")
#: The finer vocabulary every model's labels map onto (``[scenario] alignment``), so that
#: the theories are compared on the same variable: the two states align with each other,
#: stay apart under their patron, or accommodate the threat.
ALIGNMENTS = ("bilateral_alignment", "distance_under_patron", "bandwagoning")


def _p(name: str, domain: str, default: str, description: str) -> Parameter:
    return Parameter(name, Interval.parse(domain), Fraction(default), description)


_VARS = [
    _p("c", "[0, 1]", "1/2", "the patron's commitment: the probability it defends the partners"),
    _p("t", "[0, 10]", "1", "intensity of the common threat (Walt's tau = t)"),
    _p("x", "(0, 4]", "1", "exposure: a state's loss facing the threat alone (both states)"),
    _p("y", "[0, 4]", "1/5", "entrapment exposure per unit of threat (both states)"),
    _p("k", "[0, 4]", "1/10", "cost of obligations to the partner: history, domestic opposition"),
    _p("phi", "[0, 1)", "1/5", "share of a partner's unreciprocated insurance a state keeps"),
    _p("k_W", "[0, 4]", "3/10", "cost of balancing (Walt)"),
    _p("a", "[0, 4]", "1/10", "cost of bandwagoning: lost autonomy (Walt)"),
    _p("theta", "[0, 1]", "1/5", "probability the threatening state spares a bandwagoner"),
    _p("mu_1", "[0, 1]", "1/10", "success of balancing without the patron, one balancer"),
    _p("mu_2", "[0, 1]", "3/10", "success of balancing without the patron, two balancers"),
]
#: Per-state variables and the symmetric variable they default to.
PER_STATE = {f"{v}_{s}": v for v in ("x", "y", "k") for s in ("A", "B")}
for _name, _sym in PER_STATE.items():
    _base = next(p for p in _VARS if p.name == _sym)
    _VARS.append(Parameter(_name, _base.domain, _base.default,
                           f"{_base.description.split(' (both')[0]}, state {_name[-1]}"))

#: Every scenario variable: name -> Parameter (domain, default, description).
VARIABLES: Mapping[str, Parameter] = MappingProxyType({p.name: p for p in _VARS})
_SYMBOLS = {name: p.symbol for name, p in VARIABLES.items()}


@dataclass(frozen=True)
class Scenario:
    """A complete point of the scenario variables (every variable has a value)."""

    values: Mapping[str, Fraction]
    name: str = ""

    def __getitem__(self, name: str) -> Fraction:
        return self.values[name]

    def replace(self, **values: Any) -> Scenario:
        """A copy with some variables changed (per-state ones follow a changed symmetric one
        unless they were set apart)."""
        given = {k: v for k, v in self.values.items()
                 if not (k in PER_STATE and PER_STATE[k] in values and k not in values)}
        given.update(values)
        return make_scenario(given, name=self.name)

    def __str__(self) -> str:
        shown = ", ".join(f"{k}={_fmt(self.values[k])}" for k in ("c", "t"))
        return f"{self.name or 'scenario'} ({shown})"


def _fmt(x: Fraction) -> str:
    return str(x) if x.denominator == 1 else f"{float(x):g}"


def _check_names(names: Any, *, where: str) -> None:
    unknown = [n for n in names if n not in VARIABLES]
    if unknown:
        raise ParameterError(f"{where}: unknown scenario variable {unknown[0]!r} "
                             f"(known: {', '.join(VARIABLES)})")


def make_scenario(values: Mapping[str, Any] | None = None, *, name: str = "",
                  **kw: Any) -> Scenario:
    """A checked :class:`Scenario`: defaults for missing variables, exact values in domain.

    >>> make_scenario(z=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qa_games.errors.ParameterError: scenario: unknown scenario variable 'z' (known: c, t, ...)
    """
    given = dict(values or {})
    given.update(kw)
    where = f"scenario {name!r}" if name else "scenario"
    _check_names(given, where=where)
    out: dict[str, Fraction] = {}
    for vname, p in VARIABLES.items():
        if vname in given:
            try:
                out[vname] = p.check(given[vname])
            except ParameterError as exc:
                raise ParameterError(f"{where}: {exc}") from None
        elif vname in PER_STATE:
            out[vname] = out[PER_STATE[vname]]
        else:
            out[vname] = p.default
    if out["mu_1"] > out["mu_2"]:
        raise ParameterError(f"{where}: mu_1={_fmt(out['mu_1'])} must be <= "
                             f"mu_2={_fmt(out['mu_2'])}")
    return Scenario(MappingProxyType(out), name)


@dataclass(frozen=True)
class ScenarioMap:
    """How one model reads a scenario: parameter -> expression in scenario variables,
    and model label -> common outcome."""

    model: str
    parameters: Mapping[str, sympy.Expr] = field(default_factory=dict)
    outcomes: Mapping[str, str] = field(default_factory=dict)
    alignment: Mapping[str, str] = field(default_factory=dict)  # label -> ALIGNMENTS

    @property
    def variables(self) -> tuple[str, ...]:
        """The scenario variables this model reads."""
        used = set().union(*(e.free_symbols for e in self.parameters.values())) \
            if self.parameters else set()
        return tuple(n for n in VARIABLES if _SYMBOLS[n] in used)


def scenario_map(model: Any) -> ScenarioMap:
    """Parse ``model.raw["scenario"]``; ModelError naming the file and key when malformed."""
    where = f"{model.path.name if model.path else model.name}: scenario"
    table = model.raw.get("scenario")
    if not isinstance(table, Mapping):
        raise ModelError(f"{where}: model {model.name!r} has no [scenario] table "
                         f"(it cannot be compared on scenarios)")
    unknown = set(table) - {"parameters", "outcomes", "alignment"}
    if unknown:
        raise ModelError(f"{where}: unknown keys {sorted(unknown)} "
                         f"(known: alignment, outcomes, parameters)")
    ptable = table.get("parameters")
    if not isinstance(ptable, Mapping) or not ptable:
        raise ModelError(f"{where}.parameters: expected a table parameter = \"expression\"")
    params: dict[str, sympy.Expr] = {}
    for pname, text in ptable.items():
        at = f"{where}.parameters.{pname}"
        if pname not in model.game.parameter_names:
            raise ModelError(f"{at}: {pname!r} is not a parameter of {model.name} "
                             f"(known: {', '.join(model.game.parameter_names)})")
        if not isinstance(text, str):
            raise ModelError(f"{at}: expected an expression string, got {text!r}")
        params[pname] = parse_expression(text, _SYMBOLS, where=at)
    otable = table.get("outcomes", {})
    if not isinstance(otable, Mapping):
        raise ModelError(f"{where}.outcomes: expected a table label = \"outcome\"")
    outcomes: dict[str, str] = {}
    for label in model.label_names:
        if label not in otable:
            raise ModelError(f"{where}.outcomes: label {label!r} has no common outcome "
                             f"(one of {', '.join(OUTCOMES)})")
    for label, out in otable.items():
        if label not in model.label_names:
            raise ModelError(f"{where}.outcomes.{label}: not a label of {model.name} "
                             f"(known: {', '.join(model.label_names)})")
        if out not in OUTCOMES:
            raise ModelError(f"{where}.outcomes.{label}: {out!r} is not a common outcome "
                             f"(known: {', '.join(OUTCOMES)})")
        outcomes[label] = out
    atable = table.get("alignment", {})
    if not isinstance(atable, Mapping):
        raise ModelError(f"{where}.alignment: expected a table label = \"alignment\"")
    alignment: dict[str, str] = {}
    for label, out in atable.items():
        if label not in model.label_names:
            raise ModelError(f"{where}.alignment.{label}: not a label of {model.name} "
                             f"(known: {', '.join(model.label_names)})")
        if out not in ALIGNMENTS:
            raise ModelError(f"{where}.alignment.{label}: {out!r} is not one of "
                             f"{', '.join(ALIGNMENTS)}")
        alignment[label] = out
    if alignment and set(alignment) != set(model.label_names):
        missing = sorted(set(model.label_names) - set(alignment))
        raise ModelError(f"{where}.alignment: labels {missing} have no alignment "
                         f"(give every label one, or none)")
    return ScenarioMap(model.name, MappingProxyType(params), MappingProxyType(outcomes),
                       MappingProxyType(alignment))


def _as_scenario(scenario: Scenario | Mapping[str, Any]) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else make_scenario(scenario)


def model_values(model: Any, scenario: Scenario | Mapping[str, Any], *,
                 smap: ScenarioMap | None = None) -> dict[str, Fraction]:
    """The model's parameter values at ``scenario`` (exact; unmapped ones keep defaults).

    Raises ParameterError naming the model, the scenario and the parameter when a
    mapped value leaves the parameter's domain.
    """
    sc = _as_scenario(scenario)
    smap = smap or scenario_map(model)
    subs = {_SYMBOLS[k]: sympy.Rational(v.numerator, v.denominator)
            for k, v in sc.values.items()}
    out = exact_values(smap.parameters, subs, context=f"{model.name} at {sc}")
    try:
        return model.values(out)
    except ParameterError as exc:
        raise ParameterError(f"{model.name} at {sc}: {exc}") from None


def model_arrays(model: Any, arrays: Mapping[str, Any], *,
                 smap: ScenarioMap | None = None) -> dict[str, np.ndarray]:
    """Vectorised :func:`model_values`: scenario variables as 1-d arrays (others at their
    defaults, per-state ones following the symmetric arrays) -> model parameter arrays.

    >>> from qa_games import load_model
    >>> model_arrays(load_model("walt_balance_of_threat"), {"t": [0.5, 1.0]})["tau"].tolist()
    [0.5, 1.0]
    """
    _check_names(arrays, where="scenario grid")
    smap = smap or scenario_map(model)
    cols = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in arrays.items()}
    n = max((a.size for a in cols.values()), default=1)
    full = {}
    for name, p in VARIABLES.items():
        if name in cols:
            full[name] = np.broadcast_to(cols[name], (n,))
        elif name in PER_STATE and PER_STATE[name] in cols:
            full[name] = np.broadcast_to(cols[PER_STATE[name]], (n,))
        else:
            full[name] = np.full(n, float(p.default))
    names = tuple(VARIABLES)
    fn = lambdify_safe([_SYMBOLS[k] for k in names], list(smap.parameters.values()))
    raw = fn(*(full[k] for k in names))
    return {p: np.broadcast_to(np.asarray(r, dtype=float), (n,)).copy()
            for p, r in zip(smap.parameters, raw, strict=False)}


def common_outcome(model: Any, label: str, *, smap: ScenarioMap | None = None) -> str:
    """The common outcome (``alignment`` / ``no_alignment``) of one of the model's labels."""
    smap = smap or scenario_map(model)
    try:
        return smap.outcomes[label]
    except KeyError:
        raise ModelError(f"{model.name}: label {label!r} has no common outcome") from None
