"""The default hand-off plan (policy 7.8): what an approval asks of whom, and by when. Data, edited on the admin site
afterwards; this migration only writes the kinds that are missing."""

from django.db import migrations

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


def write_default_plan(apps, schema_editor):
    TaskKind = apps.get_model("handoffs", "TaskKind")
    for kind in DEFAULT_PLAN:
        TaskKind.objects.get_or_create(code=kind["code"], defaults={**kind, "policy": "7.8"})


class Migration(migrations.Migration):
    dependencies = [("handoffs", "0001_handoff_tasks")]

    operations = [migrations.RunPython(write_default_plan, migrations.RunPython.noop)]
