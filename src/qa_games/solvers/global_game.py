"""Equilibrium selection from noise: the threshold equilibrium of a 2x2 global game.

A *global game* (Carlsson and van Damme 1993; Morris and Shin 2003) perturbs a 2x2
game whose payoffs depend on a parameter ``theta`` (for Cha's game, the patron's
commitment ``c``): ``theta`` is not common knowledge, each player ``i`` observes a
private signal ``s_i = theta + sigma * eps_i`` with independent standard normal noise,
under a flat (improper) prior on ``theta``. In a *threshold equilibrium* player ``i``
plays its first strategy (``cooperate``) iff ``s_i <= k_i``; the thresholds solve

    E[ P(s_j <= k_j | theta) g_i(theta) + P(s_j > k_j | theta) h_i(theta) | s_i = k_i ] = 0,

where ``g_i`` is ``i``'s gain from its first strategy when the other plays its first,
``h_i`` when the other plays its second, and ``theta | s_i ~ N(s_i, sigma^2)``,
``P(s_j <= k_j | theta) = Phi((k_j - theta) / sigma)``. The expectation is computed by
Gauss-Hermite quadrature and the two equations by :func:`scipy.optimize.root`.

**The limit.** As ``sigma -> 0`` both thresholds tend to the ``theta*`` at which the two
pure equilibria are equally risky (each player, at its threshold signal, holds the
"Laplacian" belief that fixes the other's play with probability ``p`` and ``1 - p``, and
eliminating ``p`` gives)

    g_A(theta*) g_B(theta*) = h_A(theta*) h_B(theta*),

the risk-dominance boundary of Harsanyi and Selten (1988): the global game selects the
risk-dominant equilibrium (Carlsson and van Damme 1993). :func:`limit_threshold`
computes ``theta*`` by root finding on that equation; the tests check it against the
threshold equilibrium at vanishing noise and against simulation.

**A caveat the model reveals.** Carlsson and van Damme's uniqueness needs *dominance
regions*: values of ``theta`` where each strategy is strictly dominant. In Cha's game
cooperating alone never pays (``u_i(C, D) = -e_i <= 0 = u_i(D, D)``), so there is no
region where cooperation is dominant, and "always distance" stays an equilibrium of the
global game beside the threshold equilibrium computed here: the noise selects the
risk-dominant equilibrium only among threshold strategies. :func:`dominance_regions`
says which regions a model has.

>>> from qa_games import load_model
>>> cha = load_model("cha_quasi_alliance")
>>> star = limit_threshold(cha, "c")
>>> round(star, 6)                      # Delta_A Delta_B = e_A e_B at the defaults
0.25
>>> k = threshold_equilibrium(cha, "c", sigma=0.01)
>>> abs(k.thresholds[0] - star) < 0.01 and abs(k.thresholds[1] - star) < 0.01
True
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError, SolverError, UnsupportedGameError
from ..games.vectorize import lambdify_safe

__all__ = ["ThresholdEquilibrium", "threshold_equilibrium", "limit_threshold", "gains",
           "dominance_regions"]

_NODES, _WEIGHTS = np.polynomial.hermite.hermgauss(80)


@dataclass(frozen=True)
class ThresholdEquilibrium:
    """The thresholds ``(k_A, k_B)`` of a threshold equilibrium at noise ``sigma``."""

    parameter: str
    sigma: float
    thresholds: tuple[float, float]
    residual: float  # largest |expected gain| at the thresholds


def _check(model: Any, parameter: str, values: Mapping[str, Any] | None) -> dict[str, Any]:
    game = model.game
    if game.n_players != 2 or game.shape != (2, 2):
        raise UnsupportedGameError(f"{model.name}: a global game needs a 2x2 game, "
                                   f"not {game.n_players} players of shape {game.shape}")
    model.parameter(parameter)  # a clear ParameterError for an unknown name
    fixed = {k: float(v) for k, v in model.values(values).items() if k != parameter}
    return fixed


def gains(model: Any, parameter: str, theta: Any, values: Mapping[str, Any] | None = None
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(g_A, h_A, g_B, h_B)`` at the points ``theta``: each player's gain from its first
    strategy when the other plays its first (``g``) or its second (``h``).

    >>> from qa_games import load_model
    >>> g_A, h_A, g_B, h_B = gains(load_model("cha_quasi_alliance"), "c", [0.0])
    >>> [round(float(v[0]), 6) for v in (g_A, h_A)]     # Delta_A and -e_A at c = 0
    [0.5, -0.3]
    """
    fixed = _check(model, parameter, values)
    th = np.atleast_1d(np.asarray(theta, dtype=float))
    f = _gain_functions(model)
    args = [th if name == parameter else fixed[name] for name in model.game.parameter_names]
    g_A, h_A, g_B, h_B = (np.broadcast_to(np.asarray(fn(*args), dtype=float), th.shape)
                          for fn in f)
    return g_A, h_A, g_B, h_B


def _gain_functions(model: Any) -> tuple[Any, ...]:
    """The four gains compiled once per model (sympy expressions the whitelist parser built,
    never model-file text). They are evaluated *outside* the parameter's domain too: the
    flat prior of a global game ranges over the real line, and the payoffs are the model's
    expressions continued there."""

    if model not in _COMPILED:
        game = model.game
        A, B = game.payoffs
        exprs = (A[0, 0] - A[1, 0], A[0, 1] - A[1, 1], B[0, 0] - B[0, 1], B[1, 0] - B[1, 1])
        symbols = [model.parameter(n).symbol for n in game.parameter_names]
        _COMPILED[model] = tuple(lambdify_safe(symbols, e) for e in exprs)
    return _COMPILED[model]


_COMPILED: weakref.WeakKeyDictionary[Any, tuple[Any, ...]] = weakref.WeakKeyDictionary()


def _bounds(model: Any, parameter: str) -> tuple[float, float]:
    dom = model.parameter(parameter).domain
    lo = float(dom.lower) if dom.lower is not None else -math.inf
    hi = float(dom.upper) if dom.upper is not None else math.inf
    return lo, hi


def _phi(x: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return ndtr(x)


def _expected_gains(model: Any, parameter: str, k: np.ndarray, sigma: float,
                    fixed: Mapping[str, Any]) -> np.ndarray:
    """Each player's expected gain from its first strategy at its threshold signal."""
    out = np.empty(2)
    for i in (0, 1):
        theta = k[i] + sigma * math.sqrt(2.0) * _NODES  # theta | s_i = k_i
        g_A, h_A, g_B, h_B = gains(model, parameter, theta, fixed)
        g, h = (g_A, h_A) if i == 0 else (g_B, h_B)
        p_first = _phi((k[1 - i] - theta) / sigma)  # the other's signal below its threshold
        out[i] = float(np.sum(_WEIGHTS * (p_first * g + (1.0 - p_first) * h)) / math.sqrt(math.pi))
    return out


def limit_threshold(model: Any, parameter: str, values: Mapping[str, Any] | None = None, *,
                    bracket: tuple[float, float] | None = None) -> float:
    """The vanishing-noise threshold ``theta*``: the root of ``g_A g_B - h_A h_B`` in the
    parameter's domain (the risk-dominance boundary). Raises SolverError when the
    parameter's domain holds no sign change (the selection is then constant).

    >>> from qa_games import load_model
    >>> round(limit_threshold(load_model("cha_quasi_alliance"), "c", {"t": 2}), 6)
    0.375
    """
    from scipy.optimize import brentq

    fixed = _check(model, parameter, values)
    lo, hi = bracket if bracket is not None else _bounds(model, parameter)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ParameterError(f"{parameter}: give a finite bracket for an unbounded domain")

    def f(x: float) -> float:
        g_A, h_A, g_B, h_B = gains(model, parameter, [x], fixed)
        return float(g_A[0] * g_B[0] - h_A[0] * h_B[0])

    # Only where the game is one of coordination (both pure profiles on the diagonal are
    # strict equilibria) does the equation mark the risk-dominance boundary.
    grid = np.linspace(lo, hi, 401)
    g_A, h_A, g_B, h_B = gains(model, parameter, grid, fixed)
    coordination = (g_A > 0) & (g_B > 0) & (h_A < 0) & (h_B < 0)
    vals = g_A * g_B - h_A * h_B
    zeros = np.nonzero(coordination & (vals == 0))[0]
    if len(zeros):
        return float(grid[zeros[0]])
    both = coordination[:-1] & coordination[1:]
    change = np.nonzero(both & (np.sign(vals[:-1]) * np.sign(vals[1:]) < 0))[0]
    if not len(change):
        where = "nowhere a coordination game" if not coordination.any() else \
            "a coordination game, but g_A g_B - h_A h_B keeps one sign there"
        raise SolverError(f"{model.name}: on {parameter} in [{lo}, {hi}] the game is "
                          f"{where}: no risk-dominance boundary")
    j = int(change[0])
    return float(brentq(f, grid[j], grid[j + 1], xtol=1e-14, rtol=1e-14))


def threshold_equilibrium(model: Any, parameter: str, *, sigma: float,
                          values: Mapping[str, Any] | None = None,
                          start: tuple[float, float] | None = None) -> ThresholdEquilibrium:
    """The threshold equilibrium of the global game at noise ``sigma`` (> 0), from
    ``start`` (default: the limit threshold for both players).

    >>> from qa_games import load_model
    >>> k = threshold_equilibrium(load_model("cha_quasi_alliance"), "c", sigma=0.05)
    >>> k.residual < 1e-10
    True
    """
    from scipy.optimize import root

    if not (isinstance(sigma, (int, float)) and math.isfinite(sigma) and sigma > 0):
        raise ParameterError(f"sigma={sigma!r}: the noise must be a positive finite number")
    fixed = _check(model, parameter, values)
    k0 = np.array(start if start is not None else
                  (limit_threshold(model, parameter, values),) * 2, dtype=float)
    sigma = float(sigma)

    def residual(z: np.ndarray) -> np.ndarray:  # z = (midpoint, gap in units of sigma)
        k = np.array([z[0] - sigma * z[1] / 2, z[0] + sigma * z[1] / 2])
        return _expected_gains(model, parameter, k, sigma, fixed)

    z0 = np.array([(k0[0] + k0[1]) / 2, (k0[1] - k0[0]) / sigma])
    sol = root(residual, z0, method="hybr")
    k = np.array([sol.x[0] - sigma * sol.x[1] / 2, sol.x[0] + sigma * sol.x[1] / 2])
    res = _expected_gains(model, parameter, k, sigma, fixed)
    if not np.all(np.isfinite(res)) or np.max(np.abs(res)) > 1e-9:
        raise SolverError(f"{model.name}: no threshold equilibrium found at sigma={sigma} "
                          f"({sol.message})")
    return ThresholdEquilibrium(parameter, float(sigma), (float(k[0]), float(k[1])),
                                float(np.max(np.abs(res))))


def dominance_regions(model: Any, parameter: str, values: Mapping[str, Any] | None = None,
                      *, points: int = 401) -> dict[str, bool]:
    """Whether, somewhere in the parameter's domain, each player's first strategy
    (``"first"``) or second (``"second"``) is strictly dominant for both players: the
    dominance regions Carlsson and van Damme's uniqueness needs.

    >>> from qa_games import load_model
    >>> dominance_regions(load_model("cha_quasi_alliance"), "c")
    {'first': False, 'second': True}
    """
    _check(model, parameter, values)
    lo, hi = _bounds(model, parameter)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ParameterError(f"{parameter}: dominance regions need a bounded domain")
    grid = np.linspace(lo, hi, points)
    g_A, h_A, g_B, h_B = gains(model, parameter, grid, values)
    first = (g_A > 0) & (h_A > 0) & (g_B > 0) & (h_B > 0)
    second = (g_A < 0) & (h_A < 0) & (g_B < 0) & (h_B < 0)
    return {"first": bool(first.any()), "second": bool(second.any())}
