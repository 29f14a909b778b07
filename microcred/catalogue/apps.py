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

        from microcred.reference.models import ContentArea, EscoSkill, Institution

        for model in (ContentArea, Institution, EscoSkill):
            for signal in (post_save, post_delete):
                signal.connect(_reference_changed, sender=model, dispatch_uid=f"catalogue-labels-{model.__name__}")
