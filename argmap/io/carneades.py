"""Import Carneades 4 argument graphs (YAML) as argmap cases.

A Carneades graph has statements (some assumed), issues (sets of alternative
positions with a proof standard), arguments (premises → conclusion, an optional
undercutter statement and a scheme that weighs them) and, optionally, a theory:
argumentation schemes with variables that are applied to the assumptions, issue
schemes, and named weighing functions. argmap reads it as carneades-4 does
(github.com/carneades/carneades-4, internal/caes and its YAML encoding):

- statement ids are normalised as logical terms (``f(a, b)`` = ``f(a,b)``) and
  turned into slugs (``¬app(a1)`` → ``not-app-a1``); an issue's positions become
  mutually contrary statements carrying the issue's standard;
- an argument's undercutter ``u`` becomes an argument with premise ``u`` that
  undercuts it, so the argument is undercut exactly when ``u`` is in;
- schemes with conclusions are applied to the assumptions by forward chaining
  (what carneades-4 delegates to Constraint Handling Rules), each instance an
  argument, each exception an undercutting argument; issue schemes then group
  matching statements into issues;
- weighing: linked, convergent, cumulative and factorized map to argmap's
  ``weighing``; a constant, criteria or preference weighing function becomes the
  argument's ``weight`` (docs/evaluation.md lists where this differs).

The ``tests:`` block (expected labels) goes into the case file's header comment.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..problems import CaseError, Problem
from ..yamlfile import Loc, YamlDocument, read_yaml

__all__ = ["CarneadesGraph", "normalise", "read_graph", "summary", "to_case_files"]

BASIC_WEIGHING = ("linked", "convergent", "cumulative", "factorized")
STANDARDS = {"pe": "preponderance", "cce": "clear-and-convincing", "brd": "beyond-reasonable-doubt"}
MAX_INSTANCES = 10_000
"""Scheme instances before forward chaining is stopped as non-terminating."""
MAX_DEPTH = 32
"""How deeply a derived term may nest before forward chaining is stopped as non-terminating."""

TOP_KEYS = (
    "meta",
    "statements",
    "issues",
    "arguments",
    "assumptions",
    "argument_schemes",
    "weighing_functions",
    "issue_schemes",
    "language",
    "references",
    "tests",
)
STATEMENT_KEYS = ("text", "assumed", "label", "value", "meta", "metadata")
ISSUE_KEYS = ("positions", "standard", "meta", "metadata")
ARGUMENT_KEYS = (
    "conclusion",
    "premises",
    "undercutter",
    "nas",
    "not app statement",
    "scheme",
    "weight",
    "meta",
    "metadata",
    "parameters",
)
SCHEME_KEYS = (
    "id",
    "meta",
    "metadata",
    "variables",
    "weight",
    "premises",
    "assumptions",
    "exceptions",
    "deletions",
    "guards",
    "conclusions",
)


# --- logical terms ------------------------------------------------------------------


@dataclass(frozen=True)
class Var:
    """A schema variable (Prolog syntax: starts with a capital letter or '_')."""

    name: str


Term = str | Var | tuple[str, tuple["Term", ...]]
"""An atom or number (its text), a variable, or a compound ``(functor, args)``."""

_TOKEN = re.compile(
    r"\s*(?:(?P<var>[A-Z_][A-Za-z0-9_]*)|(?P<atom>[a-z][A-Za-z0-9_]*)"
    r"|(?P<number>-?\d+(?:\.\d+)?)|(?P<quoted>'(?:[^'\\]|\\.)*')|(?P<punct>[(),]))"
)


def parse_term(text: str) -> Term | None:
    """The term ``text`` spells, or None when it is not one (``¬p``, ``a1.2``).

    >>> parse_term("holdsAt(wfh, 3)")
    ('holdsAt', ('wfh', '3'))
    >>> parse_term("¬app(a1)") is None
    True
    """
    tokens: list[tuple[str, str]] = []
    position, text = 0, text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            return None
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    term, rest = _parse(tokens, 0)
    return term if term is not None and rest == len(tokens) else None


def _parse(tokens: list[tuple[str, str]], at: int) -> tuple[Term | None, int]:
    if at >= len(tokens):
        return None, at
    kind, value = tokens[at]
    if kind == "var":
        return Var(value), at + 1
    if kind in ("number", "quoted"):
        return value, at + 1
    if kind != "atom":
        return None, at
    if at + 1 >= len(tokens) or tokens[at + 1] != ("punct", "("):
        return value, at + 1
    args: list[Term] = []
    at += 2
    while True:
        arg, at = _parse(tokens, at)
        if arg is None or at >= len(tokens):
            return None, at
        args.append(arg)
        if tokens[at] == ("punct", ","):
            at += 1
        elif tokens[at] == ("punct", ")"):
            return (value, tuple(args)), at + 1
        else:
            return None, at


def show(term: Term) -> str:
    """A term's canonical text: no spaces. ``show(parse_term("f(a, b)")) == "f(a,b)"``."""
    if isinstance(term, Var):
        return term.name
    if isinstance(term, str):
        return term
    functor, args = term
    return f"{functor}({','.join(show(arg) for arg in args)})"


def normalise(text: str) -> str:
    """A statement key as carneades-4 compares them: a term's canonical text, else trimmed.

    >>> normalise("initiates(wfh_order, wfh_required, 1)")
    'initiates(wfh_order,wfh_required,1)'
    """
    term = parse_term(text)
    return show(term) if term is not None and _ground(term) else text.strip()


def _ground(term: Term) -> bool:
    if isinstance(term, Var):
        return False
    return isinstance(term, str) or all(_ground(arg) for arg in term[1])


def _depth(term: Term) -> int:
    if isinstance(term, str | Var):
        return 0
    return 1 + max((_depth(arg) for arg in term[1]), default=0)


def _variables(term: Term) -> Iterator[str]:
    if isinstance(term, Var):
        yield term.name
    elif not isinstance(term, str):
        for arg in term[1]:
            yield from _variables(arg)


def match(pattern: Term, term: Term, bindings: Mapping[str, Term]) -> dict[str, Term] | None:
    """One-way matching: bindings for the pattern's variables that make it ``term``, or None.

    >>> match(("lt", (Var("T"), "3")), ("lt", ("1", "3")), {})
    {'T': '1'}
    """
    result = dict(bindings)
    stack = [(pattern, term)]
    while stack:
        left, right = stack.pop()
        if isinstance(left, Var):
            bound = result.get(left.name)
            if bound is None:
                result[left.name] = right
            elif bound != right:
                return None
        elif isinstance(left, str) or isinstance(right, (str, Var)):
            if left != right:
                return None
        else:
            if left[0] != right[0] or len(left[1]) != len(right[1]):
                return None
            stack.extend(zip(left[1], right[1], strict=True))
    return result


def substitute(term: Term, bindings: Mapping[str, Term]) -> Term:
    """``term`` with its bound variables replaced."""
    if isinstance(term, Var):
        return bindings.get(term.name, term)
    if isinstance(term, str):
        return term
    return (term[0], tuple(substitute(arg, bindings) for arg in term[1]))


def _signature(term: Term) -> tuple[str, int] | None:
    if isinstance(term, Var):
        return None
    if isinstance(term, str):
        return (term, 0)
    return (term[0], len(term[1]))


# --- reading the file, with located errors ------------------------------------------


class _Reader:
    """The parsed file, and errors that name its file, line and node."""

    def __init__(self, path: Path):
        try:
            self.doc: YamlDocument = read_yaml(path)
        except CaseError as err:
            raise CaseError(
                [
                    Problem(p.severity, p.file, p.line, p.field, p.message, _carneades_hint(p))
                    for p in err.problems
                ]
            ) from None
        self.path = path

    def fail(self, loc: Loc, message: str, hint: str = "") -> CaseError:
        name = ".".join(str(part) for part in loc)
        return CaseError([Problem("error", self.path, self.doc.line_of(loc), name, message, hint)])

    def mapping(self, value: Any, loc: Loc) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(loc, "expected a mapping", "write 'key: value' lines under it")
        return value

    def strings(self, value: Any, loc: Loc) -> list[str]:
        """A list of texts; a single text stands for a list of one."""
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(loc, "expected a list of texts", "write '[a, b]' or '- a' lines")
        return value

    def keys(self, value: dict[str, Any], allowed: tuple[str, ...], loc: Loc) -> None:
        for key in value:
            if key.lower() not in allowed:
                raise self.fail(
                    (*loc, key),
                    f"unknown key '{key}'",
                    f"allowed keys here: {', '.join(allowed)}",
                )

    def number(self, value: Any, loc: Loc, low: float = 0.0, high: float | None = 1.0) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self.fail(
                loc, f"'{value}' is not a number", "write a number such as 0.5"
            ) from None
        if number < low or (high is not None and number > high):
            limit = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
            raise self.fail(loc, f"{number:g} is out of range", f"write a number {limit}")
        return number

    def flag(self, value: Any, loc: Loc) -> bool:
        text = str(value).strip().lower()
        if text in ("true", "yes", "on", "1"):
            return True
        if text in ("false", "no", "off", "0"):
            return False
        raise self.fail(loc, f"'{value}' is not true or false", "write true or false")


def _carneades_hint(problem: Problem) -> str:
    if "must be a mapping" in problem.message:
        return "a Carneades graph is a mapping with keys such as statements: and arguments:"
    return problem.hint


# --- the graph ------------------------------------------------------------------------


@dataclass
class _Statement:
    key: str
    """Normalised Carneades id."""
    text: str
    assumed: bool = False
    issue: str | None = None


@dataclass
class _Weighing:
    """How an argument is weighed: a basic weighing, or a function of the scheme."""

    kind: str
    """linked, convergent, cumulative, factorized, constant, criteria or preference."""
    constant: float = 1.0
    criteria: dict[str, tuple[float, dict[str, float]]] = field(default_factory=dict)
    """criteria: property → (factor, value → 0–1)."""
    preference: list[tuple[str, str, list[str]]] = field(default_factory=list)
    """preference: (property, ascending|descending, explicit order weakest first)."""


@dataclass
class _Scheme:
    id: str
    loc: Loc
    meta: dict[str, Any]
    weighing: _Weighing
    variables: list[str] = field(default_factory=list)
    premises: list[Term] = field(default_factory=list)
    assumptions: list[Term] = field(default_factory=list)
    exceptions: list[Term] = field(default_factory=list)
    conclusions: list[Term] = field(default_factory=list)


@dataclass
class _Argument:
    id: str
    """Carneades id of a declared argument; '#…' for one the import makes."""
    name: str
    """What its argmap id is made from: the Carneades id, or scheme and number."""
    conclusion: str | None
    """Statement key concluded; None for an undercutting argument."""
    premises: list[str]
    weighing: _Weighing
    scheme: _Scheme | None = None
    undercuts: str | None = None
    """For an undercutting argument: the id of the argument it undercuts."""
    note: str = ""
    weight: float = 1.0
    """The weight argmap's `weight:` gets, computed once the graph is complete."""


@dataclass
class CarneadesGraph:
    """A Carneades graph read, its theory applied, ready to become an argmap case."""

    path: Path
    title: str
    notes: str | None
    statements: dict[str, _Statement]
    issues: dict[str, tuple[list[str], str]]
    """Issue id → (position keys, argmap standard)."""
    arguments: list[_Argument]
    slugs: dict[str, str]
    """Statement key → argmap id."""
    argument_slugs: dict[str, str]
    """Argument id → argmap id; '#…' ids are arguments the import made (scheme instances,
    undercutters)."""
    expected: dict[str, str]
    """Statement key → the label the file's `tests:` expect (in, out, undecided)."""
    remarks: list[str]
    """What the import skipped or changed, for the case file's header."""


def read_graph(path: Path | str) -> CarneadesGraph:
    """Read a Carneades YAML file; raises :class:`CaseError` naming file, line and node."""
    return _Builder(_Reader(Path(path))).build()


class _Builder:
    def __init__(self, reader: _Reader):
        self.r = reader
        self.data = reader.mapping(reader.doc.data, ())
        self.statements: dict[str, _Statement] = {}
        self.assumptions: list[str] = []
        self.issues: dict[str, tuple[list[str], str]] = {}
        self.arguments: list[_Argument] = []
        self.schemes: dict[str, _Scheme] = {}
        self.functions: dict[str, _Weighing] = {}
        self.language: dict[str, str] = {}
        self.remarks: list[str] = []

    def build(self) -> CarneadesGraph:
        r, data = self.r, self.data
        r.keys(data, TOP_KEYS, ())
        meta = r.mapping(data.get("meta"), ("meta",))
        self.language = {
            str(k): str(v) for k, v in r.mapping(data.get("language"), ("language",)).items()
        }
        self._read_statements()
        self._read_assumptions()
        self._read_issues()
        self._read_weighing_functions()
        self._read_schemes()
        self._read_arguments()
        self._apply_schemes()
        self._apply_issue_schemes()
        self._weigh()
        expected = self._read_tests()
        slugs, argument_slugs = self._slugs()
        title = " ".join(str(meta.get("title") or "").split()) or f"Carneades graph {r.path.stem}"
        notes = [str(meta[k]).strip() for k in ("source", "notes", "note") if meta.get(k)]
        return CarneadesGraph(
            path=r.path,
            title=" ".join(title.split()),
            notes="\n\n".join(notes) or None,
            statements=self.statements,
            issues=self.issues,
            arguments=self.arguments,
            slugs=slugs,
            argument_slugs=argument_slugs,
            expected=expected,
            remarks=self.remarks,
        )

    # statements, assumptions, issues

    def _read_statements(self) -> None:
        r = self.r
        for key, value in r.mapping(self.data.get("statements"), ("statements",)).items():
            loc: Loc = ("statements", key)
            text, assumed = value, False
            if isinstance(value, dict):
                r.keys(value, STATEMENT_KEYS, loc)
                fields = {k.lower(): v for k, v in value.items()}
                text = fields.get("text")
                if fields.get("assumed") is not None:
                    assumed = r.flag(fields["assumed"], (*loc, "assumed"))
            elif value is not None and not isinstance(value, str):
                raise r.fail(loc, "expected the statement's text or a mapping", "write 'id: text'")
            normal = normalise(key)
            if not normal:
                raise r.fail(loc, "a statement without an id", "write 'id: text'")
            if normal in self.statements:
                raise r.fail(loc, f"statement '{key}' is declared twice", "keep one of the two")
            text = " ".join(str(text or "").split()) or key
            self.statements[normal] = _Statement(normal, text, assumed)

    def _statement(self, text: str, loc: Loc, what: str) -> str:
        key = normalise(text)
        if key not in self.statements:
            close = [k for k in self.statements if k.lower() == key.lower()]
            hint = f"did you mean '{close[0]}'? " if close else ""
            raise self.r.fail(
                loc, f"{what} '{text}' is not a statement", hint + "declare it under statements:"
            )
        return key

    def _ensure(self, term: Term) -> str:
        """The key of a statement for ``term``, declared now if the theory makes it new."""
        key = show(term)
        if key not in self.statements:
            self.statements[key] = _Statement(key, self._text(term))
        return key

    def _text(self, term: Term) -> str:
        """Natural language for a term, from the graph's `language:` templates."""
        signature = _signature(term)
        if signature is None or isinstance(term, Var):
            return show(term)
        template = self.language.get(f"{signature[0]}/{signature[1]}")
        if template is None:
            return show(term)
        args = [] if isinstance(term, str) else [show(a) for a in term[1]]
        pieces = template.split("%v")
        text = pieces[0]
        for index, piece in enumerate(pieces[1:]):
            text += (args[index] if index < len(args) else "%v") + piece
        return " ".join(text.split()) or show(term)

    def _read_assumptions(self) -> None:
        loc: Loc = ("assumptions",)
        for text in self.r.strings(self.data.get("assumptions"), loc):
            term = parse_term(text)
            key = normalise(text)
            if not key:
                raise self.r.fail(loc, "an empty assumption", "name a statement")
            if key not in self.statements:
                # carneades-4 accepts assumptions that are not declared statements.
                self.statements[key] = _Statement(
                    key, self._text(term) if term is not None and _ground(term) else key
                )
            self.statements[key].assumed = True
            self.assumptions.append(key)

    def _read_issues(self) -> None:
        r = self.r
        for issue_id, value in r.mapping(self.data.get("issues"), ("issues",)).items():
            loc: Loc = ("issues", issue_id)
            body = r.mapping(value, loc)
            r.keys(body, ISSUE_KEYS, loc)
            fields = {k.lower(): v for k, v in body.items()}
            standard = self._standard(fields.get("standard"), (*loc, "standard"))
            positions = []
            for index, text in enumerate(r.strings(fields.get("positions"), (*loc, "positions"))):
                key = self._statement(text, (*loc, "positions", index), "position")
                owner = self.statements[key].issue
                if owner is not None:
                    raise r.fail(
                        (*loc, "positions", index),
                        f"'{text}' is already a position of issue '{owner}'",
                        "a statement is a position of one issue at most",
                    )
                self.statements[key].issue = issue_id
                positions.append(key)
            self.issues[issue_id] = (positions, standard)

    def _standard(self, value: Any, loc: Loc) -> str:
        if value is None:
            return "preponderance"
        standard = STANDARDS.get(str(value).strip().lower())
        if standard is None:
            raise self.r.fail(loc, f"unknown proof standard '{value}'", "use PE, CCE or BRD")
        return standard

    # weighing functions and schemes

    def _read_weighing_functions(self) -> None:
        loc: Loc = ("weighing_functions",)
        for name, body in self.r.mapping(self.data.get("weighing_functions"), loc).items():
            self.functions[name.lower()] = self._weighing(body, (*loc, name))

    def _weighing(self, value: Any, loc: Loc) -> _Weighing:
        r = self.r
        if value is None:
            return _Weighing("linked")
        if isinstance(value, str):
            name = value.strip().lower()
            if name in BASIC_WEIGHING:
                return _Weighing(name)
            if name in self.functions:
                return self.functions[name]
            known = [*BASIC_WEIGHING, *self.functions]
            raise r.fail(
                loc, f"weighing function '{value}' is not defined", f"use one of {', '.join(known)}"
            )
        body = r.mapping(value, loc)
        if len(body) != 1:
            raise r.fail(loc, "expected one of constant:, criteria: or preference:", "")
        kind, spec = next(iter(body.items()))
        kind = kind.lower()
        if kind == "constant":
            return _Weighing("constant", constant=r.number(spec, (*loc, kind)))
        if kind == "criteria":
            return self._criteria(spec, (*loc, kind))
        if kind == "preference":
            return self._preference(spec, (*loc, kind))
        raise r.fail(
            (*loc, kind),
            f"unknown weighing function '{kind}'",
            "use constant, criteria or preference",
        )

    def _criteria(self, spec: Any, loc: Loc) -> _Weighing:
        r = self.r
        body = r.mapping(spec, loc)
        r.keys(body, ("hard", "soft"), loc)
        r.strings(body.get("hard"), (*loc, "hard"))  # every premise must hold in argmap anyway
        criteria = {}
        for name, soft in r.mapping(body.get("soft"), (*loc, "soft")).items():
            where: Loc = (*loc, "soft", name)
            soft = r.mapping(soft, where)
            r.keys(soft, ("factor", "values"), where)
            factor = r.number(soft.get("factor", 0), (*where, "factor"), high=None)
            values = {
                str(k): r.number(v, (*where, "values", k))
                for k, v in r.mapping(soft.get("values"), (*where, "values")).items()
            }
            criteria[name] = (factor, values)
        if not criteria or sum(f for f, _ in criteria.values()) <= 0:
            raise r.fail(loc, "criteria need soft criteria with positive factors", "")
        return _Weighing("criteria", criteria=criteria)

    def _preference(self, spec: Any, loc: Loc) -> _Weighing:
        r = self.r
        orders = spec if isinstance(spec, list) else [spec]
        preference = []
        for index, item in enumerate(orders):
            where: Loc = (*loc, index) if isinstance(spec, list) else loc
            item = r.mapping(item, where)
            r.keys(item, ("property", "order"), where)
            if not isinstance(item.get("property"), str):
                raise r.fail(
                    where, "a preference needs 'property:'", "name a scheme's meta property"
                )
            order = item.get("order", "descending")
            if isinstance(order, list):
                preference.append((item["property"], "explicit", [str(v).lower() for v in order]))
            elif str(order).lower() in ("ascending", "descending"):
                preference.append((item["property"], str(order).lower(), []))
            else:
                raise r.fail(
                    (*where, "order"),
                    f"unknown order '{order}'",
                    "use ascending, descending or a list",
                )
        return _Weighing("preference", preference=preference)

    def _read_schemes(self) -> None:
        r = self.r
        value = self.data.get("argument_schemes")
        loc: Loc = ("argument_schemes",)
        if isinstance(value, dict):  # older files: id → scheme
            items = [((*loc, k), {"id": k, **r.mapping(v, (*loc, k))}) for k, v in value.items()]
        elif value is None or isinstance(value, list):
            items = [((*loc, i), r.mapping(v, (*loc, i))) for i, v in enumerate(value or [])]
        else:
            raise r.fail(loc, "expected a list of schemes", "write one '- id: …' per scheme")
        for where, body in items:
            r.keys(body, SCHEME_KEYS, where)
            scheme_id = body.get("id")
            if not isinstance(scheme_id, str):
                raise r.fail(where, "a scheme needs 'id:'", "give the scheme an id")
            if scheme_id in self.schemes or scheme_id in BASIC_WEIGHING:
                what = "is defined twice" if scheme_id in self.schemes else "is a basic weighing"
                raise r.fail((*where, "id"), f"scheme '{scheme_id}' {what}", "rename the scheme")
            for unsupported in ("deletions", "guards"):
                if body.get(unsupported):
                    raise r.fail(
                        (*where, unsupported),
                        f"scheme {unsupported} are not supported",
                        "argmap applies schemes by forward chaining, without CHR's "
                        "guards and deletions",
                    )
            scheme = _Scheme(
                id=scheme_id,
                loc=where,
                meta=r.mapping(body.get("meta") or body.get("metadata"), (*where, "meta")),
                weighing=self._weighing(body.get("weight"), (*where, "weight")),
                variables=r.strings(body.get("variables"), (*where, "variables")),
            )
            for part in ("premises", "assumptions", "exceptions", "conclusions"):
                raw = body.get(part)
                texts = (
                    list(raw.values()) if isinstance(raw, dict) else r.strings(raw, (*where, part))
                )
                terms = []
                for index, text in enumerate(texts):
                    term = parse_term(str(text))
                    if term is None:
                        raise r.fail(
                            (*where, part, index),
                            f"'{text}' is not a term",
                            "write it as pred(A, b); in a [a, b] list the commas split terms, "
                            "so quote them or write one '- term' per line",
                        )
                    terms.append(term)
                setattr(scheme, part, terms)
            declared = set(scheme.variables)
            used = {
                v
                for part in ("premises", "assumptions", "exceptions", "conclusions")
                for t in getattr(scheme, part)
                for v in _variables(t)
            }
            if used - declared:
                raise r.fail(
                    (*where, "variables"),
                    f"variables {', '.join(sorted(used - declared))} are not declared",
                    "list every variable of the scheme under 'variables:'",
                )
            bound = {v for t in scheme.premises for v in _variables(t)}
            if scheme.conclusions and declared - bound:
                raise r.fail(
                    (*where, "variables"),
                    f"variables {', '.join(sorted(declared - bound))} occur in no premise",
                    "a scheme's premises must bind all its variables",
                )
            self.schemes[scheme_id] = scheme

    # arguments

    def _read_arguments(self) -> None:
        r = self.r
        for arg_id, value in r.mapping(self.data.get("arguments"), ("arguments",)).items():
            loc: Loc = ("arguments", arg_id)
            body = r.mapping(value, loc)
            r.keys(body, ARGUMENT_KEYS, loc)
            fields = {k.lower(): v for k, v in body.items()}
            if not isinstance(fields.get("conclusion"), str):
                raise r.fail(
                    loc,
                    f"argument '{arg_id}' has no conclusion",
                    "add 'conclusion:' with a statement id",
                )
            conclusion = self._statement(fields["conclusion"], (*loc, "conclusion"), "conclusion")
            raw = fields.get("premises")
            if isinstance(raw, dict):
                texts = [(k, v) for k, v in raw.items()]
            else:
                texts = list(enumerate(r.strings(raw, (*loc, "premises"))))
            premises = [
                self._statement(str(text), (*loc, "premises", key), "premise")
                for key, text in texts
            ]
            scheme_name = fields.get("scheme")
            scheme = None
            if scheme_name is None:
                weighing = _Weighing("linked")
            elif str(scheme_name).lower() in BASIC_WEIGHING:
                weighing = _Weighing(str(scheme_name).lower())
            elif scheme_name in self.schemes:
                scheme = self.schemes[scheme_name]
                weighing = scheme.weighing
            else:
                known = [*BASIC_WEIGHING, *self.schemes]
                raise r.fail(
                    (*loc, "scheme"),
                    f"scheme '{scheme_name}' is not defined",
                    f"use one of {', '.join(known)}",
                )
            argument = _Argument(
                arg_id,
                arg_id,
                conclusion,
                premises,
                weighing,
                scheme,
                note=f"Carneades argument {arg_id}.",
            )
            self.arguments.append(argument)
            undercutter = next(
                (fields[k] for k in ("undercutter", "nas", "not app statement") if fields.get(k)),
                None,
            )
            if undercutter is not None:
                key = self._statement(str(undercutter), (*loc, "undercutter"), "undercutter")
                self.arguments.append(
                    _Argument(
                        f"#undercut:{arg_id}",
                        f"{arg_id}-undercut",
                        None,
                        [key],
                        _Weighing("linked"),
                        undercuts=arg_id,
                        note=f"Carneades: {undercutter} is the undercutter of {arg_id}.",
                    )
                )

    # the theory: schemes applied to the assumptions, then issue schemes

    def _apply_schemes(self) -> None:
        rules = [s for s in self.schemes.values() if s.conclusions]
        if not rules:
            return
        facts: dict[str, Term] = {}
        for key in self.assumptions:
            term = parse_term(key)
            if term is not None and _ground(term):
                facts[show(term)] = term
        instances: dict[tuple[str, tuple[str, ...]], dict[str, Term]] = {}
        order: list[tuple[_Scheme, dict[str, Term]]] = []
        grew = True
        while grew:
            grew = False
            for scheme in rules:
                for bindings in _joins(scheme.premises, list(facts.values()), {}):
                    instance = (scheme.id, tuple(show(bindings[v]) for v in scheme.variables))
                    if instance in instances:
                        continue
                    instances[instance] = bindings
                    order.append((scheme, bindings))
                    grew = True
                    if len(instances) > MAX_INSTANCES:
                        raise self.r.fail(
                            scheme.loc,
                            f"applying the schemes made more than {MAX_INSTANCES} arguments",
                            "a scheme keeps deriving new terms; check its conclusions",
                        )
                    for conclusion in scheme.conclusions:
                        term = substitute(conclusion, bindings)
                        if _depth(term) > MAX_DEPTH:
                            raise self.r.fail(
                                scheme.loc,
                                f"scheme '{scheme.id}' derives terms nested deeper than "
                                f"{MAX_DEPTH}, such as {show(term)[:60]}…",
                                "a scheme keeps deriving new terms; check its conclusions",
                            )
                        facts.setdefault(show(term), term)
        counts: dict[str, int] = {}
        for scheme, bindings in order:
            counts[scheme.id] = counts.get(scheme.id, 0) + 1
            self._instantiate(scheme, bindings, counts[scheme.id])

    def _instantiate(self, scheme: _Scheme, bindings: dict[str, Term], number: int) -> None:
        premises = [self._ensure(substitute(t, bindings)) for t in scheme.premises]
        for assumption in scheme.assumptions:
            key = self._ensure(substitute(assumption, bindings))
            self.statements[key].assumed = True
            premises.append(key)
        values = ", ".join(f"{v} = {show(bindings[v])}" for v in scheme.variables)
        for index, conclusion in enumerate(scheme.conclusions, start=1):
            name = f"{scheme.id}-{number}" + (f"-{index}" if len(scheme.conclusions) > 1 else "")
            arg_id = f"#{name}"
            self.arguments.append(
                _Argument(
                    arg_id,
                    name,
                    self._ensure(substitute(conclusion, bindings)),
                    list(premises),
                    scheme.weighing,
                    scheme,
                    note=f"Scheme {scheme.id}" + (f" with {values}." if values else "."),
                )
            )
            for e_index, exception in enumerate(scheme.exceptions, start=1):
                key = self._ensure(substitute(exception, bindings))
                suffix = f"-{e_index}" if len(scheme.exceptions) > 1 else ""
                self.arguments.append(
                    _Argument(
                        f"{arg_id}-exception{suffix}",
                        f"{name}-exception{suffix}",
                        None,
                        [key],
                        _Weighing("linked"),
                        undercuts=arg_id,
                        note=f"Exception of scheme {scheme.id}: {key}.",
                    )
                )

    def _apply_issue_schemes(self) -> None:
        r = self.r
        loc: Loc = ("issue_schemes",)
        for name, value in r.mapping(self.data.get("issue_schemes"), loc).items():
            texts = r.strings(value, (*loc, name))
            patterns = [parse_term(t) for t in texts]
            enumeration = len(texts) == 3 and texts[1].strip() == "..."
            if enumeration:
                patterns = [patterns[0]]
            if len(texts) < 2 or any(p is None for p in patterns):
                self.remarks.append(
                    f"Issue scheme '{name}' ignored: its patterns are not terms, or fewer than two."
                )
                continue
            self._issues_from(name, [p for p in patterns if p is not None], enumeration)

    def _issues_from(self, name: str, patterns: list[Term], enumeration: bool) -> None:
        terms = {k: t for k in self.statements if (t := parse_term(k)) is not None and _ground(t)}
        for key, term in terms.items():
            bindings = match(patterns[0], term, {})
            if bindings is None:
                continue
            candidates = [key]
            if enumeration:
                # Variables ending in a digit (V1 … Vn) range over the positions.
                fixed = {v: t for v, t in bindings.items() if not v[-1].isdigit()}
                candidates += [
                    other
                    for other, t in terms.items()
                    if other != key and match(patterns[0], t, fixed) is not None
                ]
            else:
                for other, t in terms.items():
                    if other == key:
                        continue
                    for pattern in patterns[1:]:
                        found = match(pattern, t, bindings)
                        if found is not None:
                            bindings = found
                            candidates.append(other)
                            break
            owners = [self.statements[c].issue for c in candidates if self.statements[c].issue]
            issue = owners[0] if owners else None
            positions = [c for c in candidates if self.statements[c].issue in (None, issue)]
            if len(positions) < 2:
                continue
            if issue is None:
                number = len(self.issues) + 1
                while f"i{number}" in self.issues:
                    number += 1
                issue = f"i{number}"
                self.issues[issue] = ([], "preponderance")
            for position in positions:
                if self.statements[position].issue is None:
                    self.statements[position].issue = issue
                    self.issues[issue][0].append(position)

    # weights

    def _weigh(self) -> None:
        for argument in self.arguments:
            weighing = argument.weighing
            if weighing.kind == "constant":
                argument.weight = weighing.constant
            elif weighing.kind == "criteria":
                argument.weight = self._criteria_weight(argument)
            elif weighing.kind == "preference":
                argument.weight = self._preference_weight(argument)

    def _criteria_weight(self, argument: _Argument) -> float:
        """Weighted sum of the values the argument's own premises give each criterion."""
        criteria = argument.weighing.criteria
        total = sum(factor for factor, _ in criteria.values())
        values: dict[str, str] = {}
        for premise in argument.premises:
            term = parse_term(premise)
            if isinstance(term, tuple) and len(term[1]) == 2:
                values.setdefault(term[0], show(term[1][1]))
        weight = 0.0
        for name, (factor, normalised) in criteria.items():
            if name not in values:
                return 0.0  # carneades-4: no premise for a criterion weighs nothing
            weight += factor / total * normalised.get(values[name], 0.0)
        return min(1.0, weight)

    def _preference_weight(self, argument: _Argument) -> float:
        """Rank among the arguments on the conclusion's issue, weakest 1/n … strongest 1."""
        issue = self.statements[argument.conclusion].issue if argument.conclusion else None
        if issue is None:
            return 1.0
        positions = set(self.issues[issue][0])
        rivals = [a for a in self.arguments if a.conclusion in positions]
        order = argument.weighing.preference
        ranked: list[list[_Argument]] = []
        for rival in sorted(rivals, key=lambda a: _PreferenceKey(a, order)):
            if ranked and _PreferenceKey(rival, order) == _PreferenceKey(ranked[-1][0], order):
                ranked[-1].append(rival)
            else:
                ranked.append([rival])
        index = next(i for i, group in enumerate(ranked) if argument in group)
        return (index + 1) / len(ranked)

    # expected labels and ids

    def _read_tests(self) -> dict[str, str]:
        r = self.r
        tests = r.mapping(self.data.get("tests"), ("tests",))
        r.keys(tests, ("in", "out", "undecided"), ("tests",))
        expected = {}
        for label, value in tests.items():
            for index, text in enumerate(r.strings(value, ("tests", label))):
                key = self._statement(text, ("tests", label, index), "tested statement")
                expected[key] = label.lower()
        return expected

    def _slugs(self) -> tuple[dict[str, str], dict[str, str]]:
        """argmap ids for statements and for arguments, unique across both."""
        taken: set[str] = set()
        slugs: dict[str, str] = {}
        argument_slugs: dict[str, str] = {}

        def allocate(name: str) -> str:
            base = slugify(name)
            slug, number = base, 2
            while slug in taken:
                slug, number = f"{base}-{number}", number + 1
            taken.add(slug)
            return slug

        for key in self.statements:
            slugs[key] = allocate(key)
        for argument in self.arguments:
            if argument.undercuts is None:
                argument_slugs[argument.id] = allocate(argument.name)
        for argument in self.arguments:
            if argument.undercuts is not None:
                argument_slugs[argument.id] = allocate(argument.name)
        return slugs, argument_slugs


class _PreferenceKey:
    """Sorts arguments weakest first by their schemes' meta properties (carneades-4)."""

    def __init__(self, argument: _Argument, order: list[tuple[str, str, list[str]]]):
        meta = argument.scheme.meta if argument.scheme else {}
        self.values = [(meta.get(name), how, explicit) for name, how, explicit in order]

    def _compare(self, other: _PreferenceKey) -> int:
        for (mine, how, explicit), (theirs, _, _) in zip(self.values, other.values, strict=True):
            if mine is None or theirs is None or mine == theirs:
                continue
            left, right = _comparable(mine, explicit), _comparable(theirs, explicit)
            if type(left) is not type(right):
                continue
            if left == right:
                continue
            less = left < right  # type: ignore[operator]
            if how == "descending" and not isinstance(left, str):
                less = not less  # carneades-4 orders plain texts ascending whatever is asked
            return -1 if less else 1
        return 0

    def __lt__(self, other: _PreferenceKey) -> bool:
        return self._compare(other) < 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _PreferenceKey) and self._compare(other) == 0

    def __hash__(self) -> int:  # pragma: no cover - keys are compared, never hashed
        return 0


def _comparable(value: Any, explicit: list[str]) -> Any:
    """A meta value ordered weakest first: its place in an explicit order, a date, a number."""
    text = str(value).strip()
    if explicit:
        lowered = text.lower()
        return explicit.index(lowered) if lowered in explicit else len(explicit) + 1
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _joins(
    premises: list[Term], facts: list[Term], bindings: dict[str, Term]
) -> Iterator[dict[str, Term]]:
    """Every way of matching ``premises`` against ``facts``, in order."""
    if not premises:
        yield bindings
        return
    first, rest = premises[0], premises[1:]
    pattern = substitute(first, bindings)
    for fact in facts:
        found = match(pattern, fact, bindings)
        if found is not None:
            yield from _joins(rest, facts, found)


def slugify(name: str) -> str:
    """An argmap id for a Carneades id.

    >>> slugify("¬app(a1)"), slugify("wearsRing"), slugify("holdsAt(wfh_required,3)")
    ('not-app-a1', 'wears-ring', 'holds-at-wfh-required-3')
    """
    text = name.replace("¬", "not-")
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text or "item"


# --- the argmap case ------------------------------------------------------------------


def _case_document(graph: CarneadesGraph) -> dict[str, Any]:
    slugs, argument_slugs = graph.slugs, graph.argument_slugs
    contrary: dict[str, list[str]] = {}
    standard: dict[str, str] = {}
    for positions, issue_standard in graph.issues.values():
        for position in positions:
            contrary[position] = [slugs[p] for p in positions if p != position]
            standard[position] = issue_standard
    statements = []
    for key, s in graph.statements.items():
        item: dict[str, Any] = {"id": slugs[key], "text": s.text}
        if s.assumed:
            item["assumed"] = True
        if contrary.get(key):
            item["contrary"] = contrary[key]
        if standard.get(key, "preponderance") != "preponderance" and not s.assumed:
            item["standard"] = standard[key]
        statements.append(item)
    arguments = []
    for a in graph.arguments:
        item = {"id": argument_slugs[a.id]}
        if a.undercuts is not None:
            target = argument_slugs[a.undercuts]
            item["claim"] = f"{graph.statements[a.premises[0]].text} ({target} does not apply)"
        else:
            assert a.conclusion is not None
            item["claim"] = graph.statements[a.conclusion].text
        if a.premises:
            item["premises"] = [slugs[p] for p in a.premises]
        if a.undercuts is not None:
            item["undercuts"] = argument_slugs[a.undercuts]
        else:
            item["supports"] = slugs[a.conclusion or ""]
            item["weight"] = round(a.weight, 6)
            kind = a.weighing.kind
            if kind in ("convergent", "cumulative", "factorized") and a.premises:
                item["weighing"] = kind
        if a.scheme is not None:
            item["scheme"] = a.scheme.id
        item["rationale"] = a.note
        arguments.append(item)
    document: dict[str, Any] = {
        "title": graph.title,
        "question": f"Which statements does the Carneades graph '{graph.title}' establish?",
    }
    if graph.notes:
        document["notes"] = graph.notes
    document["statements"] = statements
    if arguments:
        document["arguments"] = arguments
    return document


def _comment(graph: CarneadesGraph) -> str:
    lines = [f"Imported from the Carneades graph {graph.path.name} (argmap import carneades)."]
    renamed = [f"{k} → {v}" for k, v in graph.slugs.items() if k != v]
    if renamed:
        lines.append("Statement ids: " + "; ".join(renamed) + ".")
    for label in ("in", "out", "undecided"):
        ids = [graph.slugs[k] for k, v in graph.expected.items() if v == label]
        if ids:
            lines.append(f"Expected {label} (tests): {', '.join(ids)}.")
    lines += graph.remarks
    return "\n".join(_wrap(line) for line in lines)


def _wrap(line: str, width: int = 98) -> str:
    lines = textwrap.wrap(line, width=width, subsequent_indent="  ", break_on_hyphens=False)
    return "\n".join(lines) or line


def to_case_files(path: Path) -> dict[str, str]:
    """The files of a new argmap case holding the Carneades graph at ``path``."""
    from ..casewriter import dump_yaml

    graph = read_graph(path)
    name = slugify(path.stem)
    return {f"hypotheses/{name}.yaml": dump_yaml(_case_document(graph), _comment(graph))}


def summary(path: Path) -> dict[str, Any]:
    """What the Carneades file holds, after its schemes are applied (for --summary)."""
    graph = read_graph(path)
    return {
        "title": graph.title,
        "statements": len(graph.statements),
        "assumptions": sum(s.assumed for s in graph.statements.values()),
        "issues": len(graph.issues),
        "arguments": sum(a.undercuts is None for a in graph.arguments),
        "undercutters": sum(a.undercuts is not None for a in graph.arguments),
        "expected": {
            label: sorted(graph.slugs[k] for k, v in graph.expected.items() if v == label)
            for label in ("in", "out", "undecided")
        },
    }
