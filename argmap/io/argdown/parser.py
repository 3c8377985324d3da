"""The Argdown parser: a recursive-descent port of ``@argdown/core``'s parser.js.

The decisions are the Chevrotain grammar's own lookahead: one token almost everywhere, two
at the start of a list and for the rules line of an inference. On an error the parser
records it and skips to the next empty line, so that one run reports every broken block,
as the reference does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .lexer import (
    ARGUMENT_DEFINITION,
    ARGUMENT_MENTION,
    ARGUMENT_REFERENCE,
    BOLD_START,
    CONTRADICTION,
    DATA,
    DEDENT,
    EMPTYLINE,
    EOF,
    ESCAPED_CHAR,
    FREESTYLE,
    FRONT_MATTER,
    HEADING_START,
    INCOMING_ATTACK,
    INCOMING_SUPPORT,
    INCOMING_UNDERCUT,
    INDENT,
    INFERENCE_END,
    INFERENCE_START,
    ITALIC_START,
    LINK,
    LIST_DELIMITER,
    NEWLINE,
    ORDERED_LIST_ITEM,
    OUTGOING_ATTACK,
    OUTGOING_SUPPORT,
    OUTGOING_UNDERCUT,
    RELATION_TOKENS,
    SPECIAL_CHAR,
    STATEMENT_DEFINITION,
    STATEMENT_MENTION,
    STATEMENT_NUMBER,
    STATEMENT_REFERENCE,
    TAG,
    UNORDERED_LIST_ITEM,
    UNUSED_CONTROL_CHAR,
    Token,
)

if TYPE_CHECKING:
    from .model import Argument, Inference, Relation, Statement

__all__ = [
    "ARGDOWN",
    "ARGUMENT",
    "FREESTYLE_TEXT",
    "INFERENCE",
    "MAX_NESTING",
    "RELATION_RULES",
    "Node",
    "Parser",
]

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


@dataclass(eq=False, slots=True)
class Node:
    """A grammar rule's node in the syntax tree, with what model building attaches to it."""

    name: str
    children: list[Node | Token]
    line: int
    data: Any = None
    statement: Statement | None = None
    argument: Argument | None = None
    inference: Inference | None = None
    relation: Relation | None = None


class _ParseError(Exception):
    def __init__(self, token: Token, message: str):
        super().__init__(message)
        self.token = token
        self.message = message


def _describe(token: Token) -> str:
    if token.type in _DESCRIBE:
        return _DESCRIBE[token.type]
    return repr(token.image.strip() or token.image)


MAX_NESTING = 100
"""How deeply relations and emphasis may nest. The parser descends once per level, so a
map nested thousands deep (`+` under `+` under `+` …, or `*_*_*_…`) would exhaust Python's
stack; real maps stay within ten levels."""


class Parser:
    """Parses a list of tokens, which it takes over (two EOF tokens are added at its end)."""

    def __init__(self, tokens: list[Token], end_line: int):
        self.eof = Token(EOF, "", -1, end_line)
        # Two EOF tokens past the end: the grammar looks at most two tokens ahead.
        tokens += (self.eof, self.eof)
        self.tokens = tokens
        self.types = [token.type for token in self.tokens]
        self.pos = 0
        self.depth = 0
        self.errors: list[tuple[int, str]] = []

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def at(self, *kinds: str) -> bool:
        return self.types[self.pos] in kinds

    def consume(self, kind: str, expected: str | None = None) -> Token:
        token = self.tokens[self.pos]
        if token.type != kind:
            raise _ParseError(
                token,
                f"expected {expected or _DESCRIBE.get(kind, kind)}, found {_describe(token)}",
            )
        self.pos += 1
        return token

    def node(self, name: str, children: list[Node | Token]) -> Node:
        line = children[0].line if children else self.tokens[self.pos].line
        return Node(name, children, line)

    def descend(self, what: str) -> None:
        """One level deeper into nested relations or emphasis; refused past MAX_NESTING."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise _ParseError(
                self.peek(),
                f"{what} nested more than {MAX_NESTING} levels deep; argmap reads at most "
                f"{MAX_NESTING} (split the map, or indent less)",
            )

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
        self.depth = 0
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
        self.descend("relations")
        children: list[Node | Token] = [self.relation(OUTGOING_UNDERCUT, only_undercut=True)]
        while self.at(OUTGOING_UNDERCUT):
            children.append(self.relation(OUTGOING_UNDERCUT))
        self.consume(DEDENT)
        self.depth -= 1
        return self.node(RELATIONS, children)

    def relations(self) -> Node:
        self.consume(INDENT)
        self.descend("relations")
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
        self.depth -= 1
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
        self.descend("emphasis (** __ * _)")
        end_kind = start.type.replace("Start", "End")
        children: list[Node | Token] = [start]
        if self.at(*CONTENT_FIRST):
            children.append(self.statement_content())
        marker = start.image.strip()
        children.append(self.consume(end_kind, f"the closing {marker} of {marker}emphasis{marker}"))
        self.depth -= 1
        return self.node(BOLD if "Bold" in start.type else ITALIC, children)

    def freestyle_text(self) -> Node:
        start = self.pos
        types = self.types
        while types[self.pos] in FREESTYLE_FIRST:
            self.pos += 1
        return self.node(FREESTYLE_TEXT, list(self.tokens[start : self.pos]))
