"""``qa-games solve GAME``: every Nash equilibrium of a model at parameter values,
or of a Gambit ``.nfg`` game, as a readable table or as JSON."""

from __future__ import annotations

import argparse
import json
from fractions import Fraction
from typing import Any

from ..errors import ParameterError
from ..solvers.selection import RULES, UNDECIDED
from .common import add_set_option, is_nfg, parse_sets

#: ``qa_games.solvers.solve.METHODS``, spelled out so that ``--help`` imports no solver
#: (tests/test_cli_verbs.py checks they are the same).
METHODS = ("auto", "vertex-exact", "pure", "vertex", "support", "lemke-howson")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "solve", help="every Nash equilibrium of a model or a .nfg game",
        description="Solve a bundled model (by name), a model file (path) or a Gambit .nfg "
                    "file: every Nash equilibrium of a 2-player game (every extreme one when "
                    "the game is degenerate), exact when the payoffs are rational.")
    p.add_argument("game", metavar="GAME", help="model name, model .toml path, or .nfg file")
    add_set_option(p)
    p.add_argument("--method", choices=METHODS, default="auto",
                   help="algorithm (default: auto, exact vertex enumeration)")
    p.add_argument("--selection", choices=RULES, default=None,
                   help="equilibrium selection for the model's label (default: the model's)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def load_game(target: str, sets: dict[str, str]) -> tuple[Any, Any]:
    """``(model or None, numeric game)`` for a model name/path or an .nfg file."""
    if is_nfg(target):
        from ..games.nfg import read_nfg

        if sets:
            raise ParameterError(f"--set: {target} is a .nfg game and has no parameters")
        import sys
        import warnings

        from ..games.nfg import RenamedLabels

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", RenamedLabels)
            game = read_nfg(target)
        for w in caught:
            if issubclass(w.category, RenamedLabels):
                print(f"qa-games solve: note: {w.message}", file=sys.stderr)
            else:  # pragma: no cover - nothing else warns here
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return None, game
    from ..modelfiles.loader import load_model
    from ..modelfiles.normal_form import Model

    model = load_model(target)
    if not isinstance(model, Model):
        raise ParameterError(f"{target}: a {type(model).__name__} is not a normal-form game; "
                             f"use the command made for it")
    return model, model.at(sets)


def _num(x: Any) -> str:
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    return f"{x:.6g}"


def _count(n: int) -> str:
    return "1 equilibrium" if n == 1 else f"{n} equilibria"


def run(args: argparse.Namespace) -> int:
    from tabulate import tabulate

    from ..solvers.selection import select
    from ..solvers.solve import solve

    sets = parse_sets(args.sets)
    model, game = load_game(args.game, sets)
    solution = solve(game, method=args.method)
    rule = args.selection or (model.selection if model is not None else "payoff_dominance")
    chosen = select(solution, rule)
    if args.json:
        # the contract of the README: the solution's keys, then the selection
        print(json.dumps(_json(solution, chosen, rule, model)))
        return 0
    if model is not None:
        vals = model.values(sets)
        shown = ", ".join(f"{k}={_num(v)}" for k, v in vals.items() if k in sets) or "defaults"
        print(f"{model.title}\n{model.name} at {shown}")
    else:
        print(game.title or args.game)
    dims = "x".join(str(m) for m in game.shape)
    kind = "exact" if game.exact else "float"
    deg = "degenerate" if solution.degenerate else "nondegenerate"
    print(f"{dims} game, {kind}, {deg}; method {solution.method}: "
          f"{_count(len(solution.equilibria))} ({solution.note})\n")
    headers = ["#"] + [f"{game.players[i]}: {s}" for i in range(game.n_players)
                       for s in game.strategies[i]] + [f"u_{p}" for p in game.players]
    rows = []
    for k, eq in enumerate(solution.equilibria, 1):
        probs = eq.exact if eq.exact is not None else eq.profile
        pays = eq.exact_payoffs if eq.exact_payoffs is not None else eq.payoffs
        rows.append([k] + [_num(p) for s in probs for p in s] + [_num(u) for u in pays])
    print(tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True))
    if model is not None:
        if chosen is None:
            print(f"\nselection ({rule}): no equilibrium selected (the rule cannot choose "
                  f"between {len(solution.equilibria)} equilibria); predicted outcome: "
                  f"{UNDECIDED}")
        else:
            which = f"equilibrium #{solution.equilibria.index(chosen) + 1}"
            label = model.label_of(chosen.pure_profile)
            print(f"\nselection ({rule}): {which}; predicted outcome: {label}")
    return 0


def _json(solution: Any, chosen: Any, rule: str, model: Any) -> dict[str, Any]:
    """``Solution.to_json_dict()`` plus ``selection`` (the rule), ``selected`` (the index
    into ``equilibria`` or null), ``selected_payoffs`` (exact strings, or floats for a
    float game; null when nothing is selected) and ``label`` (the theory's label, or
    ``"undecided"``; null for a .nfg game)."""
    out = solution.to_json_dict()
    out["selection"] = rule
    if chosen is None:
        out["selected"] = None
        out["selected_payoffs"] = None
    else:
        out["selected"] = solution.equilibria.index(chosen)
        out["selected_payoffs"] = ([_num(u) for u in chosen.exact_payoffs]
                                   if chosen.exact_payoffs is not None
                                   else list(chosen.payoffs))
    if model is None:
        out["label"] = None
    else:
        out["label"] = UNDECIDED if chosen is None else model.label_of(chosen.pure_profile)
    return out
