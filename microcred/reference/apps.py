from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "microcred.reference"
    label = "reference"
