"""Notice versions: publishing is checked and audited, and a published version is never rewritten."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from microcred.audit.models import AuditEvent
from microcred.core.exceptions import ValidationFailed
from microcred.privacy import selectors, services
from microcred.privacy.models import PrivacyNotice, PrivacyNoticeText, PublishedNoticeIsFinal
from microcred.privacy.tests.conftest import make_notice, text
from microcred.roles import Role

pytestmark = pytest.mark.django_db


def test_publishing_numbers_versions_and_is_audited(make_user):
    admin = make_user(Role.ALLIANCE_ADMIN)
    first = make_notice(by=admin)
    assert (first.version, first.status, first.published_by) == (1, "published", admin)
    draft = services.create_draft(by=admin)
    assert draft.version is None and draft.based_on == first
    assert {t.language: t.content for t in draft.texts.all()} == {"en": first.texts.get().content}
    second = services.publish_notice(notice=draft, by=admin)
    assert second.version == 2
    assert selectors.current_notice() == second
    event = AuditEvent.objects.get(action="privacy.notice_published", object_id=str(second.pk))
    assert event.actor == admin
    assert event.changes["version"] == 2 and event.changes["based_on"] == 1
    assert AuditEvent.objects.filter(action="privacy.notice_draft_created", object_id=str(draft.pk)).exists()


def test_a_notice_whose_purposes_rely_on_consent_is_marked(db):
    purposes = text()["purposes"]
    purposes[0]["lawful_basis"] = "consent"
    assert make_notice(texts={"en": text(purposes=purposes)}).requires_consent
    assert not make_notice().requires_consent


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ({"fr": text()}, "needs an English text"),
        ({"en": text(dpo="")}, "Data protection officer"),
        ({"en": text(purposes=text()["purposes"][1:])}, "does not describe these processing activities of the platform: accounts"),
        ({"en": text(), "es": text(purposes=list(reversed(text()["purposes"])))}, "other purposes or lawful bases"),
        ({"en": text(title="Two\nlines")}, "must be on one line"),
        ({"en": text(purposes=[{**text()["purposes"][0], "lawful_basis": "because"}, *text()["purposes"][1:]])}, "GDPR Art. 6(1)"),
        ({"en": text(purposes=[{**text()["purposes"][0], "lawful_basis": "legitimate_interests"}, *text()["purposes"][1:]])}, "legitimate interests"),
        ({"en": text(surprise="x")}, "Unknown sections: surprise"),
    ],
)  # fmt: skip
def test_an_incomplete_draft_is_not_published_and_nothing_changes(texts, message):
    draft = make_notice(texts=texts, publish=False)
    before = {t.language: t.content for t in draft.texts.all()}
    with pytest.raises(ValidationFailed) as refused:
        services.publish_notice(notice=draft, by=None)
    assert message in refused.value.message
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.version is None
    assert {t.language: t.content for t in draft.texts.all()} == before
    assert not AuditEvent.objects.filter(action="privacy.notice_published").exists()


def test_a_published_version_cannot_be_published_again(notice):
    with pytest.raises(ValidationFailed, match="published already"):
        services.publish_notice(notice=notice)


def test_a_published_notice_is_never_changed_in_python(notice):
    notice.note = "rewritten"
    with pytest.raises(PublishedNoticeIsFinal):
        notice.save()
    with pytest.raises(PublishedNoticeIsFinal):
        notice.delete()
    english = notice.texts.get()
    english.content = text(title="Rewritten")
    with pytest.raises(PublishedNoticeIsFinal):
        english.save()
    with pytest.raises(PublishedNoticeIsFinal):
        english.delete()
    with pytest.raises(PublishedNoticeIsFinal):
        PrivacyNoticeText.objects.create(notice=notice, language="fr", content=text())


def test_a_published_notice_is_never_changed_in_the_database(notice):
    """Below the model: the triggers refuse updates (and, on PostgreSQL, deletes) of a published version."""
    english = notice.texts.get()
    for write in (
        lambda: PrivacyNotice.objects.filter(pk=notice.pk).update(note="rewritten"),
        lambda: PrivacyNoticeText.objects.filter(pk=english.pk).update(content={"title": "Rewritten"}),
        lambda: PrivacyNoticeText.objects.bulk_create([PrivacyNoticeText(notice=notice, language="nl", content={})]),
    ):
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            write()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            PrivacyNoticeText.objects.filter(pk=english.pk)._raw_delete(connection.alias)
    notice.refresh_from_db()
    assert notice.note == "" and notice.texts.get().content == english.content


def test_drafts_stay_editable_and_deletable(db):
    draft = make_notice(publish=False)
    draft.note = "work in progress"
    draft.save()
    english = draft.texts.get()
    english.content = text(title="Another title")
    english.save()
    draft.delete()
    assert not PrivacyNotice.objects.exists()


def test_publishing_a_new_version_leaves_the_old_one_as_it_was(make_user):
    admin = make_user(Role.ALLIANCE_ADMIN)
    first = make_notice(by=admin)
    old_text = first.texts.get().content
    draft = services.create_draft(by=admin)
    english = draft.texts.get()
    english.content = text(title="Privacy notice, revised", changes="The retention periods are shorter.")
    english.save()
    services.publish_notice(notice=draft, by=admin)
    assert selectors.notice_by_version(1).texts.get().content == old_text
    assert selectors.notice_by_version(2).texts.get().content["title"] == "Privacy notice, revised"
