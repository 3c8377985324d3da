"""DOT output (golden files), escaping, and rendering through both Graphviz engines."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from argmap.cli import main
from argmap.load import load_case
from argmap.problems import ArgmapError
from argmap.render import engine
from argmap.render.dot import argument_map, evidence_map
from argmap.scoring import score_case

from .conftest import SOURCES, need_system_dot

GOLDEN = Path(__file__).parent / "golden"

ARGUMENTS = """\
title: Warehouse fire
question: What caused the fire?
hypotheses:
  - {id: accident, title: Accident, statement: The fire was an accident.}
  - {id: crime, title: Crime, statement: Someone caused the fire.}
  - {id: arson, title: Arson, statement: Someone set the fire., parent: crime}
  - {id: fraud, title: Insurance fraud, statement: The owner burned it for money., parent: crime}
  - {id: other, title: Other, statement: Something else.}
statements:
  - id: planned
    text: The fire was planned.
    contradicts: [unplanned]
  - id: unplanned
    text: Nobody planned the fire.
  - id: owner-broke
    text: The owner was broke.
    contrary: [owner-rich]
  - id: owner-rich
    text: The owner was rich.
arguments:
  - id: alarm-off
    claim: The alarm was switched off on purpose.
    premises: [alarm]
    supports: planned
  - id: maintenance
    claim: The alarm was off for maintenance.
    undercuts: alarm-off
  - id: van-seen
    claim: Men fleeing in a van point to a crime.
    premises: [van, planned]
    attacks: accident
  - id: motive
    claim: A broke owner had a motive for a crime.
    premises: [owner-broke]
    supports: crime
"""

EVIDENCE = (
    SOURCES
    + """\
evidence:
  - id: van
    summary: Two men left in a van.
    source: report
    quote: Witnesses saw two men leave the yard in a van.
    credibility: low
    ratings: {accident: I, arson: C, fraud: C, other: N}
  - id: alarm
    summary: The alarm was switched off.
    source: report
    quote: The alarm system had been switched off at 22:10.
    credibility: high
    ratings: {accident: II, arson: CC, fraud: C, other: NA}
"""
)


@pytest.fixture
def case(write_case):
    folder = write_case({"hypotheses/case.yaml": ARGUMENTS, "evidence/evidence.yaml": EVIDENCE})
    return load_case(folder).case


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("ARGMAP_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"differs from {path}"


def test_evidence_map_golden(case):
    _golden("evidence_map.dot", evidence_map(case, score_case(case)))


def test_argument_map_golden(case):
    _golden("argument_map.dot", argument_map(case))


def _edge_attrs(dot: str, edge_id: str) -> dict[str, str]:
    line = next(line for line in dot.splitlines() if f'id="{edge_id}"' in line)
    attrs = line[line.index("[") + 1 : line.rindex("]")]
    return dict(re.findall(r'(\w+)=("[^"]*"|\S+)', attrs))


def test_evidence_map_edges_follow_ratings(case):
    dot = evidence_map(case, score_case(case))
    support = _edge_attrs(dot, "em-alarm__arson")
    contradiction = _edge_attrs(dot, "em-van__accident")
    # Support and contradiction differ in colour, line style and arrowhead.
    assert support["color"] != contradiction["color"]
    assert (support["style"], contradiction["style"]) == ("solid", "dashed")
    heads = {
        support.get("arrowtail", support.get("arrowhead")),
        contradiction.get("arrowtail", contradiction.get("arrowhead")),
    }
    assert heads == {"normal", "tee"}
    assert "__other" not in dot  # N and NA draw no edge
    # CC is heavier than C from the same item; low credibility is drawn dashed.
    assert float(support["penwidth"]) > float(_edge_attrs(dot, "em-alarm__fraud")["penwidth"])
    van_node = next(line for line in dot.splitlines() if line.strip().startswith("van ["))
    assert 'style="filled,dashed"' in van_node


def test_items_with_inconsistency_stand_right_of_the_hypotheses(write_case):
    evidence = EVIDENCE.replace(
        "ratings: {accident: I, arson: C, fraud: C, other: N}",
        "ratings: {accident: C, arson: C, fraud: N, other: N}",
    )
    case = load_case(
        write_case({"hypotheses/case.yaml": ARGUMENTS, "evidence/evidence.yaml": evidence})
    ).case
    dot = evidence_map(case, score_case(case))
    assert "van -> accident" in dot  # consistent only: drawn item → hypothesis
    assert "arson -> alarm" in dot and _edge_attrs(dot, "em-alarm__arson")["dir"] == "back"


def test_items_without_edges_are_not_drawn(write_case):
    evidence = EVIDENCE.replace(
        "ratings: {accident: I, arson: C, fraud: C, other: N}",
        "ratings: {accident: N, arson: NA, fraud: N, other: N}",
    )
    case = load_case(
        write_case({"hypotheses/case.yaml": ARGUMENTS, "evidence/evidence.yaml": evidence})
    ).case
    dot = evidence_map(case, score_case(case))
    assert "van [" not in dot and "alarm [" in dot


def test_evidence_map_puts_children_in_their_parents_cluster(case):
    dot = evidence_map(case, score_case(case))
    cluster = dot.split("subgraph cluster_crime {")[1].split("}")[0]
    assert "arson [" in cluster and "fraud [" in cluster
    assert "accident [" not in cluster


def test_evidence_map_can_keep_only_the_most_diagnostic(case):
    dot = evidence_map(case, score_case(case), max_evidence=1)
    assert "alarm [" in dot and "van [" not in dot


def test_an_argument_on_a_parent_points_at_a_node_in_its_cluster(case):
    dot = argument_map(case)
    cluster = dot.split("subgraph cluster_crime {")[1].split("}")[0]
    assert "crime [" in cluster  # the group itself is a node an edge can end on
    assert "motive -> crime" in dot
    assert "crime [" not in evidence_map(case, score_case(case))  # no edges there: label only


def test_argument_map_has_all_five_relations(case):
    dot = argument_map(case)
    assert 'alarm -> "alarm-off"' in dot  # premise
    assert '"alarm-off" -> planned' in dot and "#1a7f37" in dot  # support
    assert '"van-seen" -> accident' in dot  # attack
    assert 'maintenance -> "alarm-off"' in dot and "style=dotted" in dot  # undercut
    assert dot.count("planned -> unplanned") == 1  # contradictory, drawn once
    assert '"owner-broke" -> "owner-rich"' in dot and "odiamond" in dot  # contrary


HOSTILE = '<script>alert("x")</script> </textarea> "quoted" {{ jinja }} back\\slash <b>'


def _hostile_case(write_case):
    hypotheses = ARGUMENTS.replace("title: Accident", f"title: {_yaml(HOSTILE)}")
    evidence = EVIDENCE.replace("summary: Two men left in a van.", f"summary: {_yaml(HOSTILE)}")
    folder = write_case({"hypotheses/case.yaml": hypotheses, "evidence/evidence.yaml": evidence})
    return load_case(folder).case


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.mark.graphviz
def test_hostile_text_stays_text_in_dot_and_svg(write_case, dot_engine):
    case = _hostile_case(write_case)
    for dot in (evidence_map(case, score_case(case)), argument_map(case)):
        svg = engine.layout(dot, "svg")
        root = ET.fromstring(svg)  # well-formed XML: nothing injected
        texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert "<script>" in texts  # shown as text …
        assert not list(root.iter("{http://www.w3.org/2000/svg}script"))  # … never as markup
        assert "back\\slash" in texts


ESCAPES = r"C:\cases\N1 \G \L \E \T \H \n \l \r \\ end\ "
"""Every escape Graphviz gives a meaning in an escString, and backslashes at the end."""


@pytest.mark.graphviz
def test_graphviz_escapes_in_case_text_stay_text_in_tooltips(write_case, dot_engine):
    hypotheses = ARGUMENTS.replace(
        "statement: The fire was an accident.", f"statement: {_yaml(ESCAPES)}"
    )
    folder = write_case({"hypotheses/case.yaml": hypotheses, "evidence/evidence.yaml": EVIDENCE})
    case = load_case(folder).case
    for dot in (evidence_map(case, score_case(case)), argument_map(case)):
        root = ET.fromstring(engine.layout(dot, "svg"))
        titles = {element.get("{http://www.w3.org/1999/xlink}title") for element in root.iter()}
        assert ESCAPES.strip() in titles, sorted(filter(None, titles))


@pytest.mark.graphviz
def test_diagram_command_writes_svg_and_png(write_case, runner, tmp_path, dot_engine):
    folder = write_case({"hypotheses/case.yaml": ARGUMENTS, "evidence/evidence.yaml": EVIDENCE})
    result = runner.invoke(main, ["diagram", str(folder)])
    assert result.exit_code == 0, result.output
    svg = ET.fromstring(result.stdout)
    ids = {el.get("id") for el in svg.iter()}
    assert {"em-alarm", "em-arson", "em-alarm__arson"} <= ids
    png = tmp_path / "out" / "map.png"
    result = runner.invoke(
        main, ["diagram", str(folder), "--kind", "arguments", "--format", "png", "-o", str(png)]
    )
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_diagram_dot_to_stdout_and_png_needs_output(write_case, runner):
    folder = write_case()
    result = runner.invoke(main, ["diagram", str(folder), "--format", "dot"])
    assert result.exit_code == 0
    assert result.stdout.startswith("digraph evidence_map {")
    result = runner.invoke(main, ["diagram", str(folder), "--format", "png"])
    assert result.exit_code == 2
    assert "PNG needs an output file" in result.stderr


def test_engine_override(monkeypatch, tmp_path):
    monkeypatch.setenv("ARGMAP_DOT", "pure")
    assert engine.find_engine().kind == "pure"
    monkeypatch.setenv("ARGMAP_DOT", str(tmp_path / "missing-dot"))
    with pytest.raises(ArgmapError, match="is not an executable program"):
        engine.find_engine()
    fake = tmp_path / "fake-dot"
    fake.write_text("#!/bin/sh\necho 'Error: syntax error in line 1' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("ARGMAP_DOT", str(fake))
    assert engine.find_engine().kind == "custom"
    with pytest.raises(ArgmapError, match="failed with status 3: Error: syntax error"):
        engine.layout("digraph {}", "svg")


def test_system_engine_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("ARGMAP_DOT", "system")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ArgmapError, match="no 'dot' program is on PATH"):
        engine.find_engine()


def test_default_engine_falls_back_to_pure(monkeypatch):
    monkeypatch.delenv("ARGMAP_DOT", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    found = engine.find_engine()
    assert found.kind == "pure" and found.path.endswith("graphviz-pure")


def test_version_names_the_engine(runner, monkeypatch):
    monkeypatch.setenv("ARGMAP_DOT", "pure")
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert "Graphviz engine: graphviz-pure" in result.stdout


def test_graphviz_failure_is_reported_without_traceback(write_case, runner, tmp_path, monkeypatch):
    fake = tmp_path / "broken-dot"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("ARGMAP_DOT", str(fake))
    result = runner.invoke(main, ["diagram", str(write_case()), "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 1
    assert result.stderr.startswith("argmap: error: Graphviz")
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.svg").exists()


def _chain_case(folder: Path, length: int) -> Path:
    """``length`` arguments chained premise to premise, each supporting the hypothesis: the
    shape that makes Graphviz's layout take minutes when drawn whole."""
    lines = [
        "title: Chain",
        "question: Does it hold?",
        "hypotheses:",
        "  - {id: h1, title: H1, statement: One.}",
        "  - {id: other, title: Other, statement: Something else.}",
        "statements:",
        "  - {id: s0, text: Start., assumed: true}",
        "  - {id: loose, text: Linked to nothing.}",
        "arguments:",
    ]
    for i in range(length):
        premise = "s0" if i == 0 else f"a{i - 1}"
        lines.append(f"  - {{id: a{i}, claim: Step {i}., premises: [{premise}], supports: h1}}")
    (folder / "hypotheses").mkdir(parents=True)
    (folder / "evidence").mkdir()
    (folder / "hypotheses" / "case.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "evidence" / "evidence.yaml").write_text("evidence: []\n", encoding="utf-8")
    return folder


def test_a_large_argument_map_draws_what_is_closest_to_the_hypotheses(tmp_path):
    from argmap.render.dot import ARGUMENT_MAP_MAX_NODES, argument_map_nodes

    case = load_case(_chain_case(tmp_path / "chain", 400)).case
    order = argument_map_nodes(case, None)
    assert order[:3] == ["a0", "a1", "a2"]  # each supports h1 directly: all at distance one
    assert order[-1] == "loose"  # linked to no hypothesis: last
    drawn = argument_map_nodes(case)
    assert len(drawn) == ARGUMENT_MAP_MAX_NODES
    dot = argument_map(case)
    assert f"Showing {ARGUMENT_MAP_MAX_NODES} of 402 statements, arguments" in dot
    assert "a149 [" in dot and "a150 [" not in dot and "a150 ->" not in dot
    assert "nslimit=2" in dot  # a large map lays out on a budget
    small = argument_map(load_case(_chain_case(tmp_path / "short", 10)).case)
    assert "Showing" not in small and "nslimit" not in small


@pytest.mark.graphviz
@pytest.mark.parametrize("kind", ["system", "pure"])
def test_a_long_chain_of_arguments_is_drawn_quickly(tmp_path, kind):
    import subprocess
    import sys

    if kind == "system":
        need_system_dot()
    folder = _chain_case(tmp_path / "chain", 3000)
    # A subprocess with a hang guard: minutes before the cap, a second or two with it.
    result = subprocess.run(
        [sys.executable, "-c", "from argmap.cli import main; main()", "diagram", str(folder)]
        + ["--kind", "arguments"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "ARGMAP_DOT": kind},
    )
    assert result.returncode == 0, result.stderr
    assert "Showing 150 of 3002" in result.stdout


def _node_ids(dot: str) -> set[str]:
    return set(re.findall(r'^\t"?([a-z0-9-]+)"? \[', dot, flags=re.M)) - {"node", "edge"}


def test_a_focused_map_draws_what_bears_on_its_focus(case):
    from argmap.render.dot import focus_nodes

    # accident ← van-seen (premises van, planned) ← nothing; planned ← alarm-off (premise
    # alarm) ← maintenance (undercuts alarm-off): three layers of arguments out from accident.
    assert focus_nodes(case, "accident") == [
        "accident",
        "van-seen",
        "van",
        "planned",
        "alarm-off",
        "alarm",
        "maintenance",
    ]
    assert focus_nodes(case, "accident", depth=1) == ["accident", "van-seen", "van", "planned"]
    full = _node_ids(argument_map(case, focus="accident"))
    assert full == {"accident", "van-seen", "planned", "van", "alarm-off", "alarm", "maintenance"}
    near = argument_map(case, focus="accident", depth=1)
    assert _node_ids(near) == {"accident", "van-seen", "planned", "van"}
    assert "What bears on ‘Accident’, 1 layer deep." in near
    assert "cluster" not in near and "arson [" not in near  # no other hypotheses
    statement = _node_ids(argument_map(case, focus="planned"))
    assert statement == {"planned", "alarm-off", "alarm", "maintenance"}


def test_a_hypothesis_nothing_argues_about_stands_alone(case, write_case, runner):
    dot = argument_map(case, focus="other")
    assert _node_ids(dot) == {"other"} and "->" not in dot
    folder = write_case({"hypotheses/case.yaml": ARGUMENTS, "evidence/evidence.yaml": EVIDENCE})
    result = runner.invoke(
        main, ["diagram", str(folder), "--kind", "arguments", "--focus", "other", "--format", "dot"]
    )
    assert result.exit_code == 0, result.output
    assert "other [" in result.stdout


def test_focus_options_are_checked(write_case, runner):
    folder = write_case({"hypotheses/case.yaml": ARGUMENTS, "evidence/evidence.yaml": EVIDENCE})
    unknown = runner.invoke(
        main, ["diagram", str(folder), "--kind", "arguments", "--focus", "arzon"]
    )
    assert unknown.exit_code == 1
    assert "--focus 'arzon' is no hypothesis or statement" in unknown.stderr
    assert "did you mean 'arson'?" in unknown.stderr
    evidence = runner.invoke(main, ["diagram", str(folder), "--focus", "arson"])
    assert evidence.exit_code == 2 and "--kind arguments" in evidence.stderr
    alone = runner.invoke(main, ["diagram", str(folder), "--kind", "arguments", "--depth", "2"])
    assert alone.exit_code == 2 and "--depth goes with --focus" in alone.stderr


@pytest.mark.graphviz
def test_layout_many_draws_each_graph_as_layout_would(case, dot_engine, monkeypatch):
    focused = [argument_map(case, focus=h.id) for h in case.hypotheses]
    clustered = [argument_map(case), evidence_map(case, score_case(case))]
    assert all("subgraph" not in s for s in focused) and all("subgraph" in s for s in clustered)
    sources = [clustered[0], *focused, clustered[1]]
    runs = []
    run = engine._run
    monkeypatch.setattr(engine, "_run", lambda *args: runs.append(args) or run(*args))
    drawings = engine.layout_many(sources)
    # A graph with clusters gets a run of its own (several in one run of system Graphviz
    # 2.43 come out laid out differently from one run to the next); the others share a run
    # per core, not a process each.
    inputs = sorted(args[1] for args in runs)
    assert clustered[0] in inputs and clustered[1] in inputs
    assert len(runs) <= 2 + (os.cpu_count() or 1) < len(sources)
    assert len(drawings) == len(sources)
    for h, svg in zip(case.hypotheses, drawings[1:-1], strict=True):
        root = ET.fromstring(svg)  # each one a whole document
        ids = {element.get("id") for element in root.iter()}
        assert f"am-{h.id}" in ids  # in the order given
        assert not any(i and "page" in i for i in ids)  # the stream's page prefix is gone
    assert drawings == [engine.layout(source, "svg") for source in sources]
    assert engine.layout_many([]) == []


@pytest.mark.slow
@pytest.mark.graphviz
def test_a_report_with_clusters_is_the_same_bytes_every_time(tmp_path, dot_engine):
    """A generated case whose hypotheses are grouped (clusters in every map): reports made
    one after another are identical."""
    from argmap.load import load_case
    from argmap.render.report import build_report
    from benchmarks.generate import write

    folder = write(tmp_path / "case", 20, 300)
    first = build_report(load_case(folder))
    # Several graphs in one run of system Graphviz came out differently about one run in four.
    assert all(build_report(load_case(folder)) == first for _ in range(6))


def _node_line(dot: str, node: str) -> str:
    found = re.search(rf'^\t"?{re.escape(node)}"? \[(.*)$', dot, flags=re.M)
    assert found, f"no node {node}"
    return found.group(1)


def test_the_argument_map_reads_bottom_up_and_marks_objections(case):
    from argmap.render.dot import OBJECTION_MARKS

    dot = argument_map(case)
    assert "rankdir=BT" in dot  # edges point up: the claim above its reasons …
    assert "rankdir=LR" in evidence_map(case, score_case(case))  # … the evidence map keeps LR
    assert OBJECTION_MARKS == {"attacks": "against", "undercuts": "undercuts"}
    attack, undercut = _node_line(dot, "van-seen"), _node_line(dot, "maintenance")
    assert "van-seen · against" in attack and "peripheries=2" in attack
    assert "maintenance · undercuts" in undercut and "peripheries=2" in undercut
    for reason in ("alarm-off", "motive"):  # reasons have one border and no mark
        line = _node_line(dot, reason)
        assert "peripheries" not in line and "against" not in line and "undercuts" not in line
    # Every hypothesis on the top row, argued about or not.
    top = dot.split("rank=max")[1].split("}")[0]
    assert set(re.findall(r"\t(\w[\w-]*)$", top, flags=re.M)) == {
        "accident",
        "crime",
        "arson",
        "fraud",
        "other",
    }


def test_collapsed_evidence_premises_become_badges_with_their_count(case):
    from argmap.render.dot import evidence_badges

    dot = argument_map(case, collapse_evidence=True, prefix="ov")
    assert evidence_badges(case, case.arguments, ["van", "alarm"]) == {
        "alarm-off": ["alarm"],
        "van-seen": ["van"],
    }
    assert "van [" not in dot and "alarm [" not in dot  # not drawn …
    for argument, item in (("alarm-off", "alarm"), ("van-seen", "van")):
        badge = _node_line(dot, f"{argument}_evidence")  # … but counted under their argument
        assert "▣ 1 evidence item<" in badge and f'id="ov-{argument}_evidence"' in badge
        assert f"{item}: " in badge  # the tooltip names them
        assert f'"{argument}_evidence" -> "{argument}"' in dot
    assert "alarm [" in argument_map(case)  # the full map draws them
    ids = re.findall(r'\bid="?([^" \]]+)', dot)
    assert ids and all(ident.startswith("ov-") or ident == "argument_map_ov" for ident in ids)


@pytest.mark.graphviz
def test_a_claim_is_drawn_above_its_reasons(case, dot_engine):
    root = ET.fromstring(engine.layout(argument_map(case, focus="accident"), "svg"))

    def height(node: str) -> float:  # SVG y grows downwards
        group = next(g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("id") == node)
        ys = [float(t.get("y")) for t in group.iter("{http://www.w3.org/2000/svg}text")]
        return -sum(ys) / len(ys)

    # accident ← van-seen ← planned ← alarm-off ← alarm, and maintenance undercuts alarm-off
    assert height("am-accident") > height("am-van-seen") > height("am-planned")
    assert height("am-van-seen") > height("am-van")
    assert height("am-planned") > height("am-alarm-off") > height("am-alarm")
    assert height("am-alarm-off") > height("am-maintenance")
