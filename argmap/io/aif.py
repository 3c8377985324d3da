"""AIF in and out: argument graphs in the JSON form of the Argument Interchange Format.

An AIF graph has information nodes (I: claims) and scheme nodes that connect them: RA nodes
(inference: premises → RA → conclusion) and CA nodes (conflict: attacker → CA → attacked).
Dialogue nodes (L locutions, YA illocutions, TA transitions) and MA nodes (rephrases) have
no counterpart in a case; they are skipped and the import says so in the case file.
docs/interchange.md describes the mapping both ways.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..model import Argument, Evidence, HypothesesFile, Hypothesis, Originator, Source, Statement
from ..problems import ArgmapError, Problem
from ..text import MAX_ID_LENGTH, NOT_TEXT, UniqueIds, clean_text, slugify
from . import jsontext
from .extension import EXTENSION, checked

__all__ = ["BINARY", "case_files", "export", "summary", "to_case_files"]

BINARY = False

MAP_TYPES = ("I", "RA", "CA")
SKIPPED_TYPES = ("MA", "L", "YA", "TA", "PA")
"""Dialogue, rephrase and preference nodes: kept in the summary, skipped on import."""
KNOWN_TYPES = MAP_TYPES + SKIPPED_TYPES
DEFAULT_SCHEMES = {"RA": "Default Inference", "CA": "Default Conflict"}
"""AIF's names for an inference or conflict of no particular scheme: written where an
argument names no scheme, read as none."""
GENERIC_SCHEME_TEXTS = {"", "RA", "CA", *DEFAULT_SCHEMES.values()}
GRAPH_KEYS: dict[type[BaseModel], tuple[str, ...]] = {
    Hypothesis: ("id", "title", "statement"),
    Statement: ("id", "text", "contrary", "contradicts"),
    Evidence: ("id", "summary"),
    Argument: (
        "id",
        "claim",
        "premises",
        "supports",
        "attacks",
        "undercuts",
        "rationale",
        "scheme",
    ),
}
"""Fields of each kind of entry that the graph itself carries: never taken from the extension."""
CASE_SETTINGS = ("notes", "scoring", "evaluation", "scenarios")
"""Keys of the hypotheses file that travel in the document's extension."""

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


def as_written(text: str) -> str:
    """Text as the node wrote it: spaces, no-break spaces and line breaks kept (as a case file
    keeps them; only quote matching folds them), control characters, which a case file cannot
    hold, become U+FFFD.

    >>> as_written("two  spaces,\\u00a0one no-break\\x00")
    'two  spaces,\\xa0one no-break\\ufffd'
    """
    return NOT_TEXT.sub("\ufffd", text)


def _written(value: Any) -> str:
    """A text key of a node as written, or '' where it is missing or blank."""
    return as_written(value) if isinstance(value, str) and value.strip() else ""


def _extension(node: dict[str, Any]) -> dict[str, Any] | None:
    value = node.get(EXTENSION)
    return value if isinstance(value, dict) else None


def _entry(
    model: type[BaseModel], entry: dict[str, Any], node: dict[str, Any], where: str
) -> dict[str, Any]:
    """``entry`` (what the graph says) with the node's extension added, checked by ``model``."""
    extension = _extension(node)
    if extension is None:
        return entry
    graph_keys = GRAPH_KEYS[model]
    merged = {**{k: v for k, v in extension.items() if k not in graph_keys}, **entry}
    return checked(model, merged, f"{where}: '{EXTENSION}'")


def _dump(item: BaseModel, graph_keys: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields of a case entry that differ from their defaults, without ``graph_keys``."""
    dumped = item.model_dump(mode="json", exclude_defaults=True)
    return {k: v for k, v in dumped.items() if k not in graph_keys}


def _scheme_keys(kind: str, scheme: str | None) -> dict[str, str]:
    """Type, text and scheme of a scheme node: the argument's scheme by name, as AIFdb and
    OVA write it, else AIF's default for the kind of node."""
    name = scheme or DEFAULT_SCHEMES[kind]
    return {"type": kind, "text": name, "scheme": name}


def _extended(item: BaseModel) -> dict[str, Any]:
    """The node's extension: the entry's fields AIF has no word for, where any are set."""
    extension = _dump(item, GRAPH_KEYS[type(item)])
    return {EXTENSION: extension} if extension else {}


def _node_id(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ArgmapError(f"{where}: needs a nodeID (text or a whole number)")
    return str(value)


def graph(document: Any, name: str, warn: Any = None) -> _Graph:
    """Nodes by id and edges (edge id, from, to) of an AIF JSON document, checked.

    What AIFdb downloads hold without changing the argument is read with a warning (through
    ``warn(message, key, value)``, ``key`` the JSON key whose ``value`` locates it): a node
    listed again word for word, and an edge to a node that is not in the file when it does
    not touch the argument (an L-node to a missing YA-node, say). A nodeID used for two
    different nodes, and an edge from or to the argument (I, RA, CA nodes) whose other end
    is missing, are refused.
    """
    if not isinstance(document, dict):
        raise ArgmapError(f"{name}: an AIF document is a JSON object with 'nodes' and 'edges'")
    nodes_in, edges_in = document.get("nodes"), document.get("edges", [])
    if not isinstance(nodes_in, list):
        raise ArgmapError(f"{name}: 'nodes' must be a list of nodes")
    if not isinstance(edges_in, list):
        raise ArgmapError(f"{name}: 'edges' must be a list of edges")
    nodes: dict[str, dict[str, Any]] = {}
    repeated: list[str] = []
    for index, node in enumerate(nodes_in):
        where = f"{name}: node {index + 1}"
        if not isinstance(node, dict):
            raise ArgmapError(f"{where}: a node is an object with nodeID, type and text")
        node_id = _node_id(node.get("nodeID"), where)
        where = f"{name}: node {node_id!r}"
        if node_id in nodes:
            if node == nodes[node_id]:
                repeated.append(node_id)
                continue
            raise ArgmapError(
                f"{where}: the nodeID is used twice, for different nodes; "
                "give one of them another nodeID"
            )
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
    if repeated and warn is not None:
        count = len(repeated)
        warn(
            f"{count} node{'s are' if count != 1 else ' is'} listed twice, word for word; "
            f"each is read once (the first: node {repeated[0]!r})",
            "nodeID",
            repeated[0],
        )
    edges: list[_Edge] = []
    for index, edge in enumerate(edges_in):
        where = f"{name}: edge {index + 1}"
        if not isinstance(edge, dict):
            raise ArgmapError(f"{where}: an edge is an object with fromID and toID")
        edge_id = str(edge.get("edgeID", index + 1))
        where = f"{name}: edge {edge_id!r}"
        source = _node_id(edge.get("fromID"), where + " (fromID)")
        target = _node_id(edge.get("toID"), where + " (toID)")
        missing = [end for end in (source, target) if end not in nodes]
        if missing:
            present = [end for end in (source, target) if end in nodes]
            in_map = [end for end in present if nodes[end]["type"] in MAP_TYPES]
            if in_map:
                kind = nodes[in_map[0]]["type"]
                direction = "from" if in_map[0] == source else "to"
                raise ArgmapError(
                    f"{where}: node {missing[0]!r} does not exist; the edge {direction} "
                    f"{kind}-node {in_map[0]!r} is part of the argument, so the graph would "
                    "change without it: add the node, or remove the edge"
                )
            if warn is not None:
                touching = f" ({nodes[present[0]]['type']}-node {present[0]!r})" if present else ""
                warn(
                    f"edge {edge_id!r}: node {missing[0]!r} does not exist; the edge is outside "
                    f"the argument{touching} and is left out",
                    "edgeID",
                    edge.get("edgeID", edge_id),
                )
            continue
        edges.append((edge_id, source, target, edge.get("argmap") == "premise"))
    return nodes, edges


def aif_part(document: Any) -> Any:
    """The AIF graph of a document: the document itself, or the ``"AIF"`` part of an OVA3 or
    xAIF save (``{"AIF": {nodes, edges, …}, "OVA": …, "text": …}``)."""
    if isinstance(document, dict) and "nodes" not in document:
        part = document.get("AIF")
        if isinstance(part, dict):
            return part
    return document


def summary(path: Path) -> dict[str, Any]:
    """Counts of nodes by type and of edges in an AIF file."""
    nodes, edges = graph(aif_part(_read(path)), path.name)
    counts = Counter(node["type"] for node in nodes.values())
    return {"nodes": {kind: counts.get(kind, 0) for kind in KNOWN_TYPES}, "edges": len(edges)}


class _Passages(HTMLParser):
    """The plain text of OVA's HTML, and the passage each ``<span id=…>`` marks in it."""

    BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.open: list[tuple[str | None, int]] = []
        self.spans: dict[str, tuple[int, int]] = {}

    def _add(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._add("\n")
        elif tag == "span":
            self.open.append((dict(attrs).get("id"), self.length))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._add("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self.open:
            span_id, start = self.open.pop()
            if span_id is not None:
                self.spans.setdefault(span_id, (start, self.length))
        elif tag in self.BREAKS and tag != "br":
            self._add("\n")

    def handle_data(self, data: str) -> None:
        self._add(data)


def source_text(document: Any) -> tuple[str, dict[str, str]] | None:
    """The analysed text of an OVA3 or xAIF save, as plain text, and the passage of each
    span by its id; None where the document has no text.

    >>> source_text({"AIF": {}, "text": '<span id="node3_1">A&amp;B</span> so<br>'})
    ('A&B so\\n', {'node3_1': 'A&B'})
    """
    if not isinstance(document, dict) or "AIF" not in document:
        return None
    html = document.get("text")
    if isinstance(html, dict):
        html = html.get("txt")  # xAIF: {"txt": "…"}
    if not isinstance(html, str) or not html.strip():
        return None
    parser = _Passages()
    parser.feed(html)
    parser.close()
    text = NOT_TEXT.sub("\ufffd", "".join(parser.parts))  # one character for one
    return text, {key: text[start:end] for key, (start, end) in parser.spans.items()}


SPEAKER = re.compile(r"^([^:\n]{1,200}): ")
"""The 'Speaker: ' prefix of an L-node's text in OVA."""


def quoted_locutions(
    nodes: dict[str, dict[str, Any]],
    edges: list[_Edge],
    text: str,
    passages: dict[str, str],
    source_id: str,
    warn: Any,
) -> dict[str, dict[str, str]]:
    """I-node id → the evidence fields of its locution's passage in the source text.

    An I-node is asserted by the L-nodes with an edge into a YA-node with an edge into it.
    The passage is the span OVA marked for the L-node (``node`` + its id), else the L-node's
    text without its 'Speaker: ' prefix where the source holds it. An I-node whose locutions
    have no passage stays a statement, with a warning.
    """
    from ..quotes import SourceText

    said_by: dict[str, list[str]] = {}
    for _, source, target, _ in edges:
        if nodes[source]["type"] == "L" and nodes[target]["type"] == "YA":
            said_by.setdefault(target, []).append(source)
    asserted: dict[str, list[str]] = {}
    for _, source, target, _ in edges:
        if nodes[source]["type"] == "YA" and nodes[target]["type"] == "I":
            for locution in said_by.get(source, []):
                asserted.setdefault(target, []).append(locution)
    found = SourceText(text)
    quoted: dict[str, dict[str, str]] = {}
    for node_id, locutions in asserted.items():
        for locution in locutions:
            said = str(nodes[locution].get("text", ""))
            match = SPEAKER.match(said)
            speaker = match.group(1).strip() if match else ""
            passage = passages.get(f"node{locution}", passages.get(locution, ""))
            if not passage.strip():
                passage = said[match.end() :] if match else said
                if not passage.strip() or found.find(passage) is None:
                    continue
            quoted[node_id] = {"kind": "claim", "source": source_id, "quote": passage.strip()}
            if speaker:
                quoted[node_id]["originator"] = speaker
            break
        else:
            warn(
                f"node {node_id!r}: the passage of its locution "
                f"{', '.join(repr(locution) for locution in locutions)} is not in the text; "
                "it becomes a statement without a quote",
                "nodeID",
                node_id,
            )
    return quoted


def case_document(
    nodes: dict[str, dict[str, Any]],
    edges: list[_Edge],
    name: str,
    quoted: dict[str, dict[str, str]] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The hypotheses file of a new case, and the lines saying what was skipped.

    ``quoted``: I-node id → the evidence fields of a passage that asserts it (OVA's text);
    those I-nodes become evidence items (under the document's ``evidence`` key).
    """
    quoted = quoted or {}
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

    # An evidence item is an I-node argmap wrote with kind 'evidence' and its extension (the
    # item's source, quote and ratings); without them it is a statement.
    evidence_nodes = {
        node_id
        for node_id, node in nodes.items()
        if node["type"] == "I"
        and (node_id in quoted or (node.get("kind") == "evidence" and _extension(node)))
    }

    def is_statement_relation(node_id: str) -> bool:
        node = nodes[node_id]
        return (
            node["type"] == "CA"
            and node.get("relation") in ("contrary", "contradicts")
            and len(incoming[node_id]) == 1
            and len(outgoing[node_id]) == 1
            and all(
                nodes[end]["type"] == "I" and end not in evidence_nodes
                for end in (incoming[node_id][0], outgoing[node_id][0])
            )
        )

    # A hypothesis (an I-node argmap wrote with kind 'hypothesis') cannot be a premise or in a
    # contrary/contradicts pair: where it is one, it stays a statement.
    not_hypothesis = {source for _, source, _, _ in map_edges if nodes[source]["type"] == "I"}
    not_hypothesis |= {
        end
        for node_id in nodes
        if is_statement_relation(node_id)
        for end in (incoming[node_id][0], outgoing[node_id][0])
    }
    hypotheses: list[dict[str, Any]] = []
    statements: dict[str, dict[str, Any]] = {}
    evidence: list[dict[str, Any]] = []
    for node_id, node in nodes.items():
        if node["type"] != "I":
            continue
        text = as_written(node["text"])
        where = f"{name}: node {node_id!r}"
        if node_id in quoted:
            evidence.append({"id": ids[node_id], "summary": text, **quoted[node_id]})
        elif node_id in evidence_nodes:
            item = {"id": ids[node_id], "summary": text}
            evidence.append(_entry(Evidence, item, node, where))
        elif node.get("kind") == "hypothesis" and node_id not in not_hypothesis:
            title = _written(node.get("title")) or text
            item = {"id": ids[node_id], "title": title, "statement": text}
            hypotheses.append(_entry(Hypothesis, item, node, where))
        else:
            item = {"id": ids[node_id], "text": text}
            statements[node_id] = _entry(Statement, item, node, where)

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
        claim = _written(node.get("claim"))
        attackers = [nodes[p]["text"] for p in incoming[node_id] if nodes[p]["type"] == "I"]
        if not claim and node["type"] == "CA" and attackers:
            claim = as_written(attackers[0])  # what the attack says is its attacker's claim
        elif not claim and first is not None and first["type"] == "I":
            claim = as_written(first["text"])
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
        rationale = _written(node.get("rationale"))
        if rationale:
            entry["rationale"] = rationale
        # The scheme: AraucariaDB writes it beside a generic text, AIFdb and OVA as the text.
        named = node.get("scheme")
        scheme = clean_text(named if isinstance(named, str) else "") or clean_text(
            node.get("text", "")
        )
        if scheme not in GENERIC_SCHEME_TEXTS:
            entry["scheme"] = scheme
        arguments.append(_entry(Argument, entry, node, f"{name}: node {node_id!r}"))
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
    if evidence:
        document["evidence"] = evidence
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
    return case_files(path)[0]


def _line_of(raw: str, value: Any, key: str = "nodeID") -> int:
    """The line where ``"key": value`` is first written (1 where it cannot be told)."""
    pattern = rf'"{key}"\s*:\s*"?' + re.escape(str(value)) + r'"?\s*[,}\n]'
    match = re.search(pattern, raw)
    return raw.count("\n", 0, match.start()) + 1 if match else 1


def case_files(path: Path) -> tuple[dict[str, str], list[Problem]]:
    """The files of a new case from an AIF JSON file, and warnings about what was read
    differently from the file (a locution without its passage in the text, say)."""
    from ..casewriter import dump_yaml

    document = _read(path)
    raw = path.read_text(encoding="utf-8-sig")
    warnings: list[Problem] = []

    def warn(message: str, key: str = "nodeID", value: Any = None) -> None:
        line = _line_of(raw, value, key) if value is not None else 1
        warnings.append(Problem("warning", path, line, "", message, ""))

    nodes, edges = graph(aif_part(document), path.name, warn)
    if not any(node["type"] in MAP_TYPES for node in nodes.values()):
        raise ArgmapError(f"{path.name}: no I, RA or CA nodes: nothing to import")
    files: dict[str, str] = {}
    sources = []
    quoted: dict[str, dict[str, str]] = {}
    analysed = source_text(document)
    if analysed is not None:
        text, passages = analysed
        source_id = slugify(path.stem, "text", max_length=MAX_ID_LENGTH)
        quoted = quoted_locutions(nodes, edges, text, passages, source_id, warn)
        if quoted:
            file = f"sources/{source_id}.txt"
            sources.append({"id": source_id, "title": path.name, "file": file})
            files[f"evidence/{file}"] = text
    case, skipped = case_document(nodes, edges, path.stem, quoted)
    evidence = case.pop("evidence", [])
    meta = _extension(document) or {}
    where = f"{path.name}: '{EXTENSION}'"
    for key in ("title", "question"):
        if _written(meta.get(key)):
            case[key] = as_written(meta[key])
    settings = {key: meta[key] for key in CASE_SETTINGS if meta.get(key) is not None}
    if settings:
        valid = checked(HypothesesFile, settings, where)
        case.update({key: valid[key] for key in CASE_SETTINGS if key in valid})
    for index, source in enumerate(_listed(meta, "sources", where)):
        entry = {k: v for k, v in source.items() if k not in ("file", "text")}
        written = source.get("text")
        if isinstance(written, str) and isinstance(entry.get("id"), str):
            entry["file"] = f"sources/{entry['id']}.txt"
        entry = checked(Source, entry, f"{where}: sources[{index}]")
        if "file" in entry and isinstance(written, str):
            files[f"evidence/{entry['file']}"] = written
        sources.append(entry)
    originators = [
        checked(Originator, entry, f"{where}: originators[{index}]")
        for index, entry in enumerate(_listed(meta, "originators", where))
    ]
    comment = f"Imported from {path.name} (AIF) by argmap; docs/interchange.md has the mapping."
    if skipped:
        comment += "\nSkipped (no counterpart in a case): " + ", ".join(skipped) + "."
    files["hypotheses/case.yaml"] = dump_yaml(case, comment)
    evidence_file = {
        key: value
        for key, value in [("sources", sources), ("originators", originators)]
        + [("evidence", evidence)]
        if value
    }
    if evidence_file:
        files["evidence/evidence.yaml"] = dump_yaml(evidence_file, comment.split("\n")[0])
    _check_loads(path, raw, files)
    return dict(sorted(files.items())), sorted(warnings, key=lambda p: p.line)


_ITEM = re.compile(r"\[([^\]]+)\]")


def _check_loads(path: Path, raw: str, files: dict[str, str]) -> None:
    """Load the case the files make; name the AIF file, and the node where it can be told,
    for every error (an extension's rating of a hypothesis the graph does not have, say)."""
    from ..casewriter import load_errors
    from ..problems import CaseError

    problems = []
    for problem in load_errors(files):
        item = _ITEM.search(problem.field)
        line = _line_of(raw, item.group(1)) if item else 1
        problems.append(Problem("error", path, line, problem.field, problem.message, problem.hint))
    if problems:
        raise CaseError(problems)


def _listed(meta: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
    value = meta.get(key, [])
    if not isinstance(value, list) or not all(isinstance(entry, dict) for entry in value):
        raise ArgmapError(f"{where}: '{key}' must be a list of objects, as argmap writes it")
    return value


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
                "text": hypothesis.statement,
                "kind": "hypothesis",
                "title": hypothesis.title,
                **_extended(hypothesis),
            }
        )
    for statement in case.statements:
        nodes.append(
            {"nodeID": statement.id, "type": "I", "text": statement.text, **_extended(statement)}
        )
    for item in case.evidence:
        nodes.append(
            {
                "nodeID": item.id,
                "type": "I",
                "text": item.summary,
                "kind": "evidence",
                **_extended(item),
            }
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
                nodes.append({**_scheme_keys("CA", None), "nodeID": node_id, "relation": key})
                edge(statement.id, node_id)
                edge(node_id, other)
    statement_like = {node["nodeID"] for node in nodes if node["type"] == "I"}
    for argument in case.arguments:
        kind = "RA" if argument.relation == "supports" else "CA"
        node: dict[str, Any] = {
            "nodeID": argument.id,
            **_scheme_keys(kind, argument.scheme),
            "claim": argument.claim,
        }
        if argument.rationale:
            node["rationale"] = argument.rationale
        if argument.relation == "attacks" and argument.target not in statement_like:
            node["relation"] = "attacks"  # CA → S-node alone would read as an undercut
        nodes.append({**node, **_extended(argument)})
        for premise in argument.premises:
            edge(premise, argument.id, premise=premise not in statement_like)
        edge(argument.id, argument.target)
    meta: dict[str, Any] = {"title": case.title, "question": case.question}
    if case.notes is not None:
        meta["notes"] = case.notes
    for key in CASE_SETTINGS[1:]:
        value = getattr(case, key)
        if isinstance(value, BaseModel):
            meta[key] = value.model_dump(mode="json", exclude_defaults=True)
        elif value:
            meta[key] = [_dump(item) for item in value]
    if case.sources:
        meta["sources"] = [
            {**_dump(source), "text": case.source_texts.get(source.id)}
            if source.file is not None
            else _dump(source)
            for source in case.sources
        ]
    if case.originators:
        meta["originators"] = [_dump(originator) for originator in case.originators]
    document = {"nodes": nodes, "edges": edges, "locutions": [], EXTENSION: meta}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
