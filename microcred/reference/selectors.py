"""Reading reference data: ESCO look-ups for forms, pages and the API.

Search is a prefix search over search terms (see `models.AbstractSearchTerm`): one indexed range query per
rank, best rank first (start of the preferred label, a word of the preferred label, start of another label,
a word of another label), shorter labels first within a rank (so an exact match leads), until `limit` distinct
concepts are found.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models.functions import Length
from django.utils import timezone

from microcred.reference import models as m
from microcred.reference.text import prefix_range

MAX_LIMIT = 50
ESCO_OCCUPATION_NAMESPACE = "http://data.europa.eu/esco/occupation/"


@dataclass
class SearchResult:
    id: int
    uri: str
    label: str
    matched_label: str
    type: str
    collections: list[str] = field(default_factory=list)
    rank: int = 0
    isco_group: str = ""
    description: str = ""

    @property
    def uuid(self) -> str:
        return self.uri.rsplit("/", 1)[-1]

    def as_dict(self) -> dict:
        data = {
            "uri": self.uri,
            "label": self.label,
            "type": self.type,
            "matched_label": self.matched_label,
            "collections": self.collections,
        }
        if self.type == "occupation":
            data["isco_group"] = self.isco_group
        return data


def _matching_terms(term_model, fk: str, text: str, limit: int, language: str | None) -> list[tuple[int, int, int]]:
    """[(concept_id, label_id, rank)] for the best `limit` concepts, best first."""
    bounds = prefix_range(text)
    if bounds is None or limit <= 0:
        return []
    low, high = bounds
    found: dict[int, tuple[int, int]] = {}
    for rank in m.SearchRank.values:
        offset = 0
        page = max(limit * 3, 30)
        while len(found) < limit:
            qs = term_model.objects.filter(rank=rank, key__gte=low, key__lt=high)
            if language:
                qs = qs.filter(language=language)
            # Within a rank, shorter labels first: an exact match of the whole label comes before longer ones.
            ordered = qs.order_by(Length("label__label"), "key", "id")
            rows = list(ordered.values_list(fk, "label_id")[offset : offset + page])
            for concept_id, label_id in rows:
                if concept_id not in found:
                    found[concept_id] = (label_id, rank)
                    if len(found) >= limit:
                        break
            if len(rows) < page:
                break
            offset += page
        if len(found) >= limit:
            break
    return [(cid, lid, rank) for cid, (lid, rank) in found.items()]


def _preferred_labels(label_model, fk: str, ids: list[int], language: str | None) -> dict[int, str]:
    if not language or language == "en":
        return {}
    return dict(
        label_model.objects.filter(**{f"{fk}__in": ids}, language=language, kind=m.LabelKind.PREFERRED).values_list(
            fk, "label"
        )
    )


def _clamp(limit) -> int:
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        limit = 20
    return max(1, min(limit, MAX_LIMIT))


def search_skills(text: str, limit: int = 20, language: str | None = None) -> list[SearchResult]:
    """Skills whose labels start with `text`, or have a word starting with it, ranked (see module docstring).

    `language` ("en", "fr", "es") restricts the labels searched and gives the preferred label in that language
    where ESCO has one (English otherwise).
    """
    limit = _clamp(limit)
    hits = _matching_terms(m.EscoSkillSearchTerm, "skill_id", text, limit, language)
    if not hits:
        return []
    ids = [h[0] for h in hits]
    skills = {s.pk: s for s in m.EscoSkill.objects.filter(pk__in=ids)}
    matched = dict(m.EscoSkillLabel.objects.filter(pk__in=[h[1] for h in hits]).values_list("pk", "label"))
    localised = _preferred_labels(m.EscoSkillLabel, "skill_id", ids, language)
    results = []
    for skill_id, label_id, rank in hits:
        skill = skills[skill_id]
        results.append(
            SearchResult(
                id=skill.pk,
                uri=skill.uri,
                label=localised.get(skill_id, skill.preferred_label),
                matched_label=matched.get(label_id, skill.preferred_label),
                type=skill.skill_type or "skill/competence",
                collections=skill.collections,
                rank=rank,
                description=skill.description,
            )
        )
    return results


def search_occupations(text: str, limit: int = 20, language: str | None = None) -> list[SearchResult]:
    """Occupations whose labels start with `text` or have a word starting with it, ranked like skills."""
    limit = _clamp(limit)
    hits = _matching_terms(m.EscoOccupationSearchTerm, "occupation_id", text, limit, language)
    if not hits:
        return []
    ids = [h[0] for h in hits]
    occupations = {o.pk: o for o in m.EscoOccupation.objects.filter(pk__in=ids)}
    matched = dict(m.EscoOccupationLabel.objects.filter(pk__in=[h[1] for h in hits]).values_list("pk", "label"))
    localised = _preferred_labels(m.EscoOccupationLabel, "occupation_id", ids, language)
    results = []
    for occ_id, label_id, rank in hits:
        occ = occupations[occ_id]
        results.append(
            SearchResult(
                id=occ.pk,
                uri=occ.uri,
                label=localised.get(occ_id, occ.preferred_label),
                matched_label=matched.get(label_id, occ.preferred_label),
                type="occupation",
                collections=occ.collections,
                rank=rank,
                isco_group=occ.isco_group,
                description=occ.description,
            )
        )
    return results


def _by_reference(model, namespace: str, reference):
    """A concept by primary key, full URI or the UUID at the end of its URI; None if there is none."""
    reference = str(reference).strip()
    if reference.isascii() and reference.isdigit():
        return model.objects.filter(pk=int(reference)).first()
    uri = reference if reference.startswith(("http://", "https://")) else namespace + reference
    return model.objects.filter(uri=uri).first()


def get_occupation(reference) -> m.EscoOccupation | None:
    return _by_reference(m.EscoOccupation, ESCO_OCCUPATION_NAMESPACE, reference)


def skills_for_occupation(reference) -> dict | None:
    """{"occupation": EscoOccupation, "essential": [EscoSkill], "optional": [EscoSkill]} or None if unknown.

    `reference` is the occupation's primary key, URI or URI UUID.
    """
    occupation = get_occupation(reference)
    if occupation is None:
        return None
    out: dict = {"occupation": occupation, "essential": [], "optional": []}
    links = occupation.skill_links.select_related("skill").order_by("skill__preferred_label")
    for link in links:
        out[link.relation].append(link.skill)
    return out


def skill_by_label(text: str) -> list[m.EscoSkill]:
    """Skills whose preferred label (any language) is exactly `text` once normalised (for typed-in values)."""
    bounds = prefix_range(text)
    if bounds is None:
        return []
    ids = m.EscoSkillSearchTerm.objects.filter(rank=m.SearchRank.PREFERRED_START, key=bounds[0]).values_list(
        "skill_id", flat=True
    )
    return list(m.EscoSkill.objects.filter(pk__in=list(ids[:5]), is_current=True))


def policy_in_force(on=None) -> m.PolicyVersion | None:
    """The policy version in force on `on` (today by default): the latest that took effect by then (policy 10.2)."""
    day = on or timezone.localdate()
    if isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return m.PolicyVersion.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


def policies_due_for_review(within_days: int, today=None) -> list[m.PolicyVersion]:
    """Policy versions whose review date (policy 4.1, 10.3) is within `within_days` from today or past, and that are
    in force or still to come (a version replaced by a later one is reviewed through its successor)."""
    today = today or timezone.localdate()
    current = policy_in_force(today)
    candidates = m.PolicyVersion.objects.filter(review_due__lte=today + datetime.timedelta(days=within_days))
    if current is not None:
        candidates = candidates.filter(effective_from__gte=current.effective_from)
    return list(candidates.order_by("review_due"))
