"""The command line: check output, schema, init, help, usage errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from argmap.cli import main
from argmap.load import load_case
from argmap.model import HypothesesFile

from .conftest import EVIDENCE


def test_check_reports_ok_with_counts(write_case, runner):
    result = runner.invoke(main, ["check", str(write_case())])
    assert result.exit_code == 0, result.output
    assert "ok: 3 hypotheses (3 rated), 2 evidence items, 1 source, 0 arguments" in result.stdout
    assert result.stderr == ""


def test_check_prints_problems_with_hint_and_count(write_case, runner, monkeypatch, tmp_path):
    typo = EVIDENCE.replace(
        "{accident: I, arson: C, other: N}", "{accident: I, arzon: C, other: N}"
    )
    write_case({"evidence/evidence.yaml": typo})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["check", "case"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "case/evidence/evidence.yaml:10: error: evidence[van].ratings.arzon: "
        "'arzon' is not a hypothesis"
    )
    assert lines[1].startswith("  hint: did you mean 'arson'?")
    assert lines[-1] == "1 error, 1 warning in 1 file"  # plus the unrated-cell warning
    assert "Traceback" not in result.output


def test_usage_errors_exit_2(runner):
    assert runner.invoke(main, ["score", "--format", "xml"]).exit_code == 2
    assert runner.invoke(main, ["no-such-command"]).exit_code == 2


def test_missing_case_folder_is_exit_1(runner, tmp_path):
    result = runner.invoke(main, ["check", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "no such case folder" in result.stderr


def test_schema_describes_fields(runner):
    result = runner.invoke(main, ["schema", "evidence"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    evidence = schema["$defs"]["Evidence"]
    assert evidence["additionalProperties"] is False
    assert "verbatim" in evidence["properties"]["quote"]["description"]
    hypotheses = json.loads(runner.invoke(main, ["schema"]).stdout)
    assert set(hypotheses["properties"]) == set(HypothesesFile.model_fields)


def test_schema_descriptions_are_the_docstrings_under_the_fields(runner, write_case):
    # Read from the source when a schema is wanted, by pydantic's rule: the docstring under a
    # field in the class that declares it; a subclass declaring a field again documents it
    # again; a description given in code stands. The same whether or not the models have
    # validated files in this process already.
    load_case(write_case())
    first = runner.invoke(main, ["schema", "json"]).stdout
    schema = json.loads(first)
    properties = {name: part["properties"] for name, part in schema["$defs"].items()}
    assert properties["Hypothesis"]["id"]["description"] == (
        "Unique slug (`[a-z0-9][a-z0-9-]*`) across the whole case."
    )
    assert properties["JsonCase"]["title"]["description"] == "The case's title."
    assert properties["JsonCase"]["notes"]["description"].endswith("confidence (case key).")
    assert properties["JsonSource"]["title"]["description"] == "The document's title."
    assert properties["JsonSource"]["text"]["description"].startswith("The full text of")
    assert properties["Evidence"]["ratings"]["description"].startswith("Leaf hypothesis id → ")
    assert properties["Argument"]["weight"]["description"] == (
        "How strongly the premises, when they hold, bear on the target: 0–1 (default: the\n"
        "weakest evidence premise's credibility, high 1, medium 0.71, low 0.5; else 1)."
    )
    assert runner.invoke(main, ["schema", "json"]).stdout == first
    hypotheses = json.loads(runner.invoke(main, ["schema", "hypotheses"]).stdout)
    assert hypotheses["properties"]["title"]["description"] == "The case's title (case key)."


def test_init_scaffolds_a_valid_case_and_refuses_a_full_folder(runner, tmp_path):
    target = tmp_path / "new"
    result = runner.invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    loaded = load_case(target)
    assert loaded.warnings == []
    assert {h.id for h in loaded.case.leaves} == {"accident", "arson", "other"}
    assert (target / "schema" / "evidence.schema.json").is_file()
    again = runner.invoke(main, ["init", str(target)])
    assert again.exit_code == 1
    assert "exists and is not empty" in again.stderr


def test_help_lists_every_command(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("check", "score", "diagram", "report", "schema", "init"):
        assert f"  {command} " in result.stdout


def test_help_does_not_import_heavy_modules():
    probe = (
        "import sys; from argmap.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('numpy', 'graphviz', 'jinja2', 'pydantic', 'yaml', 'pathlib', "
        "'shutil', 'argmap.problems') if m in sys.modules]\nprint('HEAVY:' + ','.join(heavy))"
    )
    out = (
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    assert out == "HEAVY:"


def _help(columns: str | None, *, clicks_own_formatter: bool = False) -> str:
    probe = (
        "import click, sys; import argmap.cli as cli\n"
        + ("cli._Context.formatter_class = click.HelpFormatter\n" if clicks_own_formatter else "")
        + "cli.main(['--help'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = columns
    return subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    ).stdout


@pytest.mark.parametrize("columns", [None, "60", "200", "0", "wide"])
def test_help_is_as_wide_as_clicks_own(columns):
    """--help finds the terminal's width without shutil, and wraps as click itself would."""
    ours = _help(columns)
    assert ours == _help(columns, clicks_own_formatter=True)
    widest = max(len(line) for line in ours.splitlines())
    assert widest <= (58 if columns == "60" else 78)
    assert "Commands:" in ours


def _after(arguments: list[str]) -> dict[str, object]:
    """The state of the garbage collector after the `argmap` process ran ``arguments``."""
    probe = (
        "import gc, json, sys; from argmap.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as end:\n    code = end.code\n"
        "print(json.dumps({'code': code, 'enabled': gc.isenabled(), "
        "'frozen': gc.get_freeze_count()}))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe, *arguments], capture_output=True, text=True, check=True
    )
    found: dict[str, object] = json.loads(run.stdout.strip().splitlines()[-1])
    return found


def test_check_runs_without_the_garbage_collector(write_case):
    """`argmap check` is bounded work that makes no garbage worth collecting: start-up and the
    check run with the collector off (the exit then has nothing to walk)."""
    after = _after(["check", str(write_case())])
    assert after == {"code": 0, "enabled": False, "frozen": 0}


def test_check_loads_only_what_the_case_needs(write_case):
    """A case without analysts' ratings never loads their file format, a valid one no "did
    you mean", and pydantic looks for no plugins (importlib.metadata)."""
    probe = (
        "import sys; from argmap.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('LOADED:' + ','.join(m for m in ('argmap.ratingsfile', 'difflib', "
        "'importlib.metadata') if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe, "check", str(write_case())],
        capture_output=True,
        text=True,
        check=True,
    )
    ok, loaded = run.stdout.strip().splitlines()
    assert ok.endswith(": ok: 3 hypotheses (3 rated), 2 evidence items, 1 source, 0 arguments")
    assert loaded == "LOADED:"


def test_other_commands_collect_what_they_make(write_case):
    """Any other command turns the collector on as it starts, with what start-up made frozen."""
    after = _after(["evaluate", str(write_case())])
    assert after["code"] == 0 and after["enabled"] is True
    assert isinstance(after["frozen"], int) and after["frozen"] > 10_000


def test_the_test_runner_leaves_the_collector_alone(write_case, runner):
    import gc

    frozen = gc.get_freeze_count()
    for command in (["check"], ["evaluate"]):
        result = runner.invoke(main, [*command, str(write_case())])
        assert result.exit_code == 0, result.output
        assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_replacing_an_output_reads_the_case_once(write_case, runner, tmp_path, monkeypatch):
    """The check that an output never replaces a file the case reads uses the files the
    command's own load read: the case is not loaded a second time."""
    import argmap.load

    folder = write_case()
    calls = []
    real = argmap.load.load_case
    monkeypatch.setattr(argmap.load, "load_case", lambda *a, **k: calls.append(1) or real(*a, **k))
    out = tmp_path / "map.dot"
    out.write_text("old", encoding="utf-8")
    result = runner.invoke(main, ["diagram", str(folder), "--format", "dot", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("digraph") and len(calls) == 1
    # Still refused when the output is one of the case's own files.
    own = folder / "hypotheses" / "case.yaml"
    before = own.read_bytes()
    result = runner.invoke(main, ["diagram", str(folder), "--format", "dot", "-o", str(own)])
    assert result.exit_code == 1 and own.read_bytes() == before


def test_the_stand_in_for_pydantics_plugin_loader_has_all_pydantic_asks_of_it():
    """The `argmap` process answers pydantic's plugin search itself (no plugins): pydantic
    must ask nothing of that module but what the stand-in has, and a program that imports
    argmap keeps pydantic's own loader."""
    import pydantic

    from argmap import cli

    package = Path(pydantic.__file__).parent
    asked = set()
    for path in package.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        asked.update(re.findall(r"from \._loader import ([\w, ]+)", text))
        asked.update(re.findall(r"from pydantic\.plugin\._loader import ([\w, ]+)", text))
        asked.update(re.findall(r"plugin\._loader\.(\w+)", text))
    names = {name.strip() for found in asked for name in found.split(",")}
    assert "get_plugins" in names
    saved = sys.modules.pop(cli.PYDANTIC_PLUGIN_LOADER, None)
    try:
        cli._no_pydantic_plugins()
        stand_in = sys.modules[cli.PYDANTIC_PLUGIN_LOADER]
        assert all(hasattr(stand_in, name) for name in names)
        assert list(stand_in.get_plugins()) == []
    finally:
        sys.modules.pop(cli.PYDANTIC_PLUGIN_LOADER, None)
        if saved is not None:
            sys.modules[cli.PYDANTIC_PLUGIN_LOADER] = saved
    library = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, argmap.load; print("
            + repr(cli.PYDANTIC_PLUGIN_LOADER)
            + " in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert library.stdout.strip() == "False"  # imported as a library: pydantic as it is
