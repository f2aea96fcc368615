"""Every path the tutor uses: the learner's data directory, the lessons, the engine's sources.

Engine sources are found without importing them, so the tutor process never imports torch.
"""

from __future__ import annotations

import ast
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path

import lessons


def aide_home() -> Path:
    """The directory holding the learner's progress; `AIDE_HOME` overrides it (tests, profiles)."""
    override = os.environ.get("AIDE_HOME")
    home = Path(override) if override else user_data_path("aide", appauthor=False)
    home.mkdir(parents=True, exist_ok=True)
    return home


def lessons_dir() -> Path:
    """The lessons shipped inside the installed package."""
    return lessons.LESSONS_DIR


@dataclass(frozen=True)
class SourceRef:
    """Where a top-level engine name is defined."""

    path: Path
    line: int


def module_file(module: str) -> Path | None:
    """The source file of a dotted module, found without executing any of its packages."""
    top, *rest = module.split(".")
    spec = importlib.util.find_spec(top)  # a top-level lookup imports nothing
    if spec is None or spec.origin is None:
        return None
    base = Path(spec.origin).parent if spec.submodule_search_locations else None
    if not rest:
        return Path(spec.origin)
    if base is None:
        return None
    *packages, leaf = rest
    folder = base.joinpath(*packages)
    for candidate in (folder / f"{leaf}.py", folder / leaf / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def engine_source(dotted: str) -> SourceRef | None:
    """Resolve "module:name" (e.g. "engine.attention:softmax") to its definition, or None."""
    module, _, name = dotted.partition(":")
    path = module_file(module)
    if path is None:
        return None
    if not name:
        return SourceRef(path, 1)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name == name:
                return SourceRef(path, node.lineno)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return SourceRef(path, node.lineno)
        elif isinstance(node, ast.ImportFrom):  # a name re-exported from another module
            if any((alias.asname or alias.name) == name for alias in node.names):
                return SourceRef(path, node.lineno)
    return None
