"""The institutions' marks in pages: ``{% institution_logo institution 48 %}`` and ``{{ institution|brand_class }}``
(the class whose colours /reference/brand.css sets, linked from base.html)."""

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html

register = template.Library()

_SLUG = "--slug--"
_logo_paths: dict[tuple, str] = {}


def logo_path(slug: str) -> str:
    """The logo's address: reversed once per URL configuration and script prefix with a stand-in slug, which is
    then replaced (a results page shows twenty logos; each reverse() costs about as much as the rest of a card)."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    path = _logo_paths.get(key)
    if path is None:
        path = _logo_paths[key] = reverse("reference:institution_logo", args=[_SLUG])
    return path.replace(_SLUG, slug, 1)


@register.simple_tag
def institution_logo(institution, size=48, alt=""):
    """The logo (or monogram) as an image; ``alt`` empty when the institution's name is written beside it."""
    if institution is None or not getattr(institution, "slug", ""):
        return ""
    return format_html(
        '<img class="institution-logo" src="{}" alt="{}" width="{}" height="{}" loading="lazy">',
        logo_path(institution.slug),
        alt,
        int(size),
        int(size),
    )


@register.filter
def brand_class(institution) -> str:
    slug = getattr(institution, "slug", "")
    return f"brand-{slug}" if slug else ""
