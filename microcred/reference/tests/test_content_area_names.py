import json
from pathlib import Path

from microcred.reference.content_area_names import CONTENT_AREA_NAMES

DATA = Path(__file__).resolve().parents[1] / "data"


def test_every_shipped_content_area_name_is_marked_for_translation():
    shipped = next(DATA.rglob("content_areas.json"))
    names = {area["name"] for area in json.loads(shipped.read_text(encoding="utf-8"))["areas"]}
    assert names == set(CONTENT_AREA_NAMES)
