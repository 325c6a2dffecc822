"""``qa-games record``: the theories against the historical record of alliances.

Prints the quasi-alliance panel's counts (by outcome kind, relevance filter and era), each
theory's estimates with 95 % intervals (structural: the model's logit QRE fitted by maximum
likelihood with the mapping of ``models/record/<model>.toml``; reduced form: a logit of
onset on the theory's measures) for Cha, Walt and the buck-passing rival, the Vuong and
Clarke tests of every pair of theories with p-values, whether the sign of the commitment
effect tells the theories apart, the out-of-sample scores against the base rate (fit <= 1945, score
1946-2018, and the reverse), the specification table and the verdict
(:func:`qa_games.record.results.record_results`). ``--json`` prints one JSON object;
``--out DIR`` also writes every table as Markdown, LaTeX and CSV (atomically), with the
JSON object as ``DIR/record.json``. Every option is checked before any work starts, and
nothing is written when one is bad.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

from ..errors import ParameterError

__all__ = ["register", "run", "parse_years", "record_options"]


def register(sub: Any) -> None:
    p = sub.add_parser(
        "record", help="test the theories on the historical record (ATOP/COW panel)",
        description="Fit and compare Cha's, Walt's and the buck-passing theory on the "
                    "quasi-alliance "
                    "dyad-years of the bundled ATOP/COW data: panel counts, estimates with "
                    "intervals, Vuong and Clarke tests, out-of-sample scores against the "
                    "base rate, and the specification table.",
        epilog="example: qa-games record --outcome security --max-distance 950 --out rec")
    p.add_argument("--outcome", default="any", metavar="KIND",
                   help="pledges that count as an onset: any (default), security, defense")
    p.add_argument("--years", default=None, metavar="FIRST-LAST",
                   help="years of the panel, e.g. 1900-2000 (default: 1816-2017)")
    p.add_argument("--max-distance", default=None, metavar="KM",
                   help="keep pairs at most KM apart (CShapes minimum distance)")
    p.add_argument("--common-rival", action="store_true",
                   help="keep pairs with a common strategic rival")
    p.add_argument("--region", default=None, metavar="REGION",
                   help="keep pairs with both states in one COW region")
    p.add_argument("--rivalry", default="td", metavar="CODING",
                   help="rivalry coding for the threat and filters: td (default), tss")
    p.add_argument("--d0", default=None, metavar="KM",
                   help="distance scale of proximity, 1/(1 + d/d0) (default 1000)")
    p.add_argument("--offense", default="milper", metavar="SOURCE",
                   help="offensive capability: milper (default) or milex")
    p.add_argument("--index", default="threat_index", metavar="NAME",
                   help="the walt model's threat index: threat_index (default) or "
                        "threat_index_arithmetic")
    p.add_argument("--mid-window", default=None, metavar="YEARS",
                   help="disputes of the previous YEARS years (default 5)")
    p.add_argument("--k-window", default=None, metavar="YEARS",
                   help="animosity from the previous YEARS years (default 10)")
    p.add_argument("--alpha", default=None, metavar="LEVEL",
                   help="level of the sign verdicts and tests (default 0.05)")
    p.add_argument("--spec", dest="specs", action="append", default=[], metavar="SPEC",
                   help="a structural estimation spec (bundled name or .toml path), given "
                        "at least twice: the models tested pairwise (default: "
                        "models/record/cha_quasi_alliance, walt_balance_of_threat and "
                        "buck_passing)")
    p.add_argument("--no-structural", action="store_true",
                   help="leave out the structural (logit QRE) fits: reduced forms only")
    p.add_argument("--no-threat-variants", action="store_true",
                   help="skip re-measuring the panel for the specification table's TSS and "
                        "arithmetic-index rows (faster)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="also write every table (md, tex, csv) and record.json into DIR")
    p.set_defaults(func=run)


def parse_years(text: str) -> tuple[int, int]:
    """``"1900-2000"`` -> ``(1900, 2000)``; a single year is a one-year range.

    >>> parse_years("1946-2017"), parse_years("1990")
    ((1946, 2017), (1990, 1990))
    """
    parts = str(text).strip().split("-")
    try:
        if len(parts) not in (1, 2) or not all(p.strip().isdigit() for p in parts):
            raise ValueError
        lo, hi = int(parts[0]), int(parts[-1])
    except ValueError:
        raise ParameterError(f"--years {text!r}: expected FIRST-LAST, e.g. 1946-2017"
                             ) from None
    if lo > hi:
        raise ParameterError(f"--years {text!r}: the first year is after the last")
    return lo, hi


def _number(flag: str, text: str | None, *, whole: bool = False, low: float = 0.0,
            strict: bool = False) -> Any:
    if text is None:
        return None
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        kind = "a whole number" if whole else "a number"
        raise ParameterError(f"{flag} {text!r}: expected {kind}") from None
    if not math.isfinite(value) or value < low or (strict and value == low):
        raise ParameterError(f"{flag} {text!r}: must be {'>' if strict else '>='} {low:g}")
    return value


def record_options(args: argparse.Namespace) -> dict[str, Any]:
    """The panel and measurement options the command line asks for (checked)."""
    opts: dict[str, Any] = {"outcome": args.outcome, "rivalry": args.rivalry,
                            "offense": args.offense, "index": args.index,
                            "common_rival": bool(args.common_rival)}
    if args.years is not None:
        opts["years"] = parse_years(args.years)
    if args.max_distance is not None:
        opts["max_distance_km"] = _number("--max-distance", args.max_distance)
    if args.region is not None:
        opts["region"] = args.region
    if args.d0 is not None:
        opts["d0"] = _number("--d0", args.d0, strict=True)
    for flag, name in (("--mid-window", "mid_window"), ("--k-window", "k_window")):
        value = _number(flag, getattr(args, name), whole=True, low=1)
        if value is not None:
            opts[name] = value
    _check_choices(opts)
    return opts


def _check_choices(opts: dict[str, Any]) -> None:
    """The named choices, checked before the panel is built (one line each)."""
    from ..record.measures import INDEXES, OFFENSE
    from ..record.panel import OUTCOMES, REGIONS, RIVALRIES

    for key, known in (("outcome", OUTCOMES), ("rivalry", RIVALRIES), ("offense", OFFENSE),
                       ("index", INDEXES), ("region", REGIONS)):
        if key in opts and opts[key] not in known:
            raise ParameterError(f"--{key} {opts[key]!r} is not one of {', '.join(known)}")


def _check_out(out: str) -> Path:
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        from ..analysis.export import OutputError  # lazy: --help loads no pandas

        raise OutputError(f"--out {out!r}: it is a file, not a folder")
    parent = folder.parent if str(folder.parent) else Path(".")
    if not folder.exists() and not parent.is_dir():
        from ..analysis.export import OutputError

        raise OutputError(f"--out {out!r}: folder {str(parent)!r} does not exist")
    return folder


def write_outputs(results: Any, folder: Path) -> list[Path]:
    """Every table of ``results`` as md, tex and csv, and ``record.json``, into ``folder``."""
    from ..analysis.export import atomic_write, write_table

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (frame, caption) in results.tables().items():
        for ext in ("csv", "md", "tex"):
            written.append(write_table(frame, folder / f"{name}.{ext}",
                                       caption=caption if ext == "tex" else None,
                                       label=f"tab:{name}" if ext == "tex" else None))
    text = json.dumps(results.to_dict(), indent=2, allow_nan=False) + "\n"
    written.append(atomic_write(folder / "record.json",
                                lambda p: p.write_text(text, encoding="utf-8")))
    return written


def render_text(results: Any) -> str:
    """The plain-text (Markdown) report of the command."""
    from ..record.tables import markdown_table

    r = results
    o = r.options
    opts = ", ".join(f"{k}={v}" for k, v in o.items() if k != "data" and v is not None)
    t = r.tables()
    parts = [f"# qa-games record ({opts})", "",
             "## Panel counts (all filters, outcome kinds and eras)", "",
             r.counts.to_markdown(), "",
             "## Reduced form (the conventional check)", "", r.reduced_form.to_markdown(), "",
             "## Each theory's own specification (same rows)", "",
             markdown_table(r.fit_summary()), "", markdown_table(r.estimates()), "",
             "## The theories pairwise: non-nested tests (Schwarz-corrected, two-sided p)", "",
             markdown_table(r.test_frame()), ""]
    if r.signs is not None:
        parts += ["## The sign of the commitment effect (each theory's prediction against "
                  "the fits)", "", markdown_table(r.signs), ""]
    parts += ["## Out-of-sample scores against the base rate", "",
              markdown_table(r.oos) if len(r.oos) else "(none)", "",
              "## Specification table (one measurement choice moved at a time)", "",
              markdown_table(t["record_specification"][0]), "", "## Notes", ""]
    parts += [f"- {n}" for n in r.notes] + [""]
    parts += ["## Verdict", ""] + [f"- {s}" for s in r.verdict()]
    return "\n".join(parts)


def run(args: argparse.Namespace) -> int:
    from ..record.results import record_results

    opts = record_options(args)
    alpha = 0.05 if args.alpha is None else _number("--alpha", args.alpha, strict=True)
    if not alpha < 1:
        raise ParameterError(f"--alpha {args.alpha!r}: must be in (0, 1)")
    if args.specs and args.no_structural:
        raise ParameterError("--spec and --no-structural exclude each other")
    if args.specs and len(args.specs) < 2:
        raise ParameterError(f"--spec: give at least two specs (tested pairwise), got "
                             f"{len(args.specs)}")
    structural: Any = False if args.no_structural else (tuple(args.specs) or True)
    folder = _check_out(args.out) if args.out is not None else None
    t0 = time.perf_counter()
    results = record_results(alpha=float(alpha), structural=structural,
                             threat_variants=not args.no_threat_variants, **opts)
    seconds = time.perf_counter() - t0
    if folder is not None:
        write_outputs(results, folder)
    if args.json:
        print(json.dumps(results.to_dict(), indent=2, allow_nan=False))
    else:
        print(render_text(results))
        print(f"\n(computed in {seconds:.1f} s"
              + (f"; tables written to {folder}/" if folder is not None else "") + ")")
    return 0
