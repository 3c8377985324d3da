"""Every module says what it offers: `__all__` lists names it defines, and every public name
another module (or a test) imports from it."""

from __future__ import annotations

import ast
import importlib

import pytest

from .conftest import REPO
from .test_layers import MODULES, imports_of, module_name


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_all_lists_names_the_module_defines(path):
    module = importlib.import_module(module_name(path))
    names = getattr(module, "__all__", None)
    assert names is not None, f"{module_name(path)} has no __all__"
    assert len(names) == len(set(names)), "a name listed twice"
    assert [name for name in names if not hasattr(module, name)] == []


def _imported_names() -> dict[str, set[str]]:
    """Module → the public names other files import from it by name."""
    used: dict[str, set[str]] = {}
    files = [*MODULES, *sorted((REPO / "tests").rglob("*.py")), *(REPO / "benchmarks").glob("*.py")]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets = {line: name for line, name in _from_imports(path, tree)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.lineno in targets:
                source = targets[node.lineno]
                for alias in node.names:
                    if not alias.name.startswith("_"):
                        used.setdefault(source, set()).add(alias.name)
    return used


def _from_imports(path, tree) -> list[tuple[int, str]]:
    if path.is_relative_to(REPO / "argmap"):
        found = imports_of(path)
    else:
        found = [
            (node.lineno, node.module or "")
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and not node.level
        ]
    lines = {n.lineno for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    return [(line, name) for line, name in found if line in lines and name.startswith("argmap")]


def test_every_name_imported_from_a_module_is_in_its_all():
    missing = []
    for source, names in sorted(_imported_names().items()):
        try:
            module = importlib.import_module(source)
        except ImportError:
            continue  # `from argmap.io import argdown`: a module, not a name
        listed = set(getattr(module, "__all__", ()))
        for name in sorted(names):
            attribute = getattr(module, name, None)
            if attribute is None or isinstance(attribute, type(module)):
                continue  # a submodule
            if name not in listed:
                missing.append(f"{source}.{name}")
    assert missing == []
