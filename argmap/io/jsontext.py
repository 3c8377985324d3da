"""JSON text as the importers read it: a whole number too long to convert is located.

Python converts whole numbers of at most ``sys.get_int_max_str_digits()`` digits (4,300 by
default) and raises a bare ValueError past that; :func:`loads` raises :class:`LongNumber`
with the number's line instead, for the importer to report.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

__all__ = ["LongNumber", "loads"]


class LongNumber(Exception):
    """A whole number in JSON text with more digits than Python converts."""

    def __init__(self, line: int, digits: int):
        super().__init__(f"line {line}: a whole number of {digits:,} digits")
        self.line = line
        self.digits = digits
        self.limit = sys.get_int_max_str_digits()
        """How many digits Python converts."""


class _TooLong(Exception):
    def __init__(self, text: str):
        self.text = text


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise _TooLong(text) from None


def loads(text: str) -> Any:
    """``json.loads(text)``; a whole number too long to convert raises :class:`LongNumber`.

    >>> loads('{"nodeID": 12}')
    {'nodeID': 12}
    >>> loads('{"a": 1,\\n "b": ' + "9" * 5000 + "}")
    Traceback (most recent call last):
    argmap.io.jsontext.LongNumber: line 2: a whole number of 5,000 digits
    """
    try:
        return json.loads(text, parse_int=_whole_number)
    except _TooLong as err:
        # A number in JSON follows `[`, `:`, `,` or white space: the same digits in a string
        # are not taken for it.
        found = re.search(r"(?<=[\[:,\s])" + re.escape(err.text) + r"(?![\d.eE])", text)
        line = text.count("\n", 0, found.start()) + 1 if found else 1
        raise LongNumber(line, len(err.text.lstrip("-"))) from None
