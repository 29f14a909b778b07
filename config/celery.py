"""Celery application. In the embedded default (no CELERY_BROKER_URL) tasks run eagerly.

Its configuration is the CELERY_* Django settings (config/settings/base.py): tasks are acknowledged late, so
the broker hands a killed worker's task to another after CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
(CELERY_VISIBILITY_TIMEOUT, Celery documentation "Using Redis"), and CELERY_BEAT_SCHEDULE lists the sweeps
(outbox messages left pending, issuance jobs that stopped) and the daily retention schedule (GDPR Art. 5(1)(e),
microcred/privacy/retention.py). Run the workers with `celery -A config worker` and the schedule with one
`celery -A config beat` (README, "Running in production").
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("microcred")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
