"""Figures of the report that are not sweeps of one model: the comparison of two
theories on the (c, t) plane and the patron's choice over (t, beta). Figures are
saved with :func:`qa_games.plots.save_figure` (atomic)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.artist import Artist  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402
from matplotlib.lines import Line2D
from matplotlib.patches import Patch  # noqa: E402

from ..analysis.plots import new_figure, save_figure  # noqa: E402

__all__ = ["comparison_figure", "patron_figure"]

_AGREE = ("#cfe8d5", "#e6e6e6")
_DISAGREE = ("#d1495b", "#3b6ea8", "#edae49", "#8d6a9f")


def _boundary_curve(g: Any, theory: str, t: np.ndarray) -> np.ndarray | None:
    ths = [th for th in g.thresholds if g.theories[g.models.index(th.model)] == theory]
    if not ths:
        return None
    vals = np.array([np.broadcast_to(th.at(g.base, **{g.axes[1]: t}), t.shape) for th in ths])
    return vals.min(axis=0) if ths[0].direction == "below" else vals.max(axis=0)


def comparison_figure(g: Any, path: Path, *, title: str = "Where the theories agree and disagree",
                      points: Any = ()) -> Path:
    """The plane coloured by region; the discriminating ones in strong colours; ``points``:
    ``(x, y, text)`` markers (e.g. historical cases)."""
    x, y = g.axes
    df = g.frame
    regions = list(g.regions.sort_values(["agree", "region"])["region"])
    colours, k_dis, k_agr = {}, 0, 0
    for r in regions:
        if "undecided" in r:  # a tie on a boundary: no prediction, so no coloured region
            colours[r] = "#ffffff"
        elif bool(df.loc[df["region"] == r, "agree"].iloc[0]):
            colours[r] = _AGREE[k_agr % len(_AGREE)]
            k_agr += 1
        else:
            colours[r] = _DISAGREE[k_dis % len(_DISAGREE)]
            k_dis += 1
    xs, ys = np.unique(df[x]), np.unique(df[y])
    code = {r: k for k, r in enumerate(regions)}
    z = df.pivot(index=y, columns=x, values="region").loc[ys, xs].map(code.get).to_numpy()
    fig = new_figure((7, 5))
    ax = fig.add_subplot()
    ax.pcolormesh(xs, ys, z.astype(float), cmap=ListedColormap([colours[r] for r in regions]),
                  vmin=-0.5, vmax=len(regions) - 0.5, shading="nearest")
    tt = np.linspace(ys.min(), ys.max(), 400)
    handles: list[Artist] = [
        Patch(color=colours[r], label=r + ("" if bool(df.loc[df["region"] == r, "agree"]
                                                      .iloc[0]) else "  (discriminating)"))
        for r in regions if "undecided" not in r]
    tied = df["region"].str.contains("undecided").to_numpy()
    if tied.any():
        ax.scatter(df[x].to_numpy()[tied], df[y].to_numpy()[tied], marker="x", s=14,
                   color="black", linewidths=0.8, zorder=3)
        handles.append(Line2D([], [], marker="x", ls="", color="black",
                              label="undecided: a tie, no prediction"))
    styles = ("-", "--", ":")
    for k, thy in enumerate(g.theories):
        cc = _boundary_curve(g, thy, tt)
        if cc is not None:
            line, = ax.plot(cc, tt, "k" + styles[k % 3], lw=1.6, label=f"{thy} boundary")
            handles.append(line)
    for px, py, text in points:
        ax.plot(px, py, "ko", ms=4)
        ax.annotate(text, (px, py), textcoords="offset points", xytext=(4, 3), fontsize=7)
    ax.set_xlim(xs.min(), xs.max())
    ax.set_ylim(ys.min(), ys.max())
    ax.set_xlabel("c (patron's commitment)")
    ax.set_ylabel("t (threat)")
    ax.set_title(title)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=8,
              ncol=2)
    return save_figure(fig, path)


def patron_figure(patron: Any, path: Path, *, n: int = 31) -> pd.DataFrame:
    """Backward induction on an n x n grid of (t, beta); returns a summary table."""
    from ..solvers.backward_induction import backward_induction

    vals = patron.values()
    cl, ch, kappa, lam = (vals[k] for k in ("c_L", "c_H", "kappa", "lam"))
    sub = patron.subgame
    ts = [Fraction(2, 10) + Fraction(28, 10) * Fraction(i, n - 1) for i in range(n)]
    bs = [Fraction(2) * Fraction(j, n - 1) for j in range(n)]
    z = np.zeros((n, n))
    applies = agree = weak = 0
    for i, t in enumerate(ts):
        cstar = sub.evaluate("c_star", {**patron.subgame_values("weak", vals), "t": t})
        in_range = cl <= cstar < ch
        for j, b in enumerate(bs):
            sol = backward_induction(patron, {"t": t, "beta": b})
            choice = set(sol.choices)
            z[j, i] = 2 if len(choice) > 1 else (0 if "weak" in choice else 1)
            weak += "weak" in choice
            if in_range:
                applies += 1
                predicted = b >= (lam * t - kappa) * (ch - cl)
                agree += predicted == ("weak" in choice)
    fig = new_figure((7, 4.5))
    ax = fig.add_subplot()
    cmap = ListedColormap(["#4e9a6b", "#d1495b", "#edae49"])
    ax.pcolormesh([float(t) for t in ts], [float(b) for b in bs], z, cmap=cmap, vmin=-0.5,
                  vmax=2.5, shading="nearest")
    tt = np.linspace(float(ts[0]), float(ts[-1]), 300)
    cstar = np.array([float(sub.evaluate("c_star", {**patron.subgame_values("weak", vals),
                                                    "t": Fraction(x).limit_denominator(10**6)}))
                      for x in tt])
    ok = (float(cl) <= cstar) & (cstar < float(ch))
    line = (float(lam) * tt - float(kappa)) * float(ch - cl)
    ax.plot(np.where(ok, tt, np.nan), line, "k-", lw=1.6)
    ax.set_ylim(float(bs[0]), float(bs[-1]))
    ax.set_xlabel("t (threat)")
    ax.set_ylabel("beta (patron's value of the partners' cooperation)")
    ax.set_title("The patron's choice (backward induction)")
    ax.legend(handles=[Patch(color="#4e9a6b", label="weak commitment (partners cooperate)"),
                       Patch(color="#d1495b", label="strong commitment"),
                       Patch(color="#edae49", label="indifferent (both SPE)"),
                       Line2D([], [], color="k", label="patron-1 boundary")],
              loc="upper left", fontsize=8)
    save_figure(fig, path)
    return pd.DataFrame([{"grid points": n * n, "weak chosen": weak,
                          "points where patron-1 applies": applies,
                          "agree with patron-1": agree}])
