from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "microcred.catalogue"
    label = "catalogue"
