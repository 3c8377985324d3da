"""A Carneades graph as an argmap case, and the summary `import --summary` prints."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from ...problems import Problem
from ...text import slugify
from .graph import CarneadesGraph, read_graph

__all__ = ["case_files", "summary", "to_case_files"]


def _case_document(graph: CarneadesGraph) -> dict[str, Any]:
    slugs, argument_slugs = graph.slugs, graph.argument_slugs
    contrary: dict[str, list[str]] = {}
    standard: dict[str, str] = {}
    for positions, issue_standard in graph.issues.values():
        for position in positions:
            contrary[position] = [slugs[p] for p in positions if p != position]
            standard[position] = issue_standard
    statements = []
    for key, s in graph.statements.items():
        item: dict[str, Any] = {"id": slugs[key], "text": s.text}
        if s.assumed:
            item["assumed"] = True
        if contrary.get(key):
            item["contrary"] = contrary[key]
        if standard.get(key, "preponderance") != "preponderance" and not s.assumed:
            item["standard"] = standard[key]
        statements.append(item)
    arguments = []
    for a in graph.arguments:
        item = {"id": argument_slugs[a.id]}
        if a.undercuts is not None:
            target = argument_slugs[a.undercuts]
            item["claim"] = f"{graph.statements[a.premises[0]].text} ({target} does not apply)"
        else:
            assert a.conclusion is not None
            item["claim"] = graph.statements[a.conclusion].text
        if a.premises:
            item["premises"] = [slugs[p] for p in a.premises]
        if a.undercuts is not None:
            item["undercuts"] = argument_slugs[a.undercuts]
        else:
            item["supports"] = slugs[a.conclusion or ""]
            item["weight"] = round(a.weight, 6)
            kind = a.weighing.kind
            if kind in ("convergent", "cumulative", "factorized") and a.premises:
                item["weighing"] = kind
        if a.scheme is not None:
            item["scheme"] = a.scheme.id
        item["rationale"] = a.note
        arguments.append(item)
    document: dict[str, Any] = {
        "title": graph.title,
        "question": f"Which statements does the Carneades graph '{graph.title}' establish?",
    }
    if graph.notes:
        document["notes"] = graph.notes
    document["statements"] = statements
    if arguments:
        document["arguments"] = arguments
    return document


def _comment(graph: CarneadesGraph) -> str:
    lines = [f"Imported from the Carneades graph {graph.path.name} (argmap import carneades)."]
    renamed = [f"{k} → {v}" for k, v in graph.slugs.items() if k != v]
    if renamed:
        lines.append("Statement ids: " + "; ".join(renamed) + ".")
    for label in ("in", "out", "undecided"):
        ids = [graph.slugs[k] for k, v in graph.expected.items() if v == label]
        if ids:
            lines.append(f"Expected {label} (tests): {', '.join(ids)}.")
    lines += graph.remarks
    return "\n".join(_wrap(line) for line in lines)


def _wrap(line: str, width: int = 98) -> str:
    lines = textwrap.wrap(line, width=width, subsequent_indent="  ", break_on_hyphens=False)
    return "\n".join(lines) or line


def _labels_differ(graph: CarneadesGraph, document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(statement key, the file's label, argmap's) where argmap's evaluation of the case
    differs from the labels the file stores under `labels:`."""
    import tempfile

    from ...casewriter import dump_yaml
    from ...evaluate import evaluate
    from ...load import load_case

    with tempfile.TemporaryDirectory(prefix="argmap-carneades-") as folder:
        case_file = Path(folder) / "hypotheses" / "case.yaml"
        case_file.parent.mkdir()
        case_file.write_text(dump_yaml(document), encoding="utf-8")
        labels = evaluate(load_case(Path(folder)).case).labels
    return [
        (key, label, labels[graph.slugs[key]])
        for key, label in graph.stored.items()
        if labels[graph.slugs[key]] != label
    ]


def case_files(path: Path) -> tuple[dict[str, str], list[Problem]]:
    """The files of a new argmap case holding the Carneades graph at ``path``, and a warning
    for each label stored under `labels:` that argmap's evaluation does not give."""
    from ...casewriter import dump_yaml

    graph = read_graph(path)
    name = slugify(path.stem, split_camel_case=True)
    document = _case_document(graph)
    comment = _comment(graph)
    warnings = []
    if graph.stored or graph.unmatched_labels:
        differ = _labels_differ(graph, document) if graph.stored else []
        count = len(graph.stored)
        if graph.stored and not differ:
            note = f"argmap's labels agree with the {count} labels the file stores (labels:)."
        elif graph.stored:
            note = (
                f"argmap's labels differ from {len(differ)} of the {count} labels the file "
                "stores (labels:): "
                + "; ".join(
                    f"{graph.slugs[k]} {mine} there, {theirs} here" for k, mine, theirs in differ
                )
                + "."
            )
        else:
            note = "The file stores labels (labels:) for no statement of the case."
        if graph.unmatched_labels:
            note += (
                " Not in the case (carneades-4's own statements): "
                + ", ".join(graph.unmatched_labels)
                + "."
            )
        comment += "\n" + _wrap(note)
        for key, theirs, mine in differ:
            warnings.append(
                Problem(
                    "warning",
                    path,
                    graph.label_lines.get(key, 1),
                    "labels",
                    f"the file labels '{key}' {theirs}, argmap: {mine}",
                    "the file's labels are carneades-4's stored results; docs/evaluation.md "
                    "lists where argmap reads a graph differently",
                )
            )
    return {f"hypotheses/{name}.yaml": dump_yaml(document, comment)}, warnings


def to_case_files(path: Path) -> dict[str, str]:
    """The files of a new argmap case holding the Carneades graph at ``path``."""
    return case_files(path)[0]


def summary(path: Path) -> dict[str, Any]:
    """What the Carneades file holds, after its schemes are applied (for --summary)."""
    graph = read_graph(path)
    return {
        "title": graph.title,
        "statements": len(graph.statements),
        "assumptions": sum(s.assumed for s in graph.statements.values()),
        "issues": len(graph.issues),
        "arguments": sum(a.undercuts is None for a in graph.arguments),
        "undercutters": sum(a.undercuts is not None for a in graph.arguments),
        "expected": {
            label: sorted(graph.slugs[k] for k, v in graph.expected.items() if v == label)
            for label in ("in", "out", "undecided")
        },
    }
