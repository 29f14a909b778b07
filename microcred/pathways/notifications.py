"""E-mails about pathway credentials, sent through the outbox (microcred.outbox), each once, after the commit.

* ``announce_pathway_awarded``: to the learner, in the transaction that stored the award
  (``pathway-awarded:<award>``).
* ``announce_award_to_review``: to the credential officers of the pathway credential's issuer, when a component
  credential was revoked after the award (``pathway-award-review:<award>:<component>``): they decide.

And ``PROPOSAL_WORDING``: how the e-mails of a pathway proposal's review (sent by the proposals app) name it: "the
pathway proposal", never a micro-credential (registered in apps.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.core.text import one_line
from microcred.outbox.services import enqueue, outbox_handler
from microcred.pathways.award_models import PathwayAward
from microcred.proposals.publishing import ProposalWording
from microcred.roles import Role

PROPOSAL_WORDING = ProposalWording(
    transition_subject=gettext_lazy("[%(ref)s] Pathway %(title)s: %(status)s"),
    transition_body=gettext_lazy(
        "Hello %(name)s,\n\nThe pathway proposal “%(title)s” (%(ref)s) is now: %(status)s.\n\nOpen it: %(url)s\n"
    ),
    invitation_body=gettext_lazy(
        "Hello %(name)s,\n\nYour pathway proposal “%(title)s” (%(ref)s) is item %(number)d on the agenda of the "
        "%(body)s on %(date)s%(place)s. You are invited to attend its discussion (policy 7.5).\n\n"
        "The meeting and your agenda item: %(url)s\n"
    ),
    fallback_body=gettext_lazy(
        "Hello %(name)s,\n\nThe pathway proposal “%(title)s” (%(ref)s) needs the approval of an institutional "
        "manager of %(university)s (policy 7.4), and nobody holds that role there. The step has fallen to the board "
        "secretary, who may approve or return it instead, so that it does not wait for nobody; it stays with the "
        "secretary even if a manager is appointed now.\n\nAppoint an institutional manager for the next "
        "proposals: %(roles)s\nThe pathway proposal: %(url)s\n"
    ),
)


def announce_pathway_awarded(award: PathwayAward) -> None:
    enqueue(key=f"pathway-awarded:{award.pk}", handler=pathway_awarded_email, payload={"award_id": award.pk})


def announce_award_to_review(award: PathwayAward, component) -> None:
    enqueue(
        key=f"pathway-award-review:{award.pk}:{component.pk}",
        handler=award_to_review_email,
        payload={"award_id": award.pk, "component_id": component.pk},
    )


def _award(award_id: int) -> PathwayAward:
    return PathwayAward.objects.select_related("credential__issuer__institution", "pathway_version", "learner").get(
        pk=award_id
    )


@outbox_handler
def pathway_awarded_email(award_id: int) -> EmailMessage | None:
    award = _award(award_id)
    credential, learner = award.credential, award.learner
    if not credential.learner_name or getattr(learner, "erased_at", None) is not None:
        return None
    url = settings.PUBLIC_BASE_URL + reverse("wallet:credential", args=[credential.uuid])
    with translation.override(getattr(learner, "preferred_language", "") or settings.LANGUAGE_CODE):
        subject = _("You completed the pathway %(title)s") % {"title": award.pathway_version.title}
        body = _(
            "Hello %(name)s,\n\nYour micro-credentials complete the pathway “%(title)s”: %(issuer)s has issued its "
            "credential to you.\n\nOpen it in your wallet to download it, share it or send it to a wallet app:\n"
            "%(url)s\n"
        ) % {
            "name": credential.learner_name,
            "title": award.pathway_version.title,
            "issuer": credential.issuer.name,
            "url": url,
        }
    return EmailMessage(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, [credential.learner_email])


def _officers_of(issuer) -> list:
    """The credential officers of the issuer (for the alliance's issuer: alliance-scoped officers too)."""
    institution = issuer.institution
    where = Q(role_assignments__institution=institution)
    if institution.is_alliance:
        where |= Q(role_assignments__institution__isnull=True)
    users = get_user_model().objects.filter(where, is_active=True, role_assignments__role=Role.CREDENTIAL_OFFICER)
    return list(users.distinct().order_by("pk"))


@outbox_handler
def award_to_review_email(award_id: int, component_id: int) -> EmailMessage | None:
    award = _award(award_id)
    officers = [u.email for u in _officers_of(award.credential.issuer) if u.email]
    if not officers:
        return None
    url = settings.PUBLIC_BASE_URL + reverse("pathways:awards-to-review")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("A pathway credential to review: %(title)s") % {"title": award.pathway_version.title}
        body = _(
            "A component credential of the pathway credential %(credential)s (“%(title)s”) was revoked after the "
            "pathway was awarded. The pathway credential is still valid: decide whether to keep it or revoke it:\n"
            "%(url)s\n"
        ) % {"credential": award.credential.credential_id, "title": award.pathway_version.title, "url": url}
    return EmailMessage(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, officers)
