"""The notice on the alliance admin's pages that the policy is due for review (policy 4.1, 10.3)."""

from django import template
from django.conf import settings

from microcred.accounts.permissions import can_edit_reference_data
from microcred.reference.selectors import policies_due_for_review

register = template.Library()


@register.inclusion_tag("reference/policy_review_notice.html", takes_context=True)
def policy_review_notice(context):
    """Policy versions due for review within POLICY_REVIEW_REMINDER_DAYS (or overdue), for whoever edits them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_edit_reference_data(user):
        return {"due": []}
    return {"due": policies_due_for_review(settings.POLICY_REVIEW_REMINDER_DAYS)}
