from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "microcred.operations"
    label = "operations"
    verbose_name = "Operations"
