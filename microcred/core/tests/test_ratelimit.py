"""Rate limits count per real client: X-Forwarded-For is read only behind proxies the deployment names."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from microcred.core import ratelimit
from microcred.core.ratelimit import client_address, client_key, rate_limited

PROXY = "10.0.0.5"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def request_from(peer: str, forwarded: str | None = None, method: str = "post"):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return getattr(RequestFactory(), method)("/somewhere/", **extra)


@rate_limited("test-scope", limit_setting="TEST_ONLY_RATE_LIMIT", default=2)
def limited_view(request):
    return HttpResponse("ok")


def statuses(*requests) -> list[int]:
    return [limited_view(r).status_code for r in requests]


def test_without_the_setting_a_forged_forwarded_for_changes_nothing():
    plain = request_from("198.51.100.7")
    forged = request_from("198.51.100.7", "203.0.113.1")
    assert client_address(forged) == "198.51.100.7"
    assert client_key(forged) == client_key(plain)
    # And the forged header does not buy a fresh limit.
    assert statuses(plain, forged, request_from("198.51.100.7", "203.0.113.2")) == [200, 200, 429]


@override_settings(RATELIMIT_TRUST_X_FORWARDED_FOR=True)
def test_the_old_left_most_switch_no_longer_trusts_the_header():
    assert client_address(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_two_clients_are_limited_separately():
    alice = [request_from(PROXY, "198.51.100.7") for _ in range(3)]
    bob = request_from(PROXY, "198.51.100.8")
    assert client_address(alice[0]) == "198.51.100.7"
    assert statuses(*alice) == [200, 200, 429]
    assert statuses(bob) == [200]


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_client_cannot_escape_its_limit_by_prepending_addresses():
    # The proxy appends the address it saw; whatever the client sent stays on the left.
    sent = [None, "203.0.113.1", "203.0.113.2, 192.0.2.9", "unknown, 198.51.100.8"]
    requests = [request_from(PROXY, (f"{s}, " if s else "") + "198.51.100.7") for s in sent]
    assert {client_address(r) for r in requests} == {"198.51.100.7"}
    assert statuses(*requests) == [200, 200, 429, 429]


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_proxies_in_a_row_skip_two_hops():
    request = request_from(PROXY, "203.0.113.66, 198.51.100.7, 192.0.2.200")
    assert client_address(request) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_NETWORKS=["10.0.0.0/8", "192.0.2.0/24"])
def test_trusted_networks_skip_only_our_proxies():
    # Through two of our proxies.
    assert client_address(request_from(PROXY, "203.0.113.66, 198.51.100.7, 192.0.2.200")) == "198.51.100.7"
    # Straight from the internet: the peer is the client and the header is ignored.
    assert client_address(request_from("198.51.100.9", "203.0.113.66")) == "198.51.100.9"
    # A client that writes one of our proxies' addresses itself still ends up as itself.
    assert client_address(request_from(PROXY, "192.0.2.1, 198.51.100.7")) == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_forwarded_entries_are_normalised():
    assert client_address(request_from(PROXY, "[2001:db8::1]:443")) == "2001:db8::1"
    assert client_address(request_from(PROXY, "198.51.100.7:5555")) == "198.51.100.7"
    assert client_address(request_from(PROXY, "::ffff:198.51.100.7")) == "198.51.100.7"
    # Fewer entries than proxies: the farthest hop we have.
    assert client_address(request_from(PROXY)) == PROXY


def test_an_ipv6_client_counts_as_its_slash_64():
    first, same_network = request_from("2001:db8:1:2::1"), request_from("2001:db8:1:2:ffff::9")
    other_network = request_from("2001:db8:1:3::1")
    assert client_key(first) == client_key(same_network) != client_key(other_network)


def test_the_key_is_a_keyed_hash_not_the_address():
    key = client_key(request_from("198.51.100.7"))
    assert "198.51.100.7" not in key
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        assert client_key(request_from("198.51.100.7")) != key


def test_take_spends_a_budget_then_blocks_for_a_window():
    outcomes = [ratelimit.take("test-budget", "k", limit=2, window=600) for _ in range(4)]
    assert [o.allowed for o in outcomes] == [True, True, False, False]
    assert [o.block_started for o in outcomes] == [False, False, True, False]
    assert 0 < outcomes[3].retry_after <= 600
    assert ratelimit.blocked_for("test-budget", "k") > 0
    assert ratelimit.take("test-budget", "other", limit=2, window=600).allowed
    ratelimit.reset("test-budget", "k")
    assert ratelimit.blocked_for("test-budget", "k") == 0
    assert ratelimit.take("test-budget", "k", limit=2, window=600).allowed


def test_a_refunded_attempt_does_not_count():
    for _ in range(5):
        assert ratelimit.take("test-refund", "k", limit=1, window=600).allowed
        ratelimit.refund("test-refund", "k")
    assert ratelimit.take("test-refund", "k", limit=1, window=600).allowed
    assert not ratelimit.take("test-refund", "k", limit=1, window=600).allowed


def test_the_count_starts_afresh_in_the_next_window(monkeypatch):
    now = {"window": 1000}
    monkeypatch.setattr(ratelimit, "window_number", lambda window: now["window"])
    peer = "198.51.100.7"
    assert statuses(*[request_from(peer) for _ in range(3)]) == [200, 200, 429]
    now["window"] += 1
    assert statuses(*[request_from(peer) for _ in range(3)]) == [200, 200, 429]
