"""Labour-market evidence (policy 7.12): which ESCO occupations a set of skills prepares for, and how well a
micro-credential's skills cover an occupation.

ESCO lists each occupation's essential and optional skills (OccupationSkill). A skill counts `weight(relation) ×
specificity`: essential 1.0, optional 0.25, and specificity = log(occupations / occupations that list the skill), so a
skill that hundreds of occupations list ("communicate with customers") says less about the job than a specific one.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from microcred.reference import models as ref

ESSENTIAL_WEIGHT = 1.0
OPTIONAL_WEIGHT = 0.25
WEIGHTS = {
    ref.OccupationSkill.Relation.ESSENTIAL: ESSENTIAL_WEIGHT,
    ref.OccupationSkill.Relation.OPTIONAL: OPTIONAL_WEIGHT,
}


@dataclass
class OccupationMatch:
    occupation: ref.EscoOccupation
    score: float
    essential_covered: list[ref.EscoSkill] = field(default_factory=list)
    optional_covered: list[ref.EscoSkill] = field(default_factory=list)
    essential_total: int = 0
    optional_total: int = 0


def specificity_weight(occupations: int, listing: int) -> float:
    """How much a skill says about a job: log(1 + occupations / occupations listing the skill)."""
    return math.log(1 + occupations / max(1, listing))


def specificity(skill_ids) -> dict[int, float]:
    """{skill id: its specificity_weight} over the current occupations."""
    total = ref.EscoOccupation.objects.filter(is_current=True).count() or 1
    counts = dict(
        ref.OccupationSkill.objects.filter(skill_id__in=skill_ids)
        .values("skill_id")
        .annotate(n=Count("occupation_id"))
        .values_list("skill_id", "n")
    )
    return {sid: specificity_weight(total, counts.get(sid, 0)) for sid in skill_ids}


def occupations_for_skills(skill_ids, limit: int = 10) -> list[OccupationMatch]:
    """The occupations whose ESCO skills these skills cover most, best first (essential skills weighing more)."""
    skill_ids = sorted({int(s) for s in skill_ids})
    if not skill_ids:
        return []
    weights_of = specificity(skill_ids)
    scores: dict[int, float] = defaultdict(float)
    covered: dict[int, list[tuple[int, str]]] = defaultdict(list)
    links = ref.OccupationSkill.objects.filter(skill_id__in=skill_ids, occupation__is_current=True)
    for occupation_id, skill_id, relation in links.values_list("occupation_id", "skill_id", "relation"):
        scores[occupation_id] += WEIGHTS.get(relation, 0.0) * weights_of[skill_id]
        covered[occupation_id].append((skill_id, relation))
    if not scores:
        return []
    totals = {
        row["occupation_id"]: row
        for row in ref.OccupationSkill.objects.filter(occupation_id__in=list(scores))
        .values("occupation_id")
        .annotate(
            essential=Count("id", filter=Q(relation=ref.OccupationSkill.Relation.ESSENTIAL)),
            optional=Count("id", filter=Q(relation=ref.OccupationSkill.Relation.OPTIONAL)),
        )
    }

    def share(occupation_id):  # of the occupation's weighted profile: a tie goes to the better covered one
        t = totals[occupation_id]
        return scores[occupation_id] / (ESSENTIAL_WEIGHT * t["essential"] + OPTIONAL_WEIGHT * t["optional"] or 1)

    best = sorted(scores, key=lambda o: (-round(scores[o], 9), -share(o), o))[:limit]
    occupations = ref.EscoOccupation.objects.in_bulk(best)
    skills = ref.EscoSkill.objects.in_bulk(skill_ids)
    out = []
    for occupation_id in best:
        match = OccupationMatch(
            occupation=occupations[occupation_id],
            score=round(scores[occupation_id], 4),
            essential_total=totals[occupation_id]["essential"],
            optional_total=totals[occupation_id]["optional"],
        )
        for skill_id, relation in sorted(covered[occupation_id], key=lambda c: skills[c[0]].preferred_label):
            target = (
                match.essential_covered
                if relation == ref.OccupationSkill.Relation.ESSENTIAL
                else match.optional_covered
            )
            target.append(skills[skill_id])
        out.append(match)
    return out


@dataclass
class CoverageMatch:
    key: object
    score: float
    essential_covered: list[int]
    optional_covered: list[int]


def occupation_profile(occupation: ref.EscoOccupation) -> dict[int, str]:
    """{skill id: relation} of an occupation."""
    return dict(occupation.skill_links.values_list("skill_id", "relation"))


def rank_by_coverage(
    profile: dict[int, str], candidates: dict[object, set[int]], limit: int = 20
) -> list[CoverageMatch]:
    """Candidates (key -> their skill ids) ranked by the share of the occupation's weighted skills they cover.

    Candidates that cover none of the profile are left out.
    """
    if not profile:
        return []
    weights_of = specificity(list(profile))
    weight = {sid: WEIGHTS.get(rel, 0.0) * weights_of[sid] for sid, rel in profile.items()}
    total = sum(weight.values()) or 1.0
    matches = []
    for key, skills in candidates.items():
        hit = [sid for sid in skills if sid in profile]
        if not hit:
            continue
        matches.append(
            CoverageMatch(
                key=key,
                score=round(sum(weight[s] for s in hit) / total, 4),
                essential_covered=sorted(s for s in hit if profile[s] == ref.OccupationSkill.Relation.ESSENTIAL),
                optional_covered=sorted(s for s in hit if profile[s] != ref.OccupationSkill.Relation.ESSENTIAL),
            )
        )
    matches.sort(key=lambda m: (-m.score, -len(m.essential_covered), str(m.key)))
    return matches[:limit]


@dataclass(frozen=True, slots=True)
class OccupationChoice:
    uri: str
    label: str
    description: str


MAX_OCCUPATION_SEARCH = 200


def find_occupations(text: str, *, language: str = "en", limit: int = 10) -> list[OccupationChoice]:
    """The ESCO occupations a learner may mean by what she typed in `language`, best first: the one place the guide
    looks occupations up.

    The multilingual look-up (`occupation_search.find_occupations`: e5 and BM25 over the labels of that language) comes
    first; when it finds nothing in another language (no model: only English labels are loaded), the English labels
    are tried; when that finds nothing either, the reference look-up by prefix (a label or one of its words starting
    with the text, so "environmental engin" finds "environmental engineer"). Current occupations only.
    """
    from microcred.guidance import occupation_search
    from microcred.reference import selectors as reference

    text = (text or "").strip()[:MAX_OCCUPATION_SEARCH]
    if not text:
        return []
    language = (language or "en").split("-")[0].lower()
    found = [o for o, _score in occupation_search.find_occupations(text, language, limit)]
    if not found and language != "en":
        found = [o for o, _score in occupation_search.find_occupations(text, "en", limit)]
    if not found:
        hits = [r.uri for r in reference.search_occupations(text, limit=limit)]
        by_uri = ref.EscoOccupation.objects.in_bulk(hits, field_name="uri")
        found = [by_uri[u] for u in hits if u in by_uri]
    return [
        OccupationChoice(uri=o.uri, label=o.preferred_label, description=o.description or "")
        for o in found
        if o.is_current
    ]
