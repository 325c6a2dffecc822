r"""The error family of qa_games.

Every error the library raises on purpose is a :class:`QAGamesError`, mixed with
the builtin that fits (pint's ``DefinitionError(ValueError, PintError)`` habit),
so callers can catch either. All are picklable: they cross process boundaries in
a Dask sweep.

A message quotes untrusted input (a file's key, a name, a value), so its text is made
printable: every character Python does not print -- control characters such as ESC or a
line break, bidi overrides, zero-width characters -- is shown escaped, as ``repr`` shows
it, and an error never moves the cursor, recolours the terminal or reorders its line.

>>> issubclass(ParameterError, ValueError) and issubclass(ParameterError, QAGamesError)
True
>>> print(ModelError("m.toml: the name 'A\x1b[31m' is\nbad"))
m.toml: the name 'A\x1b[31m' is\nbad
"""

from __future__ import annotations

__all__ = [
    "QAGamesError",
    "ModelError",
    "ParameterError",
    "GameError",
    "UnsupportedGameError",
    "SolverError",
    "printable",
]


def printable(text: str) -> str:
    r"""``text`` with every character :meth:`str.isprintable` refuses (all but the
    letters, digits, marks, punctuation, symbols and the ASCII space) escaped as ``repr``
    escapes it: ``\x1b``, ``\n``, ``\u202e``.

    >>> print(printable("a\u202eb\tc"))
    a\u202eb\tc
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class QAGamesError(Exception):
    """Base class of every error qa_games raises on purpose (its message made
    :func:`printable`)."""

    def __str__(self) -> str:
        return printable(super().__str__())


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
