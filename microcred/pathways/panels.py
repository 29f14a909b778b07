"""What pathways add to the pages of the apps below them, through their registries: the catalogue page of a
micro-credential says which published pathways it counts towards (catalogue.public_panels)."""

from __future__ import annotations

from django.template.loader import render_to_string

from microcred.pathways import selectors


def part_of_pathways_panel(request, micro_credential) -> str:
    versions = selectors.pathways_containing(micro_credential)
    if not versions:
        return ""
    return render_to_string("pathways/includes/part_of.html", {"versions": versions}, request=request)


# At most this many pathways are shown beside the catalogue's results; the rest are one link away (/pathways/).
SEARCH_PANEL_LIMIT = 5


def catalogue_search_panel(request, text: str) -> str:
    """The published pathways matching the catalogue's search text (their titles, descriptions, components and
    universities), each with its rule in words and its ECTS, beside the micro-credentials found
    (catalogue.search_panels). Nothing without a search text: the catalogue links to every pathway already."""
    if not (text or "").strip():
        return ""
    versions, total = selectors.first_published_pathways(search=text, limit=SEARCH_PANEL_LIMIT)
    if not versions:
        return ""
    shown = [(v, selectors.rule_in_words(v)) for v in versions]
    return render_to_string(
        "pathways/includes/catalogue_search.html",
        {"shown": shown, "total": total, "more": total > len(versions), "search": text},
        request=request,
    )
