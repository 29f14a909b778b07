"""Countries a learner may name (ISO 3166-1 alpha-2 codes), with their names in the interface languages.

The reference data have no full country list (the EU country vocabulary in
`reference/data/vocabularies/edc_controlled_vocabularies.json` lists only the alliance's countries), so the list
ships here as data: `data/countries.json`, the ISO 3166-1 short names from Debian's iso-codes with that project's
translations, so the 249 names need no entries in our translation catalogues. Read once per process; no network.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

FILE = Path(__file__).with_name("data") / "countries.json"
FALLBACK_LANGUAGE = "en"


@cache
def _names() -> dict[str, dict[str, str]]:
    data = json.loads(FILE.read_text(encoding="utf-8"))
    return {row["code"]: row["names"] for row in data["countries"]}


def _language(language: str | None) -> str:
    return (language or get_language() or FALLBACK_LANGUAGE).split("-")[0].lower()


def _sort_key(name: str) -> str:
    """Alphabetical order that ignores accents and case ("Île…" beside "Islande")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def is_country(code: str) -> bool:
    return code in _names()


def name(code: str, language: str | None = None) -> str:
    """The country's name in `language` (the active language by default); the code itself if unknown."""
    names = _names().get(code)
    if names is None:
        return code
    return names.get(_language(language)) or names[FALLBACK_LANGUAGE]


def choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) of every country, ordered by name in `language` (the active language by default)."""
    language = _language(language)
    return sorted(((code, name(code, language)) for code in _names()), key=lambda pair: _sort_key(pair[1]))
