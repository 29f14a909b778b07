"""Loading the reference data shipped in `microcred/reference/data/` (or another directory with the same layout).

Two phases:

1. *Validate*: every file of the chosen sections is read completely (CSV files are streamed from gzip, never
   held in memory) and checked; the first problem stops the load with a message naming the file and the line.
2. *Write*: in one transaction, the files are streamed again and written in chunks. Rows are matched on their
   published key (URI, code or slug) and only new or changed rows are written, so a second run changes nothing
   and a newer ESCO file updates rows in place, keeping their primary keys.

Sections the alliance admin edits (institutions, principles, content areas, targets, policy versions, EQF, ECTS) are only
seeded: missing rows are created, existing rows are left as the admin made them. The privacy notice is
versioned: the file is published as a new version only while the version in force is the file's own
(microcred.privacy.loader).
"""

from __future__ import annotations

import csv
import datetime
import gzip
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction
from django.utils.text import slugify

from microcred.audit.services import record_audit_event
from microcred.core.data_files import LoadError, read_json
from microcred.reference import models as m
from microcred.reference.text import search_key, word_start_keys

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"
SECTIONS = (
    "institutions",
    "principles",
    "content_areas",
    "targets",
    "policy",
    "privacy_notice",
    "eqf",
    "isced",
    "ects",
    "europass",
    "competences",
    "esco",
)
CHUNK = 500  # concepts per write chunk (also keeps every IN (...) list below SQLite's old 999-parameter limit)
INSERT_CHUNK = 5000

csv.field_size_limit(10 * 1024 * 1024)


# ---------------------------------------------------------------------------------------------------------
# Report


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    notes: dict[str, int] = field(default_factory=dict)

    def note(self, what: str, n: int = 1) -> None:
        self.notes[what] = self.notes.get(what, 0) + n

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict:
        d = {"created": self.created, "updated": self.updated, "deleted": self.deleted, "unchanged": self.unchanged}
        d.update(self.notes)
        return d


@dataclass
class Report:
    sections: list[str]
    counts: dict[str, Counts] = field(default_factory=dict)
    seconds: float = 0.0

    def __getitem__(self, name: str) -> Counts:
        return self.counts.setdefault(name, Counts())

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated or c.deleted for c in self.counts.values())

    def as_dict(self) -> dict:
        return {name: c.as_dict() for name, c in self.counts.items()}

    def lines(self) -> list[str]:
        out = []
        for name, c in self.counts.items():
            extra = "".join(f", {k} {v}" for k, v in c.notes.items())
            out.append(
                f"{name}: {c.created} created, {c.updated} updated, {c.deleted} deleted, {c.unchanged} unchanged{extra}"
            )
        return out


# ---------------------------------------------------------------------------------------------------------
# Reading files


class CsvFile:
    """A gzipped CSV file, read row by row with the line number where each record starts."""

    def __init__(self, data_dir: Path, name: str, columns: Iterable[str]):
        self.path = data_dir / name
        self.name = name
        self.columns = tuple(columns)

    def error(self, line: int | None, message: str) -> LoadError:
        return LoadError(f"{self.name} line {line}: {message}" if line else f"{self.name}: {message}")

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        if not self.path.is_file():
            raise self.error(None, f"file not found in {self.path.parent}")
        line = 1
        try:
            with gzip.open(self.path, "rt", encoding="utf-8", newline="") as fh:
                reader = csv.reader(fh)
                header = next(reader, None)
                if not header:
                    raise self.error(1, "the file is empty (no header line)")
                header = [h.strip().lstrip("\ufeff") for h in header]
                missing = [c for c in self.columns if c not in header]
                if missing:
                    raise self.error(1, f"missing column {', '.join(missing)}")
                width = len(header)
                line = reader.line_num + 1
                for values in reader:
                    if len(values) != width:
                        if not any(v.strip() for v in values):  # a blank line
                            line = reader.line_num + 1
                            continue
                        raise self.error(line, f"expected {width} fields, found {len(values)}")
                    yield line, dict(zip(header, values, strict=True))
                    line = reader.line_num + 1
        except csv.Error as exc:
            raise self.error(line, f"not valid CSV ({exc})") from exc
        except UnicodeDecodeError as exc:
            raise self.error(line, "not UTF-8 text") from exc
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            raise self.error(None, f"not a complete gzip file ({exc})") from exc


def _need(name: str, where: str, obj: dict, key: str, kind: type | tuple = str):
    value = obj.get(key) if isinstance(obj, dict) else None
    if value is None or (isinstance(value, str) and not value.strip()) or not isinstance(value, kind):
        raise LoadError(f"{name}: {where}: missing or invalid '{key}'")
    return value.strip() if isinstance(value, str) else value


def _date(name: str, where: str, value) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise LoadError(f"{name}: {where}: '{value}' is not a date (YYYY-MM-DD)") from exc


# ---------------------------------------------------------------------------------------------------------
# Small tables


def sync_small(model: type[models.Model], key: str, records: list[dict], counts: Counts, *, editable: bool) -> dict:
    """Create missing rows; update changed rows unless the table is admin-editable. Returns {key: pk}."""
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    for record in records:
        obj = existing.get(record[key])
        if obj is None:
            existing[record[key]] = model.objects.create(**record)
            counts.created += 1
        elif editable:
            counts.unchanged += 1
        else:
            changed = [f for f, v in record.items() if getattr(obj, f) != v]
            if changed:
                for f in changed:
                    setattr(obj, f, record[f])
                obj.save(update_fields=changed)
                counts.updated += 1
            else:
                counts.unchanged += 1
    return {k: obj.pk for k, obj in existing.items()}


def plan_institutions(data_dir: Path) -> Callable[[Report], None]:
    name = "alliance/members.json"
    data = read_json(data_dir, name)
    title = _need(name, "top level", data, "alliance")
    short, _, long_name = title.partition(" — ")
    members = _need(name, "top level", data, "members", list)
    records = []
    for i, member in enumerate(members, 1):
        where = f"members[{i}]"
        records.append(
            {
                "slug": slugify(_need(name, where, member, "short")),
                "short_name": _need(name, where, member, "short")[:20],
                "name": _need(name, where, member, "name_en"),
                "local_name": member.get("name_local") or "",
                "country": _need(name, where, member, "country"),
                "country_code": _need(name, where, member, "country_iso").upper()[:2],
                "domain": member.get("domain") or "",
                "joined": member.get("joined"),
                "languages": member.get("languages") or [],
                "is_alliance": False,
            }
        )
    # The alliance itself: its seat is the coordinating member's country.
    coordinator = next((r for r in records if r["name"] == data.get("coordinator")), records[0] if records else None)
    website = (data.get("website") or "").split()[0] if data.get("website") else ""
    domain = website.split("//", 1)[-1].strip("/") if website else ""
    alliance = {
        "slug": slugify(short),
        "short_name": short.strip()[:20],
        # Known by its short name (on badges, certificates, issuer profiles); the expansion is kept too.
        "name": short.strip(),
        "local_name": (long_name or "").strip(),
        "country": coordinator["country"] if coordinator else "",
        "country_code": coordinator["country_code"] if coordinator else "",
        "domain": domain,
        "joined": min((r["joined"] for r in records if r["joined"]), default=None),
        "languages": [],
        "is_alliance": True,
    }

    def write(report: Report) -> None:
        counts = report["institutions"]
        current = m.Institution.objects.filter(is_alliance=True).first()
        if current is not None and current.slug != alliance["slug"]:
            counts.note("alliance kept as edited")
            sync_small(m.Institution, "slug", records, counts, editable=True)
        else:
            sync_small(m.Institution, "slug", [alliance, *records], counts, editable=True)

    return write


def plan_principles(data_dir: Path) -> Callable[[Report], None]:
    name = "alliance/educational_principles_seed.json"
    data = read_json(data_dir, name)
    records = []
    for i, p in enumerate(_need(name, "top level", data, "principles", list), 1):
        where = f"principles[{i}]"
        status = _need(name, where, p, "status")
        if status not in m.EducationalPrinciple.Status.values:
            raise LoadError(f"{name}: {where}: status must be one of {', '.join(m.EducationalPrinciple.Status.values)}")
        records.append(
            {
                "slug": _need(name, where, p, "slug"),
                "name": _need(name, where, p, "name"),
                "text": p.get("text") or "",
                "status": status,
                "order": p.get("order") or i,
                "source": p.get("source") or "",
            }
        )
    return lambda report: sync_small(m.EducationalPrinciple, "slug", records, report["principles"], editable=True)


def plan_content_areas(data_dir: Path) -> Callable[[Report], None]:
    name = "alliance/content_areas.json"
    data = read_json(data_dir, name)
    records = []
    for i, a in enumerate(_need(name, "top level", data, "areas", list), 1):
        where = f"areas[{i}]"
        records.append(
            {
                "slug": _need(name, where, a, "slug"),
                "name": _need(name, where, a, "name"),
                "description": a.get("description") or "",
                "green_digital_focus": bool(a.get("green_digital_focus")),
                "order": a.get("order") or i,
            }
        )
    return lambda report: sync_small(m.ContentArea, "slug", records, report["content areas"], editable=True)


def plan_targets(data_dir: Path) -> Callable[[Report], None]:
    name = "alliance/strategic_targets.json"
    data = read_json(data_dir, name)
    records = []
    for i, t in enumerate(_need(name, "top level", data, "targets", list), 1):
        where = f"targets[{i}]"
        records.append(
            {
                "key": _need(name, where, t, "key"),
                "label": _need(name, where, t, "label"),
                "min_value": _need(name, where, t, "min_value", int),
                "max_value": t.get("max_value"),
                "unit": _need(name, where, t, "unit"),
                "period_start": _date(name, where, t.get("period_start")),
                "deadline": _date(name, where, t.get("deadline")),
                "source": t.get("source") or "",
                "indicator": t.get("indicator") or "",
            }
        )
    return lambda report: sync_small(m.StrategicTarget, "key", records, report["strategic targets"], editable=True)


POLICY_NUMBERS = (
    "min_principles_formal",
    "min_principles_non_formal",
    "min_universities_non_formal",
    "hours_per_ects_min",
    "hours_per_ects_max",
)


def _decimal(name: str, where: str, value, *, required: bool) -> Decimal | None:
    if value is None and not required:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise LoadError(f"{name}: {where}: '{value}' is not a number") from exc
    if not number.is_finite():
        raise LoadError(f"{name}: {where}: '{value}' is not a number")
    return number


def plan_policy(data_dir: Path) -> Callable[[Report], None]:
    """The policy versions (policy 10.2, 10.3) with the thresholds of the eligibility checklist. Seeded: a version
    the admin has edited stays as edited; a threshold changes through a new version, not by editing this file."""
    name = "alliance/policy_versions.json"
    data = read_json(data_dir, name)
    records = []
    for i, v in enumerate(_need(name, "top level", data, "versions", list), 1):
        where = f"versions[{i}]"
        record = {
            "key": _need(name, where, v, "key"),
            "name": _need(name, where, v, "name"),
            "effective_from": _date(name, where, _need(name, where, v, "effective_from")),
            "review_due": _date(name, where, _need(name, where, v, "review_due")),
            "min_ects": _decimal(name, f"{where}.min_ects", v.get("min_ects"), required=True),
            "max_ects": _decimal(name, f"{where}.max_ects", v.get("max_ects"), required=False),
            "require_esco_alignment": bool(v.get("require_esco_alignment", True)),
            "require_supporting_documents": bool(v.get("require_supporting_documents", True)),
            "source": v.get("source") or "",
        }
        for number in POLICY_NUMBERS:
            value = _need(name, where, v, number, int)
            if isinstance(value, bool) or value < 0:
                raise LoadError(f"{name}: {where}: missing or invalid '{number}'")
            record[number] = value
        problems = m.policy_problems(record)
        if problems:
            raise LoadError(f"{name}: {where}: " + "; ".join(f"{k}: {v}" for k, v in problems.items()))
        records.append(record)
    dates = [r["effective_from"] for r in records]
    if len(set(dates)) != len(dates):
        raise LoadError(f"{name}: two versions take effect on the same day")
    return lambda report: sync_small(m.PolicyVersion, "key", records, report["policy versions"], editable=True)


def plan_privacy_notice(data_dir: Path) -> Callable[[Report], None]:
    from microcred.privacy.loader import plan

    return plan(data_dir)


def plan_eqf(data_dir: Path) -> Callable[[Report], None]:
    name = "frameworks/eqf_levels.json"
    data = read_json(data_dir, name)
    records = []
    for i, lvl in enumerate(_need(name, "top level", data, "levels", list), 1):
        where = f"levels[{i}]"
        records.append(
            {
                "level": _need(name, where, lvl, "level", int),
                "uri": _need(name, where, lvl, "uri"),
                "knowledge": _need(name, where, lvl, "knowledge"),
                "skills": _need(name, where, lvl, "skills"),
                "responsibility_autonomy": _need(name, where, lvl, "responsibility_and_autonomy"),
            }
        )
    if sorted(r["level"] for r in records) != list(range(1, 9)):
        raise LoadError(f"{name}: levels must be exactly 1 to 8")
    return lambda report: sync_small(m.EqfLevel, "level", records, report["EQF levels"], editable=True)


def plan_isced(data_dir: Path) -> Callable[[Report], None]:
    name = "frameworks/isced_f_2013.json"
    data = read_json(data_dir, name)
    records = []
    keep_languages = [code for code, _name in settings.LANGUAGES if code != "en"]  # the interface languages
    for i, item in enumerate(_need(name, "top level", data, "items", list), 1):
        where = f"items[{i}]"
        level = _need(name, where, item, "level")
        if level not in m.IscedField.Level.values:
            raise LoadError(f"{name}: {where}: level must be broad, narrow or detailed")
        labels = item.get("labels") or {}
        records.append(
            {
                "code": _need(name, where, item, "code"),
                "uri": _need(name, where, item, "snb_uri"),
                "level": level,
                "parent": item.get("parent") or None,
                "label": _need(name, where, item, "label_en"),
                "labels": {lang: labels[lang] for lang in keep_languages if labels.get(lang)},
            }
        )
    codes = {r["code"] for r in records}
    for r in records:
        if r["parent"] and r["parent"] not in codes:
            raise LoadError(f"{name}: code {r['code']}: unknown parent {r['parent']}")
    records.sort(key=lambda r: (len(r["code"]), r["code"]))

    def write(report: Report) -> None:
        counts = report["ISCED-F fields"]
        pks: dict[str, int] = dict(m.IscedField.objects.values_list("code", "pk"))
        for level in ("broad", "narrow", "detailed"):  # parents before children
            batch = []
            for r in records:
                if r["level"] == level:
                    row = {k: v for k, v in r.items() if k != "parent"}
                    row["parent_id"] = pks[r["parent"]] if r["parent"] else None
                    batch.append(row)
            pks.update(sync_small(m.IscedField, "code", batch, counts, editable=False))

    return write


def plan_ects(data_dir: Path) -> Callable[[Report], None]:
    name = "frameworks/ects.json"
    data = read_json(data_dir, name)
    hours = _need(name, "top level", data, "hours_per_credit", dict)
    edc = data.get("europass_edc_vocabulary") or {}
    source = data.get("source") or {}
    record = {
        "uri": _need(name, "europass_edc_vocabulary", edc, "ects_concept_uri"),
        "name": edc.get("ects_pref_label_en") or "ECTS",
        "hours_per_credit_min": _need(name, "hours_per_credit", hours, "min", int),
        "hours_per_credit_max": _need(name, "hours_per_credit", hours, "max", int),
        "credits_per_year": _need(name, "top level", data, "credits_per_full_time_year", int),
        "rule": data.get("rule") or "",
        "source": source.get("document", "") if isinstance(source, dict) else str(source),
    }
    if record["hours_per_credit_min"] > record["hours_per_credit_max"]:
        raise LoadError(f"{name}: hours_per_credit min is greater than max")
    return lambda report: sync_small(m.EctsRule, "uri", [record], report["ECTS rule"], editable=True)


def plan_europass(data_dir: Path) -> Callable[[Report], None]:
    name = "vocabularies/edc_controlled_vocabularies.json"
    data = read_json(data_dir, name)
    schemes = _need(name, "top level", data, "schemes", dict)
    records = []
    for scheme in m.EuropassConcept.Scheme.values:
        block = schemes.get(scheme)
        if not isinstance(block, dict):
            raise LoadError(f"{name}: missing scheme '{scheme}'")
        for i, concept in enumerate(_need(name, scheme, block, "concepts", list), 1):
            where = f"{scheme}.concepts[{i}]"
            records.append(
                {
                    "uri": _need(name, where, concept, "uri"),
                    "scheme": scheme,
                    "scheme_uri": _need(name, scheme, block, "concept_scheme"),
                    "label": _need(name, where, concept, "label_en"),
                    "definition": concept.get("definition_en") or "",
                }
            )
    return lambda report: sync_small(m.EuropassConcept, "uri", records, report["Europass concepts"], editable=False)


def plan_competences(data_dir: Path) -> Callable[[Report], None]:
    records = []
    for framework, name, text_key in (
        ("greencomp", "frameworks/greencomp.json", "descriptor"),
        ("digcomp", "frameworks/digcomp_2_2.json", "esco_description"),
    ):
        data = read_json(data_dir, name)
        for i, area in enumerate(_need(name, "top level", data, "areas", list), 1):
            where = f"areas[{i}]"
            for j, comp in enumerate(_need(name, where, area, "competences", list), 1):
                cwhere = f"{where}.competences[{j}]"
                records.append(
                    {
                        "key": (framework, _need(name, cwhere, comp, "id")),
                        "framework": framework,
                        "code": _need(name, cwhere, comp, "id"),
                        "area_code": _need(name, where, area, "id"),
                        "area": _need(name, where, area, "title"),
                        "name": _need(name, cwhere, comp, "title"),
                        "description": comp.get(text_key) or comp.get("descriptor") or "",
                        "esco_uri": comp.get("esco_uri") or "",
                    }
                )

    def write(report: Report) -> None:
        counts = report["framework competences"]
        existing = {(c.framework, c.code): c for c in m.FrameworkCompetence.objects.all()}
        for r in records:
            key = r.pop("key")
            obj = existing.get(key)
            if obj is None:
                m.FrameworkCompetence.objects.create(**r)
                counts.created += 1
            elif any(getattr(obj, f) != v for f, v in r.items()):
                for f, v in r.items():
                    setattr(obj, f, v)
                obj.save()
                counts.updated += 1
            else:
                counts.unchanged += 1

    return write


# ---------------------------------------------------------------------------------------------------------
# ESCO

ESCO = "esco/"
SKILL_TYPES = {"skill/competence", "knowledge", ""}
COLLECTION_FILES = {
    "transversal": "transversalSkillsCollection_en.csv.gz",
    "digital": "digitalSkillsCollection_en.csv.gz",
    "green": "greenSkillsCollection_en.csv.gz",
    "digComp": "digCompSkillsCollection_en.csv.gz",
    "language": "languageSkillsCollection_en.csv.gz",
    "research": "researchSkillsCollection_en.csv.gz",
}
LEGACY_LABEL_FILES = {
    "fr": "legacy-v1.0-multilingual/skills_fr.csv.gz",
    "es": "legacy-v1.0-multilingual/skills_es.csv.gz",
}


def _uri(f: CsvFile, line: int, row: dict, column: str) -> str:
    value = row[column].strip()
    if not value:
        raise f.error(line, f"missing {column}")
    if not value.startswith(("http://", "https://")):
        raise f.error(line, f"{column} '{value[:80]}' is not a URI")
    if len(value) > 200:
        raise f.error(line, f"{column} is longer than 200 characters")
    return value


def _text(f: CsvFile, line: int, row: dict, column: str, *, required=False, max_length=None) -> str:
    value = row[column].strip()
    if required and not value:
        raise f.error(line, f"missing {column}")
    if max_length and len(value) > max_length:
        raise f.error(line, f"{column} is longer than {max_length} characters")
    return value


def _label_list(value: str, max_length: int = 300) -> list[str]:
    """ESCO multi-valued cells: one label per line (the collection files use ' | ')."""
    parts = value.replace(" | ", "\n").split("\n")
    return [p.strip()[:max_length] for p in parts if p.strip()]


class EscoPlan:
    """Validates the ESCO files and then writes them (see the module docstring)."""

    def __init__(self, data_dir: Path):
        d = data_dir
        self.groups_file = CsvFile(d, ESCO + "skillGroups_en.csv.gz", ["conceptUri", "preferredLabel", "status"])
        self.skills_file = CsvFile(
            d,
            ESCO + "skills_en.csv.gz",
            ["conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels", "hiddenLabels", "status"],
        )
        self.broader_file = CsvFile(
            d, ESCO + "broaderRelationsSkillPillar.csv.gz", ["conceptType", "conceptUri", "broaderType", "broaderUri"]
        )
        self.collection_files = {k: CsvFile(d, ESCO + v, ["conceptUri"]) for k, v in COLLECTION_FILES.items()}
        self.legacy_files = {
            lang: CsvFile(d, ESCO + v, ["conceptUri", "preferredLabel", "altLabels"])
            for lang, v in LEGACY_LABEL_FILES.items()
        }
        self.occupations_file = CsvFile(
            d,
            ESCO + "occupations_en.csv.gz",
            ["conceptUri", "iscoGroup", "preferredLabel", "altLabels", "hiddenLabels", "status", "code"],
        )
        self.research_occupations_file = CsvFile(d, ESCO + "researchOccupationsCollection_en.csv.gz", ["conceptUri"])
        self.relations_file = CsvFile(
            d, ESCO + "occupationSkillRelations.csv.gz", ["occupationUri", "relationType", "skillUri"]
        )
        self.collections: dict[str, set[str]] = {}
        self.research_occupations: set[str] = set()

    # -- parsing (used by both phases) --------------------------------------------------------------

    def groups(self) -> Iterator[dict]:
        f = self.groups_file
        for line, row in f.rows():
            yield {
                "uri": _uri(f, line, row, "conceptUri"),
                "preferred_label": _text(f, line, row, "preferredLabel", required=True, max_length=300),
                "code": _text(f, line, row, "code", max_length=40) if "code" in row else "",
                "description": row.get("description", "").strip(),
                "status": _text(f, line, row, "status", max_length=20),
                "is_current": True,
            }

    def skills(self) -> Iterator[dict]:
        f = self.skills_file
        for line, row in f.rows():
            skill_type = row["skillType"].strip()
            if skill_type not in SKILL_TYPES:
                raise f.error(line, f"unknown skillType '{skill_type[:40]}'")
            uri = _uri(f, line, row, "conceptUri")
            record = {
                "uri": uri,
                "preferred_label": _text(f, line, row, "preferredLabel", required=True, max_length=300),
                "description": row.get("description", "").strip(),
                "skill_type": skill_type,
                "reuse_level": _text(f, line, row, "reuseLevel", max_length=30),
                "status": _text(f, line, row, "status", max_length=20),
                "modified": row.get("modifiedDate", "").strip()[:30],
                "is_current": True,
            }
            for collection, flag in m.COLLECTION_FIELDS.items():
                record[flag] = uri in self.collections.get(collection, ())
            record["_labels"] = (_label_list(row["altLabels"]), _label_list(row["hiddenLabels"]))
            yield record

    def occupations(self) -> Iterator[dict]:
        f = self.occupations_file
        for line, row in f.rows():
            uri = _uri(f, line, row, "conceptUri")
            yield {
                "uri": uri,
                "preferred_label": _text(f, line, row, "preferredLabel", required=True, max_length=300),
                "description": row.get("description", "").strip(),
                "isco_group": _text(f, line, row, "iscoGroup", max_length=10),
                "code": _text(f, line, row, "code", max_length=40),
                "status": _text(f, line, row, "status", max_length=20),
                "modified": row.get("modifiedDate", "").strip()[:30],
                "is_current": True,
                "in_research": uri in self.research_occupations,
                "_labels": (_label_list(row["altLabels"]), _label_list(row["hiddenLabels"])),
            }

    def uri_set(self, f: CsvFile) -> set[str]:
        return {_uri(f, line, row, "conceptUri") for line, row in f.rows()}

    def broader(self) -> Iterator[tuple[str, str, str, str]]:
        f = self.broader_file
        kinds = {"KnowledgeSkillCompetence", "SkillGroup"}
        for line, row in f.rows():
            ctype, btype = row["conceptType"].strip(), row["broaderType"].strip()
            if ctype not in kinds or btype not in kinds:
                raise f.error(line, f"unknown concept type '{ctype if ctype not in kinds else btype}'")
            yield ctype, _uri(f, line, row, "conceptUri"), btype, _uri(f, line, row, "broaderUri")

    def legacy_labels(self, lang: str) -> Iterator[tuple[str, str, list[str]]]:
        f = self.legacy_files[lang]
        for line, row in f.rows():
            yield (
                _uri(f, line, row, "conceptUri"),
                _text(f, line, row, "preferredLabel", required=True)[:300],
                _label_list(row["altLabels"]),
            )

    def relations(self) -> Iterator[tuple[str, str, str]]:
        f = self.relations_file
        for line, row in f.rows():
            relation = row["relationType"].strip()
            if relation not in m.OccupationSkill.Relation.values:
                raise f.error(line, f"relationType must be essential or optional, not '{relation[:40]}'")
            yield _uri(f, line, row, "occupationUri"), _uri(f, line, row, "skillUri"), relation

    # -- phase 1 --------------------------------------------------------------------------------------

    def validate(self) -> None:
        self.collections = {k: self.uri_set(f) for k, f in self.collection_files.items()}
        self.research_occupations = self.uri_set(self.research_occupations_file)
        group_uris = {g["uri"] for g in self.groups()}
        skill_uris = {s["uri"] for s in self.skills()}
        occupation_uris = {o["uri"] for o in self.occupations()}
        for uris, f in ((group_uris, self.groups_file), (skill_uris, self.skills_file)):
            if not uris:
                raise f.error(None, "no data rows")
        for _ in self.broader():
            pass
        for lang in self.legacy_files:
            for _ in self.legacy_labels(lang):
                pass
        for _ in self.relations():
            pass
        del group_uris, skill_uris, occupation_uris

    # -- phase 2 --------------------------------------------------------------------------------------

    def write(self, report: Report) -> None:
        group_pks = sync_concepts(m.EscoSkillGroup, self.groups(), report["ESCO skill groups"])
        skill_pks = sync_concepts(
            m.EscoSkill,
            self.skills(),
            report["ESCO skills"],
            labels=LabelSync(m.EscoSkillLabel, m.EscoSkillSearchTerm, "skill", "en", report["ESCO skill labels"]),
        )
        self.write_broader(report, group_pks, skill_pks)
        for lang in self.legacy_files:
            sync = LabelSync(m.EscoSkillLabel, m.EscoSkillSearchTerm, "skill", lang, report["ESCO skill labels"])
            for uri, preferred, alternatives in self.legacy_labels(lang):
                pk = skill_pks.get(uri)
                if pk is None:
                    report["ESCO skill labels"].note(f"{lang} rows for unknown skills")
                    continue
                sync.add(pk, preferred, [(m.LabelKind.ALTERNATIVE, a) for a in alternatives])
            sync.finish()
        occupation_pks = sync_concepts(
            m.EscoOccupation,
            self.occupations(),
            report["ESCO occupations"],
            labels=LabelSync(
                m.EscoOccupationLabel, m.EscoOccupationSearchTerm, "occupation", "en", report["ESCO occupation labels"]
            ),
        )
        self.write_relations(report, occupation_pks, skill_pks)

    def write_broader(self, report: Report, group_pks: dict, skill_pks: dict) -> None:
        wanted: dict[str, set[tuple[int, int]]] = {"group-group": set(), "skill-group": set(), "skill-skill": set()}
        unknown = 0
        for ctype, uri, btype, buri in self.broader():
            a = (group_pks if ctype == "SkillGroup" else skill_pks).get(uri)
            b = (group_pks if btype == "SkillGroup" else skill_pks).get(buri)
            if a is None or b is None:
                unknown += 1
                continue
            kind = (
                ("group" if ctype == "SkillGroup" else "skill") + "-" + ("group" if btype == "SkillGroup" else "skill")
            )
            if kind == "group-skill":
                unknown += 1
                continue
            wanted[kind].add((a, b))
        counts = report["ESCO broader relations"]
        if unknown:
            counts.note("skipped (unknown concept)", unknown)
        sync_pairs(m.EscoSkillGroup._meta.get_field("broader"), wanted["group-group"], counts)
        sync_pairs(m.EscoSkill._meta.get_field("broader_groups"), wanted["skill-group"], counts)
        sync_pairs(m.EscoSkill._meta.get_field("broader_skills"), wanted["skill-skill"], counts)

    def write_relations(self, report: Report, occupation_pks: dict, skill_pks: dict) -> None:
        counts = report["ESCO occupation-skill relations"]
        existing = {
            (o, s): (pk, rel)
            for pk, o, s, rel in m.OccupationSkill.objects.values_list("pk", "occupation_id", "skill_id", "relation")
        }
        seen: set[tuple[int, int]] = set()
        to_create: list[tuple] = []
        to_update: list[m.OccupationSkill] = []
        for occ_uri, skill_uri, relation in self.relations():
            o, s = occupation_pks.get(occ_uri), skill_pks.get(skill_uri)
            if o is None or s is None:
                counts.note("skipped (unknown concept)")
                continue
            if (o, s) in seen:
                counts.note("duplicates ignored")
                continue
            seen.add((o, s))
            have = existing.pop((o, s), None)
            if have is None:
                to_create.append((o, s, relation))
                counts.created += 1
            elif have[1] != relation:
                to_update.append(m.OccupationSkill(pk=have[0], relation=relation))
                counts.updated += 1
            else:
                counts.unchanged += 1
            if len(to_create) >= INSERT_CHUNK:
                insert_rows(m.OccupationSkill, ["occupation_id", "skill_id", "relation"], to_create)
                to_create = []
        insert_rows(m.OccupationSkill, ["occupation_id", "skill_id", "relation"], to_create)
        m.OccupationSkill.objects.bulk_update(to_update, ["relation"], batch_size=CHUNK)
        stale = [pk for pk, _ in existing.values()]
        delete_pks(m.OccupationSkill, stale)
        counts.deleted += len(stale)


def plan_esco(data_dir: Path) -> Callable[[Report], None]:
    plan = EscoPlan(data_dir)
    plan.validate()
    return plan.write


# ---------------------------------------------------------------------------------------------------------
# Writing helpers


def insert_rows(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """Plain multi-row INSERT for derived rows (no model instances: this is the hot path of the load)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    # Table and column names come from the model's metadata, never from input; the values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        qn(model._meta.db_table), ", ".join(qn(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_CHUNK):
            cursor.executemany(sql, rows[start : start + INSERT_CHUNK])


def delete_pks(model: type[models.Model], pks: list[int]) -> None:
    for start in range(0, len(pks), CHUNK):
        model.objects.filter(pk__in=pks[start : start + CHUNK]).delete()


def sync_pairs(m2m_field, wanted: set[tuple[int, int]], counts: Counts) -> None:
    through = m2m_field.remote_field.through
    a, b = m2m_field.m2m_column_name(), m2m_field.m2m_reverse_name()
    existing = {(x, y): pk for pk, x, y in through.objects.values_list("pk", a, b)}
    new = sorted(wanted - existing.keys())
    stale = [pk for pair, pk in existing.items() if pair not in wanted]
    insert_rows(through, [a, b], new)
    delete_pks(through, stale)
    counts.created += len(new)
    counts.deleted += len(stale)
    counts.unchanged += len(existing) - len(stale)


def sync_concepts(model, records: Iterator[dict], counts: Counts, labels: LabelSync | None = None) -> dict[str, int]:
    """Upsert concepts keyed by URI in chunks; mark the ones missing from the file not current. Returns {uri: pk}."""
    fields = [f.name for f in model._meta.concrete_fields if f.name not in ("id", "uri")]
    existing = {row[1]: (row[0], row[2:]) for row in model.objects.values_list("pk", "uri", *fields).iterator()}
    pks = {uri: pk for uri, (pk, _) in existing.items()}
    seen: set[str] = set()
    chunk: list[dict] = []

    def flush() -> None:
        write = []
        for record in chunk:
            have = existing.get(record["uri"])
            values = tuple(record[f] for f in fields)
            if have is None:
                counts.created += 1
            elif have[1] != values:
                counts.updated += 1
            else:
                counts.unchanged += 1
                continue
            write.append(model(uri=record["uri"], **{f: record[f] for f in fields}))
        if write:
            model.objects.bulk_create(write, update_conflicts=True, unique_fields=["uri"], update_fields=fields)
            missing = [o.uri for o in write if o.uri not in pks]
            if missing:
                pks.update(model.objects.filter(uri__in=missing).values_list("uri", "pk"))
        if labels is not None:
            for record in chunk:
                alternatives, hidden = record["_labels"]
                labels.add(
                    pks[record["uri"]],
                    record["preferred_label"],
                    [(m.LabelKind.ALTERNATIVE, a) for a in alternatives] + [(m.LabelKind.HIDDEN, h) for h in hidden],
                )
        chunk.clear()

    for record in records:
        if record["uri"] in seen:
            counts.note("duplicate URIs ignored")
            continue
        seen.add(record["uri"])
        chunk.append(record)
        if len(chunk) >= CHUNK:
            flush()
    flush()
    gone = [pk for uri, (pk, values) in existing.items() if uri not in seen and values[fields.index("is_current")]]
    for start in range(0, len(gone), CHUNK):
        model.objects.filter(pk__in=gone[start : start + CHUNK]).update(is_current=False)
    if gone:
        counts.note("no longer in the file (kept, not current)", len(gone))
    if labels is not None:
        labels.finish()
    return pks


class LabelSync:
    """Brings the labels of one language of a stream of concepts in line with the file, with their search terms.

    Preferred labels are updated in place (one per concept and language); alternative and hidden labels are
    added or removed. When a concept's labels change, its search terms in that language are rebuilt.
    """

    def __init__(self, label_model, term_model, concept: str, language: str, counts: Counts):
        self.label_model, self.term_model = label_model, term_model
        self.fk = f"{concept}_id"
        self.language = language
        self.counts = counts
        self.pending: dict[int, tuple[str, list[tuple[str, str]]]] = {}
        self.seen: set[int] = set()

    def add(self, concept_pk: int, preferred: str, others: list[tuple[str, str]]) -> None:
        self.pending[concept_pk] = (preferred, others)
        self.seen.add(concept_pk)
        if len(self.pending) >= CHUNK:
            self.flush()

    def finish(self) -> None:
        self.flush()
        with_labels = set(
            self.label_model.objects.filter(language=self.language).values_list(self.fk, flat=True).distinct()
        )
        orphans = sorted(with_labels - self.seen)
        for start in range(0, len(orphans), CHUNK):
            for pk in orphans[start : start + CHUNK]:
                self.pending[pk] = ("", [])
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        pks = list(self.pending)
        have: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for label_id, concept_pk, kind, label in self.label_model.objects.filter(
            language=self.language, **{f"{self.fk}__in": pks}
        ).values_list("id", self.fk, "kind", "label"):
            have[concept_pk].append((label_id, kind, label))
        inserts, updates, deletes, dirty = [], [], [], []
        for pk, (preferred, others) in self.pending.items():
            existing = have.get(pk, [])
            changed = False
            old_pref = [row for row in existing if row[1] == m.LabelKind.PREFERRED]
            if preferred:
                if not old_pref:
                    inserts.append((pk, self.language, m.LabelKind.PREFERRED, preferred, search_key(preferred)[:300]))
                    changed = True
                elif old_pref[0][2] != preferred:
                    updates.append(
                        self.label_model(id=old_pref[0][0], label=preferred, key=search_key(preferred)[:300])
                    )
                    changed = True
                else:
                    self.counts.unchanged += 1
            elif old_pref:
                deletes.append(old_pref[0][0])
                changed = True
            wanted = list(dict.fromkeys(others))  # drop repeats, keep order
            old_others = {
                (kind, label): label_id for label_id, kind, label in existing if kind != m.LabelKind.PREFERRED
            }
            for kind, label in wanted:
                if (kind, label) in old_others:
                    self.counts.unchanged += 1
                    del old_others[(kind, label)]
                else:
                    inserts.append((pk, self.language, kind, label, search_key(label)[:300]))
                    changed = True
            if old_others:
                deletes.extend(old_others.values())
                changed = True
            if changed:
                dirty.append(pk)
        self.pending.clear()
        if not dirty:
            return
        self.counts.created += len(inserts)
        self.counts.updated += len(updates)
        self.counts.deleted += len(deletes)
        self.term_model.objects.filter(language=self.language, **{f"{self.fk}__in": dirty}).delete()
        delete_pks(self.label_model, deletes)
        if updates:
            self.label_model.objects.bulk_update(updates, ["label", "key"], batch_size=CHUNK)
        insert_rows(self.label_model, [self.fk, "language", "kind", "label", "key"], inserts)
        self.write_terms(dirty)

    def write_terms(self, concept_pks: list[int]) -> None:
        by_concept: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for label_id, concept_pk, kind, key in self.label_model.objects.filter(
            language=self.language, **{f"{self.fk}__in": concept_pks}
        ).values_list("id", self.fk, "kind", "key"):
            by_concept[concept_pk].append((label_id, kind, key))
        rows = []
        for concept_pk, labels in by_concept.items():
            rows.extend(
                (rank, self.language, key, label_id, concept_pk) for key, (rank, label_id) in terms_for(labels).items()
            )
        insert_rows(self.term_model, ["rank", "language", "key", "label_id", self.fk], rows)
        self.counts.note("search terms written", len(rows))


KIND_ORDER = {m.LabelKind.PREFERRED: 0, m.LabelKind.ALTERNATIVE: 1, m.LabelKind.HIDDEN: 2}


def terms_for(labels: list[tuple[int, str, str]]) -> dict[str, tuple[int, int]]:
    """{key: (rank, label_id)} for one concept's labels in one language, each key at its best rank."""
    best: dict[str, tuple[int, int]] = {}
    for label_id, kind, key in sorted(labels, key=lambda x: (KIND_ORDER[x[1]], x[0])):
        if not key:
            continue
        if kind == m.LabelKind.PREFERRED:
            candidates = [(key, m.SearchRank.PREFERRED_START)]
            candidates += [(k, m.SearchRank.PREFERRED_WORD) for k in word_start_keys(key)]
        elif kind == m.LabelKind.ALTERNATIVE:
            candidates = [(key, m.SearchRank.OTHER_START)]
            candidates += [(k, m.SearchRank.OTHER_WORD) for k in word_start_keys(key)]
        else:
            candidates = [(key, m.SearchRank.OTHER_START)]
        for k, rank in candidates:
            if k not in best or rank < best[k][0]:
                best[k] = (int(rank), label_id)
    return best


# ---------------------------------------------------------------------------------------------------------
# Entry point

PLANNERS: dict[str, Callable[[Path], Callable[[Report], None]]] = {
    "institutions": plan_institutions,
    "principles": plan_principles,
    "content_areas": plan_content_areas,
    "targets": plan_targets,
    "policy": plan_policy,
    "privacy_notice": plan_privacy_notice,
    "eqf": plan_eqf,
    "isced": plan_isced,
    "ects": plan_ects,
    "europass": plan_europass,
    "competences": plan_competences,
    "esco": plan_esco,
}


def load_reference_data(
    data_dir: Path | str | None = None, only: Iterable[str] | None = None, actor=None, progress=None
) -> Report:
    """Validate, then write, the chosen sections (all by default). Raises LoadError before writing anything."""
    import time

    started = time.monotonic()
    data_dir = Path(data_dir) if data_dir else DEFAULT_DATA_DIR
    if not data_dir.is_dir():
        raise LoadError(f"{data_dir}: not a directory")
    sections = list(only) if only else list(SECTIONS)
    unknown = [s for s in sections if s not in PLANNERS]
    if unknown:
        raise LoadError(f"unknown section {', '.join(unknown)} (choose from {', '.join(SECTIONS)})")
    sections = [s for s in SECTIONS if s in sections]
    say = progress or (lambda message: None)
    writers = []
    for section in sections:
        say(f"Checking {section}…")
        writers.append((section, PLANNERS[section](data_dir)))
    report = Report(sections=sections)
    with transaction.atomic():
        for section, write in writers:
            say(f"Writing {section}…")
            write(report)
        if report.changed and connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh planner statistics after a bulk load
                for model in (m.EscoSkillSearchTerm, m.EscoOccupationSearchTerm, m.EscoSkillLabel, m.OccupationSkill):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        report.seconds = round(time.monotonic() - started, 2)
        record_audit_event(
            actor=actor,
            action="reference.loaded",
            summary=f"Reference data loaded ({', '.join(sections)}) in {report.seconds} s"
            + ("" if report.changed else "; nothing changed"),
            changes=report.as_dict(),
        )
    return report
