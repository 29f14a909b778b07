"""The default questionnaires (policy 7.25): one for learners (content, teaching, workload against the ECTS
credits, assessment, would they recommend it, what for, comments) and one for teaching staff (delivery,
collaboration between the universities, resources, support, comments). In English and the other interface languages
(Spanish, French, Dutch, Hungarian, German, Catalan, Swedish, Finnish, Norwegian Bokmål); the quality office
edits them.

Used by the data migration (with its historical models) and whenever an audience has no template at all.
"""

from __future__ import annotations

LIKERT, SINGLE, MULTIPLE, TEXT = "likert", "single", "multiple", "text"

LEARNERS = [
    ("content", LIKERT, True, "The content matched the learning outcomes announced for this micro-credential.", []),
    ("teaching", LIKERT, True, "The teaching helped me reach the learning outcomes.", []),
    (
        "workload",
        SINGLE,
        True,
        "Compared with the ECTS credits announced (25 to 30 hours of work per credit), the workload was:",
        ["Much lighter", "A little lighter", "About right", "A little heavier", "Much heavier"],
    ),
    ("assessment", LIKERT, True, "The assessment fairly tested what I had learned.", []),
    ("recommend", LIKERT, True, "I would recommend this micro-credential to others.", []),
    (
        "use",
        MULTIPLE,
        False,
        "What will you use this micro-credential for?",
        ["My current job", "Finding a new job", "Further study", "Personal interest"],
    ),
    ("comments", TEXT, False, "What should be kept, and what improved? Any other comments.", []),
]
STAFF = [
    ("delivery", LIKERT, True, "The offering was delivered as planned (dates, format, content, assessment).", []),
    ("collaboration", LIKERT, True, "Collaboration between the universities involved worked well.", []),
    ("resources", LIKERT, True, "The resources were sufficient (staff time, rooms, learning platform, support).", []),
    (
        "support",
        MULTIPLE,
        False,
        "Which support would have helped most?",
        ["Teaching and learning support", "The learning platform", "Communication and marketing", "Administration"],
    ),
    ("comments", TEXT, False, "What should be kept, and what improved? Any other comments.", []),
]

# The other interface languages (each text falls back to English where one is missing).
TRANSLATIONS = {
    "The content matched the learning outcomes announced for this micro-credential.": {
        "es": "El contenido se correspondía con los resultados de aprendizaje anunciados para esta microcredencial.",
        "fr": "Le contenu correspondait aux acquis d'apprentissage annoncés pour cette micro-certification.",
        "nl": "De inhoud kwam overeen met de aangekondigde leerresultaten van deze microcredential.",
        "hu": "A tartalom megfelelt a mikrotanúsítványhoz meghirdetett tanulási eredményeknek.",
        "de": "Der Inhalt entsprach den für dieses Micro-Credential angekündigten Lernergebnissen.",
        "ca": "El contingut corresponia als resultats d'aprenentatge anunciats per a aquesta microcredencial.",
        "sv": "Innehållet motsvarade de lärandemål som angetts för denna mikromerit.",
        "fi": "Sisältö vastasi tälle mikrotutkinnolle ilmoitettuja osaamistavoitteita.",
        "nb": "Innholdet svarte til læringsutbyttet som var oppgitt for denne mikrokvalifikasjonen.",
    },
    "The teaching helped me reach the learning outcomes.": {
        "es": "La docencia me ayudó a alcanzar los resultados de aprendizaje.",
        "fr": "L'enseignement m'a aidé·e à atteindre les acquis d'apprentissage.",
        "nl": "Het onderwijs hielp me de leerresultaten te bereiken.",
        "hu": "Az oktatás segített elérni a tanulási eredményeket.",
        "de": "Die Lehre hat mir geholfen, die Lernergebnisse zu erreichen.",
        "ca": "La docència em va ajudar a assolir els resultats d'aprenentatge.",
        "sv": "Undervisningen hjälpte mig att nå lärandemålen.",
        "fi": "Opetus auttoi minua saavuttamaan osaamistavoitteet.",
        "nb": "Undervisningen hjalp meg å nå læringsutbyttet.",
    },
    "Compared with the ECTS credits announced (25 to 30 hours of work per credit), the workload was:": {
        "es": "En comparación con los créditos ECTS anunciados (de 25 a 30 horas de trabajo por crédito), la carga de trabajo fue:",
        "fr": "Par rapport aux crédits ECTS annoncés (25 à 30 heures de travail par crédit), la charge de travail était :",
        "nl": "Vergeleken met de aangekondigde ECTS-studiepunten (25 tot 30 uur werk per studiepunt) was de werklast:",
        "hu": "A meghirdetett ECTS-kreditekhez képest (kreditenként 25–30 óra munka) a munkaterhelés:",
        "de": "Im Vergleich zu den angekündigten ECTS-Punkten (25 bis 30 Arbeitsstunden je Punkt) war der Arbeitsaufwand:",
        "ca": "En comparació amb els crèdits ECTS anunciats (de 25 a 30 hores de treball per crèdit), la càrrega de treball va ser:",
        "sv": "Jämfört med de angivna ECTS-poängen (25 till 30 timmars arbete per poäng) var arbetsbelastningen:",
        "fi": "Ilmoitettuihin ECTS-opintopisteisiin (25–30 tuntia työtä opintopistettä kohden) verrattuna työmäärä oli:",
        "nb": "Sammenlignet med de oppgitte ECTS-studiepoengene (25 til 30 timers arbeid per studiepoeng) var arbeidsmengden:",
    },
    "Much lighter": {
        "es": "Mucho menor",
        "fr": "Beaucoup plus légère",
        "nl": "Veel lichter",
        "hu": "Sokkal kisebb",
        "de": "Viel geringer",
        "ca": "Molt més lleugera",
        "sv": "Mycket lägre",
        "fi": "Paljon kevyempi",
        "nb": "Mye lettere",
    },
    "A little lighter": {
        "es": "Algo menor",
        "fr": "Un peu plus légère",
        "nl": "Iets lichter",
        "hu": "Kicsit kisebb",
        "de": "Etwas geringer",
        "ca": "Una mica més lleugera",
        "sv": "Något lägre",
        "fi": "Hieman kevyempi",
        "nb": "Litt lettere",
    },
    "About right": {
        "es": "Adecuada",
        "fr": "Adaptée",
        "nl": "Ongeveer goed",
        "hu": "Nagyjából megfelelő",
        "de": "Angemessen",
        "ca": "Adequada",
        "sv": "Lagom",
        "fi": "Sopiva",
        "nb": "Passe",
    },
    "A little heavier": {
        "es": "Algo mayor",
        "fr": "Un peu plus lourde",
        "nl": "Iets zwaarder",
        "hu": "Kicsit nagyobb",
        "de": "Etwas höher",
        "ca": "Una mica més feixuga",
        "sv": "Något högre",
        "fi": "Hieman raskaampi",
        "nb": "Litt tyngre",
    },
    "Much heavier": {
        "es": "Mucho mayor",
        "fr": "Beaucoup plus lourde",
        "nl": "Veel zwaarder",
        "hu": "Sokkal nagyobb",
        "de": "Viel höher",
        "ca": "Molt més feixuga",
        "sv": "Mycket högre",
        "fi": "Paljon raskaampi",
        "nb": "Mye tyngre",
    },
    "The assessment fairly tested what I had learned.": {
        "es": "La evaluación valoró de forma justa lo que había aprendido.",
        "fr": "L'évaluation a mesuré équitablement ce que j'avais appris.",
        "nl": "De toetsing toetste eerlijk wat ik had geleerd.",
        "hu": "Az értékelés igazságosan mérte, amit megtanultam.",
        "de": "Die Prüfung hat fair erfasst, was ich gelernt hatte.",
        "ca": "L'avaluació va mesurar amb justícia el que havia après.",
        "sv": "Examinationen prövade på ett rättvist sätt vad jag hade lärt mig.",
        "fi": "Arviointi mittasi oikeudenmukaisesti sitä, mitä olin oppinut.",
        "nb": "Vurderingen prøvde på en rettferdig måte det jeg hadde lært.",
    },
    "I would recommend this micro-credential to others.": {
        "es": "Recomendaría esta microcredencial a otras personas.",
        "fr": "Je recommanderais cette micro-certification à d'autres personnes.",
        "nl": "Ik zou deze microcredential aan anderen aanbevelen.",
        "hu": "Másoknak is ajánlanám ezt a mikrotanúsítványt.",
        "de": "Ich würde dieses Micro-Credential anderen empfehlen.",
        "ca": "Recomanaria aquesta microcredencial a altres persones.",
        "sv": "Jag skulle rekommendera denna mikromerit till andra.",
        "fi": "Suosittelisin tätä mikrotutkintoa muille.",
        "nb": "Jeg vil anbefale denne mikrokvalifikasjonen til andre.",
    },
    "What will you use this micro-credential for?": {
        "es": "¿Para qué utilizará esta microcredencial?",
        "fr": "À quoi vous servira cette micro-certification ?",
        "nl": "Waarvoor ga je deze microcredential gebruiken?",
        "hu": "Mire fogja használni ezt a mikrotanúsítványt?",
        "de": "Wofür werden Sie dieses Micro-Credential nutzen?",
        "ca": "Per a què faràs servir aquesta microcredencial?",
        "sv": "Vad kommer du att använda denna mikromerit till?",
        "fi": "Mihin aiot käyttää tätä mikrotutkintoa?",
        "nb": "Hva skal du bruke denne mikrokvalifikasjonen til?",
    },
    "My current job": {
        "es": "Mi trabajo actual",
        "fr": "Mon emploi actuel",
        "nl": "Mijn huidige baan",
        "hu": "Jelenlegi munkám",
        "de": "Meine jetzige Arbeit",
        "ca": "La meva feina actual",
        "sv": "Mitt nuvarande arbete",
        "fi": "Nykyinen työni",
        "nb": "Min nåværende jobb",
    },
    "Finding a new job": {
        "es": "Encontrar un nuevo trabajo",
        "fr": "Trouver un nouvel emploi",
        "nl": "Een nieuwe baan vinden",
        "hu": "Új munka keresése",
        "de": "Eine neue Stelle finden",
        "ca": "Trobar una feina nova",
        "sv": "Att hitta ett nytt arbete",
        "fi": "Uuden työn löytäminen",
        "nb": "Å finne en ny jobb",
    },
    "Further study": {
        "es": "Seguir estudiando",
        "fr": "Poursuivre des études",
        "nl": "Verder studeren",
        "hu": "További tanulmányok",
        "de": "Weiteres Studium",
        "ca": "Continuar estudiant",
        "sv": "Vidare studier",
        "fi": "Jatko-opinnot",
        "nb": "Videre studier",
    },
    "Personal interest": {
        "es": "Interés personal",
        "fr": "Intérêt personnel",
        "nl": "Persoonlijke interesse",
        "hu": "Személyes érdeklődés",
        "de": "Persönliches Interesse",
        "ca": "Interès personal",
        "sv": "Personligt intresse",
        "fi": "Henkilökohtainen kiinnostus",
        "nb": "Personlig interesse",
    },
    "What should be kept, and what improved? Any other comments.": {
        "es": "¿Qué debería mantenerse y qué mejorarse? Otros comentarios.",
        "fr": "Que faut-il garder, et qu'améliorer ? Autres commentaires.",
        "nl": "Wat moet blijven en wat kan beter? Overige opmerkingen.",
        "hu": "Mit érdemes megtartani, és min kellene javítani? Egyéb megjegyzések.",
        "de": "Was sollte bleiben, was verbessert werden? Weitere Anmerkungen.",
        "ca": "Què s'hauria de mantenir i què s'hauria de millorar? Altres comentaris.",
        "sv": "Vad bör behållas och vad bör förbättras? Övriga kommentarer.",
        "fi": "Mitä kannattaa säilyttää ja mitä parantaa? Muita kommentteja.",
        "nb": "Hva bør beholdes, og hva bør forbedres? Andre kommentarer.",
    },
    "The offering was delivered as planned (dates, format, content, assessment).": {
        "es": "La edición se impartió según lo previsto (fechas, formato, contenido, evaluación).",
        "fr": "La session s'est déroulée comme prévu (dates, format, contenu, évaluation).",
        "nl": "Het aanbod werd uitgevoerd zoals gepland (data, vorm, inhoud, toetsing).",
        "hu": "A képzés a terv szerint valósult meg (időpontok, forma, tartalom, értékelés).",
        "de": "Das Angebot wurde wie geplant durchgeführt (Termine, Format, Inhalt, Prüfung).",
        "ca": "L'edició es va impartir tal com estava previst (dates, format, contingut, avaluació).",
        "sv": "Kurstillfället genomfördes som planerat (datum, format, innehåll, examination).",
        "fi": "Toteutus eteni suunnitellusti (päivämäärät, muoto, sisältö, arviointi).",
        "nb": "Tilbudet ble gjennomført som planlagt (datoer, format, innhold, vurdering).",
    },
    "Collaboration between the universities involved worked well.": {
        "es": "La colaboración entre las universidades participantes funcionó bien.",
        "fr": "La collaboration entre les universités concernées a bien fonctionné.",
        "nl": "De samenwerking tussen de betrokken universiteiten verliep goed.",
        "hu": "Az érintett egyetemek közötti együttműködés jól működött.",
        "de": "Die Zusammenarbeit zwischen den beteiligten Universitäten hat gut funktioniert.",
        "ca": "La col·laboració entre les universitats implicades va funcionar bé.",
        "sv": "Samarbetet mellan de deltagande universiteten fungerade väl.",
        "fi": "Yhteistyö mukana olleiden yliopistojen välillä toimi hyvin.",
        "nb": "Samarbeidet mellom de involverte universitetene fungerte godt.",
    },
    "The resources were sufficient (staff time, rooms, learning platform, support).": {
        "es": "Los recursos fueron suficientes (tiempo del personal, aulas, plataforma de aprendizaje, apoyo).",
        "fr": "Les ressources étaient suffisantes (temps du personnel, salles, plateforme d'apprentissage, soutien).",
        "nl": "De middelen waren toereikend (personeelstijd, lokalen, leerplatform, ondersteuning).",
        "hu": "Az erőforrások elegendők voltak (munkaidő, termek, tanulási platform, támogatás).",
        "de": "Die Ressourcen reichten aus (Arbeitszeit, Räume, Lernplattform, Unterstützung).",
        "ca": "Els recursos van ser suficients (temps del personal, aules, plataforma d'aprenentatge, suport).",
        "sv": "Resurserna räckte till (arbetstid, lokaler, lärplattform, stöd).",
        "fi": "Resurssit riittivät (henkilöstön työaika, tilat, oppimisalusta, tuki).",
        "nb": "Ressursene var tilstrekkelige (arbeidstid, rom, læringsplattform, støtte).",
    },
    "Which support would have helped most?": {
        "es": "¿Qué apoyo habría ayudado más?",
        "fr": "Quel soutien aurait le plus aidé ?",
        "nl": "Welke ondersteuning had het meest geholpen?",
        "hu": "Milyen támogatás segített volna a legtöbbet?",
        "de": "Welche Unterstützung hätte am meisten geholfen?",
        "ca": "Quin suport hauria ajudat més?",
        "sv": "Vilket stöd hade hjälpt mest?",
        "fi": "Mikä tuki olisi auttanut eniten?",
        "nb": "Hvilken støtte ville hjulpet mest?",
    },
    "Teaching and learning support": {
        "es": "Apoyo a la docencia y el aprendizaje",
        "fr": "Soutien à l'enseignement et à l'apprentissage",
        "nl": "Onderwijsondersteuning",
        "hu": "Oktatás- és tanulástámogatás",
        "de": "Unterstützung für Lehren und Lernen",
        "ca": "Suport a la docència i l'aprenentatge",
        "sv": "Stöd för undervisning och lärande",
        "fi": "Opetuksen ja oppimisen tuki",
        "nb": "Støtte til undervisning og læring",
    },
    "The learning platform": {
        "es": "La plataforma de aprendizaje",
        "fr": "La plateforme d'apprentissage",
        "nl": "Het leerplatform",
        "hu": "A tanulási platform",
        "de": "Die Lernplattform",
        "ca": "La plataforma d'aprenentatge",
        "sv": "Lärplattformen",
        "fi": "Oppimisalusta",
        "nb": "Læringsplattformen",
    },
    "Communication and marketing": {
        "es": "Comunicación y marketing",
        "fr": "Communication et marketing",
        "nl": "Communicatie en marketing",
        "hu": "Kommunikáció és marketing",
        "de": "Kommunikation und Marketing",
        "ca": "Comunicació i màrqueting",
        "sv": "Kommunikation och marknadsföring",
        "fi": "Viestintä ja markkinointi",
        "nb": "Kommunikasjon og markedsføring",
    },
    "Administration": {
        "es": "Administración",
        "fr": "Administration",
        "nl": "Administratie",
        "hu": "Adminisztráció",
        "de": "Verwaltung",
        "ca": "Administració",
        "sv": "Administration",
        "fi": "Hallinto",
        "nb": "Administrasjon",
    },
}


def texts(english: str) -> dict[str, str]:
    return {"en": english, **TRANSLATIONS.get(english, {})}


def slug(text):
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())[:40]


def create_default_templates(SurveyTemplate, TemplateVersion, Question, Choice) -> int:
    """Write the default template of each audience that has no template at all (given the model classes, so the
    data migration passes its historical ones). Returns how many were written."""
    written = 0
    for audience, name, questions in (
        ("learners", "Learners' evaluation of an offering", LEARNERS),
        ("staff", "Teaching staff's evaluation of an offering", STAFF),
    ):
        if SurveyTemplate.objects.filter(audience=audience).exists():
            continue
        template = SurveyTemplate.objects.create(audience=audience, name=name, is_default=True)
        written += 1
        version = TemplateVersion.objects.create(template=template, number=1)
        for position, (key, kind, required, text, options) in enumerate(questions, start=1):
            question = Question.objects.create(
                version=version, key=key, position=position, kind=kind, required=required, text=texts(text)
            )
            for n, label in enumerate(options, start=1):
                Choice.objects.create(question=question, key=slug(label), position=n, label_text=texts(label))
    return written
