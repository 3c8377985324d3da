"""Finding a quote in its source text, forgiving only typography.

Both sides are normalised the same way: NFC; every run of Unicode whitespace
becomes one space, trimmed at both ends; curly and prime quotes become straight
ones; hyphen and dash variants become '-'. Matching is case-sensitive. Offsets
are mapped back to code points in the original text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

__all__ = ["Comparisons", "SourceText", "normalise"]

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)
_SPACE = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")


def normalise(text: str) -> str:
    """The matching form of a text.

    >>> normalise("  it\u2019s \u2013 a\u00a0 \u201cquote\u201d\\n")
    'it\\'s - a "quote"'
    """
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).translate(_FOLD)).strip()


def _composes(before: str, char: str) -> bool:
    """Whether NFC merges ``char`` into the text before it."""
    nfc = unicodedata.normalize
    return nfc("NFC", before + char) != nfc("NFC", before) + nfc("NFC", char)


def _nfc_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """NFC of ``text`` and, per output character, the span of the original it came from."""
    if unicodedata.is_normalized("NFC", text):
        return text, list(range(len(text))), list(range(1, len(text) + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    start = 0
    # Composition stays within a piece: a starter and what follows it. A new piece
    # begins at a starter that does not compose with the piece before it (Hangul
    # jamo and some Indic vowel signs compose although they are starters; nothing
    # below U+0300 composes with what precedes it).
    for index in range(1, len(text) + 1):
        if index < len(text):
            char = text[index]
            if unicodedata.combining(char):
                continue
            if char >= "\u0300" and _composes(text[start:index], char):
                continue
        piece = unicodedata.normalize("NFC", text[start:index])
        out.append(piece)
        starts.extend([start] * len(piece))
        ends.extend([index] * len(piece))
        start = index
    return "".join(out), starts, ends


_CLOSEST_BUDGET = 40_000_000
"""Largest source × quote length (characters) that :meth:`SourceText.closest` compares whole
(about half a second)."""
_PIECE = 24


def _aligned_start(haystack: str, needle: str) -> int | None:
    """Where ``needle`` would start in ``haystack`` if one of its pieces stands there verbatim.

    >>> text = "Notes. Later the harbor fire started at night, said the guard."
    >>> _aligned_start(text, "the harbour fire started at night, said the guard")
    12
    >>> text[12:]  # the quote has one letter more than the source before the piece found
    ' the harbor fire started at night, said the guard.'
    """
    length = min(_PIECE, len(needle))
    step = max(1, (len(needle) - length) // 16)
    for offset in range(0, len(needle) - length + 1, step):
        found = haystack.find(needle[offset : offset + length])
        if found >= 0:
            return found - offset
    return None


@dataclass
class Comparisons:
    """A budget of work for :meth:`SourceText.closest`, shared by many calls: source
    characters times quote characters compared. One quote costs at most
    :data:`_CLOSEST_BUDGET`; a case with hundreds of misquotes must not cost minutes."""

    left: int


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    occurrences: int


class SourceText:
    """A source document prepared for quote lookups."""

    def __init__(self, text: str):
        self.text = text
        nfc, nfc_starts, nfc_ends = _nfc_with_offsets(text)
        folded = nfc.translate(_FOLD)
        # Collapse whitespace, remembering where each kept run starts in both texts.
        pieces: list[str] = []
        self._norm_starts: list[int] = []
        self._nfc_starts: list[int] = []
        position = 0
        norm_length = 0
        for space in _SPACE.finditer(folded):
            if space.start() > position:
                self._norm_starts.append(norm_length)
                self._nfc_starts.append(position)
                pieces.append(folded[position : space.start()])
                norm_length += space.start() - position
            pieces.append(" ")
            norm_length += 1
            position = space.end()
        if position < len(folded):
            self._norm_starts.append(norm_length)
            self._nfc_starts.append(position)
            pieces.append(folded[position:])
        self.normalised = "".join(pieces)
        self._orig_starts = nfc_starts
        self._orig_ends = nfc_ends

    def _nfc_index(self, norm_index: int) -> int:
        """Index into the NFC text of the (non-space) character at ``norm_index``."""
        run = bisect_right(self._norm_starts, norm_index) - 1
        return self._nfc_starts[run] + (norm_index - self._norm_starts[run])

    def find(self, quote: str) -> Match | None:
        """First occurrence of ``quote`` (normalised), with the number of occurrences."""
        needle = normalise(quote)
        if not needle:
            return None
        first = self.normalised.find(needle)
        if first < 0:
            return None
        second = self.normalised.find(needle, first + 1)
        start = self._orig_starts[self._nfc_index(first)]
        # The last character may be one NFC character standing for several original ones.
        end = self._orig_ends[self._nfc_index(first + len(needle) - 1)]
        while end < len(self.text) and unicodedata.combining(self.text[end]):
            end += 1
        return Match(start, end, 1 if second < 0 else 2)

    @cached_property
    def paragraph_starts(self) -> list[int]:
        """Offsets where paragraphs (blank-line-separated blocks) begin."""
        lead = len(self.text) - len(self.text.lstrip())
        return [lead] + [
            m.end() for m in _BLANK_LINE.finditer(self.text) if lead < m.end() < len(self.text)
        ]

    def paragraph_of(self, offset: int) -> int:
        """1-based number of the paragraph holding ``offset``."""
        return max(1, bisect_right(self.paragraph_starts, offset))

    def paragraphs(self) -> list[tuple[int, int]]:
        """(start, end) of every paragraph, end exclusive and trailing space trimmed."""
        starts = self.paragraph_starts
        spans = []
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else len(self.text)
            end = start + len(self.text[start:end].rstrip())
            spans.append((start, end))
        return spans

    def closest(
        self, quote: str, context: int = 12, budget: Comparisons | None = None
    ) -> str | None:
        """The source passage that best lines up with ``quote``, for hints.

        Aligned on the longest run the two share, trimmed to the stretch that
        matches and widened to whole words; given as the original text (NFC, each
        run of whitespace one space) so it can be copied into the quote. None when
        nothing lines up, or when the comparison would cost more than ``budget`` has left
        (what it costs is taken from the budget).
        """
        from difflib import SequenceMatcher

        needle = normalise(quote)
        haystack = self.normalised
        if not needle or len(haystack) > 2_000_000 or len(needle) > 5_000:
            return None
        low, high = 0, len(haystack)
        if len(haystack) * len(needle) > _CLOSEST_BUDGET:
            # Comparing all of a long source with a long quote takes minutes: compare only
            # the stretch where a piece of the quote stands verbatim, if one does.
            aligned = _aligned_start(haystack, needle)
            if aligned is None:
                return None
            low = max(0, aligned - len(needle) // 2)
            high = min(len(haystack), aligned + len(needle) + len(needle) // 2)
        if budget is not None:
            cost = (high - low) * len(needle)
            if cost > budget.left:
                return None
            budget.left -= cost
        match = SequenceMatcher(None, haystack, needle, autojunk=False).find_longest_match(
            low, high, 0, len(needle)
        )
        if match.size < max(8, len(needle) // 4):
            return None
        low = max(0, match.a - match.b - context)
        high = min(len(haystack), match.a - match.b + len(needle) + context)
        blocks = [
            block
            for block in SequenceMatcher(
                None, haystack[low:high], needle, autojunk=False
            ).get_matching_blocks()
            if block.size >= 3
        ]
        begin = low + blocks[0].a
        end = low + blocks[-1].a + blocks[-1].size
        while begin > 0 and haystack[begin - 1] != " ":
            begin -= 1
        while end < len(haystack) and haystack[end] != " ":
            end += 1
        while haystack[begin] == " ":
            begin += 1
        while haystack[end - 1] == " ":
            end -= 1
        first = self._orig_starts[self._nfc_index(begin)]
        last = self._orig_ends[self._nfc_index(end - 1)]
        return _SPACE.sub(" ", unicodedata.normalize("NFC", self.text[first:last]))
