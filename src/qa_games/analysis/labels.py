"""Words for symbols: what each parameter, derived quantity and table column means.

Tables and figures for readers name things by what they are, not by code names. The
words come from the model file: each parameter's ``description``, each derived
quantity's ``description`` (``[derived] name = { expression, description }``), the
players' and strategies' names; a sweep's outcome columns (``p_A_cooperate``,
``u_B``, ``eq_mutual_cooperation``, ...) get fixed phrases built from them.

>>> from qa_games import load_model
>>> cha = load_model("cha_quasi_alliance")
>>> describe(cha, "c")
"the patron's commitment as perceived by both"
>>> column_label(cha, "p_A_cooperate"), column_label(cha, "label")
('Pr(A plays cooperate)', 'predicted outcome')
>>> axis_label(cha, "t")
'intensity of the common threat, t'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["describe", "full_description", "symbol_text", "column_label", "column_labels",
           "axis_label", "STYLES"]

#: ``--labels`` choices: code names (``short``) or words from the model file (``long``).
STYLES = ("short", "long")

_FIXED = {"n_equilibria": "number of equilibria", "degenerate": "degenerate game",
          "selected": "an equilibrium is selected", "selected_by": "selected by",
          "label": "predicted outcome", "equilibrium": "equilibrium number",
          "profile": "profile", "n_spe": "number of subgame-perfect equilibria",
          "choice": "the leader's choice", "leader_payoff": "the leader's payoff",
          "undecided_subgames": "subgames the rule cannot decide"}


def full_description(model: Any, name: str) -> str:
    """The model file's description of a parameter or derived quantity ("" if none)."""
    for p in getattr(model, "parameters", ()):
        if p.name == name:
            return " ".join(p.description.split())
    raw = getattr(model, "raw", {}) or {}
    entry = raw.get("derived", {}).get(name)
    if isinstance(entry, dict):
        return " ".join(str(entry.get("description", "")).split())
    sub = getattr(model, "subgame", None)
    return full_description(sub, name) if sub is not None else ""


def describe(model: Any, name: str) -> str:
    """A short phrase for ``name``: its description up to the first colon or
    parenthesis (the rest is detail), or ``name`` itself when the file describes none."""
    text = full_description(model, name)
    short = re.split(r":|\s\(|;", text)[0].strip()
    return short or name


def symbol_text(name: str) -> str:
    """A code name as a reader writes it: ``c_star_A`` -> ``c*_A``, ``Delta_A`` ->
    ``Δ_A``, ``tau`` -> ``τ``.

    >>> [symbol_text(n) for n in ("c_star", "c_star_A", "Delta_B", "tau_star_A", "phi", "x_A")]
    ['c*', 'c*_A', 'Δ_B', 'τ*_A', 'φ', 'x_A']
    """
    greek = {"Delta": "Δ", "tau": "τ", "phi": "φ", "theta": "θ", "mu": "μ", "sigma": "σ",
             "beta": "β", "kappa": "κ", "lam": "λ"}
    head, _, rest = name.partition("_")
    head = greek.get(head, head)
    if rest == "star" or rest.startswith("star_"):
        return head + "*" + rest[4:]
    return head + ("_" + rest if rest else "")


def column_label(model: Any, column: str) -> str:
    """A reader's header for a table column of ``model``'s sweep."""
    if column in _FIXED:
        return _FIXED[column]
    names = {p.name for p in getattr(model, "parameters", ())}
    if column in names:
        return f"{describe(model, column)} ({column})"
    game = getattr(model, "game", None)
    if game is not None:
        for i, player in enumerate(game.players):
            if column == f"u_{player}":
                return f"{player}'s expected payoff"
            for s in game.strategies[i]:
                if column == f"p_{player}_{s}":
                    return f"Pr({player} plays {s})"
        for prof in getattr(model, "profiles", {}):
            if column == f"eq_{prof}":
                return f"{prof.replace('_', ' ')} is an equilibrium"
    return column


def column_labels(model: Any, columns: Iterable[str]) -> dict[str, str]:
    """``{column: header}`` for every column (see :func:`column_label`)."""
    return {c: column_label(model, c) for c in columns}


def axis_label(model: Any, name: str) -> str:
    """An axis label: the parameter's short description and its symbol."""
    words = describe(model, name)
    return name if words == name else f"{words}, {name}"
