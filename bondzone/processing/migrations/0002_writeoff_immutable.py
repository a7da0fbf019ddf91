"""A finished write-off is a snapshot: the database refuses UPDATE of its lines and of a done write-off.
(DELETE stays possible for the test database's flush; no code deletes write-offs.)"""

from django.db import migrations

MESSAGE = "a finished write-off is an immutable snapshot: run a new write-off instead"
SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS writeoffline_no_update BEFORE UPDATE ON processing_writeoffline
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS writeoff_frozen BEFORE UPDATE ON processing_writeoff WHEN OLD.status = 'done'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS writeoffline_no_update", "DROP TRIGGER IF EXISTS writeoff_frozen"]
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION processing_snapshot_frozen() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER writeoffline_no_update BEFORE UPDATE ON processing_writeoffline
       FOR EACH ROW EXECUTE FUNCTION processing_snapshot_frozen()""",
    """CREATE TRIGGER writeoff_frozen BEFORE UPDATE ON processing_writeoff
       FOR EACH ROW WHEN (OLD.status = 'done') EXECUTE FUNCTION processing_snapshot_frozen()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS writeoffline_no_update ON processing_writeoffline",
    "DROP TRIGGER IF EXISTS writeoff_frozen ON processing_writeoff",
    "DROP FUNCTION IF EXISTS processing_snapshot_frozen()",
]


def _run(schema_editor, drop: bool):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": (SQLITE, SQLITE_DROP), "postgresql": (POSTGRES, POSTGRES_DROP)}[vendor][int(drop)]
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("processing", "0001_initial")]
    operations = [migrations.RunPython(lambda apps, se: _run(se, False), lambda apps, se: _run(se, True))]
