"""Fixtures of the recognition tests: UU's recognition officers, a learner with credentials of ours (issued by UB),
another issuer's credential (did:key), and an agreement."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest

from microcred.credentials.tests.conftest import *  # noqa: F403 - the issuing fixtures (kek, issuers, issue, ...)
from microcred.roles import Role


@pytest.fixture
def as_user(client):
    """as_user(user) → the test client, logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def uu(other_institution):
    return other_institution


@pytest.fixture
def officer(make_user, uu):
    return make_user((Role.RECOGNITION_OFFICER, uu), email="recognition.uu@example.org", full_name="Maarten Visser")


@pytest.fixture
def second_officer(make_user, uu):
    return make_user((Role.RECOGNITION_OFFICER, uu), email="recognition2.uu@example.org", full_name="Fleur Mulder")


@pytest.fixture
def ub_officer(make_user, institution):
    return make_user((Role.RECOGNITION_OFFICER, institution), email="recognition.ub@example.org")


@pytest.fixture
def learner(make_user):
    return make_user(Role.LEARNER, email="katrin@example.org", full_name="Katrin Weber")


@pytest.fixture
def version(make_version):
    return make_version(title="Data analysis for sustainability", ects=Decimal("5.0"))


@pytest.fixture
def credential(issue, learner, version):
    """One of ours (5 ECTS, EQF 6), issued by UB to the learner."""
    return issue(version=version, learner=learner, learner_email=learner.email, learner_name=learner.full_name)


@pytest.fixture
def partner_document(issue):
    """Another issuer's Open Badges 3.0 credential: a partner university outside the alliance, signed with did:key,
    no status list."""
    from microcred import vc

    key = vc.generate_private_key()
    did = vc.did_key(key.public_key())
    doc = {k: v for k, v in copy.deepcopy(issue().document).items() if k not in ("proof", "credentialStatus")}
    doc["id"] = "urn:uuid:6f1c2d9e-0000-4000-8000-00000000beef"
    doc["issuer"] = {"id": did, "type": ["Profile"], "name": "Partner University"}
    doc["credentialSubject"]["achievement"]["creator"] = doc["issuer"]
    return vc.sign(doc, key, vc.did_key_verification_method_id(key.public_key()))


@pytest.fixture
def agreement(officer, uu, version):
    from microcred.recognition import services

    return services.create_agreement(
        user=officer,
        micro_credential=version.micro_credential_id,
        institution=uu.pk,
        programme="MSc Sustainable Development",
        course="Data Science for Sustainability",
        ects=Decimal("5"),
        valid_from=dt.date(2026, 1, 1),
        valid_until=None,
    )


@pytest.fixture
def ask(learner, uu):
    """ask(**overrides) → a recognition request by the learner to UU."""
    from microcred.recognition import services

    def run(**overrides):
        arguments = {
            "learner": learner,
            "institution_id": uu.pk,
            "programme": "MSc Sustainable Development",
            "course_hoped": "Data Science for Sustainability",
            "message": "I took this in 2026.",
        }
        arguments.update(overrides)
        return services.submit_request(**arguments)

    return run
