"""The `json` format: the whole validated case with its computed scores, as one document.

Export writes ``{"argmap_json": 1, "case": …, "quotes": …, "assessment": …}``:

- ``case`` is the model as the case files state it (every field, defaults filled in), each
  source carrying its full ``text`` so the document stands alone and its quotes still match;
- ``quotes`` says where each quote stands in its source (code-point offsets, paragraph);
- ``assessment`` is the `argmap score --format json` document (PARC scores and the weighing).

Import reads the ``case`` part back into a new case folder (``quotes`` and ``assessment`` are
recomputed from it, never trusted). :func:`json_schema` is the published JSON Schema of the
document, generated from the pydantic models that describe it (:class:`JsonDocument`).
"""

from __future__ import annotations

import json
import posixpath
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import SkipJsonSchema

from .. import __version__
from ..model import (
    CASE_KEYS,
    Case,
    Evidence,
    HypothesesFile,
    Originator,
    Source,
    Text,
    describe_fields,
)
from ..problems import ArgmapError, CaseError, Problem, display_path
from . import jsontext

__all__ = ["BINARY", "FORMAT_VERSION", "JsonDocument", "export", "json_schema", "to_case_files"]

FORMAT_VERSION = 1
"""The value of ``argmap_json``; raised when the document's shape changes incompatibly."""
BINARY = False

HYPOTHESES_FILE = "hypotheses/case.yaml"
EVIDENCE_FILE = "evidence/evidence.yaml"


class JsonSource(Source):
    """A source with its full text."""

    text: str | None = None
    """The full text of the source's file, exactly as read (None when it has no file)."""


class JsonCase(HypothesesFile):
    """The model part of an argmap JSON document: what the case files state.

    The case keys and the hypotheses, statements and arguments are those of a hypotheses
    file (so a new case key travels without a change here); sources carry their text.
    """

    title: Text
    """The case's title."""
    question: Text
    """The question the hypotheses answer."""
    sources: tuple[JsonSource, ...] = ()
    """Documents the evidence is quoted from, each with its text."""
    originators: tuple[Originator, ...] = ()
    """Who the information comes from, graded for reliability and interest."""
    evidence: tuple[Evidence, ...] = ()
    """Evidence items with their ratings, in file order."""


CASE_SETTINGS = tuple(
    key for key in CASE_KEYS if key not in ("title", "question", "notes", "format")
)
"""Case keys holding settings (scoring, …): written as given, ``{}`` included."""
ITEM_LISTS = ("hypotheses", "statements", "arguments", "scenarios", "originators", "evidence")


# --- export ------------------------------------------------------------------------------


def case_part(case: Case) -> dict[str, Any]:
    """The ``case`` part: the model with every field, sources with their text."""
    part: dict[str, Any] = {}
    for name in JsonCase.model_fields:
        if name == "format":
            continue
        if name == "sources":
            part[name] = [
                {**s.model_dump(mode="json"), "text": case.source_texts.get(s.id)}
                for s in case.sources
            ]
        elif name in ITEM_LISTS:
            part[name] = [item.model_dump(mode="json") for item in getattr(case, name)]
        else:
            value = getattr(case, name, None)
            part[name] = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
    return part


def document(case: Case) -> dict[str, Any]:
    """The whole JSON document of a validated case."""
    from ..assess import assess, assessment_json

    quotes = {
        e.id: {
            "source": span.source,
            "start": span.start,
            "end": span.end,
            "paragraph": span.paragraph,
        }
        for e in case.evidence
        if (span := case.quote_spans.get(e.id)) is not None
    }
    return {
        "argmap_json": FORMAT_VERSION,
        "generator": f"argmap {__version__}",
        "digest": case.digest,
        "case": case_part(case),
        "quotes": quotes,
        "assessment": assessment_json(assess(case)),
    }


def export(case: Case) -> str:
    """The JSON document as text: UTF-8, two-space indent, keys in a fixed order."""
    return json.dumps(document(case), indent=2, ensure_ascii=False) + "\n"


# --- schema ------------------------------------------------------------------------------
#
# The document's shape, as pydantic models: json_schema() is generated from them. Export
# builds the document from the case (the assessment as `argmap score --format json` has it);
# a test validates exported documents against the schema, so the two cannot drift apart.


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _optional() -> Any:
    """A key that is left out when it has no value, never null (so the schema has no default)."""
    return Field(default=None, json_schema_extra=_no_default)


Interval = tuple[float, float]


class QuoteSpan(_Part):
    """Where the quote stands: code-point offsets (end exclusive), paragraph."""

    source: str
    """The id of the source quoted."""
    start: int = Field(ge=0)
    """Offset of the quote's first character in the source's text."""
    end: int = Field(ge=0)
    """Offset just after the quote's last character."""
    paragraph: int = Field(ge=1)
    """The paragraph of the source the quote starts in, counted from 1."""


class HypothesisScores(_Part):
    """A leaf hypothesis: its PARC scores and its weighing, in rank order."""

    id: str
    """The hypothesis's id."""
    title: str
    """Its title."""
    parent: str | None
    """The id of the group it belongs to, if any."""
    rank: int = Field(ge=1)
    """PARC rank: 1 is the least weighted inconsistency."""
    inconsistency: float
    """Sum of the inconsistent ratings' points (PARC)."""
    weighted_inconsistency: float
    """The same, each weighted by the evidence's credibility and relevance."""
    prior: float
    """Probability before the evidence."""
    posterior: float
    """Probability after the evidence."""
    estimate: str
    """Its 5–95% interval in ICD 203 words, as the confidence allows ("unlikely to
    likely")."""
    p_top: float
    """Share of the Monte Carlo draws in which it comes first."""
    interval: Interval
    """5–95% range of the posterior over the Monte Carlo draws."""
    posterior_if_independent: float
    """The posterior if every item of evidence counted as independent."""
    posterior_without_deceptive: float | SkipJsonSchema[None] = _optional()
    """The posterior without the evidence that may be deception; only when there is some."""


class GroupScores(_Part):
    """A group of hypotheses: the weighing of its members taken together."""

    id: str
    """The group's id."""
    title: str
    """Its title."""
    children: list[str]
    """The ids of its members."""
    posterior: float
    """Probability after the evidence that one of its members is true."""
    estimate: str
    """Its 5–95% interval in ICD 203 words, as the confidence allows."""
    p_top: float
    """Share of the Monte Carlo draws in which one of its members comes first."""
    interval: Interval
    """5–95% range of the posterior over the Monte Carlo draws."""


class EvidenceScores(_Part):
    """An item of evidence: how much it tells the hypotheses apart."""

    id: str
    """The evidence's id."""
    diagnosticity: float
    """Spread of its weighted ratings across the hypotheses (PARC)."""
    linchpin: bool
    """Whether taking it away changes which hypothesis comes first."""
    likelihood_diagnosticity: float
    """Spread of its likelihoods across the hypotheses."""


class RatingChange(_Part):
    """One single-step change of one rating."""

    evidence: str
    """The evidence id of the cell."""
    hypothesis: str
    """The hypothesis id of the cell."""
    before: str
    """The rating as the case has it."""
    after: str
    """The rating after the change."""


class Confidence(_Part):
    """How far the conclusion can be trusted, and why."""

    level: Literal["low", "moderate", "high"]
    """low, moderate or high."""
    reasons: list[str]
    """What lowers (or supports) the confidence, in words."""


class SharedTop(_Part):
    """A leaf level with the headline's at the top."""

    id: str
    """The hypothesis's id."""
    title: str
    """Its title."""
    words: str
    """Its 5–95% interval in ICD 203 words, as the confidence allows."""
    range: str
    """The interval as printed."""


class Headline(_Part):
    """The most specific hypothesis the evidence supports: a group while its children
    cannot be told apart, a leaf only when it stands apart (docs/weighing.md)."""

    id: str
    """The hypothesis's (or group's) id."""
    title: str
    """Its title."""
    level: Literal["group", "hypothesis"]
    """Whether the headline names a group of hypotheses or a single one."""
    words: str
    """Its 5–95% interval in ICD 203 words, as the confidence allows."""
    range: str
    """The interval as printed: rounded outwards, whole percent (5 points with low
    confidence)."""
    posterior: float
    """Its posterior probability."""
    interval: Interval
    """5–95% range of the posterior over the Monte Carlo draws."""
    p_top: float
    """Share of the draws in which it is (or holds) the top."""
    separable: bool
    """false when even at the top level it cannot be told apart from its rivals."""
    leader: str | None
    """For a group: its child on top (highest posterior, then P(top)); else null."""
    shared: list[SharedTop]
    """The leaves level with it (or, for a group, with its leader) at the top: they share the
    top; empty when one leads."""
    rivals: list[str]
    """What it (or, for a group, its leader) cannot be told apart from: leaves only when
    nothing stands apart at the top level."""
    why: str
    """Why this level, in one sentence."""
    together: str
    """When nothing stands apart: what each top-level group that holds more than the leading
    leaf holds taken together, in words (a group is not ranked among leaves); else empty."""


class OrderDisagreement(_Part):
    """A pair of hypotheses that PARC's rank and the posterior order differently."""

    parc_first: str
    """The hypothesis with the better PARC rank."""
    posterior_first: str
    """The hypothesis with the higher posterior."""
    reasons: list[Literal["prior", "consistent", "dependence", "reliability", "weighting", "scale"]]
    """What tips the weighing, largest first."""
    because: list[str]
    """The reasons in words."""
    sentence: str
    """The disagreement and its reasons in one sentence."""


class AlternativeChange(_Part):
    """Another small set of one-step re-ratings that would put another hypothesis first."""

    changes: list[RatingChange]
    """The changes, each cell moved one step."""
    challenger: str
    """The hypothesis that would come first (or draw level)."""
    summary: str
    """The set in one sentence."""


class Sensitivity(_Part):
    """The smallest set of plausible re-ratings (each cell moved one step at most) that
    would put another hypothesis first."""

    changes: list[RatingChange] | None
    """The changes, or null when no small change does it."""
    challenger: str | None
    """The hypothesis that would come first, or null."""
    summary: str
    """The finding in one sentence."""
    alternatives: list[AlternativeChange]
    """The next smallest sets (up to two), each avoiding a move of the ones before."""


class RankedHypothesis(_Part):
    """A leaf hypothesis's posterior under a scenario."""

    id: str
    """The hypothesis's id."""
    posterior: float
    """Its probability under the scenario."""


class ScenarioScores(_Part):
    """A scenario: a systematic reinterpretation of the evidence, and the ranking under it."""

    id: str
    """The scenario's id (generated ones hold a ':' or are argmap's own names)."""
    title: str
    """What it supposes."""
    description: str | None
    """What it changes, in words."""
    generated: bool
    """true for scenarios argmap makes, false for the case's own."""
    leader: list[str]
    """The hypotheses on top under the scenario (several on a tie)."""
    survives: bool
    """Whether the same hypotheses lead as in the case as it stands."""
    removed: int = Field(ge=0)
    """How many evidence items it leaves out."""
    changed: int = Field(ge=0)
    """How many cells it gives another rating."""
    ranking: list[RankedHypothesis]
    """The leaves by posterior under the scenario, highest first."""


class AssumptionScores(_Part):
    """A key assumption (Heuer): what would show it false, and the ranking if it fails."""

    id: str
    """The id of the assumption (an evidence item or an assumed statement)."""
    text: str
    """Its summary or text."""
    breaks_if: str | None
    """What would show it false, as the case says."""
    items: list[str]
    """Evidence items that fall with it."""
    arguments: list[str]
    """Arguments that rest on it, directly or through others."""
    scenario: ScenarioScores
    """The weighing without it and what rests on it."""


class MonteCarlo(_Part):
    """The Monte Carlo run behind the intervals and P(top)."""

    draws: int = Field(ge=1)
    """How many draws were made."""
    seed: int
    """The seed of the random numbers, so that a run can be repeated."""
    what: str
    """What the run is: noise on single cells, not a test of the reading."""


class Assessment(_Part):
    """Computed by argmap from the case part (as `argmap score --format json` prints it);
    ignored on import."""

    hypotheses: list[HypothesisScores]
    """Leaf hypotheses in rank order."""
    groups: list[GroupScores]
    """Groups of hypotheses, in case order."""
    evidence: list[EvidenceScores]
    """Evidence, most diagnostic first."""
    top: list[str]
    """The ids of the hypotheses that come first (several on a tie)."""
    confidence: Confidence
    """How far the conclusion can be trusted."""
    sensitivity: Sensitivity
    """What it would take to change the conclusion."""
    monte_carlo: MonteCarlo
    """The Monte Carlo run."""
    scenarios: list[ScenarioScores]
    """The case's own scenarios, then argmap's generated ones."""
    scenarios_not_tried: dict[str, int]
    """Per kind of generated scenario (originators, sources, assumptions): how many were left
    out beyond the ten weightiest."""
    assumptions: list[AssumptionScores]
    """Every assumption with what would break it and the ranking without it."""
    caveats: list[str]
    """What the reader should keep in mind, in words."""
    headline: Headline | None
    """The most specific hypothesis the evidence supports (null without hypotheses)."""
    order_disagreements: list[OrderDisagreement]
    """Each pair that PARC's rank and the posterior order differently, with the reason."""


class JsonDocument(_Part):
    """An argmap JSON document: the case as its files state it, with its computed scores."""

    argmap_json: Literal[1]
    """Version of this format."""
    generator: str | SkipJsonSchema[None] = _optional()
    """The argmap that wrote it."""
    digest: str | SkipJsonSchema[None] = _optional()
    """SHA-256 of the case's input files when exported."""
    case: JsonCase
    """The case as its files state it; import reads this part."""
    quotes: dict[str, QuoteSpan] = Field(default_factory=dict)
    """Evidence id → where its quote stands; ignored on import."""
    assessment: Assessment | SkipJsonSchema[None] = _optional()
    """The scores, as `argmap score --format json` prints them; ignored on import."""


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an argmap JSON document, version 1."""
    describe_fields(JsonDocument)
    schema = JsonDocument.model_json_schema()
    schema["title"] = f"argmap JSON document, version {FORMAT_VERSION}"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


# --- import ------------------------------------------------------------------------------


def _fail(path: Path, line: int, node: str, message: str, hint: str = "") -> CaseError:
    return CaseError([Problem("error", path, line, node, message, hint)])


def _line_of(text: str, node: str) -> int:
    """The line where ``node`` (``case.evidence[alarm].ratings.arson``) appears, roughly.

    The JSON parser keeps no positions; walking the node's keys and ids through the text
    finds the line in documents written by argmap and in most written by hand.
    """
    position = 0
    for part in re.findall(r"[^.\[\]]+|\[[^\]]*\]", node):
        if part.startswith("["):
            key = part[1:-1]
            if key.isdigit():
                continue
            pattern = r'"id"\s*:\s*' + re.escape(json.dumps(key))
        else:
            pattern = re.escape(json.dumps(part)) + r"\s*:"
        found = re.compile(pattern).search(text, position)
        if found is None:
            break
        position = found.start()
    return text.count("\n", 0, position) + 1


def _node_name(data: Any, loc: Sequence[str | int]) -> str:
    """A readable node path: items named by their id where they have one."""
    name = "case"
    for part in loc:
        if isinstance(part, int):
            item = data[part] if isinstance(data, list) and part < len(data) else None
            ident = item.get("id") if isinstance(item, dict) else None
            name += f"[{ident if isinstance(ident, str) and ident else part}]"
            data = item
        else:
            name += f".{part}"
            data = data.get(part) if isinstance(data, dict) else None
    return name


def _read(path: Path) -> tuple[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ArgmapError(f"cannot read {display_path(path)}: {err.strerror}") from None
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise _fail(path, line, "", "not UTF-8 text", "save the file as UTF-8") from None
    try:
        return text, jsontext.loads(text)
    except json.JSONDecodeError as err:
        raise _fail(
            path, err.lineno, "", f"not valid JSON: {err.msg} (column {err.colno})", ""
        ) from None
    except jsontext.LongNumber as err:
        raise _fail(
            path,
            err.line,
            "",
            f"a whole number of {err.digits:,} digits, more than the {err.limit:,} argmap reads",
            "no number in an argmap document is that long: write it with fewer digits",
        ) from None
    except RecursionError:
        raise _fail(path, 1, "", "not valid JSON: nested too deeply", "") from None


def _validated(path: Path, text: str, data: Any) -> JsonCase:
    if not isinstance(data, dict) or "argmap_json" not in data:
        raise _fail(
            path,
            1,
            "",
            "not an argmap JSON document (no 'argmap_json' key at the top)",
            "export one with `argmap export json CASE -o FILE.json`",
        )
    version = data["argmap_json"]
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise _fail(
            path,
            _line_of(text, "argmap_json"),
            "argmap_json",
            f"unsupported version {json.dumps(version)}",
            f"this argmap reads version {FORMAT_VERSION}",
        )
    part = data.get("case")
    if not isinstance(part, dict):
        raise _fail(
            path,
            _line_of(text, "case"),
            "case",
            "missing or not an object",
            "the document needs the case's model under 'case'",
        )
    _check_characters(path, text, part)
    try:
        return JsonCase.model_validate(part)
    except ValidationError as err:
        problems = []
        for error in err.errors():
            loc = tuple(p for p in error["loc"] if p != "[key]")
            node = _node_name(part, loc)
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = f"unknown key '{loc[-1]}'"
            problems.append(Problem("error", path, _line_of(text, node), node, message, ""))
        raise CaseError(problems) from None


_UNSAFE_PATH = re.compile(r"[\x00-\x1f\x7f\\]")
SOURCES = "evidence/sources"
"""Where an imported document's source texts go: nowhere else in the new case (not beside
the case files, not into evidence/ratings/, where a file would be read as an analyst's)."""
MAX_PATH = 255
"""Longest path of a source text under SOURCES, in UTF-8 bytes."""
MAX_NAME = 100
"""Longest folder or file name in that path, in UTF-8 bytes (file systems allow 255)."""


def _text_path_problem(file: str) -> str | None:
    """Why a source's ``file:`` cannot be where the new case keeps its text, or None.

    Source files are relative to the evidence file: ``sources/report.txt``.

    >>> _text_path_problem("sources/2022/report.txt") is None
    True
    >>> print(_text_path_problem("ratings/evil.yaml"))
    is outside sources/, where an imported source's text goes
    """
    if not file.strip():
        return "is empty"
    if _UNSAFE_PATH.search(file):
        return "holds a control character or a backslash"
    if file.startswith("/"):
        return "is an absolute path"
    relative = posixpath.normpath(posixpath.join("evidence", file))
    if not relative.startswith(SOURCES + "/"):
        return "is outside sources/, where an imported source's text goes"
    inside = relative.removeprefix(SOURCES + "/")
    if len(inside.encode("utf-8")) > MAX_PATH:
        return f"is longer than {MAX_PATH} bytes"
    if any(len(part.encode("utf-8")) > MAX_NAME for part in inside.split("/")):
        return f"has a folder or file name longer than {MAX_NAME} bytes"
    return None


def _check_text_paths(path: Path, text: str, sources: Sequence[JsonSource]) -> None:
    """Refuse a source whose text would land outside the new case's evidence/sources/."""
    problems = []
    for s in sources:
        if s.text is None or s.file is None:
            continue
        problem = _text_path_problem(s.file)
        if problem is not None:
            node = f"case.sources[{s.id}].file"
            shown = s.file if len(s.file) <= 80 else s.file[:40] + "…" + s.file[-40:]
            problems.append(
                Problem(
                    "error",
                    path,
                    _line_of(text, node),
                    node,
                    f"{shown!r} {problem}",
                    "an imported source's text goes under the new case's evidence/sources/, "
                    f"by a path relative to the evidence file of at most {MAX_PATH} bytes: "
                    f"e.g. sources/{s.id[:40]}.txt",
                )
            )
    if problems:
        raise CaseError(problems)


def _fresh_name(source_id: str, number: int) -> str:
    stem = source_id[: MAX_NAME - 16]  # ids are ASCII slugs; room left for '-NN.txt'
    return f"{SOURCES}/{stem}.txt" if number == 1 else f"{SOURCES}/{stem}-{number}.txt"


def _text_paths(sources: Sequence[JsonSource]) -> dict[str, str]:
    """Source id → case-relative path of its text, each path unique (paths were checked)."""
    taken: dict[str, str | None] = {HYPOTHESES_FILE: None, EVIDENCE_FILE: None}
    chosen: dict[str, str] = {}
    fresh: list[JsonSource] = []
    for s in sources:
        if s.text is None:
            continue
        path = posixpath.normpath(posixpath.join("evidence", s.file)) if s.file else None
        # Two sources may share one file, when they share its text.
        key = unicodedata.normalize("NFC", path).casefold() if path else None
        if path is None or (key in taken and taken[key] != s.text):
            fresh.append(s)
            continue
        taken[key] = s.text  # type: ignore[index]
        chosen[s.id] = path
    for s in fresh:
        number = 1
        candidate = _fresh_name(s.id, number)
        while candidate.casefold() in taken:
            number += 1
            candidate = _fresh_name(s.id, number)
        taken[candidate.casefold()] = s.text
        chosen[s.id] = candidate
    return chosen


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_characters(path: Path, text: str, part: dict[str, Any]) -> None:
    """Refuse text that no file can hold: a lone surrogate (JSON's ``"\\ud800"``) is half of
    a character, and writing it as UTF-8 fails."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), part)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if _LONE_SURROGATE.search(key):
                    break
                stack.append(((*loc, key), item))
            else:
                continue
        elif isinstance(value, list):
            stack.extend(((*loc, index), item) for index, item in enumerate(value))
            continue
        elif not (isinstance(value, str) and _LONE_SURROGATE.search(value)):
            continue
        node = _node_name(part, loc)
        raise _fail(
            path,
            _line_of(text, node),
            node,
            "holds a lone surrogate (a \\uD800–\\uDFFF escape without its other half), which "
            "is not a character",
            "remove the escape, or write the character itself",
        )


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_defaults=True)


def _files(path: Path, text: str, case: JsonCase) -> dict[str, str]:
    from ..casewriter import dump_yaml

    for s in case.sources:
        if s.file is not None and s.text is None:
            node = f"case.sources[{s.id}].text"
            raise _fail(
                path,
                _line_of(text, node),
                node,
                "the source names a file but its text is missing",
                "export the case again: every source's text travels in the document",
            )
    _check_text_paths(path, text, case.sources)
    text_paths = _text_paths(case.sources)
    hypotheses: dict[str, Any] = {"title": case.title, "question": case.question}
    if case.notes is not None:
        hypotheses["notes"] = case.notes
    hypotheses["format"] = "1"
    for key in CASE_SETTINGS:
        value = getattr(case, key, None)
        if isinstance(value, BaseModel):
            hypotheses[key] = _dump(value)
    for key in ("hypotheses", "statements", "arguments", "scenarios"):
        if items := getattr(case, key):
            hypotheses[key] = [_dump(item) for item in items]
    sources = []
    for s in case.sources:
        entry = _dump(s)
        entry.pop("text", None)
        if s.id in text_paths:
            entry["file"] = posixpath.relpath(text_paths[s.id], "evidence")
        sources.append(entry)
    evidence: dict[str, Any] = {}
    if sources:
        evidence["sources"] = sources
    if case.originators:
        evidence["originators"] = [_dump(o) for o in case.originators]
    if case.evidence:
        evidence["evidence"] = [_dump(e) for e in case.evidence]
    note = f"Imported by argmap {__version__} from {path.name}."
    files = {
        HYPOTHESES_FILE: dump_yaml(hypotheses, note),
        EVIDENCE_FILE: dump_yaml(evidence, note),
    }
    for s in case.sources:
        if s.id in text_paths:
            files[text_paths[s.id]] = s.text or ""
    return files


def _check_loads(path: Path, text: str, files: Mapping[str, str]) -> None:
    """Load the case the files make, and name the JSON node of every error it has."""
    from ..casewriter import load_errors

    problems = []
    for p in load_errors(files):
        node = f"case.{p.field}" if p.field else "case"
        problems.append(Problem("error", path, _line_of(text, node), node, p.message, p.hint))
    if problems:
        raise CaseError(problems)


def to_case_files(path: Path) -> dict[str, str]:
    """The files of a new case folder from an argmap JSON document.

    Raises :class:`CaseError` naming the JSON node (and its line) of every problem.
    """
    text, data = _read(path)
    case = _validated(path, text, data)
    files = _files(path, text, case)
    _check_loads(path, text, files)
    return files
