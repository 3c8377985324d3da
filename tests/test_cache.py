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
    assert _report(tmp_path / "b.html", str(folder)) == first
    # A damaged cache is made again, not used.
    for path in [*fonts, *(folder / "jinja").iterdir()]:
        path.write_bytes(b"not what was kept")
    assert _report(tmp_path / "c.html", str(folder)) == first
    assert all(p.read_bytes().startswith(b"wOFF") for p in fonts)
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
