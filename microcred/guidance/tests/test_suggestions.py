"""Skill suggestions: the hybrid over stored vectors, their meta-file check, and the lexical fallback."""

import json

import pytest
from django.core.management import call_command

from microcred.guidance import checks, suggestions
from microcred.guidance.encoder import EncoderUnavailable
from microcred.guidance.tests.conftest import FakeEncoder
from microcred.reference.models import EscoSkill
from microcred.reference.tests.esco_fixture import S

pytestmark = pytest.mark.django_db


def labels(found):
    return [skill.preferred_label for skill, _score in found]


def test_the_hybrid_finds_a_skill_no_word_of_the_outcome_names(fake_vectors):
    index = suggestions.get_index()
    assert index.mode == "hybrid", index.problem
    found = suggestions.suggest("Dispose of household trash and garbage properly", limit=3)
    assert labels(found)[0] == "recycle waste"
    scores = [score for _skill, score in found]
    assert scores == sorted(scores, reverse=True)
    # BM25 alone knows no word of it.
    assert index.suggest("Dispose of household trash and garbage properly", 3, method="lexical") == []


def test_words_the_encoder_does_not_know_still_count_through_bm25(fake_vectors):
    # "supervise" is only in an alternative label of "lead a team"; the fake encoder knows no word of the outcome.
    found = suggestions.suggest("Supervise the staff on site", limit=5)
    assert labels(found)[0] == "lead a team"


def test_suggestions_are_limited_and_empty_text_gives_none(fake_vectors):
    assert len(suggestions.suggest("manage projects and lead a team of people", limit=2)) == 2
    assert suggestions.suggest("   ") == []


def test_vectors_from_another_model_are_refused_and_bm25_is_used(fake_vectors, var_dir):
    meta_path = var_dir / "guidance" / suggestions.META_NAME
    meta = json.loads(meta_path.read_text())
    meta["model_fingerprint"] = "model:another"
    meta_path.write_text(json.dumps(meta))
    index = suggestions.get_index()
    assert index.mode == "lexical"
    assert "another model" in index.problem
    assert labels(suggestions.suggest("Recycle waste at home"))[0] == "recycle waste"


def test_vectors_from_other_esco_skills_are_refused(fake_vectors, fake_encoder, monkeypatch):
    monkeypatch.setattr(checks, "model_fingerprint", lambda: fake_encoder.fingerprint)
    assert checks.skill_vectors_check() == []
    EscoSkill.objects.filter(uri=S + "s-recycle").update(description="Sort waste into what can be used again.")
    index = suggestions.get_index()
    assert index.mode == "lexical"
    assert "other ESCO skills" in index.problem
    [warning] = checks.skill_vectors_check()
    assert warning.id == "guidance.W002"
    assert "build_skill_vectors" in warning.hint


def test_missing_vectors_degrade_to_bm25_with_a_check_warning(esco, var_dir, fake_encoder, monkeypatch):
    monkeypatch.setattr(checks, "model_fingerprint", lambda: fake_encoder.fingerprint)
    index = suggestions.get_index()
    assert index.mode == "lexical"
    assert "no skill vectors" in index.problem
    assert labels(suggestions.suggest("Recycle waste"))[0] == "recycle waste"
    [warning] = checks.skill_vectors_check()
    assert "lexical ranking only" in warning.msg


def test_a_missing_model_degrades_to_bm25_with_a_check_warning_not_an_error(esco, var_dir, monkeypatch, no_e5):
    def unavailable():
        raise EncoderUnavailable("the model package is not installed")

    monkeypatch.setattr(suggestions, "load_encoder", unavailable)
    monkeypatch.setattr(checks, "model_fingerprint", unavailable)
    assert labels(suggestions.suggest("Manage projects"))[0] == "manage projects"
    [warning] = checks.skill_vectors_check()
    assert warning.id == "guidance.W001"
    assert "not installed" in warning.msg
    # The command says so and stops without failing `make run`.
    monkeypatch.setattr("microcred.guidance.management.commands.build_skill_vectors.model_fingerprint", unavailable)
    call_command("build_skill_vectors")
    assert not (var_dir / "guidance").exists()


def test_new_vector_files_are_picked_up_without_a_restart(esco, var_dir, fake_encoder):
    assert suggestions.get_index().mode == "lexical"
    rows = suggestions.load_skill_rows()
    suggestions.write_vectors(rows, fake_encoder.encode(rows.dense_texts), fake_encoder.fingerprint)
    assert suggestions.get_index().mode == "hybrid"


def test_the_command_builds_vectors_only_when_missing_or_stale(esco, var_dir, monkeypatch, capsys, no_e5):
    encoder = FakeEncoder()
    command = "microcred.guidance.management.commands.build_skill_vectors"
    monkeypatch.setattr(f"{command}.model_fingerprint", lambda: encoder.fingerprint)
    monkeypatch.setattr("microcred.guidance.encoder.Encoder", lambda threads=1: encoder)
    call_command("build_skill_vectors")
    meta = json.loads((var_dir / "guidance" / suggestions.META_NAME).read_text())
    assert meta["count"] == EscoSkill.objects.filter(is_current=True).count()
    assert meta["template"] == "{label}. {description}"
    assert meta["model_fingerprint"] == encoder.fingerprint
    assert meta["dtype"] == "float16"
    assert "Wrote" in capsys.readouterr().out
    call_command("build_skill_vectors")
    assert "are current" in capsys.readouterr().out


def test_a_second_build_started_meanwhile_leaves_the_vectors_to_the_first(esco, var_dir, monkeypatch, capsys, no_e5):
    """`make run` computes the multilingual vectors in the background: a second `make run`, or an operator, must not
    write the same files at the same time."""
    import fcntl

    from microcred.guidance.management.commands.build_skill_vectors import BUILD_LOCK

    encoder = FakeEncoder()
    command = "microcred.guidance.management.commands.build_skill_vectors"
    monkeypatch.setattr(f"{command}.model_fingerprint", lambda: encoder.fingerprint)
    monkeypatch.setattr("microcred.guidance.encoder.Encoder", lambda threads=1: encoder)
    var_dir.mkdir(parents=True, exist_ok=True)
    with (var_dir / BUILD_LOCK).open("w") as first:
        fcntl.flock(first, fcntl.LOCK_EX | fcntl.LOCK_NB)
        call_command("build_skill_vectors")
        assert "Another build_skill_vectors is computing the vectors" in capsys.readouterr().out
        assert not (var_dir / "guidance" / suggestions.META_NAME).exists()
    call_command("build_skill_vectors")  # the first one has finished: the lock is free
    assert "Wrote" in capsys.readouterr().out
    assert (var_dir / "guidance" / suggestions.META_NAME).exists()
