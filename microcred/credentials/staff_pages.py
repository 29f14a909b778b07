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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from microcred.core.exceptions import DomainError
from microcred.core.listing import ListFilter, ListSort, ListSpec
from microcred.credentials import permissions, selectors
from microcred.credentials.models import IssuanceJob, IssuedCredential, Issuer
from microcred.credentials.selectors import issuer_for_version
from microcred.credentials.services import bulk
from microcred.credentials.services.status import revoke_credential
from microcred.learning import selectors as learning_selectors


def _officer_issuers(user) -> list[Issuer]:
    if not permissions.is_any_credential_officer(user):
        raise DjangoPermissionDenied
    return [i for i in Issuer.objects.select_related("institution") if permissions.is_credential_officer_of(user, i)]


@login_required
def issue_queue(request):
    """Offerings whose learners completed and wait for their credential, for the officer's issuers.

    A fixed number of queries per offering (its issuer, its completions, their credentials, its job), whatever
    the number of learners: the pending completions are `bulk.pending_completions`, as the issuing job reads them.
    """
    issuers = _officer_issuers(request.user)
    issuer_of_version: dict = {}
    rows = []
    for offering in learning_selectors.offerings_with_completions():
        version = offering.version
        if version.pk not in issuer_of_version:
            try:
                issuer_of_version[version.pk] = issuer_for_version(version)
            except DomainError:
                issuer_of_version[version.pk] = None
        issuer = issuer_of_version[version.pk]
        if issuer is None or issuer not in issuers:
            continue
        ready = len(learning_selectors.ready_for_credential(offering=offering))
        if not ready:
            continue
        pending = bulk.pending_completions(offering)
        rows.append(
            {
                "offering": offering,
                "issuer": issuer,
                "pending": pending,
                "issued": ready - len(pending),
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
    if not permissions.can_follow_job(request.user, job):
        raise Http404
    return job


@login_required
def job_detail(request, pk):
    job = _own_job(request, pk)
    may_issue = permissions.is_credential_officer_of(request.user, selectors.job_issuer(job))
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


def _by_state(queryset, value):
    return queryset.filter(revoked_at__isnull=value == "valid")


def _issued_list(issuers) -> ListSpec:
    """The credentials an officer's issuers issued, as a staff list that scales (issue #16)."""
    filters = [
        ListFilter(
            "state",
            gettext_lazy("Status"),
            [("valid", gettext_lazy("Not revoked")), ("revoked", gettext_lazy("Revoked"))],
            apply=_by_state,
        )
    ]
    if len(issuers) > 1:
        filters.append(ListFilter("issuer", gettext_lazy("Issuer"), [(i.pk, i.name) for i in issuers]))
    return ListSpec(
        search=("learner_name", "learner_email", "micro_credential_version__title"),
        search_label=gettext_lazy("Learner or title"),
        filters=tuple(filters),
        sorts=(
            ListSort("newest", gettext_lazy("Newest first"), ("-issued_at", "-pk")),
            ListSort("oldest", gettext_lazy("Oldest first"), ("issued_at", "pk")),
            ListSort("name", gettext_lazy("Learner"), ("learner_name", "pk")),
        ),
    )


@login_required
def issued_list(request):
    issuers = _officer_issuers(request.user)
    credentials = IssuedCredential.objects.filter(issuer__in=issuers).select_related(
        "issuer", "micro_credential_version"
    )
    listing = _issued_list(issuers).read(request, credentials)
    return render(request, "credentials/issued.html", {"listing": listing})


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
