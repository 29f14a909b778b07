"""The guide for learners (issue #13, item 4): a target (ESCO skills, each essential or not, each with a weight) and
the ranking of candidates (micro-credentials, pathways: anything with a set of skills) by how much of it they cover,
with the best combination of candidates to cover most of it.

The target comes from an occupation (its essential and optional ESCO skills, weighted as the labour-market
evidence weighs them: essential 1, optional 0.25, times how specific the skill is to few occupations), from skills
the learner picked (each essential, weight 1), or from a sentence (the skills `suggestions.suggest` finds in it: the
first ones essential). Skills the learner already holds are taken out of what is left to cover.

Ranking is one sparse product: the candidates' skills restricted to the target as (row, column) pairs, so a score
is `bincount(rows, weights[columns])`; 2,000 candidates take well under a millisecond. The best combination is the
greedy weighted set cover (each step takes the candidate adding most uncovered weight), which is within a factor
ln(n) of the best possible and is what a learner can follow step by step.

Candidates are plain values: the apps that know micro-credentials and pathways (above guidance) build them.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import Count

from microcred.guidance import selectors
from microcred.reference import models as ref

TEXT_SKILLS = 8  # skills taken from a sentence
TEXT_ESSENTIAL = 5  # the first of them count as essential
MAX_PICKED_SKILLS = 50
COMBINATION_SIZE = 5  # at most this many steps in the best combination


@dataclass(frozen=True, slots=True)
class TargetSkill:
    uri: str
    label: str
    essential: bool
    weight: float


@dataclass
class Target:
    """What the learner aims at: its skills (essential first, then by weight), and those she already holds."""

    skills: list[TargetSkill]
    held: frozenset[str] = frozenset()
    occupation: ref.EscoOccupation | None = None

    @property
    def remaining(self) -> list[TargetSkill]:
        """The target's skills still to cover (those she does not hold yet)."""
        return [s for s in self.skills if s.uri not in self.held]

    @property
    def already_held(self) -> list[TargetSkill]:
        return [s for s in self.skills if s.uri in self.held]


def _ordered(skills: list[TargetSkill]) -> list[TargetSkill]:
    return sorted(skills, key=lambda s: (not s.essential, -s.weight, s.label.lower(), s.uri))


_counts_lock = threading.Lock()
_counts: tuple[tuple, int, dict[int, int]] | None = None


def _occupations_per_skill() -> tuple[int, dict[int, int]]:
    """(current occupations, {skill id: occupations listing it}) for the specificity of every skill, read once per
    process and again when ESCO is reloaded (the number of occupations or the last relation changes)."""
    global _counts
    occupations, relations = ref.EscoOccupation._meta.db_table, ref.OccupationSkill._meta.db_table
    with connection.cursor() as cursor:  # one round trip; the table names are the models', not input
        cursor.execute(
            f"SELECT (SELECT COUNT(*) FROM {occupations} WHERE is_current), (SELECT MAX(id) FROM {relations})"  # noqa: S608
        )
        key = tuple(cursor.fetchone())
    with _counts_lock:
        if _counts is not None and _counts[0] == key:
            return _counts[1], _counts[2]
    counts = dict(
        ref.OccupationSkill.objects.order_by()
        .values("skill_id")
        .annotate(n=Count("occupation_id"))
        .values_list("skill_id", "n")
    )
    with _counts_lock:
        _counts = (key, key[0] or 1, counts)
    return key[0] or 1, counts


def target_for_occupation(occupation: ref.EscoOccupation, *, held: Iterable[str] = ()) -> Target:
    """The occupation's ESCO skills, each weighted as `selectors.occupations_for_skills` weighs it: relation weight
    (essential 1, optional 0.25) times `selectors.specificity_weight`."""
    total, counts = _occupations_per_skill()
    links = occupation.skill_links.values_list("skill_id", "relation", "skill__uri", "skill__preferred_label")
    found = [
        TargetSkill(
            uri=uri,
            label=label,
            essential=relation == ref.OccupationSkill.Relation.ESSENTIAL,
            weight=round(
                selectors.WEIGHTS.get(relation, 0.0) * selectors.specificity_weight(total, counts.get(sid, 0)), 6
            ),
        )
        for sid, relation, uri, label in links
    ]
    return Target(skills=_ordered(found), held=frozenset(held), occupation=occupation)


def target_for_skills(uris: Iterable[str], *, held: Iterable[str] = ()) -> Target:
    """The picked skills (unknown URIs are left out: the caller says which), each essential, weight 1."""
    wanted = list(dict.fromkeys(str(u).strip() for u in uris if str(u).strip()))[:MAX_PICKED_SKILLS]
    by_uri = {s.uri: s for s in ref.EscoSkill.objects.filter(uri__in=wanted)}
    found = [
        TargetSkill(uri=u, label=by_uri[u].preferred_label, essential=True, weight=1.0) for u in wanted if u in by_uri
    ]
    return Target(skills=found, held=frozenset(held))


def unknown_skills(uris: Iterable[str]) -> list[str]:
    """The URIs among `uris` that are not ESCO skills of the loaded release."""
    wanted = {str(u).strip() for u in uris if str(u).strip()}
    known = set(ref.EscoSkill.objects.filter(uri__in=wanted).values_list("uri", flat=True))
    return sorted(wanted - known)


def target_for_text(text: str, *, language: str = "en", held: Iterable[str] = ()) -> Target:
    """The skills the suggestion engine finds in a sentence: the first TEXT_ESSENTIAL essential (weight 1), the
    others optional (weight 0.25), in the engine's order."""
    from microcred.guidance import suggestions

    found = suggestions.suggest(text, language=language, limit=TEXT_SKILLS)
    skills = [
        TargetSkill(
            uri=skill.uri,
            label=skill.preferred_label,
            essential=n < TEXT_ESSENTIAL,
            weight=selectors.ESSENTIAL_WEIGHT if n < TEXT_ESSENTIAL else selectors.OPTIONAL_WEIGHT,
        )
        for n, (skill, _score) in enumerate(found)
    ]
    return Target(skills=skills, held=frozenset(held))


@dataclass(frozen=True, slots=True)
class Candidate:
    """Something a learner can take: its kind ("micro_credential", "pathway"), a key the caller knows it by, and
    the ESCO skills (URIs) it teaches."""

    kind: str
    key: Hashable
    skills: frozenset[str]


@dataclass
class Ranked:
    candidate: Candidate
    score: float  # share of the remaining target's weight it covers, 0 to 1
    covered: list[TargetSkill]
    missing: list[TargetSkill]


@dataclass
class Combination:
    steps: list[Ranked] = field(default_factory=list)  # each step's `covered`: what it adds to the steps before
    score: float = 0.0  # share of the remaining target's weight the steps cover together
    missing: list[TargetSkill] = field(default_factory=list)


class _Incidence:
    """The candidates' skills restricted to the target: (row, column) pairs, a sparse 0/1 matrix in COO form."""

    def __init__(self, target: Target, candidates: list[Candidate]):
        self.columns = target.remaining
        index = {s.uri: j for j, s in enumerate(self.columns)}
        self.weights = np.array([s.weight for s in self.columns], dtype=np.float64)
        self.total = float(self.weights.sum())
        rows: list[int] = []
        cols: list[int] = []
        for i, candidate in enumerate(candidates):
            for uri in candidate.skills:
                j = index.get(uri)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
        self.rows = np.array(rows, dtype=np.int64)
        self.cols = np.array(cols, dtype=np.int64)
        self.size = len(candidates)

    def scores(self, uncovered: np.ndarray | None = None) -> np.ndarray:
        """Each candidate's covered weight (of the columns still `uncovered`, if given)."""
        weights = self.weights if uncovered is None else self.weights * uncovered
        return np.bincount(self.rows, weights=weights[self.cols], minlength=self.size)

    def columns_of(self, row: int) -> np.ndarray:
        return self.cols[self.rows == row]


def _skill_lists(columns: list[TargetSkill], hit: set[int]) -> tuple[list[TargetSkill], list[TargetSkill]]:
    covered = [s for j, s in enumerate(columns) if j in hit]
    missing = [s for j, s in enumerate(columns) if j not in hit]
    return covered, missing


def rank(target: Target, candidates: list[Candidate], *, limit: int | None = 20) -> list[Ranked]:
    """Candidates covering some of the remaining target, best first (score, then more essential skills covered, then
    the order they were given in); each with the target's skills it covers and those it misses."""
    if not candidates or not target.remaining:
        return []
    incidence = _Incidence(target, candidates)
    if incidence.total <= 0:
        return []
    scores = incidence.scores()
    essential = np.array([s.essential for s in incidence.columns], dtype=np.float64)
    essential_counts = np.bincount(incidence.rows, weights=essential[incidence.cols], minlength=incidence.size)
    rows = np.flatnonzero(scores > 0).tolist()
    rows.sort(key=lambda i: (-round(float(scores[i]), 9), -essential_counts[i], i))
    if limit is not None:
        rows = rows[:limit]
    out = []
    for i in rows:
        covered, missing = _skill_lists(incidence.columns, set(incidence.columns_of(i).tolist()))
        out.append(Ranked(candidates[i], round(float(scores[i]) / incidence.total, 4), covered, missing))
    return out


def best_combination(target: Target, candidates: list[Candidate], *, size: int = COMBINATION_SIZE) -> Combination:
    """The greedy weighted set cover: up to `size` candidates, each adding the most uncovered weight (the first given
    of equals), until none adds anything."""
    if not candidates or not target.remaining:
        return Combination(missing=list(target.remaining))
    incidence = _Incidence(target, candidates)
    if incidence.total <= 0:
        return Combination(missing=list(target.remaining))
    uncovered = np.ones(len(incidence.columns), dtype=np.float64)
    steps: list[Ranked] = []
    chosen: set[int] = set()
    for _step in range(size):
        gains = incidence.scores(uncovered)
        if chosen:
            gains[list(chosen)] = 0.0
        best = int(np.argmax(np.round(gains, 9)))  # the first of equals: the callers' order breaks ties
        if gains[best] <= 0:
            break
        new = {j for j in incidence.columns_of(best).tolist() if uncovered[j]}
        uncovered[list(new)] = 0.0
        chosen.add(best)
        covered, _missing = _skill_lists(incidence.columns, new)
        steps.append(Ranked(candidates[best], round(float(gains[best]) / incidence.total, 4), covered, []))
    done = {j for j in range(len(incidence.columns)) if not uncovered[j]}
    score = float((incidence.weights * (1 - uncovered)).sum()) / incidence.total
    return Combination(
        steps=steps, score=round(score, 4), missing=[s for j, s in enumerate(incidence.columns) if j not in done]
    )
