from django.db import migrations


def forwards(apps, schema_editor):
    from govmall.workdays.services import seed_from_chinese_calendar

    seed_from_chinese_calendar(apps.get_model("workdays", "HolidayYear"), apps.get_model("workdays", "SpecialDay"))


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
