"""Limit standards: versioned, published with a notice, effective from a date; the city's
set applies to a district until the district publishes its own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from govmall.core.context import Actor, acting_as
from govmall.core.errors import BusinessError
from govmall.limits.models import LimitNotice, LimitStandard
from govmall.limits.policy import check
from govmall.limits.selectors import standard_in_force
from govmall.limits.services import RULE_FIELDS, standard_draft, standard_publish, standard_update
from govmall.purchasers.budget import today
from govmall.purchasers.tests.helpers import make_plan, make_purchaser
from govmall.regions.models import Region

pytestmark = pytest.mark.django_db
WAN = Decimal(10000)


def rules_of(std):
    return {r.level: {f: getattr(r, f) for f in RULE_FIELDS} for r in std.rules.all()}


def test_the_weihai_defaults_ship_published_for_the_city():
    std = standard_in_force(Region.objects.get(code="371000"), today())
    assert (std.region.code, std.version, std.status, std.split_window_days, std.split_action) == ("371000", 1, "published", 30, "flag")
    got = rules_of(std)
    assert got["city"] == {f: v * WAN for f, v in {"tender_threshold": 200, "mall_limit": 200, "direct_max": 50, "bidding_min": 50, "cap_centralized": 200, "cap_department": 200, "cap_decentralized": 200}.items()}
    assert got["county"]["direct_max"] == got["town"]["direct_max"] == 30 * WAN
    assert LimitNotice.objects.filter(standard=std).exists()


def test_a_district_uses_the_city_set_until_it_publishes_its_own():
    huancui = Region.objects.get(code="371002")
    town = make_purchaser("371002100")
    plan = make_plan(town, "900000")
    assert standard_in_force(huancui, today()).region.code == "371000"
    with acting_as(Actor(username="sup_hc"), source="web"):
        draft = standard_draft(region=huancui)
        assert sorted(rules_of(draft)) == ["county", "town"]
        rules = rules_of(draft)
        for level in rules:
            rules[level]["direct_max"] = rules[level]["bidding_min"] = 40 * WAN
        standard_update(standard=draft, title="环翠区商城限额标准", split_window_days=60, split_action="block", rules=rules)
        assert standard_in_force(huancui, today()).region.code == "371000"  # a draft is not in force
        standard_publish(standard=draft, notice_no="环财采〔2026〕5号", effective_from=today())
    std = standard_in_force(huancui, today())
    assert (std.region.code, std.version, std.notice_no, std.split_window_days) == ("371002", 1, "环财采〔2026〕5号", 60)
    assert check(purchaser=town, plan=plan, category="A02010105", amount="350000", mode="direct").allowed is True
    # other districts still use the city's
    assert standard_in_force(Region.objects.get(code="371003"), today()).region.code == "371000"
    notice = LimitNotice.objects.get(standard=std)
    assert notice.title == "威海市环翠区环翠区商城限额标准（第 1 版）".replace("威海市环翠区", huancui.name)
    assert "乡镇级采购人：单笔达到 200 万元 须公开招标" in notice.body


def test_a_new_version_takes_effect_on_its_date_and_published_ones_are_frozen():
    city = Region.objects.get(code="371000")
    later = today() + dt.timedelta(days=10)
    with acting_as(Actor(username="sup"), source="web"):
        draft = standard_draft(region=city)
        assert draft.version == 2
        rules = rules_of(draft)
        rules["city"]["cap_centralized"] = 300 * WAN
        standard_update(standard=draft, title="政府采购网上商城限额标准", split_window_days=30, split_action="flag", rules=rules)
        if later.year != today().year:
            pytest.skip("ten days on is next year")
        standard_publish(standard=draft, notice_no="威财采〔2026〕9号", effective_from=later)
        with pytest.raises(BusinessError) as exc:
            standard_update(standard=draft, title="x", split_window_days=30, split_action="flag", rules=rules)
        assert exc.value.message == "已发布的限额标准不能修改，请新建版本"
    assert standard_in_force(city, today()).version == 1
    assert standard_in_force(city, later).version == 2


@pytest.mark.parametrize(
    "change,message",
    [
        ({"direct_max": 150 * WAN, "mall_limit": 100 * WAN, "bidding_min": 0}, "市级直购单笔上限不能高于商城单笔上限"),
        ({"mall_limit": 300 * WAN}, "市级商城单笔上限不能高于公开招标数额标准（达到该标准须公开招标）"),
        ({"bidding_min": 60 * WAN}, "市级竞价起点 60 万元 高于直购单笔上限 50 万元，两者之间的金额将无方式可用"),
        ({"cap_centralized": "-1"}, "市级年度限额（集中采购）不能为负数，现为 -1"),
        ({"cap_department": "1.234"}, "市级年度限额（部门集中采购）最多两位小数（到分），现为 1.234"),
    ],
)
def test_inconsistent_figures_are_refused(change, message):
    city = Region.objects.get(code="371000")
    with acting_as(Actor(username="sup"), source="web"):
        draft = standard_draft(region=city)
        rules = rules_of(draft)
        rules["city"].update(change)
        with pytest.raises(BusinessError) as exc:
            standard_update(standard=draft, title="t", split_window_days=30, split_action="flag", rules=rules)
    assert exc.value.message == message
    assert LimitStandard.objects.get(pk=draft.pk).rule_for("city").direct_max == 50 * WAN


def test_publishing_in_the_past_or_a_closed_year_is_refused():
    city = Region.objects.get(code="371000")
    with acting_as(Actor(username="sup"), source="web"):
        draft = standard_draft(region=city)
        with pytest.raises(BusinessError) as exc:
            standard_publish(standard=draft, notice_no="x", effective_from=dt.date(today().year - 1, 6, 1))
        assert exc.value.message == f"生效日期 {today().year - 1}-06-01 属于已结转的 {today().year - 1} 年度，不能使用"
    assert LimitStandard.objects.get(pk=draft.pk).status == "draft"
