"""An argmap case as Argdown: statements, arguments and their relations."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from ...casewriter import yaml_quoted
from ...text import clean_text
from ..extension import EXTENSION
from .reader import CASE_SETTINGS, EVIDENCE_TAG, HYPOTHESIS_TAG, MAP_KEYS

__all__ = ["BINARY", "export"]

BINARY = False


def _escape(text: str) -> str:
    r"""User text as Argdown statement text that reads back as the same words.

    Whitespace runs become one space (Argdown joins lines the same way); characters that
    would start markup (titles, tags, emphasis, comments, data, shortcodes, front matter)
    get a backslash.

    >>> _escape("A [draft] #1 by *me*, 10:30 e.g. now")
    'A \\[draft] \\#1 by \\*me\\*, 10\\:30 e\\.g. now'
    """
    text = clean_text(text)
    out = []
    for index, char in enumerate(text):
        following = text[index + 1 : index + 2]
        needs = (
            char in "\\[<#*_{"
            or (char in ".:" and following != "" and not following.isspace())
            or (char == "/" and following in ("/", "*"))
            or (char == "=" and ("===" in text[max(0, index - 2) : index + 3]))
        )
        out.append("\\" + char if needs else char)
    return "".join(out)


def _yaml(text: str) -> str:
    """A YAML double-quoted scalar that the Argdown data token cannot end early."""
    return yaml_quoted(text, escape="{}")


_PLAIN_KEY = re.compile(r"[a-z_]+")


def _flow(value: Any) -> str:
    r"""``value`` as YAML flow text that both Argdown tokens can hold: every text quoted, with
    `{`, `}` and `=` escaped (a brace would end data in braces early, `===` front matter),
    and keys other than field names quoted (js-yaml reads `1e3:` as a number).

    >>> _flow({"ratings": {"h-1": "CC"}, "weight": 0.5, "assumed": True, "tags": ["a{b}"]})
    '{ratings: {"h-1": "CC"}, weight: 0.5, assumed: true, tags: ["a\\u007bb\\u007d"]}'
    """
    if isinstance(value, dict):
        items = (
            f"{key if _PLAIN_KEY.fullmatch(key) else _text(key)}: {_flow(item)}"
            for key, item in value.items()
        )
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return repr(value)
    return _text(str(value))


def _text(text: str) -> str:
    return yaml_quoted(text, escape="{}=")


def _data(entries: dict[str, Any]) -> str:
    parts = []
    for key, value in entries.items():
        if key == EXTENSION:
            parts.append(f"{key}: {_flow(value)}")
        elif isinstance(value, list):
            parts.append(f"{key}: [{', '.join(_yaml(v) for v in value)}]")
        else:
            parts.append(f"{key}: {_yaml(clean_text(value))}")
    return " {" + ", ".join(parts) + "}" if parts else ""


def _extension(item: BaseModel) -> dict[str, Any]:
    """``{argmap: {…}}``: the entry's fields that the map does not carry, where any are set."""
    dumped = item.model_dump(mode="json", exclude_defaults=True)
    extra = {k: v for k, v in dumped.items() if k not in MAP_KEYS[type(item).__name__]}
    return {EXTENSION: extra} if extra else {}


def _front_matter_extension(case: Any) -> list[str]:
    """The `argmap:` block of the front matter: the case's settings, sources (with their
    texts) and originators, one flow value a line."""
    entries: dict[str, Any] = {}
    if case.notes is not None:
        entries["notes"] = case.notes
    for key in CASE_SETTINGS[1:]:
        value = getattr(case, key)
        if isinstance(value, BaseModel):
            entries[key] = value.model_dump(mode="json", exclude_defaults=True)
        elif value:
            entries[key] = [item.model_dump(mode="json", exclude_defaults=True) for item in value]
    sources = []
    for source in case.sources:
        entry = source.model_dump(mode="json", exclude_defaults=True)
        entry.pop("file", None)
        if source.file is not None and source.id in case.source_texts:
            entry["text"] = case.source_texts[source.id]
        sources.append(entry)
    if sources:
        entries["sources"] = sources
    if case.originators:
        entries["originators"] = [
            o.model_dump(mode="json", exclude_defaults=True) for o in case.originators
        ]
    if not entries:
        return []
    return [f"{EXTENSION}:", *(f"  {key}: {_flow(value)}" for key, value in entries.items())]


def export(case: Any) -> str:
    """The case's argument map as Argdown: statements, arguments and their relations.

    Hypotheses become statements tagged #hypothesis and evidence items statements tagged
    #evidence; what Argdown has no word for (assumptions, ratings, weights, standards, the
    sources and the case's settings) is argmap's extension, `{argmap: {…}}` in the data of
    each and an `argmap:` block in the front matter. Importing the result gives back the same
    case (docs/interchange.md).
    """
    front = [
        "===",
        f"title: {_yaml(clean_text(case.title))}",
        f"question: {_yaml(clean_text(case.question))}",
        "model:\n  mode: strict\n  removeTagsFromText: true",
        *_front_matter_extension(case),
        "===",
    ]
    blocks: list[str] = ["\n".join(front)]
    statement_like = set()
    for hypothesis in case.hypotheses:
        statement_like.add(hypothesis.id)
        blocks.append(
            f"[{hypothesis.id}]: {_escape(hypothesis.statement)} #{HYPOTHESIS_TAG}"
            + _data({"title": hypothesis.title, **_extension(hypothesis)})
        )
    for statement in case.statements:
        statement_like.add(statement.id)
        blocks.append(f"[{statement.id}]: {_escape(statement.text)}" + _data(_extension(statement)))
    for item in case.evidence:
        statement_like.add(item.id)
        blocks.append(
            f"[{item.id}]: {_escape(item.summary)} #{EVIDENCE_TAG}" + _data(_extension(item))
        )

    relation_blocks: list[str] = []
    for statement in case.statements:
        lines = [f"  >< [{other}]" for other in statement.contradicts]
        # In strict mode an attack between two statements is Argdown's contrary relation.
        lines += [f"  -> [{other}]" for other in statement.contrary]
        if lines:
            relation_blocks.append("\n".join([f"[{statement.id}]", *lines]))

    for argument in case.arguments:
        premises = list(argument.premises)
        reconstructed = (
            argument.relation == "supports"
            and argument.target in statement_like
            and bool(premises)
            and all(p in statement_like for p in premises)
            and len(set(premises)) == len(premises)
        )
        data: dict[str, Any] = {}
        if premises and not reconstructed:
            data["premises"] = premises
        if argument.rationale:
            data["rationale"] = argument.rationale
        data.update(_extension(argument))
        blocks.append(f"<{argument.id}>: {_escape(argument.claim)}" + _data(data))
        if reconstructed:
            lines = [f"({number}) [{premise}]" for number, premise in enumerate(premises, 1)]
            lines += ["----", f"({len(premises) + 1}) [{argument.target}]"]
            blocks.append("\n".join(lines))
        else:
            symbol = {"supports": "+>", "attacks": "->", "undercuts": "_>"}[argument.relation]
            target = argument.target
            member = f"[{target}]" if target in statement_like else f"<{target}>"
            relation_blocks.append(f"<{argument.id}>\n  {symbol} {member}")
    return "\n\n".join(blocks + relation_blocks) + "\n"
