"""A learner's progress on the pathways (issue #12, item 3; policy 5.12): what she holds, what is done, what remains.

What a learner holds: her credentials that are ours (issued here), not revoked, for a micro-credential version.
Each counts with the ECTS of the version she earned. A credential counts for a component in any version of it,
unless the pathway version is ``pinned_only``: then only for the version the pathway pinned.

A pathway is *started* when she holds a credential of one of its components or is enrolled (or on the waiting
list) in an offering of one. Only the current version of a published pathway is followed.

Reads only (selectors-like); the award (award.py) and the pages build on ``evaluate_for``/``pathways_started``.
The queries are few and indexed whatever the number of pathways: her credentials (one query), the pathway
versions naming her micro-credentials (one query over PathwayComponent), then the rules in memory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from microcred.credentials.models import MICRO_CREDENTIAL_VERSION, IssuedCredential
from microcred.learning.models import Enrolment, Offering
from microcred.pathways import rules
from microcred.pathways.models import Pathway, PathwayComponent, PathwayVersion


@dataclass(frozen=True)
class Held:
    """One credential of hers that may count for a component."""

    credential_id: int  # IssuedCredential.pk
    micro_credential_id: int
    version_id: int
    ects: Decimal


@dataclass
class PathwayProgress:
    version: PathwayVersion
    rule: rules.Rule
    progress: rules.Progress
    counted: dict[int, Held]  # component (micro-credential id) → the credential that counts for it
    enrolled: set[int] = field(default_factory=set)  # components she is enrolled in (or waiting for)

    @property
    def met(self) -> bool:
        return self.progress.met

    @property
    def done(self) -> tuple[int, ...]:
        return self.progress.done

    @property
    def remaining(self) -> tuple[int, ...]:
        """Components not held yet (for n_of and min_ects requirements already met, none remain of them)."""
        return tuple(c for r in self.progress.requirements if not r.met for c in r.remaining)

    @property
    def evidence(self) -> list[int]:
        """The credentials (pks) that count towards the pathway, in the rule's order."""
        return [self.counted[c].credential_id for c in self.rule.components if c in self.counted]


def _mine(user) -> Q:
    mine = Q(learner=user)
    if getattr(user, "email", ""):
        mine |= Q(learner__isnull=True, learner_email__iexact=user.email)
    return mine


def holdings(user) -> list[Held]:
    """Her credentials that count: ours, for a micro-credential version, not revoked."""
    rows = IssuedCredential.objects.filter(
        _mine(user), source_type=MICRO_CREDENTIAL_VERSION, revoked_at__isnull=True
    ).values_list(
        "pk",
        "micro_credential_version_id",
        "micro_credential_version__micro_credential_id",
        "micro_credential_version__ects",
    )
    return [Held(pk, mc, version, Decimal(ects or 0)) for pk, version, mc, ects in rows]


def _pinned(version_ids: list[int]) -> dict[int, dict[int, int]]:
    """pathway version → {micro-credential → the version it pinned}."""
    pinned: dict[int, dict[int, int]] = defaultdict(dict)
    if not version_ids:
        return pinned
    for pv, mc, mcv in PathwayComponent.objects.filter(pathway_version_id__in=version_ids).values_list(
        "pathway_version_id", "micro_credential_id", "micro_credential_version_id"
    ):
        pinned[pv][mc] = mcv
    return pinned


def _counted(version: PathwayVersion, rule: rules.Rule, held: list[Held], pinned: dict[int, int]) -> dict[int, Held]:
    components = set(rule.components)
    counted: dict[int, Held] = {}
    for h in held:
        if h.micro_credential_id not in components:
            continue
        if version.pinned_only and pinned.get(h.micro_credential_id) != h.version_id:
            continue
        best = counted.get(h.micro_credential_id)
        if best is None or h.ects > best.ects:  # the same micro-credential earned twice: the larger counts
            counted[h.micro_credential_id] = h
    return counted


def evaluate_for(version: PathwayVersion, held: list[Held], pinned: dict[int, int] | None = None) -> PathwayProgress:
    """Her progress on one pathway version, given what she holds."""
    rule = version.parsed_rule()
    if pinned is None:
        pinned = _pinned([version.pk])[version.pk]
    counted = _counted(version, rule, held, pinned)
    progress = rules.evaluate(rule, {c: h.ects for c, h in counted.items()})
    return PathwayProgress(version, rule, progress, counted)


def pathways_touching(micro_credential_ids) -> list[PathwayVersion]:
    """The current versions of published pathways with one of these micro-credentials as a component (two indexed
    queries; the long texts of a version are not read)."""
    ids = set(micro_credential_ids)
    if not ids:
        return []
    version_ids = set(
        PathwayComponent.objects.filter(
            micro_credential_id__in=ids,
            pathway_version__is_current=True,
            pathway_version__pathway__status=Pathway.Status.PUBLISHED,
        ).values_list("pathway_version_id", flat=True)
    )
    if not version_ids:
        return []
    return list(
        PathwayVersion.objects.filter(pk__in=version_ids)
        .select_related("pathway")
        .defer("description", "search_text", "approval_note", "pathway__retirement_reason")
        .order_by("pathway__slug")
    )


def _enrolled_components(user) -> set[int]:
    return set(
        Enrolment.objects.filter(learner=user, status__in=Enrolment.ACTIVE, offering__ends_on__gte=timezone.localdate())
        .values_list("offering__micro_credential_id", flat=True)
        .distinct()
    )


def evaluate_learner(user, *, held: list[Held] | None = None) -> list[PathwayProgress]:
    """Her progress on every pathway she holds a component of (what the award re-evaluates after a credential)."""
    held = holdings(user) if held is None else held
    versions = pathways_touching(h.micro_credential_id for h in held)
    pinned = _pinned([v.pk for v in versions if v.pinned_only])  # only those pinned read their pins
    return [evaluate_for(v, held, pinned[v.pk]) for v in versions]


def pathways_started(user) -> list[PathwayProgress]:
    """Her progress on every pathway she has started: a component earned, or enrolled in (shown to her)."""
    if not getattr(user, "is_authenticated", False):
        return []
    held = holdings(user)
    enrolled = _enrolled_components(user)
    versions = pathways_touching({h.micro_credential_id for h in held} | enrolled)
    pinned = _pinned([v.pk for v in versions if v.pinned_only])
    found = []
    for version in versions:
        item = evaluate_for(version, held, pinned[version.pk])
        item.enrolled = enrolled & set(item.rule.components)
        found.append(item)
    return found


@dataclass(frozen=True)
class ComponentRow:
    micro_credential_id: int
    title: str
    slug: str
    ects: Decimal | None
    done: bool
    enrolled: bool
    offerings: list  # the next open offerings of it (learning.Offering), soonest first


def next_offerings(micro_credential_ids, *, per_component: int = 3) -> dict[int, list[Offering]]:
    """The next offerings open for enrolment of each micro-credential, soonest first."""
    found: dict[int, list[Offering]] = defaultdict(list)
    offerings = (
        Offering.objects.filter(micro_credential_id__in=set(micro_credential_ids), enrolment_closes__gte=timezone.now())
        .select_related("institution", "version")
        .order_by("starts_on", "pk")
    )
    for offering in offerings:
        if len(found[offering.micro_credential_id]) < per_component:
            found[offering.micro_credential_id].append(offering)
    return found


def component_rows(item: PathwayProgress) -> list[ComponentRow]:
    """Each component of the pathway, in the rule's order, with what she did and where it is next offered."""
    components = {
        c.micro_credential_id: c
        for c in item.version.components.select_related("micro_credential", "micro_credential_version")
    }
    ids = list(item.rule.components)
    offerings = next_offerings([c for c in ids if c not in item.counted])
    rows = []
    for mc in ids:
        component = components.get(mc)
        if component is None:
            continue
        version = component.micro_credential_version
        rows.append(
            ComponentRow(
                micro_credential_id=mc,
                title=version.title,
                slug=component.micro_credential.slug,
                ects=item.counted[mc].ects if mc in item.counted else version.ects,
                done=mc in item.counted,
                enrolled=mc in item.enrolled,
                offerings=offerings.get(mc, []),
            )
        )
    return rows


def titles_of(item: PathwayProgress) -> dict[int, str]:
    return {r.micro_credential_id: r.title for r in component_rows(item)}
