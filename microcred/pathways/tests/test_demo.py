"""The demo pathways: two, across universities, with different rules, approved by the demo council; the demo learner
holds credentials for every component of one and part of the other; a second load changes nothing."""

import base64

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from microcred.credentials.models import IssuedCredential
from microcred.pathways.demo import load_demo_pathways
from microcred.pathways.models import PathwayVersion

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_demo_has_two_approved_pathways_one_complete_one_half_done_for_the_demo_learner(tmp_path, settings):
    from tests.browser.helpers import load_small_reference_data

    settings.CREDENTIAL_KEK = base64.urlsafe_b64encode(bytes(range(32))).decode()
    load_small_reference_data(tmp_path)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        call_command("load_demo_data", verbosity=0)
    versions = {v.title: v for v in PathwayVersion.objects.select_related("proposal")}
    assert set(versions) == {"Sustainable cities", "Mentoring international students"}
    assert all(v.proposal.status == "approved" and v.source == "workflow" for v in versions.values())
    types = {title: {r["type"] for r in v.rule["requirements"]} for title, v in versions.items()}
    assert types["Sustainable cities"] == {"all_of", "n_of", "min_ects"}
    assert types["Mentoring international students"] == {"all_of", "n_of"}
    for v in versions.values():
        assert len({c.micro_credential_version.awarding_institution_id for c in v.components.all()}) >= 2
    held = set(
        IssuedCredential.objects.filter(learner_email="learner@demo.microcred.eu", revoked_at__isnull=True).values_list(
            "micro_credential_version__micro_credential_id", flat=True
        )
    )
    cities = {c.micro_credential_id for c in versions["Sustainable cities"].components.all()}
    mentoring = {c.micro_credential_id for c in versions["Mentoring international students"].components.all()}
    assert cities <= held
    assert mentoring & held and not mentoring <= held
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert load_demo_pathways() == 0
    assert PathwayVersion.objects.count() == 2
