"""Account pages: log in/out, register, verify e-mail, reset password, profile, and the learner group asked after
logging in. Thin: parse → service → render."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from microcred.accounts import permissions, services
from microcred.accounts.exceptions import InvalidBackground, TooManyAttempts, VerificationLinkInvalid
from microcred.accounts.forms import (
    BackgroundForm,
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


def after_login(request, next_url: str) -> str:
    """Where a person goes once logged in (by password or single sign-on): `next_url`, unless theirs is a learner
    account that has not said its learner group yet; then the page that asks first, which goes on to `next_url`
    (issue #15: existing accounts are asked at their next log-in). Nothing else is held up: staff, the admin site,
    the API and every other page stay as they are."""
    if permissions.is_asked_for_background(request.user):
        return f"{reverse('accounts:background')}?{urlencode({'next': next_url})}"
    return next_url


def _safe_next(request) -> str:
    """The page to go on to: `next` if it is on this site (no other host or scheme), else the dashboard."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("core:dashboard")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_success_url(self):
        return after_login(self.request, super().get_success_url())

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
                background=form.background(),
            )
        except InvalidBackground as exc:
            form.add_error(exc.field, exc.message)
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
    form = ProfileForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(
                user=request.user, changes={name: form.cleaned_data[name] for name in services.PROFILE_FIELDS}
            )
        except InvalidBackground as exc:
            form.add_error(exc.field, exc.message)
        else:
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


@login_required
@require_http_methods(["GET", "POST"])
def background(request):
    """The learner group (and the optional details), asked after logging in of a learner account that has not
    said it; then on to the page the person was going to (`next`, on this site only)."""
    next_url = _safe_next(request)
    form = BackgroundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_background(user=request.user, background=form.background())
        except InvalidBackground as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Thank you. Your details are saved; you can change them under My account."))
            return redirect(next_url)
    return render(request, "accounts/background.html", {"form": form, "next": next_url})


class PasswordResetView(auth_views.PasswordResetView):
    """The form writes the link to the outbox (accounts.notifications.password_reset_email), whose links point at
    PUBLIC_BASE_URL, never at whatever Host the request carried."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-done")

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
