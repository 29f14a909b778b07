"""Proposal, meeting and call pages. Thin: parse the request, call one service or selector, render."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from microcred.core import form_errors
from microcred.core.confirmation import Confirmation, is_confirmed, posted_fields, render_confirmation
from microcred.core.exceptions import DomainError
from microcred.core.listing import ListFilter, ListSort, ListSpec
from microcred.proposals import (
    co_proposers,
    documents,
    next_steps,
    papers,
    pdf,
    permissions,
    publishing,
    selectors,
    services,
    steps,
)
from microcred.proposals.checklist import RuleStatus, policy_for
from microcred.proposals.exceptions import ChecklistIncomplete, ConditionsNotValid, ProposalNotFound
from microcred.proposals.forms import (
    ActionForm,
    CallForm,
    ConditionReopenForm,
    ConditionReportForm,
    ConditionRowsForm,
    CoProposerForm,
    DecisionForm,
    DocumentForm,
    MeetingForm,
    MinutesForm,
    OutcomeFormSet,
    PaperForm,
    PaperNotedForm,
    PrincipleForm,
    ProposalForm,
    ReviewForm,
)
from microcred.proposals.models import AgendaItem, Call, Decision, Meeting, Proposal, ProposalStatus, SupportingDocument
from microcred.proposals.versions import compare, snapshot
from microcred.proposals.workflow import DECIDER_LABELS, Action, allowed_actions
from microcred.proposals.workflow import waiting_for as workflow_waiting_for
from microcred.reference.models import Institution

# Actions shown as buttons on the proposal page (scheduling and decisions have their own forms).
BUTTON_ACTIONS = [
    Action.SEND_TO_MANAGER,
    Action.RESUBMIT,
    Action.MANAGER_APPROVE,
    Action.MANAGER_RETURN,
    Action.ACCEPT_AS_COMPLETE,
    Action.SECRETARY_RETURN,
    Action.SEND_TO_PANEL,
    Action.PANEL_DONE,
    Action.UNSCHEDULE,
    Action.WITHDRAW,
]


def _posted_id(request, name: str, source=None) -> int | None:
    """An id from the form (or `source`), or None when absent or not a number (so bad input never reaches a
    query)."""
    value = (request.POST if source is None else source).get(name, "")
    return int(value) if value.isascii() and value.isdigit() else None


def _get(user, pk) -> Proposal:
    try:
        return permissions.access_proposal(user, pk)
    except ProposalNotFound:
        raise Http404(_("There is no such proposal, or you may not see it.")) from None


def _member_universities():
    return Institution.objects.filter(is_alliance=False).order_by("short_name").values_list("pk", "short_name")


ACTION_LIST_ROWS = 50
# "All proposals I can see" (issue #16, staff lists that scale).
VISIBLE_PROPOSALS = ListSpec(
    search=("reference", "versions__title"),
    search_label=gettext_lazy("Reference or title"),
    filters=(
        ListFilter("status", gettext_lazy("Status"), ProposalStatus.choices),
        ListFilter("institution", gettext_lazy("University"), _member_universities),
    ),
    sorts=(
        ListSort("updated", gettext_lazy("Recently changed"), ("-updated_at", "-pk")),
        ListSort("newest", gettext_lazy("Newest first"), ("-created_at", "-pk")),
        ListSort("reference", gettext_lazy("Reference"), ("reference",)),
    ),
)


@login_required
def proposal_list(request):
    return render(
        request,
        "proposals/list.html",
        {
            # Each action list shows its first ACTION_LIST_ROWS (the rest are in "All proposals I can see").
            "action_lists": [
                (role, qs[:ACTION_LIST_ROWS], qs.count()) for role, qs in selectors.waiting_for(request.user)
            ],
            "action_list_rows": ACTION_LIST_ROWS,
            "condition_lists": [(role, list(qs)) for role, qs in selectors.condition_lists(request.user)],
            "today": timezone.localdate(),
            "all_visible": VISIBLE_PROPOSALS.read(request, selectors.visible_proposals(request.user)),
            "can_propose": permissions.can_create_proposal(request.user),
            "institutions": selectors.user_institutions_for_proposing(request.user),
            "calls": Call.objects.order_by("-deadline")[:10],
            # "Propose for this call" and a refused start come back here with what was chosen and typed.
            "new_call": Call.objects.filter(pk=_posted_id(request, "call", source=request.GET)).first(),
            "new_title": request.GET.get("title", "")[:200],
            "new_kind": request.GET.get("kind", "formal"),
        },
    )


@login_required
@require_POST
def proposal_create(request):
    institutions = selectors.user_institutions_for_proposing(request.user)
    institution = institutions.filter(pk=_posted_id(request, "institution")).first() or institutions.first()
    call_id = _posted_id(request, "call")
    call = Call.objects.filter(pk=call_id).first() if call_id else None
    if institution is None:
        raise PermissionDenied
    try:
        proposal = services.create_proposal(
            user=request.user,
            institution=institution,
            title=request.POST.get("title", ""),
            call=call,
            kind=request.POST.get("kind", "formal"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        keep = {"title": request.POST.get("title", "")[:200], "kind": request.POST.get("kind", "formal")}
        if call is not None:
            keep["call"] = call.pk
        return redirect(f"{reverse('proposals:list')}?{urlencode(keep)}#new-heading")
    messages.success(request, _("Your draft is saved; you can come back to it at any time."))
    return redirect("proposals:edit", pk=proposal.pk)


def _edit_forms(request, proposal, version, sections):
    """The proposal form showing `sections` (None: all), with the principles and the learning-outcome rows when one of
    them is shown (None otherwise); bound to the POST data on a POST."""
    data = request.POST if request.method == "POST" else None
    form = ProposalForm(data, instance=version, revision=proposal.revision, prefix="p", sections=sections)
    principles = outcomes = None
    if form.has_section("principles"):
        chosen = {a.principle_id: a.how_met for a in version.principle_alignments.all()}
        principles = PrincipleForm(data, chosen=chosen, prefix="pr")
    if form.has_section("outcomes"):
        initial_outcomes = [
            {"text": o.text, **{f"skill_{i}": s for i, s in enumerate(o.skills.all()[:3], start=1)}}
            for o in version.learning_outcomes.all()
        ]
        outcomes = OutcomeFormSet(data, initial=initial_outcomes, prefix="lo")
    return form, principles, outcomes


def _draft_data(form, principles, outcomes) -> dict:
    """What the valid forms of one step (or of the whole form) save: only their own fields."""
    data = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
    if principles is not None:
        data["principles"] = principles.chosen()
    if outcomes is not None:
        data["outcomes"] = outcomes.kept()
    return data


def _after_save(request, proposal, step):
    """Where a saved step goes: the previous step ("Back"), the same step ("Save draft") or the next one."""
    messages.success(request, _("Draft saved."))
    if "back" in request.POST:
        target = steps.previous_of(step) or step
    elif "save" in request.POST:
        target = step
    else:
        target = steps.next_of(step) or step
    return redirect(steps.step_url(proposal, target))


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request, pk):
    """The proposal form, one step a page (`?step=`; issue #16): "Save and continue" saves the step's fields and goes
    on, "Back" saves and goes back, "Save draft" stays. A step with errors is shown again as it was sent, nothing
    saved. A POST without `step` (the form as one page, as before the steps) saves every section."""
    proposal = _get(request.user, pk)
    if not permissions.can_edit_proposal(request.user, proposal):
        messages.error(
            request,
            _("This proposal cannot be edited now (it is “%(status)s”).") % {"status": proposal.get_status_display()},
        )
        return redirect("proposals:detail", pk=pk)
    other_page = publishing.edit_page_of(proposal)  # a pathway is written on its own app's page (issue #12)
    if other_page:
        return redirect(other_page)
    version = proposal.current_version
    whole_form = request.method == "POST" and "step" not in request.POST
    step = steps.step_named(request.POST.get("step") if request.method == "POST" else request.GET.get("step"))
    if request.method == "POST" and step == steps.REVIEW and not whole_form:
        return _send(request, proposal) if "send" in request.POST else redirect(steps.step_url(proposal, step))
    form, principles, outcomes = _edit_forms(request, proposal, version, None if whole_form else step.sections)
    step_errors = False
    if request.method == "POST":
        if all(f.is_valid() for f in (form, principles, outcomes) if f is not None):
            try:
                services.save_draft(
                    user=request.user,
                    proposal_id=proposal.pk,
                    data=_draft_data(form, principles, outcomes),
                    expected_revision=form.cleaned_data["revision"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                if "send" in request.POST:
                    return _send(request, proposal)
                if whole_form:
                    messages.success(request, _("Draft saved."))
                    return redirect("proposals:edit", pk=pk)
                return _after_save(request, proposal, step)
        else:
            step_errors = True
            messages.error(request, _("Some fields are not valid; nothing was saved. See the messages next to them."))
    return _render_edit(request, proposal, version, step, form, principles, outcomes, step_errors=step_errors)


def _render_edit(request, proposal, version, step, form, principles, outcomes, *, step_errors):
    results = services.checklist_for(proposal)
    progress = steps.progress(proposal, version, results, current=step, current_has_errors=step_errors)
    current = next(row for row in progress if row.is_current)
    # The checklist's messages next to the fields once the step is under way (or when asked: ?check=1).
    problems_by_field = {}
    if request.GET.get("check") or request.method == "POST" or current.status == steps.StepStatus.PROBLEMS:
        for item in current.missing:
            problems_by_field.setdefault(item.field, []).append(item.message)
    error_items = [
        *form_errors.error_items(form),
        *form_errors.error_items(principles),
        *form_errors.formset_error_items(outcomes, gettext_noop("Learning outcome %(n)d")),
    ]
    return render(
        request,
        "proposals/edit.html",
        {
            "proposal": proposal,
            "version": version,
            "step": step,
            "step_number": steps.number_of(step),
            "step_count": len(steps.STEPS),
            "progress": progress,
            "previous_step": steps.previous_of(step),
            "next_step": steps.next_of(step),
            "missing": steps.missing(proposal, results),
            "form": form,
            "principles": principles,
            "outcomes": outcomes,
            "error_items": error_items,
            "checklist": results,
            "policy": policy_for(version),
            "problems_by_field": problems_by_field,
            "RuleStatus": RuleStatus,
            "document_form": DocumentForm() if step.id == "documents" else None,
        },
    )


def _send(request, proposal):
    action = Action.RESUBMIT if proposal.status == ProposalStatus.REVISIONS_REQUESTED else Action.SEND_TO_MANAGER
    proposal.refresh_from_db()
    try:
        services.take_action(user=request.user, proposal_id=proposal.pk, action=action)
    except ChecklistIncomplete as exc:
        messages.error(request, exc.message)
        return redirect(f"{steps.step_url(proposal, steps.REVIEW)}#missing")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(steps.step_url(proposal, steps.REVIEW))
    proposal.refresh_from_db()
    messages.success(request, next_steps.next_step_message(proposal))
    return redirect("proposals:detail", pk=proposal.pk)


def _conditions_seen_by(user, proposal) -> list[dict]:
    """The proposal's conditions of approval, each with what `user` may do with it (none if they may not see them)."""
    if not permissions.may_view_conditions(user, proposal):
        return []
    return [
        {
            "condition": c,
            "may_report": c.awaits_owner and permissions.may_report_condition(user, c),
            "may_confirm": c.status == c.Status.REPORTED and permissions.may_confirm_condition(user, c),
        }
        for c in selectors.conditions_of(proposal)
    ]


def waiting_for_label(proposal) -> str:
    """Whom the proposal waits for, in words (the fallback when its step fell to it: policy 7.4); while several
    universities approve it, the ones still to approve."""
    if proposal.status == ProposalStatus.AWAITING_MANAGER and len(proposal.approving_institution_ids) > 1:
        names = ", ".join(university.name for university in selectors.universities_waiting(proposal))
        return _("the approval of %(universities)s") % {"universities": names}
    decider = workflow_waiting_for(proposal.status, fallen=proposal.fell_to_fallback_at is not None)
    return str(DECIDER_LABELS[decider]) if decider else ""


@login_required
def proposal_detail(request, pk):
    return _render_detail(request, _get(request.user, pk))


def _render_detail(
    request, proposal, *, decision_form=None, condition_rows_form=None, co_proposer_form=None, status=200
):
    """The proposal page; after a decision that could not be recorded, with the decision form as it was sent
    (its errors next to the fields) so nothing typed is lost."""
    version = proposal.current_version
    user = request.user
    actions = [
        a
        for a in allowed_actions(proposal.status)
        if a in BUTTON_ACTIONS and permissions.may_take_action(user, proposal, a)
    ]
    agenda_item = selectors.open_agenda_item(proposal)
    can_decide = agenda_item is not None and any(
        permissions.may_take_action(user, proposal, a)
        for a in allowed_actions(proposal.status)
        if a.value.startswith(("council_", "executive_"))
    )
    can_schedule = proposal.status in (ProposalStatus.READY_FOR_AGENDA, ProposalStatus.EXECUTIVE_REVIEW) and (
        permissions.may_take_action(user, proposal, Action.SCHEDULE)
    )
    body = (
        Meeting.Body.EXECUTIVE_BOARD
        if proposal.status == ProposalStatus.EXECUTIVE_REVIEW
        else Meeting.Body.ACADEMIC_COUNCIL
    )
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "version": version,
            "rows": (publishing.summary_of(proposal.proposal_type) or snapshot)(version),
            "checklist": services.checklist_for(proposal),
            "policy": policy_for(version),
            "waiting_for": waiting_for_label(proposal),
            "what_to_fix": selectors.what_to_fix(proposal),
            "RuleStatus": RuleStatus,
            "events": proposal.events.select_related("actor"),
            "reviews": proposal.reviews.select_related("author"),
            "actions": actions,
            "action_form": ActionForm(),
            "can_edit": permissions.can_edit_proposal(user, proposal),
            "can_review": permissions.can_review(user, proposal)
            and proposal.status not in (ProposalStatus.APPROVED, ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN),
            "review_form": ReviewForm(),
            "agenda_item": agenda_item,
            "can_decide": can_decide,
            "too_early_to_decide": services.too_early_to_decide(agenda_item.meeting) if can_decide else "",
            "decision_form": decision_form or DecisionForm(),
            "condition_rows_form": condition_rows_form or ConditionRowsForm(),
            "condition_due_days": settings.CONDITION_DUE_DAYS,
            "conditions": _conditions_seen_by(user, proposal),
            "condition_report_form": ConditionReportForm(),
            "condition_reopen_form": ConditionReopenForm(),
            "today": timezone.localdate(),
            "can_schedule": can_schedule,
            "meetings": selectors.upcoming_meetings(body) if can_schedule else [],
            "next_meeting": services.next_meeting(body) if can_schedule else None,
            "versions": proposal.versions.all(),
            "documents": version.documents.all(),
            "is_own": permissions.is_own(user, proposal),
            "co_proposers": selectors.co_proposer_links_of(proposal),
            "university_approvals": selectors.university_approvals(proposal)
            if proposal.status == ProposalStatus.AWAITING_MANAGER and len(proposal.approving_institution_ids) > 1
            else [],
            "can_manage_co_proposers": permissions.can_manage_co_proposers(user, proposal),
            "can_leave": permissions.can_leave_proposal(user, proposal),
            "co_proposer_form": co_proposer_form or CoProposerForm(),
        },
        status=status,
    )


def _withdrawal_confirmation(request, pk, data) -> Confirmation | None:
    """The confirmation step of withdrawing a proposal (issue #16), when the user may withdraw it now; None
    otherwise (the service then says why not)."""
    proposal = _get(request.user, pk)
    if Action.WITHDRAW not in allowed_actions(proposal.status) or not permissions.may_take_action(
        request.user, proposal, Action.WITHDRAW
    ):
        return None
    return Confirmation(
        question=_("Withdraw the proposal %(proposal)s?") % {"proposal": proposal},
        consequences=[
            _("It leaves the review: nobody acts on it any more, and it does not reach the catalogue."),
            _("It stays in the list of proposals, with its history, as withdrawn."),
        ],
        irreversible=_("A withdrawn proposal cannot be sent again: to propose it later, start a new proposal."),
        confirm_label=_("Withdraw the proposal"),
        action_url=reverse("proposals:action", args=[proposal.pk]),
        cancel_url=reverse("proposals:detail", args=[proposal.pk]),
        cancel_label=_("Keep the proposal"),
        carried=[
            ("action", Action.WITHDRAW.value),
            ("revision", "" if data["revision"] is None else str(data["revision"])),
            ("comment", data["comment"]),
        ],
    )


@login_required
@require_POST
def proposal_action(request, pk):
    form = ActionForm(request.POST)
    if not form.is_valid():
        if set(form.errors) - {"comment"}:
            raise Http404  # a forged action or revision: nothing a person typed
        messages.error(request, _("Comment: %(error)s") % {"error": " ".join(form.errors["comment"])})
        return redirect("proposals:detail", pk=pk)
    if form.cleaned_data["action"] == Action.WITHDRAW and not is_confirmed(request):
        confirmation = _withdrawal_confirmation(request, pk, form.cleaned_data)
        if confirmation is not None:
            return render_confirmation(request, confirmation)
    try:
        services.take_action(
            user=request.user,
            proposal_id=pk,
            action=form.cleaned_data["action"],
            comment=form.cleaned_data["comment"],
            expected_revision=form.cleaned_data["revision"],
        )
    except ChecklistIncomplete as exc:
        messages.error(request, exc.message + " " + " ".join(p.message for p in exc.problems))
    except ProposalNotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    except ValueError:
        raise Http404 from None
    else:
        proposal = Proposal.objects.select_related("institution").get(pk=pk)
        messages.success(request, next_steps.next_step_message(proposal))
    return redirect("proposals:detail", pk=pk)


@login_required
@require_POST
def document_upload(request, pk):
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.add_document(
                user=request.user,
                proposal_id=pk,
                name=upload.name,
                data=upload.read(),
                purpose=form.cleaned_data["purpose"],
            )
        except ProposalNotFound:
            raise Http404 from None
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Document added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(_documents_step(pk))


@login_required
@require_POST
def document_delete(request, pk, document_id):
    """Remove a supporting document from the draft, after the confirmation step (issue #16); removing it again
    finds nothing to remove."""
    proposal = _get(request.user, pk)
    document = SupportingDocument.objects.filter(pk=document_id, version=proposal.current_version).first()
    if document is not None and permissions.can_edit_proposal(request.user, proposal) and not is_confirmed(request):
        facts = {"name": document.original_name}
        return render_confirmation(
            request,
            Confirmation(
                question=_("Remove the document “%(name)s”?") % facts,
                consequences=[
                    _("It is removed from this version of the proposal: nobody who reviews it will see it."),
                    _("To add it again, upload the file again."),
                ],
                confirm_label=_("Remove the document"),
                action_url=reverse("proposals:document-delete", args=[proposal.pk, document.pk]),
                cancel_url=_documents_step(proposal.pk),
                cancel_label=_("Keep the document"),
            ),
        )
    try:
        services.remove_document(user=request.user, proposal_id=pk, document_id=document_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_documents_step(pk))


@login_required
@require_POST
def co_proposer_add(request, pk):
    """The proposer adds a colleague as co-proposer (co_proposers.py); a refusal is said next to the field."""
    form = CoProposerForm(request.POST)
    if form.is_valid():
        try:
            link = co_proposers.add_co_proposer(user=request.user, proposal_id=pk, email=form.cleaned_data["email"])
        except ProposalNotFound:
            raise Http404 from None
        except DomainError as exc:
            form.add_error("email", exc.message)
        else:
            messages.success(
                request,
                _("%(name)s is a co-proposer now, and has been told by e-mail.") % {"name": link.person.full_name},
            )
            return redirect(f"{reverse('proposals:detail', args=[pk])}#proposers-heading")
    return _render_detail(request, _get(request.user, pk), co_proposer_form=form, status=400)


@login_required
@require_POST
def co_proposer_remove(request, pk, person_id):
    """Remove a co-proposer, after the confirmation step (issue #16); removing them again finds nothing to remove."""
    proposal = _get(request.user, pk)
    link = proposal.co_proposer_links.select_related("person").filter(person_id=person_id).first()
    if link is not None and permissions.can_manage_co_proposers(request.user, proposal) and not is_confirmed(request):
        facts = {"name": link.person.full_name}
        return render_confirmation(
            request,
            Confirmation(
                question=_("Remove %(name)s as co-proposer?") % facts,
                consequences=[
                    _("%(name)s can no longer edit or send the proposal, and is no longer e-mailed its steps.") % facts,
                    _("What %(name)s wrote stays in the proposal.") % facts,
                ],
                confirm_label=_("Remove the co-proposer"),
                action_url=reverse("proposals:co-proposer-remove", args=[proposal.pk, person_id]),
                cancel_url=f"{reverse('proposals:detail', args=[proposal.pk])}#proposers-heading",
                cancel_label=_("Keep the co-proposer"),
            ),
        )
    try:
        co_proposers.remove_co_proposer(user=request.user, proposal_id=pk, person_id=person_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if link is not None:
            messages.success(request, _("%(name)s is no longer a co-proposer.") % {"name": link.person.full_name})
    return redirect(f"{reverse('proposals:detail', args=[pk])}#proposers-heading")


@login_required
@require_POST
def co_proposer_leave(request, pk):
    """A co-proposer takes themselves off the proposal, after the confirmation step; leaving again changes nothing
    (a draft they left is hidden from them, so the retry lands on their list as the first did)."""
    try:
        proposal = permissions.access_proposal(request.user, pk)
    except ProposalNotFound:
        return redirect("proposals:list")
    if permissions.can_leave_proposal(request.user, proposal) and not is_confirmed(request):
        facts = {"title": proposal.current_version.title or _("(untitled)"), "proposer": proposal.proposer.full_name}
        return render_confirmation(
            request,
            Confirmation(
                question=_("Leave the proposal “%(title)s”?") % facts,
                consequences=[
                    _("You can no longer edit or send it, and are no longer e-mailed its steps."),
                    _("%(proposer)s, its proposer, is told by e-mail; only they can add you again.") % facts,
                    _("What you wrote stays in the proposal."),
                ],
                confirm_label=_("Leave the proposal"),
                action_url=reverse("proposals:co-proposer-leave", args=[proposal.pk]),
                cancel_url=f"{reverse('proposals:detail', args=[proposal.pk])}#proposers-heading",
                cancel_label=_("Stay a co-proposer"),
            ),
        )
    try:
        left = co_proposers.leave_proposal(user=request.user, proposal_id=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('proposals:detail', args=[pk])}#proposers-heading")
    if left:
        messages.success(
            request,
            _("You are no longer a co-proposer of “%(title)s”.")
            % {"title": proposal.current_version.title or _("(untitled)")},
        )
    return redirect("proposals:list")


def _documents_step(pk) -> str:
    return f"{reverse('proposals:edit', args=[pk])}?step=documents#field-documents"


@login_required
def document_download(request, pk, document_id):
    proposal = _get(request.user, pk)
    doc = get_object_or_404(SupportingDocument, pk=document_id, version__proposal=proposal)
    return documents.document_response(doc)


@login_required
@require_POST
def review_add(request, pk):
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.add_review(user=request.user, proposal_id=pk, **form.cleaned_data)
        except ProposalNotFound:
            raise Http404 from None
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your comment is recorded."))
    else:
        messages.error(request, _("Write a comment."))
    return redirect("proposals:detail", pk=pk)


@login_required
def proposal_compare(request, pk):
    proposal = _get(request.user, pk)
    versions = {v.number: v for v in proposal.versions.all()}
    try:
        new_n = int(request.GET.get("new", max(versions)))
        old_n = int(request.GET.get("old", new_n - 1))
        old, new = versions[old_n], versions[new_n]
    except (KeyError, ValueError):
        messages.error(request, _("Choose two versions to compare."))
        return redirect("proposals:detail", pk=pk)
    return render(
        request,
        "proposals/compare.html",
        {
            "proposal": proposal,
            "old": old,
            "new": new,
            "rows": compare(old, new, rows_of=publishing.summary_of(proposal.proposal_type)),
            "versions": versions,
        },
    )


@login_required
@require_POST
def proposal_schedule(request, pk):
    meeting_id = _posted_id(request, "meeting")
    try:
        item = services.schedule_proposal(user=request.user, proposal_id=pk, meeting_id=meeting_id)
    except ProposalNotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("On the agenda of %(meeting)s.") % {"meeting": item.meeting})
    return redirect("proposals:detail", pk=pk)


def _rejection_confirmation(request, item, data) -> Confirmation:
    """The confirmation step of a rejection (issue #16): the decision as sent, carried to the confirm button."""
    proposal = _get(request.user, item.proposal_id)
    return Confirmation(
        question=_("Reject the proposal %(proposal)s?") % {"proposal": proposal},
        consequences=[
            _("The proposal ends here: it does not reach the catalogue, and nobody acts on it any more."),
            _("The proposer is told by e-mail; the rationale is recorded with the decision: “%(rationale)s”")
            % {"rationale": data.get("rationale", "")},
        ],
        irreversible=_("A rejected proposal cannot be decided again: a new proposal would start from the beginning."),
        confirm_label=_("Reject the proposal"),
        action_url=reverse("proposals:decide", args=[item.pk]),
        cancel_url=reverse("proposals:detail", args=[proposal.pk]),
        cancel_label=_("Go back without recording a decision"),
        carried=posted_fields(request),
    )


@login_required
@require_POST
def agenda_item_decide(request, item_id):
    item = get_object_or_404(AgendaItem, pk=item_id)
    form = DecisionForm(request.POST)
    rows = ConditionRowsForm(request.POST)
    if form.is_valid() and rows.is_valid():
        if form.cleaned_data["outcome"] == Decision.Outcome.REJECT and not is_confirmed(request):
            return render_confirmation(request, _rejection_confirmation(request, item, form.cleaned_data))
        try:
            decision = services.record_decision(
                user=request.user, agenda_item_id=item.pk, condition_items=rows.items(), **form.cleaned_data
            )
        except ProposalNotFound:
            raise Http404 from None
        except DomainError as exc:
            if isinstance(exc, ConditionsNotValid):
                rows.add_error(None, exc.message)  # shown above the condition rows, as typed
            messages.error(request, exc.message)
        else:
            proposal = Proposal.objects.select_related("institution").get(pk=item.proposal_id)
            messages.success(request, next_steps.decision_recorded_message(decision, proposal))
            return redirect("proposals:detail", pk=item.proposal_id)
    else:
        messages.error(request, _("The decision is not recorded yet: see the messages next to the fields."))
    # Nothing was recorded: the page again, with what was typed and what is missing.
    proposal = _get(request.user, item.proposal_id)
    return _render_detail(request, proposal, decision_form=form, condition_rows_form=rows, status=400)


# Meetings --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_list(request):
    if not permissions.can_view_meetings(request.user):
        raise PermissionDenied
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Meeting created."))
            return redirect("proposals:meeting", pk=meeting.pk)
    return render(
        request,
        "proposals/meetings.html",
        {
            "meetings": Meeting.objects.order_by("-date")[:100],
            "form": form,
            "can_manage": permissions.can_manage_meetings(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    if not permissions.can_view_meeting(request.user, meeting):
        raise PermissionDenied
    if request.method == "POST" and not permissions.can_view_meetings(request.user):
        raise PermissionDenied
    minutes_form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST":
        try:
            if "attendance" in request.POST:
                services.record_attendance(
                    user=request.user,
                    meeting_id=pk,
                    present_user_ids=[int(x) for x in request.POST.getlist("present") if x.isascii() and x.isdigit()],
                )
            elif minutes_form.is_valid():
                services.record_minutes(user=request.user, meeting_id=pk, minutes=minutes_form.cleaned_data["minutes"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
        return redirect("proposals:meeting", pk=pk)
    return render(
        request,
        "proposals/meeting.html",
        {
            "meeting": meeting,
            "items": selectors.agenda_seen_by(request.user, meeting),
            "whole_meeting": permissions.can_view_meetings(request.user),
            "members": selectors.meeting_members(meeting),
            "present": set(meeting.attendees.values_list("pk", flat=True)),
            "minutes_form": minutes_form,
            "can_manage": permissions.can_manage_meetings(request.user),
            "papers": _numbered_papers(request.user, meeting),
            "paper_form": _paper_form(meeting) if permissions.can_manage_meetings(request.user) else None,
            "can_note": permissions.can_note_paper(request.user, meeting),
            "noted_form": PaperNotedForm(),
        },
    )


def _numbered_papers(user, meeting) -> list[tuple[int, object, bool]]:
    """(number on the agenda, after the proposals; paper; whether `user` may download it) for those who see the
    whole meeting; nothing for an invited proposer."""
    if not permissions.can_view_meetings(user):
        return []
    first = meeting.items.count() + 1
    return [
        (first + n, paper, permissions.can_read_paper(user, paper)) for n, paper in enumerate(papers.papers_of(meeting))
    ]


def _paper_form(meeting, data=None, files=None) -> PaperForm:
    return PaperForm(data, files, presenters=selectors.possible_presenters())


@login_required
@require_POST
def paper_add(request, pk):
    """The board secretary puts a paper (a PDF) on the meeting's agenda, to be noted."""
    meeting = get_object_or_404(Meeting, pk=pk)
    if not permissions.can_manage_meetings(request.user):
        raise PermissionDenied
    form = _paper_form(meeting, request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("proposals:meeting", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        papers.place_paper(
            user=request.user,
            meeting_id=meeting.pk,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            presenter=form.cleaned_data["presenter"],
            name=upload.name,
            data=upload.read(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The paper is on the agenda."))
    return redirect("proposals:meeting", pk=pk)


@login_required
def paper_download(request, paper_id):
    try:
        paper = papers.get_paper(request.user, paper_id)
    except DomainError:
        raise Http404 from None
    return papers.paper_response(paper)


@login_required
@require_POST
def paper_note(request, paper_id):
    """The chair or the secretary records that the meeting noted the paper, with optional minutes text."""
    try:
        paper = papers.get_paper(request.user, paper_id)
    except DomainError:
        raise Http404 from None
    form = PaperNotedForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("proposals:meeting", pk=paper.meeting_id)
    try:
        papers.note_paper(user=request.user, paper_id=paper.pk, minutes=form.cleaned_data["minutes"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Noted."))
    return redirect("proposals:meeting", pk=paper.meeting_id)


@login_required
def meeting_pdf(request, pk, kind):
    if not permissions.can_view_meetings(request.user) or kind not in ("agenda", "minutes"):
        raise Http404
    meeting = get_object_or_404(Meeting, pk=pk)
    data = pdf.meeting_pdf(meeting, minutes=kind == "minutes")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{kind}-{meeting.date:%Y-%m-%d}.pdf")
    return response


# Calls -----------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def call_list(request):
    form = CallForm(request.POST or None)
    can_manage = permissions.can_manage_calls(request.user)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.create_call(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Call opened."))
                return redirect("proposals:calls")
    return render(
        request,
        "proposals/calls.html",
        {
            "calls": Call.objects.order_by("-deadline"),
            "form": form,
            "can_manage": can_manage,
            "can_propose": permissions.can_create_proposal(request.user),
            "institutions": selectors.user_institutions_for_proposing(request.user),
        },
    )


@login_required
@require_POST
def change_proposal_create(request, mc_id):
    """Start a change proposal for a published micro-credential (it produces a new version when approved)."""
    try:
        basis = publishing.change_basis(publishing.MICRO_CREDENTIAL, mc_id)
    except ObjectDoesNotExist:
        raise Http404 from None
    institutions = selectors.user_institutions_for_proposing(request.user)
    institution = institutions.filter(pk=_posted_id(request, "institution")).first() or institutions.first()
    if institution is None:
        raise PermissionDenied
    try:
        proposal = services.start_change_proposal(user=request.user, micro_credential_id=mc_id, institution=institution)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(basis.url)
    messages.success(request, _("Your change proposal starts from the published version. Edit what changes."))
    return redirect("proposals:edit", pk=proposal.pk)
