"""The learner's background (group, country, age band, employment status) is for the alliance's reporting only:
none of it goes into a credential, signed or exported (issue #15)."""

import json

import pytest

from microcred.credentials import elm
from microcred.credentials.models import IssuedCredential
from microcred.credentials.services import bulk
from microcred.learning.tests.conftest import cast, micro_credential, offering, third_institution  # noqa: F401
from microcred.learning.tests.factories import enrol_and_pass, start_offering

pytestmark = pytest.mark.django_db

BACKGROUND = {
    "learner_group": "lifelong_learner",
    "country": "NO",
    "age_band": "55_plus",
    "employment_status": "seeking",
}
# Every way a value could show: the stored codes and their names for people.
GIVEN_AWAY_BY = {
    "lifelong_learner",
    "Lifelong learner or professional",
    "NO",
    "Norway",
    "55_plus",
    "55 or over",
    "seeking",
    "Looking for work",
}


def _strings(value):
    """Every key and every string in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_a_credential_carries_none_of_the_learners_background(
    offering, cast, issuers, django_capture_on_commit_callbacks
):
    learner = cast["learner"]
    for name, value in BACKGROUND.items():
        setattr(learner, name, value)
    learner.save()
    start_offering(offering)
    enrol_and_pass(offering, learner)
    with django_capture_on_commit_callbacks(execute=True):
        bulk.start_issuance_job(user=cast["officer"], offering_id=offering.pk)
    credential = IssuedCredential.objects.get(learner=learner)

    for document in (credential.document, elm.elm_credential(credential)):
        strings = set(_strings(document))
        assert "Katrin Weber" in json.dumps(document, ensure_ascii=False)  # the learner's credential, named
        assert not strings & GIVEN_AWAY_BY
        assert not strings & set(BACKGROUND)  # no field of that name either
        text = json.dumps(document, ensure_ascii=False)
        assert not any(value in text for value in ("lifelong_learner", "55_plus", "Norway", "Looking for work"))
