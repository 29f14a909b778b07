"""E-mails to learners about their credentials, sent through the outbox (microcred.outbox).

``announce_credential_issued`` / ``announce_credential_revoked`` write the e-mail's outbox row in the
transaction that issues or revokes the credential, keyed by the credential (``credential-issued:<id>``,
``credential-revoked:<id>``): each is sent once, after the commit, however many jobs, retries or workers
touch the credential. The message itself is built when it is sent, in the learner's language.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from microcred.core.text import one_line
from microcred.credentials.models import IssuedCredential
from microcred.outbox.services import enqueue, enqueue_many, outbox_handler


def _language_of(email: str) -> str:
    learner = get_user_model().objects.filter(email__iexact=email).first()
    return learner.preferred_language if learner else settings.LANGUAGE_CODE


def _credential(credential_id: int) -> IssuedCredential:
    return IssuedCredential.objects.select_related("micro_credential_version", "issuer").get(pk=credential_id)


def announce_credential_issued(credential: IssuedCredential) -> None:
    """In the transaction that stored ``credential``: e-mail the learner once it commits (once ever)."""
    enqueue(
        key=f"credential-issued:{credential.pk}",
        handler=credential_issued_email,
        payload={"credential_id": credential.pk},
    )


def announce_credentials_issued(credentials: list[IssuedCredential]) -> None:
    """``announce_credential_issued`` for a batch: the outbox rows in one insert, delivered by one task."""
    enqueue_many(
        [(f"credential-issued:{c.pk}", credential_issued_email, {"credential_id": c.pk}) for c in credentials]
    )


def announce_credential_revoked(credential: IssuedCredential) -> None:
    """In the transaction that revoked ``credential``: e-mail the learner once it commits (once ever)."""
    enqueue(
        key=f"credential-revoked:{credential.pk}",
        handler=credential_revoked_email,
        payload={"credential_id": credential.pk},
    )


def email_credential_revoked(credential_id: int) -> None:
    """After the revocation committed (services.status.revoke_credential calls it then): the outbox row, if
    the revoking transaction did not write it already (announce_credential_revoked). Sent once either way."""
    with transaction.atomic():
        announce_credential_revoked(_credential(credential_id))


@outbox_handler
def credential_issued_email(credential_id: int) -> EmailMessage | None:
    credential = _credential(credential_id)
    if not credential.learner_name:  # the account was erased before the e-mail went out: nobody to write to
        return None
    url = settings.PUBLIC_BASE_URL + reverse("wallet:credential", args=[credential.uuid])
    with translation.override(_language_of(credential.learner_email)):
        subject = _("Your credential: %(title)s") % {"title": credential.title}
        body = _(
            "Hello %(name)s,\n\n%(issuer)s has issued your credential for “%(title)s”.\n\n"
            "Open it in your wallet to download it (PDF, badge image, JSON), share it or add it to LinkedIn:\n"
            "%(url)s\n"
        ) % {
            "name": credential.learner_name,
            "issuer": credential.issuer.name,
            "title": credential.title,
            "url": url,
        }
    return EmailMessage(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, [credential.learner_email])


@outbox_handler
def credential_revoked_email(credential_id: int) -> EmailMessage | None:
    credential = _credential(credential_id)
    if not credential.learner_name:  # erased account: nobody to write to
        return None
    with translation.override(_language_of(credential.learner_email)):
        subject = _("Your credential was revoked: %(title)s") % {"title": credential.title}
        body = _(
            "Hello %(name)s,\n\n%(issuer)s has revoked your credential for “%(title)s” on %(date)s.\n"
            "Reason: %(reason)s\n\nVerifiers now see that it is revoked. If you think this is a mistake, "
            "reply to the issuer.\n"
        ) % {
            "name": credential.learner_name,
            "issuer": credential.issuer.name,
            "title": credential.title,
            "date": credential.revoked_at.date().isoformat(),
            "reason": credential.revocation_reason,
        }
    return EmailMessage(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, [credential.learner_email])
