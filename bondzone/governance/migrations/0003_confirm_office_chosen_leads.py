"""Tasks the ledger office created itself (entered, annual-list items, meeting decisions) name a lead unit
the office chose: they are confirmed from the start. Only the policy's first-named units stay proposals."""

from django.db import migrations
from django.db.models import F


def confirm(apps, schema_editor):
    Task = apps.get_model("governance", "Task")
    Task.objects.filter(lead_unit__isnull=False, lead_confirmed_at__isnull=True).exclude(source="policy").update(
        lead_confirmed_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_ledger_ownership_notices_assessment")]
    operations = [migrations.RunPython(confirm, migrations.RunPython.noop)]
