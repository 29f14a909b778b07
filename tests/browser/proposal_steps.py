"""The proposal form walked step by step in the browser (issue #16): one page per step, "Save and continue"."""

STEP_TITLES = [
    "The basics",
    "Kind, workload and level",
    "Learning outcomes and skills",
    "Assessment",
    "Delivery and learners",
    "Principles, quality and resources",
    "Supporting documents",
    "Review and send",
]


def on_step(page, title):
    """The page is the step `title`: the progress marks it current, and the heading names it."""
    current = page.locator("nav.steps [aria-current=step]")
    assert title in current.inner_text(), f"{page.url}: on “{current.inner_text()}”, not “{title}”"
    number = STEP_TITLES.index(title) + 1
    assert f"Step {number} of {len(STEP_TITLES)}" in page.locator("#step-heading").inner_text()


def save_and_continue(page, next_title=None):
    """Save the step and go on (checked with axe); `next_title`: the step expected next."""
    page.get_by_role("button", name="Save and continue").click()
    page.check()
    if next_title:
        on_step(page, next_title)


def go_to_step(page, title):
    """Follow the progress list's link to the step `title` (unsaved input on the current step is not kept)."""
    page.locator("nav.steps").get_by_role("link", name=title).click()
    page.check()
    on_step(page, title)


def answer(page, field, choice):
    """Choose `choice` in the radio or checkbox group of the field `field` (the group's wrapper id is field-<name>)."""
    page.locator(f"#field-{field}").get_by_label(choice, exact=True).check()
