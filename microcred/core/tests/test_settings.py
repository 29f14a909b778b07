"""Production settings: SECRET_KEY is required, and `check --deploy` passes."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _run(*args, **env):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright; a deployment never has it.
    drop = {"SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {k: v for k, v in os.environ.items() if k not in drop}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_without_secret_key():
    result = _run("check", DJANGO_SETTINGS_MODULE="config.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy():
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x7Gq2pV9zL4mN8bR1tY6wK3cF5hJ0dS2aQ9eU7iO4pZ1xC8vB6nM3",
        ALLOWED_HOSTS="microcred.example.org",
        REDIS_URL="redis://127.0.0.1:6379/9",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_of_a_per_process_cache():
    result = _run(
        "check",
        "--deploy",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x7Gq2pV9zL4mN8bR1tY6wK3cF5hJ0dS2aQ9eU7iO4pZ1xC8vB6nM3",
        ALLOWED_HOSTS="microcred.example.org",
        REDIS_URL="",
    )
    assert "core.W001" in result.stdout + result.stderr
    assert "Set REDIS_URL" in result.stdout + result.stderr
