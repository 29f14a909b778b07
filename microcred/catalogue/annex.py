"""The Annex 1 record of an approved micro-credential version, as a typed value.

Every approved version stores the elements the policy requires a micro-credential to state (policy 7.17,
Appendix 1, after the Council Recommendation on micro-credentials, Annex I) and the rest of the approved
content as JSON (`MicroCredentialVersion.annex1`). `AnnexOne` is that record as an immutable value: built
once from a proposal version (`from_proposal_version`, the workflow) or from the fields of a record
approved outside the platform (`imported`), stored with `to_json`, and read back with `from_json` by
the catalogue, the credential composition (Open Badges 3.0), the ELM export and the PDF certificate.

`from_json` reads every record ever stored: a key that is missing (records written before it existed)
takes its default, keys it does not know are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from microcred.catalogue import kinds
from microcred.proposals.choices import Kind

ACCREDITING = "accrediting"
CO_LEAD = "co-lead"


def _text(value) -> str:
    return "" if value is None else str(value)


def _codes(values) -> tuple[str, ...]:
    return tuple(str(v) for v in values or [] if v not in (None, ""))


def _flag(value) -> bool | None:
    return None if value is None else bool(value)


@dataclass(frozen=True)
class SkillRef:
    """An ESCO skill a learning outcome is aligned to (policy 7.16)."""

    uri: str
    label: str = ""

    def to_json(self) -> dict:
        return {"uri": self.uri, "label": self.label}

    @classmethod
    def from_json(cls, data: dict) -> SkillRef:
        return cls(uri=_text(data.get("uri")), label=_text(data.get("label")))


@dataclass(frozen=True)
class Outcome:
    """One learning outcome and its ESCO skills."""

    text: str
    esco_skills: tuple[SkillRef, ...] = ()

    def to_json(self) -> dict:
        return {"text": self.text, "esco_skills": [s.to_json() for s in self.esco_skills]}

    @classmethod
    def from_json(cls, data: dict) -> Outcome:
        return cls(
            text=_text(data.get("text")),
            esco_skills=tuple(SkillRef.from_json(s) for s in data.get("esco_skills") or [] if isinstance(s, dict)),
        )


@dataclass(frozen=True)
class AwardingBody:
    """An awarding body and its country (Annex 1): the accrediting (leading) university or a co-lead."""

    name: str
    country: str = ""
    country_code: str = ""
    role: str = ACCREDITING

    @classmethod
    def of(cls, institution, role: str) -> AwardingBody:
        return cls(name=institution.name, country=institution.country, country_code=institution.country_code, role=role)

    def to_json(self) -> dict:
        return {"name": self.name, "country": self.country, "country_code": self.country_code, "role": self.role}

    @classmethod
    def from_json(cls, data: dict) -> AwardingBody:
        return cls(
            name=_text(data.get("name")),
            country=_text(data.get("country")),
            country_code=_text(data.get("country_code")),
            role=_text(data.get("role")) or ACCREDITING,
        )


@dataclass(frozen=True)
class Workload:
    """Notional workload: ECTS credits (a decimal string, formal programmes only) and hours."""

    ects: str | None = None
    hours: int | None = None

    def to_json(self) -> dict:
        return {"ects": self.ects, "hours": self.hours}

    @classmethod
    def from_json(cls, data: dict) -> Workload:
        ects, hours = data.get("ects"), data.get("hours")
        return cls(
            ects=None if ects in (None, "") else str(ects),
            hours=None if hours in (None, "") else int(hours),
        )


@dataclass(frozen=True)
class PrincipleAlignment:
    """One of the alliance's educational principles and how the micro-credential meets it (policy 5.6.1.2)."""

    name: str
    how_met: str = ""

    def to_json(self) -> dict:
        return {"name": self.name, "how_met": self.how_met}

    @classmethod
    def from_json(cls, data: dict) -> PrincipleAlignment:
        return cls(name=_text(data.get("name")), how_met=_text(data.get("how_met")))


@dataclass(frozen=True)
class AnnexOne:
    """Every Annex 1 element of an approved version, and the rest of the approved content."""

    title: str
    kind: str
    credential_type: str
    awarding_bodies: tuple[AwardingBody, ...] = ()
    learning_outcomes: tuple[Outcome, ...] = ()
    workload: Workload = field(default_factory=Workload)
    eqf_level: int | None = None
    assessment_types: tuple[str, ...] = ()
    forms_of_participation: tuple[str, ...] = ()
    quality_assurance: str = ""
    languages: tuple[str, ...] = ()
    prerequisites: str = ""
    supervised_assessment: bool | None = None
    identity_verified: bool | None = None
    stackability: str = ""
    further_information: str = ""
    completion_criteria: str = ""
    description: str = ""
    relevance: str = ""
    target_groups: str = ""
    skill_needs: str = ""
    delivery_modalities: str = ""
    content_areas: tuple[str, ...] = ()
    principles: tuple[PrincipleAlignment, ...] = ()
    conditions: str = ""

    # Reading ---------------------------------------------------------------------------------------

    @property
    def credential_kind(self) -> str:
        return kinds.credential_kind(self.kind, self.credential_type)

    @property
    def is_participation_badge(self) -> bool:
        return kinds.is_participation_badge(self.credential_type)

    @property
    def co_leads(self) -> tuple[AwardingBody, ...]:
        return tuple(b for b in self.awarding_bodies if b.role == CO_LEAD)

    @property
    def outcome_texts(self) -> list[str]:
        return [o.text for o in self.learning_outcomes]

    @property
    def skills(self) -> dict[str, str]:
        """The ESCO skills of all outcomes, {uri: label}, in the order they first appear."""
        found: dict[str, str] = {}
        for outcome in self.learning_outcomes:
            for skill in outcome.esco_skills:
                if skill.uri:
                    found.setdefault(skill.uri, skill.label or skill.uri)
        return found

    @property
    def further_information_or_target_groups(self) -> str:
        """Annex 1 "further information": what the record says under it, else whom it is for."""
        return self.further_information or self.target_groups

    # JSON ------------------------------------------------------------------------------------------

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "kind": self.kind,
            "credential_type": self.credential_type,
            "awarding_bodies": [b.to_json() for b in self.awarding_bodies],
            "learning_outcomes": [o.to_json() for o in self.learning_outcomes],
            "workload": self.workload.to_json(),
            "eqf_level": self.eqf_level,
            "assessment_types": list(self.assessment_types),
            "forms_of_participation": list(self.forms_of_participation),
            "quality_assurance": self.quality_assurance,
            "languages": list(self.languages),
            "prerequisites": self.prerequisites,
            "supervised_assessment": self.supervised_assessment,
            "identity_verified": self.identity_verified,
            "stackability": self.stackability,
            "further_information": self.further_information,
            "completion_criteria": self.completion_criteria,
            "description": self.description,
            "relevance": self.relevance,
            "target_groups": self.target_groups,
            "skill_needs": self.skill_needs,
            "delivery_modalities": self.delivery_modalities,
            "content_areas": list(self.content_areas),
            "principles": [p.to_json() for p in self.principles],
            "conditions": self.conditions,
        }

    @classmethod
    def from_json(cls, data: dict | None) -> AnnexOne:
        data = data or {}
        eqf_level = data.get("eqf_level")
        return cls(
            title=_text(data.get("title")),
            kind=_text(data.get("kind")),
            credential_type=_text(data.get("credential_type")),
            awarding_bodies=tuple(
                AwardingBody.from_json(b) for b in data.get("awarding_bodies") or [] if isinstance(b, dict)
            ),
            learning_outcomes=tuple(
                Outcome.from_json(o) for o in data.get("learning_outcomes") or [] if isinstance(o, dict)
            ),
            workload=Workload.from_json(data.get("workload") or {}),
            eqf_level=None if eqf_level in (None, "") else int(eqf_level),
            assessment_types=_codes(data.get("assessment_types")),
            forms_of_participation=_codes(data.get("forms_of_participation")),
            quality_assurance=_text(data.get("quality_assurance")),
            languages=_codes(data.get("languages")),
            prerequisites=_text(data.get("prerequisites")),
            supervised_assessment=_flag(data.get("supervised_assessment")),
            identity_verified=_flag(data.get("identity_verified")),
            stackability=_text(data.get("stackability")),
            further_information=_text(data.get("further_information")),
            completion_criteria=_text(data.get("completion_criteria")),
            description=_text(data.get("description")),
            relevance=_text(data.get("relevance")),
            target_groups=_text(data.get("target_groups")),
            skill_needs=_text(data.get("skill_needs")),
            delivery_modalities=_text(data.get("delivery_modalities")),
            content_areas=_codes(data.get("content_areas")),
            principles=tuple(
                PrincipleAlignment.from_json(p) for p in data.get("principles") or [] if isinstance(p, dict)
            ),
            conditions=_text(data.get("conditions")),
        )

    # Building --------------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        *,
        title: str,
        kind: str,
        credential_type: str,
        awarding_institution,
        co_leads=(),
        learning_outcomes=(),
        ects=None,
        hours: int | None = None,
        eqf_level: int | None = None,
        **elements,
    ) -> AnnexOne:
        """The record from model values: institutions, (text, [EscoSkill]) outcomes, and the other elements.

        The one place both paths (workflow approval and import) go through, so they store the same keys
        under the same rules: a non-formal activity has no ECTS credits or EQF level (policy 5.7.2).
        """
        formal = kind == Kind.FORMAL
        ects_value = Decimal(str(ects)).quantize(Decimal("0.1")) if ects is not None and formal else None
        return cls(
            title=title,
            kind=kind,
            credential_type=credential_type,
            awarding_bodies=(
                AwardingBody.of(awarding_institution, ACCREDITING),
                *(AwardingBody.of(i, CO_LEAD) for i in co_leads),
            ),
            learning_outcomes=tuple(
                Outcome(text=text, esco_skills=tuple(SkillRef(uri=s.uri, label=s.preferred_label) for s in skills))
                for text, skills in learning_outcomes
            ),
            workload=Workload(ects=str(ects_value) if ects_value is not None else None, hours=hours),
            eqf_level=int(eqf_level) if eqf_level is not None and formal else None,
            assessment_types=_codes(elements.pop("assessment_types", ())),
            forms_of_participation=_codes(elements.pop("forms_of_participation", ())),
            languages=_codes(elements.pop("languages", ())),
            content_areas=tuple(a.slug for a in elements.pop("content_areas", ())),
            principles=tuple(PrincipleAlignment(name=n, how_met=h) for n, h in elements.pop("principles", ())),
            **{name: value if value is not None or name in _FLAGS else "" for name, value in elements.items()},
        )

    @classmethod
    def from_proposal_version(cls, version) -> AnnexOne:
        """The record of an approved proposal version (the workflow path)."""
        return cls.build(
            title=version.title,
            kind=version.kind,
            credential_type=version.credential_type,
            awarding_institution=version.accrediting_institution,
            co_leads=list(version.co_leads.all()),
            learning_outcomes=[(o.text, list(o.skills.all())) for o in version.learning_outcomes.all()],
            ects=version.ects,
            hours=version.hours,
            eqf_level=version.eqf_level.level if version.eqf_level_id else None,
            assessment_types=version.assessment_types,
            forms_of_participation=version.forms_of_participation,
            quality_assurance=version.quality_assurance,
            languages=version.languages,
            prerequisites=version.prerequisites,
            supervised_assessment=version.supervised_assessment,
            identity_verified=version.identity_verified,
            stackability=version.stackability,
            completion_criteria=version.completion_criteria,
            description=version.description,
            relevance=version.relevance,
            target_groups=version.target_groups,
            skill_needs=version.skill_needs,
            delivery_modalities=version.delivery_modalities,
            content_areas=list(version.content_areas.all()),
            principles=[
                (a.principle.name, a.how_met) for a in version.principle_alignments.select_related("principle")
            ],
            conditions=version.proposal.conditions,
        )


_FLAGS = frozenset({"supervised_assessment", "identity_verified"})
