"""Public path of :mod:`qa_games.analysis.grid`, kept for users' code."""

from .analysis.grid import *  # noqa: F401,F403
from .analysis.grid import __all__  # noqa: F401
