"""E-mails to the people concerned by each workflow step, and the alliance admins' reminders, all sent through the
outbox (microcred.outbox): written in the transaction that decides them, delivered after it commits, each once."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.core.text import one_line
from microcred.outbox.services import enqueue, enqueue_many, outbox_handler
from microcred.proposals import publishing, selectors
from microcred.proposals.models import AgendaItem, Proposal, ProposalEvent
from microcred.proposals.models import ProposalStatus as S
from microcred.reference.models import Institution
from microcred.roles import Role

# The e-mails' wording when the proposal type registered none (a micro-credential proposal): "the proposal".
DEFAULT_WORDING = publishing.ProposalWording(
    transition_subject=gettext_lazy("[%(ref)s] %(title)s: %(status)s"),
    transition_body=gettext_lazy(
        "Hello %(name)s,\n\nThe proposal “%(title)s” (%(ref)s) is now: %(status)s.\n\nOpen it: %(url)s\n"
    ),
    invitation_body=gettext_lazy(
        "Hello %(name)s,\n\nYour proposal “%(title)s” (%(ref)s) is item %(number)d on the agenda of the "
        "%(body)s on %(date)s%(place)s. You are invited to attend its discussion (policy 7.5).\n\n"
        "The meeting and your agenda item: %(url)s\n"
    ),
    fallback_body=gettext_lazy(
        "Hello %(name)s,\n\nThe proposal “%(title)s” (%(ref)s) needs the approval of an institutional manager "
        "of %(university)s (policy 7.4), and nobody holds that role there. The step has fallen to the board "
        "secretary, who may approve or return it instead, so that it does not wait for nobody; it stays with the "
        "secretary even if a manager is appointed now.\n\nAppoint an institutional manager for the next "
        "proposals: %(roles)s\nThe proposal: %(url)s\n"
    ),
)


def wording(proposal) -> publishing.ProposalWording:
    """How the e-mails about `proposal` name what is proposed (its type's registered wording, or the default)."""
    return publishing.wording_of(proposal.proposal_type) or DEFAULT_WORDING


def _people(role, institution_id=None):
    User = get_user_model()
    qs = User.objects.filter(is_active=True, role_assignments__role=role)
    if institution_id is not None:
        qs = qs.filter(role_assignments__institution_id=institution_id)
    return list(qs.distinct())


def proposers(proposal) -> list:
    """Who proposes it: the proposer, then the co-proposers."""
    return [proposal.proposer, *selectors.co_proposers_of(proposal)]


def recipients_for(proposal, new_status) -> list:
    people = set(proposers(proposal))
    if new_status == S.AWAITING_MANAGER:
        # Every proposing university approves (policy 7.4): its managers, or the secretary for one that has none.
        people.update(_people(Role.INSTITUTIONAL_MANAGER, proposal.institution_id))
        if proposal.fell_to_fallback_at is not None:  # nobody is manager there: the secretary takes the step
            people.update(_people(Role.BOARD_SECRETARY))
        for institution_id in proposal.approving_institution_ids[1:]:
            managers = [
                p for p in _people(Role.INSTITUTIONAL_MANAGER, institution_id) if p.pk not in proposal.proposer_ids
            ]
            people.update(managers or _people(Role.BOARD_SECRETARY))
    elif new_status in (S.SUBMITTED, S.READY_FOR_AGENDA, S.EXECUTIVE_REVIEW):
        people.update(_people(Role.BOARD_SECRETARY))
    elif new_status == S.SCHEDULED:
        people.update(_people(Role.COUNCIL_MEMBER) + _people(Role.COUNCIL_CHAIR))
    elif new_status == S.EXECUTIVE_SCHEDULED:
        people.update(_people(Role.EXECUTIVE_BOARD_MEMBER))
    elif new_status == S.PANEL_REVIEW and proposal.call_id:
        people.update(proposal.call.panel_members.all())
    return [p for p in people if p.may_be_emailed]


# The step each status waits for, said to the people who take it (issue #16: an e-mail that asks for an action
# says so in its first lines, not only the new status).
ACTION_NEEDED = {
    S.AWAITING_MANAGER: gettext_lazy(
        "Action needed from you: approve the proposal for submission, or return it to the proposer with a comment "
        "saying what to change."
    ),
    S.SUBMITTED: gettext_lazy(
        "Action needed from you: check that the proposal is complete, then accept it or return it as incomplete."
    ),
    S.READY_FOR_AGENDA: gettext_lazy("Action needed from you: put the proposal on an Academic Council agenda."),
    S.EXECUTIVE_REVIEW: gettext_lazy(
        "Action needed from you: the proposal has financial implications; put it on an Executive Board agenda."
    ),
    S.RETURNED: gettext_lazy("Action needed from you: edit the proposal as the comment asks, then send it again."),
    S.REVISIONS_REQUESTED: gettext_lazy(
        "Action needed from you: revise the proposal (the reasons are at the top of its page), then submit it again."
    ),
    S.SCHEDULED: gettext_lazy("Please read the proposal before the meeting: the Academic Council decides on it there."),
    S.EXECUTIVE_SCHEDULED: gettext_lazy(
        "Please read the proposal before the meeting: the Executive Board decides on it there."
    ),
}
_PROPOSER_ACTS = frozenset({S.RETURNED, S.REVISIONS_REQUESTED})


def action_needed(proposal, new_status, person) -> str:
    """The sentence telling `person` what they must do now, or "" when they only need to know."""
    acts = (person.pk in proposal.proposer_ids) == (new_status in _PROPOSER_ACTS)
    return str(ACTION_NEEDED.get(new_status, "")) if acts else ""


def announce_transition(proposal, event) -> None:
    """In the transition's transaction: tell each person the proposal's new status concerns (its proposer, and who
    acts next) through the outbox, once per step and person, so that a retry or a second sweep never sends a step's
    e-mail twice and a broker that is down loses none."""
    enqueue_many(
        [
            (
                f"proposal-transition:{event.pk}:{person.pk}",
                transition_email,
                {"event_id": event.pk, "user_id": person.pk},
            )
            for person in sorted(recipients_for(proposal, event.to_status), key=lambda p: p.pk)
        ]
    )


def announce_queued_transition(proposal_id: int, action: str, new_status: str) -> None:
    """A step's e-mails asked for the way releases before the outbox did (tasks.send_transition_emails): through
    the outbox, for the proposal's latest step of that action and status."""
    event = (
        ProposalEvent.objects.select_related("proposal__proposer")
        .filter(proposal_id=proposal_id, action=action, to_status=new_status)
        .order_by("-pk")
        .first()
    )
    if event is not None:
        with transaction.atomic():
            announce_transition(event.proposal, event)


@outbox_handler
def transition_email(event_id: int, user_id: int) -> EmailMessage | None:
    """The e-mail of one workflow step to one person, in their language: the proposal's new status, and what is
    needed from them if it is their turn."""
    event = ProposalEvent.objects.select_related("proposal__proposer", "proposal__institution").get(pk=event_id)
    person = get_user_model().objects.get(pk=user_id)
    if not person.may_be_emailed:
        return None
    proposal = event.proposal
    new_status = event.to_status
    url = settings.PUBLIC_BASE_URL + reverse("proposals:detail", args=[proposal.pk])
    with translation.override(person.preferred_language or "en"):
        subject = str(wording(proposal).transition_subject) % {
            "ref": proposal.reference,
            "title": one_line(proposal.current_version.title) or _("(untitled)"),
            "status": S(new_status).label,
        }
        body = str(wording(proposal).transition_body) % {
            "name": person.full_name,
            "title": proposal.current_version.title,
            "ref": proposal.reference,
            "status": S(new_status).label,
            "url": url,
        }
        needed = action_needed(proposal, new_status, person)
        if needed:
            subject = _("%(subject)s (action needed from you)") % {"subject": subject}
            body = str(body).replace("\n\n", f"\n\n{needed}\n\n", 1)
    return EmailMessage(one_line(subject), str(body), settings.DEFAULT_FROM_EMAIL, [person.email])


def alliance_admins() -> list:
    """The people the alliance admin's notices go to: holders of the role, and superusers (who are admins too)."""
    User = get_user_model()
    admins = User.objects.filter(is_active=True, erased_at__isnull=True).filter(
        Q(is_superuser=True) | Q(role_assignments__role=Role.ALLIANCE_ADMIN)
    )
    return [person for person in admins.distinct().order_by("pk") if person.email]


def announce_policy_review(policy, person) -> None:
    """In the reminding transaction: e-mail `person` that `policy` is due for review (once per review date)."""
    enqueue(
        key=f"policy-review:{policy.pk}:{policy.review_due.isoformat()}:{person.pk}",
        handler=policy_review_email,
        payload={"policy_id": policy.pk, "user_id": person.pk},
    )


@outbox_handler
def policy_review_email(policy_id: int, user_id: int) -> EmailMessage | None:
    from microcred.reference.models import PolicyVersion

    policy = PolicyVersion.objects.get(pk=policy_id)
    person = get_user_model().objects.get(pk=user_id)
    if not person.may_be_emailed:
        return None
    url = settings.PUBLIC_BASE_URL + reverse("admin:reference_policyversion_change", args=[policy.pk])
    with translation.override(person.preferred_language or "en"):
        subject = _("The micro-credentials policy is due for review by %(date)s") % {
            "date": policy.review_due.isoformat()
        }
        body = _(
            "Hello %(name)s,\n\nThe policy “%(policy)s”, in force since %(since)s, is due for review by %(date)s "
            "(policy 10.3).\n\nWhen the review changes a threshold of the eligibility checklist, enter it as a new "
            "policy version with the day it takes effect; proposals submitted before keep being checked against the "
            "version they were submitted under.\n\nThe policy versions: %(url)s\n"
        ) % {
            "name": person.full_name,
            "policy": policy.name,
            "since": policy.effective_from.isoformat(),
            "date": policy.review_due.isoformat(),
            "url": url,
        }
    return EmailMessage(one_line(subject), str(body), settings.DEFAULT_FROM_EMAIL, [person.email])


def announce_fallback(proposal, event, person, institution=None) -> None:
    """In the transition's transaction: tell an alliance admin that nobody at a proposing university (the
    proposal's, or a co-proposer's `institution`) holds the role the step needs, so it fell to the board secretary
    (policy 7.4). Once per step, university and admin."""
    key, payload = f"step-fallback:{event.pk}:{person.pk}", {"proposal_id": proposal.pk, "user_id": person.pk}
    if institution is not None:
        key, payload["institution_id"] = f"{key}:{institution.pk}", institution.pk
    enqueue(key=key, handler=fallback_email, payload=payload)


@outbox_handler
def fallback_email(proposal_id: int, user_id: int, institution_id: int | None = None) -> EmailMessage | None:
    proposal = Proposal.objects.select_related("institution").get(pk=proposal_id)
    person = get_user_model().objects.get(pk=user_id)
    if not person.may_be_emailed:
        return None
    university = proposal.institution if institution_id is None else Institution.objects.get(pk=institution_id)
    roles_url = settings.PUBLIC_BASE_URL + reverse("admin:accounts_roleassignment_changelist")
    with translation.override(person.preferred_language or "en"):
        subject = _("[%(ref)s] No institutional manager at %(university)s: the board secretary takes the step") % {
            "ref": proposal.reference,
            "university": university.name,
        }
        body = str(wording(proposal).fallback_body) % {
            "name": person.full_name,
            "title": proposal.current_version.title,
            "ref": proposal.reference,
            "university": university.name,
            "roles": roles_url,
            "url": settings.PUBLIC_BASE_URL + reverse("proposals:detail", args=[proposal.pk]),
        }
    return EmailMessage(one_line(subject), str(body), settings.DEFAULT_FROM_EMAIL, [person.email])


def announce_meeting_invitation(item) -> None:
    """In the scheduling transaction: invite the proposers to the meeting where the proposal is discussed
    (policy 7.5). Once per agenda item and person."""
    enqueue(key=f"meeting-invitation:{item.pk}", handler=meeting_invitation_email, payload={"agenda_item_id": item.pk})
    for person in proposers(item.proposal)[1:]:  # the co-proposers
        enqueue(
            key=f"meeting-invitation:{item.pk}:{person.pk}",
            handler=meeting_invitation_email,
            payload={"agenda_item_id": item.pk, "user_id": person.pk},
        )


@outbox_handler
def meeting_invitation_email(agenda_item_id: int, user_id: int | None = None) -> EmailMessage | None:
    """The invitation of one proposer (``user_id``, or the proposer when it is not given)."""
    item = AgendaItem.objects.select_related("meeting", "proposal__proposer").get(pk=agenda_item_id)
    proposal, meeting = item.proposal, item.meeting
    person = proposal.proposer if user_id is None else get_user_model().objects.get(pk=user_id)
    if not person.may_be_emailed or person.pk not in proposal.proposer_ids:  # (a co-proposer removed meanwhile)
        return None
    on_agenda = proposal.status in (S.SCHEDULED, S.EXECUTIVE_SCHEDULED)
    if not on_agenda or item.version_number != proposal.current_version.number or hasattr(item, "decision"):
        return None  # taken off the agenda (or decided) before the e-mail went out: nothing to invite to
    agenda = list(meeting.items.order_by("order", "id").values_list("pk", flat=True))
    with translation.override(person.preferred_language or "en"):
        subject = _("[%(ref)s] You are invited: %(body)s on %(date)s") % {
            "ref": proposal.reference,
            "body": meeting.get_body_display(),
            "date": timezone.localtime(meeting.date).strftime("%Y-%m-%d"),
        }
        body = str(wording(proposal).invitation_body) % {
            "name": person.full_name,
            "title": proposal.current_version.title,
            "ref": proposal.reference,
            "number": agenda.index(item.pk) + 1,
            "body": meeting.get_body_display(),
            "date": timezone.localtime(meeting.date).strftime("%Y-%m-%d %H:%M"),
            "place": f" ({meeting.location})" if meeting.location else "",
            "url": settings.PUBLIC_BASE_URL + reverse("proposals:meeting", args=[meeting.pk]),
        }
    return EmailMessage(one_line(subject), str(body), settings.DEFAULT_FROM_EMAIL, [person.email])


def announce_co_proposer(link) -> None:
    """In the adding transaction: tell the colleague they are a co-proposer now. Once per time added."""
    enqueue(key=f"co-proposer-added:{link.pk}", handler=co_proposer_email, payload={"link_id": link.pk})


@outbox_handler
def co_proposer_email(link_id: int) -> EmailMessage | None:
    from microcred.proposals.models import CoProposer

    link = CoProposer.objects.select_related("person", "added_by", "proposal").filter(pk=link_id).first()
    if link is None or not link.person.may_be_emailed:  # removed before the e-mail went out
        return None
    proposal, person = link.proposal, link.person
    with translation.override(person.preferred_language or "en"):
        subject = _("[%(ref)s] You are a co-proposer of “%(title)s”") % {
            "ref": proposal.reference,
            "title": one_line(proposal.current_version.title) or _("(untitled)"),
        }
        body = _(
            "Hello %(name)s,\n\n%(proposer)s added you as a co-proposer of the proposal “%(title)s” (%(ref)s). You "
            "can read, edit and send it with them, and you will be e-mailed each of its steps.\n\nOpen it: %(url)s\n"
        ) % {
            "name": person.full_name,
            "proposer": link.added_by.full_name,
            "title": proposal.current_version.title,
            "ref": proposal.reference,
            "url": settings.PUBLIC_BASE_URL + reverse("proposals:detail", args=[proposal.pk]),
        }
    return EmailMessage(one_line(subject), str(body), settings.DEFAULT_FROM_EMAIL, [person.email])


def announce_co_proposer_left(proposal, person, event_id: int) -> None:
    """In the leaving transaction: tell the proposer that `person` is no longer a co-proposer. Once per leaving
    (the key is its audit event)."""
    enqueue(
        key=f"co-proposer-left:{event_id}",
        handler=co_proposer_left_email,
        payload={"proposal_id": proposal.pk, "person_id": person.pk},
    )


@outbox_handler
def co_proposer_left_email(proposal_id: int, person_id: int) -> EmailMessage | None:
    proposal = Proposal.objects.select_related("proposer").filter(pk=proposal_id).first()
    person = get_user_model().objects.filter(pk=person_id).first()
    if proposal is None or person is None or not proposal.proposer.may_be_emailed:
        return None
    proposer = proposal.proposer
    with translation.override(proposer.preferred_language or "en"):
        subject = _("[%(ref)s] %(name)s is no longer a co-proposer") % {
            "ref": proposal.reference,
            "name": person.full_name,
        }
        body = _(
            "Hello %(proposer)s,\n\n%(name)s left the proposal “%(title)s” (%(ref)s): they can no longer edit or "
            "send it, and are no longer e-mailed its steps. What they wrote stays in the proposal.\n\n"
            "Open it: %(url)s\n"
        ) % {
            "proposer": proposer.full_name,
            "name": person.full_name,
            "title": proposal.current_version.title,
            "ref": proposal.reference,
            "url": settings.PUBLIC_BASE_URL + reverse("proposals:detail", args=[proposal.pk]),
        }
    return EmailMessage(one_line(subject), str(body), settings.DEFAULT_FROM_EMAIL, [proposer.email])


# Conditions of approval (issue #14) ---------------------------------------------------------------------------


def condition_owners(condition) -> list:
    """Who answers for a condition: the proposers and the institutional managers of the owner university."""
    people = {*proposers(condition.proposal), *_people(Role.INSTITUTIONAL_MANAGER, condition.owner_institution_id)}
    return sorted((p for p in people if p.is_active and p.may_be_emailed), key=lambda person: person.pk)


def announce_condition_step(condition, step: str) -> None:
    """In the step's transaction: a report goes to the board secretaries; a confirmation or a reopening to the
    proposers and whoever reported. Once per step taken (the key carries when it was taken)."""
    if step == "reported":
        people, at = _people(Role.BOARD_SECRETARY), condition.reported_at
    else:
        people = proposers(condition.proposal) + ([condition.reported_by] if condition.reported_by_id else [])
        at = condition.confirmed_at if step == "confirmed" else condition.reopened_at
    for person in {p.pk: p for p in people}.values():
        enqueue(
            key=f"condition-{step}:{condition.pk}:{at.isoformat()}:{person.pk}",
            handler=condition_email,
            payload={"condition_id": condition.pk, "user_id": person.pk, "step": step},
        )


def announce_condition_overdue(condition, person) -> None:
    """In the overdue task's transaction: tell an owner the condition is past its due date. Once per person."""
    enqueue(
        key=f"condition-overdue:{condition.pk}:{person.pk}",
        handler=condition_email,
        payload={"condition_id": condition.pk, "user_id": person.pk, "step": "overdue"},
    )


@outbox_handler
def condition_email(condition_id: int, user_id: int, step: str) -> EmailMessage | None:
    from microcred.proposals.models import ApprovalCondition

    condition = ApprovalCondition.objects.select_related("proposal").get(pk=condition_id)
    person = get_user_model().objects.get(pk=user_id)
    if not person.may_be_emailed:
        return None
    proposal = condition.proposal
    with translation.override(person.preferred_language or "en"):
        subjects = {
            "reported": _("[%(ref)s] Condition %(n)d reported as met: to confirm"),
            "confirmed": _("[%(ref)s] Condition %(n)d confirmed as met"),
            "reopened": _("[%(ref)s] Condition %(n)d reopened"),
            "overdue": _("[%(ref)s] Condition %(n)d is overdue"),
        }
        lines = {
            "reported": _("It has been reported as met and waits for the board secretary to confirm it."),
            "confirmed": _("The board secretary confirmed it as met."),
            "reopened": _("The board secretary reopened it: %(reason)s") % {"reason": condition.reopen_reason},
            "overdue": _("It was due by %(date)s and has not been reported as met.")
            % {"date": condition.due_on.isoformat()},
        }
        subject = subjects[step] % {"ref": proposal.reference, "n": condition.number}
        body = _(
            "Hello %(name)s,\n\nCondition %(n)d of the approval of “%(title)s” (%(ref)s):\n\n%(text)s\n\n%(line)s\n\n"
            "Open the proposal: %(url)s\n"
        ) % {
            "name": person.full_name,
            "n": condition.number,
            "title": proposal.current_version.title,
            "ref": proposal.reference,
            "text": condition.text,
            "line": lines[step],
            "url": settings.PUBLIC_BASE_URL + reverse("proposals:detail", args=[proposal.pk]),
        }
    return EmailMessage(one_line(subject), str(body), settings.DEFAULT_FROM_EMAIL, [person.email])
