"""Shared set-up of the credential benchmarks (bench_verify.py, bench_issuance.py); not a benchmark itself.

Builds, in the current (migrated, empty) database: the alliance and two member universities with issuers
and active Ed25519 keys (sealed with the KEK from the environment), and approved micro-credential versions
built like the credentials tests build them (catalogue.services.annex1_record, ESCO skills, learning
outcomes), so issue_credential composes realistic ~4-5 KB OpenBadgeCredentials.
"""

from __future__ import annotations

import base64
import secrets
import socket
from decimal import Decimal

from scratch import admin_sql  # noqa: F401 (the benchmarks import it from here)

PUBLIC_BASE_URL = "https://mc.example.eu"


def new_kek() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]



def make_world() -> list:
    """Institutions, issuers with keys, and three approved versions; returns the versions.

    [0] formal, awarded (and so issued) by UB; [1] formal by UU; [2] non-formal, issued by the alliance.
    """
    from django.contrib.auth import get_user_model

    from microcred.catalogue.kinds import issued_by_alliance
    from microcred.catalogue.models import MicroCredential, MicroCredentialVersion
    from microcred.catalogue.services import annex1_record
    from microcred.credentials.services.issuers import create_issuer_keys
    from microcred.proposals.models import LearningOutcome, Proposal, ProposalVersion
    from microcred.reference.models import EqfLevel, EscoSkill, Institution

    Institution.objects.create(slug="alliance", short_name="EXA", name="Example European University Alliance",
                               country="Belgium", country_code="BE", domain="alliance.example.eu", is_alliance=True)
    ub = Institution.objects.create(slug="ub", short_name="UB", name="University of Barcelona", country="Spain",
                                    country_code="ES", domain="ub.edu")
    uu = Institution.objects.create(slug="uu", short_name="UU", name="Utrecht University", country="Netherlands",
                                    country_code="NL", domain="uu.nl")
    create_issuer_keys()
    eqf = EqfLevel.objects.create(level=6, uri="http://data.europa.eu/snb/eqf/6", knowledge="Advanced knowledge",
                                  skills="Advanced skills", responsibility_autonomy="Manage complex activities")
    user = get_user_model().objects.create_user("bench-proposer@example.org", "a-long-bench-password",
                                                full_name="Bench Proposer")
    skills = [
        EscoSkill.objects.create(uri=f"http://data.europa.eu/esco/skill/bench-{n:04d}",
                                 preferred_label=f"analyse data, skill {n}")
        for n in range(4)
    ]
    versions = []
    specs = [
        ("formal", "micro_credential", ub, uu, "Data analysis for sustainable energy systems"),
        ("formal", "micro_credential", uu, ub, "Climate adaptation in European cities"),
        ("non_formal", "micro_credential", ub, uu, "Teamwork in international projects"),
    ]
    for n, (kind, credential_type, awarding, co_lead, title) in enumerate(specs, start=1):
        formal = kind == "formal"
        proposal = Proposal.objects.create(reference=f"BENCH-{n}", proposer=user, institution=awarding,
                                           status="approved")
        pv = ProposalVersion.objects.create(
            proposal=proposal, number=1, kind=kind, credential_type=credential_type, title=title,
            description="Learners analyse open data about energy use and present their findings. " * 3,
            criteria="Pass the final project.", hours=140, ects=Decimal("5.0") if formal else None,
            languages=["en", "es"], forms_of_participation=["online", "blended"],
            assessment_types=["written", "portfolio"],
            quality_assurance="Internal quality assurance of the accrediting university (ESG part 1).",
            eqf_level=eqf if formal else None, supervised_assessment=True, identity_verified=True,
            accrediting_institution=awarding, prerequisites="Basic statistics.",
            stackability="Stackable towards the alliance's data science pathway.",
            completion_criteria="Submit the final project and pass the written exam.",
            target_groups="Master students and professionals.",
        )
        pv.co_leads.set([co_lead])
        for order, skill in enumerate(skills[:3], start=1):
            outcome = LearningOutcome.objects.create(version=pv, order=order,
                                                     text=f"Learning outcome {order}: analyse and present data.")
            outcome.skills.set([skill])
        mc = MicroCredential.objects.create(slug=f"bench-{n}")
        version = MicroCredentialVersion.objects.create(
            micro_credential=mc, number=1, proposal=proposal, proposal_version=pv,
            approved_at="2026-06-01T10:00Z", title=title, kind=kind, credential_type=credential_type,
            ects=Decimal("5.0") if formal else None, eqf_level=6 if formal else None, awarding_institution=awarding,
            issued_by_alliance=issued_by_alliance(kind, credential_type), annex1=annex1_record(pv),
        )
        version.skills.set(skills[:3])
        versions.append(version)
    return versions


def learner(n: int) -> dict:
    """The learner fields of completion number n (names with non-ASCII letters, as in real data)."""
    first = ["Ana", "Jörg", "Zsófia", "Pieter", "Léa", "Miguel", "Eszter", "Jan"][n % 8]
    last = ["García", "van Dijk", "Nagy", "Müller", "Dubois", "Fernández", "Kovács", "de Vries"][(n // 8) % 8]
    return {"learner_name": f"{first} {last}", "learner_email": f"learner{n}@example.org",
            "grade": ["8.5", "7", "9.2", ""][n % 4] or None}
