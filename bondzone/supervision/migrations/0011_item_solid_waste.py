from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0010_book_processing_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="bookitem",
            name="solid_waste",
            field=models.BooleanField(default=False, verbose_name="solid waste (固体废物)"),
        ),
    ]
