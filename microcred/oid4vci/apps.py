from django.apps import AppConfig


class Oid4vciConfig(AppConfig):
    name = "microcred.oid4vci"
    label = "oid4vci"
    verbose_name = "OpenID4VCI (credential offers to wallets)"
