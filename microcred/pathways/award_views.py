"""The credential officers' page of pathway credentials (issue #12, item 4): the awards whose component was
revoked after the award (keep or revoke: they decide), and the retroactive award of a pathway to everyone who
already completed it, as a background run with its progress. Thin: parse → award.py → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from microcred.core.confirmation import Confirmation, ReasonForm, is_confirmed, render_confirmation
from microcred.core.exceptions import DomainError, NotFound
from microcred.core.text import COMMENT_TEXT
from microcred.credentials import permissions as credential_permissions
from microcred.pathways import award
from microcred.pathways.award_forms import AwardReviewForm
from microcred.pathways.award_models import AwardRun


@login_required
def awards_page(request):
    if not credential_permissions.is_any_credential_officer(request.user):
        raise HttpForbidden
    versions = award.pathways_to_award(request.user)
    runs = AwardRun.objects.filter(pathway_version__in=versions).select_related("pathway_version")[:20]
    return render(
        request,
        "pathways/awards.html",
        {
            "to_review": award.awards_to_review(request.user),
            "versions": versions,
            "runs": runs,
            "form": AwardReviewForm(),
        },
    )


def _revocation_confirmation(flagged, form: ReasonForm) -> Confirmation:
    credential = flagged.credential
    facts = {"name": credential.learner_name or _("(erased)"), "title": flagged.pathway_version.title}
    return Confirmation(
        question=_("Revoke the pathway credential “%(title)s” of %(name)s?") % facts,
        consequences=[
            _(
                "Whoever checks it, on its page, through a share link, in a file or in a wallet app, is told that it "
                "is revoked and why."
            ),
            _("%(name)s is told by e-mail, with the reason you give.") % facts,
        ],
        irreversible=_("A revoked credential cannot be made valid again."),
        confirm_label=_("Revoke the pathway credential of %(name)s") % facts,
        action_url=reverse("pathways:award-decide", args=[flagged.pk]),
        cancel_url=reverse("pathways:awards-to-review"),
        cancel_label=_("Decide later"),
        carried=[("decision", "revoke")],
        form=form,
    )


@login_required
@require_POST
def decide(request, award_id):
    """Keep or revoke a flagged pathway credential. Revoking asks for confirmation first (issue #16), with the
    reason; the service decides a flagged award once, so a confirmation posted twice revokes once."""
    form = AwardReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to keep or revoke the pathway credential."))
        return redirect("pathways:awards-to-review")
    keep = form.cleaned_data["decision"] == "keep"
    reason = form.cleaned_data["reason"]
    if not keep:
        flagged = award.flagged_award_for(request.user, award_id)
        reasons = ReasonForm.from_request(
            request,
            label=_("Reason for revoking it"),
            missing=_("Give the reason for revoking the pathway credential."),
            help_text=_("The learner reads it, and so does whoever verifies the credential."),
            max_length=COMMENT_TEXT,
        )
        if flagged is not None and not (is_confirmed(request) and reasons.is_valid()):
            confirmation = _revocation_confirmation(flagged, reasons)
            return render_confirmation(request, confirmation, status=400 if reasons.errors else 200)
        if flagged is not None:
            reason = reasons.cleaned_data["reason"]
    try:
        award.decide_review(user=request.user, award_id=award_id, keep=keep, reason=reason)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your decision is recorded."))
    return redirect("pathways:awards-to-review")


@login_required
@require_POST
def start_run(request, version_id):
    """Award a pathway to everyone who completed it, after the confirmation step (issue #16) that says how many
    learners the run checks. The service returns the run under way rather than start a second one, and awards
    each learner once ever, so a confirmation posted twice awards nothing twice."""
    version = award.awardable_version(request.user, version_id)
    if version is not None and not is_confirmed(request):
        n = len(award.candidates(version))
        facts = {"title": version.title, "n": n}
        return render_confirmation(
            request,
            Confirmation(
                question=_("Award “%(title)s” to everyone who completed it?") % facts,
                consequences=[
                    ngettext(
                        "%(n)d learner holds a credential of one of its micro-credentials: the run checks whether "
                        "they completed the pathway.",
                        "%(n)d learners hold a credential of one of its micro-credentials: the run checks whether "
                        "each completed the pathway.",
                        n,
                    )
                    % facts,
                    _(
                        "Each learner who completed it gets the pathway credential and an e-mail; a learner who "
                        "already has it gets nothing new."
                    ),
                    _("The run works in the background: the next page shows its progress, then the results."),
                ],
                irreversible=_(
                    "An awarded credential cannot be taken back: one awarded by mistake can only be revoked, with a "
                    "reason."
                ),
                confirm_label=_("Award to everyone who completed it"),
                action_url=reverse("pathways:award-run-start", args=[version.pk]),
                cancel_url=reverse("pathways:awards-to-review"),
            ),
        )
    try:
        run = award.start_award_run(user=request.user, version_id=version_id)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("pathways:awards-to-review")
    return redirect("pathways:award-run", pk=run.pk)


def _run(request, pk) -> AwardRun:
    run = AwardRun.objects.select_related("pathway_version__pathway").filter(pk=pk).first()
    if run is None or not award.can_award(request.user, run.pathway_version):
        raise Http404
    return run


@login_required
def run_detail(request, pk):
    return render(request, "pathways/award_run.html", {"run": _run(request, pk)})


@login_required
def run_progress(request, pk):
    run = _run(request, pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": str(run.get_status_display()),
            "total": run.total,
            "processed": run.processed,
            "awarded": run.awarded,
            # The names the shared progress script (js/job-progress.js) reads.
            "issued": run.awarded,
            "already_issued": max(run.processed - run.awarded - run.failed, 0),
            "failed": run.failed,
            "percent": run.percent,
        }
    )
