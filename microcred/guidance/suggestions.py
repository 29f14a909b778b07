"""ESCO skill suggestions for a learning outcome (issue #13; policy 7.16: outcomes aligned to ESCO skills).

`suggest(text, language)` ranks the loaded ESCO skills for a sentence.

* English: the int8 MiniLM encoder's cosine ranking and BM25 at half weight, fused by reciprocal rank (`ranking.py`).
* Spanish, French, Dutch, Hungarian: the multilingual e5 encoder's ranking (its vectors of the English skill texts:
  e5 puts a sentence near its translation) and BM25 over the skills' labels in the outcome's language at half
  weight, where ESCO labels in that language are loaded (Spanish and French today, from ESCO v1.0). ESCO's language
  skills ("write Finnish") only for an outcome that names their language: e5 reads the language a text is written in.

The vectors are computed once by `manage.py build_skill_vectors` into VAR_DIR/guidance/ (float16, each with a meta
file naming the model, the text template and a digest of the ESCO concepts they were made from); the e5 vectors of
the skills take an estimated 6-10 minutes on two idle cores (48 measured on busy ones) and are a separate step (`--multilingual`). Vectors whose meta file does
not match the model installed or the skills loaded are refused, and so is a missing model: English suggestions then
use BM25 alone; Spanish and French use BM25 over their labels; Dutch and Hungarian get none (`manage.py check` warns).

The indexes are built once per process, on first use (about 1-2 s: the skills are read from the database and BM25 is
indexed), and rebuilt when the vector files change. Restart the web processes after `load_reference_data` loads a
new ESCO release.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils import translation

from microcred.guidance import ranking
from microcred.guidance.encoder import (
    DIMENSION,
    E5_DIMENSION,
    E5_MODEL_ID,
    MODEL_ID,
    EncoderUnavailable,
    load_encoder,
    load_multilingual_encoder,
)
from microcred.reference import models as ref

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "es", "fr", "nl", "hu")
MAX_TEXT_LENGTH = 2000
MAX_LIMIT = 50
ESCO_VERSION = "ESCO v1.1.1"  # informative; the digest of the skills' URIs and texts is what is enforced
VECTORS_NAME = "skills.f16.npy"
META_NAME = "skills.meta.json"
META_FORMAT = 1


@dataclass(frozen=True)
class VectorKind:
    """One set of stored vectors: its files, the model that makes them and the text each row stands for."""

    vectors: str
    meta: str
    model: str
    template: str
    dimension: int
    concepts: str  # "skills" or "occupations"


MINILM_SKILLS = VectorKind(VECTORS_NAME, META_NAME, MODEL_ID, ranking.DENSE_TEMPLATE, DIMENSION, "skills")
E5_SKILLS = VectorKind(
    "skills.e5.f16.npy",
    "skills.e5.meta.json",
    E5_MODEL_ID,
    "passage: " + ranking.DENSE_TEMPLATE,
    E5_DIMENSION,
    "skills",
)
E5_OCCUPATIONS = VectorKind(
    "occupations.e5.f16.npy",
    "occupations.e5.meta.json",
    E5_MODEL_ID,
    "passage: " + ranking.OCCUPATION_TEMPLATE,
    E5_DIMENSION,
    "occupations",
)


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


def expected_meta(rows, fingerprint: str, kind: VectorKind = MINILM_SKILLS) -> dict:
    return {
        "format": META_FORMAT,
        "model": kind.model,
        "model_fingerprint": fingerprint,
        "template": kind.template,
        "esco_version": ESCO_VERSION,
        f"{kind.concepts}_digest": rows.digest,
        "count": len(rows.uris),
        "dimension": kind.dimension,
        "dtype": "float16",
    }


def write_vectors(
    rows, vectors: np.ndarray, fingerprint: str, directory: Path | None = None, kind: VectorKind = MINILM_SKILLS
) -> Path:
    """Writes the vectors and their meta file (the meta file last, each through a temporary file and a rename)."""
    directory = directory or vectors_dir()
    directory.mkdir(parents=True, exist_ok=True)
    temporary = directory / (kind.vectors + ".tmp.npy")
    np.save(temporary, vectors.astype(np.float16))
    temporary.replace(directory / kind.vectors)
    meta = directory / (kind.meta + ".tmp")
    meta.write_text(json.dumps(expected_meta(rows, fingerprint, kind), indent=2) + "\n")
    meta.replace(directory / kind.meta)
    return directory / kind.vectors


def vector_problem(
    rows, fingerprint: str, directory: Path | None = None, kind: VectorKind = MINILM_SKILLS
) -> str | None:
    """Why the stored vectors cannot be used with these concepts and this model (None: they can)."""
    directory = directory or vectors_dir()
    meta_path, vectors_path = directory / kind.meta, directory / kind.vectors
    if not meta_path.is_file() or not vectors_path.is_file():
        return f"there are no {kind.concepts[:-1]} vectors ({kind.model.split(' (')[0]}) in {directory}"
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError) as exc:
        return f"the meta file {meta_path} cannot be read ({exc})"
    wanted = expected_meta(rows, fingerprint, kind)
    if meta.get("model_fingerprint") != wanted["model_fingerprint"]:
        return f"the vectors were made with another model ({meta.get('model', 'unknown')})"
    if meta.get("template") != wanted["template"] or meta.get("format") != META_FORMAT:
        return "the vectors were made from another text template"
    digest = f"{kind.concepts}_digest"
    if meta.get(digest) != wanted[digest]:
        return (
            f"the vectors were made from other ESCO {kind.concepts} ({meta.get('esco_version', '?')}, "
            f"{meta.get('count', '?')} {kind.concepts}; {len(rows.uris)} are loaded now)"
        )
    return None


def load_vectors(kind: VectorKind, directory: Path | None = None) -> np.ndarray:
    # Stored as float16, computed in float32: numpy's float16 product is ~15 times slower.
    return np.load((directory or vectors_dir()) / kind.vectors).astype(np.float32)


def build_vectors(rows: SkillRows, progress=None, directory: Path | None = None) -> Path:
    """Computes every skill's vector with the encoder and writes them (`manage.py build_skill_vectors`)."""
    from microcred.guidance.encoder import Encoder

    encoder = Encoder(threads=max(1, min(4, _cores())))
    vectors = encoder.encode_many(rows.dense_texts, progress=progress)
    return write_vectors(rows, vectors, encoder.fingerprint, directory)


def build_multilingual_vectors(rows, kind: VectorKind, progress=None, directory: Path | None = None) -> Path:
    """Computes the e5 vectors of the skills or occupations (`manage.py build_skill_vectors`)."""
    from microcred.guidance.encoder import MultilingualEncoder

    encoder = MultilingualEncoder(threads=max(1, min(4, _cores())))
    vectors = encoder.passages(rows.dense_texts, progress=progress)
    return write_vectors(rows, vectors, encoder.fingerprint, directory, kind)


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
        self._label_words: ranking.LabelWords | None = None
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
            self.vectors = load_vectors(MINILM_SKILLS, directory)
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
        if ranking.UNMATCHED_FACTOR != 1.0:
            if self._label_words is None:
                self._label_words = ranking.LabelWords(self.rows.labels)
            fused = ranking.demote_unmatched(fused, self._label_words, text, self.rows.reuse_levels)
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


class LanguageIndex:
    """Suggestions for outcomes in another language than English: the multilingual encoder's ranking against its
    vectors of the skills, and BM25 over the skills' labels in that language (where any are loaded) at half weight.
    ESCO's language skills (speaking, reading, writing a language) are suggested only for an outcome that names their
    language: the encoder puts them near any text written in that language or one like it (Hungarian near Finnish).
    `mode` is "hybrid", "lexical" (no usable encoder or vectors: `problem` says why) or "none" (neither)."""

    def __init__(
        self,
        rows: SkillRows,
        language: str,
        directory: Path | None = None,
        use_encoder: bool = True,
        vectors: np.ndarray | None = None,
    ):
        """`vectors`: the e5 vectors already loaded for another language's index over the same rows (shared)."""
        self.rows = rows
        self.language = language
        texts = language_label_texts(rows, language)
        self.lexical = ranking.Lexical(texts, language) if any(texts) else None
        self.language_skill_rows = language_skill_rows(rows)
        self.vectors: np.ndarray | None = None
        self.encoder = None
        self.problem: str | None = "the encoder is switched off" if not use_encoder else None
        if use_encoder:
            try:
                encoder = load_multilingual_encoder()
                self.problem = vector_problem(rows, encoder.fingerprint, directory, E5_SKILLS)
            except EncoderUnavailable as exc:
                encoder, self.problem = None, str(exc)
            if self.problem is None:
                self.vectors = vectors if vectors is not None else load_vectors(E5_SKILLS, directory)
                self.encoder = encoder

    @property
    def mode(self) -> str:
        if self.vectors is not None:
            return "hybrid"
        return "lexical" if self.lexical is not None else "none"

    def rank(self, text: str, limit: int, method: str | None = None) -> list[tuple[int, float]]:
        """[(row, score)] best first. `method`: None (the best available), "lexical", "dense" or "hybrid"."""
        method = method or self.mode
        # What the text is written in is not what it is about: e5 puts a Hungarian sentence on first aid near
        # "interact verbally in Hungarian" and "write Finnish". Language skills are left out unless the outcome
        # names their language.
        left_out = self.unnamed_language_rows(text)
        lexical = self.lexical.rank(text, ranking.DEPTH) if self.lexical is not None and method != "dense" else []
        lexical = [(row, score) for row, score in lexical if row not in left_out]
        if method == "lexical" or self.vectors is None:
            return ranking.fuse([([row for row, _ in lexical], 1.0)])[:limit]
        query = self.encoder.queries([text])[0]
        scores = self.vectors @ query
        if left_out:
            scores[list(left_out)] = -np.inf  # last, so that the depth is made of the others
        dense = [(row, score) for row, score in ranking.top(scores, ranking.DEPTH) if row not in left_out]
        if method == "dense":
            return dense[:limit]
        rankings = [([r for r, _ in dense], 1.0), ([r for r, _ in lexical], ranking.LEXICAL_WEIGHT)]
        return ranking.fuse(rankings)[:limit]

    def suggest(self, text: str, limit: int = 10, method: str | None = None) -> list[Suggestion]:
        return [
            Suggestion(self.rows.ids[row], self.rows.uris[row], self.rows.labels[row], round(score, 6))
            for row, score in self.rank(text, limit, method)
        ]

    def unnamed_language_rows(self, text: str) -> set[int]:
        """The rows of the language skills whose language the text does not name."""
        lowered = text.casefold()
        return {
            row
            for language, rows in self.language_skill_rows.items()
            if not language_names(language, self.language).search(lowered)
            for row in rows
        }


# ESCO's language collection: "interact verbally in Finnish", "understand spoken Finnish", "understand written
# Finnish", "write Finnish" and the knowledge "Finnish", for each language.
_LANGUAGE_SKILL_VERBS = ("interact verbally in ", "understand spoken ", "understand written ", "write ")


def language_skill_rows(rows: SkillRows) -> dict[str, list[int]]:
    """{language (its English name): the rows of ESCO's language skills about it}."""
    labels = dict(ref.EscoSkill.objects.filter(is_current=True, in_language=True).values_list("pk", "preferred_label"))
    found: dict[str, list[int]] = {}
    for row, pk in enumerate(rows.ids):
        label = labels.get(pk)
        if label is not None:
            language = next((label[len(verb) :] for verb in _LANGUAGE_SKILL_VERBS if label.startswith(verb)), label)
            found.setdefault(language, []).append(row)
    return found


@lru_cache(maxsize=1024)
def language_names(language: str, written_in: str) -> re.Pattern:
    """How a text in `written_in` may name `language` (an English name from ESCO), as a pattern for the casefolded
    text: a word starting with its name in English, and, for the languages Django knows, in that language itself or
    in `written_in` (Django's translated language names: Finnish is "suomi", and "finn" in Hungarian, which also
    finds "finnül"; at the start of a word, so that Irish, "ír" in Hungarian, is not found in "leírni")."""
    names = [language]
    code = _LANGUAGE_CODES.get(language)
    if code is not None:
        names.append(LANG_INFO[code]["name_local"])
        with translation.override(written_in):
            names.append(translation.gettext(language))
    return re.compile(r"\b(?:" + "|".join(sorted(re.escape(name) for name in {name.casefold() for name in names})) + ")")


_LANGUAGE_CODES = {info["name"]: code for code, info in LANG_INFO.items() if "name" in info}


def language_label_texts(rows: SkillRows, language: str) -> list[str]:
    """Each skill's preferred and alternative labels in one language, in the rows' order ("" where it has none)."""
    labels: dict[int, list[str]] = {}
    found = ref.EscoSkillLabel.objects.filter(
        skill__is_current=True, language=language, kind__in=[ref.LabelKind.PREFERRED, ref.LabelKind.ALTERNATIVE]
    ).order_by("skill_id", "kind", "label")
    for skill_id, label in found.values_list("skill_id", "label"):
        labels.setdefault(skill_id, []).append(label)
    return [" ".join(labels.get(pk, ())) for pk in rows.ids]


def _files_key(kind: VectorKind):
    directory = vectors_dir()
    try:
        return tuple((directory / name).stat().st_mtime_ns for name in (kind.meta, kind.vectors))
    except OSError:
        return None


class KeptPerProcess:
    """What `build()` makes from the stored vectors of `kind`, kept per process: made on first use and again when
    those files change (another `build_skill_vectors`); `reset()` forgets it."""

    def __init__(self, kind: VectorKind, build):
        self._kind, self._build = kind, build
        self._lock = threading.Lock()
        self._key, self._value = None, None

    def get(self):
        key = _files_key(self._kind)
        with self._lock:
            if self._value is None or key != self._key:
                self._value, self._key = self._build(), key
            return self._value

    def reset(self) -> None:
        with self._lock:
            self._key, self._value = None, None


def _english_index() -> SkillIndex:
    index = SkillIndex(load_skill_rows())
    if index.problem:
        logger.warning("Skill suggestions use lexical ranking only: %s.", index.problem)
    return index


_english = KeptPerProcess(MINILM_SKILLS, _english_index)
_languages = KeptPerProcess(E5_SKILLS, dict)  # {language: LanguageIndex}, made when first asked
_languages_lock = threading.Lock()


def get_index() -> SkillIndex:
    """The process's English index, built on first use and again when the vector files change."""
    return _english.get()


def get_language_index(language: str) -> LanguageIndex:
    """The process's index for outcomes in `language` (not English), built on first use and when the e5 vectors
    change. The skills are read again for each language (once): about 1 s."""
    indexes = _languages.get()
    with _languages_lock:
        if language not in indexes:
            # The languages share the skills' rows and e5 vectors (21 MB as float32) once one index has them.
            other = next(iter(indexes.values()), None)
            if other is not None:
                index = LanguageIndex(other.rows, language, vectors=other.vectors)
            else:
                index = LanguageIndex(load_skill_rows(lexical=False), language)
            indexes[language] = index
            if index.problem:
                how = {"lexical": "lexical ranking over its ESCO labels only", "none": "no suggestions"}.get(index.mode)
                logger.warning(
                    "Skill suggestions for outcomes in %s: %s: %s.", language, how or index.mode, index.problem
                )
        return indexes[language]


def reset_index() -> None:
    _english.reset()
    _languages.reset()


def suggest(text: str, language: str = "en", limit: int = 10) -> list[tuple[ref.EscoSkill, float]]:
    """The ESCO skills a learning outcome is most likely about, best first, as (EscoSkill, score).

    For an outcome in Dutch or Hungarian without the multilingual model and its vectors, the answer is empty (ESCO
    has no labels in those languages here to match words against)."""
    if language not in LANGUAGES:
        raise UnsupportedLanguage(language)
    text = (text or "").strip()[:MAX_TEXT_LENGTH]
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not text:
        return []
    index = get_index() if language == "en" else get_language_index(language)
    found = index.suggest(text, limit)
    skills = ref.EscoSkill.objects.in_bulk([s.skill_id for s in found])
    return [(skills[s.skill_id], s.score) for s in found if s.skill_id in skills]
