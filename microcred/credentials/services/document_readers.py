"""Formats of credentials that apps above this one verify, for the pages and commands of this one.

The /verify/ page lives here, but some formats are verified by apps that build on credentials (the sealed
European Learning Model credential: microcred.seals), which this app may not import. Such an app registers a
reader when it starts (its AppConfig.ready): given what a visitor pasted or uploaded, the reader answers None
when the bytes are not its format, else (report, content): the VerificationReport of its checks, and what the
credential says in the keys of ``verification.describe_credential`` (None when nothing could be read from
signed data). The same pattern as status resolvers (status_resolvers.py).
"""

from __future__ import annotations

from collections.abc import Callable

from microcred.credentials.services.verification import VerificationReport

Reading = tuple[VerificationReport, dict | None]
DocumentReader = Callable[[bytes], Reading | None]

_readers: list[DocumentReader] = []


def register_document_reader(reader: DocumentReader) -> DocumentReader:
    if reader not in _readers:
        _readers.append(reader)
    return reader


def read_with_registered_readers(raw: bytes) -> Reading | None:
    """The first registered reader's reading of ``raw``, or None when none recognises it."""
    for reader in _readers:
        reading = reader(raw)
        if reading is not None:
            return reading
    return None
