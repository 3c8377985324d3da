r"""The Argdown lexer: a port of ``@argdown/core``'s lexer.js.

Token types are tried in the order below and the first that matches wins (Chevrotain
without longer alternatives). Several matchers look at the tokens already produced
(relations and list items only start a line) and keep state: the indentation stack, from
which Indent and Dedent tokens are emitted, and the stack of open bold and italic ranges.
JavaScript regular expressions are translated: `.` excludes all four JavaScript line
terminators, `\s` is JavaScript's whitespace class, `$` is the end of the input.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from ...problems import ArgmapError

__all__ = [
    "ARGUMENT_DEFINITION",
    "ARGUMENT_MENTION",
    "ARGUMENT_REFERENCE",
    "BOLD_START",
    "CONTRADICTION",
    "DATA",
    "DEDENT",
    "EMPTYLINE",
    "EOF",
    "ESCAPED_CHAR",
    "FREESTYLE",
    "FRONT_MATTER",
    "HEADING_START",
    "INCOMING_ATTACK",
    "INCOMING_SUPPORT",
    "INCOMING_UNDERCUT",
    "INDENT",
    "INFERENCE_END",
    "INFERENCE_START",
    "ITALIC_START",
    "LINK",
    "LIST_DELIMITER",
    "NEWLINE",
    "ORDERED_LIST_ITEM",
    "OUTGOING_ATTACK",
    "OUTGOING_SUPPORT",
    "OUTGOING_UNDERCUT",
    "RELATION_TOKENS",
    "SPECIAL_CHAR",
    "STATEMENT_DEFINITION",
    "STATEMENT_MENTION",
    "STATEMENT_NUMBER",
    "STATEMENT_REFERENCE",
    "TAG",
    "TAG_BODY",
    "UNORDERED_LIST_ITEM",
    "UNUSED_CONTROL_CHAR",
    "Token",
    "tokenize",
]

_JS_SPACE = (
    "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)
_S = f"[{_JS_SPACE}]"
_NOT_S = f"[^{_JS_SPACE}]"
_DOT = "[^\\n\\r\\u2028\\u2029]"

NEWLINE = "Newline"
EMPTYLINE = "Emptyline"
INDENT = "Indent"
DEDENT = "Dedent"
FRONT_MATTER = "FrontMatter"
DATA = "Data"
INFERENCE_START = "InferenceStart"
INFERENCE_END = "InferenceEnd"
LIST_DELIMITER = "ListDelimiter"
INCOMING_SUPPORT = "IncomingSupport"
INCOMING_ATTACK = "IncomingAttack"
OUTGOING_SUPPORT = "OutgoingSupport"
OUTGOING_ATTACK = "OutgoingAttack"
CONTRADICTION = "Contradiction"
INCOMING_UNDERCUT = "IncomingUndercut"
OUTGOING_UNDERCUT = "OutgoingUndercut"
HEADING_START = "HeadingStart"
STATEMENT_NUMBER = "StatementNumber"
ORDERED_LIST_ITEM = "OrderedListItem"
UNORDERED_LIST_ITEM = "UnorderedListItem"
STATEMENT_DEFINITION = "StatementDefinition"
STATEMENT_REFERENCE = "StatementReference"
STATEMENT_MENTION = "StatementMention"
ARGUMENT_DEFINITION = "ArgumentDefinition"
ARGUMENT_REFERENCE = "ArgumentReference"
ARGUMENT_MENTION = "ArgumentMention"
LINK = "Link"
TAG = "Tag"
ESCAPED_CHAR = "EscapedChar"
SPECIAL_CHAR = "SpecialChar"
FREESTYLE = "Freestyle"
UNUSED_CONTROL_CHAR = "UnusedControlChar"
COMMENT = "Comment"
SPACES = "Spaces"
EOF = "EOF"
BOLD_START = {"AsteriskBold": "AsteriskBoldStart", "UnderscoreBold": "UnderscoreBoldStart"}
ITALIC_START = {
    "AsteriskItalic": "AsteriskItalicStart",
    "UnderscoreItalic": "UnderscoreItalicStart",
}

RELATION_TOKENS = (
    INCOMING_SUPPORT,
    INCOMING_ATTACK,
    OUTGOING_SUPPORT,
    OUTGOING_ATTACK,
    CONTRADICTION,
    INCOMING_UNDERCUT,
    OUTGOING_UNDERCUT,
)

_SKIPPED = {COMMENT, SPACES}


@dataclass(slots=True)
class Token:
    """One token: its type, the text it covers and where it starts."""

    type: str
    image: str
    offset: int
    line: int


class _Next:
    r"""Where ``needle`` next occurs at or after a position, for positions that only grow.

    A failed lazy match such as ``\[.+?\]:`` reads on to the end of the line before giving
    up, and the lexer retries at the next character: ``[`` × 200,000 took quadratic time.
    An occurrence found at or after one position answers every later question up to it, so
    each needle is searched for once over the text, not once per position.

    >>> after = _Next("a]b]", "]")
    >>> after(0), after(1), after(2), after(4)
    (1, 1, 3, 4)
    """

    __slots__ = ("_asked", "_found", "_search", "_size")

    def __init__(self, text: str, needle: str | re.Pattern[str]):
        self._size = len(text)
        self._asked = self._size + 1
        self._found = -1
        if isinstance(needle, str):
            find = text.find
            self._search: Callable[[int], int] = lambda pos: find(needle, pos)
        else:
            search = needle.search

            def first(pos: int) -> int:
                found = search(text, pos)
                return found.start() if found else -1

            self._search = first

    def __call__(self, pos: int) -> int:
        """The first index at or after ``pos`` where the needle starts; the text's length
        when there is none."""
        if self._asked <= pos <= self._found:
            return self._found
        found = self._search(pos)
        self._asked, self._found = pos, self._size if found < 0 else found
        return self._found


_Matcher = Callable[[int], int]
"""Tries a token at a position: the end of its text there, or -1."""


class _Lexer:
    """Turns Argdown text into tokens, exactly as the reference lexer does.

    Each token type is a matcher that returns where the token would end. The token types
    are tried in the reference's order, but only those that can start with the character
    at hand (the first characters each can start with are written beside it), and those
    whose reference pattern reads ahead for a closing mark (``[…]:``, ``<!-- … -->``,
    ``{…}``) look the mark up with :class:`_Next` first, so the text is read in linear
    time. ``tests/test_argdown.py`` checks every matcher against its reference pattern.
    """

    def __init__(self, text: str):
        self.text = text
        self.tokens: list[Token] = []
        self.indent_stack = [0]
        self.ranges_stack: list[str] = []
        self.modes = ["default"]
        self._line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
        self._size = len(text)
        # One _Next per place a closing mark is looked for, so each is asked at growing
        # positions.
        needle: dict[str, str | re.Pattern[str]] = {
            "comment_end": "-->",
            "block_comment_end": "*/",
            "line_end_after_slashes": _LINE_TERMINATOR,
            "line_end_after_comment": _LS_PS,
            "line_end_after_block_comment": _LS_PS,
            "data_stop": _DATA_STOP,
            "data_end_of_line": _DATA_BREAK,
            "special_dot": ".",
            "special_colon": ":",
            "space_after_special": _JS_SPACE_CHAR,
            "link_close": "]",
            "link_target_close": ")",
            "tag_close": ")",
            "definition_close": "]:",
            "definition_close_line_end": _LINE_TERMINATOR,
            "reference_close": "]",
            "reference_close_line_end": _LINE_TERMINATOR,
            "mention_close": "]",
            "mention_close_line_end": _LINE_TERMINATOR,
            "argument_definition_close": ">:",
            "argument_definition_close_line_end": _LINE_TERMINATOR,
            "argument_reference_close": ">",
            "argument_reference_close_line_end": _LINE_TERMINATOR,
            "argument_mention_close": ">",
            "argument_mention_close_line_end": _LINE_TERMINATOR,
        }
        self._next = {name: _Next(text, what) for name, what in needle.items()}
        self._data_close = (-1, -1)
        """The last ``{…}`` looked up: (the end of the region searched, the valid ``}`` in
        it nearest that end, or -1)."""

    def line_at(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect_right(self._line_starts, offset)

    # -- helpers mirroring lexer.js -----------------------------------------------------

    def _last(self) -> Token | None:
        return self.tokens[-1] if self.tokens else None

    def _after(self, *types: str) -> bool:
        last = self._last()
        return last is None or last.type in types

    def _current_line(self) -> int:
        last = self._last()
        if last is None:
            return 1
        line = self.line_at(last.offset + max(len(last.image) - 1, 0))
        if last.type in (EMPTYLINE, NEWLINE):
            line += 1
        return line

    def _end_offset(self) -> int:
        last = self._last()
        return last.offset + len(last.image) - 1 if last else 0

    def _emit(self, kind: str, offset: int, line: int) -> None:
        self.tokens.append(Token(kind, "", offset, line))

    def emit_remaining_dedents(self) -> None:
        if len(self.indent_stack) <= 1:
            return
        offset, line = self._end_offset(), self._current_line()
        while len(self.indent_stack) > 1:
            self._emit(DEDENT, offset, line)
            self.indent_stack.pop()

    def _indent_or_dedent(self, indent: str) -> None:
        level = len(indent)
        last_level = self.indent_stack[-1]
        offset, line = self._end_offset() + 1, self._current_line()
        if level > last_level:
            self.indent_stack.append(level)
            self._emit(INDENT, offset, line)
        elif level < last_level:
            while len(self.indent_stack) > 1 and level < last_level:
                self.indent_stack.pop()
                last_level = self.indent_stack[-1]
                self._emit(DEDENT, offset, line)

    # -- matchers: each returns the end of its token, or -1 ------------------------------

    def _regex(self, pattern: re.Pattern[str]) -> _Matcher:
        match, text = pattern.match, self.text

        def matcher(pos: int) -> int:
            found = match(text, pos)
            return found.end() if found else -1

        return matcher

    def _relation(self, pattern: re.Pattern[str], marker_width: str = "") -> _Matcher:
        """A token that starts a line and sets its indentation: a relation, or a list item
        (whose marker counts as ``marker_width`` more indentation)."""

        def matcher(pos: int) -> int:
            if not self._after(NEWLINE, EMPTYLINE):
                return -1
            match = pattern.match(self.text, pos)
            if match is None:
                return -1
            self._indent_or_dedent(match.group(1) + marker_width)
            return match.end()

        return matcher

    def _inference_start(self, pos: int) -> int:
        if not self._after(NEWLINE):
            return -1
        match = _INFERENCE_START.match(self.text, pos)
        if match is None:
            return -1
        self.emit_remaining_dedents()
        return match.end()

    def _list_item(self, pattern: re.Pattern[str]) -> _Matcher:
        return self._relation(pattern, " ")

    def _emptyline(self, pos: int) -> int:
        last = self._last()
        if last is not None and last.type == EMPTYLINE:
            return -1
        match = _EMPTYLINE.match(self.text, pos)
        if match is None:
            return -1
        if match.end() < self._size:
            self.emit_remaining_dedents()
        return match.end()

    def _statement_number(self, pos: int) -> int:
        if not self._after(NEWLINE, EMPTYLINE):
            return -1
        match = _STATEMENT_NUMBER.match(self.text, pos)
        if match is None:
            return -1
        self.emit_remaining_dedents()
        return match.end()

    def _heading(self, pos: int) -> int:
        if not self._after(NEWLINE, EMPTYLINE):
            return -1
        match = _HEADING.match(self.text, pos)
        return match.end() if match else -1

    def _range_start(self, pattern: re.Pattern[str], kind: str) -> _Matcher:
        def matcher(pos: int) -> int:
            match = pattern.match(self.text, pos)
            if match is None:
                return -1
            self.ranges_stack.append(kind)
            return match.end()

        return matcher

    def _range_end(self, pattern: re.Pattern[str], kind: str) -> _Matcher:
        def matcher(pos: int) -> int:
            if not self.ranges_stack or self.ranges_stack[-1] != kind or not self.tokens:
                return -1
            match = pattern.match(self.text, pos)
            if match is None:
                return -1
            self.ranges_stack.pop()
            return match.end()

        return matcher

    def _closed(self, pos: int, close: str, line_from: int) -> int:
        """Where the lazy ``.+?`` or ``.*?`` of a bracket ends: the first ``close`` mark at or
        after ``pos``, when no line break comes between ``line_from`` and it; else -1."""
        found = self._next[close](pos)
        if found >= self._size or self._next[f"{close}_line_end"](line_from) < found:
            return -1
        return found

    def _comment_body(self, pos: int) -> int:
        """``<!-- … -->``, ``/* … */`` or ``// …`` up to the line break: its end, or -1."""
        text = self.text
        if text.startswith("<!--", pos):
            close = self._next["comment_end"](pos + 4)
            if close >= self._size or self._next["line_end_after_comment"](pos + 4) < close:
                return -1
            return close + 3
        if text.startswith("/*", pos):
            close = self._next["block_comment_end"](pos + 2)
            if close >= self._size or self._next["line_end_after_block_comment"](pos + 2) < close:
                return -1
            return close + 2
        if text.startswith("//", pos):
            end = self._next["line_end_after_slashes"](pos + 2)
            return end if end < self._size and text[end] in "\r\n" else -1
        return -1

    def _comment(self, pos: int) -> int:
        end = self._comment_body(pos)
        if end < 0:
            return -1
        last = self._last()
        if last is not None and last.type == EMPTYLINE:
            tail = _COMMENT_TAIL_AFTER_EMPTYLINE.match(self.text, end)
        elif last is not None and last.type == NEWLINE:
            tail = _COMMENT_TAIL_AFTER_NEWLINE.match(self.text, end)
        else:
            return end
        assert tail is not None  # both tails may be empty
        return tail.end()

    def _front_matter(self, pos: int) -> int:
        # Linear as it stands: it fails only when no later `===` exists at all.
        if not self.text.startswith("===", pos):
            return -1
        match = _FRONT_MATTER.match(self.text, pos)
        return match.end() if match else -1

    def _data(self, pos: int) -> int:
        # _DATA: the greedy body runs up to the first carriage return, line or paragraph
        # separator, or `}` + space + anything but `,` and `}`; the regex then backs off to
        # the last `}` there not followed by spaces and `,` or `}`.
        stop = min(self._next["data_stop"](pos + 1), self._next["data_end_of_line"](pos + 1))
        last = min(stop, self._size - 1)
        close = self._last_data_close(pos + 1, last)
        return close + 1 if close >= 0 else -1

    def _last_data_close(self, low: int, high: int) -> int:
        """The last `}` in text[low:high + 1] that can close data, or -1.

        ``high`` only grows from one call to the next, so only the part after the last
        call's ``high`` is searched: each character is looked at about once.
        """
        if high < low:
            return -1
        searched, best = self._data_close
        if not low - 1 <= searched <= high:
            searched, best = low - 1, -1
        text, top = self.text, high
        while top > searched:
            brace = text.rfind("}", searched + 1, top + 1)
            if brace < 0:
                break
            if _DATA_CLOSE.match(text, brace):
                best = brace
                break
            top = brace - 1
        self._data_close = (high, best)
        return best if best >= low else -1

    def _special_char(self, pos: int) -> int:
        mark = self.text[pos]
        close = self._next["special_dot" if mark == "." else "special_colon"](pos + 2)
        if close >= self._size or self._next["space_after_special"](pos + 1) < close:
            return -1
        return self._blank_after(close)

    def _link(self, pos: int) -> int:
        text = self.text
        close = self._next["link_close"](pos + 1)
        if close < pos + 2 or close + 1 >= self._size or text[close + 1] != "(":
            return -1
        target = self._next["link_target_close"](close + 2)
        if target < close + 3 or target >= self._size:
            return -1
        return self._blank_after(target)

    def _tag(self, pos: int) -> int:
        if pos + 1 < self._size and self.text[pos + 1] == "(":
            close = self._next["tag_close"](pos + 2)
            if close < pos + 3 or close >= self._size:
                return -1
            return self._blank_after(close)
        match = _TAG.match(self.text, pos)
        return match.end() if match else -1

    def _statement_definition(self, pos: int) -> int:
        close = self._closed(pos + 2, "definition_close", pos + 1)  # [.+?]:
        return close + 2 if close >= 0 else -1

    def _statement_reference(self, pos: int) -> int:
        if pos + 1 >= self._size or self.text[pos + 1] == "-":  # [[^-].*?]
            return -1
        close = self._closed(pos + 2, "reference_close", pos + 2)
        return close + 1 if close >= 0 else -1

    def _statement_mention(self, pos: int) -> int:
        if not self.text.startswith("@[", pos):  # @[.+?][ \t]?
            return -1
        return self._blank_after(self._closed(pos + 3, "mention_close", pos + 2))

    def _argument_definition(self, pos: int) -> int:
        close = self._closed(pos + 2, "argument_definition_close", pos + 1)  # <.+?>:
        return close + 2 if close >= 0 else -1

    def _argument_reference(self, pos: int) -> int:
        if pos + 1 >= self._size or self.text[pos + 1] == "-":  # <[^-].*?>
            return -1
        close = self._closed(pos + 2, "argument_reference_close", pos + 2)
        return close + 1 if close >= 0 else -1

    def _argument_mention(self, pos: int) -> int:
        if not self.text.startswith("@<", pos):  # @<.+?>[ \t]?
            return -1
        return self._blank_after(self._closed(pos + 3, "argument_mention_close", pos + 2))

    def _blank_after(self, close: int) -> int:
        """The end of a token closing at ``close`` and taking one space or tab after it."""
        if close < 0:
            return -1
        end = close + 1
        return end + 1 if end < self._size and self.text[end] in " \t" else end

    def matchers(self, mode: str) -> list[tuple[str, _Matcher, str]]:
        """The mode's token types in the reference's order: (type, matcher, the characters
        the token can start with, as a regex character class)."""
        regex, relation, item = self._regex, self._relation, self._list_item
        start, end = self._range_start, self._range_end
        if mode == "inference":
            return [
                (COMMENT, self._comment, "[</]"),
                (NEWLINE, regex(_NEWLINE), "[ \t\r\n]"),
                (ESCAPED_CHAR, regex(_ESCAPED_CHAR), r"\\"),
                (SPECIAL_CHAR, self._special_char, "[.:]"),
                (INFERENCE_END, regex(_INFERENCE_END), "-"),
                (DATA, self._data, r"\{"),
                (LIST_DELIMITER, regex(_LIST_DELIMITER), ","),
                (SPACES, regex(_SPACES), "[ \t]"),
                (FREESTYLE, regex(_FREESTYLE), _FREESTYLE_FIRST),
                (UNUSED_CONTROL_CHAR, regex(_UNUSED_CONTROL_CHAR), _CONTROL_FIRST),
            ]
        return [
            (COMMENT, self._comment, "[</]"),
            (FRONT_MATTER, self._front_matter, "="),
            (DATA, self._data, r"\{"),
            (ESCAPED_CHAR, regex(_ESCAPED_CHAR), r"\\"),
            (SPECIAL_CHAR, self._special_char, "[.:]"),
            (EMPTYLINE, self._emptyline, "[ \t\r\n]"),
            (NEWLINE, regex(_NEWLINE), "[ \t\r\n]"),
            (INFERENCE_START, self._inference_start, "[' \t-]"),
            (INCOMING_SUPPORT, relation(_INCOMING_SUPPORT), "[' \t+]"),
            (INCOMING_ATTACK, relation(_INCOMING_ATTACK), "[' \t-]"),
            (OUTGOING_SUPPORT, relation(_OUTGOING_SUPPORT), "[' \t<+]"),
            (OUTGOING_ATTACK, relation(_OUTGOING_ATTACK), "[' \t<-]"),
            (CONTRADICTION, relation(_CONTRADICTION), "[' \t>]"),
            (INCOMING_UNDERCUT, relation(_INCOMING_UNDERCUT), "[' \t_]"),
            (OUTGOING_UNDERCUT, relation(_OUTGOING_UNDERCUT), "[' \t<_]"),
            (HEADING_START, self._heading, "#"),
            (STATEMENT_NUMBER, self._statement_number, r"[' \t(]"),
            (ORDERED_LIST_ITEM, item(_ORDERED_ITEM), r"[' \t\d]"),
            (UNORDERED_LIST_ITEM, item(_UNORDERED_ITEM), r"[' \t*]"),
            ("AsteriskBoldEnd", end(_ASTERISK_BOLD_END, "AsteriskBold"), r"\*"),
            ("UnderscoreBoldEnd", end(_UNDERSCORE_BOLD_END, "UnderscoreBold"), "_"),
            ("AsteriskItalicEnd", end(_ASTERISK_ITALIC_END, "AsteriskItalic"), r"\*"),
            ("UnderscoreItalicEnd", end(_UNDERSCORE_ITALIC_END, "UnderscoreItalic"), "_"),
            ("AsteriskBoldStart", start(_ASTERISK_BOLD_START, "AsteriskBold"), r"\*"),
            ("UnderscoreBoldStart", start(_UNDERSCORE_BOLD_START, "UnderscoreBold"), "_"),
            ("AsteriskItalicStart", start(_ASTERISK_ITALIC_START, "AsteriskItalic"), r"\*"),
            ("UnderscoreItalicStart", start(_UNDERSCORE_ITALIC_START, "UnderscoreItalic"), "_"),
            (LINK, self._link, r"\["),
            (TAG, self._tag, "#"),
            (STATEMENT_DEFINITION, self._statement_definition, r"\["),
            (STATEMENT_REFERENCE, self._statement_reference, r"\["),
            (STATEMENT_MENTION, self._statement_mention, "@"),
            (ARGUMENT_DEFINITION, self._argument_definition, "<"),
            (ARGUMENT_REFERENCE, self._argument_reference, "<"),
            (ARGUMENT_MENTION, self._argument_mention, "@"),
            (SPACES, regex(_SPACES), "[ \t]"),
            (FREESTYLE, regex(_FREESTYLE), _FREESTYLE_FIRST),
            (UNUSED_CONTROL_CHAR, regex(_UNUSED_CONTROL_CHAR), _CONTROL_FIRST),
        ]

    def tokenize(self) -> list[Token]:
        """The tokens of the whole text; raises ArgmapError where no token fits."""
        text, size, tokens, modes = self.text, self._size, self.tokens, self.modes
        first = {
            mode: [
                (kind, matcher, re.compile(chars)) for kind, matcher, chars in self.matchers(mode)
            ]
            for mode in ("default", "inference")
        }
        # The matchers that can start with a character, in order, by mode and by what the
        # last token was (most matchers of line starts need a line break before them).
        tables: dict[tuple[str, str], dict[str, list[tuple[str, _Matcher]]]] = {}
        line_starts = self._line_starts
        pos = 0
        while pos < size:
            char = text[pos]
            last = tokens[-1].type if tokens else ""
            table = tables.get((modes[-1], last))
            if table is None:
                table = tables[modes[-1], last] = {}
            candidates = table.get(char)
            if candidates is None:
                candidates = table[char] = [
                    (kind, matcher)
                    for kind, matcher, can in first[modes[-1]]
                    if can.match(char) and _possible_after(kind, last)
                ]
            kind, end = "", -1
            for kind, matcher in candidates:  # noqa: B007 - the match's kind
                end = matcher(pos)
                if end >= 0:
                    break
            if end < 0:
                raise ArgmapError(
                    f"line {self.line_at(pos)}: Argdown cannot read the character {char!r} here"
                    + (" (a backslash escapes the character after it)" if char == "\\" else "")
                )
            if kind not in _SKIPPED:
                tokens.append(Token(kind, text[pos:end], pos, bisect_right(line_starts, pos)))
            if kind == INFERENCE_START:
                modes.append("inference")
            elif kind == INFERENCE_END and len(modes) > 1:
                modes.pop()
            pos = end
        if tokens and tokens[-1].type == EMPTYLINE:
            tokens.pop()
        self.emit_remaining_dedents()
        return tokens


_AFTER_LINE_BREAK = {
    *RELATION_TOKENS,
    HEADING_START,
    STATEMENT_NUMBER,
    ORDERED_LIST_ITEM,
    UNORDERED_LIST_ITEM,
}
"""Tokens that only start a line: after a line break, an empty line or nothing."""


def _possible_after(kind: str, last: str) -> bool:
    """Whether a token of ``kind`` can follow one of type ``last`` ('' at the start)."""
    if kind in _AFTER_LINE_BREAK:
        return last in ("", NEWLINE, EMPTYLINE)
    if kind == INFERENCE_START:
        return last in ("", NEWLINE)
    if kind == EMPTYLINE:
        return last != EMPTYLINE
    return True


_EMPTYLINE = re.compile(r"(?:[ \t]*(?:\r\n|\n|\r)){2,}")
_NEWLINE = re.compile(r"[ \t]*(?:\r\n|\n|\r)")
_INFERENCE_START = re.compile(r"[' '\t]*-{2}")
_INFERENCE_END = re.compile(r"-{2,}")
_LIST_DELIMITER = re.compile(r",")
_INCOMING_SUPPORT = re.compile(r"([' '\t]*)(\+>)")
_INCOMING_ATTACK = re.compile(r"([' '\t]*)(->)")
_OUTGOING_SUPPORT = re.compile(r"([' '\t]*)(<?\+)")
_OUTGOING_ATTACK = re.compile(r"([' '\t]*)(<?-)")
_CONTRADICTION = re.compile(r"([' '\t]*)(><)")
_INCOMING_UNDERCUT = re.compile(r"([' '\t]*)(_>)")
_OUTGOING_UNDERCUT = re.compile(f"([' '\\t]*)(<_|(?:_(?={_S})))")
_FRONT_MATTER = re.compile(r"===+[\s\S]*?===+")
_DATA = re.compile(f"\\{{((?!\\}}{_S}[^,}}])({_DOT}|\\n))*\\}}(?!{_S}*(,|\\}}))")
_ORDERED_ITEM = re.compile(f"([' '\\t]*)\\d+\\.(?={_S})")
_UNORDERED_ITEM = re.compile(f"([' '\\t]*)\\*(?={_S})")
_STATEMENT_NUMBER = re.compile(r"[' '\t]*\(\d+\)")
_HEADING = re.compile(r"(#+)(?: )")
_STATEMENT_DEFINITION = re.compile(f"\\[{_DOT}+?\\]:")
_STATEMENT_REFERENCE = re.compile(f"\\[[^-]{_DOT}*?\\]")
_STATEMENT_MENTION = re.compile(f"@\\[{_DOT}+?\\][ \\t]?")
_ARGUMENT_DEFINITION = re.compile(f"<{_DOT}+?>:")
_ARGUMENT_REFERENCE = re.compile(f"<[^-]{_DOT}*?>")
_ARGUMENT_MENTION = re.compile(f"@<{_DOT}+?>[ \\t]?")
_RANGE_END_AFTER = r"(?:[ \t]|(?=\n|\r|\)|\}|_|\.|,|!|\?|;|:|-|\*|\Z))"
_ASTERISK_BOLD_START = re.compile(f"\\*\\*(?!{_S})")
_ASTERISK_BOLD_END = re.compile(r"\*\*" + _RANGE_END_AFTER)
_UNDERSCORE_BOLD_START = re.compile(f"__(?!{_S})")
_UNDERSCORE_BOLD_END = re.compile(r"__" + _RANGE_END_AFTER)
_ASTERISK_ITALIC_START = re.compile(f"\\*(?!{_S})")
_ASTERISK_ITALIC_END = re.compile(r"\*" + _RANGE_END_AFTER)
_UNDERSCORE_ITALIC_START = re.compile(f"_(?!{_S})")
_UNDERSCORE_ITALIC_END = re.compile(r"_" + _RANGE_END_AFTER)
_COMMENT_BODY = f"(?:<!--(?:{_DOT}|\\n|\\r)*?-->)|(?:/\\*(?:{_DOT}|\\n|\\r)*?\\*/)|(?://{_DOT}*?(?=\\r\\n|\\n|\\r))"
_COMMENT = re.compile(_COMMENT_BODY)
_COMMENT_AFTER_EMPTYLINE = re.compile(f"(?:{_COMMENT_BODY})(?:[ \\t]*\\r\\n|\\n|\\r)*")
_COMMENT_AFTER_NEWLINE = re.compile(
    f"(?:{_COMMENT_BODY})(?:[ \\t]*(?:\\r\\n|\\n|\\r)(?!([ \\t]*(\\r\\n|\\n|\\r))))?"
)
_LINK = re.compile(r"\[[^\]]+?\]\([^\)]+?\)[ \t]?")
TAG_BODY = "(?:\\(([^\\)]+)\\)|([a-zA-z0-9\\-\\u00A0-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF]+))"
_TAG = re.compile(f"#{TAG_BODY}[ \\t]?")
_SPACES = re.compile(r"( |\t)+")
_ESCAPED_CHAR = re.compile(f"\\\\{_DOT}(?: )*")
_SPECIAL_CHAR = re.compile(f"(?:\\.{_NOT_S}+?\\.[ \\t]?)|(?::{_NOT_S}+?:[ \\t]?)")
_FREESTYLE_FIRST = r"[^\\@#*_\[\],.:;</>\-\r\n(){}]"
_FREESTYLE = re.compile(_FREESTYLE_FIRST + "+")
_CONTROL_FIRST = r"[@#*_\[\],.:;</>\-(){}]"
_UNUSED_CONTROL_CHAR = re.compile(_CONTROL_FIRST + r"[ \t]?")

# What the linear matchers look up instead of running the patterns above at every position.
_LINE_TERMINATOR = re.compile("[\n\r\u2028\u2029]")
_LS_PS = re.compile("[\u2028\u2029]")
_JS_SPACE_CHAR = re.compile(_S)
_DATA_STOP = re.compile(f"\\}}{_S}[^,}}]")
_DATA_BREAK = re.compile("[\r\u2028\u2029]")
_DATA_CLOSE = re.compile(f"\\}}(?!{_S}*(,|\\}}))")
_COMMENT_TAIL_AFTER_EMPTYLINE = re.compile(r"(?:[ \t]*\r\n|\n|\r)*")
_COMMENT_TAIL_AFTER_NEWLINE = re.compile(r"(?:[ \t]*(?:\r\n|\n|\r)(?!([ \t]*(\r\n|\n|\r))))?")


def tokenize(text: str) -> list[Token]:
    """Argdown text as the reference lexer's tokens (skipped ones left out)."""
    return _Lexer(text).tokenize()
