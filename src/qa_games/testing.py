"""Public path of :mod:`qa_games.verify.strategies`, kept for users' code."""

from .verify.strategies import *  # noqa: F401,F403
from .verify.strategies import __all__  # noqa: F401
