"""``qa-games verify [MODEL] [--json]``: every proposition with its verdict.

Exit status 1 when a proposition declared true is refuted (or one declared false is
proved), 0 otherwise; errors in the input exit 2.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("verify", help="verify the propositions of a model (or of all models)",
                       description="Check every proposition two ways: a seeded Hypothesis "
                                   "search for counterexamples and an exact proof (z3/SymPy).")
    p.add_argument("model", nargs="?", help="model name or path (default: every bundled model "
                                            "with propositions)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--seed", type=int, default=0, help="seed of the search (default 0)")
    p.add_argument("--examples", type=int, default=100,
                   help="examples per statement in the search (default 100)")
    p.add_argument("--only", action="append", default=None, metavar="ID",
                   help="verify only this proposition (repeatable)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="processes that share out the propositions (default: the CPUs "
                        "available; the verdicts do not depend on it)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..modelfiles.loader import load_model
    from ..verify.proofs import bundled_models_with_propositions
    from ..verify.verdicts import require_propositions, verify_models

    models = [load_model(args.model)] if args.model else bundled_models_with_propositions()
    for m in models:  # every model checked before any work
        require_propositions(m)
    done = verify_models(models, jobs=args.jobs, seed=args.seed, max_examples=args.examples,
                         only=args.only)
    results = [(m, verdicts, seconds) for m, (verdicts, seconds) in zip(models, done,
                                                                       strict=True)]
    bad = sum(not v.as_expected for _, verdicts, _ in results for v in verdicts)
    if args.json:
        print(json.dumps({"seed": args.seed, "examples": args.examples, "models": [
            {"model": m.name, "seconds": round(s, 2),
             "propositions": [v.to_json_dict() for v in vs]} for m, vs, s in results]},
            indent=2))
    else:
        for m, vs, s in results:
            print(f"{m.name} (seed {args.seed}, {args.examples} examples per statement, "
                  f"{s:.1f} s)")
            width = max((len(v.proposition) for v in vs), default=2)
            for v in vs:
                flag = "" if v.as_expected else "   <-- UNEXPECTED"
                exp = "" if v.expected == "true" else " (expected false)"
                if v.status == "proved":
                    regions = dict.fromkeys(s.formal.split("(on: ")[-1].split(";")[0]
                                            for s in v.statements)
                    detail = "on: " + " | ".join("the whole domain" if r == "True" else r
                                                 for r in regions)
                else:
                    detail = v.summary()
                print(f"  {v.proposition:<{width}}  {v.status:<8} {detail}{exp}"
                      f"  [{', '.join(v.methods)}; {v.samples} samples]{flag}")
            print()
    return 1 if bad else 0
