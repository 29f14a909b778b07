"""The dashboard's tables as files: CSV (UTF-8 with a BOM, for Excel) and XLSX, with the same guard against
formula injection as every other export of the platform (OWASP "CSV Injection": a label that starts with
``=``, ``+``, ``-`` or ``@`` is written as text). The file name carries the filters that were applied.

Downloads of figures are not audited: they hold aggregate counts, no personal data (GDPR Art. 4(1)); the
audit log records decisions, issuance and access to personal data.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from microcred.core import spreadsheets as spreadsheet
from microcred.reporting.dashboard import Table

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_name(stem: str, filter_parts: list[str], extension: str) -> str:
    """ "figures-by-university-from-2026-01-01-ub.csv": what the file holds, then the filters applied."""
    return "-".join(["figures", stem, *filter_parts]) + f".{extension}"


def plain_value(value):
    """A cell's value as a spreadsheet reads it back: numbers as numbers, dates as ISO dates, text as text."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    return str(value)


def csv_bytes(table: Table) -> bytes:
    return spreadsheet.csv_bytes(table.columns, [[plain_value(v) for v in row] for row in table.rows])


def xlsx_bytes(table: Table) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = table.slug[:31]  # Excel's limit on a sheet's name
    spreadsheet.append_xlsx_row(sheet, list(table.columns))
    for row in table.rows:
        spreadsheet.append_xlsx_row(sheet, [plain_value(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_bytes(table: Table, fmt: str) -> bytes:
    return csv_bytes(table) if fmt == "csv" else xlsx_bytes(table)
