"""The judging pool's file (guidance/evaluation/pool.py): a grade once given is never dropped."""

from microcred.guidance.evaluation.pool import graded_lines_not_pooled

HEADER = "outcome\turi\tlabel\tgrade\tdescription\n"


def test_graded_pairs_the_methods_no_longer_bring_up_are_kept_as_they_are(tmp_path):
    path = tmp_path / "judgments.tsv"
    path.write_text(
        HEADER
        + "hu:dig1\thttp://esco/s/1\tinteract verbally in Hungarian\t0\tTo speak it.\n"  # no longer pooled
        + "dig1\thttp://esco/s/2\tuse Python\t2\tProgramming in Python.\n"  # pooled again: the pool writes it
        + "dig2\thttp://esco/s/3\tmanage data\t\tNever graded.\n"  # no grade and not pooled: nothing to keep
        + "sus1\thttp://esco/s/4\treduce waste\t1\tKept after the others.\n"
        + "\n"
    )
    pooled = {("dig1", "http://esco/s/2")}
    assert graded_lines_not_pooled(path, pooled) == [
        "hu:dig1\thttp://esco/s/1\tinteract verbally in Hungarian\t0\tTo speak it.",
        "sus1\thttp://esco/s/4\treduce waste\t1\tKept after the others.",
    ]


def test_a_set_judged_for_the_first_time_has_nothing_to_keep(tmp_path):
    assert graded_lines_not_pooled(tmp_path / "new-set.tsv", set()) == []
