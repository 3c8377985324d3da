"""The `xlsx` format: the ACH matrix as an Excel workbook, for analysts who work in Excel.

Sheet ``matrix``: row 1 holds the column keys (hidden; import maps columns by them), row 2
the titles people read, then one row per evidence item. The header rows and the id and
summary columns are frozen; ratings, credibility and relevance have drop-down lists
(data validation) and the ratings are colour-coded by conditional formatting, so colours
follow edits. The sheet is protected without a password: only ratings, credibility and
relevance cells are unlocked, so ids cannot be changed by accident. Sheet ``scores``: the
ranking, posteriors and diagnosticity at the time of export. Sheet ``about``: where the
workbook came from and how to read it back.

Every text an analyst wrote is stored as a text cell (never a formula, even when it starts
with ``=``), and marked with Excel's quote prefix where it would look like one. The workbook
is byte-identical for the same case: its dates come from ``SOURCE_DATE_EPOCH`` when set,
else 1980-01-01 (the first date a zip file can hold).
"""

from __future__ import annotations

import io
import os
import re
import warnings
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..model import RATINGS, Case
from ..problems import ArgmapError, display_path, printable
from ..vocabulary import VOCABULARY, or_list
from .matrix import (
    FIXED_KEYS,
    FORMULA_STARTS,
    LABELS,
    LEVELS,
    Sheet,
    Value,
    header,
    refuse_new_case,
    rows,
)
from .matrix import merge_into as merge_sheet

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["BINARY", "MAX_RATIO", "MAX_UNPACKED", "export", "merge_into", "to_case_files"]

BINARY = True
MATRIX_SHEET = "matrix"
ABOUT_SHEET = "about"
DIGEST_LABEL = "Case digest"
FIRST_DATA_ROW = 3
MAX_CELL = 32_767
"""Excel's limit on the characters of a cell."""
DEFAULT_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)

RATING_STYLE: dict[str, tuple[str, str]] = {
    r.code: (r.colour.solid[1:].upper(), r.colour.text[1:].upper()) for r in VOCABULARY.in_case
}
"""Rating → (fill, font colour) as RRGGBB, the report's colours (a striped one solid); the
code in the cell carries the meaning without colour."""
HEADER_FILL = "DBEAFE"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ERROR_LIKE = ("#",)


def export_date() -> datetime:
    """The date embedded in the workbook: ``SOURCE_DATE_EPOCH`` when set, else 1980-01-01."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return DEFAULT_EPOCH
    try:
        when = datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise ArgmapError(
            f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds since 1970"
        ) from None
    return max(when, DEFAULT_EPOCH)


def _put(ws: Worksheet, row: int, column: int, value: str | float | None) -> Any:
    """Write one cell; text is always stored as text, never as a formula."""
    cell = ws.cell(row=row, column=column)
    if not isinstance(value, str):
        cell.value = value
        return cell
    text = _ILLEGAL.sub("\ufffd", value)  # XML cannot carry these control characters
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + "…"
    cell.value = text
    cell.data_type = "s"  # openpyxl reads a leading '=' as a formula; this is text
    if text.startswith(FORMULA_STARTS + _ERROR_LIKE):
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def _matrix(ws: Worksheet, case: Case) -> None:
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    keys = header(case)
    titles = [LABELS[k] for k in FIXED_KEYS] + [h.title for h in case.leaves]
    bold = Font(bold=True)
    head_fill = PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL)
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, (key, title) in enumerate(zip(keys, titles, strict=True), start=1):
        _put(ws, 1, column, key).font = Font(color="7B8794")
        label = _put(ws, 2, column, title)
        label.font, label.fill, label.alignment = bold, head_fill, wrap
    ws.row_dimensions[1].hidden = True
    first_rating = len(FIXED_KEYS) + 1
    unlocked = Protection(locked=False)
    data = rows(case)
    for offset, values in enumerate(data):
        row = FIRST_DATA_ROW + offset
        for column, value in enumerate(values, start=1):
            cell = _put(ws, row, column, value or None)
            cell.alignment = wrap
            if column > FIXED_KEYS.index("source") + 1:
                cell.protection = unlocked
    widths = {"id": 24, "summary": 60, "kind": 11, "source": 18, "credibility": 12}
    for column, key in enumerate(keys, start=1):
        width = widths.get(key, 12 if key == "relevance" else 15)
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = f"C{FIRST_DATA_ROW}"
    ws.protection.sheet = True
    # Protected against editing ids, not against reading: sorting, filtering and resizing work.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.sort = False
    ws.protection.autoFilter = False
    if not data:
        return
    last_row = FIRST_DATA_ROW + len(data) - 1
    levels = [
        f"{get_column_letter(FIXED_KEYS.index(key) + 1)}{FIRST_DATA_ROW}:"
        f"{get_column_letter(FIXED_KEYS.index(key) + 1)}{last_row}"
        for key in ("credibility", "relevance")
    ]
    level_list = DataValidation(
        type="list",
        formula1='"' + ",".join(LEVELS) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="Not a level",
        error="Use high, medium or low.",
    )
    for cells in levels:
        level_list.add(cells)
    ws.add_data_validation(level_list)
    if len(keys) < first_rating:
        return
    ratings = (
        f"{get_column_letter(first_rating)}{FIRST_DATA_ROW}:"
        f"{get_column_letter(len(keys))}{last_row}"
    )
    rating_list = DataValidation(
        type="list",
        formula1='"' + ",".join(RATINGS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not a rating",
        error=f"Use {or_list(RATINGS)}; leave the cell empty for unrated.",
        showInputMessage=True,
        promptTitle="Rating",
        prompt=", ".join(f"{r.code} {r.name}" for r in VOCABULARY.in_case) + "; empty = unrated",
    )
    rating_list.add(ratings)
    ws.add_data_validation(rating_list)
    for code, (fill, font) in RATING_STYLE.items():
        ws.conditional_formatting.add(
            ratings,
            CellIsRule(
                operator="equal",
                formula=[f'"{code}"'],
                fill=PatternFill("solid", start_color=fill, end_color=fill),
                font=Font(color=font, bold=VOCABULARY[code].strong),
            ),
        )


def _scores(ws: Worksheet, case: Case) -> None:
    from openpyxl.styles import Font

    from ..assess import assess, assessment_json

    document: dict[str, Any] = assessment_json(assess(case))
    bold = Font(bold=True)
    _put(ws, 1, 1, case.title).font = Font(bold=True, size=13)
    _put(ws, 2, 1, case.question)
    _put(
        ws,
        3,
        1,
        "Computed when the workbook was exported: editing the matrix does not change these. "
        "Import the edits and run `argmap score` for new numbers.",
    ).font = Font(italic=True, color="52606D")
    heads = [
        "Rank",
        "Hypothesis id",
        "Hypothesis",
        "Group",
        "Posterior",
        "5%",
        "95%",
        "P(top)",
        "In words",
        "Inconsistency",
        "Weighted inconsistency",
    ]
    row = 5
    for column, head in enumerate(heads, start=1):
        _put(ws, row, column, head).font = bold
    titles = {h.id: h.title for h in case.hypotheses}
    for entry in document["hypotheses"]:
        row += 1
        values = [
            entry["rank"],
            entry["id"],
            entry["title"],
            titles.get(entry["parent"] or "", ""),
            entry["posterior"],
            entry["interval"][0],
            entry["interval"][1],
            entry["p_top"],
            entry["estimate"],
            entry["inconsistency"],
            entry["weighted_inconsistency"],
        ]
        for column, value in enumerate(values, start=1):
            cell = _put(ws, row, column, value)
            if column in (5, 6, 7, 8):
                cell.number_format = "0.0%"
    for group in document["groups"]:
        row += 1
        values = [
            None,
            group["id"],
            group["title"],
            "(group)",
            group["posterior"],
            group["interval"][0],
            group["interval"][1],
            group["p_top"],
            group["estimate"],
        ]
        for column, value in enumerate(values, start=1):
            cell = _put(ws, row, column, value)
            if column in (5, 6, 7, 8):
                cell.number_format = "0.0%"
    row += 2
    _put(ws, row, 1, f"Confidence: {document['confidence']['level']}").font = bold
    for reason in document["confidence"]["reasons"]:
        row += 1
        _put(ws, row, 1, reason)
    row += 1
    _put(ws, row, 1, document["sensitivity"]["summary"])
    for caveat in document["caveats"]:
        row += 1
        _put(ws, row, 1, caveat)
    row += 2
    summaries = {e.id: e.summary for e in case.evidence}
    for column, head in enumerate(
        ["Evidence id", "Evidence", "Diagnosticity", "Likelihood spread", "Linchpin"], start=1
    ):
        _put(ws, row, column, head).font = bold
    for entry in document["evidence"]:
        row += 1
        values = [
            entry["id"],
            summaries[entry["id"]],
            entry["diagnosticity"],
            entry["likelihood_diagnosticity"],
            "yes" if entry["linchpin"] else "",
        ]
        for column, value in enumerate(values, start=1):
            _put(ws, row, column, value if value != "" else None)
    for letter, width in zip("ABCDEFGHIJK", (14, 24, 40, 24, 11, 9, 9, 9, 20, 13, 13), strict=True):
        ws.column_dimensions[letter].width = width


def _about(ws: Worksheet, case: Case, when: datetime) -> None:
    from openpyxl.styles import Font

    lines = [
        ("argmap ACH matrix", None),
        ("Case", case.title),
        ("Question", case.question),
        ("Exported by", f"argmap {__version__}"),
        (DIGEST_LABEL, case.digest),
        ("Date", when.strftime("%Y-%m-%d %H:%M:%S UTC")),
        (
            "Editing",
            f"Change ratings ({', '.join(RATINGS)}; empty = unrated), credibility and relevance "
            "on the 'matrix' sheet. Ids, summaries, kinds and sources are read-only here: edit "
            "them in the case's YAML. The sheet is protected without a password only so that "
            "ids are not changed by accident.",
        ),
        (
            "Reading back",
            "argmap import xlsx THIS_FILE --into CASE lists every changed cell, edits the "
            "evidence YAML in place (comments and layout kept) and keeps each edited file's "
            "previous text as a numbered backup (FILE.bak, FILE.bak2, …).",
        ),
    ]
    for row, (label, value) in enumerate(lines, start=1):
        _put(ws, row, 1, label).font = Font(bold=True, size=13 if value is None else 11)
        if value is not None:
            _put(ws, row, 2, value)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 100


def _fixed_zip(raw: bytes, when: datetime) -> bytes:
    """The zip archive again, every entry dated ``when``, so equal content gives equal bytes."""
    stamp = when.timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def export(case: Case) -> bytes:
    """The workbook as bytes, identical for the same case (and ``SOURCE_DATE_EPOCH``)."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    when = export_date()
    workbook = Workbook()
    matrix = workbook.active
    assert matrix is not None
    matrix.title = MATRIX_SHEET
    _matrix(matrix, case)
    _scores(workbook.create_sheet("scores"), case)
    _about(workbook.create_sheet(ABOUT_SHEET), case, when)
    naive = when.replace(tzinfo=None)
    properties = workbook.properties
    properties.created = properties.modified = naive
    properties.creator = properties.lastModifiedBy = "argmap"
    properties.title = _ILLEGAL.sub("\ufffd", case.title)[:255]
    buffer = io.BytesIO()
    # openpyxl's save_workbook stamps the current time; its writer, used directly, does not.
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)
    ExcelWriter(workbook, archive).save()
    return _fixed_zip(buffer.getvalue(), when)


# --- import ------------------------------------------------------------------------------


def _value(cell: Any) -> Value:
    value = cell.value
    if cell.data_type == "f":
        return Value("", "holds a formula; type the value itself")
    if cell.data_type == "e":
        return Value("", f"holds the error value {value}")
    if value is None:
        return Value("")
    if isinstance(value, str):
        return Value(value)
    return Value(str(value), f"holds {type(value).__name__} {value!s}, not text")


MAX_UNPACKED = 256 << 20
"""Bytes a workbook's members may unpack to, all together: a 10,000-item matrix of 100
hypotheses unpacks to 60 MB."""
MAX_RATIO = 100
"""How far a member over 1 MB may be compressed (unpacked size to packed size): a sheet's XML
packs 5 to 20 times, a zip bomb a thousand."""
MAX_MEMBERS = 1_000


def _check_archive(path: Path) -> None:
    """Refuse a workbook that would unpack to far more than a matrix needs, from the sizes
    its zip directory declares, before anything is unpacked (reading stops at those sizes,
    so a member cannot unpack to more than it declares)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return  # not a zip: openpyxl says so
    where = display_path(path)
    fix = "export the matrix again with `argmap export xlsx`, or save the workbook from Excel"
    if len(members) > MAX_MEMBERS:
        raise ArgmapError(
            f"{where} holds {len(members):,} files; a workbook argmap reads holds at most "
            f"{MAX_MEMBERS:,}; {fix}"
        )
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED:
        raise ArgmapError(
            f"{where} would unpack to {total / 2**20:,.0f} MB, more than the "
            f"{MAX_UNPACKED >> 20} MB argmap reads from a workbook (it is refused unread, as "
            f"a zip bomb would be); {fix}"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1 << 20 and ratio > MAX_RATIO:
            raise ArgmapError(
                f"{where}: {printable(member.filename)!r} is packed {ratio:,.0f} to 1 "
                f"(a sheet packs at most about 20 to 1; it is refused unread, as a zip bomb "
                f"would be); {fix}"
            )


def read_sheet(path: Path) -> Sheet:
    """The cells of the workbook's matrix sheet; formulas are reported, never evaluated."""
    from openpyxl import load_workbook

    _check_archive(path)
    try:
        with warnings.catch_warnings():
            # Gnumeric writes no named cell styles; openpyxl then says it applies its own
            # default, which does not matter to reading values.
            warnings.filterwarnings("ignore", "Workbook contains no default style", UserWarning)
            workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as err:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ArgmapError(
            f"{display_path(path)} is not a readable .xlsx workbook ({detail})"
        ) from None
    try:
        if MATRIX_SHEET not in workbook.sheetnames:
            names = ", ".join(repr(name) for name in workbook.sheetnames)
            raise ArgmapError(
                f"{display_path(path)} has no sheet named '{MATRIX_SHEET}' (it has {names}); "
                "read back a workbook written by `argmap export xlsx`"
            )
        sheet = workbook[MATRIX_SHEET]
        # Only the columns up to the last key are read: one stray cell far to the right
        # (XFD3) would otherwise pad every row to 16,384 cells, a small file taking minutes.
        keys = [_value(cell) for cell in next(sheet.iter_rows(max_row=1), ())]
        width = max((i + 1 for i, key in enumerate(keys) if key.text or key.problem), default=1)
        cells = []
        for row in sheet.iter_rows(max_col=width):
            values = [_value(cell) for cell in row]
            # An empty row keeps its place (cells are named by row) but holds nothing.
            cells.append(values if any(v.text or v.problem for v in values) else [])
        digest = _digest(workbook)
    except ArgmapError:
        raise
    except Exception as err:  # noqa: BLE001 - a damaged sheet inside a valid zip
        raise ArgmapError(
            f"{display_path(path)}: cannot read sheet '{MATRIX_SHEET}' ({type(err).__name__})"
        ) from None
    finally:
        workbook.close()
    return Sheet(MATRIX_SHEET, cells, first_data_row=FIRST_DATA_ROW, digest=digest)


def _digest(workbook: Any) -> str | None:
    """The case digest the 'about' sheet records, if it is there."""
    if ABOUT_SHEET not in workbook.sheetnames:
        return None
    for row in workbook[ABOUT_SHEET].iter_rows(max_col=2, values_only=True):
        if len(row) == 2 and row[0] == DIGEST_LABEL and isinstance(row[1], str):
            return row[1]
    return None


def merge_into(path: Path, case_folder: Path) -> list[str]:
    """Read edited cells back into the case; the changed cells, one line each."""
    return merge_sheet(case_folder, read_sheet(path))


def to_case_files(path: Path) -> dict[str, str]:
    """Refused: a matrix has no quotes or sources, which every case needs."""
    refuse_new_case("an xlsx matrix", "xlsx", path)
