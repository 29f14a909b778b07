from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "microcred.guidance"
    label = "guidance"

    def ready(self):
        from microcred.guidance import checks  # noqa: F401 - registers the system check
