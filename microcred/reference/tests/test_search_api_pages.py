import pytest
from django import forms
from django.urls import reverse

from microcred.reference import models as m
from microcred.reference import selectors
from microcred.reference.loader import load_reference_data
from microcred.reference.tests.esco_fixture import OCC, S, make_data_dir
from microcred.reference.text import search_key, word_start_keys
from microcred.reference.widgets import EscoSkillField


@pytest.fixture
def loaded(db, tmp_path):
    load_reference_data(make_data_dir(tmp_path))


def test_search_key_folds_case_accents_and_punctuation():
    assert search_key("  Gestión de   PROYECTOS (TIC) ") == "gestion de proyectos tic"
    assert search_key("e-Learning") == "e learning"
    assert word_start_keys("manage projects of the team") == ["projects of the team", "team"]


def test_ranking_preferred_start_then_word_then_alternative(loaded):
    results = selectors.search_skills("project")
    labels = [(r.label, r.matched_label, r.rank) for r in results]
    assert labels == [
        ("project management principles", "project management principles", 0),  # start of preferred label
        ("manage projects", "manage projects", 1),  # a word of the preferred label
        ("lead a team", "supervise project teams", 3),  # a word of an alternative label
    ]
    assert results[0].type == "knowledge" and results[1].type == "skill/competence"


def test_alternative_label_start_and_collections(loaded):
    [result] = selectors.search_skills("team lead")
    assert result.label == "lead a team"
    assert result.matched_label == "team leadership"
    assert result.collections == ["transversal"]
    assert result.uri == S + "s-team"


def test_search_is_accent_and_case_insensitive_and_limited(loaded):
    assert [r.label for r in selectors.search_skills("GESTION", language="en")] == ["Gestión ambiental"]
    assert [r.matched_label for r in selectors.search_skills("gestión")] == ["Gestión ambiental", "gestionar proyectos"]
    assert len(selectors.search_skills("p", limit=1)) == 1
    assert selectors.search_skills("zzz") == []
    assert selectors.search_skills("  ") == []


def test_language_restricts_labels_and_localises_the_label(loaded):
    [fr] = selectors.search_skills("gerer", language="fr")
    assert fr.label == "gérer des projets" and fr.uri == S + "s-pm"
    assert selectors.search_skills("gerer", language="es") == []
    assert selectors.search_skills("manage", language="fr") == []


def test_search_occupations_and_skills_for_occupation(loaded):
    [pm] = selectors.search_occupations("proj")
    assert (pm.label, pm.type, pm.isco_group, pm.collections) == ("project manager", "occupation", "1213", ["research"])
    assert [r.matched_label for r in selectors.search_occupations("PM")] == ["PM"]
    found = selectors.skills_for_occupation(pm.uuid)
    assert [s.preferred_label for s in found["essential"]] == ["manage projects"]
    assert [s.preferred_label for s in found["optional"]] == ["lead a team"]
    assert selectors.skills_for_occupation(OCC + "o-pm")["occupation"].pk == pm.id
    assert selectors.skills_for_occupation(str(pm.id))["occupation"].pk == pm.id
    assert selectors.skills_for_occupation("no-such") is None


def test_api_skills(loaded, client):
    response = client.get("/api/v1/skills", {"search": "proj", "limit": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["results"][0] == {
        "uri": S + "s-pmp",
        "label": "project management principles",
        "type": "knowledge",
        "matched_label": "project management principles",
        "collections": [],
    }


@pytest.mark.parametrize(
    "query", [{}, {"search": ""}, {"search": "p"}, {"search": "proj", "limit": "x"}, {"search": "ab", "lang": "xx"}]
)
def test_api_skills_bad_request(loaded, client, query):
    response = client.get("/api/v1/skills", query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["message"]


def test_api_occupations_and_their_skills(loaded, client):
    body = client.get("/api/v1/occupations", {"search": "nur"}).json()
    assert body["results"][0]["type"] == "occupation"
    assert body["results"][0]["isco_group"] == "2221"
    response = client.get("/api/v1/occupations/o-pm/skills")
    assert response.status_code == 200
    assert [s["label"] for s in response.json()["essential"]] == ["manage projects"]
    assert client.get("/api/v1/occupations/nope/skills").status_code == 404


def test_skills_page_works_without_javascript(loaded, client):
    page = client.get(reverse("reference:skills"), {"q": "recycl"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "recycle waste" in html and "green" in html
    assert "data-esco-picker" in html and "js/esco-picker.js" in html
    occupations = client.get(reverse("reference:skills"), {"q": "nurse", "kind": "occupations"}).content.decode()
    assert reverse("reference:occupation", args=["o-nurse"]) in occupations
    occupation = client.get(reverse("reference:occupation", args=["o-nurse"])).content.decode()
    assert "lead a team" in occupation
    assert client.get(reverse("reference:occupation", args=["nope"])).status_code == 404


def test_skills_page_too_short_query_shows_error(loaded, client):
    html = client.get(reverse("reference:skills"), {"q": "r"}).content.decode()
    assert 'class="error-summary"' in html
    assert '<a href="#id_q">Search ESCO: Ensure this value has at least 2 characters (it has 1).</a>' in html


def test_sources_and_frameworks_pages(loaded, client):
    sources = client.get(reverse("reference:sources")).content.decode()
    assert sources.count("This service uses the ESCO classification of the European Commission.") >= 2  # page + footer
    frameworks = client.get(reverse("reference:frameworks")).content.decode()
    assert "Basic general knowledge" in frameworks and "Transversal skills" in frameworks


class OutcomeForm(forms.Form):
    skill = EscoSkillField(required=False)


def test_picker_widget_renders_and_resolves(loaded):
    html = str(OutcomeForm()["skill"])
    assert "data-esco-picker" in html and 'name="skill_text"' in html and 'type="hidden" name="skill"' in html
    assert "js/esco-picker.js" in str(OutcomeForm().media)
    by_uri = OutcomeForm({"skill": S + "s-pm", "skill_text": "manage projects"})
    assert by_uri.is_valid() and by_uri.cleaned_data["skill"].uri == S + "s-pm"
    typed = OutcomeForm({"skill": "", "skill_text": "Manage Projects"})  # no JavaScript: exact name
    assert typed.is_valid() and typed.cleaned_data["skill"].uri == S + "s-pm"
    edited = OutcomeForm({"skill": S + "s-pm", "skill_text": "lead a team"})  # text changed after choosing
    assert edited.is_valid() and edited.cleaned_data["skill"].uri == S + "s-team"
    wrong = OutcomeForm({"skill": "", "skill_text": "no such skill"})
    assert not wrong.is_valid() and "skill" in wrong.errors
    assert 'value="no such skill"' in str(wrong["skill"])
    initial = OutcomeForm(initial={"skill": m.EscoSkill.objects.get(uri=S + "s-team")})
    assert 'value="lead a team"' in str(initial["skill"])
