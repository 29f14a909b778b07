from django.apps import AppConfig


def _reference_changed(**kwargs):
    # Search remembers the labels of content areas, institutions and skills (facet_memory): a change to
    # one of them starts a new catalogue generation, so they are read again.
    from microcred.catalogue import cache

    cache.bump()


class CatalogueConfig(AppConfig):
    name = "microcred.catalogue"
    label = "catalogue"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from microcred.catalogue.changes import micro_credential_change_basis
        from microcred.catalogue.services import publish_approved_proposal
        from microcred.proposals.publishing import MICRO_CREDENTIAL, register_change_basis, register_publisher
        from microcred.reference.models import ContentArea, EscoSkill, Institution

        # An approved micro-credential proposal becomes a catalogue version (docs/product-rules.md, review step 6).
        register_publisher(MICRO_CREDENTIAL, publish_approved_proposal)
        register_change_basis(MICRO_CREDENTIAL, micro_credential_change_basis)

        for model in (ContentArea, Institution, EscoSkill):
            for signal in (post_save, post_delete):
                signal.connect(_reference_changed, sender=model, dispatch_uid=f"catalogue-labels-{model.__name__}")
