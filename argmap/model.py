"""The case model: what an analyst writes in a case folder, validated.

The file models (:class:`HypothesesFile`, :class:`EvidenceFile`) are the public
contract of the case format; their field docstrings become the JSON Schema
descriptions editors show. :class:`Case` is the merged, cross-checked whole that
scoring and rendering work on.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, cached_property
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .rules import rule_error
from .text import SLUG_PATTERN
from .vocabulary import CASE_CODES, DEFAULT_LIKELIHOODS, VOCABULARY, Rating, ScaleRating, or_list

__all__ = [
    "CASE_KEYS",
    "DEFAULT_LIKELIHOODS",
    "RATINGS",
    "RATINGS_FOLDER",
    "RATING_NAMES",
    "RELIABILITY_NAMES",
    "SLUG_PATTERN",
    "STANDARDS",
    "STANDARD_NAMES",
    "Argument",
    "Case",
    "EvaluationSettings",
    "DEFAULT_RELIABILITY",
    "Evidence",
    "EvidenceFile",
    "EvidenceKind",
    "HypothesesFile",
    "Hypothesis",
    "IsoDate",
    "Level",
    "Originator",
    "QuoteSpan",
    "Rating",
    "Scenario",
    "ScenarioChange",
    "ScenarioItems",
    "Scoring",
    "Slug",
    "Source",
    "Standard",
    "Statement",
    "Text",
    "Weighing",
    "describe_fields",
    "is_catch_all",
]

RATINGS: tuple[str, ...] = CASE_CODES
"""The codes of a case file's ratings, from :mod:`argmap.vocabulary`."""
RATING_NAMES: dict[str, str] = {r.code: r.name for r in VOCABULARY.in_case}

Level = Literal["high", "medium", "low"]
Standard = Literal["scintilla", "preponderance", "clear-and-convincing", "beyond-reasonable-doubt"]
"""Proof standards, weakest first (Carneades): see docs/evaluation.md."""
STANDARDS: tuple[Standard, ...] = (
    "scintilla",
    "preponderance",
    "clear-and-convincing",
    "beyond-reasonable-doubt",
)
STANDARD_NAMES: dict[str, str] = {
    "scintilla": "scintilla of evidence",
    "preponderance": "preponderance of the evidence",
    "clear-and-convincing": "clear and convincing evidence",
    "beyond-reasonable-doubt": "beyond reasonable doubt",
}
Weighing = Literal["linked", "convergent", "cumulative", "factorized"]
"""How an argument's premises combine into its weight (Carneades' weighing functions)."""
EvidenceKind = Literal["fact", "claim", "assumption", "absence"]
Reliability = Literal["A", "B", "C", "D", "E", "F"]
DEFAULT_RELIABILITY: dict[str, float] = {
    "A": 1.0,
    "B": 0.9,
    "C": 0.75,
    "D": 0.5,
    "E": 0.25,
    "F": 0.6,
}
"""Admiralty grade → factor on the likelihoods' weight (F: cannot be judged, not unreliable)."""
RELIABILITY_NAMES: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}


def _not_blank(value: str) -> str:
    if not value.strip():
        raise rule_error("blank")
    return value


_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}([T ].+)?)?)?$")


def _iso_date(value: str) -> str:
    if not _ISO_DATE.match(value):
        raise rule_error("date_format", value=value)
    try:
        if len(value) == 4:
            date(int(value), 1, 1)
        elif len(value) == 7:
            date(int(value[:4]), int(value[5:7]), 1)
        elif len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value)
    except ValueError as err:
        raise rule_error("date_invalid", value=value, reason=str(err)) from None
    return value


def _probability(value: Any) -> Any:
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return float(value.strip()[:-1]) / 100
        except ValueError:
            return value
    return value


Text = Annotated[str, AfterValidator(_not_blank)]
Probability = Annotated[float, BeforeValidator(_probability), Field(gt=0, le=1)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
IsoDate = Annotated[str, AfterValidator(_iso_date)]
Weight = Annotated[float, BeforeValidator(_probability), Field(ge=0, le=1)]


class _Strict(BaseModel):
    # defer_build: a model's validator is built when it first validates, so a command builds
    # those of the files it reads (the item models inside them come with them), not all.
    # The docstring under each field is its description in JSON Schema: describe_fields()
    # reads them when a schema is wanted (pydantic's use_attribute_docstrings would read the
    # source of every model at every start).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_absent(cls, data: Any) -> Any:
        # An empty YAML value (`key:`) reads as None: absent for optional keys,
        # and left in place for required ones so the error says it is empty.
        if isinstance(data, dict) and None in data.values():
            fields = cls.model_fields
            return {
                key: value
                for key, value in data.items()
                if value is not None or key not in fields or fields[key].is_required()
            }
        return data


def describe_fields(model: type[BaseModel]) -> None:
    """Give every field of ``model``, and of the models inside it, the docstring written under
    it as its description (where the code gives none), as JSON Schema shows it.

    A field's docstring is the one under it in the first class of the model's ancestry that
    declares it (a subclass that declares a field again documents it again); models inside
    others are described and rebuilt first, so that those holding them take their schemas.
    """
    order: list[type[BaseModel]] = []
    _models_within(model, order, set())
    for cls in order:
        if cls in _DESCRIBED:
            continue
        for name, info in cls.model_fields.items():
            if info.description is None:
                owner = next(k for k in cls.__mro__ if name in vars(k).get("__annotations__", {}))
                info.description = _attribute_docstrings(owner).get(name)
        cls.model_rebuild(force=True)
        _DESCRIBED.add(cls)


_DESCRIBED: set[type[BaseModel]] = set()


def _models_within(annotation: Any, order: list[type[BaseModel]], seen: set[type]) -> None:
    """The models ``annotation`` holds into ``order``, those inside each before it, each once."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in seen:
            seen.add(annotation)
            for info in annotation.model_fields.values():
                _models_within(info.annotation, order, seen)
            order.append(annotation)
        return
    for argument in get_args(annotation):
        _models_within(argument, order, seen)


@cache
def _attribute_docstrings(cls: type) -> dict[str, str]:
    """Attribute name → the string literal right after its annotated assignment in the body of
    ``cls`` (a class at the top of its module), cleaned like a docstring: pydantic's rule."""
    import ast
    import inspect

    found = [
        node
        for node in ast.parse(inspect.getsource(sys.modules[cls.__module__])).body
        if isinstance(node, ast.ClassDef) and node.name == cls.__qualname__
    ]
    docs: dict[str, str] = {}
    previous: ast.stmt | None = None
    for statement in found[0].body if found else []:
        if (
            isinstance(previous, ast.AnnAssign)
            and isinstance(previous.target, ast.Name)
            and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            docs[previous.target.id] = inspect.cleandoc(statement.value.value)
        previous = statement
    return docs


class Hypothesis(_Strict):
    """A competing explanation. Leaves are rated; a parent groups its children."""

    id: Slug
    """Unique slug (`[a-z0-9][a-z0-9-]*`) across the whole case."""
    title: Text
    """Short name shown in the matrix header and diagrams."""
    statement: Text
    """The hypothesis as one full sentence: what would be true."""
    description: Text | None = None
    """Longer explanation, scope, what it excludes."""
    tags: tuple[Text, ...] = ()
    """Free labels for filtering."""
    indicators: tuple[Text, ...] = ()
    """Future events or findings that would confirm or refute this hypothesis."""
    parent: Slug | None = None
    """Id of the hypothesis this one refines; only leaves are rated."""
    prior: Probability | None = None
    """Prior probability, 0–1 or a percentage ('25%'); unset priors share what is left."""
    standard: Standard | None = None
    """Proof standard the argument map must meet to establish it (default: the case's)."""


class Statement(_Strict):
    """A free-standing claim used in the argument map."""

    id: Slug
    """Unique slug across the whole case."""
    text: Text
    """The claim in one sentence."""
    contrary: tuple[Slug, ...] = ()
    """Statements that cannot both be true with this one (both may be false)."""
    contradicts: tuple[Slug, ...] = ()
    """Statements that are the negation of this one (exactly one is true)."""
    assumed: bool = False
    """true: taken as given, in unless an argument attacking it is in; false: in only when
    its arguments establish it."""
    standard: Standard | None = None
    """Proof standard its arguments must meet to establish it (default: the case's)."""
    breaks_if: Text | None = None
    """For an assumed statement: what would show it false (the key assumptions check)."""


class Argument(_Strict):
    """An inference from premises to a claim that supports, attacks or undercuts a target."""

    id: Slug
    """Unique slug across the whole case."""
    claim: Text
    """The conclusion in words."""
    premises: tuple[Slug, ...] = ()
    """Ids of evidence items, statements or arguments the inference starts from."""
    supports: Slug | None = None
    """Id of the hypothesis, statement, evidence item or argument this argument supports."""
    attacks: Slug | None = None
    """Id of the hypothesis, statement, evidence item or argument this argument attacks."""
    undercuts: Slug | None = None
    """Id of the argument whose inference this argument undercuts."""
    rationale: Text | None = None
    """Why the inference holds, and where it is weak."""
    weight: Weight | None = None
    """How strongly the premises, when they hold, bear on the target: 0–1 (default: the
    weakest evidence premise's credibility, high 1, medium 0.71, low 0.5; else 1)."""
    weighing: Weighing = "linked"
    """How the premises combine: linked (all must hold), convergent (one suffices),
    cumulative (each adds its share) or factorized (share of all premises on the question)."""
    scheme: Text | None = None
    """The argumentation scheme it instantiates, for the reader (e.g. expert opinion)."""

    @model_validator(mode="after")
    def _one_relation(self) -> Argument:
        given = [name for name in ("supports", "attacks", "undercuts") if getattr(self, name)]
        if len(given) != 1:
            found = " and ".join(given) if given else "none"
            raise rule_error("one_relation", found=found)
        return self

    @property
    def relation(self) -> Literal["supports", "attacks", "undercuts"]:
        """Which of the three relations this argument has."""
        if self.supports:
            return "supports"
        return "attacks" if self.attacks else "undercuts"

    @property
    def target(self) -> str:
        """The id this argument supports, attacks or undercuts."""
        return self.supports or self.attacks or self.undercuts or ""


class Source(_Strict):
    """A document evidence is quoted from."""

    id: Slug
    """Unique slug across the whole case."""
    title: Text
    """The document's title."""
    author: Text | None = None
    """Who wrote the document, if it says."""
    published: IsoDate | None = None
    """Publication date (ISO 8601), if known."""
    url: Text | None = None
    """Where the document was found."""
    reliability: Reliability | None = None
    """Admiralty source reliability: A completely reliable … E unreliable, F cannot be judged."""
    file: Text | None = None
    """UTF-8 text of the document, relative to this YAML file, inside the case folder."""


class Originator(_Strict):
    """Who information comes from (a person, an office), graded like a source."""

    id: Slug
    """Unique among the case's originators; an item's `originator:` may name it by id or name."""
    name: Text
    """The originator as items name them (matched exactly, like the id)."""
    reliability: Reliability | None = None
    """Admiralty reliability of the originator: A completely reliable … F cannot be judged;
    it tempers the likelihoods of the items it originates (unset: weighs like the source)."""
    interest: Text | None = None
    """What the originator stands to gain from being believed: their claims are then set to N
    in the generated scenario 'claims of interested parties as neutral'."""


class Evidence(_Strict):
    """An item of evidence, quoted from a source and rated against each leaf hypothesis."""

    id: Slug
    """Unique slug across the whole case."""
    summary: Text
    """The point of the item in one line."""
    kind: EvidenceKind = "fact"
    """fact, claim (someone says so), assumption (a judgement) or absence (of the expected)."""
    source: Slug | None = None
    """Id of the source quoted; required with `quote` unless the kind is assumption."""
    quote: Text | None = None
    """A verbatim, contiguous passage of the source that carries the point."""
    originator: Text | None = None
    """Who the information comes from (a named official, say), as distinct from the document;
    free text, matched to an entry of `originators:` by id or name; several originators are
    separated by ';' (the weakest grade applies)."""
    credibility: Level = "medium"
    """How far the item is to be believed: high, medium or low."""
    relevance: Level = "medium"
    """How much the item bears on the question: high, medium or low."""
    date: IsoDate | None = None
    """When the reported event happened (ISO 8601)."""
    tags: tuple[Text, ...] = ()
    """Free labels for filtering."""
    # Described in code rather than a docstring: the schema lists the vocabulary's codes.
    ratings: dict[Slug, Rating] = Field(
        default_factory=dict, description=f"Leaf hypothesis id → {or_list(CASE_CODES)}."
    )
    rationale: dict[Slug, Text] = Field(default_factory=dict)
    """Leaf hypothesis id → why the rating is what it is."""
    group: Text | None = None
    """Label shared by items that are not independent confirmations (one report retold, say)."""
    deceptive: Literal["no", "suspected"] = "no"
    """'suspected' when the item may be planted or misleading: results show with and without it."""
    rests_on: tuple[Slug, ...] = ()
    """Ids of the assumptions (items of kind assumption, statements with `assumed: true`) this
    item holds only if: the scenario without an assumption removes it too."""
    breaks_if: Text | None = None
    """For an assumption: what would show it false (the key assumptions check)."""

    @model_validator(mode="after")
    def _quote_with_source(self) -> Evidence:
        if (self.source is None) != (self.quote is None):
            missing = "quote" if self.quote is None else "source"
            raise rule_error("quote_without_source", missing=missing)
        if self.source is None and self.kind != "assumption":
            article = "an" if self.kind == "absence" else "a"
            raise rule_error("needs_source", kind=f"{article} {self.kind}")
        return self


class Scoring(_Strict):
    """How ratings become probabilities (case key `scoring:`)."""

    # Described in code rather than a docstring: the defaults come from the vocabulary.
    likelihoods: dict[ScaleRating, Probability] = Field(
        default_factory=dict,
        description="P(E|H) per rating; unset ones keep the defaults "
        + ", ".join(f"{code} {p:g}" for code, p in DEFAULT_LIKELIHOODS.items())
        + ".",
    )
    draws: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    """Monte Carlo draws (default 2,000)."""
    seed: Annotated[int, Field(ge=0)] | None = None
    """Monte Carlo seed, so the same case gives the same numbers."""
    # Described in code rather than a docstring: the defaults are a table.
    reliability: dict[Reliability, Weight] = Field(
        default_factory=dict,
        description="Admiralty reliability grade → factor tempering the likelihoods of items "
        "from sources or originators of that grade (0–1); unset grades keep the defaults "
        + ", ".join(f"{grade} {factor:g}" for grade, factor in DEFAULT_RELIABILITY.items())
        + ".",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Scoring:
        merged = self.merged_likelihoods()
        descending = [r.code for r in reversed(VOCABULARY.scale)]
        values = [merged[code] for code in descending]
        if any(a < b for a, b in zip(values, values[1:], strict=False)):
            raise rule_error(
                "likelihoods_increase",
                first=descending[0],
                last=descending[-1],
                merged=", ".join(f"{r} {merged[r]:g}" for r in merged),
            )
        return self

    def merged_reliability(self) -> dict[str, float]:
        merged = dict(DEFAULT_RELIABILITY)
        merged.update({str(grade): value for grade, value in self.reliability.items()})
        return merged

    def merged_likelihoods(self) -> dict[str, float]:
        merged = dict(DEFAULT_LIKELIHOODS)
        merged.update({str(rating): value for rating, value in self.likelihoods.items()})
        return merged


class EvaluationSettings(_Strict):
    """How the argument map is evaluated (case key `evaluation:`); see docs/evaluation.md."""

    standard: Standard = "preponderance"
    """Proof standard for statements and hypotheses that name none."""
    min_pro: Weight = 0.5
    """Clear and convincing: the best argument for must weigh more than this."""
    min_gap: Weight = 0.5
    """Clear and convincing: and outweigh the best argument against by more than this."""
    max_con: Weight = 0.3
    """Beyond reasonable doubt: and the best argument against must weigh less than this."""


class ScenarioItems(_Strict):
    """Which evidence items a scenario's change applies to: every condition given must hold."""

    ids: tuple[Slug, ...] = ()
    """These evidence items (any of them)."""
    kind: EvidenceKind | None = None
    """Items of this kind: fact, claim, assumption or absence."""
    originator: Text | None = None
    """Items from this originator (an `originators:` id or name, or the text items give),
    alone or among several."""
    source: Slug | None = None
    """Items quoted from this source."""
    tag: Text | None = None
    """Items with this tag."""

    def matches(self, case: Case, item: Evidence) -> bool:
        """Whether ``item`` of ``case`` meets every condition given."""
        if self.ids and item.id not in self.ids:
            return False
        if self.kind is not None and item.kind != self.kind:
            return False
        if self.source is not None and item.source != self.source:
            return False
        if self.tag is not None and self.tag not in item.tags:
            return False
        if self.originator is not None:
            named = {o.id for o in case.originators_of(item)}
            named |= {o.name for o in case.originators_of(item)}
            if self.originator not in named | set(case.originator_names(item)):
                return False
        return True

    @model_validator(mode="after")
    def _some_condition(self) -> ScenarioItems:
        if not (self.ids or self.kind or self.originator or self.source or self.tag):
            raise rule_error("scenario_items_empty")
        return self


class ScenarioChange(_Strict):
    """One change a scenario makes: rate the selected items, or remove them."""

    items: ScenarioItems
    """Which items: ids, kind, originator, source, tag (all that are given must hold)."""
    rate: ScaleRating | None = None
    """Every cell of the selected items takes this rating (N: they count for nothing)."""
    ratings: dict[Slug, ScaleRating] = Field(default_factory=dict)
    """Leaf hypothesis id → the rating the selected items take against it."""
    remove: bool = False
    """true: the selected items are left out of the weighing."""

    @model_validator(mode="after")
    def _one_action(self) -> ScenarioChange:
        actions = (("rate", self.rate), ("ratings", self.ratings), ("remove", self.remove))
        given = [name for name, value in actions if value]
        if len(given) != 1:
            raise rule_error("scenario_action", found=" and ".join(given) if given else "none")
        return self


class Scenario(_Strict):
    """A named, systematic reinterpretation of the evidence: what if it were read this way?"""

    id: Slug
    """Unique among the case's scenarios."""
    title: Text
    """What the scenario supposes, in a few words (shown in the scenario table)."""
    description: Text | None = None
    """Why the reinterpretation is worth weighing."""
    changes: tuple[ScenarioChange, ...]
    """The changes, applied in order (a later one wins on the same cell)."""

    @model_validator(mode="after")
    def _some_change(self) -> Scenario:
        if not self.changes:
            raise rule_error("scenario_without_changes")
        return self


class HypothesesFile(_Strict):
    """A file under `hypotheses/`. Exactly one such file carries the case keys."""

    title: Text | None = None
    """The case's title (case key)."""
    question: Text | None = None
    """The question the hypotheses answer (case key)."""
    notes: Text | None = None
    """The analyst's notes on the case: conclusion, what it hinges on, confidence (case key)."""
    format: Literal["1"] | None = None
    """Version of the case format; only 1 exists (case key)."""
    scoring: Scoring | None = None
    """How ratings become probabilities (case key)."""
    evaluation: EvaluationSettings | None = None
    """Proof standard and thresholds for evaluating the argument map (case key)."""
    hypotheses: tuple[Hypothesis, ...] = ()
    """Competing hypotheses; mutually exclusive leaves, ideally with a catch-all."""
    statements: tuple[Statement, ...] = ()
    """Free-standing claims for the argument map."""
    arguments: tuple[Argument, ...] = ()
    """Inferences that support, attack or undercut."""
    scenarios: tuple[Scenario, ...] = ()
    """Named reinterpretations of the evidence, weighed beside argmap's own
    (`argmap score --scenarios`)."""


class EvidenceFile(_Strict):
    """A file under `evidence/`."""

    sources: tuple[Source, ...] = ()
    """Documents the evidence is quoted from."""
    originators: tuple[Originator, ...] = ()
    """Who the information comes from, graded for reliability and interest."""
    evidence: tuple[Evidence, ...] = ()
    """Evidence items with their ratings."""


CATCH_ALL_IDS = frozenset({"other", "others", "catch-all", "none", "none-of-these"})


def is_catch_all(hypothesis_id: str, tags: tuple[str, ...]) -> bool:
    """A hypothesis standing for 'none of the above': id 'other' or tag 'catch-all'."""
    return hypothesis_id in CATCH_ALL_IDS or "catch-all" in tags


CASE_KEYS = ("title", "question", "notes", "format", "scoring", "evaluation")
RATINGS_FOLDER = "evidence/ratings"
"""Where a case keeps its analysts' ratings files (:mod:`argmap.ratingsfile`)."""


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """Where a quote stands in its source text."""

    source: str
    start: int
    """Offset in code points into the original text."""
    end: int
    """End offset, exclusive."""
    paragraph: int
    """Blank-line-separated block number, from 1 (the title counts)."""


@dataclass(frozen=True)
class Case:
    """A validated case: every reference resolved, every quote located."""

    title: str
    question: str
    notes: str | None
    hypotheses: tuple[Hypothesis, ...]
    statements: tuple[Statement, ...]
    arguments: tuple[Argument, ...]
    sources: tuple[Source, ...]
    evidence: tuple[Evidence, ...]
    scoring: Scoring | None = None
    """The case's `scoring:` settings, if any."""
    evaluation: EvaluationSettings | None = None
    """The case's `evaluation:` settings, if any."""
    originators: tuple[Originator, ...] = ()
    """Every `originators:` entry of the evidence files."""
    scenarios: tuple[Scenario, ...] = ()
    """Every `scenarios:` entry of the hypotheses files."""
    source_texts: dict[str, str] = field(default_factory=dict)
    """Source id → its full text, for sources with a file."""
    quote_spans: dict[str, QuoteSpan] = field(default_factory=dict)
    """Evidence id → where its quote stands."""
    digest: str = ""
    """SHA-256 of the input files (names and bytes), identifying this version of the case."""

    @cached_property
    def hypothesis_by_id(self) -> dict[str, Hypothesis]:
        return {h.id: h for h in self.hypotheses}

    @cached_property
    def children(self) -> dict[str, tuple[str, ...]]:
        """Hypothesis id → ids of its direct children, in file order."""
        result: dict[str, list[str]] = {h.id: [] for h in self.hypotheses}
        for h in self.hypotheses:
            if h.parent is not None:
                result[h.parent].append(h.id)
        return {key: tuple(value) for key, value in result.items()}

    def _walk(self, ids: tuple[str, ...], depth: int) -> Iterator[tuple[Hypothesis, int]]:
        for hid in ids:
            yield self.hypothesis_by_id[hid], depth
            yield from self._walk(self.children[hid], depth + 1)

    @cached_property
    def hypotheses_in_order(self) -> tuple[tuple[Hypothesis, int], ...]:
        """Every hypothesis with its depth, children right after their parent."""
        roots = tuple(h.id for h in self.hypotheses if h.parent is None)
        return tuple(self._walk(roots, 0))

    @cached_property
    def leaves(self) -> tuple[Hypothesis, ...]:
        """The rated hypotheses, children grouped under their parent's position."""
        return tuple(h for h, _ in self.hypotheses_in_order if not self.children[h.id])

    @cached_property
    def groups(self) -> tuple[Hypothesis, ...]:
        """The hypotheses that have children."""
        return tuple(h for h, _ in self.hypotheses_in_order if self.children[h.id])

    @cached_property
    def evidence_by_id(self) -> dict[str, Evidence]:
        return {e.id: e for e in self.evidence}

    @cached_property
    def source_by_id(self) -> dict[str, Source]:
        return {s.id: s for s in self.sources}

    @cached_property
    def _originator_by_key(self) -> dict[str, Originator]:
        keys: dict[str, Originator] = {}
        for o in self.originators:
            keys.setdefault(o.name, o)
        for o in self.originators:  # an id wins over another entry's name
            keys[o.id] = o
        return keys

    def originator_names(self, item: Evidence) -> tuple[str, ...]:
        """The originators an item names: its `originator:` text whole when that is an entry's
        id or name, else each part between ';' (blank parts left out)."""
        text = (item.originator or "").strip()
        if not text:
            return ()
        if text in self._originator_by_key:
            return (text,)
        return tuple(part.strip() for part in text.split(";") if part.strip())

    def originator_named(self, name: str) -> Originator | None:
        """The `originators:` entry with this id or name, if any."""
        return self._originator_by_key.get(name)

    def originators_of(self, item: Evidence) -> tuple[Originator, ...]:
        """The `originators:` entries an item's originator text names, by id or name."""
        found = (self._originator_by_key.get(name) for name in self.originator_names(item))
        return tuple(dict.fromkeys(o for o in found if o is not None))

    def reliability_grades(self, item: Evidence) -> tuple[str, ...]:
        """The Admiralty grades that bear on an item: its graded originators', else its
        source's; empty when none is graded."""
        grades = tuple(o.reliability for o in self.originators_of(item) if o.reliability)
        if grades:
            return grades
        source = self.source_by_id.get(item.source) if item.source else None
        return (source.reliability,) if source and source.reliability else ()

    @cached_property
    def assumptions(self) -> tuple[Evidence | Statement, ...]:
        """Items of kind assumption and statements with `assumed: true`, in file order."""
        return tuple(e for e in self.evidence if e.kind == "assumption") + tuple(
            s for s in self.statements if s.assumed
        )

    def top_of(self, hypothesis_id: str) -> str:
        """The top-level ancestor of a hypothesis (itself when it has no parent)."""
        h = self.hypothesis_by_id[hypothesis_id]
        while h.parent is not None:
            h = self.hypothesis_by_id[h.parent]
        return h.id

    def leaves_under(self, hypothesis_id: str) -> tuple[str, ...]:
        """Ids of the leaves at or below a hypothesis."""
        kids = self.children[hypothesis_id]
        if not kids:
            return (hypothesis_id,)
        return tuple(leaf for kid in kids for leaf in self.leaves_under(kid))
