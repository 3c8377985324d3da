"""Hostile text in every field an analyst writes renders inert in every output.

The case of :func:`tests.interchange.every_field_case` puts markup, template syntax, CDATA and
comment breakers, backslashes, formulas, Kazakh, Arabic, emoji and zero-width joiners into every
user field (titles, statements, descriptions, tags, indicators, notes, summaries, quotes with
their source, originators, groups, rationales, source titles, authors and URLs, statements,
claims, rationales and schemes of arguments). Its twin has the same text with the dangerous
characters replaced by letters, so the same length and words: every output of the hostile case
must have exactly the structure of the twin's (no element, attribute, node, edge, cell or
formula more), and show the hostile text as text.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from argmap.cli import main
from argmap.load import load_case
from argmap.model import Case

from .conftest import EVIDENCE, write_case_files
from .interchange import (
    ARABIC,
    EMOJI,
    KAZAKH,
    LEADS,
    PAYLOAD,
    SCRIPT,
    ZWJ_FAMILY,
    defang,
    every_field_case,
)
from .test_markdown import render as render_markdown

UNICODE = (KAZAKH, ARABIC, EMOJI, ZWJ_FAMILY, "zero\u200bwidth")
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Path]:
    """The hostile case and its defanged twin."""
    folder = tmp_path_factory.mktemp("injection")
    found = {}
    for name, safe in (("hostile", False), ("twin", True)):
        files = {k: v for k, v in every_field_case(safe).items() if v is not None}
        found[name] = write_case_files(folder / name, files)
    return found


def run(*args: str) -> bytes:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def output(case: Path, *args: str, suffix: str) -> bytes:
    """What a command writes with ``-o`` (a file beside the case)."""
    target = case.parent / f"{case.name}-{'-'.join(args)}{suffix}"
    run(
        *args[:1],
        *([args[1]] if args[0] == "export" else []),
        str(case),
        *args[2:],
        "-o",
        str(target),
    )
    return target.read_bytes()


def user_texts(case: Case, shown: bool = False) -> Iterator[str]:
    """Every text an analyst wrote in the case (one line each; the notes are paragraphs).

    With ``shown``, those the HTML report shows: not hypothesis tags (used to find the
    catch-all), an argument's scheme or an item's group (used in the evaluation and weighing).
    """
    yield from (case.title, case.question)
    for h in case.hypotheses:
        yield from (h.title, h.statement, *h.indicators, *(() if shown else h.tags))
        if h.description:
            yield h.description
    for s in case.statements:
        yield s.text
    for a in case.arguments:
        yield from (a.claim, *(t for t in (a.rationale, None if shown else a.scheme) if t))
    for source in case.sources:
        yield from (t for t in (source.title, source.author) if t)
    for e in case.evidence:
        yield from (e.summary, *e.tags, *e.rationale.values())
        yield from (t for t in (e.quote, e.originator, None if shown else e.group) if t)


def test_the_hostile_case_is_hostile_everywhere(cases):
    case = load_case(cases["hostile"]).case
    texts = list(user_texts(case))
    assert len(texts) > 40
    assert all(SCRIPT in text and KAZAKH in text for text in texts)
    leads = {text[0] for text in texts}
    assert set(LEADS) - {""} <= leads
    assert PAYLOAD in case.source_texts["report"]


# --- HTML --------------------------------------------------------------------------------


def structure(soup: BeautifulSoup) -> list[tuple[str, tuple[str, ...]]]:
    return [(tag.name, tuple(sorted(tag.attrs))) for tag in soup.find_all(True)]


def test_html_report_is_inert(cases):
    pages = {
        name: BeautifulSoup(output(folder, "report", suffix=".html"), "html.parser")
        for name, folder in cases.items()
    }
    soup = pages["hostile"]
    assert structure(soup) == structure(pages["twin"]), "no element or attribute injected"
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and not scripts[0].get("src")
    assert scripts[0].get_text() == pages["twin"].find("script").get_text()
    assert not soup.find_all(["textarea", "img", "iframe", "object", "embed", "foreignObject"])
    attributes = [
        (tag.name, key, value) for tag in soup.find_all(True) for key, value in tag.attrs.items()
    ]
    assert not [a for a in attributes if a[1].lower().startswith("on")]
    links = [value for _, key, value in attributes if key in ("href", "xlink:href", "src")]
    assert all(link.startswith("#") for link in links), [x for x in links if not x.startswith("#")]
    page = soup.get_text()
    case = load_case(cases["hostile"]).case
    missing = [text[:5] for text in user_texts(case, shown=True) if text not in page]
    assert not missing, missing
    assert soup.find("h1").get_text() == case.title


def test_quotes_are_highlighted_as_text(cases):
    soup = BeautifulSoup(output(cases["hostile"], "report", suffix=".html"), "html.parser")
    case = load_case(cases["hostile"]).case
    for item in case.evidence:
        if item.quote is None:
            continue
        marked = "".join(
            m.get_text() for m in soup.find_all("mark") if item.id in m["data-evidence"].split()
        )
        assert marked == item.quote


# --- DOT and SVG -------------------------------------------------------------------------


def svg_structure(root: ElementTree.Element) -> list[tuple[str, tuple[str, ...], str]]:
    """Each element's tag and attribute names, and the title of nodes and edges."""
    found = []
    for element in root.iter():
        title = (
            element.findtext(f"{SVG}title", "")
            if element.get("class") in ("node", "edge", "cluster")
            else ""
        )
        found.append((element.tag, tuple(sorted(element.attrib)), title))
    return found


@pytest.mark.parametrize("kind", ["evidence", "arguments"])
def test_diagrams_are_inert(cases, kind):
    svgs, dots = {}, {}
    for name, folder in cases.items():
        dots[name] = run("diagram", str(folder), "--kind", kind, "--format", "dot").decode()
        svgs[name] = ElementTree.fromstring(run("diagram", str(folder), "--kind", kind))
    # DOT keeps the text inside quoted strings: one line per statement, as in the twin's.
    assert dots["hostile"].count("\n") == dots["twin"].count("\n")
    assert dots["hostile"].count("digraph") == 1
    root = svgs["hostile"]
    assert svg_structure(root) == svg_structure(svgs["twin"]), "no node, edge or attribute injected"
    for element in root.iter():
        assert element.tag.startswith(SVG), element.tag  # no foreign elements (script, html)
        assert not [k for k in element.attrib if k.lower().startswith("on")]
        link = element.get(XLINK) or element.get("href")
        assert link is None or link.startswith("#"), link
    texts = " ".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))
    assert "<script>" in texts and KAZAKH in texts  # shown as text


# --- Markdown ----------------------------------------------------------------------------


def test_markdown_is_inert(cases):
    pages = {
        name: render_markdown(run("export", "markdown", str(folder)).decode("utf-8"))
        for name, folder in cases.items()
    }
    soup = pages["hostile"]
    assert structure(soup) == structure(pages["twin"]), "no element or attribute injected"
    assert not soup.find_all(["script", "textarea", "img", "iframe"])
    assert not [k for tag in soup.find_all(True) for k in tag.attrs if k.startswith("on")]
    # The one link is the https URL, percent-encoded: no quote or bracket leaves the href.
    assert {a["href"] for a in soup.find_all("a")} == {
        "https://example.org/a%20b%22onmouseover=alert%281%29%20%3Cx%3E"
    }
    page = soup.get_text()
    for text in (SCRIPT, "</textarea>", "{{ 7*7 }}", "]]>", *UNICODE):
        assert text in page, text


# --- spreadsheets --------------------------------------------------------------------------

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def test_csv_cells_never_start_a_formula(cases):
    tables = {}
    for name, folder in cases.items():
        text = run("export", "csv", str(folder)).decode("utf-8").removeprefix("\ufeff")
        tables[name] = list(csv.reader(io.StringIO(text, newline="")))
    rows = tables["hostile"]
    assert [len(row) for row in rows] == [len(row) for row in tables["twin"]]
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_LEADS)]
    case = load_case(cases["hostile"]).case
    summaries = [row[1] for row in rows[1:]]
    assert summaries == [
        "'" + e.summary if e.summary.startswith(FORMULA_LEADS) else e.summary for e in case.evidence
    ]


def test_xlsx_holds_no_formula(cases, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "matrix.xlsx"
    run("export", "xlsx", str(cases["hostile"]), "-o", str(target))
    with zipfile.ZipFile(target) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name
    workbook = load_workbook(target)
    case = load_case(cases["hostile"]).case
    seen = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                if isinstance(cell.value, str):
                    seen.add(cell.value)
                    if cell.value.startswith(FORMULA_LEADS):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate)
    assert {e.summary for e in case.evidence} <= seen  # the text itself, unaltered
    assert {h.title for h in case.leaves} <= seen


# --- data formats: the text carried unchanged -------------------------------------------------


def test_json_aif_and_argdown_carry_the_text_unchanged(cases):
    case = load_case(cases["hostile"]).case
    document = json.loads(run("export", "json", str(cases["hostile"])))
    assert document["case"]["title"] == case.title
    assert [e["summary"] for e in document["case"]["evidence"]] == [
        e.summary for e in case.evidence
    ]
    graph = json.loads(run("export", "aif", str(cases["hostile"])))
    texts = {node.get("text") for node in graph["nodes"]}
    assert {s.text for s in case.statements} <= texts
    from argmap.io import argdown

    counts = {}
    for name, folder in cases.items():
        parsed = argdown.parse_text(run("export", "argdown", str(folder)).decode("utf-8"))
        counts[name] = (len(parsed.statements), len(parsed.arguments), len(parsed.relations))
    assert counts["hostile"] == counts["twin"]  # no statement, argument or relation injected


# --- the workshop's rating sheet ----------------------------------------------------------------

ANALYST = f"=Ann {SCRIPT}\"'</textarea> 🔥"


def test_rating_sheet_is_inert(cases, tmp_path):
    pages = {}
    for name, folder in cases.items():
        analyst = defang(ANALYST) if name == "twin" else ANALYST
        target = tmp_path / f"{name}.html"
        run("workshop", "sheet", str(folder), "--analyst", analyst, "-o", str(target))
        pages[name] = BeautifulSoup(target.read_bytes(), "html.parser")
    soup = pages["hostile"]
    # The sheet shuffles the items for each analyst: the same elements, in another order.
    assert sorted(structure(soup)) == sorted(structure(pages["twin"]))
    data, code = soup.find_all("script")
    assert data["type"] == "application/json" and not code.attrs
    assert code.get_text() == pages["twin"].find_all("script")[1].get_text()
    assert "<" not in data.get_text()  # nothing in the data can close its element
    assert SCRIPT in json.dumps(json.loads(data.get_text()), ensure_ascii=False)
    assert not [k for tag in soup.find_all(True) for k in tag.attrs if k.lower().startswith("on")]
    page = soup.get_text()
    case = load_case(cases["hostile"]).case
    assert all(e.summary in page for e in case.evidence)


# --- the terminal ------------------------------------------------------------------------------

CLEAR_AND_RETITLE = "\x1b[2J\x1b]0;owned\x07"


@pytest.mark.parametrize(
    ("fmt", "name", "text"),
    [
        (
            "csv",
            "matrix.csv",
            f"id,summary,kind,source,credibility,relevance,accident\nvan{CLEAR_AND_RETITLE},x,,,,,\n",
        ),
        ("aif", "map.json", json.dumps({"nodes": [{"nodeID": CLEAR_AND_RETITLE, "type": "XX"}]})),
        ("argdown", "map.argdown", f"[A]: text\n  + {CLEAR_AND_RETITLE}<B>\n  (1)"),
        (
            "json",
            "case.json",
            json.dumps({"argmap_json": 1, "case": {"title": CLEAR_AND_RETITLE, "question": "?"}}),
        ),
    ],
)
def test_error_messages_cannot_drive_the_terminal(write_case, tmp_path, fmt, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    target = ["--into", str(write_case())] if fmt == "csv" else ["-o", str(tmp_path / "new")]
    result = CliRunner().invoke(main, ["import", fmt, str(path), *target])
    assert result.exit_code == 1, result.output
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "Traceback" not in result.output
    assert "\u202e" not in result.output


REVERSE = "\u202e"  # right-to-left override: makes what follows read backwards


def test_file_names_and_keys_cannot_drive_the_terminal(write_case):
    # A file named with terminal codes, holding a key with a bidi override: `check` names both.
    case = write_case({"evidence/evidence.yaml": None})
    hostile = case / "evidence" / f"ev{CLEAR_AND_RETITLE}{REVERSE}lmay.yaml"
    hostile.write_text(
        EVIDENCE.replace("    credibility: high\n", f"    cred{REVERSE}ibility: high\n"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check", str(case)])
    assert result.exit_code == 1, result.output
    assert "ibility" in result.stderr and "lmay.yaml" in result.stderr  # named, but inert
    for code in ("\x1b", "\x07", REVERSE):
        assert code not in result.output
    assert "\\u202e" in result.stderr and "\\x1b" in result.stderr


@pytest.mark.parametrize("fmt", ["csv"])
def test_bidi_overrides_in_imported_ids_are_shown_escaped(write_case, tmp_path, fmt):
    path = tmp_path / "matrix.csv"
    path.write_text(
        f"id,summary,kind,source,credibility,relevance,accident\nvan{REVERSE}x,x,,,,,\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["import", fmt, str(path), "--into", str(write_case())])
    assert result.exit_code == 1, result.output
    assert REVERSE not in result.output and "\\u202e" in result.stderr
