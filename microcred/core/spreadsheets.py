"""Files for spreadsheets: CSV (UTF-8 with a BOM, for Excel) and XLSX cells, safe against formula injection.

OWASP "CSV Injection": a cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return is
taken for a formula (which can run commands or leak data) by Excel, LibreOffice and Google Sheets, so
such a cell is prefixed with ``'`` and shown as text. Separators and quotes count too: a spreadsheet
that reads the file with another separator (``;`` in most European locales) or mis-reads a quote starts
a new cell there, so a formula character right after ``,``, ``;``, a tab, a line break or ``"`` gets the
same ``'``. In an XLSX file each value is written as a string cell with Excel's quote prefix, never as
a formula.
"""

from __future__ import annotations

import csv
import io
import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
_FORMULA_AT_START = re.compile(r"^\s*[=+\-@]")
_FORMULA_AFTER_SEPARATOR = re.compile(r"""([,;\t\r\n"])(\s*)(?=[=+\-@])""")
_QUOTED_FORMULA = re.compile(r"^'(?=\s*[=+\-@]|[\t\r\n])")


def safe_cell(value) -> str:
    """The value as text; wherever a spreadsheet could start a cell with a formula character, ``'`` comes
    first so the cell is shown as text."""
    text = "" if value is None else str(value)
    text = _FORMULA_AFTER_SEPARATOR.sub(r"\1\2'", text)
    if text.startswith(FORMULA_PREFIXES) or _FORMULA_AT_START.match(text):
        return "'" + text
    return text


def unquote_cell(text: str) -> str:
    """A cell read back from a file we wrote: the ``'`` that ``safe_cell`` put before a leading formula
    character is dropped (Excel drops it too when it saves a cell it showed as text)."""
    return _QUOTED_FORMULA.sub("", text, count=1)


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def append_xlsx_row(sheet, values: list) -> None:
    """Append ``values`` to an openpyxl ``sheet``: text as string cells (openpyxl would make a text that
    starts with ``=`` a formula), with the quote prefix when it starts like a formula, and without the
    characters XML forbids (openpyxl refuses them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
            if cell.value.startswith(FORMULA_PREFIXES) or _FORMULA_AT_START.match(cell.value):
                cell.quotePrefix = True
