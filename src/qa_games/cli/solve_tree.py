"""``qa-games solve`` on game trees: a Gambit ``.efg`` file or a ``kind = "tree"`` model.

Prints the subgame-perfect equilibria (backward induction through every subgame, under
the stated selection rule) and every Nash equilibrium of the reduced strategic form,
mapped back to behaviour strategies; ``--json`` prints both records' JSON summaries.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ..errors import ParameterError


def is_efg(target: str) -> bool:
    return Path(target).suffix.lower() == ".efg"


def load_tree(target: str, sets: dict[str, str], model: Any = None) -> tuple[Any, Any]:
    """``(tree model or None, numeric tree)`` for an ``.efg`` file or a tree model."""
    if model is None:
        from ..games.efg import read_efg

        if sets:
            raise ParameterError(f"--set: {target} is a .efg game and has no parameters")
        return None, read_efg(target)
    return model, model.at(sets)


def _behaviour(tree: Any, behaviour: Any) -> str:
    parts = []
    for iset, probs in zip(tree.infosets, behaviour, strict=False):
        if probs is None:
            parts.append(f"{iset.name or '?'}: (unreached)")
            continue
        shown = ", ".join(f"{a}={p}" for a, p in zip(iset.actions, probs, strict=False)
                          if p != 0)
        parts.append(f"{tree.players[iset.player]}@{iset.name}: {shown}")
    return "; ".join(parts)


def run_tree(args: argparse.Namespace, model: Any, tree: Any) -> int:
    from ..solvers.reduced_form import tree_equilibria
    from ..solvers.subgame_perfect import subgame_perfect

    if args.method != "auto":
        raise ParameterError(f"--method {args.method}: game trees are solved by backward "
                             "induction and the reduced form's exact enumeration (auto)")
    rule = args.selection or (model.selection if model is not None else "all")
    spe = subgame_perfect(tree, selection=rule)
    nash = tree_equilibria(tree)
    if args.json:
        print(json.dumps({"subgame_perfect": spe.to_json_dict(),
                          "nash": nash.to_json_dict()}))
        return 0
    print(getattr(model, "title", "") or getattr(tree, "title", "") or args.game)
    listing = f" (listing the first {len(spe)})" if spe.truncated else ""
    print(f"subgame-perfect equilibria (selection {rule}): {spe.count}{listing}")
    for k, e in enumerate(spe.equilibria, 1):
        pays = ", ".join(f"u_{p}={u}" for p, u in zip(tree.players, e.payoffs, strict=False))
        print(f"  {k}. {_behaviour(tree, e.behaviour)}  [{pays}]")
    if spe.note:
        print(f"  ({spe.note})")
    print(f"Nash equilibria of the reduced strategic form: {len(nash.equilibria)}")
    for k, ne in enumerate(nash.equilibria, 1):
        pays = ", ".join(f"u_{p}={u}" for p, u in zip(tree.players, ne.payoffs, strict=False))
        print(f"  {k}. {_behaviour(tree, ne.behaviour)}  [{pays}]")
    if nash.note:
        print(f"  ({nash.note})")
    return 0
