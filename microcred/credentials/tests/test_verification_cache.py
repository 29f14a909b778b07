"""Verification of our own credentials from process memory (services/verification_cache.py): no database query
but for a revoked entry's date, and every check still right at once after a revocation or a key rotation, in
this process and in the others (invalidated through the shared Django cache)."""

import pytest

from microcred.credentials.models import IssuerKey
from microcred.credentials.services import verification_cache as vcache
from microcred.credentials.services.issuers import rotate_issuer_key
from microcred.credentials.services.status import revoke_credential
from microcred.credentials.services.verification import verify_credential_document
from microcred.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def process_cache(settings):
    """One process with a local-memory cache: VERIFICATION_CACHE = "process" turns the memory on."""
    settings.VERIFICATION_CACHE = "process"
    for memory in vcache._memories:
        memory.clear()
    yield
    for memory in vcache._memories:
        memory.clear()


@pytest.fixture
def ub_officer(make_user, institution):
    return make_user((Role.CREDENTIAL_OFFICER, institution))


class OtherProcess:
    """The memories another process would have: they share the Django cache (the generations) with this one,
    but a signal here never empties them; only a generation that moved on does."""

    def __init__(self, monkeypatch):
        self.issuers = vcache.ProcessMemory(vcache.ISSUERS)
        self.lists = vcache.ProcessMemory(vcache.STATUS_LISTS)
        monkeypatch.setattr(vcache, "_memories", [m for m in vcache._memories if m not in (self.issuers, self.lists)])
        self.builds = 0

    def _counted(self, build):
        def run():
            self.builds += 1
            return build()

        return run

    def status_list(self, url):
        return self.lists.get(("list", url), self._counted(lambda: vcache._load_status_list(url)))

    def issuer(self, did):
        return self.issuers.get(("issuer", did), self._counted(lambda: vcache._load_issuer(did)))


def test_a_second_verification_of_our_credential_reads_nothing_from_the_database(issue, django_assert_num_queries):
    credential = issue()
    assert verify_credential_document(credential.document).result == "valid"
    with django_assert_num_queries(0):
        report = verify_credential_document(credential.document)
    assert report.result == "valid"
    assert [c.passed for c in report.checks] == [True, True, True, True, True, True]


def test_without_a_shared_cache_nothing_is_kept_and_the_database_answers(issue, settings, django_assert_num_queries):
    credential = issue()
    settings.VERIFICATION_CACHE = "shared"  # the tests' cache is local memory: not shared by processes
    verify_credential_document(credential.document)
    assert vcache.current_generation(vcache.ISSUERS) is None
    with django_assert_num_queries(5):  # the issuer's keys for the signature, for the key's retirement, for the
        # issuer check (one query each), the status list, and our issuer registry (services/trust_registry.py)
        assert verify_credential_document(credential.document).result == "valid"


def test_a_revocation_is_reported_at_once_in_this_process(issue, ub_officer):
    credential = issue()
    assert verify_credential_document(credential.document).result == "valid"  # the list is now in memory
    revoke_credential(ub_officer, credential.pk, "Issued by mistake.")
    report = verify_credential_document(credential.document)
    assert report.result == "invalid"
    assert report.check("status").passed is False and "Revoked on" in report.check("status").message


def test_a_revocation_is_reported_at_once_in_another_process(issue, ub_officer, monkeypatch):
    credential = issue()
    url = credential.document["credentialStatus"]["statusListCredential"]
    index = credential.status_index
    other = OtherProcess(monkeypatch)
    assert other.status_list(url).bits.get(index) == 0
    assert other.status_list(url).bits.get(index) == 0
    assert other.builds == 1  # the second answer came from its memory
    revoke_credential(ub_officer, credential.pk, "Issued by mistake.")
    assert other.status_list(url).bits.get(index) == 1  # the shared generation moved: read again
    assert other.builds == 2


def test_a_key_rotation_is_seen_at_once_in_another_process(issue, monkeypatch):
    credential = issue()
    did = credential.issuer.did
    other = OtherProcess(monkeypatch)
    assert other.issuer(did).keys[1].retirement is None
    rotate_issuer_key(credential.issuer.slug)
    retired = IssuerKey.objects.get(issuer=credential.issuer, number=1)
    issuer = other.issuer(did)
    assert issuer.keys[1].retirement is not None and issuer.keys[1].retirement >= retired.retired_at
    assert sorted(issuer.keys) == [1, 2]
    # A credential signed before the rotation still verifies (its proof predates the retirement).
    assert verify_credential_document(credential.document).result == "valid"


def test_a_stale_generation_would_be_served_from_memory(issue, ub_officer, monkeypatch):
    """What the invalidation prevents: with the bumps switched off, the other process keeps the old bits."""
    credential = issue()
    url = credential.document["credentialStatus"]["statusListCredential"]
    other = OtherProcess(monkeypatch)
    other.status_list(url)
    monkeypatch.setattr(vcache, "_bump", lambda name: None)
    revoke_credential(ub_officer, credential.pk, "Issued by mistake.")
    assert other.status_list(url).bits.get(credential.status_index) == 0


def test_the_generation_survives_being_lost(issue):
    """An evicted generation is created again with a random value, never one an old entry was filed under."""
    from django.core.cache import cache

    first = vcache.current_generation(vcache.STATUS_LISTS)
    cache.delete(vcache._KEY.format(vcache.STATUS_LISTS))
    second = vcache.current_generation(vcache.STATUS_LISTS)
    assert second is not None and second != first
    vcache.bump_generation(vcache.STATUS_LISTS)
    assert vcache.current_generation(vcache.STATUS_LISTS) != second


def test_nothing_is_kept_while_redis_is_down(settings, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(cache, "redis_is_down", lambda: True, raising=False)
    assert vcache.current_generation(vcache.ISSUERS) is None
    settings.VERIFICATION_CACHE = "off"
    monkeypatch.setattr(cache, "redis_is_down", lambda: False, raising=False)
    assert vcache.current_generation(vcache.ISSUERS) is None


def test_an_unknown_key_number_of_our_issuer_is_refused_from_memory(issue):
    credential = issue()
    document = dict(credential.document)
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    proof = dict(proofs[0])
    proof["verificationMethod"] = proof["verificationMethod"].replace("#key-1", "#key-9")
    document["proof"] = [proof]
    report = verify_credential_document(document)
    assert report.check("signature").passed is None
    assert "is not a key of" in report.check("signature").message


def test_with_redis_the_shared_mode_caches_and_a_revocation_reaches_the_other_process(
    issue, ub_officer, settings, redis_url, monkeypatch, django_assert_num_queries
):
    """As deployed (VERIFICATION_CACHE = "shared", the default, with Redis): the generations live in Redis."""
    import redis
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "microcred.core.cache.RedisCacheWithFallback",
            "LOCATION": f"{redis_url}/11",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.VERIFICATION_CACHE = "shared"
    server = redis.Redis.from_url(f"{redis_url}/11")
    server.flushdb()
    try:
        credential = issue()
        assert verify_credential_document(credential.document).result == "valid"
        with django_assert_num_queries(0):
            assert verify_credential_document(credential.document).result == "valid"
        generation = caches["default"].make_key(vcache._KEY.format(vcache.STATUS_LISTS))
        assert server.exists(generation)
        url = credential.document["credentialStatus"]["statusListCredential"]
        other = OtherProcess(monkeypatch)
        assert other.status_list(url).bits.get(credential.status_index) == 0
        revoke_credential(ub_officer, credential.pk, "Issued by mistake.")
        assert other.status_list(url).bits.get(credential.status_index) == 1
        assert verify_credential_document(credential.document).result == "invalid"
    finally:
        server.flushdb()
