"""Small steps shared by the browser journeys."""

from playwright.sync_api import expect

PASSWORD = "a-long-test-password"


def log_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.check()


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state("load")


def load_small_reference_data(tmp_path):
    """The shipped alliance data (members, principles, areas, EQF, …) with a tiny ESCO set."""
    from microcred.reference.loader import load_reference_data
    from microcred.reference.tests.esco_fixture import make_data_dir

    load_reference_data(data_dir=make_data_dir(tmp_path))


def record_decision(page, proposal_pk, outcome, rationale):
    """On the proposal page, a meeting's chair (logged in) records `outcome` (the radio's label) with its rationale."""
    page.goto(f"/proposals/{proposal_pk}/")
    page.get_by_label(outcome, exact=True).check()
    page.get_by_role("textbox", name="Rationale").fill(rationale)
    page.get_by_role("button", name="Record the decision").click()
    page.check()
    if outcome == "Reject":  # a rejection is confirmed first (issue #16)
        page.get_by_role("button", name="Reject the proposal").click()
        page.check()


def issue_the_ready_credential(page, officer_email):
    """The credential officer logs in, issues the one credential ready in the queue, waits for the job, logs out."""
    log_in(page, officer_email)
    page.goto("/credentials/issue/")
    page.get_by_role("button", name="Issue 1 credential").click()
    page.check()
    page.get_by_role("button", name="Issue 1 credential").click()  # the confirmation step (issue #16)
    page.check()
    wait_for_job_progress(page, 1)
    log_out(page)


def wait_for_job_progress(page, done):
    """Wait until the issuance job's progress bar shows `done` credentials.

    Playwright's `expect` polls from its own injected script. `page.wait_for_function("...")` would
    not do: once its first look is false it re-evaluates the string in the page, which our
    Content-Security-Policy (no 'unsafe-eval') forbids, so it failed only when the page was slow.
    """
    expect(page.locator("#job-progress")).to_have_js_property("value", done)


def verify_file(page, path):
    """Upload a file to the /verify/ page and wait for the result."""
    page.goto("/verify/")
    page.get_by_label("Or upload a file (JSON, PNG, SVG, SD-JWT or sealed ELM)").set_input_files(str(path))
    page.get_by_role("button", name="Verify").click()
    page.check()


def refuse_recognition(page, title, reason):
    """A recognition officer (logged in) opens the request for `title` from the queue and refuses it."""
    page.goto("/recognition/queue/")
    page.get_by_role("link", name=title).click()
    page.check()
    page.get_by_label("Refused").check()
    page.get_by_label("Reason").fill(reason)
    page.get_by_role("button", name="Record the decision").click()
    page.check()
    confirm_refusal(page, reason)


def confirm_refusal(page, reason):
    """The confirmation step of a refusal (issue #16): it quotes the reason the learner will read; confirm it."""
    assert f"reads your reason: “{reason}”" in page.locator("main").inner_text()
    page.get_by_role("button", name="Refuse recognition").click()
    page.check()


def appeal_recognition(page, title, reason):
    """The learner (logged in) appeals the refused request for `title`."""
    page.goto("/recognition/")
    page.get_by_role("link", name=title).click()
    page.check()
    page.get_by_label("Why you appeal").fill(reason)
    page.get_by_role("button", name="Send the appeal").click()
    page.check()


def recognise_on_appeal(page, title, ects, recognised_as):
    """A second recognition officer (logged in) recognises the appealed request for `title`."""
    page.goto("/recognition/queue/")
    page.get_by_role("link", name=title).click()
    page.check()
    page.get_by_label("Recognised", exact=True).check()
    page.get_by_label("ECTS credits recognised").fill(ects)
    page.get_by_label("Recognised as (course or module)").fill(recognised_as)
    page.get_by_role("button", name="Record the decision on the appeal").click()
    page.check()
