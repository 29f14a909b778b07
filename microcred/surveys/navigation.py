"""The surveys app's entries in the navigation (registered with `microcred.core.navigation`)."""

from django.utils.translation import gettext_lazy as _

from microcred.core.navigation import Entry
from microcred.surveys import permissions

ENTRIES = [
    Entry(
        56,
        _("Surveys to answer"),
        "surveys:mine",
        _("Tell us how an offering you took part in went: anonymous surveys waiting for your answers."),
        shows=permissions.has_surveys_to_answer,
    ),
    Entry(
        97,
        _("Surveys"),
        "surveys:index",
        _("Post-delivery surveys of learners and staff: templates, response rates and results."),
        shows=permissions.shows_surveys_page,
    ),
]
