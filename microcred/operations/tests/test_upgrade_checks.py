"""The upgrade procedure's checks (issue #19, item 5; docs/operations.md, "Upgrades"), run the way an operator runs
them: production settings, a database migrated by `migrate`, then `migrate --check` and `check --deploy --database
default`. The only warning allowed is the one documented there for a new installation: no privacy notice published
yet (privacy.W001); anything else fails. (`check --deploy` without a database: microcred/core/tests/test_settings.py.)
"""

from __future__ import annotations

import os
import re
import secrets

from microcred.credentials.tests.conftest import TEST_KEK
from microcred.operations.tests.backup_helpers import manage

DOCUMENTED_WARNINGS = {"privacy.W001"}


def test_a_migrated_production_installation_passes_check_deploy_with_only_documented_warnings(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_")) and key not in ("VAR_DIR", "SECRET_KEY", "CREDENTIAL_KEK")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="mc.example.org",
        PUBLIC_BASE_URL="https://mc.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path),
        REDIS_URL="redis://127.0.0.1:6379/9",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/8",
        CREDENTIAL_KEK=TEST_KEK,
    )
    migrated = manage(env, "migrate", "--noinput", "-v", "0", timeout=600)
    assert migrated.returncode == 0, migrated.stderr
    assert manage(env, "migrate", "--check", timeout=600).returncode == 0  # nothing left unapplied
    checked = manage(env, "check", "--deploy", "--database", "default", timeout=600)
    output = checked.stdout + checked.stderr
    assert checked.returncode == 0, output
    found = set(re.findall(r"\(([a-z_]+\.[EWC]\d{3})\)", output))
    assert found <= DOCUMENTED_WARNINGS, output
    assert "?: (security." not in output
