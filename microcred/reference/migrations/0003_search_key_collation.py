"""On PostgreSQL, give the search-term keys the "C" collation.

The prefix search is a range query (key >= q AND key < q || U+FFFF). With a linguistic collation PostgreSQL
orders strings ignoring spaces and punctuation and the range is neither correct nor served by the index;
with "C" it follows code points, like SQLite's default BINARY collation. SQLite needs nothing.
"""

from django.db import migrations

TABLES = ["reference_escoskillsearchterm", "reference_escooccupationsearchterm"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'ALTER TABLE {table} ALTER COLUMN "key" TYPE varchar(300) COLLATE "C"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f'ALTER TABLE {table} ALTER COLUMN "key" TYPE varchar(300) COLLATE "default"')


class Migration(migrations.Migration):
    dependencies = [("reference", "0002_reference_data")]

    operations = [migrations.RunPython(forwards, backwards)]
