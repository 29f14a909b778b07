"""Strict JSON-LD: documents that would be signed wrongly (or not interoperably) are refused."""

import copy

import pytest
from vc_testdata import ob_keypair, ob_unsigned

from microcred import vc
from microcred.vc import jsonld
from microcred.vc.canonicalization import canonicalize_document
from microcred.vc.contexts import OB_V3P0_EXTENSIONS, ContextRegistry
from microcred.vc.exceptions import (
    CanonicalizationTooComplex,
    ContextNotAllowed,
    InvalidLanguageTag,
    RelativeIRI,
    UndefinedTerm,
    UnsafeInput,
    UnsupportedJsonLd,
)


def _sign(doc, registry=None):
    kp = ob_keypair()
    key = vc.private_key_from_seed(bytes.fromhex(kp["privateKeyHex"]))
    kwargs = {"registry": registry} if registry else {}
    return vc.sign(doc, key, kp["verificationMethod"], created="2024-01-01T00:00:00Z", **kwargs)


def test_unknown_context_refused_without_network():
    doc = ob_unsigned()
    doc["@context"].append("https://example.org/not-pinned.jsonld")
    with pytest.raises(ContextNotAllowed, match="not-pinned"):
        _sign(doc)


def test_document_without_context_refused():
    doc = ob_unsigned()
    del doc["@context"]
    with pytest.raises(VCErrorTypes):
        _sign(doc)


VCErrorTypes = (vc.VCError,)


def test_undefined_top_level_term_refused():
    doc = ob_unsigned()
    doc["favouriteColour"] = "blue"
    with pytest.raises(UndefinedTerm, match="favouriteColour"):
        _sign(doc)


def test_undefined_nested_term_refused():
    doc = ob_unsigned()
    doc["credentialSubject"]["achievement"]["criteria"]["score"] = 3
    with pytest.raises(UndefinedTerm, match="score"):
        _sign(doc)


def test_relative_type_refused():
    doc = ob_unsigned()
    doc["type"].append("NotAType")
    with pytest.raises(RelativeIRI, match="NotAType"):
        _sign(doc)


def test_relative_id_refused():
    doc = ob_unsigned()
    doc["credentialSubject"]["achievement"]["id"] = "achievements/1"
    with pytest.raises(RelativeIRI):
        _sign(doc)


def test_1edtech_schema_type_needs_extensions_context():
    doc = ob_unsigned()
    doc["credentialSchema"] = [
        {
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019",
        }
    ]
    with pytest.raises(RelativeIRI, match="1EdTechJsonSchemaValidator2019"):
        _sign(doc)
    doc["@context"].append(OB_V3P0_EXTENSIONS)
    signed = _sign(doc)
    assert vc.verify(signed, lambda vm: ob_keypair()["publicKeyMultibase"]).verified


@pytest.mark.parametrize(
    ("char", "escaped"),
    [("\x00", "\\u0000"), ("\x07", "\\u0007"), ("\x08", "\\b"), ("\x0b", "\\u000B"), ("\x0c", "\\f"),
     ("\x1b", "\\u001B"), ("\x1f", "\\u001F")],
)  # fmt: skip
def test_control_characters_are_escaped_and_signed(char, escaped):
    # Canonical N-Quads (RDFC-1.0 §4.3 / RDF 1.2 N-Quads): ECHAR where one exists, else upper-case UCHAR,
    # as rdf-canonize writes them.
    doc = ob_unsigned()
    doc["name"] = f"Team{char}work"
    assert f'"Team{escaped}work"' in canonicalize_document(doc)
    signed = _sign(doc)
    assert vc.verify(signed, lambda vm: ob_keypair()["publicKeyMultibase"]).verified
    signed["name"] = "Team work"
    assert not vc.verify(signed, lambda vm: ob_keypair()["publicKeyMultibase"]).verified


def test_tab_newline_carriage_return_and_del_are_fine():
    doc = ob_unsigned()
    doc["name"] = "Team\twork\r\nbadge\x7f"
    canonical = canonicalize_document(doc)
    assert '"Team\\twork\\r\\nbadge\\u007F"' in canonical


def test_lone_surrogate_refused():
    doc = ob_unsigned()
    doc["name"] = "bad \ud800 text"
    with pytest.raises(UnsafeInput, match="surrogate"):
        _sign(doc)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), 10**400])
def test_non_finite_numbers_refused(value):
    doc = ob_unsigned()
    doc["credentialSubject"]["creditsEarned"] = value
    with pytest.raises(UnsafeInput, match="finite"):
        _sign(doc)
    with pytest.raises(UnsafeInput, match="finite"):
        canonicalize_document(doc)


@pytest.mark.parametrize("value", [2**53, -(2**53), 9007199254740993, 10**30])
def test_integers_javascript_would_round_are_refused_at_signing_only(value):
    doc = ob_unsigned()
    doc["credentialSubject"]["creditsEarned"] = value
    with pytest.raises(UnsafeInput, match="JavaScript verifiers read such integers"):
        _sign(doc)
    # ... but read as JavaScript reads them when verifying: the nearest double
    as_integer = canonicalize_document(doc)
    doc["credentialSubject"]["creditsEarned"] = float(value)
    assert as_integer == canonicalize_document(doc)
    assert (value == float(value)) is (value in (2**53, -(2**53)))


@pytest.mark.parametrize(
    ("value", "lexical"),
    [(1e-7, '"0"'), (-1e-7, '"-0"'), (1.5e-7, '"1.5E-7"'), (1e21, '"1.0E21"'), (2.0**60, '"1152921504606846976"'),
     (65537 / 65536, '"1.000015258789063E0"'), (0.1 + 2**-56, '"1.0E-1"')],
)  # fmt: skip
def test_numbers_outside_the_safe_range_are_written_like_jsonld_js(value, lexical):
    # jsonld.js: isDouble (String(v) has "." or |v| >= 1e21) → toExponential(15), ties away from zero; else
    # toFixed(0). 65537/65536 is a tie at the 16th digit: Python's %.15E rounds it to ...062.
    doc = ob_unsigned()
    doc["credentialSubject"]["creditsEarned"] = value
    assert f"#creditsEarned> {lexical}^^<https://www.w3.org/2001/XMLSchema#float> ." in canonicalize_document(doc)
    assert _sign(doc)["proof"]


def test_safe_numbers_are_serialized_like_jsonld_js():
    # JSON-LD: a number without fractional part is written as an integer even when it came as 3.0,
    # a fractional one in canonical xsd:double form (as jsonld.js does); OB types creditsEarned xsd:float.
    float_type = "^^<https://www.w3.org/2001/XMLSchema#float>"
    for value, lexical in ((3.0, '"3"'), (3, '"3"'), (3.5, '"3.5E0"'), (0.000125, '"1.25E-4"')):
        doc = ob_unsigned()
        doc["credentialSubject"]["creditsEarned"] = value
        assert f"#creditsEarned> {lexical}{float_type} ." in canonicalize_document(doc)


def test_repeated_allowed_value_kept():
    doc = ob_unsigned()
    doc["credentialSubject"]["achievement"]["resultDescription"] = [
        {
            "id": "urn:uuid:6a1b0ee2-7a6b-4b86-a2b5-7f9dbb1a8f3e",
            "type": ["ResultDescription"],
            "name": "Grade",
            "resultType": "LetterGrade",
            "allowedValue": ["A", "A", "B"],
        }
    ]
    canonical = canonicalize_document(doc)
    assert canonical.count('<http://www.w3.org/1999/02/22-rdf-syntax-ns#first> "A" .') == 2
    assert _sign(doc)["proof"]
    doc["credentialSubject"]["achievement"]["resultDescription"][0]["allowedValue"] = ["A", "B", "C"]
    assert _sign(doc)["proof"]


def test_astral_multivalued_text_that_sorts_differently_in_utf16_refused():
    doc = ob_unsigned()
    ach = doc["credentialSubject"]["achievement"]
    ach["tag"] = ["x\U0001f393", "x\uff21"]  # astral vs U+FF21: code point and UTF-16 order differ
    with pytest.raises(UnsafeInput, match="UTF-16"):
        _sign(doc)
    ach["tag"] = ["x\U0001f393", "y"]  # same order either way
    assert _sign(doc)["proof"]


def test_astral_single_value_is_fine():
    doc = ob_unsigned()
    doc["name"] = "Teamwork \U0001f91d"
    assert _sign(doc)["proof"]


def test_check_input_walks_keys_too():
    with pytest.raises(UnsafeInput, match="surrogate"):
        jsonld.check_input({"a\ud800": 1})


def test_poisoned_json_ld_document_refused_after_bounded_work():
    from microcred.vc.jsonld import to_quads
    from microcred.vc.tests.test_vc_rdfc10 import count_hashes, work_bound

    # A 10-node clique of blank nodes, expressed in JSON-LD with an inline context.
    nodes = [{"@id": f"_:n{i}"} for i in range(10)]
    for i, node in enumerate(nodes):
        node["p"] = [{"@id": f"_:n{j}"} for j in range(10) if j != i]
    doc = {"@context": {"p": {"@id": "http://example.com/p", "@type": "@id"}}, "@graph": nodes}
    with count_hashes() as hashes, pytest.raises(CanonicalizationTooComplex):
        canonicalize_document(doc)
    assert 0 < hashes["n"] <= work_bound(to_quads(doc))


def test_context_cache_is_per_registry():
    # Two registries pin different documents under the same URL; each must see its own
    # (docs/interoperability.md, pitfall 8).
    url = "https://example.org/ctx/v1"
    a, b = ContextRegistry(), ContextRegistry()
    a.register(url, {"@context": {"thing": "https://a.example/thing"}})
    b.register(url, {"@context": {"thing": "https://b.example/thing"}})
    doc = {"@context": [url], "@id": "urn:x:1", "thing": "v"}
    assert "<https://a.example/thing>" in canonicalize_document(copy.deepcopy(doc), a)
    assert "<https://b.example/thing>" in canonicalize_document(copy.deepcopy(doc), b)
    assert "<https://a.example/thing>" in canonicalize_document(copy.deepcopy(doc), a)
    with pytest.raises(ContextNotAllowed):
        canonicalize_document(copy.deepcopy(doc))


def test_register_context_refuses_changes_to_a_pinned_url():
    registry = ContextRegistry()
    with pytest.raises(vc.VCError):
        registry.register("https://www.w3.org/ns/credentials/v2", {"@context": {"x": "https://x.example/"}})
    with pytest.raises(vc.VCError):
        registry.register("not a url", {"@context": {}})
    # identical re-registration is allowed
    registry.register("https://example.org/c", {"@context": {"x": "https://x.example/x"}})
    registry.register("https://example.org/c", {"@context": {"x": "https://x.example/x"}})


def test_pyld_process_wide_context_cache_is_never_used():
    from pyld import jsonld as pyld_jsonld

    pyld_jsonld._resolved_context_cache.clear()
    canonicalize_document(ob_unsigned())
    assert len(pyld_jsonld._resolved_context_cache) == 0


# --- language tags, @direction, @included and repeated values, as jsonld.js 9 (eddsa-rdfc-2022) computes them ---

EX = "http://ex.org/"


def _inline(context, **members):
    return {"@context": ["https://www.w3.org/ns/credentials/v2", context], "id": "urn:x", **members}


@pytest.mark.parametrize(
    "doc",
    [
        _inline({"p": EX + "p"}, p={"@value": "hi", "@language": 'en .\n<urn:x> <urn:y> "z"'}),
        _inline({"@language": "en_GB", "p": EX + "p"}, p="hi"),  # a context's default language
        _inline({"@language": "en_GB", "p": EX + "p"}, p=5),  # ... refused even unused, as jsonld.js does
        _inline({"p": {"@id": EX + "p", "@container": "@language"}}, p={"e n": "hi"}),  # a language map key
        _inline({"p": {"@id": EX + "p", "@language": "fr x"}}, p="hi"),  # jsonld.js would write it raw
        _inline({"p": EX + "p"}, p={"@value": "hi", "@language": "ar eg", "@direction": "rtl"}),
    ],
)
def test_ill_formed_language_tags_refused_everywhere(doc):
    with pytest.raises(InvalidLanguageTag):
        canonicalize_document(doc)
    with pytest.raises(InvalidLanguageTag):
        jsonld.reference_to_quads(doc, vc.DEFAULT_REGISTRY)


def test_language_tags_lower_cased_and_direction_as_i18n_datatype():
    doc = _inline(
        {"p": EX + "p", "m": {"@id": EX + "m", "@container": "@language"}},
        p=[
            {"@value": "a", "@language": "PT-br"},
            {"@value": "b", "@language": "AR-eg", "@direction": "rtl"},
            {"@value": "c", "@direction": "ltr"},
        ],
        m={"DE-at": "d"},
    )
    canonical = canonicalize_document(doc)
    assert '<urn:x> <http://ex.org/p> "a"@pt-br .' in canonical
    assert '<urn:x> <http://ex.org/p> "b"^^<https://www.w3.org/ns/i18n#ar-eg_rtl> .' in canonical
    assert '<urn:x> <http://ex.org/p> "c"^^<https://www.w3.org/ns/i18n#_ltr> .' in canonical
    assert '<urn:x> <http://ex.org/m> "d"@de-at .' in canonical


def test_included_nodes_are_signed():
    doc = ob_unsigned()
    doc["@included"] = [{"id": "https://ex.org/partner", "type": ["Profile"], "name": "Partner"}]
    canonical = canonicalize_document(doc)
    assert '<https://ex.org/partner> <https://schema.org/name> "Partner" .' in canonical
    signed = _sign(doc)
    signed["@included"][0]["name"] = "Other"
    assert not vc.verify(signed, lambda vm: ob_keypair()["publicKeyMultibase"]).verified


@pytest.mark.parametrize(
    "values",
    [
        ["a", {"@value": "a", "@type": "http://www.w3.org/2001/XMLSchema#string"}],  # "a" twice for jsonld.js
        [{"@value": "a", "@index": "1"}, {"@value": "a", "@index": "2"}],
        [5, {"@value": "5", "@type": "http://www.w3.org/2001/XMLSchema#integer"}],
        [{"@value": "a", "@language": "ar", "@direction": "rtl"}, {"@value": "a", "@language": "ar"}],
    ],
)
def test_values_jsonld_js_would_state_twice_or_drop_are_unsupported(values):
    # jsonld.js's node map keeps values that differ in @type/@index (and writes one statement twice) and
    # merges values that differ in @direction only (keeping whichever it meets first): not reproduced.
    doc = _inline({"p": EX + "p"}, p=values)
    with pytest.raises(UnsupportedJsonLd):
        canonicalize_document(doc)


def test_values_jsonld_js_merges_are_merged():
    doc = _inline(
        {"p": EX + "p"},
        p=["a", "a", {"@value": "a"}, {"@value": "b", "@language": "EN"}, {"@value": "b", "@language": "en"}],
    )
    assert canonicalize_document(doc) == '<urn:x> <http://ex.org/p> "a" .\n<urn:x> <http://ex.org/p> "b"@en .\n'


def test_iri_with_characters_n_quads_escapes_is_unsupported_and_a_final_newline_is_relative():
    doc = ob_unsigned()
    doc["id"] = "urn:uuid:\x01"
    with pytest.raises(UnsupportedJsonLd, match="escape"):
        canonicalize_document(doc)
    doc["id"] = "urn:uuid:1\n"  # "$" would match before the newline and write it raw
    with pytest.raises(RelativeIRI):
        canonicalize_document(doc)
