"""Deployment checks of the core: what several web processes need to share."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs):
    """A per-process cache is right for one process (the embedded default), not for a deployment."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith("LocMemCache") or backend.endswith("DummyCache"):
        return [
            Warning(
                "The cache is kept in each process's memory.",
                hint=(
                    "Set REDIS_URL. With several web processes and a per-process cache, rate limits count per "
                    "process, and a change to the catalogue reaches the other processes' search memory only "
                    "within a minute."
                ),
                id="core.W001",
            )
        ]
    return []
