"""What a catalogue card offers as the next step (issue #16): the next offering open for enrolment, its facts, and
the step, or when enrolment opens."""

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from microcred.catalogue import selectors

pytestmark = pytest.mark.django_db


def card_of(client, title):
    html = client.get(reverse("catalogue:index"), {"search": title}).content.decode()
    start = html.index(f">{title}</a></h3>")
    return html[start : html.index("</li>", start)]


def test_the_card_offers_the_first_offering_open_for_enrolment(client, cat, offerings):
    # A's offering in two months is open; one starting sooner whose enrolment has closed comes first by date.
    from microcred.learning.models import Offering

    open_one = Offering.objects.get(pk=offerings["a"].pk)
    soon = Offering.objects.get(pk=offerings["a"].pk)
    soon.pk = None
    soon.starts_on = timezone.localdate() + dt.timedelta(days=5)
    soon.enrolment_closes = timezone.now() - dt.timedelta(hours=1)
    soon.save()
    chosen = selectors.next_offerings([cat["a"].micro_credential_id])[cat["a"].micro_credential_id]
    assert chosen.pk == open_one.pk and chosen.enrolment == "open" and chosen.places_left == 25
    card = card_of(client, "Sustainability reporting for SMEs")
    assert f'href="/learning/offerings/{open_one.pk}/"' in card and ">Enrol<" in card
    assert "taught in English" in card and "Free" in card and "25 places left of 25" in card
    # With only the closed one, the card says so and offers no step.
    Offering.objects.filter(pk=open_one.pk).delete()
    from django.core.cache import cache

    cache.clear()
    card = card_of(client, "Sustainability reporting for SMEs")
    assert "Enrolment is closed" in card and ">Enrol<" not in card


def test_a_card_says_when_enrolment_opens_and_a_paid_full_one_offers_the_waiting_list(client, cat, offerings):
    from microcred.learning.models import Enrolment

    b = offerings["b"]
    b.capacity = 1
    b.save()
    Enrolment.objects.create(offering=b, learner=cat["admin"], status="enrolled", enrolled_at=timezone.now())
    card = card_of(client, "Data ethics for researchers")
    assert "450 EUR" in card and "Full: a waiting list is open" in card and ">Join the waiting list<" in card
    b.enrolment_opens = timezone.now() + dt.timedelta(days=3)
    b.save()
    from django.core.cache import cache

    cache.clear()
    assert "Enrolment opens on" in card_of(client, "Data ethics for researchers")


def _row(client, offering) -> str:
    html = client.get(reverse("catalogue:detail", args=[offering.micro_credential.slug])).content.decode()
    start = html.index(f'id="offering-{offering.pk}"')
    return html[start : html.index("</li>", start)]


def test_the_micro_credential_page_offers_each_visitor_the_step_they_can_take(client, cat, offerings, make_user):
    from microcred.learning.models import Enrolment

    offering = offerings["a"]
    enrol_url = reverse("learning:enrol", args=[offering.pk])
    # A visitor: a link to log in that comes back to this offering; no form. Posting anyway changes nothing.
    row = _row(client, offering)
    assert "Log in to enrol" in row and f"%23offering-{offering.pk}" in row and enrol_url not in row
    response = client.post(enrol_url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not Enrolment.objects.exists()
    # Logged in without a confirmed e-mail address: told what to do first, no form.
    client.force_login(make_user(verified=False))
    row = _row(client, offering)
    assert "Confirm your e-mail address first" in row and enrol_url not in row
    # A learner: the form; once enrolled, the row says so, and a second post changes nothing.
    learner = make_user(email="katrin@example.org")
    client.force_login(learner)
    row = _row(client, offering)
    assert f'action="{enrol_url}"' in row and 'name="prerequisites_acknowledged"' in row
    response = client.post(enrol_url, follow=True)  # the prerequisites not confirmed: refused, nothing written
    assert "Confirm that you meet the prerequisites before you enrol." in response.content.decode()
    assert not Enrolment.objects.exists()
    client.post(enrol_url, {"prerequisites_acknowledged": "on"})
    assert "You are enrolled." in _row(client, offering) and enrol_url not in _row(client, offering)
    response = client.post(enrol_url, {"prerequisites_acknowledged": "on"}, follow=True)
    assert "You are already enrolled in this offering." in response.content.decode()
    assert Enrolment.objects.filter(learner=learner).count() == 1


def test_a_full_offering_offers_its_waiting_list_and_says_when_she_is_on_it(client, cat, offerings, make_user):
    from microcred.learning.models import Offering

    offering = offerings["a"]
    Offering.objects.filter(pk=offering.pk).update(capacity=1)
    client.force_login(make_user())
    client.post(reverse("learning:enrol", args=[offering.pk]), {"prerequisites_acknowledged": "on"})
    learner = make_user()
    client.force_login(learner)
    assert "Join the waiting list" in _row(client, offering)
    client.post(reverse("learning:enrol", args=[offering.pk]), {"prerequisites_acknowledged": "on"})
    assert "You are on the waiting list." in _row(client, offering)
    assert learner.enrolments.get().status == "waitlisted"


def test_each_card_names_its_offerings_mode_in_the_language_of_the_page(client, cat, offerings):
    """The modes are translated once per page (views._CardWords.mode_of): each card still gets its own."""
    html = client.get(reverse("catalogue:index"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    a, b = (
        html[html.index(f">{title}</a></h3>") :].split("</li>")[0]
        for title in ("Sustainability reporting for SMEs", "Data ethics for researchers")
    )
    assert " · En ligne · " in a and "Hybride" not in a
    assert " · Hybride · " in b and "En ligne" not in b


def test_the_next_offering_line_is_in_the_language_of_the_page(client, cat, offerings):
    """Its words are translated once per page (views._CardWords), the language of instruction on each card."""
    html = client.get(reverse("catalogue:index"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    card = unescape(html[html.index(">Sustainability reporting for SMEs</a></h3>") :].split("</li>")[0])
    assert "<strong>Prochaine session\xa0:</strong>" in card
    assert " · langue d'enseignement\xa0: Anglais · " in card
    assert "Next offering" not in card and "taught in" not in card
