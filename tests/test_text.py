"""Ids made from other people's words: one slugify for titles, terms and analysts' names."""

from __future__ import annotations

import doctest

import pytest

import argmap.text
from argmap.model import SLUG_PATTERN
from argmap.text import MAX_ID_LENGTH, UniqueIds, clean_text, is_slug, slugify


def test_doctests():
    assert doctest.testmod(argmap.text).failed == 0


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Argument from Freedom of Speech", "argument-from-freedom-of-speech"),
        ("Gutes Veggie-Essen teuer", "gutes-veggie-essen-teuer"),
        ("Élan vital", "elan-vital"),
        ("  ...spaces & punctuation!  ", "spaces-punctuation"),
        ("¬app(a1)", "not-app-a1"),
        ("holdsAt(wfh_required,3)", "holdsat-wfh-required-3"),
    ],
)
def test_slug_of_words(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert is_slug(slug)


def test_fallback_when_no_letter_or_digit_is_left() -> None:
    assert slugify("???", "statement") == "statement"
    assert slugify("李雷") == "item"
    assert slugify("李雷", fallback="") == ""


def test_camel_case_is_split_only_when_asked() -> None:
    assert slugify("wearsRing") == "wearsring"
    assert slugify("wearsRing", split_camel_case=True) == "wears-ring"
    assert slugify("holdsAt(wfh_required,3)", split_camel_case=True) == "holds-at-wfh-required-3"


def test_long_text_is_cut_between_words() -> None:
    title = "An argument whose title goes on and on well beyond what anyone would type as an id"
    slug = slugify(title, max_length=MAX_ID_LENGTH)
    assert len(slug) <= MAX_ID_LENGTH
    assert slugify(title).startswith(slug + "-")  # whole words only
    assert slugify("a" * 80, max_length=10) == "a" * 10  # one long word is cut inside
    assert slugify("abcde fghij klm", max_length=11) == "abcde-fghij"  # a word ending at the limit


def test_a_slug_is_kept_whole_only_when_asked() -> None:
    long_id = "-".join(["word"] * 20)
    assert slugify(long_id, max_length=MAX_ID_LENGTH, keep_slugs=True) == long_id
    assert slugify("x--1-", keep_slugs=True) == "x--1-"
    assert slugify("x--1-") == "x-1"
    assert len(slugify(long_id, max_length=MAX_ID_LENGTH)) <= MAX_ID_LENGTH


def test_the_model_checks_ids_with_the_same_pattern() -> None:
    assert SLUG_PATTERN == argmap.text.SLUG_PATTERN


def test_unique_ids_count_up_from_two() -> None:
    ids = UniqueIds()
    assert [ids.new("a"), ids.new("a"), ids.new("a"), ids.new("b")] == ["a", "a-2", "a-3", "b"]


def test_clean_text_keeps_words_and_replaces_control_characters() -> None:
    assert clean_text(" one\n\ttwo  ") == "one two"
    assert clean_text("bell\x07") == "bell\ufffd"
