"""The record of processing activities (GDPR Art. 30(1)), built from the data model and the notice in force.

For each processing activity of the platform (registry.ACTIVITIES): its purpose, the lawful basis the notice
gives it (Art. 6(1)), the categories of data subjects, the categories of personal data with the model fields
that hold them (registry declarations), the recipients, the transfers, the time limits for erasure (each
model's retention and the retention rules with their current periods) and the security measures (Art. 32).
The controller's and the data protection officer's contact details come from the notice (Art. 30(1)(a)).

Exported as JSON, CSV or Markdown by ``manage.py export_processing_record`` and from /privacy/record/.
"""

from __future__ import annotations

import json

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from microcred.core.spreadsheets import csv_bytes
from microcred.privacy import registry, retention, selectors
from microcred.privacy.content import LAWFUL_BASES, PURPOSES

FORMATS = {"json": "application/json", "csv": "text/csv", "md": "text/markdown"}


def build(language: str = "en") -> dict:
    """The record as a dictionary of plain values (in `language` where the texts are translated)."""
    with translation.override(language):
        notice = selectors.current_notice()
        shown = selectors.text_for(notice, language) if notice else None
        text = shown.text.content if shown else {}
        purposes = {p["activity"]: p for p in text.get(PURPOSES, [])}
        rules = {rule.key: rule for rule in retention.RULES.values()}
        not_stated = _("not stated: no privacy notice in force")
        activities = []
        for key, activity in registry.activities().items():
            declared = registry.declarations_used_by(key)
            purpose = purposes.get(key)
            activities.append(
                {
                    "activity": key,
                    "name": str(activity.name),
                    "purpose": str(activity.purpose),
                    "purpose_in_notice": purpose["purpose"] if purpose else not_stated,
                    "lawful_basis": str(LAWFUL_BASES[purpose["lawful_basis"]]) if purpose else not_stated,
                    "legitimate_interests": purpose.get("legitimate_interests", "") if purpose else "",
                    "data_subjects": [str(registry.Subject(s).label) for s in activity.subjects],
                    "personal_data": [
                        {"category": category, "label": str(registry.Category(category).label), "fields": fields}
                        for category, fields in registry.personal_fields_of(key).items()
                    ],
                    "recipients": [str(r) for r in activity.recipients],
                    "retention": [
                        {
                            "model": d.model,
                            "retention": str(d.retention),
                            "rule": rules[d.rule].describe() if d.rule else "",
                        }
                        for d in sorted(declared, key=lambda d: d.model)
                    ],
                    "security_measures": [str(registry.SECURITY_MEASURES[m]) for m in activity.security],
                }
            )
        return {
            "title": _("Record of processing activities (GDPR Art. 30(1))"),
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "privacy_notice_version": notice.version if notice else None,
            "controller": text.get("controller", not_stated),
            "data_protection_officer": text.get("dpo", not_stated),
            "recipients_outside_the_platform": text.get("recipients", not_stated),
            "transfers_to_third_countries": text.get("transfers", not_stated),
            "to_confirm": list(notice.to_confirm) if notice else [],
            "retention_schedule": retention.schedule(),
            "activities": activities,
        }


def as_json(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")


CSV_COLUMNS = (
    ("activity", "activity"),
    ("name", "name"),
    ("purpose", "purpose"),
    ("purpose_in_notice", "purpose in the privacy notice"),
    ("lawful_basis", "lawful basis"),
    ("legitimate_interests", "legitimate interests"),
    ("data_subjects", "categories of data subjects"),
    ("personal_data", "categories of personal data"),
    ("fields", "fields holding them"),
    ("recipients", "recipients"),
    ("transfers", "transfers to third countries"),
    ("retention", "time limits for erasure"),
    ("security_measures", "security measures"),
    ("controller", "controller"),
    ("data_protection_officer", "data protection officer"),
)


def as_csv(record: dict) -> bytes:
    """One row per activity; lists are joined with " | " (spreadsheet-safe cells, core.spreadsheets)."""
    rows = []
    for a in record["activities"]:
        values = {
            **a,
            "data_subjects": " | ".join(a["data_subjects"]),
            "personal_data": " | ".join(p["label"] for p in a["personal_data"]),
            "fields": " | ".join(f for p in a["personal_data"] for f in p["fields"]),
            "recipients": " | ".join(a["recipients"]),
            "transfers": record["transfers_to_third_countries"],
            "retention": " | ".join(
                f"{r['model']}: {r['retention']}" + (f" ({r['rule']})" if r["rule"] else "") for r in a["retention"]
            ),
            "security_measures": " | ".join(a["security_measures"]),
            "controller": record["controller"],
            "data_protection_officer": record["data_protection_officer"],
        }
        rows.append([values[key] for key, _label in CSV_COLUMNS])
    return csv_bytes([label for _key, label in CSV_COLUMNS], rows)


def _md(text) -> str:
    """Text for a Markdown list item or paragraph: one line, no markup of its own."""
    cleaned = " ".join(str(text).split())
    for char in "\\`*_[]<>#|":
        cleaned = cleaned.replace(char, "\\" + char)
    return cleaned


def as_markdown(record: dict) -> bytes:
    lines = [f"# {_md(record['title'])}", ""]
    lines += [
        f"Generated {record['generated_at']} from the data model and privacy notice version "
        f"{record['privacy_notice_version']}.",
        "",
    ]
    if record["to_confirm"]:
        lines += [f"Still to be confirmed by the alliance: {_md(', '.join(record['to_confirm']))}.", ""]
    lines += ["## Controller", "", _md(record["controller"]), "", "## Data protection officer", ""]
    lines += [_md(record["data_protection_officer"]), "", "## Recipients outside the platform", ""]
    lines += [_md(record["recipients_outside_the_platform"]), "", "## Transfers to third countries", ""]
    lines += [_md(record["transfers_to_third_countries"]), "", "## Retention schedule", ""]
    lines += [f"- {_md(rule['text'])}" for rule in record["retention_schedule"]] + [""]
    for a in record["activities"]:
        lines += [f"## {_md(a['name'])}", "", f"Purpose: {_md(a['purpose'])}", ""]
        lines += [
            f"In the privacy notice: {_md(a['purpose_in_notice'])}",
            "",
            f"Lawful basis: {_md(a['lawful_basis'])}",
        ]
        if a["legitimate_interests"]:
            lines += ["", f"Legitimate interests: {_md(a['legitimate_interests'])}"]
        lines += ["", "Data subjects:", ""] + [f"- {_md(s)}" for s in a["data_subjects"]]
        lines += ["", "Personal data:", ""]
        lines += [f"- {_md(p['label'])}: {_md(', '.join(p['fields']))}" for p in a["personal_data"]]
        lines += ["", "Recipients:", ""] + [f"- {_md(r)}" for r in a["recipients"]]
        lines += ["", "Time limits for erasure:", ""]
        lines += [
            f"- {_md(r['model'])}: {_md(r['retention'])}" + (f" ({_md(r['rule'])})" if r["rule"] else "")
            for r in a["retention"]
        ]
        lines += ["", "Security measures:", ""] + [f"- {_md(m)}" for m in a["security_measures"]] + [""]
    return "\n".join(lines).encode("utf-8")


def render(record: dict, fmt: str) -> bytes:
    return {"json": as_json, "csv": as_csv, "md": as_markdown}[fmt](record)
