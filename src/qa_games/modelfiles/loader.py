"""Load a model file of any kind: the dispatcher above the normal-form and sequential readers.

A model file's ``[model] kind`` says which reader builds it: ``"normal"`` (the default)
gives a :class:`~qa_games.modelfiles.normal_form.Model`, ``"sequential"`` a
:class:`~qa_games.modelfiles.sequential.SequentialModel`, ``"tree"`` a
:class:`~qa_games.modelfiles.tree_model.TreeModel` and ``"bayesian"`` a
:class:`~qa_games.modelfiles.bayesian_model.BayesianModel`. This module sits above every
reader, so none imports another through it.

>>> load_model("cha_quasi_alliance").name
'cha_quasi_alliance'
>>> type(load_model("patron_sequential")).__name__
'SequentialModel'
"""

from __future__ import annotations

import hashlib
import weakref
from pathlib import Path
from typing import Any

from ..errors import ModelError
from .bayesian_model import parse_bayesian_model
from .files import list_models, models_dir, read_toml, resolve
from .normal_form import parse_model
from .sequential import parse_sequential_model
from .tree_model import parse_tree_model

__all__ = ["load_model", "list_models"]

KINDS = ("normal", "sequential", "tree", "bayesian")


def _is_bundled(path: Path) -> bool:
    """Whether ``path`` is a bundled model file (False when none are installed)."""
    try:
        return path.parent == models_dir()
    except ModelError:
        return False


def load_model(name_or_path: str | Path) -> Any:
    """Load a bundled model by name or any model file by path.

    Normal-form models give a :class:`Model`; ``kind = "sequential"`` files give
    a :class:`~qa_games.modelfiles.sequential.SequentialModel`. The file is read every
    time; while the model parsed from the same content is still in use, that model is
    returned.
    """
    path = resolve(name_or_path)
    data, raw_bytes = read_toml(path)
    where = f"models/{path.name}" if _is_bundled(path) else str(path)
    meta = data.get("model")
    if not isinstance(meta, dict):
        raise ModelError(f"{where}: missing [model] table (is this a model file?)")
    kind = meta.get("kind", "normal")
    sha = hashlib.sha256(raw_bytes).hexdigest()
    key = (str(path), sha)
    found = _LOADED.get(key)
    if found is None:
        found = _parse(kind, data, where, path, sha)
        _LOADED[key] = found
    return found


#: Models parsed and still in use somewhere, by file and content (a report reads each
#: bundled model several times; models are immutable, so one object serves every caller).
#: Weak: the table keeps no model alive, nor what is kept beside one (verify's points).
_LOADED: weakref.WeakValueDictionary[tuple[str, str], Any] = weakref.WeakValueDictionary()


def _parse(kind: str, data: dict[str, Any], where: str, path: Path, sha: str) -> Any:
    if kind == "normal":
        return parse_model(data, where=where, path=path, sha256=sha)
    if kind == "sequential":
        return parse_sequential_model(data, where=where, path=path, sha256=sha)
    if kind == "tree":
        return parse_tree_model(data, where=where, path=path, sha256=sha)
    if kind == "bayesian":
        return parse_bayesian_model(data, where=where, path=path, sha256=sha)
    raise ModelError(f"{where}: model.kind: unknown kind {kind!r} (known: {', '.join(KINDS)})")
