"""The pages: who sees what, the CSV export, uploads, and the flow through forms."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from microcred.core.spreadsheets import safe_cell
from microcred.learning import imports
from microcred.learning.exceptions import ImportRefused
from microcred.learning.models import Enrolment, Offering, Result
from microcred.learning.tests.factories import offering_values, record_result, start_offering

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_safe_cell_escapes_formulas():
    assert safe_cell('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    for prefix in "+-@\t\r":
        assert safe_cell(prefix + "x") == "'" + prefix + "x"
    assert safe_cell("Katrin") == "Katrin" and safe_cell(None) == "" and safe_cell(7) == "7"


def test_enrolment_csv_has_bom_and_escapes(client, cast, offering, make_user):
    evil = make_user(email="evil@example.org", full_name="=cmd|' /C calc'!A0")
    Enrolment.objects.create(offering=offering, learner=evil, status="enrolled")
    response = login(client, cast["proposer"]).get(reverse("learning:enrolments-csv", args=[offering.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["email", "full_name", "status"]
    assert rows[1][1] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize("who", ["proposer", "manager", "assessor"])
def test_offering_staff_see_the_list(client, cast, offering, who):
    from microcred.learning import services

    offering.capacity = 1
    offering.save()
    services.enrol(user=cast["learner"], offering_id=offering.pk)
    services.enrol(user=cast["learner2"], offering_id=offering.pk)
    response = login(client, cast[who]).get(reverse("learning:enrolments", args=[offering.pk]))
    assert response.status_code == 200
    rows = [(e.learner.full_name, e.learner.email, e.status) for e in response.context["listing"].rows]
    assert rows == [
        ("Katrin Weber", "learner@example.org", Enrolment.Status.ENROLLED),
        ("Tomás García", "learner2@example.org", Enrolment.Status.WAITLISTED),
    ]
    html = response.content.decode()
    assert "1 enrolled of 1 places, 1 waiting, 0 ready for a credential." in html
    for text in (
        "Katrin Weber",
        "learner@example.org",
        "Tomás García",
        "learner2@example.org",
        "On the waiting list (1)",
    ):
        assert text in html, text


@pytest.mark.parametrize("who", ["learner", "outsider", "officer"])
def test_learners_and_other_universities_do_not(client, cast, offering, who):
    c = login(client, cast[who])
    for name in ("learning:enrolments", "learning:enrolments-csv", "learning:results", "learning:import"):
        assert c.get(reverse(name, args=[offering.pk])).status_code == 404
    assert c.post(reverse("learning:results", args=[offering.pk]), {}).status_code == 404


def test_staff_who_are_not_assessors_cannot_record(client, cast, offering):
    assert login(client, cast["proposer"]).get(reverse("learning:results", args=[offering.pk])).status_code == 404
    assert login(client, cast["assessor"]).get(reverse("learning:results", args=[offering.pk])).status_code == 200


def test_create_offering_page_shows_messages_and_creates(client, cast, micro_credential, institution):
    c = login(client, cast["proposer"])
    url = reverse("learning:offering-create", args=[micro_credential.pk])
    assert c.get(url).status_code == 200
    values = offering_values(capacity=0)
    data = {k: ("" if v is None else v) for k, v in values.items()}
    data["enrolment_opens"] = timezone.localtime(values["enrolment_opens"]).strftime("%Y-%m-%dT%H:%M")
    data["enrolment_closes"] = timezone.localtime(values["enrolment_closes"]).strftime("%Y-%m-%dT%H:%M")
    data["institution"] = institution.pk
    response = c.post(url, data)
    assert "An offering needs at least one place." in response.content.decode()
    assert not Offering.objects.exists()
    data["capacity"] = 12
    response = c.post(url, data)
    assert response.status_code == 302
    assert Offering.objects.get().capacity == 12
    assert login(client, cast["outsider"]).get(url).status_code == 404


def test_enrol_page_flow_and_my_learning(client, cast, offering):
    offering.capacity = 1
    offering.save()
    c = login(client, cast["learner"])
    assert "Enrol" in c.get(reverse("learning:offering", args=[offering.pk])).content.decode()
    c.post(reverse("learning:enrol", args=[offering.pk]))
    response = c.post(reverse("learning:enrol", args=[offering.pk]), follow=True)
    assert "You are already enrolled in this offering." in response.content.decode()
    c2 = login(client.__class__(), cast["learner2"])
    response = c2.post(reverse("learning:enrol", args=[offering.pk]), follow=True)
    assert "number 1 on the waiting list" in response.content.decode()
    mail.outbox.clear()
    c.post(reverse("learning:cancel", args=[offering.pk]), {"confirmed": "yes"})
    assert Enrolment.objects.get(learner=cast["learner2"], status="enrolled")
    page = c2.get(reverse("learning:my-learning")).content.decode()
    assert offering.version.title in page and "Enrolled" in page


def test_my_learning_shows_results(client, cast, offering):
    enrolment = Enrolment.objects.create(offering=offering, learner=cast["learner"], status="enrolled")
    start_offering(offering)
    record_result(offering, enrolment, grade="8.5", recorded_by=cast["assessor"])
    page = login(client, cast["learner"]).get(reverse("learning:my-learning")).content.decode()
    assert (
        "Passed" in page and "8.5" in page and "a credential officer of the university issues your credential" in page
    )


def test_import_through_the_pages(client, cast, offering):
    Enrolment.objects.create(offering=offering, learner=cast["learner"], status="enrolled")
    start_offering(offering)
    c = login(client, cast["assessor"])
    template = c.get(reverse("learning:import-template", args=[offering.pk, "xlsx"]))
    assert template.status_code == 200 and template.content.startswith(b"PK")
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    body = (
        f"email,result,grade,evidence_url,assessed_on,participated\r\nlearner@example.org,pass,15,,{yesterday},yes\r\n"
    )
    upload = io.BytesIO(body.encode())
    upload.name = "results.csv"
    page = c.post(reverse("learning:import", args=[offering.pk]), {"file": upload}).content.decode()
    assert "1 error: nothing was saved." in page and "outside this offering" in page
    upload = io.BytesIO(body.replace(",15,", ",9,").encode())
    upload.name = "results.csv"
    response = c.post(reverse("learning:import", args=[offering.pk]), {"file": upload})
    preview = response.context["preview"]
    assert preview.ok
    response = c.post(
        reverse("learning:import-commit", args=[offering.pk]),
        {"token": preview.record.token, "sha256": preview.record.sha256},
        follow=True,
    )
    assert "Imported: 1 changed, 0 unchanged" in response.content.decode()
    assert Result.objects.get().grade == "9"


def test_upload_too_large_is_refused_early(client, cast, offering, settings):
    c = login(client, cast["assessor"])
    upload = io.BytesIO(b"email,result\n" + b"x" * (imports.MAX_IMPORT_BYTES + 200_000))
    upload.name = "big.csv"
    response = c.post(reverse("learning:import", args=[offering.pk]), {"file": upload})
    assert response.status_code == 413
    assert "larger than 5 MB" in response.content.decode()


def test_upload_handler_stops_a_file_just_over_the_limit(client, cast, offering):
    c = login(client, cast["assessor"])
    upload = io.BytesIO(b"email,result\n" + b"x" * (imports.MAX_IMPORT_BYTES + 10))
    upload.name = "big.csv"
    response = c.post(reverse("learning:import", args=[offering.pk]), {"file": upload})
    assert response.status_code == 413
    assert "larger than 5 MB" in response.content.decode()
    assert not Result.objects.filter(enrolment__offering=offering).exists()


def test_ready_queue_page(client, cast, offering):
    start_offering(offering)
    enrolment = Enrolment.objects.create(offering=offering, learner=cast["learner"], status="enrolled")
    record_result(offering, enrolment, recorded_by=cast["assessor"], grade="8.5")
    assert login(client, cast["learner"]).get(reverse("learning:ready")).status_code == 404
    response = login(client, cast["officer"]).get(reverse("learning:ready"))
    assert response.status_code == 200
    assert [e.pk for e in response.context["completions"]] == [enrolment.pk]
    html = response.content.decode()
    for text in (
        "Katrin Weber",
        "learner@example.org",
        f"{offering.version.title} (v1)",
        "8.5",
        f"completion:{enrolment.pk}",
    ):
        assert text in html, text
    # The alliance's central officer issues only alliance-issued credentials: nothing here for them.
    central = login(client, cast["central_officer"]).get(reverse("learning:ready")).content.decode()
    assert "Nobody is waiting for a credential." in central and "Katrin Weber" not in central


def test_navigation(client, cast):
    from microcred.core.navigation import navigation_for

    labels = lambda u: [str(i.label) for i in navigation_for(u)]  # noqa: E731
    assert "My learning" in labels(cast["learner"]) and "Offerings" not in labels(cast["learner"])
    assert "Offerings" in labels(cast["assessor"]) and "Offerings" in labels(cast["proposer"])


def test_not_a_spreadsheet_message_is_clear(cast):
    with pytest.raises(ImportRefused) as exc:
        imports.read_table(b"\x00\x01\x02\xff")
    assert "upload a CSV file (UTF-8 text) or an XLSX file" in exc.value.message
