"""``qa-games compare``: two or more models side by side on scenarios, and where they disagree."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..analysis.export import format_table
from ..compare.cases import load_cases, retrodict
from ..compare.theories import DEFAULT_GRID, compare
from ..errors import ParameterError
from ..modelfiles.scenario import make_scenario
from .common import parse_sets


def register(sub: Any) -> None:
    p = sub.add_parser(
        "compare", help="compare models on scenarios and over the (c, t) plane",
        description="Each model's equilibria and label at each scenario, whether they agree, "
                    "and (with --grid) the regions of the (c, t) plane where they disagree.")
    p.add_argument("models", nargs="*", default=["cha_quasi_alliance", "walt_balance_of_threat"],
                   help="models to compare (default: Cha's and Walt's)")
    p.add_argument("--scenario", dest="scenarios", action="append", default=[],
                   metavar="NAME=VALUE,...",
                   help="a scenario (repeatable), e.g. --scenario c=0.7,t=1")
    p.add_argument("--grid", action="store_true",
                   help=f"also compare over the grid {DEFAULT_GRID}")
    p.add_argument("--cases", action="store_true",
                   help="also retrodict the historical cases of models/cases.toml")
    p.add_argument("--selection", choices=("all", "payoff_dominance", "risk_dominance"),
                   help="equilibrium selection (default: each model's own)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def _scenario_items(spec: str) -> dict[str, str]:
    """``"c=0.7,t=1"`` -> ``{"c": "0.7", "t": "1"}``; empty items are errors."""
    items = spec.split(",")
    if not spec.strip() or any(not x.strip() for x in items):
        raise ParameterError(f"--scenario {spec!r}: expected NAME=VALUE items separated by "
                             "commas, e.g. --scenario c=0.7,t=1 (no empty items)")
    return parse_sets(items)


def run(args: argparse.Namespace) -> int:
    scenarios = [make_scenario(_scenario_items(s), name=f"scenario {k + 1}")
                 for k, s in enumerate(args.scenarios)]
    if not scenarios and not args.grid and not args.cases:
        scenarios = [make_scenario(name="defaults")]
    cmp = compare(args.models, scenarios, selection=args.selection,
                  grid=DEFAULT_GRID if args.grid else None)
    df = cmp.to_frame()
    table = retrodict(load_cases(), args.models, selection=args.selection) if args.cases \
        else None
    if args.json:
        out: dict[str, Any] = {"models": list(cmp.models), "scenarios": df.to_dict("records")}
        if cmp.grid is not None:
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
        print(format_table(cmp.grid.regions, "markdown"))
    if table is not None:
        print()
        print(format_table(table.frame, "markdown"))
        print()
        print(format_table(table.scores, "markdown"))
    return 0
