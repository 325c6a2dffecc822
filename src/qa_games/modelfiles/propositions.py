"""Propositions as data: a theory's claims as records that both the prover and the tests read.

A theory is a set of claims. Each claim of a model file is a ``[[propositions]]``
record: an ``id``, the verbal ``claim``, its ``source``, and one or more formal
*statements* in a small declared vocabulary (Axelrod's ``classifier`` habit:
properties as data). A proposition holds when all its statements hold.

Kinds of statement (each names an equilibrium ``selection``):

``monotonicity``
    ``outcome`` is weakly (``strict = true``: strictly) ``increasing`` or
    ``decreasing`` in ``parameter`` on ``region``: for any two points of the region
    that differ only in ``parameter``, the outcome moves in that direction.
``threshold``
    the boolean ``outcome`` holds iff ``condition``, at every point of ``region``.
``uniqueness``
    the equilibrium set is exactly the pure profiles ``equilibria`` (mixed
    equilibria included) at every point of ``region``.
``invariance``
    ``outcome`` does not depend on ``parameter`` on ``region``.

Outcomes: an expression over parameters and derived quantities (``Delta_A``);
``holds(condition)``; ``equilibrium(profile)`` (the named pure profile is a Nash
equilibrium); ``best_reply(player, strategy, profile)`` (the strategy is a best
reply to the others' strategies in the profile); ``dominant(player, strategy)``
(strictly dominant); ``label(name)`` (the selected equilibrium carries the label);
``prob(player, strategy)`` (its probability in the selected equilibrium;
``selection = "mixed"`` is the completely mixed equilibrium of a 2x2 game).
Parameters are checked against the model: an unknown name or an ill-formed
statement is a :class:`~qa_games.errors.ModelError` naming the file and key.

>>> from qa_games import load_model
>>> p = load_model("cha_quasi_alliance").propositions[1]
>>> p.id, p.kind, p.outcome
('cha-2', 'threshold', 'equilibrium(mutual_cooperation)')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy

from ..errors import ModelError

__all__ = ["KINDS", "OUTCOME_FORMS", "Outcome", "Statement", "Proposition",
           "parse_propositions", "parse_statement"]

KINDS = ("monotonicity", "threshold", "uniqueness", "invariance")
DIRECTIONS = ("increasing", "decreasing")
STATEMENT_SELECTIONS = ("none", "all", "payoff_dominance", "risk_dominance", "mixed")
_GAME_FREE = ("expression", "holds", "best_reply", "dominant")  # selection "none" by default
OUTCOME_FORMS = ("expression", "holds", "equilibrium", "best_reply", "dominant", "label", "prob")
BOOLEAN_FORMS = ("holds", "equilibrium", "best_reply", "dominant", "label")
_CALL = re.compile(r"^\s*(holds|equilibrium|best_reply|dominant|label|prob)\s*\((.*)\)\s*$", re.S)
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
_STATEMENT_KEYS = {"kind", "outcome", "parameter", "direction", "strict", "region", "condition",
                   "equilibria", "selection"}
_PROPOSITION_KEYS = {"id", "claim", "source", "expected", "statements", "note"}


@dataclass(frozen=True)
class Outcome:
    """A parsed outcome: its ``form`` (one of :data:`OUTCOME_FORMS`) and arguments.

    ``expr`` is the sympy expression (``expression``) or condition (``holds``);
    ``player``/``strategy`` are indices; ``profile`` a pure profile; ``name`` a label.
    """

    text: str
    form: str
    expr: Any = None
    player: int | None = None
    strategy: int | None = None
    profile: tuple[int, ...] | None = None
    profile_name: str = ""
    name: str = ""

    @property
    def is_boolean(self) -> bool:
        return self.form in BOOLEAN_FORMS


@dataclass(frozen=True)
class Statement:
    """One formal statement (see the module docstring for the vocabulary)."""

    kind: str
    outcome: str = ""
    parameter: str | None = None
    direction: str | None = None
    strict: bool = False
    region: str = "True"
    condition: str | None = None
    equilibria: tuple[str, ...] = ()
    selection: str = "payoff_dominance"
    parsed: Outcome | None = field(default=None, compare=False, repr=False)
    region_expr: Any = field(default=sympy.true, compare=False, repr=False)
    condition_expr: Any = field(default=None, compare=False, repr=False)

    def formal(self) -> str:
        """The statement as one line of text.

        >>> Statement("invariance", "Delta_A", parameter="k_B", selection="none").formal()
        'Delta_A does not depend on k_B (on: True; selection: none)'
        """
        if self.kind == "monotonicity":
            how = ("strictly " if self.strict else "weakly ") + str(self.direction)
            body = f"{self.outcome} is {how} in {self.parameter}"
        elif self.kind == "threshold":
            body = f"{self.outcome} holds iff {self.condition}"
        elif self.kind == "uniqueness":
            body = "the equilibrium set is exactly {" + ", ".join(self.equilibria) + "}"
        else:
            body = f"{self.outcome} does not depend on {self.parameter}"
        return f"{body} (on: {self.region}; selection: {self.selection})"


@dataclass(frozen=True)
class Proposition:
    """A claim of a theory: id, verbal claim, source and formal statements (all must hold).

    ``expected`` is ``"true"`` for a claim of the theory and ``"false"`` for a
    statement recorded as known to be false (a documented counterexample).
    """

    id: str
    claim: str
    source: str
    statements: tuple[Statement, ...]
    expected: str = "true"
    note: str = ""

    @property
    def kind(self) -> str:
        kinds = dict.fromkeys(s.kind for s in self.statements)
        return "+".join(kinds)

    @property
    def outcome(self) -> str:
        return self.statements[0].outcome

    @property
    def parameter(self) -> str | None:
        return self.statements[0].parameter

    @property
    def direction(self) -> str | None:
        return self.statements[0].direction

    @property
    def region(self) -> str:
        return self.statements[0].region

    @property
    def selection(self) -> str:
        return self.statements[0].selection


def _fail(where: str, msg: str) -> ModelError:
    return ModelError(f"{where}: {msg}")


def _player(model: Any, text: str, where: str) -> int:
    players = model.game.players
    if text not in players:
        raise _fail(where, f"unknown player {text!r} (known: {', '.join(players)})")
    return players.index(text)


def _strategy(model: Any, player: int, text: str, where: str) -> int:
    strategies = model.game.strategies[player]
    if text not in strategies:
        raise _fail(where, f"unknown strategy {text!r} of {model.game.players[player]} "
                           f"(known: {', '.join(strategies)})")
    return strategies.index(text)


def _profile(model: Any, text: str, where: str) -> tuple[int, ...]:
    if text not in model.profiles:
        known = ", ".join(model.profiles) or "none"
        raise _fail(where, f"unknown profile {text!r} (known: {known})")
    return tuple(model.profiles[text])


def parse_outcome(text: Any, model: Any, *, where: str) -> Outcome:
    """Parse an outcome text against ``model`` (see the module docstring)."""
    if not isinstance(text, str) or not text.strip():
        raise _fail(where, f"expected an outcome string, got {text!r}")
    m = _CALL.match(text)
    if m is None:
        return Outcome(text, "expression", expr=model.expression(text, where=where))
    form, inner = m.group(1), m.group(2)
    if form == "holds":
        return Outcome(text, form, expr=model.condition(inner, where=where))
    args = [a.strip() for a in inner.split(",")]
    want = {"equilibrium": 1, "label": 1, "dominant": 2, "prob": 2, "best_reply": 3}[form]
    if len(args) != want or not all(args):
        raise _fail(where, f"{form}() takes {want} argument(s), got {inner!r}")
    if form == "equilibrium":
        return Outcome(text, form, profile=_profile(model, args[0], where), profile_name=args[0])
    if form == "label":
        if args[0] not in model.label_names:
            raise _fail(where, f"unknown label {args[0]!r} (known: {', '.join(model.label_names)})")
        return Outcome(text, form, name=args[0])
    player = _player(model, args[0], where)
    strategy = _strategy(model, player, args[1], where)
    if form == "best_reply":
        return Outcome(text, form, player=player, strategy=strategy,
                       profile=_profile(model, args[2], where), profile_name=args[2])
    return Outcome(text, form, player=player, strategy=strategy)


def _text(raw: Mapping[str, Any], key: str, where: str, *, default: Any = None) -> Any:
    value = raw.get(key, default)
    if value is not None and not isinstance(value, str):
        raise _fail(f"{where}.{key}", f"expected a string, got {value!r}")
    return value


def _default_selection(raw: Mapping[str, Any], model: Any) -> str:
    text = raw.get("outcome")
    if raw.get("kind") == "uniqueness" or (isinstance(text, str) and "equilibrium(" in text):
        return "all"
    if isinstance(text, str) and not re.match(r"^\s*(label|prob)\s*\(", text):
        return "none"
    return str(model.selection)


def parse_statement(raw: Any, model: Any, *, where: str) -> Statement:
    """Parse and check one statement table against ``model``."""
    if not isinstance(raw, Mapping):
        raise _fail(where, f"expected a table with a 'kind', got {raw!r}")
    unknown = set(raw) - _STATEMENT_KEYS
    if unknown:
        known = ", ".join(sorted(_STATEMENT_KEYS))
        raise _fail(where, f"unknown keys {sorted(unknown)} (known: {known})")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise _fail(f"{where}.kind", f"{kind!r} is not a kind (known: {', '.join(KINDS)})")
    selection = _text(raw, "selection", where, default=_default_selection(raw, model))
    if selection not in STATEMENT_SELECTIONS:
        raise _fail(f"{where}.selection", f"unknown rule {selection!r} "
                                          f"(known: {', '.join(STATEMENT_SELECTIONS)})")
    region = _text(raw, "region", where, default="True")
    region_expr = model.condition(region, where=f"{where}.region")
    strict = raw.get("strict", False)
    if not isinstance(strict, bool):
        raise _fail(f"{where}.strict", f"expected true or false, got {strict!r}")
    parameter = _text(raw, "parameter", where)
    direction = _text(raw, "direction", where)
    condition = _text(raw, "condition", where)
    outcome_text = _text(raw, "outcome", where, default="")
    equilibria_raw = raw.get("equilibria", [])
    parsed = None
    condition_expr = None
    needs = {"monotonicity": ("outcome", "parameter", "direction"),
             "threshold": ("outcome", "condition"),
             "uniqueness": ("equilibria",),
             "invariance": ("outcome", "parameter")}[kind]
    for key in needs:
        if not raw.get(key):
            raise _fail(where, f"a {kind} statement needs {key!r}")
    forbidden = {"monotonicity": ("condition", "equilibria"),
                 "threshold": ("parameter", "direction", "equilibria", "strict"),
                 "uniqueness": ("outcome", "parameter", "direction", "condition", "strict"),
                 "invariance": ("direction", "condition", "equilibria", "strict")}[kind]
    for key in forbidden:
        if key in raw:
            raise _fail(f"{where}.{key}", f"not used by a {kind} statement")
    if parameter is not None and parameter not in model.game.parameter_names:
        raise _fail(f"{where}.parameter", f"unknown parameter {parameter!r} "
                                          f"(known: {', '.join(model.game.parameter_names)})")
    if direction is not None and direction not in DIRECTIONS:
        raise _fail(f"{where}.direction", f"{direction!r} is not one of {', '.join(DIRECTIONS)}")
    if outcome_text:
        parsed = parse_outcome(outcome_text, model, where=f"{where}.outcome")
        if strict and parsed.is_boolean:
            raise _fail(f"{where}.strict", f"{outcome_text!r} is yes/no: it can only move "
                                           "weakly (drop 'strict')")
        if kind == "threshold" and not parsed.is_boolean:
            raise _fail(f"{where}.outcome", f"a threshold needs a yes/no outcome "
                                            f"({', '.join(BOOLEAN_FORMS)}), got {outcome_text!r}")
        if selection == "none" and parsed.form not in _GAME_FREE:
            raise _fail(f"{where}.selection", f"{outcome_text!r} depends on the equilibrium "
                                              "chosen: name a selection other than 'none'")
        if parsed.form == "prob" and selection == "mixed" and model.game.shape != (2, 2):
            raise _fail(f"{where}.selection", "'mixed' (the completely mixed equilibrium) "
                                              "needs a 2x2 game")
    if condition is not None:
        condition_expr = model.condition(condition, where=f"{where}.condition")
    equilibria: tuple[str, ...] = ()
    if kind == "uniqueness":
        if not isinstance(equilibria_raw, list) or \
                not all(isinstance(e, str) for e in equilibria_raw):
            raise _fail(f"{where}.equilibria", f"expected a list of profile names, "
                                               f"got {equilibria_raw!r}")
        for e in equilibria_raw:
            _profile(model, e, f"{where}.equilibria")
        if selection != "all":
            raise _fail(f"{where}.selection", "a uniqueness statement is about the whole "
                                              "equilibrium set: use selection = \"all\"")
        equilibria = tuple(equilibria_raw)
    return Statement(kind, outcome_text, parameter, direction, strict, region, condition,
                     equilibria, selection, parsed, region_expr, condition_expr)


def check_header(raw_list: Any, where: str) -> Any:
    """Yield ``(index, raw, id, where, statement tables)`` for each proposition record,
    after checking what every proposition has (id, claim, source, expected)."""
    if not isinstance(raw_list, Sequence) or isinstance(raw_list, str):
        raise _fail(where, "expected an array of tables [[propositions]]")
    seen: set[str] = set()
    for k, raw in enumerate(raw_list):
        at = f"{where}[{k}]"
        if not isinstance(raw, Mapping):
            raise _fail(at, f"expected a table, got {raw!r}")
        pid = raw.get("id")
        if not isinstance(pid, str) or not _ID.match(pid):
            raise _fail(f"{at}.id", f"expected an id such as 'cha-1', got {pid!r}")
        at = f"{where}[{k}] ({pid})"
        if pid in seen:
            raise _fail(f"{at}.id", f"duplicate id {pid!r}")
        seen.add(pid)
        inline = set(raw) & _STATEMENT_KEYS
        unknown = set(raw) - _PROPOSITION_KEYS - _STATEMENT_KEYS
        if unknown:
            raise _fail(at, f"unknown keys {sorted(unknown)}")
        claim = _text(raw, "claim", at)
        _text(raw, "source", at, default="")
        if not claim:
            raise _fail(at, "missing 'claim' (the verbal claim)")
        expected = raw.get("expected", "true")
        if expected not in ("true", "false"):
            raise _fail(f"{at}.expected", f"expected \"true\" or \"false\", got {expected!r}")
        if "statements" in raw:
            if inline:
                raise _fail(at, f"give the statement inline or in 'statements', not both "
                                f"(inline keys: {sorted(inline)})")
            items = raw["statements"]
            if not isinstance(items, list) or not items:
                raise _fail(f"{at}.statements", "expected a non-empty array of tables")
        else:
            if not inline:
                raise _fail(at, "missing the formal statement ('kind' and its keys, "
                                "or 'statements')")
            items = [{key: raw[key] for key in inline}]
        yield k, raw, pid, at, items


def parse_propositions(raw_list: Any, model: Any, *, where: str) -> list[Proposition]:
    """Parse a model file's ``[[propositions]]`` array against ``model``.

    A proposition gives its statement inline (``kind = ...`` and the keys of that
    kind) or as ``statements = [{...}, ...]``. (A sequential model's statements are
    thresholds on ``choice(action)``: :mod:`qa_games.modelfiles.leader_propositions`.)
    """
    out: list[Proposition] = []
    for _, raw, pid, at, items in check_header(raw_list, where):
        inline = "statements" not in raw
        statements = tuple(
            parse_statement(s, model, where=at if inline else f"{at}.statements[{j}]")
            for j, s in enumerate(items))
        out.append(Proposition(pid, str(raw["claim"]).strip(),
                               str(raw.get("source", "")).strip(), statements,
                               raw.get("expected", "true"), str(raw.get("note", "")).strip()))
    return out
