"""Settings shared by every environment. Values that differ per deployment come from config.env."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, env_bool, env_int, env_list, env_networks, env_pairs, env_str

DEBUG = False
# With DEBUG on (config.settings.local, `make run`): show Django's debug pages for a 404 or 500 (URL patterns,
# tracebacks). Off by default: our error pages, as in production (microcred/core/errors.py).
DEBUG_ERROR_PAGES = env_bool("DEBUG_ERROR_PAGES", False)
SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-not-for-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
# Key-encryption key of the issuers' signing keys: 32 random bytes, base64 (see microcred/credentials/README.md).
CREDENTIAL_KEK = env_str("CREDENTIAL_KEK", "")
# During a KEK rotation only: the old KEK(s), comma-separated, accepted to open issuer keys, never to seal
# (`manage.py rotate_kek`, docs/operations.md "Key custody").
CREDENTIAL_KEK_PREVIOUS = env_list("CREDENTIAL_KEK_PREVIOUS")
# Who signs with the issuers' keys: "software" (the key sealed in the database, opened with CREDENTIAL_KEK) or
# the dotted path of a signer backend (an HSM or cloud KMS; microcred/credentials/signers.py).
CREDENTIAL_SIGNER = env_str("CREDENTIAL_SIGNER", "software")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "mozilla_django_oidc",
    "microcred.core",
    "microcred.accounts",
    "microcred.audit",
    "microcred.reference",
    "microcred.guidance",
    "microcred.proposals",
    "microcred.catalogue",
    "microcred.learning",
    "microcred.credentials",
    "microcred.handoffs",
    "microcred.outbox",
    "microcred.oid4vci",
    "microcred.exchanges",
    "microcred.seals",
    "microcred.wallet",
    "microcred.pathways",
    "microcred.recognition",
    "microcred.guide",
    "microcred.quality",
    "microcred.privacy",
    "microcred.reporting",
    "microcred.surveys",
    "microcred.operations",
    "microcred.api",
]

MIDDLEWARE = [
    # Sees every response last: documents the same for everyone (status lists, DID documents) lose their Vary.
    "microcred.core.middleware.SameForEveryoneMiddleware",
    # Then: every log line of a request carries its id; every request is timed (microcred/operations/).
    "microcred.operations.logs.RequestIdMiddleware",
    "microcred.core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "microcred.api.middleware.JsonErrorsForApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "microcred.core.middleware.RefuseNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "microcred.core.errors.DebugErrorPagesMiddleware",
    "microcred.accounts.middleware.StaffIdleTimeoutMiddleware",
    "microcred.privacy.middleware.PrivacyConsentMiddleware",
    "microcred.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "microcred" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "microcred.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work side by side; the timeout waits out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
# A database that accepts connections and never answers must not hold a web or Celery worker: libpq's
# connect_timeout bounds connecting (PostgreSQL documentation, "Parameter Key Words"), the server's
# statement_timeout each statement ("Client Connection Defaults"; 0: no limit). Seconds; libpq waits forever
# with a connect_timeout of 0 and counts 1 as 2, hence at least 2.
DB_CONNECT_TIMEOUT = env_int("DB_CONNECT_TIMEOUT", 5, minimum=2)
DB_STATEMENT_TIMEOUT = env_int("DB_STATEMENT_TIMEOUT", 30, minimum=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["connect_timeout"] = DB_CONNECT_TIMEOUT
    _pg_options["options"] = (
        f"{_pg_options.get('options', '')} -c statement_timeout={DB_STATEMENT_TIMEOUT * 1000}".strip()
    )
# /healthz gives up on the database after this many seconds and answers 503 (its own connection and timeout).
HEALTHZ_DB_TIMEOUT = env_int("HEALTHZ_DB_TIMEOUT", 2, minimum=1)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["microcred.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # also the life of an e-mail verification link
EMAIL_VERIFICATION_MAX_AGE = env_int("EMAIL_VERIFICATION_MAX_AGE", 60 * 60 * 48)

# Internationalisation: English plus alliance languages.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("hu", _("Hungarian")),
    ("de", _("German")),
    ("ca", _("Catalan")),
    ("sv", _("Swedish")),
    ("fi", _("Finnish")),
    ("nb", _("Norwegian Bokmål")),
]
LOCALE_PATHS = [BASE_DIR / "microcred" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Brussels"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "microcred" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "micro-credentials@localhost")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)  # seconds; a mail server that hangs must not hold a worker
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # for django.core.mail.backends.filebased

# Caches: local memory by default, Redis when REDIS_URL is given.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    # While Redis is gone, each process caches in its own memory (microcred/core/cache.py): pages keep working.
    CACHES = {
        "default": {
            "BACKEND": "microcred.core.cache.RedisCacheWithFallback",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: with no broker configured, tasks run eagerly in the web process (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Late acknowledgement: a killed worker's task stays with the broker, which hands it to another worker after
# the visibility timeout (Celery documentation, "Using Redis": visibility timeout; default there one hour).
# It must exceed the longest task (an issuance job, which signs each credential in tens of milliseconds, so
# 600 s covers offerings of thousands) and every countdown; a job that runs longer is safe (a second delivery
# of a live job does nothing) and the sweep below deals with it if its worker is then lost.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600, minimum=1),
    "socket_connect_timeout": 5,  # a broker that is gone or hangs fails `.delay` fast; the outbox keeps the work
    "socket_timeout": 10,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # with late acknowledgement, a worker holds one message it is not running
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker waits for the broker to come back, however long it takes
# Sweeps (run by `celery -A config beat`, see README "Running in production"): outbox messages left pending,
# issuance jobs never started or whose worker was lost. Each sweep expires if no worker takes it in time.
BACKGROUND_SWEEP_SECONDS = env_int("BACKGROUND_SWEEP_SECONDS", 60, minimum=1)
# The retention schedule (microcred/privacy/retention.py) runs once every RETENTION_RUN_SECONDS.
RETENTION_RUN_SECONDS = env_int("RETENTION_RUN_SECONDS", 24 * 60 * 60, minimum=60)
# Workers log through LOGGING below (a request id on each line, redacted), not Celery's own root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Days a survey stays open after its offering ended, and days before it closes that the one reminder goes out.
SURVEY_OPEN_DAYS = env_int("SURVEY_OPEN_DAYS", 21, minimum=1)
SURVEY_REMINDER_DAYS_BEFORE_CLOSE = env_int("SURVEY_REMINDER_DAYS_BEFORE_CLOSE", 7, minimum=0)
# Days before a policy version's review date (policy 10.3) that the alliance admins are e-mailed and the admin
# pages show it is due.
POLICY_REVIEW_REMINDER_DAYS = env_int("POLICY_REVIEW_REMINDER_DAYS", 90, minimum=1)
# Days a learner has to appeal (once) against a recognition decision (issue #12, item 5).
RECOGNITION_APPEAL_DAYS = env_int("RECOGNITION_APPEAL_DAYS", 30, minimum=1)
# Days after the decision by which a condition of approval is due when the council gives no date (issue #14).
CONDITION_DUE_DAYS = env_int("CONDITION_DUE_DAYS", 90, minimum=1)
# An issuance job whose worker shows no progress for the lease may be taken over (a redelivery, "Resume");
# with none for the stale period (longer than the visibility timeout) the sweep marks it failed, to run again.
ISSUANCE_JOB_LEASE_SECONDS = env_int("ISSUANCE_JOB_LEASE_SECONDS", 60, minimum=1)
ISSUANCE_JOB_STALE_SECONDS = env_int("ISSUANCE_JOB_STALE_SECONDS", 900, minimum=1)
# Each batch of a large issuance job becomes a task of its own, so that all the workers issue one offering
# together (services/bulk.py); off, one worker runs a job from start to end.
ISSUANCE_JOB_FAN_OUT = env_bool("ISSUANCE_JOB_FAN_OUT", False)

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous request gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "microcred.api.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Micro-credentials platform API",
    "DESCRIPTION": "Versioned REST API of the alliance micro-credentials platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}

# Single sign-on through OpenID Connect (university identity providers). Off by default.
OIDC_ENABLED = env_bool("OIDC_ENABLED", False)
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "University login")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SCOPES = "openid email profile"
OIDC_CREATE_USER = True
OIDC_TIMEOUT = 10
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "microcred.accounts.oidc.UniversityOIDCBackend"]

# Security headers that hold in every environment.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Logs (microcred/operations/logs.py, docs/operations.md "Logs"): "plain" lines (the embedded default) or "json",
# one object a line (production). Every line has the request id; tokens in URLs and e-mail addresses are redacted
# by a filter on every handler. Django's own loggers (requests, runserver) go through the same handler.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ValueError(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "microcred.operations.logs.RequestIdFilter"},
        "redact": {"()": "microcred.operations.logs.RedactFilter"},
    },
    "formatters": {
        "plain": {"()": "microcred.operations.logs.PlainFormatter"},
        "json": {"()": "microcred.operations.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id", "redact"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default handlers (console when DEBUG, mail_admins) are replaced: everything reaches the one
        # redacting handler above, through the root logger.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": "WARNING"},
    },
}
# The Prometheus metrics at /metrics, to a scraper sending "Authorization: Bearer <METRICS_TOKEN>"; without a token
# the endpoint answers 404 (docs/operations.md "Metrics").
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

# Verification traffic a CDN can carry (issue #17): status lists and DID documents are served with a strong ETag and
# `Cache-Control: public, max-age` of these seconds (a status list's never above its own ttl, Bitstring Status List
# 1.0 §2.1): a revocation reaches verifiers within STATUS_LIST_MAX_AGE, a new key within DID_DOCUMENT_MAX_AGE.
STATUS_LIST_MAX_AGE = env_int("STATUS_LIST_MAX_AGE", 300, minimum=0)
DID_DOCUMENT_MAX_AGE = env_int("DID_DOCUMENT_MAX_AGE", 3600, minimum=0)
# The alliance's issuer registry (/trust/registry.json and .vc.json), cached by verifiers and CDNs for this long.
TRUST_REGISTRY_MAX_AGE = env_int("TRUST_REGISTRY_MAX_AGE", 300, minimum=0)
# A self-signed TEST seal for an issuer without a seal certificate, made when first needed (microcred/seals): on in
# the embedded default (local settings), off elsewhere unless set; seals.W002 warns about a test seal outside DEBUG.
SEAL_TEST_SEALS = env_bool("SEAL_TEST_SEALS", False)
# Verifying our own credentials from process memory (credentials/services/verification_cache.py): "shared" (only
# while the Django cache is shared by every process, Redis; a revocation or key change empties every process's
# memory), "process" (also with a local-memory cache: one process), "off" (read the database every time).
VERIFICATION_CACHE = env_str("VERIFICATION_CACHE", "shared")
if VERIFICATION_CACHE not in ("shared", "process", "off"):
    raise ValueError(f"VERIFICATION_CACHE must be shared, process or off, not {VERIFICATION_CACHE!r}.")
# The longest a process may use what it keeps whatever happens (for example a database restored under it).
VERIFICATION_CACHE_SECONDS = env_int("VERIFICATION_CACHE_SECONDS", 300, minimum=0)

# Rendered catalogue search results are cached this many seconds (0: off); every catalogue change drops them.
CATALOGUE_RESULTS_CACHE_SECONDS = env_int("CATALOGUE_RESULTS_CACHE_SECONDS", 30)

# The reporting figures (dashboard, staff KPI API, impact page, /api/v1/kpis) are kept this many seconds per query
# (0: off): they are aggregates over every enrolment and credential, so a busy dashboard reads them once.
REPORTING_CACHE_SECONDS = env_int("REPORTING_CACHE_SECONDS", 300, minimum=0)
# The figures every reader starts from are computed ahead of them, every two thirds of that time (at least once a
# minute), so they are replaced before they expire (microcred/reporting/kept.py).
# Every periodic job (survey reminders and closing, retention, status lists, reminders, sweeps, reporting) is
# listed once, in microcred/operations/schedule.py; beat's schedule is built from that list. Each entry runs
# the job through its lease (never twice at once) and records its last success (docs/operations.md).
from microcred.operations.schedule import beat_schedule  # noqa: E402 (reads the values set above)

CELERY_BEAT_SCHEDULE = beat_schedule(globals())

# Alliance identity (data, not code: the name shown in the page frame comes from reference data).
SITE_NAME = env_str("SITE_NAME", "Alliance micro-credentials")

# Verifying credentials of issuers that are not ours (offline unless an operator lists hosts): hosts whose
# did:web documents, and whose Bitstring status lists, the verifier may fetch. Our own host is never fetched.
DID_WEB_ALLOWED_HOSTS = env_list("DID_WEB_ALLOWED_HOSTS", [])
STATUS_LIST_ALLOWED_HOSTS = env_list("STATUS_LIST_ALLOWED_HOSTS", DID_WEB_ALLOWED_HOSTS)
# Plain HTTP for those fetches: only for a test network or a local development federation, never in production
# (a did:web document must be served over HTTPS, did:web method specification §3.2).
REMOTE_DOCUMENTS_ALLOW_HTTP = env_bool("REMOTE_DOCUMENTS_ALLOW_HTTP", False)

# The legal identifier of each issuing university in European Learning Model exports ({institution slug: national
# registration number}); ELM requires one on the issuer. A university without one gets its did:web, named as such.
ELM_LEGAL_IDENTIFIERS = env_pairs("ELM_LEGAL_IDENTIFIERS")

# The client address that rate limits and log-in throttles count by (microcred/core/ratelimit.py). Behind reverse
# proxies, the address is the right-most one in X-Forwarded-For that none of our proxies added (RFC 7239 §8.1:
# only the entries added by proxies we run can be trusted). TRUSTED_PROXY_COUNT: how many proxies stand in front of
# the application, each appending to X-Forwarded-For; TRUSTED_PROXY_NETWORKS: the networks our proxies connect from.
# With neither, X-Forwarded-For is never read.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
TRUSTED_PROXY_NETWORKS = env_networks("TRUSTED_PROXY_NETWORKS")

# Rate limits of public endpoints, per client address and minute.
VERIFY_RATE_LIMIT = env_int("VERIFY_RATE_LIMIT", 30, minimum=1)
SHARE_LINK_RATE_LIMIT = env_int("SHARE_LINK_RATE_LIMIT", 60, minimum=1)
# ESCO skill suggestions and the micro-credentials for an occupation (microcred/guidance/), per client a minute.
SKILL_SUGGEST_RATE_LIMIT = env_int("SKILL_SUGGEST_RATE_LIMIT", 120, minimum=1)

# OpenID4VCI (microcred/oid4vci/README.md): lifetimes in seconds, transaction-code attempts, rate limits per minute.
OID4VCI_OFFER_TTL = env_int("OID4VCI_OFFER_TTL", 600, minimum=1)
OID4VCI_ACCESS_TOKEN_TTL = env_int("OID4VCI_ACCESS_TOKEN_TTL", 300, minimum=1)
OID4VCI_NONCE_TTL = env_int("OID4VCI_NONCE_TTL", 300, minimum=1)
OID4VCI_TX_CODE_ATTEMPTS = env_int("OID4VCI_TX_CODE_ATTEMPTS", 5, minimum=1)
OID4VCI_TOKEN_RATE_LIMIT = env_int("OID4VCI_TOKEN_RATE_LIMIT", 20, minimum=1)
OID4VCI_NONCE_RATE_LIMIT = env_int("OID4VCI_NONCE_RATE_LIMIT", 30, minimum=1)
OID4VCI_CREDENTIAL_RATE_LIMIT = env_int("OID4VCI_CREDENTIAL_RATE_LIMIT", 20, minimum=1)
OID4VCI_OFFER_URI_RATE_LIMIT = env_int("OID4VCI_OFFER_URI_RATE_LIMIT", 30, minimum=1)
OID4VCI_OFFER_RATE_LIMIT = env_int("OID4VCI_OFFER_RATE_LIMIT", 10, minimum=1)
# VC-API exchanges to the DCC Learner Credential Wallet (microcred/exchanges/README.md)
EXCHANGE_TTL = env_int("EXCHANGE_TTL", 900, minimum=1)
EXCHANGE_RATE_LIMIT = env_int("EXCHANGE_RATE_LIMIT", 20, minimum=1)
EXCHANGE_START_RATE_LIMIT = env_int("EXCHANGE_START_RATE_LIMIT", 10, minimum=1)

# Throttles against password guessing and e-mail flooding (OWASP ASVS 4.0.3 V2.2.1; NIST SP 800-63B §5.2.2 allows
# at most 100 consecutive failures per account). Over a limit, the person is told how long to wait; the same limits
# apply to addresses with and without an account, so the answer never tells which exists.
# Log-in attempts that fail, per account (the e-mail address typed) and per client, within LOGIN_LOCKOUT_SECONDS;
# once over, logging in is paused for LOGIN_LOCKOUT_SECONDS. A successful log-in clears its account's count.
LOGIN_FAILURE_LIMIT_PER_ACCOUNT = env_int("LOGIN_FAILURE_LIMIT_PER_ACCOUNT", 10, minimum=1)
LOGIN_FAILURE_LIMIT_PER_CLIENT = env_int("LOGIN_FAILURE_LIMIT_PER_CLIENT", 100, minimum=1)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60, minimum=1)
# Password reset requests per hour, per e-mail address and per client.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 3, minimum=1)
PASSWORD_RESET_LIMIT_PER_CLIENT = env_int("PASSWORD_RESET_LIMIT_PER_CLIENT", 30, minimum=1)
# Sign-ups and "send the confirmation link again" requests per hour, per e-mail address and per client.
REGISTRATION_LIMIT_PER_ADDRESS = env_int("REGISTRATION_LIMIT_PER_ADDRESS", 3, minimum=1)
REGISTRATION_LIMIT_PER_CLIENT = env_int("REGISTRATION_LIMIT_PER_CLIENT", 60, minimum=1)
# Single sign-on callbacks that fail, per client within LOGIN_LOCKOUT_SECONDS (each one costs a call to the provider).
OIDC_CALLBACK_FAILURE_LIMIT = env_int("OIDC_CALLBACK_FAILURE_LIMIT", 20, minimum=1)

# Staff sessions end after this many seconds without a request (0: never); learners are not affected.
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60)

# Retention schedule (GDPR Art. 5(1)(e), storage limitation; microcred/privacy/retention.py): days after which
# each kind of personal data that has outlived its purpose is deleted by `manage.py apply_retention` and the daily
# beat task. The privacy notice and the record of processing activities show these periods.
RETENTION_DAYS = {
    # accounts whose e-mail address was never confirmed, after sign-up (never before the link expires)
    "unverified_accounts": env_int("RETENTION_UNVERIFIED_ACCOUNT_DAYS", 30, minimum=1),
    # share links (notes, view counts) after they were withdrawn or expired
    "share_links": env_int("RETENTION_SHARE_LINK_DAYS", 90, minimum=0),
    # OpenID4VCI offers never used, after they expired or were withdrawn; access tokens after they expired
    "wallet_offers": env_int("RETENTION_WALLET_OFFER_DAYS", 30, minimum=0),
    "wallet_access_tokens": env_int("RETENTION_WALLET_OFFER_DAYS", 30, minimum=0),
    # uploaded results files never confirmed, after the upload
    "result_import_previews": env_int("RETENTION_RESULT_IMPORT_DAYS", 30, minimum=1),
    # log-in sessions after they expired
    "sessions": env_int("RETENTION_SESSION_DAYS", 0, minimum=0),
    # the admin site's "recent actions" (the audit log keeps the facts)
    "admin_log": env_int("RETENTION_ADMIN_LOG_DAYS", 365, minimum=1),
    # error messages of outgoing e-mails sent or given up (they may name the address)
    "outbox_errors": env_int("RETENTION_OUTBOX_ERROR_DAYS", 90, minimum=1),
}
