"""Ordering reads: the cart by supplier group, the purchaser's usable plans, order lists and
queues. Person-triggered reads go through accounts.scoping."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from govmall.accounts import scoping
from govmall.accounts.models import Role
from govmall.audit.models import AuditEntry
from govmall.catalog.selectors import cap_category as cap_category_of
from govmall.ordering.models import CartItem, Order, OrderStatus
from govmall.plans.models import OPEN_STATUSES, Plan
from govmall.purchasers.budget import today
from govmall.purchasers.selectors import purchaser_of_user

S = OrderStatus
OPEN_FOR_SUPPLIER = (S.AWAITING_SUPPLIER, S.CONFIRMED, S.CONTRACTED, S.DELIVERED, S.ACCEPTED)


@dataclass
class CartGroup:
    supplier: object
    cap_category: object
    items: list = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((i.listing.price * i.quantity for i in self.items), Decimal("0"))

    @property
    def key(self) -> str:
        return f"{self.supplier.pk}-{self.cap_category.pk}"


def cart_groups(user) -> list[CartGroup]:
    """The user's cart, one group per supplier (and level-2 category, as annual caps count
    per level-2 category: a supplier selling in two gives two orders)."""
    items = scoping.visible(user, CartItem).select_related("listing", "listing__supplier", "listing__category", "listing__brand").order_by("id")
    groups: dict[tuple[int, int], CartGroup] = {}
    for item in items:
        cap = cap_category_of(item.listing.category)
        key = (item.listing.supplier_id, cap.pk)
        if key not in groups:
            groups[key] = CartGroup(item.listing.supplier, cap)
        groups[key].items.append(item)
    return list(groups.values())


def cart_count(user) -> int:
    return scoping.visible(user, CartItem).count()


def usable_plans(user, *, category=None):
    """The purchaser's own open plans of this year with money left (for the checkout)."""
    purchaser = purchaser_of_user(user)
    if purchaser is None:
        return Plan.objects.none()
    qs = scoping.visible(user, Plan).filter(purchaser=purchaser, status__in=OPEN_STATUSES, year=today().year).select_related("category")
    plans = [p for p in qs.order_by("plan_no") if p.remaining > 0]
    if category is not None:
        plans = [p for p in plans if category.path.startswith(p.category.path)]
    return plans


def orders_for(user):
    return scoping.visible(user, Order).select_related("purchaser__organization", "supplier").distinct()


def approval_queue(user):
    if Role.PURCHASER_APPROVER not in user.role_set:
        return Order.objects.none()
    return orders_for(user).filter(status=S.PENDING_APPROVAL, purchaser__organization_id=user.organization_id)


def supplier_queue(user, which: str):
    if Role.SUPPLIER_STAFF not in user.role_set:
        return Order.objects.none()
    qs = orders_for(user).filter(supplier_id=user.organization_id)
    if which == "confirm":
        return qs.filter(status=S.AWAITING_SUPPLIER).order_by("confirm_deadline")
    if which == "deliver":
        return qs.filter(status=S.CONTRACTED).order_by("contracted_at")
    return qs


def open_orders_of_supplier(org) -> list[str]:
    """For the supplier exit check: the supplier's orders still in progress (Chinese)."""
    rows = Order.objects.filter(supplier=org, status__in=OPEN_FOR_SUPPLIER).select_related("purchaser__organization").order_by("created_at")
    return [f"直购订单 {o.order_no}（{o.purchaser.name}，{o.get_status_display()}）" for o in rows]


def last_delivery_address(user) -> str:
    """Where the unit's latest order went: a clerk mostly orders to the same place, so the
    checkout starts from it (else from the organization's address)."""
    if not user.organization_id:
        return ""
    latest = Order.objects.filter(purchaser__organization_id=user.organization_id).exclude(delivery_address="").order_by("-pk")
    return latest.values_list("delivery_address", flat=True).first() or ""


def timeline(order: Order, *, for_supplier: bool = False) -> list[AuditEntry]:
    """The order's history from the audit log. The supplier sees the status changes from the
    moment the order reached it (not the purchaser's internal steps or plans)."""
    qs = AuditEntry.objects.filter(Q(object_type="ordering.order", object_id=str(order.pk)))
    if not for_supplier:
        return list(qs.order_by("id"))
    if not order.sent_to_supplier_at:
        return []
    entries = list(qs.filter(action__in=("create", "transition"), created_at__gte=order.sent_to_supplier_at).order_by("id"))
    for e in entries:
        if e.action == "create":
            e.message = f"采购人提交订单，金额 {order.total:,.2f} 元"  # shown only; the purchaser's plans stay internal
    return entries


def orders_of_reservation(reservation, user) -> list[tuple[str, str, str]]:
    """For the reservation page (limits.hooks.register_related): the order the money was
    reserved for, if `user` may see it."""
    from django.urls import reverse

    orders = scoping.visible(user, Order).filter(fundings__reservation=reservation).distinct().only("pk", "order_no", "status")
    return [("直购订单", f"{o.order_no}（{o.get_status_display()}）", reverse("ordering:order_detail", args=[o.pk])) for o in orders]
