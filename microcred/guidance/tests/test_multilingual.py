"""Suggestions for outcomes in Spanish, French, Dutch and Hungarian, and the occupation look-up in any language
(issue #13 items 2 and 4), with a fake multilingual encoder: the multilingual model is not needed here."""

import json

import pytest
from django.core.management import call_command

from microcred.guidance import checks, occupation_search, suggestions
from microcred.guidance.tests.conftest import CONCEPTS
from microcred.reference.models import EscoSkill

pytestmark = pytest.mark.django_db


def labels(found):
    return [concept.preferred_label for concept, _score in found]


def test_a_spanish_outcome_finds_a_skill_through_the_multilingual_encoder(e5_vectors):
    index = suggestions.get_language_index("es")
    assert index.mode == "hybrid", index.problem
    # "recycle waste" has no Spanish label here: only the encoder connects "residuos" to it.
    assert labels(suggestions.suggest("Reciclar los residuos domésticos", language="es", limit=3))[0] == "recycle waste"
    # The other languages share the loaded vectors.
    assert suggestions.get_language_index("nl").vectors is index.vectors


def test_spanish_labels_count_through_bm25_beside_the_encoder(e5_vectors):
    # "dirigir proyectos" is an alternative Spanish label of "manage projects"; the fake encoder knows "proyectos"
    # for every project skill, BM25 over the Spanish labels picks the one that has it.
    found = suggestions.suggest("Dirigir proyectos", language="es", limit=3)
    assert labels(found)[0] == "manage projects"
    scores = [score for _skill, score in found]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("language", "text"),
    [("nl", "Afval scheiden en recyclen"), ("hu", "A hulladék szelektív gyűjtése"), ("fr", "Trier les déchets")],
)
def test_dutch_hungarian_and_french_outcomes_are_suggested_skills(e5_vectors, language, text):
    assert labels(suggestions.suggest(text, language=language, limit=1)) == ["recycle waste"]


def test_language_skills_are_suggested_only_for_an_outcome_that_names_their_language(
    esco, var_dir, fake_e5, monkeypatch
):
    """e5 puts a Hungarian sentence near ESCO's "interact verbally in Hungarian" and "write Finnish" (the fake
    encoder does the same through "szelektív"): language skills are left out unless the outcome names their
    language, in English, in that language, or in the outcome's own ("finn" is Finnish in Hungarian)."""
    for uri, label in (("s-hu", "interact verbally in Hungarian"), ("s-fi", "write Finnish")):
        EscoSkill.objects.create(
            uri="http://data.europa.eu/esco/skill/" + uri, preferred_label=label, skill_type="skill/competence",
            reuse_level="transversal", description="", in_language=True,
        )  # fmt: skip
    for word in ("hungarian", "finnish", "szelektív", "selectiva"):
        monkeypatch.setitem(CONCEPTS, word, 6)
    skills = suggestions.load_skill_rows(lexical=False)
    suggestions.write_vectors(
        skills, fake_e5.passages(skills.dense_texts), fake_e5.fingerprint, kind=suggestions.E5_SKILLS
    )

    def found(text, language):
        return labels(suggestions.suggest(text, language=language, limit=10))

    plain = found("A hulladék szelektív gyűjtése", "hu")
    assert plain[0] == "recycle waste"
    assert not {"interact verbally in Hungarian", "write Finnish"} & set(plain)
    assert "interact verbally in Hungarian" in found("A hulladék szelektív gyűjtése, magyarul", "hu")
    assert "interact verbally in Hungarian" in found("Selective waste collection, taught in Hungarian", "hu")
    # Irish is "ír" in Hungarian: named at the start of a word ("írül"), not inside one ("leírni", to write down).
    EscoSkill.objects.create(uri="http://data.europa.eu/esco/skill/s-ga", preferred_label="write Irish",
                             skill_type="skill/competence", in_language=True)  # fmt: skip
    monkeypatch.setitem(CONCEPTS, "irish", 6)
    skills = suggestions.load_skill_rows(lexical=False)
    suggestions.write_vectors(
        skills, fake_e5.passages(skills.dense_texts), fake_e5.fingerprint, kind=suggestions.E5_SKILLS
    )
    suggestions.reset_index()
    assert "write Irish" not in found("A hulladék szelektív gyűjtésének leírni a szabályait", "hu")
    assert "write Irish" in found("A hulladék szelektív gyűjtése, írül", "hu")
    named = found("A hulladék szelektív gyűjtése finn nyelven", "hu")
    assert "write Finnish" in named
    assert "interact verbally in Hungarian" not in named
    assert "write Finnish" in found("Recogida selectiva de residuos, en finés", "es")
    assert not {"interact verbally in Hungarian", "write Finnish"} & set(found("Recogida selectiva de residuos", "es"))


def test_without_the_multilingual_model_spanish_and_french_use_their_labels_and_dutch_gets_none(esco, var_dir, no_e5):
    assert suggestions.get_language_index("fr").mode == "lexical"
    assert labels(suggestions.suggest("Gérer des projets", language="fr"))[0] == "manage projects"
    assert labels(suggestions.suggest("gestionar proyectos", language="es"))[0] == "manage projects"
    index = suggestions.get_language_index("nl")
    assert index.mode == "none"
    assert "not installed" in index.problem
    assert suggestions.suggest("Projecten beheren", language="nl") == []
    [warning] = checks.multilingual_vectors_check()
    assert warning.id == "guidance.W003"
    assert "Dutch and Hungarian will get none" in warning.msg
    # The command says so and builds what it can without failing.
    call_command("build_skill_vectors", "--only-multilingual")
    assert not (var_dir / "guidance" / suggestions.E5_SKILLS.vectors).exists()


def test_other_languages_are_refused(esco, var_dir):
    with pytest.raises(suggestions.UnsupportedLanguage):
        suggestions.suggest("Projekte leiten", language="de")


def test_missing_or_stale_e5_vectors_degrade_with_a_check_warning(e5_vectors, var_dir):
    assert checks.multilingual_vectors_check() == []
    meta_path = var_dir / "guidance" / suggestions.E5_SKILLS.meta
    meta = json.loads(meta_path.read_text())
    meta["model_fingerprint"] = "e5:another"
    meta_path.write_text(json.dumps(meta))
    index = suggestions.get_language_index("es")
    assert index.mode == "lexical"
    assert "another model" in index.problem
    [warning] = checks.multilingual_vectors_check()
    assert warning.id == "guidance.W005"
    assert "--multilingual" in warning.hint
    (var_dir / "guidance" / suggestions.E5_OCCUPATIONS.vectors).unlink()
    assert {w.id for w in checks.multilingual_vectors_check()} == {"guidance.W004", "guidance.W005"}


def test_the_command_builds_the_e5_vectors_of_occupations_by_default_and_of_skills_on_request(
    esco, var_dir, fake_e5, monkeypatch, capsys
):
    from microcred.guidance.tests.conftest import FakeEncoder

    encoder = FakeEncoder()
    command = "microcred.guidance.management.commands.build_skill_vectors"
    monkeypatch.setattr(f"{command}.model_fingerprint", lambda: encoder.fingerprint)
    monkeypatch.setattr("microcred.guidance.encoder.Encoder", lambda threads=1: encoder)
    directory = var_dir / "guidance"
    call_command("build_skill_vectors")
    assert (directory / suggestions.E5_OCCUPATIONS.vectors).exists()
    assert not (directory / suggestions.E5_SKILLS.vectors).exists()
    call_command("build_skill_vectors", "--multilingual")
    meta = json.loads((directory / suggestions.E5_SKILLS.meta).read_text())
    assert meta["count"] == EscoSkill.objects.filter(is_current=True).count()
    assert meta["template"] == "passage: {label}. {description}"
    assert meta["model_fingerprint"] == "e5:fake"
    out = capsys.readouterr().out
    assert "occupation vectors (e5) are current" in out and "Wrote" in out
    assert suggestions.get_language_index("hu").mode == "hybrid"


def test_an_occupation_is_found_by_typing_it_in_another_language(e5_vectors):
    assert labels(occupation_search.find_occupations("enfermera", "es", limit=2))[0] == "nurse"
    assert labels(occupation_search.find_occupations("infirmière", "fr"))[0] == "nurse"
    assert labels(occupation_search.find_occupations("jefe de proyectos", "es"))[0] == "project manager"
    assert occupation_search.find_occupations("   ", "es") == []
    assert len(occupation_search.find_occupations("nurse", "en", limit=1)) == 1


def test_without_the_model_the_occupation_look_up_matches_labels_of_the_typed_language(esco, var_dir, no_e5):
    # "project lead" is an alternative English label of "project manager".
    assert labels(occupation_search.find_occupations("project lead", "en"))[0] == "project manager"
    assert occupation_search.find_occupations("enfermera", "es") == []


def test_the_command_without_esco_says_to_load_it_and_writes_nothing(db, var_dir, capsys):
    call_command("build_skill_vectors", "--multilingual")
    assert "No ESCO skills are loaded; run `manage.py load_reference_data` first." in capsys.readouterr().out
    assert not (var_dir / "guidance").exists()
