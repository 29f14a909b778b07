"""The learner's background (group, country, age band, employment status; issue #15) in the record of processing
activities and the shipped privacy notice: kept with the account, used for reporting on the alliance's targets."""

import pytest

from microcred.privacy import registry, ropa, selectors
from microcred.reference.loader import load_reference_data

pytestmark = pytest.mark.django_db

BACKGROUND = [f"accounts.User.{name}" for name in ("age_band", "country", "employment_status", "learner_group")]


def test_reporting_is_a_processing_activity_that_uses_the_background_kept_with_the_account(notice):
    assert registry.personal_fields_of("reporting") == {"background": BACKGROUND}
    assert registry.personal_fields_of("accounts")["background"] == BACKGROUND  # collected with the account
    record = {a["activity"]: a for a in ropa.build()["activities"]}
    reporting = record["reporting"]
    assert "totals only" in reporting["purpose"] and "is ever put in a credential" in reporting["purpose"]
    assert reporting["purpose_in_notice"] == "Purpose of reporting."
    assert [r["model"] for r in reporting["retention"]] == ["accounts.User"]  # as long as the account
    assert any("single someone out" in measure for measure in reporting["security_measures"])
    assert reporting["personal_data"][0]["fields"] == BACKGROUND


def test_the_shipped_notice_explains_the_background_and_its_purpose(client):
    load_reference_data(only=["privacy_notice"])
    english = selectors.current_notice().texts.get(language="en").content
    reporting = next(p for p in english["purposes"] if p["activity"] == "reporting")
    assert "is ever put in a credential" in reporting["purpose"] and "totals only" in reporting["purpose"]
    assert "Prefer not to say" in english["obligation"]  # what is asked and what is optional (GDPR Art. 13(2)(e))
    assert "removed when you erase it" in english["retention"]
    page = client.get("/privacy/").content.decode()
    assert "Reporting on the alliance&#x27;s targets" in page or "Reporting on the alliance's targets" in page
