from django.utils.translation import gettext_lazy as _

from microcred.core.exceptions import DomainError, NotFound, PermissionDenied


class TaskNotFound(NotFound):
    code = "task_not_found"

    def __init__(self):
        super().__init__(str(_("There is no such hand-off task, or you may not see it.")))


class NotAllowed(PermissionDenied):
    code = "not_allowed"


class TaskState(DomainError):
    """The task's status does not allow this change."""

    code = "task_state"
    status = 409
