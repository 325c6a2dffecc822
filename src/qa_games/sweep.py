"""Public path of :mod:`qa_games.analysis.sweep`, kept for users' code."""

from .analysis.sweep import *  # noqa: F401,F403
from .analysis.sweep import __all__  # noqa: F401
