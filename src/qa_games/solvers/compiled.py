"""Whether the optional compiled (numba) kernels may run, and on how many threads.

One switch for every compiled kernel (the exact vertex enumeration's
:mod:`~qa_games.solvers.vertex_kernel` and ``solve_batch``'s
:mod:`~qa_games.solvers.batch_compiled`): they run when numba is installed (the ``fast``
extra) unless the environment variable ``QA_GAMES_NUMBA`` is ``0``; without them the
Python and numpy paths give the same equilibria. ``QA_GAMES_THREADS`` (a positive
integer) caps the threads of the batch kernels; by default, the CPUs available.
A value these variables do not accept is a :class:`~qa_games.errors.SolverError`.

>>> isinstance(enabled(), bool) and threads() >= 1
True
"""

from __future__ import annotations

import functools
import importlib.util
import os

from ..errors import SolverError

__all__ = ["enabled", "threads"]


@functools.cache
def _installed() -> bool:
    """numba is found and imports (an installed numba that cannot import -- e.g. built for
    another numpy -- counts as absent, so every route falls back the same way)."""
    if importlib.util.find_spec("numba") is None:
        return False
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def enabled() -> bool:
    """Whether the compiled kernels may run: numba installed and ``QA_GAMES_NUMBA`` not
    ``0`` (unset, empty or ``1``: on where installed).

    >>> isinstance(enabled(), bool)
    True
    """
    env = os.environ.get("QA_GAMES_NUMBA", "").strip()
    if env not in ("", "0", "1"):
        raise SolverError(f"QA_GAMES_NUMBA must be 0 (no compiled kernels) or 1, got {env!r}")
    return env != "0" and _installed()


def threads() -> int:
    """Threads the batch kernels may use: ``QA_GAMES_THREADS`` if set, else the CPUs
    available to this process.

    >>> threads() >= 1
    True
    """
    env = os.environ.get("QA_GAMES_THREADS", "").strip()
    if env:
        if not (env.isascii() and env.isdecimal()) or int(env) < 1:
            raise SolverError(f"QA_GAMES_THREADS must be a positive integer, got {env!r}")
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
