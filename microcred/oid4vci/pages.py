"""The learner's page that sends one of their credentials to a wallet app (OpenID4VCI credential offer)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from microcred.core.qr import qr_svg
from microcred.core.ratelimit import rate_limited
from microcred.credentials import selectors
from microcred.credentials.permissions import is_holder
from microcred.oid4vci import services
from microcred.oid4vci.metadata import CONFIGURATION_ID, CONFIGURATION_IDS, SD_JWT_CONFIGURATION_ID

#: The choice on the page → the configurations the offer names.
FORMATS = {"both": list(CONFIGURATION_IDS), "open-badge": [CONFIGURATION_ID], "sd-jwt": [SD_JWT_CONFIGURATION_ID]}


def _format_choices() -> list[tuple[str, str]]:
    return [
        ("both", _("Both (the wallet app takes the one it supports)")),
        ("open-badge", _("Open Badge 3.0 (most wallet apps)")),
        ("sd-jwt", _("SD-JWT VC (EU Digital Identity Wallet)")),
    ]


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("oid4vci-offer", limit_setting="OID4VCI_OFFER_RATE_LIMIT", default=10)
def wallet_offer(request, uuid):
    credential = selectors.credential_by_uuid(uuid)
    if credential is None or not is_holder(request.user, credential):
        raise Http404(_("There is no such credential, or it is not yours."))
    context = {
        "credential": credential,
        "offerable": services.offerable(credential),
        "minutes": services.offer_ttl() // 60,
        "formats": _format_choices(),
        "chosen_format": "both",
    }
    if request.method == "POST" and context["offerable"]:
        # An old form (no format field) offers the Open Badge, as it did; an unknown value too.
        chosen = request.POST.get("format", "open-badge")
        chosen = chosen if chosen in FORMATS else "open-badge"
        created = services.create_offer(
            user=request.user,
            credential=credential,
            with_tx_code=request.POST.get("tx_code") == "on",
            configurations=FORMATS[chosen],
        )
        context["chosen_format"] = chosen
        context.update(
            created=created,
            qr=qr_svg(
                created.link,
                title=_("QR code of the wallet offer for %(title)s") % {"title": credential.title},
                element_id="wallet-offer-qr",
            ),
        )
    response = render(request, "oid4vci/offer.html", context)
    response["Cache-Control"] = "no-store"  # the page may hold a live pre-authorized code
    return response
