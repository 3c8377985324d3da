"""AIF in and out: argument graphs in the JSON form of the Argument Interchange Format.

An AIF graph has information nodes (I: claims) and scheme nodes that connect them: RA nodes
(inference: premises → RA → conclusion) and CA nodes (conflict: attacker → CA → attacked).
Dialogue nodes (L locutions, YA illocutions, TA transitions) and MA nodes (rephrases) have
no counterpart in a case; they are skipped and the import says so in the case file.
docs/interchange.md describes the mapping both ways.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ..problems import ArgmapError
from ..text import MAX_ID_LENGTH, UniqueIds, clean_text, slugify
from . import jsontext

__all__ = ["BINARY", "export", "summary", "to_case_files"]

BINARY = False

MAP_TYPES = ("I", "RA", "CA")
SKIPPED_TYPES = ("MA", "L", "YA", "TA", "PA")
"""Dialogue, rephrase and preference nodes: kept in the summary, skipped on import."""
KNOWN_TYPES = MAP_TYPES + SKIPPED_TYPES
GENERIC_SCHEME_TEXTS = {"", "RA", "CA", "Default Inference", "Default Conflict"}

_Edge = tuple[str, str, str, bool]
"""Edge id, from, to, and whether argmap marked it as a premise edge between S-nodes."""
_Graph = tuple[dict[str, dict[str, Any]], list[_Edge]]


def _read(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ArgmapError(f"cannot read {path}: {err.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ArgmapError(f"{path.name}: line {line}: not UTF-8 text") from None
    try:
        return jsontext.loads(text)
    except json.JSONDecodeError as err:
        raise ArgmapError(
            f"{path.name}: line {err.lineno}: not valid JSON ({err.msg}, column {err.colno})"
        ) from None
    except jsontext.LongNumber as err:
        raise ArgmapError(
            f"{path.name}: line {err.line}: a whole number of {err.digits:,} digits, more than "
            f"the {err.limit:,} argmap reads; write a long nodeID as text, in quotes"
        ) from None
    except RecursionError:
        raise ArgmapError(f"{path.name}: the JSON is nested too deeply") from None


def _node_id(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ArgmapError(f"{where}: needs a nodeID (text or a whole number)")
    return str(value)


def graph(document: Any, name: str) -> _Graph:
    """Nodes by id and edges (edge id, from, to) of an AIF JSON document, checked."""
    if not isinstance(document, dict):
        raise ArgmapError(f"{name}: an AIF document is a JSON object with 'nodes' and 'edges'")
    nodes_in, edges_in = document.get("nodes"), document.get("edges", [])
    if not isinstance(nodes_in, list):
        raise ArgmapError(f"{name}: 'nodes' must be a list of nodes")
    if not isinstance(edges_in, list):
        raise ArgmapError(f"{name}: 'edges' must be a list of edges")
    nodes: dict[str, dict[str, Any]] = {}
    for index, node in enumerate(nodes_in):
        where = f"{name}: node {index + 1}"
        if not isinstance(node, dict):
            raise ArgmapError(f"{where}: a node is an object with nodeID, type and text")
        node_id = _node_id(node.get("nodeID"), where)
        where = f"{name}: node {node_id!r}"
        if node_id in nodes:
            raise ArgmapError(f"{where}: the nodeID is used twice")
        kind = node.get("type")
        if kind not in KNOWN_TYPES:
            raise ArgmapError(
                f"{where}: unknown type {kind!r}; AIF node types are {', '.join(KNOWN_TYPES)}"
            )
        text = node.get("text", "")
        if not isinstance(text, str):
            raise ArgmapError(f"{where}: 'text' must be text")
        if kind == "I" and not text.strip():
            raise ArgmapError(f"{where}: an I-node needs the claim as its text")
        for key in ("claim", "rationale", "relation", "kind", "title"):
            if key in node and not isinstance(node[key], str):
                raise ArgmapError(f"{where}: '{key}' must be text")
        nodes[node_id] = node
    edges: list[_Edge] = []
    for index, edge in enumerate(edges_in):
        where = f"{name}: edge {index + 1}"
        if not isinstance(edge, dict):
            raise ArgmapError(f"{where}: an edge is an object with fromID and toID")
        edge_id = str(edge.get("edgeID", index + 1))
        where = f"{name}: edge {edge_id!r}"
        source = _node_id(edge.get("fromID"), where + " (fromID)")
        target = _node_id(edge.get("toID"), where + " (toID)")
        for end in (source, target):
            if end not in nodes:
                raise ArgmapError(f"{where}: node {end!r} does not exist")
        edges.append((edge_id, source, target, edge.get("argmap") == "premise"))
    return nodes, edges


def summary(path: Path) -> dict[str, Any]:
    """Counts of nodes by type and of edges in an AIF file."""
    nodes, edges = graph(_read(path), path.name)
    counts = Counter(node["type"] for node in nodes.values())
    return {"nodes": {kind: counts.get(kind, 0) for kind in KNOWN_TYPES}, "edges": len(edges)}


def case_document(
    nodes: dict[str, dict[str, Any]], edges: list[_Edge], name: str
) -> tuple[dict[str, Any], list[str]]:
    """The hypotheses file of a new case, and the lines saying what was skipped."""
    new_id = UniqueIds().new
    ids: dict[str, str] = {}
    for node_id, node in nodes.items():
        if node["type"] in MAP_TYPES:
            fallback = "statement" if node["type"] == "I" else "argument"
            ids[node_id] = new_id(
                slugify(node_id, fallback, max_length=MAX_ID_LENGTH, keep_slugs=True)
            )

    map_edges = [
        edge
        for edge in edges
        if nodes[edge[1]]["type"] in MAP_TYPES and nodes[edge[2]]["type"] in MAP_TYPES
    ]
    skipped_edges = len(edges) - len(map_edges)
    # An edge into an S-node from an I-node is a premise; an edge out of an S-node is its
    # conclusion (an S-node as conclusion: support for, or conflict with, that inference),
    # unless argmap marked it as a premise edge.
    incoming: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    outgoing: dict[str, list[str]] = {node_id: [] for node_id in nodes}
    for edge_id, source, target, premise_edge in map_edges:
        if nodes[source]["type"] == "I" and nodes[target]["type"] == "I":
            raise ArgmapError(
                f"{name}: edge {edge_id!r} joins two I-nodes ({source!r} → {target!r}); "
                "in AIF they connect through an RA or CA node"
            )
        if nodes[source]["type"] == "I" or (premise_edge and nodes[target]["type"] != "I"):
            incoming[target].append(source)
        else:
            outgoing[source].append(target)

    def is_statement_relation(node_id: str) -> bool:
        node = nodes[node_id]
        return (
            node["type"] == "CA"
            and node.get("relation") in ("contrary", "contradicts")
            and len(incoming[node_id]) == 1
            and len(outgoing[node_id]) == 1
            and nodes[incoming[node_id][0]]["type"] == "I"
            and nodes[outgoing[node_id][0]]["type"] == "I"
        )

    # A hypothesis (an I-node argmap wrote with kind 'hypothesis') cannot be a premise or in a
    # contrary/contradicts pair: where it is one, it stays a statement.
    not_hypothesis = {source for _, source, _, _ in map_edges if nodes[source]["type"] == "I"}
    not_hypothesis |= {outgoing[node_id][0] for node_id in nodes if is_statement_relation(node_id)}
    hypotheses: list[dict[str, Any]] = []
    statements: dict[str, dict[str, Any]] = {}
    for node_id, node in nodes.items():
        if node["type"] != "I":
            continue
        text = clean_text(node["text"])
        if node.get("kind") == "hypothesis" and node_id not in not_hypothesis:
            title = clean_text(node.get("title") or "") or text
            hypotheses.append({"id": ids[node_id], "title": title, "statement": text})
        else:
            statements[node_id] = {"id": ids[node_id], "text": text}

    arguments: list[dict[str, Any]] = []
    extra_statements: list[dict[str, Any]] = []
    carriers: list[dict[str, Any]] = []
    for node_id, node in nodes.items():
        if node["type"] not in ("RA", "CA"):
            continue
        if is_statement_relation(node_id):
            key = "contrary" if node["relation"] == "contrary" else "contradicts"
            holder = statements[incoming[node_id][0]]
            other = ids[outgoing[node_id][0]]
            holder.setdefault(key, [])
            if other not in holder[key]:
                holder[key].append(other)
            continue
        own = ids[node_id]
        targets = outgoing[node_id]
        first = nodes[targets[0]] if targets else None
        claim = clean_text(node.get("claim") or "")
        attackers = [nodes[p]["text"] for p in incoming[node_id] if nodes[p]["type"] == "I"]
        if not claim and node["type"] == "CA" and attackers:
            claim = clean_text(attackers[0])  # what the attack says is its attacker's claim
        elif not claim and first is not None and first["type"] == "I":
            claim = clean_text(first["text"])
        claim = claim or clean_text(node.get("text", "")) or own
        entry: dict[str, Any] = {"id": own, "claim": claim}
        premises = [ids[p] for p in incoming[node_id]]
        if premises:
            entry["premises"] = list(dict.fromkeys(premises))

        def relation(target: str, node: dict[str, Any] = node) -> str:
            if node["type"] == "RA":
                return "supports"
            if nodes[target]["type"] != "I" and node.get("relation") != "attacks":
                return "undercuts"  # a conflict with an inference denies the inference
            return "attacks"

        if targets:
            entry[relation(targets[0])] = ids[targets[0]]
        else:
            statement_id = new_id(f"{own}-conclusion")
            extra_statements.append({"id": statement_id, "text": claim})
            entry["supports"] = statement_id
        text = clean_text(node.get("text", ""))
        scheme = node.get("scheme")
        rationale = clean_text(node.get("rationale") or "")
        if not rationale and isinstance(scheme, str) and scheme.strip():
            rationale = f"Scheme: {clean_text(scheme)}"
        elif not rationale and text not in GENERIC_SCHEME_TEXTS:
            rationale = text
        if rationale:
            entry["rationale"] = rationale
        arguments.append(entry)
        for target in targets[1:]:
            verb = relation(target)
            carriers.append(
                {
                    "id": new_id(f"{own}-{verb}-{ids[target]}"),
                    "claim": claim,
                    "premises": [own],
                    verb: ids[target],
                }
            )

    meta = document_meta(name)
    document: dict[str, Any] = {"format": "1", **meta}
    if hypotheses:
        document["hypotheses"] = hypotheses
    if statements or extra_statements:
        document["statements"] = list(statements.values()) + extra_statements
    if arguments or carriers:
        document["arguments"] = arguments + carriers
    skipped = Counter(node["type"] for node in nodes.values() if node["type"] not in MAP_TYPES)
    notes = [f"{count} {kind} node{'s' if count != 1 else ''}" for kind, count in skipped.items()]
    if skipped_edges:
        notes.append(f"{skipped_edges} edge{'s' if skipped_edges != 1 else ''} touching them")
    return document, notes


def document_meta(name: str) -> dict[str, str]:
    """Title and question of an imported graph: AIF has neither, so both are the file's name."""
    return {"title": name, "question": name}


def to_case_files(path: Path) -> dict[str, str]:
    """The files of a new case holding the argument graph in an AIF JSON file."""
    from ..casewriter import dump_yaml

    document = _read(path)
    nodes, edges = graph(document, path.name)
    if not any(node["type"] in MAP_TYPES for node in nodes.values()):
        raise ArgmapError(f"{path.name}: no I, RA or CA nodes: nothing to import")
    case, skipped = case_document(nodes, edges, path.stem)
    meta = document.get("argmap") if isinstance(document.get("argmap"), dict) else {}
    for key in ("title", "question"):
        if isinstance(meta.get(key), str) and meta[key].strip():
            case[key] = clean_text(meta[key])
    comment = f"Imported from {path.name} (AIF) by argmap; docs/interchange.md has the mapping."
    if skipped:
        comment += "\nSkipped (no counterpart in a case): " + ", ".join(skipped) + "."
    return {"hypotheses/case.yaml": dump_yaml(case, comment)}


def export(case: Any) -> str:
    """The case's argument map as AIF JSON: I-nodes for claims, RA and CA nodes for arguments.

    Hypotheses and evidence items become I-nodes (marked with `kind`); each argument becomes
    one RA node (supports) or CA node (attacks, undercuts) with its premises as incoming
    edges and its target as the outgoing edge; contrary and contradictory statements are
    joined by CA nodes marked with `relation`. Importing the result gives the same map.
    """
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, str]] = []

    def edge(source: str, target: str, premise: bool = False) -> None:
        entry = {"edgeID": str(len(edges) + 1), "fromID": source, "toID": target}
        if premise:
            entry["argmap"] = "premise"  # S-node → S-node edges are otherwise conclusions
        edges.append(entry)

    for hypothesis in case.hypotheses:
        nodes.append(
            {
                "nodeID": hypothesis.id,
                "type": "I",
                "text": clean_text(hypothesis.statement),
                "kind": "hypothesis",
                "title": clean_text(hypothesis.title),
            }
        )
    for statement in case.statements:
        nodes.append({"nodeID": statement.id, "type": "I", "text": clean_text(statement.text)})
    for item in case.evidence:
        nodes.append(
            {"nodeID": item.id, "type": "I", "text": clean_text(item.summary), "kind": "evidence"}
        )
    taken = {node["nodeID"] for node in nodes} | {a.id for a in case.arguments}
    for statement in case.statements:
        for key, others in (
            ("contradicts", statement.contradicts),
            ("contrary", statement.contrary),
        ):
            for other in others:
                base, number = f"{statement.id}-{key}-{other}", 1
                node_id = base
                while node_id in taken:
                    number += 1
                    node_id = f"{base}-{number}"
                taken.add(node_id)
                nodes.append({"nodeID": node_id, "type": "CA", "text": "CA", "relation": key})
                edge(statement.id, node_id)
                edge(node_id, other)
    statement_like = {node["nodeID"] for node in nodes if node["type"] == "I"}
    for argument in case.arguments:
        kind = "RA" if argument.relation == "supports" else "CA"
        node: dict[str, Any] = {
            "nodeID": argument.id,
            "type": kind,
            "text": kind,
            "claim": clean_text(argument.claim),
        }
        if argument.rationale:
            node["rationale"] = clean_text(argument.rationale)
        if argument.relation == "attacks" and argument.target not in statement_like:
            node["relation"] = "attacks"  # CA → S-node alone would read as an undercut
        nodes.append(node)
        for premise in argument.premises:
            edge(premise, argument.id, premise=premise not in statement_like)
        edge(argument.id, argument.target)
    document = {
        "nodes": nodes,
        "edges": edges,
        "locutions": [],
        "argmap": {"title": clean_text(case.title), "question": clean_text(case.question)},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
