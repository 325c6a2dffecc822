"""Bayesian game model files (``kind = "bayesian"``): types with a common prior.

A Bayesian game (Harsanyi 1967-68) has players ``i``, a finite type set ``T_i`` each,
a common prior ``p`` over type profiles, action sets ``A_i`` and payoffs
``u_i(t, a)``. The file declares them with expressions in parameters, read by the
whitelist parser (never ``eval``)::

    [model]
    kind = "bayesian"
    name = "commitment_doubt"
    players = ["A", "P"]

    [parameters]
    q = { domain = "[0, 1]", default = 0.5 }

    [types]                              # each player's types (one type: no private info)
    A = ["normal"]
    P = ["committed", "wavering"]

    [prior]                              # probability of each type profile; they must sum
    "normal,committed" = "q"             # to 1 and be >= 0 on the domain (profiles not
    "normal,wavering" = "1 - q"          # listed have probability 0)

    [actions]
    A = ["stand", "yield"]
    P = ["defend", "abandon"]

    [payoffs."normal,committed"]         # per type profile: action profile = [u_A, u_P]
    "stand,defend" = ["2", "1"]
    ...

:mod:`qa_games.solvers.bayesian` turns it into the game tree with a chance root (the
Harsanyi transformation) and into the agent form, and finds Bayesian Nash equilibria.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

import sympy

from qa_games.errors import GameError, ModelError, ParameterError
from qa_games.games.parameter import check_constraints

__all__ = ["BayesianModel", "parse_bayesian_model"]


@dataclass(frozen=True, eq=False)
class BayesianModel:
    """A Bayesian game: ``prior[type profile]`` and ``payoffs[type profile][action
    profile]`` (tuples of sympy expressions), indexed by tuples of indices."""

    name: str
    title: str
    players: tuple[str, ...]
    types: tuple[tuple[str, ...], ...]
    actions: tuple[tuple[str, ...], ...]
    prior: Mapping[tuple[int, ...], sympy.Expr]
    payoffs: Mapping[tuple[int, ...], Mapping[tuple[int, ...], tuple[sympy.Expr, ...]]]
    parameters: tuple[Any, ...] = ()
    constraints: tuple[sympy.Basic, ...] = ()
    description: str = ""
    sources: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    path: Path | None = None
    sha256: str = ""

    @property
    def kind(self) -> str:
        return "bayesian"

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def type_profiles(self) -> list[tuple[int, ...]]:
        return list(itertools.product(*(range(len(t)) for t in self.types)))

    def values(self, values: Mapping[str, Any] | None = None, **kw: Any) -> dict[str, Fraction]:
        """Defaults overridden by ``values``, checked against domains and constraints."""
        given = dict(values or {})
        given.update(kw)
        by_name = {p.name: p for p in self.parameters}
        out = {p.name: p.default for p in self.parameters}
        for k, v in given.items():
            if k not in by_name:
                raise ParameterError(f"{self.name}: unknown parameter {k!r} "
                                     f"(known: {', '.join(by_name) or 'none'})")
            out[k] = by_name[k].check(v)
        check_constraints(self.constraints, out, context=f"{self.name}: ")
        return out

    def __repr__(self) -> str:
        return f"<BayesianModel {self.name!r}: {self.title}>"


def _profile(key: str, sets: tuple[tuple[str, ...], ...], what: str, at: str) -> tuple[int, ...]:
    parts = [s.strip() for s in str(key).split(",")]
    if len(parts) != len(sets):
        raise ModelError(f"{at}: {key!r} must name one {what} per player "
                         f"({len(sets)}, comma-separated)")
    out = []
    for i, (name, opts) in enumerate(zip(parts, sets, strict=True)):
        if name not in opts:
            raise ModelError(f"{at}: unknown {what} {name!r} of player {i + 1} "
                             f"(known: {', '.join(opts)})")
        out.append(opts.index(name))
    return tuple(out)


def parse_bayesian_model(data: Mapping[str, Any], *, where: str, path: Path | None = None,
                         sha256: str = "") -> BayesianModel:
    """Build a :class:`BayesianModel` from a parsed ``kind = "bayesian"`` model file."""
    from ..games.expressions import parse_condition, parse_expression
    from ..games.limits import check_labels
    from ..games.tree import check_probabilities
    from .normal_form import parse_parameters

    known = {"model", "parameters", "types", "prior", "actions", "payoffs"}
    unknown = set(data) - known
    if unknown:
        raise ModelError(f"{where}: unknown tables {sorted(unknown)} "
                         f"(known: {', '.join(sorted(known))})")
    meta = data.get("model")
    if not isinstance(meta, dict) or not isinstance(meta.get("name"), str):
        raise ModelError(f"{where}: missing [model] table with a name")
    players = meta.get("players")
    if not isinstance(players, list) or not players or \
            not all(isinstance(p, str) and p for p in players) or len(set(players)) != len(players):
        raise ModelError(f"{where}: model.players: expected a list of distinct names")
    players = check_labels(players, where=f"{where}: model.players", error=ModelError)
    params = parse_parameters(data["parameters"], f"{where}: parameters") \
        if "parameters" in data else ()
    names = {p.name: p.symbol for p in params}

    def sets(table: str) -> tuple[tuple[str, ...], ...]:
        t = data.get(table)
        if not isinstance(t, dict):
            raise ModelError(f"{where}: missing [{table}] table (one list per player)")
        out = []
        for p in players:
            v = t.get(p)
            if not isinstance(v, list) or not v or not all(isinstance(x, str) and x for x in v) \
                    or len(set(v)) != len(v):
                raise ModelError(f"{where}: {table}.{p}: expected a non-empty list of distinct "
                                 f"names")
            out.append(check_labels(v, where=f"{where}: {table}.{p}", error=ModelError))
        extra = set(t) - set(players)
        if extra:
            raise ModelError(f"{where}: {table}: unknown players {sorted(extra)}")
        return tuple(out)

    types, actions = sets("types"), sets("actions")
    prior_t = data.get("prior")
    if not isinstance(prior_t, dict) or not prior_t:
        raise ModelError(f"{where}: missing [prior] table (probability of each type profile)")
    prior: dict[tuple[int, ...], sympy.Expr] = {}
    for key, text in prior_t.items():
        prof = _profile(key, types, "type", f"{where}: prior")
        prior[prof] = parse_expression(text, names, where=f"{where}: prior.{key!r}")
    for prof in itertools.product(*(range(len(t)) for t in types)):
        prior.setdefault(prof, sympy.Integer(0))
    order = sorted(prior)
    try:
        check_probabilities([prior[k] for k in order], [",".join(
            types[i][t] for i, t in enumerate(k)) for k in order], params, "the prior")
    except GameError as exc:
        raise ModelError(f"{where}: prior: {exc}") from None
    pay_t = data.get("payoffs")
    if not isinstance(pay_t, dict):
        raise ModelError(f"{where}: missing [payoffs] table")
    payoffs: dict[tuple[int, ...], dict[tuple[int, ...], tuple[sympy.Expr, ...]]] = {}
    for key, table in pay_t.items():
        tprof = _profile(key, types, "type", f"{where}: payoffs")
        if not isinstance(table, dict):
            raise ModelError(f"{where}: payoffs.{key!r}: expected a table of action profiles")
        row: dict[tuple[int, ...], tuple[sympy.Expr, ...]] = {}
        for akey, vals in table.items():
            at = f"{where}: payoffs.{key!r}.{akey!r}"
            aprof = _profile(akey, actions, "action", at)
            if not isinstance(vals, list) or len(vals) != len(players):
                raise ModelError(f"{at}: expected a list of {len(players)} payoffs")
            row[aprof] = tuple(parse_expression(v, names, where=f"{at}[{k}]")
                               for k, v in enumerate(vals))
        payoffs[tprof] = row
    for tprof in order:
        label = ",".join(types[i][t] for i, t in enumerate(tprof))
        if tprof not in payoffs:
            if prior[tprof] == 0:
                continue
            raise ModelError(f"{where}: payoffs: missing type profile {label!r}")
        for aprof in itertools.product(*(range(len(a)) for a in actions)):
            if aprof not in payoffs[tprof]:
                alabel = ",".join(actions[i][a] for i, a in enumerate(aprof))
                raise ModelError(f"{where}: payoffs.{label!r}: missing action profile "
                                 f"{alabel!r}")
    constraints = tuple(parse_condition(text, names, where=f"{where}: model.constraints[{k}]")
                        for k, text in enumerate(meta.get("constraints", [])))
    return BayesianModel(
        name=meta["name"], title=str(meta.get("title", meta["name"])), players=players,
        types=types, actions=actions, prior=MappingProxyType(prior),
        payoffs=MappingProxyType({k: MappingProxyType(v) for k, v in payoffs.items()}),
        parameters=tuple(params), constraints=constraints,
        description=str(meta.get("description", "")).strip(),
        sources=tuple(str(s) for s in meta.get("sources", [])),
        raw=MappingProxyType(dict(data)), path=path, sha256=sha256)
