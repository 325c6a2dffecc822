"""``qa-games prove [--out DIR] [--check]``: write (or check) the Markdown proofs."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..verify.proofs import proofs_dir, stale_proofs, write_proofs
from .common import output_folder


def register(sub: Any) -> None:
    p = sub.add_parser("prove", help="write one Markdown proof per proposition into proofs/",
                       description="Generate proofs/<id>.md for every proposition of every "
                                   "bundled model (deterministic), or check them.")
    p.add_argument("--out", default=None, help=f"output folder (default: {proofs_dir()})")
    p.add_argument("--check", action="store_true",
                   help="do not write; exit 1 when the proofs are out of date")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.check:
        problems = stale_proofs(out_dir=args.out)
        for line in problems:
            print(line, file=sys.stderr)
        if problems:
            print("run `qa-games prove` to regenerate the proofs", file=sys.stderr)
        return 1 if problems else 0
    if args.out is not None:
        output_folder(args.out)
    written = write_proofs(out_dir=args.out)
    print(f"wrote {len(written)} files into {written[0].parent if written else args.out}")
    return 0
