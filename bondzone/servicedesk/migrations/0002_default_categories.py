"""The default time limits of Beijing practice (governance-notes §4.1): sign within 1 working day; reply to a
consultation within 2, a help request within 5, a general request within 7 and a complex one within 15
working days. Editable afterwards (page, API)."""

from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    # code, name, English name, kind, working days to reply
    ("consultation", "政策咨询", "Policy consultation", "consultation", 2),
    ("help", "办事求助", "Help with a procedure", "help", 5),
    ("general", "一般诉求", "General request", "complaint", 7),
    ("complex", "复杂诉求", "Complex request", "complaint", 15),
]


def seed(apps, schema_editor):
    Category = apps.get_model("servicedesk", "Category")
    for code, name, name_en, kind, days in DEFAULTS:
        Category.objects.get_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "kind": kind, "group": "default",
            "sign_within": Decimal(1), "sign_unit": "workdays", "resolve_within": Decimal(days),
            "resolve_unit": "workdays"})


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
