"""The oddness theorem as an external check: every nondegenerate game a model produces has
an odd number of Nash equilibria.

Wilson (1971) proved that almost every finite game has a finite and odd number of
equilibria; for two players the Lemke-Howson paths pair the equilibria of a nondegenerate
bimatrix game except one (Lemke and Howson 1964; Shapley 1974), and for n players the
count is odd in every regular game (Harsanyi 1973). A model's game whose equilibrium set
is complete, reported nondegenerate by the solver, and even in size is therefore a bug of
the solver (a lost or a spurious equilibrium), or of the degeneracy test.

:func:`oddness_check` solves each bundled normal-form model exactly (rational parameter
values, :func:`qa_games.solvers.solve.solve`) at its defaults, at the given scenario
points (e.g. the historical cases), and at random rational points of its parameter box
that satisfy its constraints, and counts the equilibria of every nondegenerate game. The
two-player games' counts are cross-checked in the tests against the closed-form 2x2
batch solver. Models that are not normal-form games (sequential and signalling models:
trees, whose strategic forms are degenerate in general, since strategies that differ only
off the path of play tie) are listed as skipped, with the reason.

References: R. Wilson, 'Computing Equilibria of N-Person Games', SIAM Journal on Applied
Mathematics 21(1), 1971, 80-87; C. Lemke and J. Howson, 'Equilibrium Points of Bimatrix
Games', SIAM Journal 12(2), 1964, 413-423; J. Harsanyi, 'Oddness of the Number of
Equilibrium Points', International Journal of Game Theory 2, 1973, 235-250.

>>> r = oddness_check(["cha_quasi_alliance"], samples=5, seed=1)[0]
>>> r.points, r.violations, r.nondegenerate + r.degenerate + r.incomplete == r.points
(6, (), True)
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pandas as pd
import sympy

from ..errors import ModelError, ParameterError
from ..modelfiles.loader import list_models, load_model
from ..modelfiles.normal_form import Model
from ..solvers.solve import solve

__all__ = ["OddnessResult", "oddness_check", "oddness_table", "sample_points"]

#: Denominator of the random rational coordinates (a prime, so that random points seldom
#: fall on the models' tie sets, which have small denominators).
DENOMINATOR = 1009
#: Width of the sampled box along an unbounded side of a domain.
UNBOUNDED_WIDTH = 10


@dataclass(frozen=True)
class OddnessResult:
    """The oddness check of one model: how many games were solved and how they fell.

    ``counts`` maps an equilibrium count to the number of nondegenerate games with it;
    ``violations`` lists the parameter points of nondegenerate games with a complete,
    even-sized equilibrium set (each one a bug); ``skipped`` says why a model was not
    checked (then every count is 0).
    """

    model: str
    players: int
    points: int = 0
    nondegenerate: int = 0
    degenerate: int = 0
    incomplete: int = 0  # the solver flagged a continuum / could not complete the set
    outside: int = 0  # scenario points outside the model's domain (not solved)
    counts: Mapping[int, int] = field(default_factory=dict)
    violations: tuple[tuple[tuple[str, Fraction], ...], ...] = ()
    skipped: str = ""

    @property
    def odd(self) -> bool:
        """True when no nondegenerate game had an even number of equilibria."""
        return not self.violations

    def row(self) -> dict[str, Any]:
        return {"model": self.model, "players": self.players, "games solved": self.points,
                "nondegenerate": self.nondegenerate, "degenerate": self.degenerate,
                "incomplete (continuum)": self.incomplete,
                "equilibrium counts (nondegenerate)": ", ".join(
                    f"{k}: {v}" for k, v in sorted(self.counts.items())) or "-",
                "even counts (violations)": len(self.violations),
                "note": self.skipped}


def _box(lo: Fraction | None, hi: Fraction | None) -> tuple[Fraction, Fraction]:
    if lo is None and hi is None:
        return Fraction(-UNBOUNDED_WIDTH), Fraction(UNBOUNDED_WIDTH)
    if lo is None:
        assert hi is not None
        return hi - UNBOUNDED_WIDTH, hi
    if hi is None:
        return lo, lo + UNBOUNDED_WIDTH
    return lo, hi


def sample_points(model: Model, n: int, *, seed: int = 0,
                  max_tries: int | None = None) -> list[dict[str, Fraction]]:
    """``n`` random rational points inside the model's parameter box (interior points
    ``lo + (hi - lo) k / 1009``) that satisfy its constraints; fewer when the constraints
    reject more than ``max_tries`` (default ``50 n``) draws. Parameters named in an
    equality constraint (weights that sum to 1, say) keep their defaults: a random box
    point would almost never satisfy it.

    >>> pts = sample_points(load_model("buck_passing"), 3, seed=0)
    >>> len(pts), all(p["m_1"] <= p["m_2"] for p in pts)
    (3, True)
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ParameterError(f"samples={n!r} must be a non-negative integer")
    rng = random.Random(seed)
    pinned = {str(sym) for rel in model.game.constraints if isinstance(rel, sympy.Eq)
              for sym in rel.free_symbols}
    boxes = {p.name: _box(p.domain.lower, p.domain.upper) for p in model.parameters
             if p.name not in pinned}
    out: list[dict[str, Fraction]] = []
    tries = 0
    limit = 50 * n if max_tries is None else max_tries
    while len(out) < n and tries < limit:
        tries += 1
        point = {name: lo + (hi - lo) * Fraction(rng.randrange(1, DENOMINATOR), DENOMINATOR)
                 for name, (lo, hi) in boxes.items()}
        try:
            model.values(point)
        except ParameterError:  # a constraint fails (or a domain is a single point)
            continue
        out.append(point)
    return out


def _check_one(model: Model, points: Sequence[Mapping[str, Any]], outside: int
               ) -> OddnessResult:
    counts: Counter[int] = Counter()
    nondeg = deg = inc = 0
    violations = []
    for point in points:
        sol = solve(model.at(point))
        if not sol.complete:
            inc += 1
        elif sol.degenerate:
            deg += 1
        else:
            nondeg += 1
            k = len(sol.equilibria)
            counts[k] += 1
            if k % 2 == 0:
                violations.append(tuple(sorted((str(a), Fraction(b)) for a, b in
                                               model.values(point).items())))
    return OddnessResult(model.name, model.game.n_players, len(points), nondeg, deg, inc,
                         outside, dict(counts), tuple(violations))


def oddness_check(models: Iterable[str] | None = None, *, samples: int = 100,
                  samples_nplayer: int | None = None, seed: int = 0,
                  scenarios: Sequence[Any] = ()) -> list[OddnessResult]:
    """Solve every model (default: every bundled model) at its defaults, at each of
    ``scenarios`` (:class:`~qa_games.modelfiles.scenario.Scenario` objects or mappings of
    scenario variables, read through the model's ``[scenario]`` map; points outside the
    model's domain are counted in ``outside``) and at ``samples`` random points
    (``samples_nplayer`` for games of three or more players, default ``samples // 4``:
    their exact support enumeration is slower); one :class:`OddnessResult` per model."""
    from ..modelfiles.scenario import model_values, scenario_map

    names = [n for n, _ in list_models()] if models is None else list(models)
    n_many = max(1, samples // 4) if samples_nplayer is None else samples_nplayer
    results = []
    for name in names:
        model = load_model(name)
        if not isinstance(model, Model):
            kind = type(model).__name__
            results.append(OddnessResult(name, 0, skipped=(
                f"not a normal-form model ({kind}): the strategic form of a game tree ties "
                "strategies that differ only off the path of play, so it is degenerate in "
                "general; its equilibria are checked by its own solver (backward induction, "
                "the PBE enumeration) instead")))
            continue
        points: list[Mapping[str, Any]] = [model.values()]
        outside = 0
        if scenarios:
            try:
                smap = scenario_map(model)
            except ModelError:  # no [scenario] table: the model reads no scenario
                smap = None
            for sc in scenarios if smap is not None else ():
                try:
                    points.append(model_values(model, sc, smap=smap))
                except ParameterError:
                    outside += 1
        k = samples if model.game.n_players == 2 else n_many
        points += sample_points(model, k, seed=seed)
        results.append(_check_one(model, points, outside))
    return results


def oddness_table(results: Sequence[OddnessResult]) -> pd.DataFrame:
    """The results as a table, one row per model.

    >>> oddness_table(oddness_check(["walt_balance_of_threat"], samples=2))["players"].tolist()
    [2]
    """
    return pd.DataFrame([r.row() for r in results])
