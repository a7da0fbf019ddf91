from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0008_national_header_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="bookitem",
            name="leftover",
            field=models.CharField(
                blank=True, default="", max_length=12, verbose_name="leftover",
                choices=[("", "ordinary"), ("scrap", "scrap"), ("by_product", "by-product"),
                         ("defective", "defective goods")],
            ),
        ),
        migrations.AddField(
            model_name="bookitem",
            name="leftover_of",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="defective goods of item"),
        ),
    ]
