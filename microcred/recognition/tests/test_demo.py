"""The demo recognition: learner@demo.microcred.eu's requests in every state (one under appeal, with the second
Utrecht officer), agreements, and a second load that changes nothing."""

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from microcred.recognition.demo import load_demo_recognition
from microcred.recognition.models import RecognitionAgreement, RecognitionRequest

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_demo_has_requests_in_every_state(tmp_path, settings):
    import base64

    from tests.browser.helpers import load_small_reference_data

    settings.CREDENTIAL_KEK = base64.urlsafe_b64encode(bytes(range(32))).decode()
    load_small_reference_data(tmp_path)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        call_command("load_demo_data", verbosity=0)
    requests = RecognitionRequest.objects.filter(learner__email="learner@demo.microcred.eu")
    assert sorted(r.state for r in requests) == sorted(
        ["submitted", "recognised", "recognised_in_part", "refused", "under_appeal", "appeal_decided"]
    )
    assert requests.get(status="submitted").proposed_agreement is not None
    appealed = requests.get(status="appeal_decided")
    assert {d.decided_by.email for d in appealed.decisions.all()} == {
        "recognition.uu@demo.microcred.eu",
        "recognition2.uu@demo.microcred.eu",
    }
    assert RecognitionAgreement.objects.count() >= 2
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert load_demo_recognition() == 0
    assert RecognitionRequest.objects.count() == 6
