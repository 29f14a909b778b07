"""Every user-controlled value in every format a learner downloads, with hostile values (issue #11).

Titles, names, grades and Annex 1 texts are typed by staff, learners or imported; whatever they hold,
the SVG stays an image (no new attribute or element: no ``onload``), the baked credential cannot end
its CDATA section, the PDF draws the text (its metadata stays data), and the JSON keeps the value as
a string.
"""

from __future__ import annotations

import copy
import io
import json
from xml.etree import ElementTree

import pytest

from microcred import vc
from microcred.credentials import formats
from microcred.credentials.services.verification import verify_credential_document

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
OB = "{https://purl.imsglobal.org/ob/v3p0}"

# Values a database accepts (stored, then issued and signed for real).
STORABLE = {
    "attribute quote": 'Data" onload="alert(document.domain)',
    "single quote": "Data' onload='alert(1)",
    "script": "<script>alert(document.domain)</script>",
    "cdata end": 'x]]><openbadges:credential verify="a.b.c"/><svg onload="alert(1)">',
    "element end": "</openbadges:credential></svg><script>alert(1)</script>",
    "formula": "=cmd|' /C calc'!A0",
    "line break": "Data\r\nBcc: victim@example.org",
    "rtl override": "Data \u202eexe.fdp",
    "pdf string": "Data) /JavaScript (app.alert(1)) /S /JavaScript /JS (x",
    "entities": "&amp; &lt;b&gt; &#x3C;script&#x3E; &unknown;",
}
# Values only an in-memory object can hold (PostgreSQL refuses NUL; the others are not XML characters).
IN_MEMORY_ONLY = {
    "nul": "Data\x00onload",
    "not xml": "Data\ufffe\uffff\x01\x1b[31m",
}
VERY_LONG = "Data " + "x" * 300 + " " + ("long words " * 2000)


def _svg_elements(svg: str):
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output) - well-formed, or this raises
    return root, list(root.iter())


def _assert_inert_svg(svg: str, document: dict) -> ElementTree.Element:
    root, elements = _svg_elements(svg)
    assert root.tag == SVG + "svg"
    assert set(root.attrib) == {"viewBox", "width", "height", "role", "aria-label"}
    allowed = {SVG + t for t in ("svg", "title", "circle", "polygon", "rect", "text", "image")} | {OB + "credential"}
    assert {e.tag for e in elements} <= allowed
    for element in elements:
        assert not [a for a in element.attrib if a.lower().startswith("on")], element.attrib
        hrefs = [v for a, v in element.attrib.items() if a.endswith("href")]
        assert all(v.startswith("data:image/png;base64,") for v in hrefs), hrefs  # nothing fetched from elsewhere
    credentials = [e for e in elements if e.tag == OB + "credential"]
    assert len(credentials) == 1 and next(iter(root)) is credentials[0]
    assert json.loads(credentials[0].text) == document  # what an XML parser reads is the credential
    assert vc.unbake_svg(svg) == document  # and so is what the regex-based reader of the verifier reads
    return root


@pytest.mark.parametrize("value", [*STORABLE.values(), VERY_LONG[:200]], ids=[*STORABLE, "long"])
def test_hostile_title_and_names_are_data_in_every_format(issue, make_version, value):
    version = make_version(title=value)
    credential = issue(version=version, learner_name=value, grade=value[:50])
    document = credential.document
    assert document["credentialSubject"]["achievement"]["name"] == value  # signed as given

    svg = formats.badge_svg(credential)
    root = _assert_inert_svg(svg, document)
    shown = " ".join(value.split()).replace("\u202e", "")
    label = root.find(SVG + "title").text  # a sentence naming the title, the institution and the learner
    assert f"“{shown}”" in label and root.attrib["aria-label"] == label
    assert {e.text for e in root.iter(SVG + "text")} >= {"UB", "University of Barcelona"}
    assert verify_credential_document(vc.unbake_svg(svg)).is_valid

    png = formats.badge_png(credential)
    assert vc.unbake_png(png) == document

    assert json.loads(formats.credential_json(credential)) == document

    _assert_clean_pdf(formats.certificate_pdf(credential), expect_text=value)


@pytest.mark.parametrize("value", [STORABLE["line break"], STORABLE["attribute quote"], STORABLE["script"]])
def test_hostile_title_stays_a_literal_in_the_elm_export(issue, make_version, value):
    import rdflib

    from microcred.credentials.elm import elm_json_bytes, elm_nquads

    credential = issue(version=make_version(title=value))
    document = json.loads(elm_json_bytes(credential))
    assert _holds(document, value)
    graph = rdflib.Graph().parse(data=elm_nquads(document), format="nt")  # every value a well-formed literal
    assert value in {str(o) for o in graph.objects() if isinstance(o, rdflib.Literal)}


def _holds(node, value) -> bool:
    if isinstance(node, dict):
        return any(_holds(v, value) for v in node.values())
    if isinstance(node, list):
        return any(_holds(v, value) for v in node)
    return node == value


@pytest.mark.parametrize("value", list(IN_MEMORY_ONLY.values()), ids=list(IN_MEMORY_ONLY))
def test_values_that_are_not_text_do_not_break_the_svg_or_pdf(issue, value):
    credential = issue()
    credential.micro_credential_version.title = value
    credential.learner_name = value
    credential.issuer.institution.short_name = value
    credential.document = copy.deepcopy(credential.document)
    credential.document["credentialSubject"]["achievement"]["name"] = value
    svg = formats.badge_svg(credential)
    _assert_inert_svg(svg, credential.document)
    assert vc.unbake_png(formats.badge_png(credential)) == credential.document
    _assert_clean_pdf(formats.certificate_pdf(credential), expect_text="Data")


def test_a_very_long_annex1_text_spans_pages_instead_of_failing(issue):
    credential = issue(learner_name="Ana " + "García " * 20)
    annex1 = credential.micro_credential_version.annex1
    annex1["prerequisites"] = VERY_LONG
    annex1["learning_outcomes"][0]["text"] = VERY_LONG
    pdf = formats.certificate_pdf(credential)
    reader = _assert_clean_pdf(pdf, expect_text="long words long words")
    assert len(reader.pages) > 2


def test_baked_svg_survives_a_credential_that_tries_to_end_the_cdata(issue):
    credential = issue()
    document = copy.deepcopy(credential.document)
    document["name"] = "]]></openbadges:credential><script>alert(1)</script><![CDATA["
    document["description"] = "]]]]><![CDATA[>"
    svg = vc.bake_svg(formats.badge_svg(credential), document)
    assert "<script>" not in svg and svg.count("]]>") == 1
    _assert_inert_svg(svg, document)


def _assert_clean_pdf(pdf: bytes, *, expect_text: str):
    from pypdf import PdfReader

    from microcred.proposals.documents import check_document

    check_document("certificate.pdf", pdf)  # parses as a PDF; no JavaScript, actions or embedded files
    reader = PdfReader(io.BytesIO(pdf))
    metadata = reader.metadata
    assert set(metadata) <= {
        "/Title",
        "/Author",
        "/Subject",
        "/Creator",
        "/Producer",
        "/Keywords",
        "/CreationDate",
        "/ModDate",
        "/Trapped",
    }
    assert "\n" not in metadata["/Title"] and "\r" not in metadata["/Title"]
    text = " ".join("\n".join(page.extract_text() for page in reader.pages).split())
    expected = " ".join(expect_text.split())[:40].strip()
    if expected.isascii():  # drawn as text (the PDF's text layer), not swallowed as markup
        assert expected in text, expected
    return reader


@pytest.mark.parametrize("title", ["Data\r\nBcc: victim@example.org", "Data\u2028X-Injected: 1"])
def test_credential_emails_have_a_one_line_subject(
    issue, make_version, make_user, title, django_capture_on_commit_callbacks
):
    """A title stored with a line break (imported, or typed before titles were checked) still gives a
    revocation e-mail that is sent, with a one-line subject."""
    from django.core import mail

    from microcred.credentials.services.status import revoke_credential
    from microcred.roles import Role

    credential = issue(version=make_version(title=title), learner_email="katrin@example.org")
    officer = make_user((Role.CREDENTIAL_OFFICER, credential.issuer.institution))
    with django_capture_on_commit_callbacks(execute=True):
        revoke_credential(officer, credential.pk, "Issued to the wrong person.")
    (message,) = mail.outbox
    rendered = message.message()
    assert rendered["Bcc"] is None and rendered["X-Injected"] is None
    assert not any(c in message.subject for c in "\r\n\u2028")
    assert message.subject.endswith(("Data Bcc: victim@example.org", "Data X-Injected: 1"))
    assert title in message.body
