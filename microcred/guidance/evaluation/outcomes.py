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
    # Twelve more tuning outcomes, added with the second round of tuning (issue #13 item 1).
    ("t-sus3", "sustainability", "Plan the collection and recycling of household waste in a municipality."),
    ("t-sus4", "sustainability", "Explain how air pollution affects human health and how it is measured."),
    ("t-dig3", "digital", "Test a software application and report the defects found."),
    ("t-dig4", "digital", "Design the user interface of a mobile app based on user research."),
    ("t-bus3", "business", "Draft a marketing strategy for launching a new product."),
    ("t-bus4", "business", "Recruit and interview candidates for a job opening."),
    ("t-hea3", "health", "Give an injection safely and record it in the patient's file."),
    ("t-hea4", "health", "Advise older people on preventing falls at home."),
    ("t-edu3", "education", "Assess pupils' progress with tests and observation and report it to parents."),
    ("t-edu4", "education", "Teach reading and writing to adults with low literacy."),
    ("t-eng3", "engineering", "Operate a 3D printer to produce prototypes of plastic parts."),
    ("t-eng4", "engineering", "Install and test the wiring of a building's lighting system."),
]

# A second held-out set (issue #13 item 1), written after the first one had been seen while tuning, and before any
# suggestion for these outcomes was seen; judged blind (`pool.py --set new` -> `new-judgments.tsv`); never tuned on.
NEW: list[tuple[str, str, str]] = [
    ("n-sus1", "sustainability", "Measure the carbon footprint of a university campus and propose ways to reduce it."),
    ("n-sus2", "sustainability", "Explain how forests store carbon and how sustainable forestry protects them."),
    ("n-sus3", "sustainability", "Audit the energy use of a small business and recommend energy savings."),
    ("n-sus4", "sustainability", "Design a green roof that retains rainwater and supports insects."),
    ("n-sus5", "sustainability", "Apply environmental legislation when granting a permit for an industrial site."),
    ("n-sus6", "sustainability", "Organise a community campaign that encourages people to cycle instead of drive."),
    ("n-dig1", "digital", "Write a Python program that reads a CSV file and produces summary statistics."),
    ("n-dig2", "digital", "Set up and administer a Linux server and its user accounts."),
    ("n-dig3", "digital", "Design a data warehouse and build dashboards for managers."),
    ("n-dig4", "digital", "Evaluate the ethical risks of using artificial intelligence in public services."),
    ("n-dig5", "digital", "Develop a simple mobile application for Android."),
    ("n-dig6", "digital", "Protect personal devices from malware and phishing attacks."),
    ("n-bus1", "business", "Calculate the cost price of a product and set a selling price."),
    ("n-bus2", "business", "Handle customer complaints politely and find a solution."),
    ("n-bus3", "business", "Manage the stock of a retail shop and reorder goods in time."),
    ("n-bus4", "business", "Prepare an annual budget for a non-profit organisation."),
    ("n-bus5", "business", "Write a persuasive grant application to obtain funding for a project."),
    ("n-bus6", "business", "Conduct market research to estimate demand for a new service."),
    ("n-hea1", "health", "Assist elderly people with their daily personal care."),
    ("n-hea2", "health", "Explain the risks of smoking and support a person who wants to quit."),
    ("n-hea3", "health", "Prepare and administer medication according to a doctor's prescription."),
    ("n-hea4", "health", "Recognise the signs of depression and refer the person to professional help."),
    ("n-hea5", "health", "Plan a physical training programme for an amateur athlete."),
    ("n-hea6", "health", "Keep accurate and confidential health records of patients."),
    ("n-edu1", "education", "Teach mathematics to primary school children using games."),
    ("n-edu2", "education", "Write clear instructions and a short report in English for colleagues."),
    ("n-edu3", "education", "Mentor a new teacher during their first year at school."),
    ("n-edu4", "education", "Moderate a debate between students with opposing opinions."),
    ("n-edu5", "education", "Design an e-learning module with videos and quizzes."),
    ("n-edu6", "education", "Translate a technical text from French into English."),
    ("n-eng1", "engineering", "Calculate the loads on a steel beam and check that it is safe."),
    ("n-eng2", "engineering", "Weld metal parts together following safety rules."),
    ("n-eng3", "engineering", "Survey a plot of land and draw a site plan."),
    ("n-eng4", "engineering", "Install and maintain heat pumps in houses."),
    ("n-eng5", "engineering", "Program an industrial robot to pick and place parts."),
    ("n-eng6", "engineering", "Inspect a bridge for damage and plan its repair."),
]

FIELDS = ["sustainability", "digital", "business", "health", "education", "engineering"]

# Translations of twelve evaluation outcomes (two a field) into the alliance's other languages (issue #13 item 2),
# made by the judge from the English before any suggestion for them was seen. An outcome keeps its English id after
# the language ("es:sus1"): a skill's grade for the English outcome holds for its translation (same meaning), and the
# pairs not graded yet are judged blind in `language-judgments.tsv` (`pool.py --set languages`).
TRANSLATED = ("sus1", "sus5", "dig1", "dig3", "bus2", "bus6", "hea1", "hea3", "edu1", "edu6", "eng2", "eng4")
TRANSLATIONS: dict[str, dict[str, str]] = {
    "es": {
        "sus1": "Explicar los principios de la economía circular e identificar oportunidades para reducir los residuos "
        "en un proceso de producción.",
        "sus5": "Comunicar los riesgos del cambio climático a los responsables políticos locales y al público.",
        "dig1": "Limpiar, transformar y visualizar un conjunto de datos con Python para responder a una pregunta de "
        "negocio.",
        "dig3": "Identificar las amenazas de ciberseguridad más comunes y aplicar medidas básicas para proteger la red "
        "de una organización.",
        "bus2": "Aplicar métodos de gestión de proyectos para planificar, programar y supervisar un proyecto con un "
        "equipo.",
        "bus6": "Dirigir un equipo diverso y motivar a sus miembros para alcanzar objetivos comunes.",
        "hea1": "Prestar primeros auxilios a una persona que ha perdido el conocimiento o que sangra.",
        "hea3": "Comunicarse con empatía con los pacientes y sus familias sobre su tratamiento.",
        "edu1": "Diseñar un plan de clase con objetivos de aprendizaje, actividades y evaluación para alumnos de "
        "educación secundaria.",
        "edu6": "Presentar con claridad los resultados de una investigación a un público no especializado.",
        "eng2": "Aplicar métodos de control de calidad para inspeccionar productos en una línea de fabricación.",
        "eng4": "Realizar una evaluación de riesgos laborales en materia de salud y seguridad en una fábrica.",
    },
    "fr": {
        "sus1": "Expliquer les principes de l'économie circulaire et identifier des possibilités de réduire les "
        "déchets dans un processus de production.",
        "sus5": "Communiquer les risques liés au changement climatique aux décideurs politiques locaux et au public.",
        "dig1": "Nettoyer, transformer et visualiser un jeu de données avec Python pour répondre à une question métier.",
        "dig3": "Identifier les menaces de cybersécurité courantes et appliquer des mesures de base pour protéger le "
        "réseau d'une organisation.",
        "bus2": "Appliquer des méthodes de gestion de projet pour planifier, ordonnancer et suivre un projet avec une "
        "équipe.",
        "bus6": "Diriger une équipe diversifiée et motiver ses membres pour atteindre des objectifs communs.",
        "hea1": "Porter les premiers secours à une personne qui a perdu connaissance ou qui saigne.",
        "hea3": "Communiquer avec empathie avec les patients et leur famille au sujet de leur traitement.",
        "edu1": "Concevoir un plan de cours avec des objectifs d'apprentissage, des activités et une évaluation pour "
        "des élèves du secondaire.",
        "edu6": "Présenter clairement des résultats de recherche à un public non spécialiste.",
        "eng2": "Appliquer des méthodes de contrôle qualité pour inspecter des produits sur une ligne de fabrication.",
        "eng4": "Réaliser une évaluation des risques pour la santé et la sécurité au travail dans une usine.",
    },
    "nl": {
        "sus1": "De principes van de circulaire economie uitleggen en kansen herkennen om afval in een productieproces "
        "te verminderen.",
        "sus5": "De risico's van klimaatverandering communiceren aan lokale beleidsmakers en het publiek.",
        "dig1": "Een dataset met Python opschonen, transformeren en visualiseren om een bedrijfsvraag te beantwoorden.",
        "dig3": "Veelvoorkomende cyberdreigingen herkennen en basismaatregelen toepassen om het netwerk van een "
        "organisatie te beveiligen.",
        "bus2": "Projectmanagementmethoden toepassen om met een team een project te plannen, in te roosteren en te "
        "bewaken.",
        "bus6": "Een divers team leiden en de leden motiveren om gezamenlijke doelen te bereiken.",
        "hea1": "Eerste hulp verlenen aan iemand die het bewustzijn heeft verloren of bloedt.",
        "hea3": "Met empathie met patiënten en hun familie communiceren over hun behandeling.",
        "edu1": "Een lesplan ontwerpen met leerdoelen, activiteiten en toetsing voor leerlingen in het voortgezet "
        "onderwijs.",
        "edu6": "Onderzoeksresultaten helder presenteren aan een niet-gespecialiseerd publiek.",
        "eng2": "Kwaliteitscontrolemethoden toepassen om producten op een productielijn te inspecteren.",
        "eng4": "Een risico-inventarisatie van gezondheids- en veiligheidsrisico's op de werkplek in een fabriek "
        "uitvoeren.",
    },
    "hu": {
        "sus1": "Ismertesse a körforgásos gazdaság alapelveit, és azonosítsa a hulladékcsökkentés lehetőségeit egy "
        "gyártási folyamatban.",
        "sus5": "Kommunikálja az éghajlatváltozás kockázatait a helyi döntéshozók és a nyilvánosság felé.",
        "dig1": "Tisztítson meg, alakítson át és jelenítsen meg egy adathalmazt Pythonnal egy üzleti kérdés "
        "megválaszolásához.",
        "dig3": "Azonosítsa a gyakori kiberbiztonsági fenyegetéseket, és alkalmazzon alapvető intézkedéseket egy "
        "szervezet hálózatának védelmére.",
        "bus2": "Alkalmazzon projektmenedzsment-módszereket egy projekt csapattal történő megtervezésére, "
        "ütemezésére és nyomon követésére.",
        "bus6": "Vezessen egy sokszínű csapatot, és motiválja tagjait a közös célok elérésére.",
        "hea1": "Nyújtson elsősegélyt egy eszméletét vesztett vagy vérző személynek.",
        "hea3": "Kommunikáljon empátiával a betegekkel és családjukkal a kezelésükről.",
        "edu1": "Tervezzen óratervet tanulási célokkal, tevékenységekkel és értékeléssel középiskolás tanulók számára.",
        "edu6": "Mutassa be érthetően a kutatási eredményeket nem szakmabeli közönségnek.",
        "eng2": "Alkalmazzon minőségellenőrzési módszereket a termékek gyártósoron történő vizsgálatára.",
        "eng4": "Végezzen munkahelyi egészségvédelmi és biztonsági kockázatértékelést egy gyárban.",
    },
}


def translated_outcomes(language: str) -> list[tuple[str, str, str]]:
    """The translated evaluation outcomes of one language as (id "es:sus1", field, text)."""
    fields = {oid: field for oid, field, _text in EVALUATION}
    return [(f"{language}:{oid}", fields[oid], TRANSLATIONS[language][oid]) for oid in TRANSLATED]
