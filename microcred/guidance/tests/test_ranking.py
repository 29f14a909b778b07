"""The pure parts of skill suggestions: BM25, top-k and reciprocal-rank fusion."""

import numpy as np

from microcred.guidance import ranking


def test_fusion_adds_weighted_reciprocal_ranks_and_orders_best_first():
    fused = ranking.fuse([([1, 2, 3], 1.0), ([3, 4], 0.5)], k=60)
    scores = dict(fused)
    assert scores[1] == 1 / 61
    assert scores[3] == 1 / 63 + 0.5 / 61
    assert scores[4] == 0.5 / 62
    # 3 is in both rankings and overtakes 1, which only the first has at rank 1.
    assert [row for row, _ in fused] == [3, 1, 2, 4]


def test_fusion_with_equal_weights_lets_the_second_ranking_count_as_much():
    half = [row for row, _ in ranking.fuse([([1, 2], 1.0), ([2, 9], 0.5)])]
    equal = [row for row, _ in ranking.fuse([([1, 5], 1.0), ([9, 5], 1.0)])]
    assert half[0] == 2
    assert equal[0] == 5


def test_fusion_breaks_ties_by_the_first_ranking():
    assert [row for row, _ in ranking.fuse([([7, 3], 1.0), ([3, 7], 1.0)])] == [7, 3]


def test_top_returns_the_best_rows_in_order_and_can_drop_zero_scores():
    scores = np.array([0.1, 0.9, 0.0, 0.5, 0.9])
    assert ranking.top(scores, 3) == [(1, 0.9), (4, 0.9), (3, 0.5)]
    assert [row for row, _ in ranking.top(scores, 10, positive_only=True)] == [1, 4, 3, 0]
    assert ranking.top(scores, 0) == []


def test_bm25_ranks_skills_by_the_outcome_words():
    texts = [
        ranking.lexical_text("recycle waste", ["waste recycling"], "Sort and process waste."),
        ranking.lexical_text("manage projects", ["project management"], "Plan and run projects."),
        ranking.lexical_text("lead a team", [], "Guide a group of people."),
    ]
    bm25 = ranking.Lexical(texts)
    assert bm25.rank("Plan a project and manage its budget")[0][0] == 1
    assert bm25.rank("Sort household waste for recycling")[0][0] == 0
    assert bm25.rank("zzz qqq") == []


def test_the_texts_follow_the_templates():
    assert ranking.dense_text("recycle waste", "Sort waste.") == "recycle waste. Sort waste."
    assert ranking.lexical_text("a", ["b", "c"], "d").split() == ["a"] * ranking.LABEL_REPEAT + ["b", "c", "d"]
