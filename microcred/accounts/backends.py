from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from microcred.accounts import services
from microcred.accounts.exceptions import TooManyAttempts


class EmailBackend(ModelBackend):
    """Log in with e-mail (case-insensitive) and password. Unverified learners may not log in.

    Throttled here, so every password form is (ours, the admin site's): each attempt is counted against the
    address typed and the client before the password is checked, and while either is blocked no password is
    checked at all, the right one included (services.begin_login).
    """

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or "").strip()
        if not email or password is None:
            return None
        try:
            services.begin_login(request=request, email=email)
        except TooManyAttempts as exc:
            raise PermissionDenied(exc.message) from exc  # stops authenticate(): no other backend is asked
        user = self._check_password(email, password)
        if user is not None:
            services.login_succeeded(request=request, email=email)
        return user

    def _check_password(self, email: str, password: str):
        User = get_user_model()
        try:
            user = User.objects.get(email__iexact=email)
        except User.DoesNotExist:
            User().set_password(password)  # same work either way: no timing oracle for e-mails
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
