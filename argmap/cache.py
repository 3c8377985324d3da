"""argmap's cache folder: work that depends only on argmap's own files, kept between runs.

Three things go there: the report templates compiled by Jinja2 (checked against each
template's source, so an edited template is compiled again), the diagram font's advance
widths (named by a digest of the font file) and its glyph subsets (named by a digest of the
glyphs, the font file and the fontTools version). Each is made again when missing, so the
folder can be deleted at any time; a cache that cannot be written is skipped without a
word. Nothing from a case is kept there but the characters its diagrams draw.

The folder is ``$ARGMAP_CACHE_DIR`` when set (``off`` turns the cache off), else the
platform's user cache folder (``~/.cache/argmap`` on Linux).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .output import write_atomic
from .problems import ArgmapError

__all__ = ["cache_dir", "digest", "read", "write"]


def cache_dir(kind: str) -> Path | None:
    """The cache folder for ``kind`` (``jinja``, ``fonts``), made if need be; None when the
    cache is off or cannot be made."""
    setting = os.environ.get("ARGMAP_CACHE_DIR")
    if setting is not None and setting.strip().lower() in ("", "off", "0", "no"):
        return None
    if setting:
        root = Path(setting).expanduser()
    else:
        from platformdirs import user_cache_path

        root = user_cache_path("argmap", appauthor=False)
    folder = root / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def digest(*parts: bytes | str) -> str:
    """A file name for what ``parts`` determine.

    >>> digest("a", b"b") == digest("a", b"b") != digest("ab", b"")
    True
    """
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()[:32]


def read(kind: str, name: str) -> bytes | None:
    """The cached bytes of ``name``, or None."""
    folder = cache_dir(kind)
    if folder is None:
        return None
    try:
        return (folder / name).read_bytes()
    except OSError:
        return None


def write(kind: str, name: str, data: bytes) -> None:
    """Keep ``data`` as ``name`` (whole or not at all); a failure is not an error."""
    folder = cache_dir(kind)
    if folder is None:
        return
    try:
        write_atomic(folder / name, data)
    except (OSError, ArgmapError):  # a cache that cannot be written is no cache
        return
