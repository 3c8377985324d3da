"""Strict YAML reading with positions.

Case files are read with the C-accelerated composer: the node tree it builds
already carries line marks, so validation pays nothing for positions until an
error has to be located. Every scalar stays a string (YAML's failsafe schema),
an empty plain value becomes ``None``, and the things that make YAML surprising
are refused: duplicate keys, anchors and aliases, tab indentation, several
documents, empty files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
    "read_yaml",
]

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader


_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)
MAX_DEPTH = 64
"""Deepest nesting of lists and mappings accepted; case files need a handful of levels."""
Loc = tuple[str | int, ...]
_SCAN_LIMIT = 16
"""Mappings up to this many keys are searched for a key; larger ones are indexed."""


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its plain data and the node tree that locates it."""

    path: Path
    data: Any
    root: yaml.Node
    _keys: dict[int, dict[Any, tuple[int, yaml.Node]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    """Mapping node (by id) → key → (line of the key, value node): built for a large
    mapping the first time a line inside it is asked for, so thousands of problems in one
    mapping cost one pass over it, not one each."""

    def _entry(self, node: yaml.MappingNode, key: Any) -> tuple[int, yaml.Node] | None:
        """The line of ``key`` in a mapping and its value node, or None without the key."""
        if len(node.value) <= _SCAN_LIMIT:
            for key_node, value in node.value:
                if key_node.value == key:
                    return key_node.start_mark.line + 1, value
            return None
        entries = self._keys.get(id(node))
        if entries is None:
            # Keys are unique (read_yaml refuses duplicates), so no entry hides another.
            entries = {k.value: (k.start_mark.line + 1, value) for k, value in node.value}
            self._keys[id(node)] = entries
        return entries.get(key)

    def line_of(self, loc: Loc) -> int:
        """The 1-based line of the key or item at ``loc``.

        Where the path runs out (a missing key), the line of the deepest
        existing mapping or item is given.
        """
        node = self.root
        line = 1  # file-level problems point at the file's start
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                entry = self._entry(node, part)
                if entry is None:
                    return line
                line, node = entry
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    return line
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return line
        return line


def _refuse(path: Path, line: int, rule_type: str, /, **context: Any) -> CaseError:
    return CaseError([problem(rule_type, path, line, **context)])


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise _refuse(path, line, "binary_file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise _refuse(
            path, line, "not_utf8", byte=f"{raw[err.start]:02x}", offset=err.start
        ) from None
    return text.removeprefix("\ufeff")


def _refuse_anchors(path: Path, text: str) -> None:
    # Only files that contain '&' or '*' can hold anchors or aliases; scan their events.
    for event in yaml.parse(text, Loader=_Loader):
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            line = event.start_mark.line + 1 if event.start_mark is not None else 1
            raise _refuse(path, line, "anchor", anchor=anchor)


def _to_data(path: Path, node: yaml.Node, depth: int = 0) -> Any:
    if isinstance(node, yaml.ScalarNode):
        # A plain empty scalar (`key:`): the C composer marks plain style as '',
        # the pure-Python one as None; quoted '' and "" stay empty strings.
        if node.value == "" and not node.style:
            return None
        # What YAML refuses in a file can still come in through a double-quoted escape such
        # as "\0" or "\e": a NUL breaks Graphviz, an ESC drives the terminal.
        bad = first_not_text(node.value)
        if bad is not None:
            raise _refuse(path, node.start_mark.line + 1, "control_escape", code=f"{ord(bad):04X}")
        return node.value
    if depth >= MAX_DEPTH:
        raise _refuse(path, node.start_mark.line + 1, "too_deep", depth=MAX_DEPTH)
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(path, item, depth + 1) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise _refuse(path, line, "key_not_text")
            key = key_node.value
            if key in result:
                raise _refuse(path, line, "duplicate_key", key=key, first=lines[key])
            lines[key] = line
            result[key] = _to_data(path, value_node, depth + 1)
        return result
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


def read_yaml(path: Path) -> YamlDocument:
    """Read one case file strictly; raises :class:`CaseError` naming file and line."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise _refuse(path, 1, "unreadable_file", reason=err.strerror) from None
    text = _decode(path, raw)
    try:
        if "&" in text or "*" in text:
            _refuse_anchors(path, text)
        root = yaml.compose(text, Loader=_Loader)
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
    return YamlDocument(path, _to_data(path, root), root)
