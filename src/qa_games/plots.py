"""Public path of :mod:`qa_games.analysis.plots`, kept for users' code."""

from .analysis.plots import *  # noqa: F401,F403
from .analysis.plots import __all__  # noqa: F401
