"""Figures: created, non-empty, thresholds drawn where the model declares them."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

import matplotlib.pyplot as plt
import numpy as np
import pytest

from qa_games.analysis.plots import plot, plot_outcome, region_map, save_figure, thresholds
from qa_games.analysis.sweep import sweep
from qa_games.errors import ModelError, ParameterError
from qa_games.modelfiles.loader import load_model

CHA = load_model("cha_quasi_alliance")


@pytest.fixture(scope="module")
def cha_map():
    return sweep(CHA, {"c": "0:1:41", "t": "0:1:41"})


def _legend(fig):
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


def test_region_map_colours_labels_and_draws_c_star(cha_map, tmp_path):
    fig = region_map(cha_map)
    try:
        assert _legend(fig) == ["cooperation", "friction", "threshold c = c*"]
        ax = fig.axes[0]
        assert ax.get_xlabel() == "the patron's commitment as perceived by both, c"
        assert ax.get_ylabel() == "intensity of the common threat, t"
        assert "other parameters at their defaults" in ax.get_title()
        # the drawn threshold is the curve c = c*(t): check one of its vertices
        paths = [p for coll in ax.collections if hasattr(coll, "get_paths")
                 for p in coll.get_paths() if len(p.vertices) > 20]
        c, t = paths[-1].vertices[len(paths[-1].vertices) // 2]
        c_star = float(CHA.evaluate("c_star", t=str(round(t, 6))))
        assert abs(c - c_star) < 0.01
        for suffix, magic in ((".png", b"\x89PNG"), (".pdf", b"%PDF"), (".svg", b"<?xml")):
            path = save_figure(fig, tmp_path / f"map{suffix}")
            data = path.read_bytes()
            assert data.startswith(magic) and len(data) > 5000
    finally:
        plt.close(fig)


def test_outcome_along_one_parameter_marks_the_threshold(tmp_path):
    s = sweep(CHA, {"c": "0:1:21"}, fixed={"t": 2})
    fig = plot_outcome(s)
    try:
        labels = _legend(fig)
        assert labels[:2] == ["cooperation", "friction"] and "threshold c = c*" in labels
        assert "Pr(A plays cooperate)" in labels and "Pr(B plays cooperate)" in labels
        assert "t = 2" in fig.axes[0].get_title()  # the fixed parameter is stated
        # the two (coinciding) probability lines differ in style and width
        lines = [ln for ln in fig.axes[0].lines if ln.get_label().startswith("Pr(")]
        assert len({(ln.get_linestyle(), ln.get_linewidth()) for ln in lines}) == 2
        x = [line.get_xdata()[0] for line in fig.axes[0].lines if line.get_linestyle() == "--"]
        assert len(x) == 1 and abs(x[0] - float(CHA.evaluate("c_star", t=2))) < 1e-3
    finally:
        plt.close(fig)
    path = tmp_path / "u.png"
    plot(s, path, outcome="u_A")
    assert path.stat().st_size > 5000


def test_walt_map_merges_identical_thresholds_and_scattered_samples(tmp_path):
    from qa_games.analysis.grid import latin_hypercube

    w = sweep("walt_balance_of_threat", {"c": "0:1:21", "tau": "0:5:21"})
    fig = region_map(w)
    try:
        assert "threshold τ = τ*_A = τ*_B" in _legend(fig)
    finally:
        plt.close(fig)
    lhs = sweep(CHA, latin_hypercube({"c": (0, 1), "t": (0, 1)}, 60, seed=1))
    plot(lhs, tmp_path / "lhs.pdf")
    assert (tmp_path / "lhs.pdf").read_bytes().startswith(b"%PDF")


def test_thresholds_are_data_read_safely():
    assert [t for t, _ in thresholds(CHA)["c"]] == ["c_star"]

    def with_sweep(table):
        return replace(CHA, raw=MappingProxyType({**CHA.raw, "sweep": table}))

    assert thresholds(with_sweep({"thresholds": {"t": "1 / (1 - c)"}}))["t"][0][0] == "1 / (1 - c)"
    for table, message in [({"thresholds": {"zeta": ["c"]}}, "unknown parameter 'zeta'"),
                           ({"thresholds": {"c": [1]}}, "list of expressions"),
                           ({"thresholds": {"c": ["__import__('os')"]}}, "sweep.thresholds.c"),
                           ({"colour": "red"}, "unknown keys"),
                           ("c_star", "expected a table")]:
        with pytest.raises(ModelError, match=message):
            thresholds(with_sweep(table))


def test_plot_errors(cha_map, tmp_path):
    one = sweep(CHA, {"c": [0.1, 0.2]})
    with pytest.raises(ParameterError, match="two varied parameters"):
        region_map(one)
    with pytest.raises(ParameterError, match="'phi' is not a varied parameter"):
        region_map(cha_map, x="phi")
    with pytest.raises(ParameterError, match="outcome='label'"):
        plot_outcome(one, "label")
    with pytest.raises(ParameterError, match="varies t too"):
        plot_outcome(cha_map, along="c")
    with pytest.raises(ParameterError, match="rows='points'"):
        plot(sweep(CHA, {"c": [0.1]}, rows="equilibria"))
    fig = plt.figure()
    with pytest.raises(ParameterError, match="unknown figure format '.gif'"):
        save_figure(fig, tmp_path / "m.gif")
    plt.close(fig)
    assert list(tmp_path.iterdir()) == []
    assert np.isfinite(cha_map.table["c"]).all()


def test_region_map_has_no_staircase_along_the_exact_threshold():
    """A coarse sweep's map is coloured at 300 points per axis: along each row the colour
    changes within one fine cell of c*(t), not at the coarse grid's cells."""
    coarse = sweep(CHA, {"c": "0:1:11", "t": "0.5:3:6"})
    fig = region_map(coarse)
    try:
        image = fig.axes[0].images[0].get_array()
        assert image.shape == (300, 300)
        ts, cs = np.linspace(0.5, 3, 300), np.linspace(0, 1, 300)
        for row in (0, 100, 299):
            codes = np.asarray(image[row])
            edge = cs[np.flatnonzero(np.diff(codes) != 0)]
            c_star = float(CHA.evaluate("c_star", t=str(round(float(ts[row]), 9))))
            assert len(edge) == 1 and abs(edge[0] - c_star) <= 1 / 299 + 1e-9
        # the sweep's own points: resolution=None
        own = region_map(coarse, resolution=None)
        assert own.axes[0].images[0].get_array().shape == (6, 11)
        plt.close(own)
    finally:
        plt.close(fig)
