"""One date format per language on the public credential pages, localised numbers, language names (issue #16,
defect 9): "Date of issue Nov. 30, 2026" stood next to "Valid from 2026-12-02T17:57:16Z"."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from microcred.core.dates import public_date, public_datetime

pytestmark = pytest.mark.django_db

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def test_one_format_for_dates_and_moments():
    import datetime as dt

    moment = dt.datetime(2026, 12, 2, 17, 57, 16, tzinfo=dt.UTC)
    with translation.override("en"):
        assert public_date(dt.date(2026, 11, 30)) == "30 November 2026"
        assert public_datetime(moment) == "2 December 2026, 18:57 CET"
        assert public_date(moment) == "2 December 2026"
    with translation.override("fr"):
        assert public_date(dt.date(2026, 11, 30)) == "30 novembre 2026"


def test_languages_whose_grammar_wants_more_get_their_own_pattern():
    import datetime as dt

    day = dt.date(2026, 12, 3)
    expected = {"de": "3. Dezember 2026", "nb": "3. desember 2026", "ca": "3 de desembre de 2026", "fi": "3. joulukuuta 2026"}
    for language, written in expected.items():
        with translation.override(language):
            assert public_date(day) == written
    with translation.override("de"):
        moment = dt.datetime(2026, 12, 2, 17, 57, tzinfo=dt.UTC)
        assert public_datetime(moment) == "2. Dezember 2026, 18:57 CET"
    with translation.override("ca"):
        assert public_date(dt.date(2026, 4, 1)) == "1 d’abril de 2026"


@pytest.mark.parametrize(
    "language, issued, month, ects",
    [("en", "1 July 2026", "December", "5 ECTS"), ("fr", "1 juillet 2026", "décembre", "5 crédits")],
)
def test_the_public_credential_page_writes_every_date_alike(client, issue, language, issued, month, ects):
    credential = issue()
    with translation.override(language):  # the request's language ends with the test (LocaleMiddleware sets it)
        html = client.get(
            reverse("credentials:public", args=[credential.uuid]), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert issued in main  # the date of issue
    assert not ISO.search(main), ISO.search(main).group(0)  # validity is no longer "2026-12-02T17:57:16Z"
    assert "Nov." not in main and "Jul." not in main


def test_ects_are_written_as_numbers_of_the_language(client, issue, make_version):
    from decimal import Decimal

    from microcred.credentials.formats import annex1_rows

    credential = issue()
    version = credential.micro_credential_version
    version.annex1["workload"]["ects"] = 2.5 if isinstance(version.annex1.get("workload"), dict) else None
    version.save(update_fields=["annex1"])
    credential.refresh_from_db()
    with translation.override("fr"):
        rows = {str(k): v for k, v in annex1_rows(credential)}
    workload = [v for k, v in rows.items() if "ECTS" in str(v)]
    assert workload and "2,5" in workload[0], rows
    assert Decimal("2.5")
