from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "microcred.learning"
    label = "learning"

    def ready(self):
        from microcred.catalogue.offerings import register_offering_reader
        from microcred.learning.catalogue_offerings import CatalogueOfferings

        register_offering_reader(CatalogueOfferings())  # the catalogue shows offerings through it
