"""The history of result imports: what the selector reads, who sees it, and where it is shown."""

import io

import pytest
from django.urls import reverse

from microcred.learning import permissions, selectors, services
from microcred.learning.exceptions import NotAllowed
from microcred.learning.tests.factories import start_offering
from microcred.learning.tests.test_results_import import csv_file, enrol_all, journey6_rows
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def class_of_3(offering, cast):
    enrol_all(offering, [cast["learner"], cast["learner2"], cast["learner3"]])
    start_offering(offering)
    return [cast["learner"], cast["learner2"], cast["learner3"]]


def imported(cast, offering, data, name):
    p = services.preview_import(user=cast["assessor"], offering_id=offering.pk, filename=name, data=data)
    services.commit_import(user=cast["assessor"], offering_id=offering.pk, token=p.record.token, sha256=p.record.sha256)
    return p.record


@pytest.fixture
def three_imports(cast, offering, class_of_3):
    """First file; the same file again; then a corrected file (one grade changed). Plus a preview never committed."""
    rows = journey6_rows(class_of_3, bad=False)
    first = imported(cast, offering, csv_file(rows), "lms-export.csv")
    repeat = imported(cast, offering, csv_file(rows), "lms-export (1).csv")
    rows[1][2] = "9"
    corrected = imported(cast, offering, csv_file(rows), "lms-export-corrected.csv")
    services.preview_import(user=cast["assessor"], offering_id=offering.pk, filename="draft.csv", data=csv_file(rows))
    return first, repeat, corrected


def test_history_newest_first_with_rows_changes_and_repeats(cast, offering, three_imports):
    first, repeat, corrected = three_imports
    history = selectors.result_import_history(cast["assessor"], offering)
    assert [r.pk for r in history] == [corrected.pk, repeat.pk, first.pk]  # the uncommitted preview is not listed
    assert [(r.filename, r.row_count, r.changed_count, r.repeat) for r in history] == [
        ("lms-export-corrected.csv", 3, 1, False),
        ("lms-export (1).csv", 3, 0, True),
        ("lms-export.csv", 3, 3, False),
    ]
    assert {r.uploaded_by for r in history} == {cast["assessor"]}
    assert all(r.committed_at is not None for r in history)


def test_history_is_per_offering(cast, offering, three_imports, micro_credential, institution):
    from microcred.learning.tests.factories import make_offering

    other = make_offering(micro_credential=micro_credential, creator=cast["proposer"], institution=institution)
    assert selectors.result_import_history(cast["proposer"], other) == []


def test_history_reads_without_the_rows(cast, offering, three_imports, django_assert_num_queries):
    with django_assert_num_queries(2):  # may this user see results (assessor?), then the imports with uploaders
        history = selectors.result_import_history(cast["assessor"], offering)
        assert [r.uploaded_by.full_name for r in history] == ["Daan Assessor"] * 3
    assert "rows" in history[0].get_deferred_fields()


def test_who_sees_the_history(cast, offering, three_imports, make_user):
    seeing = [cast["assessor"], cast["proposer"], cast["manager"], make_user(Role.ALLIANCE_ADMIN)]
    for user in seeing:
        assert permissions.can_view_results(user, offering)
        assert len(selectors.result_import_history(user, offering)) == 3
    for user in (cast["outsider"], cast["learner"], cast["officer"]):
        assert not permissions.can_view_results(user, offering)
        with pytest.raises(
            NotAllowed, match=r"Only the offering.s staff and the alliance admin see its results and their imports"
        ):
            selectors.result_import_history(user, offering)


def test_the_import_page_shows_the_history(client, cast, offering, three_imports):
    client.force_login(cast["assessor"])
    html = client.get(reverse("learning:import", args=[offering.pk])).content.decode()
    assert "Past result imports" in html
    assert "lms-export-corrected.csv" in html and "lms-export (1).csv" in html and "draft.csv" not in html
    assert html.count("Yes: the same file was imported before") == 1
    assert "Daan Assessor" in html


def test_the_import_page_without_imports(client, cast, offering):
    client.force_login(cast["assessor"])
    html = client.get(reverse("learning:import", args=[offering.pk])).content.decode()
    assert "No results file has been imported yet." in html


def test_the_import_page_after_an_upload_still_shows_the_history(client, cast, offering, three_imports):
    client.force_login(cast["assessor"])
    upload = io.BytesIO(b"email,result\r\n")
    upload.name = "empty.csv"
    html = client.post(reverse("learning:import", args=[offering.pk]), {"file": upload}).content.decode()
    assert "Past result imports" in html and "lms-export.csv" in html


@pytest.mark.parametrize("who", ["proposer", "manager"])
def test_staff_who_do_not_assess_see_it_on_the_enrolment_list(client, cast, offering, three_imports, who):
    client.force_login(cast[who])
    html = client.get(reverse("learning:enrolments", args=[offering.pk])).content.decode()
    assert "Past result imports" in html and "lms-export-corrected.csv" in html


def test_the_enrolment_list_shows_no_empty_history(client, cast, offering):
    client.force_login(cast["manager"])
    html = client.get(reverse("learning:enrolments", args=[offering.pk])).content.decode()
    assert "Past result imports" not in html


@pytest.mark.parametrize("who", ["outsider", "learner"])
def test_others_see_no_history(client, cast, offering, three_imports, who):
    client.force_login(cast[who])
    for name in ("learning:import", "learning:enrolments"):
        assert client.get(reverse(name, args=[offering.pk])).status_code == 404
