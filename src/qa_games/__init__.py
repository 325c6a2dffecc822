"""qa_games: theories of alliance politics as symbolic games, solved exactly."""

from .errors import (
    GameError,
    ModelError,
    ParameterError,
    QAGamesError,
    SolverError,
    UnsupportedGameError,
)
from .game import Game, SymbolicGame
from .parameter import Interval, Parameter

__all__ = [
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
