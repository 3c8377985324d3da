"""Optional parts of argmap and the packages each needs (``pip install 'argmap[NAME]'``).

The base install validates, scores and reports; PDF without a browser, the live workshop
server and spreadsheets are extras, so a slim machine does not carry their stacks. A command
that needs a missing extra stops with one line naming it, never an ImportError.
"""

from __future__ import annotations

import contextlib
import importlib
import io
from types import ModuleType

from .problems import ArgmapError

__all__ = ["EXTRAS", "require"]

EXTRAS: dict[str, tuple[str, ...]] = {
    "pdf": ("weasyprint",),
    "server": ("starlette", "uvicorn"),
    "xlsx": ("openpyxl",),
    "postgres": ("psycopg",),
}
"""Extra name → the top-level modules it installs (pyproject.toml's optional-dependencies)."""


def require(extra: str, purpose: str) -> list[ModuleType]:
    """Import the modules of ``extra``, or raise an :class:`ArgmapError` naming the extra.

    ``purpose`` completes the sentence "... needs argmap[extra]", e.g. "a PDF without
    Chromium". Whatever a module prints while importing (WeasyPrint's notice about missing
    system libraries) is kept off stdout, which belongs to the command's own output.
    """
    modules = []
    for name in EXTRAS[extra]:
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                modules.append(importlib.import_module(name))
        except ImportError:
            raise ArgmapError(
                f"{purpose} needs the {name} package, which is not installed: "
                f"install argmap[{extra}] (pip install 'argmap[{extra}]')"
            ) from None
    return modules
