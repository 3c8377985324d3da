"""The `argmap` command line: parses arguments, calls :mod:`argmap.commands`.

Exit status: 0 success, 1 invalid input or failed output, 2 usage error.
"""

from __future__ import annotations

import atexit
import functools
import gc
import os
import sys
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .io import EXPORTERS, IMPORTERS

# `argmap --help` imports click and this module's registry of formats: pathlib,
# argmap.problems and all the rest are imported by the commands that use them.
if TYPE_CHECKING:
    from pathlib import Path

    from .problems import Problem

__all__ = [
    "EXPORT_FORMATS",
    "main",
]

F = TypeVar("F", bound=Callable[..., Any])


class _PathType(click.Path):
    """``click.Path(path_type=pathlib.Path)``, with pathlib imported when a path is given
    (or defaulted), not when the command line is built."""

    def coerce_path_result(self, value: Any) -> Any:
        from pathlib import Path

        return value if isinstance(value, Path) else Path(value)


CASE_ARGUMENT = click.argument(
    "case",
    required=False,
    default=".",
    type=_PathType(file_okay=False),
)
TABLE_OR_JSON = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)


def port_option(where: str = "") -> Callable[[F], F]:
    """``--port`` of the commands that serve pages (0: a free one)."""
    return click.option(
        "--port",
        type=click.IntRange(0, 65535),
        default=0,
        show_default=True,
        help=f"Port to listen on{where}; 0 picks a free one.",
    )


def host_option(more: str = "") -> Callable[[F], F]:
    """``--host`` of the servers: loopback unless changed."""
    return click.option(
        "--host",
        default="127.0.0.1",
        show_default=True,
        help="Address to listen on; only this machine can connect unless you change it"
        + (f" {more}" if more else "")
        + ".",
    )


def _report_warnings(warnings: list[Problem], *, full: bool) -> None:
    if not warnings:
        return
    if full:
        from .problems import format_problems

        click.echo(format_problems(warnings), err=True)
    else:
        count = len(warnings)
        click.echo(
            f"argmap: {count} warning{'s' if count != 1 else ''}; `argmap check` lists them",
            err=True,
        )


def _write(case: Path, files: dict[Path, bytes | str]) -> None:
    """Write a command's outputs, all of them or none, and say each file's full path.

    Every target is checked before anything is written: no output lands among the case's
    own files.
    """
    from .commands import files_read
    from .output import refuse_case_files, write_atomic_all
    from .problems import printable

    inputs: tuple[Path, ...] = ()
    if any(path.exists() for path in files):  # replacing a file: never one the case reads
        read = files_read(case)  # known when the command loaded the case itself
        if read is None:
            from .load import load_case

            read = tuple(load_case(case).inputs)
        inputs = read
    for path in files:
        refuse_case_files(path, case, inputs)
    for path in write_atomic_all(files):  # all of them or, on a failure, none
        click.echo(printable(os.path.abspath(path)))


def _say(message: str) -> None:
    click.echo(f"argmap: {message}", err=True)


def _progress(message: str) -> None:
    """Stages of long work, on a terminal only (pipes and logs stay clean)."""
    if sys.stderr.isatty():
        click.echo(f"argmap: {message}…", err=True)


def handles_errors(command: F) -> F:
    """Turn argmap's errors into messages and exit status 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .problems import ArgmapError, CaseError, format_problems, printable

        try:
            return command(*args, **kwargs)
        except CaseError as err:
            click.echo(format_problems(err.problems), err=True)
            sys.exit(1)
        except ArgmapError as err:
            click.echo(f"argmap: error: {printable(str(err))}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from .problems import ArgmapError
    from .render.engine import find_engine

    try:
        engine = find_engine().describe()
    except ArgmapError as err:
        engine = f"none ({err})"
    click.echo(f"argmap {__version__}\nGraphviz engine: {engine}")
    ctx.exit()


class _HelpFormatter(click.HelpFormatter):
    """click's, with the terminal's width read as ``shutil.get_terminal_size`` reads it, but
    without importing shutil (and with it bz2, lzma and zlib), a twentieth of `argmap --help`."""

    def __init__(
        self, indent_increment: int = 2, width: int | None = None, max_width: int | None = None
    ) -> None:
        if width is None and click.formatting.FORCED_WIDTH is None:  # as click does
            limit = 80 if max_width is None else max_width
            width = max(min(_terminal_columns(), limit) - 2, 50)
        super().__init__(indent_increment, width, max_width)


def _terminal_columns() -> int:
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Context(click.Context):
    formatter_class = _HelpFormatter


_COLLECTOR_HELD = False
"""Whether this `argmap` process still runs its start-up without the cyclic garbage collector
(:class:`_Argmap`)."""


class _Argmap(click.Group):
    """The `argmap` command group. Called as the process's entry point (the `argmap` script
    calls it; click's test runner calls ``main.main()``), it starts with the cyclic garbage
    collector held off.

    Start-up makes some 150,000 objects (click's, pydantic's, the case models and their
    validators) that all live until the process ends and make no garbage: the collector
    walked them again and again as they were made, and once more at exit, a tenth of an
    `argmap check`. `--help` and `check` (bounded work: loading runs without the collector
    in any case) run to the end without it and skip that last walk; every other command
    turns it on as it starts (:func:`_collect_from_here`).
    """

    context_class = _Context

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        global _COLLECTOR_HELD
        _no_pydantic_plugins()
        if gc.isenabled():
            gc.disable()
            _COLLECTOR_HELD = True
            atexit.register(gc.freeze)  # at exit: nothing left for the last collection
        return super().__call__(*args, **kwargs)


PYDANTIC_PLUGIN_LOADER = "pydantic.plugin._loader"


def _no_pydantic_plugins() -> None:
    """In the `argmap` process, pydantic validates alone: it looks for no plugins.

    pydantic looks for plugins (the ``pydantic`` entry points of every installed package)
    when it builds its first validator; the search imports importlib.metadata and reads each
    package's metadata, about 20 ms of an `argmap check`. The `argmap` program uses no
    plugin, so it answers that search itself, with none (as PYDANTIC_DISABLE_PLUGINS=__all__
    would, without the imports). A program that imports argmap keeps its plugins: only the
    `argmap` process does this. tests/test_cli.py checks the stand-in against pydantic."""
    if PYDANTIC_PLUGIN_LOADER not in sys.modules:
        loader = types.ModuleType(PYDANTIC_PLUGIN_LOADER, "No pydantic plugins in `argmap`.")
        loader.get_plugins = lambda: ()  # type: ignore[attr-defined]
        sys.modules[PYDANTIC_PLUGIN_LOADER] = loader


def _collect_from_here() -> None:
    """The collector on again, for a command that may make garbage as it works; what start-up
    made is frozen (left out of every collection: it lives until the process ends)."""
    global _COLLECTOR_HELD
    if _COLLECTOR_HELD:
        _COLLECTOR_HELD = False
        atexit.unregister(gc.freeze)
        gc.freeze()
        gc.enable()


@click.group(cls=_Argmap, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_version,
    help="Show the version and the Graphviz engine in use, then exit.",
)
def main() -> None:
    """argmap: weigh competing hypotheses against quoted evidence.

    A case is a folder with hypotheses/*.yaml and evidence/*.yaml; CASE defaults
    to the current folder.
    """
    if click.get_current_context().invoked_subcommand != "check":
        _collect_from_here()


@main.command()
@CASE_ARGUMENT
@handles_errors
def check(case: Path) -> None:
    """Validate every file of the case; list errors and warnings with file and line."""
    from .commands import check as run
    from .problems import display_path

    loaded, warnings, ratings = run(case)
    _report_warnings(warnings, full=True)
    leaves = len(loaded.leaves)
    arguments = len(loaded.arguments)
    click.echo(
        f"{display_path(case)}: ok: {len(loaded.hypotheses)} hypotheses ({leaves} rated), "
        f"{len(loaded.evidence)} evidence items, {len(loaded.sources)} "
        f"source{'s' if len(loaded.sources) != 1 else ''}, {arguments} "
        f"argument{'s' if arguments != 1 else ''}{ratings}"
    )


def _likelihood(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> dict[str, float]:
    from .vocabulary import DEFAULT_LIKELIHOODS

    parsed = {}
    for value in values:
        rating, _, number = value.partition("=")
        rating = rating.strip().upper()
        if rating not in DEFAULT_LIKELIHOODS:
            codes = " ".join(DEFAULT_LIKELIHOODS)
            raise click.BadParameter(f"{value!r}: use RATING=P with RATING one of {codes}")
        try:
            probability = float(number)
        except ValueError:
            raise click.BadParameter(f"{value!r}: {number!r} is not a number") from None
        if not 0 < probability <= 1:
            raise click.BadParameter(f"{value!r}: a likelihood lies in (0, 1]")
        parsed[rating] = probability
    return parsed


@main.command()
@CASE_ARGUMENT
@TABLE_OR_JSON
@click.option(
    "--draws",
    type=click.IntRange(1, 1_000_000),
    help="Monte Carlo draws (default 2000, or the case's scoring.draws).",
)
@click.option("--seed", type=click.IntRange(0), help="Monte Carlo seed.")
@click.option(
    "--likelihood",
    "likelihoods",
    multiple=True,
    callback=_likelihood,
    metavar="RATING=P",
    help="P(E|H) for a rating, e.g. CC=0.95 (repeatable).",
)
@click.option(
    "--analyst",
    metavar="NAME",
    help="Score the matrix as this analyst rated it (evidence/ratings/).",
)
@click.option("--consensus", is_flag=True, help="Score the analysts' consensus matrix.")
@click.option(
    "--scenarios",
    "with_scenarios",
    is_flag=True,
    help="List the scenarios: systematic reinterpretations, and whether the lead holds.",
)
@click.option(
    "--round",
    "round_number",
    type=click.IntRange(1, 99),
    help="With --analyst or --consensus: each analyst's latest round up to N.",
)
@handles_errors
def score(
    case: Path,
    fmt: str,
    draws: int | None,
    seed: int | None,
    likelihoods: dict[str, float],
    analyst: str | None,
    consensus: bool,
    round_number: int | None,
    with_scenarios: bool,
) -> None:
    """Rank the hypotheses: PARC inconsistency, posteriors, robustness, confidence.

    By default the case's own ratings are scored; --analyst NAME or --consensus score an
    analyst's or the workshop's consensus ratings instead (see docs/workshops.md).
    """
    if analyst is not None and consensus:
        raise click.UsageError("give --analyst NAME or --consensus, not both")
    if round_number is not None and analyst is None and not consensus:
        raise click.UsageError("--round needs --analyst NAME or --consensus")
    from .commands import score as run

    text, warnings = run(
        case,
        fmt,
        draws=draws,
        seed=seed,
        likelihoods=likelihoods,
        analyst=analyst,
        consensus=consensus,
        round_number=round_number,
        scenarios=with_scenarios,
    )
    _report_warnings(warnings, full=False)
    click.echo(text, nl=False)


@main.command()
@CASE_ARGUMENT
@click.option(
    "--kind",
    type=click.Choice(["evidence", "arguments"]),
    default="evidence",
    show_default=True,
    help="Evidence map or argument map.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["svg", "png", "pdf", "dot"]),
    default="svg",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=_PathType(dir_okay=False),
    help="File to write (DOT and SVG go to standard output without it).",
)
@click.option(
    "--focus",
    metavar="ID",
    help="Argument map: only what bears on this hypothesis or statement.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    help="With --focus: how many layers of arguments out from it (default: all).",
)
@click.option(
    "--max-evidence",
    type=click.IntRange(min=1),
    metavar="N",
    help="Evidence map: only the N most diagnostic items (default: all; the report draws 40).",
)
@click.option(
    "--compact",
    is_flag=True,
    help="Evidence map: only the items that separate the leading hypotheses, as the "
    "report's compact view.",
)
@handles_errors
def diagram(
    case: Path,
    kind: str,
    fmt: str,
    output: Path | None,
    focus: str | None,
    depth: int | None,
    max_evidence: int | None,
    compact: bool,
) -> None:
    """Draw the evidence map or the argument map with Graphviz.

    With --focus, the argument map shows only what bears on one hypothesis or statement: the
    arguments for and against it, their premises, what attacks or undercuts them, and so on.
    """
    if fmt in ("png", "pdf") and output is None:
        raise click.UsageError(f"{fmt.upper()} needs an output file: add -o FILE.{fmt}")
    if (focus is not None or depth is not None) and kind != "arguments":
        raise click.UsageError("--focus and --depth go with --kind arguments")
    if depth is not None and focus is None:
        raise click.UsageError("--depth goes with --focus ID")
    if (max_evidence is not None or compact) and kind != "evidence":
        raise click.UsageError("--max-evidence and --compact go with --kind evidence")
    from .commands import diagram as run

    data, warnings = run(
        case, kind, fmt, focus=focus, depth=depth, max_evidence=max_evidence, compact=compact
    )
    _report_warnings(warnings, full=False)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    _write(case, {output: data})


@main.command()
@CASE_ARGUMENT
@click.option(
    "-o",
    "--output",
    type=_PathType(dir_okay=False),
    help="File to write (default CASE/build/report.html, or CASE/build/report.pdf with --pdf).",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="Write a PDF instead of HTML (Chromium when installed, else WeasyPrint).",
)
@click.option(
    "--paper",
    type=click.Choice(["a4", "letter"]),
    default="a4",
    show_default=True,
    help="Paper size of the PDF.",
)
@click.option(
    "--templates",
    type=_PathType(file_okay=False, exists=True),
    help="Folder of templates overriding the built-in partials.",
)
@click.option(
    "--names",
    is_flag=True,
    help="Name the analysts in the workshop section (default: A, B, C…).",
)
@handles_errors
def report(
    case: Path, output: Path | None, pdf: bool, paper: str, templates: Path | None, names: bool
) -> None:
    """Write the self-contained HTML report: ranking, matrix, diagrams, evidence, sources.

    With analysts' ratings (evidence/ratings/), it adds the workshop section: where they
    disagree, their rankings beside the consensus, and what to discuss first.
    """
    from .commands import report as run

    if output is not None:  # refused before the work, not after
        from .output import refuse_case_files

        refuse_case_files(output, case)
    html, warnings = run(case, templates, names=names, progress=_progress)
    _report_warnings(warnings, full=False)
    if pdf:
        from .render.pdf import html_to_pdf

        _progress("printing the PDF")
        pdf_bytes = html_to_pdf(html, notify=_say, paper=paper)
        _write(case, {output or case / "build" / "report.pdf": pdf_bytes})
    else:
        _write(case, {output or case / "build" / "report.html": html})


@main.command()
@click.argument(
    "part", type=click.Choice(["hypotheses", "evidence", "ratings", "json"]), default="hypotheses"
)
def schema(part: str) -> None:
    """Print the JSON Schema of a hypotheses, evidence or analyst's ratings file (for editors),
    or of the JSON document that `argmap export json` writes."""
    from .commands import schema as run

    click.echo(run(part), nl=False)


@main.command()
@click.argument("folder", type=_PathType())
@handles_errors
def init(folder: Path) -> None:
    """Create a small valid case in FOLDER to start from."""
    from .commands import scaffold
    from .problems import printable

    for path in scaffold(folder):
        click.echo(printable(os.path.abspath(path)))


@main.command()
@CASE_ARGUMENT
@port_option(" (on this machine only)")
@click.option("--no-browser", is_flag=True, help="Print the link without opening a browser.")
@handles_errors
def edit(case: Path, port: int, no_browser: bool) -> None:
    """Build and edit CASE in the browser; an empty or new folder becomes a new case.

    Sources and evidence selected from their text, the matrix, hypotheses and the argument
    map. The first line printed is the editor's secret link (opened in the browser unless
    --no-browser). Every change is written to the case's files at once, changing only the
    lines it concerns; edits made to the files elsewhere are picked up. See docs/editor.md.
    """
    from .extras import require

    require("server", "the editor")
    from .commands import edit as run

    run(case, port=port, browser=not no_browser)


# The format registry is a plain table: reading it imports no format module.
IMPORT_FORMATS = list(IMPORTERS)
EXPORT_FORMATS = list(EXPORTERS)


@main.command("import")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(IMPORT_FORMATS))
@click.argument("file", type=_PathType(dir_okay=False, exists=True))
@click.option(
    "-o",
    "--output",
    type=_PathType(file_okay=False),
    help="New case folder to create (refuses a non-empty one).",
)
@click.option(
    "--into",
    type=_PathType(file_okay=False, exists=True),
    help="Existing case to update in place (keeps a backup); xlsx and csv only.",
)
@click.option("--summary", is_flag=True, help="Print what the file holds as JSON; write nothing.")
@handles_errors
def import_(fmt: str, file: Path, output: Path | None, into: Path | None, summary: bool) -> None:
    """Create a case from another tool's FILE (or update one with --into)."""
    from .commands import import_file
    from .problems import printable

    if sum(x is not None and x is not False for x in (output, into, summary or None)) != 1:
        raise click.UsageError("give exactly one of -o CASE, --into CASE or --summary")
    warnings: list[Problem] = []
    lines = import_file(fmt, file, output=output, into=into, summary=summary, warnings=warnings)
    _report_warnings(warnings, full=True)
    for line in lines:
        click.echo(printable(line))


@main.command()
@click.argument("fmt", metavar="FORMAT", type=click.Choice(EXPORT_FORMATS))
@CASE_ARGUMENT
@click.option(
    "-o",
    "--output",
    type=_PathType(dir_okay=False),
    help="File to write (text formats go to standard output without it).",
)
@handles_errors
def export(fmt: str, case: Path, output: Path | None) -> None:
    """Write the case in another tool's FORMAT.

    With -o, markdown also writes its evidence map beside FILE.md as
    FILE-evidence-map.svg, and links it.
    """
    if output is None:
        from .commands import export_case

        data, binary, warnings = export_case(fmt, case)
        _report_warnings(warnings, full=False)
        if binary:
            raise click.UsageError(f"{fmt} is a binary format: add -o FILE")
        click.echo(data if isinstance(data, str) else data.decode("utf-8"), nl=False)
        return
    from .commands import export_case_files

    files, warnings = export_case_files(fmt, case, output)
    _report_warnings(warnings, full=False)
    _write(case, dict(files))


@main.command()
@CASE_ARGUMENT
@TABLE_OR_JSON
@handles_errors
def evaluate(case: Path, fmt: str) -> None:
    """Label every hypothesis, statement, argument and evidence item in, out or undecided.

    Grounded semantics with argument weights and proof standards (Carneades); JSON gives
    {"labels": {id: label}, "reasons": {id: text}, "hypotheses": {id: verdict}}, each
    verdict with "unopposed": true when it is met with nothing against it. See
    docs/evaluation.md.
    """
    from .commands import evaluate as run

    text, warnings = run(case, fmt)
    _report_warnings(warnings, full=False)
    click.echo(text, nl=False)


@main.group()
def workshop() -> None:
    """Analyst workshops: blind rating sheets, and analysts' ratings taken into the case.

    Each analyst rates the matrix on a sheet of their own; `merge` takes the downloaded
    files into CASE/evidence/ratings/; `score --analyst/--consensus` and `report` then show
    the consensus and where the analysts disagree. See docs/workshops.md.
    """


@workshop.command()
@CASE_ARGUMENT
@click.option("--analyst", required=True, metavar="NAME", help="Whose sheet it is.")
@click.option(
    "--round",
    "round_number",
    type=click.IntRange(1, 99),
    default=1,
    show_default=True,
    help="Workshop round; from round 2 the analyst's own earlier ratings are filled in.",
)
@click.option(
    "-o",
    "--output",
    type=_PathType(dir_okay=False),
    help="File to write (default CASE/build/sheets/NAME.html).",
)
@handles_errors
def sheet(case: Path, analyst: str, round_number: int, output: Path | None) -> None:
    """Write a self-contained HTML rating sheet for one analyst.

    It works offline from the file (e-mail it): the hypotheses and evidence in an order
    shuffled for this analyst, no one else's ratings, entries kept in the browser, and a
    button that downloads the analyst's ratings file.
    """
    from .commands import workshop_sheet

    html, name = workshop_sheet(case, analyst, round_number)
    _write(case, {output or case / "build" / "sheets" / name: html})


@workshop.command()
@click.argument("files", nargs=-1, required=True, type=_PathType(dir_okay=False, exists=True))
@click.option(
    "--into",
    type=_PathType(file_okay=False),
    default=".",
    show_default=True,
    help="The case to take the ratings into.",
)
@click.option(
    "--accept-proposals",
    metavar="all|N,N…",
    help="Write these proposals (new evidence items, new hypotheses) into the case: 'all', "
    "or their numbers as merge lists them. Without it, proposals are listed, not written.",
)
@handles_errors
def merge(files: tuple[Path, ...], into: Path, accept_proposals: str | None) -> None:
    """Take analysts' ratings FILES into the case's evidence/ratings/.

    Every file is checked first (unknown evidence or hypotheses are refused, with file and
    line); nothing is written unless all pass. A file replaces the same analyst's file for
    the same round, which is kept as a backup (NAME.yaml.bak, .bak2, …). Proposals in the
    files are listed, numbered; only those named by --accept-proposals enter the case (each
    file changed keeps a backup); votes on credibility and relevance are advisory, counted.
    """
    from .commands import workshop_merge

    lines, warnings = workshop_merge(list(files), into, accept_proposals)
    _report_warnings(warnings, full=True)
    for line in lines:
        click.echo(line)


DB_OPTION = click.option(
    "--db",
    type=_PathType(dir_okay=False),
    default="build/workshop.sqlite",
    show_default=True,
    help="The workshop's SQLite database (relative to the current folder).",
)


@workshop.command()
@CASE_ARGUMENT
@host_option()
@port_option()
@DB_OPTION
@handles_errors
def serve(case: Path, host: str, port: int, db: Path) -> None:
    """Run a live workshop: participants rate in their browsers, the facilitator reveals.

    The first line printed is the facilitator's secret link. Ratings are saved in the
    database as they are entered and survive a restart; the facilitator's page exports them
    into CASE/evidence/ratings/. See docs/workshops.md, Live workshops.
    """
    from .extras import require

    require("server", "the live workshop server")
    from .workshop.server import serve as run

    run(case, host=host, port=port, db=db)


@workshop.command()
@click.argument("name")
@DB_OPTION
@handles_errors
def invite(name: str, db: Path) -> None:
    """Add participant NAME to the live workshop and print their secret link.

    Works while `argmap workshop serve` runs (it reads the same database).
    """
    from .extras import require

    require("server", "the live workshop server")
    from .workshop.server import invite as run

    click.echo(run(db, name))


class _ServeByDefault(click.Group):
    """A group whose arguments, unless they name one of its commands (or ask for help),
    go to its ``serve`` command: `argmap server CASES_DIR --db URL` serves, and
    `argmap server check --db URL` checks."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["serve", *args]
        return super().parse_args(ctx, args)


@main.group(cls=_ServeByDefault)
def server() -> None:
    """The team server: `argmap server [CASES_DIR] --db URL` serves the case folders in
    CASES_DIR (the current folder by default) to the team (`argmap server serve --help`);
    the commands below check the database, back it up and print the admin link.

    --db is sqlite:///PATH (a SQLite file, the default) or postgresql://USER@HOST/DATABASE
    (needs argmap[postgres]). See docs/team-server.md.
    """


SERVER_DB_OPTION = click.option(
    "--db",
    metavar="URL",
    default="sqlite:///build/workshop.sqlite",
    show_default=True,
    help="The workshop database: sqlite:///PATH (relative to the current folder; "
    "sqlite:////PATH absolute) or postgresql://USER:PASSWORD@HOST:PORT/DATABASE.",
)


@server.command("check")
@SERVER_DB_OPTION
@handles_errors
def server_check(db: str) -> None:
    """Check the database: reachable, its schema version, and how many workshops,
    participants, ratings, comments and proposals it holds. Exit 1 if it cannot be used."""
    from .workshop.operations import check as run

    for line in run(db):
        click.echo(line)


@server.command("backup")
@SERVER_DB_OPTION
@click.option(
    "-o",
    "--output",
    required=True,
    type=_PathType(dir_okay=False),
    help="The zip file to write.",
)
@handles_errors
def server_backup(db: str, output: Path) -> None:
    """Export every workshop's ratings, as the ratings files `workshop merge` takes, into
    one zip file: a folder per workshop, one file per participant and round, and
    workshops.yaml listing the workshops."""
    from .workshop.operations import backup as run

    for line in run(db, output):
        click.echo(line, err=True)


@server.command("admin-link")
@SERVER_DB_OPTION
@click.option("--rotate", is_flag=True, help="Revoke every earlier admin link first.")
@handles_errors
def server_admin_link(db: str, rotate: bool) -> None:
    """Print the team server's admin link (made on first use); --rotate revokes the old
    one, which stops working at once, on every server process."""
    from .workshop.operations import admin_link as run

    click.echo(run(db, rotate=rotate))


@server.command("serve")
@click.argument(
    "cases_dir",
    default=".",
    required=False,
    type=_PathType(file_okay=False),
)
@SERVER_DB_OPTION
@host_option("(behind a reverse proxy, keep it and see --allow-host)")
@port_option()
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes sharing the port (PostgreSQL lets them write at once).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Another host name the server answers to: the public name a reverse proxy "
    "passes on in the Host header (repeatable).",
)
@handles_errors
def server_serve(
    cases_dir: Path, db: str, host: str, port: int, workers: int, allow_hosts: tuple[str, ...]
) -> None:
    """Serve the case folders in CASES_DIR to the team: the first line printed is the
    admin link, to the index of cases and workshops, where a facilitator opens a workshop
    on a case and gets its facilitator link. Each request is logged on standard error
    (one line, secrets redacted); GET /health answers without a link."""
    from .extras import require

    require("server", "the team server")
    from .workshop.team import serve_team

    serve_team(cases_dir, db=db, host=host, port=port, workers=workers, allow_hosts=allow_hosts)
