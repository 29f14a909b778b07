"""Recognition pages. Thin: parse → service or selector → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from microcred.core.confirmation import Confirmation, is_confirmed, posted_fields, render_confirmation
from microcred.core.dates import public_date
from microcred.core.exceptions import DomainError
from microcred.core.listing import ListSort, ListSpec
from microcred.core.ratelimit import rate_limited
from microcred.credentials import selectors as credential_selectors
from microcred.credentials.services.verification import verify_credential_document
from microcred.recognition import permissions, selectors, services, snapshot
from microcred.recognition.exceptions import CredentialNotVerified, RequestNotFound, WrongState
from microcred.recognition.forms import (
    OTHER,
    RECEIVED,
    AgreementForm,
    AppealForm,
    DecisionForm,
    RequestForm,
    universities,
)
from microcred.recognition.models import Outcome, RecognitionAgreement, RecognitionRequest
from microcred.roles import is_alliance_admin
from microcred.wallet import receiving
from microcred.wallet import selectors as wallet_selectors

R = RecognitionRequest


def _request_or_404(user, pk) -> RecognitionRequest:
    try:
        return selectors.request_for(user, pk)
    except RequestNotFound:
        raise Http404(_("There is no such recognition request, or you may not see it.")) from None


# The learner ---------------------------------------------------------------------------------------------------


@login_required
def mine(request):
    return render(request, "recognition/mine.html", {"requests": selectors.requests_of(request.user)})


@login_required
def new_request(request):
    credentials = list(credential_selectors.credentials_of(request.user).filter(revoked_at__isnull=True))
    # The credentials from other issuers she added to her wallet, verified there (issue #18, receiving).
    received = list(wallet_selectors.received_credentials_of(request.user))
    report = None
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES, credentials=credentials, received=received)
        if form.is_valid():
            data = form.cleaned_data
            document = None
            chosen = data["credential"]
            if chosen == OTHER:
                document = data["upload"].read() if data.get("upload") else data["pasted"].strip()
            try:
                created = services.submit_request(
                    learner=request.user,
                    institution_id=data["institution"].pk,
                    programme=data["programme"],
                    course_hoped=data["course_hoped"],
                    message=data["message"],
                    credential_uuid=None if chosen == OTHER or chosen.startswith(RECEIVED) else chosen,
                    document=document,
                    received_uuid=chosen.removeprefix(RECEIVED) if chosen.startswith(RECEIVED) else None,
                )
            except CredentialNotVerified as refused:
                report = refused.report
                form.add_error(None, refused.message)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Your request is sent. You will be e-mailed when the university decides."))
                return redirect("recognition:request", pk=created.pk)
    else:
        initial = {}
        if request.GET.get("credential") in {str(c.uuid) for c in credentials}:
            initial["credential"] = request.GET["credential"]
        if request.GET.get("received") in {str(r.uuid) for r in received}:
            initial["credential"] = RECEIVED + request.GET["received"]
        form = RequestForm(initial=initial, credentials=credentials, received=received)
    return render(
        request,
        "recognition/new.html",
        {"form": form, "report": report},
        status=422 if report is not None else (400 if form.errors else 200),
    )


@login_required
def request_detail(request, pk):
    req = _request_or_404(request.user, pk)
    if req.learner_id != request.user.pk:
        return redirect("recognition:review", pk=req.pk)
    new_link = request.session.pop(f"recognition-share-{req.pk}", None)
    return render(
        request,
        "recognition/request.html",
        {
            "req": req,
            "rows": snapshot.rows(req.annex),
            "decisions": selectors.decisions_to_show(req),
            "appeal_form": AppealForm(),
            "may_appeal": _may_appeal(req),
            "new_link": new_link,
        },
    )


def _may_appeal(req) -> bool:
    return (
        req.status == R.Status.DECIDED
        and req.appealed_at is None
        and req.appeal_until is not None
        and timezone.now() <= req.appeal_until
    )


@login_required
@require_POST
def appeal(request, pk):
    req = _request_or_404(request.user, pk)
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you appeal (at most 2,000 characters)."))
        return redirect("recognition:request", pk=req.pk)
    try:
        services.appeal(user=request.user, request_id=req.pk, reason=form.cleaned_data["reason"])
    except RequestNotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your appeal is sent. A second recognition officer will decide on it."))
    return redirect("recognition:request", pk=req.pk)


def _link_stamp(req) -> str:
    """Which link the page showed (the moment it was made, or none): a form posted for an older state is stale."""
    return req.shared_at.isoformat() if req.shared_at else ""


def _own_decided_request(request, pk) -> RecognitionRequest:
    req = _request_or_404(request.user, pk)
    if req.learner_id != request.user.pk:
        raise Http404
    return req


@login_required
@require_POST
def share(request, pk):
    """Make a link to the decision. Replacing a working link asks for confirmation first (issue #16), since the old
    link stops working; the form names the link it replaces, so a form posted twice makes one new link."""
    req = _own_decided_request(request, pk)
    if "link" in request.POST and request.POST["link"] != _link_stamp(req):
        messages.info(request, _("A new link was made a moment ago: nothing more was changed."))
        return redirect("recognition:request", pk=req.pk)
    if req.share_token_hash and not is_confirmed(request):
        facts = {"date": public_date(req.shared_at)}
        return render_confirmation(
            request,
            Confirmation(
                question=_("Make a new link to the decision?"),
                consequences=[
                    _("The link you made on %(date)s stops working: whoever has it no longer sees the decision.")
                    % facts,
                    _("The new link is shown once, on the next page: copy it then."),
                ],
                irreversible=_("The old link cannot be turned back on."),
                confirm_label=_("Make a new link"),
                action_url=reverse("recognition:share", args=[req.pk]),
                cancel_url=reverse("recognition:request", args=[req.pk]),
                cancel_label=_("Keep the old link"),
                carried=[("link", _link_stamp(req))],
            ),
        )
    try:
        req, token = services.share_decision(user=request.user, request_id=req.pk)
    except RequestNotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("recognition:request", pk=pk)
    request.session[f"recognition-share-{req.pk}"] = request.build_absolute_uri(
        reverse("recognition:shared", args=[token])
    )
    messages.success(request, _("Your link to the decision is ready. Copy it now: it is shown only once."))
    return redirect("recognition:request", pk=req.pk)


@login_required
@require_POST
def withdraw_share(request, pk):
    """Withdraw the link to the decision after the confirmation step (issue #16); withdrawing a link that is gone
    changes nothing, so a confirmation posted twice withdraws once."""
    req = _own_decided_request(request, pk)
    if req.share_token_hash and not is_confirmed(request):
        return render_confirmation(
            request,
            Confirmation(
                question=_("Withdraw the link to the decision?"),
                consequences=[
                    _("Whoever opens the link you made on %(date)s no longer sees the decision.")
                    % {"date": public_date(req.shared_at)},
                    _("The decision itself and your request stay as they are."),
                ],
                irreversible=_("A withdrawn link cannot be turned back on: to share again, make a new link."),
                confirm_label=_("Withdraw the link"),
                action_url=reverse("recognition:withdraw-share", args=[req.pk]),
                cancel_url=reverse("recognition:request", args=[req.pk]),
                cancel_label=_("Keep the link"),
            ),
        )
    try:
        services.withdraw_share(user=request.user, request_id=req.pk)
    except RequestNotFound:
        raise Http404 from None
    messages.success(request, _("The link is withdrawn: it no longer shows the decision."))
    return redirect("recognition:request", pk=pk)


@rate_limited("share-link", limit_setting="SHARE_LINK_RATE_LIMIT", default=60)
def shared(request, token):
    """What the person the learner shared a decision with sees: the decision and the credential it concerns."""
    req = services.shared_request(token)
    if req is None:
        return render(request, "recognition/shared_gone.html", status=404)
    response = render(
        request,
        "recognition/shared.html",
        {"req": req, "rows": snapshot.rows(req.annex), "decisions": selectors.decisions_to_show(req)},
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


# Recognition officers ------------------------------------------------------------------------------------------


# The staff's requests (issue #16, staff lists that scale); the state links above it choose which requests.
QUEUE = ListSpec(
    search=("annex__title", "programme", "institution__name", "learner__full_name", "learner__email"),
    search_label=gettext_lazy("Credential, programme, university or learner"),
    sorts=(
        ListSort("oldest", gettext_lazy("Oldest first"), ("created_at", "pk")),
        ListSort("newest", gettext_lazy("Newest first"), ("-created_at", "-pk")),
    ),
)


@login_required
def queue(request):
    if not permissions.may_view_queue(request.user):
        raise Http404
    state = request.GET.get("state") or "waiting"
    if state not in selectors.QUEUE_STATES:
        state = "waiting"
    return render(
        request,
        "recognition/queue.html",
        {
            "listing": QUEUE.read(request, selectors.queue_for(request.user, state)),
            "state": state,
            "states": [("waiting", _("Waiting for a decision")), ("decided", _("Decided")), ("all", _("All"))],
            "may_manage_agreements": permissions.may_manage_agreements(request.user),
        },
    )


def _live_report(req):
    """The verification now (a credential may have been revoked since the request)."""
    if req.credential_id is not None:
        return verify_credential_document(req.credential.document)
    if isinstance(req.document, dict) and receiving.RECEIVED_KEY in req.document:
        # A credential from her wallet's other issuers, in its own format (wallet.receiving).
        kept = req.document[receiving.RECEIVED_KEY]
        return receiving.verify_kept(str(kept.get("format", "")), str(kept.get("credential", "")))
    if req.document is not None:
        return verify_credential_document(req.document)
    return None


def _review_context(request, req, *, form=None, appeal_form=None):
    return {
        "req": req,
        "rows": snapshot.rows(req.annex),
        "decisions": selectors.decisions_to_show(req),
        "live_report": _live_report(req),
        "may_decide": req.status == R.Status.SUBMITTED and permissions.may_decide(request.user, req),
        "may_decide_appeal": req.status == R.Status.UNDER_APPEAL and permissions.may_decide_appeal(request.user, req),
        "form": form or DecisionForm(),
        "appeal_form": appeal_form or DecisionForm(prefix="appeal", initial=_current(req)),
        "agreement_applies": bool(req.proposed_agreement_id),
    }


def _current(req) -> dict:
    return {
        "outcome": req.outcome,
        "ects": req.ects,
        "recognised_as": req.recognised_as,
        "not_recognised": req.not_recognised,
    }


@login_required
def review(request, pk):
    req = _request_or_404(request.user, pk)
    if req.learner_id == request.user.pk and not permissions.may_view_queue(request.user):
        return redirect("recognition:request", pk=req.pk)
    return render(request, "recognition/review.html", _review_context(request, req))


@login_required
@require_POST
def decide(request, pk):
    """Record a decision. A refusal asks for confirmation first (issue #16), once the service has found nothing to
    refuse in it, and is recorded when confirmed."""
    req = _request_or_404(request.user, pk)
    appeal_stage = request.POST.get("stage") == "appeal"
    form = DecisionForm(request.POST, prefix="appeal" if appeal_stage else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == Outcome.REFUSED and not is_confirmed(request):
                services.check_decision(user=request.user, request_id=req.pk, appeal_stage=appeal_stage, **data)
                return render_confirmation(request, _refusal_confirmation(request, req, data["reason"], appeal_stage))
            service = services.decide_appeal if appeal_stage else services.decide_request
            service(user=request.user, request_id=req.pk, **data)
        except RequestNotFound:
            raise Http404 from None
        except WrongState as exc:  # decided meanwhile (or the form sent twice): the page shows the decision
            messages.error(request, exc.message)
            return redirect("recognition:review", pk=req.pk)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The decision is recorded and the learner is e-mailed."))
            return redirect("recognition:review", pk=req.pk)
    req = _request_or_404(request.user, pk)
    context = _review_context(request, req, **({"appeal_form": form} if appeal_stage else {"form": form}))
    return render(request, "recognition/review.html", context, status=400)


def _refusal_confirmation(request, req, reason: str, appeal_stage: bool) -> Confirmation:
    """The confirmation step of a refusal (issue #16): the decision as posted, carried to the confirm button."""
    facts = {"name": req.learner.full_name, "title": req.title, "programme": req.programme, "reason": reason}
    consequences = [
        _("%(name)s gets no credit for %(title)s in the programme %(programme)s.") % facts,
        _("%(name)s is told by e-mail and reads your reason: “%(reason)s”") % facts,
    ]
    if appeal_stage:
        irreversible = _("The decision on an appeal is final: it cannot be appealed or changed.")
    else:
        days = services.appeal_days()
        consequences.append(
            ngettext(
                "%(name)s may appeal within %(days)s day; a second recognition officer then decides.",
                "%(name)s may appeal within %(days)s days; a second recognition officer then decides.",
                days,
            )
            % {**facts, "days": days}
        )
        irreversible = _("Only an appeal can change the decision once it is recorded.")
    return Confirmation(
        question=_("Refuse to recognise %(title)s for %(name)s?") % facts,
        consequences=consequences,
        irreversible=irreversible,
        confirm_label=_("Refuse recognition"),
        action_url=reverse("recognition:decide", args=[req.pk]),
        cancel_url=reverse("recognition:review", args=[req.pk]),
        cancel_label=_("Go back without recording a decision"),
        carried=posted_fields(request),
    )


@login_required
@require_POST
def confirm(request, pk):
    req = _request_or_404(request.user, pk)
    try:
        services.confirm_proposed_decision(user=request.user, request_id=req.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The proposed decision is confirmed and the learner is e-mailed."))
    return redirect("recognition:review", pk=req.pk)


# The agreements register ---------------------------------------------------------------------------------------


def agreements(request):
    institution = request.GET.get("university") or ""
    institution_id = (
        int(institution) if institution.isascii() and institution.isdigit() and len(institution) < 10 else None
    )
    return render(
        request,
        "recognition/agreements.html",
        {
            "agreements": selectors.agreements(institution_id=institution_id)[:1000],
            "universities": universities(),
            "chosen": institution_id,
            "may_manage": permissions.may_manage_agreements(request.user),
            "manageable": _manageable_ids(request.user),
        },
    )


def _manageable_ids(user) -> set[int] | None:
    """The universities whose agreements the user keeps (None: every one, for the alliance admin)."""
    if is_alliance_admin(user):
        return None
    return permissions.officer_institution_ids(user)


def _agreement_institutions(user):
    ids = _manageable_ids(user)
    qs = universities()
    return qs if ids is None else qs.filter(pk__in=ids)


@login_required
def agreement_form(request, pk=None):
    if not permissions.may_manage_agreements(request.user):
        raise Http404
    agreement = None
    if pk is not None:
        agreement = RecognitionAgreement.objects.filter(pk=pk).first()
        if agreement is None or not permissions.may_manage_agreements(request.user, agreement.institution_id):
            raise Http404
    institutions = _agreement_institutions(request.user)
    if request.method == "POST":
        form = AgreementForm(request.POST, institutions=institutions)
        if form.is_valid():
            data = {**form.cleaned_data}
            data["micro_credential"] = data["micro_credential"].pk
            data["institution"] = data["institution"].pk
            try:
                if agreement is None:
                    services.create_agreement(user=request.user, **data)
                else:
                    services.update_agreement(user=request.user, agreement_id=agreement.pk, **data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The agreement is saved in the register."))
                return redirect("recognition:agreements")
    else:
        initial = {}
        if agreement is not None:
            initial = services.agreement_values(agreement)
        elif institutions.count() == 1:
            initial["institution"] = institutions.first().pk
        form = AgreementForm(initial=initial, institutions=institutions)
    return render(
        request,
        "recognition/agreement_form.html",
        {"form": form, "agreement": agreement},
        status=400 if form.errors else 200,
    )
