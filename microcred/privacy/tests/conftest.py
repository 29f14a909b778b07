import copy

import pytest
from django.core.cache import cache

from microcred.privacy import services
from microcred.privacy.models import PrivacyNotice, PrivacyNoticeText
from microcred.privacy.registry import activities


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The notice in force is cached, and throttles count in the cache: each test starts with neither."""
    cache.clear()
    yield
    cache.clear()


def text(**overrides) -> dict:
    """A complete English text: every section, one purpose per activity of the platform."""
    content = {
        "title": "Privacy notice of the test alliance",
        "introduction": "How the test platform uses personal data.",
        "controller": "Test University, 1 Main Street, Testville. E-mail: controller@example.org",
        "dpo": "Data protection officer: dpo@example.org",
        "purposes": [
            {"activity": key, "lawful_basis": "public_task", "purpose": f"Purpose of {key}."} for key in activities()
        ],
        "recipients": "Staff by role; the hosting processor.",
        "transfers": "None outside the European Economic Area.",
        "retention": "As long as needed.",
        "rights": "Write to the controller.",
        "complaint": "The Test Data Protection Authority, https://authority.example.org",
        "obligation": "Name and e-mail are needed for an account.",
        "automated_decisions": "None.",
        "source": "From you.",
    }
    content.update(overrides)
    return copy.deepcopy(content)


def make_notice(*, texts=None, to_confirm=None, publish=True, by=None) -> PrivacyNotice:
    notice = PrivacyNotice.objects.create(to_confirm=to_confirm or [])
    for language, content in (texts or {"en": text()}).items():
        PrivacyNoticeText.objects.create(notice=notice, language=language, content=content)
    if publish:
        notice = services.publish_notice(notice=notice, by=by)
    return notice


@pytest.fixture
def notice(db):
    return make_notice()
