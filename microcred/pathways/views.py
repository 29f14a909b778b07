"""Pathway pages: the public list and search (/pathways/), a pathway's page (/pathways/<slug>/), and the staff's:
propose, write the proposal, start a change, retire. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from microcred.catalogue.views import badge_response
from microcred.core.confirmation import Confirmation, ReasonForm, is_confirmed, render_confirmation
from microcred.core.exceptions import DomainError
from microcred.core.text import COMMENT_TEXT
from microcred.pathways import badges, permissions, rules, selectors, services
from microcred.pathways.forms import ChangeForm, PathwayForm, RetireForm, SearchForm, StartForm
from microcred.proposals import permissions as proposal_permissions
from microcred.proposals import services as proposal_services
from microcred.proposals.checklist import RuleStatus, blocking_problems
from microcred.proposals.exceptions import ChecklistIncomplete, ProposalNotFound
from microcred.proposals.models import ProposalStatus
from microcred.proposals.selectors import user_institutions_for_proposing
from microcred.proposals.workflow import Action
from microcred.reference.models import Institution


def pathway_list(request):
    form = SearchForm(request.GET or None)
    search = university = ""
    if form.is_bound and form.is_valid():
        search, university = form.cleaned_data["search"], form.cleaned_data["university"]
    versions = selectors.published_pathways(search=search, university=university)
    user = request.user
    return render(
        request,
        "pathways/list.html",
        {
            "form": form,
            "search": search,
            "versions": versions,
            "can_propose": permissions.can_propose_pathway(user),
            # The pathway's staff are warned of a component retired after approval (a change proposal fixes it).
            "warnings": [
                (v, selectors.retired_components(v))
                for v in versions
                if selectors.retired_components(v) and permissions.is_pathway_staff(user, v)
            ],
            "start_form": StartForm(institutions=user_institutions_for_proposing(user))
            if permissions.can_propose_pathway(user)
            else None,
        },
        status=200 if not form.errors else 400,
    )


def badge(request, slug, fmt, number=None):
    """A pathway version's badge (SVG or PNG), the same for everyone, with an ETag (catalogue.views.badge_response)."""
    pathway = selectors.pathway_by_slug(slug)
    version = selectors.version_of(pathway, int(number) if number is not None else None) if pathway else None
    if version is None:
        raise Http404(_("There is no such pathway version."))
    return badge_response(request, badges.spec_for_pathway_version(version), fmt)


def pathway_page(request, slug, number=None):
    pathway = selectors.pathway_by_slug(slug)
    if pathway is None:
        raise Http404
    version = selectors.version_of(pathway, number)
    if version is None:
        raise Http404
    user = request.user
    is_staff = permissions.is_pathway_staff(user, version)
    change_institutions = Institution.objects.filter(pk__in=permissions.change_institution_ids(user, version))
    components = selectors.component_views(version)
    return render(
        request,
        "pathways/detail.html",
        {
            "pathway": pathway,
            "version": version,
            "current": pathway.current_version,
            "components": components,
            "retired_components": [c for c in components if c.retired],
            "rule_sentences": selectors.rule_in_words(version),
            "universities": version.universities(),
            "is_staff": is_staff,
            "change_form": ChangeForm(institutions=change_institutions)
            if change_institutions.exists() and pathway.is_published and version.is_current
            else None,
            "retire_form": RetireForm() if permissions.can_retire_pathway(user) and pathway.is_published else None,
            "versions": pathway.versions.order_by("number"),
        },
    )


@login_required
@require_POST
def propose(request):
    form = StartForm(request.POST, institutions=user_institutions_for_proposing(request.user))
    if not permissions.can_propose_pathway(request.user):
        raise DjangoPermissionDenied
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("pathways:index")
    try:
        proposal = services.propose_pathway(
            user=request.user, institution=form.cleaned_data["institution"], title=form.cleaned_data["title"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("pathways:index")
    messages.success(request, _("Your draft is saved; you can come back to it at any time."))
    return redirect("pathways:proposal-edit", proposal_id=proposal.pk)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request, proposal_id):
    try:
        proposal = proposal_permissions.access_proposal(request.user, proposal_id)
    except ProposalNotFound:
        raise Http404 from None
    if proposal.proposal_type != services.PATHWAY:
        raise Http404
    if not proposal_permissions.can_edit_proposal(request.user, proposal):
        return redirect("proposals:detail", pk=proposal.pk)
    version = proposal.current_version
    rule = selectors.draft_rule(version)
    initial = {
        "revision": proposal.revision,
        "title": version.title,
        "description": version.description,
        "co_leads": list(version.co_leads.all()),
        "pinned_only": selectors.draft_pinned_only(version),
        "has_financial_implications": version.has_financial_implications,
        "financial_implications": version.financial_implications,
    }
    data = request.POST if request.method == "POST" else None
    form = PathwayForm(data, initial=initial, rule=rule, lead_id=version.accrediting_institution_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_pathway_draft(
                user=request.user,
                proposal_id=proposal.pk,
                data=services.PathwayDraftInput(
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    co_leads=list(form.cleaned_data["co_leads"]),
                    rule=form.cleaned_data["rule"],
                    pinned_only=form.cleaned_data["pinned_only"],
                    has_financial_implications=form.cleaned_data["has_financial_implications"],
                    financial_implications=form.cleaned_data["financial_implications"],
                ),
                expected_revision=form.cleaned_data["revision"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if "send" in request.POST:
                return _send(request, proposal)
            messages.success(request, _("Draft saved."))
            return redirect("pathways:proposal-edit", proposal_id=proposal.pk)
    results = proposal_services.checklist_for(proposal)
    problems_by_field: dict[str, list[str]] = {}
    if request.GET.get("check") or request.method == "POST":
        for problem in blocking_problems(results):
            problems_by_field.setdefault(problem.field, []).append(problem.message)
    return render(
        request,
        "pathways/proposal_edit.html",
        {
            "proposal": proposal,
            "version": version,
            "form": form,
            "checklist": results,
            "problems_by_field": problems_by_field,
            "RuleStatus": RuleStatus,
            "rule_sentences": _sentences(rule),
        },
        status=400 if form.errors else 200,
    )


def _sentences(rule_data) -> list[str]:
    try:
        rule = rules.parse(rule_data)
    except rules.RuleError:
        return []
    facts = selectors.component_facts(rule.components)
    return rules.describe(rule, {c: f.title for c, f in facts.items()})


def _send(request, proposal):
    action = Action.RESUBMIT if proposal.status == ProposalStatus.REVISIONS_REQUESTED else Action.SEND_TO_MANAGER
    try:
        proposal_services.take_action(user=request.user, proposal_id=proposal.pk, action=action)
    except ChecklistIncomplete as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('pathways:proposal-edit', kwargs={'proposal_id': proposal.pk})}?check=1#checklist")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("pathways:proposal-edit", proposal_id=proposal.pk)
    messages.success(request, _("Sent. You will get an e-mail at each step."))
    return redirect("proposals:detail", pk=proposal.pk)


@login_required
@require_POST
def start_change(request, slug):
    pathway = selectors.pathway_by_slug(slug)
    if pathway is None or pathway.current_version is None:
        raise Http404
    institutions = Institution.objects.filter(
        pk__in=permissions.change_institution_ids(request.user, pathway.current_version)
    )
    form = ChangeForm(request.POST, institutions=institutions)
    if not form.is_valid():
        raise Http404
    try:
        proposal = services.start_pathway_change(
            user=request.user, pathway_id=pathway.pk, institution=form.cleaned_data["institution"]
        )
    except (DomainError, ObjectDoesNotExist) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
        return redirect("pathways:detail", slug=slug)
    return redirect("pathways:proposal-edit", proposal_id=proposal.pk)


@login_required
@require_POST
def retire(request, slug):
    """Retire a pathway after the confirmation step (issue #16): the first post shows what retiring does and keeps
    the reason typed; only the confirmed post retires, through the service (which refuses a second retirement, so
    a confirmation posted twice retires once). Whoever may not retire is told so by the service."""
    pathway = selectors.pathway_by_slug(slug)
    if pathway is None:
        raise Http404
    confirmed = is_confirmed(request)
    form = ReasonForm.from_request(
        request,
        label=_("Why it is retired"),
        missing=_("Give the reason for retiring it."),
        max_length=COMMENT_TEXT,
    )
    asking = permissions.can_retire_pathway(request.user) and pathway.is_published
    if asking and not (confirmed and form.is_valid()):
        confirmation = Confirmation(
            question=_("Retire the pathway “%(title)s”?") % {"title": pathway},
            consequences=[
                _("It is no longer listed, and learners no longer earn its credential by completing it."),
                _("The pathway credentials already awarded stay valid."),
            ],
            irreversible=_("Nothing on the platform publishes a retired pathway again."),
            confirm_label=_("Retire this pathway"),
            action_url=reverse("pathways:retire", args=[slug]),
            cancel_url=reverse("pathways:detail", args=[slug]),
            cancel_label=_("Keep the pathway"),
            form=form,
        )
        return render_confirmation(request, confirmation, status=400 if form.errors else 200)
    reason = form.cleaned_data["reason"] if asking else request.POST.get("reason", "")
    try:
        services.retire_pathway(user=request.user, pathway_id=pathway.pk, reason=reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The pathway is retired."))
    return redirect("pathways:detail", slug=slug)
    try:
        services.retire_pathway(user=request.user, pathway_id=pathway.pk, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The pathway is retired."))
    return redirect("pathways:detail", slug=slug)
