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
