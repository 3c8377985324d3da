"""The team server (`argmap server CASES_DIR --db URL`, docs/team-server.md): the admin
index, workshops on several cases in one database, the same workshop app behind every link,
/health, the request log; two "processes" (two apps on one database) that share everything;
and real server processes on one PostgreSQL."""

from __future__ import annotations

import io
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import httpx
import pytest

from argmap.cli import main
from argmap.web import LOOPBACK_NAMES, Limits
from argmap.workshop.store import SCHEMA_VERSION, Database
from argmap.workshop.team import Team, access_log, redact, team_app

from .conftest import LinkedProcess
from .test_server_live import FIRE

pytestmark = [pytest.mark.server]

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

BASE = "http://127.0.0.1:8000"


class TeamClient:
    """A team server's app under TestClient (one "process"), with the admin link."""

    def __init__(self, cases: Path, db: str, log: io.StringIO | None = None):
        self.database = Database(db)
        self.team = Team(self.database, cases, LOOPBACK_NAMES, Limits())
        app = team_app(self.team, log=False)
        if log is not None:
            app = access_log(app, log)
        self.client = TestClient(app, base_url=BASE)
        self.admin = self.database.admin_token()

    def csrf(self) -> str:
        page = self.client.get(f"/admin/{self.admin}")
        assert page.status_code == 200, page.text
        return json.loads(re.search(r'id="server-data">(.*?)</script>', page.text)[1])["csrf"]

    def open_workshop(self, case: str) -> str:
        answer = self.client.post(
            f"/api/admin/{self.admin}/workshops",
            json={"case": case},
            headers={"X-CSRF-Token": self.csrf()},
        )
        assert answer.status_code == 201, answer.text
        return answer.json()["link"].rsplit("/", 1)[1]

    def facilitator_csrf(self, token: str) -> str:
        page = self.client.get(f"/f/{token}")
        assert page.status_code == 200, page.text
        return json.loads(re.search(r'id="server-data">(.*?)</script>', page.text)[1])["csrf"]

    def invite(self, token: str, name: str) -> tuple[str, str]:
        answer = self.client.post(
            f"/api/f/{token}/participants",
            json={"name": name},
            headers={"X-CSRF-Token": self.facilitator_csrf(token)},
        )
        assert answer.status_code == 201, answer.text
        person = answer.json()["link"].rsplit("/", 1)[1]
        sheet = self.client.get(f"/p/{person}").text
        data = json.loads(re.search(r'id="server-data">(.*?)</script>', sheet)[1])
        return person, data["csrf"]

    def rate(self, person: tuple[str, str], evidence: str, hypothesis: str, vote: str):
        return self.client.post(
            f"/api/p/{person[0]}/ratings",
            json={"evidence": evidence, "hypothesis": hypothesis, "vote": vote},
            headers={"X-CSRF-Token": person[1]},
        )


@pytest.fixture
def cases(write_case, tmp_path) -> Path:
    write_case(name="cases/warehouse")
    write_case(name="cases/depot")
    (tmp_path / "cases" / "notes").mkdir()  # not a case folder
    return tmp_path / "cases"


def test_admin_index_lists_cases_and_opens_workshops_each_on_its_case(cases, db_url):
    team = TeamClient(cases, db_url)
    page = team.client.get(f"/admin/{team.admin}")
    assert page.status_code == 200
    assert "nonce-" in page.headers["content-security-policy"]
    listed = re.findall(r'data-case="([^"]*)"', page.text)
    assert listed == ["depot", "warehouse"]  # "notes" is no case folder
    assert "No workshop yet" in page.text
    first, second = team.open_workshop("warehouse"), team.open_workshop("depot")
    listing = team.client.get(f"/api/admin/{team.admin}/workshops").json()
    assert listing["cases"] == ["depot", "warehouse"]
    assert [(w["case"], w["state"], w["participants"]) for w in listing["workshops"]] == [
        ("warehouse", "round 1 open", 0),
        ("depot", "round 1 open", 0),
    ]
    assert listing["workshops"][0]["link"] == f"{BASE}/f/{first}"
    # Each workshop is the workshop server's, on its own case and with its own people.
    ann = team.invite(first, "Ann")
    bob = team.invite(second, "Bob")
    assert team.rate(ann, "van", "arson", "CC").status_code == 200
    assert team.rate(bob, "alarm", "arson", "C").status_code == 200
    status = team.client.get(f"/api/f/{first}/status").json()
    assert [(p["name"], p["this_round"]) for p in status["participants"]] == [("Ann", 1)]
    status = team.client.get(f"/api/f/{second}/status").json()
    assert [(p["name"], p["this_round"]) for p in status["participants"]] == [("Bob", 1)]
    # A facilitator token is not another workshop's: its API refuses the other's CSRF.
    answer = team.client.post(
        f"/api/f/{second}/reveal", json={}, headers={"X-CSRF-Token": team.facilitator_csrf(first)}
    )
    assert answer.status_code == 403
    assert team.client.post(
        f"/api/f/{first}/reveal", json={}, headers={"X-CSRF-Token": team.facilitator_csrf(first)}
    ).json() == {"revealed": 1}
    listing = team.client.get(f"/api/admin/{team.admin}/workshops").json()
    assert [w["state"] for w in listing["workshops"]] == ["round 1 revealed", "round 1 open"]
    assert "round 1 revealed" in team.client.get(f"/admin/{team.admin}").text


def test_admin_index_says_what_each_case_is_and_which_cannot_be_read(cases, db_url):
    from argmap.load import load_case

    broken = cases / "broken" / "hypotheses"
    broken.mkdir(parents=True)
    (broken / "case.yaml").write_text("title: Broken\nquestion: Why?\nhypotheses: 3\n")
    team = TeamClient(cases, db_url)
    listing = team.client.get(f"/api/admin/{team.admin}/workshops").json()
    about = {a["ref"]: a for a in listing["about"]}
    case = load_case(cases / "warehouse").case
    assert about["warehouse"] == {
        "ref": "warehouse",
        "ok": True,
        "title": case.title,
        "question": case.question,
        "hypotheses": len(case.leaves),
        "evidence": len(case.evidence),
    }
    assert about["broken"]["ok"] is False and "1 error" in about["broken"]["problem"]
    page = team.client.get(f"/admin/{team.admin}").text
    assert case.question in page
    assert re.search(r'data-case="broken" disabled', page)  # no workshop on a broken case
    team.open_workshop("warehouse")
    page = team.client.get(f"/admin/{team.admin}").text
    assert f"<td>{case.title} <code>warehouse</code></td>" in page


def test_admin_link_checks(cases, db_url):
    team = TeamClient(cases, db_url)
    csrf = team.csrf()
    for path in ("/admin/nope", "/api/admin/nope/workshops", "/f/nope", "/p/nope", "/"):
        assert team.client.get(path).status_code == 404
    assert team.client.get("/api/p/nope/ratings").json() == {"error": "unknown link"}

    def post(body, **headers):
        return team.client.post(
            f"/api/admin/{team.admin}/workshops",
            json=body,
            headers={"X-CSRF-Token": csrf, **headers},
        )

    assert post({"case": "warehouse"}, **{"X-CSRF-Token": "wrong"}).status_code == 403
    assert post({"case": "warehouse"}, Origin="http://evil.example").status_code == 403
    for bad in ("../warehouse", "notes", "", "warehouse/../depot"):
        assert post({"case": bad}).status_code == 422, bad
    assert post({"case": "warehouse", "owner": "x"}).status_code == 422
    assert post({"case": "warehouse"}).status_code == 201
    # Rotating the link (argmap server admin-link --rotate) revokes the old one at once.
    old = team.admin
    team.admin = team.database.rotate_admin_token()
    assert team.client.get(f"/admin/{old}").status_code == 404
    assert (
        team.client.post(
            f"/api/admin/{old}/workshops",
            json={"case": "warehouse"},
            headers={"X-CSRF-Token": csrf},
        ).status_code
        == 404
    )
    assert post({"case": "warehouse"}).status_code == 403  # the old page's secret is gone too
    assert team.client.get(f"/admin/{team.admin}").status_code == 200
    assert team.client.get("/", headers={"Host": "evil.example"}).status_code == 421


def test_hostile_names_and_bodies_through_the_team_server(cases, db_url, write_case):
    name = '<b>"fire" & co'
    write_case(name=f"cases/{name}")
    team = TeamClient(cases, db_url)
    page = team.client.get(f"/admin/{team.admin}").text
    assert "<b>" not in page and "&lt;b&gt;&#34;fire&#34; &amp; co" in page
    assert re.findall(r'data-case="([^"]*)"', page)[0] == "&lt;b&gt;&#34;fire&#34; &amp; co"
    token = team.open_workshop(name)
    page = team.client.get(f"/admin/{team.admin}").text
    assert "<b>" not in page and page.count("&lt;b&gt;") == 3  # listed, and its workshop
    person = team.invite(token, "Ann")
    # The workshop app's limits hold behind the dispatcher.
    huge = team.client.post(
        f"/api/p/{person[0]}/ratings",
        content=b"{" + b" " * (64 * 1024) + b"}",
        headers={"X-CSRF-Token": person[1], "Content-Type": "application/json"},
    )
    assert huge.status_code == 413
    huge = team.client.post(
        f"/api/admin/{team.admin}/workshops",
        content=b"{" + b" " * (64 * 1024) + b"}",
        headers={"X-CSRF-Token": team.csrf(), "Content-Type": "application/json"},
    )
    assert huge.status_code == 413
    assert team.client.get("/health", headers={"Host": "a:b:c"}).status_code == 400


def test_workshop_serve_is_the_one_case_form(write_case, db_url):
    """`workshop serve`'s app (single_app): the same workshop app, with /health."""
    from argmap.workshop.server import open_server
    from argmap.workshop.team import single_app

    server = open_server(write_case(), db_url)
    client = TestClient(single_app(server), base_url=BASE)
    assert client.get("/health").json()["status"] == "ok"
    token = server.store.facilitator_token
    assert client.get(f"/f/{token}").status_code == 200
    assert client.get("/f/nope").status_code == 404
    assert client.get("/admin/x").status_code == 404
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 421


def test_health_needs_no_link_and_names_no_secret(cases, db_url):
    team = TeamClient(cases, db_url)
    answer = team.client.get("/health")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok" and body["schema"] == SCHEMA_VERSION
    assert body["pid"] == os.getpid()
    assert team.admin not in answer.text
    assert answer.headers["x-frame-options"] == "DENY"


def _unavailable(answer) -> dict:
    assert answer.status_code == 503, answer.text
    body = answer.json()
    assert body["status"] == "unavailable"
    return body


def test_health_is_503_when_the_sqlite_database_has_gone(cases, tmp_path):
    folder = tmp_path / "db"
    team = TeamClient(cases, f"sqlite:///{folder / 'workshop.sqlite'}")
    token = team.open_workshop("warehouse")
    assert team.client.get("/health").status_code == 200
    # The file moved away under the server: 503, and no new empty database in its place.
    away = tmp_path / "away"
    folder.rename(away)
    folder.mkdir()
    body = _unavailable(team.client.get("/health"))
    assert body["error"] == "OperationalError" and body["database"] == "sqlite"
    assert token not in json.dumps(body) and team.admin not in json.dumps(body)
    assert list(folder.iterdir()) == []
    # Back again: ok, with its workshop.
    folder.rmdir()
    away.rename(folder)
    assert team.client.get("/health").json()["status"] == "ok"
    assert team.client.get(f"/f/{token}").status_code == 200


def test_health_is_503_for_a_database_of_another_schema(cases, db_url):
    team = TeamClient(cases, db_url)
    team.database.set_meta("schema", str(SCHEMA_VERSION + 1))  # a newer argmap migrated it
    body = _unavailable(team.client.get("/health"))
    assert body["error"] == f"schema {SCHEMA_VERSION + 1}, not {SCHEMA_VERSION}"


def test_health_is_503_when_the_postgresql_server_has_stopped(cases):
    """A cluster of its own (the session's serves the other tests), stopped under the
    server: the pooled connection breaks, then a new one is refused; both are 503."""
    from .pg import Cluster, need_postgres

    need_postgres()
    cluster = Cluster()
    try:
        team = TeamClient(cases, cluster.new_database())
        token = team.open_workshop("warehouse")
        answer = team.client.get("/health")
        assert answer.status_code == 200 and answer.json()["database"] == "postgresql"
    finally:
        cluster.stop()
    first = _unavailable(team.client.get("/health"))  # a kept connection, now dead
    second = _unavailable(team.client.get("/health"))  # a new one, refused
    assert first["database"] == second["database"] == "postgresql"
    assert second["error"] == "ArgmapError"
    assert token not in json.dumps(second)


def test_one_log_line_per_request_without_secrets(cases, db_url):
    log = io.StringIO()
    team = TeamClient(cases, db_url, log)
    token = team.open_workshop("warehouse")
    person = team.invite(token, "Ann")
    team.rate(person, "van", "arson", "CC")
    team.client.get("/p/nope")
    lines = log.getvalue().splitlines()
    assert len(lines) == 7  # admin page, open, facilitator page, invite, sheet, rate, 404
    for line in lines:
        assert team.admin not in line and token not in line and person[0] not in line
        fields = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', line))
        assert set(fields) == {"time", "pid", "method", "path", "status", "ms", "bytes", "client"}
    assert "method=POST path=/api/p/***/ratings status=200" in lines[5]
    assert "path=/p/***" in lines[6] and "status=404" in lines[6]
    assert redact("/api/f/abc/participants/3/rename") == "/api/f/***/participants/3/rename"


def test_two_processes_share_workshops_tokens_and_the_case(cases, db_url):
    """Two apps on one database, as two server processes are: a participant on one, the
    facilitator on the other; a proposal accepted through one is in the case the other
    serves; the admin link and CSRF secrets hold on both."""
    one, two = TeamClient(cases, db_url), TeamClient(cases, db_url)
    assert one.admin == two.admin
    token = one.open_workshop("warehouse")
    ann = two.invite(token, "Ann")  # the facilitator's page through the second
    assert one.rate(ann, "van", "arson", "CC").status_code == 200  # Ann through the first
    status = two.client.get(f"/api/f/{token}/status").json()
    assert [(p["name"], p["this_round"]) for p in status["participants"]] == [("Ann", 1)]
    # Ann proposes through the first, the facilitator accepts through the second.
    answer = one.client.post(
        f"/api/p/{ann[0]}/proposals", json=FIRE, headers={"X-CSRF-Token": ann[1]}
    )
    assert answer.status_code == 201, answer.text
    answer = two.client.post(
        f"/api/f/{token}/proposals/{answer.json()['id']}",
        json={"decision": "accept"},
        headers={"X-CSRF-Token": two.facilitator_csrf(token)},
    )
    assert answer.status_code == 200, answer.text
    server, _ = one.team.workshop(1)
    old_ids = set(server.evidence_ids)
    # The first reads the case again before answering: the new item can be rated there.
    answer = one.client.get(f"/p/{ann[0]}")
    new_id = next(e for e in server.evidence_ids if e not in old_ids)
    assert f'data-evidence="{new_id}"' in answer.text
    assert one.rate(ann, new_id, "arson", "C").status_code == 200
    # A removed participant's link stops working on both at once.
    assert (
        two.client.post(
            f"/api/f/{token}/participants/1/remove",
            json={},
            headers={"X-CSRF-Token": two.facilitator_csrf(token)},
        ).status_code
        == 200
    )
    assert one.client.get(f"/p/{ann[0]}").status_code == 404
    # Restored through the first, it works on both again.
    assert (
        one.client.post(
            f"/api/f/{token}/participants/1/restore",
            json={},
            headers={"X-CSRF-Token": one.facilitator_csrf(token)},
        ).status_code
        == 200
    )
    assert one.client.get(f"/p/{ann[0]}").status_code == 200
    assert two.client.get(f"/p/{ann[0]}").status_code == 200


def test_the_case_lock_is_held_by_one_writer_at_a_time(cases, db_url):
    team = TeamClient(cases, db_url)
    token = team.open_workshop("warehouse")
    server, _ = team.team.workshop(1)
    assert token == server.store.facilitator_token
    other = TeamClient(cases, db_url).team.workshop(1)[0]  # another "process"'s
    held, order = threading.Event(), []

    def first() -> None:
        with server.case_lock():
            held.set()
            time.sleep(0.5)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    held.wait(5)
    with other.case_lock():
        order.append("second in")
    thread.join()
    assert order == ["first done", "second in"]


def test_server_command_and_its_subcommands_coexist(runner, tmp_path, cases):
    result = runner.invoke(main, ["server", "--help"])
    assert result.exit_code == 0
    for name in ("serve", "check", "backup", "admin-link"):
        assert name in result.output
    result = runner.invoke(main, ["server", str(tmp_path / "missing"), "--db", "x.sqlite"])
    assert result.exit_code == 1 and "no such folder" in result.output
    result = runner.invoke(main, ["server", str(cases), "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.output
    db = tmp_path / "t.sqlite"
    result = runner.invoke(main, ["server", "check", "--db", f"sqlite:///{db}"])
    assert result.exit_code == 1 and "no workshop database" in result.output


# --- real processes ---------------------------------------------------------------------


class TeamProcess(LinkedProcess):
    """`argmap server CASES_DIR --db URL --port 0` in a subprocess."""

    def __init__(self, cases: Path, db: str, log: Path, *extra: str):
        super().__init__(["server", cases, "--db", db, "--port", "0", *extra], log)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/admin/\S+", self.link), log.read_text()
        self.base, self.admin = self.link.split("/admin/")

    def kill(self, sig: int = signal.SIGKILL, wait: float = 15) -> None:
        super().kill(sig, wait)


@pytest.fixture
def processes(tmp_path):
    started: list[TeamProcess] = []

    def start(cases: Path, db: str, *extra: str) -> TeamProcess:
        process = TeamProcess(cases, db, tmp_path / f"server{len(started)}.log", *extra)
        started.append(process)
        return process

    yield start
    for process in started:
        process.kill()


def _csrf(client: httpx.Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.text
    return json.loads(re.search(r'id="server-data">(.*?)</script>', page.text)[1])["csrf"]


@pytest.mark.slow
def test_two_server_processes_on_one_postgresql(cases, postgres_url, processes, tmp_path):
    """A participant rating through one process, the facilitator watching through the
    other; the first is killed mid-rating: every acknowledged rating is stored, and the
    participant carries on through the second."""
    one, two = processes(cases, postgres_url), processes(cases, postgres_url)
    assert one.admin == two.admin
    with httpx.Client(timeout=20) as client:
        answer = client.post(
            f"{one.base}/api/admin/{one.admin}/workshops",
            json={"case": "warehouse"},
            headers={"X-CSRF-Token": _csrf(client, one.link)},
        )
        assert answer.status_code == 201, answer.text
        token = answer.json()["link"].rsplit("/", 1)[1]
        fcsrf = _csrf(client, f"{two.base}/f/{token}")
        answer = client.post(
            f"{two.base}/api/f/{token}/participants",
            json={"name": "Ann"},
            headers={"X-CSRF-Token": fcsrf},
        )
        person = answer.json()["link"].rsplit("/", 1)[1]
        pcsrf = _csrf(client, f"{one.base}/p/{person}")
    cells = [(e, h) for e in ("van", "alarm") for h in ("accident", "arson", "other")]
    votes = ("CC", "C", "N", "I", "II")
    answered: list[tuple[str, str, str]] = []
    stop = threading.Event()

    def keep_rating() -> None:
        with httpx.Client(base_url=one.base, timeout=5) as client:
            n = 0
            while not stop.is_set():
                evidence, hypothesis = cells[n % len(cells)]
                vote = votes[n % len(votes)]
                try:
                    answer = client.post(
                        f"/api/p/{person}/ratings",
                        json={"evidence": evidence, "hypothesis": hypothesis, "vote": vote},
                        headers={"X-CSRF-Token": pcsrf},
                    )
                except httpx.TransportError:
                    return
                if answer.status_code == 200:
                    answered.append((evidence, hypothesis, vote))
                n += 1

    writer = threading.Thread(target=keep_rating)
    writer.start()
    deadline = time.monotonic() + 30
    seen = 0
    with httpx.Client(base_url=two.base, timeout=20) as client:
        while seen < 6 and time.monotonic() < deadline:
            status = client.get(f"/api/f/{token}/status").json()
            seen = status["participants"][0]["this_round"]
            time.sleep(0.05)
        assert seen == 6  # the facilitator sees, through two, what Ann rates through one
        while len(answered) < 30 and time.monotonic() < deadline:
            time.sleep(0.02)
        one.kill()
        stop.set()
        writer.join(10)
        last = {(e, h): v for e, h, v in answered}
        answer = client.get(f"/api/p/{person}/ratings")
        stored = {(c["evidence"], c["hypothesis"]): c["vote"] for c in answer.json()["cells"]}
        for cell, vote in last.items():  # a request cut off by the kill may be there too
            assert stored[cell] in (vote, votes[(votes.index(vote) + 1) % len(votes)])
        answer = client.post(
            f"/api/p/{person}/ratings",
            json={"evidence": "van", "hypothesis": "other", "vote": "N"},
            headers={"X-CSRF-Token": pcsrf},
        )
        assert answer.status_code == 200  # carrying on through the other process
        assert client.get("/health").json()["status"] == "ok"
    log = (tmp_path / "server0.log").read_text()
    assert "path=/api/p/***/ratings" in log and person not in log and token not in log


@pytest.mark.slow
def test_workers_share_one_port_and_a_killed_worker_is_replaced(cases, db_url, processes):
    server = processes(cases, db_url, "--workers", "2")
    pids: set[int] = set()
    with httpx.Client(timeout=10) as client:  # a new connection each time
        for _ in range(200):
            pids.add(
                client.get(f"{server.base}/health", headers={"Connection": "close"}).json()["pid"]
            )
            if len(pids) == 2:
                break
        assert len(pids) == 2
        os.kill(next(iter(pids)), signal.SIGKILL)
        time.sleep(1.5)
        for _ in range(20):
            assert client.get(f"{server.base}/health").json()["status"] == "ok"
        server.kill(signal.SIGTERM)
    assert server.process.returncode == 0


@pytest.mark.slow
def test_workers_end_when_their_parent_is_killed(cases, db_url, processes):
    server = processes(cases, db_url, "--workers", "2")
    pids: set[int] = set()
    with httpx.Client(timeout=10) as client:
        while len(pids) < 2:
            pids.add(
                client.get(f"{server.base}/health", headers={"Connection": "close"}).json()["pid"]
            )
    server.kill(signal.SIGKILL)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in pids):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# --- the systemd unit in docs/ ------------------------------------------------------------

UNIT = Path(__file__).parent.parent / "docs" / "team-server" / "argmap-server.service"


def _exec_start(unit: str) -> list[str]:
    import shlex

    [line] = [line for line in unit.splitlines() if line.startswith("ExecStart=")]
    return shlex.split(line.removeprefix("ExecStart="))


def test_systemd_unit_verifies(tmp_path):
    """systemd's own check of docs/team-server/argmap-server.service, with the program
    pointed at this environment's argmap (systemd checks it is there)."""
    import shutil

    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    argmap = Path(sys.executable).parent / "argmap"
    unit = UNIT.read_text().replace("/opt/argmap/venv/bin/argmap", str(argmap))
    copy = tmp_path / "argmap-server.service"
    copy.write_text(unit)
    result = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


@pytest.mark.slow
def test_systemd_units_command_serves_and_stops_on_sigterm(cases, db_url, tmp_path):
    """The unit's ExecStart, with this test's cases folder, database and a free port: it
    prints the admin link, answers /health from its workers, and stops cleanly on the
    SIGTERM systemd sends."""
    command = _exec_start(UNIT.read_text())
    assert command[:3] == ["/opt/argmap/venv/bin/argmap", "server", "/srv/argmap/cases"]
    options = dict(zip(command[3::2], command[4::2], strict=True))
    assert set(options) == {"--db", "--host", "--port", "--workers", "--allow-host"}
    assert options["--host"] == "127.0.0.1" and options["--db"].startswith("postgresql://")
    options |= {"--db": db_url, "--port": "0"}
    run = [sys.executable, "-c", "from argmap.cli import main; main()", "server", str(cases)]
    run += [part for pair in options.items() for part in pair]
    with (tmp_path / "unit.log").open("w") as log:
        process = subprocess.Popen(run, stdout=subprocess.PIPE, stderr=log, text=True)
        try:
            ready, _, _ = select.select([process.stdout], [], [], 30)
            assert ready, (tmp_path / "unit.log").read_text()
            link = process.stdout.readline().strip()
            base = link.split("/admin/")[0]
            assert httpx.get(f"{base}/health", timeout=10).json()["status"] == "ok"
            # The name the reverse proxy passes on is accepted; others are not.
            proxied = {"Host": options["--allow-host"]}
            assert httpx.get(f"{base}/health", headers=proxied, timeout=10).status_code == 200
            other = {"Host": "evil.example"}
            assert httpx.get(f"{base}/health", headers=other, timeout=10).status_code == 421
            # Behind a TLS proxy (docs/team-server.md): the public name and scheme pass the
            # origin check, and the links handed out are https ones on that name.
            public = f"https://{options['--allow-host']}"
            proxied |= {"X-Forwarded-Proto": "https"}
            with httpx.Client(base_url=base, headers=proxied, timeout=10) as client:
                admin = "/admin/" + link.split("/admin/")[1]
                page = client.get(admin).text
                csrf = json.loads(re.search(r'id="server-data">(.*?)</script>', page)[1])["csrf"]
                answer = client.post(
                    f"/api{admin}/workshops",
                    json={"case": "depot"},
                    headers={"X-CSRF-Token": csrf, "Origin": public},
                )
                assert answer.status_code == 201, answer.text
                assert answer.json()["link"].startswith(f"{public}/f/")
                refused = client.post(
                    f"/api{admin}/workshops",
                    json={"case": "depot"},
                    headers={"X-CSRF-Token": csrf, "Origin": base},
                )
                assert refused.status_code == 403
            process.send_signal(signal.SIGTERM)
            assert process.wait(20) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
    assert "workers: " in (tmp_path / "unit.log").read_text()
