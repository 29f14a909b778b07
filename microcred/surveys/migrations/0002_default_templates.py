"""The default questionnaires (policy 7.25): one for learners, one for teaching staff, kept afterwards by the
quality office (microcred/surveys/defaults.py). Written once; an audience that already has a template is left alone."""

from django.db import migrations


def create(apps, schema_editor):
    from microcred.surveys.defaults import create_default_templates

    create_default_templates(
        apps.get_model("surveys", "SurveyTemplate"),
        apps.get_model("surveys", "TemplateVersion"),
        apps.get_model("surveys", "Question"),
        apps.get_model("surveys", "Choice"),
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_surveys")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
