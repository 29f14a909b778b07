"""People and the roles they hold. E-mail is the login; roles are scoped as in docs/product-rules.md (Roles)."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from microcred.roles import INSTITUTION_OPTIONAL, INSTITUTION_REQUIRED, Role


class LearnerGroup(models.TextChoices):
    """The learner groups the alliance's strategic plan counts (its targets name lifelong learners)."""

    MEMBER_STUDENT = "member_student", _("Student of a member university")
    MEMBER_STAFF = "member_staff", _("Staff of a member university")
    LIFELONG_LEARNER = "lifelong_learner", _("Lifelong learner or professional")
    OTHER = "other", _("Other")


class AgeBand(models.TextChoices):
    UNDER_25 = "under_25", _("Under 25")
    FROM_25_TO_34 = "25_34", _("25 to 34")
    FROM_35_TO_44 = "35_44", _("35 to 44")
    FROM_45_TO_54 = "45_54", _("45 to 54")
    FROM_55 = "55_plus", _("55 or over")


class EmploymentStatus(models.TextChoices):
    STUDYING = "studying", _("Studying")
    EMPLOYED = "employed", _("Employed or self-employed")
    SEEKING = "seeking", _("Looking for work")
    OTHER = "other", _("Other")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    preferred_language = models.CharField(_("preferred language"), max_length=10, default="en")
    did = models.CharField(
        _("decentralised identifier"), max_length=500, blank=True, help_text=_("Optional; put in your credentials.")
    )
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)
    # Who the learner is, for the alliance's reporting only (never put in a credential). The group is what the
    # strategic plan counts; empty until the learner says (asked at registration and at the next login).
    learner_group = models.CharField(_("learner group"), max_length=30, choices=LearnerGroup.choices, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2 code."))
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    employment_status = models.CharField(
        _("employment status"), max_length=20, choices=EmploymentStatus.choices, blank=True
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def may_be_emailed(self) -> bool:
        """Whether e-mails may be written to this account: it has an address and its personal data were not erased
        (GDPR Art. 17). Every e-mail builder asks this; the occasion's own rules (a closed task…) come on top."""
        return bool(self.email) and self.erased_at is None


class RoleAssignment(models.Model):
    """`user` holds `role`, at `institution` for university roles (NULL for alliance-wide roles)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    institution = models.ForeignKey(
        "reference.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("institution"),
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "institution"], name="role_assignment_unique_scoped"),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(institution__isnull=True),
                name="role_assignment_unique_alliance",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=sorted(r.value for r in INSTITUTION_REQUIRED))
                | models.Q(institution__isnull=False),
                name="role_assignment_institution_required",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=sorted(r.value for r in INSTITUTION_REQUIRED | INSTITUTION_OPTIONAL))
                | models.Q(institution__isnull=True),
                name="role_assignment_alliance_roles_unscoped",
            ),
        ]

    def __str__(self) -> str:
        where = self.institution.short_name if self.institution_id else "alliance"
        return f"{self.user} — {self.get_role_display()} ({where})"
