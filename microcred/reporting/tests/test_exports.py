"""The dashboard's tables as CSV and XLSX hold exactly the table's rows (formula-safe); the board report PDF
opens and carries the figures, the summaries and the definitions."""

import csv
import io

from openpyxl import load_workbook
from pypdf import PdfReader

from microcred.reporting import board_report, exports
from microcred.reporting.dashboard import Table, build_dashboard
from microcred.reporting.indicators import Filters
from microcred.reporting.tests import fakes


def table():
    return Table(
        "by-university",
        "Balance between the universities: ECTS prepared",
        ["University", "ECTS prepared (ECTS)", "Share of the total (%)"],
        [["University of Barcelona", 24, 66.7], ["Eötvös Loránd University", 12, 33.3], ["=cmd|' /C calc'!A0", 0, 0]],
    )


def test_csv_holds_the_table_rows_with_a_bom_and_formula_guard():
    body = exports.csv_bytes(table())
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == table().columns
    assert rows[1] == ["University of Barcelona", "24", "66.7"]
    assert rows[2] == ["Eötvös Loránd University", "12", "33.3"]
    assert rows[3][0] == "'=cmd|' /C calc'!A0"  # shown as text, never run as a formula
    assert len(rows) == 1 + len(table().rows)


def test_xlsx_holds_the_table_rows_as_numbers_and_text():
    sheet = load_workbook(io.BytesIO(exports.xlsx_bytes(table()))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == table().columns
    assert values[1:3] == list(table().rows[:2])
    formula = sheet.cell(row=4, column=1)
    assert formula.data_type == "s" and formula.quotePrefix


def test_file_name_carries_the_filters():
    assert exports.file_name("by-university", ["from-2026-01-01", "ub"], "csv") == (
        "figures-by-university-from-2026-01-01-ub.csv"
    )


def test_dashboard_tables_come_from_the_indicators(monkeypatch):
    fakes.use(monkeypatch)
    dashboard = build_dashboard(Filters())
    by_university = dashboard.table("by-university")
    assert [r[:2] for r in by_university.rows] == [[r.label, r.value] for r in fakes.breakdown("x", "university", None)]
    assert by_university.rows[0][2] == 66.7 or str(by_university.rows[0][2]) == "66.7"
    assert dashboard.table("by-month").rows == [["2026-01", 6], ["2026-02", 30]]
    assert dashboard.headline_table.rows[0][:2] == ["ECTS prepared", 36]
    body = exports.csv_bytes(dashboard.table("by-university"))
    assert "'=HYPERLINK" in body.decode("utf-8-sig")


def test_manager_sees_their_university_beside_the_alliance(monkeypatch, institution):
    fakes.use(monkeypatch)
    dashboard = build_dashboard(Filters(), own_universities=[institution])
    assert "Value for University of Barcelona" in dashboard.headline_table.columns
    assert dashboard.headline_table.rows[0][:3] == ["ECTS prepared", 36, 12]


def test_board_report_opens_and_carries_figures_charts_and_definitions(monkeypatch):
    fakes.use(monkeypatch)
    dashboard = build_dashboard(Filters())
    pdf = board_report.board_report_pdf(
        dashboard, filter_lines=["University: Eötvös Loránd University."], site_name="S"
    )
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Academic Council" in reader.metadata.title
    assert "Academic Council" in text
    assert "University of Barcelona has the highest figure" in text
    assert "36 ECTS" in text  # the headline figure
    assert "The ECTS of every approved micro-credential." in text  # its definition
    assert "Eötvös Loránd University (Szeged-ű)" in text  # Hungarian letters survive (embedded DejaVu)
    assert "<b>Ő</b>" in text  # markup in a label is drawn as text
