"""The Argdown model: a port of the reference ``ModelPlugin``, and :func:`parse`.

The DataPlugin's handling of front matter and `{data}` included: a walk over the syntax
tree that collects statements into equivalence classes by title, arguments with their
premise-conclusion structures, and relations.
"""

from __future__ import annotations

import contextlib
import gc
import re
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ...problems import ArgmapError
from ...text import clean_text
from .lexer import (
    ARGUMENT_DEFINITION,
    ARGUMENT_MENTION,
    ARGUMENT_REFERENCE,
    CONTRADICTION,
    DATA,
    DEDENT,
    EMPTYLINE,
    EOF,
    ESCAPED_CHAR,
    FRONT_MATTER,
    INCOMING_ATTACK,
    INCOMING_SUPPORT,
    INCOMING_UNDERCUT,
    INDENT,
    LINK,
    NEWLINE,
    OUTGOING_ATTACK,
    OUTGOING_SUPPORT,
    OUTGOING_UNDERCUT,
    SPECIAL_CHAR,
    STATEMENT_DEFINITION,
    STATEMENT_MENTION,
    STATEMENT_REFERENCE,
    TAG,
    TAG_BODY,
    Token,
    tokenize,
)
from .parser import (
    ARGDOWN,
    ARGUMENT,
    FREESTYLE_TEXT,
    INFERENCE,
    RELATION_RULES,
    Node,
    Parser,
)

__all__ = [
    "ATTACK",
    "CONTRADICTORY",
    "CONTRARY",
    "ENTAILS",
    "PREMISE",
    "SHOWN_ERRORS",
    "SUPPORT",
    "UNDERCUT",
    "ArgdownMap",
    "Argument",
    "EquivalenceClass",
    "Inference",
    "Member",
    "Relation",
    "Statement",
    "parse",
    "parse_text",
    "summary",
]

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
class Statement:
    """One occurrence of a statement: a definition, a reference or a mention."""

    title: str = ""
    tags: list[str] = field(default_factory=list)
    data: Any = None
    role: str | None = None
    is_reference: bool = False
    line: int = 0
    inference: Inference | None = None
    tag_set: set[str] | None = field(default=None, repr=False)
    """The tags, for looking one up (a map may give one statement thousands); made when the
    first tag is added."""
    pieces: list[str] = field(default_factory=list, repr=False)
    """The text as read, piece by piece: adding each to one string would copy the whole
    string every time (quadratic for a statement of many thousand tags or lines)."""
    has_words: bool = False
    """Whether it has text besides its tags: `[A]: #tag` only tags the statement."""

    @property
    def text(self) -> str:
        if len(self.pieces) > 1:
            self.pieces[:] = ["".join(self.pieces)]
        return self.pieces[0] if self.pieces else ""

    def add_text(self, piece: str, tag: bool = False) -> None:
        if piece:
            self.pieces.append(piece)
            if not tag and not self.has_words and not piece.isspace():
                self.has_words = True

    def ends_with_space(self) -> bool:
        return bool(self.pieces) and self.pieces[-1].endswith(" ")


def _canonical(members: list[Statement]) -> Statement | None:
    """The member whose text counts: marked `isCanonical`, else the last definition with
    words, else the last definition.

    The reference takes the last definition even when it is only a tag (`[A]: #tag` after
    `[A]: Some text.`), which loses the statement's text; argmap keeps it.
    """
    chosen = None
    for member in reversed(members):
        if not member.is_reference:
            if isinstance(member.data, dict) and _true(member.data.get("isCanonical")):
                return member
            if chosen is None or (member.has_words and not chosen.has_words):
                chosen = member
    return chosen


@dataclass(eq=False)
class EquivalenceClass:
    """Argdown's statement: every occurrence with the same title, taken together."""

    title: str
    members: list[Statement] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    data: Any = None
    kind: str = "statement"
    tag_set: set[str] | None = field(default=None, repr=False)
    """The tags, for looking one up (a map may give one statement thousands); made when the
    first tag is added."""

    @property
    def canonical(self) -> Statement | None:
        """The member whose text counts: marked `isCanonical`, else the last definition."""
        return _canonical(self.members)

    @property
    def text(self) -> str:
        member = self.canonical
        return clean_text(member.text) if member else ""

    @property
    def line(self) -> int:
        lines = [m.line for m in self.members if m.line]
        return min(lines) if lines else 0


@dataclass(eq=False)
class Inference:
    """The inference of a reconstructed argument (the line between premises and conclusion)."""

    rules: list[str] = field(default_factory=list)
    data: Any = None
    relations: list[Relation] = field(default_factory=list)
    argument_title: str = ""
    line: int = 0
    kind: str = "inference"


@dataclass(eq=False)
class Argument:
    """An argument: every occurrence with the same title, and its premise-conclusion structure."""

    title: str
    members: list[Statement] = field(default_factory=list)
    pcs: list[Statement] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    data: Any = None
    line: int = 0
    kind: str = "argument"
    tag_set: set[str] | None = field(default=None, repr=False)
    """The tags, for looking one up (a map may give one statement thousands); made when the
    first tag is added."""

    @property
    def canonical(self) -> Statement | None:
        return _canonical(self.members)

    @property
    def description(self) -> str:
        member = self.canonical
        return clean_text(member.text) if member else ""


Member = EquivalenceClass | Argument | Inference


@dataclass(eq=False)
class Relation:
    """A support, attack, undercut, contrary or contradictory relation between members."""

    type: str
    from_: Member | None = None
    to: Member | None = None
    lines: list[int] = field(default_factory=list)


@dataclass
class ArgdownMap:
    """What the reference parser's model holds for a document."""

    statements: dict[str, EquivalenceClass]
    arguments: dict[str, Argument]
    relations: list[Relation]
    front_matter: dict[str, Any]
    headings: list[str]
    generated: set[str] = field(default_factory=set)
    """Titles the parser made up (`Untitled 3`) for statements and arguments without one."""
    warnings: list[tuple[int, str]] = field(default_factory=list)
    """(line, message): what was read differently from the file, such as data in braces
    that is not YAML and was left out."""

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


class _NotYaml(Exception):
    """Data or front matter that no YAML reader takes: what is wrong, and on which line."""

    def __init__(self, line: int, problem: str):
        super().__init__(problem)
        self.line = line
        self.problem = problem


def _load_yaml(text: str, line: int) -> Any:
    # BaseLoader: every scalar stays text (as in the case format), nothing is constructed.
    if _FAST_LOADER is not None:
        # libyaml is ten times faster; on an error the pure loader reads it again, so the
        # message is the same with or without libyaml.
        with contextlib.suppress(yaml.YAMLError, RecursionError):
            return yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506 - builds no objects
    try:
        return yaml.load(text, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds no objects
    except yaml.MarkedYAMLError as err:
        where = line + (err.problem_mark.line if err.problem_mark else 0)
        raise _NotYaml(where, str(err.problem)) from None
    except (yaml.YAMLError, RecursionError) as err:
        raise _NotYaml(line, str(err) or type(err).__name__) from None


SHOWN_ERRORS = 20
"""Syntax errors listed at most; a broken file can have one per line."""
_FAST_LOADER: type | None = getattr(yaml, "CBaseLoader", None)


class _Held:
    """The relations one member takes part in, in order, with lookups by key.

    The reference walks a member's whole list for every relation it adds or moves, which is
    quadratic for a statement that thousands of arguments support. Here each relation is
    filed under keys of its current ends and type; a lookup returns the first relation in
    list order under a key, checking that it still holds there (relations are moved and
    retyped after the walk: :meth:`refile` files them again).
    """

    KEYS: dict[str, Callable[[Member, Relation], Hashable]] = {
        "to": lambda owner, r: (id(r.to), r.type),
        "from": lambda owner, r: (id(r.from_), r.type),
        "both": lambda owner, r: (id(r.from_), id(r.to), r.type),
        "pair": lambda owner, r: (frozenset((id(r.from_), id(r.to))), r.type),
        "far": lambda owner, r: id(r.to if r.from_ is owner else r.from_),
    }

    def __init__(self, owner: Member):
        self.owner = owner
        self.slots: list[Relation | None] = []
        self.where: dict[int, list[int]] = {}
        """id(relation) → its slots (a relation of a member to itself is there twice)."""
        self.filed: dict[str, dict[Hashable, list[int]]] = {}
        """Kind of key → key → slots; a kind is filed when first looked up."""

    def append(self, relation: Relation) -> None:
        slot = len(self.slots)
        self.slots.append(relation)
        self.where.setdefault(id(relation), []).append(slot)
        for kind, filed in self.filed.items():
            filed.setdefault(self.KEYS[kind](self.owner, relation), []).append(slot)

    def __contains__(self, relation: Relation) -> bool:
        return bool(self.where.get(id(relation)))

    def remove(self, relation: Relation) -> None:
        """Remove its first occurrence, as ``list.remove`` does."""
        slots = self.where.get(id(relation))
        if slots:
            self.slots[slots.pop(0)] = None

    def splice_out(self, relation: Relation) -> None:
        """Remove it as the reference does (``list.splice(list.indexOf(r), 1)``): its first
        occurrence, or, when it is not there, the last relation (index -1)."""
        if self.where.get(id(relation)):
            self.remove(relation)
            return
        for slot in range(len(self.slots) - 1, -1, -1):
            last = self.slots[slot]
            if last is not None:
                self.where[id(last)].remove(slot)
                self.slots[slot] = None
                return

    def refile(self, relation: Relation) -> None:
        """File a relation again after its ends or type changed."""
        for slot in self.where.get(id(relation), ()):
            for kind, filed in self.filed.items():
                slots = filed.setdefault(self.KEYS[kind](self.owner, relation), [])
                at = bisect_left(slots, slot)
                if at == len(slots) or slots[at] != slot:
                    slots.insert(at, slot)

    def _filed(self, kind: str) -> dict[Hashable, list[int]]:
        filed = self.filed.get(kind)
        if filed is None:
            filed = self.filed[kind] = {}
            keyed = self.KEYS[kind]
            for slot, relation in enumerate(self.slots):
                if relation is not None:
                    filed.setdefault(keyed(self.owner, relation), []).append(slot)
        return filed

    def first(
        self, kind: str, key: Hashable, accept: Callable[[Relation], bool] | None = None
    ) -> tuple[int, Relation] | None:
        """The first relation (slot, relation) in order filed under ``key`` that ``accept``s."""
        if not self.slots:
            return None
        slots = self._filed(kind).get(key)
        if not slots:
            return None
        keyed = self.KEYS[kind]
        stale = 0
        found = None
        for index, slot in enumerate(slots):
            relation = self.slots[slot]
            if relation is None or keyed(self.owner, relation) != key:
                stale += 1
                slots[index] = -1
                continue
            if accept is None or accept(relation):
                found = (slot, relation)
                break
        if stale:  # what no longer holds is dropped, so it is passed over once
            slots[:] = [slot for slot in slots if slot >= 0]
        return found

    def live(self) -> list[Relation]:
        return [relation for relation in self.slots if relation is not None]


class _ModelBuilder:
    """The reference ModelPlugin's tree walk, with its settings (loose or strict mode)."""

    def __init__(self) -> None:
        self.statements: dict[str, EquivalenceClass] = {}
        self.arguments: dict[str, Argument] = {}
        self.relations: list[Relation] = []
        self.front_matter: dict[str, Any] = {}
        self.headings: list[str] = []
        self.settings: dict[str, Any] = {
            "mode": "loose",
            "removeTagsFromText": False,
            "transformArgumentRelations": True,
        }
        self.untitled = 0
        self.generated: set[str] = set()
        self.warnings: list[tuple[int, str]] = []
        self.current_statement: Statement | None = None
        self.current_heading: Statement | None = None
        self.relation_parent: Statement | Argument | Inference | None = None
        self.current_argument: Argument | None = None
        self.current_pcs: Argument | None = None
        self.current_inference: Inference | None = None
        self.current_relation: Relation | None = None
        self.parents: list[Member] = []
        self.held: dict[int, _Held] = {}
        """id(member) → the relations it takes part in (its ``relations`` when done)."""
        self.holders: dict[int, list[_Held]] = {}
        """id(relation) → the members' lists it is in."""
        self.handlers: dict[str, tuple[Callable[..., None] | None, Callable[..., None] | None]]
        self.handlers = {}

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

    def argument(self, title: str | None = None, line: int = 0) -> Argument:
        found = self.arguments.get(title) if title else None
        if found is None:
            found = Argument(title or self.unique_title(), line=line)
            self.arguments[found.title] = found
        self.current_argument = found
        self.relation_parent = found
        return found

    def member(self, parent: Statement | Argument | Inference) -> Member:
        if isinstance(parent, Statement):
            if not parent.title:
                parent.title = self.unique_title()
            if parent.role == ARGUMENT_DESCRIPTION:
                return self.argument(parent.title, parent.line)
            return self.equivalence_class(parent.title)
        return parent

    def target(self) -> Statement | None:
        return self.current_heading or self.current_statement

    def relations_of(self, member: Member) -> _Held:
        held = self.held.get(id(member))
        if held is None:
            held = self.held[id(member)] = _Held(member)
        return held

    def link(self, relation: Relation, member: Member) -> None:
        held = self.relations_of(member)
        held.append(relation)
        self.holders.setdefault(id(relation), []).append(held)

    def moved(self, relation: Relation) -> None:
        """``relation``'s ends or type changed: file it again where it is."""
        for held in self.holders.get(id(relation), ()):
            held.refile(relation)

    # -- the walk --------------------------------------------------------------------------

    def build(self, tree: Node) -> ArgdownMap:
        self.visit(tree)
        if _true(self.settings.get("transformArgumentRelations", True)):
            self.transform_argument_relations()
        if self.settings.get("mode") == "strict":
            self.transform_statement_relations()
        self.remove_redundant_attacks()
        for held in self.held.values():
            held.owner.relations = held.live()
        return ArgdownMap(
            self.statements,
            self.arguments,
            self.relations,
            self.front_matter,
            self.headings,
            self.generated,
            self.warnings,
        )

    def visit(self, tree: Node) -> None:
        """Enter each node, visit its children in order, leave it: depth first, with a stack of
        its own (the parser bounds nesting, but the walk needs no Python stack for it).

        The tree is taken apart as it is walked: a node's children are dropped once it is left.
        """
        enter, leave = self._handlers(tree.name)
        if enter:
            enter(tree, None, 0)
        stack: list[tuple[Node, Node | None, int, Iterator[tuple[int, Node | Token]]]] = [
            (tree, None, 0, iter(enumerate(tree.children)))
        ]
        on_token = self.on_token
        while stack:
            node, parent, index, children = stack[-1]
            for child_index, child in children:
                if isinstance(child, Token):
                    on_token(child, node, child_index)
                    continue
                enter, leave = self._handlers(child.name)
                if enter:
                    enter(child, node, child_index)
                # The tokens of free text are read by enter_freestyleText as a whole.
                grandchildren = () if child.name == FREESTYLE_TEXT else child.children
                stack.append((child, node, child_index, iter(enumerate(grandchildren))))
                break
            else:
                stack.pop()
                leave = self._handlers(node.name)[1]
                if leave:
                    leave(node, parent, index)
                # Done with what is below it (later handlers look at a node's siblings, not at
                # their children): a large map's tokens are freed as the model grows.
                node.children = []

    def _handlers(self, name: str) -> tuple[Callable[..., None] | None, Callable[..., None] | None]:
        found = self.handlers.get(name)
        if found is None:
            found = self.handlers[name] = (
                getattr(self, f"enter_{name}", None),
                getattr(self, f"exit_{name}", None),
            )
        return found

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
                target.add_text(token.image)
        elif kind == LINK:
            target = self.target()
            if target is not None:
                target.add_text(token.image[1 : token.image.index("](")])
                if token.image.endswith(" "):
                    target.add_text(" ")
        elif kind == TAG:
            target = self.target()
            if target is not None:
                match = _TAG_BODY.match(token.image)
                assert match is not None
                tag = match.group(1) or match.group(2)
                if not _true(self.settings.get("removeTagsFromText")):
                    target.add_text(token.image, tag=True)
                _add_tags(target, [tag])
        elif kind == NEWLINE:
            target = self.target()
            last = index == len(parent.children) - 1
            if target is not None and not last and not target.ends_with_space():
                target.add_text(" ")

    def data(self, token: Token) -> Any:
        text = token.image
        block = re.match(r"\{[ \t]*(\n\r|\n)", text)
        if block:
            text = re.sub(r"\}\s*$", "", text[block.end() :])
        return self.yaml_or_nothing(text, token.line, "the data in braces")

    def yaml_or_nothing(self, text: str, line: int, what: str) -> Any:
        """The YAML in ``text``; None, with a warning, when it is not YAML.

        @argdown/core cannot read such data either (it stops building the map there); the
        reference's own examples hold some, such as `{depends on: [1,2]; uses: [3]}`.
        """
        try:
            return _load_yaml(text, line)
        except _NotYaml as err:
            at = f" (at line {err.line})" if err.line != line else ""
            self.warnings.append(
                (
                    line,
                    f"{what} is not YAML{at}: {err.problem}; argmap left it out and read the "
                    "rest (write YAML, with commas between entries: {uses: [1, 2], note: text})",
                )
            )
            return None

    def on_front_matter(self, token: Token, parent: Node) -> None:
        text = re.sub(r"^\s*={3,}", "", token.image)
        text = re.sub(r"={3,}\s*$", "", text)
        data = self.yaml_or_nothing(text, token.line, "the front matter")
        parent.data = data
        if isinstance(data, dict):
            self.front_matter = data
            model = data.get("model")
            if isinstance(model, dict):
                self.settings.update(model)

    # -- rules -----------------------------------------------------------------------------

    def enter_heading(self, node: Node, parent: Node | None, index: int) -> None:
        self.current_heading = Statement(line=node.line)

    def exit_heading(self, node: Node, parent: Node | None, index: int) -> None:
        if self.current_heading is not None:
            self.headings.append(clean_text(self.current_heading.text))
        self.current_heading = None

    def enter_statement(self, node: Node, parent: Node | None, index: int) -> None:
        statement = Statement(line=node.line)
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
        _add_tags(ec, statement.tags)
        if isinstance(statement.data, dict):
            ec.data = _merged(ec.data, statement.data)
        ec.members.append(statement)
        self.current_statement = None

    def enter_argument(self, node: Node, parent: Node | None, index: int) -> None:
        description = Statement(role=ARGUMENT_DESCRIPTION, line=node.line)
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
        _add_tags(argument, description.tags)
        if isinstance(description.data, dict):
            argument.data = _merged(argument.data, description.data)
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
        inference = Inference(line=node.line)
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
                # Its text, kept when it was entered: its tokens are gone once it is left.
                self.current_inference.rules.append(str(child.data or "").strip())

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
        relation = Relation(relation_type, lines=[node.line])
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
        other = self.member(item) if isinstance(item, Statement) else item
        if relation.from_ is not None:
            relation.to = other
        else:
            relation.from_ = other
        source = relation.from_
        assert source is not None
        # The first relation of the source's that this one repeats: the same target and type,
        # or the same contradiction the other way round.
        held = self.relations_of(source)
        found = [held.first("to", (id(relation.to), relation.type))]
        if relation.type == CONTRADICTORY:
            found.append(held.first("both", (id(relation.to), id(source), CONTRADICTORY)))
        repeated = min((f for f in found if f is not None), default=None, key=lambda f: f[0])
        if repeated is not None:
            repeated[1].lines.extend(relation.lines)
            return
        assert relation.to is not None
        self.relations.append(relation)
        self.link(relation, source)
        self.link(relation, relation.to)

    def __getattr__(self, name: str) -> Any:
        # enter_/exit_ handlers for the seven relation rules share two methods.
        for kind, rule in RELATION_RULES.items():
            if name == f"enter_{rule}":
                return lambda node, parent, index, kind=kind: self.enter_relation(node, kind)
            if name == f"exit_{rule}":
                return lambda node, parent, index: self.exit_relation(node)
        raise AttributeError(name)

    def enter_freestyleText(self, node: Node, parent: Node | None, index: int) -> None:  # noqa: N802
        text = node.data = _freestyle(node)
        target = self.target()
        if target is not None:
            target.add_text(text)

    def exit_bold(self, node: Node, parent: Node | None, index: int) -> None:
        self._emphasis_end(node)

    def exit_italic(self, node: Node, parent: Node | None, index: int) -> None:
        self._emphasis_end(node)

    def _emphasis_end(self, node: Node) -> None:
        target = self.target()
        end = node.children[-1]
        if target is not None and isinstance(end, Token) and end.image.endswith(" "):
            target.add_text(" ")

    # -- after the walk ------------------------------------------------------------------

    def _unlink(self, relation: Relation, side: Member | None) -> None:
        if side is not None:
            self.relations_of(side).remove(relation)

    def transform_argument_relations(self) -> None:
        kept = []
        for relation in self.relations:
            add = True
            source, target = relation.from_, relation.to
            if isinstance(source, Argument) and source.pcs:
                self._unlink(relation, source)
                ec = self.statements[source.pcs[-1].title]
                relation.from_ = ec
                self.moved(relation)
                found = self.relations_of(ec).first("to", (id(relation.to), relation.type))
                if found is None:
                    self.link(relation, ec)
                else:
                    found[1].lines.extend(relation.lines)
                    self._unlink(relation, relation.to)
                    add = False
            if isinstance(target, Argument) and target.pcs and relation.type == UNDERCUT:
                inference = target.pcs[-1].inference
                assert inference is not None
                relation.to = inference
                self.moved(relation)
                # @argdown/core 1.7.5 removes the relation from its new target, the inference,
                # where it is not yet: JavaScript's splice(-1, 1) drops the inference's last
                # relation instead, and the argument keeps it. That is why an undercut stated
                # both on an argument and on its conclusion is kept once, not lost.
                self.relations_of(inference).splice_out(relation)
                found = self.relations_of(inference).first(
                    "from", (id(relation.from_), relation.type)
                )
                if found is None:
                    self.link(relation, inference)
                else:
                    found[1].lines.extend(relation.lines)
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
                    self.moved(relation)
                elif relation.type == ATTACK:
                    pair = frozenset((id(source), id(target)))
                    if self.relations_of(source).first("pair", (pair, CONTRARY)) is not None:
                        self._unlink(relation, source)
                        self._unlink(relation, target)
                        continue
                    relation.type = CONTRARY
                    self.moved(relation)
            kept.append(relation)
        self.relations = kept

    def remove_redundant_attacks(self) -> None:
        # An attack from a statement on an argument that has a premise the statement already
        # attacks, contradicts or is contrary to adds nothing: it folds into that relation.
        kept = []
        premises_of: dict[int, dict[int, EquivalenceClass]] = {}
        for relation in self.relations:
            source, target = relation.from_, relation.to
            if not (
                isinstance(source, EquivalenceClass)
                and relation.type == ATTACK
                and isinstance(target, Argument)
            ):
                kept.append(relation)
                continue
            premises = premises_of.get(id(target))
            if premises is None:
                titles = dict.fromkeys(s.title for s in target.pcs if s.role == PREMISE)
                found_ecs = (self.statements[t] for t in titles if t in self.statements)
                premises = premises_of[id(target)] = {id(ec): ec for ec in found_ecs}

            def folds(other: Relation, source: EquivalenceClass = source) -> bool:
                return (other.type == ATTACK and other.from_ is source) or other.type in (
                    CONTRADICTORY,
                    CONTRARY,
                )

            held = self.relations_of(source)
            # The first of the source's relations with a premise at its far end that folds:
            # looked up premise by premise, or read in order, whichever is shorter.
            if len(premises) <= len(held.slots):
                found = [held.first("far", key, folds) for key in premises]
                folded = min((f for f in found if f is not None), default=None, key=lambda f: f[0])
            else:
                far = _Held.KEYS["far"]
                folded = next(
                    (
                        (slot, other)
                        for slot, other in enumerate(held.slots)
                        if other is not None and far(source, other) in premises and folds(other)
                    ),
                    None,
                )
            if folded is None:
                kept.append(relation)
                continue
            self._unlink(relation, source)
            self._unlink(relation, target)
            folded[1].lines.extend(relation.lines)
        self.relations = kept


def _freestyle(node: Node) -> str:
    pieces = []
    for child in node.children:
        if not isinstance(child, Token):
            continue
        if child.type == ESCAPED_CHAR:
            pieces.append(child.image[1:])
        elif child.type == SPECIAL_CHAR:
            char = SHORTCODES.get(child.image.strip())
            if char is None:
                pieces.append(child.image)
            else:
                pieces.append(char + (" " if child.image.endswith(" ") else ""))
        else:
            pieces.append(child.image)
    return "".join(pieces)


_TAG_BODY = re.compile("#" + TAG_BODY)


def _add_tags(owner: Statement | EquivalenceClass | Argument, tags: list[str]) -> None:
    """Add to ``owner.tags`` the tags it does not have yet, in order."""
    if not tags:
        return
    if owner.tag_set is None:
        owner.tag_set = set(owner.tags)
    for tag in tags:
        if tag not in owner.tag_set:
            owner.tag_set.add(tag)
            owner.tags.append(tag)


def _merged(data: Any, more: dict[str, Any]) -> dict[str, Any]:
    """``data`` updated with ``more``, copying ``data`` only the first time."""
    if not isinstance(data, dict):
        return dict(more)
    data.update(more)
    return data


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a map is read: it would go over the millions of
    tokens and nodes of a large map again and again, none of them garbage yet (that doubled
    the time a 30 MB map takes)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_text(text: str, name: str = "<text>") -> ArgdownMap:
    """The argument map in Argdown text; raises ArgmapError naming the lines of any errors."""
    with _collector_paused():
        return _parse_text(text, name)


def _parse_text(text: str, name: str) -> ArgdownMap:
    text = text.removeprefix("\ufeff")
    tokens = tokenize(text)
    real = (t for t in reversed(tokens) if t.type not in (INDENT, DEDENT))
    parser = Parser(tokens, next(real, Token(EOF, "", 0, 1)).line)
    del tokens, real  # the parser owns them now
    tree = parser.argdown()
    if parser.errors:
        count = len(parser.errors)
        shown = parser.errors[:SHOWN_ERRORS]
        details = "\n".join(f"  line {line}: {message}" for line, message in shown)
        if count > len(shown):
            details += f"\n  … and {count - len(shown)} more (fix these first)"
        raise ArgmapError(
            f"{name}: {count} Argdown syntax error{'s' if count != 1 else ''}:\n{details}"
        )
    del parser
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
