"""What recognition adds to the pages of the apps below it, through their registries: the catalogue page of a
micro-credential (where it is recognised: catalogue.public_panels) and the learner's wallet (the decisions, with the
credential they concern: wallet.panels)."""

from __future__ import annotations

from django.template.loader import render_to_string

from microcred.recognition import selectors


def recognised_at_panel(request, micro_credential) -> str:
    agreements = selectors.recognised_at(micro_credential)
    if not agreements:
        return ""
    return render_to_string("recognition/includes/recognised_at.html", {"agreements": agreements}, request=request)


def credential_decisions_panel(request, credential) -> str:
    return render_to_string(
        "recognition/includes/credential_panel.html",
        {"credential": credential, "requests": selectors.requests_about(request.user, credential)},
        request=request,
    )


def wallet_decisions_panel(request) -> str:
    requests = list(selectors.requests_of(request.user)[:50])
    return render_to_string("recognition/includes/wallet_panel.html", {"requests": requests}, request=request)
