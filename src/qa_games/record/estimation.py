"""Structural maximum likelihood: a theory's game, its QRE, and the record of onsets.

Each row ``i`` of a panel (a quasi-alliance pair-year) is one play of the model's game.
An *estimation spec* declares how the model's parameters are computed from the row's
measures and a vector of coefficients ``b`` (links such as
``c = "logistic(b0 + b1 * c_index)"`` or ``t = "tau"``; unmapped parameters stay at the
model's defaults), and which pure profile is the outcome (Cha: ``mutual_cooperation``;
Walt: ``alliance``). At precision ``lambda`` the model predicts

    P_i(onset) = Pr_QRE(profile | payoffs(theta_i(b)), lambda),

the probability of that profile in the logit QRE on the principal branch
(:func:`qa_games.solvers.qre.qre_batch`), and ``(b, log lambda)`` maximise the Bernoulli
log-likelihood ``sum_i y_i log P_i + (1 - y_i) log(1 - P_i)`` -- statistical estimation
of a strategic model in the spirit of Signorino (1999) and of the R package ``games``
(Kenkel and Signorino 2014), here with the logit QRE of a simultaneous game.

Standard errors come from the inverse of the (numerically differentiated) Hessian and from
the cluster-robust sandwich ``H^-1 (sum_g s_g s_g') H^-1 * G / (G - 1)`` over clusters
``g`` (by default the ``pair`` column), ``s_g`` being the summed scores of a cluster.
Derivatives are taken along the arm of each row's QRE (Newton from the branch point,
:func:`~qa_games.solvers.qre.qre_2x2_local`), since the principal branch may jump to another
arm where it folds. Caution: near such folds the QRE probability moves very fast with the
parameters, so the log-likelihood can be far from quadratic at the scale of its standard
errors; compare Wald intervals with likelihood-ratio ones before trusting them.
Links without coefficients must keep their parameter inside its domain on every row.

A spec is a small TOML file (see ``models/record/*.toml``)::

    [estimation]
    model = "walt_balance_of_threat"   # a bundled model name or a path
    profile = "alliance"               # the outcome profile of [profiles]
    outcome = "onset"                  # 0/1 column (default "onset")
    cluster = "pair"                   # cluster column ("" for none; default "pair")
    lambda = 1.0                       # starting value of lambda (default 1)
    [coefficients]                     # the estimated coefficients and their starts
    b0 = 0.0
    b1 = 0.0
    [links]                            # model parameter = link of measures and coefficients
    c = "logistic(b0 + b1 * c_index)"
    tau = "tau"

References: C. Signorino, 'Strategic Interaction and the Statistical Analysis of
International Conflict', American Political Science Review 93(2), 1999, 279-297;
B. Kenkel and C. Signorino, games: Statistical Estimation of Game-Theoretic Models,
R package, 2014; R. D. McKelvey and T. R. Palfrey, Games and Economic Behavior 10, 1995.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from qa_games.errors import ModelError, ParameterError
from qa_games.record.links import Link, parse_link
from qa_games.solvers.qre import QREBifurcationWarning, qre_2x2_local, qre_batch

from ..games.vectorize import lambdify_safe
from ..modelfiles.files import read_toml
from ..modelfiles.loader import load_model
from ..modelfiles.normal_form import Model

__all__ = ["EstimationSpec", "StructuralFit", "load_spec", "parse_spec", "fit_structural",
           "predict", "simulate_onsets", "bundled_specs"]

MAX_SPEC_BYTES = 100_000
LOG_LAMBDA = "log_lambda"


@dataclass(frozen=True, eq=False)
class EstimationSpec:
    """A declared mapping from measures to a model's parameters, and the outcome profile."""

    name: str
    model: Model
    profile: str
    links: Mapping[str, Link]
    start: Mapping[str, float]  # coefficient -> starting value (in declaration order)
    outcome: str = "onset"
    cluster: str | None = "pair"
    lam_start: float = 1.0
    where: str = ""

    @property
    def coefficients(self) -> tuple[str, ...]:
        return tuple(self.start)

    @property
    def alignment(self) -> str | None:
        """The outcome profile in the common outcome vocabulary of the model's ``[scenario]
        alignment`` (``bilateral_alignment`` for every bundled spec: the variable the fit
        predicts); None when the model declares no alignment.

        >>> [load_spec(n).alignment for n in sorted(bundled_specs())]
        ['bilateral_alignment', 'bilateral_alignment', 'bilateral_alignment']
        """
        from ..modelfiles.scenario import scenario_map

        label = next((lab for lab, prof in self.model.labels if prof == self.profile),
                     self.model.otherwise)
        try:
            smap = scenario_map(self.model)
        except ModelError:
            return None
        return smap.alignment.get(label)

    @property
    def columns(self) -> tuple[str, ...]:
        """The measures (data columns) the links use."""
        used = set().union(*(lk.names for lk in self.links.values())) if self.links else set()
        return tuple(sorted(used - set(self.start)))


def bundled_specs() -> dict[str, Path]:
    """The bundled specs, ``models/record/<model name>.toml``, by name."""
    here = Path(load_model("cha_quasi_alliance").path).parent / "record"
    return {p.stem: p for p in sorted(here.glob("*.toml"))}


def load_spec(name_or_path: str | Path) -> EstimationSpec:
    """Load a bundled spec by name (``cha_quasi_alliance``) or any spec file by path.

    >>> spec = load_spec("walt_balance_of_threat")
    >>> spec.profile, spec.coefficients, spec.columns
    ('alliance', ('b0', 'b1'), ('c_index', 'tau'))
    """
    text = str(name_or_path)
    path = Path(text)
    if not (path.suffix == ".toml" or "/" in text or "\\" in text):
        specs = bundled_specs()
        if text not in specs:
            raise ModelError(f"unknown estimation spec {text!r} (bundled: {', '.join(specs)}; "
                             "or give a path to a .toml file)")
        path = specs[text]
    size = path.stat().st_size if path.is_file() else 0
    if size > MAX_SPEC_BYTES:
        raise ModelError(f"{path}: file is larger than {MAX_SPEC_BYTES} bytes")
    data, _ = read_toml(path)  # the model files' reader: limits, UTF-8, names and text
    return parse_spec(data, where=str(path), name=path.stem)


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    t = data.get(key, {})
    if not isinstance(t, Mapping):
        raise ModelError(f"{where}: [{key}] must be a table")
    return t


def parse_spec(data: Mapping[str, Any], *, where: str = "spec", name: str = "spec",
               model: Model | None = None) -> EstimationSpec:
    """Check a spec given as a mapping (as read from TOML); see the module docstring.

    >>> spec = parse_spec({"estimation": {"model": "cha_quasi_alliance",
    ...                                   "profile": "mutual_cooperation"},
    ...                    "coefficients": {"b0": 0.0}, "links": {"c": "logistic(b0)"}})
    >>> spec.columns, spec.outcome, spec.cluster
    ((), 'onset', 'pair')
    >>> parse_spec({"estimation": {"model": "cha_quasi_alliance", "profile": "x"},
    ...             "links": {"fear": "tau"}})
    Traceback (most recent call last):
    ...
    qa_games.errors.ParameterError: spec: links.fear: unknown parameter 'fear' of cha_quasi_alliance (known: c, t, x_A, x_B, y_A, y_B, k_A, k_B, phi)
    """  # noqa: E501
    if not isinstance(data, Mapping):
        raise ModelError(f"{where}: a spec must be a table")
    unknown = sorted(set(data) - {"estimation", "coefficients", "links"})
    if unknown:
        raise ModelError(f"{where}: unknown table(s) {', '.join(unknown)} "
                         "(known: estimation, coefficients, links)")
    est = _table(data, "estimation", where)
    bad = sorted(set(est) - {"model", "profile", "outcome", "cluster", "lambda", "title"})
    if bad:
        raise ModelError(f"{where}: estimation: unknown key(s) {', '.join(bad)} (known: model, "
                         "profile, outcome, cluster, lambda, title)")
    if model is None:
        mname = est.get("model")
        if not isinstance(mname, str) or not mname:
            raise ModelError(f"{where}: estimation.model: give a model name or path")
        model = load_model(mname)
    if not isinstance(model, Model) or model.game.n_players != 2:
        raise ModelError(f"{where}: structural estimation needs a two-player normal-form model")
    known = [p.name for p in model.parameters]
    links: dict[str, Link] = {}
    for pname, text in _table(data, "links", where).items():
        if pname not in known:
            raise ParameterError(f"{where}: links.{pname}: unknown parameter {pname!r} of "
                                 f"{model.name} (known: {', '.join(known)})")
        links[pname] = parse_link(text, where=f"{where}: links.{pname}")
    start: dict[str, float] = {}
    for cname, v in _table(data, "coefficients", where).items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ParameterError(f"{where}: coefficients.{cname}={v!r} must be a finite number "
                                 "(its starting value)")
        if cname in known or cname == LOG_LAMBDA:
            raise ModelError(f"{where}: coefficients.{cname}: the name is taken by a model "
                             "parameter or by log_lambda")
        start[cname] = float(v)
    profile = est.get("profile")
    if not isinstance(profile, str) or profile not in model.profiles:
        raise ModelError(f"{where}: estimation.profile={profile!r} is not a profile of "
                         f"{model.name} (known: {', '.join(model.profiles)})")
    outcome = est.get("outcome", "onset")
    cluster = est.get("cluster", "pair")
    lam = est.get("lambda", 1.0)
    if not isinstance(outcome, str) or not outcome:
        raise ModelError(f"{where}: estimation.outcome must be a column name")
    if not isinstance(cluster, str):
        raise ModelError(f"{where}: estimation.cluster must be a column name or \"\"")
    if isinstance(lam, bool) or not isinstance(lam, (int, float)) or not lam > 0 \
            or not math.isfinite(lam):
        raise ParameterError(f"{where}: estimation.lambda={lam!r} must be a positive number")
    unused = sorted(set(start) - set().union(*(lk.names for lk in links.values()), set()))
    if unused:
        raise ModelError(f"{where}: coefficient(s) {', '.join(unused)} appear in no link")
    return EstimationSpec(name, model, profile, links, start, outcome, cluster or None,
                          float(lam), where)


# -- the design: payoff functions of the coefficients ------------------------------------

@dataclass(frozen=True, eq=False)
class _Design:
    spec: EstimationSpec
    env: Mapping[str, np.ndarray]  # column -> values on the kept rows
    y: np.ndarray
    clusters: np.ndarray | None
    rows: np.ndarray  # index labels of the kept rows
    payoff_fns: tuple[Any, ...]  # lambdified payoff cells, player-major
    shape: tuple[int, int]
    fixed: Mapping[str, float]  # unmapped parameters at their defaults
    bifurcations: set[int] = field(default_factory=set)  # rows past a bifurcation (last call)

    @property
    def n(self) -> int:
        return int(self.y.size)

    def parameters(self, b: Sequence[float] | np.ndarray) -> dict[str, np.ndarray | float]:
        env: dict[str, Any] = dict(self.env)
        env.update(zip(self.spec.coefficients, (float(v) for v in b), strict=True))
        out: dict[str, Any] = dict(self.fixed)
        for pname, link in self.spec.links.items():
            out[pname] = link.evaluate(env)
        return out

    def payoffs(self, b: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        vals = self.parameters(b)
        args = [vals[p.name] for p in self.spec.model.parameters]
        m, n = self.shape
        cells = [np.broadcast_to(np.asarray(f(*args), dtype=float), (self.n,))
                 for f in self.payoff_fns]
        A = np.stack(cells[:m * n], axis=1).reshape(self.n, m, n)
        B = np.stack(cells[m * n:], axis=1).reshape(self.n, m, n)
        return A, B

    def solve(self, theta: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The principal-branch QRE (P, Q) of every row at theta = (b..., log lambda)."""
        A, B = self.payoffs(theta[:-1])
        if not (np.isfinite(A).all() and np.isfinite(B).all()):
            nan = np.full((self.n, self.shape[0]), np.nan)
            return nan, np.full((self.n, self.shape[1]), np.nan)
        lam = math.exp(float(theta[-1]))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", QREBifurcationWarning)
            P, Q = qre_batch(A, B, lam)
        self.bifurcations.clear()
        for w in caught:
            if isinstance(w.message, QREBifurcationWarning):
                self.bifurcations.update(int(i) for i in w.message.games)
            else:  # pragma: no cover - other warnings pass through
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return P, Q

    def local(self, theta: Sequence[float] | np.ndarray, P_ref: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
        """The QRE at theta on the arms of the reference solutions (2x2 games); where that
        fails, or for larger games, the principal branch."""
        if self.shape == (2, 2):
            A, B = self.payoffs(theta[:-1])
            if np.isfinite(A).all() and np.isfinite(B).all():
                P, Q = qre_2x2_local(A, B, math.exp(float(theta[-1])), P_ref)
                bad = np.isnan(P[:, 0])
                if bad.any():
                    P2, Q2 = self.solve(theta)
                    P[bad], Q[bad] = P2[bad], Q2[bad]
                return P, Q
        return self.solve(theta)

    def _pick(self, P: np.ndarray, Q: np.ndarray) -> np.ndarray:
        r, s = self.spec.model.profile(self.spec.profile)
        return P[:, r] * Q[:, s]

    def prob(self, theta: Sequence[float] | np.ndarray) -> np.ndarray:
        """P(outcome profile) per row at theta = (b..., log lambda)."""
        return self._pick(*self.solve(theta))

    def _ll(self, p: np.ndarray) -> np.ndarray:
        p = np.clip(p, 1e-300, 1.0 - 1e-16)
        return np.where(self.y == 1, np.log(p), np.log1p(-p))

    def loglik_obs(self, theta: Sequence[float] | np.ndarray) -> np.ndarray:
        return self._ll(self.prob(theta))

    def loglik_local(self, theta: Sequence[float] | np.ndarray, P_ref: np.ndarray) -> np.ndarray:
        return self._ll(self._pick(*self.local(theta, P_ref)))


def _check_fixed_domains(spec: EstimationSpec, env: Mapping[str, np.ndarray],
                         labels: np.ndarray) -> None:
    """A link without coefficients (a measure, or a fixed function of measures) must stay in
    its parameter's domain: the model is not defined outside it."""
    for pname, link in spec.links.items():
        if link.names & set(spec.start):
            continue
        dom = spec.model.parameter(pname).domain
        vals = np.broadcast_to(np.asarray(link.evaluate(env), dtype=float), labels.shape)
        bad = ~np.isfinite(vals)
        if dom.lower is not None:
            lo = float(dom.lower)
            bad |= (vals < lo) if dom.lower_closed else (vals <= lo)
        if dom.upper is not None:
            hi = float(dom.upper)
            bad |= (vals > hi) if dom.upper_closed else (vals >= hi)
        if bad.any():
            i = int(np.argmax(bad))
            raise ParameterError(f"{spec.where}: links.{pname} = {link.text!r} is outside the "
                                 f"domain {dom} of {pname} on {int(bad.sum())} row(s) (first: "
                                 f"row {labels[i]!r}, value {vals[i]!r})")


def _design(spec: EstimationSpec, df: pd.DataFrame) -> _Design:
    if not isinstance(df, pd.DataFrame):
        raise ModelError(f"{spec.where}: data must be a pandas DataFrame")
    need = list(spec.columns) + [spec.outcome] + ([spec.cluster] if spec.cluster else [])
    for col in need:
        if col not in df.columns:
            raise ModelError(f"{spec.where}: unknown column {col!r} (the data has: "
                             f"{', '.join(map(str, df.columns[:30]))}"
                             f"{', ...' if len(df.columns) > 30 else ''})")
    for col in spec.columns:
        vals = pd.to_numeric(df[col], errors="coerce")
        if vals.isna().all():
            raise ParameterError(f"{spec.where}: measure {col!r} is missing (or not numeric) "
                                 f"on every one of the {len(df)} rows")
    num = {c: pd.to_numeric(df[c], errors="coerce").to_numpy(dtype=float) for c in spec.columns}
    y = pd.to_numeric(df[spec.outcome], errors="coerce").to_numpy(dtype=float)
    keep = np.isfinite(y)
    for v in num.values():
        keep &= np.isfinite(v)
    if spec.cluster:
        keep &= df[spec.cluster].notna().to_numpy()
    if not keep.any():
        raise ParameterError(f"{spec.where}: no row has every measure "
                             f"({', '.join(spec.columns) or 'none'}) and the outcome")
    y = y[keep]
    if not np.isin(y, (0.0, 1.0)).all():
        raise ParameterError(f"{spec.where}: outcome {spec.outcome!r} must be 0 or 1")
    model = spec.model
    _check_fixed_domains(spec, {c: v[keep] for c, v in num.items()}, df.index.to_numpy()[keep])
    syms = [model.game.symbols[p.name] for p in model.parameters]
    cells = [e for arr in model.game.payoffs for e in np.asarray(arr, dtype=object).ravel()]
    fns = tuple(lambdify_safe(syms, e) for e in cells)
    fixed = {k: float(v) for k, v in model.defaults().items() if k not in spec.links}
    clusters = None
    if spec.cluster:
        clusters = pd.factorize(df[spec.cluster][keep])[0]
    m, n = model.game.shape
    return _Design(spec, {c: v[keep] for c, v in num.items()}, y, clusters,
                   df.index.to_numpy()[keep], fns, (m, n), fixed)


# -- the fit ----------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class StructuralFit:
    """A structural ML fit: estimates of (b..., log lambda), their covariances, the fit.

    ``loglik_obs`` holds each kept row's log-likelihood (``rows`` their index labels), for
    the non-nested tests of :mod:`qa_games.record.model_tests`. Rows whose game is
    non-generic (its QRE branch passes a bifurcation point; see
    :class:`~qa_games.solvers.qre.QREBifurcationWarning`) are counted in ``n_bifurcation``
    and named in the notes instead of warning at every likelihood evaluation.
    """

    spec: EstimationSpec
    names: tuple[str, ...]
    estimates: np.ndarray
    cov: np.ndarray  # inverse Hessian
    cov_robust: np.ndarray | None  # cluster-robust sandwich (None without clusters)
    loglik: float
    loglik_obs: np.ndarray = field(repr=False)
    prob: np.ndarray = field(repr=False)
    rows: np.ndarray = field(repr=False)
    n: int = 0
    n_clusters: int = 0
    n_dropped: int = 0
    converged: bool = True
    message: str = ""
    n_bifurcation: int = 0  # rows whose QRE branch passes a bifurcation at the estimates

    @property
    def k(self) -> int:
        return len(self.names)

    @property
    def lam(self) -> float:
        return math.exp(float(self.estimates[-1]))

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.cov))

    @property
    def se_robust(self) -> np.ndarray | None:
        return None if self.cov_robust is None else np.sqrt(np.diag(self.cov_robust))

    @property
    def aic(self) -> float:
        return -2.0 * self.loglik + 2 * self.k

    @property
    def bic(self) -> float:
        return -2.0 * self.loglik + self.k * math.log(max(self.n, 1))

    def to_frame(self) -> pd.DataFrame:
        """One row per coefficient: estimate, SEs, z and the 95% interval (robust if any)."""
        se_r = self.se_robust
        se_use = se_r if se_r is not None else self.se
        return pd.DataFrame({
            "coefficient": list(self.names),
            "estimate": self.estimates,
            "se_hessian": self.se,
            "se_robust": se_r if se_r is not None else np.full(self.k, np.nan),
            "z": self.estimates / se_use,
            "ci_low": self.estimates - 1.959963984540054 * se_use,
            "ci_high": self.estimates + 1.959963984540054 * se_use,
        })

    def _note(self) -> str:
        return (f"{self.spec.model.name} (P(onset) = QRE probability of {self.spec.profile}); "
                f"n = {self.n}, clusters = {self.n_clusters}, log-likelihood = "
                f"{self.loglik:.3f}, lambda = {self.lam:.4g}"
                + (f"; {self.n_bifurcation} rows non-generic (QRE branch past a bifurcation)"
                   if self.n_bifurcation else "")
                + ("" if self.converged else f"; NOT CONVERGED: {self.message}"))

    def to_markdown(self) -> str:
        return self.to_frame().to_markdown(index=False, floatfmt=".4f") + "\n\n" + self._note()

    def to_latex(self) -> str:
        from qa_games.record._latex import latex_table

        return latex_table(self.to_frame(), self._note())


def _scores(design: _Design, theta: np.ndarray, P_ref: np.ndarray | None = None,
            step: float = 1e-5) -> np.ndarray:
    """Per-row scores d loglik_i / d theta, shape (n, k): central differences of each row's
    log-likelihood along the arm of its QRE at theta (anchored at ``P_ref``, by default the
    principal-branch solution at theta), so that a jump of the principal branch to another
    arm nearby is not mistaken for a derivative."""
    if P_ref is None:
        P_ref = design.solve(theta)[0]
    S = np.empty((design.n, theta.size))
    for j in range(theta.size):
        h = step * max(1.0, abs(theta[j]))
        up, dn = theta.copy(), theta.copy()
        up[j] += h
        dn[j] -= h
        S[:, j] = (design.loglik_local(up, P_ref) - design.loglik_local(dn, P_ref)) / (2 * h)
    return S


def _hessian(design: _Design, theta: np.ndarray, step: float = 1e-4) -> np.ndarray:
    """Hessian of the log-likelihood along the arms of the QRE at theta."""
    k = theta.size
    P0 = design.solve(theta)[0]
    H = np.empty((k, k))
    for j in range(k):
        h = step * max(1.0, abs(theta[j]))
        up, dn = theta.copy(), theta.copy()
        up[j] += h
        dn[j] -= h
        su = _scores(design, up, design.local(up, P0)[0]).sum(0)
        sd = _scores(design, dn, design.local(dn, P0)[0]).sum(0)
        H[:, j] = (su - sd) / (2 * h)
    return 0.5 * (H + H.T)


def fit_structural(spec: EstimationSpec | str | Path, data: pd.DataFrame, *,
                   start: Mapping[str, float] | None = None,
                   lam_start: float | Sequence[float] | None = None,
                   maxiter: int = 200) -> StructuralFit:
    """Estimate ``(b, log lambda)`` of ``spec`` on ``data`` by maximum likelihood.

    Rows missing any used measure or the outcome are dropped (counted in ``n_dropped``).
    ``lam_start`` may list several starting values of lambda (a multi-start: the QRE
    likelihood can have several local maxima); the best optimum is kept.

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"c_index": rng.uniform(0, 1, 400), "tau": rng.uniform(0, 1, 400),
    ...                    "pair": np.arange(400) // 4})
    >>> spec = load_spec("walt_balance_of_threat")
    >>> df["onset"] = simulate_onsets(spec, df, {"b0": -1.0, "b1": 2.0}, lam=3.0, seed=1)
    >>> f = fit_structural(spec, df)
    >>> f.names, f.n, f.converged
    (('b0', 'b1', 'log_lambda'), 400, True)
    """
    if not isinstance(spec, EstimationSpec):
        spec = load_spec(spec)
    design = _design(spec, data)
    b0 = dict(spec.start)
    if start:
        unknown = sorted(set(start) - set(b0))
        if unknown:
            raise ParameterError(f"start: unknown coefficient(s) {', '.join(unknown)} "
                                 f"(known: {', '.join(b0) or 'none'})")
        b0.update({k: float(v) for k, v in start.items()})
    if lam_start is None:
        lams = [spec.lam_start]
    elif isinstance(lam_start, (int, float)) and not isinstance(lam_start, bool):
        lams = [float(lam_start)]
    else:
        lams = [float(v) for v in lam_start]  # type: ignore[union-attr]
    if not lams or not all(v > 0 and math.isfinite(v) for v in lams):
        raise ParameterError(f"lam_start={lam_start!r} must be positive number(s)")
    names = spec.coefficients + (LOG_LAMBDA,)

    def negll(theta: np.ndarray) -> float:
        v = float(design.loglik_obs(theta).sum())
        return -v if math.isfinite(v) else 1e300

    def grad(theta: np.ndarray) -> np.ndarray:
        return -_scores(design, theta).sum(0)

    res = None
    for lam0 in lams:
        theta0 = np.array(list(b0.values()) + [math.log(lam0)], dtype=float)
        if negll(theta0) >= 1e300:
            raise ParameterError(f"{spec.where}: the likelihood is not finite at the start "
                                 f"values {dict(zip(names, theta0, strict=True))}")
        r = optimize.minimize(negll, theta0, jac=grad, method="BFGS",
                              options={"maxiter": maxiter, "gtol": 1e-5})
        if res is None or r.fun < res.fun:
            res = r
    assert res is not None
    theta = np.asarray(res.x, dtype=float)
    H = _hessian(design, theta)
    try:
        cov = np.linalg.inv(-H)
    except np.linalg.LinAlgError:
        cov = np.full((theta.size, theta.size), np.nan)
    cov_r = None
    n_cl = 0
    if design.clusters is not None:
        S = _scores(design, theta)
        n_cl = int(design.clusters.max()) + 1
        G = np.zeros((n_cl, theta.size))
        np.add.at(G, design.clusters, S)
        meat = G.T @ G * (n_cl / (n_cl - 1) if n_cl > 1 else 1.0)
        cov_r = cov @ meat @ cov
    ll_obs = design.loglik_obs(theta)
    n_bif = len(design.bifurcations)
    converged = bool(res.success) and bool(np.all(np.linalg.eigvalsh(-H) > 0))
    msg = str(res.message) if res.success else f"{res.message}"
    if res.success and not converged:
        msg = "the Hessian is not negative definite at the optimum (weakly identified?)"
    return StructuralFit(spec, names, theta, cov, cov_r, float(ll_obs.sum()), ll_obs,
                         design.prob(theta), design.rows, design.n, n_cl,
                         int(len(data) - design.n), converged, msg, n_bif)


def predict(spec: EstimationSpec | StructuralFit, data: pd.DataFrame,
            theta: Mapping[str, float] | Sequence[float] | None = None) -> pd.Series:
    """P(onset) per row of ``data`` (NaN where a measure is missing).

    ``spec`` is a fit (its estimates are used unless ``theta`` is given) or a spec with
    ``theta`` as a mapping of coefficients plus ``log_lambda``, or a sequence.
    """
    if isinstance(spec, StructuralFit):
        th = spec.estimates if theta is None else theta
        spec = spec.spec
    else:
        if theta is None:
            raise ParameterError("predict: give theta (coefficients and log_lambda) with a spec")
        th = theta
    names = spec.coefficients + (LOG_LAMBDA,)
    if isinstance(th, Mapping):
        missing = [n for n in names if n not in th]
        if missing:
            raise ParameterError(f"theta: missing {', '.join(missing)}")
        vec = np.array([float(th[n]) for n in names])
    else:
        vec = np.asarray(th, dtype=float)
        if vec.shape != (len(names),):
            raise ParameterError(f"theta must have {len(names)} values ({', '.join(names)})")
    df = data.copy()
    if spec.outcome not in df.columns:
        df[spec.outcome] = 0
    elif df[spec.outcome].isna().any():
        df[spec.outcome] = df[spec.outcome].fillna(0)
    design = _design(_without_cluster(spec), df)
    out = pd.Series(np.nan, index=data.index, name="p_onset")
    out.loc[design.rows] = design.prob(vec)
    return out


def _without_cluster(spec: EstimationSpec) -> EstimationSpec:
    return EstimationSpec(spec.name, spec.model, spec.profile, spec.links, spec.start,
                          spec.outcome, None, spec.lam_start, spec.where)


def simulate_onsets(spec: EstimationSpec | str | Path, data: pd.DataFrame,
                    coefficients: Mapping[str, float], *, lam: float,
                    seed: int | None = None) -> np.ndarray:
    """Draw 0/1 outcomes from the model's QRE at ``coefficients`` and ``lam`` (for checks
    such as parameter recovery). Rows with a missing measure get NaN."""
    if not isinstance(spec, EstimationSpec):
        spec = load_spec(spec)
    theta = dict(coefficients)
    if not lam > 0:
        raise ParameterError(f"lam={lam!r} must be positive")
    theta[LOG_LAMBDA] = math.log(lam)
    p = predict(spec, data, theta).to_numpy()
    rng = np.random.default_rng(seed)
    draw = (rng.uniform(size=p.size) < np.nan_to_num(p)).astype(float)
    return np.where(np.isnan(p), np.nan, draw)
