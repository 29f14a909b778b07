"""What a council report shows of each micro-credential: its survey results, read from the surveys app.

The surveys app answers with its own frozen dataclasses (``surveys.selectors.Results``: counts, response rate,
whether the results are shown under the 5-response rule, and per question the mean and distribution). A report
section gathers, for one micro-credential, the learners' results over all its offerings and those of each offering
that ended in the report's period, plus the recommendations proposed about it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from microcred.surveys import selectors as survey_results
from microcred.surveys.models import Audience


@dataclass(frozen=True)
class Section:
    micro_credential_id: int
    title: str
    universities: str
    overall: survey_results.Results
    offerings: tuple[survey_results.Results, ...]
    recommendations: tuple[str, ...]


def _offerings_ended(micro_credential, start: dt.date | None, end: dt.date | None):
    from microcred.learning.models import Offering

    qs = Offering.objects.filter(micro_credential=micro_credential)
    if start:
        qs = qs.filter(ends_on__gte=start)
    if end:
        qs = qs.filter(ends_on__lte=end)
    return qs.select_related("version").order_by("ends_on", "pk")


def section_for(micro_credential, *, start=None, end=None, recommendations=()) -> Section:
    """One micro-credential's part of the report: learners' results overall and per offering ended in the period."""
    over_time = survey_results.results_for_micro_credential(micro_credential, audience=Audience.LEARNERS)
    per_offering = []
    for offering in _offerings_ended(micro_credential, start, end):
        result = survey_results.results_for_offering(offering, audience=Audience.LEARNERS)
        if result is not None:
            per_offering.append(result)
    version = micro_credential.current_version
    universities = ""
    if version is not None:
        universities = ", ".join(
            [version.awarding_institution.short_name]
            + [i.short_name for i in version.co_lead_institutions.order_by("short_name")]
        )
    return Section(
        micro_credential_id=micro_credential.pk,
        title=over_time.label,
        universities=universities,
        overall=over_time.overall,
        offerings=tuple(per_offering),
        recommendations=tuple(recommendations),
    )
