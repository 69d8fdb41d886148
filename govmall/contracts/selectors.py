"""Reads of the contracts app: overdue lists, the reconciliation report and the closed-loop
trace of a plan. Every function takes an already scoped queryset or checks scope itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from govmall.accounts import scoping
from govmall.bidding.models import Bidding, BiddingStatus
from govmall.contracts.models import Contract, ContractFunding, ContractStatus, Payment
from govmall.core.money import CENT
from govmall.limits.models import Reservation, ReservationStatus
from govmall.ordering.models import Order, OrderFunding, OrderStatus
from govmall.plans.models import Plan

ORDERS_ENDED_UNBOUGHT = (OrderStatus.REFUSED, OrderStatus.REJECTED, OrderStatus.LAPSED, OrderStatus.CANCELLED)
BIDDINGS_ENDED_UNBOUGHT = (BiddingStatus.DRAFT, BiddingStatus.FAILED, BiddingStatus.CANCELLED)
SIGNED_STATUSES = (ContractStatus.SIGNED, ContractStatus.DELIVERED, ContractStatus.ACCEPTED, ContractStatus.COMPLETED, ContractStatus.TERMINATED)


def unpublished_overdue(qs, today: dt.date):
    """Signed contracts whose notice is not out by the deadline (2 working days)."""
    return qs.filter(signed_at__isnull=False, published_at__isnull=True, publish_deadline__lt=today).exclude(status=ContractStatus.CANCELLED)


def payments_overdue(qs, today: dt.date, *, sme_only: bool = False):
    out = qs.filter(status=ContractStatus.ACCEPTED, payment_due_on__lt=today)
    return out.filter(supplier_is_sme=True) if sme_only else out


@dataclass
class Mismatch:
    kind: str
    label: str
    purchaser: str
    district: str
    reference: str
    amount: Decimal | None
    detail: str
    link: str = ""


KINDS = {
    "no_contract": "已下单（成交）未签约",
    "unpublished": "已签约未按期公告",
    "unpaid": "已验收逾期未付款",
    "overpaid": "付款超过合同金额",
    "over_reservation": "合同金额超过预留额度",
    "used_no_contract": "计划已用无合同",
    "ledger": "计划金额与预留明细不符",
}


def reconciliation(user, *, today: dt.date | None = None, alert_days: int = 5, purchaser_id: int | None = None, district_code: str = "") -> list[Mismatch]:
    """Every mismatch in the loop the user may see (purchasers their own; finance supervisors
    their region). Filter by purchaser or district."""
    today = today or timezone.localdate()
    since = timezone.now() - dt.timedelta(days=alert_days)
    contracts = scoping.visible(user, Contract).select_related("purchaser__organization", "purchaser__district")
    orders = scoping.visible(user, Order).select_related("purchaser__organization", "purchaser__district")
    biddings = scoping.visible(user, Bidding).select_related("purchaser__organization", "purchaser__district")
    if purchaser_id:
        contracts, orders, biddings = (q.filter(purchaser_id=purchaser_id) for q in (contracts, orders, biddings))
    if district_code:
        contracts, orders, biddings = (q.filter(purchaser__district__code=district_code) for q in (contracts, orders, biddings))
    out: list[Mismatch] = []

    def add(kind, p, reference, amount, detail, link=""):
        out.append(Mismatch(kind, KINDS[kind], p.name, p.district.name, reference, amount, detail, link))

    from django.urls import reverse

    for o in orders.filter(status=OrderStatus.CONFIRMED, confirmed_at__lt=since).order_by("confirmed_at"):
        days = (today - timezone.localdate(o.confirmed_at)).days
        add("no_contract", o.purchaser, o.order_no, o.total, f"订单 {timezone.localdate(o.confirmed_at):%Y-%m-%d} 确认，{days} 天未签订合同")
    for b in biddings.filter(status=BiddingStatus.CONFIRMED, award_confirmed_at__lt=since).order_by("award_confirmed_at"):
        days = (today - timezone.localdate(b.award_confirmed_at)).days
        add("no_contract", b.purchaser, b.bidding_no, None, f"成交 {timezone.localdate(b.award_confirmed_at):%Y-%m-%d} 确认，{days} 天未签订合同")
    for c in unpublished_overdue(contracts, today).order_by("publish_deadline"):
        add("unpublished", c.purchaser, c.contract_no, c.amount, f"公告期限 {c.publish_deadline:%Y-%m-%d}，已逾期 {(today - c.publish_deadline).days} 天未公告", reverse("contracts:detail", args=[c.contract_no]))
    for c in payments_overdue(contracts, today).order_by("payment_due_on"):
        days = (today - c.payment_due_on).days
        interest = (c.remaining * c.late_interest_rate * days).quantize(CENT, rounding=ROUND_HALF_UP)
        add("unpaid", c.purchaser, c.contract_no, c.remaining,
            f"付款到期日 {c.payment_due_on:%Y-%m-%d}，逾期 {days} 天，未付 {c.remaining:,.2f} 元，逾期利息 {interest:,.2f} 元" + ("（中小企业）" if c.supplier_is_sme else ""),
            reverse("contracts:detail", args=[c.contract_no]))  # fmt: skip
    paid = {r["contract"]: r["s"] for r in Payment.objects.filter(contract__in=contracts).values("contract").annotate(s=Sum("amount"))}
    for c in contracts.filter(Q(pk__in=list(paid)) | Q(paid_total__gt=0)):
        total = paid.get(c.pk) or Decimal("0")
        if total > c.amount or total != c.paid_total:
            add("overpaid", c.purchaser, c.contract_no, total, f"付款合计 {total:,.2f} 元，合同金额 {c.amount:,.2f} 元，登记已付 {c.paid_total:,.2f} 元")
    fundings = ContractFunding.objects.filter(contract__in=contracts.filter(status__in=SIGNED_STATUSES)).select_related("contract__purchaser__organization", "contract__purchaser__district", "reservation")
    for f in fundings:
        r = f.reservation
        # a terminated contract gave its unpaid part back: it may use less, never more
        wrong_use = r.consumed_amount is not None and (
            r.consumed_amount > f.amount if f.contract.status == ContractStatus.TERMINATED else r.consumed_amount != f.amount
        )
        if f.amount > r.amount or wrong_use:
            add("over_reservation", f.contract.purchaser, f.contract.contract_no, f.amount,
                f"计划资金 {f.amount:,.2f} 元，预留 {r.amount:,.2f} 元，签约占用 {r.consumed_amount if r.consumed_amount is not None else '—'}")  # fmt: skip
    _plan_checks(user, add, purchaser_id=purchaser_id, district_code=district_code)
    return out


def _plan_checks(user, add, *, purchaser_id: int | None, district_code: str) -> None:
    """The plans' own ledger: money recorded as used must stand on a signed contract, and a
    plan's used and reserved amounts must equal the sums of its reservations."""
    from django.urls import reverse

    plans = scoping.visible(user, Plan).select_related("purchaser__organization", "purchaser__district")
    reservations = scoping.visible(user, Reservation).select_related("purchaser__organization", "purchaser__district", "plan")
    if purchaser_id:
        plans, reservations = plans.filter(purchaser_id=purchaser_id), reservations.filter(purchaser_id=purchaser_id)
    if district_code:
        plans, reservations = plans.filter(purchaser__district__code=district_code), reservations.filter(purchaser__district__code=district_code)
    signed = ContractFunding.objects.filter(contract__status__in=SIGNED_STATUSES).values("reservation_id")
    for r in reservations.filter(status=ReservationStatus.CONSUMED).exclude(pk__in=signed).order_by("finished_at", "pk"):
        add("used_no_contract", r.purchaser, r.reference or f"额度预留 {r.pk}", r.consumed_amount,
            f"计划 {r.plan.plan_no} 记为已用 {r.consumed_amount or 0:,.2f} 元（{r.get_mode_display()}），但没有对应的已签订合同",
            reverse("contracts:trace", args=[r.plan_id]))  # fmt: skip
    sums = {
        row["plan"]: row
        for row in Reservation.objects.filter(plan__in=plans).values("plan").annotate(
            used=Sum("consumed_amount", filter=Q(status=ReservationStatus.CONSUMED)), held=Sum("amount", filter=Q(status=ReservationStatus.RESERVED))
        )
    }
    zero = Decimal("0")
    for p in plans.order_by("plan_no"):
        row = sums.get(p.pk, {})
        used, held = row.get("used") or zero, row.get("held") or zero
        if p.used != used or p.reserved != held:
            add("ledger", p.purchaser, p.plan_no, p.used,
                f"计划记载已用 {p.used:,.2f} 元、预留 {p.reserved:,.2f} 元；额度预留明细合计已用 {used:,.2f} 元、预留 {held:,.2f} 元",
                reverse("contracts:trace", args=[p.pk]))  # fmt: skip


@dataclass
class TraceContract:
    contract: Contract
    share: Decimal  # the part of the contract this plan pays
    paid_share: Decimal
    acceptances: list = field(default_factory=list)
    payments: list = field(default_factory=list)


@dataclass
class Trace:
    plan: Plan
    reservations: list
    orders: list  # (order, amount from this plan)
    biddings: list
    contracts: list[TraceContract]
    totals: dict


def plan_trace(user, plan: Plan) -> Trace:
    """Budget → plan → orders and biddings → contracts → acceptance → payments, with the
    amount this plan bears at each step (a contract funded by several plans counts its share)."""
    reservations = list(scoping.visible(user, Reservation).filter(plan=plan).order_by("created_at"))
    order_rows = list(OrderFunding.objects.filter(plan=plan, order__in=scoping.visible(user, Order)).select_related("order").order_by("order__created_at"))
    biddings = list(scoping.visible(user, Bidding).filter(plan=plan).order_by("created_at"))
    contracts = []
    for f in ContractFunding.objects.filter(plan=plan, contract__in=scoping.visible(user, Contract)).select_related("contract").order_by("contract__created_at"):
        c = f.contract
        ratio = f.amount / c.amount
        contracts.append(TraceContract(
            contract=c, share=f.amount, paid_share=(c.paid_total * ratio).quantize(CENT),
            acceptances=list(c.acceptances.all()), payments=list(c.payments.all()),
        ))  # fmt: skip
    signed = [t for t in contracts if t.contract.signed_at]
    totals = {
        "plan": plan.amount, "used": plan.used, "reserved": plan.reserved, "remaining": plan.amount - plan.used - plan.reserved,
        # orders and biddings that ended without buying (refused, cancelled, lapsed, failed …)
        # are listed on the page but not counted in the step amounts
        "ordered": sum((r.amount for r in order_rows if r.order.status not in ORDERS_ENDED_UNBOUGHT), Decimal("0")),
        "bidding_ceiling": sum((b.ceiling_price for b in biddings if b.status not in BIDDINGS_ENDED_UNBOUGHT), Decimal("0")),
        "contracted": sum((t.share for t in signed if t.contract.status != ContractStatus.CANCELLED), Decimal("0")),
        "accepted": sum((t.share for t in signed if t.contract.accepted_at), Decimal("0")),
        "paid": sum((t.paid_share for t in contracts), Decimal("0")),
    }  # fmt: skip
    return Trace(plan=plan, reservations=reservations, orders=order_rows, biddings=biddings, contracts=contracts, totals=totals)


def contract_link_for_order(order, user) -> list[tuple[str, str, str]]:
    """For the order page (ordering.hooks.register_related): the order's contract, if `user`
    may see it."""
    from django.urls import reverse

    c = scoping.visible(user, Contract).filter(order=order).only("contract_no", "status").first()
    if c is None:
        return []
    return [("合同", f"{c.contract_no}（{c.get_status_display()}）", reverse("contracts:detail", args=[c.contract_no]))]
