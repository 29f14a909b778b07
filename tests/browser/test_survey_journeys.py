"""Post-delivery surveys in the browser (issue #14, policy 7.25): an offering ends, the invitations go out, five
learners answer through their e-mailed links without logging in, and the quality office reads the results page with
its charts and their data tables; each page checked by axe-core under the Content-Security-Policy."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from microcred.learning.models import Enrolment
from microcred.learning.tests.factories import make_micro_credential, make_offering, start_offering
from microcred.roles import Role
from microcred.surveys.models import Invitation, Response
from tests.browser.helpers import load_small_reference_data, log_in

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Life-cycle thinking for circular products"


@pytest.fixture
def ended(make_user, tmp_path):
    from microcred.reference.models import Institution

    load_small_reference_data(tmp_path)
    ub = Institution.objects.get(short_name="UB")
    proposer = make_user((Role.PROPOSER, ub), email="laia@ub.example", full_name="Laia Puig")
    assessor = make_user((Role.ASSESSOR, ub), email="marc@ub.example", full_name="Marc Soler")
    make_user(Role.QUALITY_OFFICE, email="quality@example.org", full_name="Quality Office")
    mc = make_micro_credential(institution=ub, proposer=proposer, title=TITLE)
    offering = make_offering(micro_credential=mc, creator=proposer, institution=ub, assessors=[assessor])
    for n in range(1, 6):
        learner = make_user(Role.LEARNER, email=f"learner{n}@example.org", full_name=f"Learner {n}")
        Enrolment.objects.create(
            offering=offering, learner=learner, status=Enrolment.Status.ENROLLED, enrolled_at=timezone.now()
        )
    start_offering(offering)  # its last day was yesterday
    return offering


def answer(page, question: str, label: str):
    page.get_by_role("group", name=re.compile(re.escape(question))).get_by_label(label, exact=True).check()


def test_an_offering_ends_five_learners_answer_and_the_quality_office_reads_the_results(page, ended):
    mail.outbox.clear()
    call_command("run_scheduled_tasks", "learning-announce-ended-offerings")
    invitations = {m.to[0]: m for m in mail.outbox if "short anonymous survey" in m.subject}
    # The learners' survey and the teaching staff's (the offering's creator and its assessor).
    assert sorted(invitations) == sorted(
        ["laia@ub.example", "marc@ub.example"] + [f"learner{n}@example.org" for n in range(1, 6)]
    )

    for n in range(1, 6):
        link = re.search(r"/surveys/\d+/answer/[0-9a-f]+/", invitations[f"learner{n}@example.org"].body).group(0)
        page.goto(link)  # no log-in: the link's one-time token is enough
        assert "Your answers are anonymous" in page.content()
        answer(page, "The content matched", "4 – Agree" if n % 2 else "5 – Strongly agree")
        answer(page, "The teaching helped me", "5 – Strongly agree")
        answer(page, "the workload was", "About right" if n != 5 else "A little heavier")
        answer(page, "The assessment fairly tested", "4 – Agree")
        answer(page, "I would recommend", "5 – Strongly agree")
        if n == 1:
            answer(page, "What will you use", "Further study")
            page.get_by_label("What should be kept, and what improved? Any other comments.").fill("More field work.")
        page.get_by_role("button", name="Send my answers").click()
        page.check()
        assert "Thank you: your answers were recorded" in page.content()
        if n == 1:  # the link works once
            page.goto(link)
            assert "not valid or has already been used" in page.content()

    assert Response.objects.count() == 5
    assert Invitation.objects.filter(answered=True, token_hash__isnull=True).count() == 5

    log_in(page, "quality@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Surveys").click()
    page.check()
    page.get_by_role("row", name=re.compile(r"Learners")).get_by_role("link", name=TITLE).click()
    page.check()
    content = page.content()
    assert "Fewer than 5 responses" not in content
    chart = page.get_by_role("img", name="The teaching helped me reach the learning outcomes.")
    assert chart.count() == 1
    table = page.get_by_role("table", name="Answers to “The teaching helped me reach the learning outcomes.”")
    assert table.get_by_role("row", name=re.compile(r"5 – Strongly agree 5 100")).count() == 1
    assert "mean 4.40 out of 5" in content  # 4, 5, 4, 5, 4
    assert "More field work." in content  # comments: the quality office's

    # The quality office edits the learners' template: the version the survey was sent with stays as it was.
    page.goto("/surveys/")
    page.get_by_role("link", name="Learners' evaluation of an offering").click()
    page.check()
    assert "Surveys were sent with this version" in page.content()
    page.get_by_role("link", name="Add a question").click()
    page.check()
    page.get_by_label("Kind of question").select_option("likert")
    page.get_by_label("Question (English)").fill("The rooms and equipment were adequate.")
    page.get_by_label("Question (French)").fill("Les salles et l'équipement convenaient.")
    page.get_by_role("button", name="Save").click()
    page.check()
    assert "Questions of version 2" in page.content()
    assert "The rooms and equipment were adequate." in page.content()
