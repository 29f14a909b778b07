"""A condition of approval's page and its steps (issue #14). Thin: parse, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from microcred.core.exceptions import DomainError, ValidationFailed
from microcred.proposals import conditions, permissions
from microcred.proposals.exceptions import ConditionNotFound
from microcred.proposals.forms import ConditionReopenForm, ConditionReportForm

DONE = {
    "report": _("Thank you: the board secretary has been told the condition is met."),
    "confirm": _("The condition is confirmed as met."),
    "reopen": _("The condition is reopened; the proposer has been told why."),
}


def _get(user, condition_id):
    try:
        return conditions.access_condition(user, condition_id)
    except ConditionNotFound:
        raise Http404(_("There is no such condition of approval, or you may not see it.")) from None


@login_required
def condition_detail(request, condition_id: int):
    condition = _get(request.user, condition_id)
    return render(
        request,
        "proposals/condition.html",
        {
            "condition": condition,
            "proposal": condition.proposal,
            "may_view_proposal": permissions.can_view_proposal(request.user, condition.proposal),
            "may_report": condition.awaits_owner and permissions.may_report_condition(request.user, condition),
            "may_confirm": condition.status == condition.Status.REPORTED
            and permissions.may_confirm_condition(request.user, condition),
            "overdue": condition.is_overdue(),
            "report_form": ConditionReportForm(),
            "reopen_form": ConditionReopenForm(),
            "today": timezone.localdate(),
        },
    )


def _text(request, form_class, name: str) -> str:
    """The posted text if the form accepts it; an over-long text is refused with the form's message; an empty one
    goes to the service, which says what is missing."""
    form = form_class(request.POST)
    if form.is_valid():
        return form.cleaned_data[name]
    if request.POST.get(name, "").strip():
        raise ValidationFailed(" ".join(str(e) for e in form.errors.get(name, [])))
    return ""


@login_required
@require_POST
def condition_step(request, condition_id: int, step: str):
    """report (the owner, with `account`), confirm, or reopen (the board secretary, with `reason`)."""
    if step not in DONE:
        raise Http404
    condition = _get(request.user, condition_id)
    try:
        if step == "report":
            account = _text(request, ConditionReportForm, "account")
            conditions.report_condition(user=request.user, condition_id=condition.pk, account=account)
        elif step == "confirm":
            conditions.confirm_condition(user=request.user, condition_id=condition.pk)
        else:
            reason = _text(request, ConditionReopenForm, "reason")
            conditions.reopen_condition(user=request.user, condition_id=condition.pk, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, DONE[step])
    return redirect("proposals:condition", condition_id=condition.pk)
