"""qa_games: theories of alliance politics as symbolic games, solved exactly."""

import importlib as _importlib
from typing import Any as _Any

from .errors import (
    GameError,
    ModelError,
    ParameterError,
    QAGamesError,
    SolverError,
    UnsupportedGameError,
)

#: Where each public name lives; imported on first use (PEP 562), so ``import qa_games``
#: and the CLI's start-up do not pay for sympy, pandas, matplotlib or hypothesis.
_LAZY = {
    "Sweep": "analysis.sweep", "sweep": "analysis.sweep",
    "load_cases": "compare.cases", "retrodict": "compare.cases",
    "Comparison": "compare.theories", "compare": "compare.theories",
    "read_nfg": "games.nfg", "write_nfg": "games.nfg",
    "Game": "games.normal_form", "SymbolicGame": "games.normal_form",
    "Interval": "games.parameter", "Parameter": "games.parameter",
    "list_models": "modelfiles.files", "load_model": "modelfiles.loader",
    "Model": "modelfiles.normal_form", "Proposition": "modelfiles.propositions",
    "Scenario": "modelfiles.scenario", "make_scenario": "modelfiles.scenario",
    "SequentialModel": "modelfiles.sequential",
    "backward_induction": "solvers.backward_induction",
    "BatchSolution": "solvers.batch", "solve_batch": "solvers.batch",
    "EquilibriumMap": "solvers.eqmap", "MapEvaluation": "solvers.eqmap",
    "Region": "solvers.eqmap", "equilibrium_map": "solvers.eqmap",
    "select": "solvers.selection",
    "Equilibrium": "solvers.solve", "Solution": "solvers.solve", "solve": "solvers.solve",
    "Verdict": "verify.verdicts", "verify": "verify.verdicts",
}

# ``qa_games.sweep`` is both a module path (kept for users' code) and the verb: import
# the (light) module first, then drop the attribute so the verb resolves lazily below.
from . import sweep as _sweep_path  # noqa: E402,F401

del globals()["sweep"]


def __getattr__(name: str) -> _Any:
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'qa_games' has no attribute {name!r}")
    value = getattr(_importlib.import_module(f".{where}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
