"""Small edits of YAML text that leave every other character of the file as it was.

An editor that changes one value of a 500-item file should change one line, not dump the
file again: comments, key order, quoting and blank lines elsewhere stay. Each function here
works on the node tree of the text (:func:`argmap.yamlfile.compose_text`, whose marks are
offsets in code points) and returns an :class:`Edit` — a span of the text and what replaces
it — so that several can be made at once (:func:`apply`). Values are written the way argmap
writes YAML: a scalar plain when it reads back as itself, else double-quoted
(:func:`argmap.casewriter.yaml_quoted`'s escapes); lists and mappings of scalars in flow style
(``[a, b]``, ``{a: C}``) unless they replace a block.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from .yamlfile import compose_text

__all__ = [
    "Edit",
    "apply",
    "child",
    "content_end",
    "insert_entry",
    "line_end",
    "remove_entry",
    "render_scalar",
    "replace_value",
]

WIDTH = 100
"""Lines argmap writes stay within this many characters where they can (a list or mapping
longer than that is written as a block)."""
Value = str | Sequence[str] | Mapping[str, str]
"""What a case file's key holds, as the loader reads it: text, or lists and mappings of text."""


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``new``."""

    start: int
    end: int
    new: str


def apply(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` made; edits must not overlap."""
    out: list[str] = []
    at = len(text)
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        if edit.end > at:
            raise ValueError("overlapping edits")
        out.append(text[edit.end : at])
        out.append(edit.new)
        at = edit.start
    out.append(text[:at])
    return "".join(reversed(out))


_NOT_PLAIN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_QUOTE_TOO = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


_FLOW_INDICATORS = re.compile(r"[,\[\]{}]")


def _reads_plain(document: str, value: str, start: int) -> bool:
    """Whether ``document`` holds ``value`` as its one plain scalar, from offset ``start`` to
    the end of ``value``."""
    try:
        root = compose_text(document)
    except yaml.YAMLError:
        return False
    node = root.value[0] if isinstance(root, yaml.SequenceNode | yaml.MappingNode) else None
    node = node[1] if isinstance(node, tuple) else node
    return (
        isinstance(root, yaml.SequenceNode | yaml.MappingNode)
        and len(root.value) == 1
        and isinstance(node, yaml.ScalarNode)
        and not node.style  # plain: '' (C composer) or None
        and node.value == value
        and node.start_mark.index == start
        and node.end_mark.index == start + len(value)
    )


def render_scalar(value: str, *, in_flow: bool = False) -> str:
    """``value`` as a YAML scalar on one line: plain where YAML reads it back as itself
    (text only: the loader reads every value as text), else double-quoted.

    Inside a flow list or mapping (``in_flow``), a comma or bracket would end the value:
    such text is quoted there.

    >>> render_scalar("C"), render_scalar("a: b"), render_scalar(""), render_scalar("x # y")
    ('C', '"a: b"', '""', '"x # y"')
    >>> render_scalar("a, b"), render_scalar("a, b", in_flow=True)
    ('a, b', '"a, b"')
    """
    may_be_plain = (
        value
        and value == value.strip()
        and not _NOT_PLAIN.search(value)
        and not (in_flow and _FLOW_INDICATORS.search(value))
    )
    # Read back where it will stand: after a key, and inside a flow list as well.
    if (
        may_be_plain
        and _reads_plain(f"k: {value}\n", value, 3)
        and (not in_flow or _reads_plain(f"[{value}]\n", value, 1))
    ):
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    return _QUOTE_TOO.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _flow(value: Value, in_flow: bool = False) -> str:
    if isinstance(value, str):
        return render_scalar(value, in_flow=in_flow)
    if isinstance(value, Mapping):
        entries = (f"{_flow(k, True)}: {_flow(v, True)}" for k, v in value.items())
        return "{" + ", ".join(entries) + "}"
    return "[" + ", ".join(_flow(v, True) for v in value) + "]"


def _block(value: Value, indent: int, newline: str) -> str:
    """A list or mapping as block lines at ``indent``, without the first line's indentation
    and without a line break at the end."""
    pad = " " * indent
    if isinstance(value, Mapping):
        lines = [f"{_flow(k)}: {_flow(v)}" for k, v in value.items()]
    else:
        lines = [f"- {_flow(v)}" for v in value]
    return (newline + pad).join(lines)


def newline_of(text: str) -> str:
    """The line break a file uses (``\\r\\n`` where its first line ends so)."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def line_end(text: str, index: int) -> int:
    """The offset just after the line break that ends the line holding ``index``."""
    if index > 0 and text[index - 1] == "\n":
        return index
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def content_end(text: str, node: yaml.Node) -> int:
    """The offset just after ``node``'s last character of content: a block collection ends
    where the next token starts, a block scalar after the blank lines that follow it; both
    are walked back to their content."""
    while (
        isinstance(node, yaml.MappingNode | yaml.SequenceNode)
        and node.value
        and not (node.flow_style)
    ):
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    index = node.end_mark.index
    while index > node.start_mark.index and text[index - 1] in " \t\r\n":
        index -= 1
    return index


def child(node: yaml.Node, key: str | int) -> yaml.Node | None:
    """The value at ``key`` of a mapping node, or the item at index ``key`` of a list node."""
    if isinstance(node, yaml.MappingNode) and isinstance(key, str):
        return next((v for k, v in node.value if k.value == key), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def _key_node(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((k for k, _ in mapping.value if k.value == key), None)


def _empty(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.value == "" and node.style is None


def replace_value(text: str, mapping: yaml.MappingNode, key: str, value: Value) -> Edit:
    """Give ``key`` (present in ``mapping``) the value ``value``: a scalar replaces the old
    value where it stands (a comment after it stays); a list or mapping is written in flow
    style, or as block lines where the old value was a block list or mapping."""
    old = child(mapping, key)
    key_node = _key_node(mapping, key)
    assert old is not None and key_node is not None
    newline = newline_of(text)
    inside = bool(mapping.flow_style)  # a comma would end a plain value there
    if _empty(old):  # `key:` and nothing: the value follows the colon
        start = text.index(":", key_node.end_mark.index) + 1
        return Edit(start, start, " " + _flow(value, inside))
    start, end = old.start_mark.index, content_end(text, old)
    block = isinstance(old, yaml.MappingNode | yaml.SequenceNode) and not old.flow_style
    if isinstance(value, str) or not block or not value:
        if block:  # a block list replaced by a scalar or an empty one: after the colon
            start = text.index(":", key_node.end_mark.index) + 1
            return Edit(start, end, " " + _flow(value, inside))
        return Edit(start, end, _flow(value, inside))
    return Edit(start, end, _block(value, old.start_mark.column, newline))


def insert_entry(text: str, mapping: yaml.MappingNode, key: str, value: Value) -> Edit:
    """Add ``key: value`` as the last entry of ``mapping`` (which lacks it)."""
    newline = newline_of(text)
    if mapping.flow_style:
        close = mapping.end_mark.index - 1
        assert text[close] == "}"
        if not mapping.value:
            return Edit(close, close, f"{_flow(key, True)}: {_flow(value, True)}")
        end = content_end(text, mapping.value[-1][1])
        return Edit(end, end, f", {_flow(key, True)}: {_flow(value, True)}")
    indent = mapping.start_mark.column
    line = f"{_flow(key)}: {_flow(value)}"
    if not isinstance(value, str) and value and indent + len(line) > WIDTH:
        inner = indent + 2
        line = f"{_flow(key)}:{newline}{' ' * inner}{_block(value, inner, newline)}"
    end = content_end(text, mapping)
    return Edit(end, end, f"{newline}{' ' * indent}{line}")


def remove_entry(text: str, mapping: yaml.MappingNode, key: str) -> Edit:
    """Take ``key`` and its value out of ``mapping``: its lines in a block mapping (a
    comment above it stays), the entry and one comma in a flow one."""
    index = next(i for i, (k, _) in enumerate(mapping.value) if k.value == key)
    key_node, value = mapping.value[index]
    if mapping.flow_style:
        if index + 1 < len(mapping.value):
            return Edit(key_node.start_mark.index, mapping.value[index + 1][0].start_mark.index, "")
        if index:
            return Edit(
                content_end(text, mapping.value[index - 1][1]), content_end(text, value), ""
            )
        return Edit(key_node.start_mark.index, content_end(text, value), "")
    start = _line_start(text, key_node.start_mark.index)
    if text[start : key_node.start_mark.index].strip():  # `- key: …`: the first key of an item
        start = key_node.start_mark.index
        if index + 1 < len(mapping.value):
            return Edit(start, mapping.value[index + 1][0].start_mark.index, "")
    return Edit(start, line_end(text, content_end(text, value)), "")


def set_at(text: str, root: yaml.Node, path: Sequence[str | int], value: Value | None) -> Edit:
    """The edit that gives the key at ``path`` (mapping keys and list indices from ``root``)
    the value ``value``, or takes it out when ``value`` is None. A mapping on the way that is
    missing is added with the one entry; taking out a mapping's last entry takes the mapping's
    key out too."""
    *head, last = path
    node = root
    for depth, part in enumerate(head):
        found = child(node, part)
        if found is None or _empty(found):
            if value is None:
                raise KeyError(path)
            rest: Any = value
            for outer in reversed(path[depth + 1 :]):
                rest = {outer: rest}
            assert isinstance(node, yaml.MappingNode) and isinstance(part, str)
            if found is not None:
                return replace_value(text, node, part, rest)
            return insert_entry(text, node, part, rest)
        node = found
    if not isinstance(node, yaml.MappingNode) or not isinstance(last, str):
        raise KeyError(path)
    if value is None:
        if child(node, last) is None:
            raise KeyError(path)
        if len(node.value) == 1 and head:
            return set_at(text, root, head, None)
        return remove_entry(text, node, last)
    if child(node, last) is None:
        return insert_entry(text, node, last, value)
    return replace_value(text, node, last, value)


def render_item(item: Mapping[str, Value], indent: int, newline: str = "\n") -> str:
    """A list item (``- id: …``) as lines at ``indent``: scalars as :func:`render_scalar`
    writes them, lists and mappings in flow style; no line break at the end."""
    pad = " " * (indent + 2)
    lines = [f"{_flow(key)}: {_flow(value)}" for key, value in item.items()]
    return " " * indent + "- " + (newline + pad).join(lines)


def append_item(text: str, root: yaml.Node | None, key: str, item: Mapping[str, Value]) -> Edit:
    """Add ``item`` as the last entry of the top-level list ``key``: its lines after the
    last item's (a blank line between them where the list's items are so separated), or a
    new ``key:`` list at the end of the file."""
    newline = newline_of(text)
    value = child(root, key) if isinstance(root, yaml.MappingNode) else None
    if value is None or _empty(value) or (isinstance(value, yaml.SequenceNode) and not value.value):
        if value is not None and isinstance(root, yaml.MappingNode):  # `key:` or `key: []`
            key_node = _key_node(root, key)
            assert key_node is not None
            start = key_node.end_mark.index
            end = line_end(text, content_end(text, value)) if not _empty(value) else start
            end = max(end, line_end(text, start))
            lines = render_item(item, 2, newline)
            return Edit(start, end, f":{newline}{lines}{newline}")
        head = "" if not text or text.endswith("\n") else newline
        gap = newline if text.strip() else ""
        return Edit(
            len(text),
            len(text),
            f"{head}{gap}{key}:{newline}{render_item(item, 2, newline)}{newline}",
        )
    if not isinstance(value, yaml.SequenceNode) or value.flow_style:
        raise ValueError(f"'{key}:' is no block list")
    items = value.value
    at = line_end(text, content_end(text, items[-1]))
    separated = len(items) == 1 or any(
        not text[line_end(text, content_end(text, a)) : b.start_mark.index].strip(" \t-\r\n")
        and text[line_end(text, content_end(text, a)) : b.start_mark.index].count("\n") >= 1
        for a, b in zip(items, items[1:], strict=False)
    )
    gap = newline if separated else ""
    lines = render_item(item, value.start_mark.column, newline)
    tail = "" if text[:at].endswith("\n") else newline
    return Edit(at, at, f"{tail}{gap}{lines}{newline}")


def item_lines(text: str, sequence: yaml.SequenceNode, index: int) -> tuple[int, int]:
    """The span of item ``index`` of a block list: from the start of its first line to the
    start of the next item's line (its trailing comments and blank lines with it), or to the
    end of its last line of content for the last item."""
    node = sequence.value[index]
    start = _line_start(text, node.start_mark.index)
    if index + 1 < len(sequence.value):
        return start, _line_start(text, sequence.value[index + 1].start_mark.index)
    return start, line_end(text, content_end(text, node))


def move_item(text: str, sequence: yaml.SequenceNode, index: int, to: int) -> list[Edit]:
    """Move item ``index`` of a block list to position ``to``: its lines, and the comments
    that follow it, go before the item now at ``to`` (after the last item for the end)."""
    last = len(sequence.value) - 1
    if index == to:
        return []
    newline = newline_of(text)
    start, end = item_lines(text, sequence, index)
    block = text[start:end]
    content = block.rstrip(" \t\r\n")
    blocks = [text[slice(*item_lines(text, sequence, i))] for i in range(last)]
    gap = (
        newline if any(b.count("\n") > b.rstrip(" \t\r\n").count("\n") + 1 for b in blocks) else ""
    )
    if to == last:
        _, last_end = item_lines(text, sequence, last)
        head = "" if text[:last_end].endswith("\n") else newline
        return [Edit(start, end, ""), Edit(last_end, last_end, f"{head}{gap}{content}{newline}")]
    target = to + 1 if to > index else to
    at = _line_start(text, sequence.value[target].start_mark.index)
    if index < last:
        return [Edit(start, end, ""), Edit(at, at, block)]
    # The last item: what stood between it and the one before goes with it.
    start = line_end(text, content_end(text, sequence.value[index - 1]))
    return [Edit(start, end, ""), Edit(at, at, f"{content}{newline}{gap}")]
