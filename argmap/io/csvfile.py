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

import codecs
import csv
import io
from pathlib import Path

from ..model import Case
from ..problems import ArgmapError, display_path
from .matrix import (
    HEADER_SEARCH,
    Sheet,
    Value,
    formula_safe,
    header,
    header_rows,
    refuse_new_case,
    rows,
)
from .matrix import merge_into as merge_sheet

__all__ = ["BINARY", "export", "merge_into", "to_case_files"]

BINARY = False
DELIMITERS = (",", ";", "\t")
"""Excel and LibreOffice write `;` where the decimal mark is a comma, Excel's "Unicode Text"
tabs; all three are read."""


def export(case: Case) -> str:
    """The matrix as CSV text (with its byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([formula_safe(key) for key in header(case)])
    for row in rows(case):
        writer.writerow([formula_safe(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def decode(raw: bytes, shown: str) -> tuple[str, str | None]:
    """The text of a CSV file, and a note naming its encoding where it is not UTF-8.

    A byte-order mark says UTF-8 or UTF-16 (Excel's "Unicode Text"); without one the text is
    UTF-8, else Windows-1252 (Excel's "CSV (Comma delimited)" on Windows).

    >>> decode("id\\tÉ".encode("utf-16"), "m.txt")
    ('id\\tÉ', 'note: read m.txt as UTF-16 (the byte-order mark says so)')
    >>> decode("£8".encode("cp1252"), "m.csv")[1]
    'note: read m.csv as Windows-1252 (it is not UTF-8); check the text columns, not read back'
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode(
                "utf-16"
            ), f"note: read {shown} as UTF-16 (the byte-order mark says so)"
        except UnicodeDecodeError as err:
            line = raw[: err.start].decode("utf-16", "replace").count("\n") + 1
            raise ArgmapError(
                f"{shown}:{line}: not UTF-16 text, though it starts as such"
            ) from None
    if b"\x00" in raw:
        raise ArgmapError(f"{shown} is a binary file, not CSV text")
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as err:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            line = raw[: err.start].count(b"\n") + 1
            raise ArgmapError(
                f"{shown}:{line}: neither UTF-8 nor Windows-1252 text; save the CSV as UTF-8"
            ) from None
    note = (
        f"note: read {shown} as Windows-1252 (it is not UTF-8); "
        "check the text columns, not read back"
    )
    return text, note


def _delimiter(text: str) -> str:
    """The separator of the key row (the first line with an ``id`` cell), else the one the
    first line holds most of.

    >>> _delimiter('Matrix\\nid;summary;a\\nx;"y, z";C'), _delimiter("a,b")
    (';', ',')
    """
    lines = text.split("\n", HEADER_SEARCH)[:HEADER_SEARCH]
    for line in lines:
        for delimiter in DELIMITERS:
            if "id" in (cell.strip().strip('"') for cell in line.split(delimiter)):
                return delimiter
    first = lines[0]
    return max(DELIMITERS, key=first.count) if first else ","


def read_sheet(path: Path) -> Sheet:
    """The cells of a CSV file; raises :class:`ArgmapError` naming the line of bad input."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ArgmapError(f"cannot read {display_path(path)}: {err.strerror}") from None
    text, note = decode(raw, display_path(path))
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        cells = [[Value(value) for value in row] for row in reader]
    except csv.Error as err:
        raise ArgmapError(f"{display_path(path)}:{reader.line_num}: not valid CSV: {err}") from None
    key_row, first_data_row = header_rows(cells)
    notes = (note,) if note else ()
    return Sheet(path.name, cells, first_data_row, key_row=key_row, notes=notes)


def merge_into(path: Path, case_folder: Path) -> list[str]:
    """Read edited cells back into the case; the changed cells, one line each."""
    return merge_sheet(case_folder, read_sheet(path))


def to_case_files(path: Path) -> dict[str, str]:
    """Refused: a matrix has no quotes or sources, which every case needs."""
    refuse_new_case("a CSV matrix", "csv", path)
