"""Tests between models of the same onsets: non-nested tests, scores, calibration.

- **Vuong's test** (Vuong 1989) with the Schwarz (BIC) correction, as ``vuong()`` of the R
  package ``games`` (Kenkel and Signorino): with ``m_i = l1_i - l2_i`` the pointwise
  log-likelihood differences on the same ``n`` rows and ``k1``, ``k2`` parameters,

      V = (sum m_i - (k1 - k2) log(n) / 2) / (sqrt(n) sd(m)),   sd with denominator n,

  asymptotically N(0, 1) when both models are equally close (Kullback-Leibler) to the
  truth; two-sided p = 2 Phi(-|V|); V > 0 favours model 1.
- **Clarke's distribution-free test** (Clarke 2007), as ``clarke()`` of ``games``:
  ``B = #{i : m_i > (k1 - k2) log(n) / (2 n)}`` is Binomial(n, 1/2) under the null;
  p = 2 P(Binom <= min(B, n - B)) (capped at 1); B > n / 2 favours model 1.
- **Out-of-sample scores** against the base-rate model (fit on one period, score another):
  mean log score, Brier score and AUC (Mann-Whitney, ties counted one half).
- **Calibration**: predicted against observed onset rates in bins, with counts.

Results are frozen records with ``to_frame()``, ``to_markdown()`` and ``to_latex()``.

References: Q. H. Vuong, 'Likelihood Ratio Tests for Model Selection and Non-Nested
Hypotheses', Econometrica 57(2), 1989, 307-333; K. A. Clarke, 'A Simple Distribution-Free
Test for Nonnested Model Selection', Political Analysis 15(3), 2007, 347-363.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from qa_games.errors import ModelError, ParameterError

__all__ = ["NonNestedTest", "vuong", "clarke", "Scores", "score_predictions",
           "out_of_sample", "Calibration", "calibration"]


def _latex(frame: pd.DataFrame, note: str) -> str:
    from qa_games.record._latex import latex_table

    return latex_table(frame, note)


# -- non-nested tests -------------------------------------------------------------------

@dataclass(frozen=True)
class NonNestedTest:
    """The result of :func:`vuong` or :func:`clarke` (``preferred``: the favoured model's
    name when p < level, else None)."""

    test: str
    model1: str
    model2: str
    statistic: float
    p_value: float
    n: int
    k1: int
    k2: int
    loglik1: float
    loglik2: float
    level: float = 0.05
    preferred: str | None = None

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "test": self.test, "model 1": self.model1, "model 2": self.model2,
            "statistic": self.statistic, "p": self.p_value, "n": self.n,
            "k1": self.k1, "k2": self.k2, "loglik 1": self.loglik1, "loglik 2": self.loglik2,
            "preferred": self.preferred or "neither"}])

    def _note(self) -> str:
        what = "B (rows favouring model 1)" if self.test == "clarke" else "V"
        return (f"{self.test.capitalize()} test, {what} = {self.statistic:.4g}, two-sided "
                f"p = {self.p_value:.3g}; preferred at level {self.level}: "
                f"{self.preferred or 'neither'}")

    def to_markdown(self) -> str:
        return self.to_frame().to_markdown(index=False, floatfmt=".4g") + "\n\n" + self._note()

    def to_latex(self) -> str:
        return _latex(self.to_frame(), self._note())


def _pointwise(model: Any, label: str) -> tuple[str, np.ndarray, int, np.ndarray | None]:
    """(name, pointwise log-likelihoods, number of parameters, row labels) of a model:
    a StructuralFit, or a tuple ``(name, loglik_obs, k)``."""
    if isinstance(model, tuple) and len(model) == 3:
        name, ll, k = model
        rows = None
    elif hasattr(model, "loglik_obs") and hasattr(model, "k"):
        ll, k = model.loglik_obs, model.k
        spec = getattr(model, "spec", None)
        name = getattr(spec, "name", label) if spec is not None else label
        rows = getattr(model, "rows", None)
    else:
        raise ModelError(f"{label}: give a fit (with loglik_obs and k) or a tuple "
                         "(name, pointwise log-likelihoods, number of parameters)")
    arr = np.asarray(ll, dtype=float)
    if arr.ndim != 1 or arr.size < 2 or not np.all(np.isfinite(arr)):
        raise ParameterError(f"{label}: pointwise log-likelihoods must be a finite 1-d array "
                             "of at least 2 rows")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ParameterError(f"{label}: the number of parameters k={k!r} must be an int >= 0")
    return str(name), arr, int(k), None if rows is None else np.asarray(rows)


def _pair(model1: Any, model2: Any) -> tuple[str, np.ndarray, int, str, np.ndarray, int]:
    n1, l1, k1, r1 = _pointwise(model1, "model1")
    n2, l2, k2, r2 = _pointwise(model2, "model2")
    if l1.size != l2.size:
        raise ModelError(f"the models are fit on different numbers of rows ({l1.size} and "
                         f"{l2.size}): compare them on the same rows")
    if r1 is not None and r2 is not None and not np.array_equal(r1, r2):
        raise ModelError("the models are fit on different rows (the row labels differ): "
                         "compare them on the same rows")
    if n1 == n2:
        n1, n2 = f"{n1} (1)", f"{n2} (2)"
    return n1, l1, k1, n2, l2, k2


def vuong(model1: Any, model2: Any, *, level: float = 0.05) -> NonNestedTest:
    """Vuong's non-nested test with the Schwarz correction (``games::vuong``).

    >>> t = vuong(("a", [-0.1, -0.2, -0.3, -0.2], 1), ("b", [-0.3, -0.1, -0.6, -0.4], 1))
    >>> round(t.statistic, 6), t.preferred
    (2.0, 'a')
    """
    n1, l1, k1, n2, l2, k2 = _pair(model1, model2)
    n = l1.size
    m = l1 - l2
    sd = float(np.std(m))  # denominator n, as games::vuong
    num = float(m.sum()) - (k1 - k2) * math.log(n) / 2.0
    if sd == 0.0:
        stat = 0.0 if num == 0 else math.copysign(math.inf, num)
    else:
        stat = num / (math.sqrt(n) * sd)
    p = float(2.0 * stats.norm.sf(abs(stat)))
    pref = (n1 if stat > 0 else n2) if p < level else None
    return NonNestedTest("vuong", n1, n2, float(stat), p, n, k1, k2, float(l1.sum()),
                         float(l2.sum()), level, pref)


def clarke(model1: Any, model2: Any, *, level: float = 0.05) -> NonNestedTest:
    """Clarke's distribution-free (sign) test with the Schwarz correction (``games::clarke``).

    >>> t = clarke(("a", [-0.1, -0.2, -0.3, -0.2], 1), ("b", [-0.3, -0.1, -0.6, -0.4], 1))
    >>> t.statistic, t.p_value
    (3.0, 0.625)
    """
    n1, l1, k1, n2, l2, k2 = _pair(model1, model2)
    n = l1.size
    corr = (k1 - k2) * math.log(n) / (2.0 * n)
    b = int(np.sum(l1 - l2 > corr))
    p = float(min(1.0, 2.0 * stats.binom.cdf(min(b, n - b), n, 0.5)))
    pref = (n1 if b > n - b else n2) if p < level and b != n - b else None
    return NonNestedTest("clarke", n1, n2, float(b), p, n, k1, k2, float(l1.sum()),
                         float(l2.sum()), level, pref)


# -- scores -----------------------------------------------------------------------------

def _check_yp(y: Any, p: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    yy = np.asarray(y, dtype=float)
    pp = np.asarray(p, dtype=float)
    if yy.ndim != 1 or yy.shape != pp.shape or yy.size == 0:
        raise ParameterError(f"{what}: outcomes and probabilities must be 1-d arrays of the "
                             f"same non-zero length (got {yy.shape} and {pp.shape})")
    if not np.isin(yy, (0.0, 1.0)).all():
        raise ParameterError(f"{what}: outcomes must be 0 or 1")
    if not (np.all(np.isfinite(pp)) and np.all((pp >= 0) & (pp <= 1))):
        raise ParameterError(f"{what}: probabilities must be finite and in [0, 1]")
    return yy, pp


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    n1 = int(y.sum())
    n0 = y.size - n1
    if n1 == 0 or n0 == 0:
        return math.nan
    r = stats.rankdata(p)
    return float((r[y == 1].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


@dataclass(frozen=True)
class Scores:
    """Scores of probability forecasts of the same outcomes, one row per model.

    ``log_score`` is the mean log-likelihood (higher is better), ``brier`` the mean squared
    error (lower is better), ``auc`` the area under the ROC curve (0.5: no discrimination).
    """

    table: tuple[tuple[str, float, float, float], ...]  # (model, log score, Brier, AUC)
    n: int
    onsets: int
    note: str = ""

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.table), columns=["model", "log_score", "brier", "auc"])

    def _note(self) -> str:
        return f"n = {self.n}, onsets = {self.onsets}" + (f"; {self.note}" if self.note else "")

    def to_markdown(self) -> str:
        return self.to_frame().to_markdown(index=False, floatfmt=".5f") + "\n\n" + self._note()

    def to_latex(self) -> str:
        return _latex(self.to_frame(), self._note())


def score_predictions(y: Any, predictions: Mapping[str, Any], *, base_rate: float | None = None,
                      note: str = "") -> Scores:
    """Log score, Brier score and AUC of each forecast, and of the base rate (a constant
    forecast, ``base_rate`` or the mean of ``y``), as a :class:`Scores` table.

    >>> s = score_predictions([0, 1, 0, 1], {"m": [0.2, 0.7, 0.4, 0.6]}, base_rate=0.5)
    >>> s.to_frame().round(4).values.tolist()
    [['m', -0.4004, 0.1125, 1.0], ['base rate', -0.6931, 0.25, 0.5]]
    """
    yy = np.asarray(y, dtype=float)
    rows = []
    br = float(yy.mean()) if base_rate is None else float(base_rate)
    if not 0.0 < br < 1.0:
        raise ParameterError(f"base_rate={br!r} must be strictly between 0 and 1")
    items = list(predictions.items()) + [("base rate", np.full(yy.size, br))]
    for name, p in items:
        yv, pv = _check_yp(yy, p, f"scores of {name!r}")
        pc = np.clip(pv, 1e-300, 1.0 - 1e-16)
        log_score = float(np.mean(np.where(yv == 1, np.log(pc), np.log1p(-pc))))
        brier = float(np.mean((pv - yv) ** 2))
        rows.append((str(name), log_score, brier, _auc(yv, pv)))
    return Scores(tuple(rows), int(yy.size), int(yy.sum()), note)


def out_of_sample(specs: Mapping[str, Any], data: pd.DataFrame, *, train: Any, test: Any,
                  note: str = "") -> Scores:
    """Fit each structural spec on the ``train`` rows, score it on the ``test`` rows.

    ``train`` and ``test`` are boolean masks over ``data`` (e.g. ``data.year <= 1945``).
    The base-rate model is the training onset rate. Test rows missing a measure of any
    model are dropped for all (the models are scored on the same rows).
    """
    from qa_games.record.estimation import fit_structural, load_spec, predict

    if not specs:
        raise ParameterError("out_of_sample: give at least one spec")
    tr = np.asarray(train, dtype=bool)
    te = np.asarray(test, dtype=bool)
    if tr.shape != (len(data),) or te.shape != (len(data),):
        raise ParameterError("train and test must be boolean masks with one value per row")
    if not tr.any() or not te.any():
        raise ParameterError(f"out_of_sample: empty {'training' if not tr.any() else 'test'} set")
    preds: dict[str, np.ndarray] = {}
    base: float | None = None
    outcome = None
    for name, spec in specs.items():
        sp = spec if not isinstance(spec, str) else load_spec(spec)
        fit = fit_structural(sp, data[tr])
        outcome = sp.outcome
        if base is None:
            base = float(pd.to_numeric(data.loc[tr, outcome]).mean())
        preds[name] = predict(fit, data[te]).to_numpy()
    assert outcome is not None and base is not None
    y = pd.to_numeric(data.loc[te, outcome], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(y)
    for p in preds.values():
        ok &= np.isfinite(p)
    if not ok.any():
        raise ParameterError("out_of_sample: no test row has every model's measures")
    return score_predictions(y[ok], {k: v[ok] for k, v in preds.items()}, base_rate=base,
                             note=note or f"fit on {int(tr.sum())} rows, scored on "
                                          f"{int(ok.sum())}; base rate {base:.5f} (training)")


# -- calibration ------------------------------------------------------------------------

@dataclass(frozen=True)
class Calibration:
    """Binned predicted probabilities against observed onset rates, with counts."""

    model: str
    strategy: str
    bins: tuple[tuple[float, float, float, float, int], ...] = field(default=())
    # (low edge, high edge, mean predicted, observed rate, count)

    def to_frame(self) -> pd.DataFrame:
        f = pd.DataFrame(list(self.bins), columns=["p_low", "p_high", "mean_predicted",
                                                   "observed", "count"])
        f.insert(0, "model", self.model)
        return f

    def _note(self) -> str:
        return f"calibration of {self.model} ({self.strategy} bins)"

    def to_markdown(self) -> str:
        return self.to_frame().to_markdown(index=False, floatfmt=".4f") + "\n\n" + self._note()

    def to_latex(self) -> str:
        return _latex(self.to_frame(), self._note())


def calibration(y: Any, p: Any, *, bins: int = 10, strategy: str = "quantile",
                model: str = "model") -> Calibration:
    """Calibration data: rows binned by predicted probability (``strategy`` "quantile":
    equal counts; "uniform": equal widths on [0, 1]); empty bins are left out.

    >>> c = calibration([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], bins=2)
    >>> c.to_frame()[["mean_predicted", "observed", "count"]].values.tolist()
    [[0.15000000000000002, 0.0, 2.0], [0.8500000000000001, 1.0, 2.0]]
    """
    yy, pp = _check_yp(y, p, f"calibration of {model!r}")
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise ParameterError(f"bins={bins!r} must be a positive integer")
    if strategy == "quantile":
        edges = np.unique(np.quantile(pp, np.linspace(0, 1, bins + 1)))
        if edges.size < 2:
            edges = np.array([pp.min(), pp.max()])
    elif strategy == "uniform":
        edges = np.linspace(0.0, 1.0, bins + 1)
    else:
        raise ParameterError(f"strategy={strategy!r} is not one of 'quantile', 'uniform'")
    idx = np.clip(np.searchsorted(edges, pp, side="right") - 1, 0, edges.size - 2)
    out = []
    for b in range(edges.size - 1):
        sel = idx == b
        cnt = int(sel.sum())
        if cnt:
            out.append((float(edges[b]), float(edges[b + 1]), float(pp[sel].mean()),
                        float(yy[sel].mean()), cnt))
    return Calibration(model, strategy, tuple(out))
