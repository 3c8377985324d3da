"""The one seam to a Graphviz layout program.

A real system ``dot`` is used when present; otherwise the ``graphviz-pure``
binary that pip installs with argmap, so diagrams work after ``pip install``
alone. ``ARGMAP_DOT=system|pure|PATH`` overrides the choice.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..problems import ArgmapError

__all__ = ["Engine", "find_engine", "layout", "layout_many"]

PURE_NAME = "graphviz-pure"
FORMATS = ("svg", "png", "pdf")


@dataclass(frozen=True)
class Engine:
    """A Graphviz layout program."""

    kind: str
    """'system', 'pure' or 'custom'."""
    path: str

    def describe(self) -> str:
        names = {"system": "system Graphviz dot", "pure": "graphviz-pure (pip)", "custom": "dot"}
        return f"{names[self.kind]} at {self.path}"


def _pure_binary() -> str | None:
    # The venv's scripts folder holds it even when the venv is not activated.
    candidate = Path(sysconfig.get_path("scripts")) / PURE_NAME
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    return shutil.which(PURE_NAME)


def find_engine() -> Engine:
    """The engine to use, honouring ``ARGMAP_DOT``."""
    choice = os.environ.get("ARGMAP_DOT", "").strip()
    if choice in ("", "system"):
        system = shutil.which("dot")
        if system:
            return Engine("system", system)
        if choice == "system":
            raise ArgmapError(
                "ARGMAP_DOT=system but no 'dot' program is on PATH; "
                "install Graphviz or unset ARGMAP_DOT"
            )
    if choice in ("", "pure"):
        pure = _pure_binary()
        if pure:
            return Engine("pure", pure)
        raise ArgmapError(
            "no Graphviz engine found: neither 'dot' nor 'graphviz-pure' is "
            "installed; reinstall argmap with pip, or install Graphviz"
        )
    path = shutil.which(choice) or choice
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise ArgmapError(
            f"ARGMAP_DOT={choice!r} is not an executable program; use "
            "'system', 'pure' or the path of a dot binary"
        )
    return Engine("custom", path)


def layout(
    dot_source: str, fmt: str, engine: Engine | None = None, *, embed_font: bool = False
) -> bytes:
    """Lay out DOT source into SVG, PNG or PDF bytes.

    With ``embed_font``, an SVG carries the glyphs of the diagrams' font that it uses
    (render/fonts.py), to be read on its own; the report embeds them once for all its
    diagrams instead.
    graphviz-pure writes no PDF: its SVG is printed to PDF instead (render/pdf.py).
    """
    if fmt not in FORMATS:
        raise ArgmapError(f"unsupported diagram format {fmt!r}")
    engine = engine or find_engine()
    if fmt == "pdf" and engine.kind == "pure":
        from .pdf import svg_to_pdf

        return svg_to_pdf(layout(dot_source, "svg", engine, embed_font=True))
    drawing = _run(engine, dot_source, fmt)
    if fmt == "svg" and embed_font:
        from .fonts import svg_with_font

        return svg_with_font(drawing.decode("utf-8")).encode("utf-8")
    return drawing


def layout_many(sources: Sequence[str], engine: Engine | None = None) -> list[bytes]:
    """Lay out several DOT graphs into one SVG document each, in order, each as :func:`layout`
    would: one run of the layout program per graph, as many at once as there are cores.

    Both engines can read a stream of graphs in one run, but system Graphviz (2.43) then
    lays out a graph with clusters differently from one run to the next: a report must be
    the same bytes every time, so each graph gets a process of its own.
    """
    if not sources:
        return []
    chosen = engine or find_engine()
    from concurrent.futures import ThreadPoolExecutor

    workers = min(len(sources), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda source: _run(chosen, source, "svg"), sources))


def _run(engine: Engine, dot_source: str, fmt: str) -> bytes:
    try:
        result = subprocess.run(
            [engine.path, f"-T{fmt}"],
            input=dot_source.encode("utf-8"),
            capture_output=True,
            timeout=300,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ArgmapError(f"Graphviz ({engine.describe()}) failed to run: {err}") from None
    if result.returncode != 0 or not result.stdout:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ArgmapError(
            f"Graphviz ({engine.describe()}) failed with status {result.returncode}"
            + (f": {detail[-1]}" if detail else "")
        )
    return result.stdout
