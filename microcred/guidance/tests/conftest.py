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
