"""The learner's progress on the pathways she started (issue #12, item 3), as a panel: in "my learning" (registered
with learning.panels) and in the wallet (which calls ``progress_panel`` itself: the wallet is above pathways).
``progress_items`` is also what /api/v1/me/pathways gives."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from microcred.pathways import progress, rules


def _requirement_line(requirement: rules.RequirementProgress) -> str:
    if requirement.met:
        return _("Done.")
    if requirement.requirement.type == rules.MIN_ECTS:
        return _("%(done)s of %(needed)s ECTS: %(more)s more needed.") % {
            "done": rules._plain(requirement.ects_done),
            "needed": rules._plain(requirement.requirement.ects),
            "more": rules._plain(requirement.ects_still_needed),
        }
    return _("%(n)d more needed.") % {"n": requirement.still_needed}


def progress_items(user) -> list[dict]:
    """Each pathway she started: the rule in words with how far she is, what is done, what remains (with its
    next offerings)."""
    items = []
    for item in progress.pathways_started(user):
        rows = progress.component_rows(item)
        titles = {r.micro_credential_id: r.title for r in rows}
        sentences = rules.describe(item.rule, titles)
        states = [_requirement_line(r) for r in item.progress.requirements]
        items.append(
            {
                "item": item,
                "version": item.version,
                "pathway": item.version.pathway,
                "met": item.met,
                "lines": list(zip(sentences, states, strict=True)),
                "done": [r for r in rows if r.done],
                "remaining": [r for r in rows if not r.done],
            }
        )
    return items


def progress_panel(request) -> str:
    if not getattr(request.user, "is_authenticated", False):
        return ""
    items = progress_items(request.user)
    if not items:
        return ""
    return render_to_string("pathways/progress_panel.html", {"items": items}, request=request)
