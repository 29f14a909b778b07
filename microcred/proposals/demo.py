"""Demo proposals in every state (shared design journeys 1–4 and 8), made through the real services.

Idempotent: a demo proposal is recognised by its title and not created twice.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from microcred.proposals import services
from microcred.proposals.models import Meeting, ProposalVersion
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


LCA = (
    "Life-cycle thinking for circular products",
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
HACKATHON = (
    "Green Campus Hackathon",
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


@transaction.atomic
def load_demo_proposals() -> int:
    if ProposalVersion.objects.filter(title=LCA[0]).exists():
        return 0
    secretary = _user("secretary@demo.microcred.eu")
    chair = _user("chair@demo.microcred.eu")
    board = _user("board@demo.microcred.eu")
    now = timezone.now()
    past_council = services.create_meeting(
        user=secretary,
        body=Meeting.Body.ACADEMIC_COUNCIL,
        date=now + timezone.timedelta(minutes=5),
        location="Barcelona and online",
    )
    board_meeting = services.create_meeting(
        user=secretary, body=Meeting.Body.EXECUTIVE_BOARD, date=now + timezone.timedelta(minutes=6), location="Online"
    )

    def make(title, proposer_email, options, call=None, with_document=True):
        proposer = _user(proposer_email)
        inst = _inst(options["inst"])
        options = {**options, "inst": inst}
        proposal = services.create_proposal(
            user=proposer, institution=inst, title=title, call=call, kind=options.get("kind", "formal")
        )
        services.save_draft(user=proposer, proposal_id=proposal.pk, data=_content(title, **options))
        if options.get("kind") == "non_formal" and with_document:
            services.add_document(
                user=proposer,
                proposal_id=proposal.pk,
                name="support-letter.pdf",
                data=_pdf_bytes(f"Support letter for {title}"),
                purpose="support",
            )
        return proposal, proposer

    def to_ready(proposal, proposer, manager_email):
        services.take_action(user=proposer, proposal_id=proposal.pk, action=Action.SEND_TO_MANAGER)
        services.take_action(
            user=_user(manager_email),
            proposal_id=proposal.pk,
            action=Action.MANAGER_APPROVE,
            comment="Approved by the faculty board.",
        )
        services.take_action(user=secretary, proposal_id=proposal.pk, action=Action.ACCEPT_AS_COMPLETE)

    def decide(proposal, meeting, outcome, rationale, conditions=""):
        item = services.schedule_proposal(user=secretary, proposal_id=proposal.pk, meeting_id=meeting.pk)
        services.record_decision(
            user=chair if meeting.body == Meeting.Body.ACADEMIC_COUNCIL else board,
            agenda_item_id=item.pk,
            outcome=outcome,
            rationale=rationale,
            conditions=conditions,
        )

    # Journey 1: approved with conditions, published (version 1).
    lca, p = make(LCA[0], "proposer.ub@demo.microcred.eu", LCA[1])
    to_ready(lca, p, "manager.ub@demo.microcred.eu")
    decide(
        lca,
        past_council,
        "approve_with_conditions",
        "A strong, well-aligned proposal.",
        "State the prerequisites explicitly.",
    )
    # Journey 2: non-formal hackathon with a budget: council, then Executive Board, then approved.
    hack, p = make(HACKATHON[0], "proposer.um@demo.microcred.eu", HACKATHON[1])
    to_ready(hack, p, "manager.um@demo.microcred.eu")
    decide(hack, past_council, "approve", "Engages students across two universities.")
    decide(hack, board_meeting, "approve", "Budget available in the 2026 events line.")
    # Journey 4: a revisions round (two versions), now resubmitted and waiting for the next council.
    jmu, p = make(
        "Digital twins for sustainable manufacturing",
        "proposer.jmu@demo.microcred.eu",
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
    to_ready(jmu, p, "manager.jmu@demo.microcred.eu")
    decide(jmu, past_council, "request_revisions", "Learning outcomes are not assessable as written.")
    services.save_draft(
        user=p,
        proposal_id=jmu.pk,
        data={
            "outcomes": [
                (
                    "Build a digital twin of a simple production line and validate it against measured data.",
                    _skills("perform virtual simulation", "production processes"),
                ),
                (
                    "Evaluate the energy use of a production line with its digital twin.",
                    _skills("energy efficiency", "production processes"),
                ),
            ]
        },
    )
    services.take_action(user=p, proposal_id=jmu.pk, action=Action.RESUBMIT)
    services.take_action(user=secretary, proposal_id=jmu.pk, action=Action.ACCEPT_AS_COMPLETE)
    # A rejection.
    rej, p = make(
        "Introduction to spreadsheet shortcuts",
        "proposer.um@demo.microcred.eu",
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
    to_ready(rej, p, "manager.um@demo.microcred.eu")
    decide(rej, past_council, "reject", "Below the level and scope expected of an alliance micro-credential.")
    # Held meetings are in the past.
    Meeting.objects.filter(pk__in=[past_council.pk, board_meeting.pk]).update(date=now - timezone.timedelta(days=20))

    # Every other state.
    services.create_meeting(
        user=secretary,
        body=Meeting.Body.ACADEMIC_COUNCIL,
        date=now + timezone.timedelta(days=21),
        location="Utrecht and online",
    )
    services.create_meeting(
        user=secretary, body=Meeting.Body.EXECUTIVE_BOARD, date=now + timezone.timedelta(days=35), location="Online"
    )
    services.schedule_proposal(user=secretary, proposal_id=jmu.pk)  # scheduled on the next council
    make(
        "Workshop on inclusive teaching",
        "proposer.aau@demo.microcred.eu",
        dict(  # journey 3: blocked draft
            kind="non_formal",
            inst="ÅAU",
            principles=3,
            badge=True,
            forms=("on_site",),
            areas=("transversal-skills",),
            completion="Attend the workshop.",
            outcomes=[("Adapt teaching to diverse learners.", ["promote inclusion"])],
        ),
        with_document=False,  # journey 3: the supporting document is missing too
    )
    ethics, p = make(
        "Data ethics for researchers",
        "proposer.uu@demo.microcred.eu",
        dict(
            inst="UU",
            co_leads=("UiB",),
            ects=3,
            hours=84,
            eqf=8,
            areas=("technology-stem", "transversal-skills"),
            outcomes=[("Assess the ethical risks of a data set.", ["ethics", "data protection"])],
        ),
    )
    services.take_action(user=p, proposal_id=ethics.pk, action=Action.SEND_TO_MANAGER)  # awaiting manager
    sub, p = make(
        "Hungarian for international researchers",
        "proposer.elte@demo.microcred.eu",
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
    services.take_action(user=p, proposal_id=sub.pk, action=Action.SEND_TO_MANAGER)
    services.take_action(
        user=_user("manager.elte@demo.microcred.eu"), proposal_id=sub.pk, action=Action.MANAGER_APPROVE
    )  # submitted: completeness check
    ready, p = make(
        "Climate adaptation in Mediterranean cities",
        "proposer.ub@demo.microcred.eu",
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
    to_ready(ready, p, "manager.ub@demo.microcred.eu")  # complete, waiting for an agenda
    budget, p = make(
        "Summer school on energy communities",
        "proposer.ub@demo.microcred.eu",
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
    to_ready(budget, p, "manager.ub@demo.microcred.eu")
    decide(
        budget,
        Meeting.objects.filter(body=Meeting.Body.ACADEMIC_COUNCIL, date__gt=now).first(),
        "approve",
        "Approved by the council; the budget goes to the Executive Board.",
    )  # executive review
    next_council = Meeting.objects.filter(body=Meeting.Body.ACADEMIC_COUNCIL, date__gt=now).first()
    mobility, p = make(
        "Virtual mobility in European cultural heritage",
        "proposer.elte@demo.microcred.eu",
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
    to_ready(mobility, p, "manager.elte@demo.microcred.eu")
    decide(mobility, next_council, "approve", "Approved by the council; the licence goes to the Executive Board.")
    services.schedule_proposal(user=secretary, proposal_id=mobility.pk)  # on the next Executive Board agenda
    robotics, p = make(
        "Responsible robotics for care",
        "proposer.uu@demo.microcred.eu",
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
    to_ready(robotics, p, "manager.uu@demo.microcred.eu")
    decide(
        robotics,
        next_council,
        "request_revisions",
        "Say how the ethical assessment is graded, and add a second co-lead university.",
    )  # revisions requested
    returned, p = make(
        "Entrepreneurship for scientists",
        "proposer.uu@demo.microcred.eu",
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
    services.take_action(user=p, proposal_id=returned.pk, action=Action.SEND_TO_MANAGER)
    services.take_action(
        user=_user("manager.uu@demo.microcred.eu"),
        proposal_id=returned.pk,
        action=Action.MANAGER_RETURN,
        comment="Please attach the faculty's accreditation decision.",
    )
    withdrawn, p = make(
        "Old course we no longer run",
        "proposer.elte@demo.microcred.eu",
        dict(
            inst="ELTE",
            ects=2,
            hours=56,
            eqf=6,
            areas=("transversal-skills",),
            outcomes=[("Something.", ["communication"])],
        ),
    )
    services.take_action(user=p, proposal_id=withdrawn.pk, action=Action.WITHDRAW, comment="Course discontinued.")
    # A call with a panel review, and a proposal in it.
    council2 = _user("council2@demo.microcred.eu")
    call = services.create_call(
        user=secretary,
        title="Green and digital skills call 2027",
        scope="Micro-credentials on green and digital skills for lifelong learners.",
        opens_on=now.date(),
        deadline=now + timezone.timedelta(days=60),
        panel_review=True,
        panel_members=[council2],
    )
    from_call, p = make(
        "Carbon accounting for SMEs",
        "proposer.elte@demo.microcred.eu",
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
        call=call,
    )
    services.take_action(user=p, proposal_id=from_call.pk, action=Action.SEND_TO_MANAGER)
    services.take_action(
        user=_user("manager.elte@demo.microcred.eu"), proposal_id=from_call.pk, action=Action.MANAGER_APPROVE
    )
    services.take_action(user=secretary, proposal_id=from_call.pk, action=Action.SEND_TO_PANEL)
    services.add_review(
        user=council2,
        proposal_id=from_call.pk,
        comment="Clear outcomes, strong demand.",
        recommendation="approve",
        panel_score=4,
    )
    return 13


def demo_status_counts() -> dict[str, int]:
    from microcred.proposals.models import Proposal

    return {s: Proposal.objects.filter(status=s).count() for s in S.values}
