"""Search keys: labels lower-cased, accent-folded and reduced to words, so a prefix search is a range query.

The same function normalises the stored labels and the typed query, so "Gestión" finds "gestion de…"
and "e-learn" finds "e-learning".
"""

import re
import unicodedata

# Letters that Unicode decomposition does not fold to ASCII.
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
_NON_WORD = re.compile(r"[\W_]+")

# Words a search never starts at (the start of the whole label is always indexed).
_STOP_EN = ["a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with"]
_STOP_FR = ["au", "aux", "avec", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "par", "pour", "sur"]
_STOP_ES = ["al", "con", "del", "e", "el", "las", "lo", "los", "o", "para", "por", "un", "una", "y"]
STOP_WORDS = frozenset([*_STOP_EN, *_STOP_FR, *_STOP_ES, "une"])

# Prefix upper bound: every key starting with q sorts below q + MAX_CHAR (keys are folded to plain letters).
MAX_CHAR = "\uffff"


def search_key(text: str) -> str:
    """'  Gestión de   PROYECTOS (TIC) ' -> 'gestion de proyectos tic'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD)
    return " ".join(_NON_WORD.sub(" ", folded).split())


def word_start_keys(key: str) -> list[str]:
    """The suffixes of a normalised label that start at its second, third… word (stop words skipped)."""
    words = key.split(" ")
    return [" ".join(words[i:]) for i in range(1, len(words)) if len(words[i]) > 1 and words[i] not in STOP_WORDS]


def prefix_range(query: str) -> tuple[str, str] | None:
    """(low, high) for `key >= low AND key < high`, or None when the query has no searchable characters."""
    key = search_key(query)
    if not key:
        return None
    return key, key + MAX_CHAR
