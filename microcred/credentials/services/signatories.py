"""The officers who sign an issuer's PDF certificates (issue #16): their signature pictures checked on upload,
who is shown, and the audit record of every change the alliance admin makes on the admin site."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.audit.services import audit_value, record_audit_event
from microcred.core.images import PictureMessages, PictureRules, normalise_picture
from microcred.credentials.models import Issuer, IssuerSignatory

SIGNATURE_MAX_BYTES = 2 * 1024 * 1024
SIGNATURE_RULES = PictureRules(
    formats=frozenset({"PNG", "JPEG"}),
    max_bytes=SIGNATURE_MAX_BYTES,
    max_pixels=25_000_000,  # refused before decoding: a decompression bomb
    min_side=32,
    box=(1200, 400),  # a signature is wide: kept up to 1200 × 400 pixels, its proportions kept
)


def normalise_signature(data: bytes) -> bytes:
    """Check an uploaded signature picture (PNG or JPEG, at most 2 MB) and keep it as a PNG that fits
    1200 × 400 pixels; a ValidationError that says why otherwise."""
    messages = PictureMessages(
        empty=_("The signature image file is empty."),
        too_large=_("The signature image is larger than 2 MB; upload a smaller image."),
        unreadable=_("The signature image is not an image this site reads: upload a PNG or JPEG file."),
        wrong_kind=_("A %(kind)s signature image is not accepted: upload a PNG or JPEG file."),
        too_many_pixels=_("The signature image has too many pixels (%(w)s × %(h)s); upload a smaller image."),
        too_small=_("The signature image is too small (%(w)s × %(h)s); upload one at least 32 pixels a side."),
        damaged=_("The signature image is damaged and cannot be read."),
    )
    return normalise_picture(data, SIGNATURE_RULES, messages)


def set_signature(signatory: IssuerSignatory, png: bytes | None) -> None:
    """Keep an already checked picture (or none) on the signatory, unsaved: the caller saves and audits."""
    signatory.signature = png
    signatory.signature_updated_at = timezone.now()


def signatories_shown(issuer: Issuer, on: date | None = None) -> list[IssuerSignatory]:
    """The signatories shown on the certificate of a credential the issuer awarded on the day ``on`` (today if
    None): active and in office that day (``serves_from`` ≤ day ≤ ``serves_until``, either open), left to right,
    at most MAX_SHOWN."""
    on = on or timezone.localdate()
    in_office = (Q(serves_from__isnull=True) | Q(serves_from__lte=on)) & (
        Q(serves_until__isnull=True) | Q(serves_until__gte=on)
    )
    shown = issuer.signatories.filter(in_office, active=True).order_by("order", "id")
    return list(shown[: IssuerSignatory.MAX_SHOWN])


def most_signing_on_one_day(terms: list[tuple[date | None, date | None]]) -> int:
    """The largest number of these terms (first day, last day, both included; None: open) that share a day. The
    count only rises on a term's first day, so those are the days to try."""
    firsts = {start or date.min for start, _end in terms}
    return max(
        (sum(1 for start, end in terms if (start or date.min) <= day <= (end or date.max)) for day in firsts),
        default=0,
    )


def record_signatory_change(*, actor, signatory: IssuerSignatory, change: str, fields: list[str]) -> None:
    """One audit event per signatory added, changed or deleted (``change``), with the new value of each changed
    field (a picture by its size and digest, or "" once removed)."""
    if change not in {"added", "changed", "deleted"}:
        raise ValueError(f"unknown signatory change {change!r}")
    values = {field: getattr(signatory, field) for field in fields}
    record_audit_event(
        actor=actor,
        action="issuer_signatory.added"  # spelt out: the audit tests read the names from the code
        if change == "added"
        else "issuer_signatory.changed"
        if change == "changed"
        else "issuer_signatory.deleted",
        target=signatory,
        summary=f"{signatory.issuer.slug}: {signatory}",
        changes={field: "" if value is None else audit_value(value) for field, value in values.items()},
    )
