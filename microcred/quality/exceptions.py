from django.utils.translation import gettext_lazy as _

from microcred.core.exceptions import DomainError, NotFound, PermissionDenied


class NotAllowed(PermissionDenied):
    code = "not_allowed"


class RecommendationNotFound(NotFound):
    code = "recommendation_not_found"

    def __init__(self):
        super().__init__(str(_("There is no such recommendation, or you may not see it.")))


class ReportNotFound(NotFound):
    code = "council_report_not_found"

    def __init__(self):
        super().__init__(str(_("There is no such council report, or you may not see it.")))


class AlreadyClosed(DomainError):
    code = "already_closed"
    status = 409

    def __init__(self):
        super().__init__(str(_("This recommendation is already closed.")))


class AlreadyOnAgenda(DomainError):
    code = "already_on_agenda"
    status = 409

    def __init__(self):
        super().__init__(str(_("This report is already on the agenda.")))
