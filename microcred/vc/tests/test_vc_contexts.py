"""Pinned contexts: files match SOURCE.md, loader refuses everything else, no Django in the package."""

import hashlib
import re
from pathlib import Path

import pytest

from microcred.vc import contexts
from microcred.vc.exceptions import ContextNotAllowed

PACKAGE = Path(contexts.__file__).parent.parent
CONTEXT_DIR = Path(contexts.__file__).parent


def test_every_pinned_file_matches_its_sha256_in_source_md():
    source = (CONTEXT_DIR / "SOURCE.md").read_text(encoding="utf-8")
    rows = re.findall(r"\| `(https://[^`]+)` \| `([^`]+)` \| `([0-9a-f]{64})` \|", source)
    assert len(rows) == len(contexts.PINNED_FILES)
    for url, filename, digest in rows:
        assert contexts.PINNED_FILES[url] == filename
        assert hashlib.sha256((CONTEXT_DIR / filename).read_bytes()).hexdigest() == digest


def test_loader_serves_pinned_and_refuses_others():
    doc = contexts.document_loader(contexts.VC_V2)
    assert doc["documentUrl"] == contexts.VC_V2
    assert "@context" in doc["document"]
    doc["document"]["@context"]["id"] = "tampered"
    assert contexts.load_context(contexts.VC_V2)["@context"]["id"] == "@id"  # copies, not shared
    for url in (
        "https://www.w3.org/ns/credentials/examples/v2",
        "http://www.w3.org/ns/credentials/v2",
        "file:///etc/passwd",
    ):
        with pytest.raises(ContextNotAllowed):
            contexts.document_loader(url)


def test_register_context_on_default_registry():
    url = "https://microcred.example/ns/test-only/v1"
    contexts.register_context(url, '{"@context": {"x": "https://microcred.example/ns#x"}}')
    assert contexts.load_context(url)["@context"]["x"] == "https://microcred.example/ns#x"
    assert url in contexts.DEFAULT_REGISTRY


def test_package_has_no_framework_imports():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+(django|rest_framework)\b", text, re.M), path
