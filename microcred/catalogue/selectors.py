"""Reading the public catalogue: parsing a search, finding, counting facets, and localising content.

The page and the API share `parse_query` (so both reject the same bad parameters) and `search`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import chain
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.utils.translation import gettext as _

from microcred.catalogue import facet_memory
from microcred.catalogue.indexing import query_tokens
from microcred.catalogue.kinds import CredentialKind, participation_badge_q
from microcred.catalogue.models import (
    CategoryOverview,
    MicroCredential,
    MicroCredentialTranslation,
    MicroCredentialVersion,
)
from microcred.catalogue.offerings import offering_reader
from microcred.proposals.choices import FormOfParticipation, Language
from microcred.proposals.selectors import condition_summaries

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_SEARCH_LENGTH = 200
SKILL_FACET_LIMIT = 15
SORTS = ("relevance", "title", "ects", "start")
KIND_VALUES = tuple(CredentialKind.values)
FACETS = ("area", "skill", "eqf", "lang", "form", "university", "kind")


@dataclass
class CatalogueQuery:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet -> accepted values (OR within a facet)
    ects_min: Decimal | None = None
    ects_max: Decimal | None = None
    starts_from: dt.date | None = None
    starts_to: dt.date | None = None
    cost: str = ""  # "", "free" or "paid"
    max_fee: Decimal | None = None
    sort: str = ""
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def tokens(self) -> list[str]:
        return query_tokens(self.text)

    @property
    def effective_sort(self) -> str:
        if self.sort:
            return self.sort
        return "relevance" if self.tokens else "title"

    @property
    def has_offering_filter(self) -> bool:
        return bool(self.starts_from or self.starts_to or self.cost or self.max_fee is not None)


class QueryError(ValueError):
    """Bad search parameters: `errors` maps a parameter to a message for people."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _decimal(raw: str) -> Decimal:
    value = Decimal(raw)
    if not value.is_finite() or value < 0 or value > 10000:
        raise InvalidOperation
    return value


def parse_query(params) -> CatalogueQuery:
    """Turn GET parameters (a QueryDict or a dict of lists) into a CatalogueQuery, or raise QueryError."""

    def getlist(name):
        if hasattr(params, "getlist"):
            return [v for v in params.getlist(name) if v != ""]
        value = params.get(name)
        if value in (None, ""):
            return []
        return [v for v in (value if isinstance(value, list | tuple) else [value]) if v != ""]

    def get(name):
        values = getlist(name)
        return values[-1].strip() if values else ""

    errors: dict[str, str] = {}
    q = CatalogueQuery(text=get("search")[:MAX_SEARCH_LENGTH])

    labels = facet_memory.labels
    checks = {
        "eqf": (lambda vals: set(vals) <= {str(n) for n in range(1, 9)}, _("The EQF level is a number from 1 to 8.")),
        "lang": (lambda vals: set(vals) <= set(Language.values), _("Unknown language.")),
        "form": (lambda vals: set(vals) <= set(FormOfParticipation.values), _("Unknown form of participation.")),
        "kind": (lambda vals: set(vals) <= set(KIND_VALUES), _("Unknown kind.")),
        "area": (lambda vals: set(vals) <= {slug for slug, _n in labels.areas()}, _("Unknown content area.")),
        "university": (
            lambda vals: set(vals) <= {slug for slug, _n, _a in labels.universities()},
            _("Unknown university."),
        ),
        "skill": (lambda vals: len(labels.skills(set(vals))) == len(set(vals)), _("Unknown ESCO skill.")),
    }
    for name, (ok, message) in checks.items():
        values = [v.strip() for v in getlist(name)][:20]
        if not values:
            continue
        if any(len(v) > 300 for v in values) or not ok(values):
            errors[name] = message
        else:
            q.filters[name] = sorted(set(values))
    for name, attr in (("ects_min", "ects_min"), ("ects_max", "ects_max"), ("max_fee", "max_fee")):
        raw = get(name)
        if raw:
            try:
                setattr(q, attr, _decimal(raw))
            except (InvalidOperation, ValueError):
                errors[name] = _("Give a number, such as 5 or 2.5.")
    if q.ects_min is not None and q.ects_max is not None and q.ects_min > q.ects_max:
        errors["ects_max"] = _("The largest ECTS value is smaller than the smallest.")
    for name in ("starts_from", "starts_to"):
        raw = get(name)
        if raw:
            try:
                setattr(q, name, dt.date.fromisoformat(raw))
            except ValueError:
                errors[name] = _("Give a date as YYYY-MM-DD.")
    if q.starts_from and q.starts_to and q.starts_from > q.starts_to:
        errors["starts_to"] = _("The end of the period is before its start.")
    cost = get("cost")
    if cost:
        if cost not in ("free", "paid"):
            errors["cost"] = _("Cost is “free” or “paid”.")
        else:
            q.cost = cost
    sort = get("sort")
    if sort:
        if sort not in SORTS:
            errors["sort"] = _("Sort by relevance, title, ects or start.")
        else:
            q.sort = sort
    for name, low, high in (("page", 1, 10000), ("page_size", 1, MAX_PAGE_SIZE)):
        raw = get(name)
        if raw:
            if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
                errors[name] = _("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
            else:
                setattr(q, name, int(raw))
    if errors:
        raise QueryError(errors)
    return q


def listed_versions() -> QuerySet:
    """Current versions of published (not retired) micro-credentials: what search shows."""
    return MicroCredentialVersion.objects.filter(
        is_current=True, micro_credential__status=MicroCredential.Status.PUBLISHED
    )


def version_for_badge(slug: str, number: int | None = None) -> MicroCredentialVersion | None:
    """The version whose badge is asked for: that number, or the latest; retired ones too (issued credentials
    point to their badges). Its micro-credential and awarding institution come in the same query."""
    qs = MicroCredentialVersion.objects.select_related("micro_credential", "awarding_institution").filter(
        micro_credential__slug=slug
    )
    if number is not None:
        return qs.filter(number=number).first()
    return qs.order_by("-number").first()


def versions_teaching(skill_uris, *, limit: int | None = 20) -> list[MicroCredentialVersion]:
    """Published micro-credentials (their current versions) that teach any of these ESCO skills, best match first.

    Learning outcomes are aligned to ESCO skills (policy 7.16), so "which micro-credentials teach what I
    lack" is a count: each version comes with `.matching_skills`, how many of the given skills (URIs) it
    teaches, and the list is ranked by that count, then by title. Retired micro-credentials and superseded
    versions are left out, as in search.
    """
    uris = sorted({str(uri).strip() for uri in skill_uris or [] if str(uri).strip()})
    if not uris:
        return []
    versions = (
        listed_versions()
        .filter(skills__uri__in=uris)
        .annotate(matching_skills=Count("skills", filter=Q(skills__uri__in=uris), distinct=True))
        .select_related("micro_credential", "awarding_institution")
        .order_by("-matching_skills", "title", "pk")
    )
    return list(versions[:limit] if limit is not None else versions)


def _text_filter(qs: QuerySet, tokens: list[str]) -> QuerySet:
    if not tokens:
        return qs
    if connection.vendor == "postgresql":
        # Tokens are letters and digits only (see indexing.normalise), so the raw tsquery is well formed.
        return qs.filter(
            search_document=SearchQuery(" & ".join(f"{t}:*" for t in tokens), search_type="raw", config="simple")
        )
    for token in tokens:
        qs = qs.filter(search_text__contains=" " + token)
    return qs


def _with_next_start(qs: QuerySet) -> QuerySet:
    """Annotate `next_start`: the date of the micro-credential's first upcoming offering (or None)."""
    return qs.annotate(next_start=offering_reader().next_start(OuterRef("micro_credential")))


def _ordered(qs: QuerySet, q: CatalogueQuery, *, for_display: bool = True) -> QuerySet:
    """`qs` in the query's order; `for_display` adds `next_start`, which ranking needs only to sort by it."""
    sort = q.effective_sort
    if for_display or sort == "start":
        qs = _with_next_start(qs)
    if sort == "relevance" and q.tokens:
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchRank

            query = SearchQuery(" | ".join(f"{t}:*" for t in q.tokens), search_type="raw", config="simple")
            qs = qs.annotate(rank=SearchRank(F("search_document"), query))
        else:
            # Title matches first, then the rest.
            qs = qs.annotate(
                rank=sum(
                    (
                        Case(When(title__icontains=t, then=Value(2)), default=Value(0), output_field=IntegerField())
                        for t in q.tokens
                    ),
                    Value(0),
                )
            )
        return qs.order_by("-rank", "title", "pk")
    if sort == "ects":
        return qs.order_by(F("ects").asc(nulls_last=True), "title", "pk")
    if sort == "start":
        return qs.order_by(F("next_start").asc(nulls_last=True), "title", "pk")
    return qs.order_by("title", "pk")


@dataclass
class SearchResult:
    query: CatalogueQuery
    total: int
    page: int
    pages: int
    versions: list
    facets: dict[str, list[dict]]


def versions_matching(q: CatalogueQuery) -> QuerySet:
    """Listed versions matching the text and the filters that are not facets (ECTS range, offerings); the facets are
    applied from the facet memory (the catalogue's search and the guide)."""
    qs = _text_filter(listed_versions(), q.tokens)
    if q.ects_min is not None:
        qs = qs.filter(ects__gte=q.ects_min)
    if q.ects_max is not None:
        qs = qs.filter(ects__lte=q.ects_max)
    if q.has_offering_filter:
        qs = qs.filter(offering_reader().any_matching(OuterRef("micro_credential"), q))
    return qs


def _fetch_ids(qs: QuerySet) -> list[int]:
    """The first column of `qs` in one fetch (a search can have thousands of candidates; the ORM's
    row-by-row iteration would cost more than the query)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


class _Evaluation:
    """A query evaluated once: the ranked candidates (text and non-facet filters, from the database) and
    each candidate's facet values (from facet_memory); the facet filters and their counts are then worked
    out in memory."""

    def __init__(self, q: CatalogueQuery):
        self.ordered_ids = _fetch_ids(_ordered(versions_matching(q), q, for_display=False).values_list("pk"))
        self.facets = facet_memory.memory.snapshot(self.ordered_ids)
        self.chosen = {facet: frozenset(vals) for facet, vals in q.filters.items()}
        self._having = {facet: self.facets.ids_with(facet, vals) for facet, vals in self.chosen.items()}

    def matching(self, *, except_facet: str | None = None) -> list[int]:
        """Ranked ids passing every chosen facet (OR within a facet, AND across facets), but `except_facet`."""
        sets = [ids for facet, ids in self._having.items() if facet != except_facet]
        if not sets:
            return list(self.ordered_ids)
        allowed = set.intersection(*sets)
        return [pk for pk in self.ordered_ids if pk in allowed]

    def facet_counts(self, matching: list[int]) -> dict[str, dict[str, int]]:
        """For each facet, value -> number of results if that value were chosen (other facets' filters kept)."""
        values = self.facets.versions
        counts: dict[str, dict[str, int]] = {f: {} for f in FACETS}
        for (facet, value), n in Counter(chain.from_iterable(values[pk].pairs for pk in matching)).items():
            counts[facet][value] = n
        for facet in self.chosen:
            base = self.matching(except_facet=facet)
            counts[facet] = dict(Counter(chain.from_iterable(values[pk].by_facet.get(facet, ()) for pk in base)))
        return counts


def facet_counts(q: CatalogueQuery) -> dict[str, dict[str, int]]:
    evaluation = _Evaluation(q)
    return evaluation.facet_counts(evaluation.matching())


def search(q: CatalogueQuery, *, language: str = "en", with_facets: bool = True) -> SearchResult:
    evaluation = _Evaluation(q)
    matching = evaluation.matching()
    total = len(matching)
    pages = max(1, -(-total // q.page_size))
    page = min(q.page, pages)
    start = (page - 1) * q.page_size
    page_ids = matching[start : start + q.page_size]
    versions = _page_versions(page_ids, language)
    facets = facet_options(q, evaluation.facet_counts(matching)) if with_facets else {}
    return SearchResult(query=q, total=total, page=page, pages=pages, versions=versions, facets=facets)


@dataclass(frozen=True, slots=True)
class ListedVersion:
    """One search result: what lists show of a current version, its title and description localised."""

    pk: int
    micro_credential_id: int
    slug: str
    number: int
    title: str
    kind: str
    credential_type: str
    ects: Decimal | None
    eqf_level: int | None
    institution_name: str
    institution_slug: str
    next_start: dt.date | None
    localised: dict
    proposal_id: int | None = None


def _page_versions(ids: list[int], language: str) -> list[ListedVersion]:
    """The versions `ids`, in that order, as ListedVersion (one query, the translation joined; none for none)."""
    if not ids:
        return []
    rows = (
        _with_next_start(listed_versions().filter(pk__in=ids).order_by())
        .annotate(
            _translated=FilteredRelation("translations", condition=Q(translations__language=language)),
            description=KT("annex1__description"),
        )
        .values(
            "pk",
            "micro_credential_id",
            "micro_credential__slug",
            "number",
            "title",
            "kind",
            "credential_type",
            "ects",
            "eqf_level",
            "awarding_institution__name",
            "awarding_institution__slug",
            "next_start",
            "description",
            "_translated__title",
            "_translated__description",
            "proposal_id",
        )
    )
    by_id = {}
    for row in rows:
        title, description = row["_translated__title"], row["_translated__description"]
        by_id[row["pk"]] = ListedVersion(
            pk=row["pk"],
            micro_credential_id=row["micro_credential_id"],
            slug=row["micro_credential__slug"],
            number=row["number"],
            title=row["title"],
            kind=row["kind"],
            credential_type=row["credential_type"],
            ects=row["ects"],
            eqf_level=row["eqf_level"],
            institution_name=row["awarding_institution__name"],
            institution_slug=row["awarding_institution__slug"],
            next_start=row["next_start"],
            localised={
                "title": title or row["title"],
                "title_lang": language if title else "",
                "description": description or row["description"] or "",
                "description_lang": language if description else "",
            },
            proposal_id=row["proposal_id"],
        )
    return [by_id[pk] for pk in ids if pk in by_id]


def facet_options(q: CatalogueQuery, counts: dict[str, dict[str, int]]) -> dict[str, list[dict]]:
    """Each facet's values with labels, counts and whether chosen, in a stable, readable order."""
    labels = facet_memory.labels
    chosen = {facet: set(values) for facet, values in q.filters.items()}

    def option(facet, value, label):
        return {
            "value": value,
            "label": label,
            "count": counts[facet].get(value, 0),
            "selected": value in chosen.get(facet, ()),
        }

    def shown(options):  # values with no result are left out, unless chosen
        return [o for o in options if o["count"] or o["selected"]]

    top = sorted(counts["skill"].items(), key=lambda kv: (-kv[1], kv[0]))[:SKILL_FACET_LIMIT]
    skill_labels = labels.skills({uri for uri, _n in top} | chosen.get("skill", set()))
    return {
        "kind": [option("kind", value, str(label)) for value, label in CredentialKind.choices],
        "area": [option("area", slug, name) for slug, name in labels.areas()],
        "eqf": shown(option("eqf", str(n), _("EQF level %(n)d") % {"n": n}) for n in range(1, 9)),
        "lang": shown(option("lang", code, str(label)) for code, label in Language.choices),
        "form": [option("form", code, str(label)) for code, label in FormOfParticipation.choices],
        "university": shown(
            option("university", slug, name) for slug, name, is_alliance in labels.universities() if not is_alliance
        ),
        "skill": sorted(
            (option("skill", uri, label) for uri, label in skill_labels.items()),
            key=lambda o: (-o["count"], o["label"]),
        ),
    }


# Localised content -------------------------------------------------------------------------------


def attach_translations(versions: list, language: str) -> None:
    """Set `.localised` on each version: title, description and outcomes in `language`, else the original."""
    translations = {
        t.version_id: t
        for t in MicroCredentialTranslation.objects.filter(version__in=[v.pk for v in versions], language=language)
    }
    for v in versions:
        v.localised = localise(v, translations.get(v.pk))


def localise(version, translation=None) -> dict:
    annex = version.annex
    outcomes = [o.to_json() for o in annex.learning_outcomes]
    translated_outcomes = list(translation.learning_outcomes) if translation else []
    if len(translated_outcomes) == len(outcomes):
        for outcome, text in zip(outcomes, translated_outcomes, strict=True):
            outcome["text"], outcome["lang"] = text, translation.language
    return {
        "title": (translation.title if translation and translation.title else version.title),
        "title_lang": translation.language if translation and translation.title else "",
        "description": (translation.description if translation and translation.description else annex.description),
        "description_lang": translation.language if translation and translation.description else "",
        "learning_outcomes": outcomes,
    }


def translation_for(version, language: str):
    return MicroCredentialTranslation.objects.filter(version=version, language=language).first()


def upcoming_offerings(micro_credential) -> list:
    """Its upcoming offerings, with places left and whether enrolment is open (from the learning app's reader)."""
    return offering_reader().upcoming(micro_credential)


def next_offerings(micro_credential_ids) -> dict[int, object]:
    """{micro-credential id: its next offering}, the first upcoming one open for enrolment (else the first upcoming
    one), with places left and whether enrolment is open: what a catalogue card offers as the next step (issue
    #16). One query."""
    return offering_reader().next_for(micro_credential_ids)


def published_overviews() -> QuerySet:
    return CategoryOverview.objects.filter(is_published=True).order_by("title")


def overview_micro_credentials(overview: CategoryOverview, *, language: str, limit: int = 12) -> list:
    """The overview's featured micro-credentials first, then others in its scope, all listed ones."""
    qs = listed_versions().select_related("micro_credential", "awarding_institution")
    featured_ids = list(overview.featured.values_list("pk", flat=True))
    if overview.scope == CategoryOverview.Scope.CONTENT_AREA:
        scope_q = Q(content_areas=overview.content_area_id)
    elif overview.scope == CategoryOverview.Scope.PARTICIPATION:
        scope_q = participation_badge_q()
    else:
        scope_q = Q(kind=overview.scope) & ~participation_badge_q()
    featured = list(qs.filter(micro_credential_id__in=featured_ids).order_by("title"))
    others = list(qs.filter(scope_q).exclude(micro_credential_id__in=featured_ids).order_by("title")[:limit])
    for v in featured:
        v.featured = True
    attach_translations(featured + others, language)
    return featured + others


def overview_search_params(overview: CategoryOverview) -> str:
    if overview.scope == CategoryOverview.Scope.CONTENT_AREA and overview.content_area_id:
        return urlencode({"area": overview.content_area.slug})
    return urlencode({"kind": overview.scope})


def condition_states(version_ids) -> dict:
    """{version id: proposals.selectors.ConditionSummary} for the versions approved with conditions (their
    proposal's conditions of approval and how far they are; issue #14). Two queries whatever the number."""
    proposal_of = dict(
        MicroCredentialVersion.objects.filter(pk__in=list(version_ids), proposal__isnull=False).values_list(
            "pk", "proposal_id"
        )
    )
    summaries = condition_summaries(set(proposal_of.values()))
    return {pk: summaries[proposal_id] for pk, proposal_id in proposal_of.items() if proposal_id in summaries}


def listed_condition_states(listed: list[ListedVersion]) -> dict:
    """:func:`condition_states` for search results, which carry their proposal: one query whatever the number."""
    summaries = condition_summaries({v.proposal_id for v in listed if v.proposal_id})
    return {v.pk: summaries[v.proposal_id] for v in listed if v.proposal_id in summaries}


def micro_credential_titled(title: str, *, proposal=None) -> tuple[str, str] | None:
    """(title, page address) of a published micro-credential whose current version bears `title` (case and spacing
    aside), or None. The micro-credential `proposal` changes, or was published from, is left out: a new version
    keeps its title (issue #16, defect 3; registered with proposals.checklist)."""
    wanted = " ".join((title or "").split())
    if not wanted:
        return None
    qs = listed_versions().filter(title__iexact=wanted).select_related("micro_credential")
    if proposal is not None:
        if proposal.changes_micro_credential_id:
            qs = qs.exclude(micro_credential_id=proposal.changes_micro_credential_id)
        qs = qs.exclude(micro_credential__versions__proposal_id=proposal.pk)
    version = qs.order_by("micro_credential_id").first()
    if version is None:
        return None
    from django.urls import reverse

    return version.title, reverse("catalogue:detail", args=[version.micro_credential.slug])


def my_enrolments(user, offerings) -> dict[int, str]:
    """{offering id: status} of `user`'s active enrolments (enrolled or wait-listed) in `offerings`."""
    return offering_reader().enrolments_of(user, offerings)
