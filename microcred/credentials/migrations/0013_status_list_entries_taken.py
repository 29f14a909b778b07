"""Count on each status list the entries it has given out, so that choosing the list for a batch reads one row.

Before, every batch counted the newest list's credentials and holder-bound copies: 3 ms at 10,000 entries and
13 ms at 60,000 on PostgreSQL (bench/bench_issuance.py), growing until the list closed at half its length. The
count is now kept as they are stored, under the list's row lock (credentials.services.status). The lists that
exist are counted once here; the table has a few rows per issuer, so the new column's check is quick. A batch that
the previous release stores while this runs may go uncounted: its list then closes a little after half full, which
costs nothing but a few more redrawn indices (every index drawn is still checked against the stored ones).
"""

from django.db import migrations, models


def count_entries(apps, schema_editor):
    StatusList = apps.get_model("credentials", "StatusList")
    for status_list in StatusList.objects.all():
        taken = status_list.entries.count() + status_list.bound_entries.count()
        StatusList.objects.filter(pk=status_list.pk).update(entries_taken=taken)


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0012_status_list_indexes_in_the_unique_ones"),
    ]

    operations = [
        migrations.AddField(
            model_name="statuslist",
            name="entries_taken",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Credentials and holder-bound copies given an index on this list; counted as they are stored.",
                verbose_name="entries taken",
            ),
        ),
        migrations.RunPython(count_entries, migrations.RunPython.noop),
    ]
