"""The alliance's notice as shipped reference data: checked before anything is written, published once, idempotent."""

import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from microcred.audit.models import AuditEvent
from microcred.privacy import selectors, services
from microcred.privacy.loader import FILE
from microcred.privacy.models import PrivacyNotice
from microcred.privacy.registry import activities
from microcred.reference.loader import DEFAULT_DATA_DIR, LoadError, load_reference_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(tmp_path):
    """The shipped alliance files, to change in tests."""
    shutil.copytree(DEFAULT_DATA_DIR / "alliance", tmp_path / "alliance")
    return tmp_path


def _edit(data_dir, change):
    path = data_dir / FILE
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_the_shipped_notice_is_published_as_version_1_and_a_second_load_changes_nothing():
    report = load_reference_data(only=["privacy_notice"])
    notice = selectors.current_notice()
    assert (notice.version, notice.origin, report["privacy notice"].created) == (1, "file", 1)
    english = notice.texts.get(language="en").content
    assert "protecciodedades@ub.edu" in english["dpo"]  # values are data, from the file
    assert {p["activity"] for p in english["purposes"]} == set(activities())  # every activity is described
    assert {"controller", "dpo", "purposes"} <= set(notice.to_confirm)  # marked for the alliance to confirm
    assert not notice.requires_consent
    assert AuditEvent.objects.filter(action="privacy.notice_published").count() == 1

    again = load_reference_data(only=["privacy_notice"])
    assert not again.changed
    assert PrivacyNotice.objects.count() == 1
    assert AuditEvent.objects.filter(action="privacy.notice_published").count() == 1


def test_a_changed_file_becomes_the_next_version_while_the_file_is_in_force(data_dir):
    load_reference_data(data_dir, only=["privacy_notice"])
    _edit(data_dir, lambda d: d.update(to_confirm=["transfers"]))
    report = load_reference_data(data_dir, only=["privacy_notice"])
    assert report["privacy notice"].updated == 1
    current = selectors.current_notice()
    assert (current.version, current.to_confirm, current.based_on.version) == (2, ["transfers"], 1)
    assert selectors.notice_by_version(1).to_confirm != ["transfers"]  # version 1 as it was


def test_the_alliance_admins_own_version_is_never_replaced_by_the_file(data_dir, make_user):
    load_reference_data(data_dir, only=["privacy_notice"])
    services.publish_notice(notice=services.create_draft(by=make_user()), by=None)
    _edit(data_dir, lambda d: d.update(to_confirm=[]))
    report = load_reference_data(data_dir, only=["privacy_notice"])
    assert not report.changed
    assert "kept the alliance admin's version 2" in " ".join(report.lines())
    assert selectors.current_notice().version == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("texts"), "missing or invalid 'texts'"),
        (lambda d: d["texts"]["en"].pop("dpo"), "The section “Data protection officer” is missing"),
        (lambda d: d["texts"]["en"]["purposes"][0].update(lawful_basis="tradition"), "GDPR Art. 6(1)"),
        (lambda d: d["texts"]["en"]["purposes"][0].update(activity="marketing"), "“marketing”"),
        (lambda d: d["texts"].update(pt=d["texts"]["en"]), "languages the interface does not offer: pt"),
        (lambda d: d["texts"].update(fr=d["texts"].pop("en")), "needs an English text"),
        (lambda d: d.update(to_confirm=["everything"]), "“Still to confirm” lists sections"),
    ],
)
def test_a_bad_file_is_refused_with_its_name_and_nothing_is_written(data_dir, change, message):
    _edit(data_dir, change)
    with pytest.raises(LoadError) as refused:
        load_reference_data(data_dir, only=["privacy_notice"])
    assert str(refused.value).startswith(FILE) and message in str(refused.value)
    assert not PrivacyNotice.objects.exists()
    assert not AuditEvent.objects.exists()


def test_the_command_says_what_is_wrong(data_dir):
    (data_dir / FILE).write_text("{ not json")
    with pytest.raises(CommandError, match=r"privacy_notice\.json line 1: not valid JSON"):
        call_command("load_reference_data", "--data-dir", str(data_dir), "--only", "privacy_notice")
