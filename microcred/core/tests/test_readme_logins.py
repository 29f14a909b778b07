"""Issue #11: every log-in the README lists works, after the demo data is loaded as `make run` loads it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.utils import override_settings

README = Path(settings.BASE_DIR) / "README.md"
PASSWORD = re.search(r"password \*\*`([^`]+)`\*\*", README.read_text(encoding="utf-8")).group(1)


def readme_logins() -> list[str]:
    """The e-mail addresses of the README's demo log-in table, with its shorthand expanded."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("### Demo log-ins") : text.index("## Map of the code")]
    emails = set()
    for row in table.splitlines():
        if not row.startswith("| `"):
            continue
        cell = row.split("|")[1]
        for address in re.findall(r"`([^`]+)`", cell):
            if address.endswith("@…"):  # "manager.um@…": the domain of the row's first address
                address = address[:-1] + "demo.microcred.eu"
            if "…" not in address:
                emails.add(address)
        numbered = re.match(r".*`learner(\d+)@demo\.microcred\.eu` … `learner(\d+)@…`", cell)
        if numbered:
            first, last = int(numbered.group(1)), int(numbered.group(2))
            emails.update(f"learner{n:02d}@demo.microcred.eu" for n in range(first, last + 1))
    return sorted(emails)


def test_the_readme_table_is_read_whole():
    logins = readme_logins()
    for expected in (
        "admin@demo.microcred.eu",
        "manager.um@demo.microcred.eu",
        "officer.elte@demo.microcred.eu",
        "officer.aau@demo.microcred.eu",
        "learner01@demo.microcred.eu",
        "learner27@demo.microcred.eu",
    ):
        assert expected in logins, expected


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_readme_login_logs_in(client, tmp_path, settings):
    import base64

    from tests.browser.helpers import load_small_reference_data

    settings.CREDENTIAL_KEK = base64.urlsafe_b64encode(bytes(range(32))).decode()
    load_small_reference_data(tmp_path)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        call_command("load_demo_data", verbosity=0)
    failed = [email for email in readme_logins() if not client.login(email=email, password=PASSWORD)]
    assert failed == []
    # and the README names every demo account there is (none is left for people to guess)
    from django.contrib.auth import get_user_model

    demo_accounts = set(
        get_user_model().objects.filter(email__endswith="@demo.microcred.eu").values_list("email", flat=True)
    )
    assert demo_accounts - set(readme_logins()) == set()
