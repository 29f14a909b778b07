"""The pathway awards' part in the learner's rights (GDPR Art. 15, 20), run by `microcred.privacy.registry`.

The pathway credential itself is exported (and blanked on erasure) by the credentials app with her other
credentials; this part says which pathway each was for and which of her credentials completed it."""

from __future__ import annotations

from microcred.pathways.award_models import PathwayAward

EXPORT_ORDER = 25


def export_personal_data(user) -> dict[str, object]:
    awards = PathwayAward.objects.filter(learner=user).select_related("pathway_version__pathway", "credential")
    return {
        "pathway-awards.json": [
            {
                "pathway": award.pathway_version.pathway.slug,
                "version": award.pathway_version.number,
                "title": award.pathway_version.title,
                "credential": award.credential.credential_id,
                "components": award.evidence,
                "awarded_at": award.awarded_at.isoformat(),
            }
            for award in awards.order_by("pk")
        ]
    }
