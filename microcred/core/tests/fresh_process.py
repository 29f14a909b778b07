"""Django in a fresh process with a changed environment, for tests of what is read at start-up (settings from the
environment, logging configuration, start-up refusals) that the running test process cannot show."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def environment(drop: Iterable[str] = (), settings_module: str = "config.settings.test", **env: str) -> dict:
    """This process's environment without the names in ``drop``, with DJANGO_SETTINGS_MODULE=``settings_module``,
    plus ``env`` (which wins, a DJANGO_SETTINGS_MODULE in it too)."""
    full_env = {key: value for key, value in os.environ.items() if key not in set(drop)}
    full_env["DJANGO_SETTINGS_MODULE"] = settings_module
    full_env.update(env)
    return full_env


def manage(
    *arguments: str,
    drop: Iterable[str] = (),
    settings_module: str = "config.settings.test",
    timeout: int = 120,
    **env: str,
) -> subprocess.CompletedProcess:
    """``manage.py <arguments>`` in a fresh process with ``environment(drop, settings_module, **env)``; never
    raises on a non-zero exit (the caller asserts on returncode, stdout and stderr)."""
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment(drop, settings_module, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def shell(code: str, **options) -> subprocess.CompletedProcess:
    """``manage.py shell -c code`` in a fresh process (options as for ``manage``)."""
    return manage("shell", "-c", code, **options)
