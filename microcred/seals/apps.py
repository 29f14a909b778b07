from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SealsConfig(AppConfig):
    name = "microcred.seals"
    label = "seals"
    verbose_name = _("Electronic seals (sealed European Learning Model credentials)")

    def ready(self):
        from microcred.seals import checks  # noqa: F401 - registers the system checks
