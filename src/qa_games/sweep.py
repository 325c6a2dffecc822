"""Public path of :mod:`qa_games.analysis.sweep`, kept for users' code (loaded on first use,
so importing :mod:`qa_games` stays light)."""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    target = importlib.import_module("qa_games.analysis.sweep")
    if name == "__all__" or name in target.__all__:
        return getattr(target, name)
    raise AttributeError(f"module 'qa_games.sweep' has no attribute {name!r}")
