"""Surveys' personal data (GDPR Art. 30) and its part in the learner's rights (Art. 15, 17, 20), found by
`microcred.privacy.registry`.

Only ``Invitation`` names a person: who was asked to answer which survey and whether they have, to send the link
and the one reminder and to count the response rate. Responses and answers are anonymous: they name no person,
invitation, token or time (``tests/test_anonymity.py`` checks every table), so they are in no one's export and
are kept when an account is erased. Erasing an account makes its unused survey links stop working.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from microcred.privacy.registry import Category as C
from microcred.privacy.registry import Subject as S
from microcred.privacy.registry import activity, declare, declare_no_personal_data

EXPORT_ORDER = 55

activity(
    "surveys",
    _("Post-delivery surveys"),
    _(
        "After an offering ends, its learners and teaching staff are invited by e-mail to an anonymous survey and "
        "reminded once; the platform keeps who was invited and whether they answered, never who gave which answers."
    ),
    subjects=[S.LEARNERS, S.STAFF],
    recipients=[
        _("the quality office (results, comments without names)"),
        _("the offering's staff and university managers (results only, from 5 responses)"),
        _("the outgoing e-mail service (processor)"),
    ],
    security=["access_control", "hashed_tokens", "aggregated_reports", "audit_log", "transport", "erasure"],
)
declare(
    "surveys.Invitation",
    activity="surveys",
    subjects=[S.LEARNERS, S.STAFF],
    fields={"person": C.EDUCATION, "answered": C.EDUCATION, "token_hash": C.AUTHENTICATION},
    retention=_(
        "kept with the survey for its response rate (by account number); the link's hash is discarded on answering"
    ),
)
declare(
    "surveys.TemplateVersion",
    activity="surveys",
    subjects=[S.STAFF],
    fields={"created_by": C.ACTIVITY},
    retention=_("kept as the record of the alliance's work (named by account; see the privacy notice)"),
)
declare_no_personal_data(
    "surveys.SurveyTemplate",
    "surveys.Question",
    "surveys.Choice",
    "surveys.Survey",
    reason=_("questionnaires and the surveys of offerings"),
)
declare_no_personal_data(
    "surveys.Response",
    "surveys.Answer",
    reason=_("anonymous: no link to a person, an invitation, a token or a time"),
)


def export_personal_data(user) -> dict[str, object]:
    """The surveys the person was invited to and whether they answered (their answers cannot be found: anonymous)."""
    from microcred.surveys.models import Invitation

    rows = Invitation.objects.filter(person=user).select_related("survey__offering__version").order_by("pk")
    return {
        "survey_invitations.json": [
            {
                "survey": invitation.survey_id,
                "offering": invitation.survey.offering_id,
                "micro_credential": invitation.survey.offering.version.title,
                "audience": invitation.survey.audience,
                "answered": invitation.answered,
            }
            for invitation in rows
        ]
    }


def erase_personal_data(user) -> None:
    from microcred.surveys.services import forget_invitations_of

    forget_invitations_of(user)
