"""Reference data: the alliance's members and principles, ESCO, EQF, ISCED-F and Europass vocabularies.

Loaded by `manage.py load_reference_data` (idempotent); editable by the alliance admin.
Concepts are keyed by their published URI so that a newer ESCO file updates rows in place.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

#: A colour as the admin types it (#RRGGBB).
hex_colour = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Give the colour as # followed by six hexadecimal digits, e.g. #1f4e79.")
)


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
    # The visual identity (reference/branding.py): uploaded by the alliance admin; a monogram in a colour
    # derived from the slug stands in for a missing logo or colour.
    colour = models.CharField(
        _("main colour"),
        max_length=7,
        blank=True,
        validators=[hex_colour],
        help_text=_("As #RRGGBB; empty for a colour chosen from the name."),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        blank=True,
        validators=[hex_colour],
        help_text=_("As #RRGGBB; empty for one that goes with the main colour."),
    )
    logo = models.BinaryField(_("logo (PNG)"), null=True, blank=True, editable=False)
    logo_updated_at = models.DateTimeField(_("logo uploaded"), null=True, blank=True, editable=False)

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


class EducationalPrinciple(models.Model):
    """One of the alliance's educational principles (an editable list; partly still to be confirmed)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        TO_CONFIRM = "to_confirm", _("to confirm")

    slug = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.TO_CONFIRM)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("educational principle")
        verbose_name_plural = _("educational principles")

    def __str__(self) -> str:
        return self.name


class ContentArea(models.Model):
    """A strategic content area of the micro-credential offer."""

    slug = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    green_digital_focus = models.BooleanField(_("green or digital focus"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("content area")
        verbose_name_plural = _("content areas")

    def __str__(self) -> str:
        return self.name


class StrategicTarget(models.Model):
    """A numeric target of the alliance (a range, a unit and a deadline). Targets are data, not code."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    label = models.CharField(_("label"), max_length=200)
    min_value = models.PositiveIntegerField(_("minimum"))
    max_value = models.PositiveIntegerField(_("maximum"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    # Which computed indicator (microcred.reporting.indicators) is measured against this target: data, so the
    # alliance links a new target without a change of code.
    indicator = models.SlugField(
        _("indicator"),
        max_length=80,
        blank=True,
        help_text=_(
            "The code of the indicator measured against this target, e.g. ects_prepared or lifelong_learners; "
            "empty for a target no indicator measures."
        ),
    )

    class Meta:
        ordering = ["deadline", "key"]
        verbose_name = _("strategic target")
        verbose_name_plural = _("strategic targets")

    def __str__(self) -> str:
        return self.label


class EqfLevel(models.Model):
    """A level of the European Qualifications Framework with its three descriptors."""

    level = models.PositiveSmallIntegerField(_("level"), unique=True)
    uri = models.URLField(_("URI"), max_length=200, unique=True)
    knowledge = models.TextField(_("knowledge"))
    skills = models.TextField(_("skills"))
    responsibility_autonomy = models.TextField(_("responsibility and autonomy"))

    class Meta:
        ordering = ["level"]
        verbose_name = _("EQF level")
        verbose_name_plural = _("EQF levels")

    def __str__(self) -> str:
        return f"EQF {self.level}"


class IscedField(models.Model):
    """An ISCED-F 2013 field of education and training (broad, narrow or detailed)."""

    class Level(models.TextChoices):
        BROAD = "broad", _("broad")
        NARROW = "narrow", _("narrow")
        DETAILED = "detailed", _("detailed")

    code = models.CharField(_("code"), max_length=4, unique=True)
    uri = models.URLField(_("URI"), max_length=200, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    label = models.CharField(_("label (English)"), max_length=300)
    labels = models.JSONField(_("labels by language"), default=dict, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ISCED-F field")
        verbose_name_plural = _("ISCED-F fields")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class EctsRule(models.Model):
    """The ECTS workload convention (one row, keyed by the credit system's URI)."""

    uri = models.URLField(_("URI"), max_length=200, unique=True)
    name = models.CharField(_("name"), max_length=200)
    hours_per_credit_min = models.PositiveSmallIntegerField(_("hours per credit (minimum)"))
    hours_per_credit_max = models.PositiveSmallIntegerField(_("hours per credit (maximum)"))
    credits_per_year = models.PositiveSmallIntegerField(_("credits per full-time year"))
    rule = models.TextField(_("rule"), blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("ECTS rule")
        verbose_name_plural = _("ECTS rules")

    def __str__(self) -> str:
        return self.name


class PolicyVersion(models.Model):
    """One version of the alliance's micro-credentials policy: the thresholds its eligibility checklist applies,
    from the day it takes effect (policy 10.2) until the next version does, with the date it is to be reviewed
    by (policy 4.1, 10.3). A proposal is checked against the version in force when it was submitted; a new
    threshold is a new version, entered by the alliance admin, never a code change."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    effective_from = models.DateField(_("in force from"), unique=True)
    review_due = models.DateField(_("review due by"))
    min_principles_formal = models.PositiveSmallIntegerField(
        _("educational principles, at least (formal programme)"), help_text=_("Policy 5.6.1.2.")
    )
    min_principles_non_formal = models.PositiveSmallIntegerField(
        _("educational principles, at least (non-formal activity)"), help_text=_("Policy 5.7.1.2.")
    )
    min_universities_non_formal = models.PositiveSmallIntegerField(
        _("member universities, at least (non-formal activity)"), help_text=_("Policy 5.7.1.1.")
    )
    min_ects = models.DecimalField(
        _("ECTS credits, at least (formal programme)"),
        max_digits=4,
        decimal_places=1,
        help_text=_("Policy 7.18."),
    )
    max_ects = models.DecimalField(
        _("ECTS credits, at most (formal programme)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Empty: no upper limit."),
    )
    hours_per_ects_min = models.PositiveSmallIntegerField(_("hours per ECTS credit, at least"))
    hours_per_ects_max = models.PositiveSmallIntegerField(_("hours per ECTS credit, at most"))
    require_esco_alignment = models.BooleanField(
        _("every learning outcome aligned to ESCO skills"), default=True, help_text=_("Policy 7.16.")
    )
    require_supporting_documents = models.BooleanField(
        _("supporting documentation required for a non-formal activity"), default=True, help_text=_("Policy 5.7.1.5.")
    )
    source = models.TextField(_("source"), blank=True)
    # The review date the alliance admins were last reminded of (once per date: moving it reminds them again).
    review_reminded_for = models.DateField(_("review reminder sent for"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_due__gt=models.F("effective_from")), name="policy_review_after_effective"
            ),
            models.CheckConstraint(
                condition=models.Q(hours_per_ects_min__lte=models.F("hours_per_ects_max")),
                name="policy_hours_per_ects_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = policy_problems(
            {f.name: getattr(self, f.name) for f in self._meta.concrete_fields if not f.primary_key}
        )
        if errors:
            raise ValidationError(errors)


def policy_problems(values: dict) -> dict[str, str]:
    """What is wrong with a policy version's values ({field: message}); the admin's form and the loader both ask."""
    problems = {}
    effective, review = values.get("effective_from"), values.get("review_due")
    if effective and review and review <= effective:
        problems["review_due"] = _("The review date must be after the date the policy takes effect.")
    low, high = values.get("hours_per_ects_min"), values.get("hours_per_ects_max")
    if low is not None and high is not None:
        if low < 1:
            problems["hours_per_ects_min"] = _("An ECTS credit is at least one hour of work.")
        elif low > high:
            problems["hours_per_ects_max"] = _("The most hours per ECTS credit cannot be fewer than the fewest.")
    min_ects, max_ects = values.get("min_ects"), values.get("max_ects")
    if min_ects is not None and min_ects <= 0:
        problems["min_ects"] = _("A formal programme gives at least some ECTS credits: the fewest must be above 0.")
    elif min_ects is not None and max_ects is not None and max_ects < min_ects:
        problems["max_ects"] = _("The most ECTS credits cannot be fewer than the fewest.")
    for name in ("min_principles_formal", "min_principles_non_formal"):
        if values.get(name) is not None and values[name] < 1:
            problems[name] = _("Ask for at least one educational principle.")
    if values.get("min_universities_non_formal") is not None and values["min_universities_non_formal"] < 1:
        problems["min_universities_non_formal"] = _("At least one university develops an activity.")
    return problems


class EuropassConcept(models.Model):
    """A concept of a Europass / European Learning Model controlled vocabulary."""

    class Scheme(models.TextChoices):
        ASSESSMENT_TYPE = "assessment_type", _("assessment type")
        MODE_OF_LEARNING = "mode_of_learning_and_assessment", _("mode of learning and assessment")
        LEARNING_SETTING = "learning_setting", _("learning setting")
        LEARNING_SCHEDULE = "learning_schedule", _("learning schedule")
        LEARNING_ACTIVITY_TYPE = "learning_activity_type", _("learning activity type")
        LEARNING_OPPORTUNITY_TYPE = "learning_opportunity_type", _("learning opportunity type")
        EDUCATION_CREDIT = "education_credit", _("education credit system")
        CREDENTIAL_TYPE = "credential_type", _("credential type")
        SUPERVISION_VERIFICATION = "supervision_verification", _("supervision and verification")

    scheme = models.CharField(_("scheme"), max_length=40, choices=Scheme.choices, db_index=True)
    scheme_uri = models.URLField(_("scheme URI"), max_length=200)
    uri = models.URLField(_("URI"), max_length=200, unique=True)
    label = models.CharField(_("label"), max_length=300)
    definition = models.TextField(_("definition"), blank=True)

    class Meta:
        ordering = ["scheme", "label"]
        verbose_name = _("Europass concept")
        verbose_name_plural = _("Europass concepts")

    def __str__(self) -> str:
        return self.label


class FrameworkCompetence(models.Model):
    """A competence of GreenComp or DigComp 2.2 (policy 5.7.2), with its ESCO concept where one exists."""

    class Framework(models.TextChoices):
        GREENCOMP = "greencomp", "GreenComp"
        DIGCOMP = "digcomp", "DigComp 2.2"

    framework = models.CharField(_("framework"), max_length=20, choices=Framework.choices)
    code = models.CharField(_("code"), max_length=10)
    area_code = models.CharField(_("area code"), max_length=10)
    area = models.CharField(_("area"), max_length=200)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    esco_uri = models.CharField(_("ESCO URI"), max_length=200, blank=True)

    class Meta:
        ordering = ["framework", "code"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_framework_competence")]
        verbose_name = _("framework competence")
        verbose_name_plural = _("framework competences")

    def __str__(self) -> str:
        return f"{self.get_framework_display()} {self.code} {self.name}"


# ---------------------------------------------------------------------------------------------
# ESCO. Rows are keyed by `uri`; a newer file updates them in place, so foreign keys stay valid.
# Concepts that disappear from a newer file are kept (other records may point at them) but marked
# `is_current=False` and drop out of search.


class EscoSkillGroup(models.Model):
    uri = models.CharField(_("URI"), max_length=200, unique=True)
    code = models.CharField(_("code"), max_length=40, blank=True)
    preferred_label = models.CharField(_("preferred label"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, blank=True)
    is_current = models.BooleanField(_("in the loaded release"), default=True)
    broader = models.ManyToManyField(
        "self", symmetrical=False, related_name="narrower", blank=True, verbose_name=_("broader groups")
    )

    class Meta:
        ordering = ["preferred_label"]
        verbose_name = _("ESCO skill group")
        verbose_name_plural = _("ESCO skill groups")

    def __str__(self) -> str:
        return self.preferred_label


COLLECTION_FIELDS = {
    "transversal": "in_transversal",
    "digital": "in_digital",
    "green": "in_green",
    "digComp": "in_digcomp",
    "language": "in_language",
    "research": "in_research",
}


class EscoSkill(models.Model):
    """An ESCO skill, competence or knowledge concept."""

    class SkillType(models.TextChoices):
        SKILL = "skill/competence", _("skill/competence")
        KNOWLEDGE = "knowledge", _("knowledge")
        NONE = "", _("(no type)")

    uri = models.CharField(_("URI"), max_length=200, unique=True)
    preferred_label = models.CharField(_("preferred label"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    skill_type = models.CharField(_("type"), max_length=20, choices=SkillType.choices, blank=True)
    reuse_level = models.CharField(_("reuse level"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=20, blank=True)
    modified = models.CharField(_("modified (as published)"), max_length=30, blank=True)
    is_current = models.BooleanField(_("in the loaded release"), default=True)
    in_transversal = models.BooleanField(_("transversal collection"), default=False)
    in_digital = models.BooleanField(_("digital collection"), default=False)
    in_green = models.BooleanField(_("green collection"), default=False)
    in_digcomp = models.BooleanField(_("DigComp collection"), default=False)
    in_language = models.BooleanField(_("language collection"), default=False)
    in_research = models.BooleanField(_("research collection"), default=False)
    broader_groups = models.ManyToManyField(
        EscoSkillGroup, related_name="skills", blank=True, verbose_name=_("broader groups")
    )
    broader_skills = models.ManyToManyField(
        "self", symmetrical=False, related_name="narrower_skills", blank=True, verbose_name=_("broader skills")
    )

    class Meta:
        ordering = ["preferred_label"]
        verbose_name = _("ESCO skill")
        verbose_name_plural = _("ESCO skills")

    def __str__(self) -> str:
        return self.preferred_label

    @property
    def collections(self) -> list[str]:
        return [name for name, field in COLLECTION_FIELDS.items() if getattr(self, field)]

    @property
    def uuid(self) -> str:
        return self.uri.rsplit("/", 1)[-1]


class EscoOccupation(models.Model):
    uri = models.CharField(_("URI"), max_length=200, unique=True)
    preferred_label = models.CharField(_("preferred label"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    isco_group = models.CharField(_("ISCO-08 group"), max_length=10, blank=True)
    code = models.CharField(_("ESCO code"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, blank=True)
    modified = models.CharField(_("modified (as published)"), max_length=30, blank=True)
    is_current = models.BooleanField(_("in the loaded release"), default=True)
    in_research = models.BooleanField(_("research collection"), default=False)

    class Meta:
        ordering = ["preferred_label"]
        verbose_name = _("ESCO occupation")
        verbose_name_plural = _("ESCO occupations")

    def __str__(self) -> str:
        return self.preferred_label

    @property
    def collections(self) -> list[str]:
        return ["research"] if self.in_research else []

    @property
    def uuid(self) -> str:
        return self.uri.rsplit("/", 1)[-1]


class OccupationSkill(models.Model):
    class Relation(models.TextChoices):
        ESSENTIAL = "essential", _("essential")
        OPTIONAL = "optional", _("optional")

    occupation = models.ForeignKey(EscoOccupation, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(EscoSkill, on_delete=models.CASCADE, related_name="occupation_links")
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["occupation", "skill"], name="unique_occupation_skill")]
        verbose_name = _("occupation skill")
        verbose_name_plural = _("occupation skills")

    def __str__(self) -> str:
        return f"{self.occupation_id} → {self.skill_id} ({self.relation})"


class LabelKind(models.TextChoices):
    PREFERRED = "preferred", _("preferred")
    ALTERNATIVE = "alternative", _("alternative")
    HIDDEN = "hidden", _("hidden")


class LabelLanguage(models.TextChoices):
    EN = "en", _("English")
    FR = "fr", _("French")
    ES = "es", _("Spanish")


class AbstractLabel(models.Model):
    language = models.CharField(_("language"), max_length=5, choices=LabelLanguage.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=LabelKind.choices)
    label = models.CharField(_("label"), max_length=300)
    key = models.CharField(_("search key"), max_length=300, help_text=_("lower-cased, accent-folded label"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label


class EscoSkillLabel(AbstractLabel):
    """A preferred, alternative or hidden label of a skill in one language."""

    skill = models.ForeignKey(EscoSkill, on_delete=models.CASCADE, related_name="labels")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["skill", "language", "kind", "label"], name="unique_skill_label"),
            models.UniqueConstraint(
                fields=["skill", "language"], condition=models.Q(kind="preferred"), name="one_preferred_skill_label"
            ),
        ]
        verbose_name = _("ESCO skill label")
        verbose_name_plural = _("ESCO skill labels")


class EscoOccupationLabel(AbstractLabel):
    occupation = models.ForeignKey(EscoOccupation, on_delete=models.CASCADE, related_name="labels")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["occupation", "language", "kind", "label"], name="unique_occupation_label"),
            models.UniqueConstraint(
                fields=["occupation", "language"],
                condition=models.Q(kind="preferred"),
                name="one_preferred_occupation_label",
            ),
        ]
        verbose_name = _("ESCO occupation label")
        verbose_name_plural = _("ESCO occupation labels")


class SearchRank(models.IntegerChoices):
    """How good a match through a search term is: lower is better."""

    PREFERRED_START = 0, _("start of the preferred label")
    PREFERRED_WORD = 1, _("word in the preferred label")
    OTHER_START = 2, _("start of another label")
    OTHER_WORD = 3, _("word in another label")


class AbstractSearchTerm(models.Model):
    """A prefix-searchable key: the normalised label from its start or from the start of one of its words.

    Derived from the labels by the loader. Search is a range query `key >= q AND key < q + '\\uffff'` per rank,
    which a B-tree index on (rank, key) answers on SQLite and on PostgreSQL (where the column is given the
    "C" collation by the migration so that the range follows code-point order).
    """

    rank = models.PositiveSmallIntegerField(choices=SearchRank.choices)
    language = models.CharField(max_length=5)
    key = models.CharField(max_length=300)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.key


class EscoSkillSearchTerm(AbstractSearchTerm):
    label = models.ForeignKey(EscoSkillLabel, on_delete=models.CASCADE, related_name="terms")
    skill = models.ForeignKey(EscoSkill, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["rank", "key"], name="skill_term_rank_key"),
            models.Index(fields=["language", "rank", "key"], name="skill_term_lang_rank_key"),
        ]


class EscoOccupationSearchTerm(AbstractSearchTerm):
    label = models.ForeignKey(EscoOccupationLabel, on_delete=models.CASCADE, related_name="terms")
    occupation = models.ForeignKey(EscoOccupation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["rank", "key"], name="occupation_term_rank_key"),
            models.Index(fields=["language", "rank", "key"], name="occupation_term_lang_rank_key"),
        ]
