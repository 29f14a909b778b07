"""The roles people hold (docs/product-rules.md, Roles). Pure data: which roles exist and how each is scoped."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    PROPOSER = "proposer", _("Proposer")
    INSTITUTIONAL_MANAGER = "institutional_manager", _("Institutional manager")
    BOARD_SECRETARY = "board_secretary", _("Board secretary")
    COUNCIL_MEMBER = "council_member", _("Academic Council member")
    COUNCIL_CHAIR = "council_chair", _("Academic Council chair")
    EXECUTIVE_BOARD_MEMBER = "executive_board_member", _("Executive Board member")
    ASSESSOR = "assessor", _("Assessor")
    CREDENTIAL_OFFICER = "credential_officer", _("Credential officer")
    RECOGNITION_OFFICER = "recognition_officer", _("Recognition officer")
    QUALITY_OFFICE = "quality_office", _("Quality office")
    COMMUNICATION_OFFICE = "communication_office", _("Communication office")
    ALLIANCE_ADMIN = "alliance_admin", _("Alliance admin")


# Roles that belong to one member university: the assignment must name it.
INSTITUTION_REQUIRED = frozenset(
    {Role.PROPOSER, Role.INSTITUTIONAL_MANAGER, Role.ASSESSOR, Role.RECOGNITION_OFFICER}
)
# A credential officer works for one university, or for the alliance's central issuer (no institution).
INSTITUTION_OPTIONAL = frozenset({Role.CREDENTIAL_OFFICER})
# Every other role acts for the whole alliance: the assignment names no institution.
ALLIANCE_WIDE = frozenset(Role) - INSTITUTION_REQUIRED - INSTITUTION_OPTIONAL
STAFF_ROLES = frozenset(Role) - {Role.LEARNER}
