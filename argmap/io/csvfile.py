"""The `csv` format: the ACH matrix as comma-separated values.

Export: UTF-8 with a byte-order mark (so Excel reads Cyrillic, Arabic and emoji right),
CRLF line ends (RFC 4180), the key row (``id``, ``summary``, ``kind``, ``source``,
``credibility``, ``relevance``, then the leaf hypothesis ids), one row per evidence item.
A cell that a spreadsheet would read as a formula (starting ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) gets a leading ``'``.

Import reads edited ratings, credibility and relevance back into an existing case
(``--into``, see :mod:`argmap.io.matrix`); a matrix alone cannot make a new case.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..model import Case
from ..problems import ArgmapError, display_path
from .matrix import Sheet, Value, formula_safe, header, refuse_new_case, rows
from .matrix import merge_into as merge_sheet

__all__ = ["BINARY", "export", "merge_into", "to_case_files"]

BINARY = False
DELIMITERS = (",", ";", "\t")
"""Excel writes `;` where the decimal mark is a comma; all three are read."""


def export(case: Case) -> str:
    """The matrix as CSV text (with its byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([formula_safe(key) for key in header(case)])
    for row in rows(case):
        writer.writerow([formula_safe(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def read_sheet(path: Path) -> Sheet:
    """The cells of a CSV file; raises :class:`ArgmapError` naming the line of bad input."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ArgmapError(f"cannot read {display_path(path)}: {err.strerror}") from None
    if b"\x00" in raw:
        raise ArgmapError(f"{display_path(path)} is a binary file, not CSV text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ArgmapError(
            f"{display_path(path)}:{line}: not UTF-8 text; save the CSV as UTF-8"
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        cells = [[Value(value) for value in row] for row in reader]
    except csv.Error as err:
        raise ArgmapError(f"{display_path(path)}:{reader.line_num}: not valid CSV: {err}") from None
    return Sheet(path.name, cells, first_data_row=2)


def merge_into(path: Path, case_folder: Path) -> list[str]:
    """Read edited cells back into the case; the changed cells, one line each."""
    return merge_sheet(case_folder, read_sheet(path))


def to_case_files(path: Path) -> dict[str, str]:
    """Refused: a matrix has no quotes or sources, which every case needs."""
    refuse_new_case("a CSV matrix", "csv", path)
