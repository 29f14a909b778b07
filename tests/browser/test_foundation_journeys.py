"""The foundation as people meet it: register, confirm, log in, switch language, look around by role."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from microcred.roles import Role
from tests.browser.conftest import AccessibilityError, check_accessibility

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_learner_registers_confirms_and_logs_in(page, live_server):
    page.goto("/")
    page.get_by_role("link", name="Register").click()
    page.check()
    page.get_by_label("Full name").fill("Katrin Weber")
    page.get_by_label("E-mail address").fill("katrin@example.org")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Password again").fill("short")
    page.get_by_role("button", name="Create account").click()
    page.check()  # the page with errors is accessible too
    assert page.get_by_role("alert").is_visible()
    assert "too short" in page.content()
    assert "Choose the group you belong to" in page.content()  # the learner group is asked (issue #15)

    page.get_by_label("Password", exact=True).fill("circular-economy-42")
    page.get_by_label("Password again").fill("circular-economy-42")
    page.get_by_label("Lifelong learner or professional").check()
    page.get_by_label("Country where you live").select_option("NO")
    page.get_by_role("button", name="Create account").click()
    page.check()
    assert page.get_by_role("heading", name="Check your e-mail").is_visible()

    link = re.search(r"http://\S+/accounts/verify/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link.split("127.0.0.1:8000", 1)[1])
    assert "You can now log in" in page.content()
    page.get_by_label("E-mail address").fill("katrin@example.org")
    page.get_by_label("Password").fill("circular-economy-42")
    page.get_by_role("button", name="Log in").click()
    page.check()
    assert page.get_by_role("heading", name=re.compile("Welcome, Katrin")).is_visible()  # not asked again
    katrin = get_user_model().objects.get(email="katrin@example.org")
    assert (katrin.learner_group, katrin.country, katrin.age_band) == ("lifelong_learner", "NO", "")


def test_the_interface_switches_language(page):
    page.goto("/")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    page.check()
    assert page.locator("html").get_attribute("lang") == "es"


def test_keyboard_user_reaches_main_content_by_the_skip_link(page):
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip to main content" in focused
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_alliance_admin_sees_the_audit_log(page, make_user):
    make_user(Role.ALLIANCE_ADMIN, email="admin@example.org", password="admin-password-long", is_staff=True)
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("admin@example.org")
    page.get_by_label("Password").fill("admin-password-long")
    page.get_by_role("button", name="Log in").click()
    page.check()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
    page.check()
    assert "role.granted" in page.content()


def test_the_accessibility_check_can_fail(page):
    """The checker is real: a page with an unlabelled input and no alt text is refused."""
    page.goto("/")
    page.page.set_content('<html><body><main><img src="x.png"><input type="text"></main></body></html>')
    with pytest.raises(AccessibilityError):
        check_accessibility(page.page)
