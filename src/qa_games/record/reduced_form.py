"""The reduced form: a logit of alliance onset on the measures, with each theory's signs.

The conventional check of ``empirics.md`` section 3: ``P(onset) = logistic(b0 + b' m +
era dummies)`` over the quasi-alliance panel, fitted by maximum likelihood (statsmodels
``Logit``, Newton's method), with standard errors clustered by pair (the default; ``cov=
"nonrobust"`` for the inverse Hessian). Era dummies: 1816-1918 (the reference when
present), 1919-45, 1946-91, 1992-2018. Next to each estimate stand the signs the theories
predict, read off the model files' propositions and derived quantities:

- Cha (``cha_quasi_alliance``): the net incentive to reciprocate
  ``Delta_i = (1 - phi)(1 - c) t x_i - t y_i - k_i`` falls with commitment (cha-1: strong
  commitment, less alignment), animosity ``k`` and entrapment ``y``, rises with exposure
  ``x``; threat has either sign (it raises ``Delta_i`` when abandonment fear outweighs
  entrapment, cha-5).
- Walt (``walt_balance_of_threat``): more threat, more alliance (walt-2; each source,
  walt-1); commitment does not lower balancing (walt-3: it raises it).

A sign "agrees" when the estimate has it at the chosen level (default 5 %), "contradicts"
when the opposite sign is significant, else is "not significant"; a "does not lower"
prediction is contradicted only by a significantly negative estimate.

>>> rf = reduced_form(years=(1946, 2017))
>>> rf.estimate("c_index").cha
'-'
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParameterError, SolverError
from .measures import measured_panel
from .panel import ERAS, era_of
from .tables import format_cell, latex_table, markdown_table

__all__ = ["Estimate", "ReducedForm", "reduced_form", "PREDICTIONS", "design_matrix",
           "DEFAULT_TERMS", "verdict"]

#: Each measure: (what it is, Cha's predicted sign, Walt's predicted sign). Signs: "-",
#: "+", ">= 0" (does not lower), "+/-" (either), "" (no prediction).
PREDICTIONS: dict[str, tuple[str, str, str]] = {
    "c_index": ("patron commitment, default index", "-", ">= 0"),
    "c_major": ("patron is a major power", "-", ">= 0"),
    "c_cinc_share": ("patron's CINC share", "-", ">= 0"),
    "c_dilution": ("1 / patron's defense allies", "-", ">= 0"),
    "c_rivalry": ("patron is a rival of the threat", "-", ">= 0"),
    "tau": ("Walt's threat index", "+/-", "+"),
    "power": ("threat: aggregate power", "+/-", "+"),
    "proximity": ("threat: proximity", "+/-", "+"),
    "offense": ("threat: offensive capability", "+/-", "+"),
    "intent": ("threat: aggressive intentions", "+/-", "+"),
    "k": ("bilateral animosity", "-", ""),
    "x_A": ("A's exposure to the threat", "+", ""),
    "x_B": ("B's exposure to the threat", "+", ""),
    "y_A": ("A's fear of entrapment", "-", ""),
    "y_B": ("B's fear of entrapment", "-", ""),
}
DEFAULT_TERMS = ("c_index", "tau", "k")
_COVS = ("cluster", "nonrobust")


def verdict(sign: str, coef: float, p: float, alpha: float) -> str:
    """Whether an estimate agrees with a predicted sign.

    >>> verdict("-", -0.8, 0.01, 0.05), verdict(">= 0", 0.3, 0.5, 0.05)
    ('agrees', 'agrees')
    """
    if sign in ("", "+/-") or not math.isfinite(p):
        return ""
    significant = p < alpha
    if sign == ">= 0":
        return "contradicts" if significant and coef < 0 else "agrees"
    if not significant:
        return "not significant"
    return "agrees" if (coef < 0) == (sign == "-") else "contradicts"


@dataclass(frozen=True)
class Estimate:
    """One coefficient with its cluster-robust interval and the theories' signs."""

    term: str
    coef: float
    se: float
    z: float
    p: float
    ci_low: float
    ci_high: float
    cha: str = ""
    walt: str = ""
    cha_verdict: str = ""
    walt_verdict: str = ""


@dataclass(frozen=True)
class ReducedForm:
    """A fitted reduced-form logit (see the module docstring)."""

    estimates: tuple[Estimate, ...]
    terms: tuple[str, ...]
    n: int
    n_onsets: int
    n_pairs: int
    n_dropped: int
    loglik: float
    loglik_null: float
    cov: str
    alpha: float
    reference_era: str
    options: tuple[tuple[str, Any], ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def pseudo_r2(self) -> float:
        """McFadden's pseudo R-squared, 1 - loglik / loglik_null."""
        return 1.0 - self.loglik / self.loglik_null

    def estimate(self, term: str) -> Estimate:
        """The estimate of ``term`` (a measure, ``const`` or ``era_<label>``)."""
        for e in self.estimates:
            if e.term == term:
                return e
        raise ParameterError(f"term={term!r} is not in this fit (terms: "
                             f"{', '.join(e.term for e in self.estimates)})")

    def to_frame(self) -> pd.DataFrame:
        """One row per coefficient: estimate, SE, z, p, 95 % interval, signs and verdicts."""
        return pd.DataFrame([e.__dict__ for e in self.estimates])

    def _display(self) -> pd.DataFrame:
        f = self.to_frame()
        f.columns = ["term", "coef", "SE", "z", "p", "CI low", "CI high", "Cha", "Walt",
                     "Cha verdict", "Walt verdict"]
        return f

    def header(self) -> str:
        """One line: the sample and the fit."""
        return (f"logit of onset: n = {self.n:,} pair-years, {self.n_onsets:,} onsets, "
                f"{self.n_pairs:,} pairs; log-likelihood {self.loglik:.2f} (null "
                f"{self.loglik_null:.2f}, McFadden R2 {self.pseudo_r2:.3f}); SE "
                f"{'clustered by pair' if self.cov == 'cluster' else 'inverse Hessian'}; "
                f"reference era {self.reference_era}")

    def to_markdown(self) -> str:
        """The estimates as a Markdown table under a one-line header (and notes)."""
        lines = [self.header(), "", markdown_table(self._display())]
        lines += [f"\n{n}" for n in self.notes]
        return "\n".join(lines)

    def to_latex(self) -> str:
        """The estimates as a LaTeX tabular, with the header as a comment line."""
        return f"% {self.header()}\n" + latex_table(self._display())


def design_matrix(frame: pd.DataFrame, terms: Sequence[str], *, era_dummies: bool = True
                  ) -> tuple[pd.Series, pd.DataFrame, pd.Series, str, list[str], int]:
    """(y, X, groups, reference era, notes, rows dropped) for the logit of onset on terms."""
    for col in ("onset", "pair", "year", *terms):
        if col not in frame.columns:
            raise ParameterError(f"measure {col!r} is not a column of the panel")
    for t in terms:
        vals = pd.to_numeric(frame[t], errors="coerce")
        if vals.isna().all():
            raise ParameterError(f"measure {t!r} is missing on every row: nothing to fit")
    used = frame[["onset", "pair", "year", *terms]].apply(pd.to_numeric, errors="coerce")
    used = used.replace([np.inf, -np.inf], np.nan)
    keep = used.notna().all(axis=1)
    notes: list[str] = []
    dropped = int((~keep).sum())
    if dropped:
        notes.append(f"{dropped:,} rows with a missing measure dropped")
    used = used[keep]
    era = pd.Series(era_of(used["year"].to_numpy()), index=used.index)
    if era_dummies:
        rates = used.groupby(era)["onset"].agg(["sum", "size"])
        empty = [str(e) for e, r in rates.iterrows() if r["sum"] == 0 or r["sum"] == r["size"]]
        if empty:
            drop = era.astype(str).isin(empty)
            notes.append(f"era(s) {', '.join(empty)} dropped ({int(drop.sum()):,} rows): "
                         "no variation in onset, so the era dummy is not identified")
            dropped += int(drop.sum())
            used, era = used[~drop], era[~drop]
    if used.empty:
        raise ParameterError("no rows left to fit after dropping missing measures")
    y = used["onset"].astype(int)
    if y.nunique() < 2:
        raise ParameterError("onset does not vary on the rows to fit: no logit can be fitted")
    X = pd.DataFrame({"const": 1.0}, index=used.index)
    for t in terms:
        col = used[t].astype(float)
        if col.nunique() < 2:
            raise ParameterError(f"measure {t!r} is constant on the rows to fit")
        X[t] = col
    present = [lab for lab, _, _ in ERAS if (era.astype(str) == lab).any()]
    reference = present[0] if present else ""
    if era_dummies:
        for lab in present[1:]:
            X[f"era_{lab}"] = (era.astype(str) == lab).astype(float)
    return y, X, used["pair"].astype(np.int64), reference, notes, dropped


def reduced_form(panel: pd.DataFrame | None = None, *, terms: Sequence[str] = DEFAULT_TERMS,
                 era_dummies: bool = True, cov: str = "cluster", alpha: float = 0.05,
                 **options: Any) -> ReducedForm:
    """Fit the reduced-form logit of onset on ``terms`` (module docstring).

    ``panel`` is a measured panel (:func:`~qa_games.record.measures.measured_panel`);
    without one it is built from ``options`` (panel and measurement options). Terms are
    measure columns (see :data:`PREDICTIONS` for the theories' signs).
    """
    if panel is not None and options:
        raise ParameterError(f"give a panel or panel options, not both (got {sorted(options)})")
    if cov not in _COVS:
        raise ParameterError(f"cov={cov!r} is not a covariance (known: {', '.join(_COVS)})")
    if not (isinstance(alpha, float) and 0 < alpha < 1):
        raise ParameterError(f"alpha={alpha!r} must be a float in (0, 1)")
    terms = tuple(terms)
    if not terms or len(set(terms)) != len(terms) or not all(isinstance(t, str) for t in terms):
        raise ParameterError(f"terms={terms!r} must be distinct measure names")
    frame = measured_panel(**options) if panel is None else panel
    y, X, groups, reference, notes, dropped = design_matrix(frame, terms,
                                                            era_dummies=era_dummies)
    import statsmodels.api as sm

    fit_kw: dict[str, Any] = {"method": "newton", "maxiter": 100, "disp": 0}
    if cov == "cluster":
        fit_kw.update(cov_type="cluster", cov_kwds={"groups": groups.to_numpy()})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = sm.Logit(y, X).fit(**fit_kw)
    problems = sorted({str(w.message).splitlines()[0] for w in caught})
    if problems or not res.mle_retvals.get("converged", False):
        raise SolverError("the reduced-form logit did not fit cleanly: "
                          + ("; ".join(problems) or "Newton's method did not converge"))
    ci = res.conf_int(alpha=0.05)
    estimates = []
    for name in X.columns:
        cha = walt = ""
        if name in PREDICTIONS:
            _, cha, walt = PREDICTIONS[name]
        coef, se = float(res.params[name]), float(res.bse[name])
        p = float(res.pvalues[name])
        estimates.append(Estimate(
            term=name, coef=coef, se=se, z=float(res.tvalues[name]), p=p,
            ci_low=float(ci.loc[name, 0]), ci_high=float(ci.loc[name, 1]), cha=cha, walt=walt,
            cha_verdict=verdict(cha, coef, p, alpha), walt_verdict=verdict(walt, coef, p, alpha)))
    # The intercept-only log-likelihood in closed form (statsmodels' llnull refits it).
    n1, n = float(y.sum()), float(len(y))
    llnull = n1 * math.log(n1 / n) + (n - n1) * math.log(1 - n1 / n)
    opts = frame.attrs.get("options", {})
    return ReducedForm(
        estimates=tuple(estimates), terms=terms, n=int(len(y)), n_onsets=int(y.sum()),
        n_pairs=int(groups.nunique()), n_dropped=dropped, loglik=float(res.llf),
        loglik_null=llnull, cov=cov, alpha=alpha, reference_era=reference,
        options=tuple((k, format_cell(v)) for k, v in opts.items()), notes=tuple(notes))
