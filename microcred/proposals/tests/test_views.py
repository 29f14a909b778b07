"""The proposal pages as people use them (server side; the browser journeys are in tests/browser)."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred.proposals import services
from microcred.proposals.models import Meeting, SupportingDocument
from microcred.proposals.models import ProposalStatus as S
from microcred.proposals.tests.approvals import decide_in_session, draft_proposal
from microcred.proposals.tests.conftest import complete_formal_data
from microcred.proposals.workflow import Action

pytestmark = pytest.mark.django_db


def form_post(proposal, version, refdata, **fields):
    data = {
        "p-revision": proposal.revision,
        "lo-TOTAL_FORMS": "2",
        "lo-INITIAL_FORMS": "0",
        "lo-MIN_NUM_FORMS": "0",
        "lo-MAX_NUM_FORMS": "20",
        "p-kind": "formal",
        "p-credential_type": "micro_credential",
    }
    data.update(fields)
    return data


def test_draft_saves_partially_and_resumes(client, people, refdata, institution):
    client.force_login(people["proposer"])
    response = client.post(
        reverse("proposals:create"), {"title": "A working title", "institution": institution.pk, "kind": "formal"}
    )
    proposal = people["proposer"].proposals.get()
    assert response["Location"] == reverse("proposals:edit", args=[proposal.pk])
    data = form_post(
        proposal,
        proposal.current_version,
        refdata,
        **{
            "p-title": "Life-cycle thinking",
            f"pr-principle_{refdata['principles'][0].pk}": "on",
            f"pr-how_{refdata['principles'][0].pk}": "Students work on real products.",
            "lo-0-text": "Apply life-cycle assessment.",
            "lo-0-skill_1": refdata["skills"][0].uri,
            "lo-0-skill_1_text": refdata["skills"][0].preferred_label,
        },
    )
    response = client.post(reverse("proposals:edit", args=[proposal.pk]), data)  # the form as one page, as before
    assert response.status_code == 302
    page = client.get(reverse("proposals:edit", args=[proposal.pk])).content.decode()  # the first step
    assert 'value="Life-cycle thinking"' in page
    page = client.get(reverse("proposals:edit", args=[proposal.pk]), {"step": "quality"}).content.decode()
    assert "Students work on real products." in page
    version = proposal.versions.get()
    assert list(version.learning_outcomes.get().skills.all()) == [refdata["skills"][0]]


def test_send_with_missing_field_shows_message_next_to_it(client, people, refdata, institution, other_institution):
    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    services.save_draft(
        user=people["proposer"],
        proposal_id=proposal.pk,
        data=complete_formal_data(refdata, institution, other_institution, quality_assurance=""),
    )
    proposal.refresh_from_db()
    client.force_login(people["proposer"])
    response = client.get(reverse("proposals:edit", args=[proposal.pk]) + "?step=quality&check=1")
    html = response.content.decode()
    assert 'id="id_p-quality_assurance-problem"' in html
    assert "Describe the quality assurance." in html
    proposal.refresh_from_db()
    assert proposal.status == S.DRAFT


def test_stale_form_is_refused_with_a_clear_message(client, people, refdata, institution):
    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    client.force_login(people["proposer"])
    stale = form_post(proposal, proposal.current_version, refdata, **{"p-title": "From tab A"})
    services.save_draft(user=people["proposer"], proposal_id=proposal.pk, data={"title": "From tab B"})
    response = client.post(reverse("proposals:edit", args=[proposal.pk]), stale, follow=True)
    assert "Someone else changed this proposal" in response.content.decode()
    assert proposal.versions.get().title == "From tab B"


def _pdf_bytes():
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 750, "Letter of support")
    pdf.save()
    return buffer.getvalue()


def _docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "refusal"),
    [
        ("letter.pdf", _pdf_bytes(), None),
        ("letter.pdf", b"%PDF-1.7\n...", "“letter.pdf” is named PDF but its content is not a PDF document."),
        ("letter.docx", _docx_bytes(), None),
        ("letter.pdf", b"MZ\x90\x00 not a pdf", "“letter.pdf” is named PDF but its content is not a PDF document."),
        (
            "letter.docx",
            b"%PDF-1.7 a pdf named docx",
            "“letter.docx” is named DOCX but its content is not a DOCX document.",
        ),
        ("letter.exe", b"%PDF-1.7", "“letter.exe” is not a PDF, DOCX or ODT file."),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "The file is 10.0 MB; the limit is 10 MB."),
    ],
    ids=["pdf", "pdf-header-only", "docx", "exe-named-pdf", "pdf-named-docx", "exe", "too-big"],
)
def test_uploads_are_sniffed_and_limited(client, people, institution, name, data, refusal):
    from django.core.files.uploadedfile import SimpleUploadedFile

    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    client.force_login(people["proposer"])
    response = client.post(
        reverse("proposals:document-upload", args=[proposal.pk]),
        {"file": SimpleUploadedFile(name, data), "purpose": "support"},
        follow=True,
    )
    assert response.status_code == 200
    assert SupportingDocument.objects.exists() == (refusal is None)
    if refusal is not None:
        assert refusal in response.content.decode()


def test_action_list_shows_what_waits_for_each_actor(client, people, refdata, institution, other_institution):
    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    services.save_draft(
        user=people["proposer"],
        proposal_id=proposal.pk,
        data=complete_formal_data(refdata, institution, other_institution),
    )
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    client.force_login(people["manager"])
    html = client.get(reverse("proposals:list")).content.decode()
    assert "To approve for my university" in html and proposal.reference in html
    client.force_login(people["other_manager"])
    assert proposal.reference not in client.get(reverse("proposals:list")).content.decode()
    assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 404


def test_manager_approves_from_the_page_and_own_approval_is_refused(
    client, people, refdata, institution, other_institution
):
    proposal = draft_proposal(people, refdata, institution, other_institution)
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    client.force_login(people["proposer"])
    response = client.post(
        reverse("proposals:action", args=[proposal.pk]), {"action": "manager_approve", "comment": ""}, follow=True
    )
    assert "Nobody may approve" in response.content.decode()
    client.force_login(people["manager"])
    client.post(reverse("proposals:action", args=[proposal.pk]), {"action": "manager_approve", "comment": "OK"})
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED


def test_meeting_pdfs_are_pdf(client, people):
    meeting = services.create_meeting(
        user=people["secretary"],
        body=Meeting.Body.ACADEMIC_COUNCIL,
        date=timezone.now() + timezone.timedelta(days=3),
        location="Barcelona",
    )
    client.force_login(people["member"])
    for kind in ("agenda", "minutes"):
        response = client.get(reverse("proposals:meeting-pdf", args=[meeting.pk, kind]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.force_login(people["learner"])
    assert client.get(reverse("proposals:meeting-pdf", args=[meeting.pk, "agenda"])).status_code == 404


def test_learner_cannot_open_proposals_or_meetings(client, people, institution):
    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    client.force_login(people["learner"])
    assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 404
    assert client.get(reverse("proposals:meetings")).status_code == 403


def test_non_formal_form_does_not_ask_for_ects_or_eqf(client, people, refdata, institution):
    client.force_login(people["proposer"])
    client.post(
        reverse("proposals:create"), {"title": "A working title", "institution": institution.pk, "kind": "non_formal"}
    )
    proposal = people["proposer"].proposals.get()
    html = client.get(reverse("proposals:edit", args=[proposal.pk]), {"step": "kind"}).content.decode()
    assert 'name="p-hours"' in html
    assert 'name="p-ects"' not in html and 'name="p-eqf_level"' not in html
    html = client.get(reverse("proposals:edit", args=[proposal.pk]), {"step": "assessment"}).content.decode()
    assert 'name="p-completion_criteria"' in html
    data = form_post(proposal, proposal.current_version, refdata, **{"p-kind": "non_formal", "p-ects": "5"})
    client.post(reverse("proposals:edit", args=[proposal.pk]), data)
    assert proposal.versions.get().ects is None


def test_change_proposal_and_retire_from_the_catalogue_page(client, people, refdata, institution, other_institution):
    from microcred.catalogue.models import MicroCredential

    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    services.save_draft(
        user=people["proposer"],
        proposal_id=proposal.pk,
        data=complete_formal_data(refdata, institution, other_institution),
    )
    services.create_meeting(
        user=people["secretary"], body=Meeting.Body.ACADEMIC_COUNCIL, date=timezone.now() + timezone.timedelta(days=3)
    )
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    services.take_action(user=people["manager"], proposal_id=proposal.pk, action=Action.MANAGER_APPROVE)
    services.take_action(user=people["secretary"], proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)
    item = services.schedule_proposal(user=people["secretary"], proposal_id=proposal.pk)
    decide_in_session(user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="ok")
    mc = MicroCredential.objects.get()
    page = reverse("catalogue:detail", args=[mc.slug])
    client.force_login(people["proposer"])
    assert "Propose a change (new version)" in client.get(page).content.decode()
    response = client.post(reverse("proposals:change", args=[mc.pk]))
    change = mc.change_proposals.get()
    assert response["Location"] == reverse("proposals:edit", args=[change.pk])
    assert change.current_version.title == mc.current_version.title
    client.force_login(people["learner"])
    assert "Propose a change" not in client.get(page).content.decode()
    client.force_login(people["secretary"])
    client.post(
        reverse("catalogue:retire", args=[mc.pk]), {"reason": "Replaced by a new programme.", "confirmed": "yes"}
    )
    mc.refresh_from_db()
    assert mc.status == "retired"
    assert client.get(page).status_code == 200


def test_an_unknown_kind_is_refused_and_nothing_is_created(client, people, institution):
    from microcred.proposals.models import Proposal

    client.force_login(people["proposer"])
    response = client.post(
        reverse("proposals:create"),
        {"title": "A working title", "institution": institution.pk, "kind": "nonsense"},
        follow=True,
    )
    assert "Choose the kind" in response.content.decode()
    assert not Proposal.objects.exists()


def test_ids_that_are_not_numbers_get_a_page_not_an_error(client, people, institution):
    from microcred.proposals.models import Proposal

    client.force_login(people["proposer"])
    response = client.post(
        reverse("proposals:create"),
        {"title": "A working title", "institution": "abc", "call": "x'--", "kind": "formal"},
    )
    assert response.status_code == 302  # falls back to the proposer's own university, no call
    proposal = Proposal.objects.get()
    assert proposal.institution == institution and proposal.call is None
    Proposal.objects.filter(pk=proposal.pk).update(status="submitted")  # seen by the secretary once sent
    client.force_login(people["secretary"])
    response = client.post(reverse("proposals:schedule", args=[proposal.pk]), {"meeting": "abc"}, follow=True)
    assert response.status_code == 200


def test_a_million_character_comment_is_refused_and_nothing_changes(
    client, people, refdata, institution, other_institution
):
    """Issue #11 (bad input): comments have a maximum length, on the page and in the API."""
    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    services.save_draft(
        user=people["proposer"],
        proposal_id=proposal.pk,
        data=complete_formal_data(refdata, institution, other_institution),
    )
    services.take_action(user=people["proposer"], proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    client.force_login(people["manager"])
    huge = "x" * 1_000_000
    response = client.post(
        reverse("proposals:action", args=[proposal.pk]), {"action": "manager_approve", "comment": huge}, follow=True
    )
    assert "Comment: Ensure this value has at most 2000 characters (it has 1000000)." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.AWAITING_MANAGER
    api = client.post(
        f"/api/v1/proposals/{proposal.pk}/actions",
        {"action": "manager_approve", "comment": huge},
        content_type="application/json",
    )
    assert api.status_code == 400 and "comment" in str(api.json()["error"])
    proposal.refresh_from_db()
    assert proposal.status == S.AWAITING_MANAGER


def test_starting_a_draft_needs_a_working_title_so_no_untitled_drafts_are_left(client, people, institution):
    """Issue #11: "Start a draft" used to create an empty "(untitled)" proposal at once."""
    from microcred.proposals.models import Proposal

    client.force_login(people["proposer"])
    response = client.post(reverse("proposals:create"), {"institution": institution.pk, "kind": "non_formal"})
    assert response.status_code == 302 and "kind=non_formal" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Give the proposal a working title" in page
    assert 'id="kind-nf" checked' in page  # what was chosen is kept
    assert not Proposal.objects.exists()
    response = client.post(
        reverse("proposals:create"),
        {"institution": institution.pk, "kind": "formal", "title": "  Circular design studio  "},
    )
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("proposals:edit", args=[proposal.pk])
    assert proposal.current_version.title == "Circular design studio"


def test_proposing_for_a_call_starts_from_the_list_with_the_call_chosen(client, people, institution):
    from django.utils import timezone

    call = services.create_call(
        user=people["secretary"],
        title="Green skills 2027",
        scope="Micro-credentials for the green transition.",
        opens_on=timezone.localdate(),
        deadline=timezone.now() + timezone.timedelta(days=30),
    )
    client.force_login(people["proposer"])
    calls_page = client.get(reverse("proposals:calls")).content.decode()
    assert f'href="{reverse("proposals:list")}?call={call.pk}#new-heading"' in calls_page
    page = client.get(reverse("proposals:list"), {"call": call.pk}).content.decode()
    assert f'name="call" value="{call.pk}"' in page and "For the call “Green skills 2027”." in page
    client.post(reverse("proposals:create"), {"institution": institution.pk, "call": call.pk, "title": "Solar"})
    from microcred.proposals.models import Proposal

    assert Proposal.objects.get().call == call


def test_the_proposal_form_ties_help_and_errors_to_their_fields(client, people, refdata, institution):
    from microcred.core.tests.html_checks import dangling_descriptions

    proposal = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    client.force_login(people["proposer"])
    page = client.get(reverse("proposals:edit", args=[proposal.pk])).content.decode()
    assert "_helptext" in page
    assert dangling_descriptions(page) == []
    data = form_post(proposal, proposal.current_version, refdata, **{"p-ects": "many"})
    page = client.post(reverse("proposals:edit", args=[proposal.pk]), data).content.decode()
    assert 'aria-invalid="true"' in page
    assert dangling_descriptions(page) == []
