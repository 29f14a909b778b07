"""The institutions' marks in pages: ``{% institution_logo institution 48 %}`` and ``{{ institution|brand_class }}``
(the class whose colours /reference/brand.css sets, linked from base.html)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def institution_logo(institution, size=48, alt=""):
    """The logo (or monogram) as an image; ``alt`` empty when the institution's name is written beside it."""
    if institution is None or not getattr(institution, "slug", ""):
        return ""
    return format_html(
        '<img class="institution-logo" src="{}" alt="{}" width="{}" height="{}" loading="lazy">',
        reverse("reference:institution_logo", args=[institution.slug]),
        alt,
        int(size),
        int(size),
    )


@register.filter
def brand_class(institution) -> str:
    slug = getattr(institution, "slug", "")
    return f"brand-{slug}" if slug else ""
