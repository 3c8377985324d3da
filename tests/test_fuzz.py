"""Property-based fuzzing of the loader and of every importer: only argmap's errors escape.

Whatever an analyst or another tool hands argmap — YAML-ish text, random bytes, documents of
the right shape with wrong contents — the loader and each importer either succeed or raise
:class:`~argmap.problems.ArgmapError` (of which :class:`~argmap.problems.CaseError` is one);
anything else would reach the user as a traceback. Where they succeed, the result is usable:
a loaded case scores and draws, an imported case loads, a merged matrix leaves a valid case.
Example counts are kept small so the whole module runs in well under a minute.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.io import IMPORTERS, importer
from argmap.load import load_case
from argmap.problems import ArgmapError, CaseError

from .conftest import EVIDENCE, HYPOTHESES, SOURCE_TEXT
from .test_aif import JSON as AIF_SHAPED
from .test_argdown import FRAGMENTS as ARGDOWN_FRAGMENTS

SCALE = int(os.environ.get("ARGMAP_FUZZ_SCALE", "1"))
"""Multiplies every example count: `ARGMAP_FUZZ_SCALE=50 pytest tests/test_fuzz.py` digs deeper."""


def examples(count: int) -> int:
    return count * SCALE


FUZZ = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
BASE = {
    "hypotheses/case.yaml": HYPOTHESES,
    "evidence/evidence.yaml": EVIDENCE,
    "evidence/sources/report.txt": SOURCE_TEXT,
}


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder per example (pytest's tmp_path is one per test, not per example)."""
    folder = Path(tempfile.mkdtemp(prefix="argmap-fuzz-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_files(folder: Path, files: dict[str, str | bytes | None]) -> Path:
    for relative, content in {**BASE, **files}.items():
        if content is None:
            continue
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def load_or_refuse(folder: Path):
    """The loaded case, or None when refused; every problem located in a file of the case."""
    try:
        return load_case(folder)
    except CaseError as err:
        assert err.errors, "a CaseError carries at least one error"
        for problem in err.problems:
            assert problem.line >= 1
            assert problem.file == folder or folder in problem.file.parents
            assert problem.message and problem.hint
            head, *hint = problem.format().split("\n")
            assert len(hint) <= 1 and "\r" not in head  # one line, plus its hint
        return None


# --- the loader: YAML-ish text and random bytes -------------------------------------------

YAML_FRAGMENTS = [
    *"-:[]{},&*!|>'\"#%@`?\\ \t\n",
    "\r\n", "  ", "    ", "- ", ": ", "---\n", "...\n", "? ", "<<: ", "&a ", "*a", "!!str ",
    "!!binary ", "%YAML 1.2\n", "\"\\0\"", "\"\\e\"", "\"\\ud800\"", "\"\\x85\"", "'it''s'",
    "sources:\n", "evidence:\n", "hypotheses:\n", "statements:\n", "arguments:\n", "title: ",
    "question: ", "id: ", "summary: ", "quote: ", "source: ", "file: ", "ratings: ",
    "rationale: ", "parent: ", "premises: ", "supports: ", "prior: ", "scoring: ",
    "likelihoods: ", "draws: ", "report", "van", "arson", "other", "x", "C", "II", "NA",
    "50%", "1e9", "-1", "0x10", "~", "null", "\u00e9", "\u049b", "\u200d", "\U0001f525",
    "\u202e", "\ufeff", "\x07", "\x1b[2J",
]  # fmt: skip
YAMLISH = st.lists(st.sampled_from(YAML_FRAGMENTS), max_size=60).map("".join)
CONTROL = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\ufffe"]
ARGDOWNISH = st.lists(st.sampled_from(ARGDOWN_FRAGMENTS + CONTROL), max_size=40).map("".join)
PLACES = st.sampled_from(["evidence/more.yaml", "hypotheses/more.yaml", "hypotheses/case.yaml"])


@FUZZ
@given(text=st.one_of(YAMLISH, st.text(max_size=200)), place=PLACES)
def test_loader_on_yamlish_text(text: str, place: str) -> None:
    with scratch() as folder:
        load_or_refuse(write_files(folder, {place: text}))


@FUZZ
@given(raw=st.binary(max_size=300), place=PLACES)
def test_loader_on_random_bytes(raw: bytes, place: str) -> None:
    with scratch() as folder:
        load_or_refuse(write_files(folder, {place: raw}))


# --- the loader: documents of the right shape with random contents --------------------------

IDS = st.sampled_from(["accident", "arson", "other", "van", "alarm", "report", "a1", "s1", "X y"])
TEXTS = st.one_of(
    st.sampled_from(["Text.", "", " ", "0.5", "150%", "-1", "2022-02-30", "high", "C", "CC"]),
    st.text(max_size=20),
)
SCALARS = st.one_of(IDS, TEXTS, st.none())
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(IDS, children, max_size=3),
    max_leaves=6,
)


def items(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Lists of mappings drawing some of ``fields`` (plus, now and then, a stray key)."""
    keys = st.lists(st.sampled_from([*fields, "stray"]), unique=True, max_size=len(fields) + 1)
    item = keys.flatmap(
        lambda chosen: st.fixed_dictionaries(
            {key: fields.get(key, VALUES) for key in chosen},
        )
    )
    return st.lists(item, max_size=4)


RATING_MAPS = st.dictionaries(IDS, st.sampled_from(["CC", "C", "N", "I", "II", "NA", "X"]))
HYPOTHESES_DOC = st.fixed_dictionaries(
    {"title": TEXTS, "question": TEXTS},
    optional={
        "notes": TEXTS,
        "format": st.sampled_from(["1", "2"]),
        "scoring": st.fixed_dictionaries(
            {},
            optional={
                "likelihoods": st.dictionaries(
                    st.sampled_from(["CC", "C", "N", "I", "II", "NA"]), TEXTS
                ),
                "draws": st.sampled_from(["0", "1", "20", "lots"]),
                "seed": st.sampled_from(["0", "-1", "7"]),
            },
        ),
        "evaluation": st.dictionaries(
            st.sampled_from(["standard", "min_pro", "min_gap", "max_con"]),
            st.sampled_from(["preponderance", "scintilla", "0.4", "2", "x"]),
        ),
        "hypotheses": items(
            {
                "id": IDS,
                "title": TEXTS,
                "statement": TEXTS,
                "tags": st.lists(TEXTS, max_size=2),
                "indicators": st.lists(TEXTS, max_size=2),
                "parent": IDS,
                "prior": st.sampled_from(["0.2", "50%", "0.9", "0", "x"]),
                "standard": st.sampled_from(["preponderance", "beyond-reasonable-doubt", "y"]),
            }
        ),
        "statements": items(
            {
                "id": IDS,
                "text": TEXTS,
                "contrary": st.lists(IDS, max_size=2),
                "contradicts": st.lists(IDS, max_size=2),
                "assumed": st.sampled_from(["true", "false", "maybe"]),
            }
        ),
        "arguments": items(
            {
                "id": IDS,
                "claim": TEXTS,
                "premises": st.lists(IDS, max_size=3),
                "supports": IDS,
                "attacks": IDS,
                "undercuts": IDS,
                "rationale": TEXTS,
                "weight": st.sampled_from(["0.5", "1", "2", "x"]),
                "weighing": st.sampled_from(["linked", "convergent", "cumulative", "odd"]),
            }
        ),
    },
)
EVIDENCE_DOC = st.fixed_dictionaries(
    {},
    optional={
        "sources": items(
            {
                "id": IDS,
                "title": TEXTS,
                "file": st.sampled_from(["sources/report.txt", "../x.txt", "/etc/hostname", ""]),
                "reliability": st.sampled_from(["A", "F", "G"]),
                "published": st.sampled_from(["2022", "2022-13", "x"]),
            }
        ),
        "evidence": items(
            {
                "id": IDS,
                "summary": TEXTS,
                "kind": st.sampled_from(["fact", "claim", "assumption", "absence", "rumour"]),
                "source": IDS,
                "quote": st.sampled_from(
                    ["The fire started shortly after 23:00", "Witnesses saw", "nowhere", ""]
                ),
                "credibility": st.sampled_from(["high", "low", "total"]),
                "relevance": st.sampled_from(["medium", "3"]),
                "ratings": RATING_MAPS,
                "rationale": st.dictionaries(IDS, TEXTS, max_size=2),
                "group": TEXTS,
                "deceptive": st.sampled_from(["no", "suspected", "yes"]),
            }
        ),
    },
)


def use_the_case(case: Any) -> None:
    """What the commands do with a loaded case, short of Graphviz: score, draw, render, export."""
    from argmap.assess import assess, assessment_json
    from argmap.evaluate import evaluate
    from argmap.io import aif, argdown, csvfile, jsondoc, markdown
    from argmap.render.dot import argument_map, evidence_map
    from argmap.render.html import render_report, report_context

    assessment = assess(case, draws=20, seed=1)
    json.dumps(assessment_json(assessment), allow_nan=False)
    evaluate(case)
    evidence_map(case, assessment.scores)
    argument_map(case)
    render_report(report_context(assessment, "<svg></svg>", "<svg></svg>"))
    markdown.render(assessment)
    for module in (aif, argdown, csvfile, jsondoc):
        module.export(case)


PLAIN = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12
).filter(str.strip)
SENTENCES = [line for line in SOURCE_TEXT.replace("\n\n", ". ").split(". ") if line.strip()]


@st.composite
def nearly_valid_cases(draw: st.DrawFn) -> tuple[dict, dict]:
    """Case documents that are mostly right: ids that exist, values that are allowed, with
    the kinds of mistakes and edge cases analysts make (cycles, priors, odd ratings)."""
    hyp_ids = draw(st.lists(st.sampled_from(["h1", "h2", "h3", "other"]), unique=True, max_size=4))
    hypotheses = []
    for index, hid in enumerate(hyp_ids):
        item: dict[str, Any] = {"id": hid, "title": draw(PLAIN), "statement": draw(PLAIN)}
        if index and draw(st.integers(0, 3)) == 0:
            item["parent"] = draw(st.sampled_from(hyp_ids[:index]))
        elif draw(st.integers(0, 20)) == 0:  # now and then, a cycle
            item["parent"] = draw(st.sampled_from(hyp_ids))
        if draw(st.integers(0, 4)) == 0:
            item["prior"] = draw(st.sampled_from(["0.1", "30%", "0.5", "1"]))
        hypotheses.append(item)
    statement_ids = draw(st.lists(st.sampled_from(["s1", "s2"]), unique=True, max_size=2))
    statements = [
        {
            "id": sid,
            "text": draw(PLAIN),
            "contrary": [other for other in statement_ids if other != sid][:1],
            "assumed": draw(st.sampled_from(["true", "false"])),
        }
        for sid in statement_ids
    ]
    evidence_ids = draw(st.lists(st.sampled_from(["e1", "e2", "e3"]), unique=True, max_size=3))
    argument_ids = draw(st.lists(st.sampled_from(["a1", "a2", "a3"]), unique=True, max_size=3))
    everything = hyp_ids + statement_ids + evidence_ids + argument_ids
    arguments = []
    for aid in argument_ids:
        relation = draw(st.sampled_from(["supports", "attacks", "undercuts"]))
        targets = argument_ids if relation == "undercuts" else everything
        grounds = statement_ids + evidence_ids + [a for a in argument_ids if a != aid]
        premises = draw(st.lists(st.sampled_from(grounds), max_size=2) if grounds else st.just([]))
        item = {"id": aid, "claim": draw(PLAIN), "premises": premises}
        item[relation] = draw(st.sampled_from(targets))
        if premises and draw(st.booleans()):
            item["weighing"] = draw(st.sampled_from(["linked", "convergent", "cumulative"]))
        if draw(st.booleans()):
            item["weight"] = draw(st.sampled_from(["0", "0.3", "1"]))
        arguments.append(item)
    parents = {h.get("parent") for h in hypotheses}
    leaves = [hid for hid in hyp_ids if hid not in parents]
    evidence = []
    for eid in evidence_ids:
        item = {"id": eid, "summary": draw(PLAIN)}
        if draw(st.booleans()):
            item |= {"source": "report", "quote": draw(st.sampled_from(SENTENCES))}
        else:
            item["kind"] = "assumption"
        item["credibility"] = draw(st.sampled_from(["high", "medium", "low"]))
        item["ratings"] = draw(
            st.dictionaries(
                st.sampled_from(leaves), st.sampled_from(["CC", "C", "N", "I", "II", "NA"])
            )
            if leaves
            else st.just({})
        )
        if draw(st.booleans()):
            item["group"] = "retold"
        if draw(st.integers(0, 3)) == 0:
            item["deceptive"] = "suspected"
        evidence.append(item)
    case = {"title": draw(PLAIN), "question": draw(PLAIN), "hypotheses": hypotheses}
    case |= {"statements": statements, "arguments": arguments}
    if draw(st.integers(0, 3)) == 0:
        case["scoring"] = {"likelihoods": {"CC": draw(st.sampled_from(["0.99", "0.95"]))}}
    sources = [{"id": "report", "title": "Harbour report", "file": "sources/report.txt"}]
    return case, {"sources": sources, "evidence": evidence}


@pytest.mark.slow
@settings(FUZZ, max_examples=examples(80))
@given(documents=st.one_of(st.tuples(HYPOTHESES_DOC, EVIDENCE_DOC), nearly_valid_cases()))
def test_loader_on_structured_documents(documents: tuple[dict, dict]) -> None:
    hypotheses, evidence = documents
    files = {
        "hypotheses/case.yaml": yaml.safe_dump(hypotheses, allow_unicode=True),
        "evidence/evidence.yaml": yaml.safe_dump(evidence, allow_unicode=True),
    }
    with scratch() as folder:
        result = load_or_refuse(write_files(folder, files))  # type: ignore[arg-type]
        if result is not None:
            use_the_case(result.case)


# --- every importer -------------------------------------------------------------------------


def run_importer(fmt: str, path: Path, folder: Path) -> None:
    """Summary, a new case, and (where the format has it) a merge into a copy of the base case.

    What imports must load; what merges must leave a case that still loads.
    """
    from argmap.commands import import_file

    module = importer(fmt)
    if hasattr(module, "summary"):
        with contextlib.suppress(ArgmapError):
            json.dumps(module.summary(path))
    try:
        import_file(fmt, path, output=folder / "new", into=None, summary=False)
    except CaseError as err:
        # Problems name the input; one in the new case's files is an importer's bug.
        assert not [p for p in err.problems if (folder / "new") in (p.file, *p.file.parents)]
    except ArgmapError:
        pass
    else:
        load_case(folder / "new")
    if hasattr(module, "merge_into"):
        case = write_files(folder / "case", {})
        with contextlib.suppress(ArgmapError):
            module.merge_into(path, case)
        load_case(case)  # refused or merged, the case is still valid


SUFFIX = {"argdown": ".argdown", "aif": ".json", "json": ".json", "carneades": ".yml"}
SUFFIX |= {"csv": ".csv", "xlsx": ".xlsx"}


def test_every_importer_is_fuzzed():
    assert set(IMPORTERS) <= set(SUFFIX), "add a fuzz strategy for the new format"


def _importer_or_skip(fmt: str) -> None:
    try:
        importer(fmt)
    except ArgmapError as err:  # the module is not written yet
        pytest.skip(f"{fmt}: {err}")


@pytest.mark.parametrize("fmt", sorted(IMPORTERS))
@settings(FUZZ, max_examples=examples(25))
@given(raw=st.binary(max_size=400))
def test_importer_on_random_bytes(fmt: str, raw: bytes) -> None:
    _importer_or_skip(fmt)
    with scratch() as folder:
        path = folder / f"input{SUFFIX[fmt]}"
        path.write_bytes(raw)
        run_importer(fmt, path, folder)


@pytest.mark.parametrize("fmt", sorted(IMPORTERS))
@settings(FUZZ, max_examples=examples(25))
@given(text=st.text(max_size=300))
def test_importer_on_random_text(fmt: str, text: str) -> None:
    _importer_or_skip(fmt)
    with scratch() as folder:
        path = folder / f"input{SUFFIX[fmt]}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        run_importer(fmt, path, folder)


# Shaped inputs: what each format looks like, with the wrong things in it.


@FUZZ
@given(text=ARGDOWNISH)
def test_argdown_import_of_argdownish_text(text: str) -> None:
    with scratch() as folder:
        path = folder / "map.argdown"
        path.write_text(text, encoding="utf-8")
        run_importer("argdown", path, folder)


def _with_noise(node: Any, noise: str) -> Any:
    if isinstance(node, str):
        return node + noise
    if isinstance(node, list):
        return [_with_noise(item, noise) for item in node]
    if isinstance(node, dict):
        return {key: _with_noise(value, noise) for key, value in node.items()}
    return node


@FUZZ
@given(document=AIF_SHAPED, noise=st.sampled_from(["", *CONTROL]))
def test_aif_import_of_aif_shaped_json(document: Any, noise: str) -> None:
    with scratch() as folder:
        path = folder / "map.json"
        path.write_text(json.dumps(_with_noise(document, noise)), encoding="utf-8")
        run_importer("aif", path, folder)


def _exported_json() -> dict[str, Any]:
    from argmap.io import jsondoc

    with scratch() as folder:
        return json.loads(jsondoc.export(load_case(write_files(folder, {})).case))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 3) | st.floats(allow_nan=True) | TEXTS | IDS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(IDS, children, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into a JSON document (keys and list indices)."""
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def mutated_exports(draw: st.DrawFn) -> Any:
    """argmap's own JSON export of the base case with a few nodes replaced or removed."""
    document = _exported_json()
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(document)))
        if not path:
            return draw(JSON_VALUES)
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        if draw(st.booleans()):
            parent[path[-1]] = draw(JSON_VALUES)
        elif isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent.pop(path[-1])
    return document


@FUZZ
@given(document=mutated_exports())
def test_json_import_of_mutated_exports(document: Any) -> None:
    with scratch() as folder:
        path = folder / "case.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        run_importer("json", path, folder)


CARNEADES_TERMS = st.sampled_from(["a", "b", "¬a", "f(X)", "f(a, b)", "g(f(X))", "X", "", "("])
CARNEADES_DOC = st.fixed_dictionaries(
    {},
    optional={
        "meta": st.dictionaries(st.sampled_from(["title", "note"]), TEXTS),
        "statements": st.dictionaries(CARNEADES_TERMS, TEXTS | st.none(), max_size=4),
        "issues": st.dictionaries(
            IDS,
            st.fixed_dictionaries(
                {"positions": st.lists(CARNEADES_TERMS, max_size=3)},
                optional={"standard": st.sampled_from(["pe", "cce", "brd", "xx"])},
            ),
            max_size=2,
        ),
        "arguments": st.dictionaries(
            IDS,
            st.fixed_dictionaries(
                {},
                optional={
                    "conclusion": CARNEADES_TERMS,
                    "premises": st.lists(CARNEADES_TERMS, max_size=3) | CARNEADES_TERMS,
                    "undercutter": CARNEADES_TERMS,
                    "scheme": IDS,
                    "weight": st.sampled_from(["0.5", "2", "x"]),
                },
            ),
            max_size=4,
        ),
        "assumptions": st.lists(CARNEADES_TERMS, max_size=3),
        "argument_schemes": st.lists(
            st.fixed_dictionaries(
                {"id": IDS},
                optional={
                    "variables": st.lists(st.sampled_from(["X", "Y"]), max_size=2),
                    "premises": st.lists(CARNEADES_TERMS, max_size=2),
                    "conclusions": st.lists(CARNEADES_TERMS, max_size=2),
                    "exceptions": st.lists(CARNEADES_TERMS, max_size=1),
                    "weight": VALUES,
                },
            ),
            max_size=3,
        ),
        "tests": st.dictionaries(
            st.sampled_from(["in", "out", "undecided"]), st.lists(CARNEADES_TERMS, max_size=2)
        ),
        "stray": VALUES,
    },
)


@FUZZ
@given(document=CARNEADES_DOC)
def test_carneades_import_of_shaped_graphs(document: dict) -> None:
    _importer_or_skip("carneades")
    with scratch() as folder:
        path = folder / "graph.yml"
        path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
        run_importer("carneades", path, folder)


@FUZZ
@given(text=YAMLISH)
def test_carneades_import_of_yamlish_text(text: str) -> None:
    _importer_or_skip("carneades")
    with scratch() as folder:
        path = folder / "graph.yml"
        path.write_text(text, encoding="utf-8")
        run_importer("carneades", path, folder)


# Theories as a hostile graph would write them: many premises sharing few variables over
# many facts. Applying them either succeeds or stops at the budget of matches, quickly.

ARITY = {"p": 1, "q": 2, "r": 3}
THEORY_TERMS = st.sampled_from(sorted(ARITY)).flatmap(
    lambda name: st.lists(
        st.sampled_from(["A", "B", "C", "D", "E", "c0", "c1"]),
        min_size=ARITY[name],
        max_size=ARITY[name],
    ).map(lambda args: f"{name}({', '.join(args)})")
)


@st.composite
def hostile_theories(draw: st.DrawFn) -> str:
    premises = draw(st.lists(THEORY_TERMS, min_size=1, max_size=6))
    used = sorted({v for p in premises for v in "ABCDE" if v in p})
    conclusion = f"s({', '.join(used) or 'c0'})"
    atoms = draw(st.integers(1, 60))
    facts = [f"p(c{i})" for i in range(atoms)]
    facts += [f"q(c{i}, c{i % 3})" for i in range(draw(st.integers(0, atoms)))]
    facts += [f"r(c{i}, c{i % 2}, c{i % 5})" for i in range(draw(st.integers(0, atoms)))]
    return (
        "argument_schemes:\n  - id: s\n"
        f"    variables: [{', '.join(used)}]\n"
        "    premises: [" + ", ".join(f"'{p}'" for p in premises) + "]\n"
        f"    conclusions: ['{conclusion}']\n"
        "assumptions: [" + ", ".join(f"'{f}'" for f in facts) + "]\n"
    )


@settings(FUZZ, max_examples=examples(30))
@given(text=hostile_theories())
def test_carneades_instantiation_of_hostile_theories_is_bounded(text: str) -> None:
    import time

    from argmap.io.carneades import read_graph

    with scratch() as folder:
        path = folder / "graph.yml"
        path.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        try:
            read_graph(path)
        except CaseError as err:
            [problem] = err.problems
            assert problem.line >= 1 and problem.hint
        assert time.perf_counter() - started < 10


KEYS = ["id", "summary", "kind", "source", "credibility", "relevance", "accident", "arson"]
CELLS = st.one_of(
    st.sampled_from(
        [*KEYS, "other", "van", "alarm", "x", "", " ", "C", "cc", "II", "NA", "CX", "high", "low"]
    ),
    st.sampled_from(["=1+1", "+C", "-I", "@SUM(A1)", "'C", "\tC", "C\r", "\u00a0C", "Қ", "🔥"]),
    st.text(max_size=8),
)
MATRICES = st.lists(st.lists(CELLS, max_size=9), max_size=5).map(
    lambda rows: (
        [["id", "summary", "kind", "source", "credibility", "relevance", "accident"]] + rows
    )
)


@FUZZ
@given(rows=MATRICES, delimiter=st.sampled_from([",", ";", "\t"]))
def test_csv_import_of_edited_matrices(rows: list[list[str]], delimiter: str) -> None:
    import csv

    with scratch() as folder:
        path = folder / "matrix.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as stream:
            csv.writer(stream, delimiter=delimiter).writerows(rows)
        run_importer("csv", path, folder)


XLSX_CELLS = st.one_of(
    CELLS,
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.none(),
    st.sampled_from(["=SUM(1,2)", '=HYPERLINK("http://x")', "#DIV/0!"]),
)


@settings(FUZZ, max_examples=examples(30))
@given(
    rows=st.lists(st.lists(XLSX_CELLS, max_size=8), max_size=5),
    sheet=st.sampled_from(["matrix", "Matrix", "Sheet1"]),
    keys=st.booleans(),
)
def test_xlsx_import_of_edited_workbooks(rows: list[list[Any]], sheet: str, keys: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as ILLEGAL

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    if keys:
        worksheet.append(["id", "summary", "kind", "source", "credibility", "relevance", "arson"])
        worksheet.append(["Id", "Summary", "Kind", "Source", "Credibility", "Relevance", "Arson"])
    for row in rows:  # what Excel can hold: no control characters
        worksheet.append([ILLEGAL.sub("", c) if isinstance(c, str) else c for c in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with scratch() as folder:
        path = folder / "matrix.xlsx"
        path.write_bytes(buffer.getvalue())
        run_importer("xlsx", path, folder)
