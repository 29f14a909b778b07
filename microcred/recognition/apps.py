from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "microcred.recognition"
    label = "recognition"

    def ready(self):
        from microcred.catalogue.public_panels import register_public_panel
        from microcred.recognition import panels
        from microcred.wallet.panels import register_credential_panel, register_wallet_panel

        # The catalogue page of a micro-credential shows where it is already recognised (the agreements register).
        register_public_panel(panels.recognised_at_panel)
        # The learner's wallet shows the decisions with the credential they concern, and all of them on its home.
        register_credential_panel(panels.credential_decisions_panel)
        register_wallet_panel(panels.wallet_decisions_panel)
