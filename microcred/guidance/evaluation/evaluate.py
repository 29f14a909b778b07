"""P@5 (strict and lenient) and hit@5 of each method, per field, from the blind judgments:

* `--set evaluation` (default): the held-out evaluation set (judgments.tsv);
* `--set new`: the second held-out set (new-judgments.tsv);
* `--set languages`: the translated outcomes in es, fr, nl and hu (BM25 over the language's ESCO labels, e5 alone,
  both fused), graded by the English outcome's judgments and language-judgments.tsv.

    DATABASE_URL=... VAR_DIR=... .venv/bin/python -m microcred.guidance.evaluation.evaluate [--set new]

`--ceiling` prints what no ranking of the judged skills could beat: P@5 if each outcome's clearly relevant skills
(among all the pairs judged for it) came first, and if the hybrid's own top ten were put in the best order (the
pools go ten deep for the hybrid on the held-out sets, `pool.py --depth 10`). Pooled judging sees only what some
method brought up, so the first figure is what is known to be reachable, not a proof that nothing else is.
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


def best_possible_p5(candidates: dict[str, list[str]], grades: dict[tuple[str, str], int]) -> float:
    """P@5 of the best order of each outcome's candidate skills: its clearly relevant ones (grade 2) first."""
    if not candidates:
        return 0.0
    best = [min(5, sum(1 for uri in uris if grades.get((oid, uri)) == 2)) / 5 for oid, uris in candidates.items()]
    return sum(best) / len(best)


def ceiling(index, outcomes, grades, depth: int = 10) -> dict:
    """What the judged pairs allow (see the module's docstring), and how many outcomes have fewer than three clearly
    relevant skills among them (those cannot reach 0.6 however they are ranked)."""
    judged = {oid: [uri for (o, uri) in grades if o == oid] for oid, _field, _text in outcomes}
    top = {oid: [s.uri for s in index.suggest(text, depth, method="hybrid")] for oid, _field, text in outcomes}
    relevant = [sum(1 for uri in uris if grades.get((oid, uri)) == 2) for oid, uris in judged.items()]
    return {
        "judged_pairs": sum(len(uris) for uris in judged.values()),
        "under_three": sum(1 for n in relevant if n < 3),
        "any_order": best_possible_p5(judged, grades),
        "hybrid_top": best_possible_p5(top, grades),
        "hybrid_top_unjudged": sum(1 for oid, uris in top.items() for uri in uris if (oid, uri) not in grades),
        "depth": depth,
    }


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
    parser.add_argument("--ceiling", action="store_true", help="also print what the judged pairs allow")
    args = parser.parse_args()
    if args.ceiling and args.set == "languages":
        parser.error("--ceiling is measured on the English sets (their hybrid is pooled ten deep), not --set languages")
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
    index, grades = SkillIndex(rows), read_judgments(path)
    result = quality(index, outcomes, grades)
    print(header)
    for method, by_field in result.items():
        for field in ["all", *FIELDS]:
            m = by_field[field]
            print(
                f"{method:8} {field:15} {m['p5']:5.2f} {m['p5_lenient']:8.2f} {m['hit5']:6.2f} {m['outcomes']:3} "
                f"{m['unjudged']}"
            )
    if args.ceiling and index.mode != "hybrid":
        print(f"\nNo ceiling: it re-orders the hybrid's suggestions, and the encoder cannot be used ({index.problem}).")
    elif args.ceiling:
        c = ceiling(index, outcomes, grades)
        print(
            f"\n{c['judged_pairs']} judged pairs; {c['under_three']} of {len(outcomes)} outcomes have fewer than three "
            f"clearly relevant skills among them.\nBest P@5 of any order of the judged pairs: {c['any_order']:.2f}; "
            f"of the hybrid's top {c['depth']} in the best order: {c['hybrid_top']:.2f} "
            f"({c['hybrid_top_unjudged']} of its pairs unjudged, counted as not relevant)."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
