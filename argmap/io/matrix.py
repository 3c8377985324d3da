"""The ACH matrix as a spreadsheet, shared by the `csv` and `xlsx` formats.

Layout: a key row (``id``, ``summary``, ``kind``, ``source``, ``credibility``, ``relevance``,
then one column per leaf hypothesis id), then one row per evidence item. Reading an edited
sheet back (:func:`merge_into`) compares it with the case, lists every changed cell, and
edits the evidence YAML in place with ruamel.yaml's round-trip mode, keeping comments, key
order, flow or block style and quoting; each edited file keeps a copy of its previous text
as a numbered backup (``FILE.bak``, then ``FILE.bak2``…). The edited case is loaded in a
staging folder first: nothing is written unless it still validates.
"""

from __future__ import annotations

import copy
import difflib
import io
import posixpath
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

from ..model import RATINGS, Case
from ..problems import ArgmapError, CaseError, display_path, format_problems
from ..vocabulary import or_list

__all__ = [
    "FIXED_KEYS",
    "FORMULA_STARTS",
    "HEADER_SEARCH",
    "LABELS",
    "LEVELS",
    "Sheet",
    "Value",
    "formula_safe",
    "header",
    "header_rows",
    "merge_into",
    "refuse_new_case",
    "rows",
]

FIXED_KEYS = ("id", "summary", "kind", "source", "credibility", "relevance")
"""Keys of the columns before the hypotheses; only credibility and relevance are read back."""
LABELS = {
    "id": "Id",
    "summary": "Evidence",
    "kind": "Kind",
    "source": "Source",
    "credibility": "Credibility",
    "relevance": "Relevance",
}
"""Column titles people read (the xlsx header row)."""
LEVELS = ("high", "medium", "low")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a formula (or the start of one) to a spreadsheet."""


def refuse_new_case(matrix: str, fmt: str, path: Path) -> NoReturn:
    """A spreadsheet cannot become a new case: it has ratings but no quotes or sources."""
    raise ArgmapError(
        f"{matrix} holds ratings, not the quotes and sources a case is made of, so it "
        "cannot become a new case; update an existing one with "
        f"`argmap import {fmt} {display_path(path)} --into CASE`"
    )


def formula_safe(text: str) -> str:
    """Text that no spreadsheet reads as a formula: a leading ``'`` where it would be one.

    >>> formula_safe("=cmd|' /C calc'!A0")
    "'=cmd|' /C calc'!A0"
    >>> formula_safe("plain")
    'plain'
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def column_letter(number: int) -> str:
    """Spreadsheet column name of a 1-based column number.

    >>> column_letter(1), column_letter(26), column_letter(27)
    ('A', 'Z', 'AA')
    """
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(sheet: str, row: int, column: int) -> str:
    """``matrix!D7`` for 1-based row and column."""
    return f"{sheet}!{column_letter(column)}{row}"


def header(case: Case) -> list[str]:
    """The key row: fixed columns, then the leaf hypothesis ids in matrix order."""
    return [*FIXED_KEYS, *(h.id for h in case.leaves)]


def rows(case: Case) -> list[list[str]]:
    """One row per evidence item, in case order; an unrated cell is empty."""
    return [
        [
            e.id,
            e.summary,
            e.kind,
            e.source or "",
            e.credibility,
            e.relevance,
            *(e.ratings.get(h.id, "") for h in case.leaves),
        ]
        for e in case.evidence
    ]


# --- reading an edited sheet -------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """What a cell holds, as text; ``problem`` says why it is not usable text."""

    text: str
    problem: str | None = None


@dataclass(frozen=True)
class Sheet:
    """An edited matrix as read from a file, rows from row 1."""

    name: str
    """How cells are named in messages: the xlsx sheet, or the CSV file's name."""
    rows: list[list[Value]]
    first_data_row: int
    """1-based row of the first evidence item (after the key row and any title row)."""
    digest: str | None = None
    """Digest of the case when the sheet was exported, where the file records it."""
    key_row: int = 1
    """1-based row of the key row (``id``, ``summary``, …)."""
    notes: tuple[str, ...] = ()
    """Lines to print before the changes: how the file was read, where that is worth saying."""


@dataclass(frozen=True)
class Change:
    """One cell whose value differs from the case."""

    evidence: str
    field: str
    """A leaf hypothesis id, or 'credibility' / 'relevance'."""
    before: str | None
    """None for an unrated cell."""
    after: str | None
    cell: str
    """Where it was read, e.g. matrix!D7."""

    @property
    def is_rating(self) -> bool:
        return self.field not in ("credibility", "relevance")


HEADER_SEARCH = 10
"""Rows looked at for the key row: a spreadsheet may put a title or a blank row above it."""


def header_rows(cells: Sequence[Sequence[Value]]) -> tuple[int, int]:
    """1-based rows of the key row and of the first evidence item.

    The key row is the first row with an ``id`` cell (row 1 where there is none: the error
    names it); the titles people read (``Id``, ``Evidence``, … as argmap's XLSX has them
    under the keys, and a spreadsheet's "Save as CSV" keeps) may follow it.

    >>> header_rows([[Value("Matrix")], [Value("id"), Value("summary")], [Value("Id")], []])
    (2, 4)
    """
    key_row = next(
        (
            number
            for number, row in enumerate(cells[:HEADER_SEARCH], 1)
            if any(_text(value) == "id" for value in row)
        ),
        1,
    )
    first_data_row = key_row + 1
    if key_row < len(cells):
        keys = [_text(value) for value in cells[key_row - 1]]
        below = [_text(value) for value in cells[key_row]]
        titles = {LABELS[key] for key in FIXED_KEYS}
        if "id" in keys and keys.index("id") < len(below) and below[keys.index("id")] in titles:
            first_data_row += 1
    return key_row, first_data_row


def _suggestion(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _text(value: Value) -> str:
    # Excel keeps a typed leading apostrophe as a text marker; a CSV may carry it literally.
    text = value.text.strip()
    return text[1:].strip() if text.startswith("'") else text


def read_changes(case: Case, sheet: Sheet) -> list[Change]:
    """Every cell of ``sheet`` that differs from ``case``.

    Raises :class:`ArgmapError` listing every problem with its cell when the sheet does not
    fit the case: unknown evidence ids or hypothesis columns, invalid codes, formulas.
    """
    problems: list[str] = []
    keys = sheet.rows[sheet.key_row - 1] if len(sheet.rows) >= sheet.key_row else []
    leaves = [h.id for h in case.leaves]
    groups = {h.id for h in case.groups}
    columns: dict[str, int] = {}
    for index, value in enumerate(keys):
        spot = cell_name(sheet.name, sheet.key_row, index + 1)
        key = _text(value)
        if value.problem:
            problems.append(f"{spot}: {value.problem}")
            continue
        if not key:
            continue  # an analyst's own column, without a key: not ours to read
        if key in columns:
            first = cell_name(sheet.name, sheet.key_row, columns[key] + 1)
            problems.append(f"{spot}: column '{key}' appears twice (first at {first})")
        elif key in groups:
            problems.append(
                f"{spot}: '{key}' has sub-hypotheses and is not rated itself; "
                "rate its sub-hypotheses"
            )
        elif key not in FIXED_KEYS and key not in leaves:
            problems.append(
                f"{spot}: '{key}' is not a hypothesis of the case"
                + _suggestion(key, [*leaves, *FIXED_KEYS])
            )
        else:
            columns[key] = index
    if "id" not in columns:
        problems.append(
            f"{cell_name(sheet.name, 1, 1)}: no 'id' column in the key row "
            "(row 1 of an argmap export names the columns; export the case again)"
        )
        raise _sheet_error(problems)

    by_id = case.evidence_by_id
    seen: dict[str, str] = {}
    changes: list[Change] = []
    for row_number, row in enumerate(sheet.rows[sheet.first_data_row - 1 :], sheet.first_data_row):

        def at(key: str, row: list[Value] = row) -> Value:
            index = columns[key]
            return row[index] if index < len(row) else Value("")

        def where(key: str, row_number: int = row_number) -> str:
            return cell_name(sheet.name, row_number, columns[key] + 1)

        read = {key: at(key) for key in columns}
        if all(not v.text.strip() and not v.problem for v in read.values()):
            continue  # an empty row
        ident = _text(read["id"])
        if read["id"].problem or not ident:
            problems.append(
                f"{where('id')}: no evidence id in this row"
                + (f" ({read['id'].problem})" if read["id"].problem else "")
                + "; new evidence is added in the YAML files, not in the sheet"
            )
            continue
        if ident not in by_id:
            problems.append(
                f"{where('id')}: '{ident}' is not an evidence item of the case"
                + _suggestion(ident, by_id)
            )
            continue
        if ident in seen:
            problems.append(f"{where('id')}: '{ident}' appears twice (first at {seen[ident]})")
            continue
        seen[ident] = where("id")
        item = by_id[ident]
        for key in columns:
            if key in ("id", "summary", "kind", "source"):
                continue
            value = read[key]
            if value.problem:
                problems.append(f"{where(key)}: {value.problem}")
                continue
            text = _text(value)
            if key in ("credibility", "relevance"):
                level = text.lower()
                if level not in LEVELS:
                    shown = f"'{text}' is not a level" if text else "empty"
                    problems.append(f"{where(key)}: {key} {shown}; use high, medium or low")
                    continue
                before = getattr(item, key)
                if level != before:
                    changes.append(Change(ident, key, before, level, where(key)))
                continue
            rating = text.upper() or None
            if rating is not None and rating not in RATINGS:
                problems.append(
                    f"{where(key)}: '{text}' is not a rating; "
                    f"use {or_list(RATINGS)}, or leave the cell empty for unrated"
                )
                continue
            if rating != item.ratings.get(key):
                changes.append(Change(ident, key, item.ratings.get(key), rating, where(key)))
    if problems:
        raise _sheet_error(problems)
    return changes


def _sheet_error(problems: Sequence[str]) -> ArgmapError:
    count = len(problems)
    head = f"{count} problem{'s' if count != 1 else ''} in the sheet; nothing was changed"
    return ArgmapError(head + ":\n" + "\n".join(f"  {p}" for p in problems))


# --- editing the YAML in place -----------------------------------------------------------

Layout = tuple[int, int, int]
_INDENTS: tuple[Layout, ...] = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 4, 0), (2, 4, 0), (4, 6, 2))
"""(mapping, sequence, offset) layouts tried, to re-emit a file as it was written."""


def _yaml(mapping: int, sequence: int, offset: int) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never re-wrap a line that was not edited
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: Any, data: Any) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _merge(original: list[str], base: list[str], edited: list[str]) -> list[str] | None:
    """Apply the edits (``base`` → ``edited``) to ``original`` line by line.

    ``base`` is the unedited document as the YAML writer emits it; where it differs from the
    file elsewhere (a re-wrapped line, say), those lines stay as the analyst wrote them. None
    when an edit touches a line the writer did not reproduce.
    """
    if base == original:
        return edited
    mapping: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, base, original, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            mapping[block.a + k] = block.b + k
    result: list[str] = []
    cursor = 0
    edits = difflib.SequenceMatcher(None, base, edited, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in edits:
        if tag == "equal":
            continue
        if i1 < i2:
            if any(i not in mapping for i in range(i1, i2)):
                return None
            start, end = mapping[i1], mapping[i2 - 1] + 1
            if end - start != i2 - i1:
                return None
        elif i1 - 1 in mapping:
            start = end = mapping[i1 - 1] + 1
        elif i1 in mapping:
            start = end = mapping[i1]
        else:
            return None
        if start < cursor:
            return None
        result += original[cursor:start] + edited[j1:j2]
        cursor = end
    return result + original[cursor:]


def _key(mapping: Any, wanted: str) -> Any:
    """The key object for ``wanted`` (YAML 1.2 reads an id like `2016` as a number)."""
    return next((key for key in mapping if str(key) == wanted), None)


def _split_comment(token: Any) -> tuple[Any, Any]:
    """A key's comment token split into its end-of-line comment and the lines after it."""
    value = token.value
    cut = value.find("\n") + 1 or len(value)
    head, tail = value[:cut], value[cut:]
    own = copy.copy(token) if head.strip() else None
    if own is not None:
        own.value = head
    rest = None
    if tail:
        rest = copy.copy(token)
        rest.value = "\n" + tail
    return own, rest


def _move_trailing(mapping: Any, source: Any, target: Any) -> None:
    """Move the comment lines and blank lines after ``source`` to follow ``target``."""
    entry = mapping.ca.items.get(source)
    if not entry or entry[2] is None:
        return
    own, rest = _split_comment(entry[2])
    entry[2] = own
    if rest is None:
        return
    into = mapping.ca.items.setdefault(target, [None, None, None, None])
    if into[2] is None:
        into[2] = rest
    else:
        into[2] = copy.copy(into[2])
        into[2].value = into[2].value.rstrip("\n") + "\n" + rest.value.lstrip("\n")


def _scalar_like(old: Any, text: str) -> Any:
    """``text`` quoted as ``old`` was (single, double or plain)."""
    from ruamel.yaml.scalarstring import ScalarString

    return type(old)(text) if isinstance(old, ScalarString) else text


def _insert(mapping: Any, position: int, key: str, value: Any) -> None:
    keys = list(mapping)
    mapping.insert(position, key, value)
    if keys and position >= len(keys) and not mapping.fa.flow_style():
        _move_trailing(mapping, keys[-1], key)


def _delete(mapping: Any, key: Any) -> None:
    keys = list(mapping)
    index = keys.index(key)
    if index == len(keys) - 1 and index > 0 and not mapping.fa.flow_style():
        _move_trailing(mapping, key, keys[index - 1])
    mapping.ca.items.pop(key, None)
    del mapping[key]


_LEVEL_BEFORE = ("date", "tags", "ratings", "rationale", "group", "deceptive")


def _set_level(item: Any, field: str, level: str) -> None:
    existing = _key(item, field)
    if existing is not None:
        item[existing] = _scalar_like(item[existing], level)
        return
    keys = [str(k) for k in item]
    if field == "relevance" and "credibility" in keys:
        position = keys.index("credibility") + 1
    else:
        later = [keys.index(k) for k in ("relevance", *_LEVEL_BEFORE) if k in keys]
        position = min(later) if later else len(keys)
    _insert(item, position, field, level)


def _set_rating(
    item: Any, hypothesis: str, rating: str | None, order: list[str], flow: bool
) -> None:
    from ruamel.yaml.comments import CommentedMap

    ratings_key = _key(item, "ratings")
    ratings = item[ratings_key] if ratings_key is not None else None
    if ratings is None or not isinstance(ratings, CommentedMap):
        if rating is None:
            return
        ratings = CommentedMap()
        if flow:
            ratings.fa.set_flow_style()
        keys = [str(k) for k in item]
        later = [keys.index(k) for k in ("rationale", "group", "deceptive") if k in keys]
        if ratings_key is not None:
            item[ratings_key] = ratings
        else:
            _insert(item, min(later) if later else len(keys), "ratings", ratings)
    existing = _key(ratings, hypothesis)
    if rating is None:
        if existing is not None:
            _delete(ratings, existing)
        return
    if existing is not None:
        ratings[existing] = _scalar_like(ratings[existing], rating)
        return
    rank = {hid: n for n, hid in enumerate(order)}
    mine = rank.get(hypothesis, len(order))
    keys = [str(k) for k in ratings]
    # Keep the file's own order where it differs from the matrix's: after the last key before.
    before = [n for n, k in enumerate(keys) if rank.get(k, len(order)) < mine]
    position = before[-1] + 1 if before else 0
    _insert(ratings, position, hypothesis, rating)


@dataclass
class _File:
    """An evidence file being edited."""

    path: Path
    raw: bytes
    original: str
    root: Any
    """The file's node tree as the strict loader composed it (positions of every item)."""
    items: dict[str, int]
    """Evidence id → index in the file's `evidence:` list."""
    edited: str | None = None
    reformatted: bool = False


def _writer(text: str, data: Any, preferred: Layout | None) -> tuple[Any, str, Layout]:
    """The YAML writer whose output of ``data`` is closest to ``text``, with that output."""
    lines = text.splitlines(keepends=True)
    best: tuple[float, Any, str, Layout] | None = None
    for layout in ([preferred] if preferred else []) + [i for i in _INDENTS if i != preferred]:
        yaml = _yaml(*layout)
        base = _dump(yaml, data)
        if base == text:
            return yaml, base, layout
        score = difflib.SequenceMatcher(None, base.splitlines(True), lines, autojunk=False).ratio()
        if best is None or score > best[0]:
            best = (score, yaml, base, layout)
    assert best is not None
    return best[1], best[2], best[3]


def _edit_text(
    text: str, mutate: Callable[[Any], None], preferred: Layout | None
) -> tuple[str, bool, Layout]:
    """``text`` with ``mutate`` applied to its round-trip data; whether it was re-indented."""
    data = _yaml(*_INDENTS[0]).load(text)
    yaml, base, layout = _writer(text, data, preferred)
    mutate(data)
    edited = _dump(yaml, data)
    merged = _merge(text.splitlines(True), base.splitlines(True), edited.splitlines(True))
    return (edited if merged is None else "".join(merged)), merged is None, layout


def _item_spans(lines: list[str], root: Any) -> list[tuple[int, int]] | None:
    """Line ranges of the `evidence:` items (each with the comments after it), or None.

    None where the list is not one item per block of lines (a flow-style list, say).
    """
    import yaml

    if not isinstance(root, yaml.MappingNode):
        return None
    sequence = next((v for k, v in root.value if k.value == "evidence"), None)
    if not isinstance(sequence, yaml.SequenceNode) or sequence.flow_style:
        return None
    starts = []
    for node in sequence.value:
        line, column = node.start_mark.line, node.start_mark.column
        if not isinstance(node, yaml.MappingNode) or node.flow_style or line >= len(lines):
            return None
        if lines[line][:column].strip() != "-":
            return None
        starts.append(line)
    if any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
        return None
    end_mark = sequence.end_mark
    end = min(len(lines), end_mark.line + (1 if end_mark.column else 0))
    return list(zip(starts, [*starts[1:], end], strict=True))


def _apply(item: Any, changes: list[Change], order: list[str], flow: bool) -> None:
    for change in changes:
        if change.is_rating:
            _set_rating(item, change.field, change.after, order, flow)
        else:
            _set_level(item, change.field, change.after or "medium")


def _mostly_flow(root: Any) -> bool:
    """Whether most `ratings:` maps of the file are written in flow style (`{a: C}`)."""
    import yaml

    sequence = next((v for k, v in getattr(root, "value", []) if k.value == "evidence"), None)
    styles = [
        value.flow_style
        for item in getattr(sequence, "value", [])
        if isinstance(item, yaml.MappingNode)
        for key, value in item.value
        if key.value == "ratings" and isinstance(value, yaml.MappingNode)
    ]
    return sum(bool(s) for s in styles) * 2 > len(styles)


def _edit(file: _File, changes: list[Change], order: list[str]) -> None:
    """Apply ``changes`` to the file's text, keeping everything else as written.

    Each edited item is re-emitted on its own, so the cost grows with the items edited, not
    with the file; a file whose items cannot be cut apart is re-emitted whole.
    """
    newline = "\r\n" if "\r\n" in file.original else "\n"
    bom = "\ufeff" if file.original.startswith("\ufeff") else ""
    text = file.original.removeprefix("\ufeff").replace("\r\n", "\n")
    lines = text.splitlines(keepends=True)
    flow = _mostly_flow(file.root)
    by_item: dict[str, list[Change]] = {}
    for change in changes:
        by_item.setdefault(change.evidence, []).append(change)
    spans = _item_spans(lines, file.root)
    result: str | None = None
    if spans is not None:
        edited_lines = list(lines)
        layout: Layout | None = None
        try:
            for ident in sorted(by_item, key=lambda i: -file.items[i]):  # bottom up
                start, end = spans[file.items[ident]]

                def mutate(data: Any, ident: str = ident) -> None:
                    if len(data) != 1 or str(data[0].get("id")) != ident:
                        raise ValueError(f"item '{ident}' is not where the parser put it")
                    _apply(data[0], by_item[ident], order, flow)

                snippet, reformatted, layout = _edit_text("".join(lines[start:end]), mutate, layout)
                file.reformatted = file.reformatted or reformatted
                edited_lines[start:end] = snippet.splitlines(keepends=True)
            result = "".join(edited_lines)
        except Exception:  # noqa: BLE001 - an unusual layout: re-emit the file whole
            file.reformatted = False
    if result is None:

        def mutate_all(data: Any) -> None:
            items = data["evidence"]
            for ident, item_changes in by_item.items():
                _apply(items[file.items[ident]], item_changes, order, flow)

        result, file.reformatted, _ = _edit_text(text, mutate_all, None)
    file.edited = bom + result.replace("\n", newline)


def _source_files(folder: Path, case: Case) -> list[str]:
    """Case-relative paths of the source texts (evidence files all sit in `evidence/`)."""
    names = []
    for s in case.sources:
        if s.file is not None:
            name = posixpath.normpath(posixpath.join("evidence", s.file))
            if (folder / name).is_file():
                names.append(name)
    return names


def _stage(folder: Path, case: Case, texts: dict[Path, str]) -> tuple[Path, Case]:
    """A copy of the case's files with the edited texts; the loaded result."""
    from ..load import case_files, load_case

    staging = Path(tempfile.mkdtemp(prefix=".argmap-merge-"))
    evidence_files = case_files(folder, "evidence")
    relative = [p.relative_to(folder).as_posix() for p in case_files(folder, "hypotheses")]
    relative += [p.relative_to(folder).as_posix() for p in evidence_files]
    relative += _source_files(folder, case)
    for name in relative:
        target = staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        source = folder / name
        if source in texts:
            target.write_text(texts[source], encoding="utf-8", newline="")
        else:
            shutil.copyfile(source, target)
    try:
        return staging, load_case(staging).case
    except CaseError as err:
        shutil.rmtree(staging, ignore_errors=True)
        problems = [
            replace(p, file=folder / p.file.relative_to(staging))
            if p.file.is_relative_to(staging)
            else p
            for p in err.errors
        ]
        raise ArgmapError(
            "the edited case would not load; nothing was changed:\n" + format_problems(problems)
        ) from None


def _expected(case: Case, changes: list[Change]) -> dict[str, tuple[dict[str, str], str, str]]:
    """Evidence id → (ratings, credibility, relevance) the edited case must have."""
    state: dict[str, tuple[dict[str, str], str, str]] = {
        e.id: (dict(e.ratings), e.credibility, e.relevance) for e in case.evidence
    }
    for c in changes:
        ratings, credibility, relevance = state[c.evidence]
        if c.field == "credibility":
            credibility = c.after or "medium"
        elif c.field == "relevance":
            relevance = c.after or "medium"
        elif c.after is None:
            ratings.pop(c.field, None)
        else:
            ratings[c.field] = c.after
        state[c.evidence] = (ratings, credibility, relevance)
    return state


def _line(doc: Any, index: int, change: Change) -> int:
    """The line of the edited key; of the `ratings:` key for a rating taken away."""
    item: tuple[str | int, ...] = ("evidence", index)
    if change.is_rating:
        return int(doc.line_of((*item, "ratings", change.field)))
    return int(doc.line_of((*item, change.field)))


def _show(value: str | None) -> str:
    return value if value is not None else "(unrated)"


def apply_changes(folder: Path, case: Case, changes: list[Change]) -> list[str]:
    """Edit the evidence YAML of ``folder`` so it holds ``changes``; the lines to print."""
    from ..load import case_files
    from ..output import replace_with_backup
    from ..yamlfile import compose_text, read_yaml

    files: dict[str, _File] = {}
    by_path: dict[Path, _File] = {}
    for path in case_files(folder, "evidence"):
        doc = read_yaml(path)
        listed = doc.data.get("evidence") or []
        for index, item in enumerate(listed):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                if path not in by_path:
                    raw = path.read_bytes()
                    original = raw.decode("utf-8")
                    root = compose_text(original.removeprefix("\ufeff"))
                    by_path[path] = _File(path, raw, original, root, {})
                by_path[path].items[item["id"]] = index
                files[item["id"]] = by_path[path]
    touched: dict[Path, list[Change]] = {}
    for change in changes:
        touched.setdefault(files[change.evidence].path, []).append(change)
    order = [h.id for h in case.leaves]
    for path, file_changes in touched.items():
        try:
            _edit(by_path[path], file_changes, order)
        except Exception as err:  # noqa: BLE001 - nothing is written yet; say so, no traceback
            raise ArgmapError(
                f"cannot edit {display_path(path)} in place ({type(err).__name__}: {err}); "
                "nothing was changed"
            ) from None

    texts = {path: by_path[path].edited or "" for path in touched}
    staging, edited_case = _stage(folder, case, texts)
    try:
        expected = _expected(case, changes)
        for e in edited_case.evidence:
            if (dict(e.ratings), e.credibility, e.relevance) != expected[e.id]:
                raise ArgmapError(
                    f"could not edit evidence '{e.id}' safely; nothing was changed "
                    "(please report this with the sheet and the YAML file)"
                )
        lines = []
        for path, file_changes in touched.items():
            doc = read_yaml(staging / path.relative_to(folder))
            for change in file_changes:
                line = _line(doc, by_path[path].items[change.evidence], change)
                what = (
                    f"{change.evidence} × {change.field}"
                    if change.is_rating
                    else f"{change.evidence} {change.field}"
                )
                lines.append(
                    f"{display_path(path)}:{line}: {what}: "
                    f"{_show(change.before)} → {_show(change.after)}"
                )
    finally:
        shutil.rmtree(staging, ignore_errors=True)

    for path in touched:
        if path.read_bytes() != by_path[path].raw:
            raise ArgmapError(
                f"{display_path(path)} changed while the sheet was being read; "
                "nothing was changed, run the import again"
            )
    for path in touched:
        backup = replace_with_backup(path, texts[path].encode("utf-8"))
        assert backup is not None  # the file was read above
        note = " (re-indented by the YAML writer)" if by_path[path].reformatted else ""
        lines.append(f"backup: {display_path(backup)}{note}")
    return lines


def merge_into(folder: Path, sheet: Sheet) -> list[str]:
    """Read the edited ``sheet`` into the case in ``folder``; the lines to print."""
    from ..load import load_case

    case = load_case(folder).case
    changes = read_changes(case, sheet)
    count = len(changes)
    note = []
    if sheet.digest and sheet.digest != case.digest:
        note = [
            "note: the case has changed since this sheet was exported; every cell that differs "
            "from the case as it is now is listed and takes the sheet's value"
        ]
    if not changes:
        return [*sheet.notes, "no changes: the sheet matches the case"]
    lines = apply_changes(folder, case, changes)
    cells = f"{count} cell{'s' if count != 1 else ''}"
    return [*sheet.notes, *note, *lines, f"{cells} changed in {display_path(folder)}"]
