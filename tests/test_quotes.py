"""Finding quotes in source texts: normalisation, offsets, paragraphs, hints."""

from __future__ import annotations

import re
import time
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.quotes import _FOLD, SourceText, normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  it\u2019s \u2013 a\u00a0 \u201cquote\u201d\n", 'it\'s - a "quote"'),
        ("\u2018a\u2019 \u201ab\u2032 \u201cc\u201d \u201ed\u2033", "'a' 'b' \"c\" \"d\""),
        ("a\u2010b\u2011c\u2013d\u2014e\u2212f", "a-b-c-d-e-f"),
        ("a\tb\r\n\r\nc\u2003d\u2028e\u3000f", "a b c d e f"),
        ("Cafe\u0301", "Caf\u00e9"),
        ("Case Stays", "Case Stays"),
        (" \n\t ", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def found(text: str, quote: str) -> str | None:
    match = SourceText(text).find(quote)
    return None if match is None else text[match.start : match.end]


@pytest.mark.parametrize(
    ("text", "quote", "passage"),
    [
        ("He said \u201chi\u201d.", 'said "hi".', "said \u201chi\u201d."),
        ("one\n  two\u00a0three", "one two three", "one\n  two\u00a0three"),
        ("x Cafe\u0301 y", "Caf\u00e9", "Cafe\u0301"),
        ("x Caf\u00e9 y", "Cafe\u0301", "Caf\u00e9"),
        ("Cafe\u0301\u0301s", "Caf\u00e9\u0301", "Cafe\u0301\u0301"),
        # Hangul written as conjoining jamo composes across starters.
        (
            "x " + unicodedata.normalize("NFD", "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8") + " y",
            "\uad6d\uc5b4 \ud14d",
            unicodedata.normalize("NFD", "\uad6d\uc5b4 \ud14d"),
        ),
        # So do the two parts of some Indic vowel signs (U+09C7 U+09BE -> U+09CB).
        ("\u0995\u09c7\u09be\u0996", "\u0995\u09cb", "\u0995\u09c7\u09be"),
        ("\U0001f525 fire \U0001f525", "fire \U0001f525", "fire \U0001f525"),
    ],
)
def test_find_maps_back_to_the_original(text, quote, passage):
    assert found(text, quote) == passage


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ("Witnesses saw", "witnesses saw"),
        ("two men", "two  women"),
        ("a b", "ab"),
        ("first. second. third.", "first. third."),
        ("anything", "   "),
    ],
)
def test_not_found(text, quote):
    assert SourceText(text).find(quote) is None


def test_occurrences():
    source = SourceText("The van left. Later, the van left. The van left.")
    match = source.find("The van left.")
    assert (match.start, match.end, match.occurrences) == (0, 13, 2)
    assert source.find("Later").occurrences == 1
    assert SourceText("aaa").find("aa").occurrences == 2  # overlapping counts


@pytest.mark.parametrize(
    ("text", "starts"),
    [
        ("Title\n\nOne.\nStill one.\n\nTwo.\n", [0, 7, 24]),
        ("\n\n  Title\n\nOne.\n", [4, 11]),
        ("Title\r\n\r\nOne.\r\n \t \r\nTwo.", [0, 9, 20]),
        ("Title\n\n\n\n   One.\n\n", [0, 12]),
        ("Only a title", [0]),
    ],
)
def test_paragraph_starts(text, starts):
    source = SourceText(text)
    assert source.paragraph_starts == starts
    assert [source.paragraph_of(start) for start in starts] == list(range(1, len(starts) + 1))


def test_paragraphs_are_trimmed_blocks():
    text = "\n\nTitle\n\nOne.\nStill one.  \n \nTwo.\n\n"
    source = SourceText(text)
    assert [text[start:end] for start, end in source.paragraphs()] == [
        "Title",
        "One.\nStill one.",
        "Two.",
    ]
    assert source.paragraph_of(text.index("Still")) == 2
    assert source.paragraph_of(text.index("Two")) == 3


SOURCE = (
    "Harbour report\n\nThe fire started shortly after 23:00 on 3 March. Witnesses saw two men"
    " leave the\nyard in a van.\n\nThe alarm system had been switched off at 22:10.\n"
)


@pytest.mark.parametrize(
    ("quote", "closest"),
    [
        (
            "witnesses saw two men leave the yard in a van.",
            "Witnesses saw two men leave the yard in a van.",
        ),
        (
            "Witnesses saw three men leave the yard in a van.",
            "Witnesses saw two men leave the yard in a van.",
        ),
        ("itnesses saw two men", "Witnesses saw two men"),
        (
            "The alarm system was switched off at 22:10.",
            "The alarm system had been switched off at 22:10.",
        ),
        ("Nothing like it at all", None),
        ("", None),
    ],
)
def test_closest(quote, closest):
    assert SourceText(SOURCE).closest(quote) == closest


def test_closest_gives_the_original_characters():
    source = SourceText("Title\n\nHe said \u201cno way\u201d \u2013\ntwice.\n")
    assert (
        source.closest('He said "no way" - thrice.') == "He said \u201cno way\u201d \u2013 twice."
    )


TOKENS = st.sampled_from(
    [
        "word",
        "Word",
        "x",
        "\u2019",
        "\u201c",
        "\u201d",
        "'",
        '"',
        "-",
        "\u2013",
        "\u2014",
        "e\u0301",
        "\u00e9",
        "a\u0308",
        unicodedata.normalize("NFD", "\ud55c"),
        "\U0001f525",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\u00a0",
        "\t",
        ".",
    ]
)


@settings(max_examples=300, deadline=None)
@given(tokens=st.lists(TOKENS, min_size=1, max_size=40), data=st.data())
def test_any_passage_is_found_at_an_equal_span(tokens, data):
    text = "".join(tokens)
    first = data.draw(st.integers(0, len(tokens) - 1))
    last = data.draw(st.integers(first + 1, len(tokens)))
    passage = "".join(tokens[first:last])
    needle = normalise(passage)
    source = SourceText(text)
    match = source.find(passage)
    if not needle:
        assert match is None
        return
    assert match is not None
    assert normalise(text[match.start : match.end]) == needle
    assert match.start <= len("".join(tokens[:first])) + len(passage) - len(passage.lstrip())
    assert text[match.start : match.end] == text[match.start : match.end].strip()


# --- large sources: normalised in pieces, in linear time ---------------------------------


@pytest.fixture(params=[1, 3, 8192], ids=["pieces-of-1", "pieces-of-3", "pieces-of-8192"])
def piece_length(request, monkeypatch):
    """Every test here runs with sources cut into tiny pieces as well as real ones."""
    import argmap.quotes

    monkeypatch.setattr(argmap.quotes, "_PIECE_LENGTH", request.param)
    return request.param


def _whole(text: str) -> str:
    """The matching form of a whole text, normalised in one go."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).translate(_FOLD))


@settings(
    max_examples=300,
    deadline=None,
    # The fixture only sets the length of pieces, the same for every example.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tokens=st.lists(TOKENS, min_size=1, max_size=40), data=st.data())
def test_pieces_change_nothing(piece_length, tokens, data):
    text = "".join(tokens)
    source = SourceText(text)
    assert source.normalised == _whole(text)
    first = data.draw(st.integers(0, len(tokens) - 1))
    last = data.draw(st.integers(first + 1, len(tokens)))
    passage = "".join(tokens[first:last])
    match = source.find(passage)
    if normalise(passage):
        assert match is not None
        assert normalise(text[match.start : match.end]) == normalise(passage)
    assert normalise(text) == _whole(text).strip()


@pytest.mark.parametrize(
    ("text", "quote", "passage"),
    [
        ("x Cafe\u0301 y", "Caf\u00e9", "Cafe\u0301"),
        ("Cafe\u0301\u0301s", "Caf\u00e9\u0301", "Cafe\u0301\u0301"),
        (
            "x " + unicodedata.normalize("NFD", "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8") + " y",
            "\uad6d\uc5b4 \ud14d",
            unicodedata.normalize("NFD", "\uad6d\uc5b4 \ud14d"),
        ),
        ("\u0995\u09c7\u09be\u0996", "\u0995\u09cb", "\u0995\u09c7\u09be"),
        ("one\n  two\u00a0three  ", "one two three", "one\n  two\u00a0three"),
        # One character that NFC replaces (U+212B ANGSTROM SIGN), or makes two (U+0958).
        ("e\u0301 \u212b 1", "\u00c5 1", "\u212b 1"),
        ("e\u0301 \u0958!", "\u0915\u093c!", "\u0958!"),
    ],
)
def test_pieces_map_back_to_the_original(piece_length, text, quote, passage):
    assert found(text, quote) == passage


def test_where_a_text_may_be_cut_for_nfc():
    # Not before a combining mark, a Hangul vowel or final consonant, or an Indic vowel sign
    # that composes with the letter before it; before a letter, a space, an ideograph.
    from argmap.quotes import _nfc_patterns

    anywhere = _nfc_patterns().anywhere
    for char in "\u0301\u0316\u1161\u11a8\u09be\u0b3e\u0f73\u3099":
        assert not anywhere.fullmatch(char), f"U+{ord(char):04X}"
    for char in "a \u00e9\u1100\uac00\u4e00\u0627\U0001f525":
        assert anywhere.fullmatch(char), f"U+{ord(char):04X}"


def test_the_characters_not_to_cut_before_all_lie_where_they_are_looked_for():
    # _no_cut_codes skips blocks and stops at U+20000 to take milliseconds; this test looks
    # at every code point it skips, so a Unicode version with marks there fails here.
    from argmap.quotes import _no_cut_codes

    codes = set(_no_cut_codes())
    skipped = [(0x3400, 0xA000), (0xAC00, 0xD7A4), (0xD800, 0xF900), (0x20000, 0x110000)]
    for first, last in skipped:
        for code in range(first, last):
            char = chr(code)
            assert not unicodedata.combining(char), f"U+{code:04X}"
            decomposition = unicodedata.decomposition(char)
            if decomposition and not decomposition.startswith("<"):
                assert not unicodedata.combining(unicodedata.normalize("NFD", char)[0])
                parts = decomposition.split()
                assert len(parts) != 2 or int(parts[1], 16) in codes, f"U+{code:04X}"


@pytest.mark.parametrize(
    "marks",
    [
        pytest.param("\u0301\u0316", id="alternating-classes"),  # reordering runs: n squared
        pytest.param("\u0301", id="one-mark"),
        pytest.param("\u1161", id="hangul-vowels"),
    ],
)
def test_a_long_run_of_combining_marks_is_normalised_quickly(marks):
    # Normalising 160,000 alternating marks in one go took ten seconds, and the time grows
    # as the square of the run: normalised 30 at a time (Unicode's stream-safe format).
    text = "Before.\n\nA" + marks * 200_000 + " after, the quote.\n"
    started = time.perf_counter()
    source = SourceText(text)
    match = source.find("after, the quote.")
    quote = normalise("A" + marks * 200_000)
    assert time.perf_counter() - started < 5
    assert text[match.start : match.end] == "after, the quote."
    assert source.paragraph_of(match.start) == 2
    assert len(quote) <= 1 + len(marks) * 200_000


def test_a_large_source_is_read_in_linear_time():
    # Twice the text takes about twice the time (with room for a noisy machine): no step
    # grows faster than the text.
    paragraph = "The guard\u2019s round \u2013 at 22:10 \u2013 found the cafe\u0301 shut.\n\n"

    def seconds(copies: int) -> float:
        text = paragraph * copies + "The alarm was off."
        started = time.perf_counter()
        match = SourceText(text).find("The alarm was off.")
        assert match is not None and match.start == len(paragraph) * copies
        return time.perf_counter() - started

    seconds(1_000)  # warm up: the table of combining marks is built once
    small, large = seconds(20_000), seconds(80_000)
    assert large < small * 4 * 2.5, (small, large)
