"""Finding an ESCO occupation from what a person types, in any of the alliance's languages (issue #13 item 4).

`find_occupations("analista de datos", "es")` answers ESCO's "data analyst" first although ESCO's occupation labels
are loaded in English only: the multilingual e5 encoder puts the typed words near the English occupation's label and
the first sentence of its description (vectors computed once by `manage.py build_skill_vectors`, a few minutes),
fused with BM25 over the occupations' labels in the typed language where any are loaded (English today) at half
weight.

Without the model or its vectors, the look-up is lexical over the labels in that language (English: every label and
alternative label), and finds nothing for words in a language whose labels are not loaded; `manage.py check` warns.
"""

from __future__ import annotations

import logging

import numpy as np

from microcred.guidance import ranking
from microcred.guidance.encoder import EncoderUnavailable, load_multilingual_encoder
from microcred.guidance.suggestions import (
    E5_OCCUPATIONS,
    MAX_LIMIT,
    MAX_TEXT_LENGTH,
    KeptPerProcess,
    SkillRows,
    load_vectors,
    vector_problem,
)
from microcred.reference import models as ref

logger = logging.getLogger(__name__)


def load_occupation_rows() -> SkillRows:
    """The current occupations in a fixed order (by URI), with the text the encoder embeds for each."""
    rows = list(
        ref.EscoOccupation.objects.filter(is_current=True)
        .order_by("uri")
        .values_list("pk", "uri", "preferred_label", "description")
    )
    return SkillRows(
        ids=[r[0] for r in rows],
        uris=[r[1] for r in rows],
        labels=[r[2] for r in rows],
        dense_texts=[
            ranking.OCCUPATION_TEMPLATE.format(label=r[2], first_sentence=ranking.first_sentence(r[3])).strip()
            for r in rows
        ],
        lexical_texts=[],
    )


def occupation_label_texts(rows: SkillRows, language: str) -> list[str]:
    """Each occupation's preferred and alternative labels in one language, in the rows' order."""
    labels: dict[int, list[str]] = {}
    found = ref.EscoOccupationLabel.objects.filter(
        occupation__is_current=True,
        language=language,
        kind__in=[ref.LabelKind.PREFERRED, ref.LabelKind.ALTERNATIVE],
    ).order_by("occupation_id", "kind", "label")
    for occupation_id, label in found.values_list("occupation_id", "label"):
        labels.setdefault(occupation_id, []).append(label)
    return [" ".join(labels.get(pk, ())) for pk in rows.ids]


class OccupationIndex:
    """e5 vectors of the occupations and a BM25 index per language of their labels (made when first asked)."""

    def __init__(self, rows: SkillRows, use_encoder: bool = True):
        self.rows = rows
        self._lexical: dict[str, ranking.Lexical | None] = {}
        self.vectors: np.ndarray | None = None
        self.encoder = None
        self.problem: str | None = "the encoder is switched off" if not use_encoder else None
        if use_encoder:
            try:
                encoder = load_multilingual_encoder()
                self.problem = vector_problem(rows, encoder.fingerprint, kind=E5_OCCUPATIONS)
            except EncoderUnavailable as exc:
                encoder, self.problem = None, str(exc)
            if self.problem is None:
                self.vectors = load_vectors(E5_OCCUPATIONS)
                self.encoder = encoder

    def lexical(self, language: str) -> ranking.Lexical | None:
        if language not in self._lexical:
            texts = occupation_label_texts(self.rows, language)
            self._lexical[language] = ranking.Lexical(texts, language) if any(texts) else None
        return self._lexical[language]

    def rank(self, text: str, language: str, limit: int) -> list[tuple[int, float]]:
        lexical_index = self.lexical(language)
        lexical = [row for row, _ in lexical_index.rank(text, ranking.DEPTH)] if lexical_index else []
        if self.vectors is None:
            return ranking.fuse([(lexical, 1.0)])[:limit]
        query = self.encoder.queries([text])[0]
        dense = [row for row, _ in ranking.top(self.vectors @ query, ranking.DEPTH)]
        return ranking.fuse([(dense, 1.0), (lexical, ranking.LEXICAL_WEIGHT)])[:limit]


def _occupation_index() -> OccupationIndex:
    index = OccupationIndex(load_occupation_rows())
    if index.problem:
        logger.warning("The occupation look-up is lexical only: %s.", index.problem)
    return index


_kept = KeptPerProcess(E5_OCCUPATIONS, _occupation_index)


def get_occupation_index() -> OccupationIndex:
    """The process's index, built on first use and again when the e5 vectors of the occupations change."""
    return _kept.get()


def reset_occupation_index() -> None:
    _kept.reset()


def find_occupations(text: str, language: str = "en", limit: int = 10) -> list[tuple[ref.EscoOccupation, float]]:
    """The ESCO occupations best matching what was typed (in `language`), best first, as (EscoOccupation, score).

    Scores compare within one answer only. An empty text gives an empty list; so does a language whose words
    match nothing when the multilingual model is not available."""
    text = (text or "").strip()[:MAX_TEXT_LENGTH]
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not text:
        return []
    index = get_occupation_index()
    found = index.rank(text, (language or "en").split("-")[0].lower(), limit)
    occupations = ref.EscoOccupation.objects.in_bulk([index.rows.ids[row] for row, _score in found])
    return [
        (occupations[index.rows.ids[row]], round(score, 6))
        for row, score in found
        if index.rows.ids[row] in occupations
    ]
