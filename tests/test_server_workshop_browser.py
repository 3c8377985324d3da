"""A whole live workshop in a real browser (Playwright with the system Chromium) against the
real server on 127.0.0.1: a facilitator and three participants, two rounds, a comment, a
proposal accepted into the case, the reveal's completeness step and the presenter view; a
participant removed and restored. Screenshots go to test-output/ (server-facilitator-live.png,
server-reveal-step.png, server-presenter.png, server-removed.png)."""

from __future__ import annotations

import json
import re

import httpx
import pytest
import yaml
from bs4 import BeautifulSoup

from argmap.cli import main

from .test_browser import OUTPUT, playwright_api
from .test_server import real_server  # noqa: F401, F811  (a fixture)
from .test_server_browser import Tab, _cell, _saved

pytestmark = [pytest.mark.browser, pytest.mark.server]

expect = playwright_api.expect
FIRE = {
    "type": "evidence",
    "source": "report",
    "quote": "The fire started shortly after 23:00 on 3 March.",
    "summary": "The fire started after 23:00.",
    "kind": "fact",
}


def _rate(page, evidence: str, hypothesis: str, vote: str) -> None:
    _cell(page, evidence, hypothesis).locator(f"label.v-{vote}").click()


def _step(board, title: str):
    step = board.locator("#step")
    expect(step).to_be_visible()
    expect(board.locator("#step-h")).to_have_text(title)
    return step


def test_two_rounds_with_comments_a_proposal_and_the_reveal(
    browser,
    write_case,
    real_server,  # noqa: F811
    runner,
    tmp_path,
):
    folder = write_case()
    server = real_server(folder)
    db = tmp_path / "workshop.sqlite"
    host = Tab(browser, server.base)
    board = host.page
    board.goto(server.link)

    # Two participants invited in the page, one from the command line while the page is open.
    for name in ("Ann", "Bob"):
        board.fill("#invite-name", name)
        board.click("#invite button")
        expect(board.locator("#people tr.person")).to_have_count(1 if name == "Ann" else 2)
    invited = runner.invoke(main, ["workshop", "invite", "Carol", "--db", str(db)])
    assert invited.exit_code == 0, invited.output
    expect(board.locator("#people tr.person")).to_have_count(3, timeout=10_000)
    links = dict(
        zip(
            board.locator("#people th.name").all_inner_texts(),
            board.locator("#people code.link").all_inner_texts(),
            strict=True,
        )
    )
    assert set(links) == {"Ann", "Bob", "Carol"}
    assert all(link.startswith(server.base + "/p/") for link in links.values())
    # The same name again: the page shows that participant's link.
    board.fill("#invite-name", "ANN")
    board.click("#invite button")
    expect(board.locator("#message")).to_contain_text(
        "Ann is already invited; their link: " + links["Ann"]
    )

    tabs = {name: Tab(browser, server.base) for name in links}
    pages = {name: tab.page for name, tab in tabs.items()}
    for name, page in pages.items():
        page.goto(links[name])
        assert page.inner_text(".who strong") == name

    # Round 1: Ann and Bob rate everything, Carol one cell; Ann comments on the van.
    votes = {"Ann": ("CC", "II"), "Bob": ("II", "CC")}
    for name, (van, alarm) in votes.items():
        page = pages[name]
        for hypothesis in ("accident", "arson", "other"):
            _rate(page, "van", hypothesis, van if hypothesis == "arson" else "N")
            _rate(page, "alarm", hypothesis, alarm if hypothesis == "arson" else "N")
        _saved(page)
    _rate(pages["Carol"], "van", "arson", "C")
    _saved(pages["Carol"])
    ann = pages["Ann"]
    thread = ann.locator('details.discussion[data-evidence="van"]')
    thread.locator("summary").click()
    thread.locator("select").select_option("arson")
    thread.locator("textarea").fill("Two men at night: <b>arson</b>?")
    thread.locator("button").click()
    expect(thread.locator(".comment-msg")).to_have_text("Comment saved.")
    expect(thread.locator("li")).to_have_count(1)

    # Bob proposes a new evidence item (sent as his page sends it).
    with httpx.Client(timeout=20) as client:
        bob_mode = json.loads(
            BeautifulSoup(client.get(links["Bob"]).text, "html.parser")
            .select_one("#server-data")
            .text
        )
        sent = client.post(
            server.base + bob_mode["proposeUrl"],
            json=FIRE,
            headers={"X-CSRF-Token": bob_mode["csrf"]},
        )
        assert sent.status_code == 201, sent.text

    # The facilitator sees progress, the comment and the proposal without a reload.
    expect(board.locator('#people tr.person:has(th:text-is("Carol")) .answered')).to_have_text(
        "1 of 6", timeout=10_000
    )
    expect(board.locator('#people tr.person:has(th:text-is("Ann")) .answered')).to_have_text(
        "6 of 6"
    )
    expect(board.locator("#comment-list li")).to_contain_text("Two men at night: <b>arson</b>?")
    proposal = board.locator(".srv-proposal.open")
    expect(proposal).to_contain_text('evidence item from report: "The fire started after 23:00."')
    OUTPUT.mkdir(exist_ok=True)
    board.screenshot(path=str(OUTPUT / "server-facilitator-live.png"), full_page=True)
    proposal.locator("input").fill("Timing matters.")
    proposal.locator("button.accept").click()
    expect(board.locator(".srv-proposal.accepted")).to_contain_text("Accepted: Timing matters.")
    assert "The fire started after 23:00." in (folder / "evidence" / "evidence.yaml").read_text()

    # Reveal: first the completeness step, then the aggregate.
    board.click("#reveal")
    step = _step(board, "Reveal round 1?")
    expect(step.locator(".srv-completeness li")).to_have_text(
        # The accepted item is in the matrix already: 9 cells.
        ["Ann: 6 of 9 cells rated", "Bob: 6 of 9 cells rated", "Carol: 1 of 9 cells rated"]
    )
    board.screenshot(path=str(OUTPUT / "server-reveal-step.png"), full_page=False)
    step.locator("#step-no").click()
    expect(step).to_be_hidden()
    board.click("#reveal")
    _step(board, "Reveal round 1?").locator("#step-yes").click()
    board.wait_for_selector("#workshop")
    assert "3 analysts" in board.inner_text("#workshop-h")

    # The presenter view: one disputed cell at a time, keys move through them.
    presenter = Tab(browser, server.base)
    show = presenter.page
    show.set_viewport_size({"width": 1280, "height": 720})
    show.goto(server.link + "/present")
    slides = show.locator("section.slide")
    total = slides.count()
    assert total >= 2
    expect(show.locator("#where")).to_have_text(f"1 of {total}")
    expect(slides.nth(0)).to_be_visible()
    expect(slides.nth(1)).to_be_hidden()
    show.screenshot(path=str(OUTPUT / "server-presenter.png"))
    show.keyboard.press("ArrowRight")
    expect(show.locator("#where")).to_have_text(f"2 of {total}")
    expect(slides.nth(1)).to_be_visible()
    show.keyboard.press("ArrowLeft")
    expect(show.locator("#where")).to_have_text(f"1 of {total}")
    first = slides.nth(0).inner_text()
    assert "Ann" not in first and "Bob" not in first

    # Participants: their letter, the results, and others' comments after the reveal.
    bob = pages["Bob"]
    bob.reload()
    assert bob.is_visible("#locked-note")
    letter = bob.inner_text("#your-letter strong")
    assert re.fullmatch("[A-Z]", letter)
    bob_thread = bob.locator('details.discussion[data-evidence="van"]')
    bob_thread.locator("summary").click()
    expect(bob_thread.locator("li")).to_contain_text("Two men at night: <b>arson</b>?")
    bob.click("#results-link")
    bob.wait_for_selector("#workshop")
    assert bob.inner_text("#your-letter strong") == letter
    bob.click("#workshop-agenda ~ ol a >> nth=0")
    assert bob.locator(":target").count() == 1  # the link leads to the item, with its quote
    assert bob.locator(":target blockquote").count() == 1

    # Round 2, confirmed; the accepted item is in the matrix; Bob changes his mind.
    board.click("#next-round")
    _step(board, "Open round 2?").locator("#step-yes").click()
    expect(board.locator("#reveal")).to_be_enabled()
    bob.goto(links["Bob"])
    new_items = bob.locator("article.item").evaluate_all("(a) => a.map((x) => x.dataset.evidence)")
    added = [item for item in new_items if item not in ("van", "alarm")]
    assert len(added) == 1
    _rate(bob, "van", "arson", "N")
    _cell(bob, "van", "arson").locator("textarea").fill("The comment convinced me.")
    _rate(bob, added[0], "arson", "C")
    _saved(bob)
    bob.wait_for_timeout(800)
    _saved(bob)
    board.click("#reveal")
    _step(board, "Reveal round 2?").locator("#step-yes").click()
    board.wait_for_selector("#workshop-changes")

    # Export: round files, the incomplete named, the discussion written.
    board.click("#export")
    board.wait_for_selector("#export-result:not([hidden])")
    result = board.inner_text("#export-result")
    assert "warning: Carol has rated 1 of" in result
    ratings = folder / "evidence" / "ratings"
    bob_two = yaml.safe_load((ratings / "bob.round2.yaml").read_text())
    assert bob_two["ratings"]["van"] == {"arson": "N"}
    assert bob_two["rationale"] == {"van": {"arson": "The comment convinced me."}}
    comments = yaml.safe_load((db.parent / "workshop-comments.yaml").read_text())["comments"]
    assert [(c["by"], c["evidence"], c["hypothesis"]) for c in comments] == [
        ("Ann", "van", "arson")
    ]
    assert runner.invoke(main, ["check", str(folder)]).exit_code == 0

    for opened in (host, presenter, *tabs.values()):
        assert opened.errors == [] and opened.outside == []
        opened.context.close()


def test_a_participant_removed_by_mistake_is_restored_with_their_ratings(
    browser,
    write_case,
    real_server,  # noqa: F811
    runner,
    tmp_path,
):
    """Remove and restore in the page, each a confirmed step; the name of a removed
    participant offers the restore instead of a second link. Screenshot:
    test-output/server-removed.png."""
    server = real_server(write_case())
    host = Tab(browser, server.base)
    board = host.page
    board.goto(server.link)
    for count, name in enumerate(("Ann", "Bob"), 1):
        board.fill("#invite-name", name)
        board.click("#invite button")
        expect(board.locator("#people tr.person")).to_have_count(count)
    bob_link = board.locator('#people tr.person:has(th:text-is("Bob")) code.link').inner_text()
    sheet = Tab(browser, server.base)
    sheet.page.goto(bob_link)
    _rate(sheet.page, "van", "arson", "CC")
    _saved(sheet.page)
    expect(board.locator('#people tr.person:has(th:text-is("Bob")) .answered')).to_have_text(
        "1 of 6", timeout=10_000
    )
    expect(board.locator("#removed-box")).to_be_hidden()

    board.click('button[aria-label="Remove Bob"]')
    _step(board, "Remove Bob?").locator("#step-yes").click()
    expect(board.locator("#people tr.person")).to_have_count(1)
    expect(board.locator("#removed-box")).to_be_visible()
    expect(board.locator("#removed li .name")).to_have_text(["Bob"])
    assert httpx.get(bob_link).status_code == 404
    board.screenshot(path=str(OUTPUT / "server-removed.png"), full_page=True)

    # Bob's name again: the page says whose it is and offers the restore.
    board.fill("#invite-name", "bob")
    board.click("#invite button")
    expect(board.locator("#message")).to_contain_text("belongs to a removed participant")
    _step(board, "Restore Bob?")
    board.click("#step-no")
    invited = runner.invoke(
        main, ["workshop", "invite", "Bob", "--db", str(tmp_path / "workshop.sqlite")]
    )
    assert invited.exit_code == 1 and "belongs to a removed participant" in invited.output
    expect(board.locator("#people tr.person")).to_have_count(1)

    board.click('button[aria-label="Restore Bob"]')
    _step(board, "Restore Bob?").locator("#step-yes").click()
    expect(board.locator("#people tr.person")).to_have_count(2)
    expect(board.locator("#removed-box")).to_be_hidden()
    expect(board.locator('#people tr.person:has(th:text-is("Bob")) .answered')).to_have_text(
        "1 of 6"
    )
    expect(board.locator("#message")).to_contain_text(bob_link)
    sheet.page.reload()
    expect(_cell(sheet.page, "van", "arson").locator("input[value=CC]")).to_be_checked()
    for opened in (host, sheet):
        assert opened.errors == [] and opened.outside == []
        opened.context.close()
