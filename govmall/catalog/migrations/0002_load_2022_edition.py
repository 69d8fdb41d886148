from django.db import migrations


def forwards(apps, schema_editor):
    from govmall.catalog.national import load_2022

    load_2022(apps.get_model("catalog", "CatalogEdition"), apps.get_model("catalog", "Category"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
