"""The VC-API exchanges' part in the learner's rights (GDPR Art. 15, 17, 20), run by `microcred.privacy.registry`."""

from __future__ import annotations

from microcred.exchanges.models import Exchange

EXPORT_ORDER = 36  # after the OpenID4VCI offers


def _at(value):
    return value.isoformat() if value else None


def export_personal_data(user) -> dict[str, object]:
    """The exchanges the learner started with the Learner Credential Wallet and the wallet DID each delivered to
    (the exchange id's hash and the challenge stay out: they would only help a guesser)."""
    exchanges = Exchange.objects.filter(learner=user).select_related("credential").order_by("created_at", "pk")
    return {
        "wallet-exchanges.json": [
            {
                "credential": str(exchange.credential.uuid),
                "state": exchange.current_state,
                "created_at": _at(exchange.created_at),
                "expires_at": _at(exchange.expires_at),
                "completed_at": _at(exchange.completed_at),
                "holder_did": exchange.holder_did,
            }
            for exchange in exchanges
        ]
    }


def erase_personal_data(user) -> None:
    """Exchanges hold the wallet's DID: removed with the account (the copies they delivered are erased by the
    credentials app, which keeps their status entries revocable)."""
    Exchange.objects.filter(learner=user).delete()
