"""The catalogue's derived index of a version: search text, search document and facet rows.

Everything here can be rebuilt from the approved record (`annex1`, skills, relations) and the
translations, so `reindex_version` may run any number of times. Text is normalised the same way for
documents and queries (lower case, accents folded, split on non-word characters): on PostgreSQL the
normalised text feeds a `simple` tsvector queried with prefix terms (GIN-indexed); on SQLite the
normalised tokens are stored space-separated and matched as token prefixes.
"""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Value
from django.utils import translation

from microcred.catalogue import cache, kinds
from microcred.catalogue.annex import AnnexOne
from microcred.catalogue.models import CatalogueFacet, MicroCredential, MicroCredentialVersion, version_universities

TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)
MAX_QUERY_TOKENS = 8


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(TOKEN_RE.findall(folded))


def query_tokens(text: str) -> list[str]:
    """The distinct normalised words of a search string (at most MAX_QUERY_TOKENS), in order."""
    seen: list[str] = []
    for token in normalise(text).split():
        if token not in seen:
            seen.append(token)
    return seen[:MAX_QUERY_TOKENS]


def content_area_labels(areas) -> list[str]:
    """The names of `areas` as people may type them: the name kept in the reference data and its translation in
    each of the interface's languages (when the translations have one), each once."""
    labels: list[str] = []
    for area in areas:
        if not area.name:
            continue
        labels.append(area.name)
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                labels.append(translation.gettext(area.name))
    return list(dict.fromkeys(labels))


def document_parts(version, translations) -> dict[str, str]:
    """Normalised text by weight: A titles, B descriptions, C outcomes, skill labels and content areas (their
    names in every language, so "sustainab" finds what is filed under "Sustainability and climate change")."""
    annex = AnnexOne.from_json(version.annex1)
    titles = [version.title] + [t.title for t in translations if t.title]
    descriptions = [annex.description] + [t.description for t in translations if t.description]
    outcomes = annex.outcome_texts
    for t in translations:
        outcomes += [str(o) for o in t.learning_outcomes or []]
    skills = [s.preferred_label for s in version.skills.all()]
    for o in annex.learning_outcomes:
        skills += [s.label for s in o.esco_skills]
    areas = content_area_labels(version.content_areas.all())
    return {
        "A": normalise(" ".join(titles)),
        "B": normalise(" ".join(descriptions)),
        "C": normalise(" ".join(outcomes + skills + areas)),
    }


def facet_rows(version) -> list[tuple[str, str]]:
    annex = AnnexOne.from_json(version.annex1)
    rows: set[tuple[str, str]] = {("kind", kinds.credential_kind(version.kind, version.credential_type))}
    if version.eqf_level:
        rows.add(("eqf", str(version.eqf_level)))
    rows |= {("lang", code) for code in annex.languages}
    rows |= {("form", code) for code in annex.forms_of_participation}
    rows |= {("area", a.slug) for a in version.content_areas.all()}
    rows |= {("skill", s.uri) for s in version.skills.all()}
    rows |= {("university", i.slug) for i in version_universities(version)}
    return sorted(rows)


def reindex_version(version, *, models=None) -> None:
    """Rebuild the search text, the search document (PostgreSQL) and the facet rows of one version.

    `models` is (MicroCredentialVersion, CatalogueFacet) when a migration passes its historical models.
    """
    version_model, facet_model = models or (MicroCredentialVersion, CatalogueFacet)

    translations = list(version.translations.all())
    parts = document_parts(version, translations)
    search_text = " " + " ".join(p for p in parts.values() if p) + " "
    version_model.objects.filter(pk=version.pk).update(search_text=search_text)
    if connection.vendor == "postgresql":
        vector = (
            SearchVector(Value(parts["A"]), config="simple", weight="A")
            + SearchVector(Value(parts["B"]), config="simple", weight="B")
            + SearchVector(Value(parts["C"]), config="simple", weight="C")
        )
        version_model.objects.filter(pk=version.pk).update(search_document=vector)
    facet_model.objects.filter(version=version).delete()
    facet_model.objects.bulk_create(
        [facet_model(version=version, facet=f, value=v[:300]) for f, v in facet_rows(version)]
    )
    # Facet values are remembered per process (facet_memory): a new generation makes them be read again.
    cache.bump()


def mark_current(micro_credential) -> None:
    """Only the highest-numbered version of a micro-credential is the current one."""
    versions = micro_credential.versions.order_by("-number")
    latest = versions.first()
    if latest is None:
        return
    micro_credential.versions.exclude(pk=latest.pk).filter(is_current=True).update(is_current=False)
    if not latest.is_current:
        micro_credential.versions.filter(pk=latest.pk).update(is_current=True)


def reindex_all() -> int:
    """Rebuild the whole index (which version is current, search text and document, facets); the number of versions.

    The `rebuild_catalogue_index` command runs it, e.g. after a change to how versions are indexed.
    """
    with transaction.atomic():
        for mc in MicroCredential.objects.all():
            mark_current(mc)
        n = 0
        versions = MicroCredentialVersion.objects.select_related("awarding_institution").prefetch_related(
            "skills", "content_areas", "co_lead_institutions", "translations"
        )
        for version in versions:
            reindex_version(version)
            n += 1
        transaction.on_commit(cache.bump)
    return n


def reindex_content_area(area_id: int) -> int:
    """Rebuild the index of the versions filed under one content area (its name is searched: a renamed area is
    found by its new name). The number of versions."""
    versions = (
        MicroCredentialVersion.objects.filter(content_areas=area_id)
        .select_related("awarding_institution")
        .prefetch_related("skills", "content_areas", "co_lead_institutions", "translations")
    )
    n = 0
    with transaction.atomic():
        for version in versions:
            reindex_version(version)
            n += 1
    return n
