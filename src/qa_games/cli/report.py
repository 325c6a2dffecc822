"""``qa-games report``: write the comparison report (index.md, index.html, figures, tables)."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report", help="write the report comparing the theories",
        description="Write DIR/index.md and DIR/index.html with the models, their equilibrium "
                    "regions, comparative statics, propositions, disagreement regions, the "
                    "patron's choice and the historical cases.",
        epilog="example: qa-games report --models cha_quasi_alliance my_theory.toml "
               "--cases my_cases.toml --out my_report")
    p.add_argument("--out", default="report", metavar="DIR", help="output folder (default: report)")
    p.add_argument("--models", nargs="+", default=None, metavar="MODEL",
                   help="models to report on, names or .toml paths (default: Cha's, Walt's "
                        "and the patron's sequential model); at most one sequential model")
    p.add_argument("--cases", default=None, metavar="FILE",
                   help="the historical cases (default: models/cases.toml)")
    p.add_argument("--seed", type=int, default=0, help="seed of every random draw (default 0)")
    p.add_argument("--quick", action="store_true", help="small grids and few samples (tests)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="processes for the sections before the record (default: the CPUs "
                        "available; 1: all in this process; the report is the same)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..errors import ParameterError
    from ..modelfiles.loader import load_model
    from ..report.document import report, split_models
    from .common import output_folder

    if args.jobs is not None and args.jobs < 1:
        raise ParameterError(f"--jobs {args.jobs}: must be a positive integer")
    if args.cases is not None and not Path(args.cases).is_file():
        raise ParameterError(f"--cases {args.cases!r}: no such file")
    models = None
    if args.models is not None:
        models = [load_model(m) for m in args.models]  # every model checked before writing
        split_models(models)  # at least one normal-form model, at most one sequential
    if args.cases is not None:
        from ..compare.cases import load_cases

        load_cases(args.cases)  # a malformed cases file is refused before anything is made
    output_folder(args.out)
    r = report(args.out, quick=args.quick, seed=args.seed, models=models, cases=args.cases,
               jobs=args.jobs)
    print(f"report written in {r.seconds:.1f} s: {r.index.resolve()}")
    print(f"open in a browser: {r.html.resolve()}")
    return 0
