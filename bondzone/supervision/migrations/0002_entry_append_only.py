"""Stock entries are append-only: the database itself refuses UPDATE and DELETE on them."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS stockentry_no_update BEFORE UPDATE ON supervision_stockentry
       BEGIN SELECT RAISE(ABORT, 'stock entries are append-only: post a reversal instead'); END""",
    """CREATE TRIGGER IF NOT EXISTS stockentry_no_delete BEFORE DELETE ON supervision_stockentry
       BEGIN SELECT RAISE(ABORT, 'stock entries are append-only: post a reversal instead'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS stockentry_no_update",
    "DROP TRIGGER IF EXISTS stockentry_no_delete",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION stockentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'stock entries are append-only: post a reversal instead'
             USING ERRCODE = 'restrict_violation'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER stockentry_no_update_delete BEFORE UPDATE OR DELETE ON supervision_stockentry
       FOR EACH ROW EXECUTE FUNCTION stockentry_append_only()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS stockentry_no_update_delete ON supervision_stockentry",
    "DROP FUNCTION IF EXISTS stockentry_append_only()",
]


def statements(vendor: str, drop: bool = False) -> list[str]:
    if vendor == "sqlite":
        return SQLITE_DROP if drop else SQLITE
    if vendor == "postgresql":
        return POSTGRES_DROP if drop else POSTGRES
    raise NotImplementedError(f"no append-only trigger for {vendor}")


def create(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor, drop=True):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
