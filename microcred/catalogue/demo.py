"""A demo catalogue: 36 micro-credentials of the nine member universities, and category overviews.

Made through the services (`publish_imported_micro_credential`, the category overview services), so
every row is audited and indexed as in real use. Idempotent: a demo micro-credential is recognised by
its title, an overview by its address. Reference data (institutions, content areas, EQF, ESCO) must
be loaded first; skills are looked up by their exact ESCO preferred label and a missing one is skipped.
No offerings are made here (the learning app's demo does that).
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from microcred.catalogue import permissions, services
from microcred.catalogue.models import CategoryOverview, MicroCredential
from microcred.core.demo import DemoStep
from microcred.reference.models import ContentArea, EscoSkill, Institution

GREEN = "sustainability-climate-change"
TRANSVERSAL = "transversal-skills"
STEM = "technology-stem"
BUSINESS = "entrepreneurship-innovation-business"
EUROPE = "european-values-culture-language"

# (title, awarding, co-leads, kind, badge, ECTS, hours, EQF, areas, languages, forms, assessments,
#  description, [(outcome, [exact ESCO labels])])
F, NF = "formal", "non_formal"
CATALOGUE = [
    (
        "Circular economy for product designers",
        "UB",
        ("TCD", "UU"),
        F,
        False,
        5,
        135,
        7,
        (GREEN, STEM),
        ("en",),
        ("blended",),
        ("report", "oral"),
        "Design products that keep materials in use, with life-cycle assessment and circular business models.",
        [
            (
                "Carry out a life-cycle assessment of a product.",
                ["assess the life cycle of resources", "assess environmental impact"],
            ),
            (
                "Apply circular economy strategies to product design.",
                ["circular economy", "use sustainable materials and components", "mitigate waste of resources"],
            ),
        ],
    ),
    (
        "Sustainability reporting for small and medium-sized enterprises",
        "UM",
        ("ELTE",),
        F,
        False,
        3,
        80,
        6,
        (GREEN, BUSINESS),
        ("en", "fr"),
        ("online",),
        ("report",),
        "Prepare a sustainability report under European and global reporting standards.",
        [
            (
                "Prepare a sustainability report for a small company.",
                ["lead the sustainability reporting process", "global standards for sustainability reporting"],
            ),
            (
                "Measure a company's environmental and social performance with indicators.",
                [
                    "measure company's sustainability performance",
                    "corporate social responsibility",
                    "monitor social impact",
                ],
            ),
        ],
    ),
    (
        "Climate adaptation in Mediterranean cities",
        "UB",
        ("UM",),
        F,
        False,
        6,
        170,
        7,
        (GREEN,),
        ("en", "es"),
        ("blended",),
        ("portfolio", "oral"),
        "Plan climate adaptation measures for heat, drought and flooding in dense urban districts.",
        [
            (
                "Design climate adaptation measures for a city district.",
                ["urban planning", "climate change impact", "environmental policy"],
            )
        ],
    ),
    (
        "Energy communities in practice",
        "UU",
        ("UB", "JMU"),
        F,
        False,
        4,
        110,
        6,
        (GREEN, STEM),
        ("en", "nl"),
        ("blended",),
        ("report",),
        "Set up and run a local renewable energy community with citizens and municipalities.",
        [
            ("Plan a local energy community.", ["renewable energy technologies", "energy efficiency"]),
            ("Carry out an energy audit of public buildings.", ["conduct energy audit"]),
        ],
    ),
    (
        "Environmental data analysis with Python",
        "UiB",
        ("ÅAU",),
        F,
        False,
        5,
        140,
        7,
        (GREEN, STEM),
        ("en",),
        ("online",),
        ("professional_product",),
        "Analyse environmental monitoring data with Python, from cleaning to statistical models.",
        [
            (
                "Analyse environmental data sets with Python.",
                ["analyse environmental data", "Python (computer programming)"],
            ),
            (
                "Apply statistical analysis techniques to time series.",
                ["apply statistical analysis techniques", "statistics"],
            ),
            (
                "Clean monitoring data and present the findings in charts.",
                ["perform data cleansing", "deliver visual presentation of data", "monitor environmental parameters"],
            ),
        ],
    ),
    (
        "Waste management and the circular city",
        "ELTE",
        ("UB",),
        F,
        False,
        3,
        84,
        6,
        (GREEN,),
        ("en", "hu"),
        ("online",),
        ("written",),
        "Municipal waste systems, their legislation and their place in a circular city.",
        [
            ("Evaluate a municipal waste management system.", ["waste management", "environmental legislation"]),
            (
                "Propose a waste strategy for a city district.",
                ["develop non-hazardous waste management strategies", "advise on waste management procedures"],
            ),
        ],
    ),
    (
        "Sustainable building materials",
        "TCD",
        ("HRW",),
        F,
        False,
        4,
        105,
        7,
        (GREEN, STEM),
        ("en",),
        ("on_site",),
        ("report", "oral"),
        "Choose building materials by their embodied carbon, durability and reuse potential.",
        [
            (
                "Compare building materials by their environmental impact.",
                ["sustainable building materials", "assess environmental impact"],
            )
        ],
    ),
    (
        "Solar energy systems for buildings",
        "HRW",
        ("JMU",),
        F,
        False,
        5,
        135,
        6,
        (GREEN, STEM),
        ("en", "de"),
        ("blended",),
        ("written", "professional_product"),
        "Size, simulate and evaluate photovoltaic and solar thermal systems for buildings.",
        [("Design a solar energy system for a building.", ["solar energy", "energy efficiency"])],
    ),
    (
        "Water policies in a changing climate",
        "UU",
        (),
        F,
        False,
        2,
        56,
        7,
        (GREEN, EUROPE),
        ("en",),
        ("online",),
        ("report",),
        "European water policy and how regions adapt it to drought and flooding.",
        [("Analyse a regional water policy.", ["water policies", "climate change impact"])],
    ),
    (
        "Biodiversity action planning",
        "ÅAU",
        ("UiB",),
        F,
        False,
        3,
        80,
        7,
        (GREEN,),
        ("en", "sv"),
        ("blended",),
        ("report",),
        "Write and monitor a biodiversity action plan for a campus or a municipality.",
        [("Implement a biodiversity action plan.", ["implement biodiversity action plans", "safeguard biodiversity"])],
    ),
    (
        "Green logistics",
        "JMU",
        ("UM",),
        F,
        False,
        3,
        84,
        6,
        (GREEN, BUSINESS),
        ("en", "de"),
        ("online",),
        ("written",),
        "Reduce the emissions of transport and warehousing without losing service.",
        [("Plan lower-emission logistics for a company.", ["green logistics"])],
    ),
    (
        "Sustainable finance",
        "UM",
        ("TCD",),
        F,
        False,
        4,
        110,
        7,
        (GREEN, BUSINESS),
        ("en", "fr"),
        ("online",),
        ("written", "report"),
        "Green bonds, the EU taxonomy and climate risk in investment decisions.",
        [
            ("Assess an investment against sustainability criteria.", ["sustainable finance", "financial analysis"]),
            ("Evaluate the climate risks of a portfolio and its green bonds.", ["risk management", "green bonds"]),
        ],
    ),
    (
        "Machine learning for scientists",
        "UiB",
        ("UU",),
        F,
        False,
        5,
        140,
        7,
        (STEM,),
        ("en",),
        ("online",),
        ("professional_product",),
        "Apply machine learning to research data responsibly and reproducibly.",
        [
            (
                "Train and evaluate a machine learning model on research data.",
                ["machine learning", "Python (computer programming)", "data mining"],
            )
        ],
    ),
    (
        "Data analytics for public policy",
        "TCD",
        ("ELTE",),
        F,
        False,
        4,
        110,
        7,
        (STEM, TRANSVERSAL),
        ("en",),
        ("online",),
        ("report",),
        "Use data analytics to inform and evaluate public policies.",
        [
            ("Perform a data analysis to support a policy decision.", ["data analytics", "perform data analysis"]),
            (
                "Interpret the results with statistics and report them to decision-makers.",
                ["interpret current data", "apply statistical analysis techniques", "report analysis results"],
            ),
        ],
    ),
    (
        "Research data management and open science",
        "UU",
        ("UiB", "TCD"),
        F,
        False,
        2,
        56,
        8,
        (STEM, TRANSVERSAL),
        ("en",),
        ("online",),
        ("portfolio",),
        "Plan, document and share research data following the FAIR principles.",
        [
            ("Write a data management plan for a research project.", ["manage research data", "data protection"]),
            ("Define quality criteria for research data.", ["define data quality criteria", "manage data"]),
        ],
    ),
    (
        "Cyber security essentials for organisations",
        "JMU",
        (),
        F,
        False,
        3,
        84,
        6,
        (STEM,),
        ("en", "de"),
        ("blended",),
        ("written",),
        "Protect an organisation's information systems and respond to incidents.",
        [("Assess the security of an organisation's information systems.", ["cyber security"])],
    ),
    (
        "Cloud technologies for research computing",
        "ÅAU",
        ("UiB",),
        F,
        False,
        3,
        80,
        6,
        (STEM,),
        ("en", "fi"),
        ("online",),
        ("professional_product",),
        "Run research workloads in the cloud: storage, computing and costs.",
        [("Deploy a research workflow in the cloud.", ["cloud technologies", "manage cloud data and storage"])],
    ),
    (
        "Environmental impact assessment and remediation",
        "UM",
        ("UB",),
        F,
        False,
        5,
        135,
        7,
        (GREEN, STEM),
        ("en", "fr"),
        ("blended",),
        ("report", "oral"),
        "Audit an industrial site, assess its impact on soil, water and air, and plan its remediation.",
        [
            (
                "Carry out an environmental audit of an industrial site.",
                ["carry out environmental audits", "conduct environmental surveys", "collect samples for analysis"],
            ),
            (
                "Propose the remediation of contaminated soil and water.",
                [
                    "develop environmental remediation strategies",
                    "advise on environmental remediation",
                    "investigate contamination",
                ],
            ),
            (
                "Assess a project against pollution legislation.",
                ["pollution legislation", "pollution prevention", "assess environmental impact"],
            ),
        ],
    ),
    (
        "Environmental management systems",
        "UU",
        ("ELTE",),
        F,
        False,
        3,
        80,
        6,
        (GREEN, BUSINESS),
        ("en", "nl"),
        ("online",),
        ("report",),
        "Set up and audit an environmental management system (ISO 14001, EMAS) in an organisation.",
        [
            (
                "Set up an environmental management system for an organisation.",
                ["manage environmental management system", "environmental policy", "coordinate environmental efforts"],
            ),
            (
                "Keep an organisation compliant with environmental legislation.",
                ["ensure compliance with environmental legislation", "carry out training in environmental matters"],
            ),
        ],
    ),
    (
        "Databases and SQL for data analysis",
        "ELTE",
        ("UiB",),
        F,
        False,
        4,
        105,
        6,
        (STEM,),
        ("en", "hu"),
        ("online",),
        ("professional_product",),
        "Model, query and clean relational data for analysis.",
        [
            (
                "Model and query a relational database.",
                ["use databases", "query languages", "data models", "normalise data"],
            ),
            (
                "Assess the quality of a data set and clean it.",
                ["data quality assessment", "perform data cleansing", "implement data quality processes"],
            ),
        ],
    ),
    (
        "Business intelligence and data visualisation",
        "HRW",
        ("JMU",),
        F,
        False,
        3,
        84,
        6,
        (STEM, BUSINESS),
        ("en", "de"),
        ("online",),
        ("professional_product",),
        "Turn an organisation's data into dashboards and decisions.",
        [
            (
                "Build a dashboard that answers a business question.",
                ["business intelligence", "visual presentation techniques", "deliver visual presentation of data"],
            ),
            ("Mine a data set for patterns and interpret them.", ["perform data mining", "interpret current data"]),
        ],
    ),
    (
        "Principles of artificial intelligence and society",
        "UB",
        ("UU",),
        F,
        False,
        2,
        56,
        6,
        (STEM, EUROPE),
        ("en", "es", "ca"),
        ("online",),
        ("reflection",),
        "What artificial intelligence can and cannot do, and the ethical questions it raises in Europe.",
        [("Explain the principles of artificial intelligence.", ["principles of artificial intelligence", "ethics"])],
    ),
    (
        "Energy-saving digital twins of production lines",
        "JMU",
        ("ÅAU",),
        F,
        False,
        4,
        110,
        7,
        (STEM, GREEN),
        ("en",),
        ("blended",),
        ("professional_product", "oral"),
        "Build and validate a digital twin of a production line to save energy.",
        [("Build a digital twin of a production line.", ["perform virtual simulation", "production processes"])],
    ),
    (
        "Entrepreneurship for scientists",
        "UU",
        ("TCD",),
        F,
        False,
        2,
        56,
        7,
        (BUSINESS,),
        ("en",),
        ("blended",),
        ("report", "oral"),
        "Turn a research result into a venture: business models, funding and intellectual property.",
        [("Write a business model canvas for a research result.", ["business model", "develop business plans"])],
    ),
    (
        "Design thinking and innovation",
        "ELTE",
        ("UM",),
        F,
        False,
        3,
        80,
        6,
        (BUSINESS, TRANSVERSAL),
        ("en", "hu"),
        ("on_site",),
        ("portfolio",),
        "Use design thinking to frame problems and test ideas with users.",
        [("Apply design thinking to a real challenge.", ["design thinking", "think creatively"])],
    ),
    (
        "Project management for international teams",
        "HRW",
        ("UB",),
        F,
        False,
        3,
        84,
        6,
        (BUSINESS, TRANSVERSAL),
        ("en", "de"),
        ("online",),
        ("report",),
        "Plan, run and close projects with partners in several countries.",
        [("Manage a project with an international team.", ["project management", "manage budgets"])],
    ),
    (
        "Intellectual property for innovators",
        "TCD",
        (),
        F,
        False,
        2,
        50,
        7,
        (BUSINESS,),
        ("en",),
        ("online",),
        ("written",),
        "Patents, copyright and licensing for people who create new products.",
        [("Advise on the protection of an invention.", ["intellectual property law", "innovation processes"])],
    ),
    (
        "Hungarian for international researchers",
        "ELTE",
        (),
        F,
        False,
        3,
        80,
        5,
        (EUROPE,),
        ("hu", "en"),
        ("online",),
        ("written", "oral"),
        "Everyday Hungarian for researchers and staff who move to Hungary.",
        [("Hold everyday conversations in Hungarian.", ["Hungarian"])],
    ),
    (
        "Spanish for academic mobility",
        "UB",
        (),
        F,
        False,
        3,
        80,
        4,
        (EUROPE,),
        ("es",),
        ("blended",),
        ("written", "oral"),
        "Spanish for students and staff on a mobility stay in Spain.",
        [("Communicate in Spanish in academic settings.", ["Spanish"])],
    ),
    (
        "Gender in research and innovation",
        "UiB",
        ("UU",),
        F,
        False,
        2,
        56,
        8,
        (EUROPE, TRANSVERSAL),
        ("en", "no"),
        ("online",),
        ("reflection",),
        "Integrate the gender dimension in research design and teams.",
        [("Integrate the gender dimension in a research plan.", ["integrate gender dimension in research"])],
    ),
    (
        "Human rights in European societies",
        "UU",
        ("ELTE", "UB"),
        F,
        False,
        4,
        110,
        7,
        (EUROPE,),
        ("en",),
        ("online",),
        ("report", "oral"),
        "How human rights are protected and promoted across the European Union.",
        [("Analyse a human rights issue in a European society.", ["promote human rights", "think critically"])],
    ),
    # Non-formal micro-credentials and participation badges (issued centrally by the alliance).
    (
        "Green Campus Hackathon",
        "UM",
        ("ELTE",),
        NF,
        True,
        None,
        16,
        None,
        (GREEN, BUSINESS),
        ("en",),
        ("on_site",),
        (),
        "Two days of prototyping solutions for a greener campus with students of several universities.",
        [("Work in a team on a campus sustainability challenge.", ["teamwork principles", "Prototyping development"])],
    ),
    (
        "Intercultural teamwork workshop",
        "ÅAU",
        ("UiB",),
        NF,
        True,
        None,
        8,
        None,
        (TRANSVERSAL, EUROPE),
        ("en",),
        ("online",),
        (),
        "A workshop on working well in teams of many cultures and languages.",
        [("Show intercultural awareness in teamwork.", ["show intercultural awareness", "work in teams"])],
    ),
    (
        "Science communication bootcamp",
        "TCD",
        ("UU",),
        NF,
        False,
        None,
        30,
        None,
        (TRANSVERSAL,),
        ("en",),
        ("blended",),
        ("oral",),
        "Explain research to non-specialists in talks, posts and interviews.",
        [("Communicate research results to non-specialists.", ["communication", "social media marketing techniques"])],
    ),
    (
        "Inclusive teaching in diverse classrooms",
        "UB",
        ("HRW",),
        NF,
        False,
        None,
        25,
        None,
        (TRANSVERSAL,),
        ("en", "es"),
        ("online",),
        ("reflection",),
        "Adapt teaching to learners of different backgrounds and needs.",
        [("Adapt teaching to diverse learners.", ["promote inclusion", "coaching techniques"])],
    ),
    (
        "Mental health first steps for student mentors",
        "HRW",
        (),
        NF,
        True,
        None,
        6,
        None,
        (TRANSVERSAL,),
        ("de", "en"),
        ("on_site",),
        (),
        "Recognise signs of distress and support peers in finding help.",
        [("Promote mental health among peers.", ["promote mental health"])],
    ),
]

OVERVIEWS = [
    (
        "Green skills: sustainability and climate change",
        "content_area",
        GREEN,
        "<h2>Why green skills</h2><p>The alliance puts sustainability and climate change at the heart of its offer. "
        "These micro-credentials cover the circular economy, climate adaptation, energy and biodiversity.</p>"
        "<ul><li>Formal micro-credentials with ECTS credits and an EQF level</li><li>Challenge-based learning with "
        "real partners</li></ul>",
        ["Circular economy for product designers", "Climate adaptation in Mediterranean cities"],
    ),
    (
        "Digital and technology skills",
        "content_area",
        STEM,
        "<h2>Digital skills for research and work</h2><p>Data analysis, machine learning, cloud computing and "
        "cyber security, taught by several member universities.</p>",
        ["Machine learning for scientists"],
    ),
    (
        "Participation badges",
        "participation_badge",
        None,
        "<p>Participation badges recognise taking part in a hackathon, a workshop or a summer activity. "
        "They are issued centrally by the alliance.</p>",
        ["Green Campus Hackathon"],
    ),
]


def _institution(short: str) -> Institution:
    return Institution.objects.get(short_name=short)


def _skills(labels) -> list[EscoSkill]:
    found = []
    for label in labels:
        skill = EscoSkill.objects.filter(preferred_label__iexact=label).order_by("pk").first()
        if skill is not None:
            found.append(skill)
    return found


def _actor():
    User = get_user_model()
    return (
        User.objects.filter(email="communication@demo.microcred.eu").first()
        or User.objects.filter(is_superuser=True).order_by("pk").first()
        or User.objects.filter(role_assignments__role="alliance_admin").order_by("pk").first()
    )


@transaction.atomic
def load_demo_catalogue() -> int:
    """Publish the demo micro-credentials and overviews that do not exist yet; return how many were new."""
    actor = _actor()
    areas = {a.slug: a for a in ContentArea.objects.all()}
    created = 0
    base_date = timezone.now() - dt.timedelta(days=400)
    for n, row in enumerate(CATALOGUE):
        (
            title,
            inst,
            co_leads,
            kind,
            badge,
            ects,
            hours,
            eqf,
            area_slugs,
            languages,
            forms,
            assessments,
            description,
            outcomes,
        ) = row
        if MicroCredential.objects.filter(versions__title=title).exists():
            continue
        institution = _institution(inst)
        formal = kind == "formal"
        services.publish_imported_micro_credential(
            actor=actor,
            title=title,
            awarding_institution=institution,
            co_leads=[_institution(s) for s in co_leads],
            kind=kind,
            credential_type="participation_badge" if badge else "micro_credential",
            ects=ects,
            hours=hours,
            eqf_level=eqf,
            assessment_types=list(assessments),
            forms_of_participation=list(forms),
            languages=list(languages),
            content_areas=[areas[s] for s in area_slugs if s in areas],
            description=description,
            learning_outcomes=[(text, _skills(labels)) for text, labels in outcomes],
            quality_assurance=(
                f"Accredited by {institution.name} under its internal quality assurance (ESG); approved by the "
                "alliance's Academic Council."
                if formal
                else "Approved by the alliance's Academic Council; evaluated by a post-delivery learner survey."
            ),
            prerequisites="A bachelor's degree or equivalent professional experience."
            if formal and (eqf or 0) >= 7
            else "",
            supervised_assessment=formal,
            identity_verified=formal,
            stackability=(
                "Stackable towards the alliance's pathways; recognised as elective credits by the member universities."
                if formal
                else "Stand-alone."
            ),
            further_information="Taught by staff of several member universities with challenge-based learning.",
            completion_criteria="Take part in every session." if badge else "",
            target_groups="Students, graduates and professionals across Europe.",
            approval_note="Approved by the Academic Council before the platform was in use (demo record).",
            approved_at=base_date + dt.timedelta(days=7 * n),
        )
        created += 1
    if actor is not None and permissions.can_manage_category_overviews(actor):
        for title, scope, area_slug, body, featured_titles in OVERVIEWS:
            from django.utils.text import slugify

            if CategoryOverview.objects.filter(slug=slugify(title)).exists():
                continue
            featured = list(MicroCredential.objects.filter(versions__title__in=featured_titles).distinct())
            overview = services.create_category_overview(
                user=actor,
                title=title,
                slug=slugify(title),
                body=body,
                scope=scope,
                content_area=areas.get(area_slug) if area_slug else None,
                language="en",
                featured=featured,
            )
            services.set_category_overview_published(user=actor, overview_id=overview.pk, published=True)
            created += 1
    return created


# The step of `manage.py load_demo_data` (microcred.core.demo) that loads this app's demo data.
DEMO_STEPS = [
    DemoStep(30, "Demo catalogue: {}.", load_demo_catalogue),
]
