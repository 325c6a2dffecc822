"""Values computed once per object and key, forgotten with the object.

A model (or a subgame, a game) is immutable once loaded, so what is derived from it --
its compiled payoffs, its domain conditions, the solution of a game at some values --
can be kept beside it. :class:`PerObject` keeps such values in a table per object,
weakly keyed: the table goes when the object does. An object that cannot be weakly
referenced gets no table (the value is computed each time).

>>> class Model:
...     pass
>>> squares = PerObject()
>>> m = Model()
>>> squares.get(m, 3, lambda: 3 * 3), squares.get(m, 3, lambda: -1)
(9, 9)
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

__all__ = ["PerObject"]

T = TypeVar("T")
_MISSING = object()


class PerObject(Generic[T]):
    """``compute()`` once per ``(owner, key)``; ``limit`` bounds each owner's table (it is
    emptied when full)."""

    def __init__(self, limit: int | None = None) -> None:
        self._tables: weakref.WeakKeyDictionary[Any, dict[Hashable, T]] = \
            weakref.WeakKeyDictionary()
        self.limit = limit

    def get(self, owner: Any, key: Hashable, compute: Callable[[], T]) -> T:
        try:
            table = self._tables.setdefault(owner, {})
        except TypeError:  # not weakly referenceable: nothing kept
            return compute()
        found = table.get(key, _MISSING)
        if found is _MISSING:
            if self.limit is not None and len(table) >= self.limit:
                table.clear()
            found = table[key] = compute()
        return found  # type: ignore[return-value]
