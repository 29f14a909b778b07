from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from microcred.audit.models import AuditEvent
from microcred.audit.permissions import can_view_audit_log


@login_required
def audit_list(request):
    if not can_view_audit_log(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.select_related("actor")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
    return render(request, "audit/list.html", {"page": page, "action": action, "actions": actions})
