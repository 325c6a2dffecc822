"""``qa-games new NAME``: write a commented model-file template to start a model from.

The template is a complete, valid model (a two-state coordination game: mutual
commitment pays ``b - k`` each, committing alone costs ``k``, staying apart pays 0),
with a comment on every table and key, one derived quantity, labels, a threshold
and a monotonicity proposition that ``qa-games verify`` proves. The file is written
as ``NAME.toml`` (or the path given, ending in ``.toml``), atomically; an existing
file is never overwritten.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["TEMPLATE", "template", "register", "run"]

TEMPLATE = '''\
# {name}: a qa_games model file (written by `qa-games new`; edit freely).
#
# Check it at any time with   qa-games show {path}
# solve it with               qa-games solve {path} --set b=1
# and verify its claims with  qa-games verify {path}
#
# Expressions: numbers (decimals are exact: 0.2 is 1/5), declared names, + - * / **,
# parentheses, min, max, abs, sqrt, exp, log. Conditions add < <= > >= == != and, or, not.
# Nothing in this file is ever run as code.

[model]
name = "{name}"                       # how `load_model` and the CLI call it
title = "{title}"
theory = "{name}"                     # the theory's short name (used by compare)
description = """
Two states choose whether to commit to each other. Mutual commitment pays each the
benefit b minus the cost k; committing alone costs k; staying apart pays nothing.
Replace this text with what the model says and why.
"""
sources = ["Author, Title, Publisher, Year"]   # where the theory comes from
players = ["A", "B"]
strategies = [["commit", "stay_apart"], ["commit", "stay_apart"]]  # one list per player
# constraints = ["k < b"]             # optional: conditions among the parameters

# One entry per parameter: its domain ("[lo, hi]", "(lo, hi]", ...), default, description.
# The descriptions label tables and figures (`--labels long`), so write them for readers.
[parameters]
b = {{ domain = "[0, 10]", default = 2, description = "benefit of mutual commitment" }}
k = {{ domain = "[0, 10]", default = 1, description = "cost of committing" }}

# Named quantities, in order (later ones may use earlier ones); usable in payoffs,
# conditions and propositions.
[derived]
net = "b - k"                         # what mutual commitment is worth, net of its cost

# "strategy of A,strategy of B" = ["payoff of A", "payoff of B"]: every pure profile.
[payoffs]
"commit,commit"         = ["b - k", "b - k"]
"commit,stay_apart"     = ["-k", "0"]
"stay_apart,commit"     = ["0", "-k"]
"stay_apart,stay_apart" = ["0", "0"]

# Named pure profiles, for labels and propositions.
[profiles]
mutual_commitment = ["commit", "commit"]
apart = ["stay_apart", "stay_apart"]

# What the theory predicts: the selection rule (all | payoff_dominance | risk_dominance)
# picks an equilibrium; its label is the first label whose profile it is, else
# `otherwise`. Where the rule cannot choose, the point is `undecided` (no prediction).
[outcomes]
selection = "payoff_dominance"
labels = {{ alignment = "mutual_commitment" }}
otherwise = "no_alignment"

# Optional: thresholds drawn on region maps, as the curve  parameter = expression.
[sweep]
thresholds = {{ b = ["k"] }}

# The theory's claims as data, checked by `qa-games verify` (statement kinds:
# monotonicity, threshold, uniqueness, invariance). expected = "false" records a
# claim known to be false (with its counterexample in the claim).
[[propositions]]
id = "{name}-1"
claim = "Mutual commitment is an equilibrium iff its benefit covers its cost."
source = "the model's own derivation"
kind = "threshold"
outcome = "equilibrium(mutual_commitment)"
condition = "b >= k"

[[propositions]]
id = "{name}-2"
claim = "The net value of mutual commitment rises with its benefit."
source = "the model's own derivation"
kind = "monotonicity"
outcome = "net"
parameter = "b"
direction = "increasing"
strict = true
'''


def template(name: str, *, path: str | None = None, title: str | None = None) -> str:
    """The model-file text for a model called ``name``.

    >>> from qa_games.modelfiles.normal_form import parse_model
    >>> import tomllib
    >>> m = parse_model(tomllib.loads(template("my_model")), where="my_model.toml")
    >>> m.name, [p.name for p in m.parameters], m.label_names
    ('my_model', ['b', 'k'], ('alignment', 'no_alignment'))
    """
    return TEMPLATE.format(name=name, path=path or f"{name}.toml",
                           title=title or f"{name}: a two-state commitment game")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "new", help="write a commented model-file template (NAME.toml)",
        description="Write a complete, commented model file to start a model from: it "
                    "loads, solves and verifies as it is. Never overwrites a file.",
        epilog="example: qa-games new my_theory && qa-games show my_theory.toml")
    p.add_argument("name", metavar="NAME",
                   help="the model's name (a Python-style identifier), or a path ending in "
                        ".toml whose stem is the name")
    p.add_argument("--title", default=None, help="the model's title")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..analysis.export import atomic_write
    from ..errors import ModelError, ParameterError
    from ..games.expressions import check_name

    target = Path(args.name if args.name.endswith(".toml") else f"{args.name}.toml")
    name = target.stem
    try:
        check_name(name, where="new")
    except ModelError:
        raise ParameterError(f"{name!r} is not a model name (letters, digits and _, "
                             "not starting with a digit)") from None
    if target.exists():
        raise ParameterError(f"{target} exists; choose another name or remove it "
                             "first (never overwritten)")
    if not target.parent.is_dir():
        raise ParameterError(f"folder {target.parent} does not exist")
    if args.title is not None and ('"' in args.title or "\\" in args.title
                                   or "\n" in args.title):
        raise ParameterError("--title may not contain quotes, backslashes or newlines")
    text = template(name, path=str(target), title=args.title)
    atomic_write(target, lambda p: p.write_text(text, encoding="utf-8"))
    print(f"wrote {target}: check it with `qa-games show {target}`, solve it with "
          f"`qa-games solve {target}`, verify it with `qa-games verify {target}`")
    return 0
