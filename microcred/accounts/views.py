"""Account pages: log in/out, register, verify e-mail, reset password, profile. Thin: parse → service → render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from microcred.accounts import services
from microcred.accounts.exceptions import EmailAlreadyRegistered, VerificationLinkInvalid
from microcred.accounts.forms import LoginForm, ProfileForm, RegistrationForm, ResendVerificationForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["oidc_enabled"] = settings.OIDC_ENABLED
        ctx["oidc_provider_name"] = settings.OIDC_PROVIDER_NAME
        return ctx


class LogoutView(auth_views.LogoutView):
    pass


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    form = RegistrationForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_learner(
                email=data["email"], full_name=data["full_name"], password=data["password"], language=data["language"]
            )
        except EmailAlreadyRegistered as exc:
            form.add_error("email", exc.message)
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            return redirect("accounts:register-done")
    return render(request, "accounts/register.html", {"form": form})


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
    if request.method == "POST" and form.is_valid():
        user = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if user is not None and not user.email_verified:
            services.send_verification_email(user=user)
        # Same answer whether or not the address is known: addresses cannot be probed.
        messages.success(request, _("If that address has an unconfirmed account, a new link is on its way."))
        return redirect("accounts:login")
    return render(request, "accounts/resend.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details are saved."))
        return redirect("accounts:profile")
    assignments = request.user.role_assignments.select_related("institution")
    return render(request, "accounts/profile.html", {"form": form, "assignments": assignments})


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        # Links in e-mails point at the public address, not at whatever Host the request carried.
        base = settings.PUBLIC_BASE_URL
        self.extra_email_context = {"public_base_url": base}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
