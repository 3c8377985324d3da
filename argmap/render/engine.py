"""The one seam to a Graphviz layout program.

A real system ``dot`` is used when present; otherwise the ``graphviz-pure``
binary that pip installs with argmap, so diagrams work after ``pip install``
alone. ``ARGMAP_DOT=system|pure|PATH`` overrides the choice.
"""

from __future__ import annotations

import os
import re
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
    """Lay out several DOT graphs into one SVG document each, in order, each the same bytes
    as :func:`layout` would give it, using every core.

    Both engines read a stream of graphs in one run, which spares a process per graph (most
    of the cost of a small map). System Graphviz (2.43) then lays out a graph with clusters
    differently from one run to the next, so a graph with subgraphs gets a run of its own;
    the others share runs, one per core, and their SVG loses the page prefix ("page0,1_") a
    stream gives its ids, which ids in argmap's graphs (slugs) never contain.
    """
    if not sources:
        return []
    chosen = engine or find_engine()
    from concurrent.futures import ThreadPoolExecutor

    alone = [i for i, source in enumerate(sources) if "subgraph" in source]
    shared = [i for i, source in enumerate(sources) if "subgraph" not in source]
    workers = os.cpu_count() or 1
    batches = [[i] for i in alone] + [
        shared[k::workers] for k in range(workers) if shared[k::workers]
    ]
    drawings: list[bytes] = [b""] * len(sources)
    with ThreadPoolExecutor(max_workers=min(len(batches), workers)) as pool:
        runs = pool.map(lambda batch: _run_stream(chosen, [sources[i] for i in batch]), batches)
        for batch, svgs in zip(batches, runs, strict=True):
            for i, svg in zip(batch, svgs, strict=True):
                drawings[i] = svg
    return drawings


_PAGE_PREFIX = re.compile(rb'(?<= id=")(a_)?page\d+,\d+_')


def _run_stream(engine: Engine, sources: list[str]) -> list[bytes]:
    """SVG documents of ``sources`` laid out in one run (see :func:`layout_many`)."""
    if len(sources) == 1:
        return [_run(engine, sources[0], "svg")]
    out = _run(engine, "\n".join(sources), "svg")
    documents = [b"<?xml" + part for part in out.split(b"<?xml")[1:]]
    if len(documents) != len(sources):
        raise ArgmapError(
            f"Graphviz ({engine.describe()}) drew {len(documents)} of {len(sources)} graphs"
        )
    return [_PAGE_PREFIX.sub(rb"\1", document) for document in documents]


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
