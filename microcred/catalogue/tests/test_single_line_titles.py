"""A micro-credential title is one line, whether imported or translated (issue #11): it goes into e-mail
subjects and badges, and a header field is one line (RFC 5322 §2.2)."""

import pytest

from microcred.catalogue import services
from microcred.catalogue.models import MicroCredentialTranslation, MicroCredentialVersion
from microcred.core.exceptions import ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("title", ["Data\r\nBcc: victim@example.org", "Data\nX: y", "Data\u2028Bcc: x", "Data\tx"])
def test_imported_and_translated_titles_refuse_line_breaks(cat, comms, institution, title):
    count = MicroCredentialVersion.objects.count()
    with pytest.raises(ValidationFailed, match="The title must be on one line"):
        services.publish_imported_micro_credential(
            actor=comms,
            title=title,
            awarding_institution=institution,
            kind="non_formal",
            learning_outcomes=[("Do something.", [])],
            quality_assurance="Approved by the Academic Council.",
            approval_note="Approved on 1 March 2024.",
        )
    assert MicroCredentialVersion.objects.count() == count
    with pytest.raises(ValidationFailed, match="The title must be on one line"):
        services.save_translation(
            user=comms, version_id=cat["a"].pk, language="fr", title=title, description="", learning_outcomes=[]
        )
    assert not MicroCredentialTranslation.objects.exists()
