"""Pages for credential officers: the queue of completions ready for a credential, issuance jobs with their
progress, and revocation. Thin: parse → service → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.accounts.permissions import has_role
from microcred.accounts.roles import Role
from microcred.core.exceptions import DomainError
from microcred.credentials.models import IssuanceJob, IssuedCredential, Issuer
from microcred.credentials.permissions import can_follow_job, is_credential_officer_of
from microcred.credentials.services import bulk
from microcred.credentials.services.issuance import issuer_for_version
from microcred.credentials.services.status import revoke_credential


def _officer_issuers(user) -> list[Issuer]:
    if not has_role(user, Role.CREDENTIAL_OFFICER, anywhere=True) and not has_role(user, Role.CREDENTIAL_OFFICER):
        raise DjangoPermissionDenied
    return [i for i in Issuer.objects.select_related("institution") if is_credential_officer_of(user, i)]


@login_required
def issue_queue(request):
    """Offerings whose learners completed and wait for their credential, for the officer's issuers."""
    from microcred.learning.selectors import ready_for_credential

    issuers = _officer_issuers(request.user)
    by_offering: dict = {}
    for enrolment in ready_for_credential():
        offering = enrolment.offering
        try:
            issuer = issuer_for_version(offering.version)
        except DomainError:
            continue
        if issuer not in issuers:
            continue
        by_offering.setdefault(offering, {"issuer": issuer, "ready": []})["ready"].append(enrolment)
    issued_keys = set(
        IssuedCredential.objects.filter(
            completion_key__in=[e.completion_key for v in by_offering.values() for e in v["ready"]]
        ).values_list("completion_key", flat=True)
    )
    rows = []
    for offering, data in by_offering.items():
        pending = [e for e in data["ready"] if e.completion_key not in issued_keys]
        rows.append(
            {
                "offering": offering,
                "issuer": data["issuer"],
                "pending": pending,
                "issued": len(data["ready"]) - len(pending),
                "job": bulk.active_job(offering),
            }
        )
    jobs = IssuanceJob.objects.filter(requested_by=request.user).select_related("offering__version")[:10]
    return render(request, "credentials/issue_queue.html", {"rows": rows, "issuers": issuers, "jobs": jobs})


def _job_under_way(request, exc: bulk.JobAlreadyRunning) -> None:
    """Say that the offering's job is under way, with a link to it (not an error page)."""
    url = reverse("credentials:job", args=[exc.job.pk])
    messages.warning(request, format_html('{} <a href="{}">{}</a>', exc.message, url, _("Follow its progress")))


@login_required
@require_POST
def issue_offering(request, offering_id):
    try:
        job = bulk.start_issuance_job(user=request.user, offering_id=offering_id)
    except bulk.JobAlreadyRunning as exc:
        _job_under_way(request, exc)
        return redirect("credentials:issue-queue")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("credentials:issue-queue")
    return redirect("credentials:job", pk=job.pk)


@login_required
@require_POST
def issue_single(request, enrolment_id):
    try:
        credential = bulk.issue_one(user=request.user, enrolment_id=enrolment_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Issued to %(name)s.") % {"name": credential.learner_name})
    return redirect("credentials:issue-queue")


def _own_job(request, pk) -> IssuanceJob:
    job = get_object_or_404(IssuanceJob.objects.select_related("offering__version"), pk=pk)
    if not can_follow_job(request.user, job):
        raise Http404
    return job


@login_required
def job_detail(request, pk):
    job = _own_job(request, pk)
    may_issue = is_credential_officer_of(request.user, issuer_for_version(job.offering.version))
    return render(request, "credentials/job.html", {"job": job, "action": bulk.resumable(job) if may_issue else None})


@login_required
@require_POST
def job_resume(request, pk):
    """Run a stopped job again ("Resume" / "Run again"): it carries on where it stopped."""
    job = _own_job(request, pk)
    try:
        bulk.resume_job(user=request.user, job_id=job.pk)
    except bulk.JobAlreadyRunning as exc:
        _job_under_way(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The job runs again: it carries on where it stopped."))
    return redirect("credentials:job", pk=job.pk)


@login_required
def job_progress(request, pk):
    return JsonResponse(_own_job(request, pk).progress())


@login_required
def issued_list(request):
    issuers = _officer_issuers(request.user)
    credentials = (
        IssuedCredential.objects.filter(issuer__in=issuers)
        .select_related("issuer", "micro_credential_version")
        .order_by("-issued_at")[:500]
    )
    return render(request, "credentials/issued.html", {"credentials": credentials})


@login_required
@require_POST
def revoke(request, pk):
    reason = request.POST.get("reason", "")
    try:
        revoke_credential(request.user, pk, reason)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The credential is revoked; its status list is republished."))
    return redirect("credentials:issued")
