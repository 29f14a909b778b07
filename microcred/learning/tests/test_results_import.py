"""Recording results one by one and importing them from CSV/XLSX (journey 6)."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from microcred.audit.models import AuditEvent
from microcred.learning import imports, services
from microcred.learning.exceptions import ImportHasErrors, ImportRefused, NotAllowed, PreviewInvalid, ResultInvalid
from microcred.learning.models import Enrolment, Result, ResultImport
from microcred.learning.tests.factories import start_offering

pytestmark = pytest.mark.django_db


def enrol_all(offering, users):
    for u in users:
        Enrolment.objects.create(offering=offering, learner=u, status="enrolled", enrolled_at=timezone.now())


@pytest.fixture
def class_of_28(offering, make_user):
    offering.capacity = 30
    offering.save()
    learners = [make_user(email=f"learner{i:02d}@example.org", full_name=f"Learner {i:02d}") for i in range(1, 29)]
    enrol_all(offering, learners)
    start_offering(offering)
    return learners


def yesterday():
    return (timezone.localdate() - dt.timedelta(days=1)).isoformat()


def journey6_rows(learners, *, bad=True):
    rows = [imports.COLUMNS]
    for i, learner in enumerate(learners):
        rows.append([learner.email, "fail" if i == 27 else "pass", "4" if i == 27 else "8", "", yesterday(), "yes"])
    if bad:
        rows[6][0] = "stranger@example.org"  # spreadsheet row 7 (the header is row 1)
        rows[18][2] = "11"  # row 19: outside 0–10
    return rows


def csv_file(rows, *, bom=True, delimiter=",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def xlsx_file(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def preview(cast, offering, data, name="results.csv"):
    return services.preview_import(user=cast["assessor"], offering_id=offering.pk, filename=name, data=data)


def commit(cast, offering, p):
    return services.commit_import(
        user=cast["assessor"], offering_id=offering.pk, token=p.record.token, sha256=p.record.sha256
    )


def test_journey_6_bad_rows_then_fixed_then_again(cast, offering, class_of_28):
    bad = preview(cast, offering, csv_file(journey6_rows(class_of_28)))
    assert [(e["row"], e["column"]) for e in bad.errors] == [(7, "email"), (19, "grade")]
    assert bad.errors[0]["message"] == "stranger@example.org is not a learner enrolled in this offering."
    assert "outside this offering's grade scale (0–10)" in bad.errors[1]["message"]
    with pytest.raises(ImportHasErrors):
        commit(cast, offering, bad)
    assert not Result.objects.exists()

    good = preview(cast, offering, csv_file(journey6_rows(class_of_28, bad=False)))
    assert good.ok and good.would_change == 28
    outcome = commit(cast, offering, good)
    assert (outcome.changed, outcome.passed, outcome.failed) == (28, 27, 1)
    assert Result.objects.filter(outcome="pass").count() == 27
    assert AuditEvent.objects.filter(action="result.recorded").count() == 28

    again = preview(cast, offering, csv_file(journey6_rows(class_of_28, bad=False)))
    assert again.would_change == 0
    assert commit(cast, offering, again).changed == 0
    assert AuditEvent.objects.filter(action__in=["result.recorded", "result.changed"]).count() == 28

    with pytest.raises(PreviewInvalid):  # one preview commits once
        commit(cast, offering, again)


def test_commit_applies_exactly_the_previewed_file(cast, offering, class_of_28):
    p = preview(cast, offering, csv_file(journey6_rows(class_of_28, bad=False)))
    with pytest.raises(PreviewInvalid):
        services.commit_import(user=cast["assessor"], offering_id=offering.pk, token=p.record.token, sha256="0" * 64)
    with pytest.raises(PreviewInvalid):
        services.commit_import(user=cast["assessor"], offering_id=offering.pk, token="guess", sha256=p.record.sha256)
    assert not Result.objects.exists()


def test_a_changed_grade_is_one_change_and_audited(cast, offering, class_of_28):
    rows = journey6_rows(class_of_28, bad=False)
    commit(cast, offering, preview(cast, offering, csv_file(rows)))
    rows[1][2] = "9,5"
    p = preview(cast, offering, csv_file(rows, delimiter=";"))  # semicolons, decimal comma (European Excel)
    assert p.would_change == 1
    assert commit(cast, offering, p).changed == 1
    changed = AuditEvent.objects.get(action="result.changed")
    assert changed.changes["grade"] == ["8", "9.5"]


def test_every_row_error_is_named(cast, offering, class_of_28):
    rows = [
        imports.COLUMNS,
        [class_of_28[0].email, "passed", "8", "", yesterday(), "yes"],
        [class_of_28[1].email, "pass", "8", "javascript:alert(1)", yesterday(), "yes"],
        [class_of_28[2].email, "pass", "8", "", "12/05/2026", "yes"],
        [class_of_28[3].email, "pass", "8", "", (timezone.localdate() + dt.timedelta(days=2)).isoformat(), "yes"],
        [class_of_28[4].email, "pass", "8", "", (offering.starts_on - dt.timedelta(days=1)).isoformat(), "yes"],
        [class_of_28[5].email, "pass", "8", "", yesterday(), "maybe"],
        [class_of_28[5].email.upper(), "pass", "8", "", yesterday(), "yes"],
        [class_of_28[6].email, "pass", "8", "", yesterday(), "no"],
        ["", "pass", "8", "", yesterday(), "yes"],
    ]
    p = preview(cast, offering, csv_file(rows))
    found = {(e["row"], e["column"]): e["message"] for e in p.errors}
    assert found[(2, "result")] == "Write pass or fail (found “passed”)."
    assert "http:// or https://" in found[(3, "evidence_url")]
    assert "Write the date as YYYY-MM-DD" in found[(4, "assessed_on")]
    assert "is in the future" in found[(5, "assessed_on")]
    assert "before the offering starts" in found[(6, "assessed_on")]
    assert "Write yes or no" in found[(7, "participated")]
    assert "is already on row 7" in found[(8, "email")]
    assert "cannot pass" in found[(9, "result")]
    assert "missing" in found[(10, "email")]
    with pytest.raises(ImportHasErrors):
        commit(cast, offering, p)
    assert not Result.objects.exists()


def test_letter_scale(cast, offering, class_of_28):
    offering.grade_scale = "A,B,C,D,E,F"
    offering.save()
    rows = [
        imports.COLUMNS,
        [class_of_28[0].email, "pass", "b", "https://lms.example/1", yesterday(), "yes"],
        [class_of_28[1].email, "pass", "7", "", yesterday(), "yes"],
    ]
    p = preview(cast, offering, csv_file(rows))
    assert [(e["row"], e["column"]) for e in p.errors] == [(3, "grade")]
    assert "(A, B, C, D, E, F)" in p.errors[0]["message"]


def test_waitlisted_learners_are_not_enrolled(cast, offering, class_of_28, make_user):
    waiting = make_user(email="waiting@example.org")
    Enrolment.objects.create(offering=offering, learner=waiting, status="waitlisted", waitlisted_at=timezone.now())
    p = preview(cast, offering, csv_file([imports.COLUMNS, [waiting.email, "pass", "8", "", yesterday(), "yes"]]))
    assert p.errors[0]["column"] == "email" and "not a learner enrolled" in p.errors[0]["message"]


def test_xlsx_import_with_real_dates(cast, offering, class_of_28):
    rows = [imports.COLUMNS] + [
        [u.email, "pass", 7.5, "https://lms.example/sub/1", timezone.localdate() - dt.timedelta(days=1), "yes"]
        for u in class_of_28[:3]
    ]
    p = preview(cast, offering, xlsx_file(rows), name="lms-export.xlsx")
    assert p.ok and p.record.file_format == "xlsx"
    assert commit(cast, offering, p).changed == 3
    assert Result.objects.get(learner=class_of_28[0]).grade == "7.5"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_template_round_trip(cast, offering, class_of_28, file_format):
    body = imports.template_csv(offering) if file_format == "csv" else imports.template_xlsx(offering)
    fmt, table = imports.read_table(body)
    assert fmt == file_format and len(table) == 28
    untouched = preview(cast, offering, body, name=f"template.{file_format}")
    assert untouched.errors[0]["message"].startswith("The file has no results")  # nothing filled in yet
    if file_format == "csv":
        text = body.decode("utf-8-sig").splitlines()
        filled = [text[0]] + [line.replace(",,,,,", f",pass,8,,{yesterday()},yes") for line in text[1:]]
        body = ("\ufeff" + "\r\n".join(filled) + "\r\n").encode()
    else:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(body))
        for row in wb.active.iter_rows(min_row=2):
            row[1].value, row[2].value, row[4].value, row[5].value = "pass", 8, yesterday(), "yes"
        out = io.BytesIO()
        wb.save(out)
        body = out.getvalue()
    p = preview(cast, offering, body, name=f"template.{file_format}")
    assert p.ok and len(p.rows) == 28
    assert commit(cast, offering, p).changed == 28


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n\xff\xfe\x00binary", "This is not a spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "This is not a spreadsheet"),
        (b"", "The file is empty."),
        (b"name,score\nx,1\n", "The first row must name the columns"),
    ],
)
def test_not_a_spreadsheet(cast, offering, data, message):
    with pytest.raises(ImportRefused) as exc:
        preview(cast, offering, data)
    assert message in exc.value.message
    assert not ResultImport.objects.exists()


def test_a_zip_that_is_not_xlsx(cast, offering):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<x/>")
    with pytest.raises(ImportRefused) as exc:
        preview(cast, offering, out.getvalue(), name="results.xlsx")
    assert exc.value.message == "This ZIP file is not an XLSX spreadsheet."


def test_too_large(cast, offering):
    with pytest.raises(ImportRefused) as exc:
        preview(cast, offering, b"email,result\n" + b"x" * (imports.MAX_IMPORT_BYTES + 1))
    assert "the limit is 5 MB" in exc.value.message


def test_only_the_offerings_assessors_import_or_record(cast, offering, class_of_28):
    data = csv_file(journey6_rows(class_of_28, bad=False))
    for who in ("proposer", "outsider", "learner", "manager"):
        with pytest.raises(NotAllowed):
            services.preview_import(user=cast[who], offering_id=offering.pk, filename="r.csv", data=data)
        with pytest.raises(NotAllowed):
            services.record_result(
                user=cast[who],
                offering_id=offering.pk,
                learner_id=class_of_28[0].pk,
                data={"result": "pass", "participated": "yes", "assessed_on": yesterday()},
            )
    assert not Result.objects.exists()


def test_record_one_result(cast, offering, class_of_28):
    learner = class_of_28[0]
    result, changed = services.record_result(
        user=cast["assessor"],
        offering_id=offering.pk,
        learner_id=learner.pk,
        data={
            "result": "pass",
            "grade": "8",
            "participated": "yes",
            "assessed_on": yesterday(),
            "evidence_url": "https://lms.example/x",
        },
    )
    assert changed and result.outcome == "pass"
    _r, changed = services.record_result(
        user=cast["assessor"],
        offering_id=offering.pk,
        learner_id=learner.pk,
        data={
            "result": "pass",
            "grade": "8.0",
            "participated": "yes",
            "assessed_on": yesterday(),
            "evidence_url": "https://lms.example/x",
        },
    )
    assert not changed
    with pytest.raises(ResultInvalid) as exc:
        services.record_result(
            user=cast["assessor"],
            offering_id=offering.pk,
            learner_id=learner.pk,
            data={
                "result": "pass",
                "grade": "12",
                "participated": "yes",
                "assessed_on": "tomorrow",
                "evidence_url": "ftp://x",
            },
        )
    assert set(exc.value.errors) == {"grade", "assessed_on", "evidence_url"}
    with pytest.raises(ResultInvalid):
        services.record_result(
            user=cast["assessor"],
            offering_id=offering.pk,
            learner_id=cast["learner3"].pk,
            data={"result": "pass", "participated": "yes", "assessed_on": yesterday()},
        )
    assert Result.objects.count() == 1
    assert AuditEvent.objects.filter(action="result.recorded").count() == 1
