"""The notice on the alliance admin's pages that a step fell to the board secretary because nobody held the role
it needs at a university (policy 7.4)."""

from django import template

from microcred.proposals import permissions, selectors

register = template.Library()


@register.inclusion_tag("proposals/fallback_notice.html", takes_context=True)
def fallback_notice(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.can_view_admin(user):
        return {"fallen": []}
    return {"fallen": list(selectors.fallen_to_fallback())}
