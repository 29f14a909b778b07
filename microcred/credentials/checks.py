"""System checks: the key-encryption key must open every issuer key, or nothing can be signed.

Runs with ``manage.py check``, ``runserver`` and ``migrate`` (and the deployment's start-up check).
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Info, Warning, register
from django.db import DatabaseError

from microcred.credentials import keys, signers


@register("credentials")
def check_credential_kek(app_configs=None, **kwargs):
    from microcred.credentials.models import IssuerKey
    from microcred.credentials.services.issuers import did_for_slug, private_key_of

    try:  # a KEK that cannot be one is an error before any key exists (and before the tables do)
        if getattr(settings, "CREDENTIAL_KEK", ""):
            keys.get_kek()
        keys.previous_keks()
    except keys.KeyEncryptionKeyError as exc:
        return [Error(exc.message, hint=keys.GENERATE_HINT, id="credentials.E001")]
    try:
        issuer_keys = list(IssuerKey.objects.select_related("issuer").order_by("issuer__slug", "number"))
    except DatabaseError:
        return []  # tables not created yet (before migrate): nothing to open
    messages = []
    configured = bool(getattr(settings, "CREDENTIAL_KEK", ""))
    if not issuer_keys:
        if not configured and not settings.DEBUG:
            # Info, not a warning: a deployment may legitimately not issue credentials (yet).
            messages.append(
                Info(
                    "CREDENTIAL_KEK is not set: issuer keys cannot be created and no credential can be signed.",
                    hint=keys.GENERATE_HINT,
                    id="credentials.I001",
                )
            )
        return messages
    if not signers.uses_software_keys():
        return messages + _check_signer_backend(issuer_keys)
    try:  # CREDENTIAL_KEK_PREVIOUS was checked above; here the KEK may be missing, or the development one
        current_id = keys.kek_id(keys.get_kek())
    except keys.KeyEncryptionKeyError as exc:
        return [Error(exc.message, hint=keys.GENERATE_HINT, id="credentials.E001")]
    under_previous = []
    for issuer_key in issuer_keys:
        try:
            private_key_of(issuer_key)  # a sealed value in no known format is an E002 too
            if keys.sealed_kek_id(issuer_key.sealed_private_key) != current_id:
                under_previous.append(issuer_key)
        except keys.KeyEncryptionKeyError as exc:
            messages.append(
                Error(
                    f"{issuer_key.issuer.slug} {issuer_key.fragment}: {exc.message}",
                    hint="Set CREDENTIAL_KEK to the key-encryption key these issuer keys were created with.",
                    id="credentials.E002",
                )
            )
    if under_previous and not messages:
        messages.append(
            Warning(
                f"{len(under_previous)} issuer key(s) are still sealed under a previous KEK "
                "(CREDENTIAL_KEK_PREVIOUS): a KEK rotation is not finished.",
                hint="Run `manage.py rotate_kek`, then remove CREDENTIAL_KEK_PREVIOUS.",
                id="credentials.W004",
            )
        )
    if keys.using_dev_kek():
        messages.append(
            Warning(
                f"Issuer keys are sealed with the DEVELOPMENT key-encryption key in {keys.dev_kek_path()}.",
                hint="Only for a laptop. In production set CREDENTIAL_KEK.",
                id="credentials.W002",
            )
        )
    for issuer in {k.issuer for k in issuer_keys}:
        try:
            expected = did_for_slug(issuer.slug)
        except ValueError:
            continue
        if expected != issuer.did:
            messages.append(
                Warning(
                    f"The issuer {issuer.slug} has the DID {issuer.did}, but PUBLIC_BASE_URL now gives {expected}. "
                    "Its DID document is published under the old host; credentials keep the old DID.",
                    id="credentials.W003",
                )
            )
    return messages


def _check_signer_backend(issuer_keys) -> list:
    """CREDENTIAL_SIGNER names a backend: it must load and hold every active issuer key."""
    messages = []
    for issuer_key in issuer_keys:
        if issuer_key.status != issuer_key.Status.ACTIVE:
            continue
        try:
            signers.signer_for(issuer_key)
        except Exception as exc:
            messages.append(
                Error(
                    f"{issuer_key.issuer.slug} {issuer_key.fragment}: {getattr(exc, 'message', None) or exc}",
                    hint="CREDENTIAL_SIGNER must name a backend that holds every active issuer key.",
                    id="credentials.E003",
                )
            )
    return messages
