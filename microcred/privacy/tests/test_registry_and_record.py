"""Every personal-data field is declared, and the record of processing activities (GDPR Art. 30) is built from the
declarations, the retention schedule and the notice in force."""

import csv
import io
import json
from dataclasses import replace

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.db import models
from django.test import override_settings

from microcred.privacy import registry, ropa
from microcred.privacy.registry import NoPersonalData, activities, declarations, looks_personal, problems
from microcred.privacy.tests.conftest import make_notice, text
from microcred.roles import Role

# -- The registry ------------------------------------------------------------------------------------------


def test_every_model_field_that_holds_personal_data_is_declared():
    assert problems() == []


def test_an_undeclared_personal_field_is_named():
    declared = dict(declarations())
    user = declared["accounts.User"]
    declared["accounts.User"] = replace(user, fields={k: v for k, v in user.fields.items() if k != "email"})
    assert problems(declared) == ["accounts.User.email looks like personal data and is not declared."]


def test_an_undeclared_model_is_named():
    declared = {label: d for label, d in declarations().items() if label != "wallet.ShareLink"}
    assert problems(declared) == [
        "wallet.ShareLink is not declared: list its personal-data fields or declare it holds none."
    ]


def test_a_model_said_to_hold_no_personal_data_is_checked_too():
    declared = {**declarations(), "credentials.IssuedCredential": NoPersonalData("credentials.IssuedCredential", "")}
    found = problems(declared)
    for name in ("learner_name", "learner_email", "learner_did", "issued_by", "revoked_by"):
        assert f"credentials.IssuedCredential.{name} looks like personal data but" in " ".join(found), name


def test_stale_declarations_are_named():
    user = declarations()["accounts.User"]
    declared = {
        **declarations(),
        "accounts.User": replace(user, fields={**user.fields, "nickname": "identity"}),
        "wallet.Bookmark": NoPersonalData("wallet.Bookmark", ""),
    }
    assert problems(declared) == [
        "accounts.User.nickname is declared but the model has no such field.",
        "wallet.Bookmark is declared but there is no such model.",
    ]


@pytest.mark.parametrize(
    ("field", "name", "personal"),
    [
        (models.GenericIPAddressField(), "client", True),
        (models.EmailField(), "contact", True),
        (models.CharField(max_length=10), "holder_did", True),
        (models.CharField(max_length=10), "ip_hash", True),
        (models.CharField(max_length=10), "email_hash", True),
        (models.CharField(max_length=10), "remote_addr", True),
        (models.CharField(max_length=10), "title", False),
        (models.CharField(max_length=10), "didactics", False),
    ],
)
def test_what_looks_like_personal_data(field, name, personal):
    field.set_attributes_from_name(name)
    assert looks_personal(field) is personal


def test_the_system_check_reports_an_undeclared_model(monkeypatch):
    registry.load()
    monkeypatch.delitem(registry.DECLARATIONS, "oid4vci.Delivery")
    errors = [e for e in run_checks(tags=["privacy"]) if e.id == "privacy.E001"]
    assert [e.msg for e in errors] == [
        "oid4vci.Delivery is not declared: list its personal-data fields or declare it holds none."
    ]


def test_the_system_check_reports_missing_retention_periods():
    days = {k: v for k, v in settings.RETENTION_DAYS.items() if k != "sessions"}
    with override_settings(RETENTION_DAYS=days):
        errors = [e for e in run_checks(tags=["privacy"]) if e.id == "privacy.E002"]
    assert len(errors) == 1 and "sessions" in errors[0].msg


# -- The record of processing activities --------------------------------------------------------------------


def _activity(record, key):
    return next(a for a in record["activities"] if a["activity"] == key)


@pytest.mark.django_db
def test_the_record_is_built_from_the_data_model_and_the_notice(notice):
    with override_settings(RETENTION_DAYS={**settings.RETENTION_DAYS, "unverified_accounts": 14}):
        record = ropa.build()
    assert [a["activity"] for a in record["activities"]] == list(activities())
    assert "controller@example.org" in record["controller"] and "dpo@example.org" in record["data_protection_officer"]
    assert record["privacy_notice_version"] == 1
    accounts = _activity(record, "accounts")
    assert accounts["lawful_basis"] == "a task carried out in the public interest (GDPR Art. 6(1)(e))"
    assert accounts["purpose_in_notice"] == "Purpose of accounts."
    categories = {p["category"]: p["fields"] for p in accounts["personal_data"]}
    assert "accounts.User.email" in categories["contact"] and "accounts.User.full_name" in categories["identity"]
    user_retention = next(r for r in accounts["retention"] if r["model"] == "accounts.User")
    assert "deleted 14 days after sign-up" in user_retention["rule"]
    assert accounts["security_measures"] and accounts["data_subjects"] and accounts["recipients"]
    # Every declared personal field is in the record, under its activity.
    in_record = {f for a in record["activities"] for p in a["personal_data"] for f in p["fields"]}
    declared = {
        f"{d.model}.{name}" for d in declarations().values() if isinstance(d, registry.Declaration) for name in d.fields
    }
    assert in_record == declared


@pytest.mark.django_db
def test_without_a_notice_the_record_says_what_it_lacks():
    record = ropa.build()
    assert record["controller"] == "not stated: no privacy notice in force"
    assert _activity(record, "learning")["lawful_basis"] == "not stated: no privacy notice in force"


@pytest.mark.django_db
def test_the_command_exports_csv_json_and_markdown(notice, tmp_path):
    for fmt in ("csv", "json", "md"):
        call_command("export_processing_record", "--format", fmt, "--out", str(tmp_path / f"record.{fmt}"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "record.csv").read_text(encoding="utf-8-sig"))))
    assert [r["activity"] for r in rows] == list(activities())
    assert "accounts.User.email" in rows[0]["fields holding them"]
    assert "public interest" in rows[0]["lawful basis"]
    assert json.loads((tmp_path / "record.json").read_text())["activities"][0]["activity"] == "accounts"
    markdown = (tmp_path / "record.md").read_text()
    assert "## Accounts and log-in" in markdown and "accounts.User.email" in markdown


@pytest.mark.django_db
def test_exported_cells_cannot_run_as_spreadsheet_formulas(db):
    make_notice(texts={"en": text(controller='=HYPERLINK("https://evil.example","click")')})
    body = ropa.render(ropa.build(), "csv").decode("utf-8-sig")
    controller = next(csv.DictReader(io.StringIO(body)))["controller"]
    assert controller.startswith("'=")


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_language(notice):
    with pytest.raises(CommandError, match="Unknown language 'xx'"):
        call_command("export_processing_record", "--language", "xx")


@pytest.mark.django_db
def test_only_the_alliance_admin_reads_and_downloads_the_record(client, notice, make_user):
    client.force_login(make_user(Role.LEARNER))
    assert client.get("/privacy/record/").status_code == 403
    assert client.get("/privacy/record/download.csv").status_code == 403
    client.force_login(make_user(Role.ALLIANCE_ADMIN))
    page = client.get("/privacy/record/").content.decode()
    assert "Record of processing activities" in page and "Enrolment and assessment" in page
    response = client.get("/privacy/record/download.md")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="record-of-processing-activities.md"'
    assert b"## Accounts and log-in" in response.content
    assert client.get("/privacy/record/download.exe").status_code == 404


@pytest.mark.django_db
def test_the_deployment_check_warns_without_a_notice_and_of_values_to_confirm():
    def warnings():
        found = run_checks(include_deployment_checks=True, databases=["default"], tags=["database"])
        return [e.id for e in found if e.id.startswith("privacy.")]

    assert warnings() == ["privacy.W001"]
    make_notice(to_confirm=["dpo"])
    assert warnings() == ["privacy.W002"]
    make_notice()
    assert warnings() == []
