"""The proposal form in steps (issue #16, "forms that guide"): each step a server-rendered page that saves its own
fields, keeps what was typed when something is wrong, and says what is still missing, from the checklist."""

import re

import pytest
from django.urls import reverse

from microcred.core.tests.html_checks import dangling_descriptions
from microcred.proposals import services, steps
from microcred.proposals.checklist import ProposalFacts, evaluate
from microcred.proposals.forms import ProposalForm
from microcred.proposals.models import ProposalStatus
from microcred.proposals.tests.approvals import draft_proposal

pytestmark = pytest.mark.django_db

STEP_IDS = [s.id for s in steps.STEPS]


def edit_url(proposal, **query):
    url = reverse("proposals:edit", args=[proposal.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def draft(people, institution):
    return services.create_proposal(title="A working title", user=people["proposer"], institution=institution)


@pytest.fixture
def proposer(client, people):
    client.force_login(people["proposer"])
    return client


def post_step(client, proposal, step, button="continue", **fields):
    proposal.refresh_from_db()
    data = {"step": step, "p-revision": proposal.revision, button: "", **fields}
    return client.post(edit_url(proposal, step=step), data)


def outcome_rows(total, **fields):
    return {
        "lo-TOTAL_FORMS": str(total),
        "lo-INITIAL_FORMS": "0",
        "lo-MIN_NUM_FORMS": "0",
        "lo-MAX_NUM_FORMS": "20",
        **fields,
    }


# The steps themselves -----------------------------------------------------------------------------------------


def test_every_form_field_and_checklist_field_has_one_step():
    form_fields = set(ProposalForm.base_fields) - {"revision"}
    placed = [name for s in steps.STEPS for name in s.fields]
    assert len(placed) == len(set(placed)), "a field on two steps"
    assert form_fields <= set(placed)
    # Every problem the checklist can name (an empty proposal, formal and non-formal) links to a step with its field.
    for kind in ("formal", "non_formal"):
        facts = ProposalFacts(kind=kind, title="", outcomes=[("text", 0)], has_financial_implications=True)
        for result in evaluate(facts):
            for problem in result.problems:
                assert steps.step_of_field(problem.field) != steps.REVIEW, problem.field


@pytest.mark.parametrize(
    ("step", "shown", "not_shown"),
    [
        ("basics", "p-relevance", "p-hours"),
        ("kind", "p-ects", "p-title"),
        ("outcomes", "lo-0-text", "p-kind"),
        ("assessment", "p-supervised_assessment", "p-languages"),
        ("delivery", "p-forms_of_participation", "p-quality_assurance"),
        ("quality", "p-quality_assurance", "lo-0-text"),
        ("documents", 'name="purpose"', "p-title"),
        ("review", "Send to my institutional manager", "p-title"),
    ],
)
def test_each_step_is_a_page_with_its_own_fields_and_the_progress(proposer, draft, step, shown, not_shown):
    page = proposer.get(edit_url(draft, step=step)).content.decode()
    number = STEP_IDS.index(step) + 1
    assert f"Step {number} of 8" in page
    assert shown in page and not_shown not in page
    current = re.findall(r'<a href="([^"]+)" aria-current="step">', page)
    assert current == [f"/proposals/{draft.pk}/edit/?step={step}"]
    assert page.count('<li class="step ') == 8
    assert dangling_descriptions(page) == []


def test_the_old_single_page_address_and_an_unknown_step_show_the_first_step(proposer, draft):
    for url in (edit_url(draft), edit_url(draft, step="nonsense")):
        page = proposer.get(url).content.decode()
        assert "Step 1 of 8" in page and 'name="p-title"' in page


# Saving a step ------------------------------------------------------------------------------------------------


def test_save_and_continue_saves_only_the_step_and_goes_on(proposer, draft):
    services.save_draft(user=draft.proposer, proposal_id=draft.pk, data={"quality_assurance": "Faculty QA."})
    response = post_step(
        proposer, draft, "basics", **{"p-title": "Circular design", "p-relevance": "Green skills.", "p-criteria": "c"}
    )
    assert response.status_code == 302 and response["Location"] == edit_url(draft, step="kind")
    version = draft.versions.get()
    assert (version.title, version.relevance, version.criteria) == ("Circular design", "Green skills.", "c")
    assert version.quality_assurance == "Faculty QA."  # a field of another step is left as it was


def test_back_saves_and_goes_to_the_previous_step_and_save_draft_stays(proposer, draft):
    response = post_step(
        proposer,
        draft,
        "kind",
        "back",
        **{"p-kind": "formal", "p-credential_type": "micro_credential", "p-hours": "135"},
    )
    assert response["Location"] == edit_url(draft, step="basics")
    assert draft.versions.get().hours == 135
    response = post_step(
        proposer,
        draft,
        "kind",
        "save",
        **{"p-kind": "formal", "p-credential_type": "micro_credential", "p-hours": "140"},
    )
    assert response["Location"] == edit_url(draft, step="kind")
    assert draft.versions.get().hours == 140


def test_a_step_with_an_error_keeps_everything_typed_and_saves_nothing(proposer, draft):
    response = post_step(
        proposer,
        draft,
        "basics",
        **{"p-title": "Two\r\nlines", "p-relevance": "Typed with care.", "p-description": "A description."},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Typed with care." in page and "A description." in page
    # Summarised at the top, each error a link to its field, and the message next to the field too.
    summary = page[page.index('id="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'href="#id_p-title"' in summary
    assert 'id="id_p-title_error"' in page
    assert re.search(r'<li class="step step-problems step-current">', page)
    assert dangling_descriptions(page) == []
    version = draft.versions.get()
    assert (version.title, version.relevance) == ("A working title", "")


def test_a_stale_step_is_refused_and_keeps_what_was_typed(proposer, draft):
    draft.refresh_from_db()
    stale = {"step": "basics", "p-revision": draft.revision, "continue": "", "p-relevance": "From tab A"}
    services.save_draft(user=draft.proposer, proposal_id=draft.pk, data={"relevance": "From tab B"})
    page = proposer.post(edit_url(draft, step="basics"), stale).content.decode()
    assert "Someone else changed this proposal" in page and "From tab A" in page
    assert draft.versions.get().relevance == "From tab B"


def test_yes_no_questions_are_radios_and_unanswered_stays_unanswered(proposer, draft):
    post_step(proposer, draft, "assessment", **{"p-supervised_assessment": "yes"})
    version = draft.versions.get()
    assert (version.supervised_assessment, version.identity_verified) == (True, None)
    page = proposer.get(edit_url(draft, step="assessment")).content.decode()
    assert 'type="radio" name="p-identity_verified"' in page
    assert "<legend>Is the learner&#x27;s identity verified?</legend>" in page


# Learning-outcome rows ----------------------------------------------------------------------------------------


def test_outcome_rows_added_beyond_the_empty_ones_and_removed_rows(proposer, draft, refdata):
    """What the script posts: a third row (TOTAL_FORMS raised) and a row marked DELETE."""
    skill = refdata["skills"][0]
    rows = outcome_rows(
        3,
        **{
            "lo-0-text": "Analyse a product's life cycle.",
            "lo-0-skill_1": skill.uri,  # as the picker sends it: the chosen skill's URI and its label
            "lo-0-skill_1_text": skill.preferred_label,
            "lo-1-text": "Removed before saving.",
            "lo-1-DELETE": "on",
            "lo-2-text": "Design a circular product.",
        },
    )
    assert post_step(proposer, draft, "outcomes", **rows).status_code == 302
    outcomes = list(draft.versions.get().learning_outcomes.order_by("order"))
    assert [o.text for o in outcomes] == ["Analyse a product's life cycle.", "Design a circular product."]
    assert list(outcomes[0].skills.all()) == [skill]


def test_a_removed_row_with_an_error_does_not_block_the_step(proposer, draft):
    rows = outcome_rows(
        2, **{"lo-0-text": "Apply it.", "lo-1-text": "x", "lo-1-skill_1_text": "no such skill", "lo-1-DELETE": "on"}
    )
    assert post_step(proposer, draft, "outcomes", **rows).status_code == 302
    assert [o.text for o in draft.versions.get().learning_outcomes.all()] == ["Apply it."]


def test_an_outcome_row_error_is_summarised_with_its_row_and_the_rows_are_kept(proposer, draft):
    rows = outcome_rows(
        2, **{"lo-0-text": "Apply it.", "lo-1-text": "Design it.", "lo-1-skill_1_text": "no such skill"}
    )
    response = post_step(proposer, draft, "outcomes", **rows)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_lo-1-skill_1">Learning outcome 2 – ESCO skill:' in page
    assert "Apply it." in page and "Design it." in page and 'value="no such skill"' in page
    assert not draft.versions.get().learning_outcomes.exists()


def test_more_than_twenty_outcomes_are_refused_with_a_clear_message(proposer, draft):
    rows = outcome_rows(21, **{f"lo-{i}-text": f"Outcome {i}." for i in range(21)})
    page = post_step(proposer, draft, "outcomes", **rows).content.decode()
    assert "A proposal has at most 20 learning outcomes" in page
    assert not draft.versions.get().learning_outcomes.exists()


def test_the_outcomes_step_has_the_empty_row_template_for_the_script(proposer, draft):
    page = proposer.get(edit_url(draft, step="outcomes")).content.decode()
    template = page[page.index('<template id="outcome-template">') :]
    assert 'name="lo-__prefix__-text"' in template and 'name="lo-__prefix__-DELETE"' in template
    assert 'aria-describedby="help-outcomes"' in page and 'id="help-outcomes"' in page


# What is missing ----------------------------------------------------------------------------------------------


def test_the_review_step_lists_what_is_missing_each_linked_to_its_step_and_field(
    proposer, people, refdata, institution, other_institution
):
    proposal = draft_proposal(people, refdata, institution, other_institution, quality_assurance="", hours=None)
    page = proposer.get(edit_url(proposal, step="review")).content.decode()
    missing = page[page.index('id="missing"') :]
    missing = missing[: missing.index("</section>")]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', missing)
    assert links == [
        (f"/proposals/{proposal.pk}/edit/?step=kind&amp;check=1#field-hours", "Give the total hours of learning."),
        (
            f"/proposals/{proposal.pk}/edit/?step=quality&amp;check=1#field-quality_assurance",
            "Describe the quality assurance.",
        ),
    ]
    # The link's target: the step, with the message next to the field and tied to it.
    target = proposer.get(edit_url(proposal, step="quality", check=1)).content.decode()
    assert 'id="field-quality_assurance"' in target
    assert 'id="id_p-quality_assurance-problem"' in target and "Describe the quality assurance." in target
    assert 'aria-describedby="id_p-quality_assurance_helptext id_p-quality_assurance-problem"' in target


def test_the_summary_reuses_the_checklist(people, refdata, institution, other_institution):
    from microcred.proposals.checklist import blocking_problems

    proposal = draft_proposal(people, refdata, institution, other_institution, relevance="", languages=[])
    results = services.checklist_for(proposal)
    items = steps.missing(proposal, results)
    assert [(i.field, i.message) for i in items] == [
        (p.field, p.message)
        for p in sorted(blocking_problems(results), key=lambda p: steps.STEPS.index(steps.step_of_field(p.field)))
    ]
    assert [(i.step.id, i.field) for i in items] == [("basics", "relevance"), ("delivery", "languages")]


def test_step_statuses_follow_what_is_given_and_missing(people, refdata, institution, other_institution):
    fresh = services.create_proposal(title="A working title", user=people["proposer"], institution=institution)
    status = {
        r.step.id: r.status
        for r in steps.progress(fresh, fresh.current_version, services.checklist_for(fresh), current=steps.FIRST)
    }
    assert status["basics"] == status["kind"] == status["outcomes"] == steps.StepStatus.NOT_STARTED
    assert status["review"] == steps.StepStatus.PROBLEMS

    services.save_draft(user=people["proposer"], proposal_id=fresh.pk, data={"relevance": "Green skills."})
    fresh.refresh_from_db()
    status = {
        r.step.id: r.status
        for r in steps.progress(fresh, fresh.versions.get(), services.checklist_for(fresh), current=steps.FIRST)
    }
    assert status["basics"] == steps.StepStatus.PROBLEMS

    complete = draft_proposal(people, refdata, institution, other_institution, title="Complete")
    rows = steps.progress(complete, complete.current_version, services.checklist_for(complete), current=steps.REVIEW)
    assert {r.status for r in rows} == {steps.StepStatus.COMPLETE}
    assert [r.step.id for r in rows if r.is_current] == ["review"]


def test_sending_from_the_review_step(proposer, people, refdata, institution, other_institution):
    proposal = draft_proposal(people, refdata, institution, other_institution, quality_assurance="")
    response = proposer.post(edit_url(proposal, step="review"), {"step": "review", "send": ""})
    assert response["Location"] == edit_url(proposal, step="review") + "#missing"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT
    services.save_draft(user=people["proposer"], proposal_id=proposal.pk, data={"quality_assurance": "Faculty QA."})
    response = proposer.post(edit_url(proposal, step="review"), {"step": "review", "send": ""})
    assert response["Location"] == reverse("proposals:detail", args=[proposal.pk])
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.AWAITING_MANAGER


def test_field_help_cites_the_policy_and_is_tied_to_the_field(proposer, draft):
    page = proposer.get(edit_url(draft, step="kind")).content.decode()
    assert 'aria-describedby="id_p-ects_helptext"' in page
    help_text = re.search(r'<p class="help" id="id_p-ects_helptext">([^<]+)</p>', page).group(1)
    assert help_text.startswith("Policy 7.18") and "25–30 hours" in help_text
    page = proposer.get(edit_url(draft, step="outcomes")).content.decode()
    assert "Policy 7.10" in page and "observable verb" in page
    page = proposer.get(edit_url(draft, step="delivery")).content.decode()
    assert re.search(r'id="id_p-stackability_helptext">Policy 5.12', page)


def test_uploading_a_document_comes_back_to_the_documents_step(proposer, draft):
    response = proposer.post(reverse("proposals:document-upload", args=[draft.pk]), {"purpose": "support"})
    assert response["Location"] == edit_url(draft, step="documents") + "#field-documents"
