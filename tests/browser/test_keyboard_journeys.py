"""Journeys 1, 5 and 7 walked with the keyboard only (issue #16; WCAG 2.1 2.1.1 Keyboard, 2.1.2 No Keyboard Trap,
2.4.1 Bypass Blocks, 2.4.3 Focus Order, 2.4.7 Focus Visible).

Only Tab, Shift+Tab, Enter, Space, the arrow keys and typing: no mouse, no element.click(). A walk opens a page by
its address only where a person would type it or follow a link from an e-mail. On every page it arrives at, the
walk first tours the whole page with Tab: every control is reached in turn, each shows where the focus is (a
computed outline or box shadow), and the focus leaves the page at its end, so nothing traps it; Shift+Tab goes back.
Then the skip link, the first stop, takes the focus to the main content. Every page is also checked by axe-core.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from microcred.credentials.tests.conftest import *  # noqa: F403 - kek, issuers, make_version, ...
from microcred.roles import Role
from tests.browser.helpers import PASSWORD, load_small_reference_data, wait_for_job_progress
from tests.browser.test_credential_journeys import finished_offering  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

# What has the focus: where it is in the document, a readable name for messages, and whether it is seen.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const name = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || el.id || '').trim();
  return {
    index: Array.prototype.indexOf.call(document.getElementsByTagName('*'), el),
    what: `${el.tagName.toLowerCase()} “${name.slice(0, 60)}”`,
    outlined: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    shadowed: !!style.boxShadow && style.boxShadow !== 'none',
    shown: box.width > 0 && box.height > 0 && style.visibility !== 'hidden',
    inMain: !!el.closest('main'),
    isSkipLink: el.classList.contains('skip-link'),
    isMain: el.id === 'main',
    // A date or time field: Tab stops at each of its parts (day, month, year) and at its calendar button, which
    // the browser rings itself (inside the field: the field is then not :focus, only :focus-within).
    inParts: ['date', 'time', 'datetime-local', 'month', 'week'].includes(el.type),
    onInnerButton: !el.matches(':focus') && el.matches(':focus-within'),
  };
}"""

# The controls the Tab key must reach: links, buttons, fields and summaries that are rendered and not taken out of
# the order; one radio button per group (the arrow keys move within a group).
TABBABLE = """() => {
  const radios = new Set();
  const all = document.getElementsByTagName('*');
  return Array.from(document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]'))
    .filter(el => {
      if (el.disabled || el.tabIndex < 0 || el.type === 'hidden') return false;
      if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') return false;
      if (el.type === 'radio') { if (radios.has(el.name)) return false; radios.add(el.name); }
      return true;
    })
    .map(el => [Array.prototype.indexOf.call(all, el), `${el.tagName.toLowerCase()} “${
      (el.getAttribute('aria-label') || el.innerText || el.value || el.name || '').trim().slice(0, 60)}”`]);
}"""


class Keyboard:
    """A person at the keyboard of `page` (a CheckedPage)."""

    def __init__(self, page):
        self.page = page
        self.toured: set[str] = set()  # a page seen again (the log-in page, a list) is not toured again

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUSED)

    def _seen(self, focus: dict) -> None:
        if focus["inParts"] and focus["onInnerButton"]:
            return  # the calendar button inside a date field, ringed by the browser itself
        assert focus["outlined"] or focus["shadowed"], f"{self.page.url}: no visible focus on {focus['what']}"
        assert focus["shown"], f"{self.page.url}: the focus is on {focus['what']}, which is not shown"

    def press(self, key: str) -> dict | None:
        self.page.keyboard.press(key)
        focus = self.focused()
        if focus is not None and not focus["isMain"]:
            self._seen(focus)
        return focus

    def tour(self) -> None:
        """Tab through the whole page, round from where the focus is (the page's start, or a field it focuses) back
        to it: every control is reached once, with its focus shown, and the focus moves on from each (no trap).
        Shift+Tab then goes back one stop."""
        path = self.page.evaluate("() => location.pathname")
        if path in self.toured:
            return
        self.toured.add(path)
        expected = dict(self.page.evaluate(TABBABLE))
        origin = self.focused()
        if origin is not None and origin["index"] not in expected:
            origin = None  # the main content (after the skip link): not a Tab stop itself
        visited: list[dict] = []
        left_the_page, stay = False, 0
        for _ in range(2 * len(expected) + 60):
            focus = self.press("Tab")
            if focus is None:  # past the last control, out of the page; the next Tab comes back in at its start
                assert not left_the_page, f"{self.page.url}: Tab finds no control"
                left_the_page = True
                continue
            if (origin is not None and focus["index"] == origin["index"]) or (
                visited and focus["index"] == visited[0]["index"]
            ):
                break  # all the way round
            if visited and focus["index"] == visited[-1]["index"]:
                stay = stay + 1 if focus["inParts"] else 99
                assert stay < 6, f"{self.page.url}: Tab leaves the focus on {focus['what']}: a trap"
                continue  # the next part of a date field
            stay = 0
            assert focus["index"] not in {v["index"] for v in visited}, (
                f"{self.page.url}: Tab came back to {focus['what']} before going round the page: a trap"
            )
            visited.append(focus)
        else:
            raise AssertionError(f"{self.page.url}: Tab never goes round the page: a trap near {visited[-1]['what']}")
        reached = {v["index"] for v in visited} | ({origin["index"]} if origin else set())
        missing = [what for index, what in expected.items() if index not in reached]
        assert not missing, f"{self.page.url}: Tab never reaches {missing}"
        if visited:
            back = self.press("Shift+Tab")
            assert back is None or back["index"] == visited[-1]["index"], (
                f"{self.page.url}: Shift+Tab goes to {back['what']}, not back to {visited[-1]['what']}"
            )
            self.press("Tab")

    def skip_to_main(self) -> None:
        """The skip link is the first Tab stop of the page, and Enter on it takes the focus to the main content."""
        first = self.page.evaluate(TABBABLE)[0][1]
        assert first == "a “Skip to main content”", f"{self.page.url}: the first Tab stop is {first}"
        self.tab_to(self.page.get_by_role("link", name="Skip to main content"))
        focus = self.press("Enter")
        assert focus is not None and focus["isMain"], f"{self.page.url}: the skip link left the focus on {focus}"
        focus = self.press("Tab")
        assert focus is None or focus["inMain"], f"{self.page.url}: after the skip link, Tab goes to {focus['what']}"

    def arrive(self) -> None:
        """On a new page: axe-core, the tour, then the skip link to the main content."""
        self.page.check()
        self.tour()
        self.skip_to_main()

    def open(self, path: str) -> None:
        """A page opened by its address (typed, or followed from an e-mail), then arrived at."""
        self.page.goto(path)  # checked by axe-core
        self.tour()
        self.skip_to_main()

    def tab_to(self, locator, *, backwards: bool = False) -> None:
        """Tab (or Shift+Tab) until `locator` has the focus; every stop on the way shows its focus."""
        for _ in range(400):
            if locator.evaluate("el => el === document.activeElement"):
                return
            self.press("Shift+Tab" if backwards else "Tab")
        raise AssertionError(f"{self.page.url}: the keyboard never reaches {locator}")

    def type_into(self, locator, text: str) -> None:
        """Tab to a field and type (a field reached by Tab has its text selected: typing replaces it)."""
        self.tab_to(locator)
        self.page.keyboard.type(text)

    def activate(self, locator, key: str = "Enter") -> None:
        """Tab to a link or button and press Enter; the page it opens is arrived at."""
        self.tab_to(locator)
        with self.page.expect_navigation():
            self.page.keyboard.press(key)
        self.arrive()

    def choose(self, radio) -> None:
        """Tab into a group of radio buttons, then move with the arrow keys until `radio` is chosen."""
        name = radio.get_attribute("name")
        for _ in range(400):
            if self.page.evaluate(f"() => document.activeElement && document.activeElement.name === {name!r}"):
                break
            self.press("Tab")
        for _ in range(20):
            if radio.evaluate("el => el === document.activeElement"):
                self.press("Space")
                assert radio.is_checked()
                return
            self.press("ArrowDown")
        raise AssertionError(f"the arrow keys never choose {radio}")


def log_in(page, kb, email, password=PASSWORD):
    kb.open("/accounts/login/")
    kb.type_into(page.get_by_label("E-mail address"), email)
    kb.type_into(page.get_by_label("Password"), password)
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a field sends its form
    kb.arrive()


def log_out(page, kb):
    kb.activate(page.get_by_role("button", name="Log out"))


# Journey 1 --------------------------------------------------------------------------------------------------------


@pytest.fixture
def cast(make_user, tmp_path):
    from microcred.reference.models import Institution

    load_small_reference_data(tmp_path)
    ub, tcd = Institution.objects.get(short_name="UB"), Institution.objects.get(short_name="TCD")
    return {
        "proposer": make_user((Role.PROPOSER, ub), email="laia@ub.example", full_name="Laia Puig"),
        "manager": make_user((Role.INSTITUTIONAL_MANAGER, ub), email="jordi@ub.example", full_name="Jordi Serra"),
        "secretary": make_user(Role.BOARD_SECRETARY, email="brid@alliance.example", full_name="Bríd Ní Bhriain"),
        "chair": make_user(Role.COUNCIL_CHAIR, email="pieter@alliance.example", full_name="Pieter Bakker"),
        "ub": ub,
        "tcd": tcd,
    }


def complete_the_draft(proposal, cast):
    """What the proposer fills in on the proposal form (its fields are walked by the proposal form's own tests)."""
    from microcred.proposals import services
    from microcred.reference.models import ContentArea, EducationalPrinciple, EqfLevel, EscoSkill

    services.save_draft(
        user=cast["proposer"],
        proposal_id=proposal.pk,
        data={
            "title": "Life-cycle thinking for circular products",
            "relevance": "r",
            "criteria": "c",
            "description": "d",
            "hours": 135,
            "hours_calculation": "h",
            "ects": 5,
            "eqf_level": EqfLevel.objects.get(level=7),
            "languages": ["en"],
            "forms_of_participation": ["blended"],
            "assessment_types": ["report"],
            "quality_assurance": "qa",
            "supervised_assessment": True,
            "identity_verified": True,
            "accredited_before_submission": True,
            "target_groups": "t",
            "skill_needs": "s",
            "co_leads": [cast["tcd"]],
            "content_areas": list(ContentArea.objects.all()[:1]),
            "has_financial_implications": False,
            "financial_implications": "",
            "principles": [(pr, "how") for pr in EducationalPrinciple.objects.all()[:4]],
            "outcomes": [("Manage a design project.", [EscoSkill.objects.get(preferred_label="manage projects")])],
        },
    )


def test_journey_1_by_keyboard_from_draft_to_catalogue(page, cast, live_server):
    from microcred.catalogue.models import MicroCredential
    from microcred.proposals import services
    from microcred.proposals.models import Meeting, Proposal
    from microcred.proposals.tests.approvals import hold_meeting_now

    services.create_meeting(
        user=cast["secretary"],
        body=Meeting.Body.ACADEMIC_COUNCIL,
        date=timezone.now() + dt.timedelta(days=10),
        location="Online",
    )
    kb = Keyboard(page)
    # The proposer starts a draft from the navigation and saves its title.
    log_in(page, kb, "laia@ub.example")
    kb.activate(page.get_by_role("navigation", name="Main").get_by_role("link", name="Proposals"))
    kb.type_into(page.get_by_label("Working title"), "Life-cycle thinking (half done)")
    kb.activate(page.get_by_role("button", name="Start a draft"))
    kb.type_into(page.get_by_label("Micro-credential title"), "Life-cycle thinking for circular products")
    kb.activate(page.get_by_role("button", name="Save draft"))
    proposal = Proposal.objects.get()
    assert proposal.current_version.title == "Life-cycle thinking for circular products"
    complete_the_draft(proposal, cast)
    kb.open(f"/proposals/{proposal.pk}/")
    kb.activate(page.get_by_role("button", name="Send to the institutional manager"))
    assert "Awaiting institutional approval" in page.content()
    log_out(page, kb)

    # The manager approves it from the list of what waits for her.
    log_in(page, kb, "jordi@ub.example")
    kb.activate(page.get_by_role("navigation", name="Main").get_by_role("link", name="Proposals"))
    kb.activate(page.get_by_role("link", name=proposal.reference).first)
    kb.activate(page.get_by_role("button", name="Approve for submission"))
    log_out(page, kb)

    # The secretary accepts it and puts it on the next council's agenda (the meeting is chosen already).
    log_in(page, kb, "brid@alliance.example")
    kb.open(f"/proposals/{proposal.pk}/")
    kb.activate(page.get_by_role("button", name="Accept as complete"))
    kb.activate(page.get_by_role("button", name="Put on this agenda"))
    log_out(page, kb)

    # On the meeting's day the chair records an approval with a condition: the outcome with the arrow keys.
    hold_meeting_now(proposal.agenda_items.get())
    log_in(page, kb, "pieter@alliance.example")
    kb.open(f"/proposals/{proposal.pk}/")
    kb.choose(page.get_by_label("Approve with conditions"))
    kb.type_into(page.get_by_role("textbox", name="Rationale"), "Well aligned with the alliance's principles.")
    kb.type_into(page.get_by_role("textbox", name="Condition 1", exact=True), "State the prerequisites explicitly.")
    kb.activate(page.get_by_role("button", name="Record the decision"))
    assert "Approved" in page.locator(".status").inner_text()
    mc = MicroCredential.objects.get()
    assert mc.current_version.number == 1

    # Its catalogue page, where learners will find it.
    kb.open(f"/catalogue/{mc.slug}/")
    assert "Life-cycle thinking for circular products" in page.get_by_role("heading", level=1).inner_text()


# Journey 5 --------------------------------------------------------------------------------------------------------


@pytest.fixture
def offering(make_user, tmp_path):
    """One place, held by Tomás; an assessor."""
    from microcred.learning import services
    from microcred.learning.tests.factories import make_micro_credential, make_offering
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


def test_journey_5_by_keyboard_wait_listed_promoted_assessed(page, offering, live_server):
    from microcred.learning.models import Enrolment
    from microcred.learning.tests.factories import record_result, start_offering

    kb = Keyboard(page)
    # She registers (her learner group with the arrow keys) and confirms her address from the e-mail.
    kb.open("/accounts/register/")
    kb.type_into(page.get_by_label("Full name"), "Katrin Weber")
    kb.type_into(page.get_by_label("E-mail address"), "katrin@example.org")
    kb.type_into(page.get_by_label("Password", exact=True), "circular-economy-42")
    kb.type_into(page.get_by_label("Password again"), "circular-economy-42")
    kb.choose(page.get_by_label("Lifelong learner or professional"))
    kb.activate(page.get_by_role("button", name="Create account"))
    path = re.search(r"https?://[^/\s]+(/accounts/verify/\S+/)", mail.outbox[-1].body).group(1)
    kb.open(path)
    log_in(page, kb, "katrin@example.org", "circular-economy-42")

    # The offering is full: she ticks the prerequisites with Space and joins the waiting list.
    kb.open("/learning/offerings/")
    kb.activate(page.get_by_role("link", name="Life-cycle thinking for circular products"))
    kb.tab_to(page.get_by_label("I meet the prerequisites described above"))
    page.keyboard.press("Space")
    assert page.get_by_label("I meet the prerequisites described above").is_checked()
    kb.activate(page.get_by_role("button", name="Join the waiting list"))
    assert "number 1 on the waiting list" in page.content()
    kb.activate(page.get_by_role("navigation", name="Main").get_by_role("link", name="My learning"))
    assert "number 1 in line" in page.content()
    log_out(page, kb)

    # Tomás cancels, through the confirmation step; she is promoted and told by e-mail.
    mail.outbox.clear()
    log_in(page, kb, "tomas@example.org")
    kb.activate(page.get_by_role("navigation", name="Main").get_by_role("link", name="My learning"))
    kb.activate(page.get_by_role("button", name=re.compile("Cancel enrolment")))
    kb.activate(page.get_by_role("button", name="Cancel my enrolment"))
    assert "Your enrolment is cancelled." in page.content()
    log_out(page, kb)
    assert any("A place is yours" in m.subject for m in mail.outbox if m.to == ["katrin@example.org"])
    enrolment = Enrolment.objects.get(learner__email="katrin@example.org")
    assert enrolment.status == "enrolled"

    # After the course (its results imported by the assessor: journey 6), she reads her result.
    start_offering(offering)
    record_result(
        offering,
        enrolment,
        grade="8",
        assessed_on=timezone.localdate() - dt.timedelta(days=1),
        recorded_by=offering.assessor_links.get().user,
    )
    log_in(page, kb, "katrin@example.org", "circular-economy-42")
    kb.activate(page.get_by_role("navigation", name="Main").get_by_role("link", name="My learning"))
    row = page.get_by_role("row", name=re.compile("Life-cycle thinking"))
    assert "Passed" in row.inner_text() and "8" in row.inner_text()


# Journey 7 --------------------------------------------------------------------------------------------------------


def test_journey_7_by_keyboard_issue_share_revoke_withdraw(page, browser, live_server, finished_offering, tmp_path):
    from tests.browser.conftest import check_accessibility

    kb = Keyboard(page)
    # The officer issues the offering's credentials, confirming the number, and the progress bar fills.
    log_in(page, kb, "officer@ub.example")
    kb.open("/credentials/issue/")
    kb.activate(page.get_by_role("button", name="Issue all 2 credentials"))
    assert "Issue 2 credentials for" in page.get_by_role("heading", level=1).inner_text()
    kb.tab_to(page.get_by_role("button", name="Issue all 2 credentials"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    wait_for_job_progress(page, 2)
    kb.arrive()
    log_out(page, kb)

    # The learner opens the credential from her wallet, downloads the certificate and makes a share link.
    log_in(page, kb, "katrin@example.org")
    kb.open("/wallet/")
    kb.activate(page.get_by_role("link", name="Data analysis for sustainability"))
    kb.tab_to(page.get_by_role("link", name="Certificate (PDF").first)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = tmp_path / "certificate.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    kb.type_into(page.get_by_label("Note for yourself (optional)"), "Acme application")
    kb.activate(page.get_by_role("button", name="Create a share link"))
    link = page.get_by_label("New share link").input_value()

    # The employer opens it, and walks that page with the keyboard too.
    employer_context = browser.new_context(locale="en-GB")
    employer = employer_context.new_page()
    employer.goto(link)
    check_accessibility(employer)
    Keyboard(employer).tour()
    assert "✔ Valid" in employer.content()
    log_out(page, kb)

    # The officer revokes it: the list's link, the reason, the confirmation.
    log_in(page, kb, "officer@ub.example")
    kb.open("/credentials/issued/")
    kb.activate(page.get_by_role("link", name="Revoke… the credential of Katrin Weber"))
    kb.type_into(page.get_by_label("Reason for revoking it"), "Issued to the wrong person.")
    kb.activate(page.get_by_role("button", name="Revoke the credential of Katrin Weber"))
    assert "The credential is revoked" in page.get_by_role("status").inner_text()
    employer.reload()
    assert "✖ Not valid" in employer.content()
    log_out(page, kb)

    # The learner withdraws the link, through its confirmation step: it says only that.
    log_in(page, kb, "katrin@example.org")
    kb.open("/wallet/")
    kb.activate(page.get_by_role("link", name="Data analysis for sustainability"))
    kb.activate(page.get_by_role("button", name="Withdraw"))
    kb.activate(page.get_by_role("button", name="Withdraw the link"))
    employer.goto(link)
    assert "This link was withdrawn" in employer.content()
    employer_context.close()


# The walk can fail -------------------------------------------------------------------------------------------------

UNSEEN_FOCUS = '<a href="#a">One</a> <a href="#b" style="outline: none">Two</a>'
TRAP = (
    '<a href="#a">One</a> <input id="trap" aria-label="Trap"> <a href="#b">Two</a>'
    "<script>document.getElementById('trap').addEventListener('keydown', e => {"
    " if (e.key === 'Tab') e.preventDefault(); });</script>"
)
UNREACHABLE = '<a href="#a">One</a> <a href="#b" tabindex="-1">Two</a> <button style="display: none">Hidden</button>'
NO_SKIP_LINK = '<a href="#a">One</a> <main id="main" tabindex="-1"><a href="#b">Two</a></main>'


@pytest.mark.parametrize(
    ("html", "message"),
    [(UNSEEN_FOCUS, "no visible focus"), (TRAP, "a trap"), (NO_SKIP_LINK, "the first Tab stop is")],
    ids=["focus-not-shown", "trap", "no-skip-link"],
)
def test_the_keyboard_walk_can_fail(page, html, message):
    page.page.set_content(f'<!DOCTYPE html><html lang="en"><body>{html}</body></html>')
    kb = Keyboard(page)
    with pytest.raises(AssertionError, match=message):
        kb.tour()
        kb.skip_to_main()


def test_controls_left_out_of_the_tab_order_on_purpose_are_not_missed(page):
    page.page.set_content(f'<!DOCTYPE html><html lang="en"><body>{UNREACHABLE}</body></html>')
    Keyboard(page).tour()  # the tabindex=-1 link and the hidden button are not controls the Tab key must reach
