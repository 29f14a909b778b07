from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "microcred.core"
    label = "core"

    def ready(self):
        from microcred.core import checks  # noqa: F401  (registers the deployment checks)
