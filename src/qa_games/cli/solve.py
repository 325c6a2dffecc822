"""``qa-games solve GAME``: every Nash equilibrium of a model at parameter values,
or of a Gambit ``.nfg`` game, as a readable table or as JSON."""

from __future__ import annotations

import argparse
import json
import math
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import ParameterError
from ..solvers.selection import RULES, UNDECIDED
from .common import add_set_option, is_nfg, parse_sets
from .solve_tree import is_efg, load_tree, run_tree
from .table import simple_table

#: ``qa_games.solvers.solve.METHODS``, spelled out so that ``--help`` imports no solver
#: (tests/test_cli_verbs.py checks they are the same).
METHODS = ("auto", "vertex-exact", "pure", "vertex", "support", "lemke-howson")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "solve", help="every Nash equilibrium of a model or a .nfg game",
        description="Solve a bundled model (by name), a model file (path), a Gambit .nfg "
                    "file or a Gambit .efg tree: every Nash equilibrium of a 2-player game "
                    "(every extreme one when the game is degenerate), every isolated one of "
                    "an n-player game, the subgame-perfect equilibria of a tree; exact when "
                    "the payoffs are rational.")
    p.add_argument("game", metavar="GAME",
                   help="model name, model .toml path, .nfg file or .efg file")
    add_set_option(p)
    p.add_argument("--method", choices=METHODS, default="auto",
                   help="algorithm (default: auto, exact vertex enumeration)")
    p.add_argument("--selection", choices=RULES, default=None,
                   help="equilibrium selection for the model's label (default: the model's)")
    p.add_argument("--max-seconds", type=float, default=None, metavar="S",
                   help="let an exact enumeration larger than the size limit run for at "
                        "most S seconds (default: refuse it before it starts)")
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
            game = read_nfg(Path(target))  # a path, never .nfg text
        for w in caught:
            if issubclass(w.category, RenamedLabels):
                print(f"qa-games solve: note: {w.message}", file=sys.stderr)
            else:  # pragma: no cover - nothing else warns here
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return None, game
    from ..modelfiles.loader import load_model
    from ..modelfiles.normal_form import Model

    model = load_model(target)
    if getattr(model, "kind", "") == "tree":
        return model, None
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
    from ..solvers.selection import select
    from ..solvers.solve import solve

    sets = parse_sets(args.sets)
    if is_efg(args.game):
        return run_tree(args, *load_tree(args.game, sets))
    model, game = load_game(args.game, sets)
    if getattr(model, "kind", "") == "tree":
        return run_tree(args, *load_tree(args.game, sets, model))
    if args.max_seconds is not None and not 0 < args.max_seconds < math.inf:
        raise ParameterError(f"--max-seconds {args.max_seconds:g} must be a finite positive "
                             "number")
    solution = solve(game, method=args.method, max_seconds=args.max_seconds)
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
    deg = solution.degeneracy  # "not checked" when the route cannot prove nondegeneracy
    deg = "degeneracy not checked" if deg == "not checked" else deg
    print(f"{dims} game, {kind}, {deg}; method {solution.method}: "
          f"{_count(len(solution.equilibria))} ({solution.note})\n")
    headers = ["#"] + [f"{game.players[i]}: {s}" for i in range(game.n_players)
                       for s in game.strategies[i]] + [f"u_{p}" for p in game.players]
    rows = []
    for k, eq in enumerate(solution.equilibria, 1):
        probs = eq.exact if eq.exact is not None else eq.profile
        pays = eq.exact_payoffs if eq.exact_payoffs is not None else eq.payoffs
        rows.append([k] + [_num(p) for s in probs for p in s] + [_num(u) for u in pays])
    print(simple_table(rows, headers))
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
