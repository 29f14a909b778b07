"""The wallet offers' part in the learner's rights (GDPR Art. 15, 17, 20), run by `microcred.privacy.registry`."""

from __future__ import annotations

from microcred.oid4vci.models import CredentialOffer

EXPORT_ORDER = 35  # after the share links


def _at(value):
    return value.isoformat() if value else None


def export_personal_data(user) -> dict[str, object]:
    """The offers the learner made to wallet apps and what each delivered, with the wallet's key (the hashes of
    handles, codes and tokens stay out: they are not the learner's, and would only help a guesser)."""
    offers = (
        CredentialOffer.objects.filter(created_by=user)
        .select_related("credential")
        .prefetch_related("deliveries")
        .order_by("created_at", "pk")
    )
    return {
        "wallet-offers.json": [
            {
                "credential": str(offer.credential.uuid),
                "configuration": offer.configuration_id,
                "created_at": _at(offer.created_at),
                "expires_at": _at(offer.expires_at),
                "redeemed_at": _at(offer.redeemed_at),
                "withdrawn_at": _at(offer.withdrawn_at),
                "deliveries": [
                    {
                        "delivered_at": _at(delivery.delivered_at),
                        "binding_method": delivery.binding_method,
                        "holder_did": delivery.holder_did,
                        "holder_jwk": delivery.holder_jwk,
                    }
                    for delivery in sorted(offer.deliveries.all(), key=lambda d: (d.delivered_at, d.pk))
                ],
            }
            for offer in offers
        ]
    }


def erase_personal_data(user) -> None:
    """Offers and their deliveries hold the wallet's key or DID: removed with the account."""
    CredentialOffer.objects.filter(created_by=user).delete()  # cascades to access tokens and deliveries
