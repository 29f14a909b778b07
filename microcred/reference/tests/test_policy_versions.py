"""Policy versions as reference data (policy 10.2, 10.3): loaded from the shipped file, edited in the admin,
and refused, with a message saying what is wrong, when their thresholds or dates do not make sense."""

import datetime
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.reference.loader import LoadError, load_reference_data
from microcred.reference.models import PolicyVersion
from microcred.reference.selectors import policy_in_force
from microcred.reference.tests.esco_fixture import make_data_dir
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(tmp_path):
    return make_data_dir(tmp_path)


def test_the_shipped_policy_holds_the_thresholds_the_checklist_applied_before(data_dir):
    PolicyVersion.objects.all().delete()  # the migration's seed: load it from the file instead
    load_reference_data(data_dir, only=["policy"])
    policy = PolicyVersion.objects.get()
    assert (policy.effective_from, policy.review_due) == (datetime.date(2026, 5, 29), datetime.date(2028, 5, 1))
    assert (policy.min_principles_formal, policy.min_principles_non_formal, policy.min_universities_non_formal) == (
        4,
        3,
        2,
    )
    assert (policy.hours_per_ects_min, policy.hours_per_ects_max) == (25, 30)
    assert (policy.min_ects, policy.max_ects) == (Decimal("0.1"), None)
    assert policy_in_force(datetime.date(2026, 5, 29)) == policy
    assert policy_in_force(datetime.date(2026, 5, 28)) is None


def test_the_migration_seeds_the_same_policy_as_the_file(data_dir):
    seeded = PolicyVersion.objects.values().get()
    PolicyVersion.objects.all().delete()
    load_reference_data(data_dir, only=["policy"])
    loaded = PolicyVersion.objects.values().get()
    assert {k: v for k, v in seeded.items() if k != "id"} == {k: v for k, v in loaded.items() if k != "id"}


def test_a_policy_the_admin_edited_is_kept_when_the_file_is_loaded_again(data_dir):
    PolicyVersion.objects.filter(key="policy-2026-05").update(hours_per_ects_max=32)
    report = load_reference_data(data_dir, only=["policy"])
    assert report["policy versions"].unchanged == 1
    assert PolicyVersion.objects.get(key="policy-2026-05").hours_per_ects_max == 32


def _write_policy(data_dir, **changes):
    path = data_dir / "alliance" / "policy_versions.json"
    data = json.loads(path.read_text())
    data["versions"][0].update(changes)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"hours_per_ects_min": 31},
            "hours_per_ects_max: The most hours per ECTS credit cannot be fewer than the fewest",
        ),
        ({"review_due": "2026-01-01"}, "review_due: The review date must be after the date the policy takes effect"),
        ({"max_ects": "0.05"}, "max_ects: The most ECTS credits cannot be fewer than the fewest"),
        ({"min_principles_formal": 0}, "min_principles_formal: Ask for at least one educational principle"),
        ({"min_principles_formal": "four"}, "missing or invalid 'min_principles_formal'"),
        ({"effective_from": "29/05/2026"}, "'29/05/2026' is not a date (YYYY-MM-DD)"),
        ({"min_ects": "many"}, "'many' is not a number"),
    ],
)
def test_bad_policy_data_is_refused_with_a_clear_message(data_dir, changes, message):
    _write_policy(data_dir, **changes)
    with pytest.raises(LoadError) as refused:
        load_reference_data(data_dir, only=["policy"])
    assert "alliance/policy_versions.json: versions[1]" in str(refused.value)
    assert message in str(refused.value)


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.ALLIANCE_ADMIN, is_staff=True))
    return client


def _form(**changes):
    data = {
        "key": "policy-2028",
        "name": "Policy after the 2028 review",
        "effective_from": "2028-06-01",
        "review_due": "2030-05-01",
        "min_principles_formal": "5",
        "min_principles_non_formal": "3",
        "min_universities_non_formal": "2",
        "min_ects": "1",
        "max_ects": "",
        "hours_per_ects_min": "25",
        "hours_per_ects_max": "30",
        "require_esco_alignment": "on",
        "require_supporting_documents": "on",
        "source": "",
    }
    data.update(changes)
    return data


def test_the_admin_adds_a_policy_version_without_a_developer(admin_client):
    response = admin_client.post(reverse("admin:reference_policyversion_add"), _form())
    assert response.status_code == 302
    policy = PolicyVersion.objects.get(key="policy-2028")
    assert policy.min_principles_formal == 5
    assert policy_in_force(datetime.date(2028, 6, 1)) == policy
    assert policy_in_force(datetime.date(2028, 5, 31)).key == "policy-2026-05"
    assert AuditEvent.objects.filter(action="reference.policyversion.added").count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hours_per_ects_min": "35"}, "The most hours per ECTS credit cannot be fewer than the fewest."),
        ({"review_due": "2028-01-01"}, "The review date must be after the date the policy takes effect."),
        ({"min_ects": "0"}, "A formal programme gives at least some ECTS credits"),
        ({"effective_from": "2026-05-29"}, "already exists"),  # one version a day
    ],
)
def test_the_admin_is_told_what_is_wrong_with_a_policy_version(admin_client, changes, message):
    response = admin_client.post(reverse("admin:reference_policyversion_add"), _form(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PolicyVersion.objects.filter(key="policy-2028").exists()
