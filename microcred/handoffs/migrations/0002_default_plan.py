"""The default hand-off plan (policy 7.8; handoffs/defaults.py), written once; afterwards it is data, edited on the
admin site."""

from django.db import migrations

from microcred.handoffs.defaults import write_default_plan


def write(apps, schema_editor):
    write_default_plan(apps.get_model("handoffs", "TaskKind"))


class Migration(migrations.Migration):
    dependencies = [("handoffs", "0001_handoff_tasks")]

    operations = [migrations.RunPython(write, migrations.RunPython.noop)]
