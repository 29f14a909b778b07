"""Hand-off task pages: "My tasks", a task with its checklist, and the section on a micro-credential's page. Thin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.core.exceptions import DomainError
from microcred.handoffs import permissions, selectors, services
from microcred.handoffs.exceptions import TaskNotFound
from microcred.handoffs.forms import StatusForm


@login_required
def task_list(request):
    if not permissions.sees_task_list(request.user):
        raise PermissionDenied
    return render(
        request,
        "handoffs/list.html",
        {
            "mine": list(selectors.tasks_for(request.user)[:300]),
            "everyone": list(selectors.all_tasks()[:300]) if permissions.oversees_handoffs(request.user) else [],
            "today": timezone.localdate(),
        },
    )


def _get(user, pk):
    try:
        return services.access_task(user, pk)
    except TaskNotFound:
        raise Http404(_("There is no such hand-off task, or you may not see it.")) from None


@login_required
def task_detail(request, pk):
    task = _get(request.user, pk)
    return render(
        request,
        "handoffs/task.html",
        {
            "task": task,
            "items": task.items.select_related("done_by"),
            "may_update": permissions.may_update_task(request.user, task),
            "may_cancel": permissions.may_cancel_task(request.user, task),
            "status_form": StatusForm(initial={"status": task.status}),
            "overdue": task.is_overdue(),
        },
    )


@login_required
@require_POST
def task_checklist(request, pk):
    """The checklist as ticked on the page: every item posted as `item` is done, every other is not."""
    task = _get(request.user, pk)
    ticked = {int(v) for v in request.POST.getlist("item") if v.isascii() and v.isdigit()}
    items = {item_id: item_id in ticked for item_id in task.items.values_list("pk", flat=True)}
    try:
        services.update_checklist(user=request.user, task_id=task.pk, items=items)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Checklist saved."))
    return redirect("handoffs:task", pk=task.pk)


@login_required
@require_POST
def task_status(request, pk):
    task = _get(request.user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("handoffs:task", pk=task.pk)
    try:
        services.change_status(
            user=request.user, task_id=task.pk, status=form.cleaned_data["status"], reason=form.cleaned_data["reason"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Status saved."))
    return redirect("handoffs:task", pk=task.pk)


def micro_credential_panel(request, micro_credential) -> str:
    """The micro-credential's hand-off tasks and their state, for the staff who may see them (catalogue.staff_panels)."""
    tasks = selectors.visible_to(request.user, selectors.tasks_of_micro_credential(micro_credential))
    if not tasks:
        return ""
    return render_to_string("handoffs/_panel.html", {"tasks": tasks, "today": timezone.localdate()}, request=request)
