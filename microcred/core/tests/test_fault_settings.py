"""The settings of issue #11's faults are read from the environment, with their documented defaults, validated,
and listed in the README: database and health-check timeouts, the broker's visibility timeout, the sweeps."""

import json
import subprocess
from pathlib import Path

import pytest

from microcred.core.tests import fresh_process

ROOT = Path(__file__).resolve().parents[3]

# name: (documented default, another value)
SETTINGS = {
    "DB_CONNECT_TIMEOUT": (5, 3),
    "DB_STATEMENT_TIMEOUT": (30, 12),
    "HEALTHZ_DB_TIMEOUT": (2, 4),
    "EMAIL_TIMEOUT": (30, 9),
    "CELERY_VISIBILITY_TIMEOUT": (600, 1200),
    "BACKGROUND_SWEEP_SECONDS": (60, 15),
    "ISSUANCE_JOB_LEASE_SECONDS": (60, 45),
    "ISSUANCE_JOB_STALE_SECONDS": (900, 1800),
    "ISSUANCE_JOB_FAN_OUT": (False, True),
}

PROBE = """
import json
from django.conf import settings
database = settings.DATABASES["default"]["OPTIONS"]
print(json.dumps({
    "DB_CONNECT_TIMEOUT": database["connect_timeout"],
    "DB_STATEMENT_TIMEOUT": int(database["options"].split("statement_timeout=")[1].split()[0]) // 1000,
    "HEALTHZ_DB_TIMEOUT": settings.HEALTHZ_DB_TIMEOUT,
    "EMAIL_TIMEOUT": settings.EMAIL_TIMEOUT,
    "CELERY_VISIBILITY_TIMEOUT": settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"],
    "BACKGROUND_SWEEP_SECONDS": sorted({
        settings.CELERY_BEAT_SCHEDULE[name]["schedule"]
        for name in ("outbox-deliver-pending", "credentials-sweep-issuance-jobs")
    }),
    "ISSUANCE_JOB_LEASE_SECONDS": settings.ISSUANCE_JOB_LEASE_SECONDS,
    "ISSUANCE_JOB_STALE_SECONDS": settings.ISSUANCE_JOB_STALE_SECONDS,
    "ISSUANCE_JOB_FAN_OUT": settings.ISSUANCE_JOB_FAN_OUT,
}))
"""


def _run(code: str, **env) -> subprocess.CompletedProcess:
    # A PostgreSQL address (never connected to here) so that the PostgreSQL options are built.
    return fresh_process.shell(code, drop=SETTINGS, **{**env, "DATABASE_URL": "postgres://x@127.0.0.1:1/x"})


def _probe(**env) -> dict:
    result = _run(PROBE, **env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    (seen["BACKGROUND_SWEEP_SECONDS"],) = seen["BACKGROUND_SWEEP_SECONDS"]  # one interval for both sweeps
    return seen


def test_the_documented_defaults_hold_and_each_setting_takes_effect():
    assert _probe() == {name: default for name, (default, _) in SETTINGS.items()}
    assert _probe(**{name: str(value) for name, (_, value) in SETTINGS.items()}) == {
        name: value for name, (_, value) in SETTINGS.items()
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DB_CONNECT_TIMEOUT", "0", "DB_CONNECT_TIMEOUT must be at least 2, not 0"),  # libpq: 0 waits forever
        ("DB_STATEMENT_TIMEOUT", "30s", "DB_STATEMENT_TIMEOUT must be an integer, not '30s'"),
        ("CELERY_VISIBILITY_TIMEOUT", "0", "CELERY_VISIBILITY_TIMEOUT must be at least 1, not 0"),
    ],
)
def test_an_unusable_value_stops_the_start_up(name, value, message):
    result = _run("print('started')", **{name: value})
    assert result.returncode != 0 and "started" not in result.stdout
    assert message in result.stderr


def test_each_is_listed_in_the_readme_with_its_default():
    readme = (ROOT / "README.md").read_text()
    for name, (default, _) in SETTINGS.items():
        shown = str(default).lower() if isinstance(default, bool) else default
        assert f"| `{name}` | {shown} |" in readme, name
