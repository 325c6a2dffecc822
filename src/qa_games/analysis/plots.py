"""Figures of a sweep (matplotlib Figures): outcomes along a parameter, region maps.

:func:`plot_outcome` draws outcome columns (by default each player's probability
of their first strategy in the selected equilibrium) along one varied parameter,
over bands coloured by the predicted label. :func:`region_map` colours the plane
of two varied parameters by the predicted label, as in the comparative-statics
figures of the theory (e.g. Cha's ``cooperation`` below ``c*(t)``, ``friction``
above), and draws the model's theoretical thresholds over it.

Thresholds are data: a model file may declare, in a ``[sweep]`` table,
``thresholds = { c = ["c_star"] }`` -- for a parameter, expressions (derived names
or formulas, read by the whitelist parser) at which the theory says the outcome
changes. Each is drawn as the curve ``parameter = threshold(other parameters)``
(the zero level of their difference), so a threshold may depend on either axis or
both. Figures are written atomically (temporary file, then rename) as PNG, PDF or SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np  # noqa: E402
import sympy  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.figure import Figure
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from ..errors import ModelError, ParameterError  # noqa: E402
from ..solvers.selection import UNDECIDED  # noqa: E402
from .labels import axis_label, column_label, symbol_text  # noqa: E402

__all__ = ["thresholds", "plot_outcome", "region_map", "plot", "save_figure", "new_figure",
           "FIGURE_FORMATS"]

FIGURE_FORMATS = (".png", ".pdf", ".svg")
_COLOURS = ("#4e9a6b", "#d1495b", "#3b6ea8", "#edae49", "#8d6a9f", "#66a5ad", "#8c8c8c")
_LINES = ("black", "#555555", "#993333", "#335599")


def new_figure(figsize: tuple[float, float] = (6.4, 4.8)) -> Figure:
    """A matplotlib Figure of its own (not registered with pyplot), drawn by the Agg canvas.

    Plotting never touches pyplot's state or the user's backend: a notebook shows the
    returned Figure, ``save_figure`` writes it, and nothing needs closing. To draw into a
    pyplot figure of your own, pass ``ax=`` to the plotting functions.
    """
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig


def thresholds(model: Any) -> dict[str, tuple[tuple[str, sympy.Expr], ...]]:
    """The thresholds a model file declares, ``{parameter: ((text, expression), ...)}``.

    >>> from qa_games import load_model
    >>> [t for t, _ in thresholds(load_model("cha_quasi_alliance"))["c"]]
    ['c_star']
    """
    where = f"{model.name}: sweep.thresholds"
    table = model.raw.get("sweep", {})
    if not isinstance(table, dict):
        raise ModelError(f"{model.name}: sweep: expected a table")
    unknown = set(table) - {"thresholds"}
    if unknown:
        raise ModelError(f"{model.name}: sweep: unknown keys {sorted(unknown)} (known: "
                         "thresholds)")
    raw = table.get("thresholds", {})
    if not isinstance(raw, dict):
        raise ModelError(f"{where}: expected a table parameter = [\"expression\", ...]")
    out = {}
    for name, items in raw.items():
        try:
            model.parameter(name)
        except ParameterError as exc:
            raise ModelError(f"{where}.{name}: {exc}") from None
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
            raise ModelError(f"{where}.{name}: expected a list of expressions, got {items!r}")
        out[name] = tuple((t, model.expression(t, where=f"{where}.{name}")) for t in items)
    return out


def _check(sweep: Any) -> Any:
    if sweep.rows != "points":
        raise ParameterError("plots need a sweep with rows='points' (one row per point)")
    return sweep.source


def _others(sweep: Any, keep: Sequence[str]) -> dict[str, Any]:
    """Fixed values for everything but ``keep``: the sweep's fixed values and the
    constant columns of other varied parameters (which must be constant)."""
    values: dict[str, Any] = {n: float(v) for n, v in sweep.fixed.items()}
    for name in sweep.grid.names:
        if name in keep:
            continue
        col = sweep.table[name].to_numpy()
        if np.ptp(col) > 0:
            raise ParameterError(f"the sweep varies {name} too; a figure over "
                                 f"{', '.join(keep)} needs it fixed (plot a slice)")
        values[name] = float(col[0])
    return values


def _colours(model: Any, present: Sequence[str]) -> dict[str, str]:
    names = list(model.label_names) + [p for p in present if p not in model.label_names]
    return {n: _COLOURS[k % len(_COLOURS)] for k, n in enumerate(names)}


def _threshold_field(model: Any, param: str, expr: sympy.Expr, mesh: dict[str, np.ndarray],
                     others: dict[str, Any]) -> np.ndarray:
    from ..games.vectorize import expression_arrays

    free = {str(s) for s in expr.free_symbols}
    values = {**{k: v for k, v in others.items() if k in free}, **mesh}
    with np.errstate(all="ignore"):
        t = expression_arrays(model, [expr], values)[0]
        diff = mesh[param] - t
    return np.where(np.isfinite(diff), diff, np.nan)


def _even(v: np.ndarray) -> bool:
    """Equally spaced values (a range)."""
    return len(v) < 3 or bool(np.allclose(np.diff(v), (v[-1] - v[0]) / (len(v) - 1),
                                          rtol=1e-6, atol=0))


def _fine(sweep: Any, x: str, y: str, others: dict[str, Any], resolution: int) -> Any:
    """The same sweep on a ``resolution`` x ``resolution`` product grid of the same box
    (the same outcome kernel), so region edges follow the exact threshold curves instead
    of the coarse grid's cells."""
    from .sweep import sweep as run_sweep

    xs = sweep.table[x].to_numpy(dtype=float)
    ys = sweep.table[y].to_numpy(dtype=float)
    fixed = {**{k: v for k, v in sweep.fixed.items()},
             **{k: repr(float(v)) for k, v in others.items() if k not in sweep.fixed}}
    return run_sweep(sweep.source, {x: f"{float(xs.min())!r}:{float(xs.max())!r}:{resolution}",
                                    y: f"{float(ys.min())!r}:{float(ys.max())!r}:{resolution}"},
                     fixed=fixed, selection=sweep.selection, progress=False)


def _title(sweep: Any, model: Any, others: dict[str, Any]) -> str:
    """What the figure shows and at which fixed values (the rest at their defaults)."""
    defaults = {p.name: float(p.default) for p in model.parameters}
    moved = [f"{k} = {float(v):g}" for k, v in others.items()
             if k in defaults and float(v) != defaults[k]]
    rule = sweep.selection.replace("_", " ")
    head = f"{model.title.split(':')[0]}: predicted outcome ({rule})"
    return head + "\n" + (", ".join(moved) + "; other parameters at their defaults" if moved
                          else "other parameters at their defaults")


def region_map(sweep: Any, x: str | None = None, y: str | None = None, *, ax: Any = None,
               show_thresholds: bool = True, title: str | None = None,
               resolution: int | None = 300) -> Any:
    """The (x, y) plane coloured by the predicted label, with the model's thresholds.

    Axes are labelled with the parameters' descriptions, thresholds with their own
    descriptions, and the title states the fixed parameters. When the sweep is a product
    grid coarser than ``resolution`` points per axis, the colours are computed on a
    ``resolution`` x ``resolution`` grid of the same box (the same kernel as the sweep),
    so that no staircase runs along the exact threshold curves; ``resolution=None``
    draws the sweep's own points. Returns the matplotlib Figure.
    """
    model = _check(sweep)
    names = sweep.grid.names
    if x is None or y is None:
        if len(names) < 2:
            raise ParameterError(f"a region map needs two varied parameters, the sweep varies "
                                 f"{', '.join(names)}")
        x, y = x or names[0], y or (names[1] if names[1] != x else names[0])
    for p in (x, y):
        if p not in names:
            raise ParameterError(f"{p!r} is not a varied parameter of the sweep "
                                 f"(it varies {', '.join(names)})")
    others = _others(sweep, (x, y))
    df = sweep.table
    n_x, n_y = df[x].nunique(), df[y].nunique()
    if resolution is not None and n_x * n_y == len(df) and max(n_x, n_y) < resolution \
            and _even(np.unique(df[x].to_numpy())) and _even(np.unique(df[y].to_numpy())):
        df = _fine(sweep, x, y, others, resolution).table
    uniq, inverse = np.unique(df["label"].to_numpy().astype(str), return_inverse=True)
    colours = _colours(model, [str(u) for u in uniq if u != UNDECIDED])
    order = [n for n in colours if n in set(uniq.tolist())]
    # an undecided point is no region: left blank (NaN) and marked separately
    codes = np.array([order.index(str(u)) if u != UNDECIDED else np.nan for u in uniq],
                     dtype=float)[inverse.ravel()]
    fig = ax.figure if ax is not None else new_figure((6.4, 4.8))
    ax = ax or fig.add_subplot()
    xv, yv = df[x].to_numpy(), df[y].to_numpy()
    xs, ys = np.unique(xv), np.unique(yv)
    cmap = ListedColormap([colours[n] for n in order])
    if len(xs) * len(ys) == len(df):
        Z = np.full((len(ys), len(xs)), np.nan)
        Z[np.searchsorted(ys, yv), np.searchsorted(xs, xv)] = codes
        if _even(xs) and _even(ys):  # an image: fast for millions of points
            dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1) or 1.0
            dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1) or 1.0
            ax.imshow(Z, origin="lower", aspect="auto", interpolation="nearest", cmap=cmap,
                      vmin=-0.5, vmax=len(order) - 0.5,
                      extent=(xs[0] - dx / 2, xs[-1] + dx / 2, ys[0] - dy / 2, ys[-1] + dy / 2))
        else:
            ax.pcolormesh(xs, ys, Z, shading="nearest", cmap=cmap, vmin=-0.5,
                          vmax=len(order) - 0.5, rasterized=True)
    else:
        ax.scatter(xv, yv, c=codes, cmap=cmap, vmin=-0.5, vmax=len(order) - 0.5, s=6)
    handles: list[Any] = [Patch(facecolor=colours[n], label=n) for n in order]
    tied = np.isnan(codes)
    if tied.any():
        ax.scatter(xv[tied], yv[tied], marker="x", s=14, linewidths=0.8, color="black",
                   zorder=3)
        handles.append(Line2D([], [], marker="x", ls="", color="black",
                              label=f"{UNDECIDED}: the rule cannot choose"))
    if show_thresholds:
        gx, gy = np.meshgrid(np.linspace(xs[0], xs[-1], 400), np.linspace(ys[0], ys[-1], 400))
        mesh = {x: gx.ravel(), y: gy.ravel()}
        drawn: list[tuple[np.ndarray, Line2D]] = []
        for param, items in thresholds(model).items():
            if param not in (x, y):
                continue
            for text, expr in items:
                field = _threshold_field(model, param, expr, mesh, others).reshape(gx.shape)
                if not np.any(field > 0) or not np.any(field < 0):
                    continue  # the threshold does not cross this window
                same = [h for f, h in drawn if np.allclose(f, field, equal_nan=True)]
                if same:  # the same curve (e.g. symmetric players): one line, both names
                    same[0].set_label(f"{same[0].get_label()} = {symbol_text(text)}")
                    continue
                colour = _LINES[len(drawn) % len(_LINES)]
                style = ("solid", "dashed", "dotted", "dashdot")[len(drawn) % 4]
                ax.contour(gx, gy, field, levels=[0.0], colors=[colour], linewidths=1.8,
                           linestyles=[style])
                handle = Line2D([], [], color=colour, lw=1.8, ls=style,
                                label=f"threshold {symbol_text(param)} = {symbol_text(text)}")
                drawn.append((field, handle))
                handles.append(handle)
    ax.set_xlabel(axis_label(model, x))
    ax.set_ylabel(axis_label(model, y))
    ax.set_xlim(xs[0], xs[-1]) if xs[0] < xs[-1] else None
    ax.set_ylim(ys[0], ys[-1]) if ys[0] < ys[-1] else None
    ax.legend(handles=handles, loc="best", framealpha=0.9, fontsize="small")
    ax.set_title(title if title is not None else _title(sweep, model, others),
                 fontsize="medium")
    return fig


def _default_outcomes(model: Any) -> list[str]:
    game = model.game
    return [f"p_{p}_{game.strategies[i][0]}" for i, p in enumerate(game.players)]


def plot_outcome(sweep: Any, outcome: str | Sequence[str] | None = None, *,
                 along: str | None = None, ax: Any = None, title: str | None = None) -> Any:
    """Outcome column(s) along one varied parameter, over bands coloured by label.

    Returns the matplotlib Figure.
    """
    model = _check(sweep)
    names = sweep.grid.names
    along = along or names[0]
    if along not in names:
        raise ParameterError(f"along={along!r} is not a varied parameter of the sweep "
                             f"(it varies {', '.join(names)})")
    others = _others(sweep, (along,))
    outs = _default_outcomes(model) if outcome is None else (
        [outcome] if isinstance(outcome, str) else list(outcome))
    df = sweep.table.sort_values(along, kind="stable")
    for o in outs:
        if o not in df.columns or df[o].dtype.kind not in "biuf":
            cols = [c for c in df.columns if df[c].dtype.kind in "biuf"]
            raise ParameterError(f"outcome={o!r} is not a numeric column (known: "
                                 f"{', '.join(cols)})")
    fig = ax.figure if ax is not None else new_figure((6.4, 4.0))
    ax = ax or fig.add_subplot()
    xv = df[along].to_numpy()
    labels = df["label"].to_numpy().astype(str)
    colours = _colours(model, [lab for lab in dict.fromkeys(labels) if lab != UNDECIDED])
    edges = np.concatenate([[xv[0]], (xv[1:] + xv[:-1]) / 2, [xv[-1]]])
    start = 0
    seen: set[str] = set()
    for k in range(1, len(xv) + 1):
        if k == len(xv) or labels[k] != labels[start]:
            lab = labels[start]
            if lab == UNDECIDED:  # no band: marked on the axis instead
                ax.plot(xv[start:k], np.zeros(k - start), ls="", marker="x", color="black",
                        clip_on=False, transform=ax.get_xaxis_transform(),
                        label=None if lab in seen else f"{UNDECIDED}: the rule cannot choose")
                seen.add(lab)
                start = k
                continue
            ax.axvspan(edges[start], edges[k], color=colours[lab], alpha=0.18, lw=0,
                       label=None if lab in seen else lab)
            seen.add(lab)
            start = k
    styles = (("-", "o", 2.6), (":", "s", 2.0), ("-.", "^", 1.6), ("-", "d", 1.0))
    for k, o in enumerate(outs):  # coinciding lines stay distinguishable: style and width
        ls, mk, lw = styles[k % len(styles)]
        ax.plot(xv, df[o].to_numpy(dtype=float), ls=ls, lw=lw, label=column_label(model, o),
                marker=mk if len(xv) < 40 else None, markersize=7 - 1.5 * (k % 3),
                markerfacecolor="none" if k % 2 else None)
    fine = np.linspace(xv[0], xv[-1], 2001)
    k = 0
    for param, items in thresholds(model).items():
        if param != along:
            continue
        for text, expr in items:
            field = _threshold_field(model, param, expr, {along: fine}, others)
            roots: list[float] = []
            for j in np.flatnonzero(np.diff(np.sign(field)) != 0):
                if np.isfinite(field[j]) and np.isfinite(field[j + 1]):
                    r = fine[j] - field[j] * (fine[j + 1] - fine[j]) / (field[j + 1] - field[j])
                    if not any(abs(r - q) <= 2 * (fine[1] - fine[0]) for q in roots):
                        roots.append(float(r))
            for n, r in enumerate(roots):
                ax.axvline(r, color=_LINES[k % len(_LINES)], ls="--", lw=1.2,
                           label=f"threshold {symbol_text(param)} = {symbol_text(text)}"
                           if n == 0 else None)
            k += 1 if roots else 0
    ax.set_xlabel(axis_label(model, along))
    if all(o.startswith("p_") for o in outs):
        ax.set_ylabel("probability in the selected equilibrium")
    elif all(o.startswith("u_") for o in outs):
        ax.set_ylabel("expected payoff in the selected equilibrium")
    else:
        ax.set_ylabel(", ".join(column_label(model, o) for o in outs))
    ax.legend(loc="best", fontsize="small", framealpha=0.9)
    ax.set_title(title if title is not None else _title(sweep, model, others),
                 fontsize="medium")
    return fig


def save_figure(fig: Any, path: str | Path, *, dpi: int = 150) -> Path:
    """Write ``fig`` atomically in the format its suffix names (.png, .pdf, .svg)."""
    from .export import atomic_write

    suffix = Path(path).suffix.lower()
    if suffix not in FIGURE_FORMATS:
        raise ParameterError(f"--plot {str(path)!r}: unknown figure format {suffix or '(none)'!r} "
                             f"(known: {', '.join(FIGURE_FORMATS)})")
    return atomic_write(path, lambda tmp: fig.savefig(tmp, format=suffix[1:], dpi=dpi,
                                                      bbox_inches="tight"))


def plot(sweep: Any, path: str | Path | None = None, **options: Any) -> Any:
    """A region map when the sweep varies two parameters, else an outcome plot; saved to
    ``path`` when given. Returns the Figure."""
    fig = (region_map(sweep, **options) if len(sweep.grid.names) >= 2
           else plot_outcome(sweep, **options))
    if path is not None:
        save_figure(fig, path)
    return fig
