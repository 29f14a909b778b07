"""schema.org `Course` for a micro-credential version, as JSON-LD safe to put inside a <script> element."""

from __future__ import annotations

import json

from django.conf import settings
from django.urls import reverse

from microcred.proposals.choices import Language

# Characters that could end the <script> element or start markup, as JSON escapes (same as json_script).
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def course(version, localised: dict, offerings, *, base_url: str | None = None) -> dict:
    base = (base_url or settings.PUBLIC_BASE_URL).rstrip("/")
    mc = version.micro_credential
    url = base + reverse("catalogue:version", args=[mc.slug, version.number])
    annex = version.annex
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": url,
        "url": url,
        "name": localised["title"],
        "description": localised["description"] or localised["title"],
        "courseCode": f"{mc.slug}-v{version.number}",
        "provider": [
            {
                "@type": "CollegeOrUniversity",
                "name": b.name,
                "address": {"@type": "PostalAddress", "addressCountry": b.country_code},
            }
            for b in annex.awarding_bodies
        ],
        "inLanguage": list(annex.languages),
        "teaches": [o.get("text") for o in localised["learning_outcomes"]],
        "about": [
            {
                "@type": "DefinedTerm",
                "name": s.preferred_label,
                "url": s.uri,
                "inDefinedTermSet": "https://esco.ec.europa.eu/",
            }
            for s in version.skills.all()
        ],
        "educationalCredentialAwarded": {
            "@type": "EducationalOccupationalCredential",
            "name": localised["title"],
            "credentialCategory": "participation badge" if version.is_participation_badge else "micro-credential",
        },
    }
    if version.ects is not None:
        data["numberOfCredits"] = {"@type": "StructuredValue", "value": float(version.ects), "unitText": "ECTS"}
    if version.eqf_level:
        data["educationalLevel"] = f"EQF level {version.eqf_level}"
    if annex.workload.hours:
        data["timeRequired"] = f"PT{annex.workload.hours}H"
    if annex.prerequisites:
        data["coursePrerequisites"] = annex.prerequisites
    instances = []
    for o in offerings:
        instance = {
            "@type": "CourseInstance",
            "courseMode": o.mode,
            "startDate": o.starts_on.isoformat(),
            "endDate": o.ends_on.isoformat(),
            "inLanguage": o.language,
            "offers": {
                "@type": "Offer",
                "price": str(o.fee),
                "priceCurrency": "EUR",
                "category": "Free" if not o.fee else "Paid",
            },
        }
        if o.location:
            instance["location"] = {"@type": "Place", "name": o.location}
        instances.append(instance)
    if instances:
        data["hasCourseInstance"] = instances
    return data


def to_script_json(data: dict) -> str:
    """JSON text that cannot close the <script> element it sits in."""
    return json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_SCRIPT_ESCAPES)


LANGUAGE_NAMES = dict(Language.choices)
