"""Content in several languages: the visitor's language where translated, the original otherwise."""

import pytest
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.catalogue import selectors, services
from microcred.core.exceptions import PermissionDenied, ValidationFailed
from microcred.roles import Role

pytestmark = pytest.mark.django_db


def test_translation_shown_in_visitor_language_with_fallback(client, comms, cat):
    a = cat["a"]
    services.save_translation(
        user=comms,
        version_id=a.pk,
        language="fr",
        title="Rapports de durabilité pour les PME",
        description="",
        learning_outcomes=["Préparer un inventaire des gaz à effet de serre.", "Appliquer des stratégies circulaires."],
    )
    url = reverse("catalogue:detail", args=[a.micro_credential.slug])
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'lang="fr">Rapports de durabilité pour les PME</h1>' in french
    assert "Préparer un inventaire des gaz à effet de serre." in french
    # No French description: the original is shown.
    assert "Measure and report the environmental footprint of a small company." in french
    dutch = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<h1>Sustainability reporting for SMEs</h1>" in dutch
    # The translation is searchable too, accents folded ("durabilité" also names the sustainability content
    # area in French, so the search uses a word only the translated title has).
    assert [v.title for v in selectors.search(selectors.parse_query({"search": "rapports pme"})).versions] == [
        "Sustainability reporting for SMEs"
    ]
    listing = client.get(reverse("catalogue:index"), {"search": "durab"}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Rapports de durabilité pour les PME" in listing
    assert AuditEvent.objects.filter(action="micro_credential.translation_saved", actor=comms).count() == 1


def test_staff_of_the_awarding_university_may_translate_others_may_not(make_user, cat, institution, other_institution):
    a = cat["a"]  # awarded by UB
    ub_proposer = make_user((Role.PROPOSER, institution))
    uu_proposer = make_user((Role.PROPOSER, other_institution))
    services.save_translation(
        user=ub_proposer, version_id=a.pk, language="es", title="Informes", description="", learning_outcomes=[]
    )
    with pytest.raises(PermissionDenied):
        services.save_translation(
            user=uu_proposer, version_id=a.pk, language="es", title="x", description="", learning_outcomes=[]
        )
    learner = make_user(Role.LEARNER)
    with pytest.raises(PermissionDenied):
        services.save_translation(
            user=learner, version_id=a.pk, language="es", title="x", description="", learning_outcomes=[]
        )


def test_outcomes_must_match_and_empty_removes(comms, cat):
    a = cat["a"]
    with pytest.raises(ValidationFailed):
        services.save_translation(
            user=comms, version_id=a.pk, language="es", title="", description="", learning_outcomes=["only one"]
        )
    with pytest.raises(ValidationFailed):
        services.save_translation(
            user=comms, version_id=a.pk, language="xx", title="x", description="", learning_outcomes=[]
        )
    services.save_translation(
        user=comms, version_id=a.pk, language="es", title="Informes", description="", learning_outcomes=[]
    )
    assert (
        services.save_translation(
            user=comms, version_id=a.pk, language="es", title="", description="", learning_outcomes=[]
        )
        is None
    )
    assert a.translations.count() == 0


def test_translation_page(client, comms, learner, cat):
    a = cat["a"]
    url = reverse("catalogue:translations", args=[a.pk])
    client.force_login(learner)
    assert client.get(url).status_code == 403
    client.force_login(comms)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"nl-title": "Duurzaamheidsrapportage voor het mkb", "nl-description": "", "nl-learning_outcomes": ""}
    )
    assert response.status_code == 302
    assert a.translations.get(language="nl").title == "Duurzaamheidsrapportage voor het mkb"
