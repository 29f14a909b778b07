"""Credential Issuer metadata (OpenID4VCI §12.2) and OAuth Authorization Server metadata (RFC 8414).

We are our own authorization server (no `authorization_servers`), with the pre-authorized code grant only.
The credential issuer identifier is PUBLIC_BASE_URL, exactly as offers carry it.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from microcred.credentials.services.sd_jwt_vc import vct
from microcred.credentials.vocabulary import CREDENTIAL_CONTEXTS
from microcred.vc.jose import SUPPORTED_ALGS

PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CONFIGURATION_ID = "OpenBadgeCredential_ldp_vc"
#: The same award as an SD-JWT VC for EU Digital Identity Wallets (OpenID4VCI 1.0 Appendix A.3, format dc+sd-jwt).
SD_JWT_CONFIGURATION_ID = "MicroCredential_dc_sd_jwt"
CONFIGURATION_IDS = (CONFIGURATION_ID, SD_JWT_CONFIGURATION_ID)
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
PROOF_TYP = "openid4vci-proof+jwt"
BINDING_METHODS = ["did:key", "jwk"]


def credential_issuer() -> str:
    """The Credential Issuer Identifier: PUBLIC_BASE_URL, compared byte for byte by wallets."""
    return settings.PUBLIC_BASE_URL.rstrip("/")


def endpoint_url(name: str) -> str:
    return credential_issuer() + reverse(f"oid4vci:{name}")


def _per_language(make) -> list[dict]:
    entries = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            entries.append({**make(), "locale": code})
    return entries


def credential_configurations() -> dict:
    return {
        CONFIGURATION_ID: {
            "format": "ldp_vc",
            "credential_definition": {"@context": list(CREDENTIAL_CONTEXTS), "type": list(CREDENTIAL_TYPES)},
            "credential_signing_alg_values_supported": ["eddsa-rdfc-2022"],
            "cryptographic_binding_methods_supported": list(BINDING_METHODS),
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": list(SUPPORTED_ALGS)}},
            "credential_metadata": {
                "display": _per_language(
                    lambda: {
                        "name": _("Micro-credential (Open Badge 3.0)"),
                        "description": _("A micro-credential of the alliance, signed by the awarding university."),
                        "background_color": "#1d3557",
                        "text_color": "#ffffff",
                    }
                ),
            },
        },
        SD_JWT_CONFIGURATION_ID: {
            "format": "dc+sd-jwt",
            "vct": vct(),
            "credential_signing_alg_values_supported": ["EdDSA"],
            # Bound through cnf.jwk (SD-JWT VC §3.2.2.2): the public key of the wallet's proof, whether the proof
            # named it by jwk or by a did:key kid.
            "cryptographic_binding_methods_supported": ["jwk"],
            "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": list(SUPPORTED_ALGS)}},
            "credential_metadata": {
                "display": _per_language(
                    lambda: {
                        "name": _("Micro-credential (EU Digital Identity Wallet)"),
                        "description": _("A micro-credential of the alliance, signed by the awarding university."),
                        "background_color": "#1d3557",
                        "text_color": "#ffffff",
                    }
                ),
                "claims": [
                    {"path": ["name"], "display": _per_language(lambda: {"name": _("Name of the learner")})},
                    {"path": ["grade"], "display": _per_language(lambda: {"name": _("Grade")})},
                    {
                        "path": ["achievement", "title"],
                        "mandatory": True,
                        "display": _per_language(lambda: {"name": _("Micro-credential")}),
                    },
                    {
                        "path": ["achievement", "ects_credits"],
                        "display": _per_language(lambda: {"name": _("ECTS credits")}),
                    },
                ],
            },
        },
    }


def issuer_metadata() -> dict:
    return {
        "credential_issuer": credential_issuer(),
        "credential_endpoint": endpoint_url("credential"),
        "nonce_endpoint": endpoint_url("nonce"),
        "display": _per_language(lambda: {"name": settings.SITE_NAME}),
        "credential_configurations_supported": credential_configurations(),
    }


def authorization_server_metadata() -> dict:
    return {
        "issuer": credential_issuer(),
        "token_endpoint": endpoint_url("token"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        # RFC 8414 §2 makes response_types_supported REQUIRED, and §3.2 forbids an empty array. OpenID4VCI 1.0
        # §12.2.4 lets a pre-authorized-code-only server omit it, but generic RFC 8414 clients and validators
        # reject metadata without it. "code" is the RFC 6749 §3.1.1 value; since we publish no
        # authorization_endpoint and grant_types_supported names only the pre-authorized grant, it cannot lead
        # a client to an authorization request (which would be refused: there is no such endpoint).
        "response_types_supported": ["code"],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
        "authorization_details_types_supported": ["openid_credential"],
    }
