"""The summary of a sweep: how often each outcome is predicted, and where it changes.

A full sweep table has a row per grid point; a paper reports its shape. The summary
has one row per fact: the share of grid points with each label (``undecided`` points
included, counted as such), each threshold the model file declares
(``[sweep] thresholds``: the curve ``parameter = expression`` where the theory says the
outcome changes) with its exact value at the sweep's fixed parameters or its range
over the grid, and, along a single varied parameter, the grid interval in which the
predicted label actually changes. For a sequential model's sweep, the shares of the
leader's choices and of the outcomes' labels.

>>> from qa_games.sweep import sweep
>>> s = sweep("cha_quasi_alliance", {"c": "0:1:11"}, progress=False)
>>> summary_table(s)[["quantity", "value"]].values.tolist()[0]
['share of points: cooperation', 0.6363636363636364]
>>> summary_table(s)["detail"].tolist()[2]
'exact: 5/8 at the fixed parameters'
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["summary_table", "summary_path"]


def summary_path(path: Any) -> Any:
    """Where the summary of a table written to ``path`` goes: ``t.csv`` -> ``t.summary.csv``.

    >>> str(summary_path("out/t.tex"))
    'out/t.summary.tex'
    """
    from pathlib import Path

    p = Path(path)
    return p.with_name(f"{p.stem}.summary{p.suffix}")


def _shares(table: pd.DataFrame, column: str, what: str) -> list[dict[str, Any]]:
    counts = table[column].astype(str).value_counts(sort=False)
    n = len(table)
    return [{"quantity": f"share of {what}: {lab}", "value": counts[lab] / n,
             "detail": f"{counts[lab]} of {n} points"} for lab in counts.index]


def _threshold_rows(sweep: Any) -> list[dict[str, Any]]:
    from ..games.vectorize import expression_arrays
    from .plots import thresholds

    model = sweep.source
    varied = set(sweep.grid.names)
    values = {n: float(v) for n, v in sweep.fixed.items()}
    out = []
    for param, items in thresholds(model).items():
        for text, expr in items:
            name = f"threshold: {param} = {text}"
            free = {str(s) for s in expr.free_symbols}
            if not free & varied:
                exact = model.evaluate(expr, {k: v for k, v in sweep.fixed.items()
                                              if k in model.game.parameter_names})
                try:
                    val = float(exact)
                except TypeError:
                    continue
                out.append({"quantity": name, "value": val,
                            "detail": f"exact: {exact} at the fixed parameters"})
                continue
            cols = {n: sweep.table[n].to_numpy(dtype=float) for n in varied & free}
            with np.errstate(all="ignore"):
                arr = expression_arrays(model, [expr], {**{k: v for k, v in values.items()
                                                           if k in free}, **cols})[0]
            arr = np.asarray(arr, dtype=float)
            ok = arr[np.isfinite(arr)]
            if ok.size == 0:
                continue
            out.append({"quantity": name, "value": float(np.median(ok)),
                        "detail": f"median over the grid; from {ok.min():.4g} to "
                                  f"{ok.max():.4g} (depends on "
                                  f"{', '.join(sorted(free & varied))})"})
    return out


def _switches(sweep: Any) -> list[dict[str, Any]]:
    if len(sweep.grid.names) != 1:
        return []
    x = sweep.grid.names[0]
    t = sweep.table.sort_values(x, kind="stable")
    xs, labels = t[x].to_numpy(dtype=float), t["label"].astype(str).to_numpy()
    out = []
    for k in np.flatnonzero(labels[1:] != labels[:-1]):
        out.append({"quantity": f"label changes along {x}",
                    "value": float((xs[k] + xs[k + 1]) / 2),
                    "detail": f"between {x} = {xs[k]:.4g} ({labels[k]}) and "
                              f"{xs[k + 1]:.4g} ({labels[k + 1]})"})
    return out


def summary_table(sweep: Any) -> pd.DataFrame:
    """The summary of a sweep (a :class:`qa_games.sweep.Sweep` with one row per point, or
    a :class:`qa_games.analysis.sequential_sweep.SequentialSweep`): columns
    ``quantity``, ``value``, ``detail``."""
    if hasattr(sweep, "grid"):
        if getattr(sweep, "rows", "points") != "points":
            from ..errors import ParameterError

            raise ParameterError("a summary needs a sweep with rows='points'")
        rows = _shares(sweep.table, "label", "points") + _threshold_rows(sweep) \
            + _switches(sweep)
    else:
        rows = _shares(sweep.table, "choice", "the leader's choice") \
            + _shares(sweep.table, "label", "outcomes")
    return pd.DataFrame(rows, columns=["quantity", "value", "detail"])
