"""Models: a symbolic game read from a model file, with its theory's vocabulary.

A model file (``models/*.toml``) declares a normal-form game whose payoffs are
expressions in named parameters, plus what a theory needs to talk about it:
derived quantities (``Delta_A = (1 - phi) * a_A - e_A``), named pure profiles
(``mutual_cooperation``), the labels a theory predicts (``cooperation`` when the
selected equilibrium is ``mutual_cooperation``), the default equilibrium
selection, and its propositions as data. The files document their own format
by example; every expression goes through the whitelist parser of
:mod:`qa_games.games.expressions`, never ``eval``.

>>> from qa_games import load_model
>>> m = load_model("cha_quasi_alliance")
>>> m.name, m.game.players, m.parameter("c").domain.__str__()
('cha_quasi_alliance', ('A', 'B'), '[0, 1]')
>>> m.at(c=0).payoff((0, 0))
(Fraction(7, 10), Fraction(7, 10))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import sympy

from ..errors import ModelError, ParameterError
from ..games import display
from ..games.exact_eval import exact_function, substitute
from ..games.expressions import check_name, parse_condition, parse_expression
from ..games.limits import MAX_PLAYERS, LimitError, check_label, check_labels, check_shape
from ..games.normal_form import Game, SymbolicGame
from ..games.parameter import Interval, Parameter, to_fraction
from .files import need

__all__ = ["Model", "parse_model", "parse_parameters", "SELECTIONS"]

SELECTIONS = ("all", "payoff_dominance", "risk_dominance")


@dataclass(frozen=True, eq=False)
class Model:
    """A theory's game with its parameters, derived quantities, labels and propositions."""

    name: str
    title: str
    game: SymbolicGame
    theory: str = ""
    description: str = ""
    sources: tuple[str, ...] = ()
    derived: Mapping[str, sympy.Expr] = field(default_factory=dict)
    profiles: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    labels: tuple[tuple[str, str], ...] = ()  # (label, profile name), first match wins
    otherwise: str = "other"
    selection: str = "payoff_dominance"
    propositions: tuple[Any, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)
    path: Path | None = None
    sha256: str = ""

    # -- parameters -------------------------------------------------------------
    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return self.game.parameters

    def parameter(self, name: str) -> Parameter:
        return self.game.parameter(name)

    def defaults(self) -> dict[str, Fraction]:
        return self.game.defaults()

    def values(self, values: Mapping[str, Any] | None = None, **kw: Any) -> dict[str, Fraction]:
        """Checked parameter values: defaults overridden by ``values``."""
        return self.game.values(values, **kw)

    def at(self, values: Mapping[str, Any] | None = None, **kw: Any) -> Game:
        """The numeric game at these values (defaults for the rest)."""
        return self.game.at(values, **kw)

    @property
    def names(self) -> dict[str, sympy.Basic]:
        """Every name an expression about this model may use: parameters and derived."""
        out: dict[str, sympy.Basic] = dict(self.game.symbols)
        out.update(self.derived)
        return out

    def expression(self, text: str, *, where: str = "") -> sympy.Expr:
        """Parse an expression over this model's parameters and derived quantities."""
        return parse_expression(text, self.names, where=where or self.name)

    def condition(self, text: str, *, where: str = "") -> sympy.Basic:
        """Parse a condition over this model's parameters and derived quantities."""
        return parse_condition(text, self.names, where=where or self.name)

    def evaluate(self, name_or_expr: str | sympy.Expr, values: Mapping[str, Any] | None = None,
                 **kw: Any) -> sympy.Expr:
        """A derived quantity (or expression) at parameter values, exactly when possible
        (in Fractions where the expression allows: :mod:`qa_games.games.exact_eval`)."""
        expr = self.derived.get(name_or_expr) if isinstance(name_or_expr, str) else name_or_expr
        if expr is None:
            expr = self.expression(str(name_or_expr))
        vals = self.values(values, **kw)
        fast = exact_function(expr)
        if fast is not None:
            try:
                value = fast(vals)
            except (ZeroDivisionError, KeyError):  # undefined here, or a name that is not
                pass  # a parameter: sympy's answer (zoo, nan, the expression) stands
            else:
                if isinstance(value, bool):
                    return sympy.true if value else sympy.false
                value = Fraction(value)
                return sympy.Rational(value.numerator, value.denominator)
        subs = {self.game.symbols[k]: sympy.Rational(v.numerator, v.denominator)
                for k, v in vals.items()}
        return substitute(expr, subs)

    # -- outcomes ---------------------------------------------------------------
    def profile(self, name: str) -> tuple[int, ...]:
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(self.profiles) or "none"
            raise ModelError(f"{self.name}: unknown profile {name!r} (known: {known})") from None

    def label_of(self, pure_profile: tuple[int, ...] | None) -> str:
        """The theory's label for a selected pure profile (``otherwise`` for mixed/None)."""
        if pure_profile is not None:
            for label, pname in self.labels:
                if self.profiles[pname] == tuple(pure_profile):
                    return label
        return self.otherwise

    @property
    def label_names(self) -> tuple[str, ...]:
        names = [lab for lab, _ in self.labels]
        return tuple(dict.fromkeys(names + [self.otherwise]))

    def to_latex(self, values: Mapping[str, Any] | None = None, *, caption: str | None = None,
                 label: str | None = None) -> str:
        """The payoff matrix as a booktabs LaTeX table: symbolic, or exact at ``values``
        (:func:`qa_games.modelfiles.latex.payoff_matrix_latex`)."""
        from .latex import payoff_matrix_latex

        return payoff_matrix_latex(self, values, caption=caption, label=label)

    def substitute(self, name: str, expression: str) -> Model:
        """A copy in which parameter ``name`` is replaced by ``expression`` (e.g. Walt's
        ``tau`` by the derived ``threat_index``); the parameter disappears.

        >>> from qa_games import load_model
        >>> w = load_model("walt_balance_of_threat").substitute("tau", "threat_index")
        >>> "tau" in w.game.parameter_names
        False
        """
        self.parameter(name)
        sym = self.game.symbols[name]
        repl = self.expression(expression, where=f"{self.name}: substitute {name}")
        if sym in repl.free_symbols:
            raise ModelError(f"{self.name}: {expression!r} depends on {name} itself")
        params = tuple(p for p in self.parameters if p.name != name)
        payoffs = tuple(np.vectorize(lambda e: e.xreplace({sym: repl}), otypes=[object])(a)
                        for a in self.game.payoffs)
        game = SymbolicGame(self.game.players, self.game.strategies, payoffs, params,
                            tuple(c.xreplace({sym: repl}) for c in self.game.constraints),
                            self.game.title)
        derived = {k: v.xreplace({sym: repl}) for k, v in self.derived.items()}
        return replace(self, game=game, derived=MappingProxyType(derived),
                       name=f"{self.name}[{name}={expression}]")

    def __repr__(self) -> str:
        return display.short(f"<Model {self.name!r}: {self.title}>")

    def _repr_html_(self) -> str:
        """Notebook display: parameters (domain, default), payoff matrix, derived, labels."""
        params = display.html_table(
            ["parameter", "domain", "default", "description"],
            [[p.name, str(p.domain), p.default, p.description] for p in self.parameters],
            max_rows=100)
        derived = display.html_table(["derived", "expression"],
                                     [[k, str(v)] for k, v in self.derived.items()],
                                     max_rows=100) if self.derived else ""
        strategies = self.game.strategies
        labels = [[lab, pname, ", ".join(strategies[i][k]
                                         for i, k in enumerate(self.profiles[pname]))]
                  for lab, pname in self.labels]
        labels.append([self.otherwise, "otherwise", "any other selected equilibrium"])
        note = (f"{self.name} · theory {self.theory or '-'} · selection {self.selection} · "
                f"{len(self.propositions)} propositions")
        return display.section(
            self.title, params, "<p>Payoffs</p>", display.payoff_matrix_html(self.game),
            derived, display.html_table(["label", "profile", "strategies"], labels),
            note=note)


def _str_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ModelError(f"{where}: expected a list of strings, got {value!r}")
    return tuple(value)


def _name_list(value: Any, where: str) -> tuple[str, ...]:
    """A list of names (players, strategies): strings held to :func:`check_labels`."""
    return check_labels(_str_list(value, where), where=where, error=ModelError)


def parse_parameters(table: Any, where: str) -> tuple[Parameter, ...]:
    """Parse a ``[parameters]`` table: ``name = {domain, default, description}``."""
    if not isinstance(table, dict) or not table:
        raise ModelError(f"{where}: expected a table of parameters")
    params = []
    for name, spec in table.items():
        at = f"{where}.{name}"
        check_name(name, where=at)
        if not isinstance(spec, dict):
            raise ModelError(f"{at}: expected a table {{domain, default, description}}")
        unknown = set(spec) - {"domain", "default", "description", "unit"}
        if unknown:
            raise ModelError(f"{at}: unknown keys {sorted(unknown)}")
        try:
            domain = Interval.parse(need(spec, "domain", str, at))
        except ValueError as exc:
            raise ModelError(f"{at}.domain: {exc}") from None
        try:
            default = to_fraction(need(spec, "default", (int, float, str), at), name=name)
            params.append(Parameter(name, domain, default, str(spec.get("description", ""))))
        except ParameterError as exc:
            raise ModelError(f"{at}: {exc}") from None
    return tuple(params)


def parse_model(data: Mapping[str, Any], *, where: str, path: Path | None = None,
                sha256: str = "") -> Model:
    """Build a :class:`Model` from a parsed model file (a dict)."""
    known_tables = {"model", "parameters", "derived", "payoffs", "profiles", "outcomes",
                    "propositions", "scenario", "sweep"}
    unknown = set(data) - known_tables
    if unknown:
        raise ModelError(f"{where}: unknown tables {sorted(unknown)} "
                         f"(known: {', '.join(sorted(known_tables))})")
    meta = need(data, "model", dict, where)
    name = need(meta, "name", str, f"{where}: model")
    players = _name_list(need(meta, "players", list, f"{where}: model"),
                         f"{where}: model.players")
    if len(players) > MAX_PLAYERS:
        raise ModelError(f"{where}: model.players: {len(players)} players (at most "
                         f"{MAX_PLAYERS})")
    strategies_raw = need(meta, "strategies", list, f"{where}: model")
    if len(strategies_raw) != len(players):
        raise ModelError(f"{where}: model.strategies: expected one list per player "
                         f"({len(players)}), got {len(strategies_raw)}")
    try:
        check_shape([len(s) if isinstance(s, list) else 1 for s in strategies_raw],
                    players=len(players))
    except LimitError as exc:
        raise ModelError(f"{where}: model.strategies: {exc}") from None
    strategies = tuple(_name_list(s, f"{where}: model.strategies[{k}]")
                       for k, s in enumerate(strategies_raw))
    for k, s in enumerate(strategies):
        if not s or len(set(s)) != len(s) or any("," in x or not x.strip() for x in s):
            raise ModelError(f"{where}: model.strategies[{k}]: names must be distinct, "
                             f"non-empty and contain no comma, got {list(s)}")
    params = parse_parameters(data.get("parameters"), f"{where}: parameters")
    names: dict[str, sympy.Basic] = {p.name: p.symbol for p in params}

    derived: dict[str, sympy.Expr] = {}
    dtable = data.get("derived", {})
    if not isinstance(dtable, dict):
        raise ModelError(f"{where}: derived: expected a table name = \"expression\" (or "
                         f"name = {{ expression, description }})")
    for dname, text in dtable.items():
        at = f"{where}: derived.{dname}"
        check_name(dname, where=at)
        if isinstance(text, dict):  # { expression = "...", description = "..." }
            extra = set(text) - {"expression", "description"}
            if extra or not isinstance(text.get("description", ""), str):
                raise ModelError(f"{at}: expected \"expression\" or a table {{expression, "
                                 f"description}}, got keys {sorted(text)}")
            text = need(text, "expression", str, at)
        if dname in names:
            raise ModelError(f"{at}: {dname!r} is already a parameter or derived name")
        derived[dname] = parse_expression(text, names, where=at)
        names[dname] = derived[dname]

    constraints = []
    for k, text in enumerate(_str_list(meta.get("constraints", []),
                                       f"{where}: model.constraints")):
        constraints.append(parse_condition(text, names, where=f"{where}: model.constraints[{k}]"))

    shape = tuple(len(s) for s in strategies)
    payoffs = [np.empty(shape, dtype=object) for _ in players]
    seen = np.zeros(shape, dtype=bool)
    ptable = need(data, "payoffs", dict, where)
    for key, entry in ptable.items():
        at = f'{where}: payoffs."{key}"'
        parts = tuple(x.strip() for x in key.split(","))
        if len(parts) != len(players):
            raise ModelError(f"{at}: a profile names one strategy per player "
                             f"({len(players)}), got {len(parts)}")
        idx = []
        for i, s in enumerate(parts):
            if s not in strategies[i]:
                raise ModelError(f"{at}: unknown strategy {s!r} of {players[i]} "
                                 f"(known: {', '.join(strategies[i])})")
            idx.append(strategies[i].index(s))
        if not isinstance(entry, list) or len(entry) != len(players):
            raise ModelError(f"{at}: expected a list of {len(players)} payoffs, got {entry!r}")
        if seen[tuple(idx)]:
            raise ModelError(f"{at}: profile given twice")
        seen[tuple(idx)] = True
        for i, text in enumerate(entry):
            payoffs[i][tuple(idx)] = parse_expression(text, names, where=f"{at}[{i}]")
    if not seen.all():
        missing = tuple(int(i) for i in np.argwhere(~seen)[0])
        label = ",".join(strategies[i][s] for i, s in enumerate(missing))
        raise ModelError(f'{where}: payoffs: missing profile "{label}" '
                         f"(every pure profile needs payoffs)")
    game = SymbolicGame(players, strategies, tuple(payoffs), params, tuple(constraints),
                        str(meta.get("title", name)))

    profiles: dict[str, tuple[int, ...]] = {}
    ptable_named = data.get("profiles", {})
    if not isinstance(ptable_named, dict):
        raise ModelError(f"{where}: profiles: expected a table name = [strategies]")
    for pname, prof in ptable_named.items():
        at = f"{where}: profiles.{pname}"
        check_name(pname, where=at)
        prof = _str_list(prof, at)
        if len(prof) != len(players):
            raise ModelError(f"{at}: expected {len(players)} strategies, got {list(prof)}")
        idx = []
        for i, sname in enumerate(prof):
            if sname not in strategies[i]:
                raise ModelError(f"{at}: unknown strategy {sname!r} of {players[i]}")
            idx.append(strategies[i].index(sname))
        profiles[pname] = tuple(idx)

    outcomes = data.get("outcomes", {})
    if not isinstance(outcomes, dict):
        raise ModelError(f"{where}: outcomes: expected a table")
    selection = outcomes.get("selection", "payoff_dominance")
    if selection not in SELECTIONS:
        raise ModelError(f"{where}: outcomes.selection: unknown rule {selection!r} "
                         f"(known: {', '.join(SELECTIONS)})")
    labels = []
    ltable = outcomes.get("labels", {})
    if not isinstance(ltable, dict):
        raise ModelError(f"{where}: outcomes.labels: expected a table label = \"profile name\", "
                         f"got {type(ltable).__name__}")
    for label, pname in ltable.items():
        if not isinstance(pname, str):
            raise ModelError(f"{where}: outcomes.labels.{label}: expected a profile name "
                             f"(a string), got {type(pname).__name__}")
        if pname not in profiles:
            raise ModelError(f"{where}: outcomes.labels.{label}: unknown profile {pname!r} "
                             f"(known: {', '.join(profiles) or 'none'})")
        labels.append((label, pname))
    otherwise = outcomes.get("otherwise", "other")
    check_label(otherwise, where=f"{where}: outcomes.otherwise", what="label", error=ModelError)

    sources = meta.get("sources", [])
    model = Model(
        name=name,
        title=str(meta.get("title", name)),
        game=game,
        theory=str(meta.get("theory", "")),
        description=str(meta.get("description", "")).strip(),
        sources=_str_list(sources, f"{where}: model.sources"),
        derived=MappingProxyType(derived),
        profiles=MappingProxyType(profiles),
        labels=tuple(labels),
        otherwise=otherwise,
        selection=selection,
        raw=MappingProxyType(dict(data)),
        path=path,
        sha256=sha256,
    )
    props = data.get("propositions")
    if props is not None:
        from .propositions import parse_propositions

        model = replace(model, propositions=tuple(
            parse_propositions(props, model, where=f"{where}: propositions")))
    return model
