"""``qa-games show MODEL``: what a model file declares, as a reader wants to see it.

For a normal-form model: its parameters (domain, default, description), derived
quantities (as written in the file), the payoff matrix (two players: rows are the first
player's strategies; more players: one line per profile), the named profiles, the labels
with the selection rule, and the propositions. With ``--set`` the numeric game at that
point is shown too, exactly. For a sequential model: its parameters, the leader's actions
and payoff, the subgame, and the propositions.
"""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from .common import add_set_option, parse_sets


def register(sub: Any) -> None:
    p = sub.add_parser(
        "show", help="a model's parameters, derived quantities, payoffs, labels, propositions",
        description="Print what a model file declares: parameters with domains and defaults, "
                    "derived quantities, the payoff matrix, the labels and selection rule, "
                    "and the propositions.",
        epilog="example: qa-games show cha_quasi_alliance --set c=0")
    p.add_argument("model", metavar="MODEL", help="a bundled model's name or a .toml path")
    add_set_option(p)
    p.set_defaults(func=run)


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(" ".join(text.split()), width=96, initial_indent=indent,
                         subsequent_indent=indent)


def _table(rows: list[list[str]], headers: list[str]) -> str:
    from .table import simple_table

    return simple_table(rows, headers)


def _parameters(params: Any) -> str:
    return _table([[p.name, str(p.domain), str(p.default), p.description] for p in params],
                  ["parameter", "domain", "default", "description"])


def _num(x: Any) -> str:
    from fractions import Fraction

    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    return f"{x:.6g}"


def _matrix(game: Any, cell: Any) -> str:
    """Two players: a matrix of ``cell(profile)``; else one line per profile."""
    import itertools

    if game.n_players == 2:
        rows = [[f"{game.players[0]}: {r}"] + [cell((i, j)) for j in range(game.shape[1])]
                for i, r in enumerate(game.strategies[0])]
        return _table(rows, [""] + [f"{game.players[1]}: {s}" for s in game.strategies[1]])
    rows = [[", ".join(game.strategies[i][k] for i, k in enumerate(prof)), cell(prof)]
            for prof in itertools.product(*(range(m) for m in game.shape))]
    return _table(rows, ["profile (" + ", ".join(game.players) + ")", "payoffs"])


def show_model(model: Any, sets: dict[str, str]) -> str:
    """The text ``qa-games show`` prints for a normal-form model."""
    game = model.game
    raw_pay = model.raw.get("payoffs", {})
    text_of = {}
    for key, entry in raw_pay.items():
        parts = tuple(x.strip() for x in key.split(","))
        idx = tuple(game.strategies[i].index(s) for i, s in enumerate(parts))
        text_of[idx] = entry
    out = [f"{model.name}: {model.title}",
           f"file: {model.path}" if model.path else "", ""]
    if model.description:
        out += [_wrap(model.description, ""), ""]
    out += [f"Players: {', '.join(game.players)}; strategies: "
            + "; ".join(f"{p}: {', '.join(s)}" for p, s in zip(game.players, game.strategies,
                                                               strict=True)), ""]
    out += ["Parameters", _parameters(model.parameters), ""]
    if game.constraints:
        out += ["Constraints: " + "; ".join(str(c) for c in game.constraints), ""]
    if model.derived:
        raw = model.raw.get("derived", {})

        def definition(n: str, e: Any) -> tuple[str, str]:
            entry = raw.get(n)
            if isinstance(entry, dict):
                return str(entry.get("expression", e)), str(entry.get("description", ""))
            return (entry if isinstance(entry, str) else str(e)), ""

        out += ["Derived quantities",
                _table([[n, *definition(n, e)] for n, e in model.derived.items()],
                       ["name", "definition", "description"]), ""]
    out += [f"Payoffs ({', '.join(game.players)})",
            _matrix(game, lambda prof: " ; ".join(text_of[prof])), ""]
    if sets:
        g = model.at(sets)
        vals = model.values(sets)
        out += ["At " + ", ".join(f"{k} = {_num(v)}" for k, v in vals.items() if k in sets)
                + " (others at their defaults)",
                _matrix(game, lambda prof: " ; ".join(_num(u) for u in g.payoff(prof))), ""]
    if model.profiles:
        out += ["Named profiles", _table(
            [[n, ", ".join(game.strategies[i][k] for i, k in enumerate(p))]
             for n, p in model.profiles.items()], ["profile", "strategies"]), ""]
    rule = model.selection.replace("_", " ")
    out += [f"Labels (selection: {rule}):"]
    out += [f"    {lab}: the selected equilibrium is {pname}" for lab, pname in model.labels]
    out += [f"    {model.otherwise}: any other selected equilibrium (mixed ones included)",
            "    undecided: the rule cannot choose between equilibria (no prediction)", ""]
    out += _propositions(model)
    return "\n".join(out).rstrip() + "\n"


def _propositions(model: Any) -> list[str]:
    if not model.propositions:
        return ["Propositions: none"]
    out = [f"Propositions ({len(model.propositions)}; verify with `qa-games verify "
           f"{model.name}`)"]
    for p in model.propositions:
        mark = "" if p.expected == "true" else " [recorded as known to be false]"
        out += [f"  {p.id}{mark}", _wrap(p.claim, "    ")]
    return out


def show_sequential(model: Any) -> str:
    """The text ``qa-games show`` prints for a sequential model."""
    out = [f"{model.name}: {model.title}", f"file: {model.path}" if model.path else "", ""]
    if model.description:
        out += [_wrap(model.description, ""), ""]
    out += [f"Leader {model.leader} moves first; then the subgame {model.subgame.name} is "
            f"played (selection: {model.selection.replace('_', ' ')}).", ""]
    out += ["Parameters (the leader's, then the subgame's passed through)",
            _parameters(model.parameters), ""]
    if model.constraints:
        out += ["Constraints: " + "; ".join(str(c) for c in model.constraints), ""]
    out += ["Actions", _table([[a.name, ", ".join(f"{k} = {v}" for k, v in a.sets.items()),
                                a.description] for a in model.actions],
                              ["action", "sets", "description"]), ""]
    out += [f"Leader's payoff: {model.raw.get('leader', {}).get('payoff', model.leader_payoff)}",
            ""]
    out += _propositions(model)
    return "\n".join(out).rstrip() + "\n"


def run(args: argparse.Namespace) -> int:
    from ..errors import ParameterError
    from ..modelfiles.loader import load_model
    from ..modelfiles.normal_form import Model

    sets = parse_sets(args.sets)
    model = load_model(args.model)
    from ..errors import UnsupportedGameError
    from ..modelfiles.sequential import SequentialModel

    if isinstance(model, Model):
        text = show_model(model, sets)
    elif not isinstance(model, SequentialModel):
        raise UnsupportedGameError(f"{model.name}: show prints normal-form and sequential "
                                   f"models; a {type(model).__name__} is solved by "
                                   f"`qa-games solve {args.model}`")
    else:
        if sets:
            raise ParameterError(f"--set: {model.name} is a sequential model; solve it with "
                                 "`qa-games sweep` or backward_induction()")
        text = show_sequential(model)
    print(text.replace("\n\n\n", "\n\n"), end="")
    return 0
