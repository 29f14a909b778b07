"""What the judged pairs allow (guidance/evaluation/evaluate.py --ceiling): the best P@5 any ordering could reach."""

from types import SimpleNamespace

import pytest

from microcred.guidance.evaluation.evaluate import best_possible_p5, ceiling

GRADES = {
    ("a", "s1"): 2,
    ("a", "s2"): 2,
    ("a", "s3"): 1,
    ("a", "s4"): 0,
    ("b", "s1"): 2,
    ("b", "s2"): 2,
    ("b", "s3"): 2,
    ("b", "s4"): 2,
    ("b", "s5"): 2,
    ("b", "s6"): 2,
}


def test_an_outcome_with_two_clearly_relevant_skills_reaches_at_most_two_in_five():
    assert best_possible_p5({"a": ["s4", "s3", "s2", "s1"]}, GRADES) == pytest.approx(0.4)


def test_more_than_five_relevant_skills_count_as_five_and_unjudged_ones_as_not_relevant():
    assert best_possible_p5({"b": ["s1", "s2", "s3", "s4", "s5", "s6"]}, GRADES) == pytest.approx(1.0)
    assert best_possible_p5({"a": ["s1", "unjudged"], "b": ["s1"]}, GRADES) == pytest.approx((0.2 + 0.2) / 2)
    assert best_possible_p5({}, GRADES) == 0.0


class FakeIndex:
    """Suggests, for each outcome's text, the skills listed for it (best first)."""

    def __init__(self, ranked):
        self.ranked = ranked

    def suggest(self, text, limit, method=None):
        assert method == "hybrid"
        return [SimpleNamespace(uri=uri) for uri in self.ranked[text][:limit]]


def test_the_ceiling_over_every_judged_pair_and_over_the_hybrids_top_ten():
    outcomes = [("a", "digital", "text a"), ("b", "business", "text b")]
    index = FakeIndex({"text a": ["s4", "s9", "s1"], "text b": ["s1", "s2"]})
    result = ceiling(index, outcomes, GRADES, depth=10)
    assert result["judged_pairs"] == 10
    assert result["under_three"] == 1  # "a": two clearly relevant skills however they are ranked
    assert result["any_order"] == pytest.approx((0.4 + 1.0) / 2)
    assert result["hybrid_top"] == pytest.approx((0.2 + 0.4) / 2)
    assert result["hybrid_top_unjudged"] == 1  # s9 for "a"
    assert ceiling(index, outcomes, GRADES, depth=1)["hybrid_top"] == pytest.approx((0.0 + 0.2) / 2)
