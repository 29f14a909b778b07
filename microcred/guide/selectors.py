"""The guide for learners (issue #13, item 4), read for its page and for `GET /api/v1/guidance` alike.

The target comes from `guidance.coverage` (an occupation, picked skills or a sentence); this module gathers what a
learner can take, as `coverage.Candidate`s: the listed micro-credentials passing the filters (the catalogue's
parameters and checks: `lang`, `form`, `university`, `ects_min`, `ects_max`, `starts_from`, `starts_to`, `cost`,
`max_fee`), their skills read from the catalogue's facet memory, and the published pathways, each covering the union
of the skills of its components that pass the filters. Only two queries touch the micro-credentials whatever their
number (their ids, and the components of pathways); the details (titles, next offerings) are read for the results
shown only.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from microcred.catalogue import cache as catalogue_cache
from microcred.catalogue import facet_memory
from microcred.catalogue import selectors as catalogue
from microcred.catalogue.models import MicroCredentialVersion
from microcred.credentials.selectors import credentials_of
from microcred.guidance import coverage, suggestions
from microcred.learning.catalogue_offerings import offerings_matching
from microcred.learning.models import Offering
from microcred.pathways.models import Pathway, PathwayComponent, PathwayVersion
from microcred.reference import selectors as reference

MICRO_CREDENTIAL = "micro_credential"
PATHWAY = "pathway"
KINDS = (MICRO_CREDENTIAL, PATHWAY)
MAX_TEXT = 500
MAX_REFERENCE = 300
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
TARGET_PARAMETERS = ("occupation", "skills", "text")
FILTER_PARAMETERS = (
    "lang",
    "form",
    "university",
    "ects_min",
    "ects_max",
    "starts_from",
    "starts_to",
    "cost",
    "max_fee",
)


class GuideInputError(catalogue.QueryError):
    """Bad parameters: `errors` maps a parameter to a message for people (as the catalogue's QueryError)."""


@dataclass(frozen=True, slots=True)
class NextOffering:
    id: int
    starts_on: dt.date
    university: str
    mode: str
    language: str
    fee: Decimal


@dataclass
class GuideResult:
    kind: str
    id: int  # the micro-credential's or the pathway's id
    slug: str
    title: str
    score: float
    covered: list[coverage.TargetSkill]
    missing: list[coverage.TargetSkill]
    ects: Decimal | None = None
    next_offering: NextOffering | None = None

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass
class GuideAnswer:
    target: coverage.Target
    results: list[GuideResult] = field(default_factory=list)
    combination: list[GuideResult] = field(default_factory=list)  # `covered`: what each step adds
    combination_score: float = 0.0
    combination_missing: list[coverage.TargetSkill] = field(default_factory=list)

    @property
    def combination_percent(self) -> int:
        return round(self.combination_score * 100)


def _values(params, name: str) -> list[str]:
    if hasattr(params, "getlist"):
        raw = params.getlist(name)
    else:
        value = params.get(name)
        raw = [] if value is None else value if isinstance(value, list | tuple) else [value]
    return [str(v) for v in raw]


def _one(params, name: str) -> str:
    values = _values(params, name)
    return values[-1].strip() if values else ""


def _skill_uris(params) -> list[str]:
    """The skill URIs given, comma-separated or repeated (a lone comma gives none)."""
    return [u.strip() for v in _values(params, "skills") for u in v.split(",") if u.strip()]


def parse_filters(params) -> catalogue.CatalogueQuery:
    """The filters, checked as the catalogue checks them (the same names and messages); GuideInputError if bad."""
    try:
        return catalogue.parse_query({name: _values(params, name) for name in FILTER_PARAMETERS})
    except catalogue.QueryError as error:
        raise GuideInputError(error.errors) from None


def parse_limit(params) -> int:
    raw = _one(params, "limit")
    if not raw:
        return DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
        raise GuideInputError({"limit": _("Give a whole number from 1 to %(high)d.") % {"high": MAX_LIMIT}})
    return int(raw)


def held_skills(user) -> tuple[frozenset[str], frozenset[int]]:
    """The ESCO skills (URIs) of the micro-credentials a learner holds (credentials not revoked), and their
    micro-credentials' ids."""
    versions = list(
        credentials_of(user)
        .filter(revoked_at__isnull=True, micro_credential_version__isnull=False)
        .values_list("micro_credential_version_id", "micro_credential_version__micro_credential_id")
    )
    if not versions:
        return frozenset(), frozenset()
    uris = MicroCredentialVersion.skills.through.objects.filter(
        microcredentialversion_id__in=[v for v, _m in versions]
    ).values_list("escoskill__uri", flat=True)
    return frozenset(uris), frozenset(m for _v, m in versions)


def parse_target(params, *, held: frozenset[str] = frozenset()) -> coverage.Target:
    """The target from exactly one of `occupation` (id, URI or the UUID ending it), `skills` (ESCO skill URIs, comma-
    separated or repeated) or `text` (a sentence, with `language`); GuideInputError naming what is wrong."""
    given = [
        name
        for name in TARGET_PARAMETERS
        if (_skill_uris(params) if name == "skills" else any(v.strip() for v in _values(params, name)))
    ]
    if len(given) != 1:
        message = (
            _("Name an occupation, pick skills or describe your goal.")
            if not given
            else _("Give only one of occupation, skills or text.")
        )
        raise GuideInputError({"target": message})
    name = given[0]
    if name == "occupation":
        value = _one(params, "occupation")
        occupation = reference.get_occupation(value) if len(value) <= MAX_REFERENCE else None
        if occupation is None or not occupation.is_current:
            raise GuideInputError({"occupation": _("There is no ESCO occupation “%(value)s”.") % {"value": value[:80]}})
        return coverage.target_for_occupation(occupation, held=held)
    if name == "skills":
        uris = _skill_uris(params)
        if len(uris) > coverage.MAX_PICKED_SKILLS or any(len(u) > MAX_REFERENCE for u in uris):
            raise GuideInputError(
                {"skills": _("Pick at most %(n)d ESCO skills, by their URIs.") % {"n": coverage.MAX_PICKED_SKILLS}}
            )
        unknown = coverage.unknown_skills(uris)
        if unknown:
            raise GuideInputError(
                {"skills": _("Not an ESCO skill: %(uris)s.") % {"uris": ", ".join(u[:120] for u in unknown[:5])}}
            )
        return coverage.target_for_skills(uris, held=held)
    text = _one(params, "text")
    if len(text) > MAX_TEXT:
        raise GuideInputError({"text": _("Describe your goal in at most %(n)d characters.") % {"n": MAX_TEXT}})
    language = _one(params, "language") or "en"
    if language not in suggestions.LANGUAGES:
        raise GuideInputError(
            {
                "language": _("The language of the text is one of: %(codes)s.")
                % {"codes": ", ".join(suggestions.LANGUAGES)}
            }
        )
    target = coverage.target_for_text(text, language=language, held=held)
    if not target.skills:
        raise GuideInputError({"text": _("No ESCO skill was found in this text: try other words.")})
    return target


# Candidates --------------------------------------------------------------------------------------------------------


@dataclass
class _Index:
    """What the guide ranks, kept per process: the listed micro-credentials (by title), their skills, which of them
    teach each skill (the columns of the sparse incidence matrix), and the published pathways' components."""

    key: tuple
    mc_ids: list[int]  # row -> micro-credential id
    version_ids: list[int]  # row -> its listed version's id
    skills: list[frozenset[str]]  # row -> ESCO skill URIs
    postings: dict[str, list[int]]  # skill URI -> rows teaching it
    row_of_version: dict[int, int]
    row_of_mc: dict[int, int]
    pathways: list[tuple[int, list[int]]]  # (pathway version id, rows of its listed components), by title
    shown: dict[int, tuple[str, str, Decimal | None]]  # micro-credential id -> (slug, title, ECTS)
    facet_rows: dict[tuple[str, str], set[int]]  # (facet, value) -> rows having it (skills apart: postings)
    pathways_shown: dict[int, tuple[int, str, str]]  # pathway version id -> (pathway id, slug, title)


_index_lock = threading.Lock()
_index_cache: _Index | None = None


def _pathways_stamp() -> tuple:
    """Changes when a pathway is published, changed or retired (one small query)."""
    return tuple(
        PathwayVersion.objects.filter(is_current=True, pathway__status=Pathway.Status.PUBLISHED)
        .aggregate(n=Count("pk"), last=Max("pk"))
        .values()
    )


def _index() -> _Index:
    """The index for the catalogue's current generation (catalogue.cache: every change the catalogue shows) and the
    published pathways; built again when either moves on."""
    global _index_cache
    key = (catalogue_cache.generation(), _pathways_stamp())
    with _index_lock:
        if _index_cache is not None and _index_cache.key == key:
            return _index_cache
    listed = list(
        catalogue.listed_versions()
        .order_by("title", "pk")
        .values_list("pk", "micro_credential_id", "micro_credential__slug", "title", "ects")
    )
    rows = [(pk, mc) for pk, mc, _slug, _title, _ects in listed]
    snapshot = facet_memory.memory.snapshot([pk for pk, _mc in rows])
    skills = []
    postings: dict[str, list[int]] = {}
    facet_rows: dict[tuple[str, str], set[int]] = {}
    for row, (pk, _mc) in enumerate(rows):
        facets = snapshot.versions.get(pk)
        for facet, value in facets.pairs if facets else ():
            if facet != "skill":
                facet_rows.setdefault((facet, value), set()).add(row)
        taught = facets.by_facet.get("skill", frozenset()) if facets else frozenset()
        skills.append(frozenset(taught))
        for uri in taught:
            postings.setdefault(uri, []).append(row)
    row_of_mc = {mc: row for row, (_pk, mc) in enumerate(rows)}
    components: dict[int, list[int]] = {}
    found = (
        PathwayComponent.objects.filter(
            pathway_version__is_current=True, pathway_version__pathway__status=Pathway.Status.PUBLISHED
        )
        .order_by("pathway_version__title", "pathway_version_id", "order", "pk")
        .values_list("pathway_version_id", "micro_credential_id")
    )
    for version_id, mc in found:
        rows_of_path = components.setdefault(version_id, [])
        if mc in row_of_mc:
            rows_of_path.append(row_of_mc[mc])
    built = _Index(
        key=key,
        mc_ids=[mc for _pk, mc in rows],
        version_ids=[pk for pk, _mc in rows],
        skills=skills,
        postings=postings,
        row_of_version={pk: row for row, (pk, _mc) in enumerate(rows)},
        row_of_mc=row_of_mc,
        pathways=list(components.items()),
        shown={mc: (slug, title, ects) for _pk, mc, slug, title, ects in listed},
        facet_rows=facet_rows,
        pathways_shown={
            pk: (pathway_id, slug, title)
            for pk, pathway_id, slug, title in PathwayVersion.objects.filter(pk__in=list(components)).values_list(
                "pk", "pathway_id", "pathway__slug", "title"
            )
        },
    )
    with _index_lock:
        _index_cache = built
    return built


def reset_index() -> None:
    global _index_cache
    with _index_lock:
        _index_cache = None


def _allowed_rows(index: _Index, q: catalogue.CatalogueQuery) -> set[int] | None:
    """The rows passing the filters (None: every row)."""
    allowed: set[int] | None = None
    if q.ects_min is not None or q.ects_max is not None or q.has_offering_filter:
        qs = catalogue.versions_matching(q)  # no text: the guide's filters have none
        allowed = {index.row_of_version[pk] for pk in qs.values_list("pk", flat=True) if pk in index.row_of_version}
    for facet, values in q.filters.items():  # OR within a facet, AND across facets, as in the catalogue
        if not values:
            continue
        if facet == "skill":
            having = {row for uri in values for row in index.postings.get(uri, ())}
        else:
            having = set().union(*(index.facet_rows.get((facet, value), set()) for value in values))
        allowed = having if allowed is None else allowed & having
    return allowed


@dataclass
class Candidates:
    micro_credentials: list[coverage.Candidate]
    pathways: list[coverage.Candidate]
    index: _Index
    allowed: set[int] | None  # the index's rows passing the filters (None: all)


def candidates(
    q: catalogue.CatalogueQuery, target: coverage.Target, *, exclude: frozenset[int] = frozenset()
) -> Candidates:
    """The micro-credentials and pathways passing the filters that teach some of the
    target's remaining skills, each with the target's skills it teaches (all that matters to the ranking), in title
    order; `exclude`: micro-credentials the learner holds (left out, and not counted in pathways: their skills are
    hers already). A pathway covers the union of its components that pass."""
    index = _index()
    allowed = _allowed_rows(index, q)
    excluded = {index.row_of_mc[mc] for mc in exclude if mc in index.row_of_mc}
    hits: dict[int, set[str]] = {}
    for skill in target.remaining:
        for row in index.postings.get(skill.uri, ()):
            if (allowed is None or row in allowed) and row not in excluded:
                hits.setdefault(row, set()).add(skill.uri)
    micro = [coverage.Candidate(MICRO_CREDENTIAL, index.mc_ids[row], frozenset(hits[row])) for row in sorted(hits)]
    paths = []
    for version_id, rows in index.pathways:
        taught = [hits[row] for row in rows if row in hits]
        if taught:
            paths.append(coverage.Candidate(PATHWAY, version_id, frozenset().union(*taught)))
    return Candidates(micro, paths, index, allowed)


# The answer --------------------------------------------------------------------------------------------------------


def _next_offerings(micro_credential_ids, q: catalogue.CatalogueQuery) -> dict[int, NextOffering]:
    found: dict[int, NextOffering] = {}
    rows = (
        offerings_matching(Offering.objects.filter(micro_credential_id__in=list(micro_credential_ids)), q)
        .order_by("starts_on", "pk")
        .values_list("micro_credential_id", "pk", "starts_on", "institution__name", "mode", "language", "fee")
    )
    for mc, pk, starts_on, university, mode, language, fee in rows:
        if mc not in found:
            found[mc] = NextOffering(pk, starts_on, university, mode, language, fee)
    return found


def _describe(ranked: list[coverage.Ranked], found: Candidates, q) -> list[GuideResult]:
    index, allowed = found.index, found.allowed
    mc_ids = {r.candidate.key for r in ranked if r.candidate.kind == MICRO_CREDENTIAL}
    path_ids = {r.candidate.key for r in ranked if r.candidate.kind == PATHWAY}
    components = {
        pv: [index.mc_ids[row] for row in rows if allowed is None or row in allowed]
        for pv, rows in index.pathways
        if pv in path_ids
    }
    every_mc = mc_ids | {mc for mcs in components.values() for mc in mcs}
    offerings = _next_offerings(every_mc, q)
    out = []
    for r in ranked:
        if r.candidate.kind == MICRO_CREDENTIAL:
            slug, title, ects = index.shown[r.candidate.key]
            out.append(
                GuideResult(
                    kind=MICRO_CREDENTIAL,
                    id=r.candidate.key,
                    slug=slug,
                    title=title,
                    score=r.score,
                    covered=r.covered,
                    missing=r.missing,
                    ects=ects,
                    next_offering=offerings.get(r.candidate.key),
                )
            )
        else:
            pathway_id, slug, title = index.pathways_shown[r.candidate.key]
            mine = [offerings[mc] for mc in components.get(r.candidate.key, []) if mc in offerings]
            ects = [index.shown[mc][2] for mc in components.get(r.candidate.key, [])]
            out.append(
                GuideResult(
                    kind=PATHWAY,
                    id=pathway_id,
                    slug=slug,
                    title=title,
                    score=r.score,
                    covered=r.covered,
                    missing=r.missing,
                    ects=sum((e for e in ects if e is not None), Decimal(0)) or None,
                    next_offering=min(mine, key=lambda o: (o.starts_on, o.id)) if mine else None,
                )
            )
    return out


def answer(
    target: coverage.Target,
    q: catalogue.CatalogueQuery,
    *,
    kinds=KINDS,
    limit: int = DEFAULT_LIMIT,
    exclude: frozenset[int] = frozenset(),
) -> GuideAnswer:
    """What covers the target best under the filters: micro-credentials and pathways (`kinds`) ranked together, and
    the best combination of micro-credentials."""
    found = candidates(q, target, exclude=exclude)
    pool = (found.micro_credentials if MICRO_CREDENTIAL in kinds else []) + (found.pathways if PATHWAY in kinds else [])
    ranked = coverage.rank(target, pool, limit=limit)
    combination = coverage.best_combination(target, found.micro_credentials)
    described = _describe(ranked + combination.steps, found, q)
    return GuideAnswer(
        target=target,
        results=described[: len(ranked)],
        combination=described[len(ranked) :],
        combination_score=combination.score,
        combination_missing=combination.missing,
    )
