"""Learning outcomes for measuring the skill suggestions (issue #13), in the style of university micro-credentials.

EVALUATION is held out: written before any suggestion was seen, judged blind (`pool.py` -> `judgments.tsv`) and
never used to choose a setting. TUNING is a separate, smaller set on which the settings (text templates, fusion
depth and weights) were tried. Six fields, six evaluation outcomes each.
"""

EVALUATION: list[tuple[str, str, str]] = [
    # (id, field, outcome)
    (
        "sus1",
        "sustainability",
        "Explain the principles of the circular economy and identify opportunities to reduce waste in a production process.",
    ),
    (
        "sus2",
        "sustainability",
        "Assess the environmental impact of a construction project and propose mitigation measures.",
    ),
    (
        "sus3",
        "sustainability",
        "Design a renewable energy system for a small community using solar panels and battery storage.",
    ),
    ("sus4", "sustainability", "Evaluate water management strategies for agriculture in regions affected by drought."),
    ("sus5", "sustainability", "Communicate climate change risks to local policy makers and the public."),
    ("sus6", "sustainability", "Monitor biodiversity in urban green spaces using field survey methods."),
    ("dig1", "digital", "Clean, transform and visualise a dataset with Python to answer a business question."),
    ("dig2", "digital", "Train and evaluate a supervised machine learning model and explain its limitations."),
    (
        "dig3",
        "digital",
        "Identify common cyber security threats and apply basic measures to protect an organisation's network.",
    ),
    (
        "dig4",
        "digital",
        "Build a responsive web page with HTML, CSS and JavaScript that meets accessibility guidelines.",
    ),
    (
        "dig5",
        "digital",
        "Apply the principles of the General Data Protection Regulation when processing personal data.",
    ),
    ("dig6", "digital", "Use version control with Git to collaborate on a software project."),
    ("bus1", "business", "Develop a business plan for a start-up, including a market analysis and financial forecast."),
    ("bus2", "business", "Apply project management methods to plan, schedule and monitor a project with a team."),
    ("bus3", "business", "Negotiate a contract with a supplier and resolve disagreements constructively."),
    ("bus4", "business", "Design a digital marketing campaign using social media and measure its results."),
    ("bus5", "business", "Prepare and interpret the financial statements of a small company."),
    ("bus6", "business", "Lead a diverse team and motivate its members to reach shared goals."),
    ("hea1", "health", "Provide first aid to a person who has lost consciousness or is bleeding."),
    ("hea2", "health", "Explain the principles of healthy nutrition and design a balanced diet plan."),
    ("hea3", "health", "Communicate with patients and their families with empathy about their treatment."),
    ("hea4", "health", "Apply infection prevention and control procedures in a hospital ward."),
    ("hea5", "health", "Support the mental health and wellbeing of students in a school setting."),
    ("hea6", "health", "Analyse epidemiological data to describe the spread of a disease in a population."),
    (
        "edu1",
        "education",
        "Design a lesson plan with learning objectives, activities and assessment for secondary school pupils.",
    ),
    ("edu2", "education", "Use digital tools to teach an online course and keep learners engaged."),
    ("edu3", "education", "Give constructive feedback to learners on their written work."),
    ("edu4", "education", "Adapt teaching to the needs of pupils with special educational needs."),
    ("edu5", "education", "Write an academic research paper and cite sources correctly."),
    ("edu6", "education", "Present research findings clearly to a non-specialist audience."),
    ("eng1", "engineering", "Create technical drawings of mechanical parts with computer-aided design software."),
    ("eng2", "engineering", "Apply quality control methods to inspect products on a manufacturing line."),
    ("eng3", "engineering", "Program a microcontroller to read sensors and control a motor."),
    ("eng4", "engineering", "Carry out a risk assessment of workplace health and safety hazards in a factory."),
    ("eng5", "engineering", "Plan the logistics of a supply chain to deliver goods on time and at low cost."),
    ("eng6", "engineering", "Design an electrical circuit and test it with measuring instruments."),
]

TUNING: list[tuple[str, str, str]] = [
    ("t-sus1", "sustainability", "Calculate the energy performance of a building and recommend improvements."),
    ("t-sus2", "sustainability", "Advise a company on sustainable sourcing of raw materials."),
    ("t-dig1", "digital", "Write SQL queries to retrieve and aggregate data from a relational database."),
    ("t-dig2", "digital", "Configure and manage virtual servers in a cloud computing environment."),
    ("t-bus1", "business", "Pitch a business idea persuasively to potential investors."),
    ("t-bus2", "business", "Analyse customer needs through interviews and surveys."),
    ("t-hea1", "health", "Measure vital signs such as blood pressure and heart rate."),
    ("t-hea2", "health", "Promote physical activity to prevent chronic diseases."),
    ("t-edu1", "education", "Hold a conversation in Spanish on everyday topics at level B1."),
    ("t-edu2", "education", "Facilitate group discussions and collaborative learning activities."),
    ("t-eng1", "engineering", "Maintain industrial machines and diagnose their faults."),
    ("t-eng2", "engineering", "Select suitable materials for a product based on their mechanical properties."),
]

FIELDS = ["sustainability", "digital", "business", "health", "education", "engineering"]
