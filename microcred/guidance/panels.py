"""Labour-market evidence on the pages of the apps above guidance (policy 7.12): "Prepares for" on a
micro-credential's public page (registered by the catalogue in its AppConfig.ready through catalogue.public_panels),
and the occupations a proposal's skills cover on the proposal page (the `labour_market_evidence` template tag)."""

from __future__ import annotations

from django.template.loader import render_to_string

from microcred.guidance import selectors

PANEL_LIMIT = 8


def prepares_for_panel(request, micro_credential) -> str:
    """The occupations the micro-credential's ESCO skills (its current version's) cover most; "" without skills."""
    version = micro_credential.current_version
    if version is None:
        return ""
    skill_ids = list(version.skills.values_list("pk", flat=True))
    matches = selectors.occupations_for_skills(skill_ids, limit=PANEL_LIMIT)
    if not matches:
        return ""
    return render_to_string(
        "guidance/includes/occupations.html",
        {"matches": matches, "heading_id": "prepares-for", "public": True},
        request=request,
    )
