"""The Argdown model: a port of the reference ``ModelPlugin``, and :func:`parse`.

The DataPlugin's handling of front matter and `{data}` included: a walk over the syntax
tree that collects statements into equivalence classes by title, arguments with their
premise-conclusion structures, and relations.
"""

from __future__ import annotations

import re
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
    text: str = ""
    tags: list[str] = field(default_factory=list)
    data: Any = None
    role: str | None = None
    is_reference: bool = False
    line: int = 0
    inference: Inference | None = None


def _canonical(members: list[Statement]) -> Statement | None:
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
    members: list[Statement] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    data: Any = None
    kind: str = "statement"

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
        self.current_statement: Statement | None = None
        self.current_heading: Statement | None = None
        self.relation_parent: Statement | Argument | Inference | None = None
        self.current_argument: Argument | None = None
        self.current_pcs: Argument | None = None
        self.current_inference: Inference | None = None
        self.current_relation: Relation | None = None
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
                match = re.match("#" + TAG_BODY, token.image)
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
        for tag in statement.tags:
            if tag not in ec.tags:
                ec.tags.append(tag)
        if isinstance(statement.data, dict):
            ec.data = {**(ec.data or {}), **statement.data}
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

    def _unlink(self, relation: Relation, side: Member | None) -> None:
        if side is not None and relation in side.relations:
            side.relations.remove(relation)

    def transform_argument_relations(self) -> None:
        kept = []
        for relation in self.relations:
            add = True
            source, target = relation.from_, relation.to
            if isinstance(source, Argument) and source.pcs:
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
            if isinstance(target, Argument) and target.pcs and relation.type == UNDERCUT:
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
                and isinstance(target, Argument)
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
    tokens = tokenize(text)
    real = [t for t in tokens if t.type not in (INDENT, DEDENT)]
    parser = Parser(tokens, real[-1].line if real else 1)
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
