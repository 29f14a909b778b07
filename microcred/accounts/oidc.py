"""Single sign-on with a university's OpenID Connect provider (off unless OIDC_ENABLED).

Users are matched by verified e-mail; a first login creates the account with the e-mail already
verified (the identity provider vouches for it). Roles are never taken from the provider: the
alliance admin grants them.

The callback is throttled per client: each callback spends an attempt before the provider is called (a code
is exchanged at its token endpoint), a successful log-in gives it back, and once OIDC_CALLBACK_FAILURE_LIMIT
are spent the client's callbacks are refused for LOGIN_LOCKOUT_SECONDS without calling the provider
(OWASP ASVS 4.0.3 V2.2.1).
"""

from django.db import transaction
from django.shortcuts import render
from django.utils import timezone, translation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from microcred.accounts import services
from microcred.accounts.exceptions import TooManyAttempts
from microcred.accounts.views import after_login
from microcred.privacy import selectors as privacy_selectors
from microcred.privacy import services as privacy_services
from microcred.privacy.models import NoticeReceipt


class UniversityOIDCBackend(OIDCAuthenticationBackend):
    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip().lower()
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email)

    def verify_claims(self, claims):
        if not super().verify_claims(claims):
            return False
        # Refuse addresses the provider has not verified (when it says so).
        return claims.get("email_verified", True) is not False

    @transaction.atomic
    def create_user(self, claims):
        email = claims["email"].strip().lower()
        name = claims.get("name") or " ".join(filter(None, [claims.get("given_name"), claims.get("family_name")]))
        # The log-in page links the privacy notice in force next to the single sign-on button (GDPR Art. 13).
        notice = privacy_selectors.current_notice()
        user = services.create_learner_account(
            email=email,
            full_name=name or email,
            email_verified_at=timezone.now(),
            how="Single sign-on (OIDC)",
            privacy_notice_version=notice.version if notice is not None else None,
        )
        if notice is not None:
            text = privacy_selectors.text_for(notice, translation.get_language())
            privacy_services.record_shown(
                user=user,
                notice=notice,
                occasion=NoticeReceipt.Occasion.SINGLE_SIGN_ON,
                language=text.language if text else translation.get_language() or "en",
            )
        return user

    def update_user(self, user, claims):
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
        return user


class ThrottledCallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back to us, refused with 429 once a client's callbacks have failed too often."""

    succeeded = False

    def get(self, request):
        try:
            services.begin_oidc_callback(request=request)
        except TooManyAttempts as exc:
            response = render(request, "core/rate_limited.html", {"message": exc.message}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        response = super().get(request)  # a forged state raises SuspiciousOperation: the attempt stays spent
        if self.succeeded:
            services.oidc_callback_succeeded(request=request)
        return response

    def login_success(self):
        self.succeeded = True
        return super().login_success()

    @property
    def success_url(self):
        # A learner account that has not said its learner group is asked first (issue #15), as after a password
        # log-in; the next page was checked when the log-in started (mozilla_django_oidc.views.get_next_url).
        return after_login(self.request, super().success_url)
