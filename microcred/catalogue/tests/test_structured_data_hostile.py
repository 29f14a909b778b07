"""The catalogue page's schema.org JSON-LD keeps hostile titles as data (issue #11): nothing in a title
ends the <script> element or becomes markup, and the JSON read back holds the title as typed."""

import json
import re

import pytest
from django.urls import reverse

from microcred.catalogue import services

pytestmark = pytest.mark.django_db

HOSTILE = [
    "</script><script>alert(document.domain)</script>",
    'Data" onload="alert(1)',
    '<!-- ]]> --> &amp; {"@id": "https://evil.example/"}',
    "=cmd|' /C calc'!A0 \u202eexe.fdp",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_json_ld_keeps_a_hostile_title_as_data(client, cat, comms, institution, title):
    version = services.publish_imported_micro_credential(
        actor=comms,
        title=title,
        awarding_institution=institution,
        kind="non_formal",
        learning_outcomes=[(title, [])],
        quality_assurance="Approved by the Academic Council.",
        approval_note="Approved on 1 March 2024.",
        description=title,
    )
    page = client.get(reverse("catalogue:detail", args=[version.micro_credential.slug])).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert "<" not in block and ">" not in block
    data = json.loads(block)
    assert data["name"] == title and data["teaches"] == [title]
    assert data["@id"].startswith("http") and "evil.example" not in data["@id"]
    assert "<script>alert" not in page
