"""``qa-games compare``: two or more models side by side on scenarios, and where they disagree.

Scenarios are ``--scenario [NAME:]VAR=VALUE,...`` (the text before a colon names it);
``--grid`` compares over a plane of two scenario variables, whose axes and ranges
``--vary VAR=LO:HI:N`` sets (twice; default ``c=0:1:51`` and ``t=0.1:3:59``), with the
other variables at ``--base VAR=VALUE,...`` (default: their defaults).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..errors import ParameterError
from .common import parse_sets

#: ``qa_games.compare.theories.DEFAULT_GRID``, spelled out so ``--help`` stays light
#: (tests/test_cli_verbs.py checks they are the same).
DEFAULT_GRID = {"c": "0:1:51", "t": "0.1:3:59"}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "compare", help="compare models on scenarios and over a plane of two variables",
        description="Each model's equilibria and label at each scenario, whether they agree, "
                    "and (with --grid) the regions of a plane of two scenario variables "
                    "where they disagree.",
        epilog="example: qa-games compare --scenario 'firm patron: c=0.8,t=1' --grid "
               "--vary c=0:1:21 --vary t=0.5:2:16 --base x=0.8,phi=0.1")
    p.add_argument("models", nargs="*", default=["cha_quasi_alliance", "walt_balance_of_threat"],
                   help="models to compare (default: Cha's and Walt's)")
    p.add_argument("--scenario", dest="scenarios", action="append", default=[],
                   metavar="[NAME:]VAR=VALUE,...",
                   help="a scenario (repeatable), e.g. --scenario 'firm patron: c=0.8,t=1'")
    p.add_argument("--grid", action="store_true",
                   help="also compare over a plane (default axes: c=0:1:51, t=0.1:3:59)")
    p.add_argument("--vary", action="append", default=[], metavar="VAR=LO:HI:N",
                   help="an axis of the grid and its range (give two; implies --grid)")
    p.add_argument("--base", default=None, metavar="VAR=VALUE,...",
                   help="the other scenario variables on the grid (default: defaults)")
    p.add_argument("--cases", action="store_true",
                   help="also retrodict the historical cases of models/cases.toml")
    p.add_argument("--selection", choices=("all", "payoff_dominance", "risk_dominance"),
                   help="equilibrium selection (default: each model's own)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def _scenario_values(text: str, where: str) -> dict[str, str]:
    """``"c=0.7,t=1"`` -> ``{"c": "0.7", "t": "1"}``; no items or an empty item is an error."""
    items = text.split(",")
    if not text.strip() or any(not x.strip() for x in items):
        raise ParameterError(f"{where}: expected VAR=VALUE items separated by commas, "
                             "e.g. c=0.8,t=1 (no empty items)")
    return parse_sets(items)


def parse_scenario(text: str, k: int) -> tuple[str, dict[str, str]]:
    """``"firm patron: c=0.8,t=1"`` -> ``("firm patron", {"c": "0.8", "t": "1"})``.

    >>> parse_scenario("c=0.2", 0)
    ('scenario 1', {'c': '0.2'})
    >>> parse_scenario("loose: c=0.2, t=1/2", 1)
    ('loose', {'c': '0.2', 't': '1/2'})
    """
    name, sep, rest = text.partition(":")
    if not sep:
        name, rest = f"scenario {k + 1}", text
    name = name.strip()
    if not name:
        raise ParameterError(f"--scenario {text!r}: the name before ':' is empty")
    return name, _scenario_values(rest, f"--scenario {text!r}")


def grid_axes(items: list[str]) -> dict[str, str]:
    """``["c=0:1:21", "t=0.5:2:16"]`` -> ``{"c": "0:1:21", "t": "0.5:2:16"}`` (two axes).

    >>> grid_axes(["c=0:1:3", "t=1:2:2"])
    {'c': '0:1:3', 't': '1:2:2'}
    """
    out: dict[str, str] = {}
    for item in items:
        name, sep, spec = (x.strip() for x in item.partition("="))
        if not sep or not name or not spec:
            raise ParameterError(f"--vary {item!r}: expected VAR=LO:HI:N, e.g. c=0:1:21")
        if name in out:
            raise ParameterError(f"--vary: {name} is given twice")
        out[name] = spec
    if len(out) != 2:
        raise ParameterError(f"--vary: a grid has two axes, got {len(out)} "
                             f"({', '.join(out) or 'none'})")
    return out


def run(args: argparse.Namespace) -> int:
    from ..analysis.export import format_table
    from ..compare.cases import load_cases, retrodict
    from ..compare.theories import compare
    from ..modelfiles.scenario import make_scenario

    named = [parse_scenario(s, k) for k, s in enumerate(args.scenarios)]
    seen: set[str] = set()
    for name, _ in named:
        if name in seen:
            raise ParameterError(f"--scenario: the name {name!r} is given twice")
        seen.add(name)
    scenarios = [make_scenario(values, name=name) for name, values in named]
    use_grid = args.grid or bool(args.vary) or args.base is not None
    grid = grid_axes(args.vary) if args.vary else (dict(DEFAULT_GRID) if use_grid else None)
    base = make_scenario(_scenario_values(args.base, "--base"), name="base") \
        if args.base is not None else None
    if base is not None and grid is not None:
        clash = sorted(set(grid) & set(_scenario_values(args.base, "--base")))
        if clash:
            raise ParameterError(f"--base sets {', '.join(clash)}, an axis of the grid")
    if not scenarios and grid is None and not args.cases:
        scenarios = [make_scenario(name="defaults")]
    cmp = compare(args.models, scenarios, selection=args.selection, grid=grid, base=base)
    df = cmp.to_frame()
    table = retrodict(load_cases(), args.models, selection=args.selection) if args.cases \
        else None
    if args.json:
        out: dict[str, Any] = {"models": list(cmp.models), "scenarios": df.to_dict("records")}
        if cmp.grid is not None:
            out["grid"] = {"axes": grid, "base": {k: str(v) for k, v in
                                                  cmp.grid.base.values.items()}}
            out["regions"] = cmp.grid.regions.to_dict("records")
        if table is not None:
            out["cases"] = table.frame.to_dict("records")
            out["scores"] = table.scores.to_dict("records")
        print(json.dumps(out, indent=2, default=str))
        return 0
    if len(df):
        print(format_table(df, "markdown"))
    if cmp.grid is not None:
        print()
        g = cmp.grid
        assert grid is not None
        print(f"grid: {' x '.join(f'{k} = {v}' for k, v in grid.items())} "
              f"({len(g.frame)} points); others: "
              + ", ".join(f"{k} = {v}" for k, v in g.base.values.items() if k not in grid))
        print(format_table(g.regions, "markdown"))
    if table is not None:
        print()
        print(format_table(table.frame, "markdown"))
        print()
        print(format_table(table.scores, "markdown"))
    return 0
