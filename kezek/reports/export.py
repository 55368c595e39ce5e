"""A report as CSV text or an XLSX workbook: the same rows and numbers as its JSON."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from kezek.reports.figures import COLUMNS, DIMENSIONS

HEADER = ("dimension", "key", "label", *COLUMNS)
# A cell starting with one of these runs as a formula in Excel or LibreOffice (`=cmd|' /C calc'!A0`):
# a service, desk or user name is an admin's text, and the report goes to a manager's PC.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """A text cell that cannot run as a formula (a leading apostrophe, as OWASP advises); other values as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def rows(report: dict):
    """(dimension, key, label, figures…) for the totals, then each dimension's rows."""
    yield ("total", "", "", *(report["totals"][c] for c in COLUMNS))
    for dim in DIMENSIONS:
        for row in report[f"by_{dim}"]:
            yield (dim, row["key"], row["label"], *(row[c] for c in COLUMNS))
    # Visit outcomes: how many served visits came to each (in the "served" column; other figures empty).
    for row in report.get("outcomes", []):
        if row["visits"]:
            yield ("outcome", row["code"], row["name_en"], *(row["visits"] if c == "served" else None for c in COLUMNS))


def to_csv(report: dict) -> str:
    """The report as one CSV table (empty cells where a figure has no data)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows(report):
        writer.writerow(["" if v is None else safe_text(v) for v in row])
    return out.getvalue()


def _append_text(sheet, values) -> None:
    """Append a row whose texts stay texts: openpyxl would store '=…' as a formula."""
    sheet.append([safe_text(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def to_xlsx(report: dict) -> bytes:
    """The report as a workbook: a summary sheet with every row, then one sheet per dimension."""
    book = Workbook()
    summary = book.active
    summary.title = "report"
    summary.append(["office", report["office"], "from", report["from"], "to", report["to"]])
    summary.append(list(HEADER))
    for cell in summary[2]:
        cell.font = Font(bold=True)
    for row in rows(report):
        _append_text(summary, row)
    for dim in DIMENSIONS:
        sheet = book.create_sheet(dim)
        sheet.append(["key", "label", *COLUMNS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in report[f"by_{dim}"]:
            _append_text(sheet, [row["key"], row["label"], *(row[c] for c in COLUMNS)])
    sheet = book.create_sheet("outcomes")
    sheet.append(["code", "name_kk", "name_ru", "name_en", "visits", "services"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in report.get("outcomes", []):
        _append_text(sheet, [row[c] for c in ("code", "name_kk", "name_ru", "name_en", "visits", "services")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
