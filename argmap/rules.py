"""The rules of the case format, one table: every problem argmap reports about a case.

A rule has a type (its id), the template of its message, the template of its hint and a
severity. Templates name their fields in braces and are filled from the problem's context
with :meth:`str.format`. Model validators raise a rule by type with :func:`rule_error` (a
``PydanticCustomError``); the loader looks each pydantic error's rule up by its type (built-in
types through :data:`PYDANTIC_TYPES`), and the cross-file checks report rules by type, so a
message and its hint are written once, here.

>>> RULES["parent_cycle"].render(cycle="a → b → a")
('parents form a cycle: a → b → a', "a hypothesis cannot be its own ancestor; remove one 'parent:'")
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic_core import PydanticCustomError

from .problems import Problem, Severity

__all__ = ["PYDANTIC_TYPES", "RULES", "Rule", "problem", "rule_error"]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the case format."""

    type: str
    """The id problems and pydantic errors carry."""
    message: str
    """What is wrong, as a template filled from the problem's context."""
    hint: str
    """How to fix it, as a template filled from the same context."""
    severity: Severity = "error"

    def render(self, /, **context: Any) -> tuple[str, str]:
        """The message and the hint, filled from ``context``."""
        return self.message.format(**context), self.hint.format(**context)

    @property
    def fields(self) -> frozenset[str]:
        """The context fields the templates use."""
        return frozenset(
            name
            for template in (self.message, self.hint)
            for _, name, _, _ in string.Formatter().parse(template)
            if name
        )


_SOURCE_AND_QUOTE = "give both 'source:' (a source id) and 'quote:' (its verbatim text)"
_DATE = "write a date as 2022-01-05, 2022-01 or 2022"
_YAML_SYNTAX = (
    "check indentation and quoting on this line and the one before; "
    "quote text that contains ': ' or starts with a special character"
)
_NESTING = "case files need only a few levels; check the brackets and indentation"
_PREMISES = "premises are ids of evidence items, statements or arguments"
_TARGETS = "name a hypothesis, statement, evidence item or argument"
_UNDERCUTS = "'undercuts' names an argument whose inference it denies"

_TABLE: tuple[Rule, ...] = (
    # --- the case folder ---------------------------------------------------------------
    Rule(
        "no_case_folder",
        "no such case folder",
        "give the folder that holds hypotheses/ and evidence/",
    ),
    Rule(
        "no_hypotheses_files",
        "no hypotheses/*.yaml files in the case",
        "create hypotheses/case.yaml with title, question and hypotheses "
        "(`argmap init DIR` scaffolds a case)",
    ),
    Rule(
        "file_outside_case",
        "this file is a link to a file outside the case folder",
        "copy the file into the case instead of linking to it",
    ),
    Rule(
        "folder_unreadable",
        "cannot read folder: {reason}",
        "check the folder's permissions: argmap lists it and reads the files in it",
    ),
    Rule(
        "not_a_case_file",
        "this is {what}, not a YAML file",
        "every *.yaml and *.yml directly in {folder}/ is read as a case file: "
        "rename this one, or move it out of {folder}/",
    ),
    # --- reading a YAML file -------------------------------------------------------------
    Rule("unreadable_file", "cannot read file: {reason}", "check the file exists and is readable"),
    Rule(
        "binary_file",
        "binary file (contains NUL bytes), not YAML text",
        "case folders hold YAML text files only; move other files elsewhere",
    ),
    Rule(
        "not_utf8",
        "not valid UTF-8 (byte 0x{byte} at offset {offset})",
        "save the file as UTF-8 in your editor",
    ),
    Rule(
        "control_character",
        "control character U+{code} in the file",
        "delete it; only tabs, line breaks and printable text belong in a case file",
    ),
    Rule(
        "control_escape",
        "control character U+{code} in text",
        "remove the escape (such as \\0, \\e or \\x07) from the quoted text",
    ),
    Rule(
        "tab_indentation",
        "tab used for indentation",
        "YAML indents with spaces only; replace the tab with spaces",
    ),
    Rule(
        "several_documents",
        "several YAML documents in one file (a second '---' starts another)",
        "keep one document per file: remove the '---' line, or split the file",
    ),
    Rule("malformed_yaml", "malformed YAML: {problem}{context}", _YAML_SYNTAX),
    Rule(
        "unclosed_quote",
        "malformed YAML: the quote ({quote}) opened on this line runs on to line {end}, "
        "where {problem}",
        "close the quote on this line: quoted text ends only at the next {quote}, "
        "however many lines later",
    ),
    Rule("yaml_error", "malformed YAML: {error}", "check the file's syntax"),
    Rule(
        "anchor",
        "YAML anchors and aliases are not allowed (found '{anchor}')",
        "write the value out in full; quote it if it starts with '&' or '*'",
    ),
    Rule(
        "yaml_tag",
        "YAML tags are not allowed (found '{tag}')",
        "remove the tag (or the %TAG line): every value of a case file is text; "
        "quote a value that starts with '!'",
    ),
    Rule(
        "too_deep",
        "lists and mappings nested more than {depth} levels deep",
        _NESTING,
    ),
    Rule(
        "key_not_text",
        "a key must be plain text",
        "write the key as a single word followed by a colon",
    ),
    Rule(
        "duplicate_key",
        "duplicate key '{key}' (first on line {first})",
        "remove one of the two, or merge their values",
    ),
    Rule("unsupported_node", "unsupported YAML node", "check the file's syntax"),
    Rule("empty_file", "empty file", "add content, or delete the file"),
    Rule(
        "not_a_mapping",
        "the file must be a mapping of keys to values",
        "start the file with a key such as 'hypotheses:' or 'evidence:'",
    ),
    # --- one file against its model: pydantic's types (see PYDANTIC_TYPES) ---------------
    Rule("missing", "'{name}' is required", "add '{name}:' with a value"),
    Rule("unknown_key", "unknown key '{name}'", "{suggestion}allowed keys here: {allowed}"),
    Rule(
        "empty",
        "empty value",
        "give '{name}' a value, or remove the key if it is optional",
    ),
    Rule(
        "invalid_id",
        "'{value}' is not a valid id",
        "ids are slugs: lowercase letters, digits and '-', starting with a letter or digit",
    ),
    Rule(
        "unsupported_format",
        "unsupported format '{value}'",
        "this version of argmap reads format 1",
    ),
    Rule("not_allowed", "'{value}' is not allowed", "use one of {expected}"),
    Rule("not_text", "expected text, found {shape}", "write a single value here"),
    Rule("not_bool", "{shape} is not true or false", "write '{name}: true' or '{name}: false'"),
    Rule("not_number", "{shape} is not a number", "write a probability such as 0.25 or 25%"),
    Rule("not_whole_number", "{shape} is not a whole number", "write a whole number such as 2000"),
    Rule("out_of_range", "'{value}' is out of range: it must be {limits}", "correct the value"),
    Rule(
        "not_a_list", "expected a list, found {shape}", "write one '- item' per line under the key"
    ),
    Rule(
        "not_a_mapping_value",
        "expected a mapping, found {shape}",
        "write 'key: value' lines indented under this one",
    ),
    Rule("invalid_value", "{message}", "correct the value"),
    # --- one file against its model: the model's validators (rule_error) -------------------
    Rule("blank", "empty value", "give '{name}' a value"),
    Rule(
        "date_format",
        "'{value}' must be an ISO 8601 date such as 2022-01-05, 2022-01 or 2022",
        _DATE,
    ),
    Rule("date_invalid", "'{value}' is not a valid date ({reason})", _DATE),
    Rule(
        "one_relation",
        "needs exactly one of supports, attacks or undercuts (found {found})",
        "an argument supports, attacks or undercuts one target",
    ),
    Rule(
        "quote_without_source",
        "source and quote go together: {missing} is missing",
        _SOURCE_AND_QUOTE,
    ),
    Rule(
        "needs_source",
        "{kind} needs a source and a quote (only an assumption may have neither)",
        _SOURCE_AND_QUOTE,
    ),
    Rule(
        "likelihoods_increase",
        "likelihoods must not increase from {first} to {last} (with defaults filled in: {merged})",
        "a rating more consistent with a hypothesis needs a likelihood at least as high",
    ),
    # --- across files: case keys and ids -------------------------------------------------
    Rule(
        "case_keys_twice",
        "case keys ({keys}) are also in {other}",
        "keep title, question, notes and format in one hypotheses file",
    ),
    Rule(
        "no_case_keys",
        "no file holds the case's title and question",
        "add 'title:' and 'question:' to one hypotheses file",
    ),
    Rule("case_key_missing", "'{name}' is required", "add '{name}:' next to the other case keys"),
    Rule(
        "duplicate_id",
        "id '{id}' is already used by the {kind} at {where}",
        "ids are unique across hypotheses, statements, arguments, sources and evidence; rename one",
    ),
    # --- across files: hypotheses --------------------------------------------------------
    Rule(
        "parent_undefined",
        "parent '{parent}' is not a hypothesis",
        "{suggestion}name the id of another hypothesis",
    ),
    Rule(
        "parent_of_other_kind",
        "parent '{parent}' is {kind}",
        "{suggestion}name the id of another hypothesis",
    ),
    Rule(
        "parent_cycle",
        "parents form a cycle: {cycle}",
        "a hypothesis cannot be its own ancestor; remove one 'parent:'",
    ),
    Rule(
        "hierarchy_too_deep",
        "'{id}' lies more than {depth} levels below its top hypothesis",
        "a hierarchy of hypotheses needs a few levels; give '{id}' a parent higher up",
    ),
    Rule(
        "prior_over",
        "priors of {names} sum to {total}, more than the {mass} {where}",
        "lower them so that they fit, or remove some and let argmap share the rest",
    ),
    Rule(
        "prior_leaves_nothing",
        "priors of {names} take all of the {mass} {where}, leaving nothing for {rest}",
        "lower the given priors, or give the others priors of their own",
    ),
    Rule(
        "prior_sum",
        "priors of {names} sum to {total}, not the {mass} {where}",
        "make them add up, or leave one unset to take the remainder",
    ),
    Rule(
        "no_catch_all",
        "no catch-all hypothesis: the posteriors assume one of these is true",
        "add a hypothesis with id 'other' (or tag 'catch-all') for 'none of the above'",
        "warning",
    ),
    # --- across files: statements and arguments -------------------------------------------
    Rule("not_a_statement", "'{id}' is not a statement", "{suggestion}{key} lists statement ids"),
    Rule(
        "contrary_to_itself", "'{id}' cannot be contrary to itself", "remove '{id}' from 'contrary'"
    ),
    Rule(
        "contradicts_itself", "'{id}' cannot contradict itself", "remove '{id}' from 'contradicts'"
    ),
    Rule(
        "assumed_with_standard",
        "an assumed statement is in unless attacked: its standard is not used",
        "remove 'standard:', or 'assumed: true' if its arguments must establish it",
        "warning",
    ),
    Rule("premise_undefined", "premise '{premise}' is not defined", "{suggestion}" + _PREMISES),
    Rule("premise_of_other_kind", "premise '{premise}' is {kind}", "{suggestion}" + _PREMISES),
    Rule("target_undefined", "target '{target}' is not defined", "{suggestion}" + _TARGETS),
    Rule("target_of_other_kind", "target '{target}' is {kind}", "{suggestion}" + _TARGETS),
    Rule("undercut_undefined", "target '{target}' is not defined", "{suggestion}" + _UNDERCUTS),
    Rule("undercut_of_other_kind", "target '{target}' is {kind}", "{suggestion}" + _UNDERCUTS),
    Rule(
        "premise_cycle",
        "premises form a cycle: {cycle}",
        "an argument cannot rest, directly or through others, on itself",
    ),
    Rule(
        "weighing_without_premises",
        "'{weighing}' weighing needs premises",
        "list the premises, or remove 'weighing:' (linked, the default)",
    ),
    Rule(
        "undercutter_weight",
        "an undercutter's weight is not used: it defeats its target when it is in",
        "remove 'weight:'",
        "warning",
    ),
    # --- across files: sources ------------------------------------------------------------
    Rule(
        "quoted_source_without_file",
        "source '{id}' is quoted but has no 'file'",
        "add 'file:' with the path of its text, relative to this YAML file",
    ),
    Rule(
        "source_file_unfollowable",
        "cannot follow source file '{file}': {reason}",
        "point 'file:' at the text itself, not at a link that leads nowhere",
    ),
    Rule(
        "source_file_outside",
        "'{file}' lies outside the case folder",
        "copy the source text into the case (e.g. evidence/sources/) and point to it",
    ),
    Rule(
        "source_file_missing",
        "source file '{file}' not found",
        "paths are relative to {yaml}'s folder; check the spelling",
    ),
    Rule(
        "source_file_unreadable",
        "cannot read source file '{file}': {reason}",
        "check the file is readable",
    ),
    Rule(
        "source_file_too_large",
        "'{file}' is larger than {limit} ({size})",
        "keep the passages the evidence quotes: split the document into several sources "
        "of at most {limit} each, or cut what no quote needs",
    ),
    Rule(
        "source_file_binary",
        "'{file}' is not text: it contains NUL bytes (binary, or UTF-16)",
        "save the source as UTF-8 text",
    ),
    Rule(
        "source_file_not_utf8",
        "'{file}' is not UTF-8 text (line {line})",
        "save the source as UTF-8",
    ),
    # --- across files: evidence -----------------------------------------------------------
    Rule(
        "source_undefined",
        "source '{source}' is not defined",
        "{suggestion}name a source listed under 'sources:'",
    ),
    Rule(
        "source_of_other_kind",
        "source '{source}' is {kind}",
        "{suggestion}name a source listed under 'sources:'",
    ),
    Rule(
        "rated_group",
        "'{id}' has sub-hypotheses and is not rated itself",
        "rate its children instead: {children}",
    ),
    Rule(
        "rated_non_hypothesis",
        "'{id}' is not a hypothesis",
        "{suggestion}keys are ids of leaf hypotheses",
    ),
    Rule(
        "quote_not_found",
        "quote not found in source '{source}'",
        'the closest passage in the source reads: "{closest}"',
    ),
    Rule(
        "quote_not_close",
        "quote not found in source '{source}'",
        "copy the passage verbatim from the source; quotes must be one contiguous span",
    ),
    Rule(
        "quote_twice",
        "quote occurs more than once in '{source}'; the first occurrence is used",
        "lengthen the quote so it points at one passage",
        "warning",
    ),
    Rule(
        "unrated",
        "unrated against {missing}",
        "rate every leaf hypothesis (use NA where it does not apply); "
        "unrated cells are not neutral",
        "warning",
    ),
    Rule(
        "idle_evidence",
        "no rating other than N/NA and no argument uses it",
        "rate it where it bears on a hypothesis, use it in an argument, "
        "or drop it (non-diagnostic evidence)",
        "warning",
    ),
)

_TABLE += (
    # --- originators, assumptions and scenarios (docs/weighing.md) ------------------------
    Rule(
        "originator_duplicate",
        "originator '{id}' is already listed at {where}",
        "originator ids are unique across the evidence files; merge the two or rename one",
    ),
    Rule(
        "rests_on_not_assumption",
        "'{id}' is not an assumption",
        "{suggestion}'rests_on' names evidence items of kind assumption or statements "
        "with 'assumed: true'",
    ),
    Rule(
        "breaks_if_not_assumption",
        "'breaks_if' is for assumptions; this {kind} is not one",
        "make it an assumption (kind: assumption, or assumed: true), or remove 'breaks_if'",
        "warning",
    ),
    Rule(
        "scenario_items_empty",
        "'items' selects nothing: it gives no condition",
        "give ids, kind, originator, source or tag",
    ),
    Rule(
        "scenario_action",
        "a scenario change needs exactly one of 'rate', 'ratings' and 'remove' (found: {found})",
        "write 'rate: N' to set every rating of the items, 'ratings:' with leaf id → rating, "
        "or 'remove: true'",
    ),
    Rule(
        "scenario_without_changes",
        "a scenario without changes",
        "list at least one change under 'changes:'",
    ),
    Rule(
        "scenario_duplicate",
        "scenario '{id}' is already declared at {where}",
        "scenario ids are unique across the hypotheses files; rename one",
    ),
    Rule(
        "scenario_unknown_item",
        "'{id}' is not an evidence item",
        "{suggestion}'ids' names evidence items",
    ),
    Rule(
        "scenario_unknown_leaf",
        "'{id}' is not a leaf hypothesis",
        "{suggestion}keys of 'ratings' are ids of leaf hypotheses",
    ),
    Rule(
        "scenario_selects_nothing",
        "no evidence item matches this scenario change",
        "check the ids, kind, originator, source or tag under 'items'",
        "warning",
    ),
)

_TABLE += (
    # --- analysts' ratings files (evidence/ratings/, argmap.ratingsfile) -----------------
    Rule(
        "analyst_name_lines",
        "an analyst's name is one line",
        "write the name on one line",
    ),
    Rule(
        "analyst_name_long",
        "an analyst's name has at most {limit} characters",
        "shorten the name; initials will do",
    ),
    Rule(
        "ratings_round_twice",
        "{analyst}'s round {round} ratings are already in {where}",
        "keep one file per analyst and round: merge the two, or set 'round:'",
    ),
    Rule(
        "ratings_unknown_evidence",
        "'{id}' is not an evidence item of the case",
        "{suggestion}keys under '{part}' are evidence ids",
    ),
    Rule(
        "ratings_rated_group",
        "'{id}' has sub-hypotheses and is not rated itself",
        "rate its sub-hypotheses instead",
    ),
    Rule(
        "ratings_unknown_hypothesis",
        "'{id}' is not a hypothesis of the case",
        "{suggestion}keys are ids of leaf hypotheses",
    ),
    Rule(
        "ratings_rate_nothing",
        "the file rates no cell",
        "add 'ratings:' with evidence id → hypothesis id → rating",
        "warning",
    ),
    Rule(
        "analyst_look_alike",
        "analyst '{analyst}' looks like '{other}' in {where} but is written with other "
        "letters ({letters}): argmap counts two analysts",
        "type the name in one script, the same way in both files; if they are two people, "
        "make the names differ visibly",
        "warning",
    ),
    Rule(
        "analyst_mixed_scripts",
        "analyst '{analyst}' mixes {scripts} letters in one word ({letters})",
        "type the name in one script: a look-alike letter (a Cyrillic 'а' for a Latin 'a') "
        "makes one analyst two",
        "warning",
    ),
    Rule(
        "proposal_needs",
        "a proposal of type {type} needs '{name}'",
        "add '{name}:' to the proposal, or remove the proposal",
    ),
    Rule(
        "proposal_foreign_key",
        "'{name}' is not part of a proposal of type {type}",
        "remove '{name}:'; a proposal of type {type} may have: type, {allowed}",
    ),
    Rule(
        "proposal_empty_vote",
        "a vote gives neither 'credibility' nor 'relevance'",
        "add 'credibility:' or 'relevance:' (high, medium or low)",
    ),
    Rule(
        "ratings_changed_silently",
        "changed from {before} in round {from_round} to {after} without a rationale",
        "say why under 'rationale:' — the workshop report shows it beside the change",
        "warning",
    ),
)

_ONE_STORY = "the matrix and the map should tell one story"

_TABLE += (
    # --- the map and the matrix held together (argmap.coherence, after evaluation) -------
    Rule(
        "rated_for_defeated_argument",
        "{item} is rated {rating} with {hypothesis}, but {argument}, which argues from it "
        "for {hypothesis}, is out: {why}",
        "re-rate it in the light of what defeats the argument, or answer that in the map; "
        + _ONE_STORY,
        "warning",
    ),
    Rule(
        "rated_against_defeated_argument",
        "{item} is rated {rating} with {hypothesis}, but {argument}, which argues from it "
        "against {hypothesis}, is out: {why}",
        "re-rate it in the light of what defeats the argument, or answer that in the map; "
        + _ONE_STORY,
        "warning",
    ),
    Rule(
        "assumption_counted_twice",
        "{item}, an assumption, is rated in the matrix ({ratings}) and is a premise of "
        "{arguments} in the map: it is counted twice",
        "weigh it in one place: rate it neutral where the map argues from it, or take it out of "
        "the arguments' premises",
        "warning",
    ),
    Rule(
        "verdict_without_weights",
        "the verdict on {hypothesis} rests on {count} with a rationale but no weight",
        "set 'weight:' (0 to 1) on {arguments} to say what the rationale says; without "
        "one an argument weighs as its weakest evidence premise's credibility, or 1",
        "warning",
    ),
)

RULES: dict[str, Rule] = {rule.type: rule for rule in _TABLE}
"""Every rule, by type."""

PYDANTIC_TYPES: dict[str, str] = {
    "missing": "missing",
    "extra_forbidden": "unknown_key",
    "string_pattern_mismatch": "invalid_id",
    "literal_error": "not_allowed",
    "string_type": "not_text",
    "bool_parsing": "not_bool",
    "bool_type": "not_bool",
    "float_parsing": "not_number",
    "float_type": "not_number",
    "int_parsing": "not_whole_number",
    "int_type": "not_whole_number",
    "int_from_float": "not_whole_number",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "tuple_type": "not_a_list",
    "list_type": "not_a_list",
    "dict_type": "not_a_mapping_value",
    "model_type": "not_a_mapping_value",
    "model_attributes_type": "not_a_mapping_value",
}
"""pydantic's built-in error types → the rule that words them (others: ``invalid_value``)."""


def rule_error(rule_type: str, /, **context: Any) -> PydanticCustomError:
    """The error a model validator raises for a rule; the loader words it from the table.

    >>> str(rule_error("one_relation", found="none")).startswith("needs exactly one of")
    True
    """
    # pydantic fills the template itself (for its own str()); the loader words the problem
    # from the table and the context again, so both read the same.
    return PydanticCustomError(rule_type, RULES[rule_type].message, context)


def problem(rule_type: str, file: Path, line: int, field: str = "", /, **context: Any) -> Problem:
    """A problem of a rule, located and worded from its context."""
    rule = RULES[rule_type]
    message, hint = rule.render(**context)
    return Problem(rule.severity, file, line, field, message, hint)
