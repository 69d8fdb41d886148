"""Procurement plans: created, adjusted (never below what is used), cancelled only while
unused; the budget system's batch is all or nothing with every bad item named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from govmall.audit.models import AuditEntry
from govmall.core.context import Actor, acting_as
from govmall.core.errors import BusinessError
from govmall.limits.services import consume, reserve
from govmall.plans.models import Plan
from govmall.plans.services import PlanBatchRejected, plan_adjust, plan_cancel, plans_receive_batch
from govmall.purchasers.budget import today
from govmall.purchasers.services import purchaser_set_status
from govmall.purchasers.tests.helpers import make_plan, make_purchaser

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return make_purchaser("371000", code="PL-1", name="计划测试局")


def as_sup(fn, **kw):
    with acting_as(Actor(username="sup"), source="web"):
        return fn(**kw)


def test_a_plan_records_its_level_2_category_and_is_audited(buyer):
    plan = make_plan(buyer, "300000", category="A02010105", plan_no="P-1")
    assert (plan.category.code, plan.cap_category.short_code, plan.remaining, plan.status) == ("A02010105", "A0201", Decimal("300000.00"), "approved")
    assert AuditEntry.objects.filter(object_type="plans.plan", object_id=str(plan.pk), action="create").count() == 1


def test_an_adjustment_never_goes_below_what_is_used(buyer):
    plan = make_plan(buyer, "300000", plan_no="P-ADJ")
    with acting_as(Actor(username="t")):
        r = reserve(purchaser=buyer, plan=plan, category="A02010105", amount="100000", mode="direct")
        consume(reservation=r, amount="95000")
        reserve(purchaser=buyer, plan=plan, category="A02010105", amount="50000", mode="direct")
    with pytest.raises(BusinessError) as exc:
        as_sup(plan_adjust, plan=plan, amount="140000", reason="压减")
    assert exc.value.message == "调整后金额 14 万元 低于已使用的 14.5 万元（已支付或签约 9.5 万元，进行中的采购预留 5 万元），不能调整"
    assert Plan.objects.get(pk=plan.pk).amount == Decimal("300000.00")
    adjusted = as_sup(plan_adjust, plan=plan, amount="145000", reason="压减")
    assert (adjusted.amount, adjusted.status, adjusted.remaining) == (Decimal("145000.00"), "adjusted", Decimal("0.00"))


def test_a_used_plan_cannot_be_cancelled_and_a_cancelled_one_cannot_be_drawn_on(buyer):
    plan = make_plan(buyer, "100000", plan_no="P-C")
    with acting_as(Actor(username="t")):
        r = reserve(purchaser=buyer, plan=plan, category="A02010105", amount="1000", mode="direct")
    with pytest.raises(BusinessError) as exc:
        as_sup(plan_cancel, plan=plan, reason="不需要了")
    assert exc.value.message == "采购计划 P-C 已使用 0 元、预留 1,000 元，不能撤销；如需减少请调整金额（不低于已使用部分）"
    from govmall.limits.services import release

    with acting_as(Actor(username="t")):
        release(reservation=r, reason="取消")
    cancelled = as_sup(plan_cancel, plan=plan, reason="不需要了")
    assert cancelled.status == "cancelled"
    with pytest.raises(BusinessError) as exc:
        as_sup(plan_adjust, plan=plan, amount="5", reason="x")
    assert exc.value.message == "采购计划 P-C 已撤销，不能调整"


def test_an_inactive_purchaser_receives_no_new_plans(buyer):
    with acting_as(Actor(username="sup")):
        purchaser_set_status(purchaser=buyer, status="inactive")
    with pytest.raises(BusinessError) as exc:
        make_plan(buyer, "1000")
    assert (exc.value.message, exc.value.code) == ("采购人「计划测试局」已停用，不能下达新的采购计划", "state")


def test_a_plan_in_a_closed_year_is_refused(buyer):
    with pytest.raises(BusinessError) as exc:
        make_plan(buyer, "1000", year=today().year - 1)
    assert exc.value.message == f"计划所属{today().year - 1} 年度已结转（关闭），不能再登记或变更该年度的数据"


def item(**kw):
    return {
        "plan_no": "B-1", "year": today().year, "purchaser_code": "PL-1", "category_code": "A0202", "description": "打印机",
        "amount": "80000.00", "fund_source": "budget", "procurement_form": "centralized", "approved_at": f"{today().year}-02-01T09:00:00+08:00",
        "status": "approved", **kw,
    }  # fmt: skip


def test_the_budget_system_batch_creates_adjusts_and_cancels(buyer):
    as_sup(plans_receive_batch, items=[item(), item(plan_no="B-2", amount="1000")])
    assert Plan.objects.get(plan_no="B-1").source == "api"
    as_sup(plans_receive_batch, items=[item(amount="90000.00", status="adjusted"), item(plan_no="B-2", status="cancelled")])
    assert (Plan.objects.get(plan_no="B-1").amount, Plan.objects.get(plan_no="B-2").status) == (Decimal("90000.00"), "cancelled")


def test_a_bad_batch_writes_nothing_and_names_every_bad_item(buyer):
    other = make_purchaser("371002", code="PL-2")
    make_plan(other, "5000", plan_no="B-OTHER")
    before = (Plan.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PlanBatchRejected) as exc:
        as_sup(
            plans_receive_batch,
            items=[item(), item(plan_no="B-3", amount="-1"), item(plan_no="B-4", amount="1.234"), item(plan_no="B-OTHER", amount="9000"), item(plan_no="B-5", category_code="Z99")],
        )
    assert [(e.path, e.message) for e in exc.value.errors] == [
        ("plans[1].amount", "计划金额不能为负数，现为 -1"),
        ("plans[2].amount", "计划金额最多两位小数（到分），现为 1.234"),
        ("plans[3].purchaser_code", "计划 B-OTHER 属于「测试采购单位" + other.name[6:] + "」，不能改到其他采购人"),
        ("plans[4].category_code", "品目编码「Z99」不在现行《政府采购品目分类目录》（2022）中"),
    ]
    assert (Plan.objects.count(), AuditEntry.objects.count()) == before
