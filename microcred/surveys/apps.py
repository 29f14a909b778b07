from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "microcred.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from microcred.learning.signals import offering_ended
        from microcred.surveys import receivers

        # Policy 7.25: every offering is evaluated by its learners and staff after delivery.
        offering_ended.connect(receivers.send_surveys_when_offering_ends, dispatch_uid="surveys.offering_ended")
