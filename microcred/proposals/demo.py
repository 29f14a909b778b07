"""Demo proposals in every state (docs/journeys.md, journeys 1–4 and 8), made through the real services.

Idempotent: a demo proposal is recognised by its title and not created twice.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from microcred.core.demo import DemoStep
from microcred.proposals import co_proposers, conditions, services
from microcred.proposals.models import AgendaItem, ApprovalCondition, Meeting, Proposal, ProposalVersion
from microcred.proposals.models import ProposalStatus as S
from microcred.proposals.workflow import Action
from microcred.reference.models import ContentArea, EducationalPrinciple, EqfLevel, EscoSkill, Institution


def _user(email):
    return get_user_model().objects.get(email=email)


def _inst(short):
    return Institution.objects.get(short_name=short)


def _skills(*words):
    found = []
    for word in words:
        skill = (
            EscoSkill.objects.filter(preferred_label__iexact=word).first()
            or EscoSkill.objects.filter(preferred_label__icontains=word).order_by("preferred_label").first()
        )
        if skill is not None:
            found.append(skill)
    return found or list(EscoSkill.objects.order_by("pk")[:1])


def _pdf_bytes(text: str) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 750, text)
    pdf.save()
    return buffer.getvalue()


def _content(
    title,
    *,
    kind="formal",
    inst,
    co_leads=(),
    ects=None,
    hours=None,
    eqf=None,
    areas=(),
    principles=4,
    outcomes=(),
    financial="",
    badge=False,
    completion="",
    languages=("en",),
    forms=("blended",),
    assessments=("report", "oral"),
):
    principle_rows = list(EducationalPrinciple.objects.order_by("order")[:principles])
    return {
        "kind": kind,
        "credential_type": "participation_badge" if badge else "micro_credential",
        "title": title,
        "relevance": f"{title} answers the alliance's focus on green and digital skills for lifelong learners.",
        "criteria": "Open to learners who meet the prerequisites; assessed against published criteria.",
        "description": f"{title}: a challenge-based learning experience designed by staff of several member "
        "universities, with real cases from European partners.",
        "hours": hours,
        "hours_calculation": f"{hours} hours: contact sessions, guided self-study and the assessment."
        if hours
        else "Two full days of activity.",
        "ects": Decimal(ects) if ects is not None else None,
        "eqf_level": EqfLevel.objects.filter(level=eqf).first() if eqf else None,
        "languages": list(languages),
        "forms_of_participation": list(forms),
        "assessment_types": [] if badge else list(assessments),
        "quality_assurance": f"Accredited and quality assured by {inst.name}; reviewed by the Academic Council."
        if kind == "formal"
        else "Approved by the Academic Council; evaluated by a learner survey.",
        "supervised_assessment": kind == "formal",
        "identity_verified": kind == "formal",
        "accrediting_institution": inst,
        "accredited_before_submission": kind == "formal",
        "target_groups": "Professionals, graduates and master's students across Europe.",
        "skill_needs": "Skills named in the European Green Deal and the Digital Decade targets.",
        "prerequisites": "A bachelor's degree or equivalent experience." if kind == "formal" else "",
        "stackability": "Stackable towards the alliance's sustainability pathway." if kind == "formal" else "",
        "completion_criteria": completion,
        "has_financial_implications": bool(financial),
        "financial_implications": financial,
        "co_leads": [_inst(s) for s in co_leads],
        "content_areas": list(ContentArea.objects.filter(slug__in=areas)),
        "principles": [(p, f"{p.name} is built into the activities and the assessment.") for p in principle_rows],
        "outcomes": [(text, _skills(*words)) for text, words in outcomes],
    }


class Demo(NamedTuple):
    """One demo proposal: its title, who proposes it, their institutional manager, and its content."""

    title: str
    proposer: str
    manager: str
    options: dict


def _people(short: str) -> tuple[str, str]:
    return f"proposer.{short}@demo.microcred.eu", f"manager.{short}@demo.microcred.eu"


# Journey 1: approved with conditions, published (version 1).
LCA = Demo(
    "Life-cycle thinking for circular products",
    *_people("ub"),
    dict(
        inst="UB",
        co_leads=("TCD", "UU"),
        ects=5,
        hours=135,
        eqf=7,
        principles=5,
        areas=("sustainability-climate-change", "technology-stem"),
        outcomes=[
            (
                "Carry out a life-cycle assessment of a product.",
                ["assess the life cycle of resources", "assess environmental impact"],
            ),
            ("Apply circular economy strategies to product design.", ["circular economy"]),
            ("Analyse environmental data to compare design options.", ["analyse environmental data"]),
            ("Communicate results to non-specialists.", ["communication"]),
        ],
    ),
)
# Journey 2: non-formal hackathon with a budget: council, then Executive Board, then approved.
HACKATHON = Demo(
    "Green Campus Hackathon",
    *_people("um"),
    dict(
        kind="non_formal",
        inst="UM",
        co_leads=("ELTE",),
        principles=3,
        badge=True,
        forms=("on_site",),
        areas=("sustainability-climate-change", "entrepreneurship-innovation-business"),
        completion="Attend both days and submit a prototype.",
        financial="Catering and venue for 80 participants: 4,000 EUR from the alliance budget.",
        outcomes=[
            ("Work in a team on a campus sustainability challenge.", ["teamwork principles", "Prototyping development"])
        ],
    ),
)
# Journey 4: a revisions round (two versions), resubmitted and waiting for the next council.
DIGITAL_TWINS = Demo(
    "Digital twins for sustainable manufacturing",
    *_people("jmu"),
    dict(
        inst="JMU",
        co_leads=("ÅAU",),
        ects=4,
        hours=110,
        eqf=7,
        areas=("technology-stem",),
        outcomes=[
            ("Understand digital twins.", ["perform virtual simulation"]),
            ("Model a production line.", ["production processes"]),
        ],
    ),
)
# The outcomes of version 2, after the council asked for assessable outcomes: (text, skill words).
DIGITAL_TWINS_REVISED_OUTCOMES = [
    (
        "Build a digital twin of a simple production line and validate it against measured data.",
        ("perform virtual simulation", "production processes"),
    ),
    (
        "Evaluate the energy use of a production line with its digital twin.",
        ("energy efficiency", "production processes"),
    ),
]
SPREADSHEETS = Demo(  # rejected
    "Introduction to spreadsheet shortcuts",
    *_people("um"),
    dict(
        inst="UM",
        co_leads=(),
        ects=1,
        hours=28,
        eqf=4,
        areas=("transversal-skills",),
        outcomes=[("Use spreadsheet shortcuts.", ["spreadsheet"])],
    ),
)
INCLUSIVE_TEACHING = Demo(  # journey 3: a blocked draft, its supporting document missing too
    "Workshop on inclusive teaching",
    *_people("aau"),
    dict(
        kind="non_formal",
        inst="ÅAU",
        principles=3,
        badge=True,
        forms=("on_site",),
        areas=("transversal-skills",),
        completion="Attend the workshop.",
        outcomes=[("Adapt teaching to diverse learners.", ["promote inclusion"])],
    ),
)
ARCHIPELAGO = Demo(  # sent by Åbo Akademi, where nobody is institutional manager: it falls to the secretary (7.4)
    "Sustainable tourism in the archipelago",
    *_people("aau"),
    dict(
        kind="non_formal",
        inst="ÅAU",
        co_leads=("UU",),
        principles=3,
        badge=True,
        forms=("on_site",),
        areas=("sustainability-climate-change",),
        completion="Take part in the field week and present a visitor plan.",
        outcomes=[("Assess the environmental impact of a tourism plan.", ["assess environmental impact"])],
    ),
)
DATA_ETHICS = Demo(  # awaiting the institutional managers: written with UB's proposer, approved by UB, not yet by UU
    "Data ethics for researchers",
    *_people("uu"),
    dict(
        inst="UU",
        co_leads=("UiB", "UB"),
        ects=3,
        hours=84,
        eqf=8,
        areas=("technology-stem", "transversal-skills"),
        outcomes=[("Assess the ethical risks of a data set.", ["ethics", "data protection"])],
    ),
)
HUNGARIAN = Demo(  # submitted: the completeness check
    "Hungarian for international researchers",
    *_people("elte"),
    dict(
        inst="ELTE",
        co_leads=(),
        ects=3,
        hours=80,
        eqf=5,
        areas=("european-values-culture-language",),
        languages=("hu", "en"),
        forms=("online",),
        assessments=("written", "oral"),
        outcomes=[("Hold everyday conversations in Hungarian.", ["Hungarian"])],
    ),
)
CLIMATE_ADAPTATION = Demo(  # complete, waiting for an agenda
    "Climate adaptation in Mediterranean cities",
    *_people("ub"),
    dict(
        inst="UB",
        co_leads=("UM",),
        ects=6,
        hours=170,
        eqf=7,
        areas=("sustainability-climate-change",),
        outcomes=[
            ("Design climate adaptation measures for a city district.", ["urban planning", "climate change impact"])
        ],
    ),
)
ENERGY_COMMUNITIES = Demo(  # approved by the council, waiting for the Executive Board
    "Summer school on energy communities",
    *_people("ub"),
    dict(
        inst="UB",
        co_leads=("UU", "JMU"),
        ects=3,
        hours=84,
        eqf=6,
        areas=("sustainability-climate-change",),
        financial="Travel grants for 20 students: 12,000 EUR.",
        outcomes=[("Plan a local energy community.", ["renewable energy technologies", "energy efficiency"])],
    ),
)
VIRTUAL_MOBILITY = Demo(  # on the next Executive Board agenda
    "Virtual mobility in European cultural heritage",
    *_people("elte"),
    dict(
        inst="ELTE",
        co_leads=("UB", "UiB"),
        ects=4,
        hours=110,
        eqf=6,
        areas=("european-values-culture-language",),
        financial="A shared online platform licence: 6,500 EUR a year.",
        outcomes=[
            (
                "Compare the heritage policies of two member states.",
                ["plan measures to safeguard cultural heritage"],
            )
        ],
    ),
)
ROBOTICS = Demo(  # revisions requested
    "Responsible robotics for care",
    *_people("uu"),
    dict(
        inst="UU",
        co_leads=("TCD",),
        ects=5,
        hours=140,
        eqf=7,
        areas=("technology-stem", "transversal-skills"),
        outcomes=[("Assess a care robot against ethical guidelines.", ["ethics"])],
    ),
)
ENTREPRENEURSHIP = Demo(  # returned to the proposer by the manager
    "Entrepreneurship for scientists",
    *_people("uu"),
    dict(
        inst="UU",
        co_leads=("TCD",),
        ects=2,
        hours=56,
        eqf=7,
        areas=("entrepreneurship-innovation-business",),
        outcomes=[("Write a business model canvas for a research result.", ["business model"])],
    ),
)
OLD_COURSE = Demo(  # withdrawn
    "Old course we no longer run",
    *_people("elte"),
    dict(
        inst="ELTE",
        ects=2,
        hours=56,
        eqf=6,
        areas=("transversal-skills",),
        outcomes=[("Something.", ["communication"])],
    ),
)
CARBON_ACCOUNTING = Demo(  # from a call with a panel review, in the panel's hands
    "Carbon accounting for SMEs",
    *_people("elte"),
    dict(
        inst="ELTE",
        co_leads=("UB",),
        ects=2,
        hours=55,
        eqf=6,
        areas=("sustainability-climate-change",),
        outcomes=[
            (
                "Prepare a carbon footprint report for a small company.",
                ["lead the sustainability reporting process", "global standards for sustainability reporting"],
            )
        ],
    ),
)


class _Board:
    """The alliance's side of the demo: its secretary, council chair and board member, and the meeting steps."""

    def __init__(self):
        self.secretary = _user("secretary@demo.microcred.eu")
        self.chair = _user("chair@demo.microcred.eu")
        self.board = _user("board@demo.microcred.eu")
        self.now = timezone.now()

    def meeting(self, body, *, after, location):
        return services.create_meeting(user=self.secretary, body=body, date=self.now + after, location=location)

    def next_council(self):
        return Meeting.objects.filter(body=Meeting.Body.ACADEMIC_COUNCIL, date__gt=self.now).first()

    def decide(self, proposal, meeting, outcome, rationale, conditions=""):
        """Put the proposal on the meeting's agenda and record the decision of its body, at its session."""
        item = services.schedule_proposal(user=self.secretary, proposal_id=proposal.pk, meeting_id=meeting.pk)
        decide_in_session(
            user=self.chair if meeting.body == Meeting.Body.ACADEMIC_COUNCIL else self.board,
            agenda_item_id=item.pk,
            outcome=outcome,
            rationale=rationale,
            conditions=conditions,
        )


def decide_in_session(**kwargs):
    """services.record_decision at the meeting itself, for the demo data (and the tests): decisions are recorded from
    the meeting's day on (issue #16, defect 8), so a meeting still ahead is brought to now for the decision, then
    back to its planned date, so that its next items are scheduled on it as planned."""
    item = AgendaItem.objects.select_related("meeting").filter(pk=kwargs.get("agenda_item_id")).first()
    if item is None:
        return services.record_decision(**kwargs)  # which says there is no such agenda item
    planned = item.meeting.date
    Meeting.objects.filter(pk=item.meeting_id).update(date=min(planned, timezone.now()))
    try:
        return services.record_decision(**kwargs)
    finally:
        Meeting.objects.filter(pk=item.meeting_id).update(date=planned)


def _make(demo: Demo, *, call=None, with_document=True):
    """Open the proposal and fill in its content as its proposer; a non-formal one gets its support letter."""
    proposer = _user(demo.proposer)
    inst = _inst(demo.options["inst"])
    options = {**demo.options, "inst": inst}
    proposal = services.create_proposal(
        user=proposer, institution=inst, title=demo.title, call=call, kind=options.get("kind", "formal")
    )
    services.save_draft(user=proposer, proposal_id=proposal.pk, data=_content(demo.title, **options))
    if options.get("kind") == "non_formal" and with_document:
        services.add_document(
            user=proposer,
            proposal_id=proposal.pk,
            name="support-letter.pdf",
            data=_pdf_bytes(f"Support letter for {demo.title}"),
            purpose="support",
        )
    return proposal


def _send(demo: Demo, proposal, *, approve=False, comment=""):
    """The proposer sends it to their manager, who approves it (when `approve`)."""
    services.take_action(user=_user(demo.proposer), proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
    if approve:
        services.take_action(
            user=_user(demo.manager), proposal_id=proposal.pk, action=Action.MANAGER_APPROVE, comment=comment
        )


def _to_ready(demo: Demo, proposal, board: _Board):
    """Sent, approved by the manager and accepted as complete: waiting for an agenda."""
    _send(demo, proposal, approve=True, comment="Approved by the faculty board.")
    services.take_action(user=board.secretary, proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)


def _ready(demo: Demo, board: _Board):
    proposal = _make(demo)
    _to_ready(demo, proposal, board)
    return proposal


def _decided_at_held_meetings(board: _Board):
    """Journeys 1, 2 and 4 and a rejection, decided at a council and a board meeting that then lie in the past.
    Returns the proposal of journey 4, resubmitted after its revisions round."""
    council = board.meeting(
        Meeting.Body.ACADEMIC_COUNCIL, after=timezone.timedelta(minutes=5), location="Barcelona and online"
    )
    executive = board.meeting(Meeting.Body.EXECUTIVE_BOARD, after=timezone.timedelta(minutes=6), location="Online")
    board.decide(
        _ready(LCA, board),
        council,
        "approve_with_conditions",
        "A strong, well-aligned proposal.",
        "State the prerequisites explicitly.\nPublish the assessment rubric of the life-cycle assessment project.",
    )
    hackathon = _ready(HACKATHON, board)
    board.decide(hackathon, council, "approve", "Engages students across two universities.")
    board.decide(hackathon, executive, "approve", "Budget available in the 2026 events line.")
    twins = _ready(DIGITAL_TWINS, board)
    board.decide(twins, council, "request_revisions", "Learning outcomes are not assessable as written.")
    _revise_and_resubmit(twins, board)
    board.decide(
        _ready(SPREADSHEETS, board),
        council,
        "reject",
        "Below the level and scope expected of an alliance micro-credential.",
    )
    # Held meetings are in the past.
    Meeting.objects.filter(pk__in=[council.pk, executive.pk]).update(date=board.now - timezone.timedelta(days=20))
    return twins


def _follow_up_conditions(board: _Board):
    """Journey 1's conditions of approval (issue #14): the first reported met and confirmed by the secretary; the
    second past its due date, not reported (the decision lies 20 days back: its due date is moved back too)."""
    lca = Proposal.objects.get(versions__title=LCA.title, versions__number=1)
    first, second = lca.approval_conditions.order_by("number")
    conditions.report_condition(
        user=_user(LCA.proposer),
        condition_id=first.pk,
        account="The prerequisites are stated in the catalogue description: a bachelor's degree in engineering or "
        "design, or two years of professional experience in product development.",
    )
    conditions.confirm_condition(user=board.secretary, condition_id=first.pk)
    ApprovalCondition.objects.filter(pk=second.pk).update(due_on=timezone.localdate() - timezone.timedelta(days=5))


def _revise_and_resubmit(proposal, board: _Board):
    proposer = _user(DIGITAL_TWINS.proposer)
    outcomes = [(text, _skills(*words)) for text, words in DIGITAL_TWINS_REVISED_OUTCOMES]
    services.save_draft(user=proposer, proposal_id=proposal.pk, data={"outcomes": outcomes})
    services.take_action(user=proposer, proposal_id=proposal.pk, action=Action.RESUBMIT)
    services.take_action(user=board.secretary, proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)


def _before_the_council(board: _Board):
    """A blocked draft (written with a co-proposer at ELTE), and one proposal in each state before an agenda."""
    workshop = _make(INCLUSIVE_TEACHING, with_document=False)
    co_proposers.add_co_proposer(
        user=_user(INCLUSIVE_TEACHING.proposer), proposal_id=workshop.pk, email="proposer.elte@demo.microcred.eu"
    )
    # Awaiting institutional approval (policy 7.4): co-proposed by UB's proposer, so UB's manager approves it too; UB
    # has, UU's manager has not yet.
    data_ethics = _make(DATA_ETHICS)
    co_proposers.add_co_proposer(
        user=_user(DATA_ETHICS.proposer), proposal_id=data_ethics.pk, email="proposer.ub@demo.microcred.eu"
    )
    _send(DATA_ETHICS, data_ethics)
    services.take_action(
        user=_user("manager.ub@demo.microcred.eu"),
        proposal_id=data_ethics.pk,
        action=Action.MANAGER_APPROVE,
        comment="UB's part (two seminars taught by our Faculty of Law) is approved.",
    )
    _send(ARCHIPELAGO, _make(ARCHIPELAGO))  # no manager at Åbo Akademi: waiting for the board secretary
    _send(HUNGARIAN, _make(HUNGARIAN), approve=True)  # submitted: completeness check
    _ready(CLIMATE_ADAPTATION, board)  # complete, waiting for an agenda


def _at_the_next_meetings(board: _Board):
    """Decided at today's council session: one waiting for the Executive Board, one on its agenda, one to revise.
    (Decisions are recorded from the meeting's day on, so not at the council three weeks ahead.)"""
    next_council = board.meeting(
        Meeting.Body.ACADEMIC_COUNCIL, after=timezone.timedelta(minutes=30), location="Online (extraordinary session)"
    )
    board.decide(
        _ready(ENERGY_COMMUNITIES, board),
        next_council,
        "approve",
        "Approved by the council; the budget goes to the Executive Board.",
    )  # executive review
    mobility = _ready(VIRTUAL_MOBILITY, board)
    board.decide(mobility, next_council, "approve", "Approved by the council; the licence goes to the Executive Board.")
    services.schedule_proposal(user=board.secretary, proposal_id=mobility.pk)  # on the next Executive Board agenda
    board.decide(
        _ready(ROBOTICS, board),
        next_council,
        "request_revisions",
        "Say how the ethical assessment is graded, and add a second co-lead university.",
    )  # revisions requested
    Meeting.objects.filter(pk=next_council.pk).update(date=timezone.now())  # held: not offered for scheduling


def _returned_and_withdrawn():
    returned = _make(ENTREPRENEURSHIP)
    _send(ENTREPRENEURSHIP, returned)
    services.take_action(
        user=_user(ENTREPRENEURSHIP.manager),
        proposal_id=returned.pk,
        action=Action.MANAGER_RETURN,
        comment="Please attach the faculty's accreditation decision.",
    )
    withdrawn = _make(OLD_COURSE)
    services.take_action(
        user=_user(OLD_COURSE.proposer),
        proposal_id=withdrawn.pk,
        action=Action.WITHDRAW,
        comment="Course discontinued.",
    )


def _call_with_panel_review(board: _Board):
    """An alliance call with a panel review, and a proposal from it that the panel has scored."""
    panel_member = _user("council2@demo.microcred.eu")
    call = services.create_call(
        user=board.secretary,
        title="Green and digital skills call 2027",
        scope="Micro-credentials on green and digital skills for lifelong learners.",
        opens_on=board.now.date(),
        deadline=board.now + timezone.timedelta(days=60),
        panel_review=True,
        panel_members=[panel_member],
    )
    proposal = _make(CARBON_ACCOUNTING, call=call)
    _send(CARBON_ACCOUNTING, proposal, approve=True)
    services.take_action(user=board.secretary, proposal_id=proposal.pk, action=Action.SEND_TO_PANEL)
    services.add_review(
        user=panel_member,
        proposal_id=proposal.pk,
        comment="Clear outcomes, strong demand.",
        recommendation="approve",
        panel_score=4,
    )


@transaction.atomic
def load_demo_proposals() -> int:
    """Fourteen demo proposals, one or more in every state of the review (docs/product-rules.md)."""
    if ProposalVersion.objects.filter(title=LCA.title).exists():
        return 0
    board = _Board()
    twins = _decided_at_held_meetings(board)
    _follow_up_conditions(board)
    board.meeting(Meeting.Body.ACADEMIC_COUNCIL, after=timezone.timedelta(days=21), location="Utrecht and online")
    board.meeting(Meeting.Body.EXECUTIVE_BOARD, after=timezone.timedelta(days=35), location="Online")
    services.schedule_proposal(user=board.secretary, proposal_id=twins.pk)  # scheduled on the next council
    _before_the_council(board)
    _at_the_next_meetings(board)
    _returned_and_withdrawn()
    _call_with_panel_review(board)
    return 14


def demo_status_counts() -> dict[str, int]:
    return {s: Proposal.objects.filter(status=s).count() for s in S.values}


# The step of `manage.py load_demo_data` (microcred.core.demo) that loads this app's demo data.
DEMO_STEPS = [
    DemoStep(20, "Demo proposals: {} created.", load_demo_proposals),
]
