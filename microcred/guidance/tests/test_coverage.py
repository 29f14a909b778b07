"""The guide's ranking (guidance.coverage): the weighted share of a target each candidate covers, computed as one
sparse product, and the greedy weighted set cover; checked against a plain computation."""

import random

from microcred.guidance.coverage import Candidate, Target, TargetSkill, best_combination, rank


def target(*skills, held=()):
    return Target(
        skills=[TargetSkill(uri, uri.upper(), essential, weight) for uri, essential, weight in skills],
        held=frozenset(held),
    )


def candidate(key, *uris, kind="micro_credential"):
    return Candidate(kind, key, frozenset(uris))


def test_essential_skills_weigh_more_and_each_result_says_what_it_covers_and_misses():
    goal = target(("a", True, 1.0), ("b", False, 0.25), ("c", False, 0.25))
    ranked = rank(goal, [candidate(1, "b", "c", "z"), candidate(2, "a"), candidate(3, "z")])
    assert [(r.candidate.key, r.score) for r in ranked] == [(2, 0.6667), (1, 0.3333)]  # 3 covers nothing
    assert [s.uri for s in ranked[0].covered] == ["a"] and [s.uri for s in ranked[0].missing] == ["b", "c"]


def test_equal_scores_go_to_more_essential_skills_then_to_the_order_given():
    goal = target(("a", True, 0.5), ("b", False, 0.5), ("c", False, 0.5))
    ranked = rank(goal, [candidate(1, "b"), candidate(2, "c"), candidate(3, "a")])
    assert [r.candidate.key for r in ranked] == [3, 1, 2]


def test_held_skills_are_taken_out_of_what_is_left_to_cover():
    goal = target(("a", True, 1.0), ("b", True, 1.0), held=["a"])
    assert [s.uri for s in goal.remaining] == ["b"] and [s.uri for s in goal.already_held] == ["a"]
    ranked = rank(goal, [candidate(1, "a"), candidate(2, "a", "b")])
    assert [(r.candidate.key, r.score, [s.uri for s in r.covered]) for r in ranked] == [(2, 1.0, ["b"])]
    assert rank(target(("a", True, 1.0), held=["a"]), [candidate(1, "a")]) == []


def test_the_best_combination_takes_what_adds_most_until_nothing_adds():
    goal = target(("a", True, 1.0), ("b", True, 1.0), ("c", True, 1.0), ("d", False, 0.25))
    pool = [candidate(1, "a", "b"), candidate(2, "b", "c"), candidate(3, "c"), candidate(4, "a"), candidate(5, "x")]
    combination = best_combination(goal, pool)
    assert [(s.candidate.key, [c.uri for c in s.covered]) for s in combination.steps] == [(1, ["a", "b"]), (2, ["c"])]
    assert combination.score == round(3 / 3.25, 4) and [s.uri for s in combination.missing] == ["d"]
    assert best_combination(goal, pool, size=1).score == round(2 / 3.25, 4)
    assert best_combination(goal, []).steps == [] and len(best_combination(goal, []).missing) == 4


def test_the_sparse_product_agrees_with_a_plain_computation():
    rng = random.Random(13)
    uris = [f"s{i}" for i in range(60)]
    goal = target(*((u, rng.random() < 0.5, rng.choice([1.0, 0.25]) * rng.uniform(1, 5)) for u in uris[:30]))
    pool = [candidate(k, *rng.sample(uris, rng.randint(0, 8))) for k in range(500)]
    total = sum(s.weight for s in goal.skills)
    plain = {
        c.key: round(sum(s.weight for s in goal.skills if s.uri in c.skills) / total, 4)
        for c in pool
        if any(s.uri in c.skills for s in goal.skills)
    }
    ranked = rank(goal, pool, limit=None)
    assert {r.candidate.key: r.score for r in ranked} == plain
    assert [r.score for r in ranked] == sorted(plain.values(), reverse=True)
    for r in ranked:
        assert {s.uri for s in r.covered} == r.candidate.skills & {s.uri for s in goal.skills}
        assert {s.uri for s in r.covered} | {s.uri for s in r.missing} == {s.uri for s in goal.skills}
    # Greedy: each step adds at least as much as any candidate would have at that point.
    covered: set[str] = set()
    for step in best_combination(goal, pool).steps:
        gain = sum(s.weight for s in step.covered)
        best_other = max(sum(s.weight for s in goal.skills if s.uri in c.skills - covered) for c in pool)
        assert abs(gain - best_other) < 1e-9
        covered |= {s.uri for s in step.covered}
