"""The credential officers' page of pathway credentials (issue #12, item 4): the awards whose component was
revoked after the award (keep or revoke: they decide), and the retroactive award of a pathway to everyone who
already completed it, as a background run with its progress. Thin: parse → award.py → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.core.exceptions import DomainError, NotFound
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


@login_required
@require_POST
def decide(request, award_id):
    form = AwardReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to keep or revoke the pathway credential."))
        return redirect("pathways:awards-to-review")
    try:
        award.decide_review(
            user=request.user,
            award_id=award_id,
            keep=form.cleaned_data["decision"] == "keep",
            reason=form.cleaned_data["reason"],
        )
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
