"""``qa-games report``: write the comparison report (index.md, index.html, figures, tables)."""

from __future__ import annotations

import argparse
from typing import Any

from ..report.document import report
from .common import output_folder


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report", help="write the report comparing the theories",
        description="Write DIR/index.md and DIR/index.html with the models, their equilibrium "
                    "regions, comparative statics, propositions, disagreement regions, the "
                    "patron's choice and the historical cases.")
    p.add_argument("--out", default="report", metavar="DIR", help="output folder (default: report)")
    p.add_argument("--seed", type=int, default=0, help="seed of every random draw (default 0)")
    p.add_argument("--quick", action="store_true", help="small grids and few samples (tests)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    output_folder(args.out)
    r = report(args.out, quick=args.quick, seed=args.seed)
    print(f"report written in {r.seconds:.1f} s: {r.index.resolve()}")
    print(f"open in a browser: {r.html.resolve()}")
    return 0
