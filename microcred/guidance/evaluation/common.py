"""Shared by the evaluation scripts and bench/bench_guidance.py: Django set-up and the rankings of each method."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
JUDGMENTS = Path(__file__).with_name("judgments.tsv")
NEW_JUDGMENTS = Path(__file__).with_name("new-judgments.tsv")
LANGUAGE_JUDGMENTS = Path(__file__).with_name("language-judgments.tsv")
METHODS = ("lexical", "hybrid")
LANGUAGE_METHODS = ("lexical", "hybrid")  # BM25 over the language's labels, and e5 fused with it
OTHER_LANGUAGES = ("es", "fr", "nl", "hu")


def outcome_set(name: str) -> tuple[list[tuple[str, str, str]], Path]:
    """The outcomes of a set ("evaluation", "tuning", "new", or a language code) and its judgments file."""
    from microcred.guidance.evaluation import outcomes

    if name in OTHER_LANGUAGES:
        return outcomes.translated_outcomes(name), LANGUAGE_JUDGMENTS
    sets = {
        "evaluation": (outcomes.EVALUATION, JUDGMENTS),
        "tuning": (outcomes.TUNING, JUDGMENTS.with_name("tuning-judgments.tsv")),
        "new": (outcomes.NEW, NEW_JUDGMENTS),
    }
    return sets[name]


def read_language_judgments() -> dict[tuple[str, str], int]:
    """Grades for translated outcomes ("es:sus1"): those given to the English outcome hold for its translation (same
    meaning), completed by the blind grades of the pairs only a translation brought up."""
    english = read_judgments(JUDGMENTS)
    grades = read_judgments(LANGUAGE_JUDGMENTS)
    from microcred.guidance.evaluation.outcomes import TRANSLATED

    for (oid, uri), grade in english.items():
        if oid in TRANSLATED:
            for language in OTHER_LANGUAGES:
                grades.setdefault((f"{language}:{oid}", uri), grade)
    return grades


def setup_django() -> None:
    """Uses DATABASE_URL and VAR_DIR from the environment (a database with ESCO loaded, and its skill vectors)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


def read_judgments(path: Path = JUDGMENTS) -> dict[tuple[str, str], int]:
    """{(outcome id, skill URI): grade}; 2 clearly relevant, 1 related, 0 not relevant."""
    grades = {}
    if not path.is_file():
        return grades
    for line in path.read_text().splitlines()[1:]:
        if not line.strip():
            continue
        outcome, uri, _label, grade = line.split("\t")[:4]
        if grade.strip():
            grades[(outcome, uri)] = int(grade)
    return grades


def metrics(top5: dict[str, list[str]], grades: dict[tuple[str, str], int]) -> dict:
    """P@5 strict (grade 2), lenient (grade >= 1) and hit@5 (a grade-2 skill in the top five), over outcomes."""
    strict, lenient, hits, missing = [], [], [], 0
    for outcome, uris in top5.items():
        got = []
        for uri in uris[:5]:
            if (outcome, uri) not in grades:
                missing += 1
            got.append(grades.get((outcome, uri), 0))
        strict.append(sum(g == 2 for g in got) / 5)
        lenient.append(sum(g >= 1 for g in got) / 5)
        hits.append(1.0 if any(g == 2 for g in got) else 0.0)
    n = len(top5) or 1
    return {
        "p5": sum(strict) / n,
        "p5_lenient": sum(lenient) / n,
        "hit5": sum(hits) / n,
        "outcomes": len(top5),
        "unjudged": missing,
    }
