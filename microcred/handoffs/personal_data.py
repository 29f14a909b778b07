"""The personal data the hand-offs app holds (found by microcred.privacy.registry): who changed a task and who ticked
an item, kept as the record of the alliance's work, like the proposals they follow."""

from django.utils.translation import gettext_lazy as _

from microcred.privacy.declarations import KEPT_AS_RECORD
from microcred.privacy.registry import Category as C
from microcred.privacy.registry import Subject as S
from microcred.privacy.registry import declare, declare_no_personal_data

declare_no_personal_data("handoffs.TaskKind", reason=_("the alliance's plan of hand-offs after an approval"))
declare(
    "handoffs.HandoffTask",
    activity="proposals",
    subjects=[S.STAFF],
    fields={"changed_by": C.ACTIVITY, "changed_at": C.ACTIVITY, "cancel_reason": C.CONTRIBUTIONS},
    retention=KEPT_AS_RECORD,
)
declare(
    "handoffs.ChecklistItem",
    activity="proposals",
    subjects=[S.STAFF],
    fields={"done_by": C.ACTIVITY, "done_at": C.ACTIVITY},
    retention=KEPT_AS_RECORD,
)
