"""Learning's part in the learner's rights (GDPR Art. 15, 20), run by `microcred.privacy.registry`.

Enrolments and results are kept as the learner's education record when the account is erased (they name the
account by number only), so learning has nothing to erase.
"""

from __future__ import annotations

from microcred.learning.models import Enrolment, Result

EXPORT_ORDER = 50


def _rows(model, owner: str, user) -> list[dict]:
    fields = [f.name for f in model._meta.concrete_fields if f.name != owner]
    return list(model.objects.filter(**{owner: user}).order_by("pk").values(*fields))


def export_personal_data(user) -> dict[str, object]:
    """The learner's enrolments and results, grades included."""
    return {"enrolments.json": _rows(Enrolment, "learner", user), "results.json": _rows(Result, "learner", user)}
