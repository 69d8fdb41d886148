"""Ship the Weihai default limit standard (DOMAIN.md §5 [default]) as the city's published
version 1, so a fresh installation refuses and routes purchases from the first day. The
finance bureau changes it by publishing a new version (limits pages)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations
from django.utils import timezone

WAN = Decimal(10000)
LEVELS = {
    "city": 50,
    "county": 30,
    "town": 30,
}


def body(std_effective):
    lines = [f"威海市财政局发布政府采购网上商城限额标准（第 1 版，系统默认），自 {std_effective:%Y年%m月%d日} 起施行。"]
    labels = {"city": "市级", "county": "区县级", "town": "乡镇级"}
    for level, direct in LEVELS.items():
        lines.append(
            f"{labels[level]}采购人：单笔达到 200 万元须公开招标，商城不受理；商城单笔上限 200 万元；{direct} 万元及以下可直购，"
            f"{direct} 万元以上采用网上竞价；每个二级品目年度限额：集中采购 200 万元、部门集中采购 200 万元、分散采购 200 万元。"
        )
    lines.append("同一采购人 30 日内同一二级品目多次采购累计跨越金额档次的，系统予以提示并记录，供监督检查。")
    lines.append("各区市财政部门未另行制定的，执行本标准。")
    return "\n".join(lines)


def forwards(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    LimitStandard = apps.get_model("limits", "LimitStandard")
    LimitRule = apps.get_model("limits", "LimitRule")
    LimitNotice = apps.get_model("limits", "LimitNotice")
    city = Region.objects.filter(code="371000").first()
    if city is None or LimitStandard.objects.filter(region=city).exists():
        return
    effective = dt.date(2026, 1, 1)
    now = timezone.now()
    text = body(effective)
    std = LimitStandard.objects.create(
        region=city, version=1, title="政府采购网上商城限额标准", notice_no="", notice_body=text, effective_from=effective,
        status="published", split_window_days=30, split_action="flag", published_at=now,
    )
    for level, direct in LEVELS.items():
        LimitRule.objects.create(
            standard=std, level=level, tender_threshold=200 * WAN, mall_limit=200 * WAN, direct_max=direct * WAN, bidding_min=direct * WAN,
            cap_centralized=200 * WAN, cap_department=200 * WAN, cap_decentralized=200 * WAN,
        )
    LimitNotice.objects.create(
        standard=std, region=city, notice_no="", title="威海市政府采购网上商城限额标准（第 1 版，系统默认）", body=text,
        effective_from=effective, published_at=now,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("limits", "0002_initial"),
        ("regions", "0002_load_regions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
