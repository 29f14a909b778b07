"""Browser tests: Playwright driving Debian's Chromium, with axe-core checking every page visited."""

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js").read_text()
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _each_story_starts_afresh():
    """Each journey is its own visitors' story: the rate-limit counters and cached pages another journey left in the
    (per-process) cache must not reach it (several journeys register katrin@example.org, some on two devices)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}; `make test` installs it with apt-get.")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class AccessibilityError(AssertionError):
    pass


def check_accessibility(page) -> list[dict]:
    """Run axe-core on the page; fail on serious or critical violations (WCAG 2.1 A/AA rules)."""
    page.evaluate(AXE_JS)
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    blocking = [v for v in result["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        summary = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in blocking
        ]
        raise AccessibilityError(f"{page.url}: " + json.dumps(summary, indent=1))
    return result["violations"]


# Where the journeys marked `screenshots` keep a picture of every page they check (test artefacts; CI uploads them).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# The viewports a test parametrized with `device` walks: a laptop, and a phone (as the phone walks ask).
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
}


class CheckedPage:
    """A Playwright page that runs the accessibility check after every navigation it is asked for (and keeps a
    screenshot of each checked page when `shots` names a folder)."""

    def __init__(self, page, base_url, shots: Path | None = None, *, phone: bool = False):
        self.page, self.base_url, self.checked_urls, self.shots, self.phone = page, base_url, [], shots, phone

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.check()
        return response

    def check(self):
        self.page.wait_for_load_state("load")
        check_accessibility(self.page)
        self.checked_urls.append(self.page.url)
        if self.phone:  # WCAG 2.1 1.4.10 Reflow: nothing makes a phone's page scroll sideways
            wide, viewport = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert wide <= viewport, f"{self.page.url}: the page is {wide} px wide on a {viewport} px phone"
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=self.shots / f"{len(self.checked_urls):02d}.png", full_page=True)

    def __getattr__(self, name):
        return getattr(self.page, name)


@pytest.fixture
def page(browser, live_server, request):
    device = getattr(request.node, "callspec", None) and request.node.callspec.params.get("device")
    context = browser.new_context(locale="en-GB", **DEVICES[device or "desktop"])
    shots = None
    if request.node.get_closest_marker("screenshots"):
        shots = SCREENSHOTS / "".join(c if c.isalnum() or c in "-_" else "-" for c in request.node.name)
    pw_page = context.new_page()
    pw_page.set_default_timeout(10_000)
    # Every page runs under our Content-Security-Policy: anything it blocks (an inline script or style a
    # template slipped in) is a failure of the test that visited the page.
    blocked = []
    pw_page.on(
        "console",
        lambda message: blocked.append(f"{pw_page.url}: {message.text}")
        if "Content Security Policy" in message.text
        else None,
    )
    yield CheckedPage(pw_page, live_server.url, shots, phone=device == "phone")
    context.close()
    assert not blocked, "The Content-Security-Policy blocked:\n" + "\n".join(blocked)
