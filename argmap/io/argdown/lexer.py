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


@dataclass
class Token:
    """One token: its type, the text it covers and where it starts."""

    type: str
    image: str
    offset: int
    line: int


class _Lexer:
    """Turns Argdown text into tokens, exactly as the reference lexer does."""

    def __init__(self, text: str):
        self.text = text
        self.tokens: list[Token] = []
        self.indent_stack = [0]
        self.ranges_stack: list[str] = []
        self.modes = ["default"]
        self._line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def line_at(self, offset: int) -> int:
        """1-based line number of a character offset."""
        low, high = 0, len(self._line_starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self._line_starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low + 1

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

    # -- matchers: each returns the matched text or None ----------------------------------

    def _relation(self, pattern: re.Pattern[str], pos: int) -> str | None:
        if not self._after(NEWLINE, EMPTYLINE):
            return None
        match = pattern.match(self.text, pos)
        if match is None:
            return None
        self._indent_or_dedent(match.group(1))
        return match.group(0)

    def _inference_start(self, pos: int) -> str | None:
        if not self._after(NEWLINE):
            return None
        match = _INFERENCE_START.match(self.text, pos)
        if match is None:
            return None
        self.emit_remaining_dedents()
        return match.group(0)

    def _list_item(self, pattern: re.Pattern[str], pos: int) -> str | None:
        if not self._after(NEWLINE, EMPTYLINE):
            return None
        match = pattern.match(self.text, pos)
        if match is None:
            return None
        self._indent_or_dedent(match.group(1) + " ")
        return match.group(0)

    def _emptyline(self, pos: int) -> str | None:
        last = self._last()
        if last is not None and last.type == EMPTYLINE:
            return None
        match = _EMPTYLINE.match(self.text, pos)
        if match is None:
            return None
        if match.end() < len(self.text):
            self.emit_remaining_dedents()
        return match.group(0)

    def _statement_number(self, pos: int) -> str | None:
        if not self._after(NEWLINE, EMPTYLINE):
            return None
        match = _STATEMENT_NUMBER.match(self.text, pos)
        if match is None:
            return None
        self.emit_remaining_dedents()
        return match.group(0)

    def _heading(self, pos: int) -> str | None:
        if not self._after(NEWLINE, EMPTYLINE):
            return None
        match = _HEADING.match(self.text, pos)
        return match.group(0) if match else None

    def _range_start(self, pattern: re.Pattern[str], kind: str, pos: int) -> str | None:
        match = pattern.match(self.text, pos)
        if match is None:
            return None
        self.ranges_stack.append(kind)
        return match.group(0)

    def _range_end(self, pattern: re.Pattern[str], kind: str, pos: int) -> str | None:
        if not self.ranges_stack or self.ranges_stack[-1] != kind or not self.tokens:
            return None
        match = pattern.match(self.text, pos)
        if match is None:
            return None
        self.ranges_stack.pop()
        return match.group(0)

    def _comment(self, pos: int) -> str | None:
        last = self._last()
        if last is not None and last.type == EMPTYLINE:
            pattern = _COMMENT_AFTER_EMPTYLINE
        elif last is not None and last.type == NEWLINE:
            pattern = _COMMENT_AFTER_NEWLINE
        else:
            pattern = _COMMENT
        match = pattern.match(self.text, pos)
        return match.group(0) if match else None

    def _matchers(self) -> list[tuple[str, Callable[[int], str | None]]]:
        def regex(pattern: re.Pattern[str]) -> Callable[[int], str | None]:
            def match(pos: int) -> str | None:
                found = pattern.match(self.text, pos)
                return found.group(0) if found else None

            return match

        def relation(pattern: re.Pattern[str]) -> Callable[[int], str | None]:
            return lambda pos: self._relation(pattern, pos)

        def start(pattern: re.Pattern[str], kind: str) -> Callable[[int], str | None]:
            return lambda pos: self._range_start(pattern, kind, pos)

        def end(pattern: re.Pattern[str], kind: str) -> Callable[[int], str | None]:
            return lambda pos: self._range_end(pattern, kind, pos)

        return [
            (COMMENT, self._comment),
            (FRONT_MATTER, regex(_FRONT_MATTER)),
            (DATA, regex(_DATA)),
            (ESCAPED_CHAR, regex(_ESCAPED_CHAR)),
            (SPECIAL_CHAR, regex(_SPECIAL_CHAR)),
            (EMPTYLINE, self._emptyline),
            (NEWLINE, regex(_NEWLINE)),
            (INFERENCE_START, self._inference_start),
            (INCOMING_SUPPORT, relation(_INCOMING_SUPPORT)),
            (INCOMING_ATTACK, relation(_INCOMING_ATTACK)),
            (OUTGOING_SUPPORT, relation(_OUTGOING_SUPPORT)),
            (OUTGOING_ATTACK, relation(_OUTGOING_ATTACK)),
            (CONTRADICTION, relation(_CONTRADICTION)),
            (INCOMING_UNDERCUT, relation(_INCOMING_UNDERCUT)),
            (OUTGOING_UNDERCUT, relation(_OUTGOING_UNDERCUT)),
            (HEADING_START, self._heading),
            (STATEMENT_NUMBER, self._statement_number),
            (ORDERED_LIST_ITEM, lambda pos: self._list_item(_ORDERED_ITEM, pos)),
            (UNORDERED_LIST_ITEM, lambda pos: self._list_item(_UNORDERED_ITEM, pos)),
            ("AsteriskBoldEnd", end(_ASTERISK_BOLD_END, "AsteriskBold")),
            ("UnderscoreBoldEnd", end(_UNDERSCORE_BOLD_END, "UnderscoreBold")),
            ("AsteriskItalicEnd", end(_ASTERISK_ITALIC_END, "AsteriskItalic")),
            ("UnderscoreItalicEnd", end(_UNDERSCORE_ITALIC_END, "UnderscoreItalic")),
            ("AsteriskBoldStart", start(_ASTERISK_BOLD_START, "AsteriskBold")),
            ("UnderscoreBoldStart", start(_UNDERSCORE_BOLD_START, "UnderscoreBold")),
            ("AsteriskItalicStart", start(_ASTERISK_ITALIC_START, "AsteriskItalic")),
            ("UnderscoreItalicStart", start(_UNDERSCORE_ITALIC_START, "UnderscoreItalic")),
            (LINK, regex(_LINK)),
            (TAG, regex(_TAG)),
            (STATEMENT_DEFINITION, regex(_STATEMENT_DEFINITION)),
            (STATEMENT_REFERENCE, regex(_STATEMENT_REFERENCE)),
            (STATEMENT_MENTION, regex(_STATEMENT_MENTION)),
            (ARGUMENT_DEFINITION, regex(_ARGUMENT_DEFINITION)),
            (ARGUMENT_REFERENCE, regex(_ARGUMENT_REFERENCE)),
            (ARGUMENT_MENTION, regex(_ARGUMENT_MENTION)),
            (SPACES, regex(_SPACES)),
            (FREESTYLE, regex(_FREESTYLE)),
            (UNUSED_CONTROL_CHAR, regex(_UNUSED_CONTROL_CHAR)),
        ]

    def _inference_matchers(self) -> list[tuple[str, Callable[[int], str | None]]]:
        def regex(pattern: re.Pattern[str]) -> Callable[[int], str | None]:
            def match(pos: int) -> str | None:
                found = pattern.match(self.text, pos)
                return found.group(0) if found else None

            return match

        return [
            (COMMENT, self._comment),
            (NEWLINE, regex(_NEWLINE)),
            (ESCAPED_CHAR, regex(_ESCAPED_CHAR)),
            (SPECIAL_CHAR, regex(_SPECIAL_CHAR)),
            (INFERENCE_END, regex(_INFERENCE_END)),
            (DATA, regex(_DATA)),
            (LIST_DELIMITER, regex(_LIST_DELIMITER)),
            (SPACES, regex(_SPACES)),
            (FREESTYLE, regex(_FREESTYLE)),
            (UNUSED_CONTROL_CHAR, regex(_UNUSED_CONTROL_CHAR)),
        ]

    def tokenize(self) -> list[Token]:
        """The tokens of the whole text; raises ArgmapError where no token fits."""
        modes = {"default": self._matchers(), "inference": self._inference_matchers()}
        pos = 0
        while pos < len(self.text):
            kind = ""
            for kind, matcher in modes[self.modes[-1]]:  # noqa: B007 - the match's kind
                image = matcher(pos)
                if image is not None:
                    break
            else:
                line = self.line_at(pos)
                raise ArgmapError(
                    f"line {line}: Argdown cannot read the character {self.text[pos]!r} here"
                    + (
                        " (a backslash escapes the character after it)"
                        if self.text[pos] == "\\"
                        else ""
                    )
                )
            if kind not in _SKIPPED:
                self.tokens.append(Token(kind, image, pos, self.line_at(pos)))
            if kind == INFERENCE_START:
                self.modes.append("inference")
            elif kind == INFERENCE_END and len(self.modes) > 1:
                self.modes.pop()
            pos += len(image)
        if self.tokens and self.tokens[-1].type == EMPTYLINE:
            self.tokens.pop()
        self.emit_remaining_dedents()
        return self.tokens


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
_FREESTYLE = re.compile(r"[^\\@#*_\[\],.:;</>\-\r\n(){}]+")
_UNUSED_CONTROL_CHAR = re.compile(r"[@#*_\[\],.:;</>\-(){}][ \t]?")


def tokenize(text: str) -> list[Token]:
    """Argdown text as the reference lexer's tokens (skipped ones left out)."""
    return _Lexer(text).tokenize()
