"""Paths and loaders for the copied vectors (imported by the test modules of this folder)."""

import json
from pathlib import Path

from microcred.vc.contexts import ContextRegistry

VECTORS = Path(__file__).parent / "vectors"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"


def read_text(relative: str) -> str:
    return (VECTORS / relative).read_text(encoding="utf-8")


def read_json(relative: str):
    return json.loads(read_text(relative))


def w3c_registry() -> ContextRegistry:
    """Pinned contexts plus the W3C examples context (only ever used for the W3C vectors)."""
    registry = ContextRegistry()
    registry.register(EXAMPLES_V2, read_text("w3c-vc-di-eddsa/credentials-examples-v2.jsonld"))
    return registry


def ob_unsigned() -> dict:
    return read_json("1edtech-ob3/obv3p0-unsigned.json")


def ob_keypair() -> dict:
    return read_json("1edtech-ob3/obv3p0-keypair-and-expected.json")
