"""The report's record section: which theory the alliance record favours, by how much, how sure.

``empirics.md`` section 4, from :func:`qa_games.record.results.record_results` on the
bundled ATOP/COW quasi-alliance panel: the counts by variant and era, the conventional
reduced form and each theory's own specification with 95 % intervals (a coefficient
figure) for Cha, Walt and the buck-passing rival, the Vuong and Clarke tests of every pair
with p-values, each theory's sign of the commitment effect against the fits, the
out-of-sample scores against the base rate and their calibration plot, the onset rates
by patron strength and by threat (binned, with counts and Wilson intervals), the
specification table and the hand-coded cases placed in the panel next to their measured
values and predicted probabilities.
Figures go through :func:`qa_games.analysis.plots.save_figure` (atomic). Results that go
against a theory are written as they come out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ..analysis.plots import save_figure  # noqa: E402

__all__ = ["record_section", "rates_figure", "calibration_figure", "estimates_figure",
           "cases_figure", "TITLE"]

TITLE = "The theories against the record"
_COLOURS = {"base rate": "#888888", "Cha": "#d1495b", "Walt": "#3b6ea8",
            "Buck-passing": "#66a182"}


def _colour(model: str) -> str:
    return _COLOURS.get(model.split(" (")[0], "#444444")


def _save(fig: Any, path: Path) -> Path:
    try:
        return save_figure(fig, path)
    finally:
        plt.close(fig)


def rates_figure(rates: pd.DataFrame, measures: tuple[str, ...], path: Path, *,
                 title: str) -> Path:
    """Onset rate (with 95 % Wilson intervals) by bins of each measure, counts on the bars."""
    fig, axes = plt.subplots(1, len(measures), figsize=(5.2 * len(measures), 4), squeeze=False)
    for ax, measure in zip(axes[0], measures, strict=True):
        r = rates[rates["measure"] == measure].reset_index(drop=True)
        x = np.arange(len(r))
        rate = 100 * r["rate"].to_numpy(float)
        err = np.vstack([rate - 100 * r["CI low"].to_numpy(float),
                         100 * r["CI high"].to_numpy(float) - rate])
        ax.bar(x, rate, color="#8fb8de", edgecolor="#3b6ea8")
        ax.errorbar(x, rate, yerr=err, fmt="none", ecolor="k", capsize=3, lw=1)
        for k, row in r.iterrows():
            ax.annotate(f"{int(row['onsets'])}/{int(row['rows']):,}",
                        (k, 100 * float(row["CI high"])), textcoords="offset points",
                        xytext=(0, 3), ha="center", va="bottom", fontsize=7)
        ax.set_ylim(0, 115 * float(r["CI high"].max()))
        ax.set_xticks(x, [str(b) for b in r["bin"]], rotation=30, ha="right", fontsize=8)
        ax.set_xlabel(measure)
        ax.set_ylabel("onsets per 100 pair-years")
        ax.set_title(f"by {measure}", fontsize=10)
    fig.suptitle(title)
    return _save(fig, path)


def calibration_figure(cal: pd.DataFrame, path: Path) -> Path:
    """Observed onset rate against mean predicted probability, per model (log axes)."""
    fig, ax = plt.subplots(figsize=(5.5, 5))
    lo = max(1e-5, float(min(cal["mean predicted"].min(),
                             cal.loc[cal["observed rate"] > 0, "observed rate"].min())) / 2)
    hi = min(1.0, float(max(cal["mean predicted"].max(), cal["observed rate"].max())) * 2)
    ax.plot([lo, hi], [lo, hi], "k:", lw=1, label="perfect calibration")
    for model, g in cal.groupby("model", sort=False):
        obs = g["observed rate"].clip(lower=lo)
        ax.plot(g["mean predicted"], obs, "o-", color=_colour(str(model)), ms=4, lw=1,
                label=str(model))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_xlabel("mean predicted P(onset), out of sample")
    ax.set_ylabel("observed onset rate (0 drawn at the axis)")
    ax.set_title("Calibration (deciles of the prediction)")
    ax.legend(fontsize=8)
    return _save(fig, path)


def estimates_figure(estimates: pd.DataFrame, path: Path) -> Path:
    """Coefficients with 95 % intervals, one panel per model (constant and eras left out)."""
    est = estimates[~estimates["term"].astype(str).str.match(r"^(const|era_)")]
    models = list(dict.fromkeys(est["model"]))
    cols = min(2, len(models))
    rows = -(-len(models) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.2 * rows), squeeze=False)
    for ax in axes.flat[len(models):]:
        ax.set_visible(False)
    for ax, model in zip(axes.flat, models, strict=False):
        e = est[est["model"] == model].reset_index(drop=True)
        y = np.arange(len(e))[::-1]
        ax.errorbar(e["coef"], y, xerr=[e["coef"] - e["CI low"], e["CI high"] - e["coef"]],
                    fmt="o", color=_colour(str(model)), capsize=3)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_yticks(y, e["term"].astype(str))
        ax.set_title(str(model), fontsize=10)
        ax.set_xlabel("logit coefficient (95 % CI)")
    fig.tight_layout()
    return _save(fig, path)


def cases_figure(panel: pd.DataFrame, cases: pd.DataFrame, path: Path) -> Path:
    """The panel's pair-years on the (commitment index, threat index) plane, onsets marked,
    with the hand-coded case-years placed at their measured values."""
    fig, ax = plt.subplots(figsize=(6.5, 5))
    ok = panel[["c_index", "tau"]].notna().all(axis=1)
    p = panel[ok]
    hb = ax.hexbin(p["c_index"], p["tau"], gridsize=40, bins="log", cmap="Greys", mincnt=1)
    fig.colorbar(hb, ax=ax, label="pair-years (log)")
    on = p[p["onset"] == 1]
    ax.plot(on["c_index"], on["tau"], "x", color="#edae49", ms=4, label="onset in y + 1")
    inp = cases[cases["status"] == "in panel"]
    for case, g in inp.groupby("case", sort=False):
        ax.plot(g["c_index"].astype(float), g["tau"].astype(float), "o", ms=5,
                label=f"{case} ({g['observed'].iloc[0]})")
    ax.set_xlabel("c_index (patron commitment, measured)")
    ax.set_ylabel("tau (Walt's threat index, measured)")
    ax.set_title("The hand-coded cases in the panel")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.25, 1.0))
    return _save(fig, path)


def record_section(w: Any, *, number: int = 8, **options: Any) -> Any:
    """Write the record section with the report writer ``w`` (``add``, ``table``,
    ``figure``, ``summary``, ``out``, ``quick``); returns the
    :class:`~qa_games.record.results.RecordResults`. ``options``: panel and measurement
    options (default: the default panel). Quick mode (tests) leaves out the structural
    fits and the specification table's re-measured threat variants."""
    from ..record.results import SPLIT_YEAR, THEORY_TERMS, record_results

    r = record_results(structural=not w.quick, threat_variants=not w.quick, **options)
    figs = w.out / "figures"
    w.add(f"## {number}. {TITLE}", "", "The quasi-alliance panel of `empirics.md`: every pair of "
          "states that share an ATOP defense patron but have no pledge with each other, and "
          "year y 1816-2017; an onset is a pledge between them in y + 1 (bundled ATOP 5.1, "
          "COW, NMC, CShapes, Thompson-Dreyer and TSS rivalries, MID; see `data/README.md`). "
          "Every measure is a stated choice; the specification table moves each one."
          + (" Quick mode: reduced forms only (no structural fits)." if w.quick else ""), "",
          f"**Verdict.** {r.headline()}", "")
    w.summary.append(f"Record: {r.headline()}")
    w.add(f"### {number}.1 The panel", "")
    w.table(r.counts.wide(), "record_counts", "Onsets / pair-years (onset rate) by relevance "
            "filter, outcome kind and era.")
    w.add(f"### {number}.2 Estimates", "", "The conventional check: a logit of onset on "
          "the commitment index, Walt's threat index (the walt model file's own `[derived]` "
          "expression) and bilateral animosity, with era dummies and SE clustered by pair; "
          "next to each estimate, each theory's predicted sign and whether the estimate "
          "agrees.", "")
    w.table(r.reduced_form._display(), "record_reduced_form", r.reduced_form.header() + ".")
    terms = "; ".join(f"{thy}: {', '.join(t)}" for thy, t in THEORY_TERMS.items())
    w.add("Each theory fitted on the same pair-years, two ways. **Structural**: the "
          "model file's own game, P(onset) the probability of its alignment profile in the "
          "logit quantal response equilibrium (principal branch), parameters linked to the "
          "measures by `models/record/<model>.toml`, (b, log lambda) by maximum likelihood, "
          "SE clustered by pair. **Reduced form**: a logit of onset on the measures of the "
          f"theory's parameters ({terms}; era dummies).", "")
    structural = [n for n in r.notes if "QRE probability" in n or "NOT CONVERGED" in n]
    if structural:
        w.add(*[f"- {n}" for n in structural], "")
    w.table(r.fit_summary(), "record_fits", "Each theory's fit on the common rows.")
    w.table(r.estimates(), "record_estimates", "Each theory's estimates with 95 % "
            "intervals (SE clustered by pair).")
    path = estimates_figure(r.estimates(), figs / "record_estimates.png")
    w.figure(path, "Each theory's coefficients with 95 % intervals (constant and era "
             "dummies not shown).")
    w.add(f"### {number}.3 The three theories, pairwise", "", "Three theories predict one "
          "variable: an onset of bilateral alignment (Cha's mutual cooperation, Walt's "
          "alliance and buck-passing's joint balancing all map to `bilateral_alignment` in "
          "the models' common outcome vocabulary, `docs/mechanisms.md`). Vuong's test with "
          "the Schwarz correction and Clarke's distribution-free test (as the R package "
          "`games`), both two-sided, on the per-pair-year log-likelihoods of each pair of "
          "fits (the structural pairs, then the reduced-form pairs):", "")
    w.table(r.test_frame(), "record_tests", "Non-nested tests (two-sided p).")
    if r.signs is not None:
        w.add("**Does the sign of the commitment effect still discriminate?** Buck-passing "
              "predicts Cha's sign (a stronger patron, fewer alignments: states pass the "
              "buck to it) and Walt's sign of the threat. Each theory's predicted signs "
              "against the reduced form's estimates, and each structural fit's slope b1 of "
              "`c = logistic(b0 + b1 c_index)` (b1 > 0: the theory's game reads a higher "
              "commitment index as a more committed patron) with the average effect of "
              "each index on P(onset):", "")
        w.table(r.signs, "record_commitment_sign", "The sign of the commitment effect, "
                "theory by theory.")
        sign = next((line for line in r.verdict() if line.startswith("Sign of the")), None)
        if sign:
            w.add(sign, "")
    w.add(f"### {number}.4 Out of sample", "", f"Each fit re-estimated on the years <= "
          f"{SPLIT_YEAR} and scored on the later ones, and the reverse (no era dummies: the "
          "periods share no era); the base rate is the training period's onset rate. Log "
          "score: mean log-likelihood per pair-year (higher is better); Brier skill: 1 - "
          "Brier / base-rate Brier.", "")
    if len(r.oos):
        w.table(r.oos, "record_out_of_sample", "Out-of-sample scores against the base rate.")
        w.table(r.calibration, "record_calibration", "Calibration of the out-of-sample "
                "predictions (deciles of the predicted probability).", show=False)
        path = calibration_figure(r.calibration, figs / "record_calibration.png")
        w.figure(path, "Calibration of the out-of-sample predictions: each point is a "
                 "decile of a model's predicted P(onset); on the dotted line predictions "
                 "match the observed rate.")
    else:
        w.add("No out-of-sample scores: " + "; ".join(r.notes) + ".", "")
    w.add(f"### {number}.5 Onset rates by patron strength and by threat", "")
    w.table(r.rates, "record_rates", "Onset rates by quintile of the commitment index, by "
            "whether the strongest patron is a major power, and by quintile of the threat "
            "index (95 % Wilson intervals).")
    path = rates_figure(r.rates, ("c_index", "c_major"), figs / "record_rates_commitment.png",
                        title="Onset rate by patron commitment")
    w.figure(path, "Onset rate by patron commitment (labels: onsets / pair-years).")
    path = rates_figure(r.rates, ("tau",), figs / "record_rates_threat.png",
                        title="Onset rate by threat")
    w.figure(path, "Onset rate by Walt's threat index (labels: onsets / pair-years).")
    w.add(f"### {number}.6 How the verdict moves with the measurement choices", "",
          "The conventional logit (commitment, threat, animosity, era dummies) with one "
          "choice moved at a time from the default: the outcome kind, the relevance filter, "
          "the patron proxy, the threat proxy, the era (reduced form only: a structural fit "
          "per row would take minutes each)"
          + (" (quick mode: without the re-measured threat variants)" if w.quick else "")
          + ".", "")
    w.table(r.specification, "record_specification", "The specification table: each "
            "theory's sign verdict under each measurement choice.")
    w.add(f"### {number}.7 The hand-coded cases in the panel", "", "The pairs of "
          "`models/cases.toml` year by year: the measured values when the pair-year is in "
          "the risk set (else why not), each fit's predicted P(onset) and its percentile "
          "in the panel, next to the hand coding of c and t and the observed outcome.", "")
    cp = r.case_predictions()
    shown = [c for c in ("case", "pair", "year", "status", "patron_name", "threat_name",
                         "onset", "c_index", "tau", "k") if c in cp.columns]
    shown += [c for c in cp.columns if c.startswith("P(onset)")]
    shown += ["coded_c", "coded_t", "observed"]
    w.table(cp[shown], "record_cases", "The case-years in the panel (full table with every "
            "measured component in record_cases_full).")
    w.table(cp, "record_cases_full", "Every case-year with every measured component.",
            show=False)
    path = cases_figure(r.panel, r.cases, figs / "record_cases.png")
    w.figure(path, "The panel on the measured (c_index, tau) plane, onsets marked, with "
             "the hand-coded case-years at their measured values.")
    w.add(f"### {number}.8 The verdict, with its figures", "")
    w.add(*[f"- {line}" for line in r.verdict()], "")
    if r.notes:
        w.add("Notes: " + "; ".join(r.notes) + ".", "")
    return r
