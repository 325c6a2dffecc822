"""qa_games: theories of alliance politics as symbolic games, solved exactly."""

from . import sweep as _sweep_path  # noqa: F401  (the module path first, then the verb)
from .analysis.sweep import Sweep, sweep
from .compare.cases import load_cases, retrodict
from .compare.theories import Comparison, compare
from .errors import (
    GameError,
    ModelError,
    ParameterError,
    QAGamesError,
    SolverError,
    UnsupportedGameError,
)
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
