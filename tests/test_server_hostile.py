"""The live workshop server under hostile input (docs/workshops.md, Live workshops): text
that ratings files cannot hold, stored cells that would block an export, bodies built to
crash the parser, forged Host headers, slow clients, and a fuzz test over every route's
JSON body. Every request gets an answer: a 4xx with a JSON message, never a 500."""

from __future__ import annotations

import contextlib
import doctest
import json
import selectors
import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import argmap.workshop.server
from argmap.load import load_case, read_valid
from argmap.ratingsfile import AnalystRatings, RatingsFile
from argmap.text import first_not_text
from argmap.workshop.server import ratings_yaml

from .conftest import LinkedProcess
from .test_server import Participant, Workshop, _error

pytestmark = [pytest.mark.server]

HOSTILE_CHARACTERS = (
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",  # NEL: YAML reads it as a line break, so files write it escaped, and load it
    "\x9b",  # CSI, the C1 form of ESC [
    "\u2028",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\ud800",  # lone surrogates: valid in a JSON string escape, not in UTF-8
    "\udfff",
    "\r",
    "\t",
    "é",
    "\U0001f600",
)
HOSTILE_TEXT = st.text(
    st.one_of(st.characters(), st.sampled_from(HOSTILE_CHARACTERS)), min_size=1, max_size=12
)


@pytest.fixture
def ws(write_case, tmp_path) -> Workshop:
    return Workshop(write_case(), tmp_path / "db" / "workshop.sqlite")


def loader_accepts(analyst: str, why: str) -> bool:
    """Whether the case loader takes a ratings file of ``analyst`` with reason ``why``, as
    the server's export writes it."""
    item = AnalystRatings(
        analyst=analyst,
        key=analyst,
        round=1,
        path=Path("x.yaml"),
        ratings={"van": {"arson": "C"}},
        rationale={"van": {"arson": why}},
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.yaml"
        path.write_text(ratings_yaml(item, ("van",), ("arson",), "0" * 64), encoding="utf-8")
        problems: list = []
        return read_valid(path, RatingsFile, problems) is not None and not problems


def post_raw(ws: Workshop, url: str, body: bytes, csrf: str) -> httpx.Response:
    headers = {"X-CSRF-Token": csrf, "Content-Type": "application/json"}
    return ws.client.post(url, content=body, headers=headers)


def test_doctests():
    assert doctest.testmod(argmap.workshop.server).failed == 0


# --- one rule for text --------------------------------------------------------------------


@settings(max_examples=300)
@given(HOSTILE_TEXT)
def test_the_text_rule_is_the_ratings_file_loaders(text):
    why = f"a{text}b"  # never blank, so only the characters decide
    assert (first_not_text(why) is None) == loader_accepts("Ann", why)


@pytest.mark.parametrize("character", HOSTILE_CHARACTERS)
def test_the_server_takes_exactly_the_reasons_and_names_the_loader_takes(ws, character):
    reason, name = f"Seen{character}twice.", f"Bob{character}Lee"
    ann = ws.invite("Ann")
    ann.rate("alarm", "accident", "N")
    # Sent with JSON's \u escapes, as a browser sends a lone surrogate.
    answer = post_raw(
        ws, f"/api/f/{ws.token}/participants", json.dumps({"name": name}).encode(), ws.csrf
    )
    if loader_accepts(name, "fine"):
        assert answer.status_code == 201, answer.text
        token = answer.json()["link"].rsplit("/", 1)[1]
        bob = ws.server.store.participant_by_token(token)
        assert bob is not None
        Participant(ws.client, token, bob.csrf).rate("alarm", "other", "N")
    else:
        message = _error(answer, 422)
        assert first_not_text(name) is None or f"U+{ord(character):04X}" in message, message
    cell = {"evidence": "van", "hypothesis": "arson", "vote": "C", "why": reason}
    answer = post_raw(ws, f"/api/p/{ann.token}/ratings", json.dumps(cell).encode(), ann.csrf)
    if loader_accepts("Ann", reason):
        assert answer.status_code == 200, answer.text
    else:
        message = _error(answer, 422)
        assert f"U+{ord(character):04X}" in message, message
        assert (1, "van", "arson") not in ann.cells()
    exported = ws.facilitator("export")
    assert exported.status_code == 200, exported.text
    assert exported.json()["left_out"] == []
    loaded = load_case(ws.folder)  # raises on any error
    reasons = [f.rationale for f in loaded.ratings if f.rationale]
    assert reasons == ([{"van": {"arson": reason}}] if answer.status_code == 200 else [])


def test_one_participants_stored_bad_text_never_blocks_the_export(ws):
    ann, bob = ws.invite("Ann"), ws.invite("Bob")
    ann.rate("van", "arson", "CC", "Two men.")
    ann.rate("alarm", "arson", "C", "Switched off.")
    bob.rate("van", "arson", "II", "Saw nothing.")
    carol = ws.invite("Carol")
    carol.rate("van", "other", "N")
    # What an older server let in, or a hand-edited database: a reason the ratings files
    # cannot hold, a vote that is no rating, a cell the case no longer has, a bad name.
    with sqlite3.connect(ws.server.store.path) as db:
        db.execute("UPDATE ratings SET rationale = ? WHERE evidence = 'alarm'", ("Off\x9b\uffff",))
        db.execute("UPDATE ratings SET vote = 'XX' WHERE rationale = 'Saw nothing.'")
        db.execute(
            "INSERT INTO ratings VALUES ((SELECT id FROM participants WHERE name = 'Bob'),"
            " 1, 'gone', 'arson', 'C', NULL, '2026-01-01')"
        )
        db.execute("UPDATE participants SET name = ? WHERE name = 'Carol'", ("Carol\x00",))
    ws.facilitator("reveal")
    ws.facilitator("round")
    ann.rate("van", "arson", "C", "Second thoughts.")
    for _ in range(2):  # and in every later export
        answer = ws.facilitator("export")
        assert answer.status_code == 200, answer.text
        left_out = "\n".join(answer.json()["left_out"])
        assert "U+009B" in left_out and "alarm" in left_out
        assert "'XX'" in left_out and "gone" in left_out and "U+0000" in left_out
    ratings = ws.folder / "evidence" / "ratings"
    ann_file = yaml.safe_load((ratings / "ann.yaml").read_text())
    # The vote stays; only the reason that cannot be written is left out.
    assert ann_file["ratings"] == {"van": {"arson": "CC"}, "alarm": {"arson": "C"}}
    assert ann_file["rationale"] == {"van": {"arson": "Two men."}}
    assert yaml.safe_load((ratings / "ann.round2.yaml").read_text())["rationale"] == {
        "van": {"arson": "Second thoughts."}
    }
    assert yaml.safe_load((ratings / "bob.yaml").read_text())["rationale"] == {
        "van": {"arson": "Saw nothing."}
    }
    assert sorted(p.name for p in ratings.iterdir()) == ["ann.round2.yaml", "ann.yaml", "bob.yaml"]
    board = BeautifulSoup(ws.client.get(f"/f/{ws.token}").text, "html.parser")
    assert board.select_one("#export") is not None


def test_an_export_the_loader_still_refuses_leaves_out_that_file_only(ws, monkeypatch):
    ann, bob = ws.invite("Ann"), ws.invite("Bob")
    ann.rate("van", "arson", "CC")
    bob.rate("van", "arson", "II")
    real = ratings_yaml

    def broken_for_bob(item, *args):
        text = real(item, *args)
        return text.replace("round: 1", "round: 0") if item.analyst == "Bob" else text

    monkeypatch.setattr("argmap.workshop.server.ratings_yaml", broken_for_bob)
    answer = ws.facilitator("export")
    assert answer.status_code == 200, answer.text
    assert any("Bob" in line and "round" in line for line in answer.json()["left_out"])
    names = sorted(p.name for p in (ws.folder / "evidence" / "ratings").iterdir())
    assert names == ["ann.yaml"]


# --- bodies and text that used to answer 500 ----------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"[" * (30 * 1024),
        b'{"name": ' * 3000,
        b"1" * 5000,  # more digits than int() takes
        b'"\\ud800"',
        b"\xed\xa0\x80",  # a surrogate encoded in UTF-8: not UTF-8
    ],
    ids=["brackets", "objects", "digits", "surrogate-string", "utf8-surrogate"],
)
def test_bodies_that_crash_a_parser_get_a_400(ws, body):
    ann = ws.invite("Ann")
    for url, csrf in (
        (f"/api/p/{ann.token}/ratings", ann.csrf),
        (f"/api/f/{ws.token}/participants", ws.csrf),
        (f"/api/f/{ws.token}/reveal", ws.csrf),
    ):
        message = _error(post_raw(ws, url, body, csrf), 400)
        assert "JSON" in message
    assert ws.server.store.state() == (1, 0)


def test_lone_surrogates_get_a_422_not_a_500(ws):
    ann = ws.invite("Ann")
    for field in ("why", "evidence", "hypothesis", "vote", "\udc00"):
        body = {"evidence": "van", "hypothesis": "arson", "vote": "C", field: "x\ud800y"}
        raw = json.dumps(body).encode()  # ASCII, with the surrogate as a \ud800 escape
        answer = post_raw(ws, f"/api/p/{ann.token}/ratings", raw, ann.csrf)
        assert 400 <= answer.status_code < 500, answer.text
        message = _error(answer, answer.status_code)
        assert message and "\ud800" not in message
    raw = json.dumps({"name": "Ann \udfff"}).encode()
    message = _error(post_raw(ws, f"/api/f/{ws.token}/participants", raw, ws.csrf), 422)
    assert "U+DFFF" in message
    assert [p.name for p in ws.server.store.participants()] == ["Ann"]
    assert ann.cells() == {}


# --- the Host header ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:8000@evil.example",
        "localhost:evil.example",
        "localhost:8000:80",
        "localhost:",
        "localhost:99999",
        "localhost/evil",
        "user@localhost",
        "[::1",
        "[::1]x",
        "",
        " localhost",
    ],
)
def test_a_malformed_host_header_is_refused(ws, host):
    response = ws.client.get(f"/api/f/{ws.token}/status", headers={"Host": host})
    assert response.status_code in (400, 421), response.text
    assert response.json()["error"]


@pytest.mark.parametrize("host", ["127.0.0.1:8000@evil.example", "localhost:evil.example"])
def test_links_are_never_built_on_a_forged_host(write_case, tmp_path, host):
    # Bound to every interface, the server cannot list the names it is reached by.
    ws = Workshop(write_case(), tmp_path / "w.sqlite", host="0.0.0.0")
    ws.invite("Ann")
    page = ws.client.get(f"/f/{ws.token}", headers={"Host": host})
    assert page.status_code == 400 and "evil" not in page.text
    added = ws.client.post(
        f"/api/f/{ws.token}/participants",
        json={"name": "Bob"},
        headers={"X-CSRF-Token": ws.csrf, "Host": host},
    )
    assert _error(added, 400)
    assert [p.name for p in ws.server.store.participants()] == ["Ann"]
    # A well-formed host is the one the facilitator's browser used: links follow it.
    page = ws.client.get(f"/f/{ws.token}", headers={"Host": "Workshop.Example:8000"})
    links = [c.text for c in BeautifulSoup(page.text, "html.parser").select("code.link")]
    assert links and all(link.startswith("http://workshop.example:8000/p/") for link in links)


def test_links_follow_the_allowed_host_the_browser_used(ws):
    ws.invite("Ann")
    for host, base in (
        ("localhost:8000", "http://localhost:8000/p/"),
        ("LOCALHOST:8000", "http://localhost:8000/p/"),
        ("[::1]:8000", "http://[::1]:8000/p/"),
        ("127.0.0.1", "http://127.0.0.1/p/"),
    ):
        page = ws.client.get(f"/f/{ws.token}", headers={"Host": host})
        assert page.status_code == 200, (host, page.text)
        links = [c.text for c in BeautifulSoup(page.text, "html.parser").select("code.link")]
        assert links and all(link.startswith(base) for link in links), links


# --- every route's JSON body, fuzzed ------------------------------------------------------

FIELD_NAMES = (
    *("evidence", "hypothesis", "vote", "why", "name", "text", "decision", "reason"),
    *("type", "source", "quote", "summary", "title", "statement", "credibility", "note"),
)
KNOWN_WORDS = (
    *("van", "alarm", "arson", "accident", "other", "crime", "CC", "C", "N", "DK", ""),
    *("accept", "reject", "evidence", "hypothesis", "vote", "report", "low", "high"),
)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | HOSTILE_TEXT
    | st.sampled_from(KNOWN_WORDS),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(HOSTILE_TEXT | st.sampled_from(FIELD_NAMES), inner, max_size=4)
    ),
    max_leaves=10,
)
BODIES = st.one_of(
    # Objects with the routes' own fields, so that the checks behind the first ones run.
    st.dictionaries(st.sampled_from(FIELD_NAMES), JSON_VALUES, max_size=5).map(json.dumps),
    JSON_VALUES.map(json.dumps),
    st.binary(max_size=64).map(lambda raw: raw.decode("latin-1")),
).map(lambda text: text.encode("utf-8", "surrogatepass"))


def test_fuzz_every_routes_json_body_answers_4xx_with_a_message(write_case, tmp_path):
    ws = Workshop(write_case(), tmp_path / "fuzz.sqlite")
    ann = ws.invite("Ann")
    ws.invite("Bob")
    ann.rate("van", "arson", "C", "Two men.")
    proposed = ann.client.post(
        f"/api/p/{ann.token}/proposals",
        json={"type": "vote", "evidence": "van", "credibility": "low"},
        headers={"X-CSRF-Token": ann.csrf},
    )
    assert proposed.status_code == 201, proposed.text
    routes = {
        "ratings": (f"/api/p/{ann.token}/ratings", ann.csrf),
        "comments": (f"/api/p/{ann.token}/comments", ann.csrf),
        "proposals": (f"/api/p/{ann.token}/proposals", ann.csrf),
        **{
            action: (f"/api/f/{ws.token}/{action}", ws.csrf)
            for action in (
                "participants",
                "participants/1/rename",
                "participants/2/remove",
                "comments",
                "proposals/1",
                "reveal",
                "round",
                "export",
            )
        },
    }
    seen: set[int] = set()

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(route=st.sampled_from(sorted(routes)), body=BODIES)
    def post(route: str, body: bytes) -> None:
        url, csrf = routes[route]
        response = post_raw(ws, url, body, csrf)
        seen.add(response.status_code)
        assert response.status_code < 500, (route, body, response.text)
        if response.status_code >= 400:
            message = response.json()["error"]
            assert response.headers["content-type"].startswith("application/json")
            assert isinstance(message, str) and message.strip(), response.text

    post()
    assert {400, 422} <= seen  # the fuzzing reached past the JSON parser


# --- slow clients -----------------------------------------------------------------------------

SERVE = """
import resource, sys
from pathlib import Path
from argmap.workshop.server import Limits, serve
folder, db, files, timeout = sys.argv[1:5]
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (int(files), hard))
serve(Path(folder), host="127.0.0.1", port=0, db=Path(db),
      limits=Limits(request_timeout=float(timeout)))
"""
REQUEST_TIMEOUT = 1.5


class LimitedServer(LinkedProcess):
    """The real server in a subprocess on 127.0.0.1, port 0, with a short request timeout
    and at most ``files`` open files."""

    def __init__(self, folder: Path, db: Path, log: Path, files: int = 400):
        super().__init__([folder, db, files, REQUEST_TIMEOUT], log, code=SERVE)
        self.base = self.link.split("/f/")[0]
        self.port = int(self.base.rsplit(":", 1)[1])
        self.token = self.link.rsplit("/", 1)[1]

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=5)

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.log.close()
        return self.log_path.read_text()


@pytest.fixture
def limited_server(write_case, tmp_path):
    started: list[LimitedServer] = []

    def start(files: int = 400) -> LimitedServer:
        server = LimitedServer(
            write_case(), tmp_path / "workshop.sqlite", tmp_path / "server.log", files
        )
        started.append(server)
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.stop()


def trickle(
    sock: socket.socket, head: bytes, pieces: list[bytes], every: float
) -> tuple[float, bytes]:
    """Send ``head``, then one of ``pieces`` every ``every`` seconds until the server closes
    the connection or the pieces run out; (seconds until closed — inf if never, bytes
    received)."""
    start = time.monotonic()
    sock.sendall(head)
    received = b""
    sock.setblocking(False)
    selector = selectors.DefaultSelector()
    selector.register(sock, selectors.EVENT_READ)
    for piece in [*pieces, b""]:
        deadline = time.monotonic() + every
        while (left := deadline - time.monotonic()) > 0:
            if not selector.select(left):
                break
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                return time.monotonic() - start, received
            received += chunk
        try:
            if piece:
                sock.sendall(piece)
        except OSError:
            return time.monotonic() - start, received
    return float("inf"), received


def read_response(sock: socket.socket) -> bytes:
    """One whole response with a Content-Length, read from a blocking socket."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += sock.recv(65536)
    head = received.split(b"\r\n\r\n", 1)[0]
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(received) < len(head) + 4 + length:
        received += sock.recv(65536)
    return received


@pytest.mark.slow
def test_slow_headers_a_slow_body_and_a_slow_second_request_are_cut_off(limited_server):
    server = limited_server()
    header_lines = [f"X-Slow-{n}: 1\r\n".encode() for n in range(20)]
    with server.connect() as sock:
        took, answer = trickle(
            sock, b"GET /api/f/x/status HTTP/1.1\r\nHost: 127.0.0.1\r\n", header_lines, 0.25
        )
    assert REQUEST_TIMEOUT * 0.8 < took < REQUEST_TIMEOUT + 2, took
    assert answer.startswith(b"HTTP/1.1 408"), answer

    with httpx.Client(timeout=10) as client:
        page = client.get(server.link)
        csrf = json.loads(BeautifulSoup(page.text, "html.parser").select_one("#server-data").text)[
            "csrf"
        ]
        added = client.post(
            f"{server.base}/api/f/{server.token}/participants",
            json={"name": "Ann"},
            headers={"X-CSRF-Token": csrf},
        )
        token = added.json()["link"].rsplit("/", 1)[1]
        sheet = client.get(f"{server.base}/p/{token}").text
        ann_csrf = json.loads(BeautifulSoup(sheet, "html.parser").select_one("#server-data").text)[
            "csrf"
        ]
    head = (
        f"POST /api/p/{token}/ratings HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nX-CSRF-Token: {ann_csrf}\r\n"
        "Content-Length: 400\r\n\r\n{"
    ).encode()
    with server.connect() as sock:
        took, _ = trickle(sock, head, [b" "] * 20, 0.25)
    assert took < REQUEST_TIMEOUT + 2, took

    # On a kept-alive connection the clock starts again with the next request's first byte.
    first = f"GET /api/f/{server.token}/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    with server.connect() as sock:
        sock.sendall(first)
        assert read_response(sock).startswith(b"HTTP/1.1 200")
        took, answer = trickle(sock, b"GET / HTTP/1.1\r\n", header_lines, 0.25)
    assert took < REQUEST_TIMEOUT + 2 and answer.startswith(b"HTTP/1.1 408"), (took, answer)
    log = server.stop()
    assert "internal error" not in log and "Traceback" not in log, log


@pytest.mark.slow
def test_hundreds_of_slow_clients_neither_exhaust_files_nor_starve_the_server(limited_server):
    server = limited_server(files=400)
    status = f"{server.base}/api/f/{server.token}/status"
    selector = selectors.DefaultSelector()
    opened: dict[socket.socket, float] = {}
    closed_after: list[float] = []
    start = time.monotonic()
    for n in range(420):
        sock = server.connect()
        sock.setblocking(False)
        sock.sendall(f"GET /api/f/x/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-N: {n}\r\n".encode())
        selector.register(sock, selectors.EVENT_READ)
        opened[sock] = time.monotonic()
    # While they hold on, a real request is answered at once: served, or refused as busy.
    during = httpx.get(status, timeout=5)
    assert during.status_code in (200, 503), during.text
    line = 0
    give_up = time.monotonic() + REQUEST_TIMEOUT + 15  # bounded, whatever the server does
    while opened and time.monotonic() < give_up:
        for key, _ in selector.select(0.5):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                closed_after.append(time.monotonic() - opened.pop(sock))
                selector.unregister(sock)
                sock.close()
        line += 1
        for sock in list(opened):
            with contextlib.suppress(OSError):  # closed: the next select says so
                sock.sendall(f"X-Line-{line}: 1\r\n".encode())
    for sock in opened:
        sock.close()
    assert not opened, f"{len(opened)} slow connections still open after {give_up - start:.0f} s"
    assert max(closed_after) < REQUEST_TIMEOUT + 5, max(closed_after)
    after = httpx.get(status, timeout=5)
    assert after.status_code == 200, after.text
    assert server.process.poll() is None
    log = server.stop()
    assert "Too many open files" not in log and "internal error" not in log, log
