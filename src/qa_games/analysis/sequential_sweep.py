"""Sweeps of sequential models: the leader's choice by backward induction on a grid.

At every grid point the sequential model (a leader's action, then a normal-form subgame;
:mod:`qa_games.modelfiles.sequential`) is solved by
:func:`qa_games.solvers.backward_induction.backward_induction` in exact arithmetic (the
grid's float values are read back as the shortest decimal that prints them, so ``0.1``
is 1/10). Each row holds the varied parameters, the number of subgame-perfect
equilibria (SPE), the leader's ``choice`` (its action, or ``undecided`` when SPE choose
different actions: the leader is indifferent), the leader's payoff, and the ``label`` of
the followers' outcome on the path of play (``undecided`` when the SPE lead to
different labels). Such a table is what the report's figure of the patron's choice
shows (Selten 1965's subgame perfection; Cha 1999, ch. 3, for the patron).

>>> from qa_games import load_model
>>> t = sequential_sweep(load_model("patron_sequential"), {"t": [0.5, 2]}).table
>>> t[["t", "choice", "label"]].values.tolist()
[[0.5, 'weak', 'cooperation'], [2.0, 'strong', 'friction']]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError

__all__ = ["SequentialSweep", "sequential_sweep", "plot_choice", "UNDECIDED"]

UNDECIDED = "undecided"


@dataclass(frozen=True, eq=False)
class SequentialSweep:
    """The table of a sequential model's sweep, and how it was made."""

    model: Any
    table: pd.DataFrame
    names: tuple[str, ...]
    fixed: Mapping[str, Fraction]
    selection: str
    seconds: float


def _exact(x: float) -> Fraction:
    return Fraction(repr(float(x)))


def sequential_sweep(model: Any, grid: Any, *, fixed: Mapping[str, Any] | None = None,
                     selection: str | None = None,
                     progress: Callable[[int, int], None] | None = None) -> SequentialSweep:
    """Backward induction at every point of ``grid`` (a :class:`qa_games.grid.Grid` or a
    mapping accepted by :func:`qa_games.grid.product`), other parameters at ``fixed`` or
    their defaults. ``progress(done, total)`` is called as rows finish."""
    import time

    from ..solvers.backward_induction import backward_induction
    from .grid import Grid, product

    t0 = time.perf_counter()
    g = grid if isinstance(grid, Grid) else product(dict(grid))
    rule = selection or model.selection
    base = model.values(fixed or {})
    for name in g.names:
        model.parameter(name)
        if fixed and name in fixed:
            raise ParameterError(f"{name} is both varied and fixed (--set)")
    cols = {n: g.column(n) for n in g.names}
    rows = []
    for k in range(g.size):
        point = {**base, **{n: _exact(cols[n][k]) for n in g.names}}
        sol = backward_induction(model, point, selection=rule)
        choices = sol.choices
        labels = sorted({e.label for e in sol.equilibria})
        pays = [e.leader_payoff for e in sol.equilibria]
        row: dict[str, Any] = {n: float(cols[n][k]) for n in g.names}
        row["n_spe"] = len(sol.equilibria)
        row["choice"] = choices[0] if len(choices) == 1 else UNDECIDED
        row["leader_payoff"] = float(max(pays)) if pays else np.nan
        row["label"] = labels[0] if len(labels) == 1 else UNDECIDED
        row["undecided_subgames"] = sum(s.undecided for s in sol.subgames)
        rows.append(row)
        if progress is not None:
            progress(k + 1, g.size)
    table = pd.DataFrame(rows, columns=[*g.names, "n_spe", "choice", "leader_payoff", "label",
                                        "undecided_subgames"])
    return SequentialSweep(model, table, tuple(g.names),
                           {k: v for k, v in base.items() if k not in g.names}, rule,
                           time.perf_counter() - t0)


_CHOICE_COLOURS = ("#4e9a6b", "#d1495b", "#3b6ea8", "#edae49", "#8d6a9f", "#66a5ad")


def plot_choice(result: SequentialSweep, path: Any = None) -> Any:
    """The leader's choice over one or two varied parameters (undecided points: no colour,
    marked x); saved atomically to ``path`` (.png, .pdf, .svg) when given. Returns the
    matplotlib Figure (made without pyplot, so the user's backend is left alone)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from .export import atomic_write
    from .labels import axis_label

    model, t, names = result.model, result.table, result.names
    if len(names) not in (1, 2):
        raise ParameterError(f"a figure of the choice needs one or two varied parameters, "
                             f"got {len(names)}")
    actions = [a.name for a in model.actions]
    colour = {a: _CHOICE_COLOURS[k % len(_CHOICE_COLOURS)] for k, a in enumerate(actions)}
    desc = {a.name: a.description or a.name for a in model.actions}
    fig = Figure(figsize=(6.4, 4.8))
    ax = fig.add_subplot()
    x = t[names[0]].to_numpy(dtype=float)
    y = t[names[1]].to_numpy(dtype=float) if len(names) == 2 else np.zeros(len(t))
    for a in actions:
        hit = (t["choice"] == a).to_numpy()
        ax.scatter(x[hit], y[hit], c=colour[a], marker="s", s=40 if len(t) < 500 else 12,
                   linewidths=0)
    tied = (t["choice"] == UNDECIDED).to_numpy()
    if tied.any():
        ax.scatter(x[tied], y[tied], c="black", marker="x", s=20)
    handles: list[Any] = [Patch(facecolor=colour[a], label=f"{a}: {desc[a]}") for a in actions
               if (t["choice"] == a).any()]
    if tied.any():
        handles.append(Line2D([], [], marker="x", ls="", color="black",
                              label="undecided: the leader is indifferent"))
    ax.set_xlabel(axis_label(model, names[0]))
    if len(names) == 2:
        ax.set_ylabel(axis_label(model, names[1]))
    else:
        ax.set_yticks([])
    fixed = ", ".join(f"{k} = {v}" for k, v in result.fixed.items()
                      if k in {p.name for p in model.parameters[:5]})
    ax.set_title(f"{model.leader}'s choice by backward induction" + (f"\n({fixed})"
                                                                     if fixed else ""),
                 fontsize="medium")
    ax.legend(handles=handles, loc="best", fontsize="small", framealpha=0.9)
    if path is not None:
        from pathlib import Path

        suffix = Path(path).suffix.lower()
        if suffix not in (".png", ".pdf", ".svg"):
            raise ParameterError(f"{str(path)!r}: unknown figure format (known: .png, .pdf, "
                                 ".svg)")
        atomic_write(path, lambda tmp: fig.savefig(tmp, format=suffix[1:], dpi=150,
                                                   bbox_inches="tight"))
    return fig
