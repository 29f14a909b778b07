"""The guide for learners (/guide/, issue #13 item 4): an occupation found by typing, picked skills or a sentence;
micro-credentials and pathways ranked by how much of it they cover (essential skills weighing more), with what each
covers and misses, its next offering, the filters and the best combination; reachable from the home page and the
catalogue."""

import pytest
from django.urls import reverse

from microcred.guidance import suggestions
from microcred.guide.tests.builders import offer, pathway, publish, skill
from microcred.reference.loader import load_reference_data
from microcred.reference.tests.esco_fixture import OCC, make_data_dir

pytestmark = pytest.mark.django_db
GUIDE = "/guide/"


@pytest.fixture
def catalogue(db, tmp_path, make_user, settings):
    load_reference_data(make_data_dir(tmp_path / "esco"))
    settings.VAR_DIR = tmp_path / "var"  # no vectors for this small ESCO: sentences go through BM25
    suggestions.reset_index()
    made = {
        "leadership": publish(make_user, "Project leadership", ["s-pm", "s-team"]),
        "teams": publish(
            make_user, "Team basics", ["s-team"], short="UU", languages=("es",), forms=("on_site",), ects=2
        ),
        "recycling": publish(make_user, "Recycling at home", ["s-recycle"], short="UU", ects=1),
    }
    made["offering"] = offer(make_user, made["leadership"], days=30, fee=100)
    yield made
    suggestions.reset_index()


def titles(response):
    return [r.title for r in response.context["answer"].results]


def test_a_learner_types_an_occupation_chooses_it_and_sees_what_covers_it(client, catalogue):
    found = client.get(GUIDE, {"occupation_search": "project"})
    assert found.status_code == 200
    links = {c.label: url for c, url in found.context["occupations"]}
    assert list(links) == ["project manager"]
    assert "project manager" in found.content.decode()

    page = client.get(links["project manager"])
    answer = page.context["answer"]
    assert titles(page) == ["Project leadership", "Team basics"]  # the recycling course covers nothing of it
    first, second = answer.results
    assert first.score == 1.0 and [s.label for s in first.covered] == ["manage projects", "lead a team"]
    assert first.missing == []
    # "manage projects" is essential (weight 1), "lead a team" optional (0.25): covering only the latter is little.
    assert [s.label for s in second.covered] == ["lead a team"] and [s.label for s in second.missing] == [
        "manage projects"
    ]
    assert 0 < second.score < 0.5
    html = page.content.decode()
    assert reverse("catalogue:detail", args=[catalogue["leadership"].slug]) in html
    assert reverse("learning:offering", args=[catalogue["offering"].pk]) in html
    assert [step.title for step in answer.combination] == ["Project leadership"]


def test_filters_narrow_the_answer(client, catalogue):
    target = {"occupation": OCC + "o-pm"}
    assert titles(client.get(GUIDE, {**target, "lang": "es"})) == ["Team basics"]
    assert titles(client.get(GUIDE, {**target, "form": "on_site"})) == ["Team basics"]
    assert titles(client.get(GUIDE, {**target, "university": "ub"})) == ["Project leadership"]
    assert titles(client.get(GUIDE, {**target, "ects_max": "3"})) == ["Team basics"]
    assert titles(client.get(GUIDE, {**target, "max_fee": "150"})) == ["Project leadership"]
    assert titles(client.get(GUIDE, {**target, "max_fee": "50"})) == []  # its only offering costs 100
    assert titles(client.get(GUIDE, {**target, "cost": "free"})) == []
    assert titles(client.get(GUIDE, {**target, "starts_from": "2999-01-01"})) == []


def test_a_pathway_covers_the_union_of_its_components_skills(client, catalogue):
    pathway("Teams and recycling", [catalogue["teams"], catalogue["recycling"]])
    target = {"skills": f"{skill('s-team').uri},{skill('s-recycle').uri}"}
    page = client.get(GUIDE, target)
    results = page.context["answer"].results
    assert [(r.kind, r.title, r.score) for r in results] == [
        ("pathway", "Teams and recycling", 1.0),
        ("micro_credential", "Project leadership", 0.5),  # equals by title
        ("micro_credential", "Recycling at home", 0.5),
        ("micro_credential", "Team basics", 0.5),
    ]
    assert reverse("pathways:detail", args=[results[0].slug]) in page.content.decode()
    # Filtered, a pathway counts only its components that pass: in Spanish only "Team basics" does.
    spanish = client.get(GUIDE, {**target, "lang": "es"}).context["answer"].results
    assert [(r.kind, r.title, r.score) for r in spanish] == [
        ("micro_credential", "Team basics", 0.5),
        ("pathway", "Teams and recycling", 0.5),
    ]


def test_the_best_combination_covers_the_target_with_complementary_micro_credentials(client, catalogue):
    target = {"skills": ",".join(skill(s).uri for s in ("s-pm", "s-team", "s-recycle"))}
    answer = client.get(GUIDE, target).context["answer"]
    assert [step.title for step in answer.combination] == ["Project leadership", "Recycling at home"]
    assert [[s.label for s in step.covered] for step in answer.combination] == [
        ["manage projects", "lead a team"],
        ["recycle waste"],
    ]
    assert answer.combination_score == 1.0 and answer.combination_missing == []


def test_skills_are_picked_with_the_skill_picker(client, catalogue):
    response = client.get(GUIDE, {"pick": "skills", "skill_1": skill("s-recycle").uri, "skill_1_text": "recycle waste"})
    assert response.status_code == 302
    followed = client.get(response["Location"])
    assert titles(followed) == ["Recycling at home"]
    bad = client.get(GUIDE, {"pick": "skills", "skill_1_text": "no such skill"})
    assert bad.status_code == 200
    assert "Choose a skill from the suggestions" in bad.content.decode()


def test_a_goal_in_a_sentence_becomes_target_skills(client, catalogue):
    page = client.get(GUIDE, {"text": "I want to manage projects"})
    target = page.context["target"]
    assert target.skills[0].label == "manage projects" and target.skills[0].essential
    assert titles(page)[0] == "Project leadership"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"occupation": "no-such-occupation"}, "There is no ESCO occupation “no-such-occupation”."),
        ({"occupation": OCC + "o-pm", "text": "manage projects"}, "Give only one of occupation, skills or text."),
        ({"skills": "http://example.org/not-esco"}, "Not an ESCO skill: http://example.org/not-esco."),
        ({"skills": ","}, "Name an occupation, pick skills or describe your goal."),
        ({"text": "x" * 501}, "Describe your goal in at most 500 characters."),
        ({"occupation": OCC + "o-pm", "ects_min": "many"}, "Give a number, such as 5 or 2.5."),
        ({"occupation": OCC + "o-pm", "lang": "xx"}, "Unknown language."),
    ],
)
def test_bad_input_is_named_and_nothing_is_ranked(client, catalogue, params, message):
    page = client.get(GUIDE, params)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert "answer" not in page.context


def test_a_bad_filter_can_be_corrected_on_the_page(client, catalogue):
    page = client.get(GUIDE, {"occupation": OCC + "o-pm", "max_fee": "cheap"})
    html = page.content.decode()
    assert "answer" not in page.context and "Give a number, such as 5 or 2.5." in html
    assert 'id="filters-heading"' in html and 'id="f-max_fee"' in html  # the filters form, to correct it
    assert f'href="{page.context["clear_filters_url"]}"' in html.replace("&amp;", "&")
    assert "max_fee" not in page.context["clear_filters_url"]


def test_an_occupation_nobody_has_heard_of_is_said_so(client, catalogue):
    page = client.get(GUIDE, {"occupation_search": "astronaut"})
    assert page.context["occupations"] == []
    assert "No ESCO occupation has a name like this" in page.content.decode()


def test_the_guide_is_linked_from_the_home_page_and_the_catalogue(client, catalogue):
    for url in ("/", reverse("catalogue:index")):
        assert f'href="{GUIDE}"' in client.get(url).content.decode()


def test_a_prefix_finds_an_occupation_when_no_label_has_the_word(client, catalogue):
    page = client.get(GUIDE, {"occupation_search": "proj"})
    assert [c.label for c, _url in page.context["occupations"]] == ["project manager"]


def test_a_sentence_is_read_in_the_interface_language(client, catalogue, monkeypatch):
    from microcred.guidance import coverage

    seen = []

    def target_for_text(text, *, language="en", held=()):
        seen.append(language)
        return coverage.target_for_skills([skill("s-pm").uri])

    monkeypatch.setattr(coverage, "target_for_text", target_for_text)
    client.get(GUIDE, {"text": "gestionar proyectos"}, HTTP_ACCEPT_LANGUAGE="es")
    client.get(GUIDE, {"text": "manage projects"})
    client.get(GUIDE, {"text": "gérer des projets", "language": "fr"}, HTTP_ACCEPT_LANGUAGE="es")
    assert seen == ["es", "en", "fr"]


def test_the_filters_keep_the_language_a_sentence_was_read_in(client, catalogue, monkeypatch):
    from microcred.guidance import coverage

    seen = []

    def target_for_text(text, *, language="en", held=()):
        seen.append(language)
        return coverage.target_for_skills([skill("s-pm").uri])

    monkeypatch.setattr(coverage, "target_for_text", target_for_text)
    page = client.get(GUIDE, {"text": "gérer des projets", "language": "fr"})
    html = page.content.decode()
    assert '<input type="hidden" name="language" value="fr">' in html  # in the filters form
    assert "language=fr" in page.context["clear_filters_url"]
    client.get(page.context["clear_filters_url"])
    assert seen == ["fr", "fr"]
