"""Pathways proposed, approved, changed and retired (issue #12; policy 5.12).

A pathway is proposed and reviewed like a micro-credential: a proposal of type ``pathway`` goes through the
proposals app's workflow (the institutional manager, the board secretary, the Academic Council, and the Executive
Board when it has financial implications). This module adds what only a pathway has: its draft (the rule and
"only the pinned versions count", kept beside the proposal version), the publisher that turns the approved
proposal into a PathwayVersion pinning the components' current versions, the change basis a change proposal
starts from, and retirement. Bad input (a rule that cannot be met, a component listed twice, retired or not
approved) is refused with a message and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from microcred.audit.services import record_audit_event
from microcred.catalogue.indexing import normalise
from microcred.catalogue.models import MicroCredentialVersion
from microcred.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from microcred.core.text import COMMENT_TEXT, SECTION_TEXT
from microcred.pathways import permissions, rules, selectors
from microcred.pathways.checklist import check_rule
from microcred.pathways.models import (
    Pathway,
    PathwayComponent,
    PathwayDraft,
    PathwayProposal,
    PathwayVersion,
    pathway_issued_by_alliance,
)
from microcred.proposals import publishing
from microcred.proposals import services as proposal_services
from microcred.proposals.exceptions import NotAllowed
from microcred.proposals.models import CLOSED_STATUSES
from microcred.proposals.permissions import access_proposal, can_edit_proposal
from microcred.reference.models import Institution

# The proposal type of a pathway (proposals.publishing): registered in apps.py.
PATHWAY = "pathway"

# Addresses under /pathways/ that are pages of their own, never a pathway's slug.
RESERVED_SLUGS = frozenset({"propose", "proposals", "awards", "manage", "search", "api", "new"})


# Proposing ---------------------------------------------------------------------------------------------------


@transaction.atomic
def propose_pathway(*, user, institution, title: str):
    """Open a pathway proposal for `institution` (the lead university): a draft with a working title."""
    proposal = proposal_services.create_proposal(user=user, institution=institution, title=title, proposal_type=PATHWAY)
    PathwayProposal.objects.create(proposal=proposal)
    PathwayDraft.objects.create(proposal_version=proposal.current_version)
    return proposal


@dataclass(frozen=True)
class PathwayDraftInput:
    title: str
    description: str
    co_leads: list  # Institution rows: the co-leading universities
    rule: dict  # the rule's JSON form; {"requirements": []} while there is none yet
    pinned_only: bool = False
    has_financial_implications: bool = False
    financial_implications: str = ""


def _pathway_proposal(user, proposal_id: int, *, lock: bool = False):
    proposal = access_proposal(user, proposal_id, lock=lock)
    if proposal.proposal_type != PATHWAY:
        raise ValidationFailed(_("This proposal is not a pathway proposal."))
    return proposal


def _checked_rule(data) -> dict:
    """The rule in its canonical JSON form, or ValidationFailed listing everything wrong with it."""
    if not isinstance(data, dict) or not data.get("requirements"):
        return {"requirements": []}  # a draft may have no rule yet: the checklist asks for it
    check = check_rule(data)
    if check.problems:
        raise ValidationFailed(" ".join(check.problems), problems=check.problems)
    return check.rule.as_json()


@transaction.atomic
def save_pathway_draft(*, user, proposal_id: int, data: PathwayDraftInput, expected_revision: int | None = None):
    """Save the pathway form into the proposal's current version: the common fields through the proposals app
    (its permission and freshness checks), the rule and pinned_only in the version's PathwayDraft. The rule is
    checked first: a rule that is malformed, cannot be met, or names a micro-credential twice, retired or not
    approved is refused and nothing is saved."""
    proposal = _pathway_proposal(user, proposal_id, lock=True)
    if not can_edit_proposal(user, proposal):
        raise NotAllowed(
            _("This proposal cannot be edited now (it is “%(status)s”).") % {"status": proposal.get_status_display()}
        )
    title = (data.title or "").strip()
    if not title:
        raise ValidationFailed(_("Give the title."))
    if len(title) > 200:
        raise ValidationFailed(_("The title is at most 200 characters."))
    if len(data.description or "") > SECTION_TEXT or len(data.financial_implications or "") > SECTION_TEXT:
        raise ValidationFailed(_("A text is at most %(n)d characters.") % {"n": SECTION_TEXT})
    rule = _checked_rule(data.rule)
    lead_id = proposal.current_version.accrediting_institution_id
    co_leads = [i for i in data.co_leads if i.pk != lead_id and not i.is_alliance]
    proposal_services.save_draft(
        user=user,
        proposal_id=proposal.pk,
        data={
            "title": title,
            "description": (data.description or "").strip(),
            "has_financial_implications": bool(data.has_financial_implications),
            "financial_implications": (data.financial_implications or "").strip()
            if data.has_financial_implications
            else "",
            "co_leads": co_leads,
        },
        expected_revision=expected_revision,
    )
    proposal.refresh_from_db()
    proposal._current_version = None
    PathwayDraft.objects.update_or_create(
        proposal_version=proposal.current_version, defaults={"rule": rule, "pinned_only": bool(data.pinned_only)}
    )
    return proposal


# What the proposals app shows of a pathway proposal ------------------------------------------------------------


def proposal_summary(version) -> list[tuple[str, str, str]]:
    """(field, label, value) of a pathway proposal version, for its proposal page and comparison of versions."""
    draft_rule = selectors.draft_rule(version)
    check = check_rule(draft_rule)
    if check.rule is not None:
        titles = {c: f.title for c, f in check.facts.items()}
        rule_text = "\n".join(rules.describe(check.rule, titles))
        minimum = rules.minimum_ects(check.rule, {c: f.ects for c, f in check.facts.items()})
    else:
        rule_text, minimum = "", None
    link = PathwayProposal.objects.filter(proposal_id=version.proposal_id).select_related("changes_pathway").first()
    rows = [
        ("title", _("Title"), version.title),
        ("accrediting_institution", _("Lead university"), str(version.accrediting_institution or "")),
        ("co_leads", _("Co-lead universities"), ", ".join(i.name for i in version.co_leads.all())),
        ("description", _("Description"), version.description),
        ("rule", _("Rule"), rule_text),
        (
            "minimum_ects",
            _("Total ECTS credits"),
            _("at least %(ects)s ECTS") % {"ects": _plain(minimum)} if minimum is not None else "",
        ),
        (
            "pinned_only",
            _("Which versions of the components count"),
            _("Only the versions approved with the pathway")
            if selectors.draft_pinned_only(version)
            else _("The version approved with the pathway and any later one"),
        ),
        (
            "financial_implications",
            _("Financial or resource implications"),
            version.financial_implications if version.has_financial_implications else _("None"),
        ),
    ]
    if link is not None and link.changes_pathway is not None:
        rows.insert(0, ("changes_pathway", _("Changes the pathway"), str(link.changes_pathway)))
    return rows


def proposal_edit_page(proposal) -> str:
    return reverse("pathways:proposal-edit", kwargs={"proposal_id": proposal.pk})


# Publishing (the publisher of the "pathway" proposal type) ------------------------------------------------------


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "pathway"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Pathway.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def search_text_of(version: PathwayVersion) -> str:
    """The version's words for search (normalised as the catalogue's), and a u:<slug> word per university."""
    universities = selectors.pathway_universities(version)
    words = [
        version.title,
        version.description,
        *(c.micro_credential_version.title for c in version.components.all()),
        *(i.name for i in universities),
        *(i.short_name for i in universities),
    ]
    marks = " ".join(f"u:{i.slug}" for i in universities)
    return f" {normalise(' '.join(words))} {marks} "


def _new_version(
    pathway: Pathway, number: int, *, rule: rules.Rule, facts: dict, lead, co_leads, pinned_only: bool, **fields
) -> PathwayVersion:
    """Write version `number` of `pathway` with its components pinned to their current versions; make it current."""
    pinned = {
        v.micro_credential_id: v
        for v in MicroCredentialVersion.objects.filter(pk__in=[f.version_id for f in facts.values()])
    }
    ects_of = {c: pinned[c].ects for c in rule.components}
    version = PathwayVersion.objects.create(
        pathway=pathway,
        number=number,
        awarding_institution=lead,
        issued_by_alliance=pathway_issued_by_alliance(lead.pk, [i.pk for i in co_leads], pinned.values()),
        rule=rule.as_json(),
        pinned_only=pinned_only,
        minimum_ects=rules.minimum_ects(rule, ects_of),
        is_current=False,
        **fields,
    )
    version.co_lead_institutions.set(co_leads)
    PathwayComponent.objects.bulk_create(
        [
            PathwayComponent(
                pathway_version=version,
                micro_credential_id=component,
                micro_credential_version=pinned[component],
                order=order,
            )
            for order, component in enumerate(rule.components)
        ]
    )
    PathwayVersion.objects.filter(pathway=pathway, is_current=True).update(is_current=False)
    PathwayVersion.objects.filter(pk=version.pk).update(is_current=True)
    version.refresh_from_db()
    PathwayVersion.objects.filter(pk=version.pk).update(search_text=search_text_of(version))
    return version


def _publishable_rule(data) -> tuple[rules.Rule, dict]:
    check = check_rule(data)
    if check.problems:
        raise ValidationFailed(
            _("The pathway cannot be published as it stands: %(problems)s") % {"problems": " ".join(check.problems)},
            problems=check.problems,
        )
    return check.rule, check.facts


@transaction.atomic
def publish_approved_pathway(*, proposal, actor) -> PathwayVersion:
    """Turn the approved current version of a pathway proposal into a new pathway version (idempotent: the same
    approved version publishes once). Its components are checked again: one retired since the proposal was sent
    stops the approval (the decision's transaction is undone) with the reason."""
    version = proposal.current_version
    existing = PathwayVersion.objects.filter(proposal_version=version).first()
    if existing is not None:
        return existing
    rule, facts = _publishable_rule(selectors.draft_rule(version))
    link = PathwayProposal.objects.filter(proposal=proposal).first()
    pathway = link.changes_pathway if link is not None else None
    if pathway is None:
        pathway = Pathway.objects.create(slug=_unique_slug(version.title))
        number = 1
    else:
        pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
        if not pathway.is_published:
            raise ValidationFailed(_("This pathway has been retired: a change to it cannot be published."))
        number = pathway.versions.count() + 1
    published = _new_version(
        pathway,
        number,
        rule=rule,
        facts=facts,
        lead=version.accrediting_institution,
        co_leads=list(version.co_leads.all()),
        pinned_only=selectors.draft_pinned_only(version),
        title=version.title,
        description=version.description,
        approved_at=timezone.now(),
        proposal=proposal,
        proposal_version=version,
        source=PathwayVersion.Source.WORKFLOW,
    )
    record_audit_event(
        actor=actor,
        action="pathway.version_published",
        target=pathway,
        summary=f"v{number}",
        changes={"proposal": proposal.reference, "version": number, "components": list(rule.components)},
    )
    return published


# Change proposals ------------------------------------------------------------------------------------------------


def _change_started(pathway: Pathway, current: PathwayVersion, proposal) -> None:
    """The pathway's part of a new change proposal: the link to the pathway and the rule it starts from. Refused
    (and the whole change undone) when another change proposal to the pathway is still open."""
    open_changes = PathwayProposal.objects.filter(changes_pathway=pathway).exclude(
        proposal__status__in=sorted(s.value for s in CLOSED_STATUSES)
    )
    if open_changes.exists():
        raise ValidationFailed(_("A change proposal for this pathway is already open."))
    PathwayProposal.objects.create(proposal=proposal, changes_pathway=pathway)
    PathwayDraft.objects.create(
        proposal_version=proposal.current_version, rule=current.rule, pinned_only=current.pinned_only
    )


def pathway_change_basis(pathway_id: int, *, lock: bool = False) -> publishing.ChangeBasis:
    """What a change proposal to a pathway starts from (Pathway.DoesNotExist for an unknown id)."""
    queryset = Pathway.objects.select_for_update() if lock else Pathway.objects
    pathway = queryset.get(pk=pathway_id)
    current = pathway.current_version
    return publishing.ChangeBasis(
        subject=pathway,
        field="",
        title=current.title,
        published=pathway.is_published,
        university_ids=frozenset(current.university_ids()),
        proposal_version=current.proposal_version,
        url=reverse("pathways:detail", kwargs={"slug": pathway.slug}),
        started=partial(_change_started, pathway, current),
    )


@transaction.atomic
def start_pathway_change(*, user, pathway_id: int, institution: Institution):
    """A change proposal to a published pathway, by a proposer at its lead or a co-leading university: a new pathway
    proposal starting from the current version (to replace a retired component, change the rule, …)."""
    pathway = Pathway.objects.select_for_update().filter(pk=pathway_id).first()
    if pathway is None or pathway.current_version is None:
        raise NotFound(_("There is no such pathway."))
    current = pathway.current_version
    if not pathway.is_published:
        raise ValidationFailed(_("A retired pathway cannot be changed."))
    if institution.pk not in current.university_ids():
        raise NotAllowed(_("Only the lead or co-leading universities propose changes to this pathway."))
    if current.proposal_version is None:
        raise ValidationFailed(_("This pathway was approved outside the platform; propose it anew instead."))
    return proposal_services.start_change_proposal(
        user=user, micro_credential_id=pathway.pk, institution=institution, proposal_type=PATHWAY
    )


# Retirement ------------------------------------------------------------------------------------------------------


@transaction.atomic
def retire_pathway(*, user, pathway_id: int, reason: str) -> Pathway:
    """The board secretary (or the alliance admin) retires a pathway: no longer listed; awarded credentials stay."""
    if not permissions.can_retire_pathway(user):
        raise PermissionDenied(_("Only the board secretary or the alliance admin retires a pathway."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason for retiring it."))
    if len(reason) > COMMENT_TEXT:
        raise ValidationFailed(_("The reason is at most %(n)d characters.") % {"n": COMMENT_TEXT})
    pathway = Pathway.objects.select_for_update().filter(pk=pathway_id).first()
    if pathway is None:
        raise NotFound(_("There is no such pathway."))
    if pathway.status == Pathway.Status.RETIRED:
        raise ValidationFailed(_("This pathway is already retired."))
    pathway.status = Pathway.Status.RETIRED
    pathway.retired_at = timezone.now()
    pathway.retirement_reason = reason
    pathway.save(update_fields=["status", "retired_at", "retirement_reason"])
    record_audit_event(actor=user, action="pathway.retired", target=pathway, summary=reason[:500])
    return pathway


def _plain(value) -> str:
    return format(value.normalize(), "f")
