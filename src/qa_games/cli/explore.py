"""``qa-games explore MODEL --out page.html``: an interactive explorer of a model.

One self-contained HTML page (no server, no external script; opens from ``file://``):
a slider per parameter of the payoffs; the payoff matrix, the equilibria, the selected
one and the theory's label at the chosen point; a region map of two parameters with the
point on it (:mod:`qa_games.report.explorer`).
"""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "explore", help="write an interactive HTML explorer of a model (sliders, map)",
        description="Write one self-contained HTML page with a slider per parameter that "
                    "shows the payoff matrix, the equilibria and the theory's label at the "
                    "chosen point, and a region map with the point on it.",
        epilog="example: qa-games explore cha_quasi_alliance --out cha.html "
               "(then open cha.html, or cha.html#c=0.2&t=1)")
    p.add_argument("model", metavar="MODEL", help="a bundled model's name or a .toml path")
    p.add_argument("--out", required=True, metavar="FILE", help="the page to write (.html)")
    p.add_argument("--axes", default=None, metavar="X,Y",
                   help="the region map's parameters (default: a threshold's parameter and "
                        "the next one)")
    p.add_argument("--resolution", type=int, default=80, metavar="N",
                   help="cells per side of the region map (10 to 400, default 80)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..analysis.export import check_writable
    from ..errors import ParameterError
    from ..modelfiles.loader import load_model
    from ..report.explorer import write_explorer

    if Path(args.out).suffix.lower() not in (".html", ".htm"):
        raise ParameterError(f"--out {args.out!r}: the explorer is an .html page")
    check_writable(args.out)
    axes = None
    if args.axes is not None:
        parts = [a.strip() for a in args.axes.split(",")]
        if len(parts) != 2 or not all(parts):
            raise ParameterError(f"--axes {args.axes!r}: expected two names, e.g. c,t")
        axes = (parts[0], parts[1])
    model = load_model(args.model)
    path = write_explorer(model, args.out, axes=axes, resolution=args.resolution)
    print(f"wrote {path}: open it in a browser (works offline, from file://)")
    return 0
