"""A learner completes a pathway (issue #12, items 3-4), in a real browser: she sees in her wallet what remains,
the credential officer issues the credential of its last component, and the pathway credential appears in her
wallet with every format and in her learner record; axe-core on every page."""

from decimal import Decimal

import pytest

from microcred.pathways.tests.learner_fixtures import *  # noqa: F403 - kek, issuers, make_version, make_pathway, ...
from microcred.roles import Role
from tests.browser.helpers import issue_the_ready_credential, log_in, log_out

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def last_component(make_user, make_version, make_pathway, issuers, institution, learner, earn):
    """A pathway of two: she holds the first; she passed the offering of the second, not yet issued."""
    from microcred.learning.tests.factories import enrol_and_pass, make_offering, start_offering

    first = make_version(title="Data analysis", ects=Decimal("5.0"))
    second = make_version(title="Energy policy", ects=Decimal("3.0"))
    version = make_pathway([first, second], title="Sustainable data")
    earn(first)
    proposer = make_user((Role.PROPOSER, institution), email="proposer@ub.example")
    offering = start_offering(
        make_offering(micro_credential=second.micro_credential, creator=proposer, institution=institution)
    )
    make_user((Role.CREDENTIAL_OFFICER, institution), email="officer@ub.example", full_name="Marta Vidal")
    enrol_and_pass(offering, learner)
    return version


def test_a_learner_completes_the_last_component_and_the_pathway_credential_appears(page, last_component, tmp_path):
    log_in(page, "katrin@example.org", password="katrin-pass-42")
    page.goto("/wallet/")
    panel = page.get_by_role("region", name="My pathways")
    assert "Sustainable data" in panel.inner_text() and "1 more needed." in panel.inner_text()
    log_out(page)

    # The credential officer issues the credential of the last component.
    issue_the_ready_credential(page, "officer@ub.example")

    # The pathway credential is in her wallet, with every format, and in her learner record.
    log_in(page, "katrin@example.org", password="katrin-pass-42")
    page.goto("/wallet/")
    assert "✔ Completed" in page.get_by_role("region", name="My pathways").inner_text()
    page.get_by_role("link", name="Sustainable data", exact=True).click()
    page.check()
    assert "Energy policy" in page.content()
    starts = {"pdf": b"%PDF", "json": b"{", "png": b"\x89PNG", "svg": b"<svg", "elm": b"{"}
    for fmt, name in (
        ("pdf", "Certificate (PDF"),
        ("json", "Signed credential (JSON)"),
        ("png", "(PNG)"),
        ("svg", "(SVG)"),
        ("elm", "European Learning Model"),
    ):
        with page.expect_download() as download:
            page.get_by_role("link", name=name).first.click()
        path = tmp_path / f"pathway.{fmt}"
        download.value.save_as(path)
        assert path.read_bytes().startswith(starts[fmt]), fmt
    page.goto("/wallet/record/")
    assert "8 ECTS credits in total" in page.get_by_role("table").inner_text()
    assert "Sustainable data" in page.content()
