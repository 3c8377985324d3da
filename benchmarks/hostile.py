"""Hostile inputs for the importers, timed beside a valid file of the same format and size.

    python -m benchmarks.hostile             # each input once; prints JSON
    python -m benchmarks.hostile --large     # also a 30 MB Argdown map

What the red team found (tests/test_hostile_imports.py holds the same inputs to 10 s and
500 MB in a fresh process): `[` × 200,000 and `<!-- ` × 50,000 never finished tokenising,
nesting thousands deep recursed out of the stack, a 0.6 KB Carneades graph explored 60⁵
partial matches, a 5,000-digit AIF nodeID and a lone surrogate in a JSON document gave
tracebacks, a 3 MB workbook unpacked to 3 GB in memory, a 30 MB map took 231 s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import shutil
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "tests" / "bad_inputs" / "_base"
CORPUS = REPO / "tests" / "bad_inputs" / "_importers"

__all__ = ["HOSTILE", "argdown_map", "measure"]

_WORDS = [
    "harbour", "fire", "van", "yard", "night", "guard", "report", "smoke", "door", "gate",
    "key", "witness", "alarm", "wiring", "inspector", "owner", "insurance", "debt", "police",
    "camera",
]  # fmt: skip


def argdown_map(size: int, seed: int = 7) -> str:
    """A valid Argdown map of about ``size`` bytes, in blocks like those of a real map:
    headings, statements with emphasis, tags, links and data, nested relations of every
    kind, and reconstructed arguments with comments."""
    rng = random.Random(seed)

    def words(n: int) -> str:
        return " ".join(rng.choice(_WORDS) for _ in range(n))

    blocks: list[str] = []
    total = 0
    i = 0
    while total < size:
        block = (
            f"# Part {i}: {words(3)}\n\n"
            f"[Claim {i}]: The {words(4)} was **set on purpose** by {words(3)}, as the "
            f"_report_ says. #hypothesis #part-{i % 97}\n"
            f"  + <Witness {i}>: {words(8)} at 23:{i % 60:02d}.\n"
            f'    - [Doubt {i}]: {words(10)}. {{credibility: low, seen: "{words(2)}"}}\n'
            f"  - <Wiring {i}>: {words(6)}; see [the inspection](https://example.org/{i}).\n"
            f"  >< [Accident {i}]: The fire was an accident ({words(3)}).\n"
            f"  +> [Claim {(i * 7) % (i + 1)}]\n\n"
            f"<Witness {i}>\n\n"
            f"(1) [Sighting {i}]: {words(12)}.\n"
            f"(2) If {words(5)}, they probably set it. // a comment {i}\n"
            "----\n"
            f"(3) [Claim {i}]\n\n"
        )
        blocks.append(block)
        total += len(block.encode("utf-8"))
        i += 1
    return "".join(blocks)


def _carneades_join(atoms: int, last: str) -> str:
    facts = ", ".join(f"p(a{i})" for i in range(atoms))
    return (
        "argument_schemes:\n  - id: five\n    variables: [A, B, C, D, E]\n"
        "    premises: [p(A), p(B), p(C), p(D), 'q(A, B, C, D, E)']\n"
        f"    conclusions: [r(A)]\nassumptions: [{facts}{last}]\n"
    )


def _carneades_chain(people: int) -> str:
    facts = ", ".join(f"'parent(p{i}, p{i + 1})'" for i in range(people))
    return (
        "argument_schemes:\n  - id: grand\n    variables: [X, Y, Z]\n"
        "    premises: ['parent(X, Y)', 'parent(Y, Z)']\n"
        f"    conclusions: ['grandparent(X, Z)']\nassumptions: [{facts}]\n"
    )


def _workbook(bomb_bytes: int = 0) -> bytes:
    """The base case's workbook; with ``bomb_bytes``, its matrix sheet one cell that long."""
    from argmap.io.xlsx import export
    from argmap.load import load_case

    workbook = export(load_case(BASE).case)
    if not bomb_bytes:
        return workbook
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info))
                continue
            with target.open(info.filename, "w", force_zip64=True) as sheet:
                sheet.write(b"<worksheet><sheetData><row><c><is><t>")
                for _ in range(bomb_bytes >> 20):
                    sheet.write(b"A" * (1 << 20))
                sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    return out.getvalue()


@dataclass(frozen=True)
class Hostile:
    name: str
    fmt: str
    file: str
    text: Callable[[], str | bytes]
    """The hostile input."""
    baseline: Callable[[int], str | bytes]
    """A valid input of the same format, about as large as the hostile one (given its size)."""


def _corpus(name: str, file: str) -> Callable[[], str]:
    return lambda: (CORPUS / name / file).read_text(encoding="utf-8")


def _base_json(_size: int) -> str:
    from argmap.io.jsondoc import export
    from argmap.load import load_case

    return export(load_case(BASE).case)


def _aif(size: int) -> str:
    nodes = [{"nodeID": str(i), "type": "I", "text": f"Claim {i}."} for i in range(size // 50)]
    return json.dumps({"nodes": nodes, "edges": []})


HOSTILE = [
    Hostile("argdown [ x 200,000", "argdown", "map.argdown", lambda: "[" * 200_000, argdown_map),
    Hostile("argdown <!-- x 50,000", "argdown", "map.argdown", lambda: "<!-- " * 50_000,
            argdown_map),
    Hostile("argdown *_ x 100,000", "argdown", "map.argdown", lambda: "*_" * 100_000, argdown_map),
    Hostile(
        "argdown + nested 3,000 deep",
        "argdown",
        "map.argdown",
        lambda: "[A]: a\n" + "".join(" " * n + f"+ [s{n}]: s.\n" for n in range(1, 3001)),
        argdown_map,
    ),
    Hostile(
        "carneades 60 facts, 5 premises",
        "carneades",
        "graph.yml",
        lambda: _carneades_join(60, ", 'q(z, z, z, z, z)'"),
        lambda size: _carneades_chain(size // 20),
    ),
    Hostile(
        "aif nodeID of 5,000 digits",
        "aif",
        "map.json",
        _corpus("aif-long-node-id", "map.json"),
        _aif,
    ),
    Hostile(
        "json lone surrogate",
        "json",
        "case.json",
        _corpus("json-lone-surrogate", "case.json"),
        _base_json,
    ),
    Hostile("xlsx unpacking to 300 MB", "xlsx", "matrix.xlsx", lambda: _workbook(300 << 20),
            lambda _size: _workbook()),
]  # fmt: skip


def _read(fmt: str, path: Path, folder: Path) -> str:
    """Import ``path`` the way the CLI does; 'read' or 'refused'."""
    from argmap.io import importer
    from argmap.problems import ArgmapError

    module = importer(fmt)
    try:
        if fmt == "xlsx":
            case = folder / "case"
            shutil.rmtree(case, ignore_errors=True)
            shutil.copytree(BASE, case)
            module.merge_into(path, case)
        elif fmt == "json":
            module.to_case_files(path)
        else:
            module.summary(path)
    except ArgmapError:
        return "refused"
    return "read"


def _timed(fmt: str, path: Path, folder: Path) -> tuple[float, str]:
    start = time.perf_counter()
    outcome = _read(fmt, path, folder)
    return time.perf_counter() - start, outcome


def measure(large: bool = False) -> dict[str, dict[str, float | str]]:
    """Each hostile input imported once, and its baseline: seconds and outcome."""
    import resource

    results: dict[str, dict[str, float | str]] = {}
    cases = list(HOSTILE)
    if large:
        cases.append(
            Hostile("argdown valid map of 30 MB", "argdown", "map.argdown",
                    lambda: argdown_map(30_000_000), lambda _size: argdown_map(1_000_000))
        )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for hostile in cases:
            path = folder / hostile.file
            content = hostile.text()
            size = len(content)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            seconds, outcome = _timed(hostile.fmt, path, folder)
            baseline = hostile.baseline(size)
            if isinstance(baseline, bytes):
                path.write_bytes(baseline)
            else:
                path.write_text(baseline, encoding="utf-8")
            base_seconds, base_outcome = _timed(hostile.fmt, path, folder)
            assert base_outcome == "read", f"the baseline of {hostile.name} must be valid"
            results[hostile.name] = {
                "seconds": seconds,
                "baseline": base_seconds,
                "outcome": outcome,
                "bytes": float(size),
            }
    results["peak"] = {"mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also a 30 MB Argdown map")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.large), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
