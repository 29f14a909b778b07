from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from microcred.audit.models import AuditEvent
from microcred.audit.permissions import can_view_audit_log
from microcred.core.listing import ListFilter, ListSort, ListSpec


def _actions():
    return [(a, a) for a in AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()]


def _by_app(queryset, prefix):
    return queryset.filter(action__startswith=prefix + ".")


def _apps():
    prefixes = sorted({a.split(".", 1)[0] for a, _label in _actions()})
    return [(p, p) for p in prefixes]


AUDIT_LIST = ListSpec(
    search=("summary", "object_repr", "action", "actor__email", "actor__full_name"),
    search_label=_("Search the summaries, objects and people"),
    filters=(
        ListFilter("action", _("Action"), _actions),
        ListFilter("kind", _("Kind of action"), _apps, apply=_by_app),
    ),
    sorts=(ListSort("newest", _("Newest first"), ("-at", "-pk")), ListSort("oldest", _("Oldest first"), ("at", "pk"))),
)


@login_required
def audit_list(request):
    if not can_view_audit_log(request.user):
        raise PermissionDenied
    listing = AUDIT_LIST.read(request, AuditEvent.objects.select_related("actor"))
    return render(request, "audit/list.html", {"listing": listing})
