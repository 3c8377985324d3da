"""The editor's server, `argmap edit` (docs/editor.md), over HTTP with Starlette's TestClient:
the same security as the workshop server (secret link, CSRF, origin and host checks, a nonce
CSP), operations checked and refused at their field, external edits picked up, undo and redo;
then the command itself in a subprocess."""

from __future__ import annotations

import json
import select
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from argmap.cli import main
from argmap.editing import Editor
from argmap.editor import EditorSession, create_app
from argmap.load import load_case
from argmap.vocabulary import UNRATED_NAME, UNRATED_SYMBOL, VOCABULARY

pytestmark = [pytest.mark.server]

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

BASE = "http://127.0.0.1:8000"


class Edit:
    """An editor app under TestClient, posting what the page posts."""

    def __init__(self, folder: Path):
        self.session = EditorSession(Editor(folder))
        self.client = TestClient(create_app(self.session), base_url=BASE)
        self.token = self.session.token
        self.api = f"/api/e/{self.token}"

    def change(self, body: object, **headers: str):
        return self.client.post(
            f"{self.api}/change", json=body, headers={"X-CSRF-Token": self.session.csrf, **headers}
        )

    def state(self) -> dict:
        answer = self.client.get(f"{self.api}/state")
        assert answer.status_code == 200
        return answer.json()


@pytest.fixture
def ed(write_case) -> Edit:
    return Edit(write_case())


def _error(response, status: int) -> str:
    assert response.status_code == status, response.text
    return response.json()["error"]


def test_the_page_carries_the_security_headers_and_a_nonce_csp(ed):
    response = ed.client.get(f"/e/{ed.token}")
    assert response.status_code == 200
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe" not in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    soup = BeautifulSoup(response.text, "html.parser")
    scripts = [s for s in soup.find_all("script") if s.get("type") != "application/json"]
    assert scripts and all(s["nonce"] == nonce for s in scripts)
    assert all(s["nonce"] == nonce for s in soup.find_all("style"))
    data = json.loads(soup.select_one("#editor-data").text)
    assert data["csrf"] == ed.session.csrf and data["api"] == ed.api
    # The page shows ratings by the vocabulary's symbols, an unrated cell's included.
    assert [(r["code"], r["symbol"]) for r in data["vocabulary"]] == [
        (r.code, r.symbol) for r in VOCABULARY.in_case
    ]
    assert data["unrated"] == {"symbol": UNRATED_SYMBOL, "name": UNRATED_NAME}
    # JSON answers carry the headers and the strict default policy too.
    state = ed.client.get(f"{ed.api}/state")
    assert state.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert "server" not in response.headers


def test_without_the_token_nothing_is_found(ed):
    wrong = "x" * 32
    assert ed.client.get(f"/e/{wrong}").status_code == 404
    assert ed.client.get("/").status_code == 404
    assert _error(ed.client.get(f"/api/e/{wrong}/state"), 404) == "unknown link"
    assert _error(ed.client.get(f"/api/e/{wrong}/sources/report"), 404) == "unknown link"
    refused = ed.client.post(
        f"/api/e/{wrong}/change",
        json={"op": "rate", "evidence": "van", "hypothesis": "arson", "rating": "C"},
        headers={"X-CSRF-Token": ed.session.csrf},
    )
    assert _error(refused, 404) == "unknown link"


def test_changes_need_the_csrf_token_our_origin_json_and_a_known_host(ed, write_case):
    before = (ed.session.folder / "evidence" / "evidence.yaml").read_bytes()
    body = {"op": "rate", "evidence": "van", "hypothesis": "arson", "rating": "II"}
    url = f"{ed.api}/change"
    assert "CSRF" in _error(ed.client.post(url, json=body), 403)
    assert "CSRF" in _error(ed.client.post(url, json=body, headers={"X-CSRF-Token": "x"}), 403)
    assert "cross-origin" in _error(ed.change(body, Origin="http://evil.example"), 403)
    assert "cross-origin" in _error(ed.change(body, Origin="http://127.0.0.1:9999"), 403)
    assert "cross-site" in _error(ed.change(body, **{"Sec-Fetch-Site": "cross-site"}), 403)
    form = ed.client.post(url, data=body, headers={"X-CSRF-Token": ed.session.csrf})
    assert "JSON" in _error(form, 415)
    page = ed.client.get(f"/e/{ed.token}", headers={"Host": "evil.example:8000"})
    assert page.status_code == 421
    assert (ed.session.folder / "evidence" / "evidence.yaml").read_bytes() == before
    # Another session's token is no good: each editor has its own.
    other = Edit(write_case(name="other"))
    assert "CSRF" in _error(
        ed.client.post(url, json=body, headers={"X-CSRF-Token": other.session.csrf}), 403
    )
    assert ed.change(body, Origin=BASE).status_code == 200
    assert load_case(ed.session.folder).case.evidence_by_id["van"].ratings["arson"] == "II"


def test_a_refused_change_names_the_file_line_and_field(ed):
    answer = ed.change({"op": "rate", "evidence": "van", "hypothesis": "arson", "rating": "Q"})
    assert answer.status_code == 422
    (problem,) = answer.json()["refused"]
    assert problem["file"] == "evidence/evidence.yaml"
    assert problem["field"] == "evidence[van].ratings.arson"
    assert "'Q' is not allowed" in problem["message"] and problem["line"] > 0
    # A quote edited to words the source does not hold is refused at the quote.
    answer = ed.change({"op": "edit_item", "ident": "van", "fields": {"quote": "a red bicycle"}})
    assert answer.json()["refused"][0]["field"] == "evidence[van].quote"
    assert _error(ed.change({"op": "rate", "evidence": "nothing", "hypothesis": "x"}), 422)
    assert "unknown operation" in _error(ed.change({"op": "delete_everything"}), 422)
    assert "unknown field" in _error(ed.change({"op": "rename", "old": "a", "to": 3}), 422)
    assert "wrong type" in _error(ed.change({"op": "move", "hypothesis": "arson", "to": "1"}), 422)
    assert "missing" in _error(ed.change({"op": "rename", "old": "van"}), 422)
    assert "not JSON" in _error(
        ed.client.post(
            f"{ed.api}/change",
            content=b"{",
            headers={"X-CSRF-Token": ed.session.csrf, "Content-Type": "application/json"},
        ),
        400,
    )


def test_an_edit_answers_with_the_live_scores_and_undo_puts_it_back(ed):
    start = ed.state()
    assert start["undo"] is None and start["scores"]["ranking"]
    before = start["scores"]["score"]["arson"]
    answer = ed.change({"op": "rate", "evidence": "van", "hypothesis": "arson", "rating": "II"})
    assert answer.json()["done"] == "rate van II against arson"
    after = answer.json()["state"]  # the case as it now stands, in the same answer
    assert after == ed.state()
    assert after["version"] > start["version"]
    assert after["scores"]["score"]["arson"] < before  # more inconsistent
    assert after["undo"] == "rate van II against arson"
    assert ed.client.get(f"{ed.api}/state?version={after['version']}").json()["same"] is True
    assert ed.change({"op": "undo"}).status_code == 200
    assert ed.state()["scores"]["score"]["arson"] == before
    assert ed.state()["redo"] == "rate van II against arson"
    assert ed.change({"op": "redo"}).status_code == 200
    assert "nothing to redo" in _error(ed.change({"op": "redo"}), 409)


def test_an_external_edit_is_picked_up_and_announced(ed):
    path = ed.session.folder / "hypotheses" / "case.yaml"
    version = ed.state()["version"]
    path.write_text(path.read_text().replace("title: Arson", "title: Fire-raising"))
    state = ed.state()
    assert state["version"] > version
    assert "hypotheses/case.yaml changed on disk" in state["notice"]
    assert [h["title"] for h in state["hypotheses"] if h["id"] == "arson"] == ["Fire-raising"]
    # A change sent before the page has seen another edit is refused, never made over it.
    path.write_text(path.read_text().replace("title: Accident", "title: Mishap"))
    body = {"op": "rate", "evidence": "van", "hypothesis": "accident", "rating": "CC"}
    assert "changed on disk" in _error(ed.change(body), 409)
    assert "title: Mishap" in path.read_text()
    assert load_case(ed.session.folder).case.evidence_by_id["van"].ratings["accident"] == "I"
    assert "hypotheses/case.yaml changed on disk" in ed.state()["notice"]
    # A broken file stops editing, says where, and the fix is picked up.
    good = path.read_text()
    path.write_text("hypotheses: [\n")
    state = ed.state()
    assert state["broken"] and state["broken"][0]["file"] == "hypotheses/case.yaml"
    body = {"op": "rate", "evidence": "van", "hypothesis": "arson", "rating": "C"}
    assert "errors" in _error(ed.change(body), 409)
    path.write_text(good)
    assert ed.state()["broken"] == []
    assert ed.change(body).status_code == 200


def test_a_source_reads_in_paragraphs_with_its_quotes_marked(ed):
    data = ed.client.get(f"{ed.api}/sources/report").json()
    text = load_case(ed.session.folder).case.source_texts["report"]
    for paragraph in data["paragraphs"]:
        for piece in paragraph["pieces"]:
            assert text[piece["at"] : piece["at"] + len(piece["text"])] == piece["text"]
    cited = [p for p in data["paragraphs"] if p["cited"]]
    assert data["cited"] == len(cited) >= 1
    marked = {eid for p in cited for piece in p["pieces"] for eid in piece["items"]}
    assert "van" in marked
    assert _error(ed.client.get(f"{ed.api}/sources/nothing"), 404)


def test_a_new_case_from_an_empty_folder(tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    ed = Edit(folder)
    assert ed.state()["hypotheses"] == [] and ed.state()["scores"] == {}
    text = "Title\n\nThe van left at 23:00.\n\nThe alarm was off.\n"
    assert ed.change({"op": "add_source", "title": "Log", "text": text}).status_code == 200
    assert (
        ed.change({"op": "add_hypothesis", "title": "Arson", "statement": "Set."}).status_code
        == 200
    )
    start = text.index("The van")
    body = {
        "op": "add_evidence",
        "source": "log",
        "summary": "Van",
        "start": start,
        "end": start + 22,
    }
    assert ed.change(body).status_code == 200
    state = ed.state()
    assert state["evidence"][0]["quote"] == "The van left at 23:00."
    assert state["evidence"][0]["located"] is True


def test_argmap_edit_prints_its_link_first_and_serves_on_loopback(tmp_path, runner):
    folder = tmp_path / "case"
    process = subprocess.Popen(
        [sys.executable, "-c", "from argmap.cli import main; main()", "edit", str(folder)]
        + ["--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 30)
        assert ready, "no link within 30 s"
        link = process.stdout.readline().strip()
        assert link.startswith("http://127.0.0.1:") and "/e/" in link
        import httpx

        assert httpx.get(link, timeout=10).status_code == 200
        assert httpx.get(link.rsplit("/", 1)[0] + "/wrong", timeout=10).status_code == 404
    finally:
        process.kill()
        process.wait(10)
    # The new case is valid, with the JSON Schemas `argmap init` writes for editors.
    assert runner.invoke(main, ["check", str(folder)]).exit_code == 0
    assert (folder / "schema" / "hypotheses.schema.json").is_file()


def test_argmap_edit_refuses_a_folder_that_is_no_case(tmp_path, runner):
    (tmp_path / "notes.txt").write_text("not a case")
    result = runner.invoke(main, ["edit", str(tmp_path), "--no-browser"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
