"""Equilibrium selection: which of several equilibria a theory's prediction refers to.

Harsanyi and Selten (1988) select by *payoff dominance* first: an equilibrium
whose payoffs are at least those of every other equilibrium for every player.
When none exists, by *risk dominance* (defined here for 2x2 games): of two
strict pure equilibria ``e = (i, j)`` and ``f = (i', j')`` with ``i != i'`` and
``j != j'``, ``e`` risk-dominates ``f`` when the product of the deviation losses
at ``e`` exceeds that at ``f``::

    (A[i,j] - A[i',j]) (B[i,j] - B[i,j'])  >  (A[i',j'] - A[i,j']) (B[i',j'] - B[i',j])

A unique equilibrium is always selected. When a rule cannot decide, nothing is
selected (``None``): the theory makes no prediction there, and every route (solve,
sweep, plots, compare, report) labels such a point :data:`UNDECIDED`.

>>> dominates((2, 2), (1, 1)), dominates((2, 0), (1, 1))
(True, False)

Source: John C. Harsanyi and Reinhard Selten, *A General Theory of Equilibrium
Selection in Games*, MIT Press, 1988.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["RULES", "UNDECIDED", "select", "dominates", "risk_dominant", "check_rule"]

RULES = ("all", "payoff_dominance", "risk_dominance")
#: The label of a point where the selection rule cannot choose (never a prediction).
UNDECIDED = "undecided"


def check_rule(rule: str) -> str:
    """Return ``rule`` if known, else raise ValueError naming the known rules."""
    if rule not in RULES:
        from ..errors import ParameterError

        raise ParameterError(f"selection={rule!r} is not a rule (known: {', '.join(RULES)})")
    return rule


def _payoffs(eq: Any) -> tuple[Any, ...]:
    return tuple(eq.exact_payoffs) if eq.exact_payoffs is not None else tuple(eq.payoffs)


def dominates(u: Sequence[Any], v: Sequence[Any]) -> bool:
    """``u`` weakly Pareto-dominates ``v``: at least as good for all, better for one."""
    return (all(a >= b for a, b in zip(u, v, strict=False))
            and any(a > b for a, b in zip(u, v, strict=False)))


def _payoff_dominant(equilibria: Sequence[Any], tol: float) -> Any | None:
    pays = [_payoffs(e) for e in equilibria]
    exact = all(e.exact_payoffs is not None for e in equilibria)
    slack = 0 if exact else tol
    winners = [k for k, u in enumerate(pays)
               if all(all(a >= b - slack for a, b in zip(u, v, strict=False)) for v in pays)]
    if len(winners) == 1:
        return equilibria[winners[0]]
    return None


def risk_dominant(game: Any, equilibria: Sequence[Any]) -> Any | None:
    """The risk-dominant one of two strict pure equilibria of a 2x2 game, else None."""
    if game.n_players != 2 or game.shape != (2, 2):
        return None
    pure = [e for e in equilibria if e.pure_profile is not None]
    if len(pure) != 2:
        return None
    (i, j), (i2, j2) = pure[0].pure_profile, pure[1].pure_profile
    if i == i2 or j == j2:
        return None
    a, b = game.payoffs
    first = (a[i, j] - a[i2, j]) * (b[i, j] - b[i, j2])
    second = (a[i2, j2] - a[i, j2]) * (b[i2, j2] - b[i2, j])
    if first > second:
        return pure[0]
    if second > first:
        return pure[1]
    return None


def select(solution: Any, rule: str, *, tol: float = 1e-9) -> Any | None:
    """The equilibrium ``rule`` selects from ``solution`` (a :class:`Solution`), or None.

    ``"all"`` selects only when the equilibrium is unique. ``"payoff_dominance"``
    falls back to risk dominance (2x2) when no equilibrium payoff-dominates.
    """
    check_rule(rule)
    eqs = list(solution.equilibria)
    if not eqs:
        return None
    if len(eqs) == 1:
        return eqs[0]
    if rule == "all":
        return None
    if rule == "payoff_dominance":
        best = _payoff_dominant(eqs, tol)
        if best is not None:
            return best
    return risk_dominant(solution.game, eqs)
