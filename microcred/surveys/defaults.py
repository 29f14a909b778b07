"""The default questionnaires (policy 7.25): one for learners (content, teaching, workload against the ECTS
credits, assessment, would they recommend it, what for, comments) and one for teaching staff (delivery,
collaboration between the universities, resources, support, comments). English only: the quality office adds the
other languages (each falls back to English meanwhile).

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
                version=version, key=key, position=position, kind=kind, required=required, text={"en": text}
            )
            for n, label in enumerate(options, start=1):
                Choice.objects.create(question=question, key=slug(label), position=n, label_text={"en": label})
    return written
