"""Subgame-perfect equilibria of a sequential model by backward induction.

A *subgame-perfect equilibrium* (Selten 1965, 1975) is a strategy profile that
induces a Nash equilibrium in every subgame. :func:`backward_induction` computes
them for a :class:`~qa_games.modelfiles.sequential.SequentialModel`: every subgame is
solved exactly (:func:`qa_games.solvers.solve.solve`, all extreme equilibria), the
stated selection rule (:func:`qa_games.solvers.selection.select`) picks the followers'
equilibrium in each subgame (with ``"all"``, or when the rule cannot decide, every
equilibrium stays a candidate), and for every combination of the subgames' candidates
(a *plan*) every leader action maximising its payoff gives one SPE. The result equals
a brute-force search over all plans (see the tests).

>>> from qa_games import load_model
>>> m = load_model("patron_sequential")
>>> sol = backward_induction(m, {"t": 1})
>>> [(e.action, e.label) for e in sol.equilibria]
[('weak', 'cooperation')]

Sources: Reinhard Selten, "Reexamination of the perfectness concept for equilibrium
points in extensive games", *International Journal of Game Theory* 4, 1975; the
patron's game is ``docs/models.md`` section 2.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import numpy as np
import sympy

from ..errors import ParameterError, SolverError
from ..games.exact_eval import exact_function, substitute
from ..games.memo import PerObject
from ..games.normal_form import Game
from ..modelfiles.sequential import SequentialModel, symbol_values
from .selection import check_rule, select
from .solve import Equilibrium, Solution, solve

__all__ = [
    "Subgame",
    "SubgamePerfectEquilibrium",
    "SequentialSolution",
    "backward_induction",
    "simultaneous_form",
    "MAX_PLANS",
]

#: Largest number of plans (combinations of subgame equilibria) enumerated.
MAX_PLANS = 100_000


@dataclass(frozen=True, eq=False)
class Subgame:
    """One subgame after a leader action: its solution and the followers' candidates."""

    action: str
    values: Mapping[str, Fraction]
    solution: Solution
    candidates: tuple[Equilibrium, ...]  # what the selection rule leaves
    undecided: bool  # the rule could not single one out: every equilibrium stays
    leader_payoffs: tuple[Any, ...]  # one per candidate (Fraction when exact)
    labels: tuple[str, ...]  # the subgame model's label of each candidate


@dataclass(frozen=True)
class SubgamePerfectEquilibrium:
    """The leader's action and a plan: which candidate equilibrium each subgame plays."""

    action: str
    plan: tuple[int, ...]  # index into Subgame.candidates, one per action (model order)
    leader_payoff: Any
    outcome: Equilibrium  # the followers' equilibrium on the path of play
    label: str  # the subgame model's label of the outcome


@dataclass(frozen=True, eq=False)
class SequentialSolution:
    """What :func:`backward_induction` found: every subgame and every SPE."""

    model: SequentialModel
    values: Mapping[str, Fraction]
    selection: str
    subgames: tuple[Subgame, ...]
    equilibria: tuple[SubgamePerfectEquilibrium, ...]

    @property
    def choices(self) -> tuple[str, ...]:
        """The leader's actions chosen in some SPE (model order)."""
        chosen = {e.action for e in self.equilibria}
        return tuple(a.name for a in self.model.actions if a.name in chosen)

    def subgame(self, action: str) -> Subgame:
        for s in self.subgames:
            if s.action == action:
                return s
        raise ParameterError(f"unknown action {action!r}")


def _number(x: Any) -> sympy.Expr:
    if isinstance(x, (Fraction, int)):
        x = Fraction(x)
        return sympy.Rational(x.numerator, x.denominator)
    return sympy.Float(float(x))


def _leader_payoff(model: SequentialModel, vals: Mapping[str, Fraction],
                   sub_vals: Mapping[str, Fraction], eq: Equilibrium) -> Any:
    sub = model.subgame
    if eq.exact is not None and eq.exact_payoffs is not None:  # in Fractions, no sympy
        fast = exact_function(model.leader_payoff)
        if fast is not None:
            named: dict[str, Any] = {**vals, **sub_vals}
            for pname, idx in sub.profiles.items():
                prob = Fraction(1)
                for i, k in enumerate(idx):
                    prob *= eq.exact[i][k]
                named[f"pr_{pname}"] = prob
            for pl, pay in zip(sub.game.players, eq.exact_payoffs, strict=False):
                named[f"u_{pl}"] = Fraction(pay)
            try:
                return Fraction(fast(named))
            except (ZeroDivisionError, KeyError):  # sympy words it below
                pass
    probs = eq.exact if eq.exact is not None else eq.profile
    pays = eq.exact_payoffs if eq.exact_payoffs is not None else eq.payoffs
    subs = symbol_values({**vals, **sub_vals})
    for pname, idx in sub.profiles.items():
        pr: Any = 1
        for i, s in enumerate(idx):
            pr = pr * probs[i][s]
        subs[sympy.Symbol(f"pr_{pname}", real=True)] = _number(pr)
    for pl, u in zip(sub.game.players, pays, strict=False):
        subs[sympy.Symbol(f"u_{pl}", real=True)] = _number(u)
    val = substitute(model.leader_payoff, subs)
    if val.is_Rational:
        return Fraction(int(val.p), int(val.q))
    if not val.is_number:
        raise SolverError(f"{model.name}: leader payoff {model.leader_payoff} is not a "
                          f"number here ({val})")
    return float(val)


_SOLVED: PerObject[Solution] = PerObject(limit=4096)


def _subgame_solution(subgame: Any, values: Mapping[str, Fraction]) -> Solution:
    """``solve(subgame.at(values))``, once per subgame and values: a scan of the leader's
    own parameters (its payoffs, its costs) meets the same subgames again."""
    return _SOLVED.get(subgame, tuple(values.items()), lambda: solve(subgame.at(values)))


def backward_induction(model: SequentialModel, values: Mapping[str, Any] | None = None, *,
                       selection: str | None = None) -> SequentialSolution:
    """Every subgame-perfect equilibrium of ``model`` at ``values`` (defaults for the rest).

    ``selection`` (default: the model's) is applied in each subgame; ``"all"`` keeps
    every extreme equilibrium of each subgame, so every SPE built from them is reported.
    """
    rule = check_rule(selection or model.selection)
    vals = model.values(values)
    subgames = []
    for act in model.actions:
        sub_vals = model.subgame_values(act, vals)
        sol = _subgame_solution(model.subgame, sub_vals)
        chosen = select(sol, rule) if rule != "all" else None
        cands = (chosen,) if chosen is not None else tuple(sol.equilibria)
        undecided = chosen is None and len(cands) > 1
        pays = tuple(_leader_payoff(model, vals, sub_vals, e) for e in cands)
        labels = tuple(model.subgame.label_of(e.pure_profile) for e in cands)
        subgames.append(Subgame(act.name, MappingProxyType(sub_vals), sol, cands, undecided,
                                pays, labels))
    n_plans = 1
    for s in subgames:
        n_plans *= len(s.candidates)
    if n_plans > MAX_PLANS:
        raise SolverError(f"{model.name}: {n_plans} plans exceed MAX_PLANS={MAX_PLANS}")
    equilibria = []
    for plan in itertools.product(*(range(len(s.candidates)) for s in subgames)):
        plan_pays = [s.leader_payoffs[k] for s, k in zip(subgames, plan, strict=False)]
        best = max(plan_pays)
        for s, k, u in zip(subgames, plan, plan_pays, strict=False):
            if u == best if isinstance(best, Fraction) and isinstance(u, Fraction) \
                    else abs(float(u) - float(best)) <= 1e-9:
                equilibria.append(SubgamePerfectEquilibrium(
                    s.action, tuple(plan), u, s.candidates[k], s.labels[k]))
    return SequentialSolution(model, MappingProxyType(vals), rule, tuple(subgames),
                              tuple(equilibria))


def simultaneous_form(model: SequentialModel, values: Mapping[str, Any] | None = None) -> Game:
    """The normal form in which the leader moves *simultaneously* with the followers: its
    actions become strategies of an extra first player. Comparing its equilibria with
    :func:`backward_induction` shows what moving first buys the leader (patron-1).

    >>> from qa_games import load_model, solve
    >>> g = simultaneous_form(load_model("patron_sequential"))
    >>> [g.profile_names(e.pure_profile) for e in solve(g).equilibria]
    [('strong', 'distance', 'distance')]
    """
    vals = model.values(values)
    sub = model.subgame
    games = [sub.at(model.subgame_values(a, vals)) for a in model.actions]
    shape = (len(model.actions), *sub.game.shape)
    arrays = [np.empty(shape, dtype=object) for _ in range(1 + sub.game.n_players)]
    for k, act in enumerate(model.actions):
        sub_vals = model.subgame_values(act, vals)
        for prof in games[k].profiles():
            pure = tuple(tuple(Fraction(int(i == s)) for i in range(m))
                         for s, m in zip(prof, sub.game.shape, strict=False))
            eq = Equilibrium(tuple(tuple(float(p) for p in s) for s in pure), pure,
                             tuple(float(u) for u in games[k].payoff(prof)),
                             tuple(Fraction(u) for u in games[k].payoff(prof))
                             if games[k].exact else None)
            ix = (k, *prof)  # a named tuple index: mypy misreads [(a, *b)] as 3.11 syntax
            arrays[0][ix] = _leader_payoff(model, vals, sub_vals, eq)
            for i, u in enumerate(games[k].payoff(prof)):
                arrays[i + 1][ix] = u
    return Game.from_arrays(*arrays, players=(model.leader, *sub.game.players),
                            strategies=(tuple(a.name for a in model.actions),
                                        *sub.game.strategies),
                            title=f"{model.title} (simultaneous)")
