"""Account pages: log in/out, register, verify e-mail, reset password, profile. Thin: parse → service → render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from microcred.accounts import services
from microcred.accounts.exceptions import TooManyAttempts, VerificationLinkInvalid
from microcred.accounts.forms import (
    LoginForm,
    PasswordResetForm,
    ProfileForm,
    RegistrationForm,
    ResendVerificationForm,
)
from microcred.privacy import selectors as privacy_selectors
from microcred.privacy.services import NoticeShown


def _with_retry_after(response, seconds: int):
    """A page refused by a throttle answers 429 Too Many Requests with Retry-After (RFC 6585 §4)."""
    if seconds:
        response.status_code = 429
        response["Retry-After"] = str(seconds)
    return response


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["oidc_enabled"] = settings.OIDC_ENABLED
        ctx["oidc_provider_name"] = settings.OIDC_PROVIDER_NAME
        if settings.OIDC_ENABLED:  # a first single sign-on makes an account: the notice is linked before it
            ctx["privacy_notice"] = privacy_selectors.current_notice()
        return ctx

    def form_invalid(self, form):
        return _with_retry_after(super().form_invalid(form), form.retry_after)


class LogoutView(auth_views.LogoutView):
    pass


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    notice = privacy_selectors.current_notice()  # linked from the page, before the account is made (GDPR Art. 13)
    form = RegistrationForm(request.POST or None, initial={"language": request.LANGUAGE_CODE}, notice=notice)
    retry_after = 0
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        shown = form.notice_shown
        privacy = None
        if shown is not None:
            text = privacy_selectors.text_for(shown, request.LANGUAGE_CODE)
            privacy = NoticeShown(
                shown, text.language if text else request.LANGUAGE_CODE, bool(data.get("privacy_consent"))
            )
        try:
            # The same next page whether or not the address has an account (services.sign_up).
            services.sign_up(
                request=request,
                email=data["email"],
                full_name=data["full_name"],
                password=data["password"],
                language=data["language"],
                privacy=privacy,
            )
        except TooManyAttempts as exc:
            form.add_error(None, exc.message)
            retry_after = exc.retry_after
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            return redirect("accounts:register-done")
    context = {"form": form, "privacy_notice": notice}
    return _with_retry_after(render(request, "accounts/register.html", context), retry_after)


def register_done(request):
    return render(request, "accounts/register_done.html")


def verify_email(request, token: str):
    try:
        services.verify_email(token=token)
    except VerificationLinkInvalid as exc:
        return render(
            request,
            "accounts/verify_failed.html",
            {"message": exc.message, "form": ResendVerificationForm()},
            status=400,
        )
    messages.success(request, _("Your e-mail address is confirmed. You can now log in."))
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
def resend_verification(request):
    form = ResendVerificationForm(request.POST or None)
    retry_after = 0
    if request.method == "POST" and form.is_valid():
        try:
            services.resend_verification(request=request, email=form.cleaned_data["email"])
        except TooManyAttempts as exc:
            form.add_error(None, exc.message)
            retry_after = exc.retry_after
        else:
            # Same answer whether or not the address is known: addresses cannot be probed.
            messages.success(request, _("If that address has an unconfirmed account, a new link is on its way."))
            return redirect("accounts:login")
    return _with_retry_after(render(request, "accounts/resend.html", {"form": form}), retry_after)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details are saved."))
        return redirect("accounts:profile")
    assignments = request.user.role_assignments.select_related("institution")
    context = {
        "form": form,
        "assignments": assignments,
        "privacy_receipt": privacy_selectors.last_receipt(request.user),
        "privacy_current": privacy_selectors.current_notice(),
    }
    return render(request, "accounts/profile.html", context)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        # Links in e-mails point at the public address, not at whatever Host the request carried.
        base = settings.PUBLIC_BASE_URL
        self.extra_email_context = {"public_base_url": base}
        return super().form_valid(form)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        return _with_retry_after(super().form_invalid(form), form.retry_after)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_completed(user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
