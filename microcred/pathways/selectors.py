"""Read-only queries of the pathways app: the drafts of pathway proposals, the facts of their components, the
published pathways (listed, searched, one page each) and the pathways a micro-credential belongs to."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from microcred.catalogue.indexing import query_tokens
from microcred.catalogue.models import MicroCredential, MicroCredentialVersion
from microcred.learning.models import Offering
from microcred.pathways import rules
from microcred.pathways.models import Pathway, PathwayComponent, PathwayDraft, PathwayVersion
from microcred.reference.models import Institution

MAX_SEARCH_LENGTH = 200


# Proposals ---------------------------------------------------------------------------------------------------


def draft_for(proposal_version) -> PathwayDraft | None:
    """The pathway part of a proposal version: its own draft, or (for a version opened by "revisions requested",
    which copies only the proposal's common fields) the draft of the latest version before it."""
    return (
        PathwayDraft.objects.filter(
            proposal_version__proposal_id=proposal_version.proposal_id,
            proposal_version__number__lte=proposal_version.number,
        )
        .order_by("-proposal_version__number")
        .first()
    )


def draft_rule(proposal_version) -> dict:
    draft = draft_for(proposal_version)
    return draft.rule if draft is not None else {"requirements": []}


def draft_pinned_only(proposal_version) -> bool:
    draft = draft_for(proposal_version)
    return bool(draft and draft.pinned_only)


# Components --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentFacts:
    """What a pathway needs to know of a micro-credential named as a component, from its current version."""

    id: int
    slug: str
    status: str
    retired_at: object
    version_id: int
    version_number: int
    title: str
    ects: Decimal | None
    eqf_level: int | None
    awarding_institution_id: int
    university_ids: frozenset[int]
    issued_by_alliance: bool

    @property
    def published(self) -> bool:
        return self.status == MicroCredential.Status.PUBLISHED


def component_facts(ids) -> dict[int, ComponentFacts]:
    """{micro-credential id: ComponentFacts} for those of `ids` that are approved micro-credentials (they have a
    version), retired or not; an id missing from the answer is no approved micro-credential. Two queries."""
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    versions = (
        MicroCredentialVersion.objects.filter(micro_credential_id__in=ids, is_current=True)
        .select_related("micro_credential")
        .prefetch_related("co_lead_institutions")
    )
    facts = {}
    for v in versions:
        mc = v.micro_credential
        facts[mc.pk] = ComponentFacts(
            id=mc.pk,
            slug=mc.slug,
            status=mc.status,
            retired_at=mc.retired_at,
            version_id=v.pk,
            version_number=v.number,
            title=v.title,
            ects=v.ects,
            eqf_level=v.eqf_level,
            awarding_institution_id=v.awarding_institution_id,
            university_ids=frozenset({v.awarding_institution_id, *(i.pk for i in v.co_lead_institutions.all())}),
            issued_by_alliance=v.issued_by_alliance,
        )
    return facts


def proposable_components() -> list[tuple[int, str]]:
    """(id, "title — university, N ECTS") of every published micro-credential, for the pathway form."""
    versions = (
        MicroCredentialVersion.objects.filter(
            is_current=True, micro_credential__status=MicroCredential.Status.PUBLISHED
        )
        .select_related("awarding_institution")
        .order_by("title", "pk")
    )
    choices = []
    for v in versions:
        ects = f", {_plain(v.ects)} ECTS" if v.ects is not None else ""
        choices.append((v.micro_credential_id, f"{v.title} — {v.awarding_institution.short_name}{ects}"))
    return choices


def member_universities() -> QuerySet[Institution]:
    return Institution.objects.filter(is_alliance=False, is_active=True).order_by("name")


# Published pathways ------------------------------------------------------------------------------------------


def _with_components(qs: QuerySet[PathwayVersion]) -> QuerySet[PathwayVersion]:
    """Versions with what their pages show: universities and components with their micro-credentials."""
    return qs.select_related("pathway", "awarding_institution").prefetch_related(
        "co_lead_institutions",
        Prefetch(
            "components",
            queryset=PathwayComponent.objects.select_related(
                "micro_credential", "micro_credential_version__awarding_institution"
            ).order_by("order"),
        ),
    )


def _published_versions() -> QuerySet[PathwayVersion]:
    return PathwayVersion.objects.filter(is_current=True, pathway__status=Pathway.Status.PUBLISHED)


def _current_versions() -> QuerySet[PathwayVersion]:
    return _with_components(_published_versions())


def _matching(qs: QuerySet[PathwayVersion], search: str, university: str) -> QuerySet[PathwayVersion]:
    """`qs` narrowed to what `search` and `university` ask for (published_pathways), by title."""
    for token in query_tokens((search or "")[:MAX_SEARCH_LENGTH]):
        qs = qs.filter(search_text__contains=f" {token}")
    if university:
        qs = qs.filter(search_text__contains=f" u:{university} ")
    return qs.order_by("title", "pk")


def published_pathways(*, search: str = "", university: str = "") -> list[PathwayVersion]:
    """The current versions of the published pathways, by title; `search` matches words as prefixes of the words of
    their titles, descriptions, universities and components; `university` (a university's short name key) keeps
    those it is behind or teaches a component of."""
    return list(_matching(_current_versions(), search, university))


def first_published_pathways(*, search: str, limit: int) -> tuple[list[PathwayVersion], int]:
    """The first `limit` of published_pathways(search=search), read whole, and how many match in all. The matches
    are found by id alone: only those shown are read with their universities and components, however many match
    (the catalogue's search page shows a few beside its results, on every search)."""
    ids = list(_matching(_published_versions(), search, "").values_list("pk", flat=True))
    if not ids:
        return [], 0
    shown = {v.pk: v for v in _current_versions().filter(pk__in=ids[:limit])}
    return [shown[pk] for pk in ids[:limit] if pk in shown], len(ids)


def published_pathway(pathway_id: int) -> PathwayVersion | None:
    return _current_versions().filter(pathway_id=pathway_id).first()


def pathway_by_slug(slug: str) -> Pathway | None:
    return Pathway.objects.filter(slug=slug).first()


def version_of(pathway: Pathway, number: int | None = None) -> PathwayVersion | None:
    qs = _with_components(PathwayVersion.objects.filter(pathway=pathway))
    if number is None:
        return qs.filter(is_current=True).first() or qs.order_by("-number").first()
    return qs.filter(number=number).first()


def pathways_containing(micro_credential) -> list[PathwayVersion]:
    """The published pathways whose current version counts `micro_credential` as a component."""
    return list(
        PathwayVersion.objects.filter(
            is_current=True, pathway__status=Pathway.Status.PUBLISHED, components__micro_credential=micro_credential
        )
        .select_related("pathway")
        .order_by("title", "pk")
    )


@dataclass(frozen=True)
class ComponentView:
    """A component as a pathway page shows it: the version approved with the pathway, and where it stands now."""

    micro_credential_id: int
    slug: str
    title: str
    ects: Decimal | None
    eqf_level: int | None
    university: str
    url: str
    retired: bool
    retired_at: object
    pinned_number: int
    offerings: list = field(default_factory=list)


def next_offerings(components: list[PathwayComponent], *, pinned_only: bool, per_component: int = 3) -> dict:
    """{micro-credential id: its next offerings (starting today or later, soonest first)}, at most
    `per_component` each; with `pinned_only`, only the offerings of the pinned versions count. One query."""
    if not components:
        return {}
    qs = Offering.objects.filter(
        micro_credential_id__in=[c.micro_credential_id for c in components], starts_on__gte=timezone.localdate()
    )
    if pinned_only:
        qs = qs.filter(version_id__in=[c.micro_credential_version_id for c in components])
    found: dict[int, list] = defaultdict(list)
    for offering in qs.select_related("institution").order_by("starts_on", "pk"):
        if len(found[offering.micro_credential_id]) < per_component:
            found[offering.micro_credential_id].append(offering)
    return found


def component_views(version: PathwayVersion, *, with_offerings: bool = True) -> list[ComponentView]:
    components = list(version.components.all())
    offerings = next_offerings(components, pinned_only=version.pinned_only) if with_offerings else {}
    views = []
    for c in components:
        mcv, mc = c.micro_credential_version, c.micro_credential
        views.append(
            ComponentView(
                micro_credential_id=mc.pk,
                slug=mc.slug,
                title=mcv.title,
                ects=mcv.ects,
                eqf_level=mcv.eqf_level,
                university=mcv.awarding_institution.name,
                url=reverse("catalogue:detail", kwargs={"slug": mc.slug}),
                retired=mc.status == MicroCredential.Status.RETIRED,
                retired_at=mc.retired_at,
                pinned_number=mcv.number,
                offerings=offerings.get(mc.pk, []),
            )
        )
    return views


def titles_of(version: PathwayVersion) -> dict[int, str]:
    """{component id: title} of a version's components (the versions pinned at approval)."""
    return {c.micro_credential_id: c.micro_credential_version.title for c in version.components.all()}


def rule_in_words(version: PathwayVersion) -> list[str]:
    return rules.describe(version.parsed_rule(), titles_of(version))


def retired_components(version: PathwayVersion) -> list[PathwayComponent]:
    """The components retired since the pathway was approved (a change proposal is the way to replace them)."""
    return [c for c in version.components.all() if c.micro_credential.status == MicroCredential.Status.RETIRED]


def pathway_universities(version: PathwayVersion) -> list[Institution]:
    """The universities behind the pathway, the lead first, then its co-leads and those teaching a component."""
    seen, out = set(), []
    for institution in [
        version.awarding_institution,
        *version.co_lead_institutions.all(),
        *(c.micro_credential_version.awarding_institution for c in version.components.all()),
    ]:
        if institution.pk not in seen:
            seen.add(institution.pk)
            out.append(institution)
    return out


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
