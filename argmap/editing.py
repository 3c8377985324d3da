"""An editing session over a case folder: the engine under ``argmap edit``.

An :class:`Editor` holds a case folder open. Each change is a small value object (an
:data:`Operation`: :class:`SetRating`, :class:`AddEvidence`, :class:`Rename`…) that
:meth:`Editor.apply` turns into new text for the files it touches, checks, writes and records:

- **Checked before anything is written.** The changed files are laid beside the unchanged
  ones (hard links) in a staging folder inside the case, and the normal loader reads that
  (:func:`argmap.load.load_case`: the checks of ``argmap check``, nothing re-implemented). An
  edit that leaves an error is refused with the loader's problems (:class:`EditRefused`: each
  names file, line and field, as they would stand after the edit), and no file is touched.
  The loader keeps what it read (:class:`argmap.load.LoadCache`): unchanged files are not
  parsed again, and a file where one item changed is handed over with only that item read
  again (:func:`argmap.yamlfile.splice_item`), so a rating edit in a 500-item file costs a few
  lines' parsing and the checks across files.
- **Files stay the truth.** Only the characters the edit concerns change
  (:mod:`argmap.yamlpatch`): comments, key order and layout elsewhere stay, so ``git diff``
  shows the edit and nothing else. The item an edit concerns is found from the line the loader
  kept for it (:meth:`argmap.yamlfile.YamlDocument.line_of`), and only its lines are parsed
  again, not its 500-item file. An edit that touches several files (a rename) is written
  whole or not at all: every new file is written beside its target first, then each is
  renamed over it, and a failure half-way puts back the files already replaced. The first
  time the session writes a file that existed, its bytes are kept as a numbered backup in
  the case's ``.argmap/backups/`` (:data:`BACKUPS`), a folder git ignores, so that ``git
  status`` shows the edits and nothing else; undo covers the rest.
- **Undo and redo** put back the bytes each edit replaced, exactly.
- **Ratings files are the analysts' own.** A rename is refused while an analyst's ratings
  file (``evidence/ratings/``) names the id: renaming it there would change their work.
- **Someone else's edits win.** Before each edit (and undo and redo) every file the case is
  read from is compared with what the session last read or wrote; if one changed, the session
  reads the case again and refuses the edit with an :class:`ExternalChange` naming the files.
  Nothing is ever written over a change the session has not seen.

Scoring an edited case is a layer up: :func:`argmap.assess.live_assessment` gives PARC scores,
ranks, posteriors and diagnosticity without the Monte Carlo, fast enough to run on every edit.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from . import yamlpatch
from .casewriter import write_new_case
from .load import LoadCache, LoadResult, case_files, load_case, validate_document
from .model import Case, EvidenceFile, HypothesesFile
from .output import keep_backup, write_atomic
from .problems import ArgmapError, CaseError, Problem
from .quotes import SourceText
from .ratingsfile import RATINGS_FOLDER
from .scaffold import empty_case
from .text import MAX_ID_LENGTH, UniqueIds, slugify
from .yamlfile import YamlDocument, compose_text, splice_item

__all__ = [
    "BACKUPS",
    "WORK_FOLDER",
    "AddArgument",
    "AddEvidence",
    "AddHypothesis",
    "AddSource",
    "AddStatement",
    "EditCase",
    "EditItem",
    "EditRefused",
    "EditResult",
    "Editor",
    "ExternalChange",
    "MoveHypothesis",
    "Operation",
    "Regroup",
    "Rename",
    "SetRating",
    "SetRationale",
    "passage",
]

Value = yamlpatch.Value
WORK_FOLDER = ".argmap"
"""The editor's own folder inside a case: backups, and the staging folder of each check.
Git ignores it (it holds a ``.gitignore`` of ``*``)."""
BACKUPS = f"{WORK_FOLDER}/backups"
"""Where the editor keeps the first bytes of each file it writes, by the file's path in the
case (``.argmap/backups/evidence/evidence.yaml.bak``)."""
Files = dict[str, str | None]
"""Relative path (POSIX) → the file's new text, or None for a file the edit removes."""


class EditRefused(CaseError):
    """The edit would leave the case with errors; nothing was written. ``problems`` are the
    loader's, each at the file, line and field it concerns as they would stand after the
    edit."""


class ExternalChange(ArgmapError):
    """Files of the case changed on disk since the session last read or wrote them; the
    session has read the case again, and the edit was not made. Undo and redo start afresh
    (undoing an edit made before would write over the change)."""

    def __init__(self, files: Sequence[str]):
        self.files = list(files)
        names = ", ".join(self.files)
        super().__init__(
            f"{names} changed on disk since the editor last read "
            f"{'it' if len(files) == 1 else 'them'}"
            " (edited elsewhere?): the case has been read again with those changes, and your "
            "edit was not made so as not to overwrite them; look at the case as it is now and "
            "make the edit again"
        )


@dataclass(frozen=True)
class EditResult:
    """What an edit (or an undo or redo) did."""

    description: str
    files: tuple[Path, ...]
    """The files written (or removed)."""
    backups: tuple[Path, ...] = ()
    """Backups made of files the session wrote for the first time."""
    warnings: tuple[Problem, ...] = ()
    """The case's warnings after the edit."""


def passage(text: str, start: int | None = None, end: int | None = None) -> str:
    """The text between offsets ``start`` and ``end`` of a source as a quote is written: NFC,
    each run of whitespace one space, trimmed (what the loader forgives, it makes plain; the
    characters stay the source's own).

    >>> passage("The  alarm\\n was off.", 4, 20)
    'alarm was off.'
    """
    return " ".join(unicodedata.normalize("NFC", text[start:end]).split())


# --- operations ------------------------------------------------------------------------------


def _need(condition: object, message: str) -> None:
    if not condition:
        raise ArgmapError(message)


@dataclass(frozen=True)
class SetRating:
    """Rate evidence item ``evidence`` against hypothesis ``hypothesis`` (a code such as
    ``C``), or clear the rating (``rating`` None)."""

    evidence: str
    hypothesis: str
    rating: str | None

    def describe(self) -> str:
        if self.rating is None:
            return f"clear the rating of {self.evidence} against {self.hypothesis}"
        return f"rate {self.evidence} {self.rating} against {self.hypothesis}"

    def changes(self, editor: Editor) -> Files:
        return editor.set_fields(self.evidence, {("ratings", self.hypothesis): self.rating})


@dataclass(frozen=True)
class SetRationale:
    """Say why a cell is rated as it is (``text`` None: take the rationale out)."""

    evidence: str
    hypothesis: str
    text: str | None

    def describe(self) -> str:
        return f"rationale of {self.evidence} against {self.hypothesis}"

    def changes(self, editor: Editor) -> Files:
        return editor.set_fields(self.evidence, {("rationale", self.hypothesis): self.text})


@dataclass(frozen=True)
class EditItem:
    """Give fields of the item ``ident`` (any kind) new values; None takes a field out. An
    evidence item's new ``quote`` is written as :func:`passage` writes it and is looked for
    in its source again (the edit is refused, with the closest passage, when it is not
    there). Ids change with :class:`Rename`."""

    ident: str
    fields: Mapping[str, Value | None]

    def describe(self) -> str:
        return f"edit {', '.join(self.fields)} of {self.ident}"

    def changes(self, editor: Editor) -> Files:
        _need("id" not in self.fields, "an id is changed by renaming the item (Rename)")
        values = dict(self.fields)
        if isinstance(values.get("quote"), str):
            values["quote"] = passage(str(values["quote"]))
        return editor.set_fields(self.ident, {(name,): value for name, value in values.items()})


@dataclass(frozen=True)
class EditCase:
    """Give the case's own fields (``title``, ``question``, ``notes``) new values in the
    hypotheses file that holds them; None takes ``notes`` out."""

    fields: Mapping[str, str | None]

    def describe(self) -> str:
        return f"edit the case's {', '.join(self.fields)}"

    def changes(self, editor: Editor) -> Files:
        unknown = sorted(set(self.fields) - {"title", "question", "notes"})
        _need(not unknown, f"the case has no field {', '.join(unknown)} to edit here")
        relative = editor.hypotheses_file("case")
        text = editor.text(relative)
        root = compose_text(text)
        _need(isinstance(root, yaml.MappingNode), f"{relative} is not a mapping")
        assert root is not None
        edits = []
        for name, value in self.fields.items():
            present = yamlpatch.child(root, name)
            if (value is None and present is None) or (value is not None and _same(present, value)):
                continue
            edits.append(yamlpatch.set_at(text, root, (name,), value))
        return {relative: yamlpatch.apply(text, edits)} if edits else {}


@dataclass(frozen=True)
class AddSource:
    """A new source and its text, kept as ``evidence/sources/ID.txt`` beside the evidence file
    (the file may not exist yet; the loader's rules for source texts apply)."""

    title: str
    text: str
    id: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    reliability: str | None = None

    def describe(self) -> str:
        return f"add source {self.title!r}"

    def changes(self, editor: Editor) -> Files:
        ident = self.id or editor.new_id(self.title, "source")
        file = editor.evidence_file()
        relative = f"sources/{ident}.txt"
        text_path = (Path(file).parent / relative).as_posix()
        _need(
            not (editor.folder / text_path).exists(),
            f"{text_path} exists already: a new source's text never replaces a file; give the "
            "source another id",
        )
        item: dict[str, Value] = {"id": ident, "title": self.title}
        for name in ("author", "published", "url", "reliability"):
            if getattr(self, name) is not None:
                item[name] = getattr(self, name)
        item["file"] = relative
        changed = editor.append(file, "sources", item)
        changed[text_path] = self.text
        return changed


@dataclass(frozen=True)
class AddEvidence:
    """A new evidence item quoting a passage of source ``source``: offsets ``start``…``end``
    of its text (a selection), or the words of ``quote``; either is written as
    :func:`passage` writes it. The item joins the evidence file that holds the source's
    other items (else the first)."""

    source: str
    summary: str
    start: int | None = None
    end: int | None = None
    quote: str | None = None
    id: str | None = None
    kind: str | None = None
    originator: str | None = None
    credibility: str | None = None
    relevance: str | None = None
    date: str | None = None
    ratings: Mapping[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return f"add evidence {self.summary!r}"

    def changes(self, editor: Editor) -> Files:
        text = editor.case.source_texts.get(self.source)
        if self.start is not None or self.end is not None:
            _need(text is not None, f"source {self.source!r} has no text to select a passage in")
            assert text is not None
            _need(
                self.start is not None
                and self.end is not None
                and 0 <= self.start < self.end <= len(text),
                f"the selection {self.start}…{self.end} is not a passage of {self.source}",
            )
            quote: str | None = passage(text, self.start, self.end)
        elif self.quote is not None and text is not None:
            # Words typed or pasted: the passage they stand for, as the source writes it.
            match = SourceText(text).find(self.quote)
            if match is not None and match.occurrences == 1:
                quote = passage(text, match.start, match.end)
            else:  # the loader says what is wrong with it
                quote = passage(self.quote)
        else:
            quote = passage(self.quote) if self.quote is not None else None
        ident = self.id or editor.new_id(self.summary, "evidence")
        item: dict[str, Value] = {"id": ident, "summary": self.summary}
        for name in ("kind", "source", "quote", "originator", "credibility", "relevance", "date"):
            value = quote if name == "quote" else getattr(self, name)
            if value is not None:
                item[name] = value
        if self.ratings:
            item["ratings"] = dict(self.ratings)
        return editor.append(editor.evidence_file(self.source), "evidence", item)


@dataclass(frozen=True)
class AddHypothesis:
    """A new hypothesis (under ``parent``, a group, if given), after the last one."""

    title: str
    statement: str
    id: str | None = None
    parent: str | None = None

    def describe(self) -> str:
        return f"add hypothesis {self.title!r}"

    def changes(self, editor: Editor) -> Files:
        item: dict[str, Value] = {
            "id": self.id or editor.new_id(self.title, "hypothesis"),
            "title": self.title,
            "statement": self.statement,
        }
        if self.parent is not None:
            item["parent"] = self.parent
        return editor.append(editor.hypotheses_file("hypotheses"), "hypotheses", item)


@dataclass(frozen=True)
class AddStatement:
    """A new statement of the argument map."""

    text: str
    id: str | None = None

    def describe(self) -> str:
        return f"add statement {self.text!r}"

    def changes(self, editor: Editor) -> Files:
        item: dict[str, Value] = {"id": self.id or editor.new_id(self.text, "statement")}
        item["text"] = self.text
        return editor.append(editor.hypotheses_file("statements"), "statements", item)


@dataclass(frozen=True)
class AddArgument:
    """A new argument: its claim, its premises (ids of evidence items, statements or other
    arguments) and what it does — ``supports`` or ``attacks`` a hypothesis or statement, or
    ``undercuts`` an argument."""

    claim: str
    premises: Sequence[str] = ()
    supports: str | None = None
    attacks: str | None = None
    undercuts: str | None = None
    id: str | None = None
    weight: str | None = None
    rationale: str | None = None

    def describe(self) -> str:
        return f"add argument {self.claim!r}"

    def changes(self, editor: Editor) -> Files:
        item: dict[str, Value] = {"id": self.id or editor.new_id(self.claim, "argument")}
        item["claim"] = self.claim
        if self.premises:
            item["premises"] = list(self.premises)
        for name in ("supports", "attacks", "undercuts", "weight", "rationale"):
            if getattr(self, name) is not None:
                item[name] = getattr(self, name)
        return editor.append(editor.hypotheses_file("arguments"), "arguments", item)


@dataclass(frozen=True)
class Regroup:
    """Put hypothesis ``hypothesis`` under group ``parent`` (None: at the top level)."""

    hypothesis: str
    parent: str | None

    def describe(self) -> str:
        return f"put {self.hypothesis} under {self.parent or 'the top level'}"

    def changes(self, editor: Editor) -> Files:
        return editor.set_fields(self.hypothesis, {("parent",): self.parent})


@dataclass(frozen=True)
class MoveHypothesis:
    """Move hypothesis ``hypothesis`` to position ``to`` (from 0) of its file's list."""

    hypothesis: str
    to: int

    def describe(self) -> str:
        return f"move {self.hypothesis} to position {self.to + 1}"

    def changes(self, editor: Editor) -> Files:
        return editor.move(self.hypothesis, self.to)


@dataclass(frozen=True)
class Rename:
    """Give item ``old`` the id ``new``, in its own entry and everywhere the case refers to it
    (ratings and rationale, parents, premises and what arguments support, attack or undercut,
    contraries, what evidence rests on, sources, scenarios)."""

    old: str
    new: str

    def describe(self) -> str:
        return f"rename {self.old} to {self.new}"

    def changes(self, editor: Editor) -> Files:
        return editor.rename(self.old, self.new)


Operation = (
    SetRating
    | SetRationale
    | EditCase
    | EditItem
    | AddSource
    | AddEvidence
    | AddHypothesis
    | AddStatement
    | AddArgument
    | Regroup
    | MoveHypothesis
    | Rename
)

# Where a file refers to ids, by list and field: a value, each entry of a list, or the keys
# of a mapping. Originators have ids of their own and are not renamed through these.
_REFERENCES: dict[str, dict[str, str]] = {
    "hypotheses": {"id": "value", "parent": "value"},
    "statements": {"id": "value", "contrary": "list", "contradicts": "list"},
    "arguments": {
        "id": "value",
        "premises": "list",
        "supports": "value",
        "attacks": "value",
        "undercuts": "value",
    },
    "sources": {"id": "value"},
    "evidence": {
        "id": "value",
        "source": "value",
        "ratings": "keys",
        "rationale": "keys",
        "rests_on": "list",
    },
}
_SCENARIO_REFERENCES = {"ids": "list", "source": "value"}


# --- the session -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stamp:
    size: int
    mtime_ns: int
    digest: str


def _stamp(path: Path) -> _Stamp | None:
    try:
        info = path.stat()
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return _Stamp(info.st_size, info.st_mtime_ns, hashlib.sha256(data).hexdigest())


@dataclass
class _Change:
    description: str
    files: dict[str, tuple[bytes | None, bytes | None]]
    """Relative path → (bytes before, bytes after); None where the file did not exist."""


_LINE = re.compile("\n")
_ALWAYS_READ = 4_000_000
"""Files up to this size are compared by their bytes before every edit, not by their time."""


class Editor:
    """An editing session over the case in ``folder``; an absent or empty folder becomes a
    new case (its question ``title`` and ``question``, and ``extra_files`` — {relative path:
    text}, such as the JSON Schemas `argmap init` writes — beside it).

    Raises :class:`~argmap.problems.CaseError` when the case does not load: a session starts
    from a valid case, and every edit keeps it valid. Backups go to ``backups`` (default: the
    case's :data:`BACKUPS`).
    """

    def __init__(
        self,
        folder: Path | str,
        *,
        title: str = "Untitled case",
        question: str = "What is the question?",
        extra_files: Mapping[str, str] | None = None,
        backups: Path | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.backups = backups or self.folder / BACKUPS
        if not self.folder.exists() or (self.folder.is_dir() and not any(self.folder.iterdir())):
            write_new_case(self.folder, {**empty_case(title, question), **(extra_files or {})})
        self.undone: list[_Change] = []
        self.done: list[_Change] = []
        self._backed_up: set[str] = set()
        self._texts: dict[str, str] = {}
        self._line_starts: dict[str, tuple[str, list[int]]] = {}
        self._stamps: dict[str, _Stamp | None] = {}
        self._cache = LoadCache()
        """What the next load may reuse: the files an edit did not touch, and the document of
        a file where one item changed, its item read again alone."""
        self._splices: dict[str, tuple[YamlDocument, str, int, str, int]] = {}
        """File → (its document, list, index, the item's new lines, their first line) for
        the edit being made."""
        self._result: LoadResult
        self._root = self.folder
        """Where the documents of ``_result`` were read: the case, or a staging folder."""
        self._read()

    # --- state -----------------------------------------------------------------------------

    @property
    def case(self) -> Case:
        """The case as it stands after the last edit."""
        return self._result.case

    @property
    def warnings(self) -> list[Problem]:
        return self._result.warnings

    @property
    def loaded(self) -> LoadResult:
        """The loader's result for the case as it stands (positions of every item)."""
        return self._result

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()

    def _watched(self) -> list[str]:
        """Every file the case is read from, and every YAML file that would be read."""
        names = {self._relative(p) for p in self._result.inputs if p.is_relative_to(self.folder)}
        for part in ("hypotheses", "evidence", RATINGS_FOLDER):
            names.update(self._relative(p) for p in case_files(self.folder, part))
        return sorted(names)

    def _read(self) -> None:
        self._result = load_case(self.folder, cache=self._cache)
        self._root = self.folder
        self._texts.clear()
        self._line_starts.clear()
        self._stamps = {name: _stamp(self.folder / name) for name in self._watched()}

    def _changed_on_disk(self) -> list[str]:
        changed = []
        now = self._watched()
        for name in sorted(set(now) | set(self._stamps)):
            old = self._stamps.get(name)
            path = self.folder / name
            try:
                info = path.stat()
            except FileNotFoundError:
                if old is not None:
                    changed.append(name)
                continue
            # A change within the clock's step keeps size and time: small files are read
            # again whatever their time says; a long source text is when its time moved.
            same_time = (
                (info.st_size, info.st_mtime_ns) == (old.size, old.mtime_ns) if old else False
            )
            if old is None or (
                (not same_time or info.st_size <= _ALWAYS_READ)
                and _stamp(path) != replace(old, mtime_ns=info.st_mtime_ns)
            ):
                changed.append(name)
        return changed

    def refresh(self) -> list[str]:
        """Read the case again if any of its files changed on disk since the session last
        read or wrote them; returns those files (none: nothing was done). Undo and redo
        start afresh after a change. Raises :class:`~argmap.problems.CaseError` when the
        changed case does not load (the next call tries again)."""
        try:
            self._refuse_if_changed()
        except ExternalChange as change:
            return change.files
        return []

    def _refuse_if_changed(self) -> None:
        changed = self._changed_on_disk()
        if changed:
            self._read()
            self.undone.clear()
            self.done.clear()
            raise ExternalChange(changed)

    def text(self, relative: str) -> str:
        """The text of a case file as the session last read or wrote it ('' for none)."""
        if relative not in self._texts:
            path = self.folder / relative
            # A byte order mark stays: YAML's scanner passes over it, and it is written back.
            self._texts[relative] = path.read_bytes().decode("utf-8") if path.exists() else ""
        return self._texts[relative]

    def _starts(self, relative: str) -> list[int]:
        text = self.text(relative)
        cached = self._line_starts.get(relative)
        if cached is None or cached[0] is not text:
            starts = [0, *(m.end() for m in _LINE.finditer(text))]
            self._line_starts[relative] = cached = (text, starts)
        return cached[1]

    # --- where things are ------------------------------------------------------------------

    def _origin(self, ident: str) -> tuple[str, YamlDocument, str, int]:
        origin = self._result.origins.get(ident)
        _need(origin is not None, f"there is no item {ident!r} in the case")
        assert origin is not None
        key, index = origin.loc
        assert isinstance(key, str) and isinstance(index, int)
        return self._relative_doc(origin.doc), origin.doc, key, index

    def _relative_doc(self, doc: YamlDocument) -> str:
        """A loaded file's name in the case (the loader may have read it in staging)."""
        return doc.path.relative_to(self._root).as_posix()

    def _item_text(self, ident: str) -> tuple[str, int, int, str, yaml.MappingNode]:
        """(file, start, end, its text, the item's node): the lines of the item only,
        found from the line the loader kept for it, parsed on their own."""
        relative, doc, key, index = self._origin(ident)
        text = self.text(relative)
        starts = self._starts(relative)
        items = doc.data[key]
        start = starts[doc.line_of((key, index)) - 1]
        if index + 1 < len(items):
            end = starts[doc.line_of((key, index + 1)) - 1]
        else:
            keys = list(doc.data)
            after = keys[keys.index(key) + 1 :]
            end = starts[doc.line_of((after[0],)) - 1] if after else len(text)
        snippet = text[start:end]
        try:
            root = compose_text(snippet)
        except yaml.YAMLError:
            root = None
        node = root.value[0] if isinstance(root, yaml.SequenceNode) and root.value else root
        if not (
            isinstance(node, yaml.MappingNode)
            and isinstance(yamlpatch.child(node, "id"), yaml.ScalarNode)
            and yamlpatch.child(node, "id").value == ident  # type: ignore[union-attr]
        ):  # laid out otherwise (a flow list, say): the whole file then
            whole = compose_text(text)
            found = yamlpatch.child(yamlpatch.child(whole, key), index)  # type: ignore[arg-type]
            assert isinstance(found, yaml.MappingNode)
            return relative, 0, len(text), text, found
        return relative, start, end, snippet, node

    def evidence_file(self, source: str | None = None) -> str:
        """The evidence file a new item of ``source`` joins: the one holding that source's
        last item, else the one defining the source, else the first evidence file."""
        if source is not None:
            holders = [e.id for e in self.case.evidence if e.source == source]
            if holders:
                return self._origin(holders[-1])[0]
            if source in self._result.origins:
                return self._origin(source)[0]
        files = case_files(self.folder, "evidence")
        return self._relative(files[0]) if files else "evidence/evidence.yaml"

    def hypotheses_file(self, key: str) -> str:
        """The hypotheses file a new item of list ``key`` joins: the one holding that list's
        last item, else (and for ``key`` "case") the one with the case's title and
        question."""
        present = {
            "hypotheses": [h.id for h in self.case.hypotheses],
            "statements": [s.id for s in self.case.statements],
            "arguments": [a.id for a in self.case.arguments],
            "case": [],
        }[key]
        if present:
            return self._origin(present[-1])[0]
        files = case_files(self.folder, "hypotheses")
        for path in files:
            data = yaml.safe_load(self.text(self._relative(path))) or {}
            if isinstance(data, dict) and "title" in data:
                return self._relative(path)
        return self._relative(files[0])

    def new_id(self, words: str, fallback: str) -> str:
        """An id made of ``words``, unique in the case."""
        ids = UniqueIds()
        ids.used |= set(self._result.origins)
        return ids.new(slugify(words, fallback, max_length=MAX_ID_LENGTH))

    # --- what edits write ------------------------------------------------------------------

    def set_fields(self, ident: str, values: Mapping[tuple[str, ...], Value | None]) -> Files:
        """The new text of the file holding item ``ident`` with the values at each path
        inside it set (None: taken out); only those values' characters change."""
        relative, start, end, snippet, node = self._item_text(ident)
        edits: list[yamlpatch.Edit] = []
        for path, value in values.items():
            present = _value_at(node, path)
            if value is None and present is None:
                continue
            if value is not None and _same(present, value):
                continue
            edits.append(yamlpatch.set_at(snippet, node, path, value))
        if not edits:
            return {}
        text = self.text(relative)
        patched = yamlpatch.apply(snippet, edits)
        if start or end != len(text):  # the item's lines alone: the loader may read just them
            _, doc, key, index = self._origin(ident)
            first_line = doc.line_of((key, index))
            self._splices[relative] = (doc, key, index, patched, first_line)
        return {relative: text[:start] + patched + text[end:]}

    def append(self, relative: str, key: str, item: Mapping[str, Value]) -> Files:
        """The new text of file ``relative`` with ``item`` added at the end of list ``key``."""
        text = self.text(relative)
        root = compose_text(text) if text.strip() else None
        try:
            edit = yamlpatch.append_item(text, root, key, item)
        except ValueError as err:
            raise ArgmapError(f"cannot add to {relative}: {err}") from None
        return {relative: yamlpatch.apply(text, [edit])}

    def move(self, ident: str, to: int) -> Files:
        relative, _, key, index = self._origin(ident)
        text = self.text(relative)
        sequence = yamlpatch.child(compose_text(text), key)  # type: ignore[arg-type]
        assert isinstance(sequence, yaml.SequenceNode)
        _need(
            0 <= to < len(sequence.value),
            f"{relative} lists {len(sequence.value)} {key}: there is no position {to + 1}",
        )
        _need(not sequence.flow_style, f"the {key} of {relative} are written as a flow list")
        return {relative: yamlpatch.apply(text, yamlpatch.move_item(text, sequence, index, to))}

    def rename(self, old: str, new: str) -> Files:
        self._origin(old)  # it exists
        if old == new:
            return {}
        named = sorted(
            f.path.relative_to(self._root).as_posix()
            if f.path.is_relative_to(self._root)
            else f.path.name
            for f in self._result.ratings
            if any(
                old == eid or old in cells
                for table in (f.ratings, f.rationale)
                for eid, cells in table.items()
            )
        )
        _need(
            not named,
            f"{old} is not renamed: the analysts' ratings file(s) {', '.join(named)} name it, "
            "and the editor does not change an analyst's own work; merge those ratings into "
            "the case and set the files aside first, or keep the id",
        )
        changed: Files = {}
        for part in ("hypotheses", "evidence"):
            for path in case_files(self.folder, part):
                relative = self._relative(path)
                text = self.text(relative)
                root = compose_text(text) if text.strip() else None
                edits = [
                    yamlpatch.Edit(
                        n.start_mark.index, n.end_mark.index, yamlpatch.render_scalar(new)
                    )
                    for n in _references(root, old)
                ]
                if edits:
                    changed[relative] = yamlpatch.apply(text, edits)
        return changed

    # --- applying, undoing --------------------------------------------------------------------

    def apply(self, operation: Operation) -> EditResult:
        """Make one edit: check it, write it, record it for undo.

        Raises :class:`ExternalChange` when files changed on disk meanwhile (the case is read
        again), :class:`EditRefused` when the case would have errors, and
        :class:`~argmap.problems.ArgmapError` when the edit makes no sense (an unknown id);
        in each case nothing is written.
        """
        self._refuse_if_changed()
        self._splices.clear()
        new = operation.changes(self)
        if not new:
            return EditResult(operation.describe(), ())
        before: dict[str, bytes | None] = {}
        for name in new:
            path = self.folder / name
            before[name] = path.read_bytes() if path.exists() else None
        after = {name: None if text is None else text.encode("utf-8") for name, text in new.items()}
        self._splice(new, after)
        checked, staging = self._checked(after)
        result = self._write(after, operation.describe(), backup=True)
        self._result, self._root = checked, staging
        result = replace(result, warnings=tuple(checked.warnings))
        self.done.append(_Change(operation.describe(), {n: (before[n], after[n]) for n in new}))
        self.undone.clear()
        return result

    def _splice(self, new: Files, after: Mapping[str, bytes | None]) -> None:
        """Give the loader the document of each file where one item changed, read from that
        item's lines alone (:func:`~argmap.yamlfile.splice_item`) and validated as the loader
        validates a file; the loader takes it for the file's new bytes."""
        for name, (doc, key, index, lines, first_line) in self._splices.items():
            text, data = new.get(name), after.get(name)
            if text is None or data is None:
                continue
            delta = text.count("\n") - self.text(name).count("\n")
            spliced = splice_item(doc, key, index, lines, first_line, delta)
            if spliced is None:
                continue
            model = HypothesesFile if name.startswith("hypotheses/") else EvidenceFile
            validated, found = validate_document(spliced, model)
            if validated is not None and not found:
                digest = hashlib.sha256(data).digest()
                self._cache.documents[(name, digest)] = (spliced, validated)

    def undo(self) -> EditResult | None:
        """Put the files of the last edit back as they were; None when there is none."""
        return self._step(self.done, self.undone, 0, "undo")

    def redo(self) -> EditResult | None:
        """Make the last undone edit again; None when there is none."""
        return self._step(self.undone, self.done, 1, "redo")

    def _step(
        self, source: list[_Change], target: list[_Change], side: int, verb: str
    ) -> EditResult | None:
        self._refuse_if_changed()
        if not source:
            return None
        change = source.pop()
        contents = {name: pair[side] for name, pair in change.files.items()}
        result = self._write(contents, f"{verb} {change.description}", backup=False)
        target.append(change)
        self._result = load_case(self.folder, cache=self._cache)
        self._root = self.folder
        self._texts.clear()
        return replace(result, warnings=tuple(self._result.warnings))

    def _checked(self, contents: Mapping[str, bytes | None]) -> tuple[LoadResult, Path]:
        """The loader's result for the case with ``contents`` in place of its files, read in
        a staging folder of hard links, and that folder (gone on return: the result's
        documents are named by it); raises :class:`EditRefused` with its problems."""
        staging = Path(tempfile.mkdtemp(prefix="staging-", dir=self._work_folder()))
        try:
            for name in self._watched():
                if name in contents:
                    continue
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(self.folder / name, target)
                except OSError:  # a file system without hard links
                    shutil.copy2(self.folder / name, target)
            for name, data in contents.items():
                if data is not None:
                    target = staging / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
            try:
                result = load_case(staging, cache=self._cache)
            except CaseError as err:
                raise EditRefused(self._moved(p, staging) for p in err.problems) from None
            result.warnings = [self._moved(p, staging) for p in result.warnings]
            result.inputs = tuple(self.folder / p.relative_to(staging) for p in result.inputs)
            return result, staging
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _moved(self, found: Problem, staging: Path) -> Problem:
        if found.file.is_relative_to(staging):
            return replace(found, file=self.folder / found.file.relative_to(staging))
        return found

    def _work_folder(self) -> Path:
        """The case's :data:`WORK_FOLDER`, made (with a ``.gitignore`` of ``*``) if need be."""
        work = self.folder / WORK_FOLDER
        if not (work / ".gitignore").exists():
            work.mkdir(exist_ok=True)
            write_atomic(work / ".gitignore", "# argmap edit's backups and scratch files\n*\n")
        return work

    def _write(
        self, contents: Mapping[str, bytes | None], description: str, *, backup: bool
    ) -> EditResult:
        """Write the files of one edit, all or none: each new file is written beside its
        target, then each renamed over it; a failure puts back what was already replaced."""
        backups = []
        if backup:
            for name in contents:
                path = self.folder / name
                if name not in self._backed_up and path.exists():
                    self._work_folder()
                    kept = keep_backup(path, self.backups / name)
                    if kept is not None:
                        backups.append(kept)
        staged: dict[str, Path | None] = {}
        before: dict[str, bytes | None] = {}
        try:
            for name, data in contents.items():
                path = self.folder / name
                before[name] = path.read_bytes() if path.is_file() else None
                staged[name] = None if data is None else _beside(path, data)
            replaced: list[str] = []
            try:
                for name, temp in staged.items():
                    if temp is None:
                        (self.folder / name).unlink(missing_ok=True)
                    else:
                        os.replace(temp, self.folder / name)
                    replaced.append(name)
            except OSError as err:
                for name in replaced:
                    _put_back(self.folder / name, before[name])
                raise ArgmapError(
                    f"cannot write {self.folder / name}: {err.strerror}; the edit's other "
                    "files were put back as they were, so nothing of it is on disk"
                ) from None
        except OSError as err:
            raise ArgmapError(f"cannot write in {self.folder}: {err.strerror}") from None
        finally:
            for temp in staged.values():
                if temp is not None:
                    temp.unlink(missing_ok=True)
        written = []
        for name, data in contents.items():
            self._backed_up.add(name)
            written.append(self.folder / name)
            self._texts.pop(name, None)
            if data is not None:
                self._texts[name] = data.decode("utf-8")
        self._stamps = {name: self._stamps.get(name) for name in self._watched()}
        for name in set(contents) | {n for n, s in self._stamps.items() if s is None}:
            self._stamps[name] = _stamp(self.folder / name)
        return EditResult(description, tuple(written), tuple(backups), tuple(self._result.warnings))


def _beside(path: Path, data: bytes) -> Path:
    """``data`` written to a new file beside ``path`` (its folder made if need be), with
    ``path``'s permission bits if it exists; renamed over ``path``, it replaces it whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        if path.exists():
            os.chmod(temp, stat.S_IMODE(path.stat().st_mode))
        else:
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(temp, 0o666 & ~mask)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _put_back(path: Path, data: bytes | None) -> None:
    """Best effort: ``path`` as it was before a failed edit."""
    try:
        if data is None:
            path.unlink(missing_ok=True)
        else:
            write_atomic(path, data)
    except (OSError, ArgmapError):
        pass


def _value_at(node: yaml.Node, path: Sequence[str]) -> yaml.Node | None:
    for part in path:
        found = yamlpatch.child(node, part)
        if found is None:
            return None
        node = found
    return node


def _same(node: yaml.Node | None, value: Value) -> bool:
    return isinstance(node, yaml.ScalarNode) and isinstance(value, str) and node.value == value


def _references(root: yaml.Node | None, ident: str) -> list[yaml.ScalarNode]:
    """Every scalar of a case file that names ``ident`` where an id is expected."""
    found: list[yaml.ScalarNode] = []

    def visit(item: yaml.Node | None, fields: Mapping[str, str]) -> None:
        if not isinstance(item, yaml.MappingNode):
            return
        for key, value in item.value:
            how = fields.get(key.value)
            if how == "value" and isinstance(value, yaml.ScalarNode) and value.value == ident:
                found.append(value)
            elif how == "list" and isinstance(value, yaml.SequenceNode):
                found.extend(
                    v for v in value.value if isinstance(v, yaml.ScalarNode) and v.value == ident
                )
            elif how == "keys" and isinstance(value, yaml.MappingNode):
                found.extend(k for k, _ in value.value if k.value == ident)

    if not isinstance(root, yaml.MappingNode):
        return found
    for key, value in root.value:
        if key.value in _REFERENCES and isinstance(value, yaml.SequenceNode):
            for item in value.value:
                visit(item, _REFERENCES[key.value])
        elif key.value == "scenarios" and isinstance(value, yaml.SequenceNode):
            for scenario in value.value:
                changes = yamlpatch.child(scenario, "changes")
                for change in changes.value if isinstance(changes, yaml.SequenceNode) else ():
                    visit(yamlpatch.child(change, "items"), _SCENARIO_REFERENCES)
                    visit(change, {"ratings": "keys"})
    return found
