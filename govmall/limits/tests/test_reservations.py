"""Reservations: reserve holds money on plan and cap in one transaction; release gives it
back; consume turns it into usage at the contract amount; every refusal writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.audit.models import AuditEntry
from govmall.audit.states import InvalidTransition
from govmall.core.context import Actor, acting_as
from govmall.core.errors import BusinessError
from govmall.limits.models import CapUsage, Reservation
from govmall.limits.policy import LimitRefused
from govmall.limits.services import consume, release, reserve
from govmall.plans.models import Plan
from govmall.purchasers.tests.helpers import make_plan, make_purchaser

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return make_purchaser("371002", name="环翠测试局")


def figures(plan):
    plan = Plan.objects.get(pk=plan.pk)
    usage = CapUsage.objects.filter(purchaser=plan.purchaser).first()
    return (plan.used, plan.reserved, usage.used if usage else None, usage.reserved if usage else None)


def test_reserve_release_and_consume_move_the_money(buyer):
    plan = make_plan(buyer, "500000")
    with acting_as(Actor(username="clerk")):
        a = reserve(purchaser=buyer, plan=plan, category="A02010105", amount="120000", mode="direct", reference="ORD-1")
        b = reserve(purchaser=buyer, plan=plan, category="A02010108", amount="80000", mode="direct")
        assert figures(plan) == (Decimal("0"), Decimal("200000"), Decimal("0"), Decimal("200000"))
        assert (a.status, a.form, a.year, a.cap_category.short_code, a.result.allowed) == ("reserved", "centralized", plan.year, "A0201", True)
        release(reservation=a, reason="采购人取消订单")
        assert figures(plan) == (Decimal("0"), Decimal("80000"), Decimal("0"), Decimal("80000"))
        consume(reservation=b, amount="76500.50")
        assert figures(plan) == (Decimal("76500.50"), Decimal("0"), Decimal("76500.50"), Decimal("0"))
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.release_reason, b.status, b.consumed_amount) == ("released", "采购人取消订单", "consumed", Decimal("76500.50"))
    entries = AuditEntry.objects.filter(object_type="limits.reservation").order_by("id")
    assert [e.action for e in entries] == ["create", "create", "transition", "transition"]
    assert entries[0].message == "预留 12 万元：计划 " + plan.plan_no + " 剩余 38 万元，A0201 年度限额剩余 188 万元"


def test_a_refused_reservation_writes_nothing(buyer):
    plan = make_plan(buyer, "100000")
    before = (Reservation.objects.count(), CapUsage.objects.count(), AuditEntry.objects.count(), figures(plan)[:2])
    with acting_as(Actor(username="clerk")), pytest.raises(LimitRefused) as exc:
        reserve(purchaser=buyer, plan=plan, category="A02010105", amount="350000", mode="direct")
    assert exc.value.code == "limit_exceeded"
    assert exc.value.result.codes == ["plan_exceeded", "mode_band"]
    assert exc.value.message == (
        f"超出采购计划 {plan.plan_no} 的可用余额：计划金额 10 万元，已使用 0 元，剩余 10 万元；"
        "直购单笔上限为 30 万元（区县级采购人，威海市限额标准第 1 版），本次 35 万元 应采用网上竞价"
    )
    assert (Reservation.objects.count(), CapUsage.objects.count(), AuditEntry.objects.count(), figures(plan)[:2]) == before


def test_bad_input_to_reserve_is_a_refusal_with_the_reason(buyer):
    plan = make_plan(buyer, "100000")
    with acting_as(Actor(username="clerk")):
        for amount, reason in (("-1", "采购金额不能为负数，现为 -1"), ("1.001", "采购金额最多两位小数（到分），现为 1.001")):
            with pytest.raises(LimitRefused) as exc:
                reserve(purchaser=buyer, plan=plan, category="A02010105", amount=amount, mode="direct")
            assert exc.value.result.reasons == [reason]
        with pytest.raises(LimitRefused) as exc:
            reserve(purchaser=buyer, plan="NO-SUCH-PLAN", category="A02010105", amount="1", mode="direct")
        assert exc.value.result.reasons == ["采购计划「NO-SUCH-PLAN」不存在"]
    assert Reservation.objects.count() == 0


def test_a_business_reference_reserves_once(buyer):
    plan = make_plan(buyer, "100000")
    with acting_as(Actor(username="clerk")):
        reserve(purchaser=buyer, plan=plan, category="A02010105", amount="100", mode="direct", reference="ORD-9")
        with pytest.raises(LimitRefused) as exc:
            reserve(purchaser=buyer, plan=plan, category="A02010105", amount="100", mode="direct", reference="ORD-9")
    assert exc.value.result.reasons == ["业务单号 ORD-9 已有额度预留，不能重复预留"]
    assert figures(plan)[1] == Decimal("100")


def test_a_reservation_is_released_or_consumed_once(buyer):
    plan = make_plan(buyer, "100000")
    with acting_as(Actor(username="clerk")):
        r = reserve(purchaser=buyer, plan=plan, category="A02010105", amount="5000", mode="direct")
        release(reservation=r, reason="取消")
        with pytest.raises(InvalidTransition) as exc:
            release(reservation=Reservation.objects.get(pk=r.pk), reason="又取消")
        assert exc.value.message == "当前状态为「已释放」，不能变更为「已释放」"
        with pytest.raises(InvalidTransition):
            consume(reservation=Reservation.objects.get(pk=r.pk), amount="5000")
    assert figures(plan)[:2] == (Decimal("0"), Decimal("0"))


def test_a_contract_cannot_exceed_its_reservation(buyer):
    plan = make_plan(buyer, "100000")
    with acting_as(Actor(username="clerk")):
        r = reserve(purchaser=buyer, plan=plan, category="A02010105", amount="5000", mode="direct")
        with pytest.raises(BusinessError) as exc:
            consume(reservation=r, amount="5000.01")
    assert exc.value.message == "签约金额 5,000.01 元 超过预留金额 5,000 元，超出部分须另行预留"
    assert Reservation.objects.get(pk=r.pk).status == "reserved"


def test_callers_may_name_the_purchaser_by_its_organization_or_code(buyer):
    plan = make_plan(buyer, "10000", plan_no="ORG-1")
    with acting_as(Actor(username="clerk")):
        a = reserve(purchaser=buyer.organization, plan="ORG-1", category="A0201", amount="100", mode="direct")
        b = reserve(purchaser=buyer.code, plan=plan, category="A02010105", amount="100", mode="direct")
    assert (a.purchaser_id, b.purchaser_id, a.category.short_code, a.cap_category.short_code) == (buyer.pk, buyer.pk, "A0201", "A0201")
    assert figures(plan)[1] == Decimal("200")
