"""ESCO skill suggestions for a learning outcome (issue #13; policy 7.16: outcomes aligned to ESCO skills).

`suggest(text)` ranks the loaded ESCO skills for a sentence: the int8 MiniLM encoder's cosine ranking and BM25 at half
weight, fused by reciprocal rank (`ranking.py`). The skills' vectors are computed once by
`manage.py build_skill_vectors` into VAR_DIR/guidance/ (float16, with a meta file naming the model, the text template
and a digest of the ESCO skills they were made from). Vectors whose meta file does not match the model installed or
the skills loaded are refused, and so is a missing model: suggestions then use BM25 alone (`manage.py check` warns).

The index is built once per process, on first use (about 1-2 s: the skills are read from the database and BM25 is
indexed), and rebuilt when the vector files change. Restart the web processes after `load_reference_data` loads a
new ESCO release.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

from microcred.guidance import ranking
from microcred.guidance.encoder import DIMENSION, MODEL_ID, EncoderUnavailable, load_encoder
from microcred.reference import models as ref

logger = logging.getLogger(__name__)

LANGUAGES = ("en",)  # other languages: to do (issue #13 item 2)
MAX_TEXT_LENGTH = 2000
MAX_LIMIT = 50
ESCO_VERSION = "ESCO v1.1.1"  # informative; the digest of the skills' URIs and texts is what is enforced
VECTORS_NAME = "skills.f16.npy"
META_NAME = "skills.meta.json"
META_FORMAT = 1


class UnsupportedLanguage(ValueError):
    pass


def vectors_dir() -> Path:
    return Path(settings.VAR_DIR) / "guidance"


@dataclass
class SkillRows:
    """The current ESCO skills in a fixed order (by URI), with the texts the rankers index."""

    ids: list[int]
    uris: list[str]
    labels: list[str]
    dense_texts: list[str]
    lexical_texts: list[str]
    reuse_levels: list[str] | None = None

    @property
    def digest(self) -> str:
        """Changes when a skill is added, removed or reworded: vectors made from other skills are refused."""
        digest = hashlib.sha256()
        for uri, text in zip(self.uris, self.dense_texts, strict=True):
            digest.update(f"{uri}\t{text}\n".encode())
        return digest.hexdigest()


def load_skill_rows(queryset=None, lexical: bool = True) -> SkillRows:
    """The skills and their texts; `lexical=False` leaves out the alternative labels (enough for the digest)."""
    skills = queryset if queryset is not None else ref.EscoSkill.objects.filter(is_current=True)
    rows = list(skills.order_by("uri").values_list("pk", "uri", "preferred_label", "description", "reuse_level"))
    alternatives: dict[int, list[str]] = {}
    labels = ref.EscoSkillLabel.objects.filter(
        skill__in=skills, language="en", kind=ref.LabelKind.ALTERNATIVE
    ).order_by("skill_id", "label")
    for skill_id, label in labels.values_list("skill_id", "label") if lexical else ():
        alternatives.setdefault(skill_id, []).append(label)
    return SkillRows(
        ids=[r[0] for r in rows],
        uris=[r[1] for r in rows],
        labels=[r[2] for r in rows],
        dense_texts=[ranking.dense_text(r[2], r[3]) for r in rows],
        lexical_texts=[ranking.lexical_text(r[2], alternatives.get(r[0], []), r[3]) for r in rows],
        reuse_levels=[r[4] for r in rows],
    )


# -- vector files -------------------------------------------------------------------------------------------------


def expected_meta(rows: SkillRows, fingerprint: str) -> dict:
    return {
        "format": META_FORMAT,
        "model": MODEL_ID,
        "model_fingerprint": fingerprint,
        "template": ranking.DENSE_TEMPLATE,
        "esco_version": ESCO_VERSION,
        "skills_digest": rows.digest,
        "count": len(rows.uris),
        "dimension": DIMENSION,
        "dtype": "float16",
    }


def write_vectors(rows: SkillRows, vectors: np.ndarray, fingerprint: str, directory: Path | None = None) -> Path:
    """Writes the vectors and their meta file (the meta file last, each through a temporary file and a rename)."""
    directory = directory or vectors_dir()
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / (VECTORS_NAME + ".tmp.npy")
    np.save(temporary, vectors.astype(np.float16))
    temporary.replace(directory / VECTORS_NAME)
    meta = directory / (META_NAME + ".tmp")
    meta.write_text(json.dumps(expected_meta(rows, fingerprint), indent=2) + "\n")
    meta.replace(directory / META_NAME)
    return directory / VECTORS_NAME


def vector_problem(rows: SkillRows, fingerprint: str, directory: Path | None = None) -> str | None:
    """Why the stored vectors cannot be used with these skills and this model (None: they can)."""
    directory = directory or vectors_dir()
    meta_path, vectors_path = directory / META_NAME, directory / VECTORS_NAME
    if not meta_path.is_file() or not vectors_path.is_file():
        return f"there are no skill vectors in {directory}"
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError) as exc:
        return f"the meta file {meta_path} cannot be read ({exc})"
    wanted = expected_meta(rows, fingerprint)
    if meta.get("model_fingerprint") != wanted["model_fingerprint"]:
        return f"the vectors were made with another model ({meta.get('model', 'unknown')})"
    if meta.get("template") != wanted["template"] or meta.get("format") != META_FORMAT:
        return "the vectors were made from another text template"
    if meta.get("skills_digest") != wanted["skills_digest"]:
        return (
            f"the vectors were made from other ESCO skills ({meta.get('esco_version', '?')}, {meta.get('count', '?')} "
            f"skills; {len(rows.uris)} are loaded now)"
        )
    return None


def build_vectors(rows: SkillRows, progress=None, directory: Path | None = None) -> Path:
    """Computes every skill's vector with the encoder and writes them (`manage.py build_skill_vectors`)."""
    from microcred.guidance.encoder import Encoder

    encoder = Encoder(threads=max(1, min(4, _cores())))
    vectors = encoder.encode_many(rows.dense_texts, progress=progress)
    return write_vectors(rows, vectors, encoder.fingerprint, directory)


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# -- the index ----------------------------------------------------------------------------------------------------


@dataclass
class Suggestion:
    skill_id: int
    uri: str
    label: str
    score: float


class SkillIndex:
    """Both rankers over one list of skills. `mode` is "hybrid" or "lexical"; `problem` says why it is lexical."""

    def __init__(self, rows: SkillRows, directory: Path | None = None, use_encoder: bool = True):
        self.rows = rows
        self.lexical = ranking.Lexical(rows.lexical_texts)
        self.vectors: np.ndarray | None = None
        self.encoder = None
        self.problem: str | None = None
        if not use_encoder:
            self.problem = "the encoder is switched off"
            return
        try:
            encoder = load_encoder()
            problem = vector_problem(rows, encoder.fingerprint, directory)
        except EncoderUnavailable as exc:
            encoder, problem = None, str(exc)
        if problem is None:
            # Stored as float16, computed in float32: numpy's float16 product is ~15 times slower.
            self.vectors = np.load((directory or vectors_dir()) / VECTORS_NAME).astype(np.float32)
            self.encoder = encoder
        self.problem = problem

    @property
    def mode(self) -> str:
        return "hybrid" if self.vectors is not None else "lexical"

    def dense_rank(self, text: str, depth: int = ranking.DEPTH) -> list[tuple[int, float]]:
        query = self.encoder.encode([ranking.QUERY_TEMPLATE.format(text=text)])[0]
        return ranking.top(self.vectors @ query, depth)

    def rank(self, text: str, limit: int, method: str | None = None) -> list[tuple[int, float]]:
        """[(row, score)] best first. `method`: None (the best available), "lexical", "dense" or "hybrid"."""
        method = method or self.mode
        lexical = [] if method == "dense" else self.lexical.rank(text, ranking.DEPTH)
        if method == "lexical" or self.vectors is None:
            fused = ranking.fuse([([row for row, _ in lexical], 1.0)])
        else:
            dense = self.dense_rank(text, ranking.DEPTH)
            if method == "dense":
                return dense[:limit]
            fused = ranking.fuse([([r for r, _ in dense], 1.0), ([r for r, _ in lexical], ranking.LEXICAL_WEIGHT)])
        if ranking.SPECIFIC_FACTOR != 1.0 and self.rows.reuse_levels:
            levels = self.rows.reuse_levels
            fused = sorted(
                (
                    (row, score * (ranking.SPECIFIC_FACTOR if levels[row] in ranking.SPECIFIC else 1.0))
                    for row, score in fused
                ),
                key=lambda item: -item[1],
            )
        return fused[:limit]

    def suggest(self, text: str, limit: int = 10, method: str | None = None) -> list[Suggestion]:
        return [
            Suggestion(self.rows.ids[row], self.rows.uris[row], self.rows.labels[row], round(score, 6))
            for row, score in self.rank(text, limit, method)
        ]


_index: SkillIndex | None = None
_index_key = None
_index_lock = threading.Lock()


def _files_key():
    directory = vectors_dir()
    try:
        return tuple((directory / name).stat().st_mtime_ns for name in (META_NAME, VECTORS_NAME))
    except OSError:
        return None


def get_index() -> SkillIndex:
    """The process's index, built on first use and again when the vector files change."""
    global _index, _index_key
    key = _files_key()
    with _index_lock:
        if _index is None or key != _index_key:
            _index = SkillIndex(load_skill_rows())
            _index_key = key
            if _index.problem:
                logger.warning("Skill suggestions use lexical ranking only: %s.", _index.problem)
        return _index


def reset_index() -> None:
    global _index, _index_key
    with _index_lock:
        _index, _index_key = None, None


def suggest(text: str, language: str = "en", limit: int = 10) -> list[tuple[ref.EscoSkill, float]]:
    """The ESCO skills a learning outcome is most likely about, best first, as (EscoSkill, score)."""
    if language not in LANGUAGES:
        raise UnsupportedLanguage(language)
    text = (text or "").strip()[:MAX_TEXT_LENGTH]
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not text:
        return []
    found = get_index().suggest(text, limit)
    skills = ref.EscoSkill.objects.in_bulk([s.skill_id for s in found])
    return [(skills[s.skill_id], s.score) for s in found if s.skill_id in skills]
