"""The alliance admin drafts, edits, previews and publishes versions in the admin; published ones are read-only."""

import pytest

from microcred.audit.models import AuditEvent
from microcred.privacy.forms import PrivacyNoticeTextForm, purposes_as_lines
from microcred.privacy.models import PrivacyNotice, PrivacyNoticeText
from microcred.privacy.tests.conftest import make_notice, text
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, make_user):
    user = make_user(Role.ALLIANCE_ADMIN, is_staff=True)
    client.force_login(user)
    return user


def _form_data(content: dict, **overrides) -> dict:
    data = {key: value for key, value in content.items() if key != "purposes"}
    data["purposes"] = purposes_as_lines(content["purposes"])
    data.update(overrides)
    return data


def _change_post(notice, text_row, **overrides) -> dict:
    """What the admin's change form posts: the notice's fields and its one text (an inline form)."""
    data = {
        "note": "",
        "texts-TOTAL_FORMS": "1",
        "texts-INITIAL_FORMS": "1",
        "texts-MIN_NUM_FORMS": "0",
        "texts-MAX_NUM_FORMS": "1000",
        "texts-0-id": str(text_row.pk),
        "texts-0-notice": str(notice.pk),
        "texts-0-language": text_row.language,
    }
    for key, value in _form_data(text_row.content).items():
        data[f"texts-0-{key}"] = value
    data.update(overrides)
    return data


def test_adding_makes_a_draft_copied_from_the_version_in_force(client, admin, notice):
    response = client.get("/admin/privacy/privacynotice/add/")
    draft = PrivacyNotice.objects.get(status="draft")
    assert response.status_code == 302 and response["Location"] == f"/admin/privacy/privacynotice/{draft.pk}/change/"
    assert draft.based_on == notice and draft.texts.get().content == notice.texts.get().content
    page = client.get(response["Location"]).content.decode()
    assert "Publish this draft" in page and f"/privacy/drafts/{draft.pk}/" in page


def test_a_draft_is_edited_published_and_then_read_only(client, admin, notice):
    client.get("/admin/privacy/privacynotice/add/")
    draft = PrivacyNotice.objects.get(status="draft")
    english = draft.texts.get()
    response = client.post(
        f"/admin/privacy/privacynotice/{draft.pk}/change/",
        _change_post(draft, english, **{"texts-0-title": "Privacy notice, revised", "to_confirm": ["dpo"]}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    english.refresh_from_db()
    draft.refresh_from_db()
    assert english.content["title"] == "Privacy notice, revised" and draft.to_confirm == ["dpo"]
    assert AuditEvent.objects.filter(action="privacy.notice_draft_changed", object_id=str(draft.pk)).exists()

    assert client.get(f"/admin/privacy/privacynotice/{draft.pk}/publish/").status_code == 405
    response = client.post(f"/admin/privacy/privacynotice/{draft.pk}/publish/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.version == 2 and draft.published_by == admin
    assert AuditEvent.objects.get(action="privacy.notice_published", object_id=str(draft.pk)).actor == admin

    # Published: shown, never changed or deleted through the admin.
    page = client.get(f"/admin/privacy/privacynotice/{draft.pk}/change/").content.decode()
    assert "Make a new draft from this version" in page and "Publish this draft" not in page
    response = client.post(
        f"/admin/privacy/privacynotice/{draft.pk}/change/",
        _change_post(draft, english, **{"texts-0-title": "Rewritten"}),
    )
    assert response.status_code == 403
    assert client.post(f"/admin/privacy/privacynotice/{draft.pk}/delete/", {"post": "yes"}).status_code == 403
    assert PrivacyNoticeText.objects.get(pk=english.pk).content["title"] == "Privacy notice, revised"


def test_a_draft_that_is_not_complete_is_not_published_and_the_admin_is_told_why(client, admin, db):
    draft = make_notice(texts={"en": text(complaint="")}, publish=False)
    response = client.post(f"/admin/privacy/privacynotice/{draft.pk}/publish/", follow=True)
    assert "Complaints to a supervisory authority" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_new_draft_from_a_published_version(client, admin, notice):
    response = client.post(f"/admin/privacy/privacynotice/{notice.pk}/new-draft/")
    draft = PrivacyNotice.objects.get(status="draft")
    assert response["Location"] == f"/admin/privacy/privacynotice/{draft.pk}/change/"
    assert draft.based_on == notice


def test_the_text_form_checks_what_it_saves(notice):
    english = notice.texts.get()
    good = PrivacyNoticeTextForm(data={"language": "en", **_form_data(english.content)}, instance=PrivacyNoticeText())
    assert good.is_valid(), good.errors
    assert good.instance.content == english.content
    for overrides, message in [
        ({"purposes": "accounts public_task"}, "Line 1 of the purposes"),
        ({"purposes": "marketing | consent | Newsletter"}, "“marketing”"),
        ({"dpo": ""}, "This field is required"),
        ({"title": "Two\nlines"}, "must be on one line"),
    ]:
        form = PrivacyNoticeTextForm(
            data={"language": "en", **_form_data(english.content, **overrides)}, instance=PrivacyNoticeText()
        )
        assert not form.is_valid()
        assert message in str(form.errors), (overrides, form.errors)


def test_people_other_than_the_alliance_admin_do_not_see_notices_in_the_admin(client, make_user, notice):
    client.force_login(make_user((Role.CREDENTIAL_OFFICER, None), is_staff=True))
    assert client.get("/admin/privacy/privacynotice/").status_code == 403  # the admin's own refusal
    response = client.post(f"/admin/privacy/privacynotice/{notice.pk}/new-draft/")
    assert response.status_code == 302 and response["Location"] == "/admin/"  # sent back, no draft made
    assert not PrivacyNotice.objects.filter(status="draft").exists()
