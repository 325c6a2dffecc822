"""Propositions of a sequential model: thresholds on which action the leader chooses.

A sequential model's ``[[propositions]]`` (:mod:`qa_games.modelfiles.sequential`) are
``threshold`` statements whose outcome is ``choice(action)``: on a region, the action
is the leader's choice in some subgame-perfect equilibrium exactly when a condition
holds. This module reads them into the records of
:mod:`qa_games.modelfiles.propositions`; :mod:`qa_games.verify.leader` proves them.

>>> from qa_games import load_model
>>> [s.outcome for p in load_model("patron_sequential").propositions for s in p.statements][:1]
['choice(weak)']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import ModelError
from ..games.expressions import parse_condition
from .propositions import check_header

__all__ = ["parse_leader_propositions", "leader_names"]

_CHOICE = re.compile(r"^\s*choice\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$")


def leader_names(model: Any) -> dict[str, Any]:
    """Names a statement may use: the model's parameters and the subgame's derived
    quantities that no action changes (e.g. Cha's ``c_star``)."""
    names: dict[str, Any] = {p.name: p.symbol for p in model.parameters}
    own = set(names)
    for name, expr in model.subgame.derived.items():
        if {str(s) for s in expr.free_symbols} <= own:
            names.setdefault(name, expr)
    return names


def parse_leader_propositions(raw_list: Any, model: Any, *, where: str) -> list[Any]:
    """Parse ``[[propositions]]`` of a sequential model: ``threshold`` statements whose
    outcome is ``choice(action)``."""
    from ..modelfiles.propositions import Outcome, Proposition, Statement

    names = leader_names(model)
    actions = [a.name for a in model.actions]
    out = []
    for _k, raw, pid, at, items in check_header(raw_list, where):
        statements = []
        for j, s in enumerate(items):
            sat = at if len(items) == 1 and "statements" not in raw else f"{at}.statements[{j}]"
            if not isinstance(s, Mapping):
                raise ModelError(f"{sat}: expected a table, got {s!r}")
            extra = set(s) - {"kind", "outcome", "condition", "region", "selection"}
            if extra:
                raise ModelError(f"{sat}: unknown keys {sorted(extra)} for a sequential model")
            if s.get("kind") != "threshold":
                raise ModelError(f"{sat}.kind: a sequential model's statements are "
                                 f"thresholds on choice(action), got {s.get('kind')!r}")
            m = _CHOICE.match(str(s.get("outcome", "")))
            if m is None or m.group(1) not in actions:
                raise ModelError(f"{sat}.outcome: expected choice(action) with an action of "
                                 f"{model.name} ({', '.join(actions)}), got {s.get('outcome')!r}")
            selection = s.get("selection", model.selection)
            if selection != model.selection:
                raise ModelError(f"{sat}.selection: the subgames use {model.selection!r}")
            region = s.get("region", "True")
            cond = s.get("condition")
            if not isinstance(cond, str) or not isinstance(region, str):
                raise ModelError(f"{sat}: 'condition' and 'region' must be condition strings")
            statements.append(Statement(
                "threshold", s["outcome"], region=region, condition=cond,
                selection=selection, parsed=Outcome(s["outcome"], "choice", name=m.group(1)),
                region_expr=parse_condition(region, names, where=f"{sat}.region"),
                condition_expr=parse_condition(cond, names, where=f"{sat}.condition")))
        out.append(Proposition(pid, str(raw["claim"]).strip(), str(raw.get("source", "")).strip(),
                               tuple(statements), raw.get("expected", "true"),
                               str(raw.get("note", "")).strip()))
    return out
