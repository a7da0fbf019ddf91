# The audit table keeps only the indexes a query uses (models.AuditEvent.Meta): request_id and action lose
# db_index=True for indexes declared in Meta. Django's own operations would drop and rebuild both indexes, with
# writes to the audit table (every gate decision) blocked meanwhile; on PostgreSQL the index each column keeps
# already exists under Django's generated name, so it is renamed and only its unused twin dropped. SQLite had no
# twins: its plain indexes are replaced by the declared ones.

from django.db import migrations, models

# (index 0001 created, the Meta index it becomes, its twin PostgreSQL drops, that twin's definition)
REQUEST_ID = ("core_auditevent_request_id_0f60cdac", "core_audit_request_id_idx",
              "core_auditevent_request_id_0f60cdac_like", "(request_id varchar_pattern_ops)")
ACTION = ("core_auditevent_action_b3c9b7a8_like", "core_audit_action_like",
          "core_auditevent_action_b3c9b7a8", "(action)")
SQLITE = (("core_auditevent_request_id_0f60cdac", "core_audit_request_id_idx", "(request_id)"),
          ("core_auditevent_action_b3c9b7a8", "core_audit_action_like", "(action)"))


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, [s for old, new, twin, _ in (REQUEST_ID, ACTION)
                             for s in (f"DROP INDEX {twin}", f"ALTER INDEX {old} RENAME TO {new}")])
    else:
        _run(schema_editor, [s for old, new, columns in SQLITE
                             for s in (f"DROP INDEX {old}", f"CREATE INDEX {new} ON core_auditevent {columns}")])


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _run(schema_editor, [s for old, new, twin, columns in (REQUEST_ID, ACTION)
                             for s in (f"ALTER INDEX {new} RENAME TO {old}",
                                       f"CREATE INDEX {twin} ON core_auditevent {columns}")])
    else:
        _run(schema_editor, [s for old, new, columns in SQLITE
                             for s in (f"DROP INDEX {new}", f"CREATE INDEX {old} ON core_auditevent {columns}")])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0009_audit_references_unconstrained'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='auditevent',
                    name='action',
                    field=models.CharField(max_length=64),
                ),
                migrations.AlterField(
                    model_name='auditevent',
                    name='request_id',
                    field=models.CharField(max_length=64),
                ),
                migrations.AddIndex(
                    model_name='auditevent',
                    index=models.Index(fields=['request_id'], name='core_audit_request_id_idx'),
                ),
                migrations.AddIndex(
                    model_name='auditevent',
                    index=models.Index(fields=['action'], name='core_audit_action_like',
                                       opclasses=['varchar_pattern_ops']),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards, elidable=False)],
        ),
    ]
