"""E-mails to learners about their credentials, sent after the transaction commits."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from microcred.credentials.models import IssuedCredential


def _language_of(email: str) -> str:
    learner = get_user_model().objects.filter(email__iexact=email).first()
    return learner.preferred_language if learner else settings.LANGUAGE_CODE


def email_credential_issued(credential_id: int) -> None:
    credential = IssuedCredential.objects.select_related("micro_credential_version", "issuer").get(pk=credential_id)
    url = settings.PUBLIC_BASE_URL + reverse("wallet:credential", args=[credential.uuid])
    with translation.override(_language_of(credential.learner_email)):
        subject = _("Your credential: %(title)s") % {"title": credential.micro_credential_version.title}
        body = _(
            "Hello %(name)s,\n\n%(issuer)s has issued your credential for “%(title)s”.\n\n"
            "Open it in your wallet to download it (PDF, badge image, JSON), share it or add it to LinkedIn:\n"
            "%(url)s\n"
        ) % {
            "name": credential.learner_name,
            "issuer": credential.issuer.name,
            "title": credential.micro_credential_version.title,
            "url": url,
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [credential.learner_email])


def email_credential_revoked(credential_id: int) -> None:
    credential = IssuedCredential.objects.select_related("micro_credential_version", "issuer").get(pk=credential_id)
    if not credential.learner_name:  # erased account: nobody to write to
        return
    with translation.override(_language_of(credential.learner_email)):
        subject = _("Your credential was revoked: %(title)s") % {"title": credential.micro_credential_version.title}
        body = _(
            "Hello %(name)s,\n\n%(issuer)s has revoked your credential for “%(title)s” on %(date)s.\n"
            "Reason: %(reason)s\n\nVerifiers now see that it is revoked. If you think this is a mistake, "
            "reply to the issuer.\n"
        ) % {
            "name": credential.learner_name,
            "issuer": credential.issuer.name,
            "title": credential.micro_credential_version.title,
            "date": credential.revoked_at.date().isoformat(),
            "reason": credential.revocation_reason,
        }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [credential.learner_email])
