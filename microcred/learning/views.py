"""Offering, enrolment, results and import pages. Thin: parse the request, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from microcred.core import spreadsheets
from microcred.core.confirmation import Confirmation, ReasonForm, is_confirmed, render_confirmation
from microcred.core.exceptions import DomainError
from microcred.core.listing import ListFilter, ListSort, ListSpec
from microcred.learning import imports, permissions, selectors, services
from microcred.learning.exceptions import (
    CancellationInvalid,
    ImportHasErrors,
    NotAllowed,
    OfferingEnded,
    OfferingInvalid,
    OfferingNotFound,
    ResultInvalid,
)
from microcred.learning.forms import AssessorForm, EnrolForm, ImportForm, OfferingForm, ResultForm
from microcred.learning.grading import parse_scale
from microcred.learning.models import Enrolment, Offering
from microcred.learning.panels import credentials_of_enrolments, my_learning_panels
from microcred.learning.uploads import SizeLimitedUploadHandler
from microcred.reference.models import Institution


def _offering(user, pk, *, staff=False):
    try:
        if staff:
            return permissions.access_offering_as_staff(user, pk)
        return permissions.access_offering(user, pk)
    except OfferingNotFound:
        raise Http404(_("There is no such offering, or you may not see it.")) from None


@login_required
def my_learning(request):
    enrolments = selectors.my_enrolments(request.user)
    # Each completion's credential, when issued (found by the wallet through learning.panels): a link to it.
    found = credentials_of_enrolments(request.user, [selectors.completion_key(e) for e in enrolments if e.completed])
    for e in enrolments:
        e.credential = found.get(selectors.completion_key(e)) if e.completed else None
    return render(
        request,
        "learning/my_learning.html",
        # What the apps above learning show here (learning.panels): the pathways she started.
        {"enrolments": enrolments, "panels": my_learning_panels(request)},
    )


def _member_universities():
    return Institution.objects.filter(is_alliance=False).order_by("short_name").values_list("pk", "short_name")


def _when(queryset, value):
    today = timezone.localdate()
    if value == "upcoming":
        return queryset.filter(starts_on__gt=today)
    if value == "running":
        return queryset.filter(starts_on__lte=today, ends_on__gte=today)
    return queryset.filter(ends_on__lt=today)


_UNIVERSITY = ListFilter("institution", gettext_lazy("University"), _member_universities)
_MODE = ListFilter("mode", gettext_lazy("Mode"), Offering.Mode.choices)

# The offerings a member of staff delivers or assesses, and those open for enrolment (issue #16, staff lists that
# scale); two lists on one page, so the second's parameters start with "open_".
MY_OFFERINGS = ListSpec(
    search=("version__title", "institution__short_name"),
    search_label=gettext_lazy("Title or university"),
    filters=(
        _UNIVERSITY,
        ListFilter(
            "when",
            gettext_lazy("When"),
            [
                ("upcoming", gettext_lazy("Not started")),
                ("running", gettext_lazy("Running")),
                ("ended", gettext_lazy("Ended")),
            ],
            apply=_when,
        ),
        _MODE,
    ),
    sorts=(
        ListSort("latest", gettext_lazy("Latest start first"), ("-starts_on", "-pk")),
        ListSort("earliest", gettext_lazy("Earliest start first"), ("starts_on", "pk")),
        ListSort("title", gettext_lazy("Title"), ("version__title", "starts_on", "pk")),
    ),
)
OPEN_OFFERINGS = ListSpec(
    search=("version__title", "institution__short_name"),
    search_label=gettext_lazy("Title or university"),
    filters=(_UNIVERSITY, _MODE),
    sorts=(
        ListSort("closing", gettext_lazy("Enrolment closing first"), ("enrolment_closes", "starts_on", "pk")),
        ListSort("earliest", gettext_lazy("Earliest start first"), ("starts_on", "pk")),
        ListSort("title", gettext_lazy("Title"), ("version__title", "starts_on", "pk")),
    ),
    prefix="open_",
)
# The enrolments of one offering, for its staff.
ENROLMENTS = ListSpec(
    search=("learner__full_name", "learner__email"),
    search_label=gettext_lazy("Name or e-mail"),
    filters=(ListFilter("status", gettext_lazy("Status"), Enrolment.Status.choices),),
    sorts=(
        ListSort(
            "status", gettext_lazy("Enrolled, then the waiting list"), ("rank", "queued_at", "learner__email", "pk")
        ),
        ListSort("name", gettext_lazy("Name"), ("learner__full_name", "learner__email", "pk")),
        ListSort("requested", gettext_lazy("Latest request first"), ("-created_at", "-pk")),
    ),
)


def offering_list(request):
    user = request.user
    return render(
        request,
        "learning/offering_list.html",
        {
            "open_offerings": OPEN_OFFERINGS.read(request, selectors.open_offerings()),
            "my_offerings": MY_OFFERINGS.read(request, selectors.offerings_for_staff(user))
            if user.is_authenticated
            else None,
            "offerable": selectors.offerable_micro_credentials(user) if user.is_authenticated else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def offering_create(request, micro_credential_id):
    offerable = dict(selectors.offerable_micro_credentials(request.user))
    micro_credential = next((mc for mc in offerable if mc.pk == micro_credential_id), None)
    if micro_credential is None:
        raise Http404(_("You cannot offer this micro-credential."))
    version = offerable[micro_credential]
    institutions = Institution.objects.filter(pk__in=permissions.institutions_for_offering(request.user, version))
    form = OfferingForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            offering = services.create_offering(
                user=request.user,
                micro_credential_id=micro_credential.pk,
                institution=form.cleaned_data["institution"],
                data=form.values(),
            )
        except OfferingInvalid as exc:
            _add_offering_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The offering is created. Assign its assessors below."))
            return redirect("learning:enrolments", pk=offering.pk)
    if request.method == "POST" and form.errors:
        messages.error(request, _("Some fields are not valid; nothing was saved. See the messages next to them."))
    return render(request, "learning/offering_form.html", {"form": form, "version": version})


def _add_offering_errors(form, exc: OfferingInvalid) -> None:
    for field, problems in exc.errors.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def _promoted_message(promoted) -> str:
    return ngettext(
        "%(n)d learner took a place from the waiting list and is told by e-mail: %(names)s.",
        "%(n)d learners took places from the waiting list and are told by e-mail: %(names)s.",
        len(promoted),
    ) % {"n": len(promoted), "names": ", ".join(e.learner.full_name or e.learner.email for e in promoted)}


@login_required
@require_http_methods(["GET", "POST"])
def offering_edit(request, pk):
    """Refused (permissions.check_can_edit_offering): back to the offering, saying why, as the API does."""
    offering = _offering(request.user, pk)
    try:
        permissions.check_can_edit_offering(request.user, offering)
    except OfferingEnded as exc:
        messages.error(request, exc.message)
        return redirect("learning:enrolments", pk=offering.pk)
    except NotAllowed as exc:
        messages.error(request, exc.message)
        return redirect("learning:offering", pk=offering.pk)
    form = OfferingForm(request.POST or None, offering=offering)
    if request.method == "POST" and form.is_valid():
        try:
            update = services.update_offering(user=request.user, offering_id=offering.pk, data=form.values())
        except OfferingInvalid as exc:
            _add_offering_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if update.changes:
                messages.success(request, _("The offering is saved."))
            else:
                messages.info(request, _("Nothing changed."))
            if update.promoted:
                messages.success(request, _promoted_message(update.promoted))
            return redirect("learning:enrolments", pk=offering.pk)
    if request.method == "POST" and form.errors:
        messages.error(request, _("Some fields are not valid; nothing was saved. See the messages next to them."))
    return render(
        request, "learning/offering_form.html", {"form": form, "version": offering.version, "offering": offering}
    )


def offering_detail(request, pk):
    offering = _offering(request.user, pk)
    enrolment = selectors.active_enrolment(request.user, offering)
    now = timezone.now()
    return render(
        request,
        "learning/offering_detail.html",
        {
            "offering": offering,
            "enrolment": enrolment,
            "enrolled": selectors.enrolled_count(offering),
            "window_open": offering.enrolment_opens <= now <= offering.enrolment_closes
            and offering.micro_credential.status == "published",
            "not_yet_open": now < offering.enrolment_opens,
            "form": EnrolForm(),
            "is_staff": permissions.can_view_enrolments(request.user, offering),
            "can_edit": permissions.may_edit_offering_now(request.user, offering),
        },
    )


@login_required
@require_POST
def offering_enrol(request, pk):
    offering = _offering(request.user, pk)
    try:
        enrolment = services.enrol(
            user=request.user,
            offering_id=offering.pk,
            prerequisites_acknowledged=request.POST.get("prerequisites_acknowledged") in ("on", "true", "1"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if enrolment.status == Enrolment.Status.WAITLISTED:
            messages.success(
                request,
                _(
                    "The offering is full: you are number %(n)d on the waiting list. We will e-mail you if a place frees up."
                )
                % {"n": enrolment.waitlist_position},
            )
        else:
            messages.success(request, _("You are enrolled. A confirmation is on its way by e-mail."))
    return redirect("learning:offering", pk=offering.pk)


def _back_from_cancel(request, offering) -> str:
    if request.POST.get("next") == "my-learning":
        return reverse("learning:my-learning")
    return reverse("learning:offering", args=[offering.pk])


def _own_cancel_confirmation(request, offering, enrolment) -> Confirmation:
    facts = {"title": offering.version.title, "n": enrolment.waitlist_position or 0}
    if enrolment.status == Enrolment.Status.WAITLISTED:
        question = _("Leave the waiting list of “%(title)s”?") % facts
        consequences = [_("You leave the waiting list, where you are number %(n)d in line.") % facts]
        confirm = _("Leave the waiting list")
    else:
        question = _("Cancel your enrolment in “%(title)s”?") % facts
        consequences = [_("You give up your place in the offering.")]
        if selectors.enrolment_counts(offering)["waiting"]:
            consequences.append(_("The first learner on the waiting list takes your place and is told by e-mail."))
        confirm = _("Cancel my enrolment")
    return Confirmation(
        question=question,
        consequences=consequences,
        irreversible=_(
            "Your place is not kept: if you enrol again later and the offering is full by then, you join the end of "
            "the waiting list."
        ),
        confirm_label=confirm,
        action_url=reverse("learning:cancel", args=[offering.pk]),
        cancel_url=_back_from_cancel(request, offering),
        cancel_label=_("Keep my place"),
        carried=[("next", "my-learning")] if request.POST.get("next") == "my-learning" else [],
    )


@login_required
@require_POST
def offering_cancel(request, pk):
    """The learner cancels her enrolment (or leaves the waiting list) after the confirmation step (issue #16). The
    service finds no enrolment to cancel the second time, so a confirmation posted twice cancels once."""
    offering = _offering(request.user, pk)
    enrolment = selectors.active_enrolment(request.user, offering)
    if enrolment is not None and not is_confirmed(request):
        return render_confirmation(request, _own_cancel_confirmation(request, offering, enrolment))
    try:
        services.cancel_enrolment(user=request.user, offering_id=offering.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your enrolment is cancelled."))
    return redirect(_back_from_cancel(request, offering))


@login_required
def offering_enrolments(request, pk):
    return _enrolments_page(request, _offering(request.user, pk, staff=True))


def _enrolments_page(request, offering):
    user = request.user
    listing = ENROLMENTS.read(request, selectors.enrolments_in_order(offering))
    listing.page.object_list = selectors.with_results(offering, listing.page.object_list)
    counts = selectors.enrolment_counts(offering)
    return render(
        request,
        "learning/enrolments.html",
        {
            "offering": offering,
            "listing": listing,
            "enrolled": counts["enrolled"],
            "waiting": counts["waiting"],
            "ready": len(selectors.ready_for_credential(offering=offering)),
            "assessors": offering.assessor_links.select_related("user"),
            "can_manage_assessors": permissions.can_manage_assessors(user, offering),
            "can_record": permissions.can_record_results(user, offering),
            "can_edit": permissions.may_edit_offering_now(user, offering),
            "can_cancel": permissions.may_cancel_enrolments_now(user, offering),
            "import_history": (
                selectors.result_import_history(user, offering) if permissions.can_view_results(user, offering) else []
            ),
            "assessor_form": AssessorForm(),
        },
    )


def _staff_cancel_confirmation(offering, enrolment, form, waiting: int) -> Confirmation:
    facts = {"name": enrolment.learner.full_name or enrolment.learner.email, "title": offering.version.title}
    if enrolment.status == Enrolment.Status.WAITLISTED:
        consequences = [_("%(name)s leaves the waiting list of “%(title)s”.") % facts]
    else:
        consequences = [_("%(name)s loses their place in “%(title)s”.") % facts]
        if waiting:
            consequences.append(_("The first learner on the waiting list takes the place and is told by e-mail."))
    consequences.append(_("%(name)s is told by e-mail, with the reason you give.") % facts)
    return Confirmation(
        question=_("Cancel the enrolment of %(name)s?") % facts,
        consequences=consequences,
        irreversible=_("The place is not kept for them: to come back, they enrol again like anyone else."),
        confirm_label=_("Cancel the enrolment of %(name)s") % facts,
        action_url=reverse("learning:enrolment-cancel", args=[offering.pk, enrolment.pk]),
        cancel_url=reverse("learning:enrolments", args=[offering.pk]),
        cancel_label=_("Keep the enrolment"),
        form=form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_cancel(request, pk, enrolment_id):
    """Staff cancel one learner's enrolment, with a reason, after the confirmation step (issue #16): the link or
    the first post shows whom it concerns and asks for the reason; only the confirmed post cancels, through the
    service (which refuses to cancel a cancelled enrolment, so a confirmation posted twice cancels once)."""
    offering = _offering(request.user, pk, staff=True)
    try:
        permissions.check_can_manage_enrolments(request.user, offering)
    except NotAllowed as exc:
        messages.error(request, exc.message)
        return redirect("learning:enrolments", pk=offering.pk)
    enrolment = Enrolment.objects.select_related("learner").filter(offering=offering, pk=enrolment_id).first()
    if enrolment is None:
        raise Http404
    if enrolment.status == Enrolment.Status.CANCELLED:
        messages.error(
            request,
            _("The enrolment of %(name)s is already cancelled; nothing changed.")
            % {"name": enrolment.learner.full_name or enrolment.learner.email},
        )
        return redirect("learning:enrolments", pk=offering.pk)
    form = ReasonForm.from_request(
        request,
        label=_("Reason for the cancellation"),
        missing=_("Give the reason for the cancellation: the learner is told it."),
        help_text=_(
            "The learner is told it by e-mail, and it stays in the audit log: write no health or other personal "
            "details."
        ),
        max_length=services.CANCELLATION_REASON_MAX_LENGTH,
    )
    if is_confirmed(request) and form.is_valid():
        try:
            enrolment, promoted = services.cancel_enrolment_by_staff(
                user=request.user,
                offering_id=offering.pk,
                enrolment_id=enrolment.pk,
                reason=form.cleaned_data["reason"],
            )
        except CancellationInvalid as exc:
            form.add_error("reason", exc.errors["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("learning:enrolments", pk=offering.pk)
        else:
            messages.success(
                request,
                _("The enrolment of %(name)s is cancelled; they are told why by e-mail.")
                % {"name": enrolment.learner.full_name or enrolment.learner.email},
            )
            if promoted:
                messages.success(request, _promoted_message(promoted))
            return redirect("learning:enrolments", pk=offering.pk)
    waiting = selectors.enrolment_counts(offering)["waiting"]
    confirmation = _staff_cancel_confirmation(offering, enrolment, form, waiting)
    return render_confirmation(request, confirmation, status=400 if form.errors else 200)


@login_required
@require_GET
def offering_enrolments_csv(request, pk):
    offering = _offering(request.user, pk, staff=True)
    header = [
        "email",
        "full_name",
        "status",
        "waitlist_position",
        "requested_at",
        "enrolled_at",
        "prerequisites_acknowledged",
        "participated",
        "result",
        "grade",
        "assessed_on",
        "completed",
    ]
    rows = []
    for e in selectors.offering_enrolments(offering):
        r = e.result
        rows.append(
            [
                e.learner.email,
                e.learner.full_name,
                e.status,
                e.position or "",
                timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(e.enrolled_at).strftime("%Y-%m-%d %H:%M") if e.enrolled_at else "",
                "yes" if e.prerequisites_acknowledged else "no",
                ("yes" if r.participated else "no") if r else "",
                r.outcome if r else "",
                r.grade if r else "",
                r.assessed_on.isoformat() if r else "",
                "yes" if e.completed else "no",
            ]
        )
    response = HttpResponse(spreadsheets.csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"offering-{offering.pk}-enrolments.csv")
    return response


@login_required
@require_POST
def assessor_add(request, pk):
    form = AssessorForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid e-mail address."))
    else:
        try:
            link = services.assign_assessor(user=request.user, offering_id=pk, email=form.cleaned_data["email"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(name)s is an assessor of this offering.") % {"name": link.user.full_name})
    return redirect("learning:enrolments", pk=pk)


@login_required
@require_POST
def assessor_remove(request, pk, user_id):
    """Remove an assessor after the confirmation step (issue #16); removing one who is no longer an assessor
    changes nothing, so a confirmation posted twice removes once."""
    offering = _offering(request.user, pk, staff=True)
    link = offering.assessor_links.select_related("user").filter(user_id=user_id).first()
    if link is not None and permissions.can_manage_assessors(request.user, offering) and not is_confirmed(request):
        facts = {"name": link.user.full_name or link.user.email, "title": offering.version.title}
        return render_confirmation(
            request,
            Confirmation(
                question=_("Remove %(name)s as an assessor of “%(title)s”?") % facts,
                consequences=[
                    _("%(name)s can no longer record or import this offering's results.") % facts,
                    _("The results they already recorded stay as they are."),
                ],
                confirm_label=_("Remove %(name)s as an assessor") % facts,
                action_url=reverse("learning:assessor-remove", args=[offering.pk, link.user_id]),
                cancel_url=reverse("learning:enrolments", args=[offering.pk]),
                cancel_label=_("Keep them as an assessor"),
            ),
        )
    try:
        services.remove_assessor(user=request.user, offering_id=offering.pk, assessor_id=user_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The assessor was removed."))
    return redirect("learning:enrolments", pk=pk)


def _require_assessor(request, pk):
    """The results and import pages: for the offering's assessors; not found for everyone else."""
    offering = _offering(request.user, pk, staff=True)
    try:
        permissions.check_can_record_results(request.user, offering)
    except NotAllowed as exc:
        raise Http404(exc.message) from None
    return offering


@login_required
@require_http_methods(["GET", "POST"])
def results(request, pk):
    offering = _require_assessor(request, pk)
    enrolments = [e for e in selectors.offering_enrolments(offering) if e.status == Enrolment.Status.ENROLLED]
    scale = parse_scale(offering.grade_scale)
    form = ResultForm(
        request.POST or None,
        learners=[e.learner for e in enrolments],
        scale=scale.describe() if scale else "",
        initial={"assessed_on": timezone.localdate().isoformat()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            _result, changed = services.record_result(
                user=request.user, offering_id=offering.pk, learner_id=data.pop("learner"), data=data
            )
        except ResultInvalid as exc:
            for column, message in exc.errors.items():
                form.add_error(column if column in form.fields else "learner", message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The result is saved.") if changed else _("Nothing changed."))
            return redirect("learning:results", pk=offering.pk)
    return render(request, "learning/results.html", {"offering": offering, "enrolments": enrolments, "form": form})


@login_required
@require_GET
def import_template(request, pk, file_format):
    offering = _require_assessor(request, pk)
    if file_format not in ("csv", "xlsx"):
        raise Http404(_("The template is available as CSV or XLSX."))
    if file_format == "xlsx":
        body = imports.template_xlsx(offering)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, content_type = imports.template_csv(offering), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        True, f"offering-{offering.pk}-results-template.{file_format}"
    )
    return response


@csrf_exempt
def import_upload(request, pk):
    """Refuse an oversized upload before reading it; stop reading one that lies about its size."""
    if request.method == "POST":
        request.upload_too_large = False
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > imports.MAX_IMPORT_BYTES + 64 * 1024:
            request.upload_too_large = True
            request.upload_handlers = []
        else:
            request.upload_handlers.insert(0, SizeLimitedUploadHandler(request, limit=imports.MAX_IMPORT_BYTES))
    return _import_upload(request, pk)


@csrf_protect
@login_required
@require_http_methods(["GET", "POST"])
def _import_upload(request, pk):
    offering = _require_assessor(request, pk)
    preview = None
    if request.method == "POST" and not getattr(request, "upload_too_large", False):
        request.FILES  # noqa: B018 - parse now: the size-limited handler flags an oversized file while reading
    if request.method == "POST" and getattr(request, "upload_too_large", False):
        form = ImportForm(data={})
        form.is_valid()
        form.errors["file"] = form.error_class(
            [_("The file is larger than 5 MB, the limit. Export only this offering's results.")]
        )
        history = selectors.result_import_history(request.user, offering)
        return render(
            request,
            "learning/import.html",
            {"offering": offering, "form": form, "import_history": history},
            status=413,
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = services.preview_import(
                user=request.user, offering_id=offering.pk, filename=upload.name, data=upload.read()
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
    return render(
        request,
        "learning/import.html",
        {
            "offering": offering,
            "form": form if preview is None else ImportForm(),
            "preview": preview,
            "columns": imports.COLUMNS,
            "import_history": selectors.result_import_history(request.user, offering),
        },
    )


@login_required
@require_POST
def import_commit(request, pk):
    offering = _require_assessor(request, pk)
    try:
        outcome = services.commit_import(
            user=request.user,
            offering_id=offering.pk,
            token=request.POST.get("token", ""),
            sha256=request.POST.get("sha256", ""),
        )
    except ImportHasErrors as exc:
        messages.error(request, exc.message)
        return redirect("learning:import", pk=offering.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("learning:import", pk=offering.pk)
    messages.success(
        request,
        _("Imported: %(changed)d changed, %(unchanged)d unchanged (%(passed)d passed, %(failed)d did not pass).")
        % vars(outcome),
    )
    return redirect("learning:enrolments", pk=offering.pk)


@login_required
def ready_queue(request):
    try:
        permissions.check_can_view_ready_queue(request.user)
    except NotAllowed as exc:
        raise Http404(exc.message) from None
    return render(
        request, "learning/ready.html", {"completions": selectors.ready_for_credential_visible_to(request.user)}
    )
