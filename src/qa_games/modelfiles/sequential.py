"""Sequential models: a leader moves first, then the followers play a normal-form game.

A :class:`SequentialModel` is a two-stage game of perfect information at the first
stage: the leader (the patron) picks an action ``a``; each action leads to a
subgame, a normal-form model (e.g. Cha's game) at parameter values that depend on
``a``; the leader's payoff is an expression of the parameters and of the subgame's
outcome: ``pr_<profile>`` is the probability of one of the subgame's named pure
profiles, ``u_<player>`` a follower's expected payoff. This module reads such model
files (``kind = "sequential"``, format in ``models/patron_sequential.toml``); the
solver is :func:`qa_games.solvers.backward_induction.backward_induction`.

>>> from qa_games import load_model
>>> m = load_model("patron_sequential")
>>> [a.name for a in m.actions], m.leader
(['weak', 'strong'], 'P')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

import sympy

from ..errors import ModelError, ParameterError
from ..games.expressions import check_name, parse_condition, parse_expression
from ..games.limits import check_label
from ..games.parameter import Parameter, check_constraints, exact_values
from .files import need, read_toml, resolve
from .normal_form import SELECTIONS, Model, parse_model, parse_parameters

__all__ = ["Action", "SequentialModel", "parse_sequential_model", "symbol_values",
           "outcome_names"]


@dataclass(frozen=True)
class Action:
    """One leader action: the subgame parameters it sets (expressions in the model's)."""

    name: str
    sets: Mapping[str, sympy.Expr]
    description: str = ""


@dataclass(frozen=True, eq=False)
class SequentialModel:
    """A leader's choice among actions, each followed by a normal-form subgame."""

    name: str
    title: str
    leader: str
    actions: tuple[Action, ...]
    subgame: Model
    parameters: tuple[Parameter, ...]
    leader_payoff: sympy.Expr
    constraints: tuple[sympy.Basic, ...] = ()
    selection: str = "payoff_dominance"
    theory: str = ""
    description: str = ""
    sources: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    path: Path | None = None
    propositions: tuple[Any, ...] = ()  # choice(action) thresholds (.leader_propositions)
    sha256: str = ""

    @property
    def kind(self) -> str:
        return "sequential"

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise ParameterError(f"{self.name}: unknown parameter {name!r} "
                             f"(known: {', '.join(self.parameter_names)})")

    def defaults(self) -> dict[str, Fraction]:
        return {p.name: p.default for p in self.parameters}

    def values(self, values: Mapping[str, Any] | None = None, **kw: Any) -> dict[str, Fraction]:
        """Defaults overridden by ``values``, each checked against its domain and the
        constraints."""
        given = dict(values or {})
        given.update(kw)
        out = self.defaults()
        for name, v in given.items():
            out[name] = self.parameter(name).check(v)
        check_constraints(self.constraints, out, context=f"{self.name}: ")
        return out

    def action(self, name: str) -> Action:
        for a in self.actions:
            if a.name == name:
                return a
        raise ParameterError(f"{self.name}: unknown action {name!r} "
                             f"(known: {', '.join(a.name for a in self.actions)})")

    def subgame_values(self, action: str | Action, values: Mapping[str, Any] | None = None,
                       ) -> dict[str, Fraction]:
        """The subgame's parameter values after ``action`` (checked by the subgame)."""
        act = action if isinstance(action, Action) else self.action(action)
        vals = self.values(values)
        out: dict[str, Any] = {p: vals[p] for p in self.subgame.game.parameter_names
                               if p in vals and p not in act.sets}
        out.update(exact_values(act.sets, None, values=vals,
                                context=f"{self.name}: action {act.name} sets"))
        try:
            return self.subgame.values(out)
        except ParameterError as exc:
            raise ParameterError(f"{self.name}: after action {act.name}: {exc}") from None

    def __repr__(self) -> str:
        return f"<SequentialModel {self.name!r}: {self.title}>"


def symbol_values(vals: Mapping[str, Fraction]) -> dict[sympy.Symbol, sympy.Rational]:
    """Exact values keyed by the (real) sympy symbols of their names."""
    return {sympy.Symbol(k, real=True): sympy.Rational(v.numerator, v.denominator)
            for k, v in vals.items()}


def outcome_names(sub: Any) -> dict[str, sympy.Symbol]:
    """The names a leader payoff may use for the subgame's outcome: ``pr_<profile>``,
    ``u_<player>``."""
    names = {f"pr_{p}": sympy.Symbol(f"pr_{p}", real=True) for p in sub.profiles}
    names.update({f"u_{pl}": sympy.Symbol(f"u_{pl}", real=True) for pl in sub.game.players})
    return names


# -- reading the file ---------------------------------------------------------------

def _load_subgame(ref: str, path: Path | None, where: str) -> Model:
    """The normal-form model named by ``model.subgame`` (a bundled name or a path, relative
    to the sequential file). A subgame must be a normal-form model: a sequential subgame
    (including the file itself) is refused, so references cannot loop."""
    import hashlib

    candidate = (path.parent / ref) if path is not None and ref.endswith(".toml") else None
    try:
        sub_path = candidate if candidate is not None and candidate.is_file() else resolve(ref)
        data, raw = read_toml(sub_path)
        meta = data.get("model")
        if not isinstance(meta, dict):
            raise ModelError(f"{sub_path}: missing [model] table (is this a model file?)")
        if meta.get("kind", "normal") != "normal":
            raise ModelError(f"{ref!r} must be a normal-form model "
                             f"(it is kind {meta.get('kind')!r})")
        return parse_model(data, where=str(sub_path), path=sub_path,
                           sha256=hashlib.sha256(raw).hexdigest())
    except ModelError as exc:
        raise ModelError(f"{where}: model.subgame: {exc}") from None


def parse_sequential_model(data: Mapping[str, Any], *, where: str, path: Path | None = None,
                           sha256: str = "") -> SequentialModel:
    """Build a :class:`SequentialModel` from a parsed ``kind = "sequential"`` model file."""

    known = {"model", "parameters", "actions", "leader", "outcomes", "propositions"}
    unknown = set(data) - known
    if unknown:
        raise ModelError(f"{where}: unknown tables {sorted(unknown)} "
                         f"(known: {', '.join(sorted(known))})")
    meta = need(data, "model", dict, where)
    name = need(meta, "name", str, f"{where}: model")
    sub = _load_subgame(need(meta, "subgame", str, f"{where}: model"), path, where)
    own = parse_parameters(data.get("parameters"), f"{where}: parameters")
    own_names = {p.name for p in own}
    atable = need(data, "actions", dict, where)
    if len(atable) < 1:
        raise ModelError(f"{where}: actions: the leader needs at least one action")
    set_by_all = set(sub.game.parameter_names)
    for spec in atable.values():
        set_by_all &= set(spec.get("sets", {})) if isinstance(spec, dict) else set()
    clash = own_names & set(sub.game.parameter_names)
    if clash:
        raise ModelError(f"{where}: parameters: {sorted(clash)} are parameters of the subgame "
                         f"{sub.name}; they are passed through, do not redeclare them")
    inherited = tuple(p for p in sub.parameters if p.name not in set_by_all)
    params = own + inherited
    names: dict[str, sympy.Basic] = {p.name: p.symbol for p in params}
    actions = []
    for aname, spec in atable.items():
        at = f"{where}: actions.{aname}"
        check_name(aname, where=at)
        if not isinstance(spec, dict) or not isinstance(spec.get("sets"), dict):
            raise ModelError(f"{at}: expected {{ sets = {{ parameter = \"expression\" }} }}")
        sets = {}
        for pname, text in spec["sets"].items():
            if pname not in sub.game.parameter_names:
                raise ModelError(f"{at}.sets.{pname}: not a parameter of {sub.name} "
                                 f"(known: {', '.join(sub.game.parameter_names)})")
            sets[pname] = parse_expression(text, names, where=f"{at}.sets.{pname}")
        actions.append(Action(aname, MappingProxyType(sets), str(spec.get("description", ""))))
    ltable = need(data, "leader", dict, where)
    leader = check_label(need(ltable, "name", str, f"{where}: leader"),
                         where=f"{where}: leader.name", error=ModelError)
    pay_names = dict(names)
    pay_names.update({p.name: p.symbol for p in sub.parameters})
    pay_names.update(outcome_names(sub))
    payoff = parse_expression(need(ltable, "payoff", str, f"{where}: leader"), pay_names,
                              where=f"{where}: leader.payoff")
    constraints = tuple(parse_condition(text, names, where=f"{where}: model.constraints[{k}]")
                        for k, text in enumerate(meta.get("constraints", [])))
    selection = data.get("outcomes", {}).get("selection", "payoff_dominance")
    if selection not in SELECTIONS:
        raise ModelError(f"{where}: outcomes.selection: unknown rule {selection!r} "
                         f"(known: {', '.join(SELECTIONS)})")
    model = SequentialModel(
        name=name, title=str(meta.get("title", name)), leader=leader, actions=tuple(actions),
        subgame=sub, parameters=params, leader_payoff=payoff, constraints=constraints,
        selection=selection, theory=str(meta.get("theory", "")),
        description=str(meta.get("description", "")).strip(),
        sources=tuple(str(s) for s in meta.get("sources", [])),
        raw=MappingProxyType(dict(data)), path=path, sha256=sha256)
    if "propositions" in data:  # the theory's claims as data (qa_games.modelfiles.propositions)
        from dataclasses import replace

        from .leader_propositions import parse_leader_propositions

        model = replace(model, propositions=tuple(
            parse_leader_propositions(data["propositions"], model, where=f"{where}: propositions")))
    return model
