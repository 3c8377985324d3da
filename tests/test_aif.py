"""AIF JSON import and export, against real AraucariaDB graphs."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.casewriter import write_new_case
from argmap.cli import main
from argmap.io import aif
from argmap.load import load_case
from argmap.problems import ArgmapError

from .conftest import EXTERNAL, REPO, data_files

FILES = data_files(EXTERNAL / "aif", "*.json", at_least=5)


def shape(document: dict) -> tuple[Counter, set]:
    """I/RA/CA counts and the edges between them, by node text for I-nodes and type for others."""
    nodes = {str(n["nodeID"]): n for n in document["nodes"] if n["type"] in ("I", "RA", "CA")}

    def name(node_id: str) -> str:
        node = nodes[node_id]
        return " ".join(node["text"].split()) if node["type"] == "I" else node["type"]

    counts = Counter(n["type"] for n in nodes.values())
    edges = {
        (
            name(str(e["fromID"])),
            name(str(e["toID"])),
            str(e["toID"]) if nodes[str(e["toID"])]["type"] != "I" else "",
        )
        for e in document["edges"]
        if str(e["fromID"]) in nodes and str(e["toID"]) in nodes
    }
    return counts, edges


def import_case(path: Path, tmp_path: Path):
    folder = tmp_path / path.stem
    write_new_case(folder, aif.to_case_files(path))
    return load_case(folder).case


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_summary_counts_nodes_and_edges(path: Path, runner) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    result = runner.invoke(main, ["import", "aif", str(path), "--summary"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["edges"] == len(document["edges"])
    assert sum(summary["nodes"].values()) == len(document["nodes"])
    for kind in ("I", "RA", "CA"):
        assert summary["nodes"][kind] == sum(n["type"] == kind for n in document["nodes"])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_file_imports_with_the_graph_kept(path: Path, runner, tmp_path) -> None:
    out = tmp_path / "case"
    result = runner.invoke(main, ["import", "aif", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    case = load_case(out).case
    document = json.loads(path.read_text(encoding="utf-8"))
    nodes = {n["nodeID"]: n for n in document["nodes"]}
    assert {s.id for s in case.statements} == {i for i, n in nodes.items() if n["type"] == "I"}
    arguments = {a.id: a for a in case.arguments}
    assert set(arguments) == {i for i, n in nodes.items() if n["type"] in ("RA", "CA")}
    for edge in document["edges"]:
        source, target = edge["fromID"], edge["toID"]
        if nodes[target]["type"] in ("RA", "CA"):
            assert source in arguments[target].premises
        else:
            argument = arguments[source]
            assert argument.target == target
            assert argument.relation == ("supports" if nodes[source]["type"] == "RA" else "attacks")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_export_then_import_keeps_nodes_and_edges(path: Path, tmp_path) -> None:
    case = import_case(path, tmp_path)
    exported = json.loads(aif.export(case))
    assert shape(exported)[0] == shape(json.loads(path.read_text(encoding="utf-8")))[0]
    again = tmp_path / "again.json"
    again.write_text(aif.export(case), encoding="utf-8")
    back = import_case(again, tmp_path / "b")
    assert aif.export(back) == aif.export(case)
    assert shape(json.loads(aif.export(back))) == shape(exported)


def test_schemes_are_read_and_written_back(tmp_path) -> None:
    # AraucariaDB writes the scheme beside the generic text: {"text": "RA", "scheme": "…"}.
    case = import_case(EXTERNAL / "aif" / "nodeset137.json", tmp_path / "a")
    arguments = {a.id: a for a in case.arguments}
    assert (arguments["1288"].scheme, arguments["1289"].scheme) == (
        "ExceptionalCase",
        "ExpertOpinion",
    )
    assert arguments["1288"].rationale is None and arguments["1286"].scheme is None
    nodes = {n["nodeID"]: n for n in json.loads(aif.export(case))["nodes"]}
    assert (nodes["1288"]["text"], nodes["1288"]["scheme"]) == ("ExceptionalCase",) * 2
    assert (nodes["1289"]["text"], nodes["1289"]["scheme"]) == ("ExpertOpinion",) * 2
    # argmap's own kinds of inference, where no scheme is named: AIF's defaults.
    assert (nodes["1286"]["text"], nodes["1286"]["scheme"]) == ("Default Conflict",) * 2
    again = tmp_path / "again.json"
    again.write_text(aif.export(case), encoding="utf-8")
    assert import_case(again, tmp_path / "b").arguments == case.arguments
    # AIFdb and OVA write the scheme's name as the text, often with its schemeID.
    graph = {
        "nodes": [
            {"nodeID": "1", "type": "I", "text": "Dr Who says P"},
            {"nodeID": "2", "type": "I", "text": "P"},
            {"nodeID": "3", "type": "RA", "text": "Argument From Expert Opinion"},
            {"nodeID": "4", "type": "RA", "text": "Default Inference", "schemeID": "72"},
        ],
        "edges": [
            {"fromID": "1", "toID": "3"},
            {"fromID": "3", "toID": "2"},
            {"fromID": "1", "toID": "4"},
            {"fromID": "4", "toID": "2"},
        ],
    }
    path = tmp_path / "ova.json"
    path.write_text(json.dumps(graph), encoding="utf-8")
    case = import_case(path, tmp_path / "c")
    assert [a.scheme for a in case.arguments] == ["Argument From Expert Opinion", None]
    texts = [n["text"] for n in json.loads(aif.export(case))["nodes"] if n["type"] == "RA"]
    assert texts == ["Argument From Expert Opinion", "Default Inference"]


def test_shipped_case_round_trips(tmp_path, runner) -> None:
    out = tmp_path / "kz.json"
    result = runner.invoke(main, ["export", "aif", str(REPO), "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    original = load_case(REPO).case
    counts = Counter(n["type"] for n in document["nodes"])
    pairs = sum(len(s.contrary) + len(s.contradicts) for s in original.statements)
    assert counts["I"] == len(original.hypotheses) + len(original.statements) + len(
        original.evidence
    )
    assert counts["RA"] + counts["CA"] == len(original.arguments) + pairs
    back = import_case(out, tmp_path)
    assert back.title == original.title
    assert {h.id: h.title for h in back.hypotheses} == {h.id: h.title for h in original.hypotheses}
    assert {
        a.id: (a.claim, a.premises, a.relation, a.target, a.rationale) for a in back.arguments
    } == {
        a.id: (a.claim, a.premises, a.relation, a.target, a.rationale) for a in original.arguments
    }
    assert {s.id for s in back.statements} == {s.id for s in original.statements}
    assert {e.id for e in back.evidence} == {e.id for e in original.evidence}


def test_undercut_and_attack_on_an_argument_stay_apart(tmp_path) -> None:
    graph = {
        "nodes": [
            {"nodeID": "p", "type": "I", "text": "P"},
            {"nodeID": "q", "type": "I", "text": "Q"},
            {"nodeID": "r", "type": "RA", "text": "RA"},
            {"nodeID": "u", "type": "CA", "text": "CA"},
            {"nodeID": "x", "type": "I", "text": "X"},
            {"nodeID": "l1", "type": "L", "text": "Bob: P"},
            {"nodeID": "ya", "type": "YA", "text": "Asserting"},
        ],
        "edges": [
            {"edgeID": "1", "fromID": "p", "toID": "r"},
            {"edgeID": "2", "fromID": "r", "toID": "q"},
            {"edgeID": "3", "fromID": "x", "toID": "u"},
            {"edgeID": "4", "fromID": "u", "toID": "r"},
            {"edgeID": "5", "fromID": "l1", "toID": "ya"},
            {"edgeID": "6", "fromID": "ya", "toID": "p"},
        ],
    }
    path = tmp_path / "g.json"
    path.write_text(json.dumps(graph), encoding="utf-8")
    files = aif.to_case_files(path)
    assert (
        "Skipped (no counterpart in a case): 1 L node, 1 YA node, 2 edges"
        in files["hypotheses/case.yaml"]
    )
    case = import_case(path, tmp_path)
    arguments = {a.id: a for a in case.arguments}
    assert (arguments["u"].relation, arguments["u"].target) == ("undercuts", "r")
    assert arguments["u"].claim == "X"
    assert (arguments["r"].premises, arguments["r"].supports, arguments["r"].claim) == (
        ("p",),
        "q",
        "Q",
    )


@pytest.mark.parametrize(
    "text, words",
    [
        ("{", "line 1: not valid JSON"),
        ("[]", "JSON object"),
        ('{"nodes": 3}', "'nodes' must be a list"),
        ('{"nodes": [{"nodeID": "1", "type": "X", "text": "a"}]}', "node '1': unknown type 'X'"),
        ('{"nodes": [{"type": "I", "text": "a"}]}', "node 1: needs a nodeID"),
        ('{"nodes": [{"nodeID": "1", "type": "I", "text": " "}]}', "node '1': an I-node needs"),
        (
            '{"nodes": [{"nodeID": "1", "type": "I", "text": "a"}, {"nodeID": "1", "type": "I", "text": "b"}]}',
            "node '1': the nodeID is used twice, for different nodes",
        ),
        (
            '{"nodes": [{"nodeID": "1", "type": "I", "text": "a"}], "edges": [{"edgeID": "e", "fromID": "1", "toID": "9"}]}',
            "edge 'e': node '9' does not exist; the edge from I-node '1' is part of the argument",
        ),
        (
            '{"nodes": [{"nodeID": "1", "type": "I", "text": "a"}, {"nodeID": "2", "type": "I", "text": "b"}], "edges": [{"edgeID": "e", "fromID": "1", "toID": "2"}]}',
            "edge 'e' joins two I-nodes",
        ),
        ('{"nodes": [{"nodeID": "1", "type": "L", "text": "a"}]}', "nothing to import"),
        (
            '{"nodes": [{"nodeID": "1", "type": "I", "text": "a", "argmap": {"assumed": "maybe"}}]}',
            "node '1': 'argmap': assumed: Input should be a valid boolean",
        ),
        (
            '{"nodes": [{"nodeID": "1", "type": "I", "text": "a"}], "argmap": {"sources": 3}}',
            "'argmap': 'sources' must be a list of objects",
        ),
        (
            '{"nodes": [\n  {"text": "9999", "nodeID": ' + "9" * 5000 + ', "type": "I"}]}',
            "bad.json: line 2: a whole number of 5,000 digits, more than the 4,300 argmap reads",
        ),
    ],
)
def test_bad_input_is_a_clear_error(text: str, words: str, tmp_path, runner) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ArgmapError) as caught:
        aif.to_case_files(path)
    assert words in str(caught.value)
    out = tmp_path / "out"
    result = runner.invoke(main, ["import", "aif", str(path), "-o", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert not out.exists()


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 12)
    | st.sampled_from(["I", "RA", "CA", "L", "1", "2", "", " x"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "nodes",
                    "edges",
                    "nodeID",
                    "type",
                    "text",
                    "fromID",
                    "toID",
                    "edgeID",
                    "claim",
                    "relation",
                    "kind",
                    "argmap",
                ]
            ),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=JSON)
def test_fuzzed_input_raises_only_argmap_errors(document, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("aif")
    path = folder / "graph.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    try:
        aif.summary(path)
        files = aif.to_case_files(path)
    except ArgmapError:
        return
    write_new_case(folder / "case", files)  # a graph that reads must make a valid case


def meaning(case) -> dict:
    """What the case says, item by item, and what its argument map concludes."""
    from argmap.evaluate import evaluate
    from argmap.io import jsondoc

    part = jsondoc.case_part(case)
    for source in part["sources"]:
        source.pop("file")  # where the text lives in the folder is not meaning
    return {"labels": evaluate(case).labels, **part}


def test_round_trip_through_aif_keeps_the_cases_meaning(tmp_path, runner) -> None:
    exported = tmp_path / "kz.json"
    result = runner.invoke(main, ["export", "aif", str(REPO), "-o", str(exported)])
    assert result.exit_code == 0, result.output
    back = tmp_path / "back"
    result = runner.invoke(main, ["import", "aif", str(exported), "-o", str(back)])
    assert result.exit_code == 0, result.output
    original, again = meaning(load_case(REPO).case), meaning(load_case(back).case)
    assert {k: v for k, v in again["labels"].items() if original["labels"].get(k) != v} == {}
    for key in ("hypotheses", "statements", "evidence", "arguments", "sources", "evaluation"):
        assert again[key] == original[key], key
    assert again == original
    assert any(s["assumed"] for s in again["statements"])
    assert any(a["weight"] is not None for a in again["arguments"])


def test_inode_text_is_kept_as_written(tmp_path) -> None:
    # AraucariaDB keeps the double spaces of the transcribed text: 952 and 5024 hold them.
    case = import_case(EXTERNAL / "aif" / "nodeset105.json", tmp_path / "a")
    texts = {s.id: s.text for s in case.statements}
    assert texts["952"].startswith("it  wasn't the failure to give credit")
    case = import_case(EXTERNAL / "aif" / "nodeset543.json", tmp_path / "b")
    texts = {s.id: s.text for s in case.statements}
    assert texts["5024"] == "how could he possibly prove such a thing?  It is pure speculation."
    graph = {
        "nodes": [
            {"nodeID": "1", "type": "I", "text": "Ten\u00a0km  away,\nsaid the\u00a0mayor"},
            {"nodeID": "2", "type": "I", "text": "Q"},
            {"nodeID": "3", "type": "RA", "text": "RA"},
        ],
        "edges": [{"fromID": "1", "toID": "3"}, {"fromID": "3", "toID": "2"}],
    }
    path = tmp_path / "nbsp.json"
    path.write_text(json.dumps(graph), encoding="utf-8")
    case = import_case(path, tmp_path / "c")
    assert {s.id: s.text for s in case.statements}["1"] == "Ten\u00a0km  away,\nsaid the\u00a0mayor"
    assert json.loads(aif.export(case))["nodes"][0]["text"] == graph["nodes"][0]["text"]


OVA3 = REPO / "tests" / "data" / "ova" / "ova3-sugar-tax.json"
"""An OVA3 save (written for the tests in the shape OVA3 and xAIF write): the graph under
"AIF", the analysed text as HTML under "text", OVA's layout under "OVA"."""


def test_ova3_save_reads_with_its_text_as_the_source(tmp_path, runner) -> None:
    result = runner.invoke(main, ["import", "aif", str(OVA3), "--summary"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["nodes"]["L"] == 4
    out = tmp_path / "case"
    result = runner.invoke(main, ["import", "aif", str(OVA3), "-o", str(out)])
    assert result.exit_code == 0, result.output
    case = load_case(out).case
    assert [s.id for s in case.sources] == ["ova3-sugar-tax"]
    assert case.source_texts["ova3-sugar-tax"] == (
        "Taxes on sugar cut  obesity because people buy less of what costs more.\n\n"
        'Mo\u00a0replied: "it is cheap" & plentiful.\n'
    )
    evidence = {e.id: e for e in case.evidence}
    assert set(evidence) == {"2-1649261293", "15-1649261628"}
    taxes = evidence["2-1649261293"]
    assert (taxes.summary, taxes.quote, taxes.originator, taxes.kind) == (
        "Taxes on sugar cut  obesity",
        "Taxes on sugar cut  obesity",
        "Rachel",
        "claim",
    )
    assert evidence["15-1649261628"].quote == "people buy less of what costs more"
    assert case.quote_spans["15-1649261628"].start == len("Taxes on sugar cut  obesity because ")
    # Mo's locution has no passage in the text: an unquoted statement, and a warning.
    assert [s.id for s in case.statements] == ["30-1649261700"]
    assert "node '30_1649261700'" in result.stderr and "warning" in result.stderr
    arguments = {a.id: a for a in case.arguments}
    assert arguments["21-1649261628"].premises == ("15-1649261628",)
    assert arguments["21-1649261628"].supports == "2-1649261293"
    assert arguments["33-1649261700"].attacks == "15-1649261628"


def test_ova3_without_text_and_xaif_text_object(tmp_path) -> None:
    document = json.loads(OVA3.read_text(encoding="utf-8"))
    document["text"] = {"txt": document["text"]}  # xAIF's form
    path = tmp_path / "xaif.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert {e.id for e in import_case(path, tmp_path / "a").evidence} == {
        "2-1649261293",
        "15-1649261628",
    }
    del document["text"]
    path.write_text(json.dumps(document), encoding="utf-8")
    case = import_case(path, tmp_path / "b")
    assert case.evidence == () and len(case.statements) == 3


def test_exact_duplicates_and_dangling_dialogue_edges_are_read_with_warnings(
    tmp_path, runner
) -> None:
    # AIFdb downloads: the same node listed twice word for word, and edges of the dialogue
    # layer (L -> YA) whose other end is not in the file.
    graph = json.loads((EXTERNAL / "aif" / "nodeset108.json").read_text(encoding="utf-8"))
    graph["nodes"] += [dict(n) for n in graph["nodes"][:3]]
    graph["nodes"] += [
        {"nodeID": "L1", "type": "L", "text": "Bob: it rains"},
        {"nodeID": "YA1", "type": "YA", "text": "Asserting"},
    ]
    graph["edges"] += [
        {"edgeID": "d1", "fromID": "L1", "toID": "YA9"},
        {"edgeID": "d2", "fromID": "YA8", "toID": "L1"},
        {"edgeID": "d3", "fromID": "YA1", "toID": "L7"},
    ]
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(graph, indent=1), encoding="utf-8")
    out = tmp_path / "case"
    result = runner.invoke(main, ["import", "aif", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 nodes are listed twice, word for word; each is read once" in result.stderr
    for edge in ("d1", "d2", "d3"):
        assert f"edge '{edge}'" in result.stderr
    assert "0 errors, 4 warnings" in result.stderr
    expected = import_case(EXTERNAL / "aif" / "nodeset108.json", tmp_path / "plain")
    assert load_case(out).case.arguments == expected.arguments


def test_an_extension_that_breaks_the_case_names_the_aif_file(tmp_path, runner) -> None:
    exported = tmp_path / "kz.json"
    runner.invoke(main, ["export", "aif", str(REPO), "-o", str(exported)])
    document = json.loads(exported.read_text(encoding="utf-8"))
    node = next(n for n in document["nodes"] if n.get("kind") == "evidence")
    node["argmap"]["ratings"] = {"no-such-hypothesis": "C"}
    exported.write_text(json.dumps(document, indent=2), encoding="utf-8")
    out = tmp_path / "case"
    result = runner.invoke(main, ["import", "aif", str(exported), "-o", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    line = (
        exported.read_text(encoding="utf-8")
        .splitlines()
        .index(f'      "nodeID": "{node["nodeID"]}",')
    )
    assert f"kz.json:{line + 1}: error" in result.stderr
    assert "no-such-hypothesis" in result.stderr
    assert not out.exists()
