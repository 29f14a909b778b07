"""Issue #16, defect 8: a board's decision is recorded on or after its meeting's day in the platform's time zone
(TIME_ZONE, Europe/Brussels in the tests), never weeks before; before that day nothing changes and the proposal page
says from when the decision can be recorded."""

import datetime as dt
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from microcred.core.dates import public_date
from microcred.proposals import services
from microcred.proposals.exceptions import MeetingNotYetHeld
from microcred.proposals.models import Decision, Meeting, ProposalEvent, ProposalStatus
from microcred.proposals.tests.approvals import on_agenda

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture
def item(people, refdata, institution, other_institution, settings):
    settings.TIME_ZONE = "Europe/Brussels"
    return on_agenda(people, refdata, institution, other_institution)


def _meeting_at(item, moment):
    Meeting.objects.filter(pk=item.meeting_id).update(date=moment)


def _decide(people, item):
    return services.record_decision(
        user=people["chair"], agenda_item_id=item.pk, outcome="approve", rationale="A good fit."
    )


def _nothing_recorded(item):
    item.proposal.refresh_from_db()
    assert item.proposal.status == ProposalStatus.SCHEDULED
    assert not Decision.objects.filter(agenda_item=item).exists()


def test_a_decision_days_before_the_meeting_is_refused_and_nothing_changes(people, item):
    meeting_day = timezone.localdate() + dt.timedelta(days=7)
    _meeting_at(item, timezone.now() + dt.timedelta(days=7))
    events = ProposalEvent.objects.filter(proposal=item.proposal).count()
    with pytest.raises(MeetingNotYetHeld) as refused:
        _decide(people, item)
    assert refused.value.message == (
        f"This meeting is on {public_date(meeting_day)}: its decisions can be recorded from that day."
    )
    _nothing_recorded(item)
    assert ProposalEvent.objects.filter(proposal=item.proposal).count() == events


def test_the_day_before_in_local_time_is_refused_even_when_it_is_the_same_day_in_utc(people, item):
    # 23:30 in Brussels on 9 December is 22:30 UTC; the meeting at 00:15 on 10 December in Brussels is still
    # 9 December in UTC. The day that counts is the one in Brussels: the 9th, the day before.
    _meeting_at(item, dt.datetime(2026, 12, 10, 0, 15, tzinfo=BRUSSELS))
    late_evening = dt.datetime(2026, 12, 9, 23, 30, tzinfo=BRUSSELS)
    assert (
        late_evening.astimezone(dt.UTC).date()
        == dt.datetime(2026, 12, 10, 0, 15, tzinfo=BRUSSELS).astimezone(dt.UTC).date()
    )
    with (
        mock.patch("django.utils.timezone.now", return_value=late_evening.astimezone(dt.UTC)),
        pytest.raises(MeetingNotYetHeld, match="its decisions can be recorded from that day"),
    ):
        _decide(people, item)
    _nothing_recorded(item)


def test_on_the_meeting_day_the_decision_is_recorded_even_before_the_meeting_hour(people, item):
    # 00:05 in Brussels on 10 December (23:05 UTC on the 9th), the meeting at 09:00 that day: its day has come.
    _meeting_at(item, dt.datetime(2026, 12, 10, 9, 0, tzinfo=BRUSSELS))
    just_after_midnight = dt.datetime(2026, 12, 10, 0, 5, tzinfo=BRUSSELS).astimezone(dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=just_after_midnight):
        decision = _decide(people, item)
    assert decision.outcome == "approve"
    item.proposal.refresh_from_db()
    assert item.proposal.status != ProposalStatus.SCHEDULED


def test_today_the_decision_is_recorded(people, item):
    _meeting_at(item, timezone.now())
    assert services.too_early_to_decide(Meeting.objects.get(pk=item.meeting_id)) == ""
    assert _decide(people, item).outcome == "approve"


def test_after_the_meeting_the_decision_is_recorded(people, item):
    _meeting_at(item, timezone.now() - dt.timedelta(days=3))
    assert _decide(people, item).outcome == "approve"


def test_the_proposal_page_says_when_instead_of_offering_the_form_and_a_post_changes_nothing(client, people, item):
    _meeting_at(item, timezone.now() + dt.timedelta(days=7))
    sentence = (
        f"This meeting is on {public_date(timezone.localdate() + dt.timedelta(days=7))}: "
        "its decisions can be recorded from that day."
    )
    client.force_login(people["chair"])
    page = client.get(reverse("proposals:detail", args=[item.proposal_id])).content.decode()
    assert sentence in page
    assert reverse("proposals:decide", args=[item.pk]) not in page
    r = client.post(reverse("proposals:decide", args=[item.pk]), {"outcome": "approve", "rationale": "A good fit."})
    assert r.status_code == 400
    assert sentence in r.content.decode()
    _nothing_recorded(item)
    # On the day, the form is there.
    _meeting_at(item, timezone.now())
    page = client.get(reverse("proposals:detail", args=[item.proposal_id])).content.decode()
    assert sentence not in page and reverse("proposals:decide", args=[item.pk]) in page


def test_the_api_refuses_a_decision_before_the_meeting_day(client, people, item):
    _meeting_at(item, timezone.now() + dt.timedelta(days=7))
    r = client.post(
        f"/api/v1/agenda-items/{item.pk}/decision",
        {"outcome": "approve", "rationale": "A good fit."},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=people['chair'])[0].key}",
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid"
    assert "its decisions can be recorded from that day" in r.json()["error"]["message"]
    _nothing_recorded(item)
