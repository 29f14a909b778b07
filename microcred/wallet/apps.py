from django.apps import AppConfig


class WalletConfig(AppConfig):
    name = "microcred.wallet"
    label = "wallet"

    def ready(self):
        from microcred.learning.panels import register_credential_finder
        from microcred.wallet.selectors import credentials_for_completions

        # "My learning" links each completion to its credential here (issue #16).
        register_credential_finder(credentials_for_completions)
