"""Who may do what with issued credentials."""

from __future__ import annotations

from microcred.credentials.selectors import job_issuer
from microcred.roles import Role, has_role, is_alliance_admin


def is_credential_officer_of(user, issuer) -> bool:
    """A credential officer of the issuer's university; for the alliance's issuer, an alliance-scoped officer.

    Alliance-scoped credential officers hold the role with no institution (microcred/roles/definitions.py); an assignment
    at the alliance's own Institution row counts the same.
    """
    institution = issuer.institution
    if has_role(user, Role.CREDENTIAL_OFFICER, institution_id=institution.pk):
        return True
    return institution.is_alliance and has_role(user, Role.CREDENTIAL_OFFICER, institution_id=None)


def can_revoke(user, issued_credential) -> bool:
    return is_credential_officer_of(user, issued_credential.issuer)


def is_holder(user, issued_credential) -> bool:
    """The learner the credential was issued to: its learner's account, whatever that account's e-mail address
    is now; for a credential issued to no account, the account with the credential's e-mail address."""
    if not getattr(user, "is_authenticated", False):
        return False
    if issued_credential.learner_id is not None:
        return issued_credential.learner_id == user.pk
    email = getattr(user, "email", "") or ""
    return bool(email) and email.lower() == issued_credential.learner_email.lower()


def can_download(user, issued_credential) -> bool:
    return is_holder(user, issued_credential) or is_credential_officer_of(user, issued_credential.issuer)


def is_any_credential_officer(user) -> bool:
    return has_role(user, Role.CREDENTIAL_OFFICER, anywhere=True) or has_role(user, Role.CREDENTIAL_OFFICER)


def can_follow_job(user, job) -> bool:
    """Who requested an issuance job, or any credential officer of the issuer it issues for."""
    return job.requested_by_id == user.pk or is_credential_officer_of(user, job_issuer(job))


def can_manage_issuers(user) -> bool:
    """Who edits the issuers' certificate signatories (their officers' names, roles and signature pictures) on the
    admin site: the alliance admin, who keeps the alliance's reference data and the admin site. Keys are managed
    with commands (README), never here."""
    return is_alliance_admin(user)
