"""Production: PostgreSQL, Redis, Celery workers, HTTPS. SECRET_KEY has no default here."""

from .base import *  # noqa: F403
from .base import env_bool, env_int, env_str

DEBUG = False
REMOTE_DOCUMENTS_ALLOW_HTTP = False  # did:web documents and status lists only over HTTPS in production
SECRET_KEY = env_str("SECRET_KEY")  # raises MissingSetting when absent: never defaulted in production
if SECRET_KEY.startswith("insecure-") or len(SECRET_KEY) < 50:
    raise RuntimeError("SECRET_KEY must be a random string of at least 50 characters in production.")

# Logs: one JSON object a line for the log collector, unless LOG_FORMAT says otherwise (docs/operations.md, "Logs").
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT

# Keep database connections between requests and tasks (bench/bench_issuance.py: 2x for Celery workers).
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
