"""The staff dashboard: who may open it, what the filters do (bad values give a message, never an error), a
manager's university beside the alliance, and the downloads."""

import csv
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from microcred.catalogue.tests import conftest as catalogue_fixtures
from microcred.reporting import exports
from microcred.reporting.tests import fakes
from microcred.roles import Role

cat = catalogue_fixtures.cat  # five micro-credentials over three universities, made through the services

URL = "/reporting/"


@pytest.fixture
def faked(monkeypatch):
    fakes.use(monkeypatch)


@pytest.fixture
def quality(make_user):
    return make_user(Role.QUALITY_OFFICE, email="quality@example.org")


def test_url_name():
    assert reverse("reporting:dashboard") == URL


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in(client, faked):
    for path in (URL, "/reporting/tables/headline.csv", "/reporting/board-report.pdf"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


@pytest.mark.django_db
def test_a_learner_is_refused(client, make_user, faked):
    client.force_login(make_user(Role.LEARNER))
    for path in (URL, "/reporting/tables/headline.csv", "/reporting/board-report.pdf"):
        assert client.get(path).status_code == 403, path


@pytest.mark.django_db
def test_quality_office_sees_figures_charts_tables_and_definitions(client, quality, faked):
    client.force_login(quality)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "ECTS prepared" in html and "Behind the trajectory" in html
    assert "The ECTS of every approved micro-credential." in html  # the definition, in a <details>
    assert html.count('role="img"') >= 2 + 2 + 6  # headline bars, two trends, six breakdowns
    assert '<th scope="row">University of Barcelona</th>' in html
    assert "University of Barcelona has the highest figure" in html
    assert "&lt;b&gt;Ő&lt;/b&gt;" in html and "<b>Ő</b>" not in html  # labels escaped in tables and charts
    assert "style=" not in html.split("<main", 1)[1]  # the CSP allows no inline style
    assert reverse("reporting:board_report") in html


@pytest.mark.django_db
def test_the_dashboard_is_in_the_menu_of_those_who_may_open_it(client, make_user, quality, faked):
    client.force_login(quality)
    assert 'href="/reporting/"' in client.get("/dashboard/").content.decode()
    client.force_login(make_user(Role.LEARNER))
    assert 'href="/reporting/"' not in client.get("/dashboard/").content.decode()


@pytest.mark.django_db
def test_manager_sees_their_university_beside_the_alliance(client, make_user, institution, faked):
    client.force_login(make_user((Role.INSTITUTIONAL_MANAGER, institution)))
    response = client.get(URL)
    assert response.status_code == 200
    table = response.context["dashboard"].headline_table
    assert "Value for University of Barcelona" in table.columns
    assert table.rows[0][:3] == ["ECTS prepared", 36, 12]


@pytest.mark.django_db
def test_filtering_one_university_narrows_the_figures(client, quality, institution, faked):
    client.force_login(quality)
    everything = client.get(URL).context["dashboard"].headline_table.rows[0][1]
    narrowed = client.get(URL, {"university": institution.slug})
    assert narrowed.context["dashboard"].filters.university_id == institution.pk
    assert narrowed.context["dashboard"].headline_table.rows[0][1] != everything
    assert "University: University of Barcelona." in narrowed.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, message",
    [
        ({"start": "not-a-date"}, "Enter a valid date."),
        ({"start": "2026-06-01", "end": "2026-01-01"}, "The end of the period must not be before its start."),
        ({"university": "atlantis"}, "Select a valid choice."),
        ({"kind": "<script>"}, "Select a valid choice."),
        ({"indicator": "no_such_indicator"}, "There is no such indicator"),
    ],
)
def test_bad_filters_give_a_clear_message_and_unfiltered_figures(client, quality, faked, query, message):
    client.force_login(quality)
    response = client.get(URL, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters could not be used" in html
    assert message in html
    assert response.context["dashboard"].headline_table.rows[0][1] == 36
    download = client.get("/reporting/tables/headline.csv", query)
    assert download.status_code == 400
    assert message in download.content.decode()


@pytest.mark.django_db
def test_csv_and_xlsx_downloads_carry_the_filters(client, quality, institution, faked):
    client.force_login(quality)
    query = {"university": institution.slug, "start": "2026-01-01", "kind": "formal"}
    response = client.get("/reporting/tables/by-university.csv", query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="figures-by-university-from-2026-01-01-ub-formal.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["University of Barcelona", "24"]
    xlsx = client.get("/reporting/tables/by-university.xlsx", query)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/reporting/tables/nothing.csv").status_code == 404
    assert client.get("/reporting/tables/headline.exe").status_code == 404


@pytest.mark.django_db
def test_board_report_pdf_download(client, quality, faked):
    client.force_login(quality)
    response = client.get("/reporting/board-report.pdf", {"start": "2026-01-01", "end": "2026-06-30"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "figures-board-report-from-2026-01-01-to-2026-06-30.pdf" in response["Content-Disposition"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Academic Council" in text and "36 ECTS" in text


@pytest.mark.django_db
def test_a_manager_narrows_only_to_their_own_university(client, make_user, institution, other_institution, faked):
    client.force_login(make_user((Role.INSTITUTIONAL_MANAGER, institution)))
    response = client.get(URL, {"university": other_institution.slug})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert response.context["dashboard"].filters.university_id is None
    assert client.get("/reporting/tables/headline.csv", {"university": other_institution.slug}).status_code == 400
    own = client.get(URL, {"university": institution.slug})
    assert own.context["dashboard"].filters.university_id == institution.pk


@pytest.mark.django_db
def test_a_manager_reads_their_university_and_the_others_together(client, make_user, institution, faked):
    client.force_login(make_user((Role.INSTITUTIONAL_MANAGER, institution)))
    dashboard = client.get(URL).context["dashboard"]
    rows = dashboard.table("by-university").rows
    assert [r[:2] for r in rows] == [["University of Barcelona", 24], ["The other universities together", 12]]
    assert dashboard.table("by-issuer") is None  # issuers are mostly universities too


@pytest.mark.django_db
def test_a_count_of_people_below_five_is_never_shown(client, quality, faked):
    client.force_login(quality)
    html = client.get(URL, {"indicator": "learners_certified"}).content.decode()
    assert "fewer than 5 learners" in html  # the headline figure (3 learners)
    assert "Learners certified: 3" not in html and "3 learners" not in html
    rows = list(csv.reader(io.StringIO(client.get("/reporting/tables/headline.csv").content.decode("utf-8-sig"))))
    assert rows[3][:2] == ["Learners certified", "fewer than 5"]
    body = client.get("/reporting/tables/by-university.csv", {"indicator": "learners_certified"})
    last = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))[-1]
    assert last[1] == "fewer than 5"  # the row of 0
    pdf = client.get("/reporting/board-report.pdf", {"indicator": "learners_certified"})
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "fewer than 5" in text and "3 learners" not in text


@pytest.mark.django_db
def test_with_real_figures_one_university_narrows_the_page_and_the_files(client, quality, cat, institution):
    """End to end on a small catalogue (five micro-credentials over three universities): the indicators
    themselves, not stand-ins."""
    from microcred.reporting import indicators

    client.force_login(quality)
    alliance = client.get(URL)
    assert alliance.status_code == 200
    everything = {row[0]: row[1] for row in alliance.context["dashboard"].headline_table.rows}
    narrowed = client.get(URL, {"university": institution.slug})
    theirs = {row[0]: row[1] for row in narrowed.context["dashboard"].headline_table.rows}
    expected = indicators.headline_indicators(indicators.Filters(university_id=institution.pk))
    ects = next(i for i in expected if i.code == "ects_prepared")
    assert theirs[ects.label] == ects.value
    assert theirs[ects.label] < everything[ects.label]  # the other universities' ECTS are left out
    html = narrowed.content.decode()
    assert f'<th scope="row">{institution.name}</th>' in html  # the balance between the universities
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/reporting/tables/headline.csv", {"university": institution.slug}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )

    def as_written(i):  # a count of people below 5 is written "fewer than 5"
        return "fewer than 5" if i.counts_people and i.value < 5 else str(exports.plain_value(i.value))

    assert [r[:2] for r in rows[1:]] == [[i.label, as_written(i)] for i in expected]
    pdf = client.get("/reporting/board-report.pdf", {"university": institution.slug})
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert f"University: {institution.name}." in text and ects.label in text


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "fr", "nl", "hu"])
def test_the_page_and_the_report_read_in_every_interface_language(client, quality, faked, language):
    client.force_login(quality)
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    assert "42,5" in html  # the decimal comma of each of these languages
    pdf = client.get("/reporting/board-report.pdf", HTTP_ACCEPT_LANGUAGE=language)
    assert pdf.status_code == 200
    assert "42,5" in "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
