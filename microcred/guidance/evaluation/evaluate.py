"""P@5 (strict and lenient) and hit@5 of each method, per field, from the blind judgments:

* `--set evaluation` (default): the held-out evaluation set (judgments.tsv);
* `--set new`: the second held-out set (new-judgments.tsv);
* `--set languages`: the translated outcomes in es, fr, nl and hu (BM25 over the language's ESCO labels, e5 alone,
  both fused), graded by the English outcome's judgments and language-judgments.tsv.

    DATABASE_URL=... VAR_DIR=... .venv/bin/python -m microcred.guidance.evaluation.evaluate [--set new]
"""

import argparse

from microcred.guidance.evaluation.common import (
    LANGUAGE_METHODS,
    METHODS,
    OTHER_LANGUAGES,
    metrics,
    outcome_set,
    read_judgments,
    read_language_judgments,
    setup_django,
)


def quality(index, outcomes, grades, methods=None) -> dict[str, dict[str, dict]]:
    """{method: {field or "all": metrics}} for the methods the index can run."""
    if methods is None:
        methods = METHODS if index.mode == "hybrid" else ("lexical",)
    out = {}
    for method in methods:
        top5 = {oid: [s.uri for s in index.suggest(text, 5, method=method)] for oid, _field, text in outcomes}
        fields = {field for _oid, field, _text in outcomes}
        out[method] = {"all": metrics(top5, grades)}
        for field in sorted(fields):
            ids = {oid for oid, f, _text in outcomes if f == field}
            out[method][field] = metrics({o: u for o, u in top5.items() if o in ids}, grades)
    return out


def language_methods(index) -> tuple[str, ...]:
    if index.mode == "hybrid":
        return LANGUAGE_METHODS if index.lexical is not None else ("dense",)
    return ("lexical",) if index.lexical is not None else ()


def language_quality(rows) -> dict[str, dict[str, dict]]:
    """{language: {method: metrics over its translated outcomes}}."""
    from microcred.guidance.suggestions import LanguageIndex

    grades = read_language_judgments()
    out = {}
    for language in OTHER_LANGUAGES:
        index = LanguageIndex(rows, language)
        outcomes = outcome_set(language)[0]
        out[language] = {m: q["all"] for m, q in quality(index, outcomes, grades, language_methods(index)).items()}
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default="evaluation", choices=["evaluation", "new", "languages"])
    args = parser.parse_args()
    setup_django()
    from microcred.guidance.evaluation.outcomes import FIELDS
    from microcred.guidance.suggestions import SkillIndex, load_skill_rows

    rows = load_skill_rows()
    header = f"{'method':8} {'field':15} {'P@5':>5} {'lenient':>8} {'hit@5':>6} {'n':>3} unjudged"
    if args.set == "languages":
        print(header.replace("field", "language"))
        for language, by_method in language_quality(rows).items():
            for method, m in by_method.items():
                print(
                    f"{method:8} {language:15} {m['p5']:5.2f} {m['p5_lenient']:8.2f} {m['hit5']:6.2f} "
                    f"{m['outcomes']:3} {m['unjudged']}"
                )
        return 0
    outcomes, path = outcome_set(args.set)
    result = quality(SkillIndex(rows), outcomes, read_judgments(path))
    print(header)
    for method, by_field in result.items():
        for field in ["all", *FIELDS]:
            m = by_field[field]
            print(
                f"{method:8} {field:15} {m['p5']:5.2f} {m['p5_lenient']:8.2f} {m['hit5']:6.2f} {m['outcomes']:3} "
                f"{m['unjudged']}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
