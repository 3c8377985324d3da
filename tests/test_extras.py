"""Optional parts: the base install reports without them, and a missing one is named."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

import pytest

from argmap.extras import EXTRAS

from .conftest import REPO

HEAVY = sorted(module for modules in EXTRAS.values() for module in modules)


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_base_install_has_no_pdf_server_or_spreadsheet_stack():
    project = _pyproject()["project"]
    base = " ".join(project["dependencies"]).lower()
    for extra, modules in EXTRAS.items():
        declared = " ".join(project["optional-dependencies"][extra]).lower()
        for module in modules:
            assert module in declared, f"argmap[{extra}] installs {module}"
            assert module not in base, f"{module} belongs in argmap[{extra}], not the base"
    assert "argmap[all]" in project["optional-dependencies"]["test"]
    assert set(EXTRAS) <= set(project["optional-dependencies"]["all"][0][7:-1].split(","))


# A fresh interpreter in which the extras' packages cannot be imported: what a base install is.
BLOCKED = """
import sys
from importlib.abc import MetaPathFinder

class NoExtras(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, NoExtras())
from argmap.cli import main
sys.argv = ["argmap", *sys.argv[1:]]
main()
"""


def _without_extras(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCKED.format(blocked=set(HEAVY)), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


def test_report_and_check_work_without_any_extra(tmp_path):
    out = tmp_path / "report.html"
    result = _without_extras("report", str(REPO), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert _without_extras("check", str(REPO)).returncode == 0


@pytest.mark.parametrize(
    ("extra", "args"),
    [
        ("xlsx", ["export", "xlsx", "CASE", "-o", "OUT/case.xlsx"]),
        ("xlsx", ["import", "xlsx", "OUT/case.xlsx", "--into", "CASE"]),
        ("server", ["workshop", "invite", "ann", "--db", "OUT/workshop.db"]),
        ("pdf", ["report", "CASE", "--pdf", "-o", "OUT/report.pdf"]),
    ],
    ids=["export-xlsx", "import-xlsx", "server", "pdf"],
)
def test_a_missing_extra_is_named_in_one_line(extra, args, write_case, tmp_path, monkeypatch):
    case = write_case()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "case.xlsx").write_bytes(b"PK\x03\x04")
    args = [a.replace("CASE", str(case)).replace("OUT", str(tmp_path / "out")) for a in args]
    env = {**os.environ, "ARGMAP_PDF": "weasyprint"}
    before = sorted(p.name for p in (tmp_path / "out").iterdir())
    result = _without_extras(*args, env=env)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("argmap: error: ")
    assert f"install argmap[{extra}]" in lines[0]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == before
