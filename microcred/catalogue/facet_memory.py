"""What catalogue search keeps in this process's memory: each version's facet values, and the labels of
the facets' values (content areas, universities, ESCO skills), so a search does not read them again.

A version's facet rows (kind, EQF level, languages, forms, content areas, skills, universities) come
from its approved record, which does not change: a new approval is a new version with a new id. So
the values read once for a version id stay right; a search reads from the database only the ids it
has not seen. As a guard for the rare rebuild of the index (a migration, `reindex_version`), the
memory is emptied whenever the catalogue's generation (cache.py) moves on.

Labels are reference data, changed rarely (by `load_reference_data` or the admin): saving one of those
records moves the generation on (apps.py), and labels are read again at least every LABEL_SECONDS, which
bounds how stale another process's memory can be when the cache is per process (no Redis).

Thread-safe (runserver and threaded workers share it); bounded by MAX_VERSIONS and MAX_SKILL_LABELS.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from microcred.catalogue import cache
from microcred.catalogue.models import CatalogueFacet
from microcred.reference.models import ContentArea, EscoSkill, Institution

MAX_VERSIONS = 100_000
MAX_SKILL_LABELS = 50_000
LABEL_SECONDS = 60
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class VersionFacets:
    by_facet: dict[str, frozenset[str]]  # facet -> values
    pairs: tuple[tuple[str, str], ...]  # every (facet, value), for counting all facets in one pass


_EMPTY = VersionFacets(by_facet={}, pairs=())


class Snapshot:
    """The facet values of one search's candidates, and which of them have which value."""

    def __init__(self, versions: dict[int, VersionFacets], postings: dict[tuple[str, str], set[int]], lock):
        self.versions = versions
        self._postings = postings
        self._lock = lock

    def ids_with(self, facet: str, values) -> set[int]:
        """Ids having any of `values` for `facet` (may include ids that are not candidates)."""
        found: set[int] = set()
        with self._lock:
            for value in values:
                found |= self._postings.get((facet, value), set())
        return found


def _add_postings(postings: dict[tuple[str, str], set[int]], versions: dict[int, VersionFacets]) -> None:
    for pk, facets in versions.items():
        for pair in facets.pairs:
            postings.setdefault(pair, set()).add(pk)


class FacetMemory:
    def __init__(self):
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._versions: dict[int, VersionFacets] = {}
        self._postings: dict[tuple[str, str], set[int]] = {}  # (facet, value) -> ids of versions in memory

    def clear(self) -> None:
        with self._lock:
            self._versions, self._postings = {}, {}
            self._generation = None

    def snapshot(self, ids: list[int]) -> Snapshot:
        """Facet values of `ids`, reading from the database only the ones not yet in memory."""
        generation = cache.generation()
        with self._lock:
            if generation != self._generation or len(self._versions) > MAX_VERSIONS:
                self._versions, self._postings = {}, {}
                self._generation = generation
            known, postings = self._versions, self._postings
            missing = [pk for pk in ids if pk not in known]
        if missing:
            loaded = _read(missing)
            with self._lock:
                if self._generation == generation:
                    self._versions.update(loaded)
                    _add_postings(self._postings, loaded)
                    known, postings = self._versions, self._postings
                else:  # the memory moved on meanwhile: answer this search from its own reading
                    known = {**known, **loaded}
                    postings = {}
                    _add_postings(postings, {pk: known[pk] for pk in ids})
        return Snapshot({pk: known.get(pk, _EMPTY) for pk in ids}, postings, self._lock)


def _read(ids: list[int]) -> dict[int, VersionFacets]:
    values: dict[int, dict[str, set[str]]] = {pk: {} for pk in ids}
    for start in range(0, len(ids), _CHUNK):
        rows = CatalogueFacet.objects.filter(version_id__in=ids[start : start + _CHUNK]).values_list(
            "version_id", "facet", "value"
        )
        for version_id, facet, value in rows:
            values[version_id].setdefault(facet, set()).add(value)
    return {
        pk: VersionFacets(
            by_facet={facet: frozenset(vals) for facet, vals in facets.items()},
            pairs=tuple((facet, value) for facet, vals in sorted(facets.items()) for value in sorted(vals)),
        )
        for pk, facets in values.items()
    }


class FacetLabels:
    """Content areas (slug, name) and institutions in display order, and ESCO skill labels by URI."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._areas: list[tuple[str, str]] = []
        self._universities: list[tuple[str, str, bool]] = []
        self._skills: dict[str, str] = {}

    def clear(self) -> None:
        with self._lock:
            self._key = None

    def _current(self) -> None:
        key = (cache.generation(), int(time.monotonic() // LABEL_SECONDS))
        if key == self._key:
            return
        areas = list(ContentArea.objects.order_by("order", "name").values_list("slug", "name"))
        universities = list(Institution.objects.order_by("name").values_list("slug", "name", "is_alliance"))
        with self._lock:
            self._areas, self._universities, self._skills = areas, universities, {}
            self._key = key

    def areas(self) -> list[tuple[str, str]]:
        self._current()
        return self._areas

    def universities(self) -> list[tuple[str, str, bool]]:
        """(slug, name, is the alliance) of every institution, by name."""
        self._current()
        return self._universities

    def skills(self, uris) -> dict[str, str]:
        """URI -> preferred label, for the URIs that are ESCO skills (others are left out)."""
        self._current()
        known = self._skills
        missing = [uri for uri in uris if uri not in known]
        if missing:
            found = dict(EscoSkill.objects.filter(uri__in=missing).values_list("uri", "preferred_label"))
            with self._lock:
                if len(self._skills) > MAX_SKILL_LABELS:
                    self._skills = {}
                self._skills.update(found)
                self._skills.update({uri: "" for uri in missing if uri not in found})
                known = {**self._skills}
        return {uri: known[uri] for uri in uris if known.get(uri)}


memory = FacetMemory()
labels = FacetLabels()


def clear() -> None:
    memory.clear()
    labels.clear()
