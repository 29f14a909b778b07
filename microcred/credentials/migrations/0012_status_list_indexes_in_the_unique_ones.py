"""Drop the single-column index of the status-list foreign keys of issued credentials and holder-bound copies.

The unique (status_list, status_index) index starts with the same column and serves every look-up by list. With
both, PostgreSQL picked the single-column one for a batch's "which of these 200 indices are taken?" whenever the
table's statistics lagged behind a large issuance, and read every entry of the list: 10 ms a batch at 10,000
entries, 64 ms at 60,000 (bench/bench_issuance.py, 100,000 credentials). Only the index goes: Django's AlterField
would also drop and re-add the foreign key, whose validation scans the table under a lock that stops inserts, so
the state changes and the database only loses the index (a brief lock, no scan; IF EXISTS: Django's own name).
"""

import django.db.models.deletion
from django.db import migrations, models

# model name, related name, table, Django's name of the foreign key's own index
KEYS = [
    (
        "issuedcredential",
        "entries",
        "credentials_issuedcredential",
        "credentials_issuedcredential_status_list_id_dbee5256",
    ),
    (
        "holderboundcredential",
        "bound_entries",
        "credentials_holderboundcredential",
        "credentials_holderboundcredential_status_list_id_caa5736b",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0011_trusted_registry"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name=model,
                    name="status_list",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name=related_name,
                        to="credentials.statuslist",
                    ),
                )
                for model, related_name, _table, _index in KEYS
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("status_list_id")',
                )
                for _model, _related_name, table, index in KEYS
            ],
        ),
    ]
