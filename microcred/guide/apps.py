from django.apps import AppConfig


class GuideConfig(AppConfig):
    name = "microcred.guide"
    label = "guide"
    verbose_name = "Guide for learners"

    def ready(self):
        from microcred.guide import panels
        from microcred.wallet.panels import register_wallet_panel

        # The wallet's "What next?": the occupations the learner's credentials go towards, each a link to the guide
        # counting the skills she already holds.
        register_wallet_panel(panels.what_next_panel)
