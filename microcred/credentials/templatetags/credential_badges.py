"""An issued credential's badge in pages: ``{% credential_badge credential 96 %}`` (the version's public badge,
cached by browsers and CDNs) or ``{% credential_badge credential 160 personal=True %}`` (the learner's own badge,
with her name, drawn into the page); ``{{ credential|badge_institution }}`` is the institution whose colours the badge
wears (for ``brand_class`` and ``institution_logo``)."""

from django import template
from django.utils.html import format_html

from microcred.catalogue import badges
from microcred.credentials import badge_images

register = template.Library()


@register.simple_tag
def credential_badge(credential, size=96, personal=False, alt=""):
    """The badge as an image; ``alt`` empty when the title is written beside it, else a sentence naming the title
    and the institution (``badge_alt``)."""
    version = credential.micro_credential_version
    if personal or version is None:
        source = badge_images.svg_data_uri(credential, with_learner=bool(personal))
    else:
        source = badges.version_badge_path(version, "svg")
    return format_html(
        '<img class="badge-image" src="{}" alt="{}" width="{}" height="{}" loading="lazy">',
        source,
        alt,
        int(size),
        int(size),
    )


@register.simple_tag
def badge_alt(credential):
    """A sentence naming what the badge shows, for a badge shown without its title beside it."""
    institution = badge_institution(credential)
    return badges.alt_text(
        title=credential.title,
        kind=badge_images.kind_of(credential),
        issuer_name=institution.name if institution else "",
    )


@register.filter
def badge_institution(credential):
    """The institution whose colours and mark the credential's badge wears: the version's awarding institution,
    else the issuer's."""
    version = credential.micro_credential_version
    return version.awarding_institution if version is not None else credential.issuer.institution
