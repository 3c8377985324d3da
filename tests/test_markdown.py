"""The `markdown` format: a report that renders on code hosts, with nothing a user wrote active.

Rendered with cmark-gfm (GitHub's Markdown), raw HTML allowed, so that a failure to escape
would show up as an element in the parsed result.
"""

from __future__ import annotations

import doctest
import json
import os
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from argmap.cli import main
from argmap.io import markdown
from argmap.load import load_case
from argmap.problems import ArgmapError
from argmap.vocabulary import UNRATED_SYMBOL, VOCABULARY
from tests.conftest import REPO
from tests.interchange import ARGMAP, KAZAKH, SCRIPT, need_module
from tests.interchange import FILES as HOSTILE

ALLOWED_TAGS = {
    "a", "blockquote", "code", "em", "h1", "h2", "h3", "hr", "img", "li", "p", "strong",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip


def render(text: str) -> BeautifulSoup:
    cmarkgfm = need_module("cmarkgfm")
    from cmarkgfm.cmark import Options

    html = cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE)
    return BeautifulSoup(html, "html.parser")


def export(runner, case, *extra: str) -> str:
    result = runner.invoke(main, ["export", "markdown", str(case), *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def section(soup: BeautifulSoup, title: str) -> list:
    """The elements after the h2 ``title`` up to the next h2."""
    heading = soup.find("h2", string=title)
    assert heading is not None, title
    found = []
    for sibling in heading.find_next_siblings():
        if sibling.name == "h2":
            break
        found.append(sibling)
    return found


def test_shipped_case_report_structure(runner):
    case = load_case(REPO).case
    soup = render(export(runner, REPO))
    assert soup.h1.get_text() == case.title
    assert case.question in soup.get_text()
    summary = section(soup, "Summary")
    ranking = next(el for el in summary if el.name == "table")
    body = ranking.find("tbody").find_all("tr")
    assert len(body) == len(case.leaves)
    first = [td.get_text() for td in body[0].find_all("td")]
    # Rank 1 first, and among the leaves sharing it, one with the highest posterior.
    scored = json.loads(runner.invoke(main, ["score", str(REPO), "--format", "json"]).stdout)
    best = max(h["posterior"] for h in scored["hypotheses"] if h["rank"] == 1)
    leaders = {h["id"] for h in scored["hypotheses"] if h["rank"] == 1 and h["posterior"] == best}
    assert first[0] == "1" and first[1].split()[-1] in leaders and first[3].endswith("%")
    matrix = next(el for el in section(soup, "Matrix") if el.name == "table")
    header = [th.get_text() for th in matrix.find("thead").find_all("th")]
    assert header[:3] == ["Evidence", "Credibility", "Relevance"]
    assert len(header) == 3 + len(case.leaves)
    rows = matrix.find("tbody").find_all("tr")
    assert len(rows) == len(case.evidence)
    symbols = {r.symbol for r in VOCABULARY.in_case} | {UNRATED_SYMBOL}
    assert all(td.get_text() in symbols for row in rows for td in row.find_all("td")[3:])
    evidence = section(soup, "Evidence")
    quotes = [el for el in evidence if el.name == "blockquote"]
    assert len(quotes) == sum(1 for e in case.evidence if e.quote)
    assert quotes[0].get_text().strip()  # the most diagnostic item's quote
    assert soup.find("h2", string="Arguments") is not None
    assert not soup.find("img")  # without -o there is no image to link


def test_masimov_row_matches_the_case(runner):
    case = load_case(REPO).case
    soup = render(export(runner, REPO))
    matrix = next(el for el in section(soup, "Matrix") if el.name == "table")
    row = next(tr for tr in matrix.find_all("tr") if "masimov-arrested" in tr.get_text())
    cells = [td.get_text() for td in row.find_all("td")]
    item = case.evidence_by_id["masimov-arrested"]
    expected = {"CC": "++", "C": "+", "N": "0", "I": "−", "II": "−−", "NA": "n/a"}
    assert cells[1:3] == [item.credibility, item.relevance]
    assert cells[3:] == [expected[item.ratings[h.id]] for h in case.leaves]


def test_hostile_text_is_inert(runner, write_case):
    case = write_case(HOSTILE)
    text = export(runner, case)
    soup = render(text)
    tags = {tag.name for tag in soup.find_all(True)}
    assert tags <= ALLOWED_TAGS - {"img", "em"}, tags - ALLOWED_TAGS
    assert not soup.find_all(attrs=lambda attrs: any(a.startswith("on") for a in attrs or ()))
    # The one link is the source URL the analyst gave, percent-encoded, http(s) only.
    assert [a["href"] for a in soup.find_all("a")] == [
        "https://example.org/a%20b%28c%29%3Cd%3E",
        "https://example.org/a%20b%28c%29%3Cd%3E",
    ]
    # One h1, the title, as text; headings come only from the report's own structure.
    assert [h.get_text() for h in soup.find_all("h1")] == [f"{SCRIPT} | {KAZAKH} 🔥🚐"]
    assert "# not a heading" in soup.get_text()
    # Every table keeps its shape: pipes in user text do not add columns.
    for table in soup.find_all("table"):
        widths = {len(row.find_all(["td", "th"])) for row in table.find_all("tr")}
        assert len(widths) == 1
    matrix = next(el for el in section(soup, "Matrix") if el.name == "table")
    assert len(matrix.find("thead").find_all("th")) == 6
    first_cells = [tr.find("td").get_text() for tr in matrix.find("tbody").find_all("tr")]
    assert "=cmd|' /C calc'!A0 van" in first_cells
    # The texts survive as text.
    page = soup.get_text()
    for hostile in (SCRIPT, "| pipe | in | cells |", KAZAKH, "حريق متعمد في المستودع", "🔥🚐"):
        assert hostile in page
    assert "[link](http://evil.example)" in page
    assert "**bold**" in page and "_emph_" in page and "~~strike~~" in page


def test_with_output_the_evidence_map_is_written_beside(runner, tmp_path):
    target = tmp_path / "out" / "kazakhstan report.md"
    result = runner.invoke(main, ["export", "markdown", str(REPO), "-o", str(target)])
    assert result.exit_code == 0, result.output
    image = tmp_path / "out" / "kazakhstan report-evidence-map.svg"
    written = result.stdout.splitlines()
    assert [Path(line).resolve() for line in written] == [image, target]  # the image first
    svg = ElementTree.fromstring(image.read_bytes())
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.find(".//{http://www.w3.org/2000/svg}g[@id='evidence_map']") is not None
    soup = render(target.read_text(encoding="utf-8"))
    assert [img["src"] for img in soup.find_all("img")] == ["kazakhstan%20report-evidence-map.svg"]
    assert sorted(p.name for p in target.parent.iterdir()) == [image.name, target.name]


def test_a_failing_diagram_writes_nothing(runner, tmp_path, monkeypatch):
    def broken(*_args, **_kwargs):
        raise ArgmapError("Graphviz failed")

    monkeypatch.setattr("argmap.render.engine.layout", broken)
    target = tmp_path / "report.md"
    result = runner.invoke(main, ["export", "markdown", str(REPO), "-o", str(target)])
    assert result.exit_code == 1
    assert "Graphviz failed" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_export_is_deterministic(runner, tmp_path):
    outputs = []
    for seed in ("0", "4242"):
        result = subprocess.run(
            [*ARGMAP, "export", "markdown", str(REPO)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert export(runner, REPO).encode("utf-8") == outputs[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a | b", "a \\| b"),
        ("<script>", "&lt;script&gt;"),
        ("*x* _y_ `z`", "\\*x\\* \\_y\\_ \\`z\\`"),
        ("# title", "\\# title"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("2022. A year", "2022\\. A year"),
        ("line one\nline two", "line one line two"),
        ("[a](javascript:x)", "\\[a\\](javascript:x)"),
        ("http://x.org", "http\\://x.org"),
        ("AT&T &amp;", "AT&amp;T &amp;amp;"),
        ("$x$ ~~y~~ \\", "\\$x\\$ \\~\\~y\\~\\~ \\\\"),
        ("Қазақ 🔥 عربى", "Қазақ 🔥 عربى"),
    ],
)
def test_inline_escaping(text, expected):
    assert markdown.inline(text) == expected


def test_inline_text_renders_back_to_itself():
    samples = ["a | b", "<b>x</b> & y", "*x* _y_ `z` ~z~", "# h", "- l", "1) n", "[a](b) ![c](d)"]
    for sample in samples:
        soup = render(f"| h |\n|---|\n| {markdown.cell(sample)} |\n\n{markdown.inline(sample)}\n")
        assert soup.find("td").get_text() == sample
        assert soup.find("p").get_text() == sample


def test_doctests():
    assert doctest.testmod(markdown).failed == 0


def test_help_mentions_the_image(runner):
    result = runner.invoke(main, ["export", "--help"])
    words = "".join(result.stdout.split())
    assert "markdownalsowritesitsevidencemapbesideFILE.mdasFILE-evidence-map.svg" in words
