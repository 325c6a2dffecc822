"""qa_games: theories of alliance politics as symbolic games, solved exactly.

The public names below are imported on first use (PEP 562), so ``import qa_games``
and ``qa-games --help`` stay fast: sympy, pandas and matplotlib load only when a
verb that needs them is called.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from .errors import (  # light: eager
    GameError,
    ModelError,
    ParameterError,
    QAGamesError,
    SolverError,
    UnsupportedGameError,
)

if TYPE_CHECKING:  # the real imports, for type checkers and editors
    from .analysis.sweep import Sweep, sweep
    from .compare.cases import load_cases, retrodict
    from .compare.theories import Comparison, compare
    from .games.nfg import read_nfg, write_nfg
    from .games.normal_form import Game, SymbolicGame
    from .games.parameter import Interval, Parameter
    from .modelfiles.files import list_models
    from .modelfiles.loader import load_model
    from .modelfiles.normal_form import Model
    from .modelfiles.propositions import Proposition
    from .modelfiles.scenario import Scenario, make_scenario
    from .modelfiles.sequential import SequentialModel
    from .solvers.backward_induction import backward_induction
    from .solvers.batch import BatchSolution, solve_batch
    from .solvers.eqmap import EquilibriumMap, MapEvaluation, Region, equilibrium_map
    from .solvers.selection import select
    from .solvers.solve import Equilibrium, Solution, solve
    from .verify.verdicts import Verdict, verify

#: Where each lazily imported public name lives.
_WHERE = {
    "Sweep": "analysis.sweep",
    "sweep": "analysis.sweep",
    "load_cases": "compare.cases",
    "retrodict": "compare.cases",
    "Comparison": "compare.theories",
    "compare": "compare.theories",
    "read_nfg": "games.nfg",
    "write_nfg": "games.nfg",
    "Game": "games.normal_form",
    "SymbolicGame": "games.normal_form",
    "Interval": "games.parameter",
    "Parameter": "games.parameter",
    "list_models": "modelfiles.files",
    "load_model": "modelfiles.loader",
    "Model": "modelfiles.normal_form",
    "Proposition": "modelfiles.propositions",
    "Scenario": "modelfiles.scenario",
    "make_scenario": "modelfiles.scenario",
    "SequentialModel": "modelfiles.sequential",
    "backward_induction": "solvers.backward_induction",
    "BatchSolution": "solvers.batch",
    "solve_batch": "solvers.batch",
    "EquilibriumMap": "solvers.eqmap",
    "MapEvaluation": "solvers.eqmap",
    "Region": "solvers.eqmap",
    "equilibrium_map": "solvers.eqmap",
    "select": "solvers.selection",
    "Equilibrium": "solvers.solve",
    "Solution": "solvers.solve",
    "solve": "solvers.solve",
    "Verdict": "verify.verdicts",
    "verify": "verify.verdicts",
}

__all__ = [
    "load_model",
    "list_models",
    "Model",
    "solve",
    "Solution",
    "Equilibrium",
    "solve_batch",
    "sweep",
    "Sweep",
    "BatchSolution",
    "select",
    "verify",
    "Verdict",
    "Proposition",
    "equilibrium_map",
    "EquilibriumMap",
    "MapEvaluation",
    "Region",
    "compare",
    "Comparison",
    "make_scenario",
    "Scenario",
    "backward_induction",
    "SequentialModel",
    "load_cases",
    "retrodict",
    "read_nfg",
    "write_nfg",
    "Game",
    "SymbolicGame",
    "Interval",
    "Parameter",
    "QAGamesError",
    "ModelError",
    "ParameterError",
    "GameError",
    "UnsupportedGameError",
    "SolverError",
]
from .version import __version__  # noqa: E402,F401  (one place for the version)


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'qa_games' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{where}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """``qa_games.sweep`` is both a module path (users' ``from qa_games.sweep import ...``)
    and the verb ``qa_games.sweep(...)``: importing the submodule must not replace the
    verb on the package (as the import system would), so the verb wins."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _WHERE and isinstance(value, types.ModuleType):
            return  # the submodule stays importable through sys.modules
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
