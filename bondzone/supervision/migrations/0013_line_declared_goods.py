"""A list line keeps the goods as declared (INV101 表体: 料号, 商品编码, 名称, 规格型号, 法定单位, 第二法定单位).

Lines written before this migration are filled from their item as it is NOW: what an item looked like when an
older list was filed, before a later 备案变更, is not recoverable here (the audit trail's `book_item.change` rows
keep each change's before and after, for whoever needs to reconstruct one by hand)."""

from django.db import migrations, models

DECLARED = ("part_no", "hs_code", "name_zh", "name_en", "spec", "legal_unit", "second_unit")

# correlated subqueries: the same statement on SQLite and PostgreSQL
BACKFILL = ("UPDATE supervision_verificationlistline SET " + ", ".join(
    f"{name} = (SELECT i.{name} FROM supervision_bookitem i WHERE i.id = supervision_verificationlistline.item_id)"
    for name in DECLARED))


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0012_entry_account_documents_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='verificationlistline',
            name='hs_code',
            field=models.CharField(db_default='', max_length=10, verbose_name='HS code'),
        ),
        migrations.AddField(
            model_name='verificationlistline',
            name='legal_unit',
            field=models.CharField(blank=True, db_default='', max_length=3, verbose_name='legal unit'),
        ),
        migrations.AddField(
            model_name='verificationlistline',
            name='name_en',
            field=models.CharField(blank=True, db_default='', max_length=200, verbose_name='English name'),
        ),
        migrations.AddField(
            model_name='verificationlistline',
            name='name_zh',
            field=models.CharField(db_default='', max_length=200, verbose_name='Chinese name'),
        ),
        migrations.AddField(
            model_name='verificationlistline',
            name='part_no',
            field=models.CharField(blank=True, db_default='', max_length=64, verbose_name='part number'),
        ),
        migrations.AddField(
            model_name='verificationlistline',
            name='second_unit',
            field=models.CharField(blank=True, db_default='', max_length=3, verbose_name='second legal unit'),
        ),
        migrations.AddField(
            model_name='verificationlistline',
            name='spec',
            field=models.CharField(blank=True, db_default='', max_length=500, verbose_name='specification'),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=False),
    ]
