"""The package's layers: every module imports only from its own layer or the ones below.

model ← load ← scoring/weighing/evaluate ← render/io/workshop ← commands ← cli. Lazy imports
inside functions count as much as those at the top: a layer is a promise about what a module
may need, not about when it loads it. CONTRIBUTING.md explains the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import REPO

PACKAGE = REPO / "argmap"

LAYERS: tuple[tuple[str, ...], ...] = (
    # Vocabulary and errors: what every module may use.
    (
        "argmap",
        "argmap.problems",
        "argmap.extras",
        "argmap.rules",
        "argmap.vocabulary",
        "argmap.background",
    ),
    # The case model and the plumbing to read and write files.
    (
        "argmap.model",
        "argmap.ratingsfile",
        "argmap.text",
        "argmap.yamlfile",
        "argmap.yamlpatch",
        "argmap.quotes",
        "argmap.priors",
        "argmap.output",
        "argmap.cache",
    ),
    # A case folder read and validated, or written new.
    ("argmap.load", "argmap.casewriter", "argmap.scaffold", "argmap.editing"),
    # What the evidence and the argument map say.
    (
        "argmap.scoring",
        "argmap.weighing",
        "argmap.evaluate",
        "argmap.assess",
        "argmap.coherence",
        "argmap.wording",
        "argmap.scenarios",
    ),
    # Outputs and exchanges: reports, diagrams, formats, workshops.
    ("argmap.render", "argmap.io", "argmap.workshop", "argmap.web", "argmap.editor"),
    # One function per command, then the command line that parses and calls them.
    ("argmap.commands",),
    ("argmap.cli",),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    """The layer of a module: the most specific prefix listed (a package stands for its
    modules)."""
    best, length = None, -1
    for number, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > length:
                best, length = number, len(name)
    if best is None:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS in tests/test_layers.py")
    return best


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every argmap module that ``path`` imports, anywhere in the file."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # `from . import x` and `from .pkg import mod` may name modules, not attributes.
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                if _is_module(candidate):
                    found.append((node.lineno, candidate))
    return [(line, name) for line, name in found if name == "argmap" or name.startswith("argmap.")]


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (REPO / relative).with_suffix(".py").is_file() or (REPO / relative).is_dir()


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer():
    for path in MODULES:
        layer_of(module_name(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_imports_upward(path):
    own = layer_of(module_name(path))
    upward = [
        f"{path.relative_to(REPO)}:{line}: imports {name} (layer {layer_of(name)} > {own})"
        for line, name in imports_of(path)
        if layer_of(name) > own
    ]
    assert not upward, "\n".join(upward)


def test_the_check_sees_lazy_and_relative_imports(tmp_path):
    # The guard itself: a lazy relative import inside a function is found and resolved.
    found = dict((name, line) for line, name in imports_of(PACKAGE / "cli.py"))
    assert "argmap.commands" in found
    assert layer_of("argmap.io.argdown.lexer") == layer_of("argmap.io")
    assert layer_of("argmap.cli") > layer_of("argmap.commands") > layer_of("argmap.render")
