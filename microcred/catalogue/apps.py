from django.apps import AppConfig


def _reference_changed(**kwargs):
    # Search remembers the labels of content areas, institutions and skills (facet_memory): a change to
    # one of them starts a new catalogue generation, so they are read again.
    from microcred.catalogue import cache

    cache.bump()


def _content_area_saved(instance, created, raw=False, **kwargs):
    # Content areas are searched by name (indexing.document_parts): a renamed area reindexes its versions.
    if created or raw:
        return
    from django.db import transaction

    from microcred.catalogue import indexing

    transaction.on_commit(lambda: indexing.reindex_content_area(instance.pk))


def _conditions_changed(**kwargs):
    # The catalogue shows "approved with conditions" until each condition of approval is confirmed (issue #14):
    # a condition written or moved on starts a new generation once its transaction commits.
    from django.db import transaction

    from microcred.catalogue import cache

    transaction.on_commit(cache.bump)


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
        # A proposal may not take the title of another micro-credential in the catalogue (issue #16, defect 3).
        from microcred.catalogue.selectors import micro_credential_titled
        from microcred.proposals.checklist import register_title_lookup

        register_title_lookup(micro_credential_titled)
        register_change_basis(MICRO_CREDENTIAL, micro_credential_change_basis)

        # Labour-market evidence (policy 7.12): the occupations whose ESCO skills a micro-credential covers.
        from microcred.catalogue.public_panels import register_public_panel
        from microcred.guidance.panels import prepares_for_panel

        register_public_panel(prepares_for_panel)

        from microcred.proposals.models import ApprovalCondition

        post_save.connect(_conditions_changed, sender=ApprovalCondition, dispatch_uid="catalogue-conditions")
        post_save.connect(_content_area_saved, sender=ContentArea, dispatch_uid="catalogue-area-names")
        for model in (ContentArea, Institution, EscoSkill):
            for signal in (post_save, post_delete):
                signal.connect(_reference_changed, sender=model, dispatch_uid=f"catalogue-labels-{model.__name__}")
