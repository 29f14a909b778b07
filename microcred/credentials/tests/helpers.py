"""Small helpers shared by the credentials tests."""

from __future__ import annotations

import struct
import zlib
from urllib.parse import urlsplit

from microcred import vc


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
