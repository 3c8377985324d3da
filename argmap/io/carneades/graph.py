"""A Carneades graph: statements, issues and arguments, with its theory applied.

Schemes with conclusions are applied to the assumptions by forward chaining (what
carneades-4 delegates to Constraint Handling Rules), each instance an argument, each
exception an undercutting argument; issue schemes then group matching statements into
issues; weighing functions give each argument its weight.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ...text import UniqueIds, slugify
from ...yamlfile import Loc
from .fields import FieldReader
from .terms import (
    Term,
    Var,
    functor_arity,
    is_ground,
    match,
    normalise,
    parse_term,
    show,
    substitute,
    term_depth,
    variables_of,
)

__all__ = ["MAX_JOIN_STEPS", "CarneadesGraph", "read_graph"]

BASIC_WEIGHING = ("linked", "convergent", "cumulative", "factorized")
STANDARDS = {"pe": "preponderance", "cce": "clear-and-convincing", "brd": "beyond-reasonable-doubt"}
MAX_INSTANCES = 10_000
"""Scheme instances before forward chaining is stopped as non-terminating."""
MAX_DEPTH = 32
"""How deeply a derived term may nest before forward chaining is stopped as non-terminating."""
MAX_JOIN_STEPS = 200_000
"""Matches of a premise or issue pattern against a fact, all schemes together, before the
import stops: the instance cap counts only the joins that succeed, but a scheme of five
premises over 60 facts tries 60⁵ partial ones first. The graphs of carneades-4's examples
need 500 at most; this many take about a second."""

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
    "labels",
)
_GO_VERB = re.compile(r"%%|%[-+# 0]*\d*(?:\.\d+)?[vsdqgfet]")
"""A verb of a Go format string, as carneades-4's `language:` templates are (`%s`, `%v`, …):
each takes the next argument of the term; `%%` is a percent sign."""
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
    stored: dict[str, str] = field(default_factory=dict)
    """Statement key → the label under `labels:`, which carneades-4 writes (its expected
    labelling) and reads back; compared with argmap's own labels on import."""
    unmatched_labels: list[str] = field(default_factory=list)
    """Statements under `labels:` that the case has no statement for (carneades-4 names the
    undercutters of the arguments it makes `undercut(a1)`, …)."""
    label_lines: dict[str, int] = field(default_factory=dict)
    """Statement key → the line of its entry under `labels:`."""


def read_graph(path: Path | str) -> CarneadesGraph:
    """Read a Carneades YAML file; raises :class:`CaseError` naming file, line and node."""
    return _Builder(FieldReader(Path(path))).build()


class _Builder:
    def __init__(self, reader: FieldReader):
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
        self.label_lines: dict[str, int] = {}
        self.budget = _Budget(MAX_JOIN_STEPS, lambda: AssertionError("no scheme is applied"))
        """Matches left for applying schemes and issue schemes, all together."""

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
        stored, unmatched = self._read_labels()
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
            stored=stored,
            unmatched_labels=unmatched,
            label_lines=self.label_lines,
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
        signature = functor_arity(term)
        if signature is None or isinstance(term, Var):
            return show(term)
        template = self.language.get(f"{signature[0]}/{signature[1]}")
        if template is None:
            return show(term)
        args = iter([] if isinstance(term, str) else [show(a) for a in term[1]])

        def fill(verb: re.Match[str]) -> str:
            if verb.group() == "%%":
                return "%"
            arg = next(args, None)
            if arg is None:
                return verb.group()
            return f'"{arg}"' if verb.group().endswith("q") else arg

        text = _GO_VERB.sub(fill, template)
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
                    key, self._text(term) if term is not None and is_ground(term) else key
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
                for v in variables_of(t)
            }
            if used - declared:
                raise r.fail(
                    (*where, "variables"),
                    f"variables {', '.join(sorted(used - declared))} are not declared",
                    "list every variable of the scheme under 'variables:'",
                )
            bound = {v for t in scheme.premises for v in variables_of(t)}
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
        facts = _Facts()
        for key in self.assumptions:
            term = parse_term(key)
            if term is not None and is_ground(term):
                facts.add(term)
        instances: dict[tuple[str, tuple[str, ...]], dict[str, Term]] = {}
        order: list[tuple[_Scheme, dict[str, Term]]] = []
        grew = True
        while grew:
            grew = False
            for scheme in rules:
                # The facts as they stand when the scheme is applied (what it derives is
                # matched in the next round).
                for bindings in facts.joins(scheme.premises, self._spending(scheme.loc, scheme.id)):
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
                        if term_depth(term) > MAX_DEPTH:
                            raise self.r.fail(
                                scheme.loc,
                                f"scheme '{scheme.id}' derives terms nested deeper than "
                                f"{MAX_DEPTH}, such as {show(term)[:60]}…",
                                "a scheme keeps deriving new terms; check its conclusions",
                            )
                        facts.add(term)
        counts: dict[str, int] = {}
        for scheme, bindings in order:
            counts[scheme.id] = counts.get(scheme.id, 0) + 1
            self._instantiate(scheme, bindings, counts[scheme.id])

    def _spending(self, loc: Loc, name: str, what: str = "scheme") -> _Budget:
        """The budget of matches, now spent on the scheme ``name``."""

        def exceeded() -> Exception:
            return self.r.fail(
                loc,
                f"{what} '{name}' tried more than {MAX_JOIN_STEPS:,} matches of its "
                "patterns against the statements",
                "premises that share no variables multiply the facts (60 facts, five "
                "such premises: 60⁵ tries); make a premise that few facts match come "
                "first, share variables between premises, or split the scheme",
            )

        self.budget.exceeded = exceeded
        return self.budget

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
        budget = self._spending(("issue_schemes", name), name, "issue scheme")
        facts = _Facts()
        keys: dict[int, str] = {}
        terms: list[tuple[str, Term]] = []
        for key in self.statements:
            term = parse_term(key)
            if term is not None and is_ground(term):
                keys.setdefault(facts.add(term), key)
                terms.append((key, term))

        def matching(
            pattern: Term, bindings: dict[str, Term]
        ) -> Iterator[tuple[str, dict[str, Term]]]:
            """The statements ``pattern`` matches under ``bindings``, in order."""
            for index in facts.indices(pattern, bindings):
                budget.spend()
                found = match(pattern, facts.terms[index], bindings)
                if found is not None:
                    yield keys[index], found

        for key, bindings in list(matching(patterns[0], {})):
            candidates = [key]
            if enumeration:
                # Variables ending in a digit (V1 … Vn) range over the positions.
                fixed = {v: t for v, t in bindings.items() if not v[-1].isdigit()}
                candidates += [other for other, _ in matching(patterns[0], fixed) if other != key]
            else:
                for other, t in terms:
                    if other == key:
                        continue
                    for pattern in patterns[1:]:
                        budget.spend()
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

    def _read_labels(self) -> tuple[dict[str, str], list[str]]:
        """The labelling carneades-4 writes as `labels:`: statements it knows, and the others."""
        r = self.r
        labels = r.mapping(self.data.get("labels"), ("labels",))
        r.keys(labels, ("in", "out", "undecided"), ("labels",))
        stored: dict[str, str] = {}
        unmatched: list[str] = []
        for label, value in labels.items():
            for index, text in enumerate(r.strings(value, ("labels", label))):
                key = normalise(text)
                if key in self.statements:
                    stored[key] = label.lower()
                    self.label_lines[key] = r.doc.line_of(("labels", label, index))
                elif key not in unmatched:
                    unmatched.append(key)
        return stored, unmatched

    def _slugs(self) -> tuple[dict[str, str], dict[str, str]]:
        """argmap ids for statements and for arguments, unique across both."""
        ids = UniqueIds()
        slugs: dict[str, str] = {}
        argument_slugs: dict[str, str] = {}

        def allocate(name: str) -> str:
            return ids.new(slugify(name, split_camel_case=True))

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


class _Facts:
    """Ground terms in the order they were added, each once, found by functor and argument.

    A premise such as ``parent(Y, Z)`` with ``Y`` already bound is matched only against the
    facts with that functor, arity and first argument, in the order the facts came, so the
    joins find what matching every fact in turn finds, in the same order.
    """

    def __init__(self) -> None:
        self.terms: list[Term] = []
        self.known: dict[str, int] = {}
        self.filed: dict[tuple[str, int] | tuple[str, int, int, str], list[int]] = {}

    def add(self, term: Term) -> int:
        """File ``term`` (a ground term) unless it is known; its index either way."""
        key = show(term)
        if key in self.known:
            return self.known[key]
        index = self.known[key] = len(self.terms)
        self.terms.append(term)
        signature = functor_arity(term)
        assert signature is not None
        self.filed.setdefault(signature, []).append(index)
        if isinstance(term, tuple):
            for position, arg in enumerate(term[1]):
                self.filed.setdefault((*signature, position, show(arg)), []).append(index)
        return index

    def indices(self, pattern: Term, bindings: dict[str, Term]) -> Sequence[int]:
        """The indices of the facts ``pattern`` could match under ``bindings``, in order."""
        signature = functor_arity(pattern)
        if signature is None:  # a bare variable matches anything
            return range(len(self.terms))
        indices = self.filed.get(signature, [])
        if isinstance(pattern, tuple):
            for position, arg in enumerate(pattern[1]):
                if isinstance(arg, Var):
                    bound = bindings.get(arg.name)
                    if bound is None:
                        continue
                    arg = bound
                elif not isinstance(arg, str) and not is_ground(arg):
                    continue
                narrower = self.filed.get((*signature, position, show(arg)), [])
                if len(narrower) < len(indices):
                    indices = narrower
        return indices

    def joins(self, premises: list[Term], budget: _Budget) -> Iterator[dict[str, Term]]:
        """Every way of matching ``premises`` in turn against the facts as they are now, in
        order, each match tried counted in ``budget``. Depth first, on a stack of its own."""
        until = len(self.terms)
        if not premises:
            yield {}
            return
        if any(not self.indices(premise, {}) for premise in premises):
            return  # a premise that no fact can match: nothing to try
        terms, last = self.terms, len(premises) - 1
        # (candidate indices, how many were tried, bindings so far), one per premise joined
        stack: list[tuple[Sequence[int], list[int], dict[str, Term]]] = [
            (self.indices(premises[0], {}), [0], {})
        ]
        while stack:
            indices, tried, bindings = stack[-1]
            depth = len(stack) - 1
            premise = premises[depth]
            pushed = False
            while tried[0] < len(indices):
                index = indices[tried[0]]
                tried[0] += 1
                if index >= until:
                    break
                budget.left -= 1
                if budget.left < 0:
                    raise budget.exceeded()
                # match() checks bound variables itself: no need to substitute first
                found = match(premise, terms[index], bindings)
                if found is None:
                    continue
                if depth == last:
                    yield found
                    continue
                following = premises[depth + 1]
                stack.append((self.indices(following, found), [0], found))
                pushed = True
                break
            if not pushed:
                stack.pop()


class _Budget:
    """Matches left before the import stops (see MAX_JOIN_STEPS)."""

    def __init__(self, steps: int, exceeded: Callable[[], Exception]):
        self.left = steps
        self.exceeded = exceeded
        """The error to raise once they are spent, for whatever spent the last one."""

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise self.exceeded()
