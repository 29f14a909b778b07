"""The vc tests' hand copy of a composed credential (microcred/vc/tests/credential_shapes.py) must not drift.

The signing core is tested without Django on randomized credentials "shaped like compose_open_badge_credential's
output". Here real credentials, composed and issued by credentials.services, are compared with that copy key for
key: the same keys, at the same nesting, holding values of the same JSON types. A key production adds, drops,
moves or retypes fails this test until the copy follows.
"""

import random

import pytest

from microcred.vc.tests import credential_shapes

LEARNER_DID = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def shape(value, path="$") -> set[tuple[str, str]]:
    """Every (path, JSON type) in a document; list items share the path `[]`."""
    if isinstance(value, dict):
        found = {(path, "object")}
        for key, item in value.items():
            found |= shape(item, f"{path}.{key}")
        return found
    if isinstance(value, list):
        found = {(path, "array")}
        for item in value:
            found |= shape(item, f"{path}[]")
        return found
    if isinstance(value, bool):
        return {(path, "boolean")}
    if isinstance(value, int | float):
        return {(path, "number")}
    if isinstance(value, str):
        return {(path, "string")}
    return {(path, type(value).__name__)}


def _without_proof(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "proof"}


@pytest.fixture
def composed(issue, make_version, other_institution, alliance):
    """Real credentials covering every optional part composition writes: a grade, a learner DID, no or several
    co-leads, non-formal, a participation badge without credits, further information."""
    versions = [
        make_version(),
        make_version(kind="non_formal", co_leads=[]),
        make_version(kind="non_formal", credential_type="participation_badge", ects=None),
        make_version(co_leads=[other_institution, alliance], title="Two co-leads"),
    ]
    documents = [
        issue(version=versions[0], grade="8.5", learner_did=LEARNER_DID).document,
        issue(version=versions[1]).document,
        issue(version=versions[2]).document,
        issue(version=versions[3], grade="A").document,
    ]
    assert {d["credentialSubject"]["achievement"]["achievementType"] for d in documents} == {"MicroCredential", "Badge"}
    return [_without_proof(d) for d in documents]


def _hand_copies(count=400):
    rng = random.Random(20261203)
    return [credential_shapes.open_badge_credential(rng) for _ in range(count)]


def test_every_key_of_a_composed_credential_is_in_the_hand_copy(composed):
    hand = set().union(*(shape(d) for d in _hand_copies()))
    real = set().union(*(shape(d) for d in composed))
    assert sorted(real - hand) == []


def test_the_hand_copy_has_no_key_composition_never_writes(composed):
    hand = set().union(*(shape(d) for d in _hand_copies()))
    real = set().union(*(shape(d) for d in composed))
    assert sorted(hand - real) == []
