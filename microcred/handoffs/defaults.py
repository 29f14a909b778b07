"""The default hand-off plan (policy 7.8): what an approval asks of whom, and by when. Written by the first data
migration, and again whenever the plan is empty (a flushed database still hands over every approval); afterwards it is
data, edited on the admin site."""

DEFAULT_PLAN = [
    {
        "code": "communication",
        "order": 1,
        "name": "Catalogue text and marketing",
        "description": "The communication office reviews the catalogue text, translates it and plans the marketing "
        "of the new micro-credential (policy 7.8, WP17; 7.21).",
        "owner_role": "communication_office",
        "at_awarding_university": False,
        "due_days": 30,
        "checklist": [
            "Catalogue text reviewed",
            "Translations requested or written",
            "Added to a category overview where it fits",
            "Marketing and communication plan agreed with the proposer",
        ],
    },
    {
        "code": "delivery",
        "order": 2,
        "name": "Delivery and learning platform set-up",
        "description": "The awarding university's institutional manager has delivery set up: the first offering, "
        "the learning platform, the teachers' professional development and the digital credential (policy 7.8, "
        "WP12 and WP4; 7.26, 7.27).",
        "owner_role": "institutional_manager",
        "at_awarding_university": True,
        "due_days": 60,
        "checklist": [
            "First offering scheduled",
            "Course space set up on the learning platform",
            "Teachers' professional development needs discussed",
            "Digital credential set-up agreed with the credential officers",
        ],
    },
    {
        "code": "evaluation",
        "order": 3,
        "name": "Evaluation plan",
        "description": "The quality office agrees with the proposer how the micro-credential will be evaluated after "
        "delivery: learner and staff surveys and their report to the Academic Council (policy 7.8, 7.25).",
        "owner_role": "quality_office",
        "at_awarding_university": False,
        "due_days": 45,
        "checklist": [
            "Learner and staff surveys chosen",
            "Evaluation timeline agreed with the proposer",
            "Reporting to the Academic Council planned",
        ],
    },
]


def write_default_plan(task_kind_model) -> int:
    """Write the kinds of the default plan that are missing (by code); `task_kind_model` is the model, or the
    historical one in a migration. Returns how many were written."""
    written = 0
    for kind in DEFAULT_PLAN:
        _kind, created = task_kind_model.objects.get_or_create(code=kind["code"], defaults={**kind, "policy": "7.8"})
        written += created
    return written
