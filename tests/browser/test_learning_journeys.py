"""Enrolment and assessment as people live them (docs/journeys.md, journeys 5 and 6), each page checked by axe-core."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from microcred.learning import services
from microcred.learning.models import Enrolment, Result
from microcred.learning.tests.factories import make_micro_credential, make_offering, start_offering
from microcred.roles import Role
from tests.browser.helpers import load_small_reference_data, log_in, log_out

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def offering(make_user, tmp_path):
    from microcred.reference.models import Institution

    load_small_reference_data(tmp_path)
    ub = Institution.objects.get(short_name="UB")
    proposer = make_user((Role.PROPOSER, ub), email="laia@ub.example", full_name="Laia Puig")
    assessor = make_user((Role.ASSESSOR, ub), email="marc@ub.example", full_name="Marc Soler")
    mc = make_micro_credential(
        institution=ub,
        proposer=proposer,
        title="Life-cycle thinking for circular products",
        prerequisites="A bachelor's degree in engineering or design.",
    )
    offering = make_offering(micro_credential=mc, creator=proposer, institution=ub, assessors=[assessor], capacity=1)
    tomas = make_user(Role.LEARNER, email="tomas@example.org", full_name="Tomás García")
    services.enrol(user=tomas, offering_id=offering.pk, prerequisites_acknowledged=True)
    return offering


def register_and_confirm(page):
    page.goto("/accounts/register/")
    page.get_by_label("Full name").fill("Katrin Weber")
    page.get_by_label("E-mail address").fill("katrin@example.org")
    page.get_by_label("Password", exact=True).fill("circular-economy-42")
    page.get_by_label("Password again").fill("circular-economy-42")
    page.get_by_label("Lifelong learner or professional").check()
    page.get_by_role("button", name="Create account").click()
    page.check()
    link = re.search(r"http://\S+/accounts/verify/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link.split("127.0.0.1:8000", 1)[1])
    log_in(page, "katrin@example.org", "circular-economy-42")


def upload(page, name, text):
    page.get_by_label("Results file (CSV or XLSX)").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")}]
    )
    page.get_by_role("button", name="Check the file").click()
    page.check()


@pytest.mark.screenshots
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_wait_listed_promoted_assessed(page, offering, live_server, device):
    # Journey 5: she registers, confirms her e-mail, and enrols; the offering is full, so she is wait-listed.
    register_and_confirm(page)
    page.goto("/learning/offerings/")
    page.get_by_role("link", name="Life-cycle thinking for circular products").click()
    page.check()
    assert "A bachelor's degree in engineering or design." in page.content()
    page.get_by_label("I meet the prerequisites described above").check()
    page.get_by_role("button", name="Join the waiting list").click()
    page.check()
    assert "number 1 on the waiting list" in page.content()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My learning").click()
    page.check()
    assert "number 1 in line" in page.content()
    log_out(page)

    # Someone cancels; she is promoted automatically and told by e-mail.
    mail.outbox.clear()
    log_in(page, "tomas@example.org")
    page.goto("/learning/")
    page.check()
    page.get_by_role("button", name=re.compile("Cancel enrolment")).click()
    page.check()
    # The confirmation step (issue #16) says that the first on the waiting list takes the place.
    assert "The first learner on the waiting list takes your place" in page.content()
    page.get_by_role("button", name="Cancel my enrolment").click()
    page.check()
    assert "Your enrolment is cancelled." in page.content()
    log_out(page)
    promoted = [m for m in mail.outbox if m.to == ["katrin@example.org"]]
    assert promoted and "A place is yours" in promoted[0].subject
    assert Enrolment.objects.get(learner__email="katrin@example.org").status == "enrolled"

    # The course runs; journey 6: the assessor imports a file with one bad row, fixes it, and commits.
    start_offering(offering)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    header = "email,result,grade,evidence_url,assessed_on,participated\r\n"
    log_in(page, "marc@ub.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Offerings").click()
    page.check()
    page.get_by_role("link", name="Life-cycle thinking for circular products").first.click()
    page.check()
    page.get_by_role("link", name="Import results").click()
    page.check()
    upload(
        page,
        "lms-export.csv",
        header + f"katrin@example.org,pass,8,https://lms.example/s/1,{yesterday},yes\r\n"
        f"stranger@example.org,pass,7,,{yesterday},yes\r\n",
    )
    errors = page.get_by_role("alert")
    assert "1 error: nothing was saved." in errors.inner_text()
    assert re.search(r"3\s+email\s+stranger@example.org is not a learner enrolled", errors.inner_text())
    assert not Result.objects.exists()
    upload(page, "lms-export.csv", header + f"katrin@example.org,pass,8,https://lms.example/s/1,{yesterday},yes\r\n")
    assert "1 result(s) will change." in page.content()
    page.get_by_role("button", name="Import these results").click()
    page.check()
    assert "Imported: 1 changed, 0 unchanged (1 passed, 0 did not pass)." in page.content()
    log_out(page)

    # After the course her result appears in "My learning".
    log_in(page, "katrin@example.org", "circular-economy-42")
    page.goto("/learning/")
    page.check()
    row = page.get_by_role("row", name=re.compile("Life-cycle thinking"))
    assert "Passed" in row.inner_text() and "8" in row.inner_text()
    assert "a credential officer of the university issues your credential" in row.inner_text()


def test_staff_cancel_an_enrolment_and_edit_the_offering(page, offering, make_user, live_server):
    # Tomás holds the only place; Katrin waits. He never shows up: Laia, who created the offering, cancels his
    # enrolment with a reason; Katrin gets the place. Then Laia adds places and moves the offering on-site.
    katrin = make_user(Role.LEARNER, email="katrin@example.org", full_name="Katrin Weber")
    services.enrol(user=katrin, offering_id=offering.pk, prerequisites_acknowledged=True)
    mail.outbox.clear()
    log_in(page, "laia@ub.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Offerings").click()
    page.check()
    page.get_by_role("link", name="Life-cycle thinking for circular products").first.click()
    page.check()
    page.get_by_role("link", name="Cancel the enrolment… Tomás García").click()
    page.check()  # the confirmation step (issue #16), which asks for the reason
    page.get_by_role("button", name="Cancel the enrolment of Tomás García").click()
    page.check()
    assert "Give the reason for the cancellation" in page.get_by_role("alert").inner_text()
    assert Enrolment.objects.get(learner__email="tomas@example.org").status == "enrolled"
    page.get_by_label("Reason for the cancellation").fill("Did not come to the first two sessions and did not answer.")
    page.get_by_role("button", name="Cancel the enrolment of Tomás García").click()
    page.check()
    assert "The enrolment of Tomás García is cancelled; they are told why by e-mail." in page.content()
    assert "took a place from the waiting list and is told by e-mail: Katrin Weber." in page.content()
    assert Enrolment.objects.get(learner__email="katrin@example.org").status == "enrolled"
    told = {m.to[0]: m for m in mail.outbox}
    assert "Did not come to the first two sessions" in told["tomas@example.org"].body
    assert "A place is yours" in told["katrin@example.org"].subject

    page.get_by_role("link", name="Edit the offering").click()
    page.check()
    page.get_by_label("Places").fill("0")
    page.get_by_role("button", name="Save the changes").click()
    page.check()
    assert "An offering needs at least one place." in page.get_by_role("alert").inner_text()
    page.get_by_label("Places").fill("3")
    page.get_by_label("Online, on-site or blended").select_option("on_site")
    page.get_by_label("Place", exact=True).fill("Barcelona, Campus Diagonal")
    page.get_by_role("button", name="Save the changes").click()
    page.check()
    assert "The offering is saved." in page.content()
    offering.refresh_from_db()
    assert (offering.capacity, offering.mode, offering.location) == (3, "on_site", "Barcelona, Campus Diagonal")
