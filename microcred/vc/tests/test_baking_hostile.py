"""SVG baking (Open Badges 3.0 §5.3.2) with credentials and images that try to break the XML (issue #11)."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from microcred import vc
from microcred.vc.exceptions import BakingError

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
OB = "{https://purl.imsglobal.org/ob/v3p0}"


@pytest.mark.parametrize(
    "name",
    [
        "]]>",
        "]]]]><![CDATA[>",
        "</openbadges:credential><script>alert(1)</script>",
        '"/><svg onload="alert(1)">',
        "&lt;&amp;&#0;",
        "\ufffe\uffff",
        "\u2028\u2029\x85\x7f",
    ],
)
def test_no_credential_value_ends_the_cdata_section_or_the_element(name):
    credential = {"id": "urn:uuid:1", "name": name, "nested": [{"a": name}]}
    baked = vc.bake_svg(SVG, credential)
    root = ElementTree.fromstring(baked)  # noqa: S314 (our own output)
    elements = [e for e in root.iter() if e.tag == OB + "credential"]
    assert len(elements) == 1 and next(iter(root)) is elements[0]
    assert json.loads(elements[0].text) == credential
    assert vc.unbake_svg(baked) == credential
    assert baked.count("]]>") == 1 and "<script" not in baked


def test_json_text_is_baked_as_the_same_credential():
    text = '{"id": "urn:uuid:2",\r\n "name": "a]]>b"}'
    assert vc.unbake_svg(vc.bake_svg(SVG, text)) == json.loads(text)


@pytest.mark.parametrize("jws", ['a.b.c" onload="x', "a.b.c<x/>", "not a jws", "a.b", "a..b.c.d.e.f"])
def test_anything_but_a_compact_jws_is_refused_for_the_verify_attribute(jws):
    with pytest.raises(BakingError):
        vc.bake_svg(SVG, jws)


@pytest.mark.parametrize("jws", ["eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln", "a.b.c.d.e", " a.b.c\n"])
def test_a_compact_jws_goes_into_the_verify_attribute(jws):
    baked = vc.bake_svg(SVG, jws)
    root = ElementTree.fromstring(baked)  # noqa: S314 (our own output)
    element = next(e for e in root.iter() if e.tag == OB + "credential")
    assert element.attrib["verify"] == jws.strip() == vc.unbake_svg(baked)


def test_an_image_whose_svg_tag_is_only_in_a_comment_is_refused():
    with pytest.raises(BakingError):
        vc.bake_svg("<!-- <svg> --><html/>", {"id": "urn:uuid:3"})


def test_an_image_declaring_entities_is_refused():
    svg = '<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>'
    with pytest.raises(BakingError):
        vc.bake_svg(svg, {"id": "urn:uuid:4"})
