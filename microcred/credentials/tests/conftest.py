"""Fixtures of the credentials tests: a KEK, the alliance and two members, approved micro-credential versions."""

from __future__ import annotations

import base64
import itertools
from datetime import date
from decimal import Decimal

import pytest

TEST_KEK = base64.urlsafe_b64encode(bytes(range(32))).decode()
OTHER_KEK = base64.urlsafe_b64encode(bytes(range(100, 132))).decode()
SKILLS = [
    ("http://data.europa.eu/esco/skill/0a1b2c3d-0000-4000-8000-000000000001", "analyse big data"),
    ("http://data.europa.eu/esco/skill/0a1b2c3d-0000-4000-8000-000000000002", "communicate with stakeholders"),
]
_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def kek(settings):
    settings.CREDENTIAL_KEK = TEST_KEK
    settings.PUBLIC_BASE_URL = "https://mc.example.eu"
    return TEST_KEK


@pytest.fixture
def alliance(db):
    from microcred.reference.models import Institution

    return Institution.objects.create(
        slug="alliance",
        short_name="EXA",
        name="Example European University Alliance",
        country="Belgium",
        country_code="BE",
        domain="alliance.example.eu",
        is_alliance=True,
    )


@pytest.fixture
def issuers(db, alliance, institution, other_institution):
    """Issuers (with one active key each) for the alliance, UB and UU."""
    from microcred.credentials.services.issuers import create_issuer_keys

    return {issuer.slug: issuer for issuer, _ in create_issuer_keys()}


@pytest.fixture
def eqf6(db):
    from microcred.reference.models import EqfLevel

    return EqfLevel.objects.create(
        level=6,
        uri="http://data.europa.eu/snb/eqf/6",
        knowledge="Advanced knowledge",
        skills="Advanced skills",
        responsibility_autonomy="Manage complex activities",
    )


@pytest.fixture
def make_version(db, make_user, institution, other_institution, eqf6):
    """An approved MicroCredentialVersion, published by the catalogue's own publishing service."""
    from microcred.catalogue.services import publish_approved_proposal
    from microcred.proposals.models import LearningOutcome, Proposal, ProposalVersion
    from microcred.reference.models import EscoSkill

    def make(
        *,
        kind="formal",
        credential_type="micro_credential",
        title="Data analysis for sustainability",
        ects=Decimal("5.0"),
        hours=140,
        awarding=None,
        co_leads=None,
        supervised=True,
        identity=True,
    ):
        n = next(_counter)
        awarding = awarding or institution
        proposer = make_user()
        proposal = Proposal.objects.create(
            reference=f"MC-T-{n:04d}", proposer=proposer, institution=awarding, status="approved"
        )
        formal = kind == "formal"
        pv = ProposalVersion.objects.create(
            proposal=proposal,
            number=1,
            kind=kind,
            credential_type=credential_type,
            title=title,
            description="Learners analyse open data about energy use and present findings.",
            criteria="Pass the final project.",
            hours=hours,
            ects=ects if formal else None,
            languages=["en", "es"],
            forms_of_participation=["online", "blended"],
            assessment_types=["written", "portfolio"],
            quality_assurance="Internal quality assurance of the accrediting university (ESG part 1).",
            eqf_level=eqf6 if formal else None,
            supervised_assessment=supervised,
            identity_verified=identity,
            accrediting_institution=awarding,
            prerequisites="Basic statistics.",
            stackability="Stackable towards the alliance's data science pathway.",
            completion_criteria="Submit the final project and pass the written exam.",
            target_groups="Master students and professionals.",
        )
        pv.co_leads.set(co_leads if co_leads is not None else [other_institution])
        skills = [
            EscoSkill.objects.get_or_create(uri=uri, defaults={"preferred_label": label})[0] for uri, label in SKILLS
        ]
        outcome1 = LearningOutcome.objects.create(version=pv, order=1, text="Analyse open energy data sets.")
        outcome1.skills.set(skills[:1])
        outcome2 = LearningOutcome.objects.create(version=pv, order=2, text="Présenter des résultats — clearly.")
        outcome2.skills.set(skills[1:])
        # Published as the workflow publishes an approved proposal: the issuer, the kind columns, the Annex 1
        # record, the skills and the co-leads all come from the production rules (catalogue.services).
        return publish_approved_proposal(proposal=proposal, actor=None)

    return make


@pytest.fixture
def issue(issuers, make_version):
    """issue(**overrides) → IssuedCredential, with sensible defaults for a formal micro-credential."""
    from microcred.credentials.services.issuance import issue_credential

    def run(version=None, **overrides):
        n = next(_counter)
        arguments = {
            "completion_key": f"completion-{n}",
            "micro_credential_version": version or make_version(),
            "learner_name": "Ana García",
            "learner_email": f"Learner{n}@Example.org",
            "awarded_on": date(2026, 7, 1),
        }
        arguments.update(overrides)
        return issue_credential(**arguments)

    return run


@pytest.fixture
def partner(settings):
    """Another university (outside the alliance) on 127.0.0.1 (tests/partner_host.py), whose did:web documents and
    status lists the verifier may fetch, over plain HTTP as only tests allow."""
    from django.core.cache import cache

    from microcred.credentials.tests.partner_host import PartnerHost

    cache.clear()
    host = PartnerHost()
    settings.REMOTE_DOCUMENTS_ALLOW_HTTP = True
    settings.DID_WEB_ALLOWED_HOSTS = [host.host]
    settings.STATUS_LIST_ALLOWED_HOSTS = [host.host]
    yield host
    host.close()
    cache.clear()
