"""The policy check: every rule refuses with its reason, naming the rule and the numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.core.context import Actor, acting_as
from govmall.limits.policy import check
from govmall.limits.services import reserve
from govmall.purchasers.tests.helpers import make_plan, make_purchaser

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return make_purchaser("371003102", name="张家产镇测试单位")


@pytest.fixture
def city():
    return make_purchaser("371000", name="市测试局")


def test_an_allowed_purchase_reports_what_remains_of_plan_and_cap(town):
    plan = make_plan(town, "500000", category="A0201")
    r = check(purchaser=town, plan=plan, category="A02010105", amount="120000", mode="direct")
    assert r.allowed is True
    assert r.reasons == []
    assert (r.plan_remaining, r.cap_ceiling, r.cap_used, r.cap_reserved, r.cap_remaining) == (
        Decimal("500000.00"), Decimal("2000000.00"), Decimal("0"), Decimal("0"), Decimal("2000000.00")
    )  # fmt: skip
    assert r.mode_required == "direct"
    assert r.modes_allowed == ["direct"]
    assert (r.cap_category_code, r.cap_category_name, r.form) == ("A0201", "信息化设备", "centralized")
    assert r.standard == "威海市限额标准第 1 版"


def test_town_direct_purchase_above_30_wan_must_be_bidding(town):
    plan = make_plan(town, "500000")
    r = check(purchaser=town, plan=plan, category="A02010105", amount="350000", mode="direct")
    assert r.allowed is False
    assert r.reasons == ["直购单笔上限为 30 万元（乡镇级采购人，威海市限额标准第 1 版），本次 35 万元 应采用网上竞价"]
    assert r.mode_required == "bidding"
    assert check(purchaser=town, plan=plan, category="A02010105", amount="350000", mode="bidding").allowed is True


def test_city_units_may_buy_directly_up_to_50_wan(city):
    plan = make_plan(city, "900000")
    assert check(purchaser=city, plan=plan, category="A02010105", amount="500000", mode="direct").allowed is True
    r = check(purchaser=city, plan=plan, category="A02010105", amount="500000.01", mode="direct")
    assert r.reasons == ["直购单笔上限为 50 万元（市级采购人，威海市限额标准第 1 版），本次 500,000.01 元 应采用网上竞价"]
    r = check(purchaser=city, plan=plan, category="A02010105", amount="200000", mode="bidding")
    assert r.reasons == ["网上竞价适用于 50 万元 以上的采购（市级采购人，威海市限额标准第 1 版），本次 20 万元 请采用直购"]


def test_a_purchase_at_the_open_tender_threshold_is_refused_by_the_mall(city):
    plan = make_plan(city, "5000000")
    r = check(purchaser=city, plan=plan, category="A02010105", amount="2000000", mode="bidding")
    assert r.allowed is False
    assert r.codes == ["tender_threshold"]
    assert r.reasons == ["单笔金额 200 万元 达到公开招标数额标准 200 万元（威海市限额标准第 1 版），不能在商城采购，应依法公开招标"]
    assert check(purchaser=city, plan=plan, category="A02010105", amount="1999999.99", mode="bidding").allowed is True


def test_the_annual_cap_refusal_names_ceiling_used_and_remaining(city):
    plan_a = make_plan(city, "1500000", category="A0201")
    plan_b = make_plan(city, "1500000", category="A0201")
    with acting_as(Actor(username="t")):
        reserve(purchaser=city, plan=plan_a, category="A02010105", amount="1400000", mode="bidding")
        r1 = reserve(purchaser=city, plan=plan_b, category="A02010104", amount="500000", mode="direct")
        from govmall.limits.services import consume

        consume(reservation=r1, amount="500000")
    r = check(purchaser=city, plan=plan_b, category="A02010105", amount="200000", mode="direct")
    assert r.allowed is False
    assert r.reasons == ["超出本年度 A0201 信息化设备 采购限额（集中采购）：上限 200 万元，已用 50 万元，已预留 140 万元，剩余 10 万元"]
    assert (r.cap_ceiling, r.cap_used, r.cap_reserved, r.cap_remaining) == (Decimal("2000000"), Decimal("500000"), Decimal("1400000"), Decimal("100000"))
    # another form of the same category has its own cap
    plan_c = make_plan(city, "300000", category="A0201", form="decentralized")
    assert check(purchaser=city, plan=plan_c, category="A02010105", amount="200000", mode="direct").allowed is True


def test_the_plan_remaining_is_checked(town):
    plan = make_plan(town, "100000", plan_no="JH-P1")
    r = check(purchaser=town, plan=plan, category="A02010105", amount="100000.01", mode="direct")
    assert r.reasons == ["超出采购计划 JH-P1 的可用余额：计划金额 10 万元，已使用 0 元，剩余 10 万元"]


def test_an_exhausted_or_cancelled_plan_cannot_be_drawn_on(town):
    from govmall.plans.services import plan_cancel

    plan = make_plan(town, "100000", plan_no="JH-EX")
    with acting_as(Actor(username="t")):
        reserve(purchaser=town, plan=plan, category="A02010105", amount="100000", mode="direct")
    r = check(purchaser=town, plan=plan, category="A02010105", amount="1", mode="direct")
    assert r.reasons == ["采购计划 JH-EX 已用完：计划金额 10 万元，已使用 0 元，已预留 10 万元"]
    other = make_plan(town, "100000", plan_no="JH-CX")
    with acting_as(Actor(username="t")):
        plan_cancel(plan=other, reason="测试")
    assert check(purchaser=town, plan=other, category="A02010105", amount="1", mode="direct").reasons == ["采购计划 JH-CX 已撤销，不能使用"]


def test_a_plan_of_another_purchaser_is_refused_without_showing_its_figures(town, city):
    plan = make_plan(city, "900000", plan_no="JH-CITY")
    r = check(purchaser=town, plan=plan, category="A02010105", amount="1000", mode="direct")
    assert r.allowed is False
    assert r.reasons[0] == "采购计划 JH-CITY 不属于「张家产镇测试单位」，不能用于本单位的采购"
    assert (r.plan_amount, r.plan_remaining) == (None, None)


def test_the_category_must_lie_within_the_plan(town):
    plan = make_plan(town, "100000", plan_no="JH-OF", category="A0202")
    r = check(purchaser=town, plan=plan, category="A02010105", amount="1000", mode="direct")
    assert r.reasons == ["品目 A02010105 台式计算机 不在采购计划 JH-OF 的品目「A0202 办公设备」范围内"]


@pytest.mark.parametrize(
    "amount,reason",
    [
        ("-5", "采购金额不能为负数，现为 -5"),
        ("12.345", "采购金额最多两位小数（到分），现为 12.345"),
        ("0", "采购金额必须大于 0"),
        ("十万", "采购金额「十万」不是有效的数字"),
        ("", "请填写采购金额"),
    ],
)
def test_bad_amounts_are_refused_with_the_reason(town, amount, reason):
    plan = make_plan(town, "100000")
    r = check(purchaser=town, plan=plan, category="A02010105", amount=amount, mode="direct")
    assert (r.allowed, r.reasons) == (False, [reason])


def test_an_unknown_mode_is_refused(town):
    plan = make_plan(town, "100000")
    assert "采购方式「cheap」无法识别，应为直购或网上竞价" in check(purchaser=town, plan=plan, category="A02010105", amount="10", mode="cheap").reasons


def test_split_purchases_crossing_the_direct_limit_are_flagged(town):
    plan = make_plan(town, "900000")
    with acting_as(Actor(username="t")):
        first = reserve(purchaser=town, plan=plan, category="A02010105", amount="200000", mode="direct")
        second = reserve(purchaser=town, plan=plan, category="A02010108", amount="150000", mode="direct")
    assert first.split_flag is False
    assert second.split_flag is True
    assert second.warnings == ["疑似化整为零：本单位 30 日内已直购 A0201 信息化设备 20 万元，加上本次 15 万元 共 35 万元，超过直购单笔上限 30 万元"]
    # a released purchase no longer counts
    from govmall.limits.services import release

    with acting_as(Actor(username="t")):
        release(reservation=second, reason="取消")
    assert check(purchaser=town, plan=plan, category="A02010105", amount="100000", mode="direct").split_flag is False


def test_split_purchases_are_blocked_when_the_standard_says_so(town):
    from govmall.limits.models import LimitStandard

    LimitStandard.objects.filter(region__code="371000").update(split_action="block")
    plan = make_plan(town, "900000")
    with acting_as(Actor(username="t")):
        reserve(purchaser=town, plan=plan, category="A02010105", amount="200000", mode="direct")
    r = check(purchaser=town, plan=plan, category="A02010108", amount="150000", mode="direct")
    assert r.allowed is False
    assert r.codes == ["split"]
    assert r.reasons == ["疑似化整为零：本单位 30 日内已直购 A0201 信息化设备 20 万元，加上本次 15 万元 共 35 万元，超过直购单笔上限 30 万元（按限额标准禁止下单）"]


def test_a_closed_purchaser_cannot_buy(town):
    from govmall.purchasers.services import purchaser_set_status

    plan = make_plan(town, "100000")
    with acting_as(Actor(username="t")):
        purchaser_set_status(purchaser=town, status="inactive", reason="撤销")
    town.refresh_from_db()
    r = check(purchaser=town, plan=plan, category="A02010105", amount="10", mode="direct")
    assert r.reasons == ["采购人「张家产镇测试单位」已停用，不能再发起采购"]
