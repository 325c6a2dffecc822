"""The package's layers only point down, and no module imports another in a circle.

Imports are read with :mod:`ast` (every ``import``, at module level or inside a
function), so a lazy import cannot hide an upward edge or a cycle. The layer order is
the one of ``docs/architecture.md``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "qa_games"

#: Subpackages from the bottom up: each may import only those before it (and itself).
LAYERS = ("games", "modelfiles", "solvers", "analysis", "verify", "compare", "record",
          "report", "cli")
#: Root modules every layer may import (the error family, the version).
FOUNDATION = ("errors", "version")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path) -> set[str]:
    """Dotted names of the package's modules that ``path`` imports (resolved)."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == root.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != root.name:
                continue
            found.add(target)
            for alias in node.names:  # ``from . import figures`` imports a module
                if (root.parent / (target + "." + alias.name).replace(".", "/")).with_suffix(
                        ".py").is_file():
                    found.add(f"{target}.{alias.name}")
    found.discard(name)
    return found


def graph(root: Path) -> dict[str, set[str]]:
    """Module -> modules of the same package it imports (packages resolved to __init__)."""
    modules = {module_name(p, root): p for p in root.rglob("*.py")}
    out: dict[str, set[str]] = {}
    for mod, path in modules.items():
        deps = set()
        for target in imports_of(path, root):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != mod:
                deps.add(target)
        out[mod] = deps
    return out


def layer_of(module: str, root_name: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def upward_imports(root: Path, layers: tuple[str, ...], foundation: tuple[str, ...]
                   ) -> list[str]:
    """``a -> b`` for every import of a module in a lower or unranked place than ``a``."""
    rank = {name: k for k, name in enumerate(layers)}
    bad = []
    for mod, deps in graph(root).items():
        here = layer_of(mod, root.name)
        if here not in rank:  # the root modules: the public API and its module paths
            continue
        for dep in deps:
            there = layer_of(dep, root.name)
            if there in foundation or there == here:
                continue
            if there not in rank or rank[there] >= rank[here]:
                bad.append(f"{mod} -> {dep}")
    return sorted(bad)


def cycles(root: Path) -> list[list[str]]:
    """Every strongly connected component of more than one module (Tarjan 1972)."""
    g = graph(root)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(g[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return found


def test_every_subpackage_is_a_known_layer() -> None:
    subpackages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert subpackages <= set(LAYERS), sorted(subpackages - set(LAYERS))


def test_layers_only_point_down() -> None:
    assert upward_imports(PACKAGE, LAYERS, FOUNDATION) == []


def test_no_import_cycle() -> None:
    assert cycles(PACKAGE) == []


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    return _write(tmp_path / "pkg", {
        "__init__.py": "",
        "errors.py": "",
        "low/__init__.py": "",
        "low/a.py": "from ..errors import x\n",
        "high/__init__.py": "",
        "high/b.py": "from ..low import a\n",
    })


def test_the_checks_pass_a_clean_synthetic_package(synthetic: Path) -> None:
    assert upward_imports(synthetic, ("low", "high"), ("errors",)) == []
    assert cycles(synthetic) == []


def test_the_checks_catch_a_deliberate_cycle_and_upward_import(synthetic: Path) -> None:
    (synthetic / "low" / "a.py").write_text("def f():\n    from ..high.b import g\n")
    assert upward_imports(synthetic, ("low", "high"), ("errors",)) == ["pkg.low.a -> pkg.high.b"]
    assert cycles(synthetic) == [["pkg.high.b", "pkg.low.a"]]


def test_a_cycle_inside_one_layer_is_caught(synthetic: Path) -> None:
    _write(synthetic, {"low/c.py": "import pkg.low.d\n", "low/d.py": "from . import c\n"})
    assert cycles(synthetic) == [["pkg.low.c", "pkg.low.d"]]
