"""The error family of qa_games.

Every error the library raises on purpose is a :class:`QAGamesError`, mixed with
the builtin that fits (pint's ``DefinitionError(ValueError, PintError)`` habit),
so callers can catch either. All are picklable: they cross process boundaries in
a Dask sweep.

>>> issubclass(ParameterError, ValueError) and issubclass(ParameterError, QAGamesError)
True
"""

from __future__ import annotations

__all__ = [
    "QAGamesError",
    "ModelError",
    "ParameterError",
    "GameError",
    "UnsupportedGameError",
    "SolverError",
]


class QAGamesError(Exception):
    """Base class of every error qa_games raises on purpose."""


class ModelError(QAGamesError, ValueError):
    """A model file or a model definition is malformed (names the file and key)."""


class ParameterError(QAGamesError, ValueError):
    """A parameter value is unknown, missing, not a number or outside its domain."""


class GameError(QAGamesError, ValueError):
    """A game is malformed: wrong payoff shapes, NaN or infinite payoffs, bad names."""


class UnsupportedGameError(QAGamesError, NotImplementedError):
    """A method does not support this game (say which and why)."""


class SolverError(QAGamesError, RuntimeError):
    """A solver produced a result that failed exact verification."""
