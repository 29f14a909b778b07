"""Seal keys under a KEK rotation, and the system checks of the seals."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from microcred.credentials import keys
from microcred.credentials.tests.conftest import OTHER_KEK, TEST_KEK
from microcred.seals import checks, services
from microcred.seals.models import SealCertificate

pytestmark = pytest.mark.django_db


def test_rotate_seal_kek_reseals_under_the_new_kek(issuers, settings):
    seal = services.create_test_seal(issuers["ub"])
    settings.CREDENTIAL_KEK, settings.CREDENTIAL_KEK_PREVIOUS = OTHER_KEK, TEST_KEK
    out = io.StringIO()
    call_command("rotate_seal_kek", stdout=out)
    assert "1 seal key(s)" in out.getvalue()
    seal.refresh_from_db()
    assert keys.sealed_kek_id(seal.sealed_private_key) == keys.kek_id(keys.get_kek())
    settings.CREDENTIAL_KEK_PREVIOUS = ""
    services.private_key_of(seal)  # opens with the new KEK alone
    assert services.reseal_seal_keys() == 0  # idempotent


def ids(messages) -> list[str]:
    return sorted(m.id for m in messages)


def test_checks(issuers, settings):
    settings.DEBUG = False
    seal = services.create_test_seal(issuers["ub"])
    assert ids(checks.check_seal_certificates()) == ["seals.W002"]
    SealCertificate.objects.filter(pk=seal.pk).update(not_after=seal.not_after - timedelta(days=725))
    assert ids(checks.check_seal_certificates()) == ["seals.W001", "seals.W002"]
    settings.CREDENTIAL_KEK = OTHER_KEK
    assert "seals.E001" in ids(checks.check_seal_certificates())


def test_the_demo_gives_every_issuer_a_test_seal_once(issuers):
    from microcred.seals.demo import DEMO_STEPS, load_test_seals

    assert load_test_seals() == 3
    assert load_test_seals() == 0
    assert SealCertificate.objects.filter(is_test_seal=True, active=True).count() == 3
    assert [step.order for step in DEMO_STEPS] == [75]
