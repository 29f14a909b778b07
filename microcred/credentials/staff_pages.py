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
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from microcred.core.confirmation import Confirmation, ReasonForm, is_confirmed, render_confirmation
from microcred.core.dates import public_date
from microcred.core.exceptions import DomainError
from microcred.core.listing import ListFilter, ListSort, ListSpec
from microcred.credentials import permissions, selectors
from microcred.credentials.models import IssuanceJob, IssuedCredential, Issuer
from microcred.credentials.selectors import issuer_for_version
from microcred.credentials.services import bulk
from microcred.credentials.services.status import revoke_credential
from microcred.learning import selectors as learning_selectors
from microcred.learning.models import Offering


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


NAMES_SHOWN = 10  # the confirmation of a bulk issuance names this many learners, then says how many more


def _issuance_confirmation(offering, issuer, pending, error: str = "") -> Confirmation:
    n = len(pending)
    facts = {"n": n, "offering": str(offering), "issuer": issuer.name}
    names = [e.learner.full_name or e.learner.email for e in pending]
    shown = ", ".join(names[:NAMES_SHOWN])
    if n > NAMES_SHOWN:
        who = ngettext(
            "They are %(names)s, and %(more)d other learner.",
            "They are %(names)s, and %(more)d other learners.",
            n - NAMES_SHOWN,
        ) % {"names": shown, "more": n - NAMES_SHOWN}
    else:
        who = ngettext("This is %(names)s.", "They are %(names)s.", n) % {"names": shown}
    return Confirmation(
        question=ngettext(
            "Issue %(n)d credential for “%(offering)s”?", "Issue %(n)d credentials for “%(offering)s”?", n
        )
        % facts,
        consequences=[
            ngettext(
                "%(n)d learner who completed “%(offering)s” gets a credential signed by %(issuer)s, and an e-mail "
                "that says where to find it.",
                "%(n)d learners who completed “%(offering)s” each get a credential signed by %(issuer)s, and an "
                "e-mail that says where to find it.",
                n,
            )
            % facts,
            who,
            _("The credentials are issued in the background: the next page shows the progress, then the results."),
        ],
        irreversible=_(
            "An issued credential cannot be taken back: one issued by mistake can only be revoked, with a reason."
        ),
        confirm_label=ngettext("Issue %(n)d credential", "Issue all %(n)d credentials", n) % facts,
        action_url=reverse("credentials:issue-offering", args=[offering.pk]),
        cancel_url=reverse("credentials:issue-queue"),
        carried=[("count", str(n))],
        error=error,
    )


@login_required
@require_POST
def issue_offering(request, offering_id):
    """Issue every pending credential of an offering, after the confirmation step (issue #16) that says how many
    and to whom. The confirmation carries that number: if it changed meanwhile, the step is shown again with the
    new number. A confirmation posted twice starts one job (the second finds it under way, or nothing pending)."""
    offering = Offering.objects.select_related("version").filter(pk=offering_id).first()
    if offering is None:
        raise Http404
    error = ""
    try:
        if is_confirmed(request):
            count = request.POST.get("count", "")
            job = bulk.start_issuance_job(
                user=request.user, offering_id=offering.pk, expected_count=int(count) if count.isdigit() else -1
            )
            return redirect("credentials:job", pk=job.pk)
        issuer, pending = bulk.issuance_preview(user=request.user, offering=offering)
    except bulk.PendingChanged as exc:
        issuer, pending, error = exc.issuer, exc.pending, exc.message
    except bulk.JobAlreadyRunning as exc:
        _job_under_way(request, exc)
        return redirect("credentials:issue-queue")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("credentials:issue-queue")
    confirmation = _issuance_confirmation(offering, issuer, pending, error)
    return render_confirmation(request, confirmation, status=409 if error else 200)


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


def _revocable(request, pk) -> IssuedCredential:
    """A credential the officer's issuers issued; not found for anyone else (nothing said about others' credentials)."""
    credential = IssuedCredential.objects.select_related("issuer", "micro_credential_version").filter(pk=pk).first()
    if credential is None or not permissions.can_revoke(request.user, credential):
        raise Http404
    return credential


def _revocation_confirmation(credential: IssuedCredential, form: ReasonForm) -> Confirmation:
    name = credential.learner_name or _("(erased)")
    facts = {"name": name, "title": credential.title, "date": public_date(credential.issued_at)}
    consequences = [
        _(
            "The credential “%(title)s” issued to %(name)s on %(date)s becomes revoked: whoever checks it, on its page, "
            "through a share link, in a file or in a wallet app, is told that it is revoked and why."
        )
        % facts,
        _("%(name)s is told by e-mail, with the reason you give.") % facts,
        _(
            "The reason is public: anyone who checks the credential reads it, so write it for the learner and "
            "an employer, without details the learner would not want published."
        ),
    ]
    copies = credential.bound_copies.filter(revoked_at__isnull=True).count()
    if copies:
        consequences.append(
            ngettext(
                "The copy sent to a wallet app is revoked with it.",
                "The %(n)d copies sent to wallet apps are revoked with it.",
                copies,
            )
            % {"n": copies}
        )
    return Confirmation(
        question=_("Revoke the credential of %(name)s?") % facts,
        consequences=consequences,
        irreversible=_("A revoked credential cannot be made valid again."),
        confirm_label=_("Revoke the credential of %(name)s") % facts,
        action_url=reverse("credentials:revoke", args=[credential.pk]),
        cancel_url=reverse("credentials:issued"),
        form=form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, pk):
    """Revoke a credential after its confirmation step (issue #16): the link or the first post shows what revoking
    does and asks for the reason; only the confirmed post revokes, through the service (which refuses a second
    revocation, so a confirmation posted twice revokes once)."""
    credential = _revocable(request, pk)
    if credential.revoked_at is not None:
        messages.error(
            request,
            _("This credential was already revoked on %(date)s; nothing was changed.")
            % {"date": public_date(credential.revoked_at)},
        )
        return redirect("credentials:issued")
    form = ReasonForm.from_request(
        request,
        label=_("Reason for revoking it"),
        missing=_("Give the reason for revoking this credential."),
        help_text=_("The learner reads it, and so does whoever verifies the credential."),
    )
    if is_confirmed(request) and form.is_valid():
        try:
            revoke_credential(request.user, credential.pk, form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The credential is revoked; its status list is republished."))
        return redirect("credentials:issued")
    return render_confirmation(request, _revocation_confirmation(credential, form), status=400 if form.errors else 200)
