from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "microcred.exchanges"
    label = "exchanges"
    verbose_name = _("VC-API exchanges (credentials to the DCC Learner Credential Wallet)")
