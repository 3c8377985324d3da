"""argmap's cache folder (argmap/cache.py): compiled templates and font subsets kept between
runs, never changing what a command writes, never in the way when it cannot be written."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from argmap.cache import cache_dir

from .conftest import REPO


def _report(out, cache: str) -> bytes:
    """The shipped case's report, made in a new process with ``ARGMAP_CACHE_DIR=cache``."""
    env = {**os.environ, "ARGMAP_CACHE_DIR": cache, "SOURCE_DATE_EPOCH": "0"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from argmap.cli import main; main()",
            "report",
            str(REPO),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return out.read_bytes()


@pytest.mark.slow
def test_a_cached_run_writes_the_same_report(tmp_path):
    folder = tmp_path / "cache"
    first = _report(tmp_path / "a.html", str(folder))
    compiled = sorted(p.name for p in (folder / "jinja").iterdir())
    fonts = sorted((folder / "fonts").glob("*.woff"))
    assert compiled and len(fonts) == 2  # regular and bold
    assert all(p.read_bytes().startswith(b"wOFF") for p in fonts)
    advances = sorted((folder / "fonts").glob("*.json"))
    assert len(advances) == 2
    assert _report(tmp_path / "b.html", str(folder)) == first
    # A damaged cache is made again, not used.
    for path in [*fonts, *advances, *(folder / "jinja").iterdir()]:
        path.write_bytes(b"not what was kept")
    assert _report(tmp_path / "c.html", str(folder)) == first
    assert all(p.read_bytes().startswith(b"wOFF") for p in fonts)
    assert all(p.read_bytes().startswith(b"{") for p in advances)
    # Off, or where nothing can be written: the same report, and nothing kept.
    assert _report(tmp_path / "d.html", "off") == first
    blocked = tmp_path / "a-file"
    blocked.write_text("in the way")
    assert _report(tmp_path / "e.html", str(blocked)) == first
    assert blocked.read_text() == "in the way"


def test_cache_folder_follows_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("ARGMAP_CACHE_DIR", str(tmp_path / "here"))
    assert cache_dir("fonts") == tmp_path / "here" / "fonts"
    assert (tmp_path / "here" / "fonts").is_dir()
    for off in ("off", "", "0"):
        monkeypatch.setenv("ARGMAP_CACHE_DIR", off)
        assert cache_dir("fonts") is None
    monkeypatch.delenv("ARGMAP_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir("jinja") == tmp_path / "xdg" / "argmap" / "jinja"


@pytest.mark.parametrize("kept", [None, b"not what was kept", b"[1, 2]", b'{"a": 1}'])
def test_the_fonts_advance_widths_come_from_the_cache_as_from_the_font(tmp_path, monkeypatch, kept):
    """The labels are measured with the same widths whether read from the font file or from
    the cache; a damaged cache file is read from the font again and mended."""
    from argmap.render import fonts

    monkeypatch.setenv("ARGMAP_CACHE_DIR", str(tmp_path))
    fonts._metrics.cache_clear()
    try:
        first = fonts._metrics(False)
        (kept_file,) = (tmp_path / "fonts").glob("*.json")
        if kept is not None:
            kept_file.write_bytes(kept)
        fonts._metrics.cache_clear()
        again = fonts._metrics(False)
    finally:
        fonts._metrics.cache_clear()
    assert again == first == fonts._read_metrics(False)
    assert first.advances[ord("W")] > first.advances[ord("i")] > 0
    assert kept_file.read_bytes().startswith(b"{")
