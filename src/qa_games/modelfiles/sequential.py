"""Sequential games: a leader moves first, then the followers play a normal-form game.

A :class:`SequentialModel` is a two-stage game of perfect information at the first
stage: the leader (the patron) picks an action ``a``; each action leads to a
subgame, a normal-form model (e.g. Cha's game) at parameter values that depend on
``a``; the leader's payoff is an expression of the parameters and of the subgame's
outcome: ``pr_<profile>`` is the probability of one of the subgame's named pure
profiles, ``u_<player>`` a follower's expected payoff.

A *subgame-perfect equilibrium* (Selten 1965, 1975) is a strategy profile that
induces a Nash equilibrium in every subgame. :func:`backward_induction` computes
them: every subgame is solved exactly (:func:`qa_games.solve.solve`, all extreme
equilibria), the stated selection rule (:func:`qa_games.selection.select`) picks
the followers' equilibrium in each subgame (with ``"all"``, or when the rule cannot
decide, every equilibrium stays a candidate), and for every combination of the
subgames' candidates (a *plan*) every leader action maximising its payoff gives one
SPE. The result equals a brute-force search over all plans (see the tests).

Model files declare ``kind = "sequential"`` (format in ``models/patron_sequential.toml``).

>>> from qa_games.model import load_model
>>> m = load_model("patron_sequential")
>>> sol = backward_induction(m, {"t": 1})
>>> [(e.action, e.label) for e in sol.equilibria]
[('weak', 'cooperation')]

Sources: Reinhard Selten, "Reexamination of the perfectness concept for equilibrium
points in extensive games", *International Journal of Game Theory* 4, 1975; the
patron's game is ``models.md`` section 2.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import sympy

from .errors import ModelError, ParameterError, SolverError
from .expr import check_name, parse_condition, parse_expression
from .game import Game
from .parameter import Parameter, exact_values
from .selection import check_rule, select
from .solve import Equilibrium, Solution, solve

__all__ = [
    "Action",
    "SequentialModel",
    "Subgame",
    "SubgamePerfectEquilibrium",
    "SequentialSolution",
    "backward_induction",
    "parse_sequential_model",
    "simultaneous_form",
    "MAX_PLANS",
]

#: Largest number of plans (combinations of subgame equilibria) enumerated.
MAX_PLANS = 100_000


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
    subgame: Any  # a qa_games.model.Model
    parameters: tuple[Parameter, ...]
    leader_payoff: sympy.Expr
    constraints: tuple[sympy.Basic, ...] = ()
    selection: str = "payoff_dominance"
    theory: str = ""
    description: str = ""
    sources: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    path: Path | None = None
    propositions: tuple[Any, ...] = ()  # qa_games.propositions (choice(action) thresholds)
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
        subs = _subs(out)
        for rel in self.constraints:
            if rel.xreplace(subs) is not sympy.true:
                shown = ", ".join(f"{s}={out[str(s)]}" for s in
                                  sorted(rel.free_symbols, key=str))
                raise ParameterError(f"{self.name}: constraint {rel} fails at {shown}")
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
        subs = _subs(vals)
        out: dict[str, Any] = {p: vals[p] for p in self.subgame.game.parameter_names
                               if p in vals and p not in act.sets}
        out.update(exact_values(act.sets, subs,
                                context=f"{self.name}: action {act.name} sets"))
        try:
            return self.subgame.values(out)
        except ParameterError as exc:
            raise ParameterError(f"{self.name}: after action {act.name}: {exc}") from None

    def __repr__(self) -> str:
        return f"<SequentialModel {self.name!r}: {self.title}>"


def _subs(vals: Mapping[str, Fraction]) -> dict[sympy.Symbol, sympy.Rational]:
    return {sympy.Symbol(k, real=True): sympy.Rational(v.numerator, v.denominator)
            for k, v in vals.items()}


@dataclass(frozen=True, eq=False)
class Subgame:
    """One subgame after a leader action: its solution and the followers' candidates."""

    action: str
    values: Mapping[str, Fraction]
    solution: Solution
    candidates: tuple[Equilibrium, ...]  # what the selection rule leaves
    undecided: bool  # the rule could not single one out: every equilibrium stays
    leader_payoffs: tuple[Any, ...]  # one per candidate (Fraction when exact)
    labels: tuple[str, ...]  # the subgame model's label of each candidate


@dataclass(frozen=True)
class SubgamePerfectEquilibrium:
    """The leader's action and a plan: which candidate equilibrium each subgame plays."""

    action: str
    plan: tuple[int, ...]  # index into Subgame.candidates, one per action (model order)
    leader_payoff: Any
    outcome: Equilibrium  # the followers' equilibrium on the path of play
    label: str  # the subgame model's label of the outcome


@dataclass(frozen=True, eq=False)
class SequentialSolution:
    """What :func:`backward_induction` found: every subgame and every SPE."""

    model: SequentialModel
    values: Mapping[str, Fraction]
    selection: str
    subgames: tuple[Subgame, ...]
    equilibria: tuple[SubgamePerfectEquilibrium, ...]

    @property
    def choices(self) -> tuple[str, ...]:
        """The leader's actions chosen in some SPE (model order)."""
        chosen = {e.action for e in self.equilibria}
        return tuple(a.name for a in self.model.actions if a.name in chosen)

    def subgame(self, action: str) -> Subgame:
        for s in self.subgames:
            if s.action == action:
                return s
        raise ParameterError(f"unknown action {action!r}")


def _outcome_names(sub: Any) -> dict[str, sympy.Symbol]:
    names = {f"pr_{p}": sympy.Symbol(f"pr_{p}", real=True) for p in sub.profiles}
    names.update({f"u_{pl}": sympy.Symbol(f"u_{pl}", real=True) for pl in sub.game.players})
    return names


def _number(x: Any) -> sympy.Expr:
    if isinstance(x, (Fraction, int)):
        x = Fraction(x)
        return sympy.Rational(x.numerator, x.denominator)
    return sympy.Float(float(x))


def _leader_payoff(model: SequentialModel, vals: Mapping[str, Fraction],
                   sub_vals: Mapping[str, Fraction], eq: Equilibrium) -> Any:
    sub = model.subgame
    probs = eq.exact if eq.exact is not None else eq.profile
    pays = eq.exact_payoffs if eq.exact_payoffs is not None else eq.payoffs
    subs = _subs({**vals, **sub_vals})
    for pname, idx in sub.profiles.items():
        pr = 1
        for i, s in enumerate(idx):
            pr = pr * probs[i][s]
        subs[sympy.Symbol(f"pr_{pname}", real=True)] = _number(pr)
    for pl, u in zip(sub.game.players, pays, strict=False):
        subs[sympy.Symbol(f"u_{pl}", real=True)] = _number(u)
    val = model.leader_payoff.xreplace(subs)
    if val.is_Rational:
        return Fraction(int(val.p), int(val.q))
    if not val.is_number:
        raise SolverError(f"{model.name}: leader payoff {model.leader_payoff} is not a "
                          f"number here ({val})")
    return float(val)


def backward_induction(model: SequentialModel, values: Mapping[str, Any] | None = None, *,
                       selection: str | None = None) -> SequentialSolution:
    """Every subgame-perfect equilibrium of ``model`` at ``values`` (defaults for the rest).

    ``selection`` (default: the model's) is applied in each subgame; ``"all"`` keeps
    every extreme equilibrium of each subgame, so every SPE built from them is reported.
    """
    rule = check_rule(selection or model.selection)
    vals = model.values(values)
    subgames = []
    for act in model.actions:
        sub_vals = model.subgame_values(act, vals)
        sol = solve(model.subgame.at(sub_vals))
        chosen = select(sol, rule) if rule != "all" else None
        cands = (chosen,) if chosen is not None else tuple(sol.equilibria)
        undecided = chosen is None and len(cands) > 1
        pays = tuple(_leader_payoff(model, vals, sub_vals, e) for e in cands)
        labels = tuple(model.subgame.label_of(e.pure_profile) for e in cands)
        subgames.append(Subgame(act.name, MappingProxyType(sub_vals), sol, cands, undecided,
                                pays, labels))
    n_plans = 1
    for s in subgames:
        n_plans *= len(s.candidates)
    if n_plans > MAX_PLANS:
        raise SolverError(f"{model.name}: {n_plans} plans exceed MAX_PLANS={MAX_PLANS}")
    equilibria = []
    for plan in itertools.product(*(range(len(s.candidates)) for s in subgames)):
        plan_pays = [s.leader_payoffs[k] for s, k in zip(subgames, plan, strict=False)]
        best = max(plan_pays)
        for s, k, u in zip(subgames, plan, plan_pays, strict=False):
            if u == best if isinstance(best, Fraction) and isinstance(u, Fraction) \
                    else abs(float(u) - float(best)) <= 1e-9:
                equilibria.append(SubgamePerfectEquilibrium(
                    s.action, tuple(plan), u, s.candidates[k], s.labels[k]))
    return SequentialSolution(model, MappingProxyType(vals), rule, tuple(subgames),
                              tuple(equilibria))


def simultaneous_form(model: SequentialModel, values: Mapping[str, Any] | None = None) -> Game:
    """The normal form in which the leader moves *simultaneously* with the followers: its
    actions become strategies of an extra first player. Comparing its equilibria with
    :func:`backward_induction` shows what moving first buys the leader (patron-1).

    >>> from qa_games.model import load_model
    >>> from qa_games.solve import solve
    >>> g = simultaneous_form(load_model("patron_sequential"))
    >>> [g.profile_names(e.pure_profile) for e in solve(g).equilibria]
    [('strong', 'distance', 'distance')]
    """
    vals = model.values(values)
    sub = model.subgame
    games = [sub.at(model.subgame_values(a, vals)) for a in model.actions]
    shape = (len(model.actions), *sub.game.shape)
    arrays = [np.empty(shape, dtype=object) for _ in range(1 + sub.game.n_players)]
    for k, act in enumerate(model.actions):
        sub_vals = model.subgame_values(act, vals)
        for prof in games[k].profiles():
            pure = tuple(tuple(Fraction(int(i == s)) for i in range(m))
                         for s, m in zip(prof, sub.game.shape, strict=False))
            eq = Equilibrium(tuple(tuple(float(p) for p in s) for s in pure), pure,
                             tuple(float(u) for u in games[k].payoff(prof)),
                             tuple(Fraction(u) for u in games[k].payoff(prof))
                             if games[k].exact else None)
            ix = (k, *prof)  # a named tuple index: mypy misreads [(a, *b)] as 3.11 syntax
            arrays[0][ix] = _leader_payoff(model, vals, sub_vals, eq)
            for i, u in enumerate(games[k].payoff(prof)):
                arrays[i + 1][ix] = u
    return Game.from_arrays(*arrays, players=(model.leader, *sub.game.players),
                            strategies=(tuple(a.name for a in model.actions),
                                        *sub.game.strategies),
                            title=f"{model.title} (simultaneous)")


# -- files ----------------------------------------------------------------------------

def _need(table: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise ModelError(f"{where}: missing key {key!r}")
    if not isinstance(table[key], kind):
        raise ModelError(f"{where}.{key}: expected {kind.__name__}, "
                         f"got {type(table[key]).__name__}")
    return table[key]


def _load_subgame(ref: str, path: Path | None, where: str) -> Any:
    from .model import Model, load_model

    candidate = (path.parent / ref) if path is not None and ref.endswith(".toml") else None
    try:
        sub = load_model(candidate if candidate is not None and candidate.is_file() else ref)
    except ModelError as exc:
        raise ModelError(f"{where}: model.subgame: {exc}") from None
    if not isinstance(sub, Model):
        raise ModelError(f"{where}: model.subgame: {ref!r} must be a normal-form model")
    return sub


def parse_sequential_model(data: Mapping[str, Any], *, where: str, path: Path | None = None,
                           sha256: str = "") -> SequentialModel:
    """Build a :class:`SequentialModel` from a parsed ``kind = "sequential"`` model file."""
    from .model import SELECTIONS, parse_parameters

    known = {"model", "parameters", "actions", "leader", "outcomes", "propositions"}
    unknown = set(data) - known
    if unknown:
        raise ModelError(f"{where}: unknown tables {sorted(unknown)} "
                         f"(known: {', '.join(sorted(known))})")
    meta = _need(data, "model", dict, where)
    name = _need(meta, "name", str, f"{where}: model")
    sub = _load_subgame(_need(meta, "subgame", str, f"{where}: model"), path, where)
    own = parse_parameters(data.get("parameters"), f"{where}: parameters")
    own_names = {p.name for p in own}
    atable = _need(data, "actions", dict, where)
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
    ltable = _need(data, "leader", dict, where)
    leader = _need(ltable, "name", str, f"{where}: leader")
    pay_names = dict(names)
    pay_names.update({p.name: p.symbol for p in sub.parameters})
    pay_names.update(_outcome_names(sub))
    payoff = parse_expression(_need(ltable, "payoff", str, f"{where}: leader"), pay_names,
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
    if "propositions" in data:  # the theory's claims as data (qa_games.propositions)
        from dataclasses import replace

        from .propositions import parse_propositions

        model = replace(model, propositions=tuple(
            parse_propositions(data["propositions"], model, where=f"{where}: propositions")))
    return model
