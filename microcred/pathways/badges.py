"""A pathway's badge: the catalogue's design (catalogue.badges) with the pathway kind, the lead university's colours
and the ECTS the pathway asks for at least; served like a micro-credential's, and the ``image`` of the pathway
credential's achievement (OB 3.0 §B.1.1)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from microcred.catalogue import badges


def spec_for_pathway_version(version) -> badges.BadgeSpec:
    return badges.BadgeSpec(
        title=version.title,
        kind=badges.PATHWAY,
        issuer=badges.mark_of(version.awarding_institution),
        alliance=badges.mark_of(badges.the_alliance(), with_logo=False),
        ects=version.minimum_ects or None,
    )


def badge_path(version, fmt: str = "png") -> str:
    return reverse(
        "pathways:version-badge", kwargs={"slug": version.pathway.slug, "number": str(version.number), "fmt": fmt}
    )


def badge_url(version, fmt: str = "png") -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + badge_path(version, fmt)


def achievement_image(version) -> dict:
    """The pathway achievement's image: its PNG badge's absolute address and the title as caption."""
    return {"id": badge_url(version, "png"), "type": "Image", "caption": version.title}
