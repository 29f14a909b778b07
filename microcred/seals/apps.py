from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SealsConfig(AppConfig):
    name = "microcred.seals"
    label = "seals"
    verbose_name = _("Electronic seals (sealed European Learning Model credentials)")

    def ready(self):
        from microcred.credentials.services.document_readers import register_document_reader
        from microcred.seals import checks  # noqa: F401 - registers the system checks
        from microcred.seals.reports import read_for_verification

        # The /verify/ page (in credentials, which cannot import this app) verifies sealed ELM files through it.
        register_document_reader(read_for_verification)
