"""Tries settings of the ranking on the TUNING outcomes only (never the evaluation set), judged blind in
tuning-judgments.tsv. First run writes the pool to judge (every variant's top five, alphabetically, no variant
names); once graded, it prints P@5 and hit@5 per variant.

    DATABASE_URL=... VAR_DIR=... .venv/bin/python -m microcred.guidance.evaluation.tune
"""

from microcred.guidance.evaluation.common import JUDGMENTS, metrics, read_judgments, setup_django

VARIANTS = {
    # name: (module settings, method)
    "bm25 (study)": ({}, "lexical"),
    "bm25 label x2": ({"LABEL_REPEAT": 2}, "lexical"),
    "dense only": ({}, "dense"),
    "hybrid (study: bm25 0.5, depth 50)": ({}, "hybrid"),
    "hybrid bm25 0.3": ({"LEXICAL_WEIGHT": 0.3}, "hybrid"),
    "hybrid bm25 0.7": ({"LEXICAL_WEIGHT": 0.7}, "hybrid"),
    "hybrid depth 20": ({"DEPTH": 20}, "hybrid"),
    "hybrid bm25 label x2": ({"LABEL_REPEAT": 2}, "hybrid"),
    "hybrid specific x0.97": ({"SPECIFIC_FACTOR": 0.97}, "hybrid"),
    "hybrid label x2 specific x0.97": ({"LABEL_REPEAT": 2, "SPECIFIC_FACTOR": 0.97}, "hybrid"),
    "hybrid bm25 0.3 depth 20": ({"LEXICAL_WEIGHT": 0.3, "DEPTH": 20}, "hybrid"),
    "hybrid depth 20 label x2": ({"DEPTH": 20, "LABEL_REPEAT": 2}, "hybrid"),
    "hybrid depth 20 label x2 specific x0.97": ({"DEPTH": 20, "LABEL_REPEAT": 2, "SPECIFIC_FACTOR": 0.97}, "hybrid"),
    "hybrid depth 10": ({"DEPTH": 10}, "hybrid"),
    "hybrid k 20": ({"RRF_K": 20}, "hybrid"),
    "hybrid k 20 depth 20 label x2": ({"RRF_K": 20, "DEPTH": 20, "LABEL_REPEAT": 2}, "hybrid"),
}


def main() -> int:
    setup_django()
    from microcred.guidance import ranking
    from microcred.guidance.evaluation.outcomes import TUNING
    from microcred.guidance.suggestions import SkillIndex, load_skill_rows
    from microcred.reference.models import EscoSkill

    path = JUDGMENTS.with_name("tuning-judgments.tsv")
    defaults = {k: getattr(ranking, k) for k in ("LABEL_REPEAT", "LEXICAL_WEIGHT", "DEPTH", "SPECIFIC_FACTOR", "RRF_K")}
    indexes = {}
    tops = {}
    for name, (values, method) in VARIANTS.items():
        for key, value in {**defaults, **values}.items():
            setattr(ranking, key, value)
        repeat = ranking.LABEL_REPEAT
        if repeat not in indexes:
            indexes[repeat] = SkillIndex(load_skill_rows())
            assert indexes[repeat].mode == "hybrid", indexes[repeat].problem
        index = indexes[repeat]
        tops[name] = {oid: [s.uri for s in index.suggest(text, 5, method=method)] for oid, _f, text in TUNING}
    grades = read_judgments(path)
    labels = dict(EscoSkill.objects.values_list("uri", "preferred_label"))
    descriptions = dict(EscoSkill.objects.values_list("uri", "description"))
    pooled = {(oid, uri) for top in tops.values() for oid, uris in top.items() for uri in uris}
    if any(pair not in grades for pair in pooled):
        lines = ["outcome\turi\tlabel\tgrade\tdescription"]
        for oid, _f, _text in TUNING:
            for uri in sorted({u for o, u in pooled if o == oid}, key=lambda u: labels[u].lower()):
                desc = " ".join(descriptions[uri].split())
                lines.append(f"{oid}\t{uri}\t{labels[uri]}\t{grades.get((oid, uri), '')}\t{desc}")
        path.write_text("\n".join(lines) + "\n")
        print(f"Judge the {sum(1 for p in pooled if p not in grades)} new pairs in {path}, then run again.")
        return 1
    print(f"{'variant':40} P@5   lenient hit@5")
    for name, top in tops.items():
        m = metrics(top, grades)
        print(f"{name:40} {m['p5']:.2f}  {m['p5_lenient']:.2f}    {m['hit5']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
