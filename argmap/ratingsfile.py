"""Analysts' ratings files: `evidence/ratings/*.yaml`, one per analyst and round.

The file model (:class:`RatingsFile`) is the format's contract, like the case files'
models in :mod:`argmap.model`, beside which it stands (the loader reads these files with the
case); :func:`check_ratings` cross-checks the files against the case and returns them as
:class:`AnalystRatings`; the views over rounds are what workshops build on. It imports
nothing heavier than the model, so that loading a case stays fast.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from .model import RATINGS_FOLDER, EvidenceKind, IsoDate, Level, Slug, Text, _Strict
from .problems import Problem
from .rules import problem, rule_error
from .text import Suggestions, first_not_text, slugify
from .vocabulary import CASE_CODES, DONT_KNOW, VOCABULARY, VOTE_CODES, Vote
from .yamlfile import Loc, YamlDocument

__all__ = [
    "DONT_KNOW",
    "RATINGS_FOLDER",
    "VOTES",
    "VOTE_NAMES",
    "AnalystName",
    "AnalystRatings",
    "AnalystView",
    "PROPOSAL_KEYS",
    "Proposal",
    "RatingsFile",
    "Reason",
    "RoundChange",
    "analyst_key",
    "analyst_slug",
    "analyst_views",
    "anonymous_labels",
    "check_ratings",
    "ratings_file_name",
    "round_changes",
]

VOTES: tuple[str, ...] = VOTE_CODES
VOTE_NAMES: dict[str, str] = {r.code: r.name for r in VOCABULARY}
NAME_LIMIT = 80


def _case_text(value: str) -> str:
    # Files read from YAML never get here with such a character (the YAML reader refuses
    # it first, with the same rule); text from elsewhere, such as the workshop server, does.
    bad = first_not_text(value)
    if bad is not None:
        raise rule_error("control_escape", code=f"{ord(bad):04X}")
    return value


def _one_line_name(value: str) -> str:
    if not value.strip():
        raise rule_error("blank")
    _case_text(value)
    if "\n" in value or "\r" in value:
        raise rule_error("analyst_name_lines")
    if len(value.strip()) > NAME_LIMIT:
        raise rule_error("analyst_name_long", limit=NAME_LIMIT)
    return " ".join(value.split())


AnalystName = Annotated[str, AfterValidator(_one_line_name)]
Reason = Annotated[Text, AfterValidator(_case_text)]
"""Why an analyst rated a cell as they did: text a ratings file can hold."""


PROPOSAL_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "evidence": (
        ("source", "quote", "summary"),
        ("kind", "credibility", "relevance", "date", "note"),
    ),
    "hypothesis": (("title", "statement"), ("parent", "note")),
    "vote": (("evidence",), ("credibility", "relevance", "note")),
}
"""Proposal type → the keys it needs and the keys it may have (besides `type`)."""


class Proposal(_Strict):
    """A participant's proposal to the case: a new evidence item quoted from a source, a new
    hypothesis, or a vote on an item's credibility and relevance (advisory). Nothing enters
    the case until the facilitator accepts it (docs/workshops.md)."""

    type: Literal["evidence", "hypothesis", "vote"]
    """What is proposed: `evidence` (source, quote, summary), `hypothesis` (title,
    statement) or `vote` (evidence, with credibility and/or relevance)."""
    source: Slug | None = None
    """Evidence: the id of the source the quote is taken from."""
    quote: Reason | None = None
    """Evidence: the passage, exactly as selected in the source text."""
    summary: Reason | None = None
    """Evidence: what the item says, in one sentence."""
    kind: EvidenceKind | None = None
    """Evidence: fact, claim, assumption or absence (fact when not given)."""
    date: IsoDate | None = None
    """Evidence: when what it reports happened."""
    title: Reason | None = None
    """Hypothesis: a short name."""
    statement: Reason | None = None
    """Hypothesis: what would be true if it holds."""
    parent: Slug | None = None
    """Hypothesis: the id of the group hypothesis it belongs under."""
    evidence: Slug | None = None
    """Vote: the id of the evidence item voted on."""
    credibility: Level | None = None
    """Evidence or vote: high, medium or low."""
    relevance: Level | None = None
    """Evidence or vote: high, medium or low."""
    note: Reason | None = None
    """Why: shown to the facilitator with the proposal (not written into the case)."""

    @model_validator(mode="after")
    def _keys_of_its_type(self) -> Proposal:
        needed, optional = PROPOSAL_KEYS[self.type]
        for name in needed:
            if getattr(self, name) is None:
                raise rule_error("proposal_needs", type=self.type, name=name)
        for name in type(self).model_fields:
            if name != "type" and name not in needed + optional and getattr(self, name):
                allowed = ", ".join(needed + optional)
                raise rule_error("proposal_foreign_key", type=self.type, name=name, allowed=allowed)
        if self.type == "vote" and self.credibility is None and self.relevance is None:
            raise rule_error("proposal_empty_vote")
        return self


class RatingsFile(_Strict):
    """A file under `evidence/ratings/`: one analyst's ratings in one round."""

    analyst: AnalystName
    """The analyst's name. Reports show A, B, C… instead unless `argmap report --names`."""
    round: Annotated[int, Field(ge=1, le=99)] = 1
    """Workshop round, from 1. A later round's cells replace the same analyst's earlier ones."""
    format: Literal["1"] | None = None
    """Version of the format; only 1 exists."""
    digest: Text | None = None
    """Written by the rating sheet: the digest of the hypotheses and evidence it showed."""
    # Described in code rather than a docstring: the schema lists the vocabulary's codes.
    ratings: dict[Slug, dict[Slug, Vote]] = Field(
        default_factory=dict,
        description=f"Evidence id → leaf hypothesis id → {', '.join(CASE_CODES)}, "
        f"or {DONT_KNOW} ({VOCABULARY[DONT_KNOW].name}).",
    )
    rationale: dict[Slug, dict[Slug, Reason]] = Field(default_factory=dict)
    """Evidence id → leaf hypothesis id → why; in a later round, why a rating changed."""
    proposals: tuple[Proposal, ...] = ()
    """New evidence items, new hypotheses and votes the analyst proposes: `argmap workshop
    merge` lists them and writes those accepted into the case."""


@dataclass(frozen=True)
class AnalystRatings:
    """One validated ratings file."""

    analyst: str
    """The name as written (whitespace collapsed)."""
    key: str
    """The name as compared (:func:`analyst_key`): one analyst, one key."""
    round: int
    path: Path
    ratings: Mapping[str, Mapping[str, str]]
    """Evidence id → hypothesis id → vote (DK included)."""
    rationale: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    digest: str | None = None
    proposals: tuple[Proposal, ...] = ()


def _visible(name: str) -> str:
    """NFKC, without format characters (zero-width spaces and joiners, soft hyphens,
    direction marks): what a reader of the name sees, in one spelling."""
    compatible = unicodedata.normalize("NFKC", name)
    return "".join(char for char in compatible if unicodedata.category(char) != "Cf")


def analyst_key(name: str) -> str:
    """The identity of an analyst's name: 'Ann  O’Neil' and 'ann o’neil' are one analyst.

    Case, runs of whitespace, compatibility forms (fullwidth 'Ａ', the ligature 'ﬁ') and
    invisible format characters (a zero-width space) make no other analyst. Letters of
    another script do, even where they look the same (a Cyrillic 'А'): :func:`check_ratings`
    warns about those.

    >>> analyst_key("  Ann   ÖNeil ") == analyst_key("ann öneil") == analyst_key("An\u200bn ÖNeil")
    True
    """
    return " ".join(unicodedata.normalize("NFKC", _visible(name).casefold()).split())


_LOOKS_LATIN = str.maketrans(
    # Cyrillic and Greek letters that most fonts draw as Latin ones, and those Latin ones.
    {
        **dict(zip("АВЕКМНОРСТУХЅІЈҮҺԚԜ", "ABEKMHOPCTYXSIJYHQW", strict=True)),
        **dict(zip("аеорсухѕіјһԁԛԝүѵ", "aeopcyxsijhdqwyv", strict=True)),
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹ", "ABEZHIKMNOPTYXC", strict=True)),
        **dict(zip("ϳαονρυϲ", "jaovpuc", strict=True)),
    }
)
_LOOK_ALIKE_SCRIPTS = ("CYRILLIC", "GREEK", "LATIN")
"""Scripts whose letters are confused with one another's."""
_WORD = re.compile(r"[^\W\d_]+")


def _script(char: str) -> str | None:
    """Cyrillic, Greek or Latin, for a letter of these scripts."""
    first = unicodedata.name(char, "").split(" ", 1)[0]
    return first.title() if first in _LOOK_ALIKE_SCRIPTS else None


def _described(chars: Iterable[str]) -> str:
    """'Cyrillic 'а' U+0430, …' for at most three characters."""
    shown = list(dict.fromkeys(chars))[:3]
    return ", ".join(f"{_script(c) or 'other'} '{c}' U+{ord(c):04X}" for c in shown)


def _mixed_scripts(name: str) -> tuple[list[str], list[str]]:
    """The scripts a word of ``name`` mixes (Latin with Cyrillic, say) and the letters in the
    fewer of them; nothing for a name whose every word keeps to one script."""
    scripts: set[str] = set()
    odd: list[str] = []
    for word in _WORD.findall(_visible(name)):
        by_script: dict[str, list[str]] = {}
        for char in word:
            script = _script(char)
            if script is not None:
                by_script.setdefault(script, []).append(char)
        if len(by_script) > 1:
            scripts |= set(by_script)
            ranked = sorted(by_script.values(), key=len, reverse=True)
            odd += [char for letters in ranked[1:] for char in letters]
    return sorted(scripts), odd


def _look_alikes(name: str) -> list[str]:
    """The letters of ``name`` that look like Latin ones but are not."""
    return [char for char in _visible(name) if ord(char) in _LOOKS_LATIN]


def _skeleton(name: str) -> str:
    """What ``name`` looks like: its analyst key with look-alike letters read as Latin.

    >>> _skeleton("\u0410nn") == _skeleton("Ann") == "ann"
    True
    """
    return analyst_key(_visible(name).translate(_LOOKS_LATIN))


def analyst_slug(name: str) -> str:
    """A file-name stem for an analyst: ASCII letters, digits and '-'.

    >>> analyst_slug("Ann O'Neil"), analyst_slug("Łukasz Żak")
    ('ann-o-neil', 'ukasz-zak')

    A name with no ASCII letter or digit gets a stable stem from its digest.
    """
    stem = slugify(name, fallback="", max_length=40)
    return stem or "analyst-" + hashlib.sha256(analyst_key(name).encode()).hexdigest()[:8]


def ratings_file_name(name: str, round_number: int) -> str:
    """`alice.yaml` for round 1, `alice.round2.yaml` for round 2."""
    stem = analyst_slug(name)
    return f"{stem}.yaml" if round_number == 1 else f"{stem}.round{round_number}.yaml"


def _letters(index: int) -> str:
    """A, B, … Z, AA, AB, … for 0, 1, …"""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


def anonymous_labels(keys: Iterable[str], salt: str) -> dict[str, str]:
    """Analyst key → A, B, C… in an order that is stable but not alphabetical.

    The order follows a digest of the case title (``salt``) and the name, so the letters
    stay the same from round to round and do not give away who is who by the alphabet.
    """
    ordered = sorted(set(keys), key=lambda k: hashlib.sha256(f"{salt}\0{k}".encode()).hexdigest())
    return {key: _letters(index) for index, key in enumerate(ordered)}


# --- views over rounds -----------------------------------------------------------------


@dataclass(frozen=True)
class AnalystView:
    """An analyst's ratings as they stand after a round: later rounds over earlier ones."""

    analyst: str
    key: str
    round: int
    """The latest round taken into account."""
    ratings: dict[str, dict[str, str]]
    rationale: dict[str, dict[str, str]]
    path: Path
    """The latest file."""


@dataclass(frozen=True)
class RoundChange:
    """A cell an analyst rated differently from one round to the next."""

    key: str
    analyst: str
    evidence: str
    hypothesis: str
    before: str
    after: str
    from_round: int
    to_round: int
    why: str | None
    """The later round's rationale for the cell, if given."""
    path: Path


def _by_analyst(files: Iterable[AnalystRatings]) -> dict[str, list[AnalystRatings]]:
    grouped: dict[str, list[AnalystRatings]] = {}
    for f in sorted(files, key=lambda f: (f.key, f.round)):
        grouped.setdefault(f.key, []).append(f)
    return grouped


def _walk_rounds(
    rounds: Sequence[AnalystRatings],
) -> Iterable[tuple[AnalystRatings, dict[str, dict[str, str]], dict[str, dict[str, str]]]]:
    """Each file with the analyst's ratings and rationale as they stand after it."""
    ratings: dict[str, dict[str, str]] = {}
    rationale: dict[str, dict[str, str]] = {}
    for f in rounds:
        for eid, cells in f.rationale.items():
            rationale.setdefault(eid, {}).update(cells)
        for eid, cells in f.ratings.items():
            row = ratings.setdefault(eid, {})
            for hid, vote in cells.items():
                # A changed rating without a new rationale loses the old one: it explained
                # the rating that was replaced.
                if row.get(hid, vote) != vote and hid not in f.rationale.get(eid, {}):
                    rationale.get(eid, {}).pop(hid, None)
                row[hid] = vote
        yield f, ratings, rationale


def analyst_views(
    files: Iterable[AnalystRatings], up_to_round: int | None = None
) -> list[AnalystView]:
    """Each analyst's ratings after their latest round (at most ``up_to_round``), by key."""
    views = []
    for key, rounds in _by_analyst(files).items():
        taken = [f for f in rounds if up_to_round is None or f.round <= up_to_round]
        if not taken:
            continue
        last, ratings, rationale = list(_walk_rounds(taken))[-1]
        views.append(
            AnalystView(
                analyst=last.analyst,
                key=key,
                round=last.round,
                ratings={eid: dict(cells) for eid, cells in ratings.items()},
                rationale={eid: dict(cells) for eid, cells in rationale.items() if cells},
                path=last.path,
            )
        )
    return views


def round_changes(files: Iterable[AnalystRatings]) -> list[RoundChange]:
    """Every cell whose vote differs from the same analyst's previous round, in file order."""
    changes = []
    for key, rounds in _by_analyst(files).items():
        before: dict[str, dict[str, str]] = {}
        previous_round = 0
        for f, ratings, _ in _walk_rounds(rounds):
            for eid, cells in f.ratings.items():
                for hid, vote in cells.items():
                    old = before.get(eid, {}).get(hid)
                    if old is not None and old != vote:
                        changes.append(
                            RoundChange(
                                key=key,
                                analyst=f.analyst,
                                evidence=eid,
                                hypothesis=hid,
                                before=old,
                                after=vote,
                                from_round=previous_round,
                                to_round=f.round,
                                why=f.rationale.get(eid, {}).get(hid),
                                path=f.path,
                            )
                        )
            before = {eid: dict(cells) for eid, cells in ratings.items()}
            previous_round = f.round
    return changes


# --- checks against the case -----------------------------------------------------------


def _field(loc: Loc) -> str:
    return ".".join(str(part) for part in loc)


def _look_alike_names(
    first_file: Mapping[str, tuple[str, YamlDocument]], where: Callable[[YamlDocument], str]
) -> list[Problem]:
    """A warning on each analyst's name that looks like another's (analyst key → the name as
    first written and its file), or that mixes look-alike scripts in a word."""
    found: list[Problem] = []
    by_look: dict[str, list[str]] = {}
    for key, (name, _) in first_file.items():
        by_look.setdefault(_skeleton(name), []).append(key)
    for key, (name, doc) in first_file.items():
        # The name with the look-alike letters is the one warned about; the other is named.
        others = [k for k in by_look[_skeleton(name)] if k != key]
        others.sort(key=lambda k: bool(_look_alikes(first_file[k][0])))
        odd = _look_alikes(name)
        if others and (odd or not _look_alikes(first_file[others[0]][0])):
            other, other_doc = first_file[others[0]]
            letters = _described(odd or _mixed_scripts(name)[1])
            context = {"other": other, "where": where(other_doc), "letters": letters}
            rule_type = "analyst_look_alike"
        elif not others and (mixed := _mixed_scripts(name))[0]:
            scripts, odd = mixed
            listed = " and ".join([", ".join(scripts[:-1]), scripts[-1]])
            context = {"scripts": listed, "letters": _described(odd)}
            rule_type = "analyst_mixed_scripts"
        else:
            continue
        line = doc.line_of(("analyst",))
        found.append(problem(rule_type, doc.path, line, "analyst", analyst=name, **context))
    return found


def check_ratings(
    files: Sequence[tuple[YamlDocument, RatingsFile]],
    *,
    evidence_ids: Collection[str],
    leaf_ids: Sequence[str],
    hypothesis_ids: Collection[str],
    folder: Path,
) -> tuple[list[AnalystRatings], list[Problem]]:
    """Cross-check parsed ratings files against the case: ids exist, one file per analyst
    and round. Returns the files (when there are no errors) and the problems found."""
    problems: list[Problem] = []
    suggest = Suggestions()

    def add(rule_type: str, doc: YamlDocument, loc: Loc, **context: str | int) -> None:
        problems.append(problem(rule_type, doc.path, doc.line_of(loc), _field(loc), **context))

    def where(doc: YamlDocument) -> str:
        try:
            return doc.path.relative_to(folder).as_posix()
        except ValueError:
            return doc.path.name

    leaves = set(leaf_ids)
    seen: dict[tuple[str, int], YamlDocument] = {}
    result: list[AnalystRatings] = []
    docs: dict[Path, YamlDocument] = {}
    first_file: dict[str, tuple[str, YamlDocument]] = {}
    """Analyst key → the name as first written and its file."""
    for doc, model in files:
        key = analyst_key(model.analyst)
        first = seen.get((key, model.round))
        if first is not None:
            add(
                "ratings_round_twice",
                doc,
                ("analyst",),
                analyst=model.analyst,
                round=model.round,
                where=where(first),
            )
            continue
        first_file.setdefault(key, (model.analyst, doc))
        seen[(key, model.round)] = doc
        for part in ("ratings", "rationale"):
            for eid, cells in getattr(model, part).items():
                if eid not in evidence_ids:
                    suggestion = suggest(eid, evidence_ids)
                    add(
                        "ratings_unknown_evidence",
                        doc,
                        (part, eid),
                        id=eid,
                        part=part,
                        suggestion=suggestion,
                    )
                    continue
                for hid in cells:
                    if hid in leaves:
                        continue
                    if hid in hypothesis_ids:
                        add("ratings_rated_group", doc, (part, eid, hid), id=hid)
                    else:
                        suggestion = suggest(hid, leaf_ids)
                        add(
                            "ratings_unknown_hypothesis",
                            doc,
                            (part, eid, hid),
                            id=hid,
                            suggestion=suggestion,
                        )
        if not model.ratings and not model.proposals and model.round == 1:
            add("ratings_rate_nothing", doc, ())
        docs[doc.path] = doc
        result.append(
            AnalystRatings(
                analyst=model.analyst,
                key=key,
                round=model.round,
                path=doc.path,
                ratings=model.ratings,
                rationale=model.rationale,
                digest=model.digest,
                proposals=model.proposals,
            )
        )
    problems += _look_alike_names(first_file, where)
    if any(p.severity == "error" for p in problems):
        return [], problems
    for change in round_changes(result):
        if change.why is None:
            add(
                "ratings_changed_silently",
                docs[change.path],
                ("ratings", change.evidence, change.hypothesis),
                before=change.before,
                after=change.after,
                from_round=change.from_round,
            )
    return result, problems
