"""The wallet's "What next?" (registered in GuideConfig.ready): the occupations the learner's credentials go
towards, each a link to the guide for what is left of it."""

from __future__ import annotations

from django.template.loader import render_to_string

from microcred.guidance import selectors as guidance
from microcred.guide import selectors
from microcred.reference.models import EscoSkill

WHAT_NEXT_OCCUPATIONS = 3


def what_next_panel(request) -> str:
    held, _held_ids = selectors.held_skills(request.user)
    skill_ids = list(EscoSkill.objects.filter(uri__in=held).values_list("pk", flat=True)) if held else []
    matches = guidance.occupations_for_skills(skill_ids, limit=WHAT_NEXT_OCCUPATIONS) if skill_ids else []
    return render_to_string("guide/includes/what_next.html", {"matches": matches}, request=request)
