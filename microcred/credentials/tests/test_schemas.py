"""The compiled JSON Schema validator (jsonschema_rs) and the Python one (jsonschema) give the same verdict."""

import copy

import pytest

from microcred.credentials.services import schemas

pytestmark = pytest.mark.django_db

jsonschema_rs = pytest.importorskip("jsonschema_rs")


def _mutations(document: dict) -> list[tuple[str, dict]]:
    def changed(change):
        mutated = copy.deepcopy(document)
        change(mutated)
        return mutated

    return [
        ("no issuer", changed(lambda d: d.pop("issuer"))),
        ("validFrom without a time", changed(lambda d: d.update(validFrom="2026-07-01"))),
        ("validFrom without a zone", changed(lambda d: d.update(validFrom="2026-07-01T10:00:00"))),
        ("awardedDate not a date", changed(lambda d: d.update(awardedDate="1 July 2026"))),
        ("achievement without type", changed(lambda d: d["credentialSubject"]["achievement"].pop("type"))),
        ("credentialSubject a string", changed(lambda d: d.update(credentialSubject="someone"))),
        ("ECTS as text", changed(lambda d: d["credentialSubject"]["achievement"].update(ectsCredits="five"))),
        ("EQF level 9", changed(lambda d: d["credentialSubject"]["achievement"].update(eqfLevel=9))),
        ("type not a list", changed(lambda d: d.update(type="VerifiableCredential"))),
    ]


def _verdicts(document) -> tuple[bool, bool]:
    python = schemas._python_errors("ob", document) + schemas._python_errors("extension", document)
    compiled = not (
        schemas._compiled_validator("ob").is_valid(document)
        and schemas._compiled_validator("extension").is_valid(document)
    )
    return bool(python), compiled


def test_both_validators_accept_an_issued_credential_and_refuse_the_same_mutations(issue):
    document = issue(grade="8.5", learner_did="did:example:learner").document
    assert _verdicts(document) == (False, False)
    assert schemas.ob_schema_errors(document) == [] and schemas.extension_schema_errors(document) == []
    refused = []
    for label, mutated in _mutations(document):
        python, compiled = _verdicts(mutated)
        assert python == compiled, label
        if python:
            refused.append(label)
            assert schemas.ob_schema_errors(mutated) + schemas.extension_schema_errors(mutated), label
    assert len(refused) >= 6  # the mutations test something


def test_formats_other_than_dates_are_annotations_for_both(issue):
    document = copy.deepcopy(issue().document)
    document["credentialSubject"]["achievement"]["id"] = "not a URI at all"  # a "uri" format in the extension
    python, compiled = _verdicts(document)
    assert python == compiled
