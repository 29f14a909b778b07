"""The European Learning Model 3.2 (Europass) export: SHACL conformance, every Annex I element, offline JSON-LD.

Validation as in ``documents/elm/SOURCE.md``: JSON-LD → RDF with PyLD and the pinned contexts only, parsed with
rdflib, checked with pySHACL against ``EDC-generic-no-cv.ttl`` alone (no ontology graph, no inference).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import socket
from datetime import date
from functools import cache

import pytest
import rdflib
from pyld import jsonld
from pyshacl import validate
from rdflib import RDF, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, SKOS, XSD

from microcred import vc
from microcred.credentials import elm
from microcred.proposals.choices import AssessmentType, FormOfParticipation, Kind, Language

ELM = Namespace("http://data.europa.eu/snb/model/elm/")
CRED = Namespace("https://www.w3.org/2018/credentials#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")  # rdflib's closed FOAF namespace lacks foaf:fullName
SH = Namespace("http://www.w3.org/ns/shacl#")
SNB = "http://data.europa.eu/snb/"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
LOCAL = "https://w3id.org/microcred/vocab#"


# --- validation set-up (documents/elm/SOURCE.md) ---------------------------------------------------


@pytest.fixture
def offline(monkeypatch):
    """Any attempt to open a network connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("The ELM export tried to use the network.")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def pyld_nquads(document: dict) -> str:
    """JSON-LD → N-Quads with PyLD, loading only the pinned contexts (never the network)."""
    return jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": elm.elm_document_loader})


def graph_of(document: dict) -> rdflib.Graph:
    return rdflib.Graph().parse(data=pyld_nquads(document), format="nt")


def plain_strings(graph: rdflib.Graph) -> rdflib.Graph:
    """RDF 1.1: "x"^^xsd:string and "x" are the same literal; rdflib keeps them apart, so normalise."""
    out = rdflib.Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype == XSD.string:
            o = Literal(str(o))
        out.add((s, p, o))
    return out


@cache
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(str(elm.shapes_path()), format="turtle")


def shacl(document: dict) -> tuple[bool, list[dict], str]:
    """pySHACL with the no-cv shapes: (conforms, violations as {path, message, shape}, report text)."""
    conforms, report, text = validate(graph_of(document), shacl_graph=shapes(), inference="none")
    results = [
        {
            "path": str(report.value(result, SH.resultPath) or ""),
            "message": str(report.value(result, SH.resultMessage) or ""),
            "shape": str(report.value(result, SH.sourceShape) or ""),
        }
        for result in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return conforms, results, text


# --- credentials -----------------------------------------------------------------------------------


@pytest.fixture
def formal(issue):
    """A formal micro-credential with a grade, issued by the accrediting university (UB, Spain)."""
    return issue(grade="8.5 / 10", learner_did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")


@pytest.fixture
def non_formal(issue, make_version):
    """A non-formal micro-credential (no ECTS, no EQF), issued by the alliance, unsupervised."""
    version = make_version(kind="non_formal", title="Facilitating online workshops", supervised=False, identity=False)
    return issue(version=version, awarded_on=date(2026, 6, 15))


@pytest.fixture
def badge(issue, make_version):
    version = make_version(
        kind="non_formal",
        credential_type="participation_badge",
        title="Summer school on circular cities",
        supervised=True,
        identity=False,
    )
    return issue(version=version)


@pytest.fixture(params=["formal", "non_formal", "badge"])
def any_credential(request):
    return request.getfixturevalue(request.param)


def one(graph: rdflib.Graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, f"{predicate} of {subject}: {values}"
    return values[0]


def texts(graph: rdflib.Graph, subject, predicate) -> set[str]:
    return {str(value) for value in graph.objects(subject, predicate)}


def note_with_subject(graph, specification, key: str) -> str:
    for note in graph.objects(specification, ELM.additionalNote):
        if graph.value(note, DCTERMS.subject) == URIRef(LOCAL + key):
            return str(one(graph, note, ELM.noteLiteral))
    raise AssertionError(f"no additional note about {key}")


class Parts:
    """The main nodes of an exported credential's RDF graph."""

    def __init__(self, document: dict):
        self.document = document
        self.graph = g = graph_of(document)
        self.credential = URIRef(document["id"])
        self.learner = one(g, self.credential, CRED.credentialSubject)
        self.issuer = one(g, self.credential, CRED.issuer)
        self.claim = one(g, self.learner, ELM.hasClaim)
        self.awarding = one(g, self.claim, ELM.awardedBy)
        self.specification = one(g, self.claim, ELM.specifiedBy)
        self.assessment = one(g, self.claim, ELM.provenBy)
        self.assessment_specification = one(g, self.specification, ELM.provenBy)

    def country_of(self, organisation) -> URIRef:
        g = self.graph
        return one(g, one(g, one(g, organisation, ELM.location), ELM.address), ELM.countryCode)


# --- conformance -----------------------------------------------------------------------------------


def test_the_validation_setup_accepts_the_commissions_sample_and_rejects_it_broken(offline):
    """The set-up is sound: the Commission's ELM 3.2 sample conforms; without awardedBy it does not."""
    sample = json.loads((elm.ELM_DOCUMENTS / "credential-sample.jsonld").read_text(encoding="utf-8"))
    conforms, results, text = shacl(sample)
    assert conforms, text
    assert len(graph_of(sample)) == 92

    broken = copy.deepcopy(sample)
    del broken["credentialSubject"]["hasClaim"]["awardedBy"]
    conforms, results, _ = shacl(broken)
    assert not conforms
    assert any(r["path"] == str(ELM.awardedBy) and "Less than 1" in r["message"] for r in results)


def test_export_conforms_to_the_elm_shapes(any_credential, offline):
    document = elm.elm_credential(any_credential)
    conforms, results, text = shacl(document)
    assert conforms, text
    assert results == []


@pytest.mark.parametrize(
    ("breakage", "path"),
    [
        ("no awarding body", ELM.awardingBody),
        ("no issuer legal identifier", ELM.eidasLegalIdentifier),
        ("no title", DCTERMS.title),
        ("no issue date", CRED.issued),
        ("two grades", ELM.grade),
        ("country without address", ELM.address),
    ],
)
def test_a_broken_export_has_violations(formal, offline, breakage, path):
    document = elm.elm_credential(formal)
    claim = document["credentialSubject"]["hasClaim"]
    if breakage == "no awarding body":
        del claim["awardedBy"]["awardingBody"]
    elif breakage == "no issuer legal identifier":
        del document["issuer"]["eIDASIdentifier"]
    elif breakage == "no title":
        del claim["title"]
    elif breakage == "no issue date":
        del document["issued"]
    elif breakage == "two grades":
        claim["provenBy"]["grade"] = [
            claim["provenBy"]["grade"],
            {"id": "urn:x:g2", "type": "Note", "noteLiteral": {"en": "B"}},
        ]
    elif breakage == "country without address":
        del document["issuer"]["location"]["address"]
        for body in claim["awardedBy"]["awardingBody"]:
            if body["id"] == document["issuer"]["id"]:
                del body["location"]["address"]
    conforms, results, _ = shacl(document)
    assert not conforms
    assert str(path) in {r["path"] for r in results}, results


# --- offline JSON-LD ------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_the_export_parses_offline_with_the_pinned_contexts_only(formal, offline):
    document = elm.elm_credential(formal)
    assert document["@context"] == [elm.VC_V1_CONTEXT, elm.EDC_AP_CONTEXT]
    by_pyld = graph_of(document)
    # Our strict converter (an undefined term would raise instead of being dropped) gives the same graph.
    strict = rdflib.Graph().parse(data=elm.elm_nquads(document), format="nt")
    assert isomorphic(by_pyld, strict)
    # rdflib's own JSON-LD parser, with the same pinned contexts given inline, agrees too.
    inline = dict(
        document, **{"@context": [elm.elm_document_loader(url)["document"]["@context"] for url in document["@context"]]}
    )
    by_rdflib = rdflib.Graph().parse(data=json.dumps(inline), format="json-ld")
    assert isomorphic(by_pyld, plain_strings(by_rdflib))
    assert len(by_pyld) > 150


def test_only_pinned_contexts_load_and_undefined_terms_are_refused(formal, offline):
    with pytest.raises(vc.ContextNotAllowed):
        elm.elm_document_loader("https://www.w3.org/ns/credentials/v2")
    document = elm.elm_credential(formal)
    document["credentialSubject"]["hasClaim"]["gradeLetter"] = "A"
    with pytest.raises(vc.VCError, match="gradeLetter"):
        elm.elm_nquads(document)


def test_pinned_files_match_their_recorded_checksums():
    source = (elm.ELM_DOCUMENTS / "SOURCE.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \|[^|]*\| `([0-9a-f]{64})` \|", source, flags=re.MULTILINE)
    assert {name for name, _ in rows} == {p.name for p in elm.ELM_DOCUMENTS.iterdir() if p.name != "SOURCE.md"}
    for name, digest in rows:
        assert hashlib.sha256((elm.ELM_DOCUMENTS / name).read_bytes()).hexdigest() == digest, name


# --- Annex I elements ------------------------------------------------------------------------------


def test_formal_credential_carries_every_annex1_element(formal, offline):
    parts = Parts(elm.elm_credential(formal))
    g, spec = parts.graph, parts.specification
    version = formal.micro_credential_version

    # (1) learner
    assert parts.learner == URIRef(formal.learner_did)
    assert one(g, parts.learner, FOAF.fullName) == Literal("Ana García", lang="en")
    contact = one(g, parts.learner, ELM.contactPoint)
    assert one(g, contact, ELM.emailAddress) == URIRef(f"mailto:{formal.learner_email}")
    # (2) title
    title = Literal("Data analysis for sustainability", lang="en")
    assert one(g, parts.claim, DCTERMS.title) == title
    assert one(g, spec, DCTERMS.title) == title
    assert one(g, one(g, parts.credential, ELM.displayParameter), DCTERMS.title) == title
    # (3, 4) awarding bodies and their countries; issuer and its country
    bodies = set(g.objects(parts.awarding, ELM.awardingBody))
    assert bodies == {URIRef("did:web:mc.example.eu:issuers:ub"), URIRef("did:web:mc.example.eu:issuers:uu")}
    names = {str(one(g, body, ROV.legalName)): parts.country_of(body) for body in bodies}
    assert names == {"University of Barcelona": URIRef(COUNTRY + "ESP"), "Utrecht University": URIRef(COUNTRY + "NLD")}
    assert parts.issuer == URIRef(formal.issuer.did)
    assert parts.country_of(parts.issuer) == URIRef(COUNTRY + "ESP")
    legal = one(g, parts.issuer, ELM.eidasLegalIdentifier)
    assert one(g, legal, DCTERMS.spatial) == URIRef(COUNTRY + "ESP")
    # (5) date of issuing
    assert one(g, parts.awarding, ELM.awardingDate) == Literal("2026-07-01T00:00:00Z", datatype=XSD.dateTime)
    assert one(g, parts.credential, CRED.issued) == Literal(vc.format_datetime(formal.issued_at), datatype=XSD.dateTime)
    assert one(g, parts.credential, CRED.validFrom) == Literal(formal.document["validFrom"], datatype=XSD.dateTime)
    # (6) learning outcomes with their ESCO skills
    outcomes = {
        str(one(g, outcome, DCTERMS.title)): {str(s) for s in g.objects(outcome, ELM.relatedESCOSkill)}
        for outcome in g.objects(spec, ELM.learningOutcome)
    }
    assert outcomes == {
        "Analyse open energy data sets.": {"http://data.europa.eu/esco/skill/0a1b2c3d-0000-4000-8000-000000000001"},
        "Présenter des résultats — clearly.": {"http://data.europa.eu/esco/skill/0a1b2c3d-0000-4000-8000-000000000002"},
    }
    skill = URIRef("http://data.europa.eu/esco/skill/0a1b2c3d-0000-4000-8000-000000000001")
    assert one(g, skill, SKOS.inScheme) == URIRef("http://data.europa.eu/esco/concept-scheme/skills")
    # (7) workload: ECTS with the ECTS concept, hours
    credit = one(g, spec, ELM.creditPoint)
    assert one(g, credit, ELM.framework) == URIRef(SNB + "education-credit/6fcec5c5af")
    assert one(g, credit, ELM.point) == Literal("5")
    assert one(g, parts.claim, ELM.creditReceived) == credit
    assert one(g, spec, ELM.volumeOfLearning) == Literal("PT140H", datatype=XSD.duration)
    # (8) EQF level
    assert one(g, spec, ELM.EQFLevel) == URIRef(SNB + "eqf/6")
    assert one(g, spec, RDF.type) == ELM.Qualification
    # (9) type of assessment: written examination and portfolio
    types = {one(g, part, DCTERMS.type) for part in g.objects(parts.assessment_specification, ELM.hasPart)}
    assert types == {URIRef(SNB + "assessment/6e6cb2cc78"), URIRef(SNB + "assessment/4f03b91c0e")}
    assert one(g, parts.assessment, ELM.specifiedBy) == parts.assessment_specification
    # (10) form of participation and learning setting
    assert set(g.objects(spec, ELM.mode)) == {
        URIRef(SNB + "learning-assessment/920fbb3cbe"),
        URIRef(SNB + "learning-assessment/e92d221e4d"),
    }
    assert one(g, spec, ELM.learningSetting) == URIRef(SNB + "learning-setting/6fd4685715")
    # (11) quality assurance
    assert note_with_subject(g, spec, "note-quality-assurance") == (
        "Internal quality assurance of the accrediting university (ESG part 1)."
    )
    # optional: grade, supervision and identity verification, prerequisites, stackability, languages
    assert one(g, one(g, parts.assessment, ELM.grade), ELM.noteLiteral) == Literal("8.5 / 10", lang="en")
    assert one(g, parts.assessment, ELM.idVerification) == URIRef(LOCAL + "supervision-supervised-id-verified")
    assert str(one(g, one(g, spec, ELM.entryRequirement), ELM.noteLiteral)) == "Basic statistics."
    assert note_with_subject(g, spec, "note-stackability") == "Stackable towards the alliance's data science pathway."
    assert set(g.objects(spec, DCTERMS.language)) == {URIRef(LANGUAGE + "ENG"), URIRef(LANGUAGE + "SPA")}
    # the specification is the catalogue version the OB credential points to; the OB credential is named
    assert str(spec) == formal.document["credentialSubject"]["achievement"]["id"]
    identifier = one(g, parts.credential, URIRef("http://www.w3.org/ns/adms#identifier"))
    assert one(g, identifier, SKOS.notation) == Literal(formal.credential_id)
    assert version.annex1["title"] == str(title)


def test_non_formal_credential(non_formal, offline):
    parts = Parts(elm.elm_credential(non_formal))
    g, spec = parts.graph, parts.specification
    assert parts.issuer == URIRef("did:web:mc.example.eu:issuers:alliance")
    assert parts.country_of(parts.issuer) == URIRef(COUNTRY + "BEL")
    assert one(g, spec, ELM.learningSetting) == URIRef(SNB + "learning-setting/e207a81fc7")
    assert list(g.objects(spec, ELM.creditPoint)) == []
    assert list(g.objects(spec, ELM.EQFLevel)) == []
    assert one(g, parts.awarding, ELM.awardingDate) == Literal("2026-06-15T00:00:00Z", datatype=XSD.dateTime)
    # Unsupervised, no identity check: the EDC concept itself.
    assert one(g, parts.assessment, ELM.idVerification) == URIRef(SNB + "supervision-verification/c598449d64")
    # No grade recorded: the assessment's (mandatory) grade says the award was completed.
    assert one(g, one(g, parts.assessment, ELM.grade), ELM.noteLiteral) == Literal("Completed", lang="en")


def test_participation_badge(badge, offline):
    parts = Parts(elm.elm_credential(badge))
    g, spec = parts.graph, parts.specification
    assert one(g, spec, RDF.type) == ELM.LearningAchievementSpecification
    assert list(g.objects(spec, ELM.EQFLevel)) == []
    assert one(g, parts.assessment, ELM.idVerification) == URIRef(LOCAL + "supervision-supervised-no-id")


def test_display_image_is_a_png(formal):
    document = elm.elm_credential(formal)
    image = document["displayParameter"]["individualDisplay"][0]["displayDetail"][0]["image"]
    assert base64.b64decode(image["content"]).startswith(b"\x89PNG\r\n\x1a\n")
    assert image["contentType"]["id"].endswith("/file-type/PNG")


def test_export_carries_the_open_badges_credentials_status_entry(formal, offline):
    """Same list and index as the signed OB credential, so revoking the award revokes the ELM credential."""
    status_vocab = "https://www.w3.org/ns/credentials/status#"
    document = elm.elm_credential(formal)
    parts = Parts(document)
    g = parts.graph
    status = one(g, parts.credential, CRED.credentialStatus)
    signed = formal.document["credentialStatus"]
    assert str(status) == signed["id"]
    assert set(g.objects(status, RDF.type)) == {ELM.CredentialStatus, URIRef(status_vocab + "BitstringStatusListEntry")}
    assert one(g, status, URIRef(status_vocab + "statusListCredential")) == URIRef(signed["statusListCredential"])
    assert one(g, status, URIRef(status_vocab + "statusListIndex")) == Literal(signed["statusListIndex"])
    assert one(g, status, URIRef(status_vocab + "statusPurpose")) == Literal("revocation")
    assert f"<{status_vocab}statusListIndex>" in elm.elm_nquads(document)  # the strict converter keeps it too


def test_export_is_deterministic(formal):
    assert elm.elm_credential(formal) == elm.elm_credential(formal)


def test_configured_legal_identifier_is_used(formal, settings, offline):
    settings.ELM_LEGAL_IDENTIFIERS = {"ub": "ESQ0818001J"}
    document = elm.elm_credential(formal)
    assert document["issuer"]["eIDASIdentifier"]["notation"] == "ESQ0818001J"
    assert shacl(document)[0]


def test_unknown_country_is_an_error(formal):
    institution = formal.issuer.institution
    institution.country_code = "ZZ"
    institution.save()
    formal.refresh_from_db()
    with pytest.raises(elm.ElmExportError, match="ZZ"):
        elm.elm_credential(formal)


# --- vocabularies --------------------------------------------------------------------------------


def test_every_form_value_has_a_concept():
    """Each code of the proposal form maps to an EDC concept in the pinned vocabulary file, or to ours."""
    concepts = {
        concept["uri"]: (scheme, concept["label_en"])
        for scheme, block in elm.vocabularies()["schemes"].items()
        for concept in block.get("concepts", [])
    }

    def known(scheme, concept_id):
        matches = [s for uri, (s, _) in concepts.items() if uri.endswith("/" + concept_id)]
        return matches == [scheme]

    for code in AssessmentType.values:
        assert (code in elm.ASSESSMENT_TYPES and known("assessment_type", elm.ASSESSMENT_TYPES[code])) or (
            f"assessment-{code}" in elm.LOCAL_CONCEPTS
        ), code
    for code in FormOfParticipation.values:
        assert known("mode_of_learning_and_assessment", elm.FORMS_OF_PARTICIPATION[code]), code
    for code in Kind.values:
        assert known("learning_setting", elm.LEARNING_SETTINGS[code]), code
    assert known("education_credit", elm.ECTS)
    assert known("credential_type", elm.CREDENTIAL_PROFILE_GENERIC)
    assert known("supervision_verification", elm.SUPERVISION[(False, False)])
    for code in Language.values:
        assert code in elm.LANGUAGES, code
    nal = elm.vocabularies()["schemes"]["language"]["charm_eu_relevant"]
    # Each language the shipped vocabulary lists carries the vocabulary's own name (the others are EU
    # authority-table codes the shipped excerpt leaves out).
    listed = {code: (nal_code, label) for code, (nal_code, label) in elm.LANGUAGES.items() if nal_code in nal}
    assert len(listed) >= 13
    for code, (nal_code, label) in listed.items():
        assert nal[nal_code] == label, code
    for alpha3 in elm.vocabularies()["schemes"]["country"]["charm_eu_relevant"]:
        assert alpha3 in elm.COUNTRIES.values()


# --- download ------------------------------------------------------------------------------------


def test_the_holder_downloads_the_export_from_the_credential_page(client, formal, make_user):
    from django.urls import reverse

    client.force_login(make_user(email=formal.learner_email))
    response = client.get(reverse("credentials:download", args=[formal.uuid, "elm"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    assert response["Content-Disposition"].endswith('.elm.jsonld"')
    assert json.loads(response.content) == elm.elm_credential(formal)
