"""`argmap edit` in a real browser (Playwright with the system Chromium) against the real
editor on 127.0.0.1: a case built from an empty folder only through the page, then checked
clean and diffed in git; the keyboard alone rating; someone else's edit picked up; axe-core
on every panel. Screenshots go to test-output/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from argmap.assess import live_assessment
from argmap.cli import main
from argmap.load import load_case
from argmap.vocabulary import UNRATED_NAME, UNRATED_SYMBOL, VOCABULARY
from argmap.wording import figure, percent

from .conftest import LinkedProcess
from .test_accessibility import assert_accessible
from .test_browser import OUTPUT, playwright_api
from .test_editing import git
from .test_server_browser import Tab

pytestmark = [pytest.mark.browser, pytest.mark.server]

expect = playwright_api.expect

SOURCE = """\
Fire at the harbour warehouse

A fire destroyed the harbour warehouse on the night of 3 March. According to the
operator, the alarm system had been switched off at 22:10, an hour before the fire
was reported.

A year earlier, inspectors had flagged the building's wiring as outdated. A night guard
said he saw a van leave   the yard at 23:00.

The insurer had raised the premium in February. The owner was abroad that week.

The harbour master's office was closed for the holiday.
"""


class RealEditor(LinkedProcess):
    """`argmap edit FOLDER --port 0 --no-browser` in a subprocess."""

    def __init__(self, folder: Path, log: Path):
        self.folder = folder
        super().__init__(["edit", folder, "--port", "0", "--no-browser"], log)
        self.base = self.link.split("/e/")[0]


@pytest.fixture
def editor(tmp_path):
    started: list[RealEditor] = []

    def start(folder: Path) -> RealEditor:
        started.append(RealEditor(folder, tmp_path / "editor.log"))
        return started[-1]

    yield start
    for running in started:
        running.kill()


def saved(page, what: str) -> None:
    """Wait for the status line to say ``what`` was saved (the whole description, or its
    start followed by "…")."""
    if what.endswith("…"):
        pattern = re.compile("^Saved: " + re.escape(what[:-1]))
        expect(page.locator("#status")).to_have_text(pattern)
    else:
        expect(page.locator("#status")).to_have_text(f"Saved: {what}.")


def select_text(page, words: str) -> None:
    """Select ``words`` in the source reader, as a mouse drag would."""
    page.evaluate(
        """(words) => {
            const reader = document.getElementById("reader");
            const walker = document.createTreeWalker(reader, NodeFilter.SHOW_TEXT);
            let text = "", nodes = [];
            while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]);
                                        text += walker.currentNode.data; }
            const start = text.indexOf(words), end = start + words.length;
            if (start < 0) throw new Error("not in the reader: " + words);
            const at = (offset) => { for (let i = nodes.length - 1; i >= 0; i--)
                if (nodes[i][1] <= offset) return [nodes[i][0], offset - nodes[i][1]]; };
            const range = document.createRange();
            range.setStart(...at(start)); range.setEnd(...at(end));
            const chosen = window.getSelection();
            chosen.removeAllRanges(); chosen.addRange(range);
        }""",
        words,
    )


def show(page, tab: str) -> None:
    page.get_by_role("tab", name=tab).click()


def test_a_case_built_from_an_empty_folder_only_in_the_browser(browser, editor, tmp_path, runner):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    folder = repo / "case"
    server = editor(folder)
    tab = Tab(browser, server.base)
    page = tab.page
    page.goto(server.link)
    expect(page.locator("#status")).to_have_text(re.compile("^Ready"))
    expect(page.locator("#matrix-empty")).to_be_visible()
    page.screenshot(path=str(OUTPUT / "editor-empty.png"))

    # The question and three hypotheses.
    show(page, "Hypotheses & map")
    page.fill("#case-title-input", "Warehouse fire")
    page.fill("#case-question-input", "What caused the fire at the harbour warehouse?")
    page.click("#case-form button[type=submit]")
    saved(page, "edit the case's title, question")
    expect(page.locator("#case-title")).to_have_text("Warehouse fire")
    for title, statement in (
        ("Accident", "The fire started by accident."),
        ("Arson", "Someone set the fire deliberately."),
        ("Other", "None of the above explains the fire."),
    ):
        page.fill("#hypothesis-title", title)
        page.fill("#hypothesis-statement", statement)
        page.click("#hypothesis-form button[type=submit]")
        saved(page, f"add hypothesis '{title}'")
    expect(page.locator("#hypothesis-list li")).to_have_count(3)

    # A source pasted in, then five items, each from a passage selected in its text.
    show(page, "Sources")
    page.fill("#source-title", "Harbour gazette")
    page.fill("#source-text", SOURCE)
    page.select_option("#source-reliability", "C")
    page.click("#source-form button[type=submit]")
    saved(page, "add source 'Harbour gazette'")
    expect(page.locator("#reader .para")).to_have_count(5)
    expect(page.locator("#reader .para.uncited")).to_have_count(5)
    passages = {
        "Alarm off at 22:10": "the alarm system had been switched off at 22:10",
        "Wiring flagged": "inspectors had flagged the building's wiring as outdated",
        "Van seen": "saw a van leave   the yard at 23:00",
        "Premium raised": "The insurer had raised the premium in February",
        "Owner abroad": "The owner was abroad that week",
    }
    for number, (summary, words) in enumerate(passages.items()):
        select_text(page, words)
        expect(page.locator("#new-evidence")).to_be_enabled()
        page.click("#new-evidence")
        expect(page.locator("#evidence-quote")).to_have_text(" ".join(words.split()))
        page.fill("#evidence-summary", summary)
        if number == 0:
            page.select_option("#evidence-credibility", "high")
            page.fill("#evidence-date", "2026-03-03")
            page.screenshot(path=str(OUTPUT / "editor-evidence-from-selection.png"))
        page.click("#evidence-form button[type=submit]")
        saved(page, f"add evidence '{summary}'")
        expect(page.locator("#reader mark")).to_have_count(number + 1)
    # Every paragraph but the title and the last is cited now; those two are marked.
    expect(page.locator("#reader .para.uncited")).to_have_count(2)
    expect(page.locator("#reader-meta")).to_contain_text("3 of 5 paragraphs cited")

    # The ratings, from the keyboard, in the matrix; a rationale in the side panel.
    show(page, "Matrix")
    expect(page.locator("#matrix-body tr")).to_have_count(5)
    first = page.locator("button.cell").first
    first.focus()
    keys = {
        "alarm-off-at-22-10": ("i", "c", "n"),
        "wiring-flagged": ("c", "n", "n"),
        "van-seen": ("i", "cc", "n"),
        "premium-raised": ("n", "c", "n"),
        "owner-abroad": ("n", "c", "na"),
    }
    leaves = ("accident", "arson", "other")
    for row, (item, typed) in enumerate(keys.items()):
        for column, letters in enumerate(typed):
            for count, letter in enumerate(letters, start=1):
                page.keyboard.press(letter)
                saved(page, f"rate {item} {letters[:count].upper()} against {leaves[column]}")
            if column < 2:
                page.keyboard.press("ArrowRight")
        page.keyboard.press("Home")
        if row < 4:
            page.keyboard.press("ArrowDown")
    page.keyboard.press("Home")
    for _ in range(4):
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(page.locator("#rationale")).to_be_focused()
    page.keyboard.type("Accidents do not switch alarms off.")
    page.click("#rationale-form button[type=submit]")
    saved(page, "rationale of alarm-off-at-22-10 against accident")
    expect(page.locator("#matrix-foot")).to_contain_text("Posterior")
    page.select_option("#sort", "diagnosticity")  # the item that tells most apart first
    expect(page.locator("#matrix-body tr").first).to_have_attribute("data-evidence", "van-seen")
    page.select_option("#sort", "file")
    page.locator("button.cell").first.focus()
    page.screenshot(path=str(OUTPUT / "editor-matrix.png"))

    # One argument, and the map drawn.
    show(page, "Hypotheses & map")
    page.fill("#argument-claim", "The fire was meant to spread unnoticed")
    page.select_option("#argument-relation", "supports")
    page.select_option("#argument-target", "arson")
    page.check("#argument-premises input[value=alarm-off-at-22-10]")
    page.click("#argument-form button[type=submit]")
    saved(page, "add argument 'The fire was meant to spread unnoticed'")
    expect(page.locator("#argument-list li")).to_have_count(1)
    expect(page.locator("#map")).to_be_visible(timeout=20_000)
    page.locator("#argument-list").scroll_into_view_if_needed()
    page.screenshot(path=str(OUTPUT / "editor-map.png"))
    assert tab.errors == [] and tab.outside == []

    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    case = load_case(folder).case
    assert [h.id for h in case.hypotheses] == ["accident", "arson", "other"]
    assert case.evidence_by_id["van-seen"].quote == "saw a van leave the yard at 23:00"
    assert case.evidence_by_id["alarm-off-at-22-10"].credibility == "high"
    ratings = {
        e.id: tuple(e.ratings[h] for h in ("accident", "arson", "other")) for e in case.evidence
    }
    assert ratings == {e: tuple(code.upper() for code in typed) for e, typed in keys.items()}
    assert case.arguments[0].supports == "arson"
    assert (folder / "evidence" / "sources" / "harbour-gazette.txt").read_text() == SOURCE
    # git sees the case's files and nothing else: no backup, no scratch file.
    assert git(repo, "status", "--porcelain", "--untracked-files=all").splitlines() == [
        "?? case/evidence/evidence.yaml",
        "?? case/evidence/sources/harbour-gazette.txt",
        "?? case/hypotheses/case.yaml",
        "?? case/schema/evidence.schema.json",
        "?? case/schema/hypotheses.schema.json",
    ]

    # Once committed, an edit is one line of the diff; undo and redo from the keyboard.
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "built in the editor")
    show(page, "Matrix")
    page.locator("button.cell").nth(1).focus()
    page.keyboard.press("i")
    saved(page, "rate alarm-off-at-22-10 I against arson")
    diff = git(repo, "diff", "--unified=0").splitlines()
    assert [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        "-    ratings: {accident: I, arson: C, other: N}",
        "+    ratings: {accident: I, arson: I, other: N}",
    ]
    page.keyboard.press("Control+z")
    saved(page, "undo rate alarm-off-at-22-10 I against arson")
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    page.keyboard.press("Control+Shift+z")
    saved(page, "redo rate alarm-off-at-22-10 I against arson")
    assert git(repo, "status", "--porcelain") == " M case/evidence/evidence.yaml\n"
    tab.context.close()


def test_a_change_made_elsewhere_is_picked_up_and_shown(browser, editor, write_case):
    folder = write_case()
    server = editor(folder)
    tab = Tab(browser, server.base)
    page = tab.page
    page.goto(server.link)
    expect(page.locator("#status")).to_have_text(re.compile("^Ready"))
    path = folder / "hypotheses" / "case.yaml"
    path.write_text(path.read_text().replace("title: Arson", "title: Fire-raising"))
    expect(page.locator("#notice")).to_be_visible(timeout=10_000)
    expect(page.locator("#notice-text")).to_contain_text("hypotheses/case.yaml changed on disk")
    expect(page.locator("#matrix-head")).to_contain_text("Fire-raising")
    # An edit made in the page after that keeps the other change.
    page.locator('button.cell[data-evidence="van"][data-hypothesis="other"]').focus()
    page.keyboard.press("i")
    saved(page, "rate van I against other")
    assert "title: Fire-raising" in path.read_text()
    assert load_case(folder).case.evidence_by_id["van"].ratings["other"] == "I"
    # A file left broken elsewhere stops editing with where it is wrong, until it is fixed.
    good = path.read_text()
    path.write_text("hypotheses: [\n")
    expect(page.locator("#broken")).to_be_visible(timeout=10_000)
    expect(page.locator("#broken-list")).to_contain_text("hypotheses/case.yaml")
    path.write_text(good)
    expect(page.locator("#broken")).to_be_hidden(timeout=10_000)
    assert tab.errors == []
    tab.context.close()


def test_rating_with_the_keyboard_alone(browser, editor, write_case):
    folder = write_case()
    server = editor(folder)
    tab = Tab(browser, server.base)
    page = tab.page
    page.goto(server.link)
    expect(page.locator("#status")).to_have_text(re.compile("^Ready"))
    # Tab from the top of the page reaches the matrix's one tab stop.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('cell')"):
            break
    else:
        pytest.fail("Tab never reached the matrix")
    evidence = page.evaluate("document.activeElement.dataset.evidence")
    hypothesis = page.evaluate("document.activeElement.dataset.hypothesis")

    def rating() -> str | None:
        return load_case(folder).case.evidence_by_id[evidence].ratings.get(hypothesis)

    assert (evidence, hypothesis, rating()) == ("van", "accident", "I")
    for key, code in (("c", "C"), ("c", "CC"), ("-", "C"), ("-", "N"), ("a", "NA")):
        page.keyboard.press(key)  # C again: very consistent; N then A: not applicable
        saved(page, f"rate van {code} against accident")
        assert rating() == code
    page.keyboard.press("Delete")
    saved(page, "clear the rating of van against accident")
    assert rating() is None
    # An unrated cell shows the report's unrated symbol and says "unrated".
    cleared = page.locator(
        f'button.cell[data-evidence="{evidence}"][data-hypothesis="{hypothesis}"]'
    )
    expect(cleared).to_have_text(UNRATED_SYMBOL)
    expect(cleared).to_have_attribute("aria-label", re.compile(f": {UNRATED_NAME}$"))
    page.keyboard.press("ArrowRight")
    for code in ("I", "II"):
        page.keyboard.press("i")
        saved(page, f"rate van {code} against arson")
    moved = page.evaluate("document.activeElement.dataset.hypothesis")
    assert moved != hypothesis
    assert load_case(folder).case.evidence_by_id[evidence].ratings[moved] == "II"
    # The cell shows the rating as the report's matrix and the rating sheet do: its symbol,
    # with the name and the code in its title and accessible name.
    cell = page.locator(f'button.cell[data-evidence="{evidence}"][data-hypothesis="{moved}"]')
    very = VOCABULARY["II"]
    expect(cell).to_have_text(very.symbol)
    expect(cell).to_have_attribute("title", f"{very.name} (II)")
    expect(cell).to_have_attribute("aria-label", re.compile(rf": {very.name} \(II\)$"))
    # The side panel's buttons: the symbol over the code, the name said aloud.
    buttons = page.locator("#side-codes button.code[data-code]:not([data-code=''])")
    expect(buttons).to_have_count(len(VOCABULARY.in_case))
    for button, r in zip(buttons.all(), VOCABULARY.in_case, strict=True):
        expect(button.locator(".sym")).to_have_text(r.symbol)
        expect(button.locator(".vcode")).to_have_text(r.code)
        expect(button).to_have_accessible_name(r.name)
    expect(page.locator('#side-codes button[data-code="II"]')).to_have_attribute(
        "aria-pressed", "true"
    )
    # The legend pairs each symbol with the code its keys type; the keys are listed too.
    legend = page.locator("#rating-legend li")
    expect(legend).to_have_text(
        [f"{r.symbol} {r.name} {r.code}" for r in VOCABULARY.in_case]
        + [f"{UNRATED_SYMBOL} {UNRATED_NAME} (Delete clears)"]
    )
    expect(page.locator("#rating-legend kbd")).to_have_text([r.code for r in VOCABULARY.in_case])
    page.locator("details.keys summary").click()
    expect(page.locator("#key-help")).to_contain_text("C: consistent; then C: CC")
    # The scores are written as the report writes them: a real minus, three digits.
    live = live_assessment(load_case(folder).case)
    weighted = dict(
        zip(live.scores.matrix.hypothesis_ids, live.scores.weighted_inconsistency, strict=True)
    )
    foot = page.locator("#matrix-foot tr").first.locator("td")
    expect(foot).to_have_text([figure(weighted[hid]) for hid in weighted] + [""])  # + diagnosticity
    assert any("−" in text for text in foot.all_text_contents())
    # The live posterior: whole percent and never 0% or 100%, as the method writes them.
    posterior = page.locator("#matrix-foot tr").nth(2)
    expect(posterior.locator("th")).to_have_attribute("title", re.compile("never 0% or 100%"))
    expect(posterior.locator("td")).to_have_text(
        [percent(live.posterior[hid], "high") for hid in weighted] + [""]
    )
    row = page.locator(f'button.cell[data-evidence="{evidence}"]').first.locator("xpath=../..")
    expect(row.locator("td.num")).to_have_text(figure(live.diagnosticity[evidence]))
    assert tab.errors == []
    tab.context.close()


def test_axe_finds_no_violation_on_any_panel(browser, editor, write_case, tmp_path):
    folder = write_case()
    server = editor(folder)
    context = browser.new_context(viewport={"width": 1300, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(server.link)
    expect(page.locator("#status")).to_have_text(re.compile("^Ready"))
    page.locator("button.cell").first.click()
    page.locator("details.keys summary").click()
    assert_accessible(page, "the editor's matrix")
    show(page, "Sources")
    expect(page.locator("#reader .para").first).to_be_visible()
    select_text(page, "van")
    page.click("#new-evidence")
    page.click("#evidence-form button[type=submit]")  # no summary: refused at its field
    assert_accessible(page, "the editor's sources, with the evidence form")
    show(page, "Hypotheses & map")
    page.locator("#hypothesis-list button[data-action=edit]").first.click()
    assert_accessible(page, "the editor's hypotheses and map")
    empty = editor(tmp_path / "new")
    page.goto(empty.link)
    expect(page.locator("#matrix-empty")).to_be_visible()
    assert_accessible(page, "the editor on a new case")
    context.close()


def test_hypotheses_renamed_grouped_and_moved_and_a_quote_refound(browser, editor, write_case):
    folder = write_case()
    server = editor(folder)
    tab = Tab(browser, server.base)
    page = tab.page
    page.goto(server.link)
    expect(page.locator("#status")).to_have_text(re.compile("^Ready"))
    show(page, "Hypotheses & map")
    page.fill("#hypothesis-title", "Crime")
    page.fill("#hypothesis-statement", "Someone caused it on purpose.")
    page.click("#hypothesis-form button[type=submit]")
    saved(page, "add hypothesis 'Crime'")
    arson = page.locator('#hypothesis-list li[data-hypothesis="arson"]')
    arson.get_by_role("button", name="Edit Arson").click()
    arson.get_by_label("In the group").select_option("crime")
    arson.get_by_label("Id (renamed everywhere").fill("deliberate")
    arson.locator("button[type=submit]").click()
    saved(page, "rename arson to deliberate")
    other = page.locator('#hypothesis-list li[data-hypothesis="other"]')
    other.get_by_role("button", name="Move Other up").click()
    saved(page, "move other to position 2")
    case = load_case(folder).case
    assert [h.id for h in case.hypotheses] == ["accident", "other", "deliberate", "crime"]
    assert case.hypothesis_by_id["deliberate"].parent == "crime"
    assert case.evidence_by_id["van"].ratings == {"accident": "I", "deliberate": "C", "other": "N"}
    # A quote edited to words the source lacks is refused at the quote; the file stays.
    show(page, "Matrix")
    expect(page.locator("#matrix-head")).to_contain_text("deliberate")
    page.locator('button.cell[data-evidence="van"]').first.click()
    before = (folder / "evidence" / "evidence.yaml").read_bytes()
    page.fill("#item-quote", "two men rode off on bicycles")
    page.click("#item-form button[type=submit]")
    error = page.locator("#item-form .field-error")
    expect(error).to_contain_text("quote")
    expect(page.locator("#item-quote")).to_have_attribute("aria-invalid", "true")
    assert (folder / "evidence" / "evidence.yaml").read_bytes() == before
    page.fill("#item-quote", "Witnesses saw two men leave the yard")
    page.click("#item-form button[type=submit]")
    expect(page.locator("#status")).to_have_text("Saved: the quote was found again in its source.")
    assert load_case(folder).case.evidence_by_id["van"].quote == (
        "Witnesses saw two men leave the yard"
    )
    # The refusal's 422 is the one thing the console reports.
    assert [e for e in tab.errors if "status of 422" not in e] == []
    tab.context.close()


def test_a_source_uploaded_as_a_file_and_undone_with_the_button(
    browser, editor, write_case, tmp_path
):
    folder = write_case()
    server = editor(folder)
    tab = Tab(browser, server.base)
    page = tab.page
    page.goto(server.link)
    expect(page.locator("#status")).to_have_text(re.compile("^Ready"))
    show(page, "Sources")
    upload = tmp_path / "Night guard statement.txt"
    upload.write_text("Statement\n\nI saw a van leave at 23:00.\n", encoding="utf-8")
    page.set_input_files("#source-file", str(upload))
    expect(page.locator("#source-title")).to_have_value("Night guard statement")
    expect(page.locator("#source-text")).to_have_value(upload.read_text())
    page.click("#source-form button[type=submit]")
    saved(page, "add source 'Night guard statement'")
    expect(page.locator("#reader-title")).to_have_text("Night guard statement")
    text = folder / "evidence" / "sources" / "night-guard-statement.txt"
    assert text.read_text() == upload.read_text()
    page.click("#undo")
    saved(page, "undo add source 'Night guard statement'")
    assert not text.exists()
    assert "night-guard-statement" not in (folder / "evidence" / "evidence.yaml").read_text()
    expect(page.locator("#redo")).to_be_enabled()
    page.click("#redo")
    saved(page, "redo add source 'Night guard statement'")
    assert text.read_text() == upload.read_text()
    assert tab.errors == []
    tab.context.close()
