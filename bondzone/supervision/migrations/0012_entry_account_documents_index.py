"""Entries: an index of an account's documents by kind and date (the write-off's explaining documents, read
from the index alone), and no index on the account alone, which both account indexes lead with.

The account's own index is dropped by name, not by AlterField: on SQLite AlterField rebuilds the table, and
the rebuilt table would lose the trigger that keeps entries append-only (0001)."""

import django.db.models.deletion
from django.db import migrations, models

ACCOUNT_INDEX = "supervision_stockentry_account_id_3e2770da"


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0011_item_solid_waste"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="stockentry",
                    name="account",
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="entries", to="supervision.stockaccount"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {ACCOUNT_INDEX}",
                    f"CREATE INDEX {ACCOUNT_INDEX} ON supervision_stockentry (account_id)",
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="stockentry",
            index=models.Index(fields=["account", "source_kind", "effective_date", "source_id", "posted_delta"],
                               name="entry_account_documents"),
        ),
    ]
