"""Writes the pool of candidate skills to judge, blind: for each outcome of a set, the union of every method's top
five, listed alphabetically by label with the description and no method name. Grades already in the judgments file
are kept; new pairs get an empty grade to fill in (2 clearly relevant, 1 related, 0 not relevant). A graded pair the
methods no longer bring up stays in the file, after the pool (a change of model or vectors moves the pools, and a
later change can bring the pair back: its grade is still the judge's).

    DATABASE_URL=... VAR_DIR=... .venv/bin/python -m microcred.guidance.evaluation.pool [--set evaluation|new|languages]

`--depth 10` pools the site's ranking (the hybrid) down to its tenth suggestion instead of its fifth (the other
methods stay at five): what a better ordering of the same candidates could reach (`evaluate.py --ceiling`).

`--set languages` pools the translated outcomes (es, fr, nl, hu) over BM25 in their language and e5 fused with it
(e5 alone for nl and hu, which have no labels), into language-judgments.tsv, listing only the pairs the English
outcome's judgments do not already grade.
"""

import argparse
import sys
from pathlib import Path

from microcred.guidance.evaluation.common import (
    LANGUAGE_JUDGMENTS,
    LANGUAGE_METHODS,
    METHODS,
    OTHER_LANGUAGES,
    outcome_set,
    read_judgments,
    read_language_judgments,
    setup_django,
)


def graded_lines_not_pooled(path: Path, pooled: set[tuple[str, str]]) -> list[str]:
    """The lines of the judgments file at ``path`` that carry a grade for an (outcome, skill) pair not in
    ``pooled``, as they are, in the file's order."""
    if not path.is_file():
        return []
    kept = []
    for line in path.read_text().splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) >= 4 and fields[3].strip() and (fields[0], fields[1]) not in pooled:
            kept.append(line)
    return kept


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default="evaluation", choices=["evaluation", "new", "languages"])
    parser.add_argument("--tuning", action="store_true", help="(the tuning set is pooled by tune.py)")
    parser.add_argument("--depth", type=int, default=5, help="how deep the hybrid ranking is pooled (default 5)")
    args = parser.parse_args()
    if args.depth < 5:
        parser.error(f"--depth {args.depth}: the pool always holds each method's top five; give 5 or more")
    setup_django()
    from microcred.guidance.suggestions import LanguageIndex, SkillIndex, load_skill_rows
    from microcred.reference.models import EscoSkill

    descriptions = dict(EscoSkill.objects.values_list("uri", "description"))
    rows = load_skill_rows()
    pools = []  # (outcomes, index, methods)
    if args.set == "languages":
        path, grades = LANGUAGE_JUDGMENTS, read_judgments(LANGUAGE_JUDGMENTS)
        known = read_language_judgments()
        for language in OTHER_LANGUAGES:
            index = LanguageIndex(rows, language)
            if index.mode != "hybrid":
                # Pool what can be pooled now (BM25 over the labels); run again once the e5 vectors are there.
                print(f"{language}: the multilingual encoder cannot be used: {index.problem}", file=sys.stderr)
                if index.lexical is not None:
                    pools.append((outcome_set(language)[0], index, ("lexical",)))
                continue
            methods = LANGUAGE_METHODS if index.lexical is not None else ("dense",)
            pools.append((outcome_set(language)[0], index, methods))
    else:
        outcomes, path = outcome_set(args.set)
        grades = known = read_judgments(path)
        index = SkillIndex(rows)
        if index.mode != "hybrid":
            print(f"The encoder cannot be used: {index.problem}", file=sys.stderr)
            return 1
        pools.append((outcomes, index, METHODS))
    lines = ["outcome\turi\tlabel\tgrade\tdescription"]
    written = set()
    for outcomes, index, methods in pools:
        for outcome_id, _field, text in outcomes:
            pooled = {}
            for method in methods:
                for s in index.suggest(text, args.depth if method == "hybrid" else 5, method=method):
                    pooled[s.uri] = s.label
            for uri, label in sorted(pooled.items(), key=lambda item: item[1].lower()):
                if args.set == "languages" and (outcome_id, uri) in known and (outcome_id, uri) not in grades:
                    continue  # graded for the English outcome
                grade = grades.get((outcome_id, uri), "")
                description = " ".join(descriptions.get(uri, "").split())
                lines.append(f"{outcome_id}\t{uri}\t{label}\t{grade}\t{description}")
                written.add((outcome_id, uri))
    lines += graded_lines_not_pooled(path, written)
    path.write_text("\n".join(lines) + "\n")
    print(f"{len(lines) - 1} pairs in {path}, {sum(1 for line in lines[1:] if not line.split(chr(9))[3])} to grade")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
