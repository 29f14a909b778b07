"""The roles people hold (policy sections on governance and issuing; docs/product-rules.md, Roles) and the
questions every app asks about them: does this person hold role X, and at which university?

Below every app that asks, the audit log and privacy included; the accounts app stores the assignments
(`RoleAssignment`, reached here through `user.role_assignments`) and assigns them, audited. Imports no app.
"""

from microcred.roles.checks import (
    has_role,
    institutions_where,
    is_alliance_admin,
    is_learner_account,
    is_staff_member,
    roles_of,
)
from microcred.roles.definitions import ALLIANCE_WIDE, INSTITUTION_OPTIONAL, INSTITUTION_REQUIRED, STAFF_ROLES, Role

__all__ = [
    "ALLIANCE_WIDE",
    "INSTITUTION_OPTIONAL",
    "INSTITUTION_REQUIRED",
    "STAFF_ROLES",
    "Role",
    "has_role",
    "institutions_where",
    "is_alliance_admin",
    "is_learner_account",
    "is_staff_member",
    "roles_of",
]
