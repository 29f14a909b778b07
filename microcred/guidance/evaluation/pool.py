"""Writes the pool of candidate skills to judge, blind: for each evaluation outcome, the union of every method's top
five, listed alphabetically by label with the description and no method name. Grades already in judgments.tsv are
kept; new pairs get an empty grade to fill in (2 clearly relevant, 1 related, 0 not relevant).

    DATABASE_URL=... VAR_DIR=... .venv/bin/python -m microcred.guidance.evaluation.pool [--tuning]
"""

import argparse
import sys

from microcred.guidance.evaluation.common import JUDGMENTS, METHODS, read_judgments, setup_django


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tuning", action="store_true", help="pool the tuning set instead (tuning-judgments.tsv)")
    args = parser.parse_args()
    setup_django()
    from microcred.guidance.evaluation.outcomes import EVALUATION, TUNING
    from microcred.guidance.suggestions import SkillIndex, load_skill_rows

    path = JUDGMENTS.with_name("tuning-judgments.tsv") if args.tuning else JUDGMENTS
    outcomes = TUNING if args.tuning else EVALUATION
    index = SkillIndex(load_skill_rows())
    if index.mode != "hybrid":
        print(f"The encoder cannot be used: {index.problem}", file=sys.stderr)
        return 1
    grades = read_judgments(path)
    descriptions = dict(
        __import__("microcred.reference.models", fromlist=["EscoSkill"]).EscoSkill.objects.values_list(
            "uri", "description"
        )
    )
    lines = ["outcome\turi\tlabel\tgrade\tdescription"]
    for outcome_id, _field, text in outcomes:
        pooled = {}
        for method in METHODS:
            for s in index.suggest(text, 5, method=method):
                pooled[s.uri] = s.label
        for uri, label in sorted(pooled.items(), key=lambda item: item[1].lower()):
            grade = grades.get((outcome_id, uri), "")
            description = " ".join(descriptions.get(uri, "").split())
            lines.append(f"{outcome_id}\t{uri}\t{label}\t{grade}\t{description}")
    path.write_text("\n".join(lines) + "\n")
    print(f"{len(lines) - 1} pairs in {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
