"""Celery application. In the embedded default (no CELERY_BROKER_URL) tasks run eagerly.

Its configuration is the CELERY_* Django settings (config/settings/base.py): tasks are acknowledged late, so
the broker hands a killed worker's task to another after CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
(CELERY_VISIBILITY_TIMEOUT, Celery documentation "Using Redis"), and CELERY_BEAT_SCHEDULE is built from the one
list of periodic jobs (microcred/operations/schedule.py: sweeps, retention, survey and overdue reminders, status
lists, reporting). Workers and beat log through Django's LOGGING (a request id on each line, tokens and e-mail
addresses redacted; docs/operations.md "Logs"), not through a logging set-up of Celery's own. Run the workers
with `celery -A config worker` and the schedule with one `celery -A config beat` (README, "Running in
production").
"""

import gc
import os

from celery import Celery
from celery.signals import setup_logging, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("microcred")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _use_django_logging(**kwargs):
    """Celery configures no logging of its own: Django's LOGGING (applied by django.setup()) stays in force."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@worker_process_init.connect
def _freeze_what_is_loaded(**kwargs):
    """What a worker process holds before its first task (Django, the apps, their modules) lives as long as the
    process: it is moved out of the garbage collector's reach (Python's gc.freeze), so that the full collections
    that bulk issuance's many small objects set off do not walk it again each time."""
    gc.freeze()
