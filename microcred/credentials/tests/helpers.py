"""Small helpers shared by the credentials tests."""

from __future__ import annotations

import struct
import zlib
from urllib.parse import urlsplit

from microcred import vc


def first_look_sees_nothing(monkeypatch) -> list[list[str]]:
    """Make issuance's first look for completions already issued see nothing, as when another process has not
    committed yet; later looks see the database. Returns the looks made (the completion keys of each)."""
    from microcred.credentials.services import issuance

    real_existing = issuance._existing_among
    looks: list[list[str]] = []

    def not_yet_visible(keys):
        looks.append(list(keys))
        return {} if len(looks) == 1 else real_existing(looks[-1])

    monkeypatch.setattr(issuance, "_existing_among", not_yet_visible)
    return looks


def path_of(url: str) -> str:
    return urlsplit(url).path


def status_bit(encoded_list: str, index: int) -> int:
    return vc.BitstringStatusList.decode(encoded_list).get(index)


def tiny_png() -> bytes:
    """A valid 1×1 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")
    )


TINY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
