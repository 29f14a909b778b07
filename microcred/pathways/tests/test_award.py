"""The automatic award of pathway credentials (issue #12, item 4) and the learner's progress (item 3)."""

from __future__ import annotations

import pytest
from django.core import mail

from microcred.audit.models import AuditEvent
from microcred.credentials.models import IssuedCredential
from microcred.credentials.services.verification import verify_credential_document
from microcred.pathways import award, progress
from microcred.pathways.award_models import PathwayAward
from microcred.pathways.tests.learner_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _pathway_credentials():
    return IssuedCredential.objects.filter(source_type=award.PATHWAY_VERSION)


def test_completing_the_last_component_issues_the_pathway_credential_once(three, make_pathway, earn, learner):
    version = make_pathway(three)
    first, second = earn(three[0]), earn(three[1])
    assert not _pathway_credentials().exists()
    item = progress.pathways_started(learner)[0]
    assert not item.met and item.remaining == (three[2].micro_credential_id,)
    third = earn(three[2])  # credential_issued → re-evaluated → awarded
    credential = _pathway_credentials().get()
    assert credential.learner == learner and credential.source_id == version.pk
    assert credential.issuer.institution.is_alliance  # the issuer the pathway names
    document = credential.document
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["name"] == version.title and achievement["achievementType"] == "LearningProgram"
    assert "Earn all of: Data analysis, Energy policy and Climate modelling." in achievement["criteria"]["narrative"]
    assert [e["id"] for e in document["evidence"]] == [c.credential_id for c in (first, second, third)]
    assert document["credentialSubject"]["creditsEarned"] == 12
    assert verify_credential_document(document).is_valid
    row = PathwayAward.objects.get()
    assert row.credential == credential and row.evidence == [first.pk, second.pk, third.pk]
    assert AuditEvent.objects.filter(action="pathway.awarded", object_id=str(row.pk)).count() == 1
    # Again (the command, a retried signal): nothing new.
    assert award.reevaluate_learner(learner) == []
    assert award.award_if_complete(learner, version).created is False
    assert _pathway_credentials().count() == 1


def test_the_learner_is_emailed(three, make_pathway, earn, learner, django_capture_on_commit_callbacks):
    make_pathway(three)
    with django_capture_on_commit_callbacks(execute=True):
        for v in three:
            earn(v)
    subjects = [m.subject for m in mail.outbox]
    assert any(s.startswith("You completed the pathway") for s in subjects), subjects


def test_a_revoked_component_means_no_award(three, make_pathway, earn, learner, make_user):
    from microcred.credentials.services.status import revoke_credential
    from microcred.roles import Role

    make_pathway(three)
    first = earn(three[0])
    earn(three[1])
    officer = make_user((Role.CREDENTIAL_OFFICER, first.issuer.institution))
    revoke_credential(officer, first.pk, "Issued by mistake")
    earn(three[2])
    assert not _pathway_credentials().exists()
    item = progress.pathways_started(learner)[0]
    assert item.remaining == (three[0].micro_credential_id,)


def test_n_of_and_ects_rules_count_the_ects_of_the_version_earned(three, make_pathway, earn, learner):
    ids = [v.micro_credential_id for v in three]
    make_pathway(three, rule={"requirements": [{"type": "min_ects", "ects": "8", "components": ids}]})
    earn(three[1])  # 3 ECTS
    assert not _pathway_credentials().exists()
    [item] = progress.pathways_started(learner)
    assert item.progress.requirements[0].ects_still_needed == 5
    earn(three[0])  # 5 more: 8
    assert _pathway_credentials().count() == 1


def test_pinned_only_counts_the_pinned_versions_only(three, make_pathway, earn, learner, make_version):
    from microcred.catalogue.models import MicroCredentialVersion

    pinned = make_pathway(three[:2], pinned_only=True)
    later = MicroCredentialVersion.objects.get(pk=three[0].pk)
    later.pk, later.number, later.proposal_version = None, 2, None
    later.save()
    earn(later)
    earn(three[1])
    assert not PathwayAward.objects.filter(pathway_version=pinned).exists()
    # Without pinned_only, a later version of a component counts.
    open_version = make_pathway(three[:2])
    assert award.award_if_complete(learner, open_version).created
    assert not award.award_if_complete(learner, pinned).met


def test_two_awards_racing_yield_one_credential(three, make_pathway, earn, learner):
    version = make_pathway(three[:1])
    PathwayAward.objects.all().delete()
    earn(three[0])  # awarded here already by the signal
    assert award.award_if_complete(learner, version).created is False
    # The completion key alone also holds: a second call that did not see the award finds the credential.
    row = PathwayAward.objects.get()
    assert _pathway_credentials().count() == 1
    assert IssuedCredential.objects.filter(completion_key=award.completion_key(version.pk, learner.pk)).count() == 1
    assert row.credential.completion_key == award.completion_key(version.pk, learner.pk)


def test_revoking_a_component_after_the_award_flags_it_for_the_officer(
    three, make_pathway, earn, learner, make_user, issuers, django_capture_on_commit_callbacks
):
    from microcred.credentials.services.status import revoke_credential
    from microcred.roles import Role

    make_pathway(three[:2])
    first = earn(three[0])
    earn(three[1])
    row = PathwayAward.objects.get()
    ub_officer = make_user((Role.CREDENTIAL_OFFICER, first.issuer.institution), email="officer.ub@example.org")
    alliance_officer = make_user(Role.CREDENTIAL_OFFICER, email="officer.alliance@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        revoke_credential(ub_officer, first.pk, "Plagiarism")
    row.refresh_from_db()
    assert row.review == PathwayAward.Review.PENDING and row.revoked_components == [first.pk]
    assert row.credential.revoked_at is None  # not silently revoked
    assert AuditEvent.objects.filter(action="pathway.award_flagged").count() == 1
    assert [a.pk for a in award.awards_to_review(alliance_officer)] == [row.pk]
    assert award.awards_to_review(ub_officer) == []  # not the pathway credential's issuer
    assert any("officer.alliance@example.org" in m.to and "to review" in m.subject for m in mail.outbox), [
        (m.to, m.subject) for m in mail.outbox
    ]
    award.decide_review(user=alliance_officer, award_id=row.pk, keep=False, reason="Its component was revoked.")
    row.refresh_from_db()
    row.credential.refresh_from_db()
    assert row.review == PathwayAward.Review.REVOKED and row.credential.revoked_at is not None


def test_the_officer_may_keep_it_and_only_the_issuers_officer_decides(
    three, make_pathway, earn, make_user, django_capture_on_commit_callbacks
):
    from microcred.core.exceptions import PermissionDenied, ValidationFailed
    from microcred.credentials.services.status import revoke_credential
    from microcred.roles import Role

    make_pathway(three[:1])
    first = earn(three[0])
    row = PathwayAward.objects.get()
    with pytest.raises(ValidationFailed):
        award.decide_review(user=make_user(Role.CREDENTIAL_OFFICER), award_id=row.pk, keep=True)
    with django_capture_on_commit_callbacks(execute=True):
        revoke_credential(make_user((Role.CREDENTIAL_OFFICER, first.issuer.institution)), first.pk, "Mistake")
    with pytest.raises(PermissionDenied):
        award.decide_review(
            user=make_user((Role.CREDENTIAL_OFFICER, first.issuer.institution)), award_id=row.pk, keep=True
        )
    officer = make_user(Role.CREDENTIAL_OFFICER)
    with pytest.raises(ValidationFailed):
        award.decide_review(user=officer, award_id=row.pk, keep=False, reason=" ")
    award.decide_review(user=officer, award_id=row.pk, keep=True)
    row.refresh_from_db()
    assert row.review == PathwayAward.Review.KEPT and row.credential.revoked_at is None


def test_a_component_retired_after_approval_still_counts_when_earned(three, make_pathway, earn, learner):
    from microcred.catalogue.models import MicroCredential

    version = make_pathway(three[:2])
    earn(three[0])
    MicroCredential.objects.filter(pk=three[1].micro_credential_id).update(status=MicroCredential.Status.RETIRED)
    [item] = progress.pathways_started(learner)
    remaining = [r for r in progress.component_rows(item) if not r.done]
    assert [r.title for r in remaining] == ["Energy policy"] and remaining[0].offerings == []
    earn(three[1])  # a credential earned before retirement (or of a last offering) still completes it
    assert PathwayAward.objects.filter(pathway_version=version).exists()


def test_retroactive_award_for_credentials_issued_before_the_pathway(three, make_pathway, earn, learner, make_user):
    from django.core.management import call_command

    for v in three[:2]:
        earn(v)
    other = make_user(email="other@example.org", full_name="Other Learner")
    earn(three[0], learner=other, learner_email=other.email, learner_name=other.full_name)
    version = make_pathway(three[:2])  # approved after her credentials were issued
    assert not PathwayAward.objects.exists()
    call_command("award_pathways", "--pathway", version.pathway.slug)
    assert PathwayAward.objects.get().learner == learner
    assert PathwayAward.objects.get().trigger == PathwayAward.Trigger.RETROACTIVE
    call_command("award_pathways")  # again: nothing new
    assert _pathway_credentials().count() == 1


def test_a_credential_outside_every_pathway_is_not_evaluated(three, make_pathway, earn, learner, monkeypatch):
    """Issuing in bulk: a credential whose micro-credential is no pathway's component costs one query, and the
    learner's pathways are not evaluated for it; a component's credential still is."""
    evaluated = []
    monkeypatch.setattr(award, "reevaluate_learner", lambda who: evaluated.append(who) or [])
    outside = earn(three[2])
    assert not award.counts_towards_a_pathway(outside)
    make_pathway(three[:2])
    inside = earn(three[0])
    assert award.counts_towards_a_pathway(inside) and evaluated == [learner]
    assert not award.counts_towards_a_pathway(outside)
