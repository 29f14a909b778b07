"""Test builders for the guide: micro-credentials published by the catalogue's service (with their languages, modes,
ECTS and ESCO skills), their offerings, and pathways made directly (their review is the pathways app's tests')."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from microcred.catalogue import services as catalogue
from microcred.learning.tests.factories import make_offering
from microcred.pathways.models import Pathway, PathwayComponent, PathwayVersion
from microcred.reference.models import EscoSkill, Institution
from microcred.reference.tests.esco_fixture import S
from microcred.roles import Role

_n = itertools.count(1)


def skill(uuid: str) -> EscoSkill:
    return EscoSkill.objects.get(uri=S + uuid)


def university(short: str) -> Institution:
    return Institution.objects.get(short_name=short)


def publish(make_user, title, skills, *, short="UB", languages=("en",), forms=("online",), ects=5):
    return catalogue.publish_imported_micro_credential(
        actor=make_user(Role.ALLIANCE_ADMIN),
        approval_note="Approved by the Academic Council on 1 March 2024.",
        title=title,
        awarding_institution=university(short),
        kind="formal",
        ects=ects,
        hours=25 * ects,
        eqf_level=6,
        languages=list(languages),
        forms_of_participation=list(forms),
        learning_outcomes=[("Do the work well.", [skill(s) for s in skills])],
        quality_assurance="Approved by the Academic Council.",
    ).micro_credential


def offer(make_user, micro_credential, *, days=30, fee=0, short="UB"):
    return make_offering(
        micro_credential=micro_credential,
        creator=make_user(),
        institution=university(short),
        starts_on=timezone.localdate() + dt.timedelta(days=days),
        ends_on=timezone.localdate() + dt.timedelta(days=days + 30),
        fee=Decimal(fee),
    )


def pathway(title, micro_credentials, *, short="UB"):
    n = next(_n)
    path = Pathway.objects.create(slug=f"guide-pathway-{n}")
    version = PathwayVersion.objects.create(
        pathway=path,
        number=1,
        title=title,
        description="Micro-credentials that add up.",
        awarding_institution=university(short),
        issued_by_alliance=True,
        rule={"requirements": [{"type": "all_of", "components": [m.pk for m in micro_credentials]}]},
        approved_at=timezone.now(),
        is_current=True,
    )
    for order, mc in enumerate(micro_credentials):
        PathwayComponent.objects.create(
            pathway_version=version, micro_credential=mc, micro_credential_version=mc.current_version, order=order
        )
    return version
