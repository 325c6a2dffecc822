"""qa_games: theories of alliance politics as symbolic games, solved exactly."""

from .batch import BatchSolution, solve_batch
from .cases import load_cases, retrodict
from .compare import Comparison, compare
from .eqmap import EquilibriumMap, MapEvaluation, Region, equilibrium_map
from .errors import (
    GameError,
    ModelError,
    ParameterError,
    QAGamesError,
    SolverError,
    UnsupportedGameError,
)
from .game import Game, SymbolicGame
from .model import Model, list_models, load_model
from .nfg import read_nfg, write_nfg
from .parameter import Interval, Parameter
from .propositions import Proposition
from .scenario import Scenario, make_scenario
from .selection import select
from .sequential import SequentialModel, backward_induction
from .solve import Equilibrium, Solution, solve
from .sweep import Sweep, sweep
from .verify import Verdict, verify

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
__version__ = "0.1.0"
