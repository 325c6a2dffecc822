"""Tests of qa_games.record.estimation: parameter recovery on data simulated from each
model, the likelihood by hand, the specs and their bad inputs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qa_games import load_model
from qa_games.errors import ModelError, ParameterError
from qa_games.record.estimation import (
    bundled_specs,
    fit_structural,
    load_spec,
    parse_spec,
    predict,
    simulate_onsets,
)
from qa_games.solvers.qre import qre


def panel(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "c_index": rng.uniform(0, 1, n), "tau": rng.uniform(0, 1, n),
        "y_A": rng.uniform(0, 1, n), "y_B": rng.uniform(0, 1, n),
        "contain_2": (m2 := rng.uniform(0, 1, n)), "contain_1": m2 * rng.uniform(0, 1, n),
        "pair": np.arange(n) // 4, "year": rng.integers(1816, 2019, n)})


@pytest.mark.parametrize(("name", "truth", "lam", "n"), [
    ("walt_balance_of_threat", {"b0": -1.0, "b1": 2.0}, 4.0, 3000),
    ("cha_quasi_alliance", {"b0": 1.0, "b1": -3.0}, 6.0, 2500),
    ("buck_passing", {"b0": -0.5, "b1": 2.0}, 20.0, 2500),
])
def test_parameter_recovery(name, truth, lam, n):
    spec = load_spec(name)
    df = panel(n, seed=11)
    df["onset"] = simulate_onsets(spec, df, truth, lam=lam, seed=5)
    fit = fit_structural(spec, df)
    assert fit.converged, fit.message
    true = np.array(list(truth.values()) + [math.log(lam)])
    z = (fit.estimates - true) / fit.se
    assert np.all(np.abs(z) < 3.5), (fit.estimates, true, fit.se)
    # likelihood ratio against the truth: chi2(3) below its 0.999 quantile (16.27)
    p = predict(spec, df, dict(truth, log_lambda=math.log(lam))).to_numpy()
    y = df["onset"].to_numpy()
    ll_true = float(np.sum(np.where(y == 1, np.log(p), np.log1p(-p))))
    assert 0.0 <= 2 * (fit.loglik - ll_true) < 16.27
    assert fit.se_robust is not None and np.all(fit.se_robust > 0)
    assert fit.n_clusters == df["pair"].nunique()
    frame = fit.to_frame()
    assert list(frame["coefficient"]) == ["b0", "b1", "log_lambda"]
    assert "log_lambda" in fit.to_markdown() and "\\begin{tabular}" in fit.to_latex()


def test_probability_is_the_qre_of_the_model_game():
    """P(onset) of one row equals qre() of model.at(row's parameters), by a second route."""
    spec = load_spec("walt_balance_of_threat")
    df = panel(5, seed=2).assign(onset=0)
    theta = {"b0": 0.3, "b1": -1.2, "log_lambda": math.log(3.0)}
    p = predict(spec, df, theta)
    model = load_model("walt_balance_of_threat")
    for i in range(5):
        row = df.iloc[i]
        c = 1 / (1 + math.exp(-(0.3 - 1.2 * row["c_index"])))
        game = model.at(tau=float(row["tau"]), c=c).as_float()
        r = qre(game, 3.0)
        i0, j0 = model.profile("alliance")
        assert abs(r.probability((i0, j0)) - p.iloc[i]) <= 1e-9


def test_loglik_by_hand():
    spec = load_spec("cha_quasi_alliance")
    df = panel(40, seed=3)
    df["onset"] = simulate_onsets(spec, df, {"b0": 0.0, "b1": -1.0}, lam=5.0, seed=1)
    fit = fit_structural(spec, df)
    p = predict(fit, df).to_numpy()
    y = df["onset"].to_numpy()
    ll = sum(math.log(pi) if yi else math.log(1 - pi) for pi, yi in zip(p, y, strict=True))
    assert abs(ll - fit.loglik) <= 1e-8
    assert np.allclose(fit.prob, p)


def test_missing_rows_are_dropped_and_counted():
    spec = load_spec("walt_balance_of_threat")
    df = panel(300, seed=4)
    df["onset"] = simulate_onsets(spec, df, {"b0": 0.0, "b1": 1.0}, lam=3.0, seed=2)
    df.loc[df.index[:7], "tau"] = np.nan
    fit = fit_structural(spec, df)
    assert fit.n == 293 and fit.n_dropped == 7
    assert predict(fit, df).iloc[:7].isna().all()


def test_bundled_specs_are_not_models():
    from qa_games import list_models

    assert set(bundled_specs()) == {"cha_quasi_alliance", "walt_balance_of_threat",
                                    "buck_passing"}
    names = [n for n, _ in list_models()]
    assert "cha_quasi_alliance" in names and len(names) == len(set(names))
    assert load_spec("cha_quasi_alliance").profile == "mutual_cooperation"
    assert load_spec("walt_balance_of_threat").profile == "alliance"
    assert load_spec("buck_passing").profile == "alliance"


def test_every_bundled_spec_predicts_bilateral_alignment():
    """The three theories are fitted to one variable: the spec's profile, through the
    model's [outcomes] labels and [scenario] alignment, is bilateral alignment."""
    from qa_games.modelfiles.scenario import scenario_map

    for name in bundled_specs():
        spec = load_spec(name)
        label = spec.model.label_of(spec.model.profile(spec.profile))
        assert scenario_map(spec.model).alignment[label] == "bilateral_alignment" \
            == spec.alignment
    other = parse_spec({"estimation": {"model": "buck_passing", "profile": "mutual_pass"},
                        "links": {"t": "tau"}})
    assert other.alignment == "distance_under_patron"


def test_buck_passing_probability_is_the_qre_of_the_model_game():
    spec = load_spec("buck_passing")
    df = panel(4, seed=6).assign(onset=0)
    theta = {"b0": 0.2, "b1": 1.5, "log_lambda": math.log(8.0)}
    p = predict(spec, df, theta)
    model = load_model("buck_passing")
    for i in range(4):
        row = df.iloc[i]
        c = 1 / (1 + math.exp(-(0.2 + 1.5 * row["c_index"])))
        game = model.at(c=c, t=float(row["tau"]), m_1=float(row["contain_1"]),
                        m_2=float(row["contain_2"])).as_float()
        assert abs(qre(game, 8.0).probability(model.profile("alliance")) - p.iloc[i]) <= 1e-9


BASE = {"estimation": {"model": "walt_balance_of_threat", "profile": "alliance"},
        "coefficients": {"b0": 0.0}, "links": {"c": "logistic(b0 + c_index)", "tau": "tau"}}


def _spec(**changes):
    data: dict[str, dict] = {k: dict(v) for k, v in BASE.items()}  # type: ignore[call-overload]
    for key, val in changes.items():
        table, _, name = key.partition("__")
        if val is None:
            data[table].pop(name, None)
        else:
            data[table][name] = val
    return data


def test_unknown_parameter_in_mapping():
    with pytest.raises(ParameterError, match="unknown parameter 'fear'"):
        parse_spec(_spec(links__fear="tau"))


def test_unknown_column():
    spec = parse_spec(BASE)
    df = panel(20, seed=1).drop(columns="tau").assign(onset=0)
    with pytest.raises(ModelError, match="unknown column 'tau'"):
        fit_structural(spec, df)


def test_all_missing_measure():
    spec = parse_spec(BASE)
    df = panel(20, seed=1).assign(onset=0, tau=np.nan)
    with pytest.raises(ParameterError, match="measure 'tau' is missing"):
        fit_structural(spec, df)


@pytest.mark.parametrize(("change", "error", "match"), [
    ({"links__c": "__import__('os').system('x')"}, ModelError, "not allowed"),
    ({"links__c": "c_index.real"}, ModelError, "not allowed"),
    ({"links__c": "logistic(b0"}, ModelError, "cannot parse"),
    ({"estimation__profile": "peace"}, ModelError, "not a profile"),
    ({"coefficients__b9": 1.0}, ModelError, "appear in no link"),
    ({"coefficients__b0": "zero"}, ParameterError, "finite number"),
    ({"estimation__lambda": -1.0}, ParameterError, "positive"),
    ({"estimation__colour": "red"}, ModelError, "unknown key"),
])
def test_bad_specs(change, error, match):
    with pytest.raises(error, match=match):
        parse_spec(_spec(**change))


def test_measure_outside_the_parameter_domain():
    spec = parse_spec(_spec(links__tau="10 * tau + 5"))
    df = panel(20, seed=1).assign(onset=0)
    with pytest.raises(ParameterError, match="outside the domain"):
        fit_structural(spec, df)


def test_unknown_spec_name_and_bad_outcome():
    with pytest.raises(ModelError, match="unknown estimation spec"):
        load_spec("nonexistent")
    spec = parse_spec(BASE)
    df = panel(20, seed=1).assign(onset=2)
    with pytest.raises(ParameterError, match="0 or 1"):
        fit_structural(spec, df)


def test_multistart_keeps_the_best_optimum():
    spec = load_spec("walt_balance_of_threat")
    df = panel(400, seed=9)
    df["onset"] = simulate_onsets(spec, df, {"b0": -1.0, "b1": 2.0}, lam=4.0, seed=4)
    single = [fit_structural(spec, df, lam_start=v).loglik for v in (0.3, 6.0)]
    multi = fit_structural(spec, df, lam_start=[0.3, 6.0])
    assert multi.loglik >= max(single) - 1e-9
    with pytest.raises(ParameterError, match="lam_start"):
        fit_structural(spec, df, lam_start=[-1.0])
