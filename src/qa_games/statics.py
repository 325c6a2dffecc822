"""Public path of :mod:`qa_games.analysis.statics`, kept for users' code."""

from .analysis.statics import *  # noqa: F401,F403
from .analysis.statics import __all__  # noqa: F401
