from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "microcred.quality"
    label = "quality"

    def ready(self):
        from microcred.catalogue.staff_panels import register_staff_panel
        from microcred.proposals.signals import proposal_decided
        from microcred.quality import panels, services

        # An approved change proposal closes the recommendations it follows up (in the decision's transaction).
        proposal_decided.connect(services.close_recommendations_followed_by, dispatch_uid="quality-recommendations")
        # The micro-credential's page shows staff its open recommendations.
        register_staff_panel(panels.open_recommendations_panel)
