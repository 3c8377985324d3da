"""Finding a quote in its source text, forgiving only typography.

Both sides are normalised the same way: NFC; every run of Unicode whitespace
becomes one space, trimmed at both ends; curly and prime quotes become straight
ones; hyphen and dash variants become '-'. Matching is case-sensitive. Offsets
are mapped back to code points in the original text.

A source may be tens of megabytes, so the work is linear and holds no number per character:
the text is normalised in pieces of a few thousand characters, cut where normalising the
pieces gives what normalising the whole would, and only the piece a match lies in is mapped
back character by character (:class:`SourceText`).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import chain

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
_FOLDS = tuple((chr(code), folded) for code, folded in _FOLD.items())
"""The same as pairs: replacing each in turn is several times as fast as str.translate."""
_SPACE = re.compile(r"\s+")
_SPACE_TO_CUT = re.compile(r"[^\S ]\s*| \s+")
"""A run of whitespace other than one space: what collapsing whitespace has to replace."""
_NOT_SPACE = re.compile(r"\S")
_ANY = re.compile(r".", re.DOTALL)
_LEAD = re.compile(r"\s*")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")

_PIECE_LENGTH = 8192
"""About how many characters of a text are normalised at a time."""
_STREAM_SAFE = 30
"""Most characters in a row that NFC may reorder or compose together, as in Unicode's
stream-safe text format (UAX #15): a longer run of combining marks, which no writing needs,
is normalised 30 at a time, since reordering a run costs time as its square."""


@cache
def _no_cut_codes() -> tuple[int, ...]:
    """The characters a text must not be cut before for NFC: combining marks, characters
    that decompose to one, and the starters that compose with what precedes them (Hangul
    vowels and final consonants, some Indic vowel signs).

    Cutting before any other character, NFC of the pieces joined is NFC of the whole: such
    a character begins with a starter that nothing reorders across or composes into. Every
    such character lies below U+20000, outside the CJK, Hangul and private-use blocks (a
    test holds every code point to that), which are skipped to take milliseconds.
    """
    codes: set[int] = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul V, T
    for first, last in ((0, 0x3400), (0xA000, 0xAC00), (0xD7A4, 0xD800), (0xF900, 0x20000)):
        for code in range(first, last):
            char = chr(code)
            if unicodedata.combining(char):
                codes.add(code)
                continue
            decomposition = unicodedata.decomposition(char)
            if not decomposition or decomposition.startswith("<"):
                continue  # no canonical decomposition
            if unicodedata.combining(unicodedata.normalize("NFD", char)[0]):
                codes.add(code)
            parts = decomposition.split()
            if len(parts) == 2:  # the second of a pair composes with what precedes it
                codes.add(int(parts[1], 16))
    return tuple(sorted(codes))


def _class(codes: Iterable[int]) -> str:
    """The inside of a regular-expression class of these code points (sorted)."""
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last in ranges)


@dataclass(frozen=True)
class _NfcPatterns:
    anywhere: re.Pattern[str]
    """A character a text may be cut before for NFC."""
    not_space: re.Pattern[str]
    """The same, if not whitespace."""
    long_run: re.Pattern[str]
    """A run of more than :data:`_STREAM_SAFE` characters not to cut before."""
    long_run_in_bmp: re.Pattern[str]
    """The same, of characters below U+10000 only: ten times as fast to search for (a class
    with characters beyond it is searched range by range)."""
    beyond_bmp: re.Pattern[str]
    """A character in the span of those beyond U+10000 (Brahmi, musical notation…): without
    one, :attr:`long_run_in_bmp` finds every long run."""


@cache
def _nfc_patterns() -> _NfcPatterns:
    codes = _no_cut_codes()
    no_cut = _class(codes)
    beyond = [code for code in codes if code > 0xFFFF]
    run = f"{{{_STREAM_SAFE + 1},}}"
    return _NfcPatterns(
        anywhere=re.compile(f"[^{no_cut}]"),
        not_space=re.compile(f"[^{no_cut}\\s]"),
        long_run=re.compile(f"[{no_cut}]{run}"),
        long_run_in_bmp=re.compile(f"[{_class([c for c in codes if c <= 0xFFFF])}]{run}"),
        beyond_bmp=re.compile(f"[\\U{beyond[0]:08x}-\\U{beyond[-1]:08x}]"),
    )


def _cuts(text: str, *, nfc: bool, spaces: bool) -> Iterator[int]:
    """Offsets about :data:`_PIECE_LENGTH` characters apart where ``text`` may be cut: with
    ``nfc``, where the pieces normalised and joined give NFC of the whole (but for the
    stream-safe cuts inside a run of more than :data:`_STREAM_SAFE` marks); with ``spaces``,
    not inside a run of whitespace.

    >>> text = "x" * 100 + " " * 9000 + "y"
    >>> list(_cuts(text, nfc=False, spaces=True)), list(_cuts(text, nfc=False, spaces=False))
    ([9100], [8192])
    """
    if nfc:
        patterns = _nfc_patterns()
        pattern = patterns.not_space if spaces else patterns.anywhere
        long_run = patterns.long_run_in_bmp
        if patterns.beyond_bmp.search(text):
            long_run = patterns.long_run
        forced: Iterator[int] = (
            cut
            for run in long_run.finditer(text)
            for cut in range(run.start() + _STREAM_SAFE, run.end(), _STREAM_SAFE)
        )
    else:
        pattern = _NOT_SPACE if spaces else _ANY
        forced = iter(())
    end = len(text)
    next_forced = next(forced, end)
    position = 0
    while True:
        target = position + _PIECE_LENGTH
        if next_forced <= target:
            cut = next_forced
        elif target >= end:
            return
        else:
            found = pattern.search(text, target)
            cut = min(found.start() if found else end, next_forced)
        if cut == next_forced:
            next_forced = next(forced, end)
        if cut >= end:
            return
        yield cut
        position = cut


def _pieces(text: str, *, nfc: bool, spaces: bool) -> Iterator[tuple[int, str]]:
    """``text`` in pieces (see :func:`_cuts`): the offset of each, and the piece."""
    start = 0
    for cut in chain(_cuts(text, nfc=nfc, spaces=spaces), [len(text)]):
        yield start, text[start:cut]
        start = cut


def _nfc(text: str) -> str:
    """NFC of ``text``, in linear time (see :data:`_STREAM_SAFE`).

    >>> _nfc("Cafe\u0301") == "Caf\u00e9"
    True
    """
    if unicodedata.is_normalized("NFC", text):
        return text
    return "".join(
        unicodedata.normalize("NFC", piece) for _, piece in _pieces(text, nfc=True, spaces=False)
    )


def _matching_form(text: str) -> str:
    """NFC text folded and with each run of whitespace one space (not trimmed)."""
    for typographic, plain in _FOLDS:
        if typographic in text:
            text = text.replace(typographic, plain)
    return _SPACE_TO_CUT.sub(" ", text)


def normalise(text: str) -> str:
    """The matching form of a text.

    >>> normalise("  it\u2019s \u2013 a\u00a0 \u201cquote\u201d\\n")
    'it\\'s - a "quote"'
    """
    return _matching_form(_nfc(text)).strip()


@cache
def _no_cut_runs() -> re.Pattern[str]:
    """A run of characters a text must not be cut before for NFC."""
    return re.compile(f"[{_class(_no_cut_codes())}]+")


def _nfc_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """NFC of ``text`` and, per output character, the span of the original it came from.

    Normalisation stays within a cluster: a character that may be cut before and the run of
    those that may not which follows it (combining marks, Hangul vowels …). A cluster of one
    character maps to itself (or to what NFC makes of it), a longer one as a whole.

    >>> _nfc_with_offsets("Cafe\u0301!")
    ('Café!', [0, 1, 2, 3, 5], [1, 2, 3, 5, 6])
    """
    if unicodedata.is_normalized("NFC", text):
        return text, list(range(len(text))), list(range(1, len(text) + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def singles(begin: int, end: int) -> None:
        stretch = text[begin:end]
        if unicodedata.is_normalized("NFC", stretch):
            out.append(stretch)
            starts.extend(range(begin, end))
            ends.extend(range(begin + 1, end + 1))
            return
        for index in range(begin, end):  # singletons such as U+212B ANGSTROM SIGN
            cluster(index, index + 1)

    def cluster(begin: int, end: int) -> None:
        normalised = unicodedata.normalize("NFC", text[begin:end])
        out.append(normalised)
        starts.extend([begin] * len(normalised))
        ends.extend([end] * len(normalised))

    position = 0
    for run in _no_cut_runs().finditer(text):
        begin = max(run.start() - 1, position)  # with the character it follows, if any
        singles(position, begin)
        cluster(begin, run.end())
        position = run.end()
    singles(position, len(text))
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


@dataclass(frozen=True, slots=True)
class _Piece:
    """One piece of a source, ready to map positions in its normalised form back."""

    nfc: str
    starts: list[int] | None
    """Per NFC character, where its span in the original piece starts (None: the same)."""
    ends: list[int] | None
    space_at: array[int]
    """Per run of whitespace, the index of the one space that stands for it when normalised."""
    run_starts: array[int]
    run_ends: array[int]


def _space_runs(nfc: str) -> tuple[array[int], array[int], array[int]]:
    """Each run of whitespace in ``nfc``: where its space stands in the normalised piece (every
    run shrinks to one space), and where the run starts and ends in ``nfc``.

    >>> [list(a) for a in _space_runs("a  b c")]
    [[1, 3], [1, 4], [3, 5]]
    """
    space_at, run_starts, run_ends = array("q"), array("q"), array("q")
    removed = 0  # characters the runs so far lost on the way to one space each
    for space in _SPACE.finditer(nfc):
        space_at.append(space.start() - removed)
        run_starts.append(space.start())
        run_ends.append(space.end())
        removed += space.end() - space.start() - 1
    return space_at, run_starts, run_ends


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    occurrences: int


class SourceText:
    """A source document prepared for quote lookups.

    Holds the text and its normalised form, and for every piece the text was normalised in
    (see :func:`_cuts`) where it starts in both: a few numbers per thousand characters. A
    match is mapped back to the original by normalising its piece again, cluster by cluster
    (:func:`_nfc_with_offsets`).
    """

    def __init__(self, text: str):
        self.text = text
        self._is_nfc = unicodedata.is_normalized("NFC", text)
        self._starts = array("q")
        """Where each piece starts in the text."""
        self._norm_starts = array("q")
        """Where each piece starts in :attr:`normalised`."""
        self._maps: dict[int, _Piece] = {}
        normalised: list[str] = []
        length = 0
        for start, piece in _pieces(text, nfc=not self._is_nfc, spaces=True):
            self._starts.append(start)
            self._norm_starts.append(length)
            # No piece holds a run too long to normalise at once (see _cuts).
            part = _matching_form(piece if self._is_nfc else unicodedata.normalize("NFC", piece))
            normalised.append(part)
            length += len(part)
        self.normalised = "".join(normalised)

    def _piece(self, index: int) -> _Piece:
        """A piece in NFC with its runs of whitespace and, unless the text is NFC already,
        for each of its characters the span of the piece it came from."""
        found = self._maps.get(index)
        if found is None:
            start = self._starts[index]
            end = self._starts[index + 1] if index + 1 < len(self._starts) else len(self.text)
            piece = self.text[start:end]
            starts: list[int] | None = None
            ends: list[int] | None = None
            nfc = piece
            if not self._is_nfc:
                nfc, starts, ends = _nfc_with_offsets(piece)
                whole = unicodedata.normalize("NFC", piece)
                if nfc != whole:  # where the two could disagree, the piece maps as a whole
                    nfc, starts, ends = whole, [0] * len(whole), [len(piece)] * len(whole)
            found = _Piece(nfc, starts, ends, *_space_runs(nfc))
            if len(self._maps) >= 8:  # a few pieces are mapped at a time
                self._maps.clear()
            self._maps[index] = found
        return found

    def _span(self, norm_index: int) -> tuple[int, int]:
        """The span of the original text that the character at ``norm_index`` of
        :attr:`normalised` stands for (a space: the start of its run of whitespace)."""
        index = bisect_right(self._norm_starts, norm_index) - 1
        piece = self._piece(index)
        wanted = norm_index - self._norm_starts[index]
        run = bisect_right(piece.space_at, wanted) - 1  # the last run of spaces up to it
        if run < 0:
            at = wanted
        elif piece.space_at[run] == wanted:  # the space that stands for this run
            at = piece.run_starts[run]
        else:
            at = piece.run_ends[run] + wanted - piece.space_at[run] - 1
        base = self._starts[index]
        if piece.starts is None or piece.ends is None:
            return base + at, base + at + 1
        return base + piece.starts[at], base + piece.ends[at]

    def find(self, quote: str) -> Match | None:
        """First occurrence of ``quote`` (normalised), with the number of occurrences."""
        needle = normalise(quote)
        if not needle:
            return None
        first = self.normalised.find(needle)
        if first < 0:
            return None
        second = self.normalised.find(needle, first + 1)
        start = self._span(first)[0]
        # The last character may be one NFC character standing for several original ones.
        end = self._span(first + len(needle) - 1)[1]
        while end < len(self.text) and unicodedata.combining(self.text[end]):
            end += 1
        return Match(start, end, 1 if second < 0 else 2)

    @cached_property
    def _paragraph_index(self) -> array[int]:
        """Offsets where paragraphs begin: one number per paragraph."""
        lead = _LEAD.match(self.text)
        first = lead.end() if lead else 0
        size = len(self.text)
        index = array("q", [first])
        index.extend(
            end
            for blank in _BLANK_LINE.finditer(self.text, first)
            if first < (end := blank.end()) < size
        )
        return index

    @property
    def paragraph_starts(self) -> list[int]:
        """Offsets where paragraphs (blank-line-separated blocks) begin."""
        return list(self._paragraph_index)

    def paragraph_of(self, offset: int) -> int:
        """1-based number of the paragraph holding ``offset``."""
        return max(1, bisect_right(self._paragraph_index, offset))

    def paragraphs(self) -> list[tuple[int, int]]:
        """(start, end) of every paragraph, end exclusive and trailing space trimmed."""
        starts = self._paragraph_index
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
        first = self._span(begin)[0]
        last = self._span(end - 1)[1]
        return _SPACE.sub(" ", _nfc(self.text[first:last]))
