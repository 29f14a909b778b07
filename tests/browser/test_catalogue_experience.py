"""The catalogue as a next step (issue #16): defects 1 and 9 and "a learner goes from the catalogue card to a
confirmed enrolment in at most three clicks", on a desktop and a phone (375 px), every page checked by axe-core."""

import datetime as dt
import re

import pytest

from microcred.learning import services
from microcred.learning.models import Enrolment
from microcred.learning.tests.factories import make_micro_credential, make_offering
from microcred.roles import Role
from tests.browser.helpers import load_small_reference_data, log_in

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Life-cycle thinking for circular products"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 800}}


@pytest.fixture
def catalogue(make_user, tmp_path):
    """A micro-credential with prerequisites and two upcoming offerings: a full one (capacity 1) and a paid one with
    places left; a learner who has said her learner group."""
    from microcred.reference.models import Institution

    load_small_reference_data(tmp_path)
    ub = Institution.objects.get(short_name="UB")
    proposer = make_user((Role.PROPOSER, ub), email="laia@ub.example")
    mc = make_micro_credential(
        institution=ub, proposer=proposer, title=TITLE, prerequisites="A bachelor's degree in engineering or design."
    )
    full = make_offering(micro_credential=mc, creator=proposer, institution=ub, capacity=1)
    paid = make_offering(
        micro_credential=mc,
        creator=proposer,
        institution=ub,
        capacity=3,
        fee=450,
        mode="blended",
        location="Barcelona",
        starts_on=full.starts_on + dt.timedelta(days=60),
        ends_on=full.ends_on + dt.timedelta(days=60),
    )
    someone = make_user(Role.LEARNER, email="tomas@example.org", learner_group="lifelong_learner")
    services.enrol(user=someone, offering_id=full.pk, prerequisites_acknowledged=True)
    make_user(Role.LEARNER, email="katrin@example.org", full_name="Katrin Weber", learner_group="lifelong_learner")
    return {"mc": mc, "full": full, "paid": paid}


def no_horizontal_overflow(page):
    widths = page.evaluate("() => ({page: document.documentElement.scrollWidth, viewport: window.innerWidth})")
    assert widths["page"] <= widths["viewport"], widths


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_from_the_catalogue_card_to_a_confirmed_enrolment_in_three_clicks(browser, live_server, catalogue, viewport):
    from tests.browser.conftest import CheckedPage

    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-GB")
    page = CheckedPage(context.new_page(), live_server.url)
    page.set_default_timeout(10_000)
    try:
        log_in(page, "katrin@example.org")
        page.goto("/catalogue/")
        no_horizontal_overflow(page)
        card = page.locator(".results li", has_text=TITLE)
        # The card shows the next offering: dates, mode, language, fee, places left, and the step to take. The
        # next one is full: the step is the waiting list.
        text = card.inner_text()
        assert re.search(r"Next offering: \d{1,2} \w+ \d{4} to \d{1,2} \w+ \d{4}", text), text
        assert "taught in English" in text and "Free" in text and "Full: a waiting list is open" in text

        clicks = 0

        def click(locator):
            nonlocal clicks
            clicks += 1
            locator.click()

        click(card.get_by_role("link", name=re.compile(r"^Join the waiting list")))
        page.check()
        no_horizontal_overflow(page)
        click(page.get_by_label("I meet the prerequisites described above"))
        click(page.get_by_role("button", name="Join the waiting list"))
        page.check()
        no_horizontal_overflow(page)
        assert "number 1 on the waiting list" in page.content()
        assert clicks <= 3
        assert Enrolment.objects.get(learner__email="katrin@example.org").status == "waitlisted"
        # The micro-credential's page says so beside that offering, and fits the phone too.
        page.goto(f"/catalogue/{catalogue['mc'].slug}/")
        no_horizontal_overflow(page)
        assert "You are on the waiting list." in page.locator(f"#offering-{catalogue['full'].pk}").inner_text()
    finally:
        context.close()


def test_a_card_offers_enrol_with_places_left_and_the_fee(page, catalogue):
    from microcred.accounts.models import User

    log_in(page, "katrin@example.org")
    # Someone leaves the full offering: its place goes to nobody waiting, so the card says "Enrol" at once (the
    # rendered results are dropped when an enrolment changes).
    page.goto("/catalogue/")
    assert "Full: a waiting list is open" in page.locator(".results li", has_text=TITLE).inner_text()
    services.cancel_enrolment(
        user=User.objects.get(email="tomas@example.org"),
        offering_id=catalogue["full"].pk,
    )
    page.goto("/catalogue/")
    card = page.locator(".results li", has_text=TITLE)
    assert "1 place left of 1" in card.inner_text()
    card.get_by_role("link", name=re.compile(r"^Enrol")).click()
    page.check()
    page.get_by_label("I meet the prerequisites described above").check()
    page.get_by_role("button", name="Enrol").click()
    page.check()
    assert "You are enrolled" in page.content()


def test_the_micro_credential_page_offers_each_offering_and_brings_a_visitor_back_after_log_in(page, catalogue):
    # Defect 1: the page of the micro-credential had no action ("Full (3): join the waiting list" was plain text).
    page.goto(f"/catalogue/{catalogue['mc'].slug}/")
    full_row = page.locator(f"#offering-{catalogue['full'].pk}")
    paid_row = page.locator(f"#offering-{catalogue['paid'].pk}")
    assert "Full: a waiting list is open" in full_row.inner_text()
    assert "450 EUR" in paid_row.inner_text() and "3 of 3 left" in paid_row.inner_text()
    assert "English" in paid_row.inner_text()
    full_row.get_by_role("link", name="Log in to join the waiting list").click()
    page.check()
    page.get_by_label("E-mail address").fill("katrin@example.org")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.check()
    assert page.url.split("#")[0].endswith(f"/catalogue/{catalogue['mc'].slug}/")  # back where she was
    paid_row = page.locator(f"#offering-{catalogue['paid'].pk}")
    paid_row.get_by_label("I meet the prerequisites").check()
    paid_row.get_by_role("button", name=re.compile(r"^Enrol")).click()
    page.check()
    assert "You are enrolled" in page.content()
    page.goto(f"/catalogue/{catalogue['mc'].slug}/")
    assert "You are enrolled." in page.locator(f"#offering-{catalogue['paid'].pk}").inner_text()


def test_dates_numbers_and_language_names_in_french(browser, live_server, catalogue):
    # Defect 9: one date format per language, localised numbers, language names rather than codes.
    from tests.browser.conftest import CheckedPage

    context = browser.new_context(locale="fr-FR")
    page = CheckedPage(context.new_page(), live_server.url)
    try:
        page.goto(f"/catalogue/{catalogue['mc'].slug}/")
        row = page.locator(f"#offering-{catalogue['paid'].pk}").inner_text()
        assert re.search(
            r"\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}", row
        ), row
        assert not re.search(r"\d{4}-\d{2}-\d{2}", page.locator("main").inner_text())
        assert "Anglais" in row or "anglais" in row
        page.goto(f"/learning/offerings/{catalogue['paid'].pk}/")
        facts = page.locator("dl.facts").inner_text()
        assert not re.search(r"\d{4}-\d{2}-\d{2}", facts), facts
        assert re.search(r"\ben\b", facts) is None, facts  # "Anglais", not "en"
        assert "450 EUR" in facts.replace("\xa0", " ")  # French keeps the amount and currency together
    finally:
        context.close()
