"""The live workshop's facilitator controls, discussion, presenter view and links
(docs/workshops.md, Live workshops), over HTTP with Starlette's TestClient; a database
written by the first release of the server is opened and migrated in place."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from argmap.load import load_case
from argmap.workshop.store import SCHEMA_VERSION, Store

from .conftest import HYPOTHESES_WITH_GROUP, REPO
from .test_server import BASE, Workshop

pytestmark = [pytest.mark.server]

SCHEMA_1 = REPO / "tests" / "data" / "workshop" / "schema-1.sqlite"
"""Written by the server before the discussion and proposals (schema 1): Ann O'Neil and Bob,
round 1 revealed, round 2 open, Ann's van/arson changed in round 2."""


@pytest.fixture
def ws(write_case, db_url) -> Workshop:
    """A workshop on each store in turn: SQLite and PostgreSQL."""
    return Workshop(write_case(), db_url)


def _json_error(response, status: int) -> str:
    assert response.status_code == status, response.text
    return response.json()["error"]


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


# --- the database ---------------------------------------------------------------------------


def test_a_database_of_the_first_release_is_migrated_in_place(write_case, tmp_path):
    db = tmp_path / "old.sqlite"
    shutil.copy(SCHEMA_1, db)
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone() == ("1",)
        tokens = dict(raw.execute("SELECT name, token FROM participants"))
    ws = Workshop(write_case(), db)
    store = ws.server.store
    assert store.meta("schema") == str(SCHEMA_VERSION) == "4"
    assert store.state() == (2, 1)
    assert {p.name: p.token for p in store.participants()} == tokens
    ann = next(p for p in store.participants() if p.name == "Ann O'Neil")
    cells = {
        (c.round, c.evidence, c.hypothesis): (c.vote, c.rationale)
        for c in store.cells(ann.id)[ann.id]
    }
    assert cells == {
        (1, "van", "arson"): ("CC", "Two men, at night."),
        (1, "alarm", "arson"): ("C", None),
        (2, "van", "arson"): ("C", "Changed my mind."),
    }
    # Everything works on the migrated file: pages, comments, the export.
    assert ws.client.get(f"/f/{ws.token}").status_code == 200
    assert ws.client.get(f"/p/{ann.token}/results").status_code == 200
    answer = ws.facilitator(
        "comments", {"evidence": "van", "hypothesis": None, "text": "Who saw them?"}
    )
    assert answer.status_code == 201, answer.text
    assert ws.facilitator("export").status_code == 200
    # Opening it again changes nothing.
    assert Store(db).meta("schema") == "4" and len(Store(db).comments()) == 1


def test_a_database_of_a_newer_argmap_is_refused(write_case, tmp_path, runner):
    db = tmp_path / "new.sqlite"
    Store(db).set_meta("schema", "99")
    from argmap.cli import main

    result = runner.invoke(main, ["workshop", "invite", "Ann", "--db", str(db)])
    assert result.exit_code == 1
    assert "newer argmap" in result.output and "Traceback" not in result.output


# --- participants ---------------------------------------------------------------------------


def test_inviting_the_same_name_again_gives_that_participants_link(ws):
    ann = ws.invite("Ann O'Neil")
    answer = ws.facilitator("participants", {"name": "ANN  o'neil"})
    assert answer.status_code == 409
    assert answer.json() == {
        "error": "'Ann O'Neil' is already invited",
        "id": 1,
        "name": "Ann O'Neil",
        "link": f"{BASE}/p/{ann.token}",
    }


def test_rename_and_remove_a_participant(ws):
    ann, bob = ws.invite("Ann"), ws.invite("Bob")
    assert ann.rate("van", "arson", "CC", "Two men.").status_code == 200
    assert bob.rate("van", "arson", "II").status_code == 200
    renamed = ws.facilitator("participants/1/rename", {"name": "Ann  Able"})
    assert renamed.status_code == 200 and renamed.json() == {"id": 1, "name": "Ann Able"}
    assert ann.cells() == {(1, "van", "arson"): ("CC", "Two men.")}  # same link, same ratings
    assert "Ann Able" in ws.client.get(f"/p/{ann.token}").text
    assert "already invited" in _json_error(
        ws.facilitator("participants/1/rename", {"name": "bob"}), 409
    )
    assert "name" in _json_error(ws.facilitator("participants/1/rename", {"name": ""}), 422)
    assert "unknown field" in _json_error(ws.facilitator("participants/1/remove", {"x": 1}), 422)
    assert _json_error(ws.facilitator("participants/9/rename", {"name": "Zed"}), 404)
    assert _json_error(ws.facilitator("participants/9/remove"), 404)
    assert _json_error(ws.facilitator("participants/1/explode"), 404)
    # Without the CSRF token, or from another origin, nothing changes.
    refused = ws.client.post(f"/api/f/{ws.token}/participants/2/remove", json={})
    assert refused.status_code == 403
    refused = ws.facilitator("participants/2/remove", Origin="http://evil.example")
    assert refused.status_code == 403
    # A participant's link cannot do it.
    assert (
        ws.client.post(
            f"/api/f/{ann.token}/participants/2/remove", json={}, headers={"X-CSRF-Token": ann.csrf}
        ).status_code
        == 404
    )
    removed = ws.facilitator("participants/2/remove")
    assert removed.status_code == 200 and removed.json() == {"removed": "Bob"}
    assert ws.client.get(f"/p/{bob.token}").status_code == 404
    assert bob.rate("van", "other", "N").status_code == 404
    status = ws.client.get(f"/api/f/{ws.token}/status").json()
    assert [p["name"] for p in status["participants"]] == ["Ann Able"]
    assert [(p["id"], p["name"]) for p in status["removed"]] == [(2, "Bob")]
    assert "already" in _json_error(ws.facilitator("participants/2/remove"), 409)
    assert "not been removed" in _json_error(ws.facilitator("participants/1/restore"), 409)
    assert _json_error(ws.facilitator("participants/9/restore"), 404)
    assert ws.client.post(f"/api/f/{ws.token}/participants/2/restore", json={}).status_code == 403
    page = _soup(ws.client.get(f"/f/{ws.token}"))
    assert [li.select_one(".name").text for li in page.select("#removed li")] == ["Bob"]
    assert page.select_one("#removed-box").get("hidden") is None
    assert [th.text for th in page.select("#people .name")] == ["Ann Able"]
    # Bob's name is still his: inviting it again says so, and makes no second Bob.
    again = ws.facilitator("participants", {"name": "bob"})
    assert again.status_code == 409
    assert again.json() == {
        "error": "'Bob' belongs to a removed participant: restore them (their link and "
        "ratings come back) rather than invite the name again",
        "id": 2,
        "name": "Bob",
        "removed": True,
    }
    # Restored: the same link works again, with the ratings he had entered.
    restored = ws.facilitator("participants/2/restore")
    assert restored.status_code == 200, restored.text
    assert restored.json() == {"restored": "Bob", "id": 2, "link": f"{BASE}/p/{bob.token}"}
    assert bob.cells() == {(1, "van", "arson"): ("II", None)}
    status = ws.client.get(f"/api/f/{ws.token}/status").json()
    assert [(p["name"], p["answered"]) for p in status["participants"]] == [
        ("Ann Able", 1),
        ("Bob", 1),
    ]
    assert status["removed"] == []
    page = _soup(ws.client.get(f"/f/{ws.token}"))
    assert page.select("#removed li") == [] and page.select_one("#removed-box").has_attr("hidden")


def test_a_removed_participant_counts_nowhere_until_restored(ws):
    ann, bob = ws.invite("Ann"), ws.invite("Bob")
    assert ann.rate("van", "arson", "CC").status_code == 200
    assert bob.rate("van", "arson", "II").status_code == 200
    assert (
        bob.client.post(
            f"/api/p/{bob.token}/comments",
            json={"evidence": "van", "hypothesis": None, "text": "Bob's doubt."},
            headers={"X-CSRF-Token": bob.csrf},
        ).status_code
        == 201
    )
    assert ws.facilitator("participants/2/remove").status_code == 200
    assert ws.facilitator("reveal").status_code == 200
    # Results and export: Ann's ratings only; Bob's comment kept, unattributed.
    view = ws.server.aggregate()
    assert view is not None and len(ws.server.revealed()[0].labels) == 1
    status = ws.client.get(f"/api/f/{ws.token}/status").json()
    assert [c["by"] for c in status["comments"]] == ["a removed participant"]
    exported = ws.facilitator("export")
    assert exported.status_code == 200, exported.text
    assert not any("bob" in line.lower() for line in exported.json()["lines"])
    assert exported.json()["comments"][0]["by"] == "a removed participant"
    # Restored: he counts again, his comment is his again.
    assert ws.facilitator("participants/2/restore").status_code == 200
    assert len(ws.server.revealed()[0].labels) == 2
    status = ws.client.get(f"/api/f/{ws.token}/status").json()
    assert [c["by"] for c in status["comments"]] == ["Bob"]
    assert ws.client.get(f"/p/{bob.token}/results").status_code == 200


# --- reveal and export ------------------------------------------------------------------------


def test_export_names_the_incomplete_and_writes_the_discussion(ws):
    ann, bob = ws.invite("Ann"), ws.invite("Bob")
    ws.invite("Carol")
    for evidence in ("van", "alarm"):
        for hypothesis in ("accident", "arson", "other"):
            assert ann.rate(evidence, hypothesis, "N").status_code == 200
    assert bob.rate("van", "arson", "II").status_code == 200
    status = ws.client.get(f"/api/f/{ws.token}/status").json()
    assert [(p["name"], p["answered"], p["total"]) for p in status["participants"]] == [
        ("Ann", 6, 6),
        ("Bob", 1, 6),
        ("Carol", 0, 6),
    ]
    assert (
        bob.client.post(
            f"/api/p/{bob.token}/comments",
            json={
                "evidence": "van",
                "hypothesis": "arson",
                "text": 'Two men "at night"\nmeans little.',
            },
            headers={"X-CSRF-Token": bob.csrf},
        ).status_code
        == 201
    )
    answer = ws.facilitator("export")
    assert answer.status_code == 200, answer.text
    warnings = answer.json()["warnings"]
    assert "Bob has rated 1 of 6 cells (round 1)" in warnings
    assert "Carol has rated no cell: left out of the aggregate and the export" in warnings
    assert not any(w.startswith("Ann") for w in warnings)
    written = Path(answer.json()["comments_file"])
    assert written == ws.server.report_path.with_name("workshop-comments.yaml")
    comments = yaml.safe_load(written.read_text(encoding="utf-8"))["comments"]
    assert comments == answer.json()["comments"]
    assert [
        {k: c[k] for k in ("round", "evidence", "hypothesis", "by", "text")} for c in comments
    ] == [
        {
            "round": 1,
            "evidence": "van",
            "hypothesis": "arson",
            "by": "Bob",
            "text": 'Two men "at night"\nmeans little.',
        }
    ]


# --- discussion -------------------------------------------------------------------------------


def _comment(who, body, status=201):
    answer = who.client.post(
        f"/api/p/{who.token}/comments", json=body, headers={"X-CSRF-Token": who.csrf}
    )
    assert answer.status_code == status, answer.text
    return answer


def _seen(who) -> list[tuple[str, str]]:
    answer = who.client.get(f"/api/p/{who.token}/comments")
    assert answer.status_code == 200
    return [(c["by"], c["text"]) for c in answer.json()["comments"]]


def test_comments_are_the_facilitators_at_once_and_everyones_after_the_reveal(ws):
    ann, bob = ws.invite("Ann"), ws.invite("Bob")
    ann.rate("van", "arson", "CC")
    bob.rate("van", "arson", "II")
    _comment(ann, {"evidence": "van", "hypothesis": "arson", "text": "<b>Two</b> men."})
    _comment(bob, {"evidence": "alarm", "text": "Who switched it off?"})
    assert _seen(ann) == [("you", "<b>Two</b> men.")]
    assert _seen(bob) == [("you", "Who switched it off?")]
    status = ws.client.get(f"/api/f/{ws.token}/status").json()
    assert [(c["by"], c["evidence"], c["hypothesis"]) for c in status["comments"]] == [
        ("Ann", "van", "arson"),
        ("Bob", "alarm", None),
    ]
    board = ws.client.get(f"/f/{ws.token}").text
    assert "&lt;b&gt;Two&lt;/b&gt; men." in board and "<b>Two</b>" not in board
    assert ws.facilitator("reveal").status_code == 200
    letters = ws.server.letters()
    ann_letter, bob_letter = letters["ann"], letters["bob"]
    assert _seen(ann) == [
        ("you", "<b>Two</b> men."),
        (f"analyst {bob_letter}", "Who switched it off?"),
    ]
    # After the reveal the results carry the threads and the participant's own letter.
    results = _soup(ws.client.get(f"/p/{bob.token}/results"))
    assert results.select_one("#your-letter strong").text == bob_letter
    thread = results.select_one("#ev-van .srv-thread").text
    assert f"analyst {ann_letter}" in thread and "<b>Two</b> men." in thread
    assert "Ann" not in results.select_one("#case-items").text
    sheet = _soup(ws.client.get(f"/p/{bob.token}"))
    assert json.loads(sheet.select_one("#server-data").text)["letter"] == bob_letter
    # Comments written in round 2 are hidden from others until round 2 is revealed.
    assert ws.facilitator("round").status_code == 200
    _comment(ann, {"evidence": "van", "text": "Round two thought."})
    assert "Round two thought." not in [text for _, text in _seen(bob)]
    ws.facilitator("comments", {"evidence": "van", "text": "From the chair."})
    assert ("facilitator", "From the chair.") not in _seen(bob)
    assert ws.facilitator("reveal").status_code == 200
    assert ("facilitator", "From the chair.") in _seen(bob)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"evidence": "vann", "text": "x"}, 422, "not an evidence item"),
        ({"evidence": "van", "hypothesis": "crime", "text": "x"}, 422, "has sub-hypotheses"),
        ({"evidence": "van", "hypothesis": 3, "text": "x"}, 422, "must be text"),
        ({"evidence": "van", "text": ""}, 422, "needs some text"),
        ({"evidence": "van"}, 422, "needs some text"),
        ({"evidence": "van", "text": 5}, 422, "must be text"),
        ({"evidence": "van", "text": "x" * 2001}, 422, "at most 2000"),
        ({"evidence": "van", "text": "bell\x07"}, 422, "U+0007"),
        ({"evidence": "van", "text": "x", "vote": "C"}, 422, "unknown field"),
    ],
)
def test_bad_comments_get_a_4xx_with_a_message(write_case, tmp_path, body, status, message):
    ws = Workshop(
        write_case({"hypotheses/case.yaml": HYPOTHESES_WITH_GROUP}), tmp_path / "c.sqlite"
    )
    ann = ws.invite("Ann")
    assert message in _json_error(_comment(ann, body, status), status)
    assert message in _json_error(ws.facilitator("comments", body), status)
    assert ws.server.store.comments() == []


def test_comments_need_the_csrf_token_our_origin_and_json(ws):
    ann = ws.invite("Ann")
    url = f"/api/p/{ann.token}/comments"
    body = {"evidence": "van", "text": "x"}
    assert ws.client.post(url, json=body).status_code == 403
    assert ws.client.post(url, json=body, headers={"X-CSRF-Token": ws.csrf}).status_code == 403
    evil = {"X-CSRF-Token": ann.csrf, "Origin": "http://evil.example"}
    assert ws.client.post(url, json=body, headers=evil).status_code == 403
    cross = {"X-CSRF-Token": ann.csrf, "Sec-Fetch-Site": "cross-site"}
    assert ws.client.post(url, json=body, headers=cross).status_code == 403
    form = {"X-CSRF-Token": ann.csrf, "Content-Type": "application/x-www-form-urlencoded"}
    assert ws.client.post(url, content=b"evidence=van&text=x", headers=form).status_code == 415
    assert ws.client.get("/api/p/not-a-token/comments").status_code == 404
    assert ws.server.store.comments() == []


# --- presenter view ---------------------------------------------------------------------------


def test_the_presenter_view_shows_the_agenda_one_cell_at_a_time(ws):
    ann, bob, carol = ws.invite("Ann"), ws.invite("Bob"), ws.invite("Carol")
    before = _soup(ws.client.get(f"/f/{ws.token}/present"))
    assert before.select_one(".slide h1").text == "Nothing revealed yet"
    assert ws.client.get(f"/f/{ann.token}/present").status_code == 404
    for who, vote in ((ann, "CC"), (bob, "II"), (carol, "N")):
        who.rate("van", "arson", vote, f"{vote} because.")
        who.rate("alarm", "accident", "N")
    ws.facilitator("reveal")
    page = _soup(ws.client.get(f"/f/{ws.token}/present"))
    slides = page.select("section.slide")
    agenda = ws.server.aggregate().agenda
    assert len(slides) == len(agenda) >= 1
    first = slides[0]
    assert "is-current" in first["class"]
    assert first.select_one("h1").text == "Two men left in a van."
    assert first.select_one(".pres-quote").text.startswith("Witnesses saw two men")
    rows = [(r.th.text, r.select_one(".cell")["class"][1]) for r in first.select("tbody tr")]
    assert sorted(vote for _, vote in rows) == ["r-CC", "r-II", "r-N"]
    assert {label for label, _ in rows} == set(ws.server.letters().values())
    assert "Ann" not in page.text and "Bob" not in page.text
    assert page.select_one("#next") and page.select_one("#prev")


# --- links ------------------------------------------------------------------------------------


def _pages(ws: Workshop, participant) -> dict[str, str]:
    return {
        "facilitator": f"/f/{ws.token}",
        "presenter": f"/f/{ws.token}/present",
        "participant": f"/p/{participant.token}",
        "results": f"/p/{participant.token}/results",
    }


def crawl(ws: Workshop, paths: dict[str, str]) -> int:
    """Follow every href on every page: a fragment must name an element of its page, a path
    must be a page of the server (200) holding the fragment. Returns the links checked."""
    checked = 0
    cache: dict[str, BeautifulSoup] = {}

    def fetch(path: str) -> BeautifulSoup:
        if path not in cache:
            cache[path] = _soup(ws.client.get(path))
        return cache[path]

    for name, path in paths.items():
        for link in fetch(path).select("[href]"):
            href = link["href"]
            target, fragment = urldefrag(href)
            parts = urlsplit(target)
            assert not parts.scheme or target.startswith(BASE), (name, href)
            target_path = parts.path or path
            page = fetch(target_path)
            if fragment:
                assert page.find(id=fragment) is not None, f"{name}: {href} leads nowhere"
            checked += 1
    return checked


def test_every_link_on_every_server_page_resolves(tmp_path):
    case = tmp_path / "shipped"
    shutil.copytree(REPO / "hypotheses", case / "hypotheses")
    shutil.copytree(REPO / "evidence", case / "evidence")
    loaded = load_case(case).case
    ws = Workshop(case, tmp_path / "links.sqlite")
    people = [ws.invite(name) for name in ("Ann", "Bob", "Carol")]
    votes = ("CC", "II", "N")
    for who, vote in zip(people, votes, strict=True):
        for item in loaded.evidence[:12]:
            for leaf in loaded.leaves:
                assert who.rate(item.id, leaf.id, vote).status_code == 200
    _comment(people[0], {"evidence": loaded.evidence[0].id, "text": "A comment."})
    before = crawl(ws, {k: v for k, v in _pages(ws, people[0]).items() if k != "results"})
    ws.facilitator("reveal")
    after = crawl(ws, _pages(ws, people[0]))
    assert after > 100 > before - 1  # the workshop section's links are all there
    ws.facilitator("round")
    crawl(ws, _pages(ws, people[1]))


# --- proposals --------------------------------------------------------------------------------

FIRE = {
    "type": "evidence",
    "source": "report",
    "quote": "The fire started shortly after 23:00 on 3 March.",
    "summary": "The fire started after 23:00.",
    "kind": "fact",
    "note": "Timing matters for the alarm.",
}


def _propose(who, body, status=201):
    answer = who.client.post(
        f"/api/p/{who.token}/proposals", json=body, headers={"X-CSRF-Token": who.csrf}
    )
    assert answer.status_code == status, answer.text
    return answer


def test_proposals_are_stored_decided_and_accepted_ones_enter_the_case(ws, runner):
    from argmap.cli import main

    ann, bob = ws.invite("Ann"), ws.invite("Bob")
    first = _propose(ann, FIRE).json()
    assert (
        first["saved"]
        and first["what"] == 'evidence item from report: "The fire started after 23:00."'
    )
    _propose(
        bob, {"type": "hypothesis", "title": "Insurance fraud", "statement": "The owner set it."}
    )
    _propose(bob, {"type": "vote", "evidence": "alarm", "credibility": "low"})
    _propose(ann, {"type": "vote", "evidence": "alarm", "credibility": "low", "relevance": "high"})
    rejected_vote = _propose(ann, {"type": "vote", "evidence": "van", "relevance": "low"}).json()
    # The facilitator sees them live, with names; votes are counted.
    status = ws.client.get(f"/api/f/{ws.token}/status").json()
    assert [(p["by"], p["proposal"]["type"], p["status"]) for p in status["proposals"]] == [
        ("Ann", "evidence", "open"),
        ("Bob", "hypothesis", "open"),
        ("Bob", "vote", "open"),
        ("Ann", "vote", "open"),
        ("Ann", "vote", "open"),
    ]
    assert status["votes"]["alarm"]["credibility"] == {"high": 0, "medium": 0, "low": 2}
    # Participants see only their own proposals; votes are counted for them after the reveal.
    own = ann.client.get(f"/api/p/{ann.token}/proposals").json()
    assert [p["id"] for p in own["proposals"]] == [1, 4, 5] and own["votes"] == {}
    # Accept the evidence item: written into the case with a backup, in the matrix at once.
    evidence_file = ws.folder / "evidence" / "evidence.yaml"
    before = evidence_file.read_text()
    answer = ws.facilitator(
        f"proposals/{first['id']}", {"decision": "accept", "reason": "Good find."}
    )
    assert answer.status_code == 200, answer.text
    written = [Path(p) for p in answer.json()["written"]]
    assert written[0] == evidence_file and written[1].read_text() == before
    new_id = next(e for e in ws.server.evidence_ids if e not in ("van", "alarm"))
    assert ann.rate(new_id, "arson", "C").status_code == 200
    assert f'data-evidence="{new_id}"' in ws.client.get(f"/p/{bob.token}").text
    assert runner.invoke(main, ["check", str(ws.folder)]).exit_code == 0
    # Accept the hypothesis; reject a vote with a reason; accept a vote (advisory: no file).
    assert ws.facilitator("proposals/2", {"decision": "accept"}).status_code == 200
    assert "insurance-fraud" in ws.server.leaf_ids
    answer = ws.facilitator(
        f"proposals/{rejected_vote['id']}", {"decision": "reject", "reason": "Too late."}
    )
    assert answer.status_code == 200 and answer.json() == {"status": "rejected", "written": []}
    assert ws.facilitator("proposals/3", {"decision": "accept"}).json()["written"] == []
    assert "already" in _json_error(ws.facilitator("proposals/3", {"decision": "reject"}), 409)
    assert _json_error(ws.facilitator("proposals/99", {"decision": "accept"}), 404)
    own = ann.client.get(f"/api/p/{ann.token}/proposals").json()["proposals"]
    assert [(p["status"], p["reason"]) for p in own] == [
        ("accepted", "Good find."),
        ("open", None),
        ("rejected", "Too late."),
    ]
    # The store says what was decided; a restarted server serves the grown case.
    again = Workshop(ws.folder, ws.db)
    assert new_id in again.server.evidence_ids and "insurance-fraud" in again.server.leaf_ids
    assert ws.server.store.meta("case_digest") == again.server.digest


def test_an_accepted_proposal_that_no_longer_fits_is_refused_and_stays_open(ws):
    ann, bob = ws.invite("Ann"), ws.invite("Bob")
    _propose(ann, FIRE)
    _propose(bob, FIRE)  # the same passage twice: the second cannot enter once the first has
    assert ws.facilitator("proposals/1", {"decision": "accept"}).status_code == 200
    message = _json_error(ws.facilitator("proposals/2", {"decision": "accept"}), 409)
    assert "already has this quote" in message
    status = ws.client.get(f"/api/f/{ws.token}/status").json()
    assert [p["status"] for p in status["proposals"]] == ["accepted", "open"]
    assert (
        ws.facilitator("proposals/2", {"decision": "reject", "reason": "A duplicate."}).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({**FIRE, "quote": "The fire started at noon."}, "not in the text of 'report'"),
        ({**FIRE, "source": "nowhere"}, "not a source of the case"),
        ({**FIRE, "colour": "red"}, "unknown key 'colour'"),
        ({"type": "rumour"}, "type"),
        ({"type": "evidence", "source": "report"}, "needs 'quote'"),
        ({"type": "vote", "evidence": "vann", "credibility": "low"}, "not an evidence item"),
        ({"type": "vote", "evidence": "van", "credibility": "huge"}, "credibility"),
        (
            {"type": "hypothesis", "title": "Arson", "statement": "Again."},
            "already has a hypothesis",
        ),
        ({"type": "hypothesis", "title": "A\x07", "statement": "Bell."}, "U+0007"),
        ({**FIRE, "summary": 5}, "summary"),
    ],
)
def test_bad_proposals_get_a_422_naming_what_is_wrong(ws, body, message):
    ann = ws.invite("Ann")
    assert message in _json_error(_propose(ann, body, 422), 422)
    assert ws.server.store.proposals() == []


def test_proposal_endpoints_need_the_right_link_csrf_origin_and_body(ws):
    ann = ws.invite("Ann")
    url = f"/api/p/{ann.token}/proposals"
    assert ws.client.post(url, json=FIRE).status_code == 403
    assert ws.client.post(url, json=FIRE, headers={"X-CSRF-Token": ws.csrf}).status_code == 403
    evil = {"X-CSRF-Token": ann.csrf, "Origin": "http://evil.example"}
    assert ws.client.post(url, json=FIRE, headers=evil).status_code == 403
    assert (
        ws.client.post(
            url,
            content=b"[1]",
            headers={"X-CSRF-Token": ann.csrf, "Content-Type": "application/json"},
        ).status_code
        == 400
    )
    big = {**FIRE, "note": "x" * 40_000}
    assert ws.client.post(url, json=big, headers={"X-CSRF-Token": ann.csrf}).status_code == 413
    assert ws.client.get("/api/p/nope/proposals").status_code == 404
    _propose(ann, FIRE)
    decide = f"/api/f/{ws.token}/proposals/1"
    assert ws.client.post(decide, json={"decision": "accept"}).status_code == 403
    assert (
        ws.client.post(
            f"/api/f/{ann.token}/proposals/1",
            json={"decision": "accept"},
            headers={"X-CSRF-Token": ann.csrf},
        ).status_code
        == 404
    )
    assert "'decision'" in _json_error(ws.facilitator("proposals/1", {"decision": "yes"}), 422)
    assert "unknown field" in _json_error(
        ws.facilitator("proposals/1", {"decision": "accept", "x": 1}), 422
    )
    assert "U+0000" in _json_error(
        ws.facilitator("proposals/1", {"decision": "reject", "reason": "\x00"}), 422
    )
    assert ws.server.store.proposals()[0].status == "open"
