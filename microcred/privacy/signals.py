"""At log-in, a person who has not seen the privacy notice in force is told so (a message with a link, not a
wall: only a notice whose purposes rely on consent stops them, see middleware.py)."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from microcred.privacy import selectors


@receiver(user_logged_in, dispatch_uid="privacy-notice-banner")
def tell_about_a_new_notice(sender, request, user, **kwargs):
    current = selectors.current_version()
    if current is None or request is None or selectors.has_seen(user, current.pk):
        return
    if selectors.last_receipt(user) is None:
        text = _("Please read our privacy notice: it says how this platform uses your personal data.")
    else:
        text = _("Our privacy notice has changed since you last saw it.")
    link = _("Read version %(version)d of the privacy notice") % {"version": current.version}
    messages.info(
        request,
        format_html('{} <a href="{}">{}</a>', text, reverse("privacy:notice"), link),
        fail_silently=True,
    )
