from django.apps import AppConfig


class HandoffsConfig(AppConfig):
    name = "microcred.handoffs"
    label = "handoffs"
    verbose_name = "Hand-offs after approval"

    def ready(self):
        from microcred.catalogue.staff_panels import register_staff_panel
        from microcred.handoffs import receivers, views
        from microcred.proposals.signals import proposal_decided

        # An approved micro-credential hands over to the offices that publish, deliver and evaluate it (policy 7.8).
        proposal_decided.connect(receivers.on_proposal_decided, dispatch_uid="handoffs-on-proposal-decided")
        # The micro-credential's page shows its staff its hand-off tasks.
        register_staff_panel(views.micro_credential_panel)
