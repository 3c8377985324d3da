"""The live workshop in a real browser (Playwright with the system Chromium, as in
test_browser.py) against the real server on 127.0.0.1: the facilitator invites, a
participant rates and reloads, the facilitator reveals and exports, and the exported
files are what was entered. Screenshots go to test-output/."""

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

pytestmark = [pytest.mark.browser, pytest.mark.server]

expect = playwright_api.expect
ALICE = "Alice <Able>"


class Tab:
    """A page that may reach only the workshop server on loopback; console errors (CSP
    violations among them) are recorded."""

    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context(viewport={"width": 1300, "height": 900})
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


def _cell(page, evidence: str, hypothesis: str):
    return page.locator(f'tr.cell[data-evidence="{evidence}"][data-hypothesis="{hypothesis}"]')


def _saved(page) -> None:
    # Locator assertions, not wait_for_function: the page's CSP forbids eval, rightly.
    expect(page.locator("#saved")).to_have_text(re.compile("^Saved at"), timeout=10_000)


def test_rate_reveal_export_in_the_browser(browser, write_case, real_server, runner):  # noqa: F811
    folder = write_case()
    server = real_server(folder)
    host = Tab(browser, server.base)
    board = host.page
    board.goto(server.link)
    assert board.inner_text("#no-people") == "No participants yet."

    # The facilitator creates Alice's link in the page.
    board.fill("#invite-name", ALICE)
    board.click("#invite button")
    board.wait_for_selector("#people tr.person")
    assert board.inner_text("#people th") == ALICE
    alice_link = board.inner_text("#people code.link")
    assert alice_link.startswith(server.base + "/p/")

    # Bob rates through the API (he needs no browser for this test).
    with httpx.Client(timeout=20) as client:
        csrf = json.loads(
            BeautifulSoup(client.get(server.link).text, "html.parser")
            .select_one("#server-data")
            .text
        )["csrf"]
        answer = client.post(
            f"{server.base}/api/f/{server.token}/participants",
            json={"name": "Bob"},
            headers={"X-CSRF-Token": csrf},
        )
        bob = answer.json()["link"]
        bob_csrf = json.loads(
            BeautifulSoup(client.get(bob).text, "html.parser").select_one("#server-data").text
        )["csrf"]
        for evidence, hypothesis, vote in [("van", "arson", "II"), ("alarm", "arson", "CC")]:
            saved = client.post(
                bob.replace("/p/", "/api/p/") + "/ratings",
                json={"evidence": evidence, "hypothesis": hypothesis, "vote": vote},
                headers={"X-CSRF-Token": bob_csrf},
            )
            assert saved.status_code == 200

    # Alice rates a few cells; each is saved as she goes.
    tab = Tab(browser, server.base)
    page = tab.page
    page.goto(alice_link)
    assert page.inner_text(".who strong") == ALICE
    assert page.inner_text("#progress-text") == "0 of 6 cells rated (0%)"
    _cell(page, "van", "arson").locator("label.v-CC").click()
    _saved(page)
    _cell(page, "van", "arson").locator("textarea").fill("Two men, at night.")
    _cell(page, "alarm", "arson").locator("label.v-C").click()
    _cell(page, "alarm", "other").locator("label.v-NA").click()
    _saved(page)
    page.wait_for_timeout(800)  # the reason is sent after a pause in typing
    _saved(page)
    page.reload()
    assert page.inner_text("#progress-text") == "3 of 6 cells rated (50%)"
    assert _cell(page, "van", "arson").locator("input[value=CC]").is_checked()
    assert _cell(page, "van", "arson").locator("textarea").input_value() == "Two men, at night."
    assert page.inner_text("#saved") == ""
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "server-participant.png"))

    # The facilitator sees the progress, reveals, and the aggregate appears.
    board.reload()
    expect(board.locator("#people .answered").first).to_have_text("3 of 6")
    board.click("#reveal")
    expect(board.locator("#step")).to_be_visible()
    board.click("#step-yes")
    board.wait_for_selector("#workshop")
    assert "2 analysts" in board.inner_text("#workshop-h")
    assert board.locator("table.heatmap td.band-extreme").count() >= 1
    assert ALICE not in board.inner_text("#workshop")
    board.screenshot(path=str(OUTPUT / "server-facilitator.png"), full_page=True)

    # Alice's page is locked now, with the results a click away.
    page.reload()
    assert page.is_visible("#locked-note")
    assert _cell(page, "van", "accident").locator("input[value=N]").is_disabled()
    page.click("#results-link")
    page.wait_for_selector("#workshop")

    # Export: the case's ratings files hold exactly what was entered.
    board.click("#export")
    board.wait_for_selector("#export-result:not([hidden])")
    assert "report: " in board.inner_text("#export-result")
    ratings = folder / "evidence" / "ratings"
    alice = yaml.safe_load((ratings / "alice-able.yaml").read_text())
    assert alice["analyst"] == ALICE
    assert alice["ratings"] == {"van": {"arson": "CC"}, "alarm": {"arson": "C", "other": "NA"}}
    assert alice["rationale"] == {"van": {"arson": "Two men, at night."}}
    assert yaml.safe_load((ratings / "bob.yaml").read_text())["ratings"] == {
        "van": {"arson": "II"},
        "alarm": {"arson": "CC"},
    }
    result = runner.invoke(main, ["check", str(folder)])
    assert result.exit_code == 0, result.output

    for opened in (host, tab):
        assert opened.errors == [] and opened.outside == []
        opened.context.close()
