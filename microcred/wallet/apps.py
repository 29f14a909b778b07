from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "microcred.wallet"
    label = "wallet"
