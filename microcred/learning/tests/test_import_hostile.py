"""Issue #11 (bad input): hostile result files are refused with a clear message and change nothing.

Each of these was a server error: a CSV cell longer than the csv module's field limit, an XLSX whose ZIP
directory lies about the sizes (the error surfaced while reading rows, outside the guarded open), and XML
entity tricks (billion laughs, external entities) inside an XLSX.
"""

import io
import struct
import zipfile

import pytest

from microcred.learning import imports
from microcred.learning.exceptions import ImportRefused
from microcred.learning.models import ResultImport
from microcred.learning.tests.test_results_import import (  # noqa: F401
    class_of_28,
    csv_file,
    preview,
    xlsx_file,
    yesterday,
)

pytestmark = pytest.mark.django_db


def _refused(cast, offering, data, name="results.xlsx") -> str:
    with pytest.raises(ImportRefused) as exc:
        preview(cast, offering, data, name=name)
    assert not ResultImport.objects.exists()
    return exc.value.message


def test_a_csv_cell_longer_than_the_field_limit(cast, offering, class_of_28):
    rows = [imports.COLUMNS, [class_of_28[0].email, "pass", "8", "x" * 140_000, yesterday(), "yes"]]
    message = _refused(cast, offering, csv_file(rows), name="results.csv")
    assert message == "Row 2 has a cell longer than 2,000 characters; no result needs that much."


def test_an_over_long_cell_within_the_csv_limit_is_a_row_error(cast, offering, class_of_28):
    url = "https://lms.example/" + "a" * 600
    rows = [imports.COLUMNS, [class_of_28[0].email, "pass", "8", url, yesterday(), "yes"]]
    p = preview(cast, offering, csv_file(rows), name="results.csv")
    assert not p.ok
    assert p.errors == [
        {"row": 2, "column": "evidence_url", "message": "The evidence link is longer than 500 characters."}
    ]


def _rewrite_member(data: bytes, name: str, new_content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, new_content if info.filename == name else source.read(info.filename))
    return out.getvalue()


def _lie_about_size(data: bytes, name: str, declared: int) -> bytes:
    """Patch the uncompressed size of one member, in its local header and in the central directory."""
    raw = bytearray(data)
    encoded = name.encode()
    pos = 0
    while (pos := raw.find(b"PK\x03\x04", pos)) >= 0:  # local file headers
        name_length = struct.unpack_from("<H", raw, pos + 26)[0]
        if raw[pos + 30 : pos + 30 + name_length] == encoded:
            struct.pack_into("<I", raw, pos + 22, declared)
        pos += 4
    pos = 0
    while (pos := raw.find(b"PK\x01\x02", pos)) >= 0:  # central directory entries
        name_length = struct.unpack_from("<H", raw, pos + 28)[0]
        if raw[pos + 46 : pos + 46 + name_length] == encoded:
            struct.pack_into("<I", raw, pos + 24, declared)
        pos += 4
    return bytes(raw)


def test_an_xlsx_whose_zip_lies_about_sizes(cast, offering, class_of_28):
    rows = [imports.COLUMNS] + [[u.email, "pass", 8, "", yesterday(), "yes"] for u in class_of_28]
    data = xlsx_file(rows)
    sheet = "xl/worksheets/sheet1.xml"
    padded = zipfile.ZipFile(io.BytesIO(data)).read(sheet).replace(b"</worksheet>", b" " * 60_000_000 + b"</worksheet>")
    lying = _lie_about_size(_rewrite_member(data, sheet, padded), sheet, 2000)
    message = _refused(cast, offering, lying)
    assert message == "The file is damaged: it looks like an XLSX spreadsheet but cannot be opened."


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    b"<si><t>&lol9;</t></si></sst>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    b"<si><t>&xxe;</t></si></sst>"
)


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_xml_entity_tricks_in_an_xlsx(cast, offering, class_of_28, xml):
    rows = [imports.COLUMNS] + [[u.email, "pass", 8, "", yesterday(), "yes"] for u in class_of_28[:2]]
    data = xlsx_file(rows)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    member = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else "xl/worksheets/sheet1.xml"
    message = _refused(cast, offering, _rewrite_member(data, member, xml))
    assert message == (
        "The spreadsheet contains XML entity declarations (a DTD), which Excel and LMS exports never write; "
        "it was refused for safety. Save it again from Excel or your LMS."
    )


def test_an_xlsx_cell_too_long_is_named_by_row(cast, offering, class_of_28):
    rows = [imports.COLUMNS, [class_of_28[0].email, "pass", 8, "y" * 3000, yesterday(), "yes"]]
    message = _refused(cast, offering, xlsx_file(rows))
    assert message == "Row 2 has a cell longer than 2,000 characters; no result needs that much."
