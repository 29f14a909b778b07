"""Every documented setting is read from the environment (config/env.py), validated, and listed in the README."""

import json
import re
import subprocess
from pathlib import Path

import pytest

from microcred.core.tests import fresh_process

ROOT = Path(__file__).resolve().parents[3]

# name: (documented default, a different value to set in the environment)
LIMITS = {
    "VERIFY_RATE_LIMIT": (30, 7),
    "SHARE_LINK_RATE_LIMIT": (60, 8),
    "SKILL_SUGGEST_RATE_LIMIT": (120, 19),
    "OID4VCI_TOKEN_RATE_LIMIT": (20, 9),
    "OID4VCI_NONCE_RATE_LIMIT": (30, 11),
    "OID4VCI_CREDENTIAL_RATE_LIMIT": (20, 12),
    "OID4VCI_OFFER_URI_RATE_LIMIT": (30, 13),
    "OID4VCI_OFFER_RATE_LIMIT": (10, 14),
    "OID4VCI_OFFER_TTL": (600, 61),
    "OID4VCI_ACCESS_TOKEN_TTL": (300, 62),
    "OID4VCI_NONCE_TTL": (300, 63),
    "OID4VCI_TX_CODE_ATTEMPTS": (5, 3),
    "EXCHANGE_TTL": (900, 64),
    "EXCHANGE_RATE_LIMIT": (20, 21),
    "EXCHANGE_START_RATE_LIMIT": (10, 22),
    "TRUSTED_PROXY_COUNT": (0, 2),
    "LOGIN_FAILURE_LIMIT_PER_ACCOUNT": (10, 4),
    "LOGIN_FAILURE_LIMIT_PER_CLIENT": (100, 40),
    "LOGIN_LOCKOUT_SECONDS": (900, 120),
    "PASSWORD_RESET_LIMIT_PER_ADDRESS": (3, 2),
    "PASSWORD_RESET_LIMIT_PER_CLIENT": (30, 6),
    "REGISTRATION_LIMIT_PER_ADDRESS": (3, 5),
    "REGISTRATION_LIMIT_PER_CLIENT": (60, 15),
    "OIDC_CALLBACK_FAILURE_LIMIT": (20, 16),
    "POLICY_REVIEW_REMINDER_DAYS": (90, 17),
    "CONDITION_DUE_DAYS": (90, 30),
    "SURVEY_OPEN_DAYS": (21, 18),
    "SURVEY_REMINDER_DAYS_BEFORE_CLOSE": (7, 4),
    "STATUS_LIST_MAX_AGE": (300, 45),
    "DID_DOCUMENT_MAX_AGE": (3600, 600),
    "VERIFICATION_CACHE_SECONDS": (300, 20),
    "TRUST_REGISTRY_MAX_AGE": (300, 46),
}

# Run in a fresh process, so the settings module is imported under the environment given.
PROBE = """
import json
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from microcred.core.ratelimit import client_address, rate_limited
from microcred.oid4vci import services as oid4vci
from microcred.exchanges import services as exchanges
from microcred.credentials.services import trust_registry
from microcred.seals import services as seals

from microcred.core import ratelimit

# Forty requests must not straddle the minute: a fixed window turning over halfway allows up to twice the limit.
this_window = ratelimit.window_number(60)
ratelimit.window_number = lambda window: this_window

names = json.loads(NAMES)
values = {name: getattr(settings, name) for name in names}

@rate_limited("probe", limit_setting="VERIFY_RATE_LIMIT", default=30)
def view(request):
    return HttpResponse()

request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.1, 198.51.100.2, 10.0.0.6")
print(json.dumps({
    "values": values,
    "networks": settings.TRUSTED_PROXY_NETWORKS,
    "client": client_address(request),
    "verify_allowed": sum(view(request).status_code == 200 for _ in range(40)),
    "oid4vci": [oid4vci.offer_ttl(), oid4vci.token_ttl(), oid4vci.nonce_ttl(), oid4vci.max_tx_code_attempts()],
    "exchange_ttl": exchanges.exchange_ttl(),
    "registry_max_age": trust_registry.max_age(),
    "test_seals": seals.test_seals_allowed(),
}))
"""


def _run(code: str, settings_module: str = "config.settings.test", **env) -> subprocess.CompletedProcess:
    drop = {"DJANGO_ALLOW_ASYNC_UNSAFE", *LIMITS, "TRUSTED_PROXY_NETWORKS", "VERIFICATION_CACHE", "SEAL_TEST_SEALS"}
    return fresh_process.shell(code, drop=drop, settings_module=settings_module, **env)


def _probe(**env) -> dict:
    result = _run(f"NAMES = {json.dumps(json.dumps(list(LIMITS)))}\n" + PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_the_environment_the_documented_defaults_hold():
    seen = _probe()
    assert seen["values"] == {name: default for name, (default, _) in LIMITS.items()}
    assert seen["networks"] == []
    assert seen["client"] == "10.0.0.5"  # no proxy named: X-Forwarded-For is not read
    assert seen["verify_allowed"] == 30
    assert seen["oid4vci"] == [600, 300, 300, 5]
    assert seen["exchange_ttl"] == 900
    assert seen["registry_max_age"] == 300
    assert seen["test_seals"] is False  # the test settings, like production: no test seal unless set


def test_each_setting_set_in_the_environment_takes_effect():
    seen = _probe(
        **{name: str(value) for name, (_, value) in LIMITS.items()},
        TRUSTED_PROXY_NETWORKS="10.0.0.0/8, 192.0.2.7",
        SEAL_TEST_SEALS="true",
    )
    assert seen["values"] == {name: value for name, (_, value) in LIMITS.items()}
    assert seen["networks"] == ["10.0.0.0/8", "192.0.2.7/32"]
    # Two hops trusted by count (the peer and 10.0.0.6): the client is the next one from the right.
    assert seen["client"] == "198.51.100.2"
    assert seen["verify_allowed"] == LIMITS["VERIFY_RATE_LIMIT"][1]
    assert seen["oid4vci"] == [LIMITS[n][1] for n in LIMITS if n.startswith("OID4VCI_") and not n.endswith("LIMIT")]
    assert seen["exchange_ttl"] == LIMITS["EXCHANGE_TTL"][1]
    assert seen["registry_max_age"] == LIMITS["TRUST_REGISTRY_MAX_AGE"][1]
    assert seen["test_seals"] is True


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("VERIFY_RATE_LIMIT", "thirty", "VERIFY_RATE_LIMIT must be an integer, not 'thirty'"),
        ("OID4VCI_NONCE_TTL", "5m", "OID4VCI_NONCE_TTL must be an integer, not '5m'"),
        ("LOGIN_FAILURE_LIMIT_PER_ACCOUNT", "0", "LOGIN_FAILURE_LIMIT_PER_ACCOUNT must be at least 1, not 0"),
        ("TRUSTED_PROXY_COUNT", "-1", "TRUSTED_PROXY_COUNT must be at least 0, not -1"),
        ("TRUSTED_PROXY_NETWORKS", "10.0.0.0/8,proxy.internal", "'proxy.internal' is not one"),
        ("VERIFICATION_CACHE", "always", "VERIFICATION_CACHE must be shared, process or off, not 'always'"),
    ],
)
def test_an_unusable_value_stops_the_start_up_with_a_clear_message(name, value, message):
    result = _run("print('started')", **{name: value})
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert message in result.stderr


def test_the_readme_settings_table_lists_every_variable_the_settings_read():
    read = set()
    for module in (ROOT / "config" / "settings").glob("*.py"):
        read |= set(re.findall(r"env_\w+\(\s*\"([A-Z0-9_]+)\"", module.read_text()))
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Settings (environment variables)", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    assert read - listed == set()


def test_mappings_and_switches_set_in_the_environment_take_effect():
    code = (
        "import json; from django.conf import settings; from microcred.credentials.services import remote; "
        "print(json.dumps([settings.ELM_LEGAL_IDENTIFIERS, remote.https_scheme()]))"
    )
    default = _run(code)
    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout.strip().splitlines()[-1]) == [{}, "https"]
    changed = _run(code, ELM_LEGAL_IDENTIFIERS="ub=Q0818001J, uu = 30275924", REMOTE_DOCUMENTS_ALLOW_HTTP="true")
    assert changed.returncode == 0, changed.stderr
    assert json.loads(changed.stdout.strip().splitlines()[-1]) == [{"ub": "Q0818001J", "uu": "30275924"}, "http"]


def test_the_verification_cache_mode_set_in_the_environment_takes_effect():
    code = (
        "from django.conf import settings; from microcred.credentials.services import verification_cache; "
        "print(settings.VERIFICATION_CACHE, verification_cache.is_on())"
    )
    for mode, on in (("process", "True"), ("off", "False")):
        result = _run(code, VERIFICATION_CACHE=mode)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == f"{mode} {on}"
    default = _run(code)  # shared, and the tests' cache is one process's memory: not used
    assert default.stdout.strip().splitlines()[-1] == "shared False"


def test_an_unusable_mapping_stops_the_start_up_with_a_clear_message():
    result = _run("print('started')", ELM_LEGAL_IDENTIFIERS="ub=Q0818001J,uu")
    assert result.returncode != 0
    assert "ELM_LEGAL_IDENTIFIERS must list key=value pairs separated by commas; 'uu' is not one" in result.stderr


def test_the_production_settings_never_fetch_over_plain_http():
    code = "from django.conf import settings; print(settings.REMOTE_DOCUMENTS_ALLOW_HTTP)"
    result = _run(
        code,
        REMOTE_DOCUMENTS_ALLOW_HTTP="true",
        settings_module="config.settings.production",
        SECRET_KEY="p" * 60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


# Settings the code reads that Django or a library declares itself.
FRAMEWORK_SETTINGS = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASES",
    "CACHES",
    "INSTALLED_APPS",
    "LANGUAGES",
    "LANGUAGE_CODE",
    "TIME_ZONE",
    "USE_TZ",
    "MEDIA_ROOT",
    "MEDIA_URL",
    "STATIC_ROOT",
    "STATIC_URL",
    "AUTH_USER_MODEL",
    "LOGIN_URL",
    "DEFAULT_FROM_EMAIL",
    "EMAIL_BACKEND",
    "SESSION_COOKIE_AGE",
    "CSRF_TRUSTED_ORIGINS",
    "LOCALE_PATHS",
    "PASSWORD_RESET_TIMEOUT",
    "SERVER_EMAIL",
    "STORAGES",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "FILE_UPLOAD_MAX_MEMORY_SIZE",
}


def test_every_setting_the_code_reads_is_declared_in_the_settings():
    """A setting read only as `getattr(settings, NAME, default)` is undocumented and cannot be set: declare it."""
    from django.conf import settings

    read = set()
    for path in (ROOT / "microcred").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text()
        read |= set(re.findall(r"\bsettings\.([A-Z][A-Z0-9_]+)\b", text))
        read |= set(re.findall(r"getattr\(\s*settings,\s*\"([A-Z][A-Z0-9_]+)\"", text))
    base = (ROOT / "config" / "settings" / "base.py").read_text()
    declared = set(re.findall(r"^([A-Z][A-Z0-9_]+)\s*=", base, re.MULTILINE))
    missing = {name for name in read - declared - FRAMEWORK_SETTINGS if not hasattr(settings, name)}
    undeclared = read - declared - FRAMEWORK_SETTINGS - missing
    assert missing == set(), "read by the code, set nowhere"
    assert {n for n in undeclared if not _django_default(n)} == set(), "set outside config/settings/base.py"


def _django_default(name: str) -> bool:
    from django.conf import global_settings

    return hasattr(global_settings, name)
