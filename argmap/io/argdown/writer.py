"""An argmap case as Argdown: statements, arguments and their relations."""

from __future__ import annotations

from typing import Any

from ...casewriter import yaml_quoted
from ...text import clean_text
from .reader import EVIDENCE_TAG, HYPOTHESIS_TAG

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


def _data(entries: dict[str, str | list[str]]) -> str:
    parts = []
    for key, value in entries.items():
        if isinstance(value, list):
            parts.append(f"{key}: [{', '.join(_yaml(v) for v in value)}]")
        else:
            parts.append(f"{key}: {_yaml(clean_text(value))}")
    return " {" + ", ".join(parts) + "}" if parts else ""


def export(case: Any) -> str:
    """The case's argument map as Argdown: statements, arguments and their relations.

    Hypotheses become statements tagged #hypothesis and evidence items statements tagged
    #evidence; importing the result gives back the same statements, arguments and relations
    (docs/interchange.md).
    """
    blocks: list[str] = [
        "===\n"
        f"title: {_yaml(clean_text(case.title))}\n"
        f"question: {_yaml(clean_text(case.question))}\n"
        "model:\n  mode: strict\n  removeTagsFromText: true\n"
        "==="
    ]
    statement_like = set()
    for hypothesis in case.hypotheses:
        statement_like.add(hypothesis.id)
        blocks.append(
            f"[{hypothesis.id}]: {_escape(hypothesis.statement)} #{HYPOTHESIS_TAG}"
            + _data({"title": hypothesis.title})
        )
    for statement in case.statements:
        statement_like.add(statement.id)
        blocks.append(f"[{statement.id}]: {_escape(statement.text)}")
    for item in case.evidence:
        statement_like.add(item.id)
        blocks.append(f"[{item.id}]: {_escape(item.summary)} #{EVIDENCE_TAG}")

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
        data: dict[str, str | list[str]] = {}
        if premises and not reconstructed:
            data["premises"] = premises
        if argument.rationale:
            data["rationale"] = argument.rationale
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
