"""The account's part in the learner's rights (GDPR Art. 15, 17, 20), run by `microcred.privacy.registry`."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

EXPORT_ORDER = 10  # the account comes first in the archive
ERASE_ORDER = 1000  # last: the other apps find the learner's data by the account's e-mail address


def export_personal_data(user) -> dict[str, object]:
    return {
        "account.json": {
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "did": user.did,
            "date_joined": user.date_joined.isoformat(),
            "email_verified_at": user.email_verified_at.isoformat() if user.email_verified_at else None,
            # The learner's background, for the alliance's reporting (issue #15); "" where not said.
            "learner_group": user.learner_group,
            "country": user.country,
            "age_band": user.age_band,
            "employment_status": user.employment_status,
            "roles": [
                {"role": a.role, "institution": a.institution.name if a.institution_id else None}
                for a in user.role_assignments.select_related("institution")
            ],
        }
    }


def erase_personal_data(user) -> None:
    """The account is closed: roles and API tokens removed, name, e-mail and DID replaced, the background (learner
    group, country, age band, employment status) cleared, so an erased account is no longer counted by group. The
    row stays for the records that name the person by number."""
    user.role_assignments.all().delete()
    user.email = f"erased-{user.pk}@invalid"
    user.full_name = _("Erased account")
    user.did = ""
    user.learner_group = user.country = user.age_band = user.employment_status = ""
    user.set_unusable_password()
    user.is_active = False
    user.erased_at = timezone.now()
    user.save()
    Token.objects.filter(user=user).delete()
