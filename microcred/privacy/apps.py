from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "microcred.privacy"
    label = "privacy"
    verbose_name = _("Data protection")

    def ready(self):
        from microcred.privacy import checks, signals  # noqa: F401  (system checks; the log-in notice banner)
