"""The closed lists of the proposal form (policy Appendix 2; kind: policy 5.6–5.7; credential type: policy 7.20)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    FORMAL = "formal", _("Formal educational programme")
    NON_FORMAL = "non_formal", _("Non-formal or informal learning activity")


class CredentialType(models.TextChoices):
    MICRO_CREDENTIAL = "micro_credential", _("Micro-credential")
    PARTICIPATION_BADGE = "participation_badge", _("Participation badge")


class FormOfParticipation(models.TextChoices):
    BLENDED = "blended", _("Blended")
    ON_SITE = "on_site", _("On-site")
    ONLINE = "online", _("Online")
    WORK_EXPERIENCE = "work_experience", _("Work experience")


class AssessmentType(models.TextChoices):
    ORAL = "oral", _("Presentation / oral exam")
    WRITTEN = "written", _("Written exam")
    BEHAVIOURAL = "behavioural", _("Behavioural assessment")
    PERSONALISED = "personalised", _("Personalised type of assessment")
    PORTFOLIO = "portfolio", _("Portfolio / portfolio assessment")
    REPORT = "report", _("Report / paper")
    REFLECTION = "reflection", _("Development report / reflection report")
    PROFESSIONAL_PRODUCT = "professional_product", _("Professional product")


class Language(models.TextChoices):
    """Languages of instruction offered in the form (ISO 639-1)."""

    EN = "en", _("English")
    ES = "es", _("Spanish")
    CA = "ca", _("Catalan")
    FR = "fr", _("French")
    NL = "nl", _("Dutch")
    HU = "hu", _("Hungarian")
    DE = "de", _("German")
    SV = "sv", _("Swedish")
    FI = "fi", _("Finnish")
    NO = "no", _("Norwegian")
    GA = "ga", _("Irish")
