"""{% load seals %}: ``credential|sealable`` says whether the sealed Europass file can be offered (its issuer has a
usable seal, or test seals are allowed, and the credential is not revoked)."""

from django import template

from microcred.seals.services import can_seal

register = template.Library()


@register.filter
def sealable(credential) -> bool:
    return credential is not None and credential.revoked_at is None and can_seal(credential.issuer)
