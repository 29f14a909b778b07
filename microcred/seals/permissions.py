"""Who may do what with seals: the alliance admin installs and revokes seal certificates (as it manages the
issuers, credentials.permissions.can_manage_issuers); whoever may download a credential may download it sealed."""

from __future__ import annotations

from microcred.credentials import permissions as credential_permissions


def can_manage_seals(user) -> bool:
    return credential_permissions.can_manage_issuers(user)


def can_download_sealed(user, issued_credential) -> bool:
    return credential_permissions.can_download(user, issued_credential)
