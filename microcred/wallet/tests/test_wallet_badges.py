"""The badge in the wallet and on share pages (issue #16, a visual identity): the version's badge on each card, the
learner's own badge (with her name) beside the title of one credential, the institution's logo and colour."""

import base64
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from microcred.catalogue import badges
from microcred.wallet import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def holder(make_user):
    return make_user(email="katrin@example.org", full_name="Katrin Weber")


@pytest.fixture
def credential(issue, holder):
    return issue(learner_email="katrin@example.org", learner_name="Katrin Weber")


def _images(html: str) -> list[str]:
    return re.findall(r'<img class="badge-image"[^>]*>', html)


def _embedded_svg(tag: str) -> str:
    source = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', tag).group(1)
    return base64.b64decode(source).decode("utf-8")


def test_each_wallet_card_shows_the_versions_badge_in_its_colours(client, holder, credential, issue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(holder)
    with CaptureQueriesContext(connection) as one:
        html = client.get(reverse("wallet:home")).content.decode()
    [image] = _images(html)
    version = credential.micro_credential_version
    assert f'src="{badges.version_badge_path(version, "svg")}"' in image and 'alt=""' in image  # the title is beside it
    institution = version.awarding_institution
    assert f"credential-card-mark brand-{institution.slug}" in html
    assert reverse("reference:institution_logo", args=[credential.issuer.institution.slug]) in html
    assert client.get(badges.version_badge_path(version, "svg")).status_code == 200
    for _ in range(3):
        issue(learner_email="katrin@example.org", learner_name="Katrin Weber")
    with CaptureQueriesContext(connection) as four:
        html = client.get(reverse("wallet:home")).content.decode()
    assert len(_images(html)) == 4
    assert len(four) == len(one)  # the badges' addresses and colours come with the credentials: no query per card


def test_the_credential_page_shows_the_learners_own_badge(client, holder, credential):
    client.force_login(holder)
    html = client.get(reverse("wallet:credential", args=[credential.uuid])).content.decode()
    [image] = _images(html)
    svg = _embedded_svg(image)
    assert "Awarded to Katrin Weber" in svg and credential.title in svg and "openbadges" not in svg
    assert f'class="credential-hero brand-{credential.micro_credential_version.awarding_institution.slug}"' in html


def test_a_share_page_shows_the_badge_the_learner_shares(client, holder, credential):
    _link, token = services.create_share_link(user=holder, credential_uuid=credential.uuid)
    html = client.get(reverse("wallet:shared", args=[token])).content.decode()
    [image] = _images(html)
    assert "Awarded to Katrin Weber" in _embedded_svg(image)
