"""The privacy notices' part in the learner's rights (GDPR Art. 15, 20), run by `microcred.privacy.registry`.

Which notice was shown when is the proof of having informed the person (Art. 13), kept with the erased account.
"""

from __future__ import annotations

from microcred.privacy.models import NoticeReceipt

EXPORT_ORDER = 60


def export_personal_data(user) -> dict[str, object]:
    fields = [f.name for f in NoticeReceipt._meta.concrete_fields if f.name != "user"]
    return {"privacy-notices-shown.json": list(NoticeReceipt.objects.filter(user=user).order_by("pk").values(*fields))}
