"""The project's imports as a graph, read from the source (never by importing it), counting every
import statement wherever it stands: at the top of a module, inside a function, under
``if TYPE_CHECKING``. A deferred import hides a circle from Python; it does not remove it."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Import:
    importer: str  # the module that imports
    imported: str  # what it names: a project module, or an outside package's dotted name
    line: int


def modules_of(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Every module of these top-level packages under root (migrations aside), by dotted name;
    a package is named by its ``__init__``."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(modules: dict[str, Path]) -> list[Import]:
    """Each import statement's targets: `from a.b import c` names the module a.b.c when there is
    one, else a.b (c is a name defined in it)."""
    found = []
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found.append(Import(module, alias.name, node.lineno))
            elif isinstance(node, ast.ImportFrom):
                source = _absolute(module, is_package, node)
                for alias in node.names:
                    child = f"{source}.{alias.name}"
                    found.append(Import(module, child if child in modules else source, node.lineno))
    return found


def owner(name: str, modules: dict[str, Path]) -> str | None:
    """The project module a dotted name lives in (None for an outside package)."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def graph(modules: dict[str, Path], imports: list[Import], room=lambda m: m) -> dict[str, set]:
    """Who imports whom among project modules, or among the rooms `room` puts modules in."""
    edges: dict[str, set] = defaultdict(set)
    for imp in imports:
        target = owner(imp.imported, modules)
        if target is None:
            continue
        a, b = room(imp.importer), room(target)
        if a != b:
            edges[a].add(b)
    return edges


def circles(edges: dict[str, set]) -> list[list[str]]:
    """The import circles: strongly connected groups of more than one node (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    nodes = sorted(set(edges) | {b for targets in edges.values() for b in targets})

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in nodes:
        if node not in index:
            visit(node)
    return sorted(found)
