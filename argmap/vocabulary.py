"""The rating vocabulary, defined once: every code with everything argmap knows about it.

One row of :data:`VOCABULARY` per code: its name, the symbol that shows it without colour,
its points on the five-point scale (PARC's CC 2 … II −2, N 0 by definition neutral), its
default likelihood P(E|H), and its colours. Everything else derives from this table: the
case model's types, PARC scoring, the weighing's scale and likelihoods, the workshop's
Open Synthesis vote numbers (II=1 … CC=5, NA=6, DK=7), the CLI's ``--likelihood``
parsing, the report's legend and CSS (templates see the table as ``vocabulary``), the
XLSX colours and validation list, and the rating sheet's buttons.

Adding a rating is a row here, its code in the Literal types below, and the tests of
tests/test_vocabulary.py (CONTRIBUTING.md, "Adding a rating code").

This module imports nothing of argmap's, so the lowest layers can import it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CASE_CODES",
    "DEFAULT_LIKELIHOODS",
    "DONT_KNOW",
    "NOT_APPLICABLE",
    "SCALE_CODES",
    "UNRATED_NAME",
    "UNRATED_SYMBOL",
    "VOCABULARY",
    "VOTE_CODES",
    "Colour",
    "Rating",
    "RatingCode",
    "ScaleRating",
    "Vocabulary",
    "Vote",
    "or_list",
]

# The codes as static types, for pydantic (JSON Schema enums) and mypy; a test checks that
# each lists exactly the table's codes, in table order.
Rating = Literal["CC", "C", "N", "I", "II", "NA"]
"""A rating in a case file: CC very consistent … II very inconsistent, NA not applicable."""
ScaleRating = Literal["CC", "C", "N", "I", "II"]
"""A rating on the five-point scale: the ones with a likelihood."""
Vote = Literal["CC", "C", "N", "I", "II", "NA", "DK"]
"""An analyst's answer for one cell in a ratings file: a rating, NA, or DK (don't know)."""


@dataclass(frozen=True)
class Colour:
    """How a rating is coloured wherever it is shown: report, rating sheet, spreadsheet."""

    fill: str
    """Background, as #rrggbb."""
    text: str
    """Text on that background, as #rrggbb."""
    hatch: str | None = None
    """Second colour of a striped background (a code that is no point of the scale)."""

    @property
    def solid(self) -> str:
        """One colour where stripes cannot be drawn (spreadsheet cells): the stripe's."""
        return self.hatch or self.fill


@dataclass(frozen=True)
class RatingCode:
    """One code of the rating vocabulary and everything argmap knows about it."""

    code: str
    name: str
    """In words, as legends and tooltips say it: 'very consistent'."""
    symbol: str
    """Shown with the colour in cells and legends, so no reader depends on colour."""
    points: int | None
    """Place on the five-point scale as PARC counts it: CC 2 … N 0 … II −2; None for a
    code off the scale (NA, DK). PARC's cell score is the negative part."""
    likelihood: float | None
    """Default P(E|H) of an item so rated; None off the scale."""
    colour: Colour
    hint: str | None = None
    """What the rating sheet adds to the name, for codes that are easily confused."""
    in_case: bool = True
    """False for a code only an analyst's ratings file may hold (DK, don't know)."""

    @property
    def step(self) -> int | None:
        """Position on the scale from 0 at its lowest point (II) up; None off the scale."""
        return VOCABULARY.steps.get(self.code)

    @property
    def vote(self) -> int:
        """The Open Synthesis vote number: the step plus one, then the codes off the scale
        in table order (II=1 … CC=5, NA=6, DK=7); 0 is kept for no vote."""
        return VOCABULARY.votes[self.code]

    @property
    def direction(self) -> int:
        """+1 for a consistent rating, −1 for an inconsistent one, 0 for neither."""
        return 0 if not self.points else (1 if self.points > 0 else -1)

    @property
    def strong(self) -> bool:
        """At an end of the scale (CC, II): the judgements that need a reason most."""
        return self.points is not None and abs(self.points) == VOCABULARY.widest

    @property
    def label(self) -> str:
        """How the rating sheet's buttons and chips show it: the code analysts know from
        the matrix, or the symbol for a code of the workshop alone (DK shows as '?')."""
        return self.code if self.in_case else self.symbol


class Vocabulary:
    """The table, with the lookups derived from it computed once."""

    def __init__(self, ratings: Iterable[RatingCode]) -> None:
        self.ratings: tuple[RatingCode, ...] = tuple(ratings)
        """Every code, in display order: strongest consistency first, then off the scale."""
        self.scale: tuple[RatingCode, ...] = tuple(
            sorted((r for r in self.ratings if r.points is not None), key=_points)
        )
        """The ratings on the scale, lowest first (II, I, N, C, CC): a one-step change of
        a rating moves it one place along this tuple."""
        self.steps: dict[str, int] = {r.code: step for step, r in enumerate(self.scale)}
        off_scale = [r.code for r in self.ratings if r.points is None]
        self.votes: dict[str, int] = {code: step + 1 for code, step in self.steps.items()}
        self.votes |= {code: len(self.scale) + 1 + n for n, code in enumerate(off_scale)}
        self.widest: int = max((abs(_points(r)) for r in self.scale), default=0)
        """The largest distance from neutral (2: CC and II)."""
        self._by_code = {r.code: r for r in self.ratings}

    def __iter__(self) -> Iterator[RatingCode]:
        return iter(self.ratings)

    def __len__(self) -> int:
        return len(self.ratings)

    def __getitem__(self, code: str) -> RatingCode:
        return self._by_code[code]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.ratings)

    @property
    def in_case(self) -> tuple[RatingCode, ...]:
        """The codes a case file may hold (all but DK), in display order."""
        return tuple(r for r in self.ratings if r.in_case)

    @property
    def unrated_symbol(self) -> str:
        """How a cell with no rating shows (:data:`UNRATED_SYMBOL`), for templates."""
        return UNRATED_SYMBOL

    @property
    def unrated_name(self) -> str:
        """What a cell with no rating is called (:data:`UNRATED_NAME`), for templates."""
        return UNRATED_NAME

    @property
    def neutral(self) -> RatingCode:
        """The one rating at 0 points (N): the middle of the scale."""
        return next(r for r in self.scale if r.points == 0)

    @property
    def consistent(self) -> tuple[RatingCode, ...]:
        """The ratings above neutral, weakest first (C, CC)."""
        return tuple(r for r in self.scale if r.direction > 0)

    @property
    def inconsistent(self) -> tuple[RatingCode, ...]:
        """The ratings below neutral, weakest first (I, II)."""
        return tuple(r for r in reversed(self.scale) if r.direction < 0)

    def mirror(self, rating: RatingCode) -> RatingCode:
        """The rating as far on the other side of neutral (CC ↔ II): the item read the
        other way. Only for ratings on the scale."""
        return self.scale[len(self.scale) - 1 - self.steps[rating.code]]

    @property
    def reversals(self) -> tuple[tuple[RatingCode, RatingCode], ...]:
        """Each rating above neutral with its mirror image, strongest first (CC ↔ II, C ↔ I)."""
        return tuple((r, self.mirror(r)) for r in reversed(self.consistent))


def _points(rating: RatingCode) -> int:
    return rating.points or 0


VOCABULARY = Vocabulary(
    (
        RatingCode("CC", "very consistent", "++", 2, 0.9, Colour("#1a7f37", "#ffffff")),
        RatingCode("C", "consistent", "+", 1, 0.7, Colour("#b7e4c7", "#0b3d1c")),
        RatingCode("N", "neutral", "0", 0, 0.5, Colour("#eef1f4", "#52606d")),
        RatingCode("I", "inconsistent", "−", -1, 0.3, Colour("#f8c4bf", "#6b1209")),
        RatingCode("II", "very inconsistent", "−−", -2, 0.1, Colour("#b42318", "#ffffff")),
        RatingCode(
            "NA",
            "not applicable",
            "n/a",
            None,
            None,
            Colour("#f5f7fa", "#52606d", hatch="#e4e7eb"),
            hint="the item does not bear on this hypothesis at all",
        ),
        RatingCode(
            "DK",
            "don't know",
            "?",
            None,
            None,
            Colour("#eae2f8", "#44337a"),
            hint="you cannot judge it (not the same as NA)",
            in_case=False,
        ),
    )
)
"""Every code, in the order legends and the rating sheet list them."""

NOT_APPLICABLE = "NA"
"""The code off the scale that a case may hold: no points, and in a workshop a vote of its
own (against applicability)."""
DONT_KNOW = "DK"
"""The code of the workshop alone: an analyst's answer that is no vote at all."""
UNRATED_SYMBOL = "·"
"""How the matrix, the editor and a workshop's views show a cell with no rating at all (not
a code: nothing to write; in a workshop, an analyst who gave no answer). A middle dot: it
reads as an empty cell at a glance and is no symbol of a code (not DK's '?', which is an
answer, nor a dash, which reads as the minus of − and −−). Shown with :data:`UNRATED_NAME`
wherever a screen reader could read the dot alone."""
UNRATED_NAME = "unrated"
"""A cell with no rating at all, in words: legends, titles and accessible names."""

CASE_CODES: tuple[str, ...] = tuple(r.code for r in VOCABULARY.in_case)
"""CC, C, N, I, II, NA: the codes of a case file's `ratings:`."""
VOTE_CODES: tuple[str, ...] = VOCABULARY.codes
"""Every code, DK included: what an analyst's ratings file may hold."""
SCALE_CODES: tuple[str, ...] = tuple(r.code for r in VOCABULARY.scale)
"""The scale, lowest first: II, I, N, C, CC."""
DEFAULT_LIKELIHOODS: dict[str, float] = {
    r.code: r.likelihood for r in VOCABULARY if r.likelihood is not None
}
"""P(E|H) per rating on the scale, in table order (CC 0.9 … II 0.1)."""


def or_list(words: Iterable[str], last: str = "or") -> str:
    """Words joined for a sentence.

    >>> or_list(["CC", "C", "NA"]), or_list(["CC", "II"], "and")
    ('CC, C or NA', 'CC and II')
    """
    items = list(words)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"
