"""The record's verdict: which theory the alliance record favours, by how much, how sure.

``empirics.md`` sections 3-4, assembled for ``qa-games record`` and the report. On the
measured quasi-alliance panel (:func:`~qa_games.record.measures.measured_panel`):

- the **conventional reduced form** (:func:`~qa_games.record.reduced_form.reduced_form`:
  logit of onset on the default commitment index, Walt's threat index and animosity, era
  dummies, SE clustered by pair) with each theory's predicted signs;
- **each theory's own specification**, a logit of onset on the measures of that theory's
  parameters (:data:`THEORY_TERMS`: Cha's c, k, x_A, x_B, y_A, y_B; Walt's four sources of
  threat; buck-passing's c, threat and the balancers' capability), fitted on the same
  rows, and the structural fits when given (Cha, Walt and the buck-passing rival of
  ``docs/mechanisms.md``: three theories, one outcome, bilateral alignment);
- **non-nested tests** between every pair of theories on the same rows: Vuong's (1989)
  test with the Schwarz correction and Clarke's (2007) distribution-free test
  (:func:`vuong`, :func:`clarke`, as the R package ``games``' ``vuong()`` and
  ``clarke()``);
- **the sign of the commitment effect** (:func:`commitment_signs`): each theory's
  predicted sign against the reduced form's and each structural fit's (its link's slope,
  and the average effect of the commitment index on P(onset)), and whether the sign still
  tells the theories apart once buck-passing (Cha's sign) is in;
- **out-of-sample scores** (:func:`out_of_sample`): each model fitted on the years <= 1945
  and scored on 1946-2018, and the reverse (no era dummies: the eras do not overlap), by
  mean log score, Brier score and AUC, against the base-rate model (the training onset
  rate); **calibration** of those out-of-sample predictions in bins;
- **onset rates** by binned patron commitment and threat, with counts and Wilson intervals
  (:func:`onset_rates`);
- the **specification table** (:func:`specification_table`): the conventional reduced form
  under each measurement choice (outcome kind, relevance filter, patron proxy, threat
  proxy, era), one choice moved at a time from the base, and what it says of each
  theory's sign;
- the hand-coded cases placed in the panel (:func:`~qa_games.record.summary.case_years`).

Variants of the outcome kind and of the relevance filters are taken from the one measured
panel (every measure of a row depends only on that row's pair and year, so filtering the
measured panel equals measuring the filtered panel); threat-proxy variants that change
how R is chosen or how the sources combine measure the panel again.

Structural fits: each theory's model file, its logit QRE and the mapping of measures to
parameters in ``models/record/<model>.toml`` (:mod:`qa_games.record.estimation`); the
structural pair is the primary comparison, the reduced-form pair the conventional check.

>>> scores([0, 0, 1], [0.1, 0.2, 0.9])["AUC"]
1.0
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from ..errors import ParameterError
from .measures import COMMITMENT_PROXIES, PANEL_OPTIONS, THREAT_SOURCES, measured_panel
from .panel import ERAS, OUTCOMES
from .reduced_form import DEFAULT_TERMS, ReducedForm, design_matrix, reduced_form
from .summary import CountsTable, case_years, counts_table
from .tables import latex_table, markdown_table

__all__ = ["THEORY_TERMS", "TheoryFit", "PairTest", "RecordResults", "record_results",
           "theory_fit", "structural_fit", "pair_tests", "scores", "out_of_sample",
           "onset_rates", "calibration", "specification_table", "SPLIT_YEAR",
           "MEASUREMENT_OPTIONS", "STRUCTURAL_SPECS", "SIGNS", "commitment_signs"]

#: Each theory's own specification: the measures of its parameters (empirics.md section 2).
THEORY_TERMS: dict[str, tuple[str, ...]] = {
    "Cha": ("c_index", "k", "x_A", "x_B", "y_A", "y_B"),
    "Walt": THREAT_SOURCES,
    "Buck-passing": ("c_index", "tau", "contain_1", "contain_2"),
}
#: The structural estimation specs compared by default (``models/record/<name>.toml``),
#: tested pairwise in this order (model 1 against model 2, 1 against 3, 2 against 3).
STRUCTURAL_SPECS = ("cha_quasi_alliance", "walt_balance_of_threat", "buck_passing")
#: The theory each bundled model stands for.
THEORY_OF_MODEL = {"cha_quasi_alliance": "Cha", "cha_per_client": "Cha",
                   "walt_balance_of_threat": "Walt", "buck_passing": "Buck-passing"}
#: Each theory's predicted sign of the effect on onsets of (patron commitment, threat):
#: "-", "+", ">= 0" (does not lower), "+/-" (no prediction). Cha: a stronger patron, less
#: alignment (cha-1); Walt: the patron's support does not lower balancing, more threat more
#: alliance (walt-2); buck-passing: Cha's sign for commitment (bp-2), Walt's for the threat
#: (bp-3).
SIGNS: dict[str, tuple[str, str]] = {"Cha": ("-", "+/-"), "Walt": (">= 0", "+"),
                                     "Buck-passing": ("-", "+")}
#: Out-of-sample split: fit on years <= SPLIT_YEAR, score the later years (and the reverse).
SPLIT_YEAR = 1945
#: The measurement options :func:`record_results` passes to the measured panel.
MEASUREMENT_OPTIONS = ("rivalry", "d0", "offense", "index", "mid_window", "k_window")


@dataclass(frozen=True, eq=False)
class TheoryFit:
    """One theory's fitted model on the common rows: estimates and per-row predictions.

    ``kind`` is ``"reduced form"`` (a logit of onset on the theory's measures) or
    ``"structural"`` (the model's own equilibria, logit QRE); ``prob`` and ``pointwise``
    (per-row Bernoulli log-likelihood) are aligned with ``index`` (panel row labels).
    """

    theory: str
    kind: str
    terms: tuple[str, ...]
    estimates: pd.DataFrame  # term, coef, SE, CI low, CI high (and verdicts when known)
    n_params: int
    loglik: float
    index: np.ndarray
    prob: np.ndarray
    pointwise: np.ndarray
    predict: Callable[[pd.DataFrame], np.ndarray] | None = None
    refit: Callable[[pd.DataFrame], TheoryFit] | None = None
    notes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.theory} ({self.kind})"

    @property
    def n(self) -> int:
        return len(self.index)


@dataclass(frozen=True)
class PairTest:
    """A non-nested test of model 1 against model 2 on the same rows."""

    test: str
    model1: str
    model2: str
    statistic: float
    p: float
    preferred: str  # "model 1", "model 2" or "neither" (at the test's level)
    n: int
    detail: str

    def row(self) -> dict[str, Any]:
        winner = {"model 1": self.model1, "model 2": self.model2}.get(self.preferred, "neither")
        return {"test": self.test, "model 1": self.model1, "model 2": self.model2,
                "statistic": self.statistic, "p": self.p, "favours": winner, "n": self.n,
                "detail": self.detail}


def pair_tests(f1: TheoryFit, f2: TheoryFit, *, alpha: float = 0.05) -> tuple[PairTest, ...]:
    """Vuong's and Clarke's tests (Schwarz-corrected, :mod:`qa_games.record.model_tests`)
    of ``f1`` against ``f2``, which must be fitted on the same rows."""
    from .model_tests import clarke, vuong

    if not np.array_equal(f1.index, f2.index):
        raise ParameterError(f"{f1.name} and {f2.name} are not fitted on the same rows")
    out = []
    for fn, label in ((vuong, "Vuong (Schwarz)"), (clarke, "Clarke (Schwarz)")):
        t = fn((f1.name, f1.pointwise, f1.n_params), (f2.name, f2.pointwise, f2.n_params),
               level=alpha)
        pref = ("model 1" if t.preferred == f1.name else "model 2" if t.preferred == f2.name
                else "neither")
        if label.startswith("Vuong"):
            detail = (f"LR = {t.loglik1 - t.loglik2:.2f}, Schwarz correction "
                      f"{(f1.n_params - f2.n_params) * math.log(t.n) / 2:.2f}")
        else:
            detail = (f"B = {int(t.statistic):,} of {t.n:,} rows "
                      f"({100 * t.statistic / t.n:.1f} %) where model 1 fits better")
        out.append(PairTest(label, f1.name, f2.name, float(t.statistic), float(t.p_value),
                            pref, int(t.n), detail))
    return tuple(out)


def scores(y: Any, p: Any) -> dict[str, float]:
    """Mean log score (higher is better), Brier score (lower is better) and AUC
    (:func:`qa_games.record.model_tests.score_predictions`).

    >>> s = scores([0, 1], [0.5, 0.5])
    >>> round(s["log score"], 4), s["Brier"], s["AUC"]
    (-0.6931, 0.25, 0.5)
    """
    from .model_tests import score_predictions

    row = score_predictions(y, {"m": p}, base_rate=0.5).table[0]
    return {"log score": row[1], "Brier": row[2], "AUC": row[3]}


def _pointwise(y: np.ndarray, eta: np.ndarray) -> np.ndarray:
    return np.where(y == 1, special.log_expit(eta), special.log_expit(-eta))


def theory_fit(frame: pd.DataFrame, terms: Sequence[str], *, theory: str,
               era_dummies: bool = True, alpha: float = 0.05) -> TheoryFit:
    """A theory's reduced-form logit of onset on ``terms`` (a :class:`TheoryFit`).

    >>> m = measured_panel(years=(1946, 1991), region="europe")
    >>> f = theory_fit(m, ("c_index", "k"), theory="Cha", era_dummies=False)
    >>> bool(np.allclose(f.pointwise.sum(), f.loglik))
    True
    """
    terms = tuple(terms)
    rf = reduced_form(frame, terms=terms, era_dummies=era_dummies, alpha=alpha)
    y, X, *_ = design_matrix(frame, terms, era_dummies=era_dummies)
    b = np.array([rf.estimate(str(c)).coef for c in X.columns])
    eta = X.to_numpy(float) @ b
    yy = y.to_numpy()
    est = rf.to_frame()[["term", "coef", "se", "p", "ci_low", "ci_high", "cha_verdict",
                         "walt_verdict"]]
    est = est.rename(columns={"se": "SE", "ci_low": "CI low", "ci_high": "CI high",
                              "cha_verdict": "Cha verdict", "walt_verdict": "Walt verdict"})
    slope = b[: 1 + len(terms)]

    def predict(test: pd.DataFrame) -> np.ndarray:
        Z = np.column_stack([np.ones(len(test)), *[test[t].to_numpy(float) for t in terms]])
        return special.expit(Z @ slope)

    def refit(sub: pd.DataFrame) -> TheoryFit:
        return theory_fit(sub, terms, theory=theory, era_dummies=False, alpha=alpha)

    return TheoryFit(theory=theory, kind="reduced form", terms=terms, estimates=est,
                     n_params=X.shape[1], loglik=rf.loglik, index=X.index.to_numpy(),
                     prob=special.expit(eta), pointwise=_pointwise(yy, eta),
                     predict=predict if not era_dummies else None, refit=refit,
                     notes=rf.notes)


def structural_fit(frame: pd.DataFrame, spec: Any, *, start: Mapping[str, float] | None = None,
                   lam_start: float | None = None) -> TheoryFit:
    """A theory's structural fit (:func:`qa_games.record.estimation.fit_structural`: the
    model's logit QRE, maximum likelihood) as a :class:`TheoryFit`; SEs clustered by pair
    when the spec clusters, else from the inverse Hessian. ``spec``: a spec, a bundled
    spec's name or a path."""
    from .estimation import EstimationSpec, fit_structural, load_spec, predict

    sp = spec if isinstance(spec, EstimationSpec) else load_spec(spec)
    f = fit_structural(sp, frame, start=start, lam_start=lam_start)
    se = f.se_robust if f.se_robust is not None else f.se
    z = f.estimates / se
    est = pd.DataFrame({
        "term": list(f.names), "coef": f.estimates, "SE": se,
        "p": 2.0 * stats.norm.sf(np.abs(z)),
        "CI low": f.estimates - 1.959963984540054 * se,
        "CI high": f.estimates + 1.959963984540054 * se, "Cha verdict": "",
        "Walt verdict": ""})
    links = "; ".join(f"{k} = {v.text}" if hasattr(v, "text") else str(k)
                      for k, v in sp.links.items())
    notes = [f"{sp.model.name}: P(onset) = QRE probability of {sp.profile}; links {links}; "
             f"lambda = {f.lam:.4g}"]
    if not f.converged:
        notes.append(f"{sp.model.name}: NOT CONVERGED ({f.message})")
    coefs = dict(zip(sp.coefficients, f.estimates[:-1].tolist(), strict=True))

    def predict_rows(test: pd.DataFrame) -> np.ndarray:
        return predict(f, test).to_numpy(float)

    def refit(sub: pd.DataFrame) -> TheoryFit:
        return structural_fit(sub, sp, start=coefs, lam_start=f.lam)

    return TheoryFit(theory=THEORY_OF_MODEL.get(sp.model.name, sp.model.name),
                     kind="structural", terms=tuple(sp.columns), estimates=est,
                     n_params=f.k, loglik=f.loglik, index=np.asarray(f.rows),
                     prob=np.asarray(f.prob, dtype=float),
                     pointwise=np.asarray(f.loglik_obs, dtype=float), predict=predict_rows,
                     refit=refit, notes=tuple(notes))


def _average_effect(f: TheoryFit, frame: pd.DataFrame, measure: str, step: float = 0.01
                    ) -> float:
    """Mean over ``frame``'s rows of d P(onset) / d ``measure`` under the fit ``f``: a
    difference quotient with step ``step``, taken downward where the measure is within
    ``step`` of 1 (every measure used here lies in [0, 1])."""
    assert f.predict is not None
    v = frame[measure].to_numpy(float)
    delta = np.where(v + step <= 1.0, step, -step)
    base = f.predict(frame)
    moved = f.predict(frame.assign(**{measure: v + delta}))
    return float(np.mean((moved - base) / delta))


def commitment_signs(frame: pd.DataFrame, rf: ReducedForm, structural: Sequence[TheoryFit],
                     *, alpha: float = 0.05) -> pd.DataFrame:
    """Each theory's predicted sign of the commitment effect (:data:`SIGNS`) against the
    record: the reduced form's ``c_index`` (and ``tau``) coefficient with the theory's
    verdict, and, for the theory's structural fit on ``frame`` (if any), the slope ``b1``
    of its link ``c = logistic(b0 + b1 * c_index)`` (the theory's game reads a higher
    commitment index as a more committed patron iff ``b1 > 0``: verdict of the sign "+")
    and the average effect on P(onset) of the commitment index and of the threat index.
    """
    from .reduced_form import verdict

    c, t = rf.estimate(DEFAULT_TERMS[0]), rf.estimate(DEFAULT_TERMS[1])
    by_theory = {f.theory: f for f in structural}
    rows = []
    for theory, (sc, st) in SIGNS.items():
        row: dict[str, Any] = {
            "theory": theory, "commitment sign": sc, "threat sign": st,
            "reduced form c_index": c.coef, "c_index p": c.p,
            "commitment verdict": verdict(sc, c.coef, c.p, alpha),
            "reduced form tau": t.coef, "threat verdict": verdict(st, t.coef, t.p, alpha)}
        f = by_theory.get(theory)
        if f is not None and "b1" in set(f.estimates["term"]) and f.predict is not None:
            e = f.estimates.set_index("term").loc["b1"]
            row.update({"structural b1": float(e["coef"]), "b1 CI low": float(e["CI low"]),
                        "b1 CI high": float(e["CI high"]),
                        "b1 verdict (c_index read as commitment)":
                            verdict("+", float(e["coef"]), float(e["p"]), alpha),
                        "dP/dc_index": _average_effect(f, frame, "c_index"),
                        "dP/dtau": _average_effect(f, frame, "tau")})
        rows.append(row)
    return pd.DataFrame(rows)


def _sign_sentence(r: RecordResults) -> str | None:
    """Whether the sign of the commitment effect tells the theories apart."""
    s = r.signs
    if s is None or s.empty:
        return None
    rows = {row["theory"]: row for row in s.to_dict("records")}
    cha, walt, bp = rows["Cha"], rows["Walt"], rows["Buck-passing"]
    c = r.reduced_form.estimate(DEFAULT_TERMS[0])
    text = (f"Sign of the commitment effect: reduced-form commitment index {c.coef:+.2f} "
            f"({_fmt_p(c.p)}): Cha's and buck-passing's prediction (lower onsets) "
            f"{cha['commitment verdict']}, Walt's (does not lower) {walt['commitment verdict']}")
    if "structural b1" in s.columns and s["structural b1"].notna().all():
        text += "; structural slopes b1 of c = logistic(b0 + b1 c_index): " + ", ".join(
            f"{name} {row['structural b1']:+.2f} [{row['b1 CI low']:+.2f}, "
            f"{row['b1 CI high']:+.2f}] (average dP/dc_index {row['dP/dc_index']:+.4f})"
            for name, row in rows.items())
    same = cha["commitment verdict"] == bp["commitment verdict"]
    text += (". Cha and buck-passing predict the same sign, so the sign "
             + ("separates Walt from both" if same and cha["commitment verdict"]
                != walt["commitment verdict"] else "does not separate Walt from them")
             + " but cannot tell Cha from buck-passing")
    pair = [t for t in r.tests if {t.model1.split(" (")[0], t.model2.split(" (")[0]}
            == {"Cha", "Buck-passing"} and t.model1.endswith("(structural)")]
    if len(pair) == 2:
        vu, cl = pair
        a, b = vu.model1.split(" (")[0], vu.model2.split(" (")[0]
        text += (f"; between those two only the fit decides (structural {a} against {b}: "
                 f"Vuong z = {vu.statistic:+.2f}, {_fmt_p(vu.p)}; Clarke: {a} fits better on "
                 f"{100 * cl.statistic / cl.n:.1f} % of rows, {_fmt_p(cl.p)})")
    return text + "."


def _common_rows(frame: pd.DataFrame, terms: Sequence[str]) -> pd.DataFrame:
    cols = list(dict.fromkeys(terms))
    vals = frame[cols].apply(pd.to_numeric, errors="coerce").replace([np.inf, -np.inf], np.nan)
    keep = vals.notna().all(axis=1)
    return frame[keep]


def out_of_sample(frame: pd.DataFrame, fits: Sequence[TheoryFit], *,
                  split: int = SPLIT_YEAR) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fit on one period, score on the other (both directions); the base rate alongside.

    Returns (scores, predictions): one score row per direction and model (``log score``,
    ``Brier``, ``AUC``, and the gains over the base rate), and every row's out-of-sample
    prediction of every model (for the calibration plot).
    """
    early = frame[frame["year"] <= split]
    late = frame[frame["year"] > split]
    if early.empty or late.empty:
        raise ParameterError(f"out-of-sample scores need years on both sides of {split} "
                             f"(the panel has {int(frame['year'].min())}-"
                             f"{int(frame['year'].max())})")
    lo, hi = int(frame["year"].min()), int(frame["year"].max())
    rows, preds = [], []
    for train, test, label in ((early, late, f"fit {lo}-{split}, score {split + 1}-{hi}"),
                               (late, early, f"fit {split + 1}-{hi}, score {lo}-{split}")):
        y = test["onset"].to_numpy(int)
        base = float(train["onset"].mean())
        models: list[tuple[str, np.ndarray]] = [("base rate", np.full(len(test), base))]
        for f in fits:
            if f.refit is None:
                continue
            g = f.refit(train)
            if g.predict is None:
                continue
            models.append((f.name, g.predict(test)))
        base_s = scores(y, models[0][1])
        for name, p in models:
            s = scores(y, p)
            rows.append({"direction": label, "model": name, "train rows": len(train),
                         "test rows": len(test), "test onsets": int(y.sum()), **s,
                         "log score gain": s["log score"] - base_s["log score"],
                         "Brier skill": 1.0 - s["Brier"] / base_s["Brier"]})
            preds.append(pd.DataFrame({"row": test.index.to_numpy(), "model": name,
                                       "direction": label, "onset": y, "p": p}))
    return pd.DataFrame(rows), pd.concat(preds, ignore_index=True)


def calibration(predictions: pd.DataFrame, *, bins: int = 10) -> pd.DataFrame:
    """Per model: rows binned by predicted probability (deciles,
    :func:`qa_games.record.model_tests.calibration`), mean predicted and observed onset
    rate, with counts."""
    from .model_tests import calibration as calib

    frames = [calib(g["onset"].to_numpy(float), g["p"].to_numpy(float), bins=bins,
                    model=str(model)).to_frame()
              for model, g in predictions.groupby("model", sort=False)]
    out = pd.concat(frames, ignore_index=True)
    return out.rename(columns={"mean_predicted": "mean predicted", "observed": "observed rate",
                               "count": "rows"})


def _wilson(k: np.ndarray, n: np.ndarray, z: float = 1.959963984540054
            ) -> tuple[np.ndarray, np.ndarray]:
    p = k / n
    den = 1 + z ** 2 / n
    mid = (p + z ** 2 / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z ** 2 / (4 * n ** 2)) / den
    return mid - half, mid + half


def onset_rates(frame: pd.DataFrame, measure: str, *, bins: int = 5) -> pd.DataFrame:
    """Onset rate by bins of ``measure`` (quantile bins; a 0/1 measure by value), with
    rows, onsets and a 95 % Wilson interval."""
    if measure not in frame.columns:
        raise ParameterError(f"measure {measure!r} is not a column of the panel")
    v = pd.to_numeric(frame[measure], errors="coerce")
    ok = v.notna()
    v, y = v[ok], frame.loc[ok, "onset"].astype(int)
    if v.empty:
        raise ParameterError(f"measure {measure!r} is missing on every row")
    if v.nunique() <= 2:
        key = v.map(lambda x: f"{x:g}")
        labels = sorted(key.unique(), key=float)
    else:
        cut = pd.qcut(v, q=bins, duplicates="drop")
        key = cut.astype(str)
        labels = [str(c) for c in cut.cat.categories]
    g = pd.DataFrame({"bin": key, "onset": y, "v": v}).groupby("bin")
    t = g.agg(rows=("onset", "size"), onsets=("onset", "sum"), mean=("v", "mean"))
    t = t.reindex([lab for lab in labels if lab in t.index])
    lo, hi = _wilson(t["onsets"].to_numpy(float), t["rows"].to_numpy(float))
    return pd.DataFrame({"measure": measure, "bin": t.index, "mean": t["mean"].to_numpy(),
                         "rows": t["rows"].to_numpy(int), "onsets": t["onsets"].to_numpy(int),
                         "rate": (t["onsets"] / t["rows"]).to_numpy(), "CI low": lo,
                         "CI high": hi})


def _spec_row(choice: str, value: str, frame: pd.DataFrame, c: str, threat: str,
              era_dummies: bool, alpha: float) -> dict[str, Any]:
    row: dict[str, Any] = {"choice": choice, "value": value}
    try:
        rf = reduced_form(frame, terms=(c, threat, "k"), era_dummies=era_dummies, alpha=alpha)
    except ParameterError as exc:
        return {**row, "rows": len(frame), "onsets": int(frame["onset"].sum()),
                "note": str(exc)}
    except Exception as exc:  # noqa: BLE001 - a failed fit is reported, not hidden
        from ..errors import SolverError
        if not isinstance(exc, SolverError):
            raise
        return {**row, "rows": len(frame), "onsets": int(frame["onset"].sum()),
                "note": str(exc)}
    ec, et = rf.estimate(c), rf.estimate(threat)
    return {**row, "rows": rf.n, "onsets": rf.n_onsets, "commitment": c, "c coef": ec.coef,
            "c p": ec.p, "threat": threat, "threat coef": et.coef, "threat p": et.p,
            "Cha (c lowers onsets)": ec.cha_verdict,
            "Walt (threat raises onsets)": et.walt_verdict,
            "Walt (c does not lower)": ec.walt_verdict, "note": "; ".join(rf.notes)}


def specification_table(frame: pd.DataFrame, *, variants: Mapping[str, pd.DataFrame] | None
                        = None, alpha: float = 0.05) -> pd.DataFrame:
    """The conventional reduced form (commitment, threat, k, era dummies) under each
    measurement choice, one moved at a time from the base (``frame``'s options).

    ``variants``: measured panels under other threat measurements (label -> panel), e.g.
    the TSS rivalries or the walt model's arithmetic index.
    """
    base_c, base_t = DEFAULT_TERMS[0], DEFAULT_TERMS[1]
    rows = [_spec_row("base", "as given", frame, base_c, base_t, True, alpha)]
    outcome = frame.attrs.get("options", {}).get("outcome", "any")
    for kind in OUTCOMES:
        if kind != outcome:
            rows.append(_spec_row("outcome", kind, frame.assign(onset=frame[f"onset_{kind}"]),
                                  base_c, base_t, True, alpha))
    filters = {"<= 950 km": frame["mindist"] <= 950.0,
               "common rival (TD)": frame["common_rival_td"] == 1,
               "common rival (TSS)": frame["common_rival_tss"] == 1}
    for label, mask in filters.items():
        rows.append(_spec_row("relevance filter", label, frame[mask.to_numpy()], base_c, base_t,
                              True, alpha))
    for proxy in COMMITMENT_PROXIES:
        rows.append(_spec_row("patron proxy", proxy, frame, proxy, base_t, True, alpha))
    for source in THREAT_SOURCES:
        rows.append(_spec_row("threat proxy", source, frame, base_c, source, True, alpha))
    for label, panel in (variants or {}).items():
        rows.append(_spec_row("threat proxy", label, panel, base_c, base_t, True, alpha))
    for era, _, _ in ERAS:
        sub = frame[(frame["era"] == era).to_numpy()]
        if len(sub):
            rows.append(_spec_row("era", era, sub, base_c, base_t, False, alpha))
    return pd.DataFrame(rows)


@dataclass(frozen=True, eq=False)
class RecordResults:
    """Everything ``qa-games record`` prints and the report's record section shows."""

    options: dict[str, Any]
    counts: CountsTable
    reduced_form: ReducedForm
    fits: tuple[TheoryFit, ...]
    tests: tuple[PairTest, ...]
    oos: pd.DataFrame
    predictions: pd.DataFrame
    calibration: pd.DataFrame
    rates: pd.DataFrame
    specification: pd.DataFrame
    cases: pd.DataFrame
    panel: pd.DataFrame = field(repr=False)
    timings: tuple[tuple[str, float], ...] = ()
    notes: tuple[str, ...] = ()
    signs: pd.DataFrame | None = None  # commitment_signs (None: not computed)

    def estimates(self) -> pd.DataFrame:
        """Every theory fit's estimates, one row per (model, term)."""
        return pd.concat([f.estimates.assign(model=f.name)[["model", *f.estimates.columns]]
                          for f in self.fits], ignore_index=True)

    def fit_summary(self) -> pd.DataFrame:
        """One row per theory fit: rows, parameters, log-likelihood, AIC, BIC."""
        return pd.DataFrame([{"model": f.name, "terms": ", ".join(f.terms), "rows": f.n,
                              "onsets": int(self.panel.loc[f.index, "onset"].sum()),
                              "parameters": f.n_params, "log-likelihood": f.loglik,
                              "AIC": 2 * f.n_params - 2 * f.loglik,
                              "BIC": f.n_params * math.log(f.n) - 2 * f.loglik}
                             for f in self.fits])

    def test_frame(self) -> pd.DataFrame:
        return pd.DataFrame([t.row() for t in self.tests])

    def tables(self) -> dict[str, tuple[pd.DataFrame, str]]:
        """Every table, by file stem: (frame, caption)."""
        counts = self.counts.to_frame()
        rf = self.reduced_form._display()
        return {
            "record_counts": (counts, "Pair-years, onsets and onset rates by relevance filter, "
                              "outcome kind and era."),
            "record_reduced_form": (rf, self.reduced_form.header()),
            "record_fits": (self.fit_summary(), "Each theory's own specification on the same "
                            "rows."),
            "record_estimates": (self.estimates(), "Each theory's estimates with 95 % "
                                 "intervals (SE clustered by pair)."),
            "record_tests": (self.test_frame(), "Non-nested tests of every pair of theories "
                             "on the same rows (two-sided p)."),
            **({"record_commitment_sign": (self.signs, "Each theory's predicted sign of the "
                                           "commitment and threat effects against the "
                                           "reduced form and its structural fit.")}
               if self.signs is not None else {}),
            "record_out_of_sample": (self.oos, "Out-of-sample scores against the base rate."),
            "record_calibration": (self.calibration, "Calibration of the out-of-sample "
                                   "predictions (deciles of the predicted probability)."),
            "record_rates": (self.rates, "Onset rates by binned patron commitment and threat "
                             "(95 % Wilson intervals)."),
            "record_specification": (self.specification, "The conventional reduced form "
                                     "under each measurement choice."),
            "record_cases": (self.cases, "The hand-coded cases in the panel, year by year."),
        }

    def case_predictions(self) -> pd.DataFrame:
        """The hand-coded case-years (:func:`~qa_games.record.summary.case_years`) with each
        theory fit's predicted P(onset) and its percentile among the fit's rows (empty
        when the case-year is not in the fit's rows)."""
        cases = self.cases.copy()
        m = self.panel
        key = pd.Series(m.index.to_numpy(), index=pd.MultiIndex.from_arrays(
            [m["ccode_a"].to_numpy(), m["ccode_b"].to_numpy(), m["year"].to_numpy()]))
        pairs = cases["pair"].str.split("-", expand=True).astype(int)
        idx = pd.MultiIndex.from_arrays([pairs[0].to_numpy(), pairs[1].to_numpy(),
                                         cases["year"].to_numpy()])
        rows = key.reindex(idx).to_numpy()
        for f in self.fits:
            prob = pd.Series(f.prob, index=f.index)
            pct = prob.rank(pct=True)
            got = [float(prob[r]) if pd.notna(r) and r in prob.index else np.nan for r in rows]
            at = [float(pct[r]) if pd.notna(r) and r in pct.index else np.nan for r in rows]
            cases[f"P(onset) {f.name}"] = got
            cases[f"percentile {f.name}"] = at
        return cases

    def headline(self) -> str:
        """One sentence: which theory the record favours, by how much, how sure."""
        return headline(self)

    def verdict(self) -> list[str]:
        """The verdict in sentences, each with its figures (whichever theory it favours)."""
        return verdict_lines(self)

    def to_dict(self) -> dict[str, Any]:
        """One JSON-ready object (NaN as None)."""
        def recs(df: pd.DataFrame) -> list[dict[str, Any]]:
            return [{str(k): _plain(v) for k, v in r.items()} for r in df.to_dict("records")]
        return {
            "options": {k: _plain(v) for k, v in self.options.items()},
            "counts": recs(self.counts.to_frame()),
            "reduced_form": {"header": self.reduced_form.header(),
                             "n": self.reduced_form.n, "onsets": self.reduced_form.n_onsets,
                             "loglik": self.reduced_form.loglik,
                             "estimates": recs(self.reduced_form.to_frame()),
                             "notes": list(self.reduced_form.notes)},
            "fits": recs(self.fit_summary()),
            "estimates": recs(self.estimates()),
            "tests": recs(self.test_frame()),
            "commitment_sign": recs(self.signs) if self.signs is not None else [],
            "out_of_sample": recs(self.oos),
            "calibration": recs(self.calibration),
            "rates": recs(self.rates),
            "specification": recs(self.specification),
            "cases": recs(self.cases),
            "verdict": self.verdict(),
            "notes": list(self.notes),
            "timings": {k: round(v, 2) for k, v in self.timings},
        }

    def to_markdown(self) -> str:
        parts = []
        for name, (df, caption) in self.tables().items():
            parts += [f"## {name.removeprefix('record_').replace('_', ' ')}", caption,
                      markdown_table(df)]
        parts += ["## verdict", *[f"- {s}" for s in self.verdict()]]
        return "\n\n".join(parts)

    def to_latex(self) -> str:
        return "\n\n".join(f"% {caption}\n{latex_table(df)}"
                           for df, caption in self.tables().values())


def _plain(v: Any) -> Any:
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, (np.bool_,)):
        return bool(v)
    if v is None or v is pd.NA:
        return None
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    if isinstance(v, (int, str, bool)):
        return v
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def _fmt_p(p: float) -> str:
    """``p = 0.021``, ``p = 4.0e-23``, or ``p < 1e-300`` when the p-value underflows."""
    if p == 0.0:
        return "p < 1e-300"
    return f"p = {p:.1e}" if p < 1e-3 else f"p = {p:.3f}"


def verdict_lines(r: RecordResults) -> list[str]:
    """The verdict's sentences (:meth:`RecordResults.verdict`)."""
    out: list[str] = []
    rf = r.reduced_form
    c, t = rf.estimate(DEFAULT_TERMS[0]), rf.estimate(DEFAULT_TERMS[1])
    out.append(
        f"Reduced form ({rf.n:,} pair-years, {rf.n_onsets:,} onsets): commitment index "
        f"{c.coef:+.2f} (95 % CI {c.ci_low:+.2f} to {c.ci_high:+.2f}, {_fmt_p(c.p)}): "
        f"Cha's prediction (lower onsets) {c.cha_verdict}, Walt's (does not lower) "
        f"{c.walt_verdict}; threat index {t.coef:+.2f} (95 % CI {t.ci_low:+.2f} to "
        f"{t.ci_high:+.2f}, {_fmt_p(t.p)}): Walt's prediction (raises onsets) "
        f"{t.walt_verdict}.")
    for test in r.tests:
        row = test.row()
        stat = (f"z = {test.statistic:+.2f}" if test.test.startswith("Vuong")
                else f"B = {int(test.statistic):,} of {test.n:,}")
        out.append(f"{test.test}, {row['model 1']} against {row['model 2']}: {stat}, "
                   f"{_fmt_p(test.p)}: favours {row['favours']}"
                   + (" at the 5 % level." if row["favours"] != "neither"
                      else " (not significant at 5 %)."))
    if len(r.oos):
        for direction, g in r.oos.groupby("direction", sort=False):
            base = g[g["model"] == "base rate"].iloc[0]
            parts = [f"base rate log score {base['log score']:.4f}, AUC 0.5"]
            for m in g[g["model"] != "base rate"].to_dict("records"):
                parts.append(f"{m['model']} log score {m['log score']:.4f} "
                             f"({m['log score gain']:+.4f} vs base), Brier skill "
                             f"{m['Brier skill']:+.4f}, AUC {m['AUC']:.3f}")
            out.append(f"Out of sample ({direction}): " + "; ".join(parts) + ".")
    sign = _sign_sentence(r)
    if sign:
        out.append(sign)
    cha_spec = r.specification.get("Cha (c lowers onsets)")
    walt_spec = r.specification.get("Walt (threat raises onsets)")
    if cha_spec is not None and walt_spec is not None:
        n = int(cha_spec.notna().sum())
        out.append(
            f"Across the {n} specifications: Cha's commitment sign agrees in "
            f"{int((cha_spec == 'agrees').sum())}, contradicts in "
            f"{int((cha_spec == 'contradicts').sum())}; Walt's threat sign agrees in "
            f"{int((walt_spec == 'agrees').sum())}, contradicts in "
            f"{int((walt_spec == 'contradicts').sum())}.")
    return out


def _pair_sentence(r: RecordResults, vu: PairTest, cl: PairTest, first: bool) -> str:
    f1, f2 = vu.model1, vu.model2
    kind = f1.split(" (")[1].rstrip(")")
    a, b = f1.split(" (")[0], f2.split(" (")[0]
    fav = {vu.row()["favours"], cl.row()["favours"]}
    fits = {f.name: f for f in r.fits}
    diff = fits[f1].loglik - fits[f2].loglik
    if len(fav) == 1 and "neither" not in fav:
        lead = f"the {kind} fits favour {fav.pop().split(' (')[0]}"
    elif fav == {"neither"}:
        lead = f"the {kind} fits favour neither theory at 5 %"
    else:
        lead = (f"on the {kind} fits the two tests disagree: Vuong favours "
                f"{vu.row()['favours'].split(' (')[0]}, Clarke "
                f"{cl.row()['favours'].split(' (')[0]}")
    lead = lead[0].upper() + lead[1:] if first else lead
    return (f"{lead} (log-likelihood {a} minus {b} {diff:+.1f} on {vu.n:,} pair-years; "
            f"Vuong z = {vu.statistic:+.2f}, {_fmt_p(vu.p)}; Clarke: {a} fits better on "
            f"{int(cl.statistic):,} of {cl.n:,} rows, {100 * cl.statistic / cl.n:.1f} %, "
            f"{_fmt_p(cl.p)})")


def headline(r: RecordResults) -> str:
    """The verdict in a few sentences, from the tests (the structural pair first), the
    reduced form's signs and the out-of-sample scores."""
    sentences: list[str] = []
    pairs = [(r.tests[k], r.tests[k + 1]) for k in range(0, len(r.tests) - 1, 2)]
    if any(vu.model1.endswith("(structural)") for vu, _ in pairs):
        # The structural pairs are the primary comparison; the reduced-form pairs are in
        # the verdict lines and the tests table.
        pairs = [(vu, cl) for vu, cl in pairs if vu.model1.endswith("(structural)")]
    for vu, cl in pairs:
        sentences.append(_pair_sentence(r, vu, cl, first=not sentences))
    text = "; ".join(sentences) + "."
    c = r.reduced_form.estimate(DEFAULT_TERMS[0])
    t = r.reduced_form.estimate(DEFAULT_TERMS[1])
    cha = "as Cha predicts" if c.cha_verdict == "agrees" else f"Cha: {c.cha_verdict}"
    text += (f" In the conventional logit, commitment {c.coef:+.2f} [{c.ci_low:+.2f}, "
             f"{c.ci_high:+.2f}] ({cha}"
             f"; Walt's does-not-lower: {c.walt_verdict}) and threat {t.coef:+.2f} "
             f"[{t.ci_low:+.2f}, {t.ci_high:+.2f}] (Walt's more-threat-more-alliance: "
             f"{t.walt_verdict}).")
    if len(r.oos):
        th = r.oos[r.oos["model"] != "base rate"]
        beats = th[th["log score gain"] > 0]
        if beats.empty:
            text += (" Out of sample no theory beats the base rate in either direction "
                     f"(log-score gains {th['log score gain'].min():+.4f} to "
                     f"{th['log score gain'].max():+.4f} per pair-year).")
        else:
            text += " Out of sample, better than the base rate: " + "; ".join(
                f"{m['model']} ({m['direction']}, {m['log score gain']:+.4f})"
                for m in beats.to_dict("records")) + "."
    return text


def _split(options: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    unknown = sorted(set(options) - set(PANEL_OPTIONS) - set(MEASUREMENT_OPTIONS))
    if unknown:
        raise ParameterError(f"unknown option(s) {', '.join(unknown)} (panel options: "
                             f"{', '.join(PANEL_OPTIONS)}; measurement options: "
                             f"{', '.join(MEASUREMENT_OPTIONS)})")
    # Options at their defaults are dropped, so equal requests share one cache entry.
    from .measures import D0_KM

    defaults = {"outcome": "any", "years": None, "max_distance_km": None,
                "common_rival": False, "region": None, "rivalry": "td", "d0": D0_KM,
                "offense": "milper", "index": "threat_index", "mid_window": 5, "k_window": 10}
    kept = {k: v for k, v in options.items()
            if not (k in defaults and type(v) is type(defaults[k]) and v == defaults[k])}
    return kept, {}


def record_results(*, alpha: float = 0.05, structural: bool | Sequence[Any] = True,
                   threat_variants: bool = True, **options: Any) -> RecordResults:
    """Every result of the record section under ``options`` (panel and measurement options
    of :func:`~qa_games.record.measures.measured_panel`; ``data`` is not taken: the
    bundled tables are used).

    ``structural``: ``True`` fits the bundled specs :data:`STRUCTURAL_SPECS` (Cha's,
    Walt's and the buck-passing game by logit QRE), two or more spec names or paths fit
    those (tested pairwise, in order), ``False`` leaves the structural fits out; the
    specs must predict the same outcome (:attr:`EstimationSpec.alignment`);
    ``threat_variants``: also measure the panel with the TSS rivalries and the walt
    model's arithmetic index for the specification table. The result is cached per
    process and option set (like the panel): treat it as read-only.
    """
    opts, _ = _split(options)
    if not (isinstance(alpha, float) and 0 < alpha < 1):
        raise ParameterError(f"alpha={alpha!r} must be a float in (0, 1)")
    if structural is True:
        specs: tuple[Any, ...] = STRUCTURAL_SPECS
    elif structural is False:
        specs = ()
    else:
        specs = tuple(str(x) for x in structural)
        if len(specs) < 2:
            raise ParameterError(f"structural: give at least two estimation specs (tested "
                                 f"pairwise), got {len(specs)}")
    if specs:
        from .estimation import load_spec

        # A bad spec is one clear error before any fitting.
        loaded = [load_spec(sp) for sp in specs]
        names = [THEORY_OF_MODEL.get(sp.model.name, sp.model.name) for sp in loaded]
        if len(set(names)) < len(names):
            raise ParameterError(f"structural: two specs stand for the same theory "
                                 f"({', '.join(names)}): give one spec per theory")
        kinds = {sp.alignment for sp in loaded}
        if len(kinds) > 1:
            raise ParameterError(
                "structural: the specs predict different outcomes ("
                + ", ".join(f"{sp.model.name}: {sp.profile} = {sp.alignment}" for sp in loaded)
                + "); the tests compare fits of one variable")
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in opts.items()))
    try:
        hash(key)
    except TypeError:
        raise ParameterError(f"options must be plain values (got {opts!r})") from None
    return _cached_results(alpha, specs, bool(threat_variants), key)


@functools.lru_cache(maxsize=4)
def _cached_results(alpha: float, specs: tuple[Any, ...], threat_variants: bool,
                    key: tuple[tuple[str, Any], ...]) -> RecordResults:
    return _record_results(alpha, specs, threat_variants, dict(key))


def _record_results(alpha: float, specs: tuple[Any, ...], threat_variants: bool,
                    opts: dict[str, Any]) -> RecordResults:
    timings: list[tuple[str, float]] = []
    t0 = time.perf_counter()

    def tick(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        timings.append((name, now - t0))
        t0 = now

    m = measured_panel(**opts)
    tick("measured panel")
    counts = counts_table(years=opts.get("years"))
    tick("counts")
    rf = reduced_form(m, alpha=alpha)
    tick("reduced form")
    loaded = []
    if specs:
        from .estimation import load_spec

        loaded = [load_spec(sp) for sp in specs]
    union = tuple(dict.fromkeys([*[c for t in THEORY_TERMS.values() for c in t],
                                 *[c for sp in loaded for c in sp.columns]]))
    missing = [c for c in union if c not in m.columns]
    if missing:
        raise ParameterError(f"measure(s) {', '.join(missing)} named by a spec are not columns "
                             "of the measured panel")
    common = _common_rows(m, union)
    if common.empty:
        raise ParameterError("no pair-year has every measure the theory fits need")
    notes = [f"{len(m) - len(common):,} rows with a missing measure left out of the theory "
             f"fits and tests ({len(common):,} rows in common)"]
    structural = tuple(structural_fit(common, sp) for sp in loaded)
    tick("structural fits")
    for f in structural:
        notes.extend(f.notes)
    fits = [theory_fit(common, terms, theory=thy, alpha=alpha)
            for thy, terms in THEORY_TERMS.items()]
    pairs = [*itertools.combinations(structural, 2), *itertools.combinations(fits, 2)]
    tests = [t for f1, f2 in pairs for t in pair_tests(f1, f2, alpha=alpha)]
    tick("theory fits and tests")
    signs = commitment_signs(common, rf, structural, alpha=alpha)
    tick("commitment signs")
    years = common["year"]
    if (years <= SPLIT_YEAR).any() and (years > SPLIT_YEAR).any():
        oos, preds = out_of_sample(common, [*structural, *fits])
        cal = calibration(preds)
    else:
        oos, preds, cal = pd.DataFrame(), pd.DataFrame(), pd.DataFrame()
        notes.append(f"no out-of-sample scores: the years {int(years.min())}-"
                     f"{int(years.max())} do not straddle {SPLIT_YEAR}")
    tick("out of sample")
    rates = pd.concat([onset_rates(m, "c_index"), onset_rates(m, "c_major"),
                       onset_rates(m, "tau")], ignore_index=True)
    variants: dict[str, pd.DataFrame] = {}
    if threat_variants:
        if opts.get("rivalry", "td") == "td":
            variants["tau (TSS rivalries)"] = measured_panel(**{**opts, "rivalry": "tss"})
        if opts.get("index", "threat_index") == "threat_index":
            variants["tau (arithmetic index)"] = measured_panel(
                **{**opts, "index": "threat_index_arithmetic"})
    spec = specification_table(m, variants=variants, alpha=alpha)
    tick("specification table")
    cases = case_years(**opts)
    tick("cases")
    return RecordResults(options=dict(m.attrs.get("options", {})), counts=counts,
                         reduced_form=rf, fits=(*structural, *fits), tests=tuple(tests),
                         oos=oos, predictions=preds, calibration=cal, rates=rates,
                         specification=spec, cases=cases, panel=m, timings=tuple(timings),
                         notes=tuple(notes), signs=signs)
