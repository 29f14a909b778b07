"""Category overviews (policy 7.21): sanitised rich text, the communication office only, audited."""

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.catalogue import services
from microcred.catalogue.models import CategoryOverview
from microcred.core.exceptions import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db

NASTY = (
    '<h2>Green skills</h2><p onclick="steal()">Read <a href="javascript:alert(1)">this</a> and '
    '<a href="https://example.org/" onmouseover="x()">that</a>.</p><script>alert(1)</script>'
    '<img src=x onerror="alert(1)"><style>body{}</style><iframe src="https://evil.example"></iframe>'
)


def test_sanitise_strips_scripts_handlers_and_javascript_urls():
    clean = services.sanitise_html(NASTY)
    assert "<script" not in clean and "alert(1)" not in clean
    assert "onclick" not in clean and "onmouseover" not in clean and "onerror" not in clean
    assert "javascript:" not in clean
    assert "<iframe" not in clean and "<style" not in clean and "<img" not in clean
    assert "<h2>Green skills</h2>" in clean
    assert 'href="https://example.org/"' in clean


def test_communication_office_creates_publishes_and_is_audited(comms, cat):
    overview = services.create_category_overview(
        user=comms,
        title="Green skills",
        body=NASTY,
        scope="content_area",
        content_area=cat["areas"]["green"],
        featured=[cat["a"].micro_credential],
    )
    assert "<script" not in overview.body and "javascript:" not in overview.body
    assert not overview.is_published
    services.set_category_overview_published(user=comms, overview_id=overview.pk, published=True)
    services.update_category_overview(
        user=comms,
        overview_id=overview.pk,
        title="Green skills for everyone",
        body="<p>New text</p>",
        scope="content_area",
        content_area=cat["areas"]["green"],
    )
    actions = list(
        AuditEvent.objects.filter(object_type="catalogue.categoryoverview")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["category_overview.created", "category_overview.published", "category_overview.updated"]
    updated = AuditEvent.objects.get(action="category_overview.updated")
    assert updated.changes["title"] == ["Green skills", "Green skills for everyone"]
    assert updated.actor == comms


def test_learner_and_proposer_may_not_write_overviews(learner, people, cat):
    for user in (learner, people["proposer"]):
        with pytest.raises(PermissionDenied):
            services.create_category_overview(user=user, title="x", body="<p>x</p>", scope="formal")
    assert CategoryOverview.objects.count() == 0


def test_overview_needs_its_content_area_and_text(comms):
    with pytest.raises(ValidationFailed):
        services.create_category_overview(user=comms, title="Areas", body="<p>x</p>", scope="content_area")
    with pytest.raises(ValidationFailed):
        services.create_category_overview(user=comms, title="Empty", body="<script>x</script>", scope="formal")


def test_pages_forbid_learner_and_allow_communication_office(client, learner, comms, cat):
    client.force_login(learner)
    assert client.get(reverse("catalogue:manage-overviews")).status_code == 403
    assert client.post(reverse("catalogue:overview-create"), {"title": "x"}).status_code == 403
    client.force_login(comms)
    assert client.get(reverse("catalogue:manage-overviews")).status_code == 200
    response = client.post(
        reverse("catalogue:overview-create"),
        {
            "title": "Formal micro-credentials",
            "scope": "formal",
            "language": "en",
            "body": NASTY,
            "featured": [cat["b"].micro_credential_id],
        },
    )
    assert response.status_code == 302
    overview = CategoryOverview.objects.get()
    public = reverse("catalogue:overview", args=[overview.slug])
    client.logout()
    assert client.get(public).status_code == 404  # not published yet
    client.force_login(comms)
    client.post(reverse("catalogue:overview-publish", args=[overview.pk]), {"publish": "1"})
    client.logout()
    html = client.get(public).content.decode()
    assert "<h2>Green skills</h2>" in html and "<script>alert(1)</script>" not in html and "onclick" not in html
    assert "Data ethics for researchers" in html and "Featured" in html
    assert "Sustainability reporting for SMEs" in html  # in scope (formal)
    assert "Green Campus Hackathon" not in html  # a participation badge is not in the formal scope
    assert (
        'href="/catalogue/categories/formal-micro-credentials/"'
        in client.get(reverse("catalogue:index")).content.decode()
    )


def test_navigation_shows_category_overviews_to_the_communication_office_only(comms, learner):
    from microcred.core.navigation import navigation_for

    assert "Category overviews" in [str(i.label) for i in navigation_for(comms)]
    assert "Category overviews" not in [str(i.label) for i in navigation_for(learner)]
