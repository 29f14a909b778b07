"""Offerings (editions) of approved micro-credentials, enrolments and assessment results."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Offering(models.Model):
    """One run of a micro-credential: dates, place, language, capacity, enrolment window, fee."""

    class Format(models.TextChoices):
        BLENDED_INTENSIVE = "blended_intensive", _("Blended intensive programme")
        SUMMER_SCHOOL = "summer_school", _("Summer school")
        WINTER_SCHOOL = "winter_school", _("Winter school")
        HACKATHON = "hackathon", _("Hackathon")
        VIRTUAL_MOBILITY = "virtual_mobility", _("Virtual mobility")
        COURSE = "course", _("Course")

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        ON_SITE = "on_site", _("On-site")
        BLENDED = "blended", _("Blended")

    micro_credential = models.ForeignKey(
        "catalogue.MicroCredential", on_delete=models.PROTECT, related_name="offerings",
        verbose_name=_("micro-credential"),
    )
    version = models.ForeignKey(
        "catalogue.MicroCredentialVersion", on_delete=models.PROTECT, related_name="offerings",
        verbose_name=_("version"), help_text=_("The approved version this run delivers (credentials point to it)."),
    )
    institution = models.ForeignKey(
        "reference.Institution", on_delete=models.PROTECT, related_name="offerings",
        verbose_name=_("delivering university"),
    )
    format = models.CharField(_("format"), max_length=30, choices=Format.choices, default=Format.COURSE)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.ONLINE)
    location = models.CharField(_("place (for on-site or blended)"), max_length=200, blank=True)
    language = models.CharField(_("language of instruction"), max_length=10, default="en")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    enrolment_opens = models.DateTimeField(_("enrolment opens"))
    enrolment_closes = models.DateTimeField(_("enrolment closes"))
    capacity = models.PositiveIntegerField(_("places"))
    fee = models.DecimalField(_("fee (EUR)"), max_digits=8, decimal_places=2, default=0)
    fee_waivers = models.TextField(_("fee waivers"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="offering_dates_ordered"),
            models.CheckConstraint(
                condition=Q(enrolment_closes__gt=models.F("enrolment_opens")), name="offering_window_ordered"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="offering_capacity_positive"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="offering_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.version.title} ({self.starts_on:%Y-%m-%d})"
