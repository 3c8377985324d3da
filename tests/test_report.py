"""The HTML report, parsed: content, links, escaping, determinism, atomic output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile

import pytest
from bs4 import BeautifulSoup

from argmap.cli import main

from .conftest import REPO
from .test_diagrams import ARGUMENTS, EVIDENCE, HOSTILE, _yaml


@pytest.fixture
def report_of(write_case, runner, tmp_path):
    def render(files=None, *extra: str) -> tuple[str, BeautifulSoup]:
        base = {"hypotheses/case.yaml": ARGUMENTS, "evidence/evidence.yaml": EVIDENCE}
        base.update(files or {})
        folder = write_case(base)
        out = tmp_path / "out" / "report.html"
        result = runner.invoke(main, ["report", str(folder), "-o", str(out), *extra])
        assert result.exit_code == 0, result.output
        html = out.read_text(encoding="utf-8")
        return html, BeautifulSoup(html, "html.parser")

    return render


def test_report_shows_question_ranking_and_matrix(report_of):
    _, soup = report_of()
    assert soup.find("h1").get_text() == "Warehouse fire"
    assert soup.select_one(".question").get_text() == "What caused the fire?"
    rows = soup.select("table.ranking tbody:not(.groups) tr:not(.order-note)")
    ranking = [row.find_all("td") for row in rows]
    # One order: PARC rank, and a shared rank by posterior.
    assert [(cells[0].get_text(), cells[1].a.get_text()) for cells in ranking] == [
        ("1", "Other"),
        ("1", "Arson"),
        ("1", "Insurance fraud"),
        ("4", "Accident"),
    ]
    shown = [int(cells[5].get_text().rstrip("%")) for cells in ranking[:3]]
    assert shown == sorted(shown, reverse=True)
    matrix = soup.find("table", id="matrix-table")
    headers = [th.get_text(strip=True) for th in matrix.select("thead tr:last-child th.hcol")]
    assert headers == ["Accident", "Arson", "Insurance fraud", "Other"]
    group = matrix.select_one("tr.group-row th.group")
    assert group.get_text() == "Crime" and group["colspan"] == "2"
    rows = matrix.select("tbody tr")
    assert [r["id"] for r in rows] == ["row-alarm", "row-van"]  # most diagnostic first
    cells = rows[0].select("td.cell")
    assert [c["class"][1] for c in cells] == ["r-II", "r-CC", "r-C", "r-NA"]
    assert [c.contents[0].get_text() for c in cells] == [
        "−−",
        "++",
        "+",
        "n/a",
    ]
    assert float(rows[0]["data-diagnosticity"]) > float(rows[1]["data-diagnosticity"])


def test_rationale_is_on_the_cell(report_of):
    evidence = EVIDENCE.replace(
        "    ratings: {accident: II, arson: CC, fraud: C, other: NA}",
        "    ratings: {accident: II, arson: CC, fraud: C, other: NA}\n"
        "    rationale: {accident: Accidents do not switch alarms off.}",
    )
    _, soup = report_of({"evidence/evidence.yaml": evidence})
    cell = soup.select_one("#row-alarm td.cell")
    assert (
        cell.select_one(".tip").get_text()
        == "very inconsistent: Accidents do not switch alarms off."
    )
    assert cell["aria-label"] == "Accident: very inconsistent. Accidents do not switch alarms off."
    assert cell["tabindex"] == "0"


def test_evidence_quotes_link_to_highlighted_passages(report_of):
    _, soup = report_of()
    item = soup.find(id="ev-alarm")
    assert item.blockquote.get_text() == "The alarm system had been switched off at 22:10."
    link = item.select_one("p.cite a")
    assert link["href"] == "#q-alarm" and "¶3" in link.get_text()
    anchor = soup.find(id="q-alarm")
    assert anchor["href"] == "#ev-alarm"
    marks = [m for m in soup.find_all("mark") if "alarm" in m["data-evidence"].split()]
    assert (
        "".join(m.get_text() for m in marks) == "The alarm system had been switched off at 22:10."
    )
    paragraphs = soup.select("#src-report .para")
    assert [("uncited" in p["class"]) for p in paragraphs] == [True, False, False]


def test_both_diagrams_are_inline_svg_linked_to_rows(report_of):
    _, soup = report_of()
    for figure_id in ("evidence-map", "argument-map"):
        svg = soup.find(id=figure_id).find("svg")
        assert svg is not None
    links = {
        a.get("xlink:href") or a.get("href") for a in soup.find(id="evidence-map").find_all("a")
    }
    assert "#row-alarm" in links and "#hyp-arson" in links
    for target in ("ev-alarm", "hyp-arson", "arg-alarm-off", "st-planned"):
        assert soup.find(id=target) is not None
    ids = [el["id"] for el in soup.find_all(attrs={"id": True})]
    assert len(ids) == len(set(ids)), "element ids must be unique"


def test_report_is_self_contained(report_of):
    html, soup = report_of()
    assert not soup.find_all("link")
    assert not [s for s in soup.find_all("script") if s.get("src")]
    assert not soup.find_all("img")
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html


def test_report_is_byte_identical_and_has_no_absolute_paths(write_case, runner, tmp_path):
    folder = write_case({"hypotheses/case.yaml": ARGUMENTS, "evidence/evidence.yaml": EVIDENCE})
    outputs = []
    for name in ("a.html", "b.html"):
        result = runner.invoke(main, ["report", str(folder), "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    assert str(tmp_path).encode() not in outputs[0]
    soup = BeautifulSoup(outputs[0], "html.parser")
    assert soup.find("meta", attrs={"name": "argmap-input-digest"})["content"].startswith("sha256:")


def test_digest_changes_with_the_input(write_case, runner, tmp_path):
    digests = []
    for index, title in enumerate(("Warehouse fire", "Warehouse blaze")):
        folder = write_case(
            {
                "hypotheses/case.yaml": ARGUMENTS.replace("Warehouse fire", title),
                "evidence/evidence.yaml": EVIDENCE,
            },
            name=f"c{index}",
        )
        out = tmp_path / f"{index}.html"
        assert runner.invoke(main, ["report", str(folder), "-o", str(out)]).exit_code == 0
        soup = BeautifulSoup(out.read_text(), "html.parser")
        digests.append(soup.find("meta", attrs={"name": "argmap-input-digest"})["content"])
    assert digests[0] != digests[1]


def test_hostile_text_renders_as_text(report_of):
    hypotheses = ARGUMENTS.replace("title: Accident", f"title: {_yaml(HOSTILE)}")
    evidence = EVIDENCE.replace("summary: Two men left in a van.", f"summary: {_yaml(HOSTILE)}")
    evidence = evidence.replace(
        "    ratings: {accident: I, arson: C, fraud: C, other: N}",
        "    ratings: {accident: I, arson: C, fraud: C, other: N}\n"
        f"    rationale: {{accident: {_yaml(HOSTILE)}}}",
    )
    html, soup = report_of({"hypotheses/case.yaml": hypotheses, "evidence/evidence.yaml": evidence})
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and "alert" not in scripts[0].get_text()
    assert not soup.find_all("textarea") and not soup.find_all("b")
    assert soup.select_one("#ev-van h3").get_text().startswith(HOSTILE)
    assert soup.select_one("#row-van td.cell .tip").get_text().endswith(HOSTILE)
    assert "{{ jinja }}" in soup.select_one("#hyp-accident h3").get_text()


def test_default_output_goes_under_the_case_and_is_named_in_full(
    write_case, runner, tmp_path, monkeypatch
):
    # Reporting another folder's case must never land in (or overwrite) this folder's build/.
    folder = write_case()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(main, ["report", os.path.relpath(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(folder / "build" / "report.html")
    assert (folder / "build" / "report.html").is_file()
    assert not list(elsewhere.iterdir())


def test_invalid_case_leaves_previous_report_intact(write_case, runner, tmp_path):
    folder = write_case({"evidence/evidence.yaml": EVIDENCE.replace("ratings:", "ratingz:")})
    out = tmp_path / "report.html"
    out.write_text("previous")
    result = runner.invoke(main, ["report", str(folder), "-o", str(out)])
    assert result.exit_code == 1
    assert "unknown key 'ratingz'" in result.stderr
    assert out.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_unwritable_output_is_a_clear_error(write_case, runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(main, ["report", str(write_case()), "-o", str(blocker / "r.html")])
    assert result.exit_code == 1
    assert result.stderr.startswith("argmap: error: cannot write")
    assert "Traceback" not in result.output


def test_user_templates_override_a_partial(report_of, tmp_path):
    custom = tmp_path / "templates"
    custom.mkdir()
    (custom / "_banner.html").write_text(
        '<div class="classification">UNCLASSIFIED // {{ ctx.title }}</div>\n'
    )
    _, soup = report_of(None, "--templates", str(custom))
    assert soup.select_one(".classification").get_text() == "UNCLASSIFIED // Warehouse fire"
    assert soup.find(id="matrix-table") is not None  # the rest still from the package


def test_broken_user_template_is_a_clear_error(write_case, runner, tmp_path):
    custom = tmp_path / "templates"
    custom.mkdir()
    (custom / "_banner.html").write_text("{{ ctx.no_such_field }}\n")
    result = runner.invoke(
        main,
        ["report", str(write_case()), "-o", str(tmp_path / "r.html"), "--templates", str(custom)],
    )
    assert result.exit_code == 1
    assert "report template error" in result.stderr and "no_such_field" in result.stderr
    assert not (tmp_path / "r.html").exists()


def test_templates_ship_inside_the_wheel(tmp_path):
    wheel_dir = tmp_path / "wheel"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheel_dir),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(wheel_dir.glob("argmap-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(site)
    assert "argmap/templates/report.html" in names
    assert "argmap/templates/_matrix.html" in names
    # Imported from the unpacked wheel, argmap finds its templates inside itself.
    probe = (
        "from argmap.render.html import template_dirs; import argmap; "
        "print(argmap.__file__); print(template_dirs()[0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(site)},
    ).stdout
    module_file, templates = out.splitlines()
    assert module_file.startswith(str(site))
    assert templates == str(site / "argmap" / "templates")


@pytest.mark.pdf
@pytest.mark.parametrize("engine", ["weasyprint", "chromium"])
def test_pdf_report_is_reproducible_with_source_date_epoch(
    write_case, runner, tmp_path, monkeypatch, engine
):
    import shutil

    if engine == "chromium" and not shutil.which("chromium"):
        from .test_browser import _chromium

        _chromium()  # skips visibly, or fails where CI demands every engine
    monkeypatch.setenv("ARGMAP_PDF", engine)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = write_case({"hypotheses/case.yaml": ARGUMENTS, "evidence/evidence.yaml": EVIDENCE})
    outputs = []
    for name in ("a.pdf", "b.pdf"):
        result = runner.invoke(main, ["report", str(folder), "--pdf", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0].startswith(b"%PDF-")
    assert outputs[0] == outputs[1]
    assert b"20231114221320" in _pdf_bytes(outputs[0])  # the epoch as the PDF's date
    assert not list(tmp_path.glob("*.html"))  # --pdf writes only the PDF


def _pdf_bytes(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated, to search metadata in."""
    import re
    import zlib

    parts = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        try:
            # A decompressor stops where the data ends, leaving the end of line before
            # "endstream" over: stripped by a pattern, it took a stream's last byte when that
            # byte was a carriage return.
            parts.append(zlib.decompressobj().decompress(stream.group(1)))
        except zlib.error:
            continue
    return b"".join(parts)


@pytest.mark.pdf
def test_pdf_default_path(write_case, runner, tmp_path, monkeypatch):
    monkeypatch.setenv("ARGMAP_PDF", "weasyprint")
    monkeypatch.chdir(tmp_path)
    folder = write_case()
    result = runner.invoke(main, ["report", str(folder), "--pdf"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(folder / "build" / "report.pdf")
    assert (folder / "build" / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert not (folder / "build" / "report.html").exists()
    assert not (tmp_path / "build").exists()


def test_bad_pdf_settings_are_clear_errors(write_case, runner, tmp_path, monkeypatch):
    monkeypatch.setenv("ARGMAP_PDF", "inkjet")
    result = runner.invoke(
        main, ["report", str(write_case()), "--pdf", "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1 and "ARGMAP_PDF='inkjet'" in result.stderr
    monkeypatch.setenv("ARGMAP_PDF", "weasyprint")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = runner.invoke(
        main, ["report", str(write_case(name="c2")), "--pdf", "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1 and "SOURCE_DATE_EPOCH" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_hostile_quote_is_found_and_rendered_as_text(write_case, runner, tmp_path):
    source = "Hostile report\n\nThe leaflet said: " + HOSTILE + " and nothing more.\n"
    evidence = (
        EVIDENCE.replace("file: sources/report.txt", "file: sources/hostile.txt")
        .replace(
            "quote: Witnesses saw two men leave the yard in a van.", f"quote: {_yaml(HOSTILE)}"
        )
        .replace("quote: The alarm system had been switched off at 22:10.", "quote: Hostile report")
    )
    folder = write_case(
        {
            "hypotheses/case.yaml": ARGUMENTS,
            "evidence/evidence.yaml": evidence,
            "evidence/sources/hostile.txt": source,
        }
    )
    out = tmp_path / "r.html"
    result = runner.invoke(main, ["report", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("#ev-van blockquote").get_text() == HOSTILE
    marked = "".join(m.get_text() for m in soup.find_all("mark") if "van" in m["data-evidence"])
    assert marked == HOSTILE
    assert len(soup.find_all("script")) == 1 and not soup.find_all("textarea")
    dot = runner.invoke(main, ["diagram", str(folder), "--format", "dot"])
    assert dot.exit_code == 0 and dot.stdout.count("digraph") == 1


@pytest.mark.slow
def test_matrix_under_the_live_threshold_is_written_out_whole(tmp_path, runner):
    from argmap.render.html import MATRIX_STATIC_CELLS
    from benchmarks.generate import write

    items = MATRIX_STATIC_CELLS // 10 + 37
    folder = write(tmp_path / "big", 3, items)  # 3 rated columns and a catch-all
    out = tmp_path / "big.html"
    result = runner.invoke(main, ["report", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("script#evidence-data") is None
    assert len(soup.select("#matrix-table tbody tr")) == items
    assert len(soup.select("#evidence article.evidence-item")) == items
    assert soup.select_one("#matrix .note") is None
    # Every link into the page lands on something that exists.
    ids = {el["id"] for el in soup.find_all(attrs={"id": True})}
    targets = {a["href"][1:] for a in soup.find_all("a", href=True) if a["href"].startswith("#")}
    assert targets <= ids, sorted(targets - ids)[:5]
    caption = soup.select_one("#evidence-map figcaption").get_text(" ", strip=True)
    assert "Showing 40 of" in caption


@pytest.mark.parametrize(
    "hypotheses",
    [
        "title: Map only\nquestion: What follows?\nstatements:\n  - {id: s, text: A claim.}\n",
        "title: One\nquestion: Which?\nhypotheses:\n  - {id: only, title: Only, statement: The only one.}\n",
    ],
)
def test_cases_with_too_few_hypotheses_still_score_and_report(
    write_case, runner, tmp_path, hypotheses
):
    evidence = (
        "evidence: []\n"
        if "Map only" in hypotheses
        else ("evidence:\n  - {id: e, summary: E., kind: assumption, ratings: {only: C}}\n")
    )
    folder = write_case(
        {
            "hypotheses/case.yaml": hypotheses,
            "evidence/evidence.yaml": evidence,
            "evidence/sources/report.txt": None,
        }
    )
    for args in (
        ["score", str(folder)],
        ["score", str(folder), "--format", "json"],
        ["report", str(folder), "-o", str(tmp_path / "r.html")],
    ):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
    soup = BeautifulSoup((tmp_path / "r.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find(id="argument-map").find("svg") is not None


def test_the_printed_page_is_static_and_painted_only_for_print(write_case, runner, tmp_path):
    from argmap.render.pdf import _printable

    out = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(write_case()), "-o", str(out)]).exit_code == 0
    html = out.read_text(encoding="utf-8")
    printed = BeautifulSoup(_printable(html), "html.parser")
    assert BeautifulSoup(html, "html.parser").find("script") is not None
    assert printed.find("script") is None  # nothing runs, so nothing changes while printing
    assert all(d.has_attr("open") for d in printed.find_all("details"))
    rules = " ".join(style.get_text() for style in printed.find_all("style"))
    assert "@media screen { body { display: none !important; } }" in rules
    assert "content-visibility: visible !important" in rules


def test_with_low_confidence_no_table_shows_a_percentage_finer_than_five_points(runner, tmp_path):
    out = tmp_path / "report.html"
    assert runner.invoke(main, ["report", str(REPO), "-o", str(out)]).exit_code == 0
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    assert "LOW CONFIDENCE" in soup.get_text().upper()
    for table in ("table.ranking", "#scenarios table"):
        cells = " ".join(cell.get_text(" ") for cell in soup.select(f"{table} td"))
        numbers = [int(n) for n in re.findall(r"(\d+)%", cells)]
        assert numbers, table
        assert [n for n in numbers if n % 5] == [], table
    score = runner.invoke(main, ["score", str(REPO), "--scenarios"])
    numbers = [int(n) for n in re.findall(r"(\d+)%", score.stdout)]
    assert numbers and [n for n in numbers if n % 5] == []


@pytest.fixture(scope="module")
def shipped_report():
    from argmap.load import load_case
    from argmap.render.report import build_report

    result = load_case(REPO)
    return result.case, BeautifulSoup(build_report(result), "html.parser")


def test_the_shipped_summary_names_the_shared_top_and_states_the_group_apart(shipped_report):
    _, soup = shipped_report
    lead = " ".join(soup.select_one("#summary p.lead").get_text().split())
    both = "The authorities let the violence run and Russian-sponsored destabilisation"
    assert lead.startswith(
        "No hypothesis stands apart on this evidence. Sharing the highest posterior: The "
        "authorities let the violence run — very unlikely to unlikely (10–30%) and "
        "Russian-sponsored destabilisation — very unlikely to unlikely (10–30%)."
    )
    assert "Intra-elite struggle" not in lead
    why = soup.select_one("#summary p.why").get_text()
    assert why.startswith("The authorities let the violence run (10–30%) and Russian-sponsored")
    assert why.endswith(
        "The authorities let the violence run is on top in only about 35% of re-ratings, "
        "Russian-sponsored destabilisation in only about 30%."
    )
    assert soup.select_one("#summary p.together").get_text() == (
        "Taken together, the two Intra-elite struggle hypotheses hold 20% (10–30%); one of them "
        "is on top in only about 5% of re-ratings."
    )
    reasons = [li.get_text() for li in soup.select("#summary ul.reasons li")]
    assert (
        f"{both} share the top: The authorities let the violence run is on top in only "
        in (reasons[1])
    )
    assert reasons[-1].startswith(f"The shared top of {both} holds in 18 of 20 scenarios")
    caption = soup.select_one("#scenarios caption").get_text()
    assert f"each weighed afresh: the shared top of {both} holds in 18 of 20." in caption


def _drawn(svg, prefix: str) -> set[str]:
    ids = [g["id"] for g in svg.find_all("g", class_="node")]
    assert all(ident.startswith(prefix) for ident in ids)
    return {ident.removeprefix(prefix) for ident in ids}


def _badge_counts(svg, prefix: str) -> dict[str, int]:
    counts = {}
    for node in svg.find_all("g", class_="node"):
        if node["id"].endswith("_evidence"):
            found = re.search(r"▣ (\d+) evidence items?", node.get_text(" "))
            assert found, node["id"]
            counts[node["id"].removeprefix(prefix).removesuffix("_evidence")] = int(found[1])
    return counts


def test_the_report_has_a_focused_map_per_hypothesis_that_fits_the_screen(shipped_report):
    from argmap.assess import assess
    from argmap.evaluate import evaluate
    from argmap.render.dot import continued_nodes, evidence_badges, focus_nodes
    from argmap.render.pdf import prints_whole
    from argmap.render.report import MAP_FRAME_PX, MAP_MIN_TEXT_PX

    case, soup = shipped_report
    evaluation = evaluate(case)
    views = soup.find(id="argument-maps")
    figures = views.find_all("figure", recursive=False)
    ids = [h.id for h, _ in case.hypotheses_in_order]
    own = [f["id"] for f in figures if not f.has_attr("data-continues")]
    assert own == [f"map-{hid}" for hid in ids] + ["argument-map"]
    assert figures[-1]["id"] == "argument-map"
    evidence = {e.id for e in case.evidence}
    cut = set()
    on_screen: set[str] = set()
    placed: list[str] = []
    for figure in figures[:-1]:
        focus = figure["data-focus"]
        assert figure["class"] == ["diagram", "focused-map"] and figure["id"] == f"map-{focus}"
        if figure.has_attr("data-continues"):
            # A map that goes on from another follows it, and that one stops at its focus.
            parent = figure["data-continues"]
            assert parent in placed, focus
            parent_figure = soup.find(id=f"map-{parent}")
            parent_depth = int(parent_figure["data-depth"])
            assert focus in continued_nodes(case, parent, parent_depth)
            assert figure.find("a", class_="map-back")["href"] == f"#map-{parent}"
        placed.append(focus)
        # The caption says why the focus is labelled as it is, in the evaluation's words.
        label, reason = evaluation.labels[focus], evaluation.reasons[focus]
        assert f"Why {label}: {reason.partition(': ')[2]}" in figure.figcaption.get_text(), focus
        wrap = figure.find("div", class_="svg-wrap")
        assert wrap["tabindex"] == "0" and wrap["role"] == "region" and wrap["aria-label"]
        depth = int(figure["data-depth"]) if figure.has_attr("data-depth") else None
        near = focus_nodes(case, focus, depth)
        on_screen |= set(near)
        badges = {}
        if figure.has_attr("data-badges"):
            badges = evidence_badges(case, [a for a in case.arguments if a.id in near], near)
            assert badges and "counted in a badge" in figure.figcaption.get_text()
        collapsed = {item for items in badges.values() for item in items}
        expected = (set(near) - collapsed) | {f"{a}_evidence" for a in badges}
        prefix = f"map-{focus}-"
        assert _drawn(wrap.svg, prefix) == expected, focus
        assert _badge_counts(wrap.svg, prefix) == {a: len(items) for a, items in badges.items()}
        assert collapsed <= evidence
        if depth is not None:
            cut.add(focus)
            assert f"{depth} of " in figure.figcaption.get_text()
            assert focus_nodes(case, focus, depth) != focus_nodes(case, focus)
            # Every node it stops at is marked and links to a map of its own in the report.
            for node, more in continued_nodes(case, focus, depth).items():
                drawn = wrap.svg.find("g", id=f"{prefix}{node}")
                assert f"▸ {more} more" in drawn.get_text(" "), node
                link = drawn.find("a")["xlink:href"]
                assert link == f"#map-{node}" and soup.find(id=link[1:]) is not None
        # Whole in the viewer's frame at 1440×900 with 10 pt text at 9 CSS px or more.
        width, height = (
            float(wrap.svg[side].removesuffix("pt")) * 4 / 3 for side in ("width", "height")
        )
        scale = min(1, MAP_FRAME_PX[0] / width, MAP_FRAME_PX[1] / height)
        assert 10 * 4 / 3 * scale >= MAP_MIN_TEXT_PX, focus
        # … and whole on one page of A4 and of letter, legibly.
        assert prints_whole(str(wrap.svg)), focus
    assert cut < set(ids)  # most maps are drawn whole
    # Every argument that bears on a hypothesis, however deep, is on some screen.
    bearing = {node for hid in ids for node in focus_nodes(case, hid)}
    assert bearing <= on_screen
    alone = soup.find(id="map-other")
    assert "nothing in the argument map bears on" in alone.figcaption.get_text()
    assert _drawn(alone.svg, "map-other-") == {"other"}
    # The report opens on the map of the hypothesis that leads the ranking.
    top = assess(case).top_ids
    assert views["data-default"] == next(f"map-{hid}" for hid in ids if hid in top)


def test_the_overview_counts_evidence_premises_in_badges_and_can_show_them(shipped_report):
    from argmap.render.dot import argument_map_nodes, evidence_badges

    case, soup = shipped_report
    overview = soup.find(id="argument-map")
    compact = overview.find("div", attrs={"data-variant": "compact"})
    full = overview.find("div", attrs={"data-variant": "all"})
    drawn = argument_map_nodes(case)
    badges = evidence_badges(case, [a for a in case.arguments if a.id in drawn], drawn)
    assert sum(len(items) for items in badges.values()) > 40
    assert _badge_counts(compact.svg, "am-") == {a: len(items) for a, items in badges.items()}
    collapsed = {item for items in badges.values() for item in items}
    assert not collapsed & _drawn(compact.svg, "am-")
    everything = _drawn(full.svg, "amx-")
    assert collapsed <= everything and not any(n.endswith("_evidence") for n in everything)
    assert set(drawn) | {h.id for h in case.hypotheses} == everything


def test_a_deep_chain_of_arguments_is_drawn_in_maps_that_each_fit(write_case, monkeypatch):
    """A chain of 40 arguments, each resting on a statement the next one supports: the
    hypothesis's map is cut to what fits, each cut goes on in a map of its own, every
    argument is on some screen, and the layers that fit are found by bisection."""
    from click.testing import CliRunner

    import argmap.render.engine as engine_module
    from argmap.render.report import MAP_FRAME_PX

    from .conftest import HYPOTHESES

    links = 40
    statements = "".join(
        f"  - {{id: s{i}, text: Step {i} of a long chain of reasoning about the fire.}}\n"
        for i in range(1, links + 1)
    )
    arguments = "".join(
        f"  - {{id: a{i}, claim: Step {i + 1} leads to step {i}., premises: [s{i + 1}],"
        f" supports: s{i}}}\n"
        for i in range(1, links)
    )
    folder = write_case(
        {
            "hypotheses/case.yaml": HYPOTHESES
            + "statements:\n"
            + statements
            + "arguments:\n  - {id: a0, claim: Step 1 means arson., premises: [s1], supports: arson}\n"
            + arguments
        }
    )
    runs = []
    real = engine_module.layout_many
    monkeypatch.setattr(
        engine_module,
        "layout_many",
        lambda sources, engine=None: runs.append(1) or real(sources, engine),
    )
    out = folder / "out" / "report.html"
    result = CliRunner().invoke(main, ["report", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    maps = soup.select("#argument-maps > figure.focused-map")
    continuing = [m for m in maps if m.has_attr("data-continues")]
    assert soup.find(id="map-arson").has_attr("data-depth") and len(continuing) >= 3
    drawn = {g.title.get_text() for m in maps for g in m.select("g.node")}
    assert {f"a{i}" for i in range(links)} <= drawn
    for m in maps:
        svg = m.find("svg")
        width, height = (
            float(svg[side].removesuffix("pt")) * 4 / 3 for side in ("width", "height")
        )
        assert min(1, MAP_FRAME_PX[0] / width, MAP_FRAME_PX[1] / height) * 10 * 4 / 3 >= 9
    # A few rounds per map (bisection over 40 layers), never one per layer.
    assert len(runs) <= 8 * (len(continuing) + 1)


@pytest.mark.parametrize("fits", [True, False])
def test_the_layers_search_ends_whatever_fits(write_case, monkeypatch, fits):
    """When no drawing fits, each map takes its last option (one layer, badges); when every
    drawing fits, each is drawn whole: the search ends either way."""
    import argmap.render.report as report_module
    from argmap.load import load_case as load

    monkeypatch.setattr(report_module, "_readable", lambda _svg: fits)
    html = report_module.build_report(load(REPO))
    soup = BeautifulSoup(html, "html.parser")
    maps = soup.select("#argument-maps > figure.focused-map")
    depths = {m["data-focus"]: m.get("data-depth") for m in maps}
    if fits:
        assert set(depths.values()) == {None} and not any(
            m.has_attr("data-continues") for m in maps
        )
    else:
        assert "1" in depths.values() and all(d in (None, "1") for d in depths.values())


@pytest.mark.parametrize("generated", [False, True])
def test_ready_made_cells_and_card_lines_are_what_the_template_writes(
    tmp_path, monkeypatch, generated
):
    """Rows without a rationale come with their matrix cells and card lines ready made; the
    report is the same bytes as when the template writes every one of them."""
    import dataclasses

    from argmap.load import load_case
    from argmap.render import html as report_html
    from argmap.render.report import build_report
    from benchmarks.generate import write

    folder = write(tmp_path / "case", 6, 40) if generated else REPO
    contexts = []
    real = report_html.render_report
    monkeypatch.setattr(
        report_html,
        "render_report",
        lambda context, templates=None: contexts.append(context) or real(context, templates),
    )
    written = build_report(load_case(folder))
    (context,) = contexts
    ready = [e for e in context.evidence if e.plain_cells is not None]
    assert len(ready) == sum(not e.rationale for e in load_case(folder).case.evidence)
    assert bool(ready) == generated  # every shipped item has a rationale
    assert all(e.plain_rated is not None for e in ready)
    one_by_one = dataclasses.replace(
        context,
        evidence=tuple(
            dataclasses.replace(e, plain_cells=None, plain_rated=None) for e in context.evidence
        ),
    )
    assert real(one_by_one) == written


def test_the_number_of_re_ratings_is_written_as_people_write_it(report_file):
    """The captions give the Monte Carlo's draws in groups of three, as the wording does."""
    soup = BeautifulSoup(report_file.read_text(encoding="utf-8"), "html.parser")
    captions = [c.get_text(" ", strip=True) for c in soup.select("caption, figcaption")]
    said = [c for c in captions if "plausible re-ratings" in c]
    assert len(said) == 2 and all("over 2,000 plausible re-ratings" in c for c in said)


def test_counts_in_a_large_case_are_written_in_groups_of_three(tmp_path):
    """A case of 1,200 items: every count the report writes in its prose reads '1,200',
    never '1200' (a 100 × 10,000 case read '143033 cells', '7429 consistent')."""
    from argmap.load import load_case
    from argmap.render.report import build_report
    from benchmarks.generate import write

    folder = write(tmp_path / "case", 3, 1200)
    soup = BeautifulSoup(build_report(load_case(folder)), "html.parser")
    for script in soup.find_all(["script", "style", "svg"]):
        script.decompose()
    text = soup.get_text(" ", strip=True)
    assert "1,200 items, most diagnostic first" in text
    bare = re.findall(r"(?<![\d,.:#\w-])\d{4,}(?![\d,.:%\w-])", text)
    assert [n for n in bare if not 1900 <= int(n) <= 2100] == []  # years may stand bare
