"""``qa-games models``: list the bundled models with their titles."""

from __future__ import annotations

import argparse
from typing import Any

from ..modelfiles.files import list_models


def register(sub: Any) -> None:
    p = sub.add_parser("models", help="list the bundled models",
                       description="List the bundled models with their titles.")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rows = list_models()
    width = max(len(n) for n, _ in rows)
    for name, title in rows:
        print(f"{name:<{width}}  {title}")
    return 0
