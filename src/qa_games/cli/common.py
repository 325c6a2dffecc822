"""Helpers shared by the subcommands: ``--set name=value`` parsing and game loading."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import ParameterError

__all__ = ["parse_sets", "add_set_option", "output_folder", "probe_file"]


def probe_file(path: str | Path, *, option: str) -> None:
    """Refuse, before any work, an output file that cannot be created: its folder is
    missing, read-only or a pseudo-filesystem (/proc), or it is an existing folder.
    Probes by creating and removing a temporary file next to it."""
    from ..analysis.export import OutputError, check_writable

    target = Path(path)
    parent = target.parent if str(target.parent) else Path(".")
    check_writable(target)  # names a missing folder or a folder in the way
    try:
        fd, probe = tempfile.mkstemp(prefix=".qa-games-probe.", dir=parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"{option} {str(target)!r}: cannot write there: "
                          f"{exc.strerror or exc}") from None


def output_folder(path: str | Path, *, option: str = "--out") -> Path:
    """``path`` as a folder this process can write files into (created if needed),
    checked before any work: an existing file, an unwritable or read-only place, a
    pseudo-filesystem such as /proc is one clear error naming the option.

    Returns the folder; raises :class:`~qa_games.analysis.export.OutputError`.
    """
    from ..analysis.export import OutputError

    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{option} {str(folder)!r}: exists and is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".qa-games-probe.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"{option} {str(folder)!r}: cannot write there: "
                          f"{exc.strerror or exc}") from None
    return folder


def add_set_option(parser: Any) -> None:
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=VALUE",
                        help="set a parameter (repeatable), e.g. --set c=0.3 --set t=1/2")


def parse_sets(items: list[str]) -> dict[str, str]:
    """``["c=0.3", "t=1/2"]`` -> ``{"c": "0.3", "t": "1/2"}`` (values stay text: read exactly).

    >>> parse_sets(["c=0.3", " t = 1/2 "])
    {'c': '0.3', 't': '1/2'}
    """
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ParameterError(f"--set {item!r}: expected NAME=VALUE, e.g. c=0.3")
        if name.strip() in out:
            raise ParameterError(f"--set: {name.strip()} is given twice")
        out[name.strip()] = value.strip()
    return out


def is_nfg(target: str) -> bool:
    return Path(target).suffix.lower() == ".nfg"
