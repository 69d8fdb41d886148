"""The Shandong province site and the Weihai sub-site, configured out of the box."""

from django.db import migrations

SITES = [
    {
        "code": "shandong",
        "region": "370000",
        "name": "山东省政府采购网上商城",
        "short_name": "省级站点",
        "is_province": True,
        "logo_text": "鲁采",
        "primary_color": "#9b1c1c",
        "accent_color": "#c2410c",
        "banner_title": "山东省政府采购网上商城",
        "banner_subtitle": "全省统一的政府采购电子卖场，各市分站一体运行",
        "notice_text": "",
    },
    {
        "code": "weihai",
        "region": "371000",
        "name": "山东省政府采购网上商城威海分站",
        "short_name": "威海分站",
        "is_province": False,
        "logo_text": "威海",
        "primary_color": "#1d5fa6",
        "accent_color": "#0e8a7e",
        "banner_title": "阳光采购 · 便捷高效",
        "banner_subtitle": "全市统一的政府采购网上商城，覆盖市、区市、镇街三级采购人",
        "notice_text": "威海分站试运行期间，如有问题请联系威海市政府采购中心。",
    },
]


def forwards(apps, schema_editor):
    Subsite = apps.get_model("subsites", "Subsite")
    Region = apps.get_model("regions", "Region")
    for s in SITES:
        values = dict(s)
        region = Region.objects.get(code=values.pop("region"))
        Subsite.objects.get_or_create(code=values.pop("code"), defaults={**values, "region": region})


class Migration(migrations.Migration):
    dependencies = [("subsites", "0001_initial"), ("regions", "0002_load_regions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
