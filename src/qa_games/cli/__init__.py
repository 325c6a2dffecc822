"""The ``qa-games`` command: a thin layer over the public verbs.

Each subcommand lives in its own module ``qa_games.cli.<name>`` with a
``register(subparsers)`` function that adds its parser and sets ``func``.
Errors of the QAGamesError family print one line on stderr and exit 2; no
traceback reaches the user.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from ..errors import QAGamesError, printable

__all__ = ["main", "build_parser", "COMMANDS"]

COMMANDS = ("models", "show", "new", "solve", "sweep", "compare", "report", "verify", "prove",
            "explore", "record")


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors escape what the terminal would act on
    (argparse quotes a bad choice with repr, but echoes unrecognized arguments raw)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {printable(message)}\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``qa-games`` parser; ``only``: register just that command (what parsing a
    command line naming it needs: each command's own parser, usage and errors are the
    same, and the other commands' modules are not imported)."""
    from ..version import __version__

    parser = _Parser(
        prog="qa-games",
        description="Theories of alliance politics as games: solve, sweep, verify, compare.",
    )
    parser.add_argument("--version", action="version", version=f"qa-games {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    words = list(sys.argv[1:] if argv is None else argv)
    # a command line that starts with a command needs only that command's parser; any
    # other (--help, --version, a typo) gets the whole parser and its messages
    parser = build_parser(words[0] if words and words[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except QAGamesError as exc:
        # one line, and no control character reaches the terminal, even when the message
        # quotes input holding line breaks or escape sequences (str() escapes them)
        print(f"qa-games {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"qa-games {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except (OSError, MemoryError, RecursionError, OverflowError, EOFError) as exc:
        # outside the error family: the environment (a file, the disk, memory) or an
        # input beyond what Python can represent; still one line, never a traceback
        print(f"qa-games {args.command}: error: {printable(_describe(exc))}", file=sys.stderr)
        return 2


def _describe(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return "out of memory: the input asks for more memory than is available"
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply"
    if isinstance(exc, OSError) and exc.strerror:
        where = f" {exc.filename!s}" if exc.filename is not None else ""
        return f"cannot access{where}: {exc.strerror}"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
