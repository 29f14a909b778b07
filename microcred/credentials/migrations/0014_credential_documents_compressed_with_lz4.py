"""On PostgreSQL, compress the documents of new credentials and holder-bound copies with LZ4 instead of pglz.

A stored credential is about 5 KB of JSON, which TOAST compresses to about 2.6 KB. Storing 4,000 issued credentials
by COPY cost PostgreSQL about 170 µs of CPU each with pglz and 110 µs with LZ4, for 9% more bytes; reading them back
costs the same. In bulk issuance PostgreSQL shares the machine's cores with the workers, so what it saves goes to
them (docs/scaling.md).

SET COMPRESSION changes only the column's entry in the catalogue: the table's ACCESS EXCLUSIVE lock for a moment, no
rewrite and no scan. Values already stored keep pglz and are read as before (PostgreSQL documentation, ALTER TABLE,
"SET COMPRESSION"). Nothing is done on
SQLite, nor on a PostgreSQL built without LZ4 support (``default_toast_compression`` does not offer it).
"""

from django.db import migrations

COLUMNS = [("credentials_issuedcredential", "document"), ("credentials_holderboundcredential", "document")]


def _lz4_available(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
    return bool(row and row[0])


def _set_compression(schema_editor, method: str) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or (method == "lz4" and not _lz4_available(connection)):
        return
    quote = schema_editor.quote_name
    for table, column in COLUMNS:
        schema_editor.execute(f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} SET COMPRESSION {method}")


def compress_with_lz4(apps, schema_editor):
    _set_compression(schema_editor, "lz4")


def compress_as_by_default(apps, schema_editor):
    _set_compression(schema_editor, "DEFAULT")


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0013_status_list_entries_taken"),
    ]

    operations = [
        migrations.RunPython(compress_with_lz4, compress_as_by_default),
    ]
