"""Run a function or a ``qa-games`` command line in a forked child under memory and CPU caps.

The hardening and fuzz tests assert that hostile input ends in bounded time and memory.
:func:`run_capped` forks (cheap: the child shares the already imported modules), caps the
child's address space at its current size plus ``mem_mb`` (``RLIMIT_AS``) and its CPU
time at ``cpu_s`` seconds (``RLIMIT_CPU``: CPU seconds, so a loaded machine does not
make a test flaky), captures its stdout and stderr, and reports how it ended. The child
runs with Python's default warning filters (not pytest's ``error``), as a user's shell
would, so a stray RuntimeWarning shows up as extra stderr lines.
"""

from __future__ import annotations

import gc
import os
import resource
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Outcome", "run_capped", "run_cli"]


@dataclass(frozen=True)
class Outcome:
    """How a capped child ended: exit code (or signal), its output, its CPU seconds."""

    code: int | None
    signal: int | None
    stdout: str
    stderr: str
    cpu: float
    timed_out: bool

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def describe(self) -> str:
        return (f"code={self.code} signal={self.signal} cpu={self.cpu:.2f}s "
                f"timed_out={self.timed_out}\nstdout: {self.stdout[-1500:]}\n"
                f"stderr: {self.stderr[-3000:]}")


def _vm_size() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def run_capped(fn: Callable[[], int | None], *, mem_mb: int = 500, cpu_s: int = 5,
               wall_s: float = 120.0, cwd: str | Path | None = None,
               fsize: int | None = None) -> Outcome:
    """Run ``fn()`` in a forked child; its return value is the exit code.

    An exception escaping ``fn`` is printed as a traceback with exit code 1 (what the
    interpreter would do). ``fsize`` caps the size of any file the child writes
    (``RLIMIT_FSIZE``; the child then sees a write error, as on a full disk).
    """
    warm()  # lazy imports and compiled kernels in this process, not in the capped child
    with tempfile.TemporaryDirectory() as d:
        out_path, err_path = Path(d) / "out", Path(d) / "err"
        sys.stdout.flush()
        sys.stderr.flush()
        gc.freeze()  # the child's collector then skips the parent's (large) heap
        pid = os.fork()
        if pid:
            gc.unfreeze()
        if pid == 0:  # the child
            code = 1
            try:
                out_fd = os.open(out_path, os.O_WRONLY | os.O_CREAT, 0o600)
                err_fd = os.open(err_path, os.O_WRONLY | os.O_CREAT, 0o600)
                os.dup2(out_fd, 1)
                os.dup2(err_fd, 2)
                sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
                sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
                if cwd is not None:
                    os.chdir(cwd)
                warnings.resetwarnings()
                warnings.simplefilter("default")
                limit = _vm_size() + mem_mb * 2**20
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
                resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
                if fsize is not None:
                    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
                try:
                    code = int(fn() or 0)
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else 1
                except BaseException:
                    traceback.print_exc()
                    code = 1
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
        start = time.monotonic()
        timed_out = False
        while True:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() - start > wall_s:
                os.kill(pid, signal.SIGKILL)
                _, status, usage = os.wait4(pid, 0)
                timed_out = True
                break
            time.sleep(0.01)
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        return Outcome(code, sig, out_path.read_text(errors="replace"),
                       err_path.read_text(errors="replace"),
                       usage.ru_utime + usage.ru_stime, timed_out)


_WARM: list[bool] = []


def warm() -> None:
    """Import, in this process, what the commands import lazily (solve, sweep with a
    table and a figure, compare), so that each forked child does not pay for it: the CPU
    cap then measures the work on the input, not the imports."""
    if _WARM:
        return
    _WARM.append(True)
    import contextlib
    import io

    from qa_games.cli import main

    with tempfile.TemporaryDirectory() as d, contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        main(["solve", "cha_quasi_alliance", "--json"])
        main(["sweep", "cha_quasi_alliance", "--vary", "c=0:1:3", "--vary", "t=0:1:2",
              "--out", f"{d}/t.csv", "--plot", f"{d}/p.png", "--no-progress"])
        main(["compare", "--scenario", "c=0.5"])
        # the compiled kernels of the exact enumeration (numba: compiled on a fresh
        # checkout, else loaded from its cache), which solve uses from 4x4 games up
        from qa_games.solvers import vertex_kernel

        vertex_kernel.enumerate_bases([[1, 2], [2, 1]])
        vertex_kernel.enumerate_bases_modular([[1, 2], [2, 1]])


def run_cli(argv: Sequence[str], **kw: object) -> Outcome:
    """``qa-games ARGV`` in a capped child (see :func:`run_capped`)."""
    from qa_games.cli import main

    warm()
    return run_capped(lambda: main(list(argv)), **kw)  # type: ignore[arg-type]
