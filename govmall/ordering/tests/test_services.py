"""The direct-purchase flow through the services: submit with reservation, approval,
confirmation, lapse, cancellation, delivery and the steps contracts reports; bad input."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from govmall.accounts.models import Notification
from govmall.audit.models import AuditEntry
from govmall.core.errors import BusinessError
from govmall.limits.models import Reservation, ReservationStatus
from govmall.limits.policy import LimitRefused
from govmall.ordering import hooks, services
from govmall.ordering.models import CartItem, Order, OrderStatus
from govmall.ordering.tests.helpers import as_user, make_world, submit
from govmall.plans.models import Plan
from govmall.purchasers.tests.helpers import make_plan, make_purchaser
from govmall.workdays.services import add_working_days

pytestmark = pytest.mark.django_db
S = OrderStatus


@pytest.fixture
def world(db):
    return make_world()


def plan_figures(plan):
    p = Plan.objects.get(pk=plan.pk)
    return p.used, p.reserved


def test_submit_reserves_on_the_plan_and_sends_to_the_supplier(world):
    order = submit(world, quantity=2)
    assert order.status == S.AWAITING_SUPPLIER
    assert order.order_no.startswith("ZG") and len(order.order_no) == 16
    assert order.total == Decimal("9998.00")
    line = order.lines.get()
    assert (line.unit_price, line.quantity, line.amount, line.title) == (Decimal("4999.00"), 2, Decimal("9998.00"), world.desktop.title)
    funding = order.fundings.get()
    assert funding.reservation.reference == f"{order.order_no}-1"
    assert funding.reservation.mode == "direct" and funding.reservation.status == ReservationStatus.RESERVED
    assert plan_figures(world.plan) == (Decimal("0"), Decimal("9998.00"))
    assert not CartItem.objects.filter(user=world.clerk).exists()
    expected = add_working_days(order.submitted_at, 2).date
    assert timezone.localtime(order.confirm_deadline).date() == expected
    assert Notification.objects.filter(recipient=world.staff_a, title__contains=order.order_no).exists()
    assert AuditEntry.objects.filter(object_type="ordering.order", object_id=str(order.pk), action="create").exists()


def test_approval_required_waits_for_the_approver_then_goes_to_the_supplier(world):
    services.rules_update(subsite=world.clerk.organization.subsite, approval_required=True, confirm_working_days=3)
    order = submit(world)
    assert order.status == S.PENDING_APPROVAL and order.confirm_deadline is None
    assert Notification.objects.filter(recipient=world.approver, title__contains="待审批").exists()
    assert not Notification.objects.filter(recipient=world.staff_a, title__contains=order.order_no).exists()
    with pytest.raises(BusinessError, match="权限"):
        services.order_approve(order=order, user=world.clerk)
    with as_user(world.approver):
        services.order_approve(order=order, user=world.approver, note="同意")
    order.refresh_from_db()
    assert order.status == S.AWAITING_SUPPLIER and order.approved_by == world.approver
    assert timezone.localtime(order.confirm_deadline).date() == add_working_days(order.approved_at, 3).date
    assert Notification.objects.filter(recipient=world.staff_a, title__contains=order.order_no).exists()


def test_approver_rejects_with_reason_and_the_money_is_released(world):
    services.rules_update(subsite=world.clerk.organization.subsite, approval_required=True, confirm_working_days=2)
    order = submit(world)
    with pytest.raises(BusinessError, match="退回理由"):
        services.order_reject(order=order, user=world.approver, reason="  ")
    services.order_reject(order=order, user=world.approver, reason="预算另有安排")
    order.refresh_from_db()
    assert order.status == S.REJECTED and order.approval_note == "预算另有安排"
    assert plan_figures(world.plan) == (Decimal("0"), Decimal("0"))
    assert Notification.objects.filter(recipient=world.clerk, title__contains="退回").exists()


def test_approver_of_another_unit_cannot_approve(world):
    services.rules_update(subsite=world.clerk.organization.subsite, approval_required=True, confirm_working_days=2)
    order = submit(world)
    other = make_world()
    with pytest.raises(BusinessError, match="本单位"):
        services.order_approve(order=order, user=other.approver)


def test_supplier_confirms_and_the_hooks_run_in_the_same_transaction(world, monkeypatch):
    seen = []
    monkeypatch.setattr(hooks.on_confirmed, "callbacks", [lambda order: seen.append(Order.objects.get(pk=order.pk).status)])
    order = submit(world)
    with pytest.raises(BusinessError, match="本订单的供应商"):
        services.order_confirm(order=order, user=world.staff_b)
    services.order_confirm(order=order, user=world.staff_a)
    order.refresh_from_db()
    assert order.status == S.CONFIRMED and order.confirmed_by == world.staff_a
    assert seen == [S.CONFIRMED]
    assert Notification.objects.filter(recipient=world.clerk, title__contains="已确认").exists()
    world.desktop.refresh_from_db()
    assert (world.desktop.sales_count, world.desktop.stock) == (2, 8)  # counted as sold, off the stock of 10
    entry = AuditEntry.objects.filter(object_type="products.listing", object_id=str(world.desktop.pk)).latest("id")
    assert entry.changes == {"stock": [10, 8], "sales_count": [0, 2]} and order.order_no in entry.message


def test_a_failing_hook_rolls_the_confirmation_back(world, monkeypatch):
    def boom(order):
        raise BusinessError("合同生成失败")

    monkeypatch.setattr(hooks.on_confirmed, "callbacks", [boom])
    order = submit(world)
    with pytest.raises(BusinessError, match="合同生成失败"):
        services.order_confirm(order=order, user=world.staff_a)
    order.refresh_from_db()
    assert order.status == S.AWAITING_SUPPLIER


def test_supplier_refuses_with_reason_and_the_money_is_released(world):
    order = submit(world)
    with pytest.raises(BusinessError, match="拒绝理由"):
        services.order_refuse(order=order, user=world.staff_a, reason="")
    services.order_refuse(order=order, user=world.staff_a, reason="该型号已停产")
    order.refresh_from_db()
    assert order.status == S.REFUSED and order.refusal_reason == "该型号已停产"
    assert plan_figures(world.plan) == (Decimal("0"), Decimal("0"))
    assert Notification.objects.filter(recipient=world.clerk, body="该型号已停产").exists()


def test_unconfirmed_orders_lapse_after_the_deadline_and_release_the_money(world):
    order = submit(world)
    assert services.lapse_overdue(now=order.confirm_deadline - dt.timedelta(minutes=1)) == 0
    later = order.confirm_deadline + dt.timedelta(minutes=1)
    assert services.lapse_overdue(now=later) == 1
    assert services.lapse_overdue(now=later) == 0  # idempotent
    order.refresh_from_db()
    assert order.status == S.LAPSED
    assert Reservation.objects.get(pk=order.fundings.get().reservation_id).status == ReservationStatus.RELEASED
    assert plan_figures(world.plan) == (Decimal("0"), Decimal("0"))
    with pytest.raises(BusinessError, match="已超过确认时限而失效，不能再确认"):
        services.order_confirm(order=order, user=world.staff_a)


def test_confirm_after_the_deadline_is_refused_even_before_the_job_ran(world):
    order = submit(world)
    with pytest.raises(BusinessError, match="确认时限 .* 已过，不能再确认"):
        services.order_confirm(order=order, user=world.staff_a, now=order.confirm_deadline + dt.timedelta(seconds=1))


def test_the_catch_up_task_lapses_overdue_orders(world):
    from govmall.ordering.tasks import lapse_orders

    order = submit(world)
    Order.objects.filter(pk=order.pk).update(confirm_deadline=timezone.now() - dt.timedelta(hours=1))
    assert lapse_orders() == 1
    order.refresh_from_db()
    assert order.status == S.LAPSED


def test_purchaser_cancels_before_confirmation_but_not_after(world):
    order = submit(world)
    services.order_cancel(order=order, user=world.clerk, reason="需求变更")
    order.refresh_from_db()
    assert order.status == S.CANCELLED and plan_figures(world.plan) == (Decimal("0"), Decimal("0"))
    assert Notification.objects.filter(recipient=world.staff_a, title__contains="取消").exists()
    second = submit(world)
    services.order_confirm(order=second, user=world.staff_a)
    with pytest.raises(BusinessError, match="供应商确认后不能直接取消，只能经合同终止"):
        services.order_cancel(order=second, user=world.clerk, reason="不要了")


def test_delivery_before_the_contract_is_refused_then_the_contract_steps_follow(world):
    order = submit(world)
    services.order_confirm(order=order, user=world.staff_a)
    with pytest.raises(BusinessError, match="尚未签订合同，不能发出送达通知"):
        services.order_deliver(order, "已送达", user=world.staff_a)
    with pytest.raises(BusinessError, match="不能标记为已验收"):
        services.order_mark_accepted(order)
    services.order_mark_contracted(order)
    services.order_deliver(order, "已送达，物流单号 SF123", user=world.staff_a)
    order.refresh_from_db()
    assert order.status == S.DELIVERED and order.delivery_note.startswith("已送达")
    assert Notification.objects.filter(recipient=world.clerk, title__contains="已送货").exists()
    services.order_mark_delivery_rejected(order, "外包装破损")
    services.order_deliver(order, "已重新送达", user=world.staff_a)
    services.order_mark_accepted(order)
    services.order_mark_completed(order)
    order.refresh_from_db()
    assert order.status == S.COMPLETED
    with pytest.raises(BusinessError, match="当前状态为「已完成"):
        services.order_mark_completed(order)


def test_termination_releases_money_not_yet_contracted(world):
    order = submit(world)
    services.order_confirm(order=order, user=world.staff_a)
    services.order_terminate(order, "双方协商一致终止")
    order.refresh_from_db()
    assert order.status == S.TERMINATED and order.cancel_reason == "双方协商一致终止"
    assert plan_figures(world.plan) == (Decimal("0"), Decimal("0"))


# --- Bad input -------------------------------------------------------------------------------


def test_a_tampered_price_is_refused_audited_and_nothing_is_reserved(world):
    with pytest.raises(BusinessError, match="提交的单价 1.00 与商城当前价格 4999.00 元不一致"):
        submit(world, prices={world.desktop.pk: "1.00"})
    assert not Order.objects.exists()
    assert plan_figures(world.plan) == (Decimal("0"), Decimal("0"))
    entry = AuditEntry.objects.filter(object_type="ordering.order_attempt").get()
    assert "不一致" in entry.message and entry.owner_org_id == world.clerk.organization_id


@pytest.mark.parametrize("qty", ["0", "1000000000", "-3", "abc"])
def test_quantity_of_zero_or_a_billion_is_refused(world, qty):
    with pytest.raises(BusinessError) as exc:
        services.cart_add(user=world.clerk, listing_id=world.desktop.pk, quantity=qty)
    assert exc.value.field == "quantity" and "数量" in exc.value.message
    assert not CartItem.objects.exists()


def test_quantity_above_stock_is_refused(world):
    with pytest.raises(BusinessError, match="库存只有 10 件"):
        services.cart_add(user=world.clerk, listing_id=world.desktop.pk, quantity=11)


def test_a_plan_of_another_purchaser_is_refused_and_audited(world):
    stranger = make_purchaser("371002")
    foreign = make_plan(stranger, "500000", category="A02")
    with pytest.raises(BusinessError, match="不属于"):
        submit(world, plan=foreign)
    assert not Order.objects.exists()
    assert Plan.objects.get(pk=foreign.pk).reserved == 0
    assert AuditEntry.objects.filter(object_type="ordering.order_attempt", message__contains="不属于").exists()


def test_a_second_click_on_submit_creates_one_order_only(world):
    token = uuid.uuid4().hex
    first = submit(world, token=token)
    with as_user(world.clerk):
        services.cart_add(user=world.clerk, listing_id=world.desktop.pk, quantity=1)  # even with the cart refilled
    with pytest.raises(services.DuplicateSubmit, match=f"该订单已提交（订单号 {first.order_no}），请勿重复提交"):
        services.order_submit(
            user=world.clerk, supplier_id=world.supplier_a.pk, cap_category_id=services.group_key(world.desktop)[1], plan_ids=[world.plan.pk],
            prices={world.desktop.pk: "4999.00"}, token=token,
        )  # fmt: skip
    assert Order.objects.count() == 1
    assert Plan.objects.get(pk=world.plan.pk).reserved == first.total
    assert AuditEntry.objects.filter(object_type="ordering.order_attempt", message__contains="请勿重复提交").exists()


def test_a_purchase_beyond_the_plan_is_refused_with_the_reason_and_nothing_reserved(world):
    small = make_plan(world.purchaser, "5000", category="A02")
    with pytest.raises(LimitRefused) as exc:
        submit(world, plan=small, quantity=2)
    assert "超出采购计划" in exc.value.message
    assert not Order.objects.exists() and not Reservation.objects.exists()
    assert CartItem.objects.filter(user=world.clerk).exists()  # the cart is kept for another try


def test_an_order_can_draw_on_two_plans(world):
    second = make_plan(world.purchaser, "6000", category="A02")
    with as_user(world.clerk):
        services.cart_add(user=world.clerk, listing_id=world.desktop.pk, quantity=2)
        sid, cap = services.group_key(world.desktop)
        order = services.order_submit(
            user=world.clerk, supplier_id=sid, cap_category_id=cap, plan_ids=[second.pk, world.plan.pk], amounts={second.pk: "5000.00"},
            prices={world.desktop.pk: "4999.00"}, token="t-two-plans",
        )  # fmt: skip
    parts = {f.plan_id: f.amount for f in order.fundings.all()}
    assert parts == {second.pk: Decimal("5000.00"), world.plan.pk: Decimal("4998.00")}
    refs = sorted(f.reservation.reference for f in order.fundings.all())
    assert refs == [f"{order.order_no}-1", f"{order.order_no}-2"]


def test_amounts_that_do_not_add_up_are_refused(world):
    second = make_plan(world.purchaser, "6000", category="A02")
    with as_user(world.clerk):
        services.cart_add(user=world.clerk, listing_id=world.desktop.pk, quantity=2)
    sid, cap = services.group_key(world.desktop)
    with pytest.raises(BusinessError, match="合计 .*，与订单金额 .*不一致"):
        services.order_submit(
            user=world.clerk, supplier_id=sid, cap_category_id=cap, plan_ids=[second.pk, world.plan.pk],
            amounts={second.pk: "100.00", world.plan.pk: "100.00"}, prices={world.desktop.pk: "4999.00"}, token="t-bad-split",
        )  # fmt: skip
    assert not Reservation.objects.exists()


def test_the_preview_shows_every_reason_and_what_remains(world):
    small = make_plan(world.purchaser, "5000", category="A02")
    with as_user(world.clerk):
        services.cart_add(user=world.clerk, listing_id=world.desktop.pk, quantity=2)
    sid, cap = services.group_key(world.desktop)
    co = services.checkout_preview(user=world.clerk, supplier_id=sid, cap_category_id=cap, plan_ids=[small.pk])
    assert not co.allowed and any("超出采购计划" in r for r in co.reasons)
    part, result = co.results[0]
    assert result.plan_remaining == Decimal("5000.00") and result.cap_remaining == Decimal("2000000.00")
    ok = services.checkout_preview(user=world.clerk, supplier_id=sid, cap_category_id=cap, plan_ids=[world.plan.pk])
    assert ok.allowed and ok.total == Decimal("9998.00")


def test_a_delisted_product_cannot_be_added(world):
    from govmall.core.context import Actor, acting_as
    from govmall.products.services import listing_delist

    with acting_as(Actor(username="centre")):
        listing_delist(listing=world.desktop, reason="测试")
    with pytest.raises(BusinessError, match="已下架"):
        services.cart_add(user=world.clerk, listing_id=world.desktop.pk, quantity=1)


def test_open_orders_block_the_supplier_exit(world):
    from govmall.suppliers.exit import open_business

    assert open_business(world.supplier_a) == [] or all("直购订单" not in x for x in open_business(world.supplier_a))
    order = submit(world)
    assert any(order.order_no in x for x in open_business(world.supplier_a))
    services.order_refuse(order=order, user=world.staff_a, reason="无货")
    assert not any(order.order_no in x for x in open_business(world.supplier_a))


def test_rules_are_validated(world):
    with pytest.raises(BusinessError, match="1 至 15"):
        services.rules_update(subsite=world.clerk.organization.subsite, approval_required=False, confirm_working_days="0")
    with pytest.raises(BusinessError, match="整数"):
        services.rules_update(subsite=world.clerk.organization.subsite, approval_required=False, confirm_working_days="两天")
