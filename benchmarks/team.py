"""Load and faults on the team server (issue 20; docs/benchmarks.md, *Team server*).

    python -m benchmarks.team                      # a throwaway PostgreSQL cluster, 60 s a phase
    python -m benchmarks.team --db postgresql://… --seconds 30 --workshops 10 --people 30

Two `argmap server` processes on one PostgreSQL database and one cases folder. Through the
admin API, WORKSHOPS workshops are opened and PEOPLE participants invited to each; each
participant then rates cells of an 8 × 3 matrix, one request after the other, as fast as the
server answers, half of them through each process (by workshop).

- *load*: SECONDS of that; ratings per second, latency percentiles (p50, p90, p99, max).
- *kill*: the same, and half-way through the first process is killed with SIGKILL;
  its participants get a broken connection, switch to the second process and carry on.
  Then every participant's cells are read back (through the second process) and compared
  with the last rating the server acknowledged for each: a *lost* write is an acknowledged
  rating that is not what is stored (a request cut off by the kill, never acknowledged,
  may or may not be there and is not counted). Duplicates cannot be stored (a cell is one
  row) and are counted all the same.

Prints one JSON object. Needs PostgreSQL's server programs (Debian: postgresql) when no
--db is given, psycopg and httpx.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
VOTES = ("CC", "C", "N", "I", "II")
HYPOTHESES = ("accident", "arson", "other")
EVIDENCE = tuple(f"e{n}" for n in range(8))
CELLS = [(e, h) for e in EVIDENCE for h in HYPOTHESES]

CASE = {
    "hypotheses/case.yaml": """\
title: The warehouse fire
question: How did the fire start?
hypotheses:
  - id: accident
    title: An accident
    statement: The fire started by accident.
  - id: arson
    title: Arson
    statement: Someone set the fire.
  - id: other
    title: Something else
    statement: Neither.
""",
    "evidence/evidence.yaml": "evidence:\n"
    + "".join(f"  - id: e{n}\n    summary: Item {n}.\n    kind: assumption\n" for n in range(8)),
}


def write_cases(folder: Path, count: int) -> list[str]:
    names = []
    for n in range(count):
        name = f"case-{n:02d}"
        for relative, text in CASE.items():
            path = folder / name / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        names.append(name)
    return names


class Server:
    def __init__(self, cases: Path, db: str, log: Path) -> None:
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from argmap.cli import main; main()", "server", str(cases)]
            + ["--db", db, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            cwd=REPO,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        if not ready:
            self.process.kill()
            raise SystemExit(f"the server printed no link: {log.read_text()}")
        self.link = self.process.stdout.readline().strip()
        self.base, self.admin = self.link.split("/admin/")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(20)
        self.log.close()


def _csrf(page: str) -> str:
    found = re.search(r'id="server-data">(.*?)</script>', page)
    assert found, page[:300]
    return str(json.loads(found[1])["csrf"])


def set_up(one: Server, two: Server, cases: list[str], people: int) -> list[dict]:
    """Open a workshop on each case and invite ``people`` to each; a participant of an
    even workshop talks to ``one``, of an odd one to ``two``."""
    participants = []
    with httpx.Client(timeout=30) as client:
        csrf = _csrf(client.get(one.link).text)
        for number, case in enumerate(cases):
            answer = client.post(
                f"{one.base}/api/admin/{one.admin}/workshops",
                json={"case": case},
                headers={"X-CSRF-Token": csrf},
            )
            answer.raise_for_status()
            token = answer.json()["link"].rsplit("/", 1)[1]
            fcsrf = _csrf(client.get(f"{one.base}/f/{token}").text)
            for n in range(people):
                answer = client.post(
                    f"{one.base}/api/f/{token}/participants",
                    json={"name": f"Analyst {n:02d}"},
                    headers={"X-CSRF-Token": fcsrf},
                )
                answer.raise_for_status()
                person = answer.json()["link"].rsplit("/", 1)[1]
                pcsrf = _csrf(client.get(f"{one.base}/p/{person}").text)
                participants.append(
                    {
                        "token": person,
                        "csrf": pcsrf,
                        "server": number % 2,
                        "seed": len(participants),
                    }
                )
    return participants


async def rate_for(
    participants: list[dict],
    bases: list[str],
    seconds: float,
    kill_at: float | None,
    kill: Server | None,
) -> dict:
    latencies: list[float] = []
    errors = {"refused": 0, "transport": 0, "switched": 0}
    acknowledged: dict[tuple[str, str, str], str] = {}
    pending: dict[tuple[str, str, str], set[str]] = {}
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=1000)
    started = time.monotonic()
    end = started + seconds
    killed = asyncio.Event()

    async def participant(person: dict, client: httpx.AsyncClient) -> None:
        n = person["seed"]
        where = person["server"]
        while time.monotonic() < end:
            evidence, hypothesis = CELLS[n % len(CELLS)]
            vote = VOTES[(n // len(CELLS) + person["seed"]) % len(VOTES)]
            key = (person["token"], evidence, hypothesis)
            sent = time.monotonic()
            try:
                answer = await client.post(
                    f"{bases[where]}/api/p/{person['token']}/ratings",
                    json={"evidence": evidence, "hypothesis": hypothesis, "vote": vote},
                    headers={"X-CSRF-Token": person["csrf"]},
                )
            except httpx.TransportError:
                errors["transport"] += 1
                pending.setdefault(key, set()).add(vote)  # cut off: stored or not
                if killed.is_set() and where == 0:
                    where = 1  # the killed process's participants go to the other
                    errors["switched"] += 1
                else:
                    await asyncio.sleep(0.05)
                continue
            if answer.status_code == 200:
                latencies.append(time.monotonic() - sent)
                acknowledged[key] = vote
                pending.pop(key, None)
                n += 1
            else:
                errors["refused"] += 1
                await asyncio.sleep(0.05)

    async def killer() -> None:
        if kill is None or kill_at is None:
            return
        await asyncio.sleep(kill_at)
        killed.set()
        await asyncio.to_thread(kill.kill)

    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        await asyncio.gather(killer(), *(participant(p, client) for p in participants))
    elapsed = time.monotonic() - started
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {
        "participants": len(participants),
        "seconds": round(elapsed, 1),
        "acknowledged": len(latencies),
        "ratings_per_s": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            "mean": round(statistics.fmean(ordered) * 1000, 1),
            "p50": pct(0.50),
            "p90": pct(0.90),
            "p99": pct(0.99),
            "max": round(ordered[-1] * 1000, 1),
        },
        "errors": errors,
        "_acknowledged": acknowledged,
        "_pending": pending,
    }


def verify(participants: list[dict], base: str, result: dict) -> dict:
    """Every acknowledged rating read back through ``base``."""
    acknowledged, pending = result.pop("_acknowledged"), result.pop("_pending")
    lost, duplicates, cells = 0, 0, 0
    with httpx.Client(base_url=base, timeout=30) as client:
        for person in participants:
            answer = client.get(f"/api/p/{person['token']}/ratings")
            answer.raise_for_status()
            stored_cells = answer.json()["cells"]
            seen: set[tuple[str, str]] = set()
            stored = {}
            for cell in stored_cells:
                where = (cell["evidence"], cell["hypothesis"])
                duplicates += where in seen
                seen.add(where)
                stored[where] = cell["vote"]
            for evidence, hypothesis in CELLS:
                key = (person["token"], evidence, hypothesis)
                if key not in acknowledged:
                    continue
                cells += 1
                allowed = {acknowledged[key], *pending.get(key, ())}
                lost += stored.get((evidence, hypothesis)) not in allowed
    return {"cells_checked": cells, "lost": lost, "duplicates": duplicates}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a PostgreSQL URL (default: a throwaway cluster)")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workshops", type=int, default=10)
    parser.add_argument("--people", type=int, default=30)
    args = parser.parse_args()
    cluster = None
    with tempfile.TemporaryDirectory(prefix="argmap-team-bench-") as folder:
        work = Path(folder)
        if args.db:
            urls = [args.db, args.db]
        else:
            sys.path.insert(0, str(REPO))
            from tests.pg import Cluster, unavailable

            why = unavailable()
            if why:
                raise SystemExit(f"no PostgreSQL here: {why}")
            cluster = Cluster()
            urls = [cluster.new_database(), cluster.new_database()]
        report: dict = {
            "workshops": args.workshops,
            "participants_each": args.people,
            "cells": len(CELLS),
            "cpus": os.cpu_count(),
        }
        try:
            for phase, url in zip(("load", "kill"), urls, strict=True):
                cases = work / phase
                names = write_cases(cases, args.workshops)
                one = Server(cases, url, work / f"{phase}-1.log")
                two = Server(cases, url, work / f"{phase}-2.log")
                try:
                    people = set_up(one, two, names, args.people)
                    result = asyncio.run(
                        rate_for(
                            people,
                            [one.base, two.base],
                            args.seconds,
                            args.seconds / 2 if phase == "kill" else None,
                            one if phase == "kill" else None,
                        )
                    )
                    result |= verify(people, two.base, result)
                    report[phase] = result
                finally:
                    one.kill()
                    two.kill()
        finally:
            if cluster is not None:
                cluster.stop()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
