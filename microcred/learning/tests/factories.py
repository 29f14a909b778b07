"""Small builders for learning tests: a published micro-credential (through the catalogue's publishing service)
and an offering of it."""

import datetime as dt
import itertools

from django.utils import timezone

_counter = itertools.count(1)


def make_micro_credential(
    *,
    institution,
    proposer,
    co_leads=(),
    title=None,
    credential_type="micro_credential",
    prerequisites="",
    kind="formal",
):
    from microcred.catalogue.services import publish_approved_proposal
    from microcred.proposals.models import Proposal, ProposalVersion

    n = next(_counter)
    title = title or f"Life-cycle thinking {n}"
    proposal = Proposal.objects.create(
        reference=f"MC-T-{n:05d}", proposer=proposer, institution=institution, status="approved"
    )
    version = ProposalVersion.objects.create(
        proposal=proposal,
        number=1,
        kind=kind,
        credential_type=credential_type,
        accrediting_institution=institution,
        title=title,
        prerequisites=prerequisites,
        completion_criteria="Pass the assessment." if credential_type == "micro_credential" else "Attend.",
    )
    version.co_leads.set(co_leads)
    # Published as the workflow publishes an approved proposal: the Annex 1 record, the issuer and the kind
    # columns, the co-leads and the catalogue index all come from the production rules.
    return publish_approved_proposal(proposal=proposal, actor=None).micro_credential


def offering_values(**overrides):
    """Valid form values: enrolment open now, the offering starting in 30 days."""
    today = timezone.localdate()
    values = {
        "format": "course",
        "mode": "online",
        "location": "",
        "language": "en",
        "starts_on": today + dt.timedelta(days=30),
        "ends_on": today + dt.timedelta(days=60),
        "enrolment_opens": timezone.now() - dt.timedelta(days=1),
        "enrolment_closes": timezone.now() + dt.timedelta(days=10),
        "capacity": 20,
        "fee": 0,
        "fee_waivers": "",
        "grade_scale": "0-10",
        "lms_code": "",
    }
    values.update(overrides)
    return values


def make_offering(*, micro_credential, creator, institution, assessors=(), **overrides):
    from microcred.learning.models import Offering, OfferingAssessor

    offering = Offering.objects.create(
        micro_credential=micro_credential,
        version=micro_credential.current_version,
        institution=institution,
        created_by=creator,
        **offering_values(**overrides),
    )
    for person in assessors:
        OfferingAssessor.objects.create(offering=offering, user=person, assigned_by=creator)
    return offering


def start_offering(offering, *, days_ago=10):
    """Move an offering into the past (as if time had passed since enrolment)."""
    today = timezone.localdate()
    offering.enrolment_opens = timezone.now() - dt.timedelta(days=days_ago + 20)
    offering.enrolment_closes = timezone.now() - dt.timedelta(days=days_ago + 1)
    offering.starts_on = today - dt.timedelta(days=days_ago)
    offering.ends_on = today - dt.timedelta(days=1)
    offering.save()
    return offering


def record_result(offering, enrolment, *, recorded_by, participated=True, outcome="pass", grade="8", **extra):
    """A result for an enrolment, written directly (tests of what happens once one exists)."""
    from microcred.learning.models import Result

    return Result.objects.create(
        offering=offering,
        learner=enrolment.learner,
        enrolment=enrolment,
        participated=participated,
        outcome=outcome,
        grade=grade,
        assessed_on=extra.pop("assessed_on", timezone.localdate()),
        recorded_by=recorded_by,
        **extra,
    )


def enrol_and_pass(offering, learner, *, recorded_by=None, outcome="pass", grade="8"):
    """An enrolment with its result assessed yesterday, written directly: a learner who completed `offering` (the
    result recorded by `recorded_by`, by default the offering's creator). The enrolment."""
    from microcred.learning.models import Enrolment

    enrolment = Enrolment.objects.create(
        offering=offering, learner=learner, status="enrolled", enrolled_at=timezone.now()
    )
    record_result(
        offering,
        enrolment,
        recorded_by=recorded_by or offering.created_by,
        outcome=outcome,
        grade=grade,
        assessed_on=timezone.localdate() - dt.timedelta(days=1),
    )
    return enrolment
