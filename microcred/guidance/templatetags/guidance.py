from django import template

from microcred.guidance import selectors
from microcred.guidance.panels import PANEL_LIMIT

register = template.Library()


@register.inclusion_tag("guidance/includes/occupations.html")
def labour_market_evidence(version):
    """The occupations a proposal version's learning outcomes' ESCO skills cover (policy 7.12)."""
    skill_ids = (
        [pk for pk in version.learning_outcomes.values_list("skills", flat=True) if pk is not None]
        if version is not None
        else []
    )
    return {
        "matches": selectors.occupations_for_skills(skill_ids, limit=PANEL_LIMIT),
        "heading_id": "labour-market-evidence",
        "public": False,
        "has_skills": bool(skill_ids),
    }
