"""The demo pathway credentials (issue #12, item 4): after the pathways' and credentials' demos, the demo learner
holds the "Sustainable cities" credential (exported by export_credentials) and "Mentoring international students"
is half done; loading again awards nothing twice."""

import base64
import json

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from microcred.credentials.models import IssuedCredential
from microcred.pathways import award, progress
from microcred.pathways.award_demo import load_demo_pathway_awards
from microcred.pathways.award_models import PathwayAward

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_demo_learner_has_one_pathway_awarded_and_one_half_done(tmp_path, settings):
    from django.contrib.auth import get_user_model

    from tests.browser.helpers import load_small_reference_data

    settings.CREDENTIAL_KEK = base64.urlsafe_b64encode(bytes(range(32))).decode()
    load_small_reference_data(tmp_path)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        call_command("load_demo_data", verbosity=0)
    learner = get_user_model().objects.get(email="learner@demo.microcred.eu")
    awarded = PathwayAward.objects.get(learner=learner)
    assert awarded.pathway_version.title == "Sustainable cities"
    started = {item.version.title: item for item in progress.pathways_started(learner)}
    assert started["Sustainable cities"].met
    mentoring = started["Mentoring international students"]
    assert not mentoring.met and mentoring.done and mentoring.remaining
    out = tmp_path / "export"
    call_command("export_credentials", "--out", str(out), verbosity=0)
    exported = json.loads((out / f"{awarded.credential.uuid}.json").read_text(encoding="utf-8"))
    assert exported["credentialSubject"]["achievement"]["name"] == "Sustainable cities"
    assert len(exported["evidence"]) >= 3
    before = IssuedCredential.objects.filter(source_type=award.PATHWAY_VERSION).count()
    assert load_demo_pathway_awards() == PathwayAward.objects.count()
    assert IssuedCredential.objects.filter(source_type=award.PATHWAY_VERSION).count() == before
