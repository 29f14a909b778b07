"""The officers who sign an issuer's certificates (issue #16): edited on the admin site by whoever may manage
issuers, a signature picture checked on upload (a bad one refused with its reason, nothing saved), every change
audited."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from microcred.audit.models import AuditEvent
from microcred.credentials.models import IssuerSignatory
from microcred.credentials.permissions import can_manage_issuers
from microcred.credentials.services.signatories import (
    most_signing_on_one_day,
    normalise_signature,
    signatories_shown,
)
from microcred.roles import Role

pytestmark = pytest.mark.django_db


def image_bytes(kind="PNG", size=(900, 300), colour=(20, 20, 80, 255)) -> bytes:
    buffer = io.BytesIO()
    mode = "RGBA" if kind == "PNG" else "RGB"
    Image.new(mode, size, colour[: len(mode)]).save(buffer, format=kind)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_a_signature_is_kept_as_a_png_that_fits_1200_by_400(kind):
    kept = normalise_signature(image_bytes(kind, size=(2400, 600)))
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 300)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "signature image file is empty"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "PNG or JPEG"),
        (image_bytes("GIF", size=(300, 100), colour=(1, 2, 3)), "A GIF signature image is not accepted"),
        (image_bytes("WEBP", size=(300, 100), colour=(1, 2, 3)), "A WEBP signature image is not accepted"),
        (image_bytes("PNG", size=(300, 20)), "too small"),
        (b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_a_bad_signature_is_refused_with_its_reason(data, message):
    with pytest.raises(ValidationError, match=message):
        normalise_signature(data)


def test_only_the_alliance_admin_manages_issuers(make_user, issuers):
    assert can_manage_issuers(make_user(Role.ALLIANCE_ADMIN))
    officer = make_user((Role.CREDENTIAL_OFFICER, issuers["ub"].institution), is_staff=True)
    assert not can_manage_issuers(officer)


def _url(issuer) -> str:
    return f"/admin/credentials/issuer/{issuer.pk}/change/"


def _inline(rows, *, initial=0) -> dict:
    """The POST of the issuer's change page: its signatories' inline forms, and the proof format as the page's
    select sends it (unchanged; the issuer's other fields are read-only)."""
    data = {
        "cryptosuite": "eddsa-rdfc-2022",
        "signatories-TOTAL_FORMS": str(len(rows)),
        "signatories-INITIAL_FORMS": str(initial),
        "signatories-MIN_NUM_FORMS": "0",
        "signatories-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"signatories-{i}-{key}"] = value
    return data


def _row(issuer, *, name, title, order="1", active=True, pk="", **extra) -> dict:
    row = {"id": str(pk), "issuer": str(issuer.pk), "order": order, "name": name, "title": title}
    if active:
        row["active"] = "on"
    row.update(extra)
    return row


def test_the_alliance_admin_adds_a_signatory_with_a_signature_and_it_is_audited(client, make_user, issuers):
    issuer = issuers["ub"]
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True))
    page = client.get(_url(issuer))
    assert page.status_code == 200 and "Signature image" in page.content.decode()
    upload = SimpleUploadedFile("signature.jpg", image_bytes("JPEG", size=(1500, 500)), content_type="image/jpeg")
    response = client.post(
        _url(issuer), _inline([_row(issuer, name="Joan Guàrdia", title="Rector", signature_file=upload)])
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    signatory = IssuerSignatory.objects.get(issuer=issuer)
    assert (signatory.name, signatory.title, signatory.active) == ("Joan Guàrdia", "Rector", True)
    assert bytes(signatory.signature).startswith(b"\x89PNG") and signatory.signature_updated_at is not None
    event = AuditEvent.objects.get(action="issuer_signatory.added")
    assert event.object_id == str(signatory.pk) and event.changes["name"] == "Joan Guàrdia"
    assert " bytes, sha256 " in event.changes["signature"]
    assert signatories_shown(issuer) == [signatory]

    # Changed (the picture removed, made inactive), then deleted: each audited.
    response = client.post(
        _url(issuer),
        _inline(
            [_row(issuer, name="Joan Guàrdia", title="Rector", pk=signatory.pk, active=False, remove_signature="on")],
            initial=1,
        ),
    )
    assert response.status_code == 302
    signatory.refresh_from_db()
    assert signatory.signature is None and not signatory.active
    changed = AuditEvent.objects.get(action="issuer_signatory.changed")
    assert changed.changes == {"active": "False", "signature": ""}
    assert signatories_shown(issuer) == []

    response = client.post(
        _url(issuer),
        _inline([_row(issuer, name="Joan Guàrdia", title="Rector", pk=signatory.pk, DELETE="on")], initial=1),
    )
    assert response.status_code == 302
    assert not IssuerSignatory.objects.exists()
    deleted = AuditEvent.objects.get(action="issuer_signatory.deleted")
    assert deleted.object_id == str(signatory.pk) and deleted.changes["name"] == "Joan Guàrdia"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [{"name": "Joan Guàrdia", "title": "Rector", "file": ("s.gif", image_bytes("GIF", colour=(1, 2, 3)))}],
            "A GIF signature image is not accepted",
        ),
        (
            [{"name": "Joan Guàrdia", "title": "Rector", "file": ("s.png", b"not an image")}],
            "The signature image is not an image this site reads",
        ),
        ([{"name": "Joan\nGuàrdia", "title": "Rector"}], "This must be on one line"),
        ([{"name": f"Officer {n}", "title": "Dean"} for n in range(4)], "A certificate shows at most 3 signatories"),
        (
            [{"name": "Joan Guàrdia", "title": "Rector", "serves_from": "2026-09-01", "serves_until": "2026-08-31"}],
            "The term ends before it starts",
        ),
        (
            # Four in office on 1 September 2026, the day the fourth one's term starts.
            [{"name": f"Officer {n}", "title": "Dean", "serves_until": "2026-12-31"} for n in range(3)]
            + [{"name": "Laura Vidal", "title": "Rector", "serves_from": "2026-09-01"}],
            "and 4 would sign on the same day",
        ),
    ],
)
def test_bad_input_is_refused_with_its_reason_and_nothing_is_saved(client, make_user, issuers, rows, message):
    issuer = issuers["ub"]
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True))
    posted = []
    for n, row in enumerate(rows):
        extra = {}
        if "file" in row:
            name, data = row["file"]
            extra["signature_file"] = SimpleUploadedFile(name, data)
        extra.update({key: row[key] for key in ("serves_from", "serves_until") if key in row})
        posted.append(_row(issuer, name=row["name"], title=row["title"], order=str(n + 1), **extra))
    response = client.post(_url(issuer), _inline(posted))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IssuerSignatory.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="issuer_signatory.").exists()


def test_four_signatories_may_be_kept_when_only_three_are_shown(client, make_user, issuers):
    issuer = issuers["ub"]
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True))
    rows = [_row(issuer, name=f"Officer {n}", title="Dean", order=str(n + 1)) for n in range(3)]
    rows.append(_row(issuer, name="Former Rector", title="Rector", order="4", active=False))
    assert client.post(_url(issuer), _inline(rows)).status_code == 302
    assert IssuerSignatory.objects.filter(issuer=issuer).count() == 4
    assert [s.name for s in signatories_shown(issuer)] == ["Officer 0", "Officer 1", "Officer 2"]


def test_a_handover_keeps_four_signatories_whose_terms_do_not_overlap(client, make_user, issuers):
    """Three deans and a rector who hands over to another: never more than three sign on one day. The terms are
    saved and audited, and who is shown depends on the day."""
    issuer = issuers["ub"]
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True))
    rows = [_row(issuer, name=f"Officer {n}", title="Dean", order=str(n + 2)) for n in range(2)]
    rows.append(_row(issuer, name="Joan Guàrdia", title="Rector", order="1", serves_until="2026-08-31"))
    rows.append(_row(issuer, name="Laura Vidal", title="Rector", order="1", serves_from="2026-09-01"))
    response = client.post(_url(issuer), _inline(rows))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [s.name for s in signatories_shown(issuer, on=date(2026, 8, 31))] == [
        "Joan Guàrdia",
        "Officer 0",
        "Officer 1",
    ]
    assert signatories_shown(issuer, on=date(2026, 9, 1))[0].name == "Laura Vidal"
    added = AuditEvent.objects.get(
        action="issuer_signatory.added", object_id=str(IssuerSignatory.objects.get(name="Laura Vidal").pk)
    )
    assert added.changes["serves_from"] == "2026-09-01" and added.changes["serves_until"] == ""


def test_the_most_signing_on_one_day_counts_open_and_closed_terms():
    may, june, july = date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)
    assert most_signing_on_one_day([]) == 0
    assert most_signing_on_one_day([(None, None), (None, None)]) == 2
    assert most_signing_on_one_day([(None, may), (june, None)]) == 1
    assert most_signing_on_one_day([(None, june), (june, None), (may, july)]) == 3  # both ends' days count
    assert most_signing_on_one_day([(may, may), (june, july), (june, None)]) == 2


def test_a_credential_officer_may_not_edit_signatories(client, make_user, issuers):
    issuer = issuers["ub"]
    client.force_login(make_user((Role.CREDENTIAL_OFFICER, issuer.institution), is_staff=True))
    assert client.get(_url(issuer)).status_code in {302, 403}
    response = client.post(_url(issuer), _inline([_row(issuer, name="Mallory", title="Rector")]))
    assert response.status_code in {302, 403}
    assert not IssuerSignatory.objects.exists()


def test_issuers_are_neither_added_nor_deleted_on_the_admin_site(client, make_user, issuers):
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True))
    assert client.get("/admin/credentials/issuer/add/").status_code == 403
    assert client.get(f"/admin/credentials/issuer/{issuers['ub'].pk}/delete/").status_code == 403
    listing = client.get("/admin/credentials/issuer/").content.decode()
    assert issuers["ub"].did in listing


def test_the_demo_gives_each_issuer_one_or_two_signatories_once(issuers):
    from microcred.credentials.demo import load_demo_signatories

    assert load_demo_signatories() == 4  # UB and UU: a rector; the alliance: two
    assert load_demo_signatories() == 0  # idempotent
    rector = IssuerSignatory.objects.get(issuer=issuers["ub"])
    assert rector.title == "Rector" and bytes(rector.signature).startswith(b"\x89PNG")
    alliance = signatories_shown(issuers["alliance"])
    assert [s.title for s in alliance] == ["Secretary-General", "Chair of the Academic Council"]
    assert alliance[0].has_signature and not alliance[1].has_signature
