"""The learner's wallet, share links, and data rights. Thin: parse → service → render."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from microcred.core.confirmation import Confirmation, is_confirmed, render_confirmation
from microcred.core.dates import public_date
from microcred.core.exceptions import DomainError, NotFound
from microcred.core.ratelimit import rate_limited
from microcred.credentials import formats, permissions, selectors, verdict
from microcred.credentials.services.verification import verify_credential_document
from microcred.oid4vci import selectors as oid4vci_selectors
from microcred.pathways import progress_panels
from microcred.wallet import receiving, services
from microcred.wallet import record as learner_record
from microcred.wallet import selectors as wallet_selectors
from microcred.wallet.forms import EraseAccountForm, ReceiveForm, ShareLinkForm
from microcred.wallet.models import ShareLink
from microcred.wallet.panels import credential_panels, wallet_panels


@login_required
def wallet(request):
    # Each card shows the version's badge (its address needs the micro-credential) in its institution's colours.
    mine = selectors.credentials_of(request.user).select_related(
        "micro_credential_version__micro_credential", "micro_credential_version__awarding_institution"
    )
    credentials = [(c, c.standing()) for c in mine]
    # The pathways she started (pathways.progress_panels: below the wallet), then what the apps above add.
    panels = [html for html in [progress_panels.progress_panel(request)] if html] + wallet_panels(request)
    received = wallet_selectors.received_credentials_of(request.user)
    return render(request, "wallet/wallet.html", {"credentials": credentials, "received": received, "panels": panels})


def _own(request, uuid):
    credential = selectors.credential_by_uuid(uuid)
    if credential is None or not permissions.is_holder(request.user, credential):
        raise Http404(_("There is no such credential in your wallet."))
    return credential


def _deliveries(credential) -> list[tuple]:
    """(delivery, status, revoked_at) of each delivery to a wallet app. A copy's status follows the original:
    revoking the original revokes its copies in the same transaction."""
    rows = []
    for delivery in oid4vci_selectors.deliveries_of(credential):
        copy = delivery.bound_credential
        revoked_at = (copy.revoked_at if copy else None) or credential.revoked_at
        rows.append((delivery, "revoked" if revoked_at else credential.standing(), revoked_at))
    return rows


@login_required
def credential_detail(request, uuid):
    credential = _own(request, uuid)
    public_url = formats.verification_url(credential)
    new_link = request.session.pop("new_share_link", None)
    # The same verdict the public page and share links lead with (credentials.verdict), checked now.
    report = verify_credential_document(credential.document)
    return render(
        request,
        "wallet/credential.html",
        {
            "credential": credential,
            "status": credential.standing(),
            "report": report,
            "verdict": verdict.present(report, credential=credential),
            "achievement": verdict.achievement_rows(credential),
            "rows": formats.annex1_rows(credential, with_identifiers=False),
            "outcomes": credential.learning_outcomes,
            "links": ShareLink.objects.filter(credential=credential, created_by=request.user),
            "deliveries": _deliveries(credential),
            "form": ShareLinkForm(),
            "new_link": new_link,
            "now": timezone.now(),
            "linkedin_url": services.linkedin_add_to_profile_url(credential, public_url),
            # What the apps above the wallet show with the credential (wallet.panels): recognition decisions.
            "panels": credential_panels(request, credential),
        },
    )


@login_required
@require_POST
def share(request, uuid):
    form = ShareLinkForm(request.POST)
    if form.is_valid():
        try:
            _link, token = services.create_share_link(
                user=request.user,
                credential_uuid=uuid,
                expires_in_days=form.cleaned_data["expires_in_days"],
                label=form.cleaned_data["label"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            request.session["new_share_link"] = request.build_absolute_uri(reverse("wallet:shared", args=[token]))
            messages.success(request, _("Your share link is ready. Copy it now: it is shown only once."))
    else:
        messages.error(request, _("Choose when the link stops working."))
    return redirect("wallet:credential", uuid=uuid)


def _withdrawal_confirmation(credential, link) -> Confirmation:
    facts = {"date": public_date(link.created_at), "note": link.label, "n": link.views}
    if link.label:
        made = _("Whoever opens the link you made on %(date)s (your note: “%(note)s”) sees only that it was withdrawn.")
    else:
        made = _("Whoever opens the link you made on %(date)s sees only that it was withdrawn.")
    return Confirmation(
        question=_("Withdraw this share link?"),
        consequences=[
            made % facts,
            ngettext("It was opened %(n)d time.", "It was opened %(n)d times.", link.views) % facts,
            _("Your other links and the credential itself stay as they are."),
        ],
        irreversible=_("A withdrawn link cannot be turned back on: to share again, make a new link."),
        confirm_label=_("Withdraw the link"),
        action_url=reverse("wallet:withdraw", args=[credential.uuid, link.pk]),
        cancel_url=reverse("wallet:credential", args=[credential.uuid]),
        cancel_label=_("Keep the link"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, uuid, link_id):
    """Withdraw a share link after its confirmation step (issue #16); the service withdraws a link once, so a
    confirmation posted twice changes nothing the second time."""
    credential = _own(request, uuid)
    link = ShareLink.objects.filter(pk=link_id, credential=credential, created_by=request.user).first()
    if link is None:
        raise Http404
    if link.withdrawn_at is not None:
        messages.info(request, _("This link is already withdrawn."))
        return redirect("wallet:credential", uuid=uuid)
    if not is_confirmed(request):
        return render_confirmation(request, _withdrawal_confirmation(credential, link))
    try:
        services.withdraw_share_link(user=request.user, link_id=link.pk)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The link is withdrawn: it no longer shows your credential."))
    return redirect("wallet:credential", uuid=uuid)


@rate_limited("share-link", limit_setting="SHARE_LINK_RATE_LIMIT", default=60)
def shared(request, token):
    """What the person a learner shared with sees: the credential and its live verification."""
    try:
        link = services.open_share_link(token)
    except NotFound:
        return render(request, "wallet/link_gone.html", {"reason": "unknown"}, status=404)
    except services.LinkGone as gone:
        return render(request, "wallet/link_gone.html", {"reason": gone.reason}, status=410)
    credential = link.credential
    if credential.document.get("erased"):
        return render(request, "wallet/link_gone.html", {"reason": "withdrawn"}, status=410)
    report = verify_credential_document(credential.document)
    response = render(
        request,
        "wallet/shared.html",
        {
            "credential": credential,
            "report": report,
            "verdict": verdict.present(report, credential=credential),
            "achievement": verdict.achievement_rows(credential),
            "rows": formats.annex1_rows(credential, with_identifiers=False),
            "outcomes": credential.learning_outcomes,
            "json_url": reverse("wallet:shared-json", args=[token]),
        },
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@rate_limited("share-link", limit_setting="SHARE_LINK_RATE_LIMIT", default=60)
def shared_json(request, token):
    try:
        link = services.open_share_link(token)
    except (NotFound, services.LinkGone):
        raise Http404 from None
    response = HttpResponse(formats.credential_json(link.credential), content_type="application/vc+ld+json")
    response["Content-Disposition"] = content_disposition_header(True, f"credential-{link.credential.uuid}.json")
    return response


@login_required
def record(request):
    """The learner record: every micro-credential she earned, with the total ECTS; PDF and signed downloads."""
    return render(request, "wallet/record.html", {"record": learner_record.learner_record(request.user)})


@login_required
def record_pdf(request):
    pdf = learner_record.record_pdf(learner_record.learner_record(request.user))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"learner-record-{timezone.now():%Y%m%d}.pdf")
    return response


@login_required
def record_signed(request):
    try:
        document = learner_record.signed_record(learner_record.learner_record(request.user))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("wallet:record")
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8"), content_type="application/vp+ld+json"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"learner-record-{timezone.now():%Y%m%d}.json")
    return response


@login_required
def my_data(request):
    return render(request, "wallet/my_data.html", {"erase_form": EraseAccountForm()})


@login_required
@require_POST
def export_data(request):
    archive = services.export_my_data(user=request.user)
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, f"my-data-{timezone.now():%Y%m%d}.zip")
    return response


@login_required
@require_POST
def erase_account(request):
    form = EraseAccountForm(request.POST)
    if form.is_valid():
        try:
            services.erase_my_account(user=request.user, password=form.cleaned_data["password"])
        except DomainError as exc:
            form.add_error("password", exc.message)
        else:
            logout(request)
            messages.success(request, _("Your account and personal data are erased. Goodbye."))
            return redirect("core:home")
    return render(request, "wallet/my_data.html", {"erase_form": form}, status=400)


# Credentials from other issuers (issue #18, receiving) ------------------------------------------------------------


@login_required
@rate_limited("wallet-receive", limit_setting="VERIFY_RATE_LIMIT", default=30)
def receive(request):
    """Add another issuer's credential: pasted or uploaded, verified first, added only if it is hers."""
    report = None
    needs_confirmation = False
    if request.method == "POST":
        form = ReceiveForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("upload")
            raw = (
                upload.read(receiving.MAX_UPLOAD_BYTES + 1)
                if upload
                else form.cleaned_data["pasted"].strip().encode("utf-8", "surrogatepass")
            )
            try:
                received = services.receive_credential(
                    user=request.user, raw=raw, confirmed=form.cleaned_data["confirm_mine"]
                )
            except services.NeedsConfirmation as exc:
                needs_confirmation = True
                form = ReceiveForm(initial={"pasted": exc.text})
                messages.warning(request, exc.message)
            except receiving.NotReceivable as exc:
                report = exc.report
                form.add_error(None, exc.message)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The credential is verified and added to your wallet."))
                return redirect("wallet:received", uuid=received.uuid)
    else:
        form = ReceiveForm()
    status = 200
    if report is not None:
        status = 422
    elif request.method == "POST" and (form.errors or needs_confirmation):
        status = 400
    return render(
        request,
        "wallet/receive.html",
        {"form": form, "report": report, "needs_confirmation": needs_confirmation},
        status=status,
    )


def _own_received(request, uuid):
    received = wallet_selectors.received_credential_of(request.user, uuid)
    if received is None:
        raise Http404(_("There is no such credential in your wallet."))
    return received


@login_required
def received_detail(request, uuid):
    received = _own_received(request, uuid)
    return render(request, "wallet/received.html", {"received": received})


@login_required
@require_POST
@rate_limited("wallet-receive", limit_setting="VERIFY_RATE_LIMIT", default=30)
def recheck_received(request, uuid):
    _own_received(request, uuid)
    try:
        received = services.recheck_received_credential(user=request.user, uuid=uuid)
    except NotFound:
        raise Http404 from None
    if received.is_verified:
        messages.success(request, _("Verified again just now: it still passes every check."))
    else:
        messages.warning(
            request, _("Verified again just now: it no longer passes. %(reason)s") % {"reason": received.reason}
        )
    return redirect("wallet:received", uuid=received.uuid)


@login_required
@require_http_methods(["GET", "POST"])
def remove_received(request, uuid):
    """Remove a received credential, after its confirmation step (issue #16)."""
    received = _own_received(request, uuid)
    if not is_confirmed(request):
        return render_confirmation(
            request,
            Confirmation(
                question=_("Remove “%(title)s” from your wallet?") % {"title": received.title or received.issuer_name},
                consequences=[
                    _("The credential from %(issuer)s is deleted from your wallet here.")
                    % {"issuer": received.issuer_name or received.issuer_id},
                    _("Recognition requests you made with it keep the copy they were sent with."),
                    _("Your own copy, and the credential at its issuer, stay as they are: you can add it again."),
                ],
                confirm_label=_("Remove it"),
                action_url=reverse("wallet:received-remove", args=[received.uuid]),
                cancel_url=reverse("wallet:received", args=[received.uuid]),
                cancel_label=_("Keep it"),
            ),
        )
    try:
        services.remove_received_credential(user=request.user, uuid=uuid)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The credential is removed from your wallet."))
    return redirect("wallet:home")
