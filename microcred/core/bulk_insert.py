"""Storing many new rows of one model at once: PostgreSQL's COPY where the database is PostgreSQL, bulk_create
elsewhere.

Why: Django's bulk_create sends one INSERT with a parameter for every field of every row, and psycopg turns the
parameters into SQL one at a time in Python before it sends them. For a batch of 200 issued credentials (21
fields, a ~5 KB signed document each: 4,200 parameters) that took longer than signing them (issue #17). COPY FROM
STDIN streams the rows instead (PostgreSQL documentation, "COPY"; psycopg's ``Cursor.copy``). The table's
constraints, indexes and triggers apply to COPY as they do to INSERT: a unique violation raises
``django.db.IntegrityError`` and nothing of that COPY is stored.

COPY returns no rows, so the new primary keys are read back afterwards by a unique field the caller names.
"""

from __future__ import annotations

import time

from django.db import connections, router


def insert_all(objs: list, *, key: str) -> list:
    """Insert the unsaved instances ``objs`` of one model (as ``bulk_create`` would: no ``save()``, no signals)
    and set their primary keys → ``objs``.

    ``key``: a unique field whose values the instances already carry (a UUID), by which the primary keys are read
    back after the COPY, in one query. Field values must be plain values, not query expressions.
    """
    if not objs:
        return objs
    model = type(objs[0])
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        model._default_manager.using(using).bulk_create(objs)  # sets the instances' primary keys (RETURNING)
        return objs
    meta = model._meta
    if meta.parents:
        raise ValueError(f"insert_all stores one table; {meta.label} inherits from another model's table.")
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert_all")
        row = []
        for field in fields:
            value = field.pre_save(obj, add=True)
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"insert_all stores plain values; {meta.label}.{field.name} is an expression.")
            row.append(field.get_db_prep_save(value, connection))
        rows.append(row)
    quote = connection.ops.quote_name
    sql = f"COPY {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    connection.validate_no_broken_transaction()
    started = time.monotonic()
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
    if connection.queries_logged:  # seen where queries are (debug pages, CaptureQueriesContext), like a statement
        connection.queries_log.append(
            {"sql": f"{sql} -- {len(rows)} rows", "time": f"{time.monotonic() - started:.3f}"}
        )
    key_field = meta.get_field(key)
    stored = dict(
        model._default_manager.using(using)
        .filter(**{f"{key}__in": [getattr(obj, key_field.attname) for obj in objs]})
        .values_list(key, "pk")
    )
    for obj in objs:
        obj.pk = stored[getattr(obj, key_field.attname)]
        obj._state.adding = False
        obj._state.db = using
    return objs
