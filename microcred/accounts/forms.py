from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from microcred import roles
from microcred.accounts import countries, notifications, services
from microcred.accounts.exceptions import TooManyAttempts
from microcred.accounts.models import AgeBand, EmploymentStatus, LearnerGroup
from microcred.core.exceptions import ValidationFailed
from microcred.core.text import PASSWORD_TEXT
from microcred.privacy import services as privacy_services

# The longest address the account table holds (RFC 5321 §4.5.3.1: a path of at most 256 octets, minus <>).
EMAIL_MAX_LENGTH = 254


class ThrottledLoginMixin:
    """A refused log-in says how long to wait when a throttle refused it (the backend counts the attempts).

    `retry_after` is then the wait in seconds, for the view's Retry-After header.
    """

    retry_after = 0

    def get_invalid_login_error(self):
        wait = services.login_retry_after(request=self.request, email=self.cleaned_data.get("username") or "")
        if wait:
            self.retry_after = wait
            return ValidationError(TooManyAttempts("login", wait).message, code=TooManyAttempts.code)
        return super().get_invalid_login_error()


NOT_SAID = ("", _("Prefer not to say"))


class LearnerBackgroundFields(forms.Form):
    """The learner group and the optional country, age band and employment status (issue #15), with why each is
    asked. A form that takes them subclasses this; `background_fields` and `other_fields` let a template show them
    as a group of their own. `group_required`: False only for a staff member's own details."""

    learner_group = forms.ChoiceField(
        label=_("Which group do you belong to?"),
        choices=LearnerGroup.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Asked so that the alliance can report how many learners of each group its micro-credentials reach, "
            "as its strategic plan requires. Never put in a credential."
        ),
        error_messages={"required": _("Choose the group you belong to.")},
    )
    country = forms.ChoiceField(
        label=_("Country where you live"),
        required=False,
        help_text=_("Optional. For the alliance's reporting on where its learners come from; never in a credential."),
    )
    age_band = forms.ChoiceField(
        label=_("Age band"),
        required=False,
        choices=[NOT_SAID, *AgeBand.choices],
        help_text=_("Optional. For the alliance's reporting, in totals only; never in a credential."),
    )
    employment_status = forms.ChoiceField(
        label=_("Employment status"),
        required=False,
        choices=[NOT_SAID, *EmploymentStatus.choices],
        help_text=_("Optional. For the alliance's reporting, in totals only; never in a credential."),
    )

    def __init__(self, *args, group_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Names in the language of the request, ordered by them.
        self.fields["country"].choices = [NOT_SAID, *countries.choices()]
        if not group_required:
            self.fields["learner_group"].required = False
            self.fields["learner_group"].choices = [NOT_SAID, *LearnerGroup.choices]
        for name in services.BACKGROUND_FIELDS:  # invalid choices name the field's own message
            self.fields[name].error_messages["invalid_choice"] = _(
                "“%(value)s” is not one of the choices: choose one from the list."
            )

    def background_fields(self):
        return [self[name] for name in services.BACKGROUND_FIELDS]

    def other_fields(self):
        return [field for field in self.visible_fields() if field.name not in services.BACKGROUND_FIELDS]

    def background(self) -> services.LearnerBackground:
        """The checked values (after is_valid())."""
        return services.LearnerBackground(**{name: self.cleaned_data[name] for name in services.BACKGROUND_FIELDS})


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_TEXT,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("The e-mail address or the password is wrong. Both are case-sensitive for the password."),
        "inactive": _("This account is not active."),
        "unverified": _("Please confirm your e-mail address first: follow the link we sent you, or ask for a new one."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.email_verified_at is None:
            raise ValidationError(self.error_messages["unverified"], code="unverified")


class RegistrationForm(LearnerBackgroundFields):
    field_order = ["full_name", "email", "password", "password_again", "language"]

    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("E-mail address"), max_length=EMAIL_MAX_LENGTH, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_TEXT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common password, not only digits, not like your name or e-mail."),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=PASSWORD_TEXT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES, initial="en")
    # The version of the privacy notice the page showed (GDPR Art. 13: information given when the data are
    # obtained); recorded with the account.
    privacy_notice = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)

    def __init__(self, *args, notice=None, **kwargs):
        """`notice`: the privacy notice shown on the page (the version in force), if one is published."""
        super().__init__(*args, **kwargs)
        self.notice_shown = None
        if notice is not None:
            self.fields["privacy_notice"].initial = notice.version
            if notice.requires_consent:  # only then a box to tick (GDPR Art. 7: consent is a clear act)
                self.fields["privacy_consent"] = forms.BooleanField(
                    label=_("I agree to the processing that relies on my consent, as the privacy notice describes."),
                    required=True,
                )

    def clean_email(self):
        # Whether the address has an account is not checked here: the answer would tell anyone (services.sign_up).
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        try:  # a page error, not a field's: the field is hidden
            self.notice_shown = privacy_services.version_shown_at_registration(data.get("privacy_notice"))
        except ValidationFailed as exc:
            self.add_error(None, exc.message)
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", _("The two passwords are not the same."))
        if password and data.get("email"):
            candidate = get_user_model()(email=data["email"], full_name=data.get("full_name", ""))
            try:
                validate_password(password, user=candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


class BackgroundForm(LearnerBackgroundFields):
    """The question asked after logging in of a learner account that has not said its group."""

    def __init__(self, *args, user, **kwargs):
        initial = {name: getattr(user, name) for name in services.BACKGROUND_FIELDS}
        super().__init__(*args, initial=initial, **kwargs)


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=EMAIL_MAX_LENGTH, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ProfileForm(LearnerBackgroundFields):
    """The learner's own details on "My account"; the group may stay blank only on a staff member's account."""

    field_order = ["full_name", "preferred_language", "did"]

    full_name = forms.CharField(label=_("Full name"), max_length=200)
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=settings.LANGUAGES)
    did = forms.CharField(
        label=_("Decentralised identifier"),
        max_length=500,
        required=False,
        help_text=_("Optional; put in your credentials."),
    )

    def __init__(self, *args, user, **kwargs):
        initial = {name: getattr(user, name) for name in services.PROFILE_FIELDS}
        super().__init__(*args, initial=initial, group_required=roles.is_learner_account(user), **kwargs)

    def clean_did(self):
        did = self.cleaned_data["did"].strip()
        if did and not did.startswith("did:"):
            raise ValidationError(_("A decentralised identifier starts with “did:”, for example did:key:z6Mk…"))
        return did


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's form, throttled per address and per client (the same for addresses without an account); the link
    goes through the outbox (accounts.notifications): with a Celery worker delivering, a request for an address
    with an account no longer waits for the mail server, which told the two kinds of address apart."""

    retry_after = 0

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("email"):
            try:
                services.spend_password_reset_attempt(request=self.request, email=data["email"])
            except TooManyAttempts as exc:
                self.retry_after = exc.retry_after
                raise ValidationError(exc.message, code=exc.code) from exc
        return data

    def save(self, **_django_options):
        """Write the link for each account with this address that can reset its password (Django's
        get_users: active, with a usable password); the view's e-mail options are not used (the outbox builds
        the message in the account's language when it is sent)."""
        with transaction.atomic():
            for user in self.get_users(self.cleaned_data["email"]):
                notifications.announce_password_reset(user=user)


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin site's log-in, with the same message when a throttle refuses it."""

    username = forms.CharField(max_length=EMAIL_MAX_LENGTH, widget=forms.TextInput(attrs={"autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False, max_length=PASSWORD_TEXT, widget=forms.PasswordInput)
