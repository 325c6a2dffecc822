"""Public path of :mod:`qa_games.games.vectorize`, kept for users' code."""

from .games.vectorize import *  # noqa: F401,F403
from .games.vectorize import __all__  # noqa: F401
