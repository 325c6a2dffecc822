"""Tests of qa_games.record.model_tests: Vuong and Clarke against a hand computation from
their definitions (plain Python sums), scores and AUC by brute force, calibration."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qa_games.errors import ModelError, ParameterError
from qa_games.record.estimation import fit_structural, load_spec, simulate_onsets
from qa_games.record.model_tests import (
    calibration,
    clarke,
    out_of_sample,
    score_predictions,
    vuong,
)

L1 = [-0.2, -1.1, -0.05, -0.7, -0.3, -2.0, -0.4, -0.15, -0.9, -0.6]
L2 = [-0.5, -0.9, -0.30, -0.8, -0.1, -1.5, -0.9, -0.45, -1.2, -0.7]


def phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


@pytest.mark.parametrize(("k1", "k2"), [(3, 3), (4, 2), (2, 5)])
def test_vuong_by_hand(k1, k2):
    n = len(L1)
    m = [a - b for a, b in zip(L1, L2, strict=True)]
    mean = sum(m) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in m) / n)
    stat = (sum(m) - (k1 - k2) * math.log(n) / 2) / (math.sqrt(n) * sd)
    p = 2 * (1 - phi(abs(stat)))
    t = vuong(("one", L1, k1), ("two", L2, k2))
    assert abs(t.statistic - stat) <= 1e-12
    assert abs(t.p_value - p) <= 1e-12
    assert t.preferred == (("one" if stat > 0 else "two") if p < 0.05 else None)
    assert t.n == n and abs(t.loglik1 - sum(L1)) <= 1e-12


@pytest.mark.parametrize(("k1", "k2"), [(3, 3), (4, 2), (2, 5), (30, 0)])
def test_clarke_by_hand(k1, k2):
    n = len(L1)
    corr = (k1 - k2) * math.log(n) / (2 * n)
    b = sum(1 for a, c in zip(L1, L2, strict=True) if a - c > corr)
    low = min(b, n - b)
    p = min(1.0, 2 * sum(math.comb(n, j) for j in range(low + 1)) / 2 ** n)
    t = clarke(("one", L1, k1), ("two", L2, k2))
    assert t.statistic == b
    assert abs(t.p_value - p) <= 1e-12
    assert ("clarke" in t.to_markdown().lower()) and "\\begin{tabular}" in t.to_latex()


def test_scores_by_hand():
    y = [0, 1, 1, 0, 0, 1, 0]
    p = [0.1, 0.8, 0.4, 0.4, 0.2, 0.9, 0.6]
    s = score_predictions(y, {"m": p})
    row = s.to_frame().set_index("model").loc["m"]
    n = len(y)
    log_score = sum(math.log(q) if t else math.log(1 - q) for q, t in zip(p, y, strict=True)) / n
    brier = sum((q - t) ** 2 for q, t in zip(p, y, strict=True)) / n
    pos = [q for q, t in zip(p, y, strict=True) if t]
    neg = [q for q, t in zip(p, y, strict=True) if not t]
    auc = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in pos for b in neg) / (
        len(pos) * len(neg))
    assert abs(row["log_score"] - log_score) <= 1e-12
    assert abs(row["brier"] - brier) <= 1e-12
    assert abs(row["auc"] - auc) <= 1e-12
    base = s.to_frame().set_index("model").loc["base rate"]
    r = sum(y) / n
    assert abs(base["brier"] - sum((r - t) ** 2 for t in y) / n) <= 1e-12
    assert base["auc"] == 0.5


def test_calibration_by_hand():
    y = [0, 0, 1, 0, 1, 1, 0, 1]
    p = [0.05, 0.1, 0.15, 0.3, 0.55, 0.6, 0.7, 0.95]
    c = calibration(y, p, bins=4, strategy="uniform")
    f = c.to_frame()
    assert f["count"].tolist() == [3, 1, 3, 1]
    assert np.allclose(f["observed"], [1 / 3, 0.0, 2 / 3, 1.0])
    assert np.allclose(f["mean_predicted"], [0.1, 0.3, (0.55 + 0.6 + 0.7) / 3, 0.95])
    q = calibration(y, p, bins=2)
    assert q.to_frame()["count"].tolist() == [4, 4]


def test_out_of_sample_on_simulated_data():
    rng = np.random.default_rng(8)
    n = 1200
    df = pd.DataFrame({"c_index": rng.uniform(0, 1, n), "tau": rng.uniform(0, 1, n),
                       "y_A": rng.uniform(0, 1, n), "y_B": rng.uniform(0, 1, n),
                       "pair": np.arange(n) // 3, "year": rng.integers(1816, 2019, n)})
    walt = load_spec("walt_balance_of_threat")
    df["onset"] = simulate_onsets(walt, df, {"b0": -1.0, "b1": 2.5}, lam=5.0, seed=3)
    early = (df["year"] <= 1945).to_numpy()
    s = out_of_sample({"walt": walt, "cha": "cha_quasi_alliance"}, df, train=early,
                      test=~early)
    f = s.to_frame().set_index("model")
    # the true model beats the base rate out of sample
    assert f.loc["walt", "log_score"] > f.loc["base rate", "log_score"]
    assert f.loc["walt", "auc"] > 0.6
    assert s.n == int((~early).sum())
    # the Vuong test on the same rows favours the true model
    fw = fit_structural(walt, df)
    fc = fit_structural("cha_quasi_alliance", df)
    t = vuong(fw, fc)
    assert t.statistic > 0


def test_bad_inputs():
    with pytest.raises(ModelError, match="different numbers of rows"):
        vuong(("a", L1, 1), ("b", L2[:-1], 1))
    with pytest.raises(ParameterError, match="finite"):
        clarke(("a", [0.0, float("nan")], 1), ("b", [0.0, 0.0], 1))
    with pytest.raises(ModelError, match="give a fit"):
        vuong(L1, L2)
    with pytest.raises(ParameterError, match="0 or 1"):
        score_predictions([0, 2], {"m": [0.1, 0.2]}, base_rate=0.5)
    with pytest.raises(ParameterError, match="in \\[0, 1\\]"):
        calibration([0, 1], [0.1, 1.2])
    with pytest.raises(ParameterError, match="strategy"):
        calibration([0, 1], [0.1, 0.2], strategy="kmeans")
