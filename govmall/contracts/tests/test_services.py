"""The contract through its services: generation from a confirmed order, signing by both
sides with the reservations consumed, publication deadline, delivery, acceptance, payment,
cancellation and termination — and every bad input refused, audited, nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from govmall.accounts.models import Notification, Role
from govmall.audit.models import AuditEntry
from govmall.contracts import services
from govmall.contracts.models import Contract, ContractRules, ContractStatus, Payment
from govmall.core.errors import BusinessError
from govmall.disclosure.models import Announcement, AnnouncementKind
from govmall.limits.models import Reservation, ReservationStatus
from govmall.ordering.models import OrderStatus
from govmall.ordering.tests.helpers import as_user, make_world
from govmall.plans.models import Plan
from govmall.suppliers.models import EnterpriseSize, SupplierProfile
from govmall.testing import make_user, weihai
from govmall.workdays.services import add_working_days

from .helpers import accepted_contract, confirmed_order, contract_of, delivered_contract, full_acceptance, sign_both, signed_contract, today

pytestmark = pytest.mark.django_db
S = ContractStatus


def refusals(contract) -> list[str]:
    return list(AuditEntry.objects.filter(object_type="contracts.contract", object_id=str(contract.pk), message__startswith="操作被拒绝").values_list("message", flat=True))


# --- Generation -------------------------------------------------------------------------------


def test_confirming_an_order_generates_a_contract_with_every_term():
    world, order = confirmed_order(quantity=3)
    c = contract_of(order)
    assert c.status == S.PENDING and c.mode == "direct"
    assert c.amount == order.total == Decimal("14997.00")
    assert c.purchaser_name == world.clerk.organization.name and c.supplier_name == world.supplier_a.name
    assert c.purchaser_uscc == world.clerk.organization.uscc and c.supplier_uscc == world.supplier_a.uscc
    assert c.supplier_is_sme is True and c.payment_term_days == 30
    assert c.late_interest_rate == Decimal("0.00050")
    [line] = c.lines.all()
    assert (line.title, line.brand, line.quantity, line.unit_price, line.amount) == ("联想 启天M437 台式计算机", "联想", 3, Decimal("4999.00"), Decimal("14997.00"))
    [funding] = c.fundings.all()
    assert funding.plan_id == world.plan.pk and funding.amount == c.amount
    text = "\n".join(t for _, t in c.clauses)
    assert "壹万肆仟玖佰玖拾柒元整" in text and "¥14,997.00" in text
    assert "不超过 60 日" in text and "0.05%" in text
    assert "验收合格之日起 30 日内" in text
    assert set(c.parties.values_list("pk", flat=True)) == {world.clerk.organization_id, world.supplier_a.pk}
    assert Notification.objects.filter(recipient=world.staff_a, title__contains="待签署").exists()


def test_the_payment_term_of_an_sme_never_exceeds_60_days_whatever_the_rules_say():
    world = make_world()
    ContractRules.objects.create(subsite=weihai(), payment_term_days=90)
    _, order = confirmed_order(world)
    assert contract_of(order).payment_term_days == 60


def test_a_large_supplier_gets_the_configured_term():
    world = make_world()
    SupplierProfile.objects.filter(supplier=world.supplier_a).update(enterprise_size=EnterpriseSize.LARGE)
    ContractRules.objects.create(subsite=weihai(), payment_term_days=90)
    _, order = confirmed_order(world)
    c = contract_of(order)
    assert c.payment_term_days == 90 and not c.supplier_is_sme


def test_the_purchaser_may_change_terms_before_signing_but_not_beyond_60_days_for_an_sme():
    world, order = confirmed_order()
    c = contract_of(order)
    with as_user(world.clerk), pytest.raises(BusinessError, match="不得超过 60 日") as exc:
        services.contract_update_terms(contract=c, user=world.clerk, payment_term_days="61", delivery_place="威海市新威路 1 号")
    assert exc.value.field == "payment_term_days"
    assert Contract.objects.get(pk=c.pk).payment_term_days == 30
    with as_user(world.clerk):
        services.contract_update_terms(contract=c, user=world.clerk, payment_term_days="45", delivery_place="威海市新威路 1 号")
    c.refresh_from_db()
    assert c.payment_term_days == 45 and "45 日内" in c.clauses[5][1]
    with as_user(world.clerk):
        services.contract_sign(contract=c, user=world.clerk)
    with as_user(world.clerk), pytest.raises(BusinessError, match="已有一方签署"):
        services.contract_update_terms(contract=c, user=world.clerk, payment_term_days="20", delivery_place="威海")


def test_an_order_on_two_plans_splits_the_contract_over_both_reservations():
    from govmall.ordering import services as ordering
    from govmall.purchasers.tests.helpers import make_plan

    world = make_world()
    second = make_plan(world.purchaser, "6000", category="A02")
    with as_user(world.clerk):
        ordering.cart_add(user=world.clerk, listing_id=world.desktop.pk, quantity=2)
        sid, cap = ordering.group_key(world.desktop)
        order = ordering.order_submit(user=world.clerk, supplier_id=sid, cap_category_id=cap, plan_ids=[second.pk, world.plan.pk], amounts={second.pk: "5000.00"}, prices={world.desktop.pk: "4999.00"}, token="two")
    with as_user(world.staff_a):
        ordering.order_confirm(order=order, user=world.staff_a)
    c = sign_both(world, contract_of(order))
    assert {f.plan_id: f.amount for f in c.fundings.all()} == {second.pk: Decimal("5000.00"), world.plan.pk: Decimal("4998.00")}
    assert Plan.objects.get(pk=second.pk).used == Decimal("5000.00")
    assert Plan.objects.get(pk=world.plan.pk).used == Decimal("4998.00")


# --- Signing ------------------------------------------------------------------------------------


def test_both_sides_sign_then_reservations_are_consumed_order_contracted_and_deadline_set():
    world, order = confirmed_order()
    c = contract_of(order)
    plan_before = Plan.objects.get(pk=world.plan.pk)
    assert plan_before.reserved == c.amount and plan_before.used == 0
    with as_user(world.clerk):
        services.contract_sign(contract=c, user=world.clerk)
    c.refresh_from_db()
    assert c.status == S.PENDING and c.signed_by_purchaser == world.clerk and c.signed_by_purchaser_at
    assert Notification.objects.filter(recipient=world.staff_a, title__contains="待您签署").exists()
    with as_user(world.staff_a):
        services.contract_sign(contract=c, user=world.staff_a)
    c.refresh_from_db()
    assert c.status == S.SIGNED and c.signed_by_supplier == world.staff_a and c.signed_at
    assert c.publish_deadline == add_working_days(c.signed_at, 2).date
    plan = Plan.objects.get(pk=world.plan.pk)
    assert (plan.used, plan.reserved) == (c.amount, Decimal("0"))
    res = Reservation.objects.get(pk=c.fundings.get().reservation_id)
    assert res.status == ReservationStatus.CONSUMED and res.consumed_amount == c.amount
    order.refresh_from_db()
    assert order.status == OrderStatus.CONTRACTED
    messages = list(AuditEntry.objects.filter(object_type="contracts.contract", object_id=str(c.pk)).values_list("message", flat=True))
    assert any("甲方（采购人）签署合同" in m for m in messages) and any("乙方（供应商）签署合同" in m for m in messages)


def test_a_stranger_cannot_sign_and_the_attempt_is_audited():
    world, order = confirmed_order()
    c = contract_of(order)
    other_clerk = make_user(Role.PURCHASER_CLERK)
    other_supplier = make_user(Role.SUPPLIER_STAFF)
    operator = make_user(Role.CENTRE_OPERATOR)
    for user in (other_clerk, other_supplier, operator):
        with as_user(user), pytest.raises(BusinessError, match="不是本合同的当事方"):
            services.contract_sign(contract=c, user=user)
    c.refresh_from_db()
    assert c.signed_by_purchaser_at is None and c.signed_by_supplier_at is None
    assert len(refusals(c)) == 3


def test_signing_twice_is_refused():
    world, order = confirmed_order()
    c = contract_of(order)
    with as_user(world.clerk):
        services.contract_sign(contract=c, user=world.clerk)
        with pytest.raises(BusinessError, match="不能重复签署"):
            services.contract_sign(contract=c, user=world.clerk)
    with as_user(world.approver), pytest.raises(BusinessError, match="不能重复签署"):
        services.contract_sign(contract=c, user=world.approver)  # the approver is the same side


def test_signing_a_signed_contract_is_refused_by_the_state():
    world, c = signed_contract()
    with as_user(world.clerk), pytest.raises(BusinessError, match="已签订"):
        services.contract_sign(contract=c, user=world.clerk)


# --- Cancellation and termination -------------------------------------------------------------


def test_cancelling_before_signing_releases_the_reservation_and_ends_the_order():
    world, order = confirmed_order()
    c = contract_of(order)
    with as_user(world.clerk):
        services.contract_cancel(contract=c, user=world.clerk, reason="预算调整，不再采购")
    c.refresh_from_db()
    order.refresh_from_db()
    assert c.status == S.CANCELLED and c.cancel_reason == "预算调整，不再采购"
    assert order.status == OrderStatus.TERMINATED
    plan = Plan.objects.get(pk=world.plan.pk)
    assert (plan.used, plan.reserved) == (Decimal("0"), Decimal("0"))
    with as_user(world.staff_a), pytest.raises(BusinessError, match="已取消"):
        services.contract_sign(contract=c, user=world.staff_a)


def test_the_supplier_cannot_cancel_and_a_reason_is_required():
    world, order = confirmed_order()
    c = contract_of(order)
    with as_user(world.staff_a), pytest.raises(BusinessError, match="采购人"):
        services.contract_cancel(contract=c, user=world.staff_a, reason="不想卖了")
    with as_user(world.clerk), pytest.raises(BusinessError, match="取消原因") as exc:
        services.contract_cancel(contract=c, user=world.clerk, reason="  ")
    assert exc.value.field == "reason"
    assert Contract.objects.get(pk=c.pk).status == S.PENDING


def test_a_signed_contract_cannot_be_cancelled_only_terminated_and_published():
    world, c = signed_contract()
    with as_user(world.clerk), pytest.raises(BusinessError):
        services.contract_cancel(contract=c, user=world.clerk, reason="改主意")
    with as_user(world.clerk):
        services.contract_terminate(contract=c, user=world.clerk, kind="mutual", reason="供应商停产，双方协商一致解除")
    c.refresh_from_db()
    assert c.status == S.TERMINATED and c.terminated_kind == "mutual"
    c.order.refresh_from_db()
    assert c.order.status == OrderStatus.TERMINATED
    ann = Announcement.objects.get(kind=AnnouncementKind.CONTRACT_CHANGE, subject_id=c.pk)
    assert "供应商停产" in ann.body and c.contract_no in ann.body
    # nothing was paid: the whole amount goes back to the plan and the annual cap
    plan = Plan.objects.get(pk=world.plan.pk)
    assert (plan.used, plan.reserved) == (Decimal("0.00"), Decimal("0.00"))
    res = Reservation.objects.get(pk=c.fundings.get().reservation_id)
    assert (res.status, res.consumed_amount, res.usage.used) == (ReservationStatus.CONSUMED, Decimal("0.00"), Decimal("0.00"))


def test_terminating_a_partly_paid_contract_gives_back_only_the_unpaid_part():
    world, c = accepted_contract()
    with as_user(world.clerk):
        services.payment_record(contract=c, user=world.clerk, amount="3000.00", paid_on=today(), voucher_no="PZ-1")
        services.contract_terminate(contract=c, user=world.clerk, kind="reason", reason="剩余货物供应商无法继续提供")
    plan = Plan.objects.get(pk=world.plan.pk)
    assert plan.used == Decimal("3000.00")
    res = Reservation.objects.get(pk=c.fundings.get().reservation_id)
    assert (res.consumed_amount, res.usage.used) == (Decimal("3000.00"), Decimal("3000.00"))
    assert "退回" in AuditEntry.objects.filter(object_type="limits.reservation", object_id=str(res.pk)).latest("id").message
    # the plan's ledger still balances with its reservations: the reconciliation lists nothing
    from govmall.contracts.selectors import reconciliation

    assert [m.kind for m in reconciliation(world.clerk) if m.kind in ("ledger", "used_no_contract", "over_reservation")] == []


def test_termination_needs_a_kind_and_a_reason():
    world, c = signed_contract()
    with as_user(world.clerk), pytest.raises(BusinessError) as exc:
        services.contract_terminate(contract=c, user=world.clerk, kind="", reason="原因很充分")
    assert exc.value.field == "kind"
    with as_user(world.clerk), pytest.raises(BusinessError) as exc:
        services.contract_terminate(contract=c, user=world.clerk, kind="reason", reason="短")
    assert exc.value.field == "reason"
    assert Contract.objects.get(pk=c.pk).status == S.SIGNED


# --- Publication --------------------------------------------------------------------------------


def test_the_purchaser_publishes_the_contract_notice_once():
    world, c = signed_contract()
    with as_user(world.staff_a), pytest.raises(BusinessError, match="采购人"):
        services.contract_publish(contract=c, user=world.staff_a)
    with as_user(world.clerk):
        services.contract_publish(contract=c, user=world.clerk)
    c.refresh_from_db()
    ann = Announcement.objects.get(kind=AnnouncementKind.CONTRACT, subject_id=c.pk)
    assert c.published_at == ann.published_at
    assert c.supplier_name in ann.body and "9,998.00 元（人民币玖仟玖佰玖拾捌元整）" in ann.body
    assert c.contract_no in ann.body and ann.link == f"/contracts/public/{c.contract_no}.pdf"
    with as_user(world.clerk), pytest.raises(BusinessError, match="不能重复发布"):
        services.contract_publish(contract=c, user=world.clerk)


def test_an_unsigned_contract_cannot_be_published():
    world, order = confirmed_order()
    with as_user(world.clerk), pytest.raises(BusinessError, match="尚未签订"):
        services.contract_publish(contract=contract_of(order), user=world.clerk)


def test_overdue_publication_is_flagged_to_the_supervisors_of_the_region_once():
    from govmall.contracts.tasks import flag_overdue_publications

    world, c = signed_contract()
    city = make_user(Role.FINANCE_SUPERVISOR, region_code="371000")
    elsewhere = make_user(Role.FINANCE_SUPERVISOR, region_code="371002")  # 环翠区: the purchaser is a city unit
    assert flag_overdue_publications(today()) == 0
    later = c.publish_deadline + dt.timedelta(days=1)
    assert flag_overdue_publications(later) == 1
    assert flag_overdue_publications(later) == 1  # idempotent: notified once
    assert Notification.objects.filter(recipient=city, title__contains=c.contract_no).count() == 1
    assert not Notification.objects.filter(recipient=elsewhere).exists()
    assert Notification.objects.filter(recipient=world.clerk, title__contains="请立即发布合同公告").count() == 1


# --- Delivery and acceptance -----------------------------------------------------------------


def test_acceptance_before_delivery_is_refused():
    world, c = signed_contract()
    with as_user(world.clerk), pytest.raises(BusinessError, match="尚未发出送达通知"):
        services.acceptance_sign(contract=c, user=world.clerk, lines=full_acceptance(c), conclusion="passed")
    assert not c.acceptances.exists()
    assert refusals(c)


def test_delivery_before_signing_is_refused():
    world, order = confirmed_order()
    c = contract_of(order)
    with as_user(world.staff_a), pytest.raises(BusinessError, match="须先双方签署"):
        services.contract_deliver(contract=c, user=world.staff_a)


def test_the_purchaser_cannot_deliver_and_the_supplier_cannot_accept():
    world, c = signed_contract()
    with as_user(world.clerk), pytest.raises(BusinessError, match="供应商"):
        services.contract_deliver(contract=c, user=world.clerk)
    world, c = delivered_contract(world)
    with as_user(world.staff_a), pytest.raises(BusinessError, match="采购人"):
        services.acceptance_sign(contract=c, user=world.staff_a, lines=full_acceptance(c), conclusion="passed")


def test_delivery_then_acceptance_sets_the_due_date_and_marks_the_order():
    world, c = delivered_contract()
    assert c.status == S.DELIVERED and c.order.status == OrderStatus.DELIVERED
    with as_user(world.clerk):
        a = services.acceptance_sign(contract=c, user=world.clerk, lines=full_acceptance(c), conclusion="passed", remarks="外观完好，开机正常")
    c.refresh_from_db()
    assert c.status == S.ACCEPTED and c.payment_due_on == today() + dt.timedelta(days=30)
    assert a.signed_by == world.clerk and a.conclusion == "passed"
    assert [(al.accepted_quantity, al.rejected_quantity) for al in a.lines.all()] == [(2, 0)]
    c.order.refresh_from_db()
    assert c.order.status == OrderStatus.ACCEPTED


def test_an_order_delivered_through_the_ordering_pages_can_be_accepted():
    from govmall.ordering import services as ordering

    world, c = signed_contract()
    with as_user(world.staff_a):
        ordering.order_deliver(c.order, "送到了", user=world.staff_a)
    with as_user(world.clerk):
        services.acceptance_sign(contract=c, user=world.clerk, lines=full_acceptance(c), conclusion="passed")
    assert Contract.objects.get(pk=c.pk).status == S.ACCEPTED


@pytest.mark.parametrize(
    "accepted, rejected, reason, conclusion, message",
    [
        (3, 0, "", "passed", "超过合同数量"),
        (1, 0, "", "passed", "须等于合同数量"),
        (1, 1, "", "failed", "请填写拒收原因"),
        (1, 1, "屏幕破损", "passed", "不能为「验收合格」"),
        (-1, 3, "坏了", "failed", "不能为负数"),
    ],
)
def test_bad_acceptance_quantities_are_refused_with_the_line_named(accepted, rejected, reason, conclusion, message):
    world, c = delivered_contract()
    line = c.lines.get()
    with as_user(world.clerk), pytest.raises(BusinessError, match=message) as exc:
        services.acceptance_sign(
            contract=c, user=world.clerk, conclusion=conclusion,
            lines=[services.AcceptanceInput(line_id=line.pk, accepted_quantity=accepted, rejected_quantity=rejected, reject_reason=reason)],
        )  # fmt: skip
    assert "第 1 项" in exc.value.message or exc.value.field == "conclusion"
    c.refresh_from_db()
    assert c.status == S.DELIVERED and not c.acceptances.exists()


def test_failed_acceptance_sends_the_supplier_back_to_deliver_again():
    world, c = delivered_contract()
    line = c.lines.get()
    with as_user(world.clerk):
        services.acceptance_sign(contract=c, user=world.clerk, conclusion="failed", lines=[services.AcceptanceInput(line.pk, 1, 1, "屏幕破损")])
    c.refresh_from_db()
    assert c.status == S.SIGNED and c.delivered_at is None
    c.order.refresh_from_db()
    assert c.order.status == OrderStatus.CONTRACTED
    with as_user(world.staff_a):
        services.contract_deliver(contract=c, user=world.staff_a, note="已更换")
    with as_user(world.clerk):
        services.acceptance_sign(contract=c, user=world.clerk, lines=full_acceptance(c), conclusion="passed")
    c.refresh_from_db()
    assert c.status == S.ACCEPTED and c.acceptances.count() == 2


# --- Payment ------------------------------------------------------------------------------------


def pay(world, c, amount, voucher, key="", on=None):
    with as_user(world.clerk):
        return services.payment_record(contract=c, user=world.clerk, amount=amount, paid_on=on or today(), voucher_no=voucher, idempotency_key=key)


def test_payment_before_acceptance_is_refused():
    world, c = delivered_contract()
    with pytest.raises(BusinessError, match="验收合格后方可登记付款"):
        pay(world, c, "100", "V1")
    assert not Payment.objects.exists()


def test_payments_up_to_the_amount_complete_the_contract_and_the_order():
    world, c = accepted_contract()
    p1, created = pay(world, c, "4000", "PZ-001", key="k1")
    assert created and p1.amount == Decimal("4000.00")
    c.refresh_from_db()
    assert c.paid_total == Decimal("4000.00") and c.status == S.ACCEPTED
    pay(world, c, "5998", "PZ-002", key="k2")
    c.refresh_from_db()
    assert c.status == S.COMPLETED and c.paid_total == c.amount and c.completed_at
    c.order.refresh_from_db()
    assert c.order.status == OrderStatus.COMPLETED
    assert Notification.objects.filter(recipient=world.staff_a, title__contains="收到付款").count() == 2


def test_a_payment_above_what_remains_is_refused_and_nothing_is_paid():
    world, c = accepted_contract()
    pay(world, c, "9000", "PZ-1")
    with pytest.raises(BusinessError, match="超过未付金额") as exc:
        pay(world, c, "999", "PZ-2")
    assert exc.value.field == "amount" and "998.00" in exc.value.message
    assert Contract.objects.get(pk=c.pk).paid_total == Decimal("9000.00")
    assert Payment.objects.count() == 1
    assert any("登记付款" in m for m in refusals(c))


def test_a_double_click_with_the_same_key_pays_once():
    world, c = accepted_contract()
    first, created = pay(world, c, "1000", "PZ-9", key="same-click")
    again, created_again = pay(world, c, "1000", "PZ-9", key="same-click")
    assert created and not created_again and first.pk == again.pk
    assert Contract.objects.get(pk=c.pk).paid_total == Decimal("1000.00")


def test_the_same_voucher_twice_is_refused():
    world, c = accepted_contract()
    pay(world, c, "1000", "PZ-9", key="a")
    with pytest.raises(BusinessError, match="已登记"):
        pay(world, c, "1000", "PZ-9", key="b")


@pytest.mark.parametrize("amount, voucher, on, field", [("0", "V", None, "amount"), ("abc", "V", None, "amount"), ("1.001", "V", None, "amount"), ("10", "", None, "voucher_no"), ("10", "V", "2099-01-01", "paid_on"), ("10", "V", "yesterday", "paid_on")])
def test_bad_payment_input_names_the_field(amount, voucher, on, field):
    world, c = accepted_contract()
    with as_user(world.clerk), pytest.raises(BusinessError) as exc:
        services.payment_record(contract=c, user=world.clerk, amount=amount, paid_on=on or today(), voucher_no=voucher)
    assert exc.value.field == field
    assert not Payment.objects.exists()


def test_the_supplier_or_a_stranger_cannot_record_payments():
    world, c = accepted_contract()
    for user in (world.staff_a, make_user(Role.PURCHASER_CLERK), make_user(Role.FINANCE_SUPERVISOR)):
        with as_user(user), pytest.raises(BusinessError, match="采购人"):
            services.payment_record(contract=c, user=user, amount="10", paid_on=today(), voucher_no="X")
    assert not Payment.objects.exists()


def test_late_interest_is_005_percent_a_day_on_what_is_unpaid():
    world, c = accepted_contract()
    assert c.payment_due_on == today() + dt.timedelta(days=30)
    pay(world, c, "1998", "PZ-1")
    c.refresh_from_db()
    assert services.late_interest(c, c.payment_due_on) == (0, Decimal("0.00"))
    days, interest = services.late_interest(c, today() + dt.timedelta(days=40))
    assert days == 10 and interest == (Decimal("8000.00") * Decimal("0.0005") * 10).quantize(Decimal("0.01")) == Decimal("40.00")


def test_overdue_payments_to_smes_are_flagged_once_with_days_and_interest():
    from govmall.contracts.tasks import flag_overdue_payments

    world, c = accepted_contract()
    sup = make_user(Role.FINANCE_SUPERVISOR, region_code="371000")
    later = today() + dt.timedelta(days=35)
    assert flag_overdue_payments(today()) == 0
    assert flag_overdue_payments(later) == 1
    assert flag_overdue_payments(later) == 1
    [n] = Notification.objects.filter(recipient=sup)
    assert "逾期 5 天" in n.body and "25.00 元" in n.body  # 9,998 × 0.05 % × 5 = 24.995
    world2, c2 = accepted_contract()
    Contract.objects.filter(pk=c2.pk).update(supplier_is_sme=False)
    assert flag_overdue_payments(later) == 1  # only the SME contract


# --- Bidding ------------------------------------------------------------------------------------


def test_a_confirmed_bidding_award_generates_a_contract_that_signing_consumes():
    from govmall.bidding.models import BiddingStatus
    from govmall.bidding.tests import helpers as bh
    from govmall.bidding import services as bidding

    bh.make_mall()
    buyer, plan = bh.make_buyer()
    b = bh.published(buyer, plan)
    sups = [bh.make_supplier() for _ in range(3)]
    for i, s in enumerate(sups):
        bh.quote(s, b, 500000 + i * 10000, brand_model="联想 启天M437")
    b = bh.close(bh.move_deadline(b))
    winner = next(s for s in sups if s.organization_id == b.awarded_quote.supplier_id)
    with bh.as_user(winner):
        bidding.award_confirm(bidding=b, user=winner)
    c = Contract.objects.get(bidding=b)
    assert c.mode == "bidding" and c.amount == Decimal("500000.00") and c.supplier_id == winner.organization_id
    [line] = c.lines.all()
    assert line.quantity == 100 and line.unit_price == Decimal("5000.00") and "联想" in line.brand
    assert c.delivery_place == "威海市环翠区新威路 1 号" and c.delivery_days == 15
    with bh.as_user(buyer):
        services.contract_sign(contract=c, user=buyer)
    with bh.as_user(winner):
        services.contract_sign(contract=c, user=winner)
    c.refresh_from_db()
    b.refresh_from_db()
    assert c.status == S.SIGNED and b.status == BiddingStatus.CONTRACTED
    p = Plan.objects.get(pk=plan.pk)
    assert p.used == Decimal("500000.00") and p.reserved == 0  # the rest of the ceiling is freed
    with bh.as_user(winner):
        services.contract_deliver(contract=c, user=winner, note="已送达")
    with bh.as_user(buyer):
        services.acceptance_sign(contract=c, user=buyer, lines=full_acceptance(c), conclusion="passed")
    assert Contract.objects.get(pk=c.pk).status == S.ACCEPTED


# --- PDFs ---------------------------------------------------------------------------------------


def test_the_contract_pdf_is_rendered_after_commit_with_its_hash(django_capture_on_commit_callbacks):
    from govmall.core.pdf import sha256
    from govmall.contracts.pdfs import read_verified

    world = make_world()
    with django_capture_on_commit_callbacks(execute=True):
        _, order = confirmed_order(world)
    c = contract_of(order)
    assert c.pdf and len(c.pdf_sha256) == 64
    data = read_verified(c.pdf, c.pdf_sha256)
    assert data.startswith(b"%PDF-") and sha256(data) == c.pdf_sha256
    first = c.pdf.name
    with django_capture_on_commit_callbacks(execute=True):
        c = sign_both(world, c)
    c.refresh_from_db()
    assert c.pdf and c.pdf.name != first and c.pdf_version == 1
    # a changed file is detected
    from django.core.files.storage import default_storage

    with default_storage.open(c.pdf.name, "wb") as fh:
        fh.write(b"%PDF-1.4 tampered")
    assert read_verified(c.pdf, c.pdf_sha256) is None


def test_a_stale_render_does_not_overwrite_a_newer_version():
    from govmall.contracts.pdfs import store_contract_pdf

    world, order = confirmed_order()
    c = contract_of(order)
    Contract.objects.filter(pk=c.pk).update(pdf_version=3)
    assert store_contract_pdf(c.pk, 0) is False
    assert store_contract_pdf(c.pk, 3) is True
    assert store_contract_pdf(c.pk, 3) is False  # idempotent


def test_a_supplier_with_open_contracts_cannot_exit():
    from govmall.contracts.exits import open_contracts_of_supplier

    world, c = signed_contract()
    assert open_contracts_of_supplier(world.supplier_a) == [f"合同 {c.contract_no}（已签订）"]


def _bidding_contract():
    from govmall.bidding import services as bidding
    from govmall.bidding.tests import helpers as bh

    bh.make_mall()
    buyer, plan = bh.make_buyer()
    b = bh.published(buyer, plan)
    sups = [bh.make_supplier() for _ in range(3)]
    for i, s in enumerate(sups):
        bh.quote(s, b, 500000 + i * 10000, brand_model="联想 启天M437")
    b = bh.close(bh.move_deadline(b))
    winner = next(s for s in sups if s.organization_id == b.awarded_quote.supplier_id)
    with bh.as_user(winner):
        bidding.award_confirm(bidding=b, user=winner)
    return buyer, winner, plan, b, Contract.objects.get(bidding=b)


def test_cancelling_a_bidding_contract_before_signing_ends_the_bidding_and_frees_the_plan():
    from govmall.bidding.models import BiddingStatus
    from govmall.bidding.tests import helpers as bh

    buyer, _, plan, b, c = _bidding_contract()
    with bh.as_user(buyer):
        services.contract_cancel(contract=c, user=buyer, reason="预算调整，不再采购")
    b.refresh_from_db()
    assert b.status == BiddingStatus.TERMINATED
    p = Plan.objects.get(pk=plan.pk)
    assert (p.used, p.reserved) == (Decimal("0.00"), Decimal("0.00"))


def test_terminating_a_signed_bidding_contract_ends_the_bidding_and_gives_the_money_back():
    from govmall.bidding.models import BiddingStatus
    from govmall.bidding.tests import helpers as bh

    buyer, winner, plan, b, c = _bidding_contract()
    with bh.as_user(buyer):
        services.contract_sign(contract=c, user=buyer)
    with bh.as_user(winner):
        services.contract_sign(contract=c, user=winner)
    with bh.as_user(buyer):
        services.contract_terminate(contract=c, user=buyer, kind="mutual", reason="需求取消，双方协商一致")
    b.refresh_from_db()
    assert b.status == BiddingStatus.TERMINATED
    assert Plan.objects.get(pk=plan.pk).used == Decimal("0.00")


def test_a_signed_direct_purchase_is_one_delivery_to_do_and_once_delivered_one_acceptance_to_do():
    from govmall.accounts.workspace import todos_for

    def labels(user):
        return {t["label"]: t["count"] for t in todos_for(user) if t["count"]}

    world, c = signed_contract()
    supplier = labels(world.staff_a)
    assert supplier.get("待送货合同") == 1
    assert not [label for label in supplier if "送货" in label and label != "待送货合同"]  # not again as an order
    with as_user(world.staff_a):
        services.contract_deliver(contract=c, user=world.staff_a, note="已送达")
    buyer = labels(world.clerk)
    assert buyer.get("待验收") == 1
    assert not [label for label in buyer if "验收" in label and label != "待验收"]
