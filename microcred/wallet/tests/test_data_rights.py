"""Each app takes its own part in the learner's rights (GDPR Art. 15, 17, 20): the wallet runs the personal-data
registry's exporters and erasers and names no app itself."""

import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from microcred.privacy import registry
from microcred.wallet import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


@pytest.fixture
def holder(make_user):
    return make_user(email="katrin@example.org", password="katrin-password-42", full_name="Katrin Weber")


@pytest.fixture
def fake_app(monkeypatch):
    """Register a made-up app's part, as its `personal_data` module would, and remove it afterwards."""
    registry.load()

    def register(**kwargs):
        rights = registry.DataRights("fakeapp", **kwargs)
        monkeypatch.setitem(registry.DATA_RIGHTS, "fakeapp", rights)
        return rights

    return register


def _archive(user) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(services.export_my_data(user=user)))


def test_every_app_that_holds_a_learners_data_takes_its_part():
    rights = registry.data_rights()
    assert {r.app for r in registry.exporters()} >= {
        "accounts",
        "credentials",
        "wallet",
        "oid4vci",
        "audit",
        "learning",
        "privacy",
    }
    assert {r.app for r in registry.erasers()} >= {"accounts", "credentials", "wallet", "oid4vci"}
    assert rights["learning"].erase is None  # enrolments and results stay as the education record
    # The account is erased last: the other apps find the learner's data by its e-mail address.
    assert registry.erasers()[-1].app == "accounts"


def test_the_export_contains_the_grades_through_the_learning_app(holder, make_user, institution):
    from microcred.learning.models import Enrolment
    from microcred.learning.tests.factories import make_micro_credential, make_offering, record_result

    staff = make_user()
    offering = make_offering(
        micro_credential=make_micro_credential(institution=institution, proposer=staff),
        creator=staff,
        institution=institution,
    )
    enrolment = Enrolment.objects.create(
        offering=offering, learner=holder, status="enrolled", enrolled_at=timezone.now()
    )
    record_result(offering, enrolment, recorded_by=staff, grade="7.25")
    learning_part = registry.data_rights()["learning"].export(holder)
    assert [r["grade"] for r in learning_part["results.json"]] == ["7.25"]
    archive = _archive(holder)
    assert [(r["grade"], r["offering"]) for r in json.loads(archive.read("results.json"))] == [("7.25", offering.pk)]
    assert [r["offering"] for r in json.loads(archive.read("enrolments.json"))] == [offering.pk]


def test_a_registered_apps_export_is_in_the_archive(holder, fake_app):
    fake_app(export=lambda user: {"fake/notes.json": [{"owner": user.pk, "note": "Grüße"}], "fake/raw.bin": b"\x00"})
    archive = _archive(holder)
    assert json.loads(archive.read("fake/notes.json")) == [{"owner": holder.pk, "note": "Grüße"}]
    assert archive.read("fake/raw.bin") == b"\x00"
    assert "account.json" in archive.namelist()  # the other apps' parts are still there


def test_the_archive_follows_the_apps_order(holder, fake_app):
    fake_app(export=lambda user: {"fake.json": []}, export_order=15)
    names = [n for n in _archive(holder).namelist() if "/" not in n]
    assert names[:3] == ["README.txt", "account.json", "fake.json"]  # accounts 10, then 15
    assert names.index("share-links.json") < names.index("activity.json") < names.index("results.json")


def test_two_apps_may_not_export_the_same_file(holder, fake_app):
    fake_app(export=lambda user: {"account.json": {}})
    with pytest.raises(ValueError, match=r"fakeapp exports account\.json"):
        registry.personal_data_files(holder)


def test_erasure_runs_every_registered_eraser_before_the_account_is_closed(client, holder, fake_app):
    seen = []
    fake_app(erase=lambda user: seen.append((user.pk, user.email)), erase_order=500)
    client.force_login(holder)
    client.post(reverse("wallet:erase"), {"password": "katrin-password-42", "confirm": "on"})
    assert seen == [(holder.pk, "katrin@example.org")]  # ran once, while the account still had its address
    assert get_user_model().objects.get(pk=holder.pk).email == f"erased-{holder.pk}@invalid"


def test_an_eraser_that_fails_erases_nothing(holder, fake_app, issue):
    def broken(user):
        raise RuntimeError("disk full")

    credential = issue(learner_email="katrin@example.org", learner_name="Katrin Weber")
    link, _token = services.create_share_link(user=holder, credential_uuid=credential.uuid)
    fake_app(erase=broken, erase_order=500)  # after the share links, the offers and the credentials
    with pytest.raises(RuntimeError):
        services.erase_my_account(user=holder, password="katrin-password-42")
    user = get_user_model().objects.get(pk=holder.pk)
    assert user.email == "katrin@example.org" and user.is_active and user.erased_at is None
    credential.refresh_from_db()
    link.refresh_from_db()
    assert credential.learner_name == "Katrin Weber" and link.withdrawn_at is None


def test_an_apps_personal_data_module_is_found_by_its_functions(monkeypatch):
    """The registry reads `export_personal_data`, `erase_personal_data` and the orders from each installed app's
    `personal_data` module; a module with neither (declarations only) takes no part."""
    import sys
    import types

    from django.apps import apps

    registry.load()
    monkeypatch.setattr(registry, "DATA_RIGHTS", {})
    module = types.ModuleType("microcred.wallet.personal_data")
    module.export_personal_data = lambda user: {}
    module.ERASE_ORDER = 7
    module.erase_personal_data = lambda user: None
    declarations_only = types.ModuleType("microcred.catalogue.personal_data")
    monkeypatch.setitem(sys.modules, "microcred.wallet.personal_data", module)
    monkeypatch.setitem(sys.modules, "microcred.catalogue.personal_data", declarations_only)
    monkeypatch.setattr(
        apps, "get_app_configs", lambda: [apps.get_app_config("wallet"), apps.get_app_config("catalogue")]
    )
    registry._collect_data_rights()
    found = dict(registry.DATA_RIGHTS)
    assert found == {
        "wallet": registry.DataRights(
            "wallet", module.export_personal_data, module.erase_personal_data, registry.DEFAULT_ORDER, 7
        )
    }


def test_every_app_holding_learners_data_exports_it_or_says_why_not():
    assert registry.export_problems() == []
    assert set(registry.NOT_IN_EXPORT) == {"outbox", "sessions"}
    without_learning = {app: r for app, r in registry.data_rights().items() if app != "learning"}
    assert registry.export_problems(rights=without_learning) == [
        "The learning app holds learners' personal data (learning.Enrolment, learning.Result, learning.ResultImport) "
        "but takes no part in their data export: give its personal_data module an export_personal_data(user), or "
        "say why not (not_in_export)."
    ]


def test_the_system_check_names_an_app_left_out_of_the_export(monkeypatch):
    from django.core.checks import run_checks

    registry.load()
    monkeypatch.delitem(registry.NOT_IN_EXPORT, "outbox")
    errors = [e for e in run_checks(tags=["privacy"]) if e.id == "privacy.E003"]
    assert [e.msg.split(" holds")[0] for e in errors] == ["The outbox app"]
