"""A published privacy notice is never rewritten, in the database itself, not only in Python.

A person's receipt names the version they were shown; that text must stay what it was. Changing a published
notice, or adding, changing or removing a text of one, is refused on every backend. Deleting a published notice is
refused on PostgreSQL; on SQLite the test runner empties tables with DELETE between browser tests, so there the
model refuses it (as for the audit log, audit/migrations/0002).
"""

from django.db import migrations

MESSAGE = "a published privacy notice is never changed: publish a new version"

SQLITE_UP = [
    f"""CREATE TRIGGER privacy_notice_final BEFORE UPDATE ON privacy_privacynotice
    WHEN OLD.status = 'published' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER privacy_text_final_insert BEFORE INSERT ON privacy_privacynoticetext
    WHEN EXISTS (SELECT 1 FROM privacy_privacynotice WHERE id = NEW.notice_id AND status = 'published')
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER privacy_text_final_update BEFORE UPDATE ON privacy_privacynoticetext
    WHEN EXISTS (SELECT 1 FROM privacy_privacynotice WHERE id IN (OLD.notice_id, NEW.notice_id) AND status = 'published')
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS privacy_notice_final;",
    "DROP TRIGGER IF EXISTS privacy_text_final_insert;",
    "DROP TRIGGER IF EXISTS privacy_text_final_update;",
]

PG_UP = [
    f"""CREATE OR REPLACE FUNCTION privacy_notice_final() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'published' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER privacy_notice_final BEFORE UPDATE OR DELETE ON privacy_privacynotice
FOR EACH ROW EXECUTE FUNCTION privacy_notice_final();""",
    f"""CREATE OR REPLACE FUNCTION privacy_text_final() RETURNS trigger AS $$
BEGIN
  IF (TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM privacy_privacynotice WHERE id = NEW.notice_id AND status = 'published'))
     OR (TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM privacy_privacynotice WHERE id = OLD.notice_id AND status = 'published'))
  THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER privacy_text_final BEFORE INSERT OR UPDATE OR DELETE ON privacy_privacynoticetext
FOR EACH ROW EXECUTE FUNCTION privacy_text_final();""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS privacy_notice_final ON privacy_privacynotice;",
    "DROP FUNCTION IF EXISTS privacy_notice_final();",
    "DROP TRIGGER IF EXISTS privacy_text_final ON privacy_privacynoticetext;",
    "DROP FUNCTION IF EXISTS privacy_text_final();",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_UP, "postgresql": PG_UP}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
