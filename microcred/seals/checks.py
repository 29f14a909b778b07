"""System checks of the seals: every seal key that may still seal opens with the configured KEK (seals.E001),
and an active seal that expires within 30 days (seals.W001) or is a test seal outside DEBUG (seals.W002) is said."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import DatabaseError
from django.utils import timezone


@register()
def check_seal_certificates(app_configs=None, **kwargs):
    from microcred.credentials.keys import KeyEncryptionKeyError
    from microcred.seals.models import SealCertificate
    from microcred.seals.services import private_key_of

    try:
        seals = list(SealCertificate.objects.select_related("issuer").filter(active=True, revoked_at__isnull=True))
    except DatabaseError:
        return []  # before migrate
    messages = []
    soon = timezone.now() + timedelta(days=30)
    for seal in seals:
        try:
            private_key_of(seal)
        except (KeyEncryptionKeyError, ValueError) as exc:
            messages.append(
                Error(
                    f"The seal key of {seal.issuer.slug} does not open: {exc}",
                    hint="Set CREDENTIAL_KEK (or CREDENTIAL_KEK_PREVIOUS during a rotation), then rotate_seal_kek.",
                    id="seals.E001",
                )
            )
        if seal.not_after <= soon:
            messages.append(
                Warning(
                    f"The seal certificate of {seal.issuer.slug} expires on {seal.not_after:%Y-%m-%d}.",
                    hint="Install its successor on the admin site (Seal certificates).",
                    id="seals.W001",
                )
            )
        if seal.is_test_seal and not settings.DEBUG:
            messages.append(
                Warning(
                    f"{seal.issuer.slug} seals ELM credentials with a TEST seal, not a qualified electronic seal.",
                    hint="Install the university's qualified seal certificate (docs/interoperability.md).",
                    id="seals.W002",
                )
            )
    return messages
