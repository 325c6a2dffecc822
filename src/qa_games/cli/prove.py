"""``qa-games prove [MODEL] [--out DIR] [--check]``: write (or check) the Markdown proofs.

Without MODEL: every bundled model's proofs and the index ``proofs/README.md``. With
MODEL: that model's proofs only (nothing else in the folder is touched), by default in
``proofs/`` for a bundled model and in ``proofs/`` next to a model file of your own.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("prove", help="write one Markdown proof per proposition into proofs/",
                       description="Generate proofs/<id>.md for every proposition of every "
                                   "bundled model, or of one MODEL (deterministic), or "
                                   "check them.",
                       epilog="example: qa-games prove my_theory.toml --out my_proofs")
    p.add_argument("model", nargs="?", metavar="MODEL",
                   help="a model name or .toml path (default: every bundled model)")
    p.add_argument("--out", default=None,
                   help="output folder (default: proofs/ of the project, or next to MODEL)")
    p.add_argument("--check", action="store_true",
                   help="do not write; exit 1 when the proofs are out of date")
    p.set_defaults(func=run)


def _target(args: argparse.Namespace) -> tuple[list[Any] | None, str | None]:
    if args.model is None:
        return None, args.out
    from ..errors import ParameterError
    from ..modelfiles.files import models_dir
    from ..modelfiles.loader import load_model

    model = load_model(args.model)
    if not model.propositions:
        raise ParameterError(f"{args.model}: the model declares no [[propositions]]")
    out = args.out
    if out is None and model.path is not None and model.path.parent != models_dir():
        out = str(Path(model.path).parent / "proofs")
    return [model], out


def run(args: argparse.Namespace) -> int:
    from ..verify.proofs import stale_proofs, write_proofs

    models, out = _target(args)
    index = models is None
    if args.check:
        problems = stale_proofs(models, out_dir=out, index=index)
        for line in problems:
            print(line, file=sys.stderr)
        if problems:
            again = "qa-games prove" + (f" {args.model}" if args.model else "")
            print(f"run `{again}` to regenerate the proofs", file=sys.stderr)
        return 1 if problems else 0
    if args.out is not None:
        from .common import output_folder

        output_folder(args.out)  # refused before any work: /proc, a file, read-only
    written = write_proofs(models, out_dir=out, index=index)
    print(f"wrote {len(written)} files into {written[0].parent if written else out}")
    return 0
