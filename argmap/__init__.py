"""argmap: Analysis of Competing Hypotheses with provenance.

Validate a case folder, weigh its evidence, draw its argument map and write a
self-contained report.
"""

import sys
import types

__version__ = "0.1.0"

__all__ = ["__version__"]


def _no_pydantic_plugins() -> None:
    """Validate with pydantic alone, whatever other packages are installed.

    pydantic looks for plugins (the ``pydantic`` entry points of every installed package)
    when it builds its first validator: a plugin may watch or change every validation, and
    the search imports importlib.metadata and reads each package's metadata, about 20 ms of
    the 200 of an `argmap check`. argmap uses no plugin, so it answers that search itself
    with none (as PYDANTIC_DISABLE_PLUGINS=__all__ would, without the imports)."""
    name = "pydantic.plugin._loader"
    if name not in sys.modules:
        loader = types.ModuleType(name, "No pydantic plugins in argmap (see argmap/__init__.py).")
        loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
        sys.modules[name] = loader


_no_pydantic_plugins()
