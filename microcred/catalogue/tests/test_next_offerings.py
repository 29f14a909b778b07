"""What a catalogue card offers as the next step (issue #16): the next offering open for enrolment, its facts, and
the step, or when enrolment opens."""

import datetime as dt

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
