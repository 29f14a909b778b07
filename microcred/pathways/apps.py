from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "microcred.pathways"
    label = "pathways"
    verbose_name = "Pathways"
