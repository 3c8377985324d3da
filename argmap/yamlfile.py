"""Strict YAML reading with positions.

Case files are read with the C-accelerated composer; while its node tree is turned
into plain data, the line of every key and item is kept in compact arrays (the tree
itself, many times the size of the data, is let go), so that an error can be located
later. Every scalar stays a string (YAML's failsafe schema),
an empty plain value becomes ``None``, and the things that make YAML surprising
are refused: duplicate keys, anchors and aliases, tags, tab indentation, several
documents, empty files.

Case files are read without ever blocking or reading without end: a named pipe, a device or
a folder where a file should be is described (:func:`not_a_file`), never opened for reading
(:func:`read_regular`).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from array import array
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .problems import CaseError
from .rules import problem
from .text import NOT_TEXT, first_not_text

# NOT_TEXT is defined with the rule for text (argmap.text) and kept here for its users.
__all__ = [
    "MAX_DEPTH",
    "NOT_TEXT",
    "Loc",
    "YamlDocument",
    "compose_text",
    "splice_item",
    "not_a_file",
    "read_regular",
    "read_yaml",
]

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

_TAGS = {
    yaml.ScalarNode: yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG,
    yaml.SequenceNode: yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
    yaml.MappingNode: yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
}


class _TextTags:
    """Composes a case file with every value read as text: the tag of a node is its kind's
    (a string, a list, a mapping), not one guessed from each value's look by PyYAML's
    resolver, whose expressions would run on every scalar for nothing."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        return _TAGS[kind]

    def descend_resolver(self, current_parent: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


@cache
def _composer(loader: type) -> type:
    """``loader`` (the C-accelerated one, or PyYAML's own) reading every value as text."""
    return type(f"Text{loader.__name__}", (_TextTags, loader), {})


_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings accepted; case files need a handful of levels."""
Loc = tuple[str | int, ...]
_SCAN_LIMIT = 16
"""Mappings up to this many keys are searched for a key; larger ones are indexed."""


class _Lines:
    """Where the entries of one mapping or list of a file stand: the positions the node tree
    held, without the tree (its nodes and marks cost many times the data they describe).

    ``keys`` are a mapping's keys in file order (None for a list), ``lines`` the 1-based
    line of each key or item, ``inner`` the positions inside each entry's value (None where
    no value is a mapping or list).
    """

    __slots__ = ("inner", "keys", "lines", "where")

    def __init__(
        self, keys: tuple[str, ...] | None, lines: array[int], inner: list[_Lines | None] | None
    ) -> None:
        self.keys = keys
        self.lines = lines
        self.inner = inner
        self.where: dict[str, int] | None = None
        """Key → index, built for a large mapping the first time a key inside it is looked
        up, so thousands of problems in one mapping cost one pass over it, not one each."""

    def index(self, part: str | int) -> int | None:
        """The index of the entry at ``part`` (a key, or a list index), or None."""
        if self.keys is None:
            if isinstance(part, int) and 0 <= part < len(self.lines):
                return part
            return None
        if not isinstance(part, str):  # keys are text
            return None
        if len(self.keys) <= _SCAN_LIMIT:
            return self.keys.index(part) if part in self.keys else None
        if self.where is None:
            # Keys are unique (read_yaml refuses duplicates), so no entry hides another.
            self.where = {key: i for i, key in enumerate(self.keys)}
        return self.where.get(part)


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its plain data and the line of every key and item in it."""

    path: Path
    data: Any
    positions: _Lines = field(repr=False, compare=False)

    def line_of(self, loc: Loc) -> int:
        """The 1-based line of the key or item at ``loc``.

        Where the path runs out (a missing key), the line of the deepest
        existing mapping or item is given.
        """
        at: _Lines | None = self.positions
        line = 1  # file-level problems point at the file's start
        for part in loc:
            if at is None:
                return line
            index = at.index(part)
            if index is None:
                return line
            line = at.lines[index]
            at = at.inner[index] if at.inner is not None else None
        return line


def _refuse(path: Path, line: int, rule_type: str, /, **context: Any) -> CaseError:
    return CaseError([problem(rule_type, path, line, **context)])


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise _refuse(path, line, "binary_file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise _refuse(
            path, line, "not_utf8", byte=f"{raw[err.start]:02x}", offset=err.start
        ) from None
    return text.removeprefix("\ufeff")


_DIRECTIVE = re.compile(r"^%", re.MULTILINE)


def _may_hold_tokens(text: str) -> bool:
    """Whether ``text`` has what a file needs to hold an anchor (&), an alias (*), a tag (!)
    or a directive (% at a line's start); `in` looks for a character many times faster than
    a regular expression with a choice does."""
    return (
        "&" in text or "*" in text or "!" in text or ("%" in text and bool(_DIRECTIVE.search(text)))
    )


def _tag_as_written(handle: str | None, suffix: str) -> str:
    if handle is not None:
        return handle + suffix  # !!binary, !secret, !e!thing
    return suffix if suffix == "!" else f"!<{suffix}>"  # the non-specific tag, a verbatim one


def _refuse_anchors_and_tags(path: Path, text: str) -> None:
    """Anchors, aliases and tags are refused where they stand.

    Every value is read as text, so a tag would be dropped without a word (`!!binary`,
    `!!python/name:…`, a local `!secret`): what the file says would not be what it means.
    """
    for token in yaml.scan(text, Loader=_Loader):
        line = token.start_mark.line + 1
        if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
            raise _refuse(path, line, "anchor", anchor=token.value)
        if isinstance(token, yaml.TagToken):
            raise _refuse(path, line, "yaml_tag", tag=_tag_as_written(*token.value))
        if isinstance(token, yaml.DirectiveToken) and token.name == "TAG":
            handle, prefix = token.value
            raise _refuse(path, line, "yaml_tag", tag=f"%TAG {handle} {prefix}")


def _control_escape(path: Path, node: yaml.ScalarNode) -> None:
    """What YAML refuses in a file can still come in through a double-quoted escape such as
    "\\0" or "\\e": a NUL breaks Graphviz, an ESC drives the terminal."""
    bad = first_not_text(node.value)
    if bad is not None:
        raise _refuse(path, node.start_mark.line + 1, "control_escape", code=f"{ord(bad):04X}")


def _to_data(path: Path, node: yaml.Node, escapes: bool, depth: int = 0) -> tuple[Any, _Lines]:
    """The plain data of a mapping or list node and the positions of its entries.

    Every scalar stays a string; a plain empty one (`key:`) is None (the C composer marks
    plain style as '', the pure-Python one as None; quoted '' and "" stay empty strings).
    Only a file with ``escapes`` (a backslash anywhere) can hold a character its text could
    not: only then is each value looked through.
    """
    if depth >= MAX_DEPTH:
        raise _refuse(path, node.start_mark.line + 1, "too_deep", depth=MAX_DEPTH)
    scalar = yaml.ScalarNode
    inner: list[_Lines | None] | None = None
    if isinstance(node, yaml.SequenceNode):
        items: list[Any] = []
        for index, item in enumerate(node.value):
            if isinstance(item, scalar):
                if escapes:
                    _control_escape(path, item)
                items.append(item.value if item.value or item.style else None)
            else:
                value, at = _to_data(path, item, escapes, depth + 1)
                items.append(value)
                if inner is None:
                    inner = [None] * len(node.value)
                inner[index] = at
        lines = array("i", [item.start_mark.line + 1 for item in node.value])
        return items, _Lines(None, lines, inner)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for index, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, scalar):
                raise _refuse(path, key_node.start_mark.line + 1, "key_not_text")
            key = key_node.value
            if key in result:
                first = node.value[list(result).index(key)][0].start_mark.line + 1
                line = key_node.start_mark.line + 1
                raise _refuse(path, line, "duplicate_key", key=key, first=first)
            if isinstance(value_node, scalar):
                if escapes:
                    _control_escape(path, value_node)
                result[key] = value_node.value if value_node.value or value_node.style else None
            else:
                result[key], at = _to_data(path, value_node, escapes, depth + 1)
                if inner is None:
                    inner = [None] * len(node.value)
                inner[index] = at
        lines = array("i", [key.start_mark.line + 1 for key, _ in node.value])
        return result, _Lines(tuple(result), lines, inner)
    raise _refuse(path, node.start_mark.line + 1, "unsupported_node")


def _position(mark: Any) -> tuple[int, int]:
    return (mark.line, mark.column)


def _quote_at(text: str, mark: Any) -> str | None:
    """The quote character at ``mark`` (both loaders count code points), if one is there."""
    found = text[mark.index : mark.index + 1]
    return found if found in ('"', "'") else None


def _runaway_quote(text: str, err: yaml.MarkedYAMLError) -> tuple[int, str, int] | None:
    """A quoted value that ran on from an earlier line to where the YAML broke, as
    (line it starts on, its quote character, line the error is on); None if there is none.

    A quote left open swallows the lines after it up to the next quote of its kind, which
    closes it; the file breaks only there, often far below. The problem starts at the
    quote that was left open.
    """
    problem_mark = err.problem_mark
    if problem_mark is None:
        return None
    if "quoted scalar" in (err.context or "") and err.context_mark is not None:
        start = err.context_mark  # the scanner was inside the quoted value when it broke
        quote = _quote_at(text, start)
        if quote and start.line < problem_mark.line:
            return start.line + 1, quote, problem_mark.line + 1
        return None
    last = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if _position(token.start_mark) >= _position(problem_mark):
                break
            if isinstance(token, yaml.ScalarToken) and not token.plain:
                last = token
    except yaml.YAMLError:
        pass  # the scanner stops at or after the problem; the tokens before it are what count
    if last is None or not last.start_mark.line < last.end_mark.line == problem_mark.line:
        return None
    quote = _quote_at(text, last.start_mark)
    return (last.start_mark.line + 1, quote, problem_mark.line + 1) if quote else None


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def not_a_file(path: Path) -> str | None:
    """What ``path`` is when it is no regular file, links followed — 'a folder', 'a named
    pipe', 'a link to a device', 'a symbolic link that loops' — or None when it is one.

    Looks, never opens. Raises :class:`OSError` when it cannot tell (permission denied).
    """
    linked = stat.S_ISLNK(path.lstat().st_mode)
    try:
        mode = path.stat().st_mode
    except OSError as err:
        if not linked:
            raise
        if err.errno == errno.ELOOP:
            return "a symbolic link that loops"
        if err.errno in (errno.ENOENT, errno.ENOTDIR):
            return "a link to a file that does not exist"
        raise
    if stat.S_ISREG(mode):
        return None
    return f"a link to {_kind(mode)}" if linked else _kind(mode)


_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # opening a named pipe would wait for a writer
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def read_regular(path: Path, limit: int | None = None) -> bytes | str:
    """The bytes of the regular file at ``path``; or, when it is no regular file, what it is
    ("a named pipe", "a device", "a folder"), found on the open file so that nothing can swap it in
    between: a named pipe is never waited on, a device never read.

    With a ``limit``, at most ``limit + 1`` bytes are read: more than ``limit`` means the
    file is too large, without its being read whole. Raises :class:`OSError`.
    """
    descriptor = os.open(path, _READ_FLAGS)
    try:
        info = os.fstat(descriptor)
    except OSError:
        os.close(descriptor)
        raise
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        return _kind(info.st_mode)
    with os.fdopen(descriptor, "rb") as file:
        most = None if limit is None else limit + 1
        # The size the file has and one byte more, to see whether it grew meanwhile (a read
        # of `limit` bytes would allocate them for any file).
        wanted = info.st_size + 1 if most is None else min(info.st_size + 1, most)
        data = file.read(wanted)
        if len(data) == wanted and wanted != most:
            data += file.read(-1 if most is None else most - wanted)
        return data


def read_yaml(path: Path, *, regular_only: bool = False, data: bytes | None = None) -> YamlDocument:
    """Read one case file strictly; raises :class:`CaseError` naming file and line.

    With ``regular_only`` (the loader, reading a case), a path that is no regular file is
    refused without waiting on it or reading it (others may read a pipe they were given).
    """
    try:
        if data is not None:  # the caller read the file already
            raw: bytes | str = data
        else:
            raw = read_regular(path) if regular_only else path.read_bytes()
    except OSError as err:
        raise _refuse(path, 1, "unreadable_file", reason=err.strerror) from None
    if isinstance(raw, str):
        raise _refuse(path, 1, "not_a_case_file", what=raw, folder=path.parent.name)
    text = _decode(path, raw)
    try:
        if _may_hold_tokens(text):
            _refuse_anchors_and_tags(path, text)
        root = yaml.compose(text, Loader=_composer(_Loader))
    except yaml.MarkedYAMLError as err:
        problem_line = err.problem_mark.line + 1 if err.problem_mark else None
        context_line = err.context_mark.line + 1 if err.context_mark else None
        line = problem_line or context_line or 1
        at_end = err.problem_mark is not None and err.problem_mark.index >= len(text.rstrip())
        # A tab at the start of a line is content inside a block or quoted scalar,
        # which parses; anywhere else the parser fails on or after it.
        for tab in _TAB_INDENT.finditer(text):
            tab_line = text.count("\n", 0, tab.start()) + 1
            if tab_line <= line:
                raise _refuse(path, tab_line, "tab_indentation") from None
            break
        if context_line and at_end:
            line = context_line  # an unclosed quote or bracket: point at where it opens
        elif runaway := _runaway_quote(text, err):
            start, quote, end = runaway
            raise _refuse(
                path, start, "unclosed_quote", quote=quote, end=end, problem=err.problem
            ) from None
        if "single document" in (err.context or ""):
            raise _refuse(path, line, "several_documents") from None
        what = err.problem or "malformed YAML"
        context = err.context if err.context and err.context != what else ""
        if context and context_line and context_line != line:
            context += f" started on line {context_line}"
        raise _refuse(
            path, line, "malformed_yaml", problem=what, context=f" ({context})" if context else ""
        ) from None
    except yaml.reader.ReaderError as err:
        # A character YAML does not allow in a file; the loaders give its position in
        # different units (bytes or code points), so find the character itself.
        char = chr(err.character) if isinstance(err.character, int) else ""
        at = text.find(char) if char else -1
        raise _refuse(
            path,
            text.count("\n", 0, at) + 1 if at >= 0 else 1,
            "control_character",
            code=f"{ord(char) if char else 0:04X}",
        ) from None
    except yaml.YAMLError as err:
        raise _refuse(path, 1, "yaml_error", error=str(err)) from None
    except RecursionError:  # the pure-Python composer recurses once per level
        raise _refuse(path, 1, "too_deep", depth=MAX_DEPTH) from None
    if root is None or (isinstance(root, yaml.ScalarNode) and root.value == ""):
        raise _refuse(path, 1, "empty_file")
    if not isinstance(root, yaml.MappingNode):
        raise _refuse(path, root.start_mark.line + 1, "not_a_mapping")
    data, positions = _to_data(path, root, "\\" in text)
    return YamlDocument(path, data, positions)


def compose_text(text: str) -> yaml.Node | None:
    """The node tree of a text :func:`read_yaml` accepted, for an editor that needs where
    each item starts and ends (a loaded document keeps only the line of each key and item)."""
    root: yaml.Node | None = yaml.compose(text, Loader=_composer(_Loader))
    return root


def _shifted(at: _Lines | None, delta: int) -> _Lines | None:
    """Positions ``at`` moved ``delta`` lines down (new arrays: documents share positions)."""
    if at is None or not delta:
        return at
    lines = array("i", (line + delta for line in at.lines))
    inner = None if at.inner is None else [_shifted(i, delta) for i in at.inner]
    return _Lines(at.keys, lines, inner)


def splice_item(
    doc: YamlDocument, key: str, index: int, snippet: str, first_line: int, delta: int
) -> YamlDocument | None:
    """``doc`` with item ``index`` of its top-level list ``key`` read again from ``snippet``
    (the item's lines as the file now has them, from line ``first_line``), and every line
    after it moved by ``delta`` (the lines the file gained). What :func:`read_yaml` would
    give for the whole new file, at the cost of one item; None when the snippet needs the
    whole file's reading (it is no single item, or holds what read_yaml refuses or checks)."""
    if _TAB_INDENT.search(snippet) or _may_hold_tokens(snippet):
        return None
    try:
        root = yaml.compose(snippet, Loader=_composer(_Loader))
    except yaml.YAMLError:
        return None
    if not (
        isinstance(root, yaml.SequenceNode)
        and len(root.value) == 1
        and isinstance(root.value[0], yaml.MappingNode)
    ):
        return None
    outer = doc.positions
    where = outer.index(key)
    items = doc.data.get(key)
    if where is None or outer.inner is None or not isinstance(items, list):
        return None
    listed = outer.inner[where]
    if listed is None or listed.keys is not None or not 0 <= index < len(items):
        return None
    try:
        data, at = _to_data(doc.path, root.value[0], "\\" in snippet, 2)
    except CaseError:
        return None
    item_line = root.value[0].start_mark.line + first_line
    lines = array("i", listed.lines)
    inner: list[_Lines | None] = (
        list(listed.inner) if listed.inner is not None else [None] * len(lines)
    )
    lines[index] = item_line
    inner[index] = _shifted(at, first_line - 1)
    for after in range(index + 1, len(lines)):
        lines[after] += delta
        inner[after] = _shifted(inner[after], delta)
    new_list = _Lines(None, lines, inner)
    root_lines = array("i", outer.lines)
    root_inner: list[_Lines | None] = list(outer.inner)
    root_inner[where] = new_list
    for after in range(where + 1, len(root_lines)):
        root_lines[after] += delta
        root_inner[after] = _shifted(root_inner[after], delta)
    new_items = list(items)
    new_items[index] = data
    return YamlDocument(
        doc.path, {**doc.data, key: new_items}, _Lines(outer.keys, root_lines, root_inner)
    )
