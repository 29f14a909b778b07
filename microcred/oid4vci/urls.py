from django.urls import path

from microcred.oid4vci import pages, views

app_name = "oid4vci"

urlpatterns = [
    path(".well-known/openid-credential-issuer", views.issuer_metadata, name="issuer_metadata"),
    path(".well-known/oauth-authorization-server", views.authorization_server_metadata, name="as_metadata"),
    path("oid4vci/offers/<str:handle>", views.credential_offer, name="credential_offer"),
    path("oid4vci/token", views.token, name="token"),
    path("oid4vci/nonce", views.nonce, name="nonce"),
    path("oid4vci/credential", views.credential, name="credential"),
    path("credentials/<uuid:uuid>/wallet-offer/", pages.wallet_offer, name="offer"),
]
