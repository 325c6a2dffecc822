"""Model files on disk: where the bundled ones are, and reading TOML safely.

Model files are untrusted text: :func:`read_toml` caps the size, requires UTF-8,
holds every key to the rule for names and every string to the rule for text
(:func:`qa_games.games.limits.check_strings`: no control, format or invisible characters)
and turns every decoding or TOML error into a :class:`~qa_games.errors.ModelError` naming
the file. Bundled models live in the installed package (``_bundled_models``) or, in a
source checkout, in the top-level ``models/`` folder.

>>> "cha_quasi_alliance" in bundled_files()
True
>>> resolve("cha_quasi_alliance").name
'cha_quasi_alliance.toml'
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..games.limits import LimitError, check_strings, check_toml_nesting

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["MAX_FILE_BYTES", "models_dir", "read_toml", "bundled_files", "list_models", "resolve",
           "need"]

#: Largest model file read, in bytes.
MAX_FILE_BYTES = 1_000_000


def models_dir() -> Path:
    """The folder of bundled models (in the installed package, or the source tree)."""
    package = Path(__file__).resolve().parents[1]
    bundled = package / "_bundled_models"
    if bundled.is_dir():
        return bundled
    source = package.parents[1] / "models"
    if source.is_dir():
        return source
    raise ModelError(f"bundled models not found (looked in {bundled} and {source})")


def read_toml(path: Path) -> tuple[dict[str, Any], bytes]:
    """Read a TOML file safely: size-limited, decoding errors as ModelError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ModelError(f"{path}: file is larger than {MAX_FILE_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        check_toml_nesting(text, where=str(path))
    except LimitError as exc:
        raise ModelError(str(exc)) from None
    try:
        parsed = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"{path}: malformed TOML: {exc}") from None
    except ValueError as exc:  # Python's limit on integer digits (4300)
        raise ModelError(f"{path}: a number has too many digits ({exc})") from None
    except RecursionError:
        raise ModelError(f"{path}: arrays or tables are nested too deeply") from None
    check_strings(parsed, where=str(path), error=ModelError)
    return parsed, data


def bundled_files() -> dict[str, Path]:
    """The bundled model files by name (file stem)."""
    return {p.stem: p for p in sorted(models_dir().glob("*.toml"))}


def list_models() -> list[tuple[str, str]]:
    """``(name, title)`` of every bundled model file."""
    out = []
    for name, path in bundled_files().items():
        data, _ = read_toml(path)
        meta = data.get("model")
        if isinstance(meta, dict):
            out.append((name, str(meta.get("title", ""))))
    return out


def resolve(name_or_path: str | Path) -> Path:
    """The model file meant by a bundled model's name or a path (checked to exist)."""
    text = str(name_or_path)
    path = Path(text)
    if path.suffix == ".toml" or path.exists() or "/" in text or "\\" in text:
        if not path.is_file():
            raise ModelError(f"{path}: no such model file")
        return path
    files = bundled_files()
    if text in files:
        return files[text]
    known = ", ".join(files)
    raise ModelError(f"unknown model {text!r} (bundled: {known}; or give a path to a .toml file)")


def need(table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """``table[key]``, which must be present and of type ``kind``; a ModelError naming
    ``where`` and the key otherwise.

    >>> need({"name": "cha"}, "name", str, "models/x.toml: model")
    'cha'
    """
    if key not in table:
        raise ModelError(f"{where}: missing key {key!r}")
    value = table[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ModelError(f"{where}.{key}: expected {names}, got {type(value).__name__}")
    return value
