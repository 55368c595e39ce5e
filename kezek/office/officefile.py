"""An office's configuration file as rows: CSV (comma or semicolon, UTF-8) or XLSX in, CSV or XLSX out."""
from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from kezek.base.errors import Invalid

COLUMNS = ("record", "key", "prefix", "name_kk", "name_ru", "name_en", "official_name_kk", "official_name_ru",
           "official_name_en", "group", "daily_limit", "services")
MAX_ROWS = 5000
# A workbook is a zip: its sheets may unpack to far more than was sent (a "zip bomb").
MAX_UNPACKED = 64 * 2**20
# A cell starting with one of these runs as a formula when a CSV is opened in Excel or LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

UNREADABLE = "The file is neither a CSV (UTF-8) nor an XLSX workbook."


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]         # written so by export(): a text, not a formula
    return text


def _table(raw_rows) -> list[dict]:
    """Rows of cells (the first one the header) -> [{column: text}], each with its 1-based line as `_row`."""
    raw_rows = iter(raw_rows)
    header = [_cell(c).lower() for c in next(raw_rows, [])]
    if "record" not in header:
        raise Invalid("The first row must name the columns: " + ", ".join(COLUMNS) + ".", "bad_header",
                      row=1, column="record")
    out = []
    for number, cells in enumerate(raw_rows, start=2):
        if number > MAX_ROWS + 1:
            raise Invalid(f"At most {MAX_ROWS} rows.", "too_many_rows", row=number)
        values = {name: _cell(value) for name, value in zip(header, cells) if name}
        if any(values.values()):
            out.append({"_row": number, **values})
    unknown = sorted(set(header) - set(COLUMNS) - {""})
    if unknown:
        raise Invalid(f"Unknown columns: {', '.join(unknown)}.", "unknown_column", row=1, column=unknown[0])
    return out


def _csv_rows(data: bytes) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(UNREADABLE, "unreadable_file")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","   # Excel in a ru/kk locale writes ';'
    return _table(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_rows(data: bytes) -> list[dict]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED:
                raise Invalid("The workbook unpacks to more than 64 MB.", "file_too_large")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise Invalid(UNREADABLE, "unreadable_file")
    try:
        return _table(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def read(data: bytes) -> list[dict]:
    """The rows of a CSV or XLSX file (told apart by the zip signature), with their line numbers."""
    if not data:
        raise Invalid("The file is empty.", "empty_file")
    return _xlsx_rows(data) if data[:4] == b"PK\x03\x04" else _csv_rows(data)


def _safe(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def to_csv(rows: list[dict]) -> bytes:
    """Rows as a UTF-8 CSV (with a BOM, so Excel reads the Cyrillic), texts that cannot run as formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_safe(str(row.get(c, "") or "")) for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[dict]) -> bytes:
    """Rows as a one-sheet workbook, every cell a text (never a formula)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "office"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([str(row.get(c, "") or "") for c in COLUMNS])
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
