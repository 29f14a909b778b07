"""The real int8 MiniLM encoder on the small ESCO subset (skipped where the model package is not installed)."""

import json

import numpy as np
import pytest
from django.core.management import call_command

from microcred.guidance import encoder, suggestions
from microcred.reference.models import EscoSkill

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_encoder():
    try:
        return encoder.load_encoder()
    except encoder.EncoderUnavailable as exc:
        pytest.skip(f"the model cannot be used here: {exc}")


def test_sentences_about_the_same_thing_are_closer(real_encoder):
    a, b, c = real_encoder.encode(["Write SQL queries", "query a relational database", "bake sourdough bread"])
    assert a.shape == (encoder.DIMENSION,)
    assert np.isclose(np.linalg.norm(a), 1.0, atol=1e-4)
    assert a @ b > a @ c + 0.2


def test_the_command_builds_real_vectors_and_the_hybrid_uses_them(esco, var_dir, real_encoder):
    call_command("build_skill_vectors")
    meta = json.loads((var_dir / "guidance" / suggestions.META_NAME).read_text())
    assert meta["model_fingerprint"].startswith(f"model:{encoder.MODEL_SHA256}")
    assert meta["count"] == EscoSkill.objects.filter(is_current=True).count()
    vectors = np.load(var_dir / "guidance" / suggestions.VECTORS_NAME)
    assert vectors.dtype == np.float16 and vectors.shape == (meta["count"], encoder.DIMENSION)
    index = suggestions.get_index()
    assert index.mode == "hybrid", index.problem
    # No word in common with "recycle waste" or its description: only the encoder can find it.
    found = suggestions.suggest("Sort rubbish so that it can be reprocessed", limit=2)
    assert found[0][0].preferred_label == "recycle waste"


@pytest.fixture
def real_e5():
    try:
        return encoder.load_multilingual_encoder()
    except encoder.EncoderUnavailable as exc:
        pytest.skip(f"the multilingual model cannot be used here: {exc}")


def test_the_multilingual_model_puts_a_translation_near_its_original_and_finds_occupations(esco, var_dir, real_e5):
    from microcred.guidance import occupation_search

    english, spanish, other = real_e5.passages(["manage projects", "gestionar proyectos", "bake sourdough bread"])
    assert np.isclose(np.linalg.norm(english), 1.0, atol=1e-3)
    assert english @ spanish > english @ other + 0.1
    call_command("build_skill_vectors", "--multilingual")
    meta = json.loads((var_dir / "guidance" / suggestions.E5_SKILLS.meta).read_text())
    assert meta["model_fingerprint"] == f"e5:{encoder.E5_SHA256}"
    occupation_search.reset_occupation_index()
    assert occupation_search.find_occupations("enfermera", "es", limit=1)[0][0].preferred_label == "nurse"
    found = suggestions.suggest("Reciclar los residuos de la casa", language="es", limit=1)
    assert found[0][0].preferred_label == "recycle waste"
