"""Tries settings of the ranking on the TUNING outcomes only (never the evaluation set), judged blind in
tuning-judgments.tsv. First run writes the pool to judge (every variant's top five, alphabetically, no variant
names); once graded, it prints P@5 and hit@5 per variant.

    DATABASE_URL=... VAR_DIR=... .venv/bin/python -m microcred.guidance.evaluation.tune
"""

from microcred.guidance.evaluation.common import JUDGMENTS, metrics, read_judgments, setup_django

VARIANTS = {
    # name: (module settings, method). The first round's variants (README) were measured on the first 12 outcomes;
    # this second round runs on all 24 tuning outcomes.
    "bm25": ({}, "lexical"),
    "dense only": ({}, "dense"),
    "hybrid (k 20, first round's choice)": ({}, "hybrid"),
    "hybrid unmatched x0.8 rare<=50": ({"UNMATCHED_FACTOR": 0.8}, "hybrid"),
    "hybrid unmatched x0.6 rare<=50": ({"UNMATCHED_FACTOR": 0.6}, "hybrid"),
    "hybrid unmatched x0.8 rare<=200": ({"UNMATCHED_FACTOR": 0.8, "UNMATCHED_RARE": 200}, "hybrid"),
    "hybrid unmatched x0.6 rare<=200": ({"UNMATCHED_FACTOR": 0.6, "UNMATCHED_RARE": 200}, "hybrid"),
    "hybrid unmatched x0.8 rare<=50 specific only": (
        {"UNMATCHED_FACTOR": 0.8, "UNMATCHED_LEVELS": ("sector-specific", "occupation-specific")},
        "hybrid",
    ),
    "hybrid unmatched x0.6 rare<=1000": ({"UNMATCHED_FACTOR": 0.6, "UNMATCHED_RARE": 1000}, "hybrid"),
    # The multilingual e5 ranking as a third one beside MiniLM and BM25 (English outcomes): e5 costs ~30-40 ms a
    # query here, so it could only be kept if it brought a clear gain.
    "hybrid + e5 x0.5": ({}, "hybrid+e5:0.5"),
    "hybrid + e5 x1.0": ({}, "hybrid+e5:1.0"),
}


def with_e5(index, e5_index, text: str, weight: float, limit: int = 5) -> list[str]:
    """MiniLM, BM25 (x LEXICAL_WEIGHT) and e5 (x weight) fused by reciprocal rank: the top URIs."""
    from microcred.guidance import ranking

    dense = [row for row, _ in index.dense_rank(text)]
    lexical = [row for row, _ in index.lexical.rank(text, ranking.DEPTH)]
    e5 = [row for row, _ in e5_index.rank(text, ranking.DEPTH, method="dense")]
    fused = ranking.fuse([(dense, 1.0), (lexical, ranking.LEXICAL_WEIGHT), (e5, weight)])
    return [index.rows.uris[row] for row, _ in fused[:limit]]


def main() -> int:
    setup_django()
    from microcred.guidance import ranking
    from microcred.guidance.evaluation.outcomes import TUNING
    from microcred.guidance.suggestions import SkillIndex, load_skill_rows
    from microcred.reference.models import EscoSkill

    path = JUDGMENTS.with_name("tuning-judgments.tsv")
    settings = ("LABEL_REPEAT", "LEXICAL_WEIGHT", "DEPTH", "SPECIFIC_FACTOR", "RRF_K")
    settings += ("UNMATCHED_FACTOR", "UNMATCHED_RARE", "UNMATCHED_MAX", "UNMATCHED_LEVELS")
    defaults = {k: getattr(ranking, k) for k in settings}
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
        if method.startswith("hybrid+e5:"):
            from microcred.guidance.suggestions import LanguageIndex

            e5_index = indexes.setdefault("e5", LanguageIndex(index.rows, "en"))
            if e5_index.mode != "hybrid":
                print(f"{name}: skipped ({e5_index.problem})")
                continue
            weight = float(method.split(":")[1])
            tops[name] = {oid: with_e5(index, e5_index, text, weight) for oid, _f, text in TUNING}
            continue
        tops[name] = {oid: [s.uri for s in index.suggest(text, 5, method=method)] for oid, _f, text in TUNING}
    grades = read_judgments(path)
    labels = dict(EscoSkill.objects.values_list("uri", "preferred_label"))
    descriptions = dict(EscoSkill.objects.values_list("uri", "description"))
    pooled = {(oid, uri) for top in tops.values() for oid, uris in top.items() for uri in uris}
    if any(pair not in grades for pair in pooled):
        lines = ["outcome\turi\tlabel\tgrade\tdescription"]
        for oid, _f, _text in TUNING:
            # Pairs graded for earlier variants stay, so that every round's numbers can be recomputed.
            uris = {u for o, u in pooled if o == oid} | {u for o, u in grades if o == oid and u in labels}
            for uri in sorted(uris, key=lambda u: labels[u].lower()):
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
