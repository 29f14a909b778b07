"""Reference data: the alliance's members and principles, ESCO, EQF, ISCED-F and Europass vocabularies.

Loaded by `manage.py load_reference_data` (idempotent); editable by the alliance admin.
Concepts are keyed by their published URI so that a newer ESCO file updates rows in place.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Institution(models.Model):
    """A member university of the alliance (or the alliance itself, `is_alliance`)."""

    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    short_name = models.CharField(_("abbreviation"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    local_name = models.CharField(_("local name"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=100)
    country_code = models.CharField(_("country code"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    domain = models.CharField(_("web domain"), max_length=200, blank=True)
    joined = models.PositiveSmallIntegerField(_("year joined"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    is_alliance = models.BooleanField(_("is the alliance"), default=False)
    is_active = models.BooleanField(_("active member"), default=True)

    class Meta:
        ordering = ["-is_alliance", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_alliance"], condition=models.Q(is_alliance=True), name="one_alliance_institution"
            ),
        ]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.name
