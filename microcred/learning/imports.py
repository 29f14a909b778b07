"""Reading results files from an LMS export (CSV or XLSX): sniffing, the template, row-by-row validation.

Row numbers are those the assessor sees in the spreadsheet: the header is row 1, the first learner row 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile

from django.utils.translation import gettext as _

from microcred.core.spreadsheets import append_xlsx_row, csv_bytes, unquote_cell
from microcred.learning.exceptions import ImportRefused
from microcred.learning.validation import result_problems

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_CELL_CHARS = 2_000  # the longest value is an evidence link (500); anything much longer is not a result
# The csv module's field limit (131,072 by default) is process-wide, and the reference loader raises it; make it
# at least the file size, so a long cell always meets our own per-cell check and its clear message.
csv.field_size_limit(max(csv.field_size_limit(), MAX_IMPORT_BYTES))
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # an XLSX is a ZIP: refuse ones that inflate beyond this
COLUMNS = ["email", "result", "grade", "evidence_url", "assessed_on", "participated"]
VALUE_COLUMNS = COLUMNS[1:]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_size(size: int) -> None:
    if size > MAX_IMPORT_BYTES:
        raise ImportRefused(
            _("The file is %(size).1f MB; the limit is 5 MB. Export only this offering's results.")
            % {"size": size / 1024 / 1024}
        )


def sniff_format(data: bytes) -> str:
    """ "xlsx" or "csv"; ImportRefused for anything else."""
    if not data:
        raise ImportRefused(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" not in names:
                    raise ImportRefused(_("This ZIP file is not an XLSX spreadsheet."))
                if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                    raise ImportRefused(_("This spreadsheet is too large once unpacked."))
                _check_xlsx_parts(archive)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
            raise ImportRefused(
                _("The file is damaged: it looks like an XLSX spreadsheet but cannot be opened.")
            ) from None
        return "xlsx"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(
            _("This is not a spreadsheet: upload a CSV file (UTF-8 text) or an XLSX file from your LMS or Excel.")
        ) from None
    if "\x00" in text:
        raise ImportRefused(_("This is not a spreadsheet: upload a CSV file (UTF-8 text) or an XLSX file."))
    return "csv"


def _check_xlsx_parts(archive: zipfile.ZipFile) -> None:
    """Unpack every part once with a hard cap on the bytes actually produced (the sizes in a ZIP directory
    are whatever its maker wrote), and refuse XML with a document type declaration: Excel never writes one,
    and it is how entity expansion ("billion laughs") and external entities (XXE) get in (OWASP XXE
    Prevention Cheat Sheet)."""
    produced = 0
    for info in archive.infolist():
        with archive.open(info) as part:
            head = b""
            while chunk := part.read(64 * 1024):
                produced += len(chunk)
                if produced > MAX_UNZIPPED_BYTES:
                    raise ImportRefused(_("This spreadsheet is too large once unpacked."))
                window = head[-16:] + chunk
                if info.filename.endswith((".xml", ".rels")) and (b"<!DOCTYPE" in window or b"<!ENTITY" in window):
                    raise ImportRefused(
                        _(
                            "The spreadsheet contains XML entity declarations (a DTD), which Excel and LMS exports "
                            "never write; it was refused for safety. Save it again from Excel or your LMS."
                        )
                    )
                head = chunk


def _csv_rows(data: bytes) -> list[list]:
    text = data.decode("utf-8-sig")
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            _check_cells(row, len(rows) + 1)
            rows.append(row)
    except csv.Error:
        raise ImportRefused(
            _("Row %(row)d of the CSV file cannot be read: check its quotes.") % {"row": reader.line_num}
        ) from None
    return rows


def _check_cells(row: list, number: int) -> None:
    for cell in row:
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            raise ImportRefused(
                _("Row %(row)d has a cell longer than %(n)s characters; no result needs that much.")
                % {"row": number, "n": f"{MAX_CELL_CHARS:,}"}
            )


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportRefused(_("The XLSX file cannot be read; save it again from Excel or your LMS.")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):  # read-only mode parses the sheet only here
            _check_cells(list(row), len(rows) + 1)
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    except ImportRefused:
        raise
    except Exception:
        raise ImportRefused(_("The XLSX file cannot be read; save it again from Excel or your LMS.")) from None
    finally:
        workbook.close()


def read_table(data: bytes) -> tuple[str, list[tuple[int, dict]]]:
    """(format, [(row number, {column: raw value})]) for the file's non-empty rows."""
    check_size(len(data))
    file_format = sniff_format(data)
    rows = _xlsx_rows(data) if file_format == "xlsx" else _csv_rows(data)
    if not rows:
        raise ImportRefused(_("The file has no rows."))
    header = [str(c).strip().lower().lstrip("\ufeff") if c is not None else "" for c in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportRefused(
            _("The first row must name the columns %(columns)s; missing: %(missing)s. Download the template.")
            % {"columns": ", ".join(COLUMNS), "missing": ", ".join(missing)}
        )
    index = {name: header.index(name) for name in COLUMNS}
    table = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {name: (row[i] if i < len(row) else None) for name, i in index.items()}
        if all(v is None or str(v).strip() == "" for v in cells.values()):
            continue
        table.append((number, cells))
    if len(table) > MAX_ROWS:
        raise ImportRefused(_("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
    return file_format, table


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unquote_cell(str(value).strip())  # our template wrote '-ana@… for -ana@…


def validate_rows(
    offering, table: list[tuple[int, dict]], enrolled_by_email: dict
) -> tuple[list[dict], list[dict], int]:
    """Check every row. Returns (clean rows, errors [{row, column, message}], rows skipped as not yet assessed).

    `enrolled_by_email` maps each lower-cased e-mail of a learner enrolled in the offering to (enrolment id,
    learner id).
    """
    errors: list[dict] = []
    clean: list[dict] = []
    skipped = 0
    seen: dict[str, int] = {}
    for number, cells in table:
        email = _cell_text(cells["email"]).lower()
        if email and all(_cell_text(cells[c]) == "" for c in VALUE_COLUMNS):
            skipped += 1  # the template's pre-filled row, left untouched: no result yet
            continue
        row_errors = []
        if not email:
            row_errors.append(("email", _("The e-mail address is missing.")))
        elif email in seen:
            row_errors.append(
                (
                    "email",
                    _("%(email)s is already on row %(row)d: each learner once.") % {"email": email, "row": seen[email]},
                )
            )
        elif email not in enrolled_by_email:
            row_errors.append(("email", _("%(email)s is not a learner enrolled in this offering.") % {"email": email}))
        if email and email not in seen:
            seen[email] = number
        values, problems = result_problems(offering, {c: cells[c] for c in VALUE_COLUMNS})
        row_errors.extend(problems.items())
        for column, message in row_errors:
            errors.append({"row": number, "column": column, "message": str(message)})
        if not row_errors:
            enrolment_id, learner_id = enrolled_by_email[email]
            clean.append(
                {
                    "row": number,
                    "email": email,
                    "enrolment_id": enrolment_id,
                    "learner_id": learner_id,
                    "participated": values["participated"],
                    "outcome": values["outcome"],
                    "grade": values["grade"],
                    "evidence_url": values["evidence_url"],
                    "assessed_on": values["assessed_on"].isoformat(),
                }
            )
    errors.sort(key=lambda e: (e["row"], COLUMNS.index(e["column"]) if e["column"] in COLUMNS else 99))
    return clean, errors, skipped


def template_rows(offering) -> list[list[str]]:
    from microcred.learning.models import Enrolment

    emails = (
        offering.enrolments.filter(status=Enrolment.Status.ENROLLED)
        .order_by("learner__email")
        .values_list("learner__email", flat=True)
    )
    return [COLUMNS] + [[email, "", "", "", "", ""] for email in emails]


def template_csv(offering) -> bytes:
    header, *rows = template_rows(offering)
    return csv_bytes(header, rows)  # e-mail addresses may start with "-", "+" or "=": escaped like exports


def template_xlsx(offering) -> bytes:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "results"
    for row in template_rows(offering):
        append_xlsx_row(sheet, row)
    for column, width in zip("ABCDEF", (36, 10, 8, 40, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    for column, choices in (("B", '"pass,fail"'), ("F", '"yes,no"')):
        validation = DataValidation(type="list", formula1=choices, allow_blank=True)
        validation.add(f"{column}2:{column}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
