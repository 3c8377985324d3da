"""Ids and text made from other people's words: slugs, unique ids, cleaned-up text.

The case model, the importers and the workshop all turn free text (a title, a Carneades
term, an analyst's name) into the ids and file names of a case; they do it here, one way.
This module imports nothing from the case model, so the model can import it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

__all__ = [
    "MAX_ID_LENGTH",
    "NOT_TEXT",
    "SLUG_PATTERN",
    "SUGGESTION_BUDGET",
    "Suggestions",
    "UniqueIds",
    "clean_text",
    "first_not_text",
    "is_slug",
    "slugify",
]

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
"""What an id of a case looks like: lowercase ASCII letters, digits and '-'."""
MAX_ID_LENGTH = 60
"""The longest id an importer makes from a title (an id written by hand may be longer)."""
NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
"""What a case file cannot hold: what YAML refuses in a file (C0 controls but tab, line feed
and carriage return; DEL; C1 controls but NEL; lone surrogates; U+FFFE, U+FFFF)."""
_SLUG = re.compile(SLUG_PATTERN)
_CAMEL_HUMP = re.compile(r"([a-z0-9])([A-Z])")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def is_slug(text: str) -> bool:
    """Whether ``text`` may be an id of a case as it is.

    >>> is_slug("arson-2"), is_slug("Arson"), is_slug("-x")
    (True, False, False)
    """
    return _SLUG.match(text) is not None


def slugify(
    text: str,
    fallback: str = "item",
    *,
    max_length: int | None = None,
    keep_slugs: bool = False,
    split_camel_case: bool = False,
) -> str:
    """A slug for ``text``: its ASCII letters and digits, lowercased, every other run '-'.

    Accents are dropped (``é`` → ``e``) and ``¬`` reads as "not" (Carneades and Argdown
    write negation with it). ``fallback`` is the slug when nothing is left.

    Args:
        text: the words to make a slug of.
        fallback: the slug of text that has no ASCII letter or digit.
        max_length: longer slugs are cut at the last '-' that keeps them within it (in the
            middle of a word only when the first word alone is longer).
        keep_slugs: text that already is a slug comes back unchanged, whatever its length,
            so ids survive a round trip through another format.
        split_camel_case: ``wearsRing`` gives ``wears-ring`` rather than ``wearsring``.

    >>> slugify("Argument from Freedom of Speech")
    'argument-from-freedom-of-speech'
    >>> slugify("¬app(a1)"), slugify("wearsRing", split_camel_case=True)
    ('not-app-a1', 'wears-ring')
    >>> slugify("Zoë Ångström's report", max_length=12), slugify("???", "statement")
    ('zoe-angstrom', 'statement')
    >>> slugify("x--1", keep_slugs=True), slugify("x--1")
    ('x--1', 'x-1')
    """
    if keep_slugs and is_slug(text):
        return text
    words = text.replace("¬", " not ")
    if split_camel_case:
        words = _CAMEL_HUMP.sub(r"\1-\2", words)
    ascii_words = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_words.lower()).strip("-")
    if max_length is not None and len(slug) > max_length:
        cut = slug[: max_length + 1]  # a word that ends just at the limit stays
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut[:max_length]
    return slug.strip("-") or fallback


class UniqueIds:
    """Ids unique among those handed out: ``base``, then ``base-2``, ``base-3``…

    Handed out in a fixed order, the same input gives the same ids.

    >>> ids = UniqueIds()
    >>> ids.new("arson"), ids.new("arson"), ids.new("arson-2")
    ('arson', 'arson-2', 'arson-2-2')
    """

    def __init__(self) -> None:
        self.used: set[str] = set()

    def new(self, base: str) -> str:
        """The first of ``base``, ``base-2``, ``base-3``… not handed out yet."""
        candidate, number = base, 1
        while candidate in self.used:
            number += 1
            candidate = f"{base}-{number}"
        self.used.add(candidate)
        return candidate


def first_not_text(text: str) -> str | None:
    """The first character of ``text`` that a case file cannot hold, or None if there is
    none (:data:`NOT_TEXT`): the one rule for text. The YAML reader refuses such a character
    in any file through this function, and so do the ratings files' model and the workshop
    server, so that nothing the server takes can stop an export.

    >>> first_not_text("tab\\t, NEL\\x85, line\\u2028separator"), first_not_text("CSI \\x9b[2J")
    (None, '\\x9b')
    """
    bad = NOT_TEXT.search(text)
    return bad.group() if bad else None


def clean_text(text: str) -> str:
    """Text as a case keeps it: every run of whitespace one space, trimmed; a control
    character (which a case file cannot hold) becomes U+FFFD.

    >>> clean_text("  two\\n lines\\x00 ")
    'two lines\\ufffd'
    """
    return " ".join(NOT_TEXT.sub("\ufffd", text).split())


SUGGESTION_BUDGET = 200_000
"""Most candidate names compared for the "did you mean" of one load, all suggestions
together (about half a second): a handful of typos each get one; thousands of unknown ids
get a suggestion until the budget is spent, not minutes of comparisons."""


class Suggestions:
    """'did you mean …?' for unknown names, within :data:`SUGGESTION_BUDGET`."""

    def __init__(self, budget: int = SUGGESTION_BUDGET):
        self.left = budget
        # Candidate collection (by id, kept alive here so the id stays its own) → name → text.
        self._found: dict[int, tuple[Collection[str], dict[str, str]]] = {}

    def __call__(self, name: str, known: Collection[str]) -> str:
        _, found = self._found.setdefault(id(known), (known, {}))
        if name not in found:
            if len(known) > self.left:
                return ""
            self.left -= len(known)
            import difflib  # here: a valid case never asks

            close = difflib.get_close_matches(name, list(known), n=1)
            found[name] = f"did you mean '{close[0]}'? " if close else ""
        return found[name]
