"""Argdown in and out: argument maps written in https://argdown.org syntax.

Reading follows the reference parser (``@argdown/core`` 1.7) closely enough that the counts
of statements, arguments and relations agree with it on real documents: the lexer, the
grammar and the model building below are ports of its lexer, parser and ``ModelPlugin``
(loose and strict mode, equivalence classes by title, relations moved from reconstructed
arguments to their conclusions, undercuts to their inferences). The mapping onto argmap's
case model and the exporter follow; docs/interchange.md describes both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..problems import ArgmapError
from ..yamlfile import NOT_TEXT

__all__ = ["BINARY", "ArgdownMap", "export", "parse", "summary", "to_case_files"]

BINARY = False

# --- lexer ------------------------------------------------------------------------------
#
# A port of @argdown/core's lexer.js. Token types are tried in the order below and the first
# that matches wins (Chevrotain without longer alternatives). Several matchers look at the
# tokens already produced (relations and list items only start a line) and keep state: the
# indentation stack, from which Indent and Dedent tokens are emitted, and the stack of open
# bold and italic ranges. JavaScript regular expressions are translated: `.` excludes all
# four JavaScript line terminators, `\s` is JavaScript's whitespace class, `$` is the end of
# the input.

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
_TAG_BODY = "(?:\\(([^\\)]+)\\)|([a-zA-z0-9\\-\\u00A0-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF]+))"
_TAG = re.compile(f"#{_TAG_BODY}[ \\t]?")
_SPACES = re.compile(r"( |\t)+")
_ESCAPED_CHAR = re.compile(f"\\\\{_DOT}(?: )*")
_SPECIAL_CHAR = re.compile(f"(?:\\.{_NOT_S}+?\\.[ \\t]?)|(?::{_NOT_S}+?:[ \\t]?)")
_FREESTYLE = re.compile(r"[^\\@#*_\[\],.:;</>\-\r\n(){}]+")
_UNUSED_CONTROL_CHAR = re.compile(r"[@#*_\[\],.:;</>\-(){}][ \t]?")


def tokenize(text: str) -> list[Token]:
    """Argdown text as the reference lexer's tokens (skipped ones left out)."""
    return _Lexer(text).tokenize()


# --- parser -----------------------------------------------------------------------------
#
# A recursive-descent port of @argdown/core's parser.js (a Chevrotain grammar). The decisions
# are the grammar's own lookahead: one token almost everywhere, two at the start of a list
# and for the rules line of an inference. On an error the parser records it and skips to the
# next empty line, so that one run reports every broken block, as the reference does.

ARGDOWN = "argdown"
HEADING = "heading"
STATEMENT = "statement"
STATEMENT_DEF = "statementDefinition"
ARGUMENT = "argument"
PCS = "pcs"
PCS_TAIL = "pcsTail"
PCS_STATEMENT = "pcsStatement"
INFERENCE = "inference"
INFERENCE_RULES = "inferenceRules"
RELATIONS = "relations"
ORDERED_LIST = "orderedList"
UNORDERED_LIST = "unorderedList"
ORDERED_LIST_ITEM_RULE = "orderedListItem"
UNORDERED_LIST_ITEM_RULE = "unorderedListItem"
STATEMENT_CONTENT = "statementContent"
FREESTYLE_TEXT = "freestyleText"
BOLD = "bold"
ITALIC = "italic"
RELATION_RULES = {
    INCOMING_SUPPORT: "incomingSupport",
    INCOMING_ATTACK: "incomingAttack",
    OUTGOING_SUPPORT: "outgoingSupport",
    OUTGOING_ATTACK: "outgoingAttack",
    CONTRADICTION: "contradiction",
    INCOMING_UNDERCUT: "incomingUndercut",
    OUTGOING_UNDERCUT: "outgoingUndercut",
}

FREESTYLE_FIRST = frozenset({FREESTYLE, UNUSED_CONTROL_CHAR, ESCAPED_CHAR, SPECIAL_CHAR})
CONTENT_FIRST = FREESTYLE_FIRST | {
    LINK,
    TAG,
    ARGUMENT_MENTION,
    STATEMENT_MENTION,
    NEWLINE,
    *BOLD_START.values(),
    *ITALIC_START.values(),
}
STATEMENT_FIRST = CONTENT_FIRST | {STATEMENT_REFERENCE, STATEMENT_DEFINITION}
ARGUMENT_FIRST = frozenset({ARGUMENT_DEFINITION, ARGUMENT_REFERENCE})

_DESCRIBE = {
    NEWLINE: "a line break",
    EMPTYLINE: "an empty line",
    INDENT: "an indented line",
    DEDENT: "the end of an indented block",
    FRONT_MATTER: "front matter (=== … ===)",
    DATA: "data in braces",
    INFERENCE_START: "an inference line (--)",
    INFERENCE_END: "the end of an inference line (--)",
    STATEMENT_NUMBER: "a numbered statement such as (1)",
    STATEMENT_DEFINITION: "a statement definition [Title]:",
    STATEMENT_REFERENCE: "a statement reference [Title]",
    ARGUMENT_DEFINITION: "an argument definition <Title>:",
    ARGUMENT_REFERENCE: "an argument reference <Title>",
    HEADING_START: "a heading",
    ORDERED_LIST_ITEM: "a list item",
    UNORDERED_LIST_ITEM: "a list item",
    EOF: "the end of the file",
    **{kind: "a relation" for kind in RELATION_TOKENS},
}


@dataclass(eq=False)
class Node:
    """A grammar rule's node in the syntax tree, with what model building attaches to it."""

    name: str
    children: list[Node | Token]
    line: int
    data: Any = None
    statement: _Statement | None = None
    argument: _Argument | None = None
    inference: _Inference | None = None
    relation: _Relation | None = None


class _ParseError(Exception):
    def __init__(self, token: Token, message: str):
        super().__init__(message)
        self.token = token
        self.message = message


def _describe(token: Token) -> str:
    if token.type in _DESCRIBE:
        return _DESCRIBE[token.type]
    return repr(token.image.strip() or token.image)


class _Parser:
    def __init__(self, tokens: list[Token], end_line: int):
        self.tokens = tokens
        self.pos = 0
        self.eof = Token(EOF, "", -1, end_line)
        self.errors: list[tuple[int, str]] = []

    def peek(self, ahead: int = 0) -> Token:
        index = self.pos + ahead
        return self.tokens[index] if index < len(self.tokens) else self.eof

    def at(self, *kinds: str) -> bool:
        return self.peek().type in kinds

    def consume(self, kind: str, expected: str | None = None) -> Token:
        token = self.peek()
        if token.type != kind:
            raise _ParseError(
                token,
                f"expected {expected or _DESCRIBE.get(kind, kind)}, found {_describe(token)}",
            )
        self.pos += 1
        return token

    def node(self, name: str, children: list[Node | Token]) -> Node:
        first = next((c for c in children if isinstance(c, Token | Node)), None)
        line = first.line if first is not None else self.peek().line
        return Node(name, children, line)

    # -- rules -------------------------------------------------------------------------

    def argdown(self) -> Node:
        children: list[Node | Token] = []
        if self.at(NEWLINE):
            self.pos += 1
        if self.at(EMPTYLINE):
            self.pos += 1
        if self.at(FRONT_MATTER):
            try:
                children.append(self.consume(FRONT_MATTER))
                if self.at(NEWLINE):
                    self.pos += 1
                children.append(self.consume(EMPTYLINE, "an empty line after the front matter"))
            except _ParseError as err:
                self._recover(err)
        while True:
            try:
                children.append(self.block())
            except _ParseError as err:
                self._recover(err)
            if self.at(EMPTYLINE):
                self.pos += 1
                continue
            if self.at(EOF):
                break
            self._recover(
                _ParseError(
                    self.peek(),
                    f"expected an empty line before a new block, found {_describe(self.peek())}",
                )
            )
            if self.at(EMPTYLINE):
                self.pos += 1
            if self.at(EOF):
                break
        return Node(ARGDOWN, children, 1)

    def _recover(self, err: _ParseError) -> None:
        self.errors.append((err.token.line, err.message))
        while not self.at(EMPTYLINE, EOF):
            self.pos += 1

    def block(self) -> Node:
        token = self.peek()
        kind = token.type
        if kind == HEADING_START:
            return self.heading()
        if kind in STATEMENT_FIRST:
            return self.statement()
        if kind == STATEMENT_NUMBER:
            return self.pcs()
        if kind in ARGUMENT_FIRST:
            return self.argument()
        if kind == INDENT and self.peek(1).type == ORDERED_LIST_ITEM:
            return self.list_(ORDERED_LIST, ORDERED_LIST_ITEM, ORDERED_LIST_ITEM_RULE)
        if kind == INDENT and self.peek(1).type == UNORDERED_LIST_ITEM:
            return self.list_(UNORDERED_LIST, UNORDERED_LIST_ITEM, UNORDERED_LIST_ITEM_RULE)
        if kind == INDENT and self.peek(1).type in RELATION_TOKENS:
            raise _ParseError(
                self.peek(1),
                "a relation must be indented under the statement or argument it belongs to",
            )
        raise _ParseError(
            token,
            f"expected a statement, an argument, a heading or a numbered statement, "
            f"found {_describe(token)}",
        )

    def heading(self) -> Node:
        children: list[Node | Token] = [self.consume(HEADING_START)]
        children.append(self.statement_content())
        while self.at(*CONTENT_FIRST):
            children.append(self.statement_content())
        if self.at(DATA) or (self.at(NEWLINE) and self.peek(1).type == DATA):
            if self.at(NEWLINE):
                children.append(self.consume(NEWLINE))
            children.append(self.consume(DATA))
            if self.at(NEWLINE):
                children.append(self.consume(NEWLINE))
        return self.node(HEADING, children)

    def pcs(self) -> Node:
        children: list[Node | Token] = [self.pcs_statement()]
        children.append(self.pcs_tail())
        while self.at(STATEMENT_NUMBER, INFERENCE_START):
            children.append(self.pcs_tail())
        return self.node(PCS, children)

    def pcs_tail(self) -> Node:
        children: list[Node | Token] = []
        while self.at(STATEMENT_NUMBER):
            children.append(self.pcs_statement())
        if not self.at(INFERENCE_START):
            raise _ParseError(
                self.peek(),
                "expected a numbered statement or an inference line (----) in the "
                f"premise-conclusion structure, found {_describe(self.peek())}",
            )
        children.append(self.inference())
        children.append(self.pcs_statement())
        return self.node(PCS_TAIL, children)

    def pcs_statement(self) -> Node:
        number = self.consume(STATEMENT_NUMBER)
        if self.at(*ARGUMENT_FIRST):
            raise _ParseError(
                self.peek(),
                "an argument (<Title>) cannot be a premise or conclusion; "
                "use a statement ([Title]) instead",
            )
        if not self.at(*STATEMENT_FIRST):
            raise _ParseError(
                self.peek(),
                f"expected the statement after {number.image.strip()}, "
                f"found {_describe(self.peek())}",
            )
        return self.node(PCS_STATEMENT, [number, self.statement()])

    def inference(self) -> Node:
        children: list[Node | Token] = [self.consume(INFERENCE_START)]
        if self.at(*FREESTYLE_FIRST) or (self.at(NEWLINE) and self.peek(1).type in FREESTYLE_FIRST):
            if self.at(NEWLINE):
                children.append(self.consume(NEWLINE))
            children.append(self.inference_rules())
        if self.at(NEWLINE):
            children.append(self.consume(NEWLINE))
        if self.at(DATA):
            children.append(self.consume(DATA))
            if self.at(NEWLINE):
                children.append(self.consume(NEWLINE))
        children.append(self.consume(INFERENCE_END, "the closing line of the inference (--)"))
        children.append(self.consume(NEWLINE, "a line break after the inference"))
        if self.at(INDENT):
            children.append(self.inference_relations())
        return self.node(INFERENCE, children)

    def inference_rules(self) -> Node:
        children: list[Node | Token] = [self.freestyle_text()]
        while self.at(LIST_DELIMITER):
            self.pos += 1
            children.append(self.freestyle_text())
        return self.node(INFERENCE_RULES, children)

    def list_(self, name: str, item_token: str, item_rule: str) -> Node:
        children: list[Node | Token] = [self.consume(INDENT)]
        while True:
            marker = self.consume(item_token)
            member = self.argument() if self.at(*ARGUMENT_FIRST) else self.statement()
            children.append(self.node(item_rule, [marker, member]))
            if not self.at(item_token):
                break
        self.consume(DEDENT)
        return self.node(name, children)

    def argument(self) -> Node:
        children: list[Node | Token] = []
        if self.at(ARGUMENT_DEFINITION):
            children.append(self.consume(ARGUMENT_DEFINITION))
            children.append(self.statement_content())
        else:
            children.append(self.consume(ARGUMENT_REFERENCE, "an argument"))
            while self.at(TAG):
                children.append(self.consume(TAG))
            if self.at(NEWLINE):
                children.append(self.consume(NEWLINE))
        self._data_and_relations(children)
        return self.node(ARGUMENT, children)

    def statement(self) -> Node:
        children: list[Node | Token] = []
        if self.at(STATEMENT_REFERENCE):
            children.append(self.consume(STATEMENT_REFERENCE))
            while self.at(TAG):
                children.append(self.consume(TAG))
            if self.at(NEWLINE):
                children.append(self.consume(NEWLINE))
        elif self.at(STATEMENT_DEFINITION):
            definition = self.consume(STATEMENT_DEFINITION)
            content = self.statement_content()
            children.append(self.node(STATEMENT_DEF, [definition, content]))
        elif self.at(*CONTENT_FIRST):
            children.append(self.statement_content())
        else:
            raise _ParseError(self.peek(), f"expected a statement, found {_describe(self.peek())}")
        self._data_and_relations(children)
        return self.node(STATEMENT, children)

    def _data_and_relations(self, children: list[Node | Token]) -> None:
        if self.at(DATA):
            children.append(self.consume(DATA))
            if self.at(NEWLINE):
                children.append(self.consume(NEWLINE))
        if self.at(INDENT):
            children.append(self.relations())

    def inference_relations(self) -> Node:
        self.consume(INDENT)
        children: list[Node | Token] = [self.relation(OUTGOING_UNDERCUT, only_undercut=True)]
        while self.at(OUTGOING_UNDERCUT):
            children.append(self.relation(OUTGOING_UNDERCUT))
        self.consume(DEDENT)
        return self.node(RELATIONS, children)

    def relations(self) -> Node:
        self.consume(INDENT)
        children: list[Node | Token] = []
        while True:
            if not self.at(*RELATION_TOKENS):
                raise _ParseError(
                    self.peek(),
                    "expected a relation (+ - <+ <- +> -> _ <_ _> ><), "
                    f"found {_describe(self.peek())}",
                )
            children.append(self.relation(self.peek().type))
            if not self.at(*RELATION_TOKENS):
                break
        self.consume(DEDENT)
        return self.node(RELATIONS, children)

    def relation(self, kind: str, only_undercut: bool = False) -> Node:
        if only_undercut and not self.at(kind):
            raise _ParseError(
                self.peek(),
                "only an undercut (<_) can be indented under an inference, "
                f"found {_describe(self.peek())}",
            )
        symbol = self.consume(kind)
        if kind == CONTRADICTION:
            if self.at(*ARGUMENT_FIRST):
                raise _ParseError(
                    self.peek(),
                    "a contradiction (><) relates two statements; an argument (<Title>) "
                    "cannot contradict",
                )
            member = self.statement()
        elif self.at(*ARGUMENT_FIRST):
            member = self.argument()
        elif self.at(*STATEMENT_FIRST):
            member = self.statement()
        else:
            raise _ParseError(
                self.peek(),
                f"expected a statement or an argument after {symbol.image.strip()!r}, "
                f"found {_describe(self.peek())}",
            )
        return self.node(RELATION_RULES[kind], [symbol, member])

    def statement_content(self) -> Node:
        children: list[Node | Token] = []
        while True:
            kind = self.peek().type
            if kind in FREESTYLE_FIRST:
                children.append(self.freestyle_text())
            elif kind in BOLD_START.values() or kind in ITALIC_START.values():
                children.append(self.emphasis())
            elif kind in CONTENT_FIRST:
                children.append(self.consume(kind))
            elif not children:
                raise _ParseError(self.peek(), f"expected text, found {_describe(self.peek())}")
            else:
                break
        return self.node(STATEMENT_CONTENT, children)

    def emphasis(self) -> Node:
        start = self.consume(self.peek().type)
        end_kind = start.type.replace("Start", "End")
        children: list[Node | Token] = [start]
        if self.at(*CONTENT_FIRST):
            children.append(self.statement_content())
        marker = start.image.strip()
        children.append(self.consume(end_kind, f"the closing {marker} of {marker}emphasis{marker}"))
        return self.node(BOLD if "Bold" in start.type else ITALIC, children)

    def freestyle_text(self) -> Node:
        children: list[Node | Token] = []
        while self.at(*FREESTYLE_FIRST):
            children.append(self.consume(self.peek().type))
        return self.node(FREESTYLE_TEXT, children)


# --- model ------------------------------------------------------------------------------
#
# A port of the reference ModelPlugin (with the DataPlugin's handling of front matter and
# `{data}`): a walk over the syntax tree that collects statements into equivalence classes
# by title, arguments with their premise-conclusion structures, and relations.

SUPPORT, ATTACK, UNDERCUT = "support", "attack", "undercut"
CONTRARY, CONTRADICTORY, ENTAILS = "contrary", "contradictory", "entails"
RELATION_TYPES = (SUPPORT, ATTACK, UNDERCUT, CONTRARY, CONTRADICTORY)

PREMISE = "premise"
INTERMEDIARY_CONCLUSION = "intermediary-conclusion"
MAIN_CONCLUSION = "main-conclusion"
ARGUMENT_DESCRIPTION = "argument-description"

_SHORTCODE_NAMES = {
    "A": "∀", "E": "∃", "O": "𝗢", "P": "𝗣", "->": "→", "<->": "↔", "~": "¬", "^": "∧",
    "v": "∨", "v_": "⊻", "<>": "◇", "[]": "◻", "happy": "😀", "smile": "☺", "smiley": "☺",
    "laugh": "😆", "lol": "😆", "rofl": "🤣", "joy": "😂", "heart": "❤", "?": "❓",
    "question": "❓", "love": "😍", "wink": "😉", "shush": "🤫", "meh": "😐", "eye-roll": "🙄",
    "sad": "😢", "disappointed": "😞", "scream": "😱", "+1": "👍", "up": "👍", "-1": "👎",
    "down": "👎", "think": "🤔", "star": "⭐", "y": "✔", "agree": "✔", "n": "❌",
    "disagree": "❌",
}  # fmt: skip
SHORTCODES = {f"{d}{name}{d}": char for name, char in _SHORTCODE_NAMES.items() for d in ".:"}
"""The reference parser's shortcodes (`.~.` → ¬ and so on), replaced in text."""


@dataclass(eq=False)
class _Statement:
    title: str = ""
    text: str = ""
    tags: list[str] = field(default_factory=list)
    data: Any = None
    role: str | None = None
    is_reference: bool = False
    line: int = 0
    inference: _Inference | None = None


def _canonical(members: list[_Statement]) -> _Statement | None:
    """The member whose text counts: marked `isCanonical`, else the last definition."""
    chosen = None
    for member in reversed(members):
        if not member.is_reference:
            if isinstance(member.data, dict) and _true(member.data.get("isCanonical")):
                return member
            chosen = chosen or member
    return chosen


@dataclass(eq=False)
class EquivalenceClass:
    """Argdown's statement: every occurrence with the same title, taken together."""

    title: str
    members: list[_Statement] = field(default_factory=list)
    relations: list[_Relation] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    data: Any = None
    kind: str = "statement"

    @property
    def canonical(self) -> _Statement | None:
        """The member whose text counts: marked `isCanonical`, else the last definition."""
        return _canonical(self.members)

    @property
    def text(self) -> str:
        member = self.canonical
        return _clean(member.text) if member else ""

    @property
    def line(self) -> int:
        lines = [m.line for m in self.members if m.line]
        return min(lines) if lines else 0


@dataclass(eq=False)
class _Inference:
    rules: list[str] = field(default_factory=list)
    data: Any = None
    relations: list[_Relation] = field(default_factory=list)
    argument_title: str = ""
    line: int = 0
    kind: str = "inference"


@dataclass(eq=False)
class _Argument:
    title: str
    members: list[_Statement] = field(default_factory=list)
    pcs: list[_Statement] = field(default_factory=list)
    relations: list[_Relation] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    data: Any = None
    line: int = 0
    kind: str = "argument"

    @property
    def canonical(self) -> _Statement | None:
        return _canonical(self.members)

    @property
    def description(self) -> str:
        member = self.canonical
        return _clean(member.text) if member else ""


Member = EquivalenceClass | _Argument | _Inference


@dataclass(eq=False)
class _Relation:
    type: str
    from_: Member | None = None
    to: Member | None = None
    lines: list[int] = field(default_factory=list)


@dataclass
class ArgdownMap:
    """What the reference parser's model holds for a document."""

    statements: dict[str, EquivalenceClass]
    arguments: dict[str, _Argument]
    relations: list[_Relation]
    front_matter: dict[str, Any]
    headings: list[str]
    generated: set[str] = field(default_factory=set)
    """Titles the parser made up (`Untitled 3`) for statements and arguments without one."""

    def counts(self) -> dict[str, Any]:
        """Counts as `argmap import argdown FILE --summary` prints them."""
        relations = dict.fromkeys(RELATION_TYPES, 0)
        for relation in self.relations:
            relations[relation.type] = relations.get(relation.type, 0) + 1
        return {
            "statements": len(self.statements),
            "arguments": len(self.arguments),
            "relations": relations,
        }


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _clean(text: str) -> str:
    """Text as argmap keeps it: every run of whitespace one space, trimmed; a control
    character (which a case file cannot hold) becomes U+FFFD."""
    return " ".join(NOT_TEXT.sub("\ufffd", text).split())


def _load_yaml(text: str, line: int, what: str) -> Any:
    # BaseLoader: every scalar stays text (as in the case format), nothing is constructed.
    try:
        return yaml.load(text, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds no objects
    except yaml.MarkedYAMLError as err:
        where = line + (err.problem_mark.line if err.problem_mark else 0)
        raise ArgmapError(f"line {where}: {what} is not valid YAML: {err.problem}") from None
    except (yaml.YAMLError, RecursionError) as err:
        raise ArgmapError(f"line {line}: {what} is not valid YAML ({err})") from None


class _ModelBuilder:
    """The reference ModelPlugin's tree walk, with its settings (loose or strict mode)."""

    def __init__(self) -> None:
        self.statements: dict[str, EquivalenceClass] = {}
        self.arguments: dict[str, _Argument] = {}
        self.relations: list[_Relation] = []
        self.front_matter: dict[str, Any] = {}
        self.headings: list[str] = []
        self.settings: dict[str, Any] = {
            "mode": "loose",
            "removeTagsFromText": False,
            "transformArgumentRelations": True,
        }
        self.untitled = 0
        self.generated: set[str] = set()
        self.current_statement: _Statement | None = None
        self.current_heading: _Statement | None = None
        self.relation_parent: _Statement | _Argument | _Inference | None = None
        self.current_argument: _Argument | None = None
        self.current_pcs: _Argument | None = None
        self.current_inference: _Inference | None = None
        self.current_relation: _Relation | None = None
        self.parents: list[Member] = []

    # -- helpers ---------------------------------------------------------------------------

    def unique_title(self) -> str:
        self.untitled += 1
        title = f"Untitled {self.untitled}"
        self.generated.add(title)
        return title

    def equivalence_class(self, title: str) -> EquivalenceClass:
        if title not in self.statements:
            self.statements[title] = EquivalenceClass(title)
        return self.statements[title]

    def argument(self, title: str | None = None, line: int = 0) -> _Argument:
        found = self.arguments.get(title) if title else None
        if found is None:
            found = _Argument(title or self.unique_title(), line=line)
            self.arguments[found.title] = found
        self.current_argument = found
        self.relation_parent = found
        return found

    def member(self, parent: _Statement | _Argument | _Inference) -> Member:
        if isinstance(parent, _Statement):
            if not parent.title:
                parent.title = self.unique_title()
            if parent.role == ARGUMENT_DESCRIPTION:
                return self.argument(parent.title, parent.line)
            return self.equivalence_class(parent.title)
        return parent

    def target(self) -> _Statement | None:
        return self.current_heading or self.current_statement

    # -- the walk --------------------------------------------------------------------------

    def build(self, tree: Node) -> ArgdownMap:
        self.visit(tree, None, 0)
        if _true(self.settings.get("transformArgumentRelations", True)):
            self.transform_argument_relations()
        if self.settings.get("mode") == "strict":
            self.transform_statement_relations()
        self.remove_redundant_attacks()
        return ArgdownMap(
            self.statements,
            self.arguments,
            self.relations,
            self.front_matter,
            self.headings,
            self.generated,
        )

    def visit(self, node: Node | Token, parent: Node | None, index: int) -> None:
        if isinstance(node, Token):
            assert parent is not None
            self.on_token(node, parent, index)
            return
        enter = getattr(self, f"enter_{node.name}", None)
        if enter:
            enter(node, parent, index)
        for child_index, child in enumerate(node.children):
            self.visit(child, node, child_index)
        leave = getattr(self, f"exit_{node.name}", None)
        if leave:
            leave(node, parent, index)

    def on_token(self, token: Token, parent: Node, index: int) -> None:
        kind = token.type
        if kind == DATA:
            parent.data = self.data(token)
        elif kind == FRONT_MATTER:
            self.on_front_matter(token, parent)
        elif kind in (STATEMENT_DEFINITION, STATEMENT_REFERENCE):
            statement = self.current_statement
            if statement is not None:
                image = token.image
                statement.title = image[1:-2] if kind == STATEMENT_DEFINITION else image[1:-1]
                statement.is_reference = kind == STATEMENT_REFERENCE
                parent.statement = statement
        elif kind in (ARGUMENT_DEFINITION, ARGUMENT_REFERENCE):
            statement = self.current_statement
            if statement is not None:
                image = token.image
                statement.title = image[1:-2] if kind == ARGUMENT_DEFINITION else image[1:-1]
                if kind == ARGUMENT_REFERENCE:
                    statement.is_reference = True
        elif kind in (STATEMENT_MENTION, ARGUMENT_MENTION):
            target = self.target()
            if target is not None:
                target.text += token.image
        elif kind == LINK:
            target = self.target()
            if target is not None:
                target.text += token.image[1 : token.image.index("](")]
                if token.image.endswith(" "):
                    target.text += " "
        elif kind == TAG:
            target = self.target()
            if target is not None:
                match = re.match("#" + _TAG_BODY, token.image)
                assert match is not None
                tag = match.group(1) or match.group(2)
                if not _true(self.settings.get("removeTagsFromText")):
                    target.text += token.image
                if tag not in target.tags:
                    target.tags.append(tag)
        elif kind == NEWLINE:
            target = self.target()
            last = index == len(parent.children) - 1
            if target is not None and not last and not target.text.endswith(" "):
                target.text += " "

    def data(self, token: Token) -> Any:
        text = token.image
        block = re.match(r"\{[ \t]*(\n\r|\n)", text)
        if block:
            text = re.sub(r"\}\s*$", "", text[block.end() :])
        return _load_yaml(text, token.line, "the data in braces")

    def on_front_matter(self, token: Token, parent: Node) -> None:
        text = re.sub(r"^\s*={3,}", "", token.image)
        text = re.sub(r"={3,}\s*$", "", text)
        data = _load_yaml(text, token.line, "the front matter")
        parent.data = data
        if isinstance(data, dict):
            self.front_matter = data
            model = data.get("model")
            if isinstance(model, dict):
                self.settings.update(model)

    # -- rules -----------------------------------------------------------------------------

    def enter_heading(self, node: Node, parent: Node | None, index: int) -> None:
        self.current_heading = _Statement(line=node.line)

    def exit_heading(self, node: Node, parent: Node | None, index: int) -> None:
        if self.current_heading is not None:
            self.headings.append(_clean(self.current_heading.text))
        self.current_heading = None

    def enter_statement(self, node: Node, parent: Node | None, index: int) -> None:
        statement = _Statement(line=node.line)
        if parent is not None and parent.name == ARGDOWN:
            statement.role = "top-level-statement"
        elif self.current_relation is not None:
            statement.role = "relation-statement"
        self.current_statement = statement
        self.relation_parent = statement
        node.statement = statement

    def exit_statement(self, node: Node, parent: Node | None, index: int) -> None:
        statement = node.statement
        if statement is None:
            return
        statement.data = node.data
        if not statement.title:
            statement.title = self.unique_title()
        ec = self.equivalence_class(statement.title)
        for tag in statement.tags:
            if tag not in ec.tags:
                ec.tags.append(tag)
        if isinstance(statement.data, dict):
            ec.data = {**(ec.data or {}), **statement.data}
        ec.members.append(statement)
        self.current_statement = None

    def enter_argument(self, node: Node, parent: Node | None, index: int) -> None:
        description = _Statement(role=ARGUMENT_DESCRIPTION, line=node.line)
        self.current_statement = description
        self.relation_parent = description
        node.statement = description

    def exit_argument(self, node: Node, parent: Node | None, index: int) -> None:
        description = node.statement
        assert description is not None
        description.data = node.data
        if not description.title:
            description.title = self.unique_title()
        argument = self.argument(description.title, node.line)
        node.argument = argument
        for tag in description.tags:
            if tag not in argument.tags:
                argument.tags.append(tag)
        if isinstance(description.data, dict):
            argument.data = {**(argument.data or {}), **description.data}
        argument.members.append(description)
        if not argument.line:
            argument.line = node.line
        self.current_statement = None
        self.current_argument = None

    def enter_pcs(self, node: Node, parent: Node | None, index: int) -> None:
        argument = None
        if parent is not None and index > 0:
            before = parent.children[index - 1]
            if isinstance(before, Token) and before.type == EMPTYLINE and index > 1:
                before = parent.children[index - 2]
            if isinstance(before, Node) and before.name == ARGUMENT:
                argument = before.argument
        if argument is None:
            argument = self.argument(line=node.line)
        if argument.pcs:
            raise ArgmapError(
                f"line {node.line}: argument <{argument.title}> already has a "
                "premise-conclusion structure; an argument can have only one"
            )
        if not argument.line:
            argument.line = node.line
        node.argument = argument
        self.current_pcs = argument

    def exit_pcs(self, node: Node, parent: Node | None, index: int) -> None:
        argument = node.argument
        assert argument is not None and argument.pcs
        last = argument.pcs[-1]
        if last.role != INTERMEDIARY_CONCLUSION:  # the grammar ends every pcs on a conclusion
            raise ArgmapError(f"line {node.line}: the argument's last statement is no conclusion")
        last.role = MAIN_CONCLUSION
        self.current_statement = None
        self.current_argument = None
        self.current_pcs = None

    def exit_pcsStatement(self, node: Node, parent: Node | None, index: int) -> None:  # noqa: N802
        assert self.current_pcs is not None and parent is not None
        statement_node = node.children[1]
        assert isinstance(statement_node, Node) and statement_node.statement is not None
        statement = statement_node.statement
        self.equivalence_class(statement.title)
        statement.role = PREMISE
        if index > 0:
            before = parent.children[index - 1]
            if isinstance(before, Node) and before.name == INFERENCE:
                statement.role = INTERMEDIARY_CONCLUSION
                statement.inference = before.inference
                if before.inference is not None:
                    before.inference.argument_title = self.current_pcs.title
        self.current_pcs.pcs.append(statement)
        node.statement = statement

    def enter_inference(self, node: Node, parent: Node | None, index: int) -> None:
        inference = _Inference(line=node.line)
        self.current_inference = inference
        self.relation_parent = inference
        self.parents.append(inference)
        node.inference = inference

    def exit_inference(self, node: Node, parent: Node | None, index: int) -> None:
        if self.current_inference is not None:
            self.current_inference.data = node.data

    def exit_inferenceRules(self, node: Node, parent: Node | None, index: int) -> None:  # noqa: N802
        if self.current_inference is None:
            return
        for child in node.children:
            if isinstance(child, Node) and child.name == FREESTYLE_TEXT:
                self.current_inference.rules.append(_freestyle(child).strip())

    def enter_relations(self, node: Node, parent: Node | None, index: int) -> None:
        assert self.relation_parent is not None
        self.parents.append(self.member(self.relation_parent))

    def exit_relations(self, node: Node, parent: Node | None, index: int) -> None:
        self.current_relation = None
        self.parents.pop()

    def enter_relation(self, node: Node, kind: str) -> None:
        target = self.parents[-1]
        relation_type = {
            INCOMING_SUPPORT: SUPPORT,
            OUTGOING_SUPPORT: SUPPORT,
            INCOMING_ATTACK: ATTACK,
            OUTGOING_ATTACK: ATTACK,
            CONTRADICTION: CONTRADICTORY,
            INCOMING_UNDERCUT: UNDERCUT,
            OUTGOING_UNDERCUT: UNDERCUT,
        }[kind]
        relation = _Relation(relation_type, lines=[node.line])
        if kind in (OUTGOING_SUPPORT, OUTGOING_ATTACK):
            relation.to = target
        elif kind == OUTGOING_UNDERCUT:
            if isinstance(target, EquivalenceClass) and self.current_inference is not None:
                relation.to = self.current_inference
            else:
                relation.to = target
        else:
            relation.from_ = target
        self.current_relation = relation
        node.relation = relation

    def exit_relation(self, node: Node) -> None:
        relation = node.relation
        content = node.children[1]
        assert isinstance(content, Node)
        item = content.argument or content.statement
        assert item is not None and relation is not None
        other = self.member(item) if isinstance(item, _Statement) else item
        if relation.from_ is not None:
            relation.to = other
        else:
            relation.from_ = other
        source = relation.from_
        assert source is not None
        for existing in source.relations:
            same = relation.to is existing.to and relation.type == existing.type
            mirrored = (
                relation.type == CONTRADICTORY == existing.type
                and relation.from_ is existing.to
                and relation.to is existing.from_
            )
            if same or mirrored:
                existing.lines.extend(relation.lines)
                return
        assert relation.to is not None
        self.relations.append(relation)
        source.relations.append(relation)
        relation.to.relations.append(relation)

    def __getattr__(self, name: str) -> Any:
        # enter_/exit_ handlers for the seven relation rules share two methods.
        for kind, rule in RELATION_RULES.items():
            if name == f"enter_{rule}":
                return lambda node, parent, index, kind=kind: self.enter_relation(node, kind)
            if name == f"exit_{rule}":
                return lambda node, parent, index: self.exit_relation(node)
        raise AttributeError(name)

    def enter_freestyleText(self, node: Node, parent: Node | None, index: int) -> None:  # noqa: N802
        target = self.target()
        if target is not None:
            target.text += _freestyle(node)

    def exit_bold(self, node: Node, parent: Node | None, index: int) -> None:
        self._emphasis_end(node)

    def exit_italic(self, node: Node, parent: Node | None, index: int) -> None:
        self._emphasis_end(node)

    def _emphasis_end(self, node: Node) -> None:
        target = self.target()
        end = node.children[-1]
        if target is not None and isinstance(end, Token) and end.image.endswith(" "):
            target.text += " "

    # -- after the walk ------------------------------------------------------------------

    def _unlink(self, relation: _Relation, side: Member | None) -> None:
        if side is not None and relation in side.relations:
            side.relations.remove(relation)

    def transform_argument_relations(self) -> None:
        kept = []
        for relation in self.relations:
            add = True
            source, target = relation.from_, relation.to
            if isinstance(source, _Argument) and source.pcs:
                self._unlink(relation, source)
                ec = self.statements[source.pcs[-1].title]
                relation.from_ = ec
                existing = next(
                    (r for r in ec.relations if r.to is relation.to and r.type == relation.type),
                    None,
                )
                if existing is None:
                    ec.relations.append(relation)
                else:
                    existing.lines.extend(relation.lines)
                    self._unlink(relation, relation.to)
                    add = False
            if isinstance(target, _Argument) and target.pcs and relation.type == UNDERCUT:
                inference = target.pcs[-1].inference
                assert inference is not None
                relation.to = inference
                self._unlink(relation, target)
                existing = next(
                    (
                        r
                        for r in inference.relations
                        if r.from_ is relation.from_ and r.type == relation.type
                    ),
                    None,
                )
                if existing is None:
                    inference.relations.append(relation)
                else:
                    existing.lines.extend(relation.lines)
                    self._unlink(relation, relation.from_)
                    add = False
            if add:
                kept.append(relation)
        self.relations = kept

    def transform_statement_relations(self) -> None:
        kept = []
        for relation in self.relations:
            source, target = relation.from_, relation.to
            if isinstance(source, EquivalenceClass) and isinstance(target, EquivalenceClass):
                if relation.type == SUPPORT:
                    relation.type = ENTAILS
                elif relation.type == ATTACK:
                    duplicate = any(
                        r.type == CONTRARY
                        and {id(r.from_), id(r.to)} == {id(source), id(target)}
                        and (r.from_ is source or r.from_ is target)
                        for r in source.relations
                    )
                    if duplicate:
                        self._unlink(relation, source)
                        self._unlink(relation, target)
                        continue
                    relation.type = CONTRARY
            kept.append(relation)
        self.relations = kept

    def remove_redundant_attacks(self) -> None:
        # An attack from a statement on an argument that has a premise the statement already
        # attacks, contradicts or is contrary to adds nothing: it folds into that relation.
        kept = []
        for relation in self.relations:
            source, target = relation.from_, relation.to
            if not (
                isinstance(source, EquivalenceClass)
                and relation.type == ATTACK
                and isinstance(target, _Argument)
            ):
                kept.append(relation)
                continue
            premises = {s.title for s in target.pcs if s.role == PREMISE}
            folded = None
            for other in source.relations:
                far = other.to if other.from_ is source else other.from_
                if not isinstance(far, EquivalenceClass) or far.title not in premises:
                    continue
                if (other.type == ATTACK and other.from_ is source) or other.type in (
                    CONTRADICTORY,
                    CONTRARY,
                ):
                    folded = other
                    break
            if folded is None:
                kept.append(relation)
                continue
            self._unlink(relation, source)
            self._unlink(relation, target)
            folded.lines.extend(relation.lines)
        self.relations = kept


def _freestyle(node: Node) -> str:
    text = ""
    for child in node.children:
        if not isinstance(child, Token):
            continue
        if child.type == ESCAPED_CHAR:
            text += child.image[1:]
        elif child.type == SPECIAL_CHAR:
            char = SHORTCODES.get(child.image.strip())
            if char is None:
                text += child.image
            else:
                text += char + (" " if child.image.endswith(" ") else "")
        else:
            text += child.image
    return text


def parse_text(text: str, name: str = "<text>") -> ArgdownMap:
    """The argument map in Argdown text; raises ArgmapError naming the lines of any errors."""
    text = text.removeprefix("\ufeff")
    lexer = _Lexer(text)
    tokens = lexer.tokenize()
    real = [t for t in tokens if t.type not in (INDENT, DEDENT)]
    parser = _Parser(tokens, real[-1].line if real else 1)
    tree = parser.argdown()
    if parser.errors:
        count = len(parser.errors)
        details = "\n".join(f"  line {line}: {message}" for line, message in parser.errors)
        raise ArgmapError(
            f"{name}: {count} Argdown syntax error{'s' if count != 1 else ''}:\n{details}"
        )
    return _ModelBuilder().build(tree)


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ArgmapError(f"cannot read {path}: {err.strerror}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ArgmapError(f"{path}: line {line}: not UTF-8 text") from None


def parse(path: Path) -> ArgdownMap:
    """The argument map in an Argdown file."""
    text = _read(path)
    try:
        return parse_text(text, path.name)
    except ArgmapError as err:
        message = str(err)
        if message.startswith(f"{path.name}:"):
            raise
        raise ArgmapError(f"{path.name}: {message}") from None


def summary(path: Path) -> dict[str, Any]:
    """Counts of statements, arguments and relations by type, as the reference parser has them."""
    return parse(path).counts()


# --- Argdown map → argmap case ------------------------------------------------------------

HYPOTHESIS_TAG = "hypothesis"
EVIDENCE_TAG = "evidence"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_VERB = {SUPPORT: "supports", ENTAILS: "supports", ATTACK: "attacks", UNDERCUT: "undercuts"}


def slugify(text: str, fallback: str, limit: int = 60) -> str:
    """A case id from a title: lowercase ASCII words joined by '-'; a slug already is one.

    >>> slugify("Argument from Freedom of Speech", "argument")
    'argument-from-freedom-of-speech'
    >>> slugify("Gutes Veggie-Essen teuer", "argument")
    'gutes-veggie-essen-teuer'
    >>> slugify("???", "statement")
    'statement'
    """
    if _SLUG.match(text):
        return text
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug.strip("-") or fallback


class _Ids:
    """Unique ids, handed out in a fixed order so the same input gives the same ids."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def new(self, base: str) -> str:
        candidate, number = base, 1
        while candidate in self.used:
            number += 1
            candidate = f"{base}-{number}"
        self.used.add(candidate)
        return candidate


def _words(text: str, count: int = 8) -> str:
    return " ".join(text.split()[:count])


def _data_list(data: Any, key: str) -> list[str]:
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _data_text(data: Any, key: str) -> str | None:
    value = data.get(key) if isinstance(data, dict) else None
    return _clean(value) if isinstance(value, str) and value.strip() else None


def case_document(argdown_map: ArgdownMap, name: str) -> dict[str, Any]:
    """The hypotheses file of a new case holding the argument map (see docs/interchange.md)."""
    ids = _Ids()
    statements = argdown_map.statements
    arguments = argdown_map.arguments
    generated = argdown_map.generated

    def base(title: str, text: str, fallback: str) -> str:
        if title in generated:
            return slugify(_words(text), fallback)
        return slugify(title, fallback)

    ec_id = {title: ids.new(base(title, ec.text, "statement")) for title, ec in statements.items()}
    arg_id = {
        title: ids.new(base(title, argument.description, "argument"))
        for title, argument in arguments.items()
    }

    def node_id(member: Member | None) -> str:
        if isinstance(member, EquivalenceClass):
            return ec_id[member.title]
        if isinstance(member, _Argument):
            return arg_id[member.title]
        assert isinstance(member, _Inference)
        return arg_id[member.argument_title]

    def resolve(title: str, line: int) -> str:
        if title in arguments:
            return arg_id[title]
        if title in statements:
            return ec_id[title]
        raise ArgmapError(
            f"line {line}: premise {title!r} in the argument's data is neither a statement "
            "nor an argument of this map"
        )

    # Which statements are premises, or stand in contrary/contradictory relations: those stay
    # statements even when tagged #hypothesis (a hypothesis cannot be a premise in argmap).
    premise_titles = {s.title for a in arguments.values() for s in a.pcs if s.role == PREMISE} | {
        title for a in arguments.values() for title in _data_list(a.data, "premises")
    }
    for relation in argdown_map.relations:
        for end in (relation.from_, relation.to):
            if isinstance(end, EquivalenceClass) and relation.type in (CONTRARY, CONTRADICTORY):
                premise_titles.add(end.title)
        if isinstance(relation.from_, EquivalenceClass):
            premise_titles.add(relation.from_.title)
    hypothesis_titles = {
        title
        for title, ec in statements.items()
        if HYPOTHESIS_TAG in ec.tags and title not in premise_titles
    }

    def statement_text(ec: EquivalenceClass) -> str:
        return ec.text or _clean(ec.title)

    hypotheses: list[dict[str, Any]] = []
    statement_entries: dict[str, dict[str, Any]] = {}
    for title, ec in statements.items():
        if title in hypothesis_titles:
            hypotheses.append(
                {
                    "id": ec_id[title],
                    "title": _data_text(ec.data, "title") or _clean(title),
                    "statement": statement_text(ec),
                }
            )
        else:
            statement_entries[title] = {"id": ec_id[title], "text": statement_text(ec)}

    argument_entries: list[dict[str, Any]] = []
    extra_statements: list[dict[str, Any]] = []
    consumed: set[int] = set()
    outgoing: dict[int, list[_Relation]] = {}
    for relation in argdown_map.relations:
        source = relation.from_
        if isinstance(source, _Inference):
            source = arguments.get(source.argument_title)
        outgoing.setdefault(id(source), []).append(relation)

    def relation_of(relation: _Relation) -> tuple[str, str]:
        target = relation.to
        if relation.type == UNDERCUT:
            # Only an inference can be undercut; undercutting a statement denies it.
            verb = "undercuts" if isinstance(target, _Argument | _Inference) else "attacks"
            return verb, node_id(target)
        return _VERB.get(relation.type, "attacks"), node_id(target)

    for title, argument in arguments.items():
        own_id = arg_id[title]
        entry: dict[str, Any] = {"id": own_id}
        conclusion = statements[argument.pcs[-1].title] if argument.pcs else None
        claim = argument.description or (statement_text(conclusion) if conclusion else "")
        entry["claim"] = claim or _clean(title)
        premises = [ec_id[s.title] for s in argument.pcs if s.role == PREMISE]
        premises += [resolve(t, argument.line) for t in _data_list(argument.data, "premises")]
        if premises:
            entry["premises"] = list(dict.fromkeys(premises))
        mine = outgoing.get(id(argument), [])
        if conclusion is not None:
            entry["supports"] = ec_id[conclusion.title]
        elif mine:
            verb, target_id = relation_of(mine[0])
            entry[verb] = target_id
            consumed.add(id(mine[0]))
        else:
            # Argdown lets an argument stand with no conclusion and no target; an argmap
            # argument needs one, so it supports a statement of its own claim.
            statement_id = ids.new(f"{own_id}-conclusion")
            extra_statements.append({"id": statement_id, "text": entry["claim"]})
            entry["supports"] = statement_id
        rules = [
            rule for s in argument.pcs if s.inference is not None for rule in s.inference.rules
        ]
        rationale = _data_text(argument.data, "rationale") or _clean(
            ", ".join(rule for rule in rules if rule)
        )
        if rationale:
            entry["rationale"] = rationale
        argument_entries.append(entry)

    # Every other relation: contrary and contradictory ones are statement fields, the rest are
    # carried by a small argument whose only premise is the relation's source.
    carriers: list[dict[str, Any]] = []
    for relation in argdown_map.relations:
        if id(relation) in consumed:
            continue
        source, target = relation.from_, relation.to
        if isinstance(source, _Inference):
            source = arguments[source.argument_title]
        if (
            relation.type in (CONTRARY, CONTRADICTORY)
            and isinstance(source, EquivalenceClass)
            and isinstance(target, EquivalenceClass)
        ):
            key = "contrary" if relation.type == CONTRARY else "contradicts"
            entry = statement_entries[source.title]
            entry.setdefault(key, [])
            if ec_id[target.title] not in entry[key]:
                entry[key].append(ec_id[target.title])
            continue
        verb, target_id = relation_of(relation)
        source_id = node_id(source)
        if isinstance(source, EquivalenceClass):
            claim = statement_text(source)
        else:
            assert isinstance(source, _Argument)
            claim = next(a["claim"] for a in argument_entries if a["id"] == source_id)
        carriers.append(
            {
                "id": ids.new(f"{source_id}-{verb}-{target_id}"),
                "claim": claim,
                "premises": [source_id],
                verb: target_id,
            }
        )

    title = (
        _data_text(argdown_map.front_matter, "title")
        or (argdown_map.headings[0] if argdown_map.headings and argdown_map.headings[0] else None)
        or name
    )
    question = (
        _data_text(argdown_map.front_matter, "question")
        or _data_text(argdown_map.front_matter, "subTitle")
        or _data_text(argdown_map.front_matter, "subtitle")
        or title
    )
    document: dict[str, Any] = {"format": "1", "title": title, "question": question}
    if hypotheses:
        document["hypotheses"] = hypotheses
    all_statements = list(statement_entries.values()) + extra_statements
    if all_statements:
        document["statements"] = all_statements
    if argument_entries or carriers:
        document["arguments"] = argument_entries + carriers
    return document


def to_case_files(path: Path) -> dict[str, str]:
    """The files of a new case holding the argument map in an Argdown file."""
    from ..casewriter import dump_yaml

    document = case_document(parse(path), path.stem)
    comment = f"Imported from {path.name} (Argdown) by argmap; docs/interchange.md has the mapping."
    return {"hypotheses/case.yaml": dump_yaml(document, comment)}


# --- argmap case → Argdown ----------------------------------------------------------------


def escape(text: str) -> str:
    r"""User text as Argdown statement text that reads back as the same words.

    Whitespace runs become one space (Argdown joins lines the same way); characters that
    would start markup (titles, tags, emphasis, comments, data, shortcodes, front matter)
    get a backslash.

    >>> escape("A [draft] #1 by *me*, 10:30 e.g. now")
    'A \\[draft] \\#1 by \\*me\\*, 10\\:30 e\\.g. now'
    """
    text = _clean(text)
    out = []
    for index, char in enumerate(text):
        following = text[index + 1 : index + 2]
        needs = (
            char in "\\[<#*_{"
            or (char in ".:" and following != "" and not following.isspace())
            or (char == "/" and following in ("/", "*"))
            or (char == "=" and ("===" in text[max(0, index - 2) : index + 3]))
        )
        out.append("\\" + char if needs else char)
    return "".join(out)


def _quote(text: str) -> str:
    """A YAML double-quoted scalar that the Argdown data token cannot end early."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif (
            char in "{}"
            or code < 0x20
            or 0x7F <= code <= 0x9F
            or 0xD800 <= code <= 0xDFFF
            or code in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF)
        ):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _data(entries: dict[str, str | list[str]]) -> str:
    parts = []
    for key, value in entries.items():
        if isinstance(value, list):
            parts.append(f"{key}: [{', '.join(_quote(v) for v in value)}]")
        else:
            parts.append(f"{key}: {_quote(_clean(value))}")
    return " {" + ", ".join(parts) + "}" if parts else ""


def export(case: Any) -> str:
    """The case's argument map as Argdown: statements, arguments and their relations.

    Hypotheses become statements tagged #hypothesis and evidence items statements tagged
    #evidence; importing the result gives back the same statements, arguments and relations
    (docs/interchange.md).
    """
    blocks: list[str] = [
        "===\n"
        f"title: {_quote(_clean(case.title))}\n"
        f"question: {_quote(_clean(case.question))}\n"
        "model:\n  mode: strict\n  removeTagsFromText: true\n"
        "==="
    ]
    statement_like = set()
    for hypothesis in case.hypotheses:
        statement_like.add(hypothesis.id)
        blocks.append(
            f"[{hypothesis.id}]: {escape(hypothesis.statement)} #{HYPOTHESIS_TAG}"
            + _data({"title": hypothesis.title})
        )
    for statement in case.statements:
        statement_like.add(statement.id)
        blocks.append(f"[{statement.id}]: {escape(statement.text)}")
    for item in case.evidence:
        statement_like.add(item.id)
        blocks.append(f"[{item.id}]: {escape(item.summary)} #{EVIDENCE_TAG}")

    relation_blocks: list[str] = []
    for statement in case.statements:
        lines = [f"  >< [{other}]" for other in statement.contradicts]
        # In strict mode an attack between two statements is Argdown's contrary relation.
        lines += [f"  -> [{other}]" for other in statement.contrary]
        if lines:
            relation_blocks.append("\n".join([f"[{statement.id}]", *lines]))

    for argument in case.arguments:
        premises = list(argument.premises)
        reconstructed = (
            argument.relation == "supports"
            and argument.target in statement_like
            and bool(premises)
            and all(p in statement_like for p in premises)
            and len(set(premises)) == len(premises)
        )
        data: dict[str, str | list[str]] = {}
        if premises and not reconstructed:
            data["premises"] = premises
        if argument.rationale:
            data["rationale"] = argument.rationale
        blocks.append(f"<{argument.id}>: {escape(argument.claim)}" + _data(data))
        if reconstructed:
            lines = [f"({number}) [{premise}]" for number, premise in enumerate(premises, 1)]
            lines += ["----", f"({len(premises) + 1}) [{argument.target}]"]
            blocks.append("\n".join(lines))
        else:
            symbol = {"supports": "+>", "attacks": "->", "undercuts": "_>"}[argument.relation]
            target = argument.target
            member = f"[{target}]" if target in statement_like else f"<{target}>"
            relation_blocks.append(f"<{argument.id}>\n  {symbol} {member}")
    return "\n\n".join(blocks + relation_blocks) + "\n"
