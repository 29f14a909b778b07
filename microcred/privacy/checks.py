"""System checks: every personal-data field declared (GDPR Art. 30 record), every app holding learners' data in
their data export (Art. 15), a complete retention schedule, and, on deployment, a privacy notice in force whose
values the alliance has confirmed."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError

PRIVACY = "privacy"  # `manage.py check --tag privacy`


@register(Tags.models, PRIVACY)
def check_personal_data_declared(app_configs=None, **kwargs):
    from microcred.privacy.registry import problems

    return [
        Error(problem, hint="Declare it in microcred/privacy/declarations.py.", id="privacy.E001")
        for problem in problems()
    ]


@register(Tags.models, PRIVACY)
def check_personal_data_exported(app_configs=None, **kwargs):
    from microcred.privacy.registry import export_problems

    return [
        Error(problem, hint="See the data rights in microcred/privacy/registry.py.", id="privacy.E003")
        for problem in export_problems()
    ]


@register(PRIVACY)
def check_retention_settings(app_configs=None, **kwargs):
    from microcred.privacy.retention import RULES

    days = getattr(settings, "RETENTION_DAYS", {})
    missing = [key for key in RULES if not isinstance(days.get(key), int) or days[key] < 0]
    if missing:
        return [
            Error(
                f"RETENTION_DAYS has no number of days (0 or more) for {', '.join(missing)}.",
                hint="See README, settings: RETENTION_* variables.",
                id="privacy.E002",
            )
        ]
    return []


@register(Tags.database, deploy=True)  # reads the database: `manage.py check --deploy --database default`
def check_privacy_notice(app_configs=None, **kwargs):
    from microcred.privacy.selectors import current_notice

    try:
        notice = current_notice()
    except DatabaseError:  # not migrated yet: nothing to say
        return []
    if notice is None:
        return [
            Warning(
                "No privacy notice is published.",
                hint="Run manage.py load_reference_data, or publish one in the admin (Privacy notices).",
                id="privacy.W001",
            )
        ]
    if notice.to_confirm:
        return [
            Warning(
                f"Privacy notice version {notice.version} has sections the alliance has not confirmed: "
                f"{', '.join(notice.to_confirm)}.",
                hint="Confirm them and publish a new version in the admin (Privacy notices).",
                id="privacy.W002",
            )
        ]
    return []
