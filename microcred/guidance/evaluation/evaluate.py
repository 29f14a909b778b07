"""P@5 (strict and lenient) and hit@5 of each method on the held-out evaluation set, per field, from the blind
judgments in judgments.tsv (see pool.py).

    DATABASE_URL=... VAR_DIR=... .venv/bin/python -m microcred.guidance.evaluation.evaluate
"""

from microcred.guidance.evaluation.common import METHODS, metrics, read_judgments, setup_django


def quality(index, outcomes, grades) -> dict[str, dict[str, dict]]:
    """{method: {field or "all": metrics}} for the methods the index can run."""
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


def main() -> int:
    setup_django()
    from microcred.guidance.evaluation.outcomes import EVALUATION, FIELDS
    from microcred.guidance.suggestions import SkillIndex, load_skill_rows

    index = SkillIndex(load_skill_rows())
    result = quality(index, EVALUATION, read_judgments())
    print(f"{'method':8} {'field':15} {'P@5':>5} {'lenient':>8} {'hit@5':>6} {'n':>3} unjudged")
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
