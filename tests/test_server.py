"""The live workshop server (docs/workshops.md, Live workshops): every endpoint over HTTP
with Starlette's TestClient, then the real server (uvicorn in a subprocess on 127.0.0.1)
under load and killed mid-session."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import yaml
from bs4 import BeautifulSoup

from argmap.cli import main
from argmap.load import load_case
from argmap.workshop.server import BODY_LIMIT, create_app, open_server

from .conftest import HYPOTHESES_WITH_GROUP, LinkedProcess

pytestmark = [pytest.mark.server]

with warnings.catch_warnings():
    # Starlette 1.x would rather its TestClient ran on httpx2; httpx works the same here.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

BASE = "http://127.0.0.1:8000"


class Workshop:
    """A workshop app under TestClient, with helpers that send what the pages send."""

    def __init__(self, folder: Path, db: Path | str, host: str = "127.0.0.1"):
        self.folder, self.db = folder, db
        self.server = open_server(folder, db, host)
        self.client = TestClient(create_app(self.server), base_url=BASE)
        self.token = self.server.store.facilitator_token
        self.csrf = self.server.store.facilitator_csrf

    def facilitator(self, action: str, body: object = None, **headers: str):
        return self.client.post(
            f"/api/f/{self.token}/{action}",
            json={} if body is None else body,
            headers={"X-CSRF-Token": self.csrf, **headers},
        )

    def invite(self, name: str) -> Participant:
        answer = self.facilitator("participants", {"name": name})
        assert answer.status_code == 201, answer.text
        token = answer.json()["link"].rsplit("/", 1)[1]
        found = self.server.store.participant_by_token(token)
        assert found is not None
        return Participant(self.client, token, found.csrf)


class Participant:
    def __init__(self, client: TestClient, token: str, csrf: str):
        self.client, self.token, self.csrf = client, token, csrf

    def rate(self, evidence: str, hypothesis: str, vote: str | None, why: str | None = None):
        return self.post({"evidence": evidence, "hypothesis": hypothesis, "vote": vote, "why": why})

    def post(self, body: object, **headers: str):
        return self.client.post(
            f"/api/p/{self.token}/ratings",
            json=body,
            headers={"X-CSRF-Token": self.csrf, **headers},
        )

    def cells(self) -> dict[tuple[int, str, str], tuple[str | None, str | None]]:
        answer = self.client.get(f"/api/p/{self.token}/ratings")
        assert answer.status_code == 200, answer.text
        return {
            (c["round"], c["evidence"], c["hypothesis"]): (c["vote"], c["why"])
            for c in answer.json()["cells"]
        }


@pytest.fixture
def ws(write_case, db_url) -> Workshop:
    """A workshop on each store in turn: SQLite and PostgreSQL."""
    return Workshop(write_case(), db_url)


@pytest.fixture
def sqlite_ws(write_case, tmp_path) -> Workshop:
    """A workshop in a SQLite file (what `argmap workshop invite --db FILE` takes)."""
    return Workshop(write_case(), tmp_path / "db" / "workshop.sqlite")


def _error(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()["error"]


# --- pages and headers ----------------------------------------------------------------


def test_pages_carry_security_headers_and_a_nonce_csp(ws):
    ann = ws.invite("Ann O'Neil")
    ann.rate("van", "arson", "C")
    pages = (
        f"/f/{ws.token}",
        f"/f/{ws.token}/present",
        f"/p/{ann.token}",
        f"/api/f/{ws.token}/status",
        f"/api/p/{ann.token}/comments",
        f"/api/p/{ann.token}/proposals",
    )
    ws.facilitator("reveal")
    for path in (*pages, f"/p/{ann.token}/results"):
        response = ws.client.get(path)
        assert response.status_code == 200
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["cache-control"] == "no-store"
        csp = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-eval" not in csp and "unsafe-inline" not in csp
        if path.startswith(("/f/", "/p/")):
            soup = BeautifulSoup(response.text, "html.parser")
            nonce = csp.split("'nonce-")[1].split("'")[0]
            scripts = [s for s in soup.find_all("script") if s.get("type") != "application/json"]
            assert all(s["nonce"] == nonce for s in scripts)
            assert scripts or path.endswith("/results")
            assert all(s["nonce"] == nonce for s in soup.find_all("style"))
    assert "server" not in ws.client.get(f"/f/{ws.token}").headers


def test_unknown_links_and_wrong_roles_are_refused(ws):
    ann = ws.invite("Ann")
    wrong = "x" * 43
    assert ws.client.get(f"/f/{wrong}").status_code == 404
    assert ws.client.get(f"/p/{wrong}").status_code == 404
    assert ws.client.get("/").status_code == 404
    assert _error(ws.client.get(f"/api/p/{wrong}/ratings"), 404) == "unknown link"
    assert _error(ws.client.get(f"/api/f/{wrong}/status"), 404) == "unknown link"
    # A participant's link is no facilitator's link, and the other way round.
    assert ws.client.get(f"/f/{ann.token}").status_code == 404
    assert _error(ws.client.get(f"/api/f/{ann.token}/status"), 404) == "unknown link"
    assert ws.client.get(f"/p/{ws.token}").status_code == 404
    forged = Participant(ws.client, ws.token, ws.csrf)
    _error(forged.rate("van", "arson", "C"), 404)
    _error(ws.client.delete(f"/api/p/{ann.token}/ratings"), 405)


def test_unknown_host_is_refused(ws):
    response = ws.client.get(f"/f/{ws.token}", headers={"Host": "evil.example:8000"})
    assert _error(response, 421) == "unknown host"
    assert ws.client.get(f"/f/{ws.token}", headers={"Host": "localhost:8000"}).status_code == 200


# --- participants ---------------------------------------------------------------------


def test_invite_names_are_checked_and_escaped(ws):
    mallory = ws.invite("<b>Mallory</b> & co")
    assert _error(ws.facilitator("participants", {"name": "<B>mallory</b>  & CO"}), 409) == (
        "'<b>Mallory</b> & co' is already invited"
    )
    for bad in ("", "   ", "two\nlines", "x" * 81, 12, None):
        _error(ws.facilitator("participants", {"name": bad}), 422)
    _error(ws.facilitator("participants", {"name": "Zed", "admin": True}), 422)
    page = ws.client.get(f"/p/{mallory.token}").text
    who = BeautifulSoup(page, "html.parser").select_one(".who strong")
    assert who.text == "<b>Mallory</b> & co" and who.find("b") is None
    board = BeautifulSoup(ws.client.get(f"/f/{ws.token}").text, "html.parser")
    assert board.select_one("#people th").text == "<b>Mallory</b> & co"


def test_participant_page_is_the_shuffled_blind_sheet_in_server_mode(ws, runner, tmp_path):
    ann = ws.invite("Ann")
    bob = ws.invite("Bob")
    assert bob.rate("van", "arson", "CC", "Bob's secret reason").status_code == 200
    soup = BeautifulSoup(ws.client.get(f"/p/{ann.token}").text, "html.parser")
    server = json.loads(soup.select_one("#server-data").text)
    assert server["saveUrl"] == f"/api/p/{ann.token}/ratings" and not server["locked"]
    assert (
        "Bob's secret reason" not in str(soup)
        and "download" not in soup.select_one(".toolbar").text.lower()
    )
    # The same order as Ann's offline sheet: the sheet's own seeding.
    offline = tmp_path / "ann.html"
    runner.invoke(
        main, ["workshop", "sheet", str(ws.folder), "--analyst", "Ann", "-o", str(offline)]
    )
    sheet = BeautifulSoup(offline.read_text(), "html.parser")
    order = [a["data-evidence"] for a in soup.select("article.item")]
    assert order == [a["data-evidence"] for a in sheet.select("article.item")]
    hyps = [li["id"] for li in soup.select(".hyp-list li")]
    assert hyps == [li["id"] for li in sheet.select(".hyp-list li")]
    data = json.loads(soup.select_one("#sheet-data").text)
    assert data["prefill"] == {} and data["previous"] == {}


# --- rating -------------------------------------------------------------------------------


def test_ratings_are_saved_updated_cleared_and_read_back_blind(ws):
    ann, bob = ws.invite("Ann"), ws.invite("Bob")
    assert ann.rate("van", "arson", "C").json() == {"saved": True, "round": 1}
    assert ann.rate("van", "arson", "CC", "  Two men, at night.  ").status_code == 200
    assert ann.rate("alarm", "other", "DK").status_code == 200
    assert ann.rate("alarm", "accident", None, "Not sure yet").status_code == 200
    assert bob.rate("van", "arson", "II").status_code == 200
    assert ann.cells() == {
        (1, "van", "arson"): ("CC", "Two men, at night."),
        (1, "alarm", "other"): ("DK", None),
        (1, "alarm", "accident"): (None, "Not sure yet"),
    }
    assert bob.cells() == {(1, "van", "arson"): ("II", None)}
    assert ann.rate("alarm", "other", None).status_code == 200  # cleared
    assert (1, "alarm", "other") not in ann.cells()
    # Before the reveal no one sees anyone else's ratings.
    results = ws.client.get(f"/p/{ann.token}/results")
    assert results.status_code == 403 and "reveal" in results.text
    status = ws.client.get(f"/api/f/{ws.token}/status").json()
    assert status == {
        "round": 1,
        "revealed": 0,
        "participants": [
            {
                "id": 1,
                "name": "Ann",
                "answered": 1,
                "this_round": 1,
                "total": 6,
                "link": f"{BASE}/p/{ann.token}",
            },
            {
                "id": 2,
                "name": "Bob",
                "answered": 1,
                "this_round": 1,
                "total": 6,
                "link": f"{BASE}/p/{bob.token}",
            },
        ],
        "removed": [],
        "comments": [],
        "proposals": [],
        "votes": {},
    }


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"evidence": "van", "hypothesis": "arson", "vote": "X"}, 422, "a rating is one of"),
        ({"evidence": "van", "hypothesis": "arson", "vote": "cc"}, 422, "a rating is one of"),
        ({"evidence": "van", "hypothesis": "arson", "vote": 5}, 422, "a rating is one of"),
        ({"evidence": "vann", "hypothesis": "arson", "vote": "C"}, 422, "not an evidence item"),
        ({"evidence": "van", "hypothesis": "arsen", "vote": "C"}, 422, "not a hypothesis"),
        ({"evidence": "van", "hypothesis": "crime", "vote": "C"}, 422, "has sub-hypotheses"),
        ({"hypothesis": "arson", "vote": "C"}, 422, "'evidence' must be text"),
        ({"evidence": ["van"], "hypothesis": "arson", "vote": "C"}, 422, "must be text"),
        ({"evidence": "van", "hypothesis": "arson", "vote": "C", "x": 1}, 422, "unknown field"),
        ({"evidence": "van", "hypothesis": "arson", "vote": "C", "why": 3}, 422, "'why'"),
        (
            {"evidence": "van", "hypothesis": "arson", "vote": "C", "why": "a" * 2001},
            422,
            "at most",
        ),
        ({"evidence": "van", "hypothesis": "arson", "vote": "C", "why": "a\x00b"}, 422, "control"),
        (["van", "arson", "C"], 400, "must be a JSON object"),
        ("C", 400, "must be a JSON object"),
    ],
)
def test_bad_ratings_get_a_4xx_with_a_message(write_case, tmp_path, body, status, message):
    ws = Workshop(
        write_case({"hypotheses/case.yaml": HYPOTHESES_WITH_GROUP}), tmp_path / "w.sqlite"
    )
    ann = ws.invite("Ann")
    assert message in _error(ann.post(body), status)
    assert ann.cells() == {}


def test_malformed_and_oversized_bodies(ws):
    ann = ws.invite("Ann")
    url = f"/api/p/{ann.token}/ratings"
    headers = {"X-CSRF-Token": ann.csrf, "Content-Type": "application/json"}
    assert "not JSON" in _error(ws.client.post(url, content=b"{nope", headers=headers), 400)
    assert "not JSON" in _error(ws.client.post(url, content=b"\xff\xfe", headers=headers), 400)
    huge = json.dumps({"evidence": "van", "hypothesis": "arson", "why": "a" * BODY_LIMIT})
    assert "too large" in _error(ws.client.post(url, content=huge, headers=headers), 413)

    def chunks():
        for _ in range(BODY_LIMIT // 1000 + 2):
            yield b" " * 1000

    # Without a Content-Length (chunked), the limit holds while reading.
    assert "too large" in _error(ws.client.post(url, content=chunks(), headers=headers), 413)
    assert ann.cells() == {}


def test_state_changing_requests_need_the_csrf_token_and_our_origin(ws):
    ann = ws.invite("Ann")
    url = f"/api/p/{ann.token}/ratings"
    body = {"evidence": "van", "hypothesis": "arson", "vote": "C"}
    assert "CSRF" in _error(ws.client.post(url, json=body), 403)
    assert "CSRF" in _error(ws.client.post(url, json=body, headers={"X-CSRF-Token": "x"}), 403)
    # Someone else's CSRF token is no good either.
    assert "CSRF" in _error(ws.client.post(url, json=body, headers={"X-CSRF-Token": ws.csrf}), 403)
    assert "cross-origin" in _error(ann.post(body, Origin="http://evil.example"), 403)
    assert "cross-origin" in _error(ann.post(body, Origin="http://127.0.0.1:9999"), 403)
    assert "cross-site" in _error(ann.post(body, **{"Sec-Fetch-Site": "cross-site"}), 403)
    form = ws.client.post(url, data={"evidence": "van"}, headers={"X-CSRF-Token": ann.csrf})
    assert "JSON" in _error(form, 415)
    assert ann.cells() == {}
    assert ann.post(body, Origin=BASE, **{"Sec-Fetch-Site": "same-origin"}).status_code == 200
    # The facilitator's actions likewise.
    for action in ("participants", "reveal", "round", "export"):
        refused = ws.client.post(f"/api/f/{ws.token}/{action}", json={})
        assert "CSRF" in _error(refused, 403)
        other = ws.client.post(
            f"/api/f/{ws.token}/{action}", json={}, headers={"X-CSRF-Token": ann.csrf}
        )
        assert "CSRF" in _error(other, 403)
        assert "cross-origin" in _error(ws.facilitator(action, Origin="http://evil.example"), 403)
    assert ws.server.store.state() == (1, 0)
    assert len(ws.server.store.participants()) == 1


# --- reveal, rounds, export ---------------------------------------------------------------


def test_reveal_locks_the_round_then_round_two(ws):
    ann, bob = ws.invite("Ann"), ws.invite("Bob")
    ann.rate("van", "arson", "CC", "Two men in a van.")
    ann.rate("alarm", "arson", "C")
    bob.rate("van", "arson", "II")
    bob.rate("alarm", "arson", "C")
    assert "reveal round 1" in _error(ws.facilitator("round"), 409)
    assert ws.facilitator("reveal").json() == {"revealed": 1}
    assert "has been revealed" in _error(ann.rate("van", "other", "N"), 409)
    soup = BeautifulSoup(ws.client.get(f"/p/{ann.token}").text, "html.parser")
    assert json.loads(soup.select_one("#server-data").text)["locked"] is True
    assert soup.select_one("#results-link")["href"] == f"/p/{ann.token}/results"
    # After the reveal: the aggregate, anonymised, for everyone.
    for path in (f"/p/{ann.token}/results", f"/f/{ws.token}"):
        page = BeautifulSoup(ws.client.get(path).text, "html.parser")
        assert page.select_one("#workshop") is not None
        assert "Ann" not in page.select_one("#workshop").text
        cells = page.select("table.heatmap td")
        assert any("extreme" in " ".join(td.get("class", [])) for td in cells)
        assert page.select_one("#workshop-rankings") is not None
    assert ws.facilitator("round").json() == {"round": 2}
    assert ann.rate("van", "arson", "C", "Second thoughts.").json()["round"] == 2
    soup = BeautifulSoup(ws.client.get(f"/p/{ann.token}").text, "html.parser")
    data = json.loads(soup.select_one("#sheet-data").text)
    assert data["previous"] == {"van": {"arson": "CC"}, "alarm": {"arson": "C"}}
    assert data["prefill"] == {"van": {"arson": "C"}, "alarm": {"arson": "C"}}
    # Round 1's aggregate stays what was revealed until round 2 is.
    status = ws.client.get(f"/api/f/{ws.token}/status").json()
    assert status["round"] == 2 and status["revealed"] == 1
    assert status["participants"][0]["this_round"] == 1
    assert status["participants"][0]["answered"] == 2


def test_export_writes_ratings_files_with_backups_and_a_report(ws, runner):
    ann, bob = ws.invite("Ann O'Neil"), ws.invite("Bob")
    assert "no one has rated" in _error(ws.facilitator("export"), 409)
    ann.rate("van", "arson", "CC", 'Said "twice": two men.\nAt night.')
    ann.rate("van", "accident", "DK")
    bob.rate("alarm", "arson", "NA")
    first = ws.facilitator("export").json()
    assert [line.split(": ", 1)[1] for line in first["lines"]] == [
        "Ann O'Neil, round 1, 2 cells (new)",
        "Bob, round 1, 1 cells (new)",
    ]
    assert Path(first["report"]).is_file()
    ratings = ws.folder / "evidence" / "ratings"
    ann_file = yaml.safe_load((ratings / "ann-o-neil.yaml").read_text())
    assert ann_file["analyst"] == "Ann O'Neil" and ann_file["round"] == 1
    assert ann_file["ratings"] == {"van": {"accident": "DK", "arson": "CC"}}
    assert ann_file["rationale"] == {"van": {"arson": 'Said "twice": two men.\nAt night.'}}
    loaded = load_case(ws.folder)
    assert {f.analyst for f in loaded.ratings} == {"Ann O'Neil", "Bob"}
    # Exporting again unchanged leaves the files alone; a change keeps a backup.
    again = ws.facilitator("export").json()
    assert all(line.endswith("(unchanged)") for line in again["lines"])
    bob.rate("alarm", "other", "C")
    third = ws.facilitator("export").json()
    assert any("backup" in line and "bob.yaml" in line for line in third["lines"])
    assert (ratings / "bob.yaml.bak").is_file()
    assert yaml.safe_load((ratings / "bob.yaml").read_text())["ratings"] == {
        "alarm": {"arson": "NA", "other": "C"}
    }
    ws.facilitator("reveal")
    ws.facilitator("round")
    ann.rate("van", "arson", "C", "Changed my mind.")
    fourth = ws.facilitator("export").json()
    assert any("ann-o-neil.round2.yaml" in line and "(new)" in line for line in fourth["lines"])
    result = runner.invoke(main, ["check", str(ws.folder)])
    assert result.exit_code == 0, result.output


def test_export_refused_when_the_case_files_are_broken(ws):
    ann = ws.invite("Ann")
    ann.rate("van", "arson", "C")
    ratings = ws.folder / "evidence" / "ratings"
    ratings.mkdir()
    (ratings / "broken.yaml").write_text("analyst: [\n")
    message = _error(ws.facilitator("export"), 409)
    assert "broken.yaml" in message
    assert sorted(p.name for p in ratings.iterdir()) == ["broken.yaml"]


# --- the command line -------------------------------------------------------------------


def test_invite_command(sqlite_ws, runner, tmp_path):
    ws = sqlite_ws
    db = ws.server.store.path
    ws.server.store.set_meta("base_url", "http://127.0.0.1:4321")
    result = runner.invoke(main, ["workshop", "invite", "Carol", "--db", str(db)])
    assert result.exit_code == 0, result.output
    link = result.output.strip()
    assert link.startswith("http://127.0.0.1:4321/p/") and len(link.rsplit("/", 1)[1]) == 43
    assert ws.client.get("/p/" + link.rsplit("/", 1)[1]).status_code == 200
    again = runner.invoke(main, ["workshop", "invite", "carol", "--db", str(db)])
    assert again.exit_code == 1 and "argmap: error: 'Carol' is already invited" in again.output
    assert f"their link: {link}" in again.output
    bad = runner.invoke(main, ["workshop", "invite", "a\nb", "--db", str(db)])
    assert bad.exit_code == 1 and "argmap: error: name: an analyst's name is one line" in bad.output
    missing = runner.invoke(main, ["workshop", "invite", "Dan", "--db", str(tmp_path / "no.db")])
    assert missing.exit_code == 1 and "no workshop database" in missing.output
    assert "Traceback" not in missing.output + bad.output


def test_serve_command_errors(write_case, runner, tmp_path):
    broken = write_case({"evidence/evidence.yaml": "evidence: [\n"})
    result = runner.invoke(main, ["workshop", "serve", str(broken), "--db", str(tmp_path / "a")])
    assert result.exit_code == 1 and "evidence.yaml" in result.output
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(main, ["workshop", "serve", str(write_case()), "--db", str(junk)])
    assert result.exit_code == 1 and "not a usable workshop database" in result.output
    with __import__("socket").socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = runner.invoke(
            main,
            [
                "workshop",
                "serve",
                str(write_case(name="c2")),
                "--port",
                port,
                "--db",
                str(tmp_path / "b"),
            ],
        )
    assert result.exit_code == 1 and "argmap: error: cannot listen on 127.0.0.1" in result.output


# --- the real server ----------------------------------------------------------------------


class RealServer(LinkedProcess):
    """`argmap workshop serve` in a subprocess on 127.0.0.1, port 0."""

    def __init__(self, folder: Path, db: Path, log: Path):
        super().__init__(["workshop", "serve", folder, "--port", "0", "--db", db], log)
        self.base = self.link.split("/f/")[0]
        self.token = self.link.rsplit("/", 1)[1]


@pytest.fixture
def real_server(write_case, tmp_path):
    started: list[RealServer] = []

    def start(folder: Path | None = None) -> RealServer:
        server = RealServer(
            folder or started[0].folder,
            tmp_path / "workshop.sqlite",
            tmp_path / "server.log",
        )
        server.folder = folder or started[0].folder  # type: ignore[attr-defined]
        started.append(server)
        return server

    yield start
    for server in started:
        server.kill()


def _participants(server: RealServer, count: int, client: httpx.Client) -> list[tuple[str, str]]:
    """Invite ``count`` people through the facilitator API; (token, csrf) of each."""
    page = client.get(server.link)
    csrf = json.loads(BeautifulSoup(page.text, "html.parser").select_one("#server-data").text)[
        "csrf"
    ]
    people = []
    for n in range(count):
        answer = client.post(
            f"{server.base}/api/f/{server.token}/participants",
            json={"name": f"Analyst {n:02d}"},
            headers={"X-CSRF-Token": csrf},
        )
        assert answer.status_code == 201, answer.text
        token = answer.json()["link"].rsplit("/", 1)[1]
        sheet = client.get(f"{server.base}/p/{token}").text
        data = json.loads(BeautifulSoup(sheet, "html.parser").select_one("#server-data").text)
        people.append((token, data["csrf"]))
    return people


BIG_EVIDENCE = "evidence:\n" + "".join(
    f"  - id: e{n}\n    summary: Item {n}.\n    kind: assumption\n" for n in range(8)
)
VOTES = ("CC", "C", "N", "I", "II", "NA", "DK")


@pytest.mark.slow
def test_thirty_participants_rating_at_once_lose_nothing(write_case, real_server, tmp_path):
    folder = write_case(
        {"evidence/evidence.yaml": BIG_EVIDENCE, "evidence/sources/report.txt": None}
    )
    server = real_server(folder)
    with httpx.Client(timeout=20) as client:
        people = _participants(server, 30, client)
    cells = [(f"e{i}", h) for i in range(8) for h in ("accident", "arson", "other")]
    expected: dict[tuple[int, str, str], str] = {}
    deadline = time.monotonic() + 120  # bounded, with room for a slow CI machine

    def rate(person: int) -> int:
        token, csrf = people[person]
        sent = 0
        with httpx.Client(base_url=server.base, timeout=20) as client:
            # Every cell twice: the second answer must be the one kept.
            for attempt in range(2):
                for k, (evidence, hypothesis) in enumerate(cells):
                    assert time.monotonic() < deadline, "the load test ran out of time"
                    vote = VOTES[(person + k + attempt) % len(VOTES)]
                    answer = client.post(
                        f"/api/p/{token}/ratings",
                        json={"evidence": evidence, "hypothesis": hypothesis, "vote": vote},
                        headers={"X-CSRF-Token": csrf},
                    )
                    assert answer.status_code == 200, answer.text
                    sent += 1
                    expected[(person, evidence, hypothesis)] = vote
        return sent

    with ThreadPoolExecutor(max_workers=30) as pool:
        sent = sum(pool.map(rate, range(30)))
    assert sent == 30 * len(cells) * 2
    with sqlite3.connect(tmp_path / "workshop.sqlite") as db:
        stored = db.execute(
            "SELECT p.name, r.evidence, r.hypothesis, r.vote FROM ratings r "
            "JOIN participants p ON p.id = r.participant"
        ).fetchall()
    assert len(stored) == 30 * len(cells)
    assert {(int(n.split()[1]), e, h): v for n, e, h, v in stored} == expected
    with httpx.Client(timeout=20) as client:
        status = client.get(f"{server.base}/api/f/{server.token}/status").json()
    assert [p["this_round"] for p in status["participants"]] == [len(cells)] * 30


def test_killed_server_restarts_with_everything_entered(write_case, real_server):
    folder = write_case()
    first = real_server(folder)
    with httpx.Client(timeout=20) as client:
        [(token, csrf)] = _participants(first, 1, client)
    answered: list[tuple[str, str, str]] = []
    stop = threading.Event()
    cells = [(e, h) for e in ("van", "alarm") for h in ("accident", "arson", "other")]

    def keep_rating() -> None:
        with httpx.Client(base_url=first.base, timeout=5) as client:
            n = 0
            while not stop.is_set():
                evidence, hypothesis = cells[n % len(cells)]
                vote = VOTES[n % 5]
                try:
                    answer = client.post(
                        f"/api/p/{token}/ratings",
                        json={"evidence": evidence, "hypothesis": hypothesis, "vote": vote},
                        headers={"X-CSRF-Token": csrf},
                    )
                except httpx.TransportError:
                    return  # the server is gone
                if answer.status_code == 200:
                    answered.append((evidence, hypothesis, vote))
                n += 1

    writer = threading.Thread(target=keep_rating)
    writer.start()
    time.sleep(0.2)
    while len(answered) < 20:
        time.sleep(0.05)
    first.kill()  # kill -9, mid-request
    stop.set()
    writer.join(10)
    assert not writer.is_alive()

    second = real_server()
    assert second.token == first.token  # the same facilitator link, on a new port
    last = {(e, h): v for e, h, v in answered}
    with httpx.Client(base_url=second.base, timeout=20) as client:
        answer = client.get(f"/api/p/{token}/ratings")
        assert answer.status_code == 200
        stored = {(c["evidence"], c["hypothesis"]): c["vote"] for c in answer.json()["cells"]}
        # Every answered rating is there; a request cut off by the kill may or may not be.
        for cell, vote in last.items():
            assert stored[cell] == vote or stored[cell] == VOTES[(VOTES.index(vote) + 1) % 5]
        assert set(last) <= set(stored)
        # And the participant can go on rating.
        assert (
            client.post(
                f"/api/p/{token}/ratings",
                json={"evidence": "van", "hypothesis": "arson", "vote": "CC"},
                headers={"X-CSRF-Token": csrf},
            ).status_code
            == 200
        )
